"""Where every number comes from: input hashes, parameters, code commit, versions, engine.

Recorded in `manifest.json` so an official's "where does this number come from?" has an
answer, and so a later rebuild can be compared with this one. Paths outside the project
are recorded by their last name only (`paths.public`): a manifest travels with the release.
"""

from __future__ import annotations

import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version

from briefs import data, paths
from briefs.params import Meeting

PACKAGES = (
    "papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "numpy", "matplotlib",
    "jinja2", "babel", "pandera", "weasyprint", "pypdf", "dask", "distributed",
)


def collect(meeting: Meeting, ds: data.Dataset) -> dict:
    """The provenance block of the manifest; deterministic for the same inputs and code."""
    parameters = meeting.model_dump(mode="json")
    parameters["data"] = paths.public(meeting.data)
    return {
        "inputs": {name: {**source, "path": paths.public(source["path"])} if "path" in source else source
                   for name, source in ds.sources.items()},
        "parameters": parameters,
        "code": code_version(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "engine": meeting.engine,
    }


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def code_version() -> dict:
    """The git commit of the project and whether the tree had uncommitted changes."""
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}
