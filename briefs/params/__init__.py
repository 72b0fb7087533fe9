"""Stage 1, params: a meeting's params file in, a validated `Meeting` out (or problems, exit 2).

`model` declares the meeting and its limits; `reading` reads the YAML within bounds and
words every problem at its file, line and key.
"""

from briefs.params.model import (  # noqa: F401  (the limits are part of the contract: the CLI and tests use them)
    DATA_MAX,
    ID_MAX,
    KECAMATAN_MAX,
    KECAMATAN_NAME_MAX,
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    ORGANIZER_MAX,
    ORGANIZERS_MAX,
    PLACE_MAX,
    REGENCY_MAX,
    SOURCE_MAX,
    TIMEOUT_MAX,
    TIMEOUT_MIN,
    TITLE_MAX,
    Meeting,
    Target,
    timeout_option,
)
from briefs.params.reading import line_of, load, with_options  # noqa: F401
