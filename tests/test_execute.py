"""The execute stage on real Dask: a local cluster, and a scheduler with workers on loopback."""

from __future__ import annotations

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
    """A real `dask scheduler` and two `dask worker` processes, on 127.0.0.1 only."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    common = {"cwd": paths.ROOT, "env": os.environ.copy(), "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                               "--no-dashboard"], **common)]
    procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard",
                                "--host", "127.0.0.1", "--name", f"uji-{i}"], **common) for i in range(2)]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=30)
                    pids = set(client.run(os.getpid).values())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address, pids
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_build_runs_on_an_existing_scheduler(scheduler, tmp_path):
    address, worker_pids = scheduler
    opts = pipeline.Options(only=["Sitiung", "Tiumang"], scheduler=address, force=True, out=tmp_path)
    result = pipeline.build(paths.DEFAULT_PARAMS, opts)
    assert result.exit_code == 0, [o.error for o in result.batch.failed]
    ran = {o.worker for o in result.batch.outcomes}
    assert ran <= worker_pids and os.getpid() not in ran
    assert (tmp_path / "rakor-2026-11" / "kecamatan" / "tiumang.pdf").is_file()
