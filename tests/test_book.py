"""briefs.book: real part PDFs (WeasyPrint), merged, read back with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefs import params, paths
from briefs.errors import StageFailed
from briefs.release import book
from briefs.render import weasy


@pytest.fixture(scope="module")
def meeting():
    return params.load(paths.DEFAULT_PARAMS)


def part_pdf(folder: Path, name: str, pages: int) -> Path:
    """A part PDF with `pages` pages, each saying which part and page it is."""
    body = "".join(f'<p style="break-after: page">{name} isi halaman {i + 1}</p>' for i in range(pages))
    html = f'<html lang="id"><head><style>@page {{ size: A4 }}</style></head><body>{body}</body></html>'
    target = folder / f"{name}.pdf"
    weasy.write_pdf(html, target, base_dir=folder, title=name)
    return target


@pytest.fixture(scope="module")
def parts(tmp_path_factory, meeting):
    folder = tmp_path_factory.mktemp("parts")
    return [
        book.BookPart("Ringkasan Kabupaten Dharmasraya", "summary", part_pdf(folder, "ringkasan", 2)),
        book.BookPart("Kecamatan Sitiung", "brief", part_pdf(folder, "sitiung", 1)),
        book.BookPart("Kecamatan Timpeh", "brief", None, status="gagal"),
        book.BookPart("Kecamatan Koto Baru", "brief", part_pdf(folder, "koto-baru", 2)),
    ]


@pytest.fixture(scope="module")
def built(parts, meeting, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("book") / "buku.pdf"
    book.write_book(parts, target, meeting=meeting, build_id="b-uji-7")
    return target


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pages_are_cover_toc_and_every_present_part(built):
    reader = PdfReader(built)
    assert len(reader.pages) == 1 + 1 + 2 + 1 + 2
    # the parts follow in order, unchanged
    assert "ringkasan isi halaman 1" in reader.pages[2].extract_text()
    assert "sitiung isi halaman 1" in reader.pages[4].extract_text()
    assert "koto-baru isi halaman 2" in reader.pages[6].extract_text()


def test_cover_names_the_meeting(built, meeting):
    cover = flat(PdfReader(built).pages[0].extract_text())
    for s in (meeting.regency, "Selasa, 24 November 2026", meeting.place, "DATA CONTOH", *meeting.organizers):
        assert s in cover, s
    assert flat(meeting.title) in cover


def test_toc_gives_the_real_page_of_every_part(built, parts):
    reader = PdfReader(built)
    toc = flat(reader.pages[1].extract_text())
    assert "Daftar isi" in toc
    for part in parts:
        match = re.search(re.escape(part.title) + r" (\d+|gagal)", toc)
        assert match, part.title
        if part.present:
            page = int(match[1])
            assert Path(part.pdf).stem + " isi halaman 1" in reader.pages[page - 1].extract_text()
        else:
            assert match[1] == "gagal"
    assert f"Halaman 2 dari {len(reader.pages)}" in toc and "DATA CONTOH" in toc


def test_bookmarks_point_at_each_part(built, parts):
    reader = PdfReader(built)
    marks = {o.title: reader.get_destination_page_number(o) for o in reader.outline}
    assert marks.pop("Sampul dan daftar isi") == 0
    assert marks == {"Ringkasan Kabupaten Dharmasraya": 2, "Kecamatan Sitiung": 4, "Kecamatan Koto Baru": 5}


def test_book_bytes_are_identical_across_runs(built, parts, meeting, tmp_path):
    again = tmp_path / "lagi.pdf"
    book.write_book(parts, again, meeting=meeting, build_id="b-uji-7")
    assert again.read_bytes() == built.read_bytes()
    reader = PdfReader(again)
    assert "/CreationDate" not in reader.metadata and reader.metadata.title.endswith("buku lengkap")
    # /ID: the front matter's own identifier, then qpdf's hash of the whole content, so
    # a book of other parts is told apart even with the same front matter.
    fewer = tmp_path / "sedikit.pdf"
    book.write_book([*parts[:-1], book.BookPart(parts[-1].title, parts[-1].kind, parts[0].pdf)], fewer,
                    meeting=meeting, build_id="b-uji-7")
    other = PdfReader(fewer).trailer["/ID"]
    assert len(reader.trailer["/ID"]) == 2 and reader.trailer["/ID"][1] != other[1]


def test_the_public_page_append_gives_the_same_book(built, parts, meeting, tmp_path, monkeypatch):
    """The book appends pages through pikepdf's private `Pdf._add_page` (constant time, where
    `pages.append` copies the whole page list first): the same book, byte for byte."""
    import pikepdf

    def public_append(target, page):
        target.pages.append(page)
        return target.pages[-1].obj  # the book's copy: what `_append_page` returns

    monkeypatch.setattr(book, "_append_page", public_append)
    public = tmp_path / "publik.pdf"
    book.write_book(parts, public, meeting=meeting, build_id="b-uji-7")
    assert public.read_bytes() == built.read_bytes()
    assert hasattr(pikepdf.Pdf, "_add_page")  # a pikepdf upgrade that drops it fails here, by name


def test_the_book_holds_one_part_open_at_a_time(parts, meeting, tmp_path, monkeypatch):
    """Each part is closed as soon as its pages and tags are in: a national book (7.277 parts)
    does not keep every part open, in memory, until it is saved (half the peak memory at
    2.000 parts, and each tree's copy no longer slows as parts pile up)."""
    import pikepdf

    opened: set[int] = set()
    real_open, real_close = pikepdf.Pdf.open, pikepdf.Pdf.close

    def tracked_open(*args, **kwargs):
        pdf = real_open(*args, **kwargs)
        opened.add(id(pdf))
        return pdf

    def tracked_close(self):
        opened.discard(id(self))
        return real_close(self)

    most: list[int] = []
    append = book._append_page

    def counted(target, page):
        most.append(len(opened))
        return append(target, page)

    monkeypatch.setattr(pikepdf.Pdf, "open", staticmethod(tracked_open))
    monkeypatch.setattr(pikepdf.Pdf, "close", tracked_close)
    monkeypatch.setattr(book, "_append_page", counted)
    many = [book.BookPart(f"Kecamatan Nomor {i:02d}", "brief", parts[1].pdf) for i in range(40)]
    book.write_book(many, tmp_path / "banyak.pdf", meeting=meeting, build_id="b1")
    assert len(most) == 40 * len(PdfReader(parts[1].pdf).pages)
    assert max(most) <= 2, most  # the book being written, and the one part being copied in


def test_a_part_whose_run_counted_its_pages_is_opened_once(parts, meeting, tmp_path, monkeypatch):
    """The run counted each page PDF when it checked it (`cache.read_pages`): the book takes
    that count for its contents instead of opening every part once more (1,2–1,9 ms a part,
    ~10 s at 7.277 kecamatan), and the book is the same, byte for byte."""
    import dataclasses

    import pikepdf

    counted = [dataclasses.replace(p, pages=len(PdfReader(p.pdf).pages)) if p.present else p for p in parts]
    opened: list[str] = []
    real_open = pikepdf.Pdf.open

    def tracked_open(source, *args, **kwargs):
        opened.append(Path(source).name if isinstance(source, (str, Path)) else "front")
        return real_open(source, *args, **kwargs)

    monkeypatch.setattr(pikepdf.Pdf, "open", staticmethod(tracked_open))
    book.write_book(counted, tmp_path / "dihitung.pdf", meeting=meeting, build_id="b-uji-7")
    assert sorted(name for name in opened if name != "front") == ["koto-baru.pdf", "ringkasan.pdf", "sitiung.pdf"]
    monkeypatch.undo()
    book.write_book(parts, tmp_path / "dibuka.pdf", meeting=meeting, build_id="b-uji-7")
    assert (tmp_path / "dihitung.pdf").read_bytes() == (tmp_path / "dibuka.pdf").read_bytes()


def test_a_part_whose_pages_changed_since_its_run_stops_the_book(parts, meeting, tmp_path):
    """A count that no longer matches its file would number the contents wrong: no book, and
    the message names the file."""
    import dataclasses

    wrong = [dataclasses.replace(p, pages=5) if p.title == "Kecamatan Sitiung" else p for p in parts]
    with pytest.raises(StageFailed, match=r"sitiung\.pdf kini 1 halaman, saat dijalankan 5"):
        book.write_book(wrong, tmp_path / "salah.pdf", meeting=meeting, build_id="b-uji-7")
    assert not (tmp_path / "salah.pdf").exists()


@pytest.mark.parametrize("words", [1, 14], ids=["guessed-length", "titles-wrap-so-the-guess-is-wrong"])
def test_long_table_of_contents_still_numbers_right(parts, meeting, tmp_path, words):
    """The contents' length is guessed from its rows; titles that wrap make it longer than
    the guess, and the numbers must still be the real pages."""
    one = parts[1]
    many = [book.BookPart(f"Kecamatan Nomor {i:02d}" + " Panjang" * words, "brief", one.pdf) for i in range(70)]
    target = tmp_path / "tebal.pdf"
    book.write_book(many, target, meeting=meeting, build_id="b1")
    reader = PdfReader(target)
    front = len(reader.pages) - 70
    guess = 1 + -(-(70 + 4) // book.ROWS_PER_PAGE)
    assert (front == guess) == (words == 1)
    toc = flat(" ".join(reader.pages[i].extract_text() for i in range(1, front)))
    tail = " Panjang" * words
    assert f"Kecamatan Nomor 00{tail} {front + 1}" in toc and f"Kecamatan Nomor 69{tail} {front + 70}" in toc


def test_no_sample_mark_for_real_data(parts, meeting, tmp_path):
    target = tmp_path / "resmi.pdf"
    book.write_book(parts[:2], target, meeting=meeting.model_copy(update={"sample": False}), build_id="b1")
    reader = PdfReader(target)
    assert not any("DATA CONTOH" in reader.pages[i].extract_text() for i in range(2))


def test_contents_rows_jump_to_their_part(built):
    """One link a row, on the part's title (the failed brief's row has none): a screen reader
    says each entry once, and a contents of 7.277 rows renders a third faster than with the
    page number linked too and a kind label beside each title."""
    reader = PdfReader(built)
    jumps = []
    page = reader.pages[1]
    for ref in page.get("/Annots", []):
        annot = ref.get_object()
        assert "/A" not in annot  # no URI left behind, only internal destinations
        jumps.append(reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    assert jumps == [3, 5, 6]
    text = flat(page.extract_text())
    assert "Ringkasan Kabupaten Dharmasraya 3" in text and "Kecamatan Timpeh gagal — tidak tersedia" in text
    assert not re.search(r"\b(RINGKASAN|BRIEF)\b", text)  # the titles say what each part is


@pytest.mark.parametrize("content, words", [
    (b"%PDF-1.7\n garbage, not a PDF", "tidak terbaca"),
    (b"", "tidak terbaca"),
    (None, "tidak berisi halaman"),  # a valid PDF without a page
])
def test_a_page_pdf_the_book_could_not_use_fails_its_brief(tmp_path, content, words):
    """What an engine outside our process may leave behind is a failed brief, named, never a broken book."""
    import pikepdf

    from briefs.run.jobs import _readable_pdf
    from briefs.run.notebook_run import RunFailed

    pdf = tmp_path / "page.pdf"
    if content is None:
        pikepdf.new().save(pdf)
    else:
        pdf.write_bytes(content)
    with pytest.raises(RunFailed, match=words):
        _readable_pdf(pdf)
