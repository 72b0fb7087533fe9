"""The execute stage: run every job on Dask, skip what is cached, never stop at a failure.

A job is one notebook run plus its rendering (see `briefs.jobs`). Results are keyed by
the job's fingerprint (the hash of everything it depends on), so a rebuild with nothing
changed runs nothing, and deleting `.build/cache` is always safe.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from briefs.jobs import Job, Outcome, cached, run_job


SMALL_BATCH = 3  # up to this many jobs run here, in order; more go to the Dask cluster


@dataclass
class Batch:
    """What happened to every job of one build, in the order the jobs were planned."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


@contextmanager
def _client(jobs: int, scheduler: str | None):
    """A Dask client: an existing scheduler if given, otherwise a local cluster of `jobs` workers."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="20s") as client:
            yield client
        return
    # One thread per worker process: each runs one kernel at a time, isolated from the others.
    with LocalCluster(
        n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=40,
    ) as cluster, Client(cluster) as client:
        yield client


def run(
    jobs: list[Job],
    *,
    workers: int = 2,
    scheduler: str | None = None,
    force: bool = False,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> Batch:
    """Run the jobs that are not cached, in parallel; return one Outcome per job, in order."""
    start = time.monotonic()
    done: dict[str, Outcome] = {}
    todo = []
    for job in jobs:
        hit = None if force else cached(job)
        if hit is not None:
            done[job.key] = hit
        else:
            todo.append(job)
    report = progress or (lambda outcome, n, total: None)
    for i, outcome in enumerate(done.values(), 1):
        report(outcome, i, len(jobs))
    if todo:
        for outcome in _run_parallel(todo, workers, scheduler):
            done[outcome.job.key] = outcome
            report(outcome, len(done), len(jobs))
    return Batch([done[j.key] for j in jobs], time.monotonic() - start)


def _run_parallel(todo: list[Job], workers: int, scheduler: str | None) -> Iterable[Outcome]:
    from distributed import as_completed

    if not scheduler and (workers <= 1 or len(todo) <= SMALL_BATCH):
        # Starting a local cluster (~3 s, and a kernel per worker) costs more than a
        # few jobs in this process's own warm kernel.
        yield from (run_job(job) for job in todo)
        return
    with _client(min(workers, len(todo)), scheduler) as client:
        futures = {client.submit(run_job, job, key=f"brief-{job.fingerprint}", pure=False): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the worker itself died: still one failed job, not a crash
                yield Outcome(job=job, ok=False, error=f"worker berhenti: {exc!r}")


def plain_progress(outcome: Outcome, n: int, total: int) -> None:
    """One line per finished job, for logs and CI (no terminal)."""
    state = "tersimpan" if outcome.cached else ("ok" if outcome.ok else "GAGAL")
    line = f"[{n}/{total}] {outcome.job.title}: {state}"
    if not outcome.ok:
        line += f" — {outcome.error}"
    print(line, file=sys.stderr, flush=True)
