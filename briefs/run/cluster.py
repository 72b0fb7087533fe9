"""The execute stage: run every job on Dask, skip what is cached, never stop at a failure.

A job is one notebook run plus its rendering (see `briefs.run.jobs`). Results are keyed by
the job's fingerprint (the hash of everything it depends on), so a rebuild with nothing
changed runs nothing, and deleting `.build/cache` is always safe.

A build on Dask must end even when the cluster misbehaves: the watch loop here, in the
build's own process, fails a brief whose worker died more than `LOST_WORKER_RETRIES`
times, one that a worker has held past its time limit, and every brief still waiting
when no worker has been connected for `NO_WORKER_GRACE` seconds, each time naming the
worker(s). A job's own clock (`briefs.run.notebook_run`) runs in the worker, and dies with it.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field

from briefs.run.cache import cached, remove_stale_work
from briefs.run.job import Batch, Failure, Job, Outcome  # Batch: here for its old importers
from briefs.run.jobs import Executed, execute, finish, run_job, warm_pages

SMALL_BATCH = 3  # up to this many jobs run here, in order; more go to the Dask cluster
# Up to this many local workers, jobs run here (`_run_here`): kernel and pages overlapped use two
# cores as two Dask workers would, without a cluster to start or a second cold kernel. More
# workers (or `--scheduler`) go to Dask.
HERE_UP_TO = 2
# How many executed briefs may wait for their pages before the kernel waits too. The summary's
# pages take twice a brief's, so with only one waiting the kernel sat idle ~1 s behind them; four
# absorb that, and an interruption still waits only for the pages it was handed.
PAGES_BEHIND = 4
# Briefs the kernel runs before the summary when pages render beside it (`_kernel_order`).
SUMMARY_AFTER = 4
LOST_WORKER_RETRIES = 2  # a brief whose worker dies goes to another worker this many times, then fails
NO_WORKER_GRACE = 30.0  # seconds without any worker before the waiting briefs fail
RENDER_SLACK = 60.0  # seconds a worker may take beyond a job's timeout (rendering, saving)
POLL = 1.0  # seconds between looks at the cluster
SCHEDULER_TIMEOUT = 10.0  # seconds to reach a `--scheduler` before the build calls it unreachable


class _CancelBeforeStart(logging.Filter):
    """Drops distributed's own error when Ctrl-C lands before a call it was waiting for had begun.

    `distributed.utils.sync` schedules a `cancel` that reads a variable the call has not set
    yet (NameError, logged by tornado from the event loop's thread after this process has
    already reported the interruption). The build's one line says what happened; this record
    says nothing more, so it alone is dropped, every other tornado error still shows.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (isinstance(error, NameError) and "sync.<locals>.cancel" in record.getMessage())


logging.getLogger("tornado.application").addFilter(_CancelBeforeStart())


