"""Hashes of what a build depends on: parts, folders, notebooks, files, the environment.

One home for every digest, so a cache key, a manifest entry and a no-op check all hash
the same bytes the same way.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from briefs import paths

SKIP = {"__pycache__", ".ipynb_checkpoints"}  # written by Python and JupyterLab, never inputs


def digest(*parts: bytes | str) -> str:
    """sha256 over the parts, each prefixed by its length: ('ab', 'c') differs from ('a', 'bc')."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def tree_digest(*folders: Path, pattern: str = "*") -> str:
    """Hash of every file under the folders (names and bytes), in a stable order."""
    parts: list[bytes | str] = []
    for folder in folders:
        for f in sorted(p for p in folder.rglob(pattern) if p.is_file() and not SKIP.intersection(p.parts)):
            parts += [str(f.relative_to(folder)), f.read_bytes()]
    return digest(*parts)


def notebook_digest(notebook: Path) -> str:
    """A source notebook and the images its Markdown may embed (any file beside it but notebooks).

    A changed picture in notebooks/gambar/ must re-render the briefs that show it.
    """
    assets = [f for f in sorted(notebook.parent.rglob("*"))
              if f.is_file() and f.suffix != ".ipynb" and not SKIP.intersection(f.parts)]
    return digest(notebook.read_bytes(), *(part for f in assets for part in (str(f.relative_to(notebook.parent)),
                                                                             f.read_bytes())))


def file_sha256(path: Path) -> str:
    """The sha256 of one file, read in blocks (a book may be megabytes)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def environment_digest() -> str:
    """Python, the locked package set and the package's own code: a change re-runs everything."""
    lock = paths.ROOT / "requirements.lock"
    return digest(sys.version, lock.read_bytes() if lock.exists() else b"",
                  tree_digest(paths.ROOT / "briefs", pattern="*.py"))
