"""briefs.run.notebook_run: real papermill in a real kernel; a failure is data naming its cell."""

import asyncio
import time
from pathlib import Path

import nbformat
import pytest

from briefs import paths
from briefs.run import notebook_run as run
from briefs.run.job import Job
from tests import helpers
from tests.helpers import job


def notebook(tmp_path: Path, *sources: str) -> str:
    return helpers.notebook(tmp_path, "x = 1", *sources)


def stdout(nb) -> str:
    """The last cell's whole stdout: the kernel may send one print as several stream messages."""
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")


def test_parameters_reach_the_notebook_and_timings_are_scrubbed(tmp_path):
    value = "Koto \"Baru\"\n{x} \\ Ñ"
    nb = run.run_notebook(job(notebook(tmp_path, "print(repr(x))"), x=value), tmp_path / "out.ipynb")
    printed = stdout(nb)
    assert printed.strip() == repr(value)
    assert nb.metadata.papermill["parameters"] == {"x": value}
    assert "start_time" not in nb.metadata.papermill and "duration" not in nb.metadata.papermill
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)
    assert nbformat.read(tmp_path / "out.ipynb", as_version=4).metadata.papermill["output_path"] == "notebooks/uji.ipynb"


def test_an_exception_names_the_cell_and_error(tmp_path):
    with pytest.raises(run.RunFailed, match=r"sel \[3\] «1/0»: ZeroDivisionError") as caught:
        run.run_notebook(job(notebook(tmp_path, "y = 2", "1/0")), tmp_path / "out.ipynb")
    failure = caught.value.failure  # as data: the release shows the cell and the exception
    assert (failure.cell, failure.source, failure.ename, failure.evalue) == (3, "1/0", "ZeroDivisionError",
                                                                             "division by zero")
    # papermill's evidence: the executed notebook with its error banner
    saved = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert any("ZeroDivisionError" in str(o) for c in saved.cells for o in c.get("outputs", []))


def test_a_cell_past_the_timeout_fails_the_run(tmp_path):
    j = job(notebook(tmp_path, "import time; time.sleep(30)"))
    j = Job(**{**j.__dict__, "timeout": 2})
    with pytest.raises(run.RunFailed, match="batas waktu 2 detik|timed out|Timeout") as caught:
        run.run_notebook(j, tmp_path / "out.ipynb")
    assert caught.value.failure.ename in ("Timeout", "CellTimeoutError", "TimeoutError")


def test_unexecuted_or_errored_cells_are_incomplete():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1", execution_count=1), nbformat.v4.new_code_cell("b = 2")]
    with pytest.raises(run.RunFailed, match="sel 1"):
        run.check_complete(nb)
    nb.cells[1].execution_count = 2
    run.check_complete(nb)
    nb.cells[1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=[])]
    with pytest.raises(run.RunFailed, match="ValueError"):
        run.check_complete(nb)


