"""The release stage: assemble `outputs/<meeting>/` in a staging folder, then publish it.

Index, book, data report, the phone cards, the executed notebooks and the manifest listing
every file with its hash and provenance; `briefs.release.publish` swaps the finished folder into place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from briefs import data, timing
from briefs.errors import naming
from briefs.hashing import file_sha256
from briefs.params import Meeting
from briefs.paths import SUMMARY_SLUG, unique_slugs  # noqa: F401  (where the build's file names are made)
from briefs.release import book, bundle, provenance
from briefs.release import key_figures as index_figures
from briefs.release import manifest as manifest_file
from briefs.release.data_page import report_html
from briefs.release.index import IndexEntry, index_html
from briefs.release.publish import STAGING_PREFIX, recover, swap
from briefs.render import card
from briefs.run.cluster import Batch


def publish_release(meeting: Meeting, ds: data.Dataset, batch: Batch, build_id: str, out: Path,
                    inputs: str = "", run: dict | None = None, warnings: list[dict] | None = None, *,
                    key_figures: dict[str, index_figures.KeyFigures]) -> Path:
    """Assemble the release in staging and swap it into `out/<meeting.id>`; return that path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / meeting.id
    recover(target)
    staging = out / f"{STAGING_PREFIX}{meeting.id}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        assemble(meeting, ds, batch, build_id, staging, inputs, run or {}, warnings or [], key_figures=key_figures)
        with timing.stage("terbitkan"):
            swap(staging, target)
    except OSError as exc:
        if exc.filename is None:  # a plain write names no file: name where the release was written
            raise naming(exc, staging) from exc
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def assemble(meeting: Meeting, ds: data.Dataset, batch: Batch, build_id: str, stage: Path,
             inputs: str = "", run: dict | None = None, warnings: list[dict] | None = None, *,
             key_figures: dict[str, index_figures.KeyFigures]) -> None:
    """Write every artefact of the release into `stage`, then the manifest listing them.

    `run` (params file, options) joins the provenance so `verify --rebuild` can repeat
    the build exactly; `warnings` (pipeline.collect_warnings) go into the manifest and
    the data report, so what a reader does not see is on record with the release.
    `key_figures` (`key_figures.compute`): the index's line beside each brief, the one the
    build checked each brief's page against.
    """
    warnings = warnings or []
    artifacts: list[dict] = []

    def add(kind: str, rel: str, name: str | None = None) -> None:
        f = stage / rel
        entry = {"kind": kind, "path": rel, "bytes": f.stat().st_size, "sha256": file_sha256(f)}
        if name is not None:
            entry["kecamatan"] = name
        artifacts.append(entry)

    entries, parts = [], []
    with timing.stage("salin halaman"):
        _copy_pages(batch, stage, add, entries, parts, key_figures)

    with timing.stage("data rilis dan laporan data"):
        for f in data.write_snapshot(spreadsheet_safe(ds), stage / "data"):
            add("data", f"data/{f.name}")
        page_warnings = [w for w in warnings if w.get("scope") != "data"]
        (stage / "laporan-data.html").write_text(report_html(ds.report, meeting, page_warnings), encoding="utf-8")
        add("data", "laporan-data.html")
    entries.append(IndexEntry(kind="data", title="Laporan data", html="laporan-data.html", pdf=None))

    book_rel = f"buku-{meeting.id}.pdf"
    with timing.stage("buku"):
        book.write_book(parts, stage / book_rel, meeting=meeting, build_id=build_id)
    add("book", book_rel)
    entries.insert(1, IndexEntry(kind="book", title="Buku lengkap", html=None, pdf=book_rel,
                                 pdf_bytes=(stage / book_rel).stat().st_size))

    with timing.stage("indeks"):
        audit = tuple(sorted(a["path"] for a in artifacts if a["path"].endswith((".ipynb", ".csv"))))
        (stage / "index.html").write_text(index_html(meeting, entries, build_id, audit + ("manifest.json",)),
                                          encoding="utf-8")
    add("index", "index.html")

    with timing.stage("manifest dan zip"):
        manifest = {
            "meeting": meeting.id,
            "build_id": build_id,
            "inputs": inputs,
            "artifacts": artifacts,
            "failed": [{"kecamatan": o.job.name, "error": o.error, **o.failure.as_dict()} for o in batch.failed],
            "warnings": warnings,
            "provenance": {**provenance.collect(meeting, ds), **(run or {})},
        }
        # The zip carries the manifest of everything but itself; the release's manifest adds it.
        manifest_file.write(stage, manifest)
        zip_rel = f"{meeting.id}.zip"
        members = [a["path"] for a in artifacts if a["kind"] == "card" or a["path"].endswith(".pdf")]
        members += ["index.html", "manifest.json"]
        bundle.write_zip(stage, members, stage / zip_rel, meeting.date)
        add("zip", zip_rel)
        manifest_file.write(stage, manifest)


