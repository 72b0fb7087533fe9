"""Jobs in the build's own process, two cores busy: one brief's pages render while the
kernel runs the next notebook (`briefs.run.cluster._run_here`).

Real kernel, real rendering; `execute`, `finish` and `warm_pages` are wrapped only to record
when each ran and in which thread, and the summary's pages are held back a few seconds after
they render so that "the kernel does not wait for them" does not hang on how fast a machine is.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import nbformat

from briefs import paths, pipeline
from briefs.run import cluster
from tests import helpers

SUMMARY_PAGES_HELD = 4.0


def test_pages_render_while_the_next_notebook_runs_and_a_failure_stays_its_own(tmp_path, monkeypatch):
    spans: list[tuple[str, str, str, float, float]] = []

    def recorded(half: str, function):
        def run(arg):
            began = time.monotonic()
            key = arg.key if half in ("execute", "warm") else arg.job.key
            try:
                return function(arg)
            finally:
                if half == "finish" and key == "ringkasan":
                    time.sleep(SUMMARY_PAGES_HELD)  # longer than the next two notebooks take
                spans.append((half, key, threading.current_thread().name, began, time.monotonic()))
        return run

    monkeypatch.setattr(cluster, "execute", recorded("execute", cluster.execute))
    monkeypatch.setattr(cluster, "finish", recorded("finish", cluster.finish))
    monkeypatch.setattr(cluster, "warm_pages", recorded("warm", cluster.warm_pages))
    monkeypatch.setattr(cluster, "SUMMARY_AFTER", 1)
    broken = helpers.brief_with(tmp_path, "rusak", 2, nbformat.v4.new_code_cell("raise ValueError('sengaja')"))
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(
        only=["Sitiung", "Tiumang", "Koto Baru"], out=tmp_path / "out", jobs=2, force=True, allow_partial=True,
        notebooks={"13.10.08": broken}))

    outcomes = {o.job.name: o for o in result.batch.outcomes}
    assert not outcomes["Tiumang"].ok and "sengaja" in outcomes["Tiumang"].error
    assert all(o.ok for name, o in outcomes.items() if name != "Tiumang"), result.batch.failed
    assert result.release is not None and (result.release / "index.html").exists()
    # The release keeps the plan's order (summary first), whatever order the kernel ran them in.
    assert [o.job.key for o in result.batch.outcomes] == ["ringkasan", "13.10.01", "13.10.04", "13.10.08"]
    # Every notebook ran in the build's thread; every page rendered in the other one.
    assert {s[2] for s in spans if s[0] == "execute"} == {threading.main_thread().name}
    finished = [s for s in spans if s[0] == "finish"]
    assert len(finished) == 3 and all(s[2].startswith("halaman") for s in finished)  # Tiumang never rendered
    # The kernel ran one brief before the summary (SUMMARY_AFTER), the others after it.
    executed = sorted((s for s in spans if s[0] == "execute"), key=lambda s: s[3])
    assert [s[1] for s in executed] == ["13.10.01", "ringkasan", "13.10.04", "13.10.08"], spans
    # The pages' side warmed up in its own thread while the first notebook ran (and its kernel booted).
    warm = next(s for s in spans if s[0] == "warm")
    assert warm[2].startswith("halaman") and warm[3] < executed[0][4], spans
    # The first brief's pages rendered while the summary's notebook ran.
    first = next(s for s in finished if s[1] == "13.10.01")
    assert first[3] < executed[1][4] and executed[1][3] < first[4], spans
    # The kernel did not wait for the summary's pages (held back here): the notebook after
    # next began while they were still being rendered (PAGES_BEHIND).
    summary = next(s for s in finished if s[1] == "ringkasan")
    assert executed[3][3] < summary[4], spans


def test_the_kernel_runs_the_summary_after_a_few_briefs_and_every_job_once():
    def job(key: str, kind: str) -> SimpleNamespace:
        return SimpleNamespace(key=key, kind=kind)

    summary = job("ringkasan", "summary")
    briefs = [job(f"13.10.{n:02d}", "brief") for n in range(1, 8)]
    order = cluster._kernel_order([summary, *briefs])
    assert order == [*briefs[:cluster.SUMMARY_AFTER], summary, *briefs[cluster.SUMMARY_AFTER:]]
    assert cluster._kernel_order([summary, *briefs[:2]]) == [*briefs[:2], summary]  # fewer briefs: last
    assert cluster._kernel_order(briefs[:3]) == briefs[:3]  # no summary among them: nothing moves
