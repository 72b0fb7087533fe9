"""The analysts' guide, tried as an analyst would: its examples pasted into the brief and built.

Every block of docs/panduan-analis.md marked `<!-- contoh: … -->` becomes a cell of the
brief notebook, before the notes, together with two outputs the page must drop (a
widget and a `<style>`) and, in a second copy, a section long enough to push the brief
onto a third page. The real build runs them (papermill, nbconvert, WeasyPrint), and what
reaches the reader is read back from the HTML (parsed, and in Chromium), from the PDF
(images counted, text extracted) and from the build's warnings.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader

from briefs import paths, pipeline
from tests import helpers
from tests.conftest import chromium

pytestmark = pytest.mark.slow

GUIDE = paths.ROOT / "docs" / "panduan-analis.md"
EXAMPLE = re.compile(r"<!-- contoh: (?P<name>[\w-]+) -->\n```(?P<lang>python|markdown)\n(?P<code>.*?)```", re.S)
SITIUNG, KOTO_BARU = "13.10.04", "13.10.01"
WIDGET = ("display({'application/vnd.jupyter.widget-view+json': {'model_id': 'x', 'version_major': 2, "
          "'version_minor': 0}, 'text/plain': 'IntSlider(value=3)'}, raw=True)")
STYLE = "from IPython.display import HTML\nHTML('<style>.rk-doc { color: red }</style><p>TEKS-GAYA</p>')"
LONG = "nb.tabel(pd.concat([nagari] * 12).set_index('nagari')[['angkatan_kerja', 'peserta_aktif', 'cakupan']])"


def examples() -> list[tuple[str, str, str]]:
    """(name, language, code) of every tested example in the guide, in order."""
    return [(m["name"], m["lang"], m["code"]) for m in EXAMPLE.finditer(GUIDE.read_text(encoding="utf-8"))]


def edited_notebook(folder: Path, name: str, *extra: str) -> Path:
    """The brief with the guide's examples (and `extra` code cells) before its notes."""
    cells = [nbformat.v4.new_code_cell(code) if lang == "python" else nbformat.v4.new_markdown_cell(code)
             for _, lang, code in examples()]
    cells += [nbformat.v4.new_code_cell(code) for code in extra]
    source = nbformat.read(paths.BRIEF_NOTEBOOK, as_version=4)
    notes = next(i for i, c in enumerate(source.cells) if c.source.strip() == "## Catatan")
    return helpers.brief_with(folder, name, notes, *cells)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("panduan")
    (folder / "gambar").mkdir()
    Image.new("L", (120, 80), 90).save(folder / "gambar" / "contoh-peta.png")  # the guide's image example
    return folder


def _build(notebooks: dict[str, Path], out: Path, **options) -> pipeline.Result:
    return pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(out=out, jobs=2, notebooks=notebooks, **options))


@pytest.fixture(scope="module")
def edited(folder) -> tuple[Path, pipeline.Result, Path]:
    """Sitiung and Koto Baru built with the edited brief (examples + a widget + a <style>)."""
    notebook = edited_notebook(folder, "panduan", WIDGET, STYLE)
    result = _build({SITIUNG: notebook, KOTO_BARU: notebook}, folder / "out", only=["Sitiung", "Koto Baru"])
    return folder / "out" / "rakor-2026-11", result, notebook


@pytest.fixture(scope="module")
def page(edited) -> BeautifulSoup:
    release, _, _ = edited
    return BeautifulSoup((release / "kecamatan" / "sitiung.html").read_text(encoding="utf-8"), "html.parser")


def _images(soup: BeautifulSoup) -> list[Image.Image]:
    out = []
    for img in soup.find_all("img"):
        mime, _, b64 = img["src"].partition(";base64,")
        out.append(Image.open(io.BytesIO(base64.b64decode(b64))))
    return out


def test_the_guide_has_its_examples():
    names = [name for name, _, _ in examples()]
    assert names == ["grafik-dan-tabel", "analisis-baru", "tabel-kendali", "styler", "gambar", "kotak"]


def test_edited_brief_builds_and_publishes(edited):
    release, result, _ = edited
    assert result.exit_code == 0, [o.error for o in result.batch.failed]
    assert (release / "kecamatan" / "koto-baru.pdf").is_file()


def test_every_chart_reaches_the_html_as_a_grayscale_png_with_alt_text(page):
    images = page.find_all("img")
    alts = [img["alt"] for img in images]
    # three charts of the brief (coverage, segments, BPU growth with and without an agent), two of
    # the cell, one `fig`, one Markdown image
    assert len(images) == 7, alts
    assert "Peserta BPU per nagari, 12 bulan terakhir" in alts  # the title became the alt text
    assert "Peta nagari di kecamatan ini" in alts
    pngs = [im for im in _images(page) if im.size != (120, 80)]
    assert len(pngs) == 6 and all(im.mode == "L" for im in pngs)
    widths = [int(img["width"]) for img in images if img.get("width")]
    assert round(5 * 96) in widths  # figsize=(5, 1.6) prints 5 inches wide


