"""briefs.notebook.styler: a Styler keeps its cell styles inline and reads Indonesian."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from briefs.notebook import styler as styling
from briefs.notebook import tables
from tests.test_tables import CONTOH, EVIL, rows


@pytest.fixture
def styler_options():
    tables.use_pandas_options()
    yield
    pd.reset_option("styler.format")


def test_a_styler_keeps_cell_styles_inline_and_reads_indonesian(styler_options):
    styler = CONTOH.style.highlight_max(subset=["angkatan_kerja"], color="#d0d0d0").format("{:.1%}", subset=["cakupan"])
    html, meta = styling.styler_html(styler)
    soup = BeautifulSoup(html, "html.parser")
    assert "<style" not in html and soup.table["class"] == ["rk-table"]
    assert rows(html)["tbody"] == [["Alfa", "1.234.567", "31,1%"], ["Beta", "2.345", "20,5%"]]
    (styled,) = [td for td in soup.find_all("td") if td.get("style")]
    assert styled.get_text(strip=True) == "1.234.567" and "background-color: #d0d0d0" in styled["style"]
    assert rows(html)["thead"][0] == ["Nagari", "Angkatan kerja", "Cakupan"]
    assert meta == {}
    assert html == styling.styler_html(styler)[0]  # a fixed table id: the same bytes every time


def test_a_styler_number_is_rewritten_only_when_it_is_the_cells_value(styler_options):
    frame = pd.DataFrame({"a": [1234.5], "b": [1.234], "c": [0.3112]})
    html, _ = styling.styler_html(frame.style.format("{:,.1f}", subset=["a"]).format("{:.3f}", subset=["b"])
                                 .format(lambda v: "1,000", subset=["c"]))
    assert rows(html)["tbody"] == [["1.234,5", "1,234", "1,000"]]  # c's text is not its value: left alone


def test_table_wide_styler_styles_are_reported(styler_options):
    styler = CONTOH.style.set_table_styles([{"selector": "th", "props": "color: red;"}])
    html, meta = styling.styler_html(styler)
    assert "color: red" not in html
    assert meta["rakor"]["peringatan"] == ["gaya tabel Styler tidak ditampilkan (hanya gaya per sel yang dipakai): tabel th"]


def test_styler_defaults_are_indonesian_and_escape_names(styler_options):
    html, _ = styling.styler_html(pd.DataFrame({"n": [EVIL], "x": [0.25]}).style)
    assert EVIL not in html and rows(html)["tbody"] == [[EVIL, "0,2"]]


def test_a_styled_describe_reads_in_bahasa_and_counts_as_counts(styler_options):
    html, meta = styling.styler_html(CONTOH.describe().style)
    body = rows(html)["tbody"]
    assert [r[0] for r in body][:3] == ["Banyak", "Rata-rata", "Simpangan baku"]
    assert body[0][2] == "2,0" and body[1][2] == "25,8%"  # the count of a share's column is not 200,0%
    transposed = rows(styling.styler_html(CONTOH.describe().T.style)[0])
    assert transposed["thead"][0][1:4] == ["Banyak", "Rata-rata", "Simpangan baku"]
    assert "%" not in "".join(transposed["tbody"][0][1:])  # the quantile columns hold values, not shares


def test_a_styled_decimal_or_complex_is_shown_not_crashed(styler_options):
    from decimal import Decimal

    frame = pd.DataFrame({"nilai": [Decimal("1234.5")], "z": [1 + 2j]})
    html, _ = styling.styler_html(frame.style.format({"nilai": "{:,.1f}"}))
    assert rows(html)["tbody"] == [["1.234,5", "1.0+2.0j"]]  # the Decimal read back as its own value


def test_a_decimal_the_houses_default_places_write_as_zero_is_reported(styler_options):
    """The house sets a Styler's places to 1 (pandas' own is 6): a ratio of 0,012 would read 0,0."""
    frame = CONTOH.assign(rasio_agen=[0.012, 0.4], kosong=[0.0, 0.0])
    html, meta = styling.styler_html(frame.style)
    assert [r[3:] for r in rows(html)["tbody"]] == [["0,0", "0,0"], ["0,4", "0,0"]]
    (warning,) = meta["rakor"]["peringatan"]
    assert "'Rasio agen' memuat 0,012 yang tertulis 0,0" in warning and ".format(precision=3)" in warning
    html, meta = styling.styler_html(frame.style.format(precision=3))
    assert rows(html)["tbody"][0][3] == "0,012" and meta == {}
