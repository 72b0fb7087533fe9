"""Tagged, archival PDFs: every PDF of the small release read back with pikepdf.

What a screen reader gets is the structure tree, not the page: headings in order, tables
with header cells, figures with alternative text that says what the page prints. Each
check reads the tree and compares it with the PDF's own text (decoded through the fonts'
ToUnicode maps, per marked-content id), never with hard-coded figures. veraPDF cannot be
installed here (README, "Accessible PDFs"): what it would check and we can read back, we do.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from briefs import params, paths
from briefs.release import book

KINDS = ["brief", "summary", "book"]
NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
WORD = re.compile(r"\w+(?:[.,]\w+)*%?")


# ---- reading back --------------------------------------------------------------------------

def pdfs_of(small_release: Path, manifest: dict, kind: str) -> list[Path]:
    found = [small_release / a["path"] for a in manifest["artifacts"] if a["kind"] == kind and a["path"].endswith(".pdf")]
    assert found, kind
    return found


@functools.cache
def opened(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(path)


def elements(node: pikepdf.Object):
    """Every structure element under `node`, in the tree's (reading) order."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in (Name.MCR, Name.OBJR):
            yield kid
            yield from elements(kid)


def tag(element: pikepdf.Object) -> str:
    return str(element.get("/S"))


def tree(path: Path) -> list[pikepdf.Object]:
    return list(elements(opened(path).Root.StructTreeRoot))


def _cmap(font: pikepdf.Object) -> tuple[int, dict[int, str]]:
    """A font's ToUnicode map (WeasyPrint writes bfchar entries): code width in bytes, code → text."""
    if "/ToUnicode" not in font:
        return 1, {}
    data = font.ToUnicode.read_bytes().decode("latin-1")
    pairs = re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", "".join(re.findall(r"beginbfchar(.*?)endbfchar", data, re.S)))
    width = len(pairs[0][0]) // 2 if pairs else 1
    return width, {int(code, 16): bytes.fromhex(text).decode("utf-16-be") for code, text in pairs}