@contextmanager
def _client(jobs: int, scheduler: str | None):
    """A Dask client: an existing scheduler if given, otherwise a local cluster of `jobs` workers."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="20s") as client:
            yield client
        return
    import dask

    # The same bound on lost workers as ours, for the scheduler of a local cluster.
    dask.config.set({"distributed.scheduler.allowed-failures": LOST_WORKER_RETRIES})
    # One thread per worker process: each runs one kernel at a time, isolated from the others.
    # Ctrl-C reaches every process of the terminal's group: workers started while SIGINT is
    # ignored keep ignoring it (an ignored signal survives exec), so only this process reacts,
    # and closes the cluster, instead of each worker printing its own traceback.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        # No dashboard; the scheduler's HTTP server (health, metrics) still starts, on 8787 by
        # default, and warns in English on the analyst's terminal when a second build or a
        # notebook's own cluster holds that port. Any free port, on this machine only, is as good.
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=40)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    try:
        with Client(cluster) as client:
            yield client
    finally:
        # Closing while workers still start (Ctrl-C early in a build) can raise inside
        # distributed; the build's own outcome, or its interruption, is what must be reported.
        with suppress(Exception):
            cluster.close()


def check_scheduler(address: str, timeout: float | None = None) -> None:
    """Reach the scheduler before any work: a wrong or unreachable address is bad input (exit 2).

    A TCP address is first tried with a plain connection (a refusal answers at once), then
    greeted by a Dask client: whatever listens there must speak Dask (a proxy that accepts
    any connection answers with bytes distributed would try to read as a 3 EiB frame).
    """
    import socket

    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port

    from briefs.errors import InputError, Problem

    wait = timeout or SCHEDULER_TIMEOUT
    try:
        scheme, location = parse_address(address)
        if scheme in ("tcp", "tls"):
            socket.create_connection(parse_host_port(location), timeout=wait).close()
        with Client(address, timeout=f"{wait}s") as client:
            client.scheduler_info()
    except Exception as exc:  # malformed (ValueError), refused or timed out (OSError), anything else
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(Problem("--scheduler", f"scheduler Dask tidak dapat dihubungi ({first[:120]}); tertulis "
                                 f"'{address}'; seharusnya alamat scheduler yang berjalan, seperti "
                                 f"tcp://host:8786")) from None


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


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
    remove_stale_work()
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
        # closing: an interruption while an outcome is reported closes the runner at once (its
        # cleanup runs now, not whenever the traceback lets it go)
        with closing(_run_parallel(todo, workers, scheduler)) as outcomes:
            for outcome in outcomes:
                done[outcome.job.key] = outcome
                report(outcome, len(done), len(jobs))
    return Batch([done[j.key] for j in jobs], time.monotonic() - start)


def start_kernel_early(workers: int, scheduler: str | None) -> None:
    """When the briefs will run in this process, start its kernel now (`kernels.start_early`),
    so it boots while the build reads the data and prepares the jobs; `stop_kernel_early`
    shuts it down if the data turns out bad."""
    if _here(workers, scheduler):
        from briefs.run import kernels

        kernels.start_early()


def stop_kernel_early() -> None:
    """Shut down a kernel `start_kernel_early` started, for a build that will not run (exit 2)."""
    from briefs.run import kernels

    kernels.stop_early()


def _here(workers: int, scheduler: str | None, jobs: int | None = None) -> bool:
    """Whether jobs run in this process's own kernel rather than on a Dask cluster."""
    return not scheduler and (workers <= HERE_UP_TO or (jobs is not None and jobs <= SMALL_BATCH))


def _run_parallel(todo: list[Job], workers: int, scheduler: str | None) -> Iterable[Outcome]:
    if _here(workers, scheduler, len(todo)):
        yield from _run_here(todo, overlap=workers > 1)
        return
    try:
        with _client(min(workers, len(todo)), scheduler) as client:
            futures = {client.submit(run_job, job, key=f"brief-{job.fingerprint}", pure=False): job for job in todo}
            yield from _watch(client, futures)
    finally:
        remove_stale_work()  # what workers that died mid-job left behind


def _run_here(todo: list[Job], overlap: bool) -> Iterable[Outcome]:
    """The jobs in this process's own warm kernel, in order; with `overlap`, briefs' pages render
    in a thread while the kernel runs the next notebooks.

    A brief's time is split about evenly between its kernel (the cells) and its pages
    (nbconvert here, WeasyPrint in a forked child), so the two halves keep two cores busy,
    as two Dask workers would, but with one cold kernel and no cluster to start (README,
    Speed). The pages' side warms up while the kernel boots, the summary runs after a few
    briefs (`_kernel_order`), and up to `PAGES_BEHIND` executed briefs wait for their pages,
    so a long render (the summary's) never idles the kernel; each half fails only its own job
    (`briefs.run.jobs.execute`, `finish`), and an interruption lets the pages already handed
    over finish into the cache (each whole, or not at all) before it stops the build: no
    executed notebook is left half-way in a work folder.
    """
    if not overlap:
        yield from (run_job(job) for job in todo)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="halaman") as pages:
        pages.submit(warm_pages, todo[0])  # while the kernel boots; its result is the first brief's to tell
        waiting: deque = deque()  # futures of `finish`, in the order their notebooks ran
        for job in _kernel_order(todo):
            ran = execute(job)
            # Handed to the thread before anything is reported: an executed notebook is always
            # in the thread's hands, so an interruption while a result is being reported still
            # ends with it rendered into the cache (leaving the `with` waits for the thread).
            if isinstance(ran, Executed):
                waiting.append(pages.submit(finish, ran))
            else:
                yield ran
            while waiting and (len(waiting) > PAGES_BEHIND or waiting[0].done()):
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def _kernel_order(todo: list[Job]) -> list[Job]:
    """The order the kernel runs the jobs when their pages render beside it: the summary
    after the first `SUMMARY_AFTER` briefs, not first.

    The pages are the slower half of a brief (~0,8 s against ~0,7 s in the kernel), so the
    build ends when the pages' thread has rendered everything, and it can begin only when
    the first notebook is done. The summary's notebook takes about twice a brief's: run
    first, it kept that thread idle ~0,6 s at the start of every build. After a few briefs
    their pages are queued behind each other and cover the summary's notebook, and its long
    pages still render while the kernel runs the briefs after it. Only the order of work
    changes: outcomes, the release and its order are the same (`run` orders them by job).
    """
    summary = [j for j in todo if j.kind == "summary"]
    briefs = [j for j in todo if j.kind != "summary"]
    return briefs[:SUMMARY_AFTER] + summary + briefs[SUMMARY_AFTER:]


