"""Warm kernels: one live Jupyter kernel per worker process, wiped clean between briefs.

A fresh kernel costs about 1,4 s (process start and the pandas/matplotlib imports)
against well under 0,3 s of a brief's own work. Reusing one kernel per worker and
resetting its namespace between runs keeps each brief isolated (no global of one brief
is visible to the next) while paying the start once. Any failure, timeout or dead
kernel discards the kernel; the next brief gets a new one.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import signal
import threading

from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core import utils as jupyter_utils
from jupyter_core.utils import run_sync
from traitlets import Type

from briefs import paths

KERNEL_NAME = "python3"
# What a brief may have changed that outlives `%reset`: figures, rc settings, the cwd,
# and the execution counter (so In [n] in a released notebook never depends on which
# briefs ran before it on the same worker).
#
# `%reset` runs two full garbage collections, and with pandas, matplotlib and IPython
# loaded each walks ~160.000 objects: ~0,2 s a brief during which the kernel can run
# nothing else. The first reset therefore freezes what has survived it (the imports, the
# warm-up's font and style caches: what every brief shares and nothing ever frees) out
# of the collector's reach, and every later collection walks only what briefs made since
# (~8.000 objects, a few ms). A brief's own objects are never frozen: they are gone from
# the namespace, and collected, before the freeze (tested).
RESET = f"""%reset -f
import matplotlib as _mpl, matplotlib.pyplot as _plt, os as _os, gc as _gc
_plt.close("all"); _mpl.rcdefaults(); _os.chdir({str(paths.ROOT)!r})
if not _gc.get_freeze_count():
    _gc.collect(); _gc.freeze()
del _mpl, _plt, _os, _gc
get_ipython().execution_count = 1
"""

# What every brief's first cells import and draw, run once in a kernel started early
# (`start_early`): the first brief then finds the imports done and matplotlib's fonts loaded.
WARM_UP = """import matplotlib.pyplot as _plt
from briefs import notebook as _nb
_nb.house_style.apply()
_f = _plt.figure(figsize=(2, 1)); _f.text(0.5, 0.5, "Cakupan 1.234,5%", fontweight="bold")
_nb.charts.png_bytes(_f); _plt.close(_f)
"""
# How long the first brief waits for the warm-up: on a fresh machine its first chart also
# builds matplotlib's font cache, which can take longer than a reset's usual 20 s.
WARM_UP_SECONDS = 180

_kernel: AsyncKernelManager | None = None
_client: AsyncKernelClient | None = None  # kept open to the warm kernel: reconnecting costs ~0,2 s a brief
_loop: asyncio.AbstractEventLoop | None = None
_pending: str | None = None  # msg_id of a reset sent but not yet confirmed
_lock = threading.RLock()  # discard() may run from a failing acquire()
_early: threading.Thread | None = None  # start_early's thread, until acquire has waited for it


class KeptClient(AsyncKernelClient):
    """The warm kernel's one client, connected once and reused for every brief.

    nbclient starts and readies a client for every run; this one answers those calls
    at once after the first, so a brief no longer waits ~0,2 s for the output channel to
    fall quiet, and no socket is left behind (nbclient never stops a client it did not
    make for a kernel it does not own).
    """

    _started = _ready = False

    def start_channels(self, *args, **kwargs) -> None:
        if not self._started:  # channels_running is no guide: async channels report not alive
            super().start_channels(*args, **kwargs)
            self._started = True

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        if not self._ready:
            await super()._async_wait_for_ready(timeout=timeout)
            self._ready = True

    wait_for_ready = _async_wait_for_ready


class WarmKernel(AsyncKernelManager):
    """The warm kernel's manager: every client asked of it is the one kept client."""

    client_factory = Type(KeptClient, klass=AsyncKernelClient)
    _kept: KeptClient | None = None

    def client(self, **kwargs) -> KeptClient:
        if self._kept is None:
            self._kept = super().client(**kwargs)
        return self._kept


def _pinned_loop() -> asyncio.AbstractEventLoop:
    """This process's one event loop, made current for jupyter_core in this context.

    The kept client's sockets belong to the loop they were made on. jupyter_core keeps its
    loop in a ContextVar, and Dask runs every task in a fresh context: without pinning,
    each brief would get a new loop and the kept client would hang on the old one.
    """
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    jupyter_utils._loop.set(_loop)
    return _loop


def start_early() -> None:
    """Start this process's kernel now, in a thread, and run `WARM_UP` in it.

    For a build that runs its briefs in this process: the kernel's start (~0,6 s) and the
    first brief's imports and first chart (~1,0 s) then overlap the build's own imports,
    slices and plan instead of delaying the first brief. The reset queued behind the
    warm-up gives the first brief a clean namespace, as every other brief gets. Anything
    that fails here only costs the kernel: the first brief starts its own and reports.
    """
    global _early
    if _early is not None or _kernel is not None:
        return

    def warm() -> None:
        try:
            _, client = acquire()
            client.execute(WARM_UP, silent=True, store_history=False)
            reset()  # answered in order after the warm-up; acquire waits for it
        except Exception:
            discard()

    _early = threading.Thread(target=warm, name="kernel-awal", daemon=True)
    _early.start()


