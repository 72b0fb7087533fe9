"""Publishing a release folder atomically, and recognising one that is already current.

The previous release stays in place until the new one is complete: the new folder is
built under a staging name and swapped in by rename. A build that is interrupted
leaves only a staging folder (or, between the two renames, the old release under a
side name), which the next build cleans up or restores.

That holds through a power cut or a crash of the machine too: a rename reaches the disk's
journal at once, while the files just written may stay in memory for seconds more. So every
file and folder of the new release is on disk (fsync) before the swap, the swap itself
before the old release is deleted: a cut at any moment leaves one whole release, old or new,
never a new one of empty or cut files with the old one gone.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from briefs.run import cache

STAGING_PREFIX = ".staging-"
OLD_PREFIX = ".lama-"


def current(target: Path, inputs: str) -> Path | None:
    """The published release if it was built from exactly these inputs and is intact."""
    from briefs.release import manifest as manifests  # the one reader: paths inside the release, types checked

    try:
        manifest = manifests.parse((target / "manifest.json").read_bytes())
    except (OSError, manifests.Malformed):
        return None
    if manifest.get("inputs") != inputs or manifest.get("failed") or manifests.check_files(target, manifest)[0]:
        return None
    return target


def swap(staging: Path, target: Path) -> None:
    """Put the complete staging folder in place of the target; the old one goes last.

    The staging folder is on disk before the first rename, and both renames before the old
    release is deleted (the module's docstring says why).
    """
    old = target.with_name(f"{OLD_PREFIX}{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    on_disk(staging)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    _fsync(target.parent, folder=True)
    shutil.rmtree(old, ignore_errors=True)


def on_disk(folder: Path) -> None:
    """Every file under `folder`, then every folder, deepest first, written to disk (fsync)."""
    for here, _, files in os.walk(folder, topdown=False):
        for name in files:
            _fsync(Path(here) / name)
        _fsync(Path(here), folder=True)


def _fsync(path: Path, folder: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if folder else 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems (network shares, FAT) cannot sync a folder; its files were synced.
        if not (folder and exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.EBADF)):
            raise
    finally:
        os.close(fd)


def recover(target: Path) -> None:
    """Undo a swap cut short between its two renames, and remove dead staging folders."""
    old = target.with_name(f"{OLD_PREFIX}{target.name}")
    if old.exists() and not target.exists():
        os.replace(old, target)
    for stale in target.parent.glob(f"{STAGING_PREFIX}{target.name}-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and cache.alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)
