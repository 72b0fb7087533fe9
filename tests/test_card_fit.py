"""Key-figure cards keep every figure inside its own card, on paper and on any screen.

A regency of a million workers printed "1.234.567" across the next card's figure, and a
national summary read "42.124.7249.814.613": one long number where there were two. Now the
row's figures print smaller, one size for the row (`briefs.notebook.card_fit`); here a real
WeasyPrint page is read back with PDFium, and the same page is measured in Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from briefs import params, paths
from briefs.notebook import card_fit
from briefs.notebook.snippets import kartu, kartu_angka
from briefs.render import html as render
from briefs.render import page as page_frame
from briefs.render import weasy

MM = 72 / 25.4
A4_WIDTH, MARGIN = 210 * MM, 18 * MM  # rakor.css @page
PADDING, GAP = 2.2 * MM, 2 * MM  # cells.css .rk-card


def row(*figures: str, labels: list[str] | None = None) -> str:
    """The HTML of a row of cards showing `figures`, the first drawn heavier, as the notebooks do."""
    labels = labels or [f"Angka {n}" for n in range(1, len(figures) + 1)]
    cards = [kartu(label, figure, "keterangan", utama=n == 0) for n, (label, figure) in enumerate(zip(labels, figures))]
    return kartu_angka(*cards).data


ROWS = {  # a national summary, a regency of millions, a regency like the sample, a brief
    "nasional": ["42.124.724", "9.814.613", "23,3%", "32.310.111", "3.728.486", "18.268"],
    "jutaan": ["2.812.345", "612.004", "21,8%", "2.200.341", "291.600", "412"],
    "contoh": ["137.520", "28.879", "21,0%", "108.641", "15.334", "25"],
    "brief": ["1.204.118", "262.113", "21,8%", "941.505"],
}
SUMMARY = ["Angkatan kerja", "Peserta aktif", "Cakupan", "Belum terlindungi", "Menuju target 32,15%", "Agen Perisai aktif"]
BRIEF = ["Angkatan kerja", "Peserta aktif", "Cakupan", "Belum terlindungi", "Menuju target 32,15%"]
LEVEL = {  # rows whose labels are the notebooks' own: the summary's wraps one, the brief's none
    "ringkasan": (ROWS["contoh"], SUMMARY),
    "brief lima": (["6.338", "1.726", "27,2%", "4.612", "312"], BRIEF),
    "label panjang": (["2.941", "18,4%", "7.305", "96"], ["Peserta aktif", "Cakupan",
                      "Peserta baru dari agen Perisai di nagari tanpa kantor cabang", "Menuju target"]),
    "kata panjang": (["1.234", "2.345", "3,4%", "4.567", "5.678", "6"],  # one word wider than its card
                     ["Pertanggungjawaban", "Peserta aktif", "Cakupan", "Belum terlindungi", "Kepesertaan", "Agen"]),
}


def test_figures_that_fit_keep_the_house_size_and_a_row_too_wide_prints_smaller_alike():
    assert card_fit.size(ROWS["brief"]) == card_fit.HOUSE
    assert 'class="rk-cards"' in row("6.338", "1.726", "27,2%", "4.612", "312")  # the sample's briefs: unchanged
    sizes = {name: card_fit.size(figures) for name, figures in ROWS.items()}
    assert sizes["nasional"] < sizes["jutaan"] < sizes["contoh"] < card_fit.HOUSE
    assert f'class="rk-cards rk-nilai-{sizes["nasional"]}"' in row(*ROWS["nasional"])  # one class: the whole row
    for name, figures in ROWS.items():  # the widest figure of each row fits its card at the size chosen
        assert card_fit.width(max(figures, key=card_fit.width), sizes[name]) <= card_fit.room(len(figures))


def test_the_guides_examples_hold():
    """docs/panduan-analis.md tells analysts what six cards print at: 99.999 at 17 pt, 137.520 at 16, 1.234.567 at 13."""
    guide = (paths.ROOT / "docs" / "panduan-analis.md").read_text(encoding="utf-8")
    assert "`99.999` tetap 17 pt, `137.520` menjadi 16 pt,\n`1.234.567` 13 pt" in guide
    assert [card_fit.size([figure] * 6) for figure in ("99.999", "137.520", "1.234.567")] == [17, 16, 13]


def test_every_size_the_row_may_take_is_one_the_stylesheet_prints():
    """A size without its rule in cells.css would print at 17 pt: across the next card again."""
    css = paths.CELLS_CSS.read_text(encoding="utf-8")
    for points in range(card_fit.SMALLEST, card_fit.HOUSE):
        assert f".rk-nilai-{points} .rk-card-value {{ font-size: {points}pt; }}" in css, points
    assert f".rk-card-value {{\n  font-size: {card_fit.HOUSE}pt;" in css
    assert f".rk-card-label {{ font-size: {card_fit.LABEL}pt; color: #3a3a3a; line-height: 1.2; }}" in css
    for lines in range(2, card_fit.MOST_LINES + 1):  # a label's lines, at its line height
        assert f".rk-label-{lines} .rk-card-label {{ min-height: {lines * 1.2:.1f}em; }}" in css, lines


def test_a_figure_too_long_even_at_the_smallest_size_is_reported(capsys):
    assert card_fit.size(["Rp1.234.567.890.123"] * 6) == card_fit.SMALLEST
    told = capsys.readouterr().err
    assert told.startswith("rakor: nb.kartu_angka: angka kartu «Rp1.234.567.890.123» terlalu lebar untuk 6 kartu")
    assert "dua kali nb.kartu_angka" in told
    card_fit.size(ROWS["nasional"])
    assert capsys.readouterr().err == ""  # one that fits at a smaller size says nothing


def test_a_label_too_long_to_keep_its_figure_level_is_reported(capsys):
    long = "Peserta aktif sejak Juli 2026 per segmen dan agen Perisai di nagari tanpa kantor cabang"
    assert card_fit.label_lines([long] + ["Cakupan"] * 5) == card_fit.MOST_LINES
    told = capsys.readouterr().err
    assert told.startswith(f"rakor: nb.kartu_angka: label kartu «{long}» terlipat menjadi 6 baris di 6 kartu")
    assert card_fit.label_lines([long] + ["Cakupan"] * 2) == 3  # in three cards it has room for that
    assert capsys.readouterr().err == ""


def test_a_word_wider_than_its_card_is_broken_inside_it_and_reported(capsys):
    """"Pertanggungjawaban" in six cards ran across its card's edge; the page now breaks it inside
    (`overflow-wrap: break-word`), which is not how a reader expects a word, so the build says so."""
    assert card_fit.label_lines(["Pertanggungjawaban"] + ["Cakupan"] * 5) == 2
    assert "label kartu «Pertanggungjawaban»: kata «Pertanggungjawaban» lebih lebar" in capsys.readouterr().err
    card_fit.check_notes(["11 kecamatan, 52 nagari", "dari https://satudata.dharmasrayakab.go.id/bpjs"] + ["x"] * 4)
    told = capsys.readouterr().err
    assert ("keterangan kartu «dari https://satudata.dharmasrayakab.go.id/bpjs»: kata "
            "«https://satudata.dharmasrayakab.go.id/bpjs» lebih lebar dari kartunya (6 kartu sebaris)") in told
    assert "11 kecamatan" not in told
    card_fit.check_notes(["Pertanggungjawaban"] * 3)  # in three cards it fits
    assert card_fit.label_lines(["Pertanggungjawaban"] * 3) == 1 and capsys.readouterr().err == ""
    css = paths.CELLS_CSS.read_text(encoding="utf-8")
    assert ".rk-card-label, .rk-card-note { overflow-wrap: break-word; }" in css


@pytest.fixture(scope="module")
def cards_page(tmp_path_factory) -> tuple[Path, Path]:
    """A summary page holding every row of ROWS, as HTML and as a PDF from the real engine."""
    meeting = params.load(paths.DEFAULT_PARAMS)
    page = page_frame.page_for(meeting, kind="summary", title="Ringkasan Kabupaten Dharmasraya", build_id="uji")
    rows = [row(*figures) for figures in ROWS.values()] + [row(*figures, labels=labels) for figures, labels in LEVEL.values()]
    cells = [new_code_cell(source="nb.kartu_angka(...)", outputs=[
        new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})]) for html in rows]
    html = render.notebook_html(new_notebook(cells=cells), page)[0]
    folder = tmp_path_factory.mktemp("kartu")
    (folder / "kartu.html").write_text(html, encoding="utf-8")
    weasy.write_pdf(html, folder / "kartu.pdf", base_dir=folder, title="Kartu")
    return folder / "kartu.html", folder / "kartu.pdf"


def page_text(pdf: Path, loose: bool = False) -> tuple[str, list[tuple[float, float, float, float]]]:
    """The text as printed, page after page, without its white space (a label broken over two
    lines, at a space or inside a word, reads "Menujutarget32,15%" still), and PDFium's box
    (left, bottom, right, top, in points) of each of its characters: the glyph's own, or
    `loose`, the font's (the same bottom for every character of a line, descender or not)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        squeezed, glyphs = [], []
        for page in doc:  # a row of cards never breaks over two pages
            text = page.get_textpage()
            for i, char in enumerate(text.get_text_range()):
                if not char.isspace():
                    squeezed.append(char)
                    glyphs.append(text.get_charbox(i, loose=loose))
        return "".join(squeezed), glyphs
    finally:
        doc.close()


