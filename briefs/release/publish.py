"""Publishing a release folder atomically, and recognising one that is already current.

The previous release stays in place until the new one is complete: the new folder is
built under a staging name and swapped in by rename. A build that is interrupted
leaves only a staging folder (or, between the two renames, the old release under a
side name), which the next build cleans up or restores.
"""

from __future__ import annotations

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
    """Put the complete staging folder in place of the target; the old one goes last."""
    old = target.with_name(f"{OLD_PREFIX}{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def recover(target: Path) -> None:
    """Undo a swap cut short between its two renames, and remove dead staging folders."""
    old = target.with_name(f"{OLD_PREFIX}{target.name}")
    if old.exists() and not target.exists():
        os.replace(old, target)
    for stale in target.parent.glob(f"{STAGING_PREFIX}{target.name}-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and cache.alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)
