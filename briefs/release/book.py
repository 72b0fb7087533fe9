"""The book: cover, table of contents, the regency summary and every brief in one PDF.

The parts are already rendered PDFs, so the book does not lay them out again: WeasyPrint
renders only the front matter (cover and table of contents, `templates/book/`), and
pypdf appends the parts behind it with one bookmark per part. That keeps the book as
fast as a file copy and its pages identical to the PDFs officials already have.
The table of contents needs its own length to number the pages after it, so the
front matter is rendered until its page count stops changing (once or twice).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, TextStringObject

from briefs import templating
from briefs.render import page, weasy

KIND_LABELS = {"summary": "Ringkasan", "brief": "Brief", "data": "Data"}
# The contents page links "rkhalaman:7"; after merging, such links become jumps to page 7.
LINK_SCHEME = "rkhalaman:"


@dataclass(frozen=True)
class BookPart:
    """One part of the book; a failed brief has no PDF and is listed as 'gagal'."""

    title: str
    kind: Literal["summary", "brief", "data"]
    pdf: Path | None
    status: Literal["ok", "gagal"] = "ok"

    @property
    def present(self) -> bool:
        return self.status == "ok" and self.pdf is not None


@dataclass(frozen=True)
class TocRow:
    label: str
    title: str
    kind: str
    page: int | None  # book page number, None when the part is missing


def write_book(parts: list[BookPart], target: Path, *, meeting, build_id: str) -> None:
    """Write the book of `meeting` to `target`: cover, contents, then `parts` in order."""
    readers = {i: PdfReader(p.pdf) for i, p in enumerate(parts) if p.present}
    front, starts = _front_matter(parts, readers, meeting, build_id)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title="Sampul dan daftar isi", page_number=0)
    for i, part in enumerate(parts):
        if i in readers:
            writer.append(readers[i], import_outline=False)
            writer.add_outline_item(title=part.title, page_number=starts[i] - 1)
    _link_contents(writer, n_front=min(starts.values(), default=len(writer.pages) + 1) - 1)
    _fix_identity(writer, front, readers, parts, meeting)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as f:
        writer.write(f)


def _front_matter(parts, readers, meeting, build_id) -> tuple[bytes, dict[int, int]]:
    """Render cover + contents until the page numbers it prints are the real ones."""
    front_pages = 2  # a cover and a one-page table of contents, the usual case
    for _ in range(4):
        starts = _start_pages(parts, readers, front_pages)
        rows = [TocRow(KIND_LABELS.get(p.kind, p.kind), p.title, p.kind, starts.get(i))
                for i, p in enumerate(parts)]
        total = front_pages + sum(len(r.pages) for r in readers.values())
        pdf = _render_front(meeting, build_id, rows, total_pages=total,
                            n_briefs=sum(p.kind == "brief" and p.present for p in parts))
        n = len(PdfReader(io.BytesIO(pdf)).pages)
        if n == front_pages:
            return pdf, starts
        front_pages = n
    raise RuntimeError("daftar isi buku tidak stabil")  # a TOC that changes length forever


def _start_pages(parts, readers, front_pages: int) -> dict[int, int]:
    starts, page = {}, front_pages + 1
    for i in range(len(parts)):
        if i in readers:
            starts[i] = page
            page += len(readers[i].pages)
    return starts


def _render_front(
    meeting, build_id: str, rows: list[TocRow], *, total_pages: int, n_briefs: int
) -> bytes:
    title = f"{meeting.title} — buku lengkap"
    frame = page.page_for(meeting, kind="summary", title=title, build_id=build_id)
    html = templating.environment().get_template("book/front.html.j2").render(
        meeting=meeting, rows=rows, n_briefs=n_briefs, total_pages=total_pages, build_id=build_id, title=title,
        short_title=frame.meeting_short, date_text=frame.date_text, period_text=frame.period_text,
        css=page.stylesheets()[0], csp=page.CSP, link_scheme=LINK_SCHEME,
    )
    with tempfile.TemporaryDirectory() as empty:
        # The front matter needs no file at all: an empty jail.
        return weasy.pdf_bytes(html, base_dir=Path(empty), title=title, authors=tuple(meeting.organizers))


def _link_contents(writer: PdfWriter, *, n_front: int) -> None:
    """Turn the contents page's placeholder links into jumps to the book's own pages."""
    for front_page in writer.pages[:n_front]:
        for ref in front_page.get("/Annots", []):
            annot = ref.get_object()
            uri = str(annot.get("/A", {}).get("/URI", ""))
            if not uri.startswith(LINK_SCHEME):
                continue
            target = writer.pages[int(uri[len(LINK_SCHEME):]) - 1]
            del annot[NameObject("/A")]
            annot[NameObject("/Dest")] = ArrayObject([target.indirect_reference, NameObject("/Fit")])


def _fix_identity(writer: PdfWriter, front: bytes, readers, parts, meeting) -> None:
    """Fixed /ID and metadata, no dates: the same parts give the same book bytes."""
    h = hashlib.sha256(front)
    for i in sorted(readers):
        h.update(parts[i].title.encode())
        h.update(Path(parts[i].pdf).read_bytes())
    ident = ByteStringObject(h.digest()[:16])
    writer._ID = ArrayObject([ident, ident])
    writer.metadata = None
    # The same document information as the front matter's XMP, as PDF/A asks.
    front_reader = PdfReader(io.BytesIO(front))
    writer.add_metadata({NameObject(k): v for k, v in (front_reader.metadata or {}).items()})
    writer._root_object[NameObject("/Lang")] = TextStringObject("id")
    # PDF/A: the parts are PDF/A-2u already; give the whole book the front matter's
    # output intent and XMP metadata, so it declares the same archival profile.
    front_root = front_reader.trailer["/Root"]
    if "/OutputIntents" in front_root:
        writer._root_object[NameObject("/OutputIntents")] = front_root["/OutputIntents"].clone(writer)
    if "/Metadata" in front_root:
        writer._root_object[NameObject("/Metadata")] = front_root["/Metadata"].get_object().clone(writer).indirect_reference