@dataclass
class _Attempt:
    """Where a job is running, since when, and every worker it has run on."""

    worker: str
    since: float
    workers: list[str] = field(default_factory=list)


def _watch(client, futures: dict) -> Iterable[Outcome]:
    """Outcomes as they finish; a job the cluster can no longer finish fails, naming its workers."""
    from distributed import wait
    from distributed.client import FutureCancelledError

    pending = dict(futures)
    attempts: dict[str, _Attempt] = {}
    known = set(client.scheduler_info()["workers"])
    lost: list[str] = []
    empty_since: float | None = None
    while pending:
        try:
            finished, _ = wait(list(pending), timeout=POLL, return_when="FIRST_COMPLETED")
        except TimeoutError:
            finished = set()
        for future in finished:
            job = pending.pop(future)
            yield _outcome(future, job, attempts.get(future.key), FutureCancelledError)
        now = time.monotonic()
        workers = set(client.scheduler_info()["workers"])
        lost += sorted(known - workers)
        known |= workers
        for worker, keys in client.processing().items():
            for key in keys:
                a = attempts.get(key)
                if a is None or a.worker != worker:
                    attempts[key] = _Attempt(worker, now, (a.workers if a else []) + [worker])
        empty_since = None if workers else (empty_since or now)
        for future, job in list(pending.items()):
            why = _hopeless(job, attempts.get(future.key), now, empty_since, lost)
            if why:
                future.cancel()
                del pending[future]
                yield Outcome(job=job, ok=False, failure=Failure(why, ename="LostWorker"))


def _hopeless(job: Job, attempt: _Attempt | None, now: float, empty_since: float | None, lost: list[str]) -> str:
    """Why a job still pending can no longer finish, or '' while it can."""
    if attempt and len(attempt.workers) > LOST_WORKER_RETRIES + 1:
        return f"worker hilang saat menjalankan brief ini {len(attempt.workers) - 1} kali: {', '.join(attempt.workers)}"
    if attempt and now - attempt.since > job.timeout + RENDER_SLACK:
        return (f"worker {attempt.worker} tidak menyelesaikan brief ini dalam batas waktu {job.timeout} detik "
                f"(ditambah {RENDER_SLACK:.0f} detik): worker macet atau terputus")
    if empty_since is not None and now - empty_since > NO_WORKER_GRACE:
        gone = f"; hilang: {', '.join(lost)}" if lost else ""
        return f"tidak ada worker Dask yang tersambung selama {NO_WORKER_GRACE:.0f} detik{gone}"
    return ""


def _outcome(future, job: Job, attempt: _Attempt | None, cancelled: type) -> Outcome:
    try:
        return future.result()
    except cancelled:
        return Outcome(job=job, ok=False, failure=Failure("dibatalkan oleh scheduler Dask", ename="Cancelled"))
    except Exception as exc:  # KilledWorker: the scheduler's own limit on lost workers was reached
        where = f" (worker: {', '.join(attempt.workers)})" if attempt else ""
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Outcome(job=job, ok=False, failure=Failure(f"worker berhenti saat menjalankan brief ini{where}: "
                                                          f"{first[:200]}", ename=type(exc).__name__))