def test_warm_kernel_is_reused_but_globals_do_not_leak(tmp_path):
    probe = notebook(tmp_path, "import os\nprint('LEAK' if 'RAHASIA' in globals() else 'clean', os.getpid())\nRAHASIA = 1\nos.chdir('/')")
    first = stdout(run.run_notebook(job(probe), tmp_path / "a.ipynb")).split()
    second = stdout(run.run_notebook(job(probe), tmp_path / "b.ipynb")).split()
    assert first[0] == second[0] == "clean"
    counts = [c.execution_count for c in nbformat.read(tmp_path / "b.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # In [n] as in a fresh kernel
    assert first[1] == second[1]  # the same kernel process served both: the start was paid once
    cwd = run.run_notebook(job(notebook(tmp_path, "import os; print(os.getcwd())")), tmp_path / "c.ipynb")
    assert stdout(cwd).strip() == str(paths.ROOT)


def test_the_reset_freezes_what_briefs_share_but_frees_what_a_brief_made(tmp_path):
    """kernels.RESET: the imports go out of the collector's reach; a brief's own cycles are still freed."""
    freed = tmp_path / "freed"
    ring = notebook(tmp_path, "import gc, pathlib, weakref\nclass Ring: pass\nr = Ring(); r.me = r  # a cycle\n"
                              f"weakref.finalize(r, pathlib.Path({str(freed)!r}).write_text, 'freed')\n"
                              "print(gc.get_freeze_count())")
    run.run_notebook(job(ring), tmp_path / "a.ipynb")
    probe = notebook(tmp_path, "import gc; print(gc.get_freeze_count(), len(gc.get_objects()))")
    frozen, collectable = map(int, stdout(run.run_notebook(job(probe), tmp_path / "b.ipynb")).split())
    assert freed.read_text() == "freed"  # the brief's cycle was collected, not frozen with the rest
    assert frozen > 10 * collectable  # pandas, matplotlib, IPython: frozen; a later collection walks little


def test_a_kernel_started_early_has_the_imports_done_and_leaves_the_first_brief_a_clean_namespace(tmp_path):
    """kernels.start_early: the warm-up's imports stay (that is its point), its names do not."""
    from briefs.run import kernels

    kernels.discard()  # this worker's kernel, if an earlier test left one: start from none
    kernels.start_early()
    probe = notebook(tmp_path, "import sys, os\nprint(sorted(k for k in globals() if k.startswith('_') and "
                               "not k.startswith('__') and k not in {'_', '_i', '_ii', '_iii', '_dh', '_oh'} "
                               "and not k[1:].isdigit() and not k.startswith(('_i', '_exit'))), "
                               "'briefs.notebook' in sys.modules, os.getpid())")
    nb = run.run_notebook(job(probe), tmp_path / "a.ipynb")
    names, imported, pid = stdout(nb).rsplit(" ", 2)
    assert names == "[]" and imported == "True"  # no _nb, _plt, _f from WARM_UP; briefs.notebook already loaded
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # In [n] as in a fresh kernel
    again = run.run_notebook(job(notebook(tmp_path, "import os; print(os.getpid())")), tmp_path / "b.ipynb")
    assert stdout(again).strip() == pid.strip()  # the early kernel is the warm kernel


def test_a_failed_run_gets_a_new_kernel(tmp_path):
    pid_nb = notebook(tmp_path, "import os; print(os.getpid())")
    before = stdout(run.run_notebook(job(pid_nb), tmp_path / "a.ipynb"))
    with pytest.raises(run.RunFailed, match="SystemExit|tidak dijalankan|DeadKernel|mati"):
        run.run_notebook(job(notebook(tmp_path, "raise SystemExit(3)")), tmp_path / "b.ipynb")
    after = stdout(run.run_notebook(job(pid_nb), tmp_path / "c.ipynb"))
    assert before != after


def test_whole_run_wall_clock_limit_kills_the_kernel(tmp_path):
    # every cell is short, the whole run is long: papermill's per-cell limit would not catch it
    cells = ["import time; time.sleep(0.8)"] * 6
    j = Job(**{**job(notebook(tmp_path, *cells)).__dict__, "timeout": 2})
    with pytest.raises(run.RunFailed, match="batas waktu 2 detik"):
        run.run_notebook(j, tmp_path / "out.ipynb")


def test_undeclared_or_crafted_parameter_names_never_reach_the_kernel(tmp_path):
    marker = tmp_path / "pwned"
    crafted = f"x = 1\nimport pathlib; pathlib.Path({str(marker)!r}).touch()\ny"
    with pytest.raises(run.RunFailed, match="tidak dideklarasikan") as info:
        run.run_notebook(job(notebook(tmp_path, "print(x)"), **{crafted: 2}), tmp_path / "out.ipynb")
    assert "pathlib" in str(info.value)
    assert not marker.exists()
    with pytest.raises(run.RunFailed, match="'y'"):
        run.run_notebook(job(notebook(tmp_path, "print(x)"), x=1, y=2), tmp_path / "out.ipynb")
    assert run.allowed_parameters(paths.BRIEF_NOTEBOOK) == {"kode_kecamatan", "params_file", "snapshot", "build_id"}


def test_a_parameter_added_to_the_notebook_is_allowed_at_once(tmp_path):
    """The declared names are read once per version of the file, not once per process."""
    path = Path(notebook(tmp_path, "print(x)"))
    assert run.allowed_parameters(path) == {"x"}
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "x = 1\ny = 2"
    nbformat.write(nb, path)
    assert run.allowed_parameters(path) == {"x", "y"}
    assert stdout(run.run_notebook(job(str(path), x=3, y=4), tmp_path / "out.ipynb")).strip() == "3"


def test_many_runs_in_one_worker_leak_no_file_descriptors(tmp_path):
    """A worker runs hundreds of briefs: each run must give back its sockets and pipes."""
    import os

    probe = notebook(tmp_path, "print(x)")
    counts = []
    for i in range(5):
        run.run_notebook(job(probe, x=i), tmp_path / f"o{i}.ipynb")
        counts.append(len(os.listdir("/proc/self/fd")))
    assert counts[-1] <= counts[1], counts


# ---- the kept client: one per warm kernel, through kills, restarts and other clients -----------

def test_a_killed_kernel_is_replaced_with_a_new_client(tmp_path):
    from jupyter_core.utils import run_sync

    from briefs.run import kernels

    pid_nb = notebook(tmp_path, "import os; print(os.getpid())")
    before = stdout(run.run_notebook(job(pid_nb), tmp_path / "a.ipynb"))
    km, kc = kernels.acquire()
    kernels.kill(km)  # killed between briefs, as the watchdog or an OOM killer would
    for _ in range(100):  # SIGKILL is delivered at once; the exit is seen a moment later
        if not run_sync(km.is_alive)():
            break
        time.sleep(0.05)
    after = stdout(run.run_notebook(job(pid_nb), tmp_path / "b.ipynb"))
    assert before != after
    _, fresh = kernels.acquire()
    assert fresh is not kc


def test_another_client_of_the_kernel_does_not_disturb_the_kept_one(tmp_path):
    """A second client (a debugger, a console) runs code between briefs: the next run still
    completes, and shows only its own output."""
    from jupyter_client import BlockingKernelClient

    from briefs.run import kernels

    probe = notebook(tmp_path, "print('milik brief ini')")
    run.run_notebook(job(probe), tmp_path / "a.ipynb")
    km, kept = kernels.acquire()
    other = BlockingKernelClient()
    other.load_connection_info(km.get_connection_info())
    other.start_channels()
    try:
        other.wait_for_ready(timeout=20)
        other.execute_interactive("print('ORANG LAIN')", timeout=20)
        other.execute("import time; time.sleep(0.2); print('ORANG LAIN LAGI')")  # reply left unread
    finally:
        other.stop_channels()
    nb = run.run_notebook(job(probe), tmp_path / "b.ipynb")
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert texts == ["milik brief ini\n"]
    assert kernels.acquire()[1] is kept  # still the same client


def test_the_kept_client_survives_dask_giving_each_task_a_fresh_context(tmp_path):
    """Dask runs each task in a new contextvars context: the kept client's event loop must follow."""
    from distributed import Client, LocalCluster

    probe = notebook(tmp_path, "import os; print(os.getpid())")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        futures = [client.submit(lambda i: run.run_notebook(job(probe), tmp_path / f"{i}.ipynb"), i, pure=False)
                   for i in range(3)]
        pids = [stdout(f.result(timeout=120)).strip() for f in futures]
    assert len(set(pids)) == 1  # one warm kernel, reached by one kept client, for every task


def test_a_build_stopped_while_the_kernel_resets_prints_nothing_after_it(tmp_path, caplog):
    """SIGTERM or Ctrl-C while the build waits for the kernel's reset leaves that wait behind
    on the kept client's event loop. A full test run showed what follows: the exit forgets the
    client (`kernels._drop`), the loop runs once more to shut the kernel down, the wait gets
    some other reply, looks for the next one through the client now gone, and asyncio printed
    "Task exception was never retrieved" and a traceback after the build's closing line. Here:
    a real signal interrupts the wait, as `cli._on_sigterm` does; a reply that is not the
    awaited one arrives once the client is forgotten; then the kernel is shut down."""
    import gc
    import logging
    import signal

    from jupyter_core.utils import run_sync

    from briefs.run import kernels

    class Stopped(BaseException):  # as cli.Terminated and KeyboardInterrupt are: no `except Exception` takes it
        pass

    def stop(signum, frame):
        raise Stopped

    run.run_notebook(job(notebook(tmp_path, "x = 1")), tmp_path / "a.ipynb")  # a warm kernel, its client kept
    kernels.acquire()
    kernels._client.execute("import time; time.sleep(0.5)", silent=True)  # its reply is not the awaited one
    kernels._pending = kernels._client.execute("import time; time.sleep(5)", silent=True)
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Stopped):
            kernels._finish_reset(timeout=20)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        kept, kernels._client = kernels._client, None  # `_drop`'s first step, at exit
        run_sync(asyncio.sleep)(1.0)  # the loop runs on (the shutdown's turn): the other reply arrives
        kernels._client = kept
        kernels.discard()
        gc.collect()  # a task that ended in an exception nobody read says so when it is collected
    assert not [r for r in caplog.records if r.name == "asyncio"], [r.getMessage() for r in caplog.records]
