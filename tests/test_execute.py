"""The execute stage on real Dask: a local cluster, and a scheduler with workers on loopback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefs import paths, pipeline

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def scheduler():
    """A real `dask scheduler` and two `dask worker` processes, on 127.0.0.1 only, each in its own session."""
    from distributed import Client

    address, procs = _cluster(2)
    try:
        with Client(address, timeout="5s") as client:
            pids = set(client.run(os.getpid).values())
        yield address, pids
    finally:
        _stop(procs)


def test_build_runs_on_an_existing_scheduler_and_outlives_a_lost_worker(scheduler, tmp_path):
    """The jobs run on the scheduler's workers; one worker killed mid-job (with its nanny): its job
    moves to the other worker and the build completes."""
    import threading

    address, worker_pids = scheduler
    killed: list = []
    killer = threading.Thread(target=_kill_when_busy, args=(address, killed), daemon=True)
    killer.start()
    opts = pipeline.Options(only=["Sitiung", "Tiumang"], scheduler=address, force=True, out=tmp_path)
    result = pipeline.build(paths.DEFAULT_PARAMS, opts)
    killer.join(timeout=5)
    assert result.exit_code == 0, [o.error for o in result.batch.failed]
    ran = {o.worker for o in result.batch.outcomes}
    assert ran <= worker_pids and os.getpid() not in ran
    assert (tmp_path / "rakor-2026-11" / "kecamatan" / "tiumang.pdf").is_file()
    (pid, keys), = killed
    moved = [o for o in result.batch.outcomes if f"brief-{o.job.fingerprint}" in keys]
    assert moved and all(o.worker != pid for o in moved)  # finished elsewhere


# ---- a cluster that loses its workers: the build still ends, naming them ----------------------------

def _cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and `workers` dask workers (each with its nanny) in sessions of their own."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    common = {"cwd": paths.ROOT, "env": os.environ.copy(), "stdout": subprocess.DEVNULL,
              "stderr": subprocess.DEVNULL, "start_new_session": True}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], **common)]
    procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard",
                                "--host", "127.0.0.1", "--name", f"hilang-{i}"], **common) for i in range(workers)]
    deadline = time.monotonic() + 60
    while True:
        try:
            with Client(address, timeout="5s") as client:
                client.wait_for_workers(workers, timeout=30)
            return address, procs
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _kill_when_busy(address: str, killed: list) -> None:
    """Kill the session (worker and nanny) of the first worker that runs a job; note its pid and jobs."""
    from distributed import Client

    with Client(address, timeout="5s") as client:
        for _ in range(300):
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if busy:
                worker, keys = next(iter(busy.items()))
                pid = client.run(os.getpid, workers=[worker])[worker]
                break
            time.sleep(0.2)
        else:
            raise AssertionError("no worker started a job")
    os.killpg(os.getpgid(pid), 9)
    killed.append((pid, set(keys)))


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, 9)
        p.wait(timeout=30)


def test_a_build_ends_when_every_worker_dies_with_its_nanny(tmp_path, monkeypatch):
    """`dask worker` and its nanny killed mid-job: the briefs fail, naming the worker; nothing hangs."""
    import threading

    import nbformat

    from briefs.run import cluster as execute
    from tests import helpers

    monkeypatch.setattr(execute, "NO_WORKER_GRACE", 3.0)
    slow = helpers.brief_with(tmp_path, "lambat", 3, nbformat.v4.new_code_cell("import time; time.sleep(60)"))
    address, procs = _cluster(1)
    killer = threading.Thread(target=_kill_when_busy, args=(address, []), daemon=True)
    killer.start()  # the worker and its nanny, not the scheduler
    try:
        start = time.monotonic()
        result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(
            only=["Sitiung", "Tiumang"], scheduler=address, force=True, out=tmp_path / "out",
            notebooks={"13.10.04": slow, "13.10.08": slow}))
        took = time.monotonic() - start
    finally:
        _stop(procs)
    assert result.exit_code == 1 and result.release is None
    assert took < 60  # not the notebooks' minute of sleep, and not forever
    errors = {o.job.name: o.error for o in result.batch.failed}
    assert set(errors) >= {"Sitiung", "Tiumang"}
    assert all("tidak ada worker Dask" in e and "hilang: tcp://127.0.0.1:" in e for e in errors.values()), errors


@pytest.mark.parametrize("address", ["bukan alamat", "tcp://127.0.0.1:1"])
def test_a_wrong_scheduler_address_is_bad_input(address, tmp_path, capsys, monkeypatch):
    from briefs import cli
    from briefs.run import cluster as execute

    monkeypatch.setattr(execute, "SCHEDULER_TIMEOUT", 2.0)
    assert cli.main([str(paths.DEFAULT_PARAMS), "--only", "Sitiung", "--scheduler", address,
                     "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--scheduler: scheduler Dask tidak dapat dihubungi" in err and "Traceback" not in err
    assert not (tmp_path / "rakor-2026-11").exists()


def scheduler_http(dask_scheduler) -> tuple[str, int]:
    return dask_scheduler.http_server.address, dask_scheduler.http_server.port


def test_a_local_cluster_takes_any_free_port_on_this_machine_and_says_nothing(recwarn):
    """Two builds at once, or a notebook's own cluster, hold the scheduler's default HTTP port
    8787: distributed then warned, in English, on the analyst's terminal. Its health and metrics
    server now listens on a free port of 127.0.0.1 only."""
    from briefs.run import cluster

    with socket.socket() as holder:
        with contextlib.suppress(OSError):  # held by something else already: as good a test
            holder.bind(("127.0.0.1", 8787))
            holder.listen()
        with cluster._client(1, None) as client:
            host, port = client.run_on_scheduler(scheduler_http)
    assert host == "127.0.0.1" and port not in (0, 8787)
    assert not [w for w in recwarn if "8787" in str(w.message)]
