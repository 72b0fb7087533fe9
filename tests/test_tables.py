"""briefs.tables: DataFrames and Stylers as house-style tables with Indonesian numbers."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from briefs.notebook import tables

EVIL = "<script>alert(1)</script>"
CONTOH = pd.DataFrame({"nagari": ["Alfa", "Beta"], "angkatan_kerja": [1234567, 2345], "cakupan": [0.3112, 0.2049]})


def rows(html: str) -> dict[str, list[list[str]]]:
    """Cell texts per section (thead, tbody, tfoot), as a reader sees the table."""
    soup = BeautifulSoup(html, "html.parser")
    return {part.name: [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in part.find_all("tr")]
            for part in soup.find_all(["thead", "tbody", "tfoot"])}


def test_the_issues_dataframe_reads_indonesian():
    html, meta = tables.frame_html(CONTOH)
    assert rows(html) == {"thead": [["Nagari", "Angkatan kerja", "Cakupan"]],
                          "tbody": [["Alfa", "1.234.567", "31,1%"], ["Beta", "2.345", "20,5%"]]}
    assert meta == {}
    assert html == tables.frame_html(CONTOH)[0]  # the same bytes every time


def test_kinds_from_dtype_and_name():
    frame = pd.DataFrame({
        "peserta": [1, 2], "rasio": [1.35, 2.5], "bulat": [3.0, 4.0], "persen_bpu": [0.1, 0.2],
        "biaya_bulan": [16800, 33600], "perubahan": [57, -12], "ada_agen": [True, False],
        "periode": ["2026-09", "2026-10"], "tanggal": pd.to_datetime(["2026-11-24", "2026-11-25"]),
        "catatan": ["x", None], "ringkas": ["Rp1,2 miliar", "2 dari 4"],
    })
    html, _ = tables.frame_html(frame)
    assert rows(html)["tbody"][0] == ["1", "1,4", "3", "10,0%", "Rp16.800", "+57", "ya", "September 2026",
                                      "24 November 2026", "x", "Rp1,2 miliar"]
    assert rows(html)["tbody"][1][5] == "−12" and rows(html)["tbody"][1][9] == "–"
    soup = BeautifulSoup(html, "html.parser")
    right = [td.get_text() for td in soup.tbody.tr.find_all("td") if "rk-num" in (td.get("class") or [])]
    assert right == ["1", "1,4", "3", "10,0%", "Rp16.800", "+57", "Rp1,2 miliar"]


def test_named_index_is_the_first_column_and_row_numbers_are_hidden():
    html, _ = tables.frame_html(CONTOH.set_index("nagari"))
    soup = BeautifulSoup(html, "html.parser")
    assert [th.get_text() for th in soup.tbody.find_all("th", scope="row")] == ["Alfa", "Beta"]
    assert "0" not in [c for r in rows(tables.frame_html(CONTOH)[0])["tbody"] for c in r]


def test_a_series_is_a_one_column_table():
    html, _ = tables.frame_html(CONTOH.set_index("nagari")["angkatan_kerja"])
    assert rows(html)["tbody"] == [["Alfa", "1.234.567"], ["Beta", "2.345"]]


def test_jumlah_sums_counts_and_takes_the_values_it_is_given():
    t = tables.tabel(CONTOH.set_index("nagari"), jumlah={"cakupan": 0.3111})
    html, _ = t._repr_html_()
    assert rows(html)["tfoot"] == [["Jumlah", "1.236.912", "31,1%"]]
    html, _ = tables.tabel(CONTOH, jumlah=True)._repr_html_()
    assert rows(html)["tfoot"] == [["Jumlah", "1.236.912", ""]]  # a percentage cannot be summed
    html, _ = tables.tabel(CONTOH.set_index("nagari"), jumlah={"nagari": "Kabupaten"})._repr_html_()
    assert rows(html)["tfoot"][0][0] == "Kabupaten"


def test_explicit_kinds_override_the_names():
    frame = pd.DataFrame({"cakupan": [31.1], "nilai": [0.5], "anggaran": [1_000_000]})
    html, meta = tables.tabel(frame, persen=["nilai"], rupiah=["anggaran"], desimal=2)._repr_html_()
    assert rows(html)["tbody"] == [["31,10", "50,00%", "Rp1.000.000"]]
    assert meta == {}  # 'cakupan' is not a percentage here: no warning


def test_a_percentage_column_in_persen_is_shown_but_warned():
    html, meta = tables.frame_html(CONTOH.assign(cakupan=[31.12, 20.49]))
    assert rows(html)["tbody"][0][2] == "3.112,0%"
    (warning,) = meta["rakor"]["peringatan"]
    assert "'Cakupan'" in warning and "persen=[]" in warning


def test_italic_rows_and_caption():
    html, _ = tables.tabel(CONTOH, miring=[False, True], catatan="Data per Oktober 2026.")._repr_html_()
    soup = BeautifulSoup(html, "html.parser")
    assert [tr.get("class") for tr in soup.tbody.find_all("tr")] == [None, ["rk-miring"]]
    assert soup.caption.get_text() == "Data per Oktober 2026." and soup.table.contents[1].name == "caption"


def test_long_tables_are_cut_and_say_so():
    html, meta = tables.frame_html(pd.DataFrame({"x": range(tables.MAX_ROWS + 20)}))
    assert len(rows(html)["tbody"]) == tables.MAX_ROWS
    assert meta["rakor"]["peringatan"] == [f"tabel 520 baris dipotong menjadi {tables.MAX_ROWS} baris"]


def test_names_are_escaped():
    html, _ = tables.frame_html(pd.DataFrame({EVIL: [EVIL]}))
    assert EVIL not in html and "&lt;script&gt;" in html


@pytest.fixture
def styler_options():
    tables.use_pandas_options()
    yield
    pd.reset_option("styler.format")


def test_a_styler_keeps_cell_styles_inline_and_reads_indonesian(styler_options):
    styler = CONTOH.style.highlight_max(subset=["angkatan_kerja"], color="#d0d0d0").format("{:.1%}", subset=["cakupan"])
    html, meta = tables.styler_html(styler)
    soup = BeautifulSoup(html, "html.parser")
    assert "<style" not in html and soup.table["class"] == ["rk-table"]
    assert rows(html)["tbody"] == [["Alfa", "1.234.567", "31,1%"], ["Beta", "2.345", "20,5%"]]
    (styled,) = [td for td in soup.find_all("td") if td.get("style")]
    assert styled.get_text(strip=True) == "1.234.567" and "background-color: #d0d0d0" in styled["style"]
    assert rows(html)["thead"][0] == ["Nagari", "Angkatan kerja", "Cakupan"]
    assert meta == {}
    assert html == tables.styler_html(styler)[0]  # a fixed table id: the same bytes every time


def test_a_styler_number_is_rewritten_only_when_it_is_the_cells_value(styler_options):
    frame = pd.DataFrame({"a": [1234.5], "b": [1.234], "c": [0.3112]})
    html, _ = tables.styler_html(frame.style.format("{:,.1f}", subset=["a"]).format("{:.3f}", subset=["b"])
                                 .format(lambda v: "1,000", subset=["c"]))
    assert rows(html)["tbody"] == [["1.234,5", "1,234", "1,000"]]  # c's text is not its value: left alone


def test_table_wide_styler_styles_are_reported(styler_options):
    styler = CONTOH.style.set_table_styles([{"selector": "th", "props": "color: red;"}])
    html, meta = tables.styler_html(styler)
    assert "color: red" not in html
    assert meta["rakor"]["peringatan"] == ["gaya tabel Styler tidak ditampilkan (hanya gaya per sel yang dipakai): tabel th"]


def test_styler_defaults_are_indonesian_and_escape_names(styler_options):
    html, _ = tables.styler_html(pd.DataFrame({"n": [EVIL], "x": [0.25]}).style)
    assert EVIL not in html and rows(html)["tbody"] == [[EVIL, "0,2"]]
