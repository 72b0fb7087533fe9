"""A word from a notebook helper to the analyst, for a value the helper returned as text.

`nb.tabel`, a chart or a card carry their warnings in their own output's metadata. A
helper that returns a string (`nb.persen`) has no output of its own: the string goes into
an f-string, a card or a chart label, perhaps in another cell. So it writes one line to
the cell's stderr, under `PREFIX`. JupyterLab shows the line under the cell at once; the
build reports each such line as its own notice, beside the cell, even for a cell that is
hidden or whose output is removed (its text may be shown by a later cell), and does not
print it on the page. The line is plain text: it lands in the released notebook, and its
bytes must not depend on the machine.
"""

from __future__ import annotations

import sys

PREFIX = "rakor: "


def tell(message: str) -> None:
    """Write `message` (one line, in Bahasa, saying what to do) where the build will find it."""
    sys.stderr.write(PREFIX + " ".join(message.split()) + "\n")


def told(text: str) -> list[str]:
    """The messages `tell` wrote into a stderr text, each once, in order."""
    found = (line[len(PREFIX):].strip() for line in text.splitlines() if line.startswith(PREFIX))
    return list(dict.fromkeys(m for m in found if m))


def others(text: str) -> str:
    """A stderr text without the lines `tell` wrote: what Python or a library wrote there."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(PREFIX))