def squeeze(text: str) -> str:
    return "".join(text.split())


def boxes(pdf: Path, words: list[str], start: int = 0, loose: bool = False) -> list[list[tuple[float, float, float, float]]]:
    """The boxes of each of `words`, found in order from character `start` of `page_text`."""
    flat, glyphs = page_text(pdf, loose)
    found = []
    for word in map(squeeze, words):
        at = flat.index(word, start)
        found.append(glyphs[at:at + len(word)])
        start = at + len(word)
    return found


def spans(pdf: Path, figures: list[str]) -> list[tuple[float, float]]:
    """Left and right edge, in points, of each figure as printed."""
    return [(glyphs[0][0], glyphs[-1][2]) for glyphs in boxes(pdf, figures)]


def lines(glyphs: list[tuple[float, float, float, float]]) -> int:
    """How many lines a word's (loose) boxes stand on: their bottoms, a point apart or more."""
    return len({round(bottom) for _, bottom, _, _ in glyphs})


@pytest.mark.parametrize("name", list(ROWS))
def test_every_printed_figure_ends_inside_its_own_card(cards_page, name):
    """Read back from the PDF: each figure ends before its card's padding, so before the gap
    and the next card (on the old page, "42.124.724" ended 2,7 pt inside the next card's figure)."""
    figures = ROWS[name]
    edges = spans(cards_page[1], figures)
    for (left, right), (next_left, _) in zip(edges, edges[1:]):
        assert left < right <= next_left - PADDING - GAP - PADDING, (name, edges)
    assert edges[-1][1] <= A4_WIDTH - MARGIN - PADDING