def stop_early() -> None:
    """Shut down the kernel `start_early` started, when the build it was for will not run.

    The early thread only starts the kernel and sends it the warm-up and a reset (the
    kernel runs them on its own), so waiting for it takes at most the kernel's start
    (~0,6 s) and usually nothing; the kernel is then killed at once.
    """
    global _early
    early, _early = _early, None
    if early is not None and early is not threading.current_thread():
        early.join()
    discard()


def acquire(timeout: float = 20) -> tuple[AsyncKernelManager, AsyncKernelClient]:
    """This process's warm kernel, reset and ready, and the client kept open to it.

    Started on first use (cwd at the root), or earlier by `start_early`, which this waits
    for. The client is made once per kernel: nbclient would otherwise connect a new one
    for every brief and wait ~0,2 s for it to be ready.
    """
    global _kernel, _client, _early
    early = _early
    if early is not None and early is not threading.current_thread():
        early.join()  # one thread at a time on the kept client and its event loop
        _early = None
    _pinned_loop()
    _finish_reset(max(timeout, WARM_UP_SECONDS) if early is not None else timeout)
    with _lock:
        if _kernel is None or not run_sync(_kernel.is_alive)():
            _drop()
            _kernel = _start()
        if _client is None:
            _client = _kernel.client()  # the kept one; nbclient will be handed the same
            _client.start_channels()
            try:
                run_sync(_client.wait_for_ready)(timeout=timeout)
            except Exception:
                _drop()
                raise
        return _kernel, _client


def _start() -> WarmKernel:
    sockets = paths.BUILD / "kernels"
    sockets.mkdir(parents=True, exist_ok=True)
    # Async, because nbclient polls an async client: a blocking one would hang its
    # event loop and silence both the cell timeout and dead-kernel detection.
    km = WarmKernel(kernel_name=KERNEL_NAME, transport="ipc", ip=str(sockets / f"k{os.getpid()}"))
    # No IPython history: workers would share one sqlite file, and a reset execution
    # counter makes it print "Session/line number was not unique". Jupyter's own figure
    # backend, whatever the analyst's shell sets: with MPLBACKEND=Agg `plt.show()` in a
    # cell would silently show nothing.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    # The kernel's own chatter ("Parent appears to have exited" after a Ctrl-C) goes to
    # a log beside its sockets, not to the analyst's terminal.
    log = open(sockets / f"k{os.getpid()}.log", "ab")  # noqa: SIM115 (the kernel keeps it open)
    run_sync(km.start_kernel)(cwd=str(paths.ROOT), env=env, stdout=log, stderr=log,
                              extra_arguments=["--HistoryManager.enabled=False"])
    log.close()  # the kernel process holds its own copy of the descriptor
    return km


def reset(timeout: float = 20) -> None:
    """Start wiping the namespace; `acquire` waits for it, so it overlaps the rendering.

    The kernel answers requests in order, so the next brief's cells can only run after
    the reset; `acquire` still checks the reply and discards the kernel if it failed.
    """
    global _pending
    try:
        _pending = _client.execute(RESET, silent=True, store_history=False) if _client is not None else None
    except Exception:
        discard()


def _finish_reset(timeout: float) -> None:
    """Wait for the reset sent after the previous brief; a failed one costs the kernel."""
    global _pending
    if _pending is None or _client is None:
        _pending = None
        return
    pending, _pending = _pending, None
    client = _client

    async def reply_to_reset() -> bool:
        # Its own client, and every failure an answer: a build stopped (SIGTERM, Ctrl-C) while
        # this waited leaves the task behind on the kept event loop, and the kernel's shutdown
        # at exit runs it again with the module's client gone. Raising then, it printed "Task
        # exception was never retrieved" and a traceback after the build's closing line.
        try:
            while True:
                reply = await client.get_shell_msg(timeout=timeout)
                if reply["parent_header"].get("msg_id") == pending:
                    return reply["content"]["status"] == "ok"
        except Exception:  # the reply timed out, or the channels closed under it
            return False

    try:
        ok = run_sync(reply_to_reset)()
    except Exception:
        ok = False
    if not ok:
        discard()


def _drop() -> None:
    """Forget this process's kernel and client (the caller holds the lock)."""
    global _kernel, _client, _pending
    km, _kernel = _kernel, None
    kc, _client = _client, None
    _pending = None
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    if km is not None:
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()


def discard() -> None:
    """Shut this process's kernel down (after a failure, a timeout, or at exit)."""
    with _lock:
        _drop()


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
