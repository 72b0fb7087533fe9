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


def row(*figures: str) -> str:
    """The HTML of a row of cards showing `figures`, the first drawn heavier, as the notebooks do."""
    cards = [kartu(f"Angka {n}", figure, "keterangan", utama=n == 1) for n, figure in enumerate(figures, 1)]
    return kartu_angka(*cards).data


ROWS = {  # a national summary, a regency of millions, a regency like the sample, a brief
    "nasional": ["42.124.724", "9.814.613", "23,3%", "32.310.111", "3.728.486", "18.268"],
    "jutaan": ["2.812.345", "612.004", "21,8%", "2.200.341", "291.600", "412"],
    "contoh": ["137.520", "28.879", "21,0%", "108.641", "15.334", "25"],
    "brief": ["1.204.118", "262.113", "21,8%", "941.505"],
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


def test_a_figure_too_long_even_at_the_smallest_size_is_reported(capsys):
    assert card_fit.size(["Rp1.234.567.890.123"] * 6) == card_fit.SMALLEST
    told = capsys.readouterr().err
    assert told.startswith("rakor: nb.kartu_angka: angka kartu «Rp1.234.567.890.123» terlalu lebar untuk 6 kartu")
    assert "dua kali nb.kartu_angka" in told
    card_fit.size(ROWS["nasional"])
    assert capsys.readouterr().err == ""  # one that fits at a smaller size says nothing


@pytest.fixture(scope="module")
def cards_page(tmp_path_factory) -> tuple[Path, Path]:
    """A summary page holding every row of ROWS, as HTML and as a PDF from the real engine."""
    meeting = params.load(paths.DEFAULT_PARAMS)
    page = page_frame.page_for(meeting, kind="summary", title="Ringkasan Kabupaten Dharmasraya", build_id="uji")
    cells = [new_code_cell(source="nb.kartu_angka(...)", outputs=[
        new_output("display_data", data={"text/html": row(*figures), "text/plain": "<HTML>"})]) for figures in ROWS.values()]
    html = render.notebook_html(new_notebook(cells=cells), page)[0]
    folder = tmp_path_factory.mktemp("kartu")
    (folder / "kartu.html").write_text(html, encoding="utf-8")
    weasy.write_pdf(html, folder / "kartu.pdf", base_dir=folder, title="Kartu")
    return folder / "kartu.html", folder / "kartu.pdf"


def spans(pdf: Path, figures: list[str]) -> list[tuple[float, float]]:
    """Left and right edge, in points, of each figure as printed on page 1 (PDFium's glyph boxes)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        text = doc[0].get_textpage()
        whole = text.get_text_range()
        found, start = [], 0
        for figure in figures:
            at = whole.index(figure, start)
            found.append((text.get_charbox(at)[0], text.get_charbox(at + len(figure) - 1)[2]))
            start = at + len(figure)
        return found
    finally:
        doc.close()


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