def test_no_figure_leaves_its_card_in_any_window_width(cards_page):
    """In Chromium, from a phone to a desktop: each card is as wide as its figure at least, and
    the cards that do not fit move to the next line (at 601–760 px the sample's six figures
    ran into each other)."""
    from tests import a11y

    if a11y.chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with a11y.browser() as b:
        for width in (320, 601, 650, 760, 1280):
            with a11y.opened(b, cards_page[0], {"width": width, "height": 900}) as (tab, _):
                assert a11y.layout_problems(tab) == [], width


@pytest.mark.parametrize("name", list(LEVEL))
def test_the_figures_of_a_row_stand_level_when_a_label_wraps(cards_page, name):
    """Read back from the PDF: in the summary's six cards "Menuju target 32,15%" takes two lines,
    and its 15.334 stood a line (9 pt) below the other five figures. Every label of such a row
    now keeps two lines: the figures share one baseline (within the heavier card's extra 1 pt
    of border). The brief's five labels each fit one line, and its row keeps its height."""
    figures, labels = LEVEL[name]
    flat, _ = page_text(cards_page[1])
    start = flat.index(squeeze(labels[0] + figures[0]))  # this row's labels, not another row's
    assert flat.count(squeeze(labels[0] + figures[0])) == 1
    printed = [lines(glyphs) for glyphs in boxes(cards_page[1], labels, start, loose=True)]
    counted = card_fit.label_lines(labels)
    assert counted == max(printed), (printed, counted)  # what the row reserves is what the page printed
    assert {"ringkasan": 2, "brief lima": 1, "label panjang": 3, "kata panjang": 2}[name] == counted
    bottoms = [glyphs[0][1] for glyphs in boxes(cards_page[1], figures, start, loose=True)]
    assert max(bottoms) - min(bottoms) <= 1.2, bottoms
    edges = [(min(g[0] for g in glyphs), max(g[2] for g in glyphs)) for glyphs in boxes(cards_page[1], labels, start)]
    for (_, right), (next_left, _) in zip(edges, edges[1:]):  # no label runs out of its card
        assert right <= next_left - PADDING - GAP - PADDING, edges
    html = row(*figures, labels=labels)
    assert (f"rk-label-{counted}" in html) == (counted > 1)