def test_dataframes_read_indonesian(page):
    text = page.get_text(" ")
    assert "1.234.567" in text and "31,1%" in text and "20,5%" in text
    assert "1234567" not in text and "0.3112" not in text
    headers = [th.get_text(strip=True) for th in page.find_all("th")]
    assert "Angkatan kerja" in headers and "Cakupan" in headers


def test_a_styler_keeps_its_cell_styles_and_reads_indonesian(page):
    styled = [td for td in page.find_all("td") if "background-color" in (td.get("style") or "")]
    assert len(styled) == 1  # highlight_max on one column
    assert re.fullmatch(r"\d+,\d%", styled[0].get_text(strip=True))  # "{:.1%}" rewritten: 32,6%


def test_the_pdf_holds_every_image_and_the_tables(edited):
    release, _, _ = edited
    reader = PdfReader(release / "kecamatan" / "sitiung.pdf")
    images = [img for p in reader.pages for img in p.images]
    assert len(images) >= 6
    text = "".join(p.extract_text() for p in reader.pages)
    assert "1.234.567" in text and "31,1%" in text and "Cakupan terendah" in text


def test_dropped_outputs_are_reported_with_kecamatan_and_cell(edited):
    release, result, notebook = edited
    mine = [w for w in result.warnings if w.get("scope") == "Kecamatan Sitiung"]
    messages = " | ".join(w["message"] for w in mine)
    assert "application/vnd.jupyter.widget-view+json" in messages
    assert "<style>" in messages
    widget = next(w for w in mine if "widget" in w["message"])
    cells = nbformat.read(notebook, as_version=4).cells
    assert cells[widget["cell"] - 1].source == WIDGET and widget["notebook"] == f"…/{notebook.name}"  # outside the project
    report = (release / "laporan-data.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" in report and "Kecamatan Koto Baru" in report
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["warnings"] == result.warnings
    assert "TEKS-GAYA" in (release / "kecamatan" / "sitiung.html").read_text(encoding="utf-8")  # the rest stays


def test_the_edited_brief_is_byte_identical_when_rebuilt(edited, folder):
    release, result, notebook = edited
    brief = next(o for o in result.batch.outcomes if o.job.key == SITIUNG)
    shutil.rmtree(brief.folder)  # its cache entry goes: the brief runs again, the summary need not
    again = _build({SITIUNG: notebook}, folder / "lagi", only=["Sitiung"])
    assert again.exit_code == 0
    assert not next(o for o in again.batch.outcomes if o.job.key == SITIUNG).cached
    for name in ("sitiung.html", "sitiung.pdf"):
        assert (folder / "lagi" / "rakor-2026-11" / "kecamatan" / name).read_bytes() == \
            (release / "kecamatan" / name).read_bytes(), name


def test_a_third_page_is_reported_and_fails_strict(folder):
    notebook = edited_notebook(folder, "panjang", LONG)
    out = folder / "panjang-out"
    loose = _build({SITIUNG: notebook}, out, only=["Sitiung"])
    assert loose.exit_code == 0
    pages = [w for w in loose.warnings if "halaman A4" in w["message"]]
    assert [w["scope"] for w in pages] == ["Kecamatan Sitiung"]
    n = len(PdfReader(out / "rakor-2026-11" / "kecamatan" / "sitiung.pdf").pages)
    assert n > 2 and pages[0]["message"].startswith(f"{n} halaman A4")
    shutil.rmtree(out)
    strict = _build({SITIUNG: notebook}, out, only=["Sitiung"], strict=True)
    assert strict.exit_code == 1 and strict.release is None
    assert not (out / "rakor-2026-11").exists()


def test_the_edited_notebook_runs_in_plain_jupyter_from_the_notebooks_folder(edited, tmp_path):
    """As JupyterLab runs it: cwd notebooks/, default parameters, a plain kernel; charts are images."""
    import papermill

    _, _, notebook = edited
    target = tmp_path / "dijalankan.ipynb"
    papermill.execute_notebook(str(notebook), str(target), kernel_name="python3", cwd=str(paths.NOTEBOOKS),
                               progress_bar=False, log_output=False)
    nb = nbformat.read(target, as_version=4)
    pngs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(pngs) == 6
    assert all(o.metadata["image/png"]["width"] > 0 for o in pngs)
    html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "text/html" in o.get("data", {})]
    assert any("1.234.567" in h for h in html)


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="Debian's chromium is not installed")
def test_chromium_shows_every_image_of_the_edited_brief(edited):
    from playwright.sync_api import sync_playwright

    release, _, _ = edited
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            tab.goto((release / "kecamatan" / "sitiung.html").as_uri())
            loaded = tab.eval_on_selector_all("img", "els => els.map(e => e.complete && e.naturalWidth > 0)")
            table_text = tab.inner_text("main")
        finally:
            browser.close()
    assert loaded == [True] * 7
    assert "1.234.567" in table_text and "31,1%" in table_text
