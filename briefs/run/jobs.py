"""One job = one notebook run and its rendering, done by a worker and cached by fingerprint.

A job runs the notebook through papermill in a real kernel, checks the run is complete,
renders HTML and PDF, and moves the three files into `.build/cache/<fingerprint>/` in one
rename, so an interrupted run never leaves half a result behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from briefs import paths
from briefs.run import kernels
from briefs.release.publish import alive

CACHE = paths.BUILD / "cache"
FAILED = paths.BUILD / "failed"
NOTICES = "peringatan.json"  # what the page leaves out, kept with the run it describes
FILES = ("notebook.ipynb", "page.html", "page.pdf", NOTICES)
HOST = re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname()) or "host"  # names this machine's work folders
SUMS = "sha256.json"  # the hash of each file, written last: a damaged entry is rebuilt, never published
# A brief is read on at most two A4 pages (DESIGN.md); a longer one is reported. The
# summary grows with the number of kecamatan, so it has no budget.
PAGE_BUDGET = {"brief": 2}


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to produce one brief or the summary; picklable."""

    key: str  # kode_kecamatan, or "ringkasan" for the regency summary
    kind: str  # "brief" | "summary"
    title: str  # "Kecamatan Sitiung"
    name: str  # the official name, for the manifest
    slug: str  # safe file name
    notebook: str  # relative to the project root
    parameters: dict
    timeout: int
    page: object  # briefs.render.Page
    fingerprint: str
    meeting_id: str
    authors: tuple[str, ...] = ()  # the meeting's organizers, for the PDF metadata
    engine: str = "weasyprint"
    quarto: object = None  # briefs.quarto_cli.Quarto when engine == "quarto"


@dataclass
class Outcome:
    job: Job
    ok: bool
    folder: Path | None = None  # cache folder holding FILES when ok
    error: str = ""
    cached: bool = False
    seconds: float = 0.0
    worker: int | None = None  # pid of the process that ran it (a Dask worker, or this one)
    notices: list[dict] = field(default_factory=list)  # sanitize.Notice.as_dict(), in cell order


class RunFailed(Exception):
    """A notebook run that must not become a published brief; the message names the cell."""


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


_SKIP = {"__pycache__", ".ipynb_checkpoints"}  # written by Python and JupyterLab, never inputs


def tree_digest(*folders: Path, pattern: str = "*") -> str:
    """Hash of every file under the folders (names and bytes), in a stable order."""
    parts: list[bytes | str] = []
    for folder in folders:
        for f in sorted(p for p in folder.rglob(pattern) if p.is_file() and not _SKIP.intersection(p.parts)):
            parts += [str(f.relative_to(folder)), f.read_bytes()]
    return digest(*parts)


def notebook_digest(notebook: Path) -> str:
    """A source notebook and the images its Markdown may embed (any file beside it but notebooks).

    A changed picture in notebooks/gambar/ must re-render the briefs that show it.
    """
    assets = [f for f in sorted(notebook.parent.rglob("*"))
              if f.is_file() and f.suffix != ".ipynb" and not _SKIP.intersection(f.parts)]
    return digest(notebook.read_bytes(), *(part for f in assets for part in (str(f.relative_to(notebook.parent)), f.read_bytes())))


def cached(job: Job) -> Outcome | None:
    """The finished run of this job, if its cache entry is whole; a damaged entry is removed.

    A disk that filled up, a copy cut short or a hand edit leaves files whose hashes no
    longer match the ones written with them: that entry is rebuilt, not published.
    """
    folder = CACHE / job.fingerprint
    if not folder.is_dir():
        return None
    try:
        sums = json.loads((folder / SUMS).read_text(encoding="utf-8"))
        whole = sorted(sums) == sorted(FILES) and all(_sha256(folder / n) == sums[n] for n in FILES)
        notices = read_notices(folder) if whole else []
    except (OSError, ValueError, TypeError, AttributeError):
        whole = False
    if not whole:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return Outcome(job=job, ok=True, folder=folder, cached=True, notices=notices)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remove_stale_work() -> None:
    """Half-written runs of this machine's processes that are gone (killed, interrupted).

    Only this host's: with `--scheduler`, workers on other machines share the cache folder,
    and their pids mean nothing here.
    """
    for work in CACHE.glob(f"*.tmp-{HOST}-*") if CACHE.is_dir() else ():
        pid = work.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and alive(int(pid))):
            shutil.rmtree(work, ignore_errors=True)



def read_notices(folder: Path) -> list[dict]:
    return json.loads((folder / NOTICES).read_text(encoding="utf-8"))


def run_job(job: Job) -> Outcome:
    """Execute, check, render; never raises for a notebook's own failure."""
    start = time.monotonic()

    def outcome(ok: bool, error: str = "", folder: Path | None = None) -> Outcome:
        return Outcome(job=job, ok=ok, folder=folder, error=error, seconds=time.monotonic() - start,
                       worker=os.getpid(), notices=read_notices(folder) if folder else [])

    work = CACHE / f"{job.fingerprint}.tmp-{HOST}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        nb = execute(job, work / "notebook.ipynb")
        render_pages(job, nb, work)
    except RunFailed as exc:
        _keep_evidence(job, work / "notebook.ipynb")
        shutil.rmtree(work, ignore_errors=True)
        return outcome(False, str(exc))
    except Exception as exc:  # rendering bugs too must fail one brief, not the batch
        shutil.rmtree(work, ignore_errors=True)
        return outcome(False, f"{type(exc).__name__}: {exc}")
    except BaseException:  # Ctrl-C or SIGTERM: no half-written run stays behind
        shutil.rmtree(work, ignore_errors=True)
        raise
    sums = {name: _sha256(work / name) for name in FILES}
    (work / SUMS).write_text(json.dumps(sums, sort_keys=True) + "\n", encoding="utf-8")
    final = CACHE / job.fingerprint
    shutil.rmtree(final, ignore_errors=True)
    os.replace(work, final)  # one rename: a cache entry is complete or absent
    return outcome(True, folder=final)


