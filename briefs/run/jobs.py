"""The body of a job, as a worker runs it: the notebook, its pages, into the cache.

`run_job` never raises for a notebook's own failure: a failing kecamatan is one failed
Outcome, with its executed notebook kept as evidence, and the others go on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import nbformat

from briefs import paths, timing
from briefs.render import margins
from briefs.run import cache
from briefs.run.job import Failure, Job, Outcome
from briefs.run.notebook_run import RunFailed, run_notebook

# A brief is read on at most two A4 pages (DESIGN.md); a longer one is reported. The
# summary grows with the number of kecamatan, so it has no budget.
PAGE_BUDGET = {"brief": 2}

T = TypeVar("T")


def run_job(job: Job) -> Outcome:
    """Execute, check, render, store; never raises for a notebook's own failure."""
    ran = execute(job)
    return ran if isinstance(ran, Outcome) else finish(ran)


@dataclass
class Executed:
    """A notebook that ran, waiting for its pages: `finish` renders and stores it.

    Two halves so that a build in one process can render one brief while its kernel runs
    the next (`briefs.run.cluster`): each half keeps the whole job's failure rules.
    """

    job: Job
    nb: nbformat.NotebookNode
    work: Path
    start: float


def execute(job: Job) -> Executed | Outcome:
    """The notebook in this process's warm kernel; its failure as an Outcome."""
    start, work = time.monotonic(), cache.work_folder(job)

    def run() -> Executed:
        with timing.stage("brief: notebook (papermill)"):
            return Executed(job, run_notebook(job, work / "notebook.ipynb"), work, start)

    return _attempt(job, start, work, run)


def finish(ran: Executed) -> Outcome:
    """Pages, notices and the cache folder of a notebook that ran; a rendering failure as an Outcome."""
    job, work = ran.job, ran.work

    def render() -> Outcome:
        render_pages(job, ran.nb, work)
        with timing.stage("brief: simpan ke cache"):
            return _outcome(job, ran.start, folder=cache.store(job, work))

    return _attempt(job, ran.start, work, render)


def _attempt(job: Job, start: float, work: Path, step: Callable[[], T]) -> T | Outcome:
    """`step()`, with a failure turned into the job's failed Outcome and its work folder removed."""
    try:
        return step()
    except RunFailed as exc:
        cache.keep_evidence(job, work / "notebook.ipynb")
        shutil.rmtree(work, ignore_errors=True)
        return _outcome(job, start, failure=exc.failure)
    except Exception as exc:  # rendering bugs too must fail one brief, not the batch
        shutil.rmtree(work, ignore_errors=True)
        return _outcome(job, start, failure=Failure(f"{type(exc).__name__}: {exc}", ename=type(exc).__name__,
                                                    evalue=str(exc)))
    except BaseException:  # Ctrl-C or SIGTERM: no half-written run stays behind
        shutil.rmtree(work, ignore_errors=True)
        raise


def _outcome(job: Job, start: float, folder: Path | None = None, failure: Failure | None = None) -> Outcome:
    return Outcome(job=job, ok=folder is not None, folder=folder, failure=failure,
                   seconds=time.monotonic() - start, worker=os.getpid(),
                   notices=cache.read_notices(folder) if folder else [],
                   pages=cache.read_pages(folder) if folder else None)


def warm_pages(job: Job) -> None:
    """Set up now what the first pages of `job`'s kind would set up: WeasyPrint (for its PDF
    and its phone card) and, with the WeasyPrint engine, this thread's HTML exporter.

    ~0,5 s that a build spends while its kernel boots, when the pages' side has nothing
    else to do, instead of on the first brief's pages (`briefs.run.cluster._run_here`).
    Only our own small pages are rendered; whatever fails here fails again, and is
    reported, on the first brief.
    """
    from briefs.render import html, weasy

    weasy.warm()
    if job.engine != "quarto":
        html.warm(job.page)


