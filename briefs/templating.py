"""The one Jinja2 setup for every page and snippet we write ourselves.

Area names, params values and data cells are untrusted, so autoescaping is always on;
a name missing from a template must fail loudly rather than print nothing, so
undefined names are errors. Indonesian formats are available as filters everywhere.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from briefs import fmt, paths

FILTERS = ("angka", "angka_bertanda", "persen", "persen_kata", "poin", "rupiah", "rupiah_ringkas",
           "tanggal", "tanggal_pendek", "periode", "periode_singkat")


@cache
def environment(folder: Path = paths.TEMPLATES, compact: bool = False) -> jinja2.Environment:
    """Templates under `folder`; `compact` drops the newlines around block tags (snippets)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=not compact, trim_blocks=compact, lstrip_blocks=compact,
    )
    env.filters.update({name: getattr(fmt, name) for name in FILTERS})
    return env