WIDE = "Peserta aktif sejak Juli 2026 per segmen dan agen Perisai di nagari"


@pytest.mark.parametrize("cards", [4, 5, 6])
def test_the_lines_a_label_is_counted_to_take_are_the_lines_it_prints(tmp_path, cards):
    """Labels growing a word at a time, in rows of 4, 5 and 6 cards, printed by the real engine:
    measured without slack, `card_fit.label_lines` counts the lines the page prints (in the
    six-card row one line fits with 0,02 pt to spare); with its slack it may count a line more
    for a label that close to the edge, never fewer (a figure below its neighbours again)."""
    meeting = params.load(paths.DEFAULT_PARAMS)
    page = page_frame.page_for(meeting, kind="summary", title="Label kartu", build_id="uji")
    words = WIDE.split()
    grown = [" ".join(words[:n]) for n in range(1, len(words) + 1)]
    rows = [grown[i:i + 1] + [f"L{k}" for k in range(cards - 1)] for i in range(len(grown))]
    cells = [new_code_cell(source="nb.kartu_angka(...)", outputs=[new_output("display_data", data={
        "text/html": row(*(["1"] * cards), labels=labels), "text/plain": "<HTML>"})]) for labels in rows]
    html = render.notebook_html(new_notebook(cells=cells), page)[0]
    weasy.write_pdf(html, tmp_path / "label.pdf", base_dir=tmp_path, title="Label")
    for label in grown:
        printed = lines(boxes(tmp_path / "label.pdf", [label], loose=True)[0])
        row_ = [label] + ["L"] * (cards - 1)
        assert card_fit.label_lines(row_, slack=0) == printed, label
        assert printed <= card_fit.label_lines(row_) <= printed + 1, label
    assert max(lines(glyphs) for glyphs in boxes(tmp_path / "label.pdf", grown, loose=True)) >= 3  # it did wrap


def test_on_a_screen_the_figures_stand_level_and_a_phone_keeps_no_blank_line(cards_page):
    """In Chromium: at 1280 px the summary's six cards share one line and their figures one top
    (within the heavier card's extra border); on a phone, two cards a row, a label has room
    and keeps no second line for nothing ("Angkatan kerja" is one line high there)."""
    from tests import a11y

    if a11y.chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    row_of = "[...document.querySelectorAll('.rk-cards')].find(r => r.textContent.includes('Menuju target 32,15%'))"
    with a11y.browser() as b:
        with a11y.opened(b, cards_page[0], {"width": 1280, "height": 900}) as (tab, _):
            tops = tab.evaluate(f"() => [...{row_of}.querySelectorAll('.rk-card-value')]"
                                ".map(v => v.getBoundingClientRect().top)")
            assert len(tops) == 6 and max(tops) - min(tops) <= 1.5, tops
        with a11y.opened(b, cards_page[0], {"width": 360, "height": 900}) as (tab, _):
            first = tab.evaluate(f"() => {{ const l = {row_of}.querySelector('.rk-card-label');"
                                 " return [l.getBoundingClientRect().height, parseFloat(getComputedStyle(l).lineHeight)]; }")
            assert first[0] < 1.5 * first[1], first
