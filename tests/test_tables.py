"""briefs.tables: DataFrames and Stylers as house-style tables with Indonesian numbers."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from briefs import fmt
from briefs.notebook import styler, tables

EVIL = "<script>alert(1)</script>"
CONTOH = pd.DataFrame({"nagari": ["Alfa", "Beta"], "angkatan_kerja": [1234567, 2345], "cakupan": [0.3112, 0.2049]})


def rows(html: str) -> dict[str, list[list[str]]]:
    """Cell texts per section (thead, tbody, tfoot), as a reader sees the table; a long table's
    several row groups (`tables.row_groups`) read as one tbody, in order."""
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, list[list[str]]] = {}
    for part in soup.find_all(["thead", "tbody", "tfoot"]):
        found.setdefault(part.name, []).extend(
            [c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in part.find_all("tr"))
    return found


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


def test_a_decimal_its_places_write_as_zero_is_shown_but_warned():
    """A ratio of 0,012 in a table of one decimal reads 0,0: a zero to the reader."""
    frame = CONTOH.assign(rasio_agen=[0.012, -0.004], rata_rata=[1.25, 0.05])
    html, meta = tables.frame_html(frame)
    assert [r[3:] for r in rows(html)["tbody"]] == [["0,0", "1,3"], ["0,0", "0,1"]]  # never −0
    (warning,) = meta["rakor"]["peringatan"]
    assert "'Rasio agen' memuat 0,0040 yang tertulis 0,0 dengan 1 desimal (2 nilai)" in warning
    assert "desimal=4" in warning and "persen=['rasio_agen']" in warning
    _, meta = tables.tabel(frame, desimal=4)._repr_html_()
    assert meta == {}


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


def test_a_coverage_given_for_the_total_must_be_the_rows_own():
    """The brief passes its kecamatan's coverage under the table's sums; a filtered table would not add up."""
    frame = pd.DataFrame({"nagari": ["A", "B", "C"], "angkatan_kerja": [100, 200, 300], "peserta_aktif": [30, 40, 60],
                          "cakupan": [0.3, 0.2, 0.2]}).set_index("nagari")
    whole = 130 / 600
    assert tables.render(tables.tabel(frame, jumlah={"cakupan": whole}))[1] == []
    [warning] = tables.render(tables.tabel(frame.iloc[:2], jumlah={"cakupan": whole}))[1]
    assert warning == ("baris Jumlah menulis cakupan 21,7%, tetapi baris-baris tabel ini menjumlah 70 peserta aktif "
                       "dari 300 angkatan kerja: 23,3%; periksa apakah tabel disaring")
    assert tables.render(tables.tabel(frame.iloc[:2], jumlah={"cakupan": "lihat catatan"}))[1] == []  # a text is the analyst's


def test_what_pandas_names_in_english_reads_in_bahasa():
    """describe() and value_counts() name rows and columns themselves: count, mean, 25%, proportion."""
    html, meta = tables.frame_html(CONTOH.describe())
    table = rows(html)
    assert table["thead"] == [["", "Angkatan kerja", "Cakupan"]]
    assert [r[0] for r in table["tbody"]] == ["Banyak", "Rata-rata", "Simpangan baku", "Minimum", "Kuartil bawah (25%)",
                                              "Median (50%)", "Kuartil atas (75%)", "Maksimum"]
    assert table["tbody"][0] == ["Banyak", "2", "2"]  # a count, not 200,0% in the share's column
    assert table["tbody"][1] == ["Rata-rata", "618.456,0", "25,8%"]
    assert meta == {}  # and no warning about a share above 1
    # transposed, the quantiles are columns of values, not shares
    spread = fmt.angka(CONTOH["angkatan_kerja"].std(), 1)
    assert rows(tables.frame_html(CONTOH.describe().T)[0])["tbody"][0][:5] == [
        "angkatan_kerja", "2", "618.456,0", spread, "2.345,0"]
    counted = rows(tables.frame_html(CONTOH["nagari"].value_counts(normalize=True))[0])
    assert counted == {"thead": [["Nagari", "Proporsi"]], "tbody": [["Alfa", "50,0%"], ["Beta", "50,0%"]]}
    # an analyst's own index that merely holds one of those words is left as written
    assert rows(tables.frame_html(pd.DataFrame({"n": [1]}, index=pd.Index(["max"], name="x")))[0])["tbody"] == [
        ["max", "1"]]


def test_frames_pandas_builds_every_day_are_shown_not_crashed():
    """Two columns of one name (pd.concat), a list in a cell, a complex number: each crashed the
    table formatter, which failed the brief. Now each is a table, its odd values written as text."""
    import numpy as np

    twice = pd.concat([CONTOH[["nagari", "cakupan"]], CONTOH[["cakupan"]]], axis=1)
    assert rows(tables.frame_html(twice)[0])["tbody"][0] == ["Alfa", "31,1%", "31,1%"]
    listed = pd.DataFrame({"nagari": ["Alfa", "Beta"], "jorong": [["Koto", "Padang"], []], "nilai": [np.nan, 1.5]})
    assert rows(tables.frame_html(listed)[0])["tbody"] == [["Alfa", "['Koto', 'Padang']", "–"], ["Beta", "[]", "1,5"]]
    assert rows(tables.frame_html(pd.DataFrame({"z": [1 + 2j]}))[0])["tbody"] == [["(1+2j)"]]


@pytest.mark.parametrize("options, said", [
    ({"persen": ["cakupn"]}, "kolom 'cakupn' di persen= tidak ada di tabel"),
    ({"rupiah": ["biaya"]}, "kolom 'biaya' di rupiah= tidak ada di tabel"),
    ({"jumlah": {"cakupan_kab": 0.3}}, "kolom 'cakupan_kab' di jumlah= tidak ada di tabel"),
    ({"miring": [True]}, "miring berisi 1 nilai untuk 2 baris"),
])
def test_nb_tabel_refuses_a_column_it_does_not_have(options, said):
    """A misspelt column in persen=[…] showed a share as 0,3 (and switched the name guess off for
    the others): the analyst's cell now stops there, naming the columns there are."""
    with pytest.raises(ValueError, match=said):
        tables.tabel(CONTOH, **options)
    # the index's name is a column of the shown table: the Jumlah row's label goes there
    shown = rows(tables.tabel(CONTOH.set_index("nagari"), jumlah={"nagari": "Kabupaten"})._repr_html_()[0])
    assert shown["tfoot"][0][0] == "Kabupaten"


def test_a_duration_column_is_written_in_words_in_a_table_and_a_styler():
    frame = pd.DataFrame({"nagari": ["Alfa", "Beta"], "lama": pd.to_timedelta(["3 days 4 hours", "90 min"])})
    assert [r[1] for r in rows(tables.frame_html(frame)[0])["tbody"]] == ["3 hari 4 jam", "1 jam 30 menit"]
    assert [r[1] for r in rows(styler.styler_html(frame.style)[0])["tbody"]] == ["3 hari 4 jam", "1 jam 30 menit"]
    own = frame.style.format({"lama": lambda d: f"{d.days} hari"})  # the analyst's own format is left alone
    assert [r[1] for r in rows(styler.styler_html(own)[0])["tbody"]] == ["3 hari", "0 hari"]
