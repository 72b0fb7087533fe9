"""Shared fixtures: one real release of two kecamatan, built once per test session."""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile

# Before briefs is imported: every test session gets its own cache, so the end-to-end
# build really runs the notebooks instead of reusing a developer's .build/. Made by the
# process that starts the session (pytest-xdist's workers inherit it) and removed by it at
# the end: a session's cache is hundreds of MB, and CI machines keep /tmp.
if "RAKOR_BUILD" not in os.environ:
    os.environ["RAKOR_BUILD"] = tempfile.mkdtemp(prefix="rakor-build-")
    atexit.register(shutil.rmtree, os.environ["RAKOR_BUILD"], True)

import json
from pathlib import Path

import pytest

from briefs import cli, paths
from tests.helpers import MINI, meeting

TWO = ["Sitiung", "koto  baru"]  # the second as an analyst might type it
STAGES = "small-release-tahapan.json"  # small_release's stage record, in `session_temp`


def session_temp(tmp_path_factory) -> Path:
    """A folder every process of this test session shares: pytest-xdist's workers each get their
    own base temp inside the session's; without xdist, the base temp is the session's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def small_release(tmp_path_factory) -> Path:
    """`build.py --only Sitiung --only 'koto  baru' --force` into a temporary outputs folder.

    Built once per session, by whichever worker asks first (the others wait for it, then read the
    same files): read-only for every test. Forced: its notebooks run whatever another test built
    before (the cache is the session's), so its stage record and its files never depend on the
    tests' order."""
    shared = session_temp(tmp_path_factory)
    out = shared / "small-release"
    with open(shared / "small-release.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the build fails
        if not (out / "rakor-2026-11" / "manifest.json").is_file():
            args = [str(paths.DEFAULT_PARAMS), "--out", str(out), "--jobs", "2", "--force"]
            for name in TWO:
                args += ["--only", name]
            code = cli.main(args)
            assert code == 0
            # The build's stage record, kept now: a later build of the same meeting in this session
            # (a failing one, in the fault tests) writes its own over it.
            shutil.copy(paths.BUILD / "rakor-2026-11" / "tahapan.json", shared / STAGES)
    return out / "rakor-2026-11"


@pytest.fixture(scope="session")
def manifest(small_release) -> dict:
    return json.loads((small_release / "manifest.json").read_text(encoding="utf-8"))


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the mini data, free to break."""
    target = tmp_path / "data"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def ds(folder):
    from briefs import data

    return data.load(meeting(folder))
