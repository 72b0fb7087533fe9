"""The book: cover, table of contents, the regency summary and every brief in one PDF.

The parts are already rendered PDFs, so the book does not lay them out again: WeasyPrint
renders only the front matter (cover and table of contents, `templates/book/`), and
pikepdf (qpdf) appends the parts behind it with one bookmark per part, and their
structure trees under the book's (`book_tags`). That keeps the book close to a file copy
(about 13 ms of CPU a part with the tags, 6 without, for today's 2-page briefs; pypdf
took 36 without) and its pages identical to the PDFs officials already have. The table
of contents needs its own length to number the pages after it: its length is guessed
from its rows, and the front matter is rendered again only when the guess was wrong.
"""

from __future__ import annotations

import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pikepdf

from briefs import templating
from briefs.errors import StageFailed, naming
from briefs.release import book_tags
from briefs.render import page, weasy

# The contents page links "rkhalaman:7"; after merging, such links become jumps to page 7.
LINK_SCHEME = "rkhalaman:"


@dataclass(frozen=True)
class BookPart:
    """One part of the book; a failed brief has no PDF and is listed as 'gagal'."""

    title: str
    kind: Literal["summary", "brief", "data"]
    pdf: Path | None
    status: Literal["ok", "gagal"] = "ok"
    pages: int | None = None  # its page count, as its run counted it; None: the book counts

    @property
    def present(self) -> bool:
        return self.status == "ok" and self.pdf is not None


@dataclass(frozen=True)
class TocRow:
    """One line of the contents: the part's own title says what it is ("Ringkasan Kabupaten …",
    "Kecamatan …"), and the summary's line is set in bold; the title is the link."""

    title: str
    kind: str
    page: int | None  # book page number, None when the part is missing


