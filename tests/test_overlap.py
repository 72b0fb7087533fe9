"""Jobs in the build's own process, two cores busy: one brief's pages render while the
kernel runs the next notebook (`briefs.run.cluster._run_here`).

Real kernel, real rendering; `execute` and `finish` are wrapped only to record when each
ran and in which thread.
"""

from __future__ import annotations

import threading
import time

import nbformat

from briefs import paths, pipeline
from briefs.run import cluster
from tests import helpers


def test_pages_render_while_the_next_notebook_runs_and_a_failure_stays_its_own(tmp_path, monkeypatch):
    spans: list[tuple[str, str, str, float, float]] = []

    def recorded(half: str, function):
        def run(arg):
            began = time.monotonic()
            try:
                return function(arg)
            finally:
                key = arg.key if half == "execute" else arg.job.key
                spans.append((half, key, threading.current_thread().name, began, time.monotonic()))
        return run

    monkeypatch.setattr(cluster, "execute", recorded("execute", cluster.execute))
    monkeypatch.setattr(cluster, "finish", recorded("finish", cluster.finish))
    broken = helpers.brief_with(tmp_path, "rusak", 2, nbformat.v4.new_code_cell("raise ValueError('sengaja')"))
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(
        only=["Sitiung", "Tiumang", "Koto Baru"], out=tmp_path / "out", jobs=2, force=True, allow_partial=True,
        notebooks={"13.10.08": broken}))

    outcomes = {o.job.name: o for o in result.batch.outcomes}
    assert not outcomes["Tiumang"].ok and "sengaja" in outcomes["Tiumang"].error
    assert all(o.ok for name, o in outcomes.items() if name != "Tiumang"), result.batch.failed
    assert result.release is not None and (result.release / "index.html").exists()
    # Every notebook ran in the build's thread; every page rendered in the other one.
    assert {s[2] for s in spans if s[0] == "execute"} == {threading.main_thread().name}
    finished = [s for s in spans if s[0] == "finish"]
    assert len(finished) == 3 and all(s[2].startswith("halaman") for s in finished)  # Tiumang never rendered
    # The summary's pages (the first job) rendered while another notebook was running.
    summary = next(s for s in finished if s[1] == "ringkasan")
    assert any(e[3] < summary[4] and summary[3] < e[4] for e in spans if e[0] == "execute"), spans
    # The kernel did not wait for them: the notebook after next began while they still rendered
    # (the summary renders in twice a brief's time; with one brief queued, the kernel sat idle).
    executed = sorted((s for s in spans if s[0] == "execute"), key=lambda s: s[3])
    assert executed[2][3] < summary[4], spans