def render_pages(job: Job, nb: nbformat.NotebookNode, work: Path) -> None:
    """page.html and page.pdf from the executed notebook, with the job's engine; and the notices.

    The notices (peringatan.json) say what of the notebook the page leaves out and
    whether the brief ran past its page budget: the build reports them.
    """
    from briefs.render import sanitize

    images = (paths.ROOT / job.notebook).parent  # Markdown images come from the notebook's own folder
    notices = [n.as_dict() for n in sanitize.prepare(nb, images)[1]]
    if job.engine == "quarto":
        from briefs.render import quarto as quarto_cli

        try:
            quarto_cli.render(work / "notebook.ipynb", work, job.page, job.quarto, timeout=job.timeout, images=images)
        except quarto_cli.QuartoFailed as exc:
            raise RunFailed(str(exc)) from None
        pages = _readable_pdf(work / "page.pdf")
    else:
        from briefs.render import html as render
        from briefs.render import weasy

        html = render.notebook_html(nb, job.page, images)
        (work / "page.html").write_text(html, encoding="utf-8")
        weasy.write_pdf(html, work / "page.pdf", base_dir=work, title=job.title, authors=job.authors)
        pages = _readable_pdf(work / "page.pdf")
    budget = PAGE_BUDGET.get(job.kind)
    if budget and pages > budget:
        notices.append({"cell": None, "source": "", "message": f"{pages} halaman A4, melebihi batas {budget} halaman"})
    (work / NOTICES).write_text(json.dumps(notices, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _readable_pdf(pdf: Path) -> int:
    """The PDF's page count; an unreadable or empty file (an engine outside our process
    may leave one) is a failed brief, not a broken book."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = len(PdfReader(pdf).pages)
    except (PyPdfError, OSError, ValueError) as exc:
        raise RunFailed(f"PDF dari mesin render tidak terbaca: {exc}") from None
    if pages == 0:
        raise RunFailed(f"{pdf.name} tidak berisi halaman")
    return pages


def execute(job: Job, target: Path) -> nbformat.NotebookNode:
    """Run the notebook through papermill in this worker's warm kernel; raise RunFailed.

    The whole run has a wall-clock limit (papermill itself only limits single cells):
    past it the kernel is killed, which papermill reports as a dead kernel.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _check_parameter_names(job)
    km = kernels.acquire()
    fired = threading.Event()
    watchdog = threading.Timer(job.timeout, lambda: (fired.set(), kernels.kill(km)))
    watchdog.start()
    try:
        nb = papermill.execute_notebook(
            str(paths.ROOT / job.notebook), str(target), parameters=job.parameters,
            kernel_name=kernels.KERNEL_NAME, km=km, engine_name=kernels.ENGINE, progress_bar=False,
            execution_timeout=job.timeout, log_output=False,
            # Saving after every cell costs ~1 s a brief; on failure papermill still
            # writes the notebook with its error banner, which is the evidence we keep.
            request_save_on_cell_execute=False,
        )
        check_complete(nb)
    except PapermillExecutionError as exc:
        kernels.discard()
        first = (exc.source or "").strip().splitlines()[:1]
        where = f"sel [{exc.exec_count}]" + (f" «{first[0][:60]}»" if first else "")
        raise RunFailed(f"{where}: {exc.ename}: {exc.evalue}") from None
    except RunFailed:
        kernels.discard()
        raise
    except Exception as exc:  # dead kernel, cell timeout, missing kernel
        kernels.discard()
        if fired.is_set() or "timed out" in str(exc).lower():
            raise RunFailed(f"melewati batas waktu {job.timeout} detik") from None
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise RunFailed(f"{type(exc).__name__}: {first}") from None
    finally:
        watchdog.cancel()
    kernels.reset(km)
    nb = scrub(nb, job)
    nbformat.write(nb, str(target))
    return nb


def allowed_parameters(notebook: str | Path) -> set[str]:
    """Names declared in the notebook's `parameters` cell: the only ones the build may pass."""
    import papermill

    return set(papermill.inspect_notebook(str(paths.ROOT / notebook)))


def _check_parameter_names(job: Job) -> None:
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
        if cell.get("execution_count") is None:
            raise RunFailed(f"sel {i}: tidak dijalankan (notebook berhenti sebelum selesai)")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise RunFailed(f"sel {i}: {out.get('ename')}: {out.get('evalue')}")


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


def _keep_evidence(job: Job, executed: Path) -> None:
    """Save the failed run (with papermill's error banner) where the analyst can open it."""
    if executed.exists():
        target = FAILED / job.meeting_id / f"{job.slug}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, target)


def environment_digest() -> str:
    """Python, the locked package set and the package's own code: a change re-runs everything."""
    lock = paths.ROOT / "requirements.lock"
    return digest(sys.version, lock.read_bytes() if lock.exists() else b"", tree_digest(paths.ROOT / "briefs", pattern="*.py"))