def write_book(parts: list[BookPart], target: Path, *, meeting, build_id: str) -> None:
    """Write the book of `meeting` to `target`: cover, contents, then `parts` in order.

    The book starts as the front matter's own PDF, so it keeps that document's PDF/A
    identity (XMP metadata, output intent, language, title shown, authors); the parts'
    pages follow, and their structure trees with them (`book_tags`), so the book is as
    tagged as its parts. qpdf's deterministic /ID makes the same parts give the same bytes.
    """
    # A part is opened once, to copy its pages and structure tree in, and closed at once
    # (pikepdf copies foreign stream data at once). With every part open until the save, as
    # before, each tree's copy slowed with the number of open parts (1,2 ms at 200, 2,5 ms at
    # 4.000: the book grew 1,5x a part from 500 to 7.277), and memory grew with the book.
    # The contents need every part's length before the first is copied: its run counted it
    # (`BookPart.pages`); only a part without that count is opened once more to count it.
    counts = {}
    for i, part in enumerate(parts):
        if part.present:
            counts[i] = part.pages or _count(part.pdf)
    front, starts = _front_matter(parts, counts, meeting, build_id)
    book = pikepdf.Pdf.open(io.BytesIO(front))
    # The book's pages, kept here as they are appended: pikepdf walks the whole page list for
    # every `book.pages[i]`.
    pages = [p.obj for p in book.pages]
    n_front = len(pages)
    tree = book_tags.BookTree(book, pages, n_front=n_front, n_pages=n_front + sum(counts.values()))
    for i in counts:
        with pikepdf.Pdf.open(parts[i].pdf) as pdf:
            if len(pdf.pages) != counts[i]:  # the contents would print wrong page numbers
                raise StageFailed(f"buku tidak dibuat: {parts[i].pdf.name} kini {len(pdf.pages)} halaman, saat "
                                  f"dijalankan {counts[i]}, jadi daftar isinya akan salah; jalankan build lagi "
                                  f"dengan --force")
            for part_page in pdf.pages:
                pages.append(_append_page(book, part_page))
            tree.add(pdf, first=starts[i] - 1, title=parts[i].title)  # after its pages: /Pg then points at the book's
    tree.finish()
    if "/Outlines" in book.Root:
        del book.Root.Outlines  # the front matter's headings; the book's bookmarks are its parts
    with book.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Sampul dan daftar isi", 0))
        for i, part in enumerate(parts):
            if i in counts:  # the destination itself: a page number would be looked up in the page list
                destination = pikepdf.Array([pages[starts[i] - 1], pikepdf.Name.Fit])
                outline.root.append(pikepdf.OutlineItem(part.title, destination))
    _link_contents(pages, n_front=n_front)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "wb") as file:
            sink = _Sink(file)
            # Object streams: the parts' structure elements are hundreds of small objects each;
            # compressed together they cost the book 3 % in size instead of 58 %.
            book.save(sink, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            if sink.error is not None:
                raise sink.error
    except OSError as exc:
        raise naming(exc, target) from exc
    finally:
        book.close()


class _Sink(io.RawIOBase):
    """The book's file as qpdf's output, with write errors held until qpdf has finished.

    Given a plain file, pikepdf lets qpdf write to its descriptor, and a full disk (ENOSPC,
    EFBIG) thrown inside qpdf's C++ aborts the whole process ("terminate called after
    throwing QPDFSystemError", exit -6, no message). Through this object every write is a
    Python call that never fails; the first error is raised once `save` has returned, as an
    OSError naming the file (the build's one line). The same bytes; ~6 calls a KB of book.
    """

    def __init__(self, file):
        super().__init__()
        self._file = file
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def write(self, data) -> int:
        if self.error is None:
            try:
                self._file.write(data)
            except OSError as exc:
                self.error = exc
        return len(data)


def _count(pdf: Path) -> int:
    with pikepdf.Pdf.open(pdf) as document:
        return len(document.pages)


ROWS_PER_PAGE = 30  # contents rows on a page, as the template lays them out: only a first guess


def _front_matter(parts, counts: dict[int, int], meeting, build_id) -> tuple[bytes, dict[int, int]]:
    """Render cover + contents until the page numbers it prints are the real ones.

    The first guess is the cover plus as many contents pages as the rows take, so the
    usual book is rendered once; a long title wrapping onto two lines costs one more render.
    """
    front_pages = 1 + max(1, math.ceil((len(parts) + 4) / ROWS_PER_PAGE))
    for _ in range(4):
        starts = _start_pages(counts, len(parts), front_pages)
        rows = [TocRow(p.title, p.kind, starts.get(i))
                for i, p in enumerate(parts)]
        total = front_pages + sum(counts.values())
        pdf = _render_front(meeting, build_id, rows, total_pages=total,
                            n_briefs=sum(p.kind == "brief" and p.present for p in parts))
        with pikepdf.Pdf.open(io.BytesIO(pdf)) as rendered:
            n = len(rendered.pages)
        if n == front_pages:
            return pdf, starts
        front_pages = n
    raise StageFailed("buku tidak dibuat: panjang daftar isinya tidak stabil")  # a TOC that changes length forever


def _start_pages(counts: dict[int, int], n_parts: int, front_pages: int) -> dict[int, int]:
    starts, page = {}, front_pages + 1
    for i in range(n_parts):
        if i in counts:
            starts[i] = page
            page += counts[i]
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


def _append_page(book: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Object:
    """Append a part's page to the book, in constant time; the book's copy of it.

    `book.pages.append` is qpdf's `addPage` after counting the book's pages, and pikepdf
    counts them by copying the whole page list: at 7.277 parts (~15.000 pages) appending
    alone took seconds and grew with the square of the book. `Pdf._add_page` is the same
    qpdf call without the count (pikepdf pinned in requirements.lock; the book tests
    read every page back, and one holds it to the public call's bytes). The page is copied
    first (what `addPage` does with a foreign page), so its copy is known without a walk.
    """
    copy = book.copy_foreign(page.obj)
    book._add_page(copy, False)
    return copy


def _link_contents(pages: list[pikepdf.Object], *, n_front: int) -> None:
    """Turn the contents page's placeholder links into jumps to the book's own pages."""
    for front_page in pages[:n_front]:
        for annot in front_page.get("/Annots", []):
            uri = str(annot.get("/A", {}).get("/URI", ""))
            if not uri.startswith(LINK_SCHEME):
                continue
            target = pages[int(uri[len(LINK_SCHEME):]) - 1]
            del annot["/A"]
            annot.Dest = pikepdf.Array([target, pikepdf.Name.Fit])