def render_pages(job: Job, nb: nbformat.NotebookNode, work: Path) -> None:
    """page.html and page.pdf from the executed notebook, with the job's engine; and the notices.

    The notices (peringatan.json) say what of the notebook the page leaves out and
    whether the brief ran past its page budget: the build reports them.
    """
    images = (paths.ROOT / job.notebook).parent  # Markdown images come from the notebook's own folder
    shown, card_notices = phone_card(job, nb, work)
    if job.engine == "quarto":
        from briefs.render import quarto

        source = work / "notebook.ipynb"
        if shown is not nb:  # the card's output was taken off: Quarto reads the page's copy
            source = work / ".halaman.ipynb"
            nbformat.write(shown, str(source))
        try:
            notices = quarto.render(source, work, job.page, job.quarto, timeout=job.timeout, images=images)
        except quarto.QuartoFailed as exc:
            raise RunFailed(Failure(str(exc), ename="QuartoFailed")) from None
        finally:
            if source.name != "notebook.ipynb":
                source.unlink(missing_ok=True)
    else:
        from briefs.render import html, weasy

        with timing.stage("brief: HTML (nbconvert)"):
            page, notices = html.notebook_html(shown, job.page, images)
            (work / "page.html").write_text(page, encoding="utf-8")
        with timing.stage("brief: PDF (WeasyPrint)"):
            weasy.write_pdf(page, work / "page.pdf", base_dir=work, title=job.title, authors=job.authors)
    pages = _readable_pdf(work / "page.pdf")
    (work / cache.PAGES).write_text(f"{pages}\n", encoding="ascii")
    found = [n.as_dict() for n in notices] + card_notices
    budget = PAGE_BUDGET.get(job.kind)
    if budget and pages > budget:
        found.append({"cell": None, "source": "", "message": f"{pages} halaman A4, melebihi batas {budget} halaman"})
    found += [{"cell": None, "source": "", "message": cut} for cut in margins.outside(work / "page.pdf")]
    (work / cache.NOTICES).write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def phone_card(job: Job, nb: nbformat.NotebookNode, work: Path) -> tuple[nbformat.NotebookNode, list[dict]]:
    """The card `nb.kartu_hp` asked for, rendered to `work/kartu.png`; the notebook the page shows
    (`nb` itself when it holds no card); and notices.

    The card's output is a known one: it never reaches the page (the card is its place)
    and is never reported as dropped. What goes wrong is reported instead of failing the
    brief: no card asked for (the cell was removed), more than one (the last wins), or
    content that cannot become a card (malformed, too long for one screen): then no card.
    """
    from briefs.render import card, sanitize

    def notice(message: str, found: card.Found | None = None) -> dict:
        return {"cell": found.cell if found else None, "source": found.source if found else "", "message": message}

    shown, found = card.take(nb)
    if not found:
        return shown, [notice("tidak ada kartu ponsel: tidak ada sel yang memanggil nb.kartu_hp(...); "
                              "kartu/<nama>.png tidak dibuat")]
    notices = [notice("panggilan nb.kartu_hp ini tidak dipakai: ada panggilan sesudahnya, kartu ponsel memakai "
                      "yang terakhir", f) for f in found[:-1]]
    with timing.stage("brief: kartu ponsel"):
        try:
            content = card.Content.parse(found[-1].data)
            png = card.png_bytes(content, job.page)
        except card.NotACard as exc:
            return shown, notices + [notice(f"kartu ponsel tidak dibuat: {exc}", found[-1])]
    (work / card.FILE).write_bytes(png)
    for said in sanitize.misread("\n".join(content.texts())):  # read as a page's text is read
        notices.append(notice(f"kartu ponsel: {said}", found[-1]))
    return shown, notices


def _readable_pdf(pdf: Path) -> int:
    """The PDF's page count; an unreadable or empty file (an engine outside our process
    may leave one) is a failed brief, not a broken book."""
    import pikepdf  # qpdf: ~1 ms, where pypdf parsed a brief's object streams for ~25 ms

    try:
        with pikepdf.Pdf.open(pdf) as document:
            pages = len(document.pages)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise RunFailed(f"PDF dari mesin render tidak terbaca: {exc}") from None
    if pages == 0:
        raise RunFailed(f"{pdf.name} tidak berisi halaman")
    return pages
