"""Text past a page's side margins is cut off on paper: the build says so, page by page.

A table of twelve columns of seven-digit figures ran past A4's right margin, and the page's
edge cut it: a reader saw "1.2" of "1.234.576". Real pages from WeasyPrint are read back
with PDFium, and a real build of a brief with such a table reports it (and fails --strict).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefs import params, paths, pipeline
from briefs.notebook import tables
from briefs.render import html as render
from briefs.render import margins, weasy
from briefs.render import page as page_frame
from tests import helpers
from tests.test_card_fit import page_text

SITIUNG = "13.10.04"
WIDE_TABLE = ("nb.tabel(pd.DataFrame({f'Peserta aktif {2014 + i}': [1_234_567 + i, 2_345_678] for i in range(12)}, "
              "index=pd.Index(['Sitiung', 'Siguntur'], name='nagari')))")


def wide(columns: int) -> pd.DataFrame:
    return pd.DataFrame({f"Peserta aktif {2014 + i}": [1_234_567 + i, 2_345_678] for i in range(columns)},
                        index=pd.Index(["Sitiung", "Siguntur"], name="nagari"))


def printed(cells: list, folder: Path, name: str = "halaman") -> Path:
    """A summary page holding `cells`, printed by the real engine."""
    meeting = params.load(paths.DEFAULT_PARAMS)
    page = page_frame.page_for(meeting, kind="summary", title="Uji tepi", build_id="uji")
    weasy.write_pdf(render.notebook_html(new_notebook(cells=cells), page)[0], folder / f"{name}.pdf", base_dir=folder,
                    title="Uji tepi")
    return folder / f"{name}.pdf"


def pdf_of(table: pd.DataFrame, folder: Path) -> Path:
    """A page holding `table` as `nb.tabel` shows it."""
    html, _ = tables.tabel(table)._repr_html_()
    return printed([new_code_cell(source="nb.tabel(...)", outputs=[
        new_output("display_data", data={"text/html": html, "text/plain": "<T>"})])], folder, "tabel")


def test_a_table_past_the_right_margin_is_found_and_one_inside_it_is_not(tmp_path):
    """Twelve columns: the last figures stand past the paper's edge, cut; eight fit the 174 mm
    line and nothing is said; eleven reach into the margin, still on the paper."""
    [cut] = margins.outside(pdf_of(wide(12), tmp_path))
    assert cut.startswith("halaman 1: teks melewati tepi kanan kertas dan terpotong: «")
    quoted = cut.split("«")[1].split("»")[0]
    assert "2025" in quoted and re.search(r"\d\.\d{3}", quoted), quoted  # the last column's header and figures
    assert "Sitiung" not in quoted and "2014" not in quoted  # what fits is not quoted
    assert margins.outside(pdf_of(wide(8), tmp_path)) == []
    # eleven: the last column stands in the margin, on the paper still, where a printer may cut it
    [margin] = margins.outside(pdf_of(wide(11), tmp_path))
    assert margin.startswith("halaman 1: teks masuk ke margin kanan (18 mm) dan bisa terpotong saat dicetak: «")
    assert "2024" in margin and "2014" not in margin


def test_a_word_longer_than_the_line_breaks_inside_it_rather_than_past_the_margin(tmp_path):
    """A long code or file name in a Markdown cell ran past the right margin and was cut;
    it now breaks inside (`overflow-wrap`), and every character of it is on the page."""
    word = "kode_nagari_yang_sangat_panjang_untuk_dicoba_apakah_terpotong_di_tepi_kanan_halaman_pdf"
    pdf = printed([new_markdown_cell(f"Kolom `{word}` dari ekspor.")], tmp_path, "kata")
    assert margins.outside(pdf) == []
    text, _ = page_text(pdf)  # every character, wherever the line broke
    assert word in text


def test_the_sample_pages_print_nothing_past_their_margins(small_release):
    for pdf in sorted((small_release / "kecamatan").glob("*.pdf")) + [small_release / "ringkasan-kabupaten.pdf"]:
        assert margins.outside(pdf) == [], pdf.name


def test_the_margins_read_are_the_page_frames():
    """The side margins checked are those both engines print with: a page frame with other
    margins would be checked against the wrong line."""
    css = paths.RAKOR_CSS.read_text(encoding="utf-8")
    assert re.search(r"@page \{\s*size: A4;\s*margin: 20mm 18mm 20mm 18mm;", css)
    typst = (paths.TEMPLATES / "quarto" / "typst-template.typ").read_text(encoding="utf-8")
    assert "margin: (x: 18mm," in typst
    assert round(margins.SIDE / margins.MM, 6) == 18


@pytest.mark.slow
def test_a_brief_whose_table_is_cut_by_the_page_edge_is_reported_and_fails_strict(tmp_path):
    source = nbformat.read(paths.BRIEF_NOTEBOOK, as_version=4)
    notes = next(i for i, c in enumerate(source.cells) if c.source.strip() == "## Catatan")
    notebook = helpers.brief_with(tmp_path, "lebar", notes, new_code_cell(WIDE_TABLE))
    options = dict(only=["Sitiung"], jobs=1, force=True, notebooks={SITIUNG: notebook})
    loose = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(out=tmp_path / "out", **options))
    assert loose.exit_code == 0
    [cut] = [w for w in loose.warnings if "tepi kanan kertas dan terpotong" in w["message"]]
    assert cut["scope"] == "Kecamatan Sitiung" and re.match(r"halaman \d: teks melewati tepi kanan", cut["message"])
    strict = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(out=tmp_path / "ketat", strict=True, **options))
    assert strict.exit_code == 1 and strict.release is None
