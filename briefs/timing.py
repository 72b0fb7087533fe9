"""Where a build's time goes, stage by stage.

Every build writes its stage times to `.build/<meeting>/tahapan.json` (not part of the
release: times are not reproducible). `make bench` reads them to show that no stage
grows faster than the number of kecamatan; an analyst can read them to see why a build
was slow. One build runs at a time per meeting (`pipeline._one_build_at_a_time`), so a
module-level record is enough. A worker records its briefs' stages too ("brief: …"):
`make bench` reads them from jobs it runs in its own process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_laps: dict[str, float] = {}


def reset() -> None:
    """Start a new record (at the start of each build)."""
    _laps.clear()


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the time spent inside the block to stage `name` (a stage may be entered twice)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        _laps[name] = _laps.get(name, 0.0) + time.perf_counter() - start


def add(name: str, seconds: float) -> None:
    """Add time measured elsewhere (the kernel's own cell durations) to stage `name`."""
    _laps[name] = _laps.get(name, 0.0) + seconds


def laps() -> dict[str, float]:
    """Seconds per stage, in the order the stages first ran."""
    return dict(_laps)


def write(target: Path, **extra) -> None:
    """Save the record as JSON beside the build's cache, with `extra` facts (job counts)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    record = {"tahapan": {k: round(v, 4) for k, v in _laps.items()}, **extra}
    target.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
