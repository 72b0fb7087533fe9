"""Every path the project uses, anchored at the project root.

Nothing else in the package builds a path from `__file__` or the working directory:
that keeps notebooks, the build and the tests agreeing on where things live.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = ROOT / "templates"
PARAMS = ROOT / "params"
DATA = ROOT / "data"
OUTPUTS = ROOT / "outputs"
# Cache of executed runs and data snapshots; always safe to delete. Tests point
# RAKOR_BUILD elsewhere so they never reuse (or spoil) an analyst's cache.
BUILD = Path(os.environ.get("RAKOR_BUILD", ROOT / ".build"))

BRIEF_NOTEBOOK = NOTEBOOKS / "brief_kecamatan.ipynb"
SUMMARY_NOTEBOOK = NOTEBOOKS / "ringkasan_kabupaten.ipynb"
DEFAULT_PARAMS = PARAMS / "rakor-2026-11.yml"


def resolve(path: str | Path) -> Path:
    """A path from a params file or the command line: relative ones are relative to ROOT."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def slug(name: str) -> str:
    """A safe file name from any area name: 'Koto Baru' -> 'koto-baru'; never empty.

    Only ASCII letters, digits and single hyphens survive, so no name can reach
    outside the release folder ('../x', 'a/b') or collide with a device name.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if s in _DEVICES:  # con.html cannot be opened or written on Windows
        s += "-wilayah"
    return s or "tanpa-nama"


_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
