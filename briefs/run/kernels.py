"""Warm kernels: one live Jupyter kernel per worker process, wiped clean between briefs.

A fresh kernel costs about 1,4 s (process start and the pandas/matplotlib imports)
against well under 0,3 s of a brief's own work. Reusing one kernel per worker and
resetting its namespace between runs keeps each brief isolated (no global of one brief
is visible to the next) while paying the start once. Any failure, timeout or dead
kernel discards the kernel; the next brief gets a new one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading

from jupyter_client import AsyncKernelManager
from jupyter_client.blocking import BlockingKernelClient
from jupyter_core.utils import run_sync
from papermill.engines import NBClientEngine, papermill_engines

from briefs import paths

KERNEL_NAME = "python3"
# What a brief may have changed that outlives `%reset`: figures, rc settings, the cwd,
# and the execution counter (so In [n] in a released notebook never depends on which
# briefs ran before it on the same worker).
RESET = f"""%reset -f
import matplotlib as _mpl, matplotlib.pyplot as _plt, os as _os
_plt.close("all"); _mpl.rcdefaults(); _os.chdir({str(paths.ROOT)!r})
del _mpl, _plt, _os
get_ipython().execution_count = 1
"""

_kernel: AsyncKernelManager | None = None
_client: BlockingKernelClient | None = None  # kept open: reconnecting costs ~0,5 s a brief
_pending: str | None = None  # msg_id of a reset sent but not yet confirmed
_lock = threading.Lock()


class WarmKernel(AsyncKernelManager):
    """The warm kernel's manager: it remembers the clients made of it, so they can be closed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.made: list = []

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.made.append(kc)
        return kc


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine, closing the kernel client it used after every run.

    Given a kernel manager, nbclient rightly leaves the kernel running, but also leaves
    its client's channels open: 14 file descriptors per brief, until a worker that has
    run some 150 briefs fails in select(). papermill's own steps, then the closing.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            km = kwargs.get("km")
            for kc in getattr(km, "made", []):
                kc.stop_channels()
            if km is not None:
                km.made.clear()


ENGINE = "rakor-warm"
papermill_engines.register(ENGINE, WarmEngine)


def acquire(timeout: float = 20) -> AsyncKernelManager:
    """This process's warm kernel, reset and ready; started on first use (cwd at the root)."""
    global _kernel
    _finish_reset(timeout)
    with _lock:
        if _kernel is None or not run_sync(_kernel.is_alive)():
            sockets = paths.BUILD / "kernels"
            sockets.mkdir(parents=True, exist_ok=True)
            # Async, because nbclient polls an async client: a blocking one would hang its
            # event loop and silence both the cell timeout and dead-kernel detection.
            _kernel = WarmKernel(kernel_name=KERNEL_NAME, transport="ipc", ip=str(sockets / f"k{os.getpid()}"))
            # No IPython history: workers would share one sqlite file, and a reset
            # execution counter makes it print "Session/line number was not unique".
            # Jupyter's own figure backend, whatever the analyst's shell sets: with MPLBACKEND=Agg
            # `plt.show()` in a cell would silently show nothing.
            env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
            # The kernel's own chatter ("Parent appears to have exited" after a Ctrl-C) goes to
            # a log beside its sockets, not to the analyst's terminal.
            log = open(sockets / f"k{os.getpid()}.log", "ab")  # noqa: SIM115 (the kernel keeps it open)
            run_sync(_kernel.start_kernel)(cwd=str(paths.ROOT), env=env, stdout=log, stderr=log,
                                           extra_arguments=["--HistoryManager.enabled=False"])
            log.close()  # the kernel process holds its own copy of the descriptor
        return _kernel


def reset(km: AsyncKernelManager, timeout: float = 20) -> None:
    """Start wiping the namespace; `acquire` waits for it, so it overlaps the rendering.

    The kernel answers requests in order, so the next brief's cells can only run after
    the reset; `acquire` still checks the reply and discards the kernel if it failed.
    """
    global _client, _pending
    try:
        if _client is None:
            _client = BlockingKernelClient()
            _client.load_connection_info(km.get_connection_info())
            _client.start_channels()
            _client.wait_for_ready(timeout=timeout)
        _pending = _client.execute(RESET, silent=True, store_history=False)
    except Exception:
        discard()


def _finish_reset(timeout: float) -> None:
    """Wait for the reset sent after the previous brief; a failed one costs the kernel."""
    global _pending
    if _pending is None or _client is None:
        _pending = None
        return
    ok = False
    try:
        while True:
            reply = _client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == _pending:
                ok = reply["content"]["status"] == "ok"
                break
    except Exception:
        ok = False
    _pending = None
    if not ok:
        discard()


def discard() -> None:
    """Shut this process's kernel down (after a failure, a timeout, or at exit)."""
    global _kernel, _client
    with _lock:
        km, _kernel = _kernel, None
        kc, _client = _client, None
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()


def kill(km: AsyncKernelManager) -> None:
    """Kill a kernel that ran past its wall-clock limit, with anything it started.

    jupyter_client starts each kernel in its own session, so its process group holds
    the kernel and its children; papermill then reports a dead kernel.
    """
    pid = getattr(km.provisioner, "pid", None)
    if pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


atexit.register(discard)