def _copy_pages(batch: Batch, stage: Path, add, entries: list, parts: list, key_figures: dict) -> None:
    """Each job's pages and notebook from its cache folder into the release, with index and book entries."""
    for outcome in batch.outcomes:
        job = outcome.job
        folder = "" if job.kind == "summary" else "kecamatan/"
        html_rel, pdf_rel, nb_rel = f"{folder}{job.slug}.html", f"{folder}{job.slug}.pdf", f"notebooks/{job.slug}.ipynb"
        name = job.name if job.kind == "brief" else None
        if outcome.ok:
            for src, rel in (("page.html", html_rel), ("page.pdf", pdf_rel), ("notebook.ipynb", nb_rel)):
                (stage / rel).parent.mkdir(parents=True, exist_ok=True)
                _place(outcome.folder / src, stage / rel)
            add(job.kind, html_rel, name)
            add(job.kind, pdf_rel, name)
            add("notebook", nb_rel, name)
        card_rel, card_alt = _copy_card(outcome, stage, add)
        entries.append(IndexEntry(
            kind=job.kind, title=job.title, html=html_rel if outcome.ok else None,
            pdf=pdf_rel if outcome.ok else None, status="ok" if outcome.ok else "gagal",
            failure=_where(outcome.failure) if outcome.failure else None,
            pdf_bytes=(stage / pdf_rel).stat().st_size if outcome.ok else None,
            figures=key_figures[job.key].line if job.kind == "brief" and job.key in key_figures else None,
            card=card_rel, card_alt=card_alt,
        ))
        parts.append(book.BookPart(title=job.title, kind=job.kind,
                                   pdf=stage / pdf_rel if outcome.ok else None,
                                   status="ok" if outcome.ok else "gagal", pages=outcome.pages))


def _place(src: Path, target: Path) -> None:
    """A file of the cache into the release: as a hard link where the file system allows, else a copy.

    A cache entry's files never change once sealed, and if one is changed anyway (say, by
    editing the released copy in place), its hash no longer matches: the next build finds
    the entry damaged and runs the job again, and `verify` finds the release changed. A
    link writes nothing: copying wrote ~250 KB a kecamatan, ~2 GB at national size, and
    grew with it (1,4 → 2,6 ms a kecamatan from 500 to 7.277 in one run). Another file
    system (`--out` on another disk) or one without links gets a copy.
    """
    try:
        os.link(src, target)
    except OSError:
        shutil.copyfile(src, target)


def _copy_card(outcome, stage: Path, add) -> tuple[str | None, str]:
    """The job's phone card, when its notebook asked for one, as `kartu/<slug>.png`; its path and alt text.

    A job without a card (the cell removed, the content refused) was reported by the
    job's notices; the release then simply has no card for it.
    """
    src = outcome.folder / card.FILE if outcome.ok else None
    if src is None or not src.is_file():
        return None, ""
    rel = f"kartu/{outcome.job.slug}.png"
    (stage / "kartu").mkdir(exist_ok=True)
    _place(src, stage / rel)
    add("card", rel, outcome.job.name if outcome.job.kind == "brief" else None)
    return rel, card.description((stage / rel).read_bytes())


def _where(failure) -> str:
    """Where a run failed, in a few words for the index: 'sel 7: ZeroDivisionError'."""
    cell = f"sel {failure.cell}" if failure.cell is not None else ""
    return ": ".join(part for part in (cell, failure.ename) if part) or "lihat log pembuatan"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet cell run as a formula


def _formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def spreadsheet_safe(ds: data.Dataset) -> data.Dataset:
    """The published copy of the data: no text cell that Excel would run as a formula.

    Names come from spreadsheets many hands touched; a cell starting with = + - @ or a
    tab is prefixed with an apostrophe, as spreadsheets themselves do. Only the copy in
    the release changes: notebooks read the snapshot as validated.
    """
    def defuse(frame):
        frame = frame.copy()
        for column in frame.columns:
            cells = frame[column]
            if isinstance(cells.dtype, pd.CategoricalDtype):  # each distinct value once, not every row
                frame[column] = cells.cat.rename_categories(lambda v: "'" + v if _formula(v) else v)
            elif not pd.api.types.is_numeric_dtype(cells):
                risky = cells.astype("string").str.startswith(FORMULA_START, na=False).to_numpy(dtype=bool)
                frame[column] = cells.where(~risky, "'" + cells.astype("string"))
        return frame

    return data.Dataset(**{name: defuse(frame) for name, frame in ds.tables().items()})