@functools.cache
def marked_text(path: Path, page_index: int) -> dict[int | None, str]:
    """Text shown on one page per marked-content id (None: outside any, or in an artifact)."""
    page = opened(path).pages[page_index]
    fonts = {str(k): _cmap(f) for k, f in page.Resources.get("/Font", {}).items()}
    texts: dict[int | None, str] = defaultdict(str)
    stack: list[int | None] = []
    width, codes = 1, {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            stack.append(int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None)
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            width, codes = fonts.get(str(operands[0]), (1, {}))
        elif op in ("Tj", "TJ"):
            strings = operands[0] if op == "TJ" else [operands[0]]
            for s in strings:
                if isinstance(s, pikepdf.String):
                    raw = bytes(s)
                    texts[stack[-1] if stack else None] += "".join(
                        codes.get(int.from_bytes(raw[i:i + width], "big"), "") for i in range(0, len(raw), width))
    return texts


def page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {p.obj.objgen: i for i, p in enumerate(pdf.pages)}


def text_of(path: Path, element: pikepdf.Object, page: pikepdf.Object | None = None) -> str:
    """The text an element holds: its marked content, through its descendants, in order."""
    numbers = page_numbers(opened(path))
    page = element.get("/Pg", page)
    out = []
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
        if isinstance(kid, int):
            out.append(marked_text(path, numbers[page.objgen]).get(kid, ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == Name.MCR:
            out.append(marked_text(path, numbers[kid.get("/Pg", page).objgen]).get(int(kid.MCID), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != Name.OBJR:
            out.append(text_of(path, kid, page))
    return " ".join(" ".join(out).split())


@functools.cache
def pdftotext(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def headings(path: Path, within: pikepdf.Object | None = None) -> list[tuple[int, str]]:
    nodes = elements(within) if within is not None else tree(path)
    return [(int(str(e.S)[2:]), text_of(path, e)) for e in nodes if re.fullmatch(r"/H[1-6]", str(e.S))]


def figures(path: Path) -> list[pikepdf.Object]:
    return [e for e in tree(path) if tag(e) == "/Figure"]


def is_image(figure: pikepdf.Object) -> bool:
    """A chart (an <img>: its own marked content) rather than a card (a role=img block of text)."""
    kids = figure.K
    return any(isinstance(k, int) for k in (kids if isinstance(kids, pikepdf.Array) else [kids]))


# ---- every kind of PDF -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_marked_in_indonesian_with_its_title_shown_and_pdfa_2a(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        pdf = opened(path)
        root = pdf.Root
        assert root.MarkInfo.Marked is True and "/StructTreeRoot" in root, path.name
        assert str(root.Lang) == "id"
        assert root.ViewerPreferences.DisplayDocTitle is True
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "A"), path.name
        title = str(pdf.docinfo.Title)
        assert title and meta["dc:title"] == title
        if kind == "brief":
            name = next(a["kecamatan"] for a in manifest["artifacts"] if small_release / a["path"] == path)
            assert name in title


@pytest.mark.parametrize("kind", KINDS)
def test_headings_are_a_hierarchy_that_starts_at_h1(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        found = headings(path)
        assert found[0][0] == 1 and {1, 2} <= {level for level, _ in found}, path.name
        for (before, _), (level, text) in zip(found, found[1:]):
            assert level <= before + 1, (path.name, text)  # no level skipped on the way down
        assert all(text for _, text in found)
        # the page's own title is the first heading
        assert found[0][1] in pdftotext(path)


@pytest.mark.parametrize("kind", KINDS)
def test_tables_have_header_cells_that_their_data_cells_name(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        pdf = opened(path)
        ids = dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())
        tables = [e for e in tree(path) if tag(e) == "/Table"]
        assert tables, path.name
        for table in tables:
            cells = list(elements(table))
            assert any(tag(c) == "/TH" for c in cells), path.name
            for cell in (c for c in cells if tag(c) == "/TD" and "/Headers" in c.get("/A", {})):
                for key in cell.A.Headers:
                    assert tag(ids[str(key)]) == "/TH"  # every /Headers ID resolves, to a header cell
        # IDs are unique in the whole document: the book holds many tables of similar briefs
        assert len({str(e.ID) for e in tree(path) if "/ID" in e}) == len(ids)


@pytest.mark.parametrize("kind", KINDS)
def test_figures_carry_alt_text_stating_figures_the_pdf_prints(small_release, manifest, kind):
    """A screen reader hears the /Alt instead of seeing the chart. A chart's alt may read out
    values only drawn (bar by bar), but it states at least one figure the page also prints
    as text, so what a blind reader hears is tied to what everyone reads."""
    for path in pdfs_of(small_release, manifest, kind):
        found = figures(path)
        charts = [f for f in found if is_image(f)]
        assert charts, path.name
        for figure in found:
            alt = str(figure.get("/Alt", "")).strip()
            assert alt, (path.name, text_of(path, figure))
        for chart in charts:
            numbers = NUMBER.findall(str(chart.Alt))
            assert any(n in pdftotext(path) for n in numbers), (path.name, str(chart.Alt))


@pytest.mark.parametrize("kind", ["brief", "summary"])
def test_each_key_figure_card_is_one_figure_whose_alt_says_what_it_shows(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        cards = [f for f in figures(path) if not is_image(f)]
        assert len(cards) >= 5, path.name
        for card in cards:
            shown = text_of(path, card)
            alt = str(card.Alt)
            assert WORD.findall(alt) == WORD.findall(shown), (alt, shown)  # the same words, in order
            assert NUMBER.search(alt) or "Tercapai" in alt
        coverage = next(str(c.Alt) for c in cards if str(c.Alt).startswith("Cakupan:"))
        assert re.search(r"\d+,\d%", coverage)


@pytest.mark.parametrize("kind", KINDS)
def test_running_headers_and_page_numbers_are_artifacts(small_release, manifest, kind):
    """Margin boxes are printed but not read out as content: they sit outside every MCID."""
    for path in pdfs_of(small_release, manifest, kind):
        pdf = opened(path)
        last = len(pdf.pages)
        for i in {0, last - 1} - ({0} if kind == "book" else set()):  # the book's cover has no running footer
            texts = marked_text(path, i)
            tagged = " ".join(v for k, v in texts.items() if k is not None)
            untagged = texts.get(None, "")
            # a part's pages in the book keep the part's own page numbers
            assert re.search(r"Halaman \d+ dari \d+", untagged) if kind == "book" else \
                f"Halaman {i + 1} dari {last}" in untagged, (path.name, i)
            assert not re.search(r"Halaman \d+ dari \d+", tagged), (path.name, i)
            assert "/Pagination" in pdf.pages[i].Contents.read_bytes().decode("latin-1")


@pytest.mark.parametrize("kind", KINDS)
def test_every_element_is_on_a_page_of_its_own_document(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        pdf = opened(path)
        pages = page_numbers(pdf)
        on_pages = [e for e in tree(path) if "/Pg" in e]
        assert on_pages and all(e.Pg.objgen in pages for e in on_pages), path.name
        # and the ParentTree points back: each page's marked content at elements on that page
        parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        for page, number in pages.items():
            key = int(pdf.pages[number].obj.StructParents)
            for element in parents[key]:
                if element is not None and "/Pg" in element:
                    assert element.Pg.objgen == page
        assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(int(k) for k, _ in parents.items())


@pytest.mark.parametrize("kind", KINDS)
def test_every_font_is_embedded(small_release, manifest, kind):
    for path in pdfs_of(small_release, manifest, kind):
        for page in opened(path).pages:
            for name, font in page.Resources.get("/Font", {}).items():
                if font.Subtype == Name.Type3:
                    assert "/CharProcs" in font  # glyphs drawn in the file itself
                    continue
                desc = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), (path.name, name)


@pytest.mark.parametrize("kind", KINDS)
def test_the_sample_mark_reads_back_on_every_page(small_release, manifest, kind):
    """On every page as text (search, copy: the running footer counts), and on the first page
    as content a screen reader reads out (the stamp, or the book's cover: not spaced out)."""
    for path in pdfs_of(small_release, manifest, kind):
        for i in range(len(opened(path).pages)):
            page = subprocess.run(["pdftotext", "-q", "-f", str(i + 1), "-l", str(i + 1), str(path), "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert "DATA CONTOH" in " ".join(page.split()), (path.name, i + 1)
        first = marked_text(path, 0)
        assert "DATA CONTOH" in " ".join(v for k, v in sorted(first.items(), key=lambda kv: -1 if kv[0] is None
                                                               else kv[0]) if k is not None), path.name


def test_a_brief_is_at_most_two_pages(small_release, manifest):
    for path in pdfs_of(small_release, manifest, "brief"):
        assert len(opened(path).pages) <= 2


# ---- the book keeps its parts' structure --------------------------------------------------------

def parts_of(small_release, manifest) -> list[Path]:
    """The book's parts in the book's order (its bookmarks, after the front matter's)."""
    by_title = {str(opened(p).docinfo.Title): p for kind in ("summary", "brief") for p in pdfs_of(small_release, manifest, kind)}
    [path] = pdfs_of(small_release, manifest, "book")
    with opened(path).open_outline() as outline:
        titles = [item.title for item in outline.root][1:]
    assert sorted(titles) == sorted(by_title)
    return [by_title[t] for t in titles]


def test_the_book_holds_each_part_as_a_titled_part_with_its_headings(small_release, manifest):
    [path] = pdfs_of(small_release, manifest, "book")
    document = opened(path).Root.StructTreeRoot.K[0]
    assert tag(document) == "/Document"
    parts = {str(e.T): e for e in document.K if tag(e) == "/Part"}
    sources = parts_of(small_release, manifest)
    assert len(parts) == len(sources)
    for source in sources:
        part = parts[str(opened(source).docinfo.Title)]
        assert headings(path, part) == headings(source)
    # the front matter's own: the meeting's title, then the contents
    front = headings(path)[:2]
    assert [level for level, _ in front] == [1, 2] and front[1][1] == "Daftar isi"


def test_the_book_has_as_many_figures_and_tables_as_its_parts(small_release, manifest):
    [path] = pdfs_of(small_release, manifest, "book")
    sources = parts_of(small_release, manifest)
    alts = Counter(str(f.Alt) for f in figures(path))
    assert alts == sum((Counter(str(f.Alt) for f in figures(s)) for s in sources), Counter())
    tables = sum(1 for e in tree(path) if tag(e) == "/Table")
    assert tables == 1 + sum(sum(1 for e in tree(s) if tag(e) == "/Table") for s in sources)  # + the contents


def test_the_book_keeps_its_bookmarks_and_contents_links_in_the_tree(small_release, manifest):
    [path] = pdfs_of(small_release, manifest, "book")
    pdf = opened(path)
    with pdf.open_outline() as outline:
        marks = [(item.title, page_numbers(pdf)[item.destination[0].objgen]) for item in outline.root]
    assert marks[0] == ("Sampul dan daftar isi", 0)
    # one bookmark per part, at the page where its /Part's first element is
    document = pdf.Root.StructTreeRoot.K[0]
    starts = [(str(e.T), page_numbers(pdf)[next(elements(e)).Pg.objgen]) for e in document.K if tag(e) == "/Part"]
    assert marks[1:] == starts and len(starts) == len(parts_of(small_release, manifest))
    links = [e for e in tree(path) if tag(e) == "/Link"]
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    annots = [a for a in pdf.pages[1].obj.get("/Annots", []) if a.get("/Subtype") == Name.Link]
    assert annots and len(links) >= len(annots)
    for annot in annots:
        assert tag(parents[int(annot.StructParent)]) == "/Link"  # each contents link finds its tag


def test_the_books_structure_survives_a_rebuild_byte_identically(small_release, manifest, tmp_path):
    [path] = pdfs_of(small_release, manifest, "book")
    meeting = params.load(paths.DEFAULT_PARAMS)
    summary = pdfs_of(small_release, manifest, "summary")
    parts = [book.BookPart(str(opened(s).docinfo.Title), "summary" if s in summary else "brief", s)
             for s in parts_of(small_release, manifest)]
    again = tmp_path / path.name
    book.write_book(parts, again, meeting=meeting, build_id=manifest["build_id"])
    assert again.read_bytes() == path.read_bytes()
