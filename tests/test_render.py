"""briefs.render: executed notebook → HTML (parsed), → PDF (real WeasyPrint, read back).

The fixture `fixtures/render/executed.ipynb` is a hand-made executed brief (see
make_executed.py): real output types plus things that must never reach a reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from briefs import fmt, params, paths
from briefs.render import html as render
from briefs.render import page as page_frame
from briefs.render import weasy

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "executed.ipynb"
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def meeting():
    return params.load(paths.DEFAULT_PARAMS)


@pytest.fixture(scope="module")
def page(meeting):
    return page_frame.page_for(meeting, kind="brief", title="Kecamatan Sitiung", build_id="b-uji-42")


@pytest.fixture(scope="module")
def executed():
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture(scope="module")
def html(executed, page):
    return to_html(executed, page)


@pytest.fixture(scope="module")
def pdf(html, tmp_path_factory) -> PdfReader:
    folder = tmp_path_factory.mktemp("pdf")
    weasy.write_pdf(html, folder / "brief.pdf", base_dir=folder, title="Kecamatan Sitiung")
    return PdfReader(folder / "brief.pdf")


def to_html(nb, page) -> str:
    return render.notebook_html(nb, page)[0]


def assert_safe_page(html: str) -> BeautifulSoup:
    """What every page we publish must satisfy: offline, script-free, Indonesian."""
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    for tag in soup.find_all(True):
        events = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not events, (tag.name, events)
        for attr in ("src", "href", "action", "srcset", "poster"):
            value = str(tag.get(attr, ""))
            assert not re.match(r"\s*(https?:|//|javascript:|file:)", value, re.I), (tag.name, value)
    assert soup.html["lang"] == "id"
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert csp is not None and csp["content"] == page_frame.CSP
    assert soup.title and soup.title.string.strip()
    return soup


# ---- Page -------------------------------------------------------------------------------

def test_page_for_formats_in_indonesian(page, meeting):
    assert page.date_text == "Selasa, 24 November 2026" == fmt.tanggal(meeting.date)
    assert page.period_text == "Oktober 2026"
    assert page.sample is True and page.place == meeting.place
    assert page.meeting_short.startswith("Rakor ") and "Rapat Koordinasi" not in page.meeting_short


# ---- HTML -------------------------------------------------------------------------------

def test_html_is_self_contained_and_script_free(html):
    soup = assert_safe_page(html)
    assert not soup.find("link")  # all CSS inline
    assert "require.js" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower()
    assert "jp-Notebook" not in str(soup.body.get("class"))  # JupyterLab theme CSS replaced
    assert ".rk-" in html  # our stylesheet is inlined


def test_html_shows_outputs_not_code(html):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select(".rk-cards .rk-card") and soup.select("table.rk-table")
    assert [h.get_text(strip=True).rstrip("¶") for h in soup.find_all("h2")] == [
        "Angka kunci", "Cakupan per nagari"]
    imgs = soup.find_all("img")
    assert len(imgs) == 1 and imgs[0]["src"].startswith("data:image/png;base64,")
    assert imgs[0]["alt"] == "Grafik"
    assert "rk.cards(kecamatan)" not in html and "kecamatan = 'Sitiung'" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_unexpected_outputs_are_dropped(html):
    for leak in ("BOCOR-JS", "BOCOR-MERMAID", "BOCOR-STDERR", "widget-state", "model_id", ">js<"):
        assert leak not in html, leak


def test_smuggled_markup_is_inert(html):
    soup = BeautifulSoup(html, "html.parser")
    # markdown cell: the <img onerror> is gone; text/plain: shown as text, not markup
    assert not soup.find_all(attrs={"onerror": True})
    assert "<img src=x onerror=alert(2)>" in soup.get_text()
    assert 'alert("x")' not in html  # the <script> in a text/html snippet leaves no trace
    assert "Catatan" in soup.get_text() and "dari analis." in soup.get_text()


def test_every_html_path_is_sanitized():
    nb = new_notebook(cells=[
        new_markdown_cell('<a href="http://evil.example/">x</a> ![t](https://evil.example/t.png) '
                          '<iframe src="https://evil.example"></iframe><form action="https://e"></form>'),
        new_code_cell("", outputs=[new_output("display_data", data={
            "text/html": '<div class="rk-x" style="background: url(https://e/x.png)" onclick="x()">'
                         '<a href="javascript:alert(1)">a</a><img src="https://e/p.png">'
                         '<svg onload="alert(1)"></svg></div>',
            "text/markdown": "**abaikan**"})]),
        new_code_cell("", outputs=[new_output("display_data", data={
            "text/markdown": "<img src=x onerror=alert(3)> **tebal**"})]),
    ])
    page = page_frame.Page("brief", "K", "Rapat", "Selasa, 24 November 2026", "P", "Oktober 2026", False, "b1")
    out = to_html(nb, page)
    soup = assert_safe_page(out)
    assert "evil.example" not in out and "iframe" not in out and "<svg" not in out and "url(" not in out
    assert soup.find("div", class_="rk-x") is not None  # our classes survive sanitizing
    assert soup.find("strong", string="tebal") is not None


def test_sample_banner_and_footer(html, page, executed):
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".rk-sample-banner") and "DATA CONTOH" in soup.select_one(".rk-sample-banner").text
    footer = soup.select_one("footer.rk-footer").get_text(" ", strip=True)
    assert "Data per Oktober 2026" in footer and "build b-uji-42" in footer and "DATA CONTOH" in footer
    official = to_html(executed, page_frame.Page(**{**page.__dict__, "sample": False}))
    assert "DATA CONTOH" not in official


def test_title_values_are_escaped(executed, page):
    nasty = page_frame.Page(**{**page.__dict__, "title": 'Koto <b onmouseover="x()">Baru</b>'})
    soup = assert_safe_page(to_html(executed, nasty))
    assert soup.select_one("h1.rk-title").get_text() == 'Koto <b onmouseover="x()">Baru</b>'


def test_html_is_deterministic(executed, page, html):
    assert to_html(executed, page) == html


# ---- PDF --------------------------------------------------------------------------------

def test_pdf_is_a4_with_running_header_and_footer(pdf, page):
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    n = len(pdf.pages)
    for i, p in enumerate(pdf.pages, start=1):
        text = " ".join(p.extract_text().split())
        assert page.meeting_short in text and "Kecamatan Sitiung" in text
        assert "DATA CONTOH — bukan data resmi" in text
        assert "Data per Oktober 2026" in text and "build b-uji-42" in text
        assert f"Halaman {i} dari {n}" in text


def test_pdf_fonts_embedded_and_chart_present(pdf):
    fonts = {}
    for p in pdf.pages:
        for font in p["/Resources"]["/Font"].values():
            font = font.get_object()
            fd = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = "/FontFile2" in fd or "/FontFile3" in fd
    assert fonts and all(fonts.values()), fonts
    assert any("Open-Sans" in f for f in fonts)
    assert sum(len(p.images) for p in pdf.pages) == 1


def test_long_brief_repeats_header_on_every_page(executed, page, tmp_path):
    nb = nbformat.from_dict(executed)
    nb.cells += [new_markdown_cell(f"## Bagian {i}\n\n" + "Teks penjelasan. " * 60) for i in range(8)]
    weasy.write_pdf(to_html(nb, page), tmp_path / "long.pdf", base_dir=tmp_path, title="x")
    reader = PdfReader(tmp_path / "long.pdf")
    n = len(reader.pages)
    assert n >= 2
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Halaman {n} dari {n}" in last and page.meeting_short in last and "Kecamatan Sitiung" in last


# ---- index page -------------------------------------------------------------------------

def test_threads_render_the_same_page(executed, page, html):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: to_html(executed, page), range(3)))
    assert results == [html] * 3
