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

RAKOR_CSS = TEMPLATES / "rakor" / "static" / "rakor.css"  # the page, on screen and on paper
CELLS_CSS = TEMPLATES / "rakor" / "static" / "cells.css"  # the notebook snippets: cards, tables, box

BRIEF_NOTEBOOK = NOTEBOOKS / "brief_kecamatan.ipynb"
SUMMARY_NOTEBOOK = NOTEBOOKS / "ringkasan_kabupaten.ipynb"
DEFAULT_PARAMS = PARAMS / "rakor-2026-11.yml"


def resolve(path: str | Path) -> Path:
    """A path from a params file or the command line: relative ones are relative to ROOT."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def public(path: str | Path) -> str:
    """A path as published files may show it: relative to the project, else only its last name.

    Releases are forwarded far beyond the machine that built them; a data folder under
    someone's home (`/home/rina/Unduhan/ekspor`) is shown as '…/ekspor', never in full.
    A path in the build folder is written `.build/…` wherever `RAKOR_BUILD` put it: the
    snapshot a notebook read is one of its parameters, and a build whose cache lay elsewhere
    published other notebooks, which `verify --rebuild` then called different.
    """
    p = Path(path)
    if not p.is_absolute():
        return str(p)
    for base, shown in ((BUILD, Path(".build")), (ROOT, Path())):
        try:
            return str(shown / p.resolve().relative_to(base.resolve()))
        except (ValueError, OSError, RuntimeError):
            continue
    return f"…/{p.name}"


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


SUMMARY_SLUG = "ringkasan-kabupaten"


def unique_slugs(names: dict[str, str]) -> dict[str, str]:
    """File names per code: the slug of the name, unique among themselves and the summary's.

    A clash adds the slug of the official code; should even that clash (a name written
    like another's code), a counter follows. Codes are taken in order, so the result
    does not depend on dict order.
    """
    plain = {code: slug(name) for code, name in sorted(names.items())}
    counts: dict[str, int] = {}
    for s in plain.values():
        counts[s] = counts.get(s, 0) + 1
    taken = {SUMMARY_SLUG} | {s for s in plain.values() if counts[s] == 1}
    out = {}
    for code, s in plain.items():
        if counts[s] == 1 and s != SUMMARY_SLUG:
            out[code] = s
            continue
        candidate, n = f"{s}-{slug(code)}", 2
        while candidate in taken:
            candidate, n = f"{s}-{slug(code)}-{n}", n + 1
        taken.add(candidate)
        out[code] = candidate
    return out


_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
