"""One notebook run: papermill in this worker's warm kernel, checked complete and scrubbed.

The run has a wall clock over the whole notebook (papermill limits single cells only);
a run that stopped early, raised, or carries an error output is a `RunFailed` whose
`failure` names the cell, the exception and its value. What differs between identical
runs (timings, random ids, local paths) is scrubbed, so a rebuild is byte-identical.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import nbformat

from briefs import paths, timing
from briefs.run import kernels
from briefs.run.job import Failure, Job


class RunFailed(Exception):
    """A notebook run that must not become a published brief."""

    def __init__(self, failure: Failure | str):
        self.failure = failure if isinstance(failure, Failure) else Failure(failure)
        super().__init__(self.failure.message)


def run_notebook(job: Job, target: Path) -> nbformat.NotebookNode:
    """Run the job's notebook into `target`; the executed notebook, or RunFailed."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameter_names(job)
    km, _ = kernels.acquire()  # the kernel, and the kept client nbclient will be handed
    fired = threading.Event()
    watchdog = threading.Timer(job.timeout, lambda: (fired.set(), kernels.kill(km)))
    watchdog.start()
    try:
        nb = papermill.execute_notebook(
            str(paths.ROOT / job.notebook), str(target), parameters=job.parameters,
            kernel_name=kernels.KERNEL_NAME, km=km, progress_bar=False,
            execution_timeout=job.timeout, log_output=False,
            # Saving after every cell costs ~1 s a brief; on failure papermill still
            # writes the notebook with its error banner, which is the evidence we keep.
            request_save_on_cell_execute=False,
        )
        check_complete(nb)
    except PapermillExecutionError as exc:
        kernels.discard()
        first = ((exc.source or "").strip().splitlines() or [""])[0][:60]
        where = f"sel [{exc.exec_count}]" + (f" «{first}»" if first else "")
        raise RunFailed(Failure(f"{where}: {exc.ename}: {exc.evalue}", exc.exec_count, first, exc.ename,
                                str(exc.evalue))) from None
    except RunFailed:
        kernels.discard()
        raise
    except Exception as exc:  # dead kernel, cell timeout, missing kernel
        kernels.discard()
        if fired.is_set() or "timed out" in str(exc).lower():
            raise RunFailed(Failure(f"melewati batas waktu {job.timeout} detik", ename="Timeout")) from None
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise RunFailed(Failure(f"{type(exc).__name__}: {first}", ename=type(exc).__name__, evalue=first)) from None
    finally:
        watchdog.cancel()
    kernels.reset()
    timing.add("brief: sel di kernel", sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells))
    nb = scrub(nb, job)
    nbformat.write(nb, str(target))
    return nb


def allowed_parameters(notebook: str | Path) -> set[str]:
    """Names declared in the notebook's `parameters` cell: the only ones the build may pass."""
    path = paths.ROOT / notebook
    found = path.stat()
    return set(_declared(str(path), found.st_mtime_ns, found.st_size))


@functools.lru_cache(maxsize=64)
def _declared(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """papermill's reading of a parameters cell, once per version of the file.

    Every brief of a build runs the same notebook, and reading it cost ~13 ms a brief
    while the kernel waited; an edited file (another time or size) is read again.
    """
    import papermill

    return frozenset(papermill.inspect_notebook(path))


def check_parameter_names(job: Job) -> None:
    """Refuse undeclared names before papermill sees them.

    papermill escapes parameter values but pastes parameter *names* into code as they
    are, so a crafted name would run as code in the kernel.
    """
    allowed = allowed_parameters(job.notebook)
    unknown = sorted(n for n in job.parameters if n not in allowed or not str(n).isidentifier())
    if unknown:
        raise RunFailed(f"parameter tidak dideklarasikan di sel parameters: {', '.join(map(repr, unknown))}")


def check_complete(nb: nbformat.NotebookNode) -> None:
    """A run that stopped early or carries an error output is a failure, whatever papermill said."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        first = cell.source.strip().splitlines()[0][:60]
        if cell.get("execution_count") is None:
            raise RunFailed(Failure(f"sel {i}: tidak dijalankan (notebook berhenti sebelum selesai)", i, first,
                                    "NotExecuted"))
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise RunFailed(Failure(f"sel {i}: {out.get('ename')}: {out.get('evalue')}", i, first,
                                        str(out.get("ename")), str(out.get("evalue"))))


def scrub(nb: nbformat.NotebookNode, job: Job) -> nbformat.NotebookNode:
    """Drop what differs between identical runs (timings, temp paths); keep the audit trail."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        meta.pop(key, None)
    meta["input_path"] = paths.public(paths.resolve(job.notebook))
    meta["output_path"] = f"notebooks/{job.slug}.ipynb"
    # Paths outside the project (a data or cache folder under someone's home) by name only:
    # the executed notebook is published, and travels with the release.
    hidden = {str(v): paths.public(v) for v in job.parameters.values()
              if isinstance(v, str) and Path(v).is_absolute() and paths.public(v) != v}
    meta["parameters"] = {k: hidden.get(v, v) if isinstance(v, str) else v
                          for k, v in meta.get("parameters", {}).items()}
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
            for full, shown in hidden.items():
                cell.source = cell.source.replace(full, shown)
    return nb
