"""Indonesian formats: what officials expect to read."""

import datetime as dt
import math

import pandas as pd
import pytest

from briefs import fmt


@pytest.mark.parametrize(
    "value, digits, expected",
    [(137520, 0, "137.520"), (0, 0, "0"), (1234567.891, 2, "1.234.567,89"), (21.04, 1, "21,0")],
)
def test_angka_uses_dot_for_thousands_and_comma_for_decimals(value, digits, expected):
    assert fmt.angka(value, digits) == expected


def test_percent_in_tables_and_in_prose():
    assert fmt.persen(28879 / 137520) == "21,0%"
    assert fmt.persen_kata(108641 / 137520, 0) == "79 persen"


def test_signed_changes_use_a_real_minus_sign():
    assert fmt.angka_bertanda(212) == "+212"
    assert fmt.angka_bertanda(-1500) == "−1.500"
    assert fmt.angka_bertanda(0) == "0"
    assert fmt.poin(0.012) == "+1,2 poin"


def test_rupiah_has_no_space_and_no_decimals():
    assert fmt.rupiah(16800) == "Rp16.800"
    assert fmt.rupiah(201600) == "Rp201.600"
    assert fmt.rupiah_ringkas(3_200_000_000) == "Rp3,2 miliar"
    assert fmt.rupiah_ringkas(450_000_000) == "Rp450 juta"


def test_dates_carry_indonesian_day_and_month_names():
    assert fmt.tanggal("2026-11-24") == "Selasa, 24 November 2026"
    assert fmt.tanggal(dt.date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert fmt.tanggal_pendek("2026-01-02") == "2 Januari 2026"
    assert fmt.periode("2026-10") == "Oktober 2026"
    assert fmt.periode_singkat("2026-08") == "Agu"
    assert fmt.periode_singkat("2026-01") == "Jan 26"


@pytest.mark.parametrize("func", [fmt.angka, fmt.persen, fmt.persen_kata, fmt.rupiah, fmt.angka_bertanda])
def test_missing_values_show_a_dash_not_nan(func):
    assert func(None) == "–"
    assert func(math.nan) == "–"


@pytest.mark.parametrize("value, digits, expected", [
    (2.5, 0, "3"), (-2.5, 0, "-3"), (0.5, 0, "1"), (2.675, 2, "2,68"), (1_234_567.5, 0, "1.234.568"),
    (-0.04, 0, "0"), (-0.04, 1, "0,0"), (-0.0, 0, "0"),  # never "-0"
])
def test_halves_round_away_from_zero_as_officials_and_excel_round(value, digits, expected):
    assert fmt.angka(value, digits) == expected


def test_a_share_rounds_from_the_decimal_a_reader_sees():
    assert fmt.persen(129 / 400) == "32,3%"  # 32,25 %: Babel's halves-to-even wrote 32,2 %
    assert fmt.persen(0.2175) == "21,8%"  # the float holds 0,21749999…; a calculator shows 0,2175
    assert fmt.persen_kata(0.0005) == "0,1 persen"
    assert fmt.poin(0.0005) == "+0,1 poin" and fmt.angka_bertanda(-0.04, 1) == "0,0"  # the sign follows the digits


def test_a_share_rounded_for_a_slice_reads_as_the_share_itself():
    """The regency average a brief gets (slices.context: 3 decimals) shows as the summary shows the average."""
    for k in range(20_001):  # every tie of the fourth decimal, and everything between
        share = k / 20_000
        assert fmt.persen(float(fmt.dibulatkan(share, 3))) == fmt.persen(share), share


def test_any_kind_of_missing_is_a_dash_and_an_infinity_is_written_as_such():
    import decimal

    import numpy as np
    import pandas as pd

    for missing in (np.float32("nan"), pd.NA, decimal.Decimal("NaN")):
        assert fmt.angka(missing) == "–" and fmt.persen(missing) == "–"
    assert fmt.angka(float("inf")) == "∞" and fmt.angka(1e30, 2) == "1.000.000.000.000.000.000.000.000.000.000,00"


@pytest.mark.parametrize("text, found", [
    ("cakupan 0.2716216", "0.2716216"), ("naik 12.5%.", "12.5"), ("naik 3.25, turun", "3.25"),
    ("AK 137,520 orang", "137,520"), ("cakupan 0.272", "0.272"), ("1,234.5", "1,234.5"), ("Pukul 09.30 dan 1,234,567.", "1,234,567"),
    ("Rp16.800; 1.234.567; 31,1%; 0,125; Rp1,5 miliar", None),  # our own formats
    ("kode 13.10.04.; tahun 2025,2026; pukul 09.30; jam 10.15; 14.00 WIB", None),  # codes, years, clock times
    ("angkatan kerja 15659 orang", "15659"), ("jumlah 137520.", "137520"), ("selisih -28879", "-28879"),
    ("masih 6338 orang", "6338"), ("1245 peserta baru", "1245"),
    ("rata-rata 12345,6 per nagari", "12345,6"), ("naik 1234,56.", "1234,56"), ("Rp15659,50", "15659,50"), ("Rp137520 per bulan", "137520"),
    ("tahun 2025,2026; 12.345,6; 1.234,56; 999,5; kode 1310040,1", None),
    ("naik 1245 dibanding 2025", "1245"), ("Peserta bertambah 2210.", "2210"), ("selisih -1245", "-1245"),
    ("kode BPS 1310040, desa 1310040001; tahun 2026 ada 245 orang; build c4b57c81, 12345a; sejak 2025; "
     "Total 2026: 1.234; naik 3,2%", None),
])
def test_a_number_written_as_python_writes_it_is_found_and_ours_are_not(text, found):
    assert fmt.angka_mentah(text) == found


def test_every_raw_number_is_found_once_and_the_others_are_listed_after_the_first():
    texts = ["naik 1245 dari 0.27", "lalu 0.27, 12.5 dan 1.245,5"]
    assert fmt.semua_angka_mentah(texts) == ["1245", "0.27", "12.5"]
    assert fmt.semua_angka_mentah(["1.245; 31,1%"]) == []
    assert fmt.salah_baca("1245", ["0.27"]).endswith("(1.245); juga 1 angka lain yang tertulis begitu: (0.27)")
    many = fmt.salah_baca("1245", [f"0.{i}5" for i in range(1, 8)])
    assert many.endswith("juga 7 angka lain yang tertulis begitu: (0.15), (0.25), (0.35), (0.45), (0.55) dan 2 lagi")


def test_a_number_without_thousands_is_said_with_them():
    """f"{x}" writes 15659, the house 15.659; with a decimal comma, 12345,6 and 12.345,6."""
    assert fmt.salah_baca("15659") == "(15659) tanpa titik ribuan; tulis dengan nb.angka (15.659)"
    assert fmt.salah_baca("-137520").endswith("nb.angka (−137.520)")
    assert fmt.salah_baca("6338").endswith("nb.angka (6.338)")
    assert fmt.salah_baca("12345,6") == "(12345,6) tanpa titik ribuan; tulis dengan nb.angka (12.345,6)"
    assert fmt.salah_baca("-1234,56").endswith("nb.angka (−1.234,56)")


def test_a_comma_before_three_digits_is_said_to_read_two_ways():
    """137,520 is f"{x:,}"'s thousands and a reader here takes it for 137 and a fraction."""
    said = fmt.salah_baca("137,520")
    assert "137 koma 520" in said and "nb.angka (137.520)" in said
    assert "koma" not in fmt.salah_baca("1,234,567") and "begitu" in fmt.salah_baca("12.5")


def test_english_month_and_day_names_become_the_readers():
    assert fmt.tanggal_dari_inggris("Oct 2026; May; June; Aug\n2025; Mon, Tuesday") == (
        "Okt 2026; Mei; Juni; Agu\n2025; Sen, Selasa")
    assert fmt.tanggal_dari_inggris("Mayor Octavia, 2026-10") == "Mayor Octavia, 2026-10"  # whole words only


@pytest.mark.parametrize("text, found", [
    ("01 October 2026", "October"), ("rapat Monday", "Monday"), ("data Aug 2026", "Aug"), ("bulan May", "May"),
    ("Selasa, 24 November 2026; April; September; Okt; Mei", None), ("Mayor, Octavia, Sen", None),
])
def test_an_english_month_or_day_name_is_found(text, found):
    assert fmt.nama_inggris(text) == found


@pytest.mark.parametrize("value, said", [
    (dt.timedelta(days=3, hours=4), "3 hari 4 jam"), (dt.timedelta(hours=1, minutes=30), "1 jam 30 menit"),
    (dt.timedelta(seconds=45), "45 detik"), (dt.timedelta(seconds=1.5), "1,5 detik"), (dt.timedelta(0), "0 detik"),
    (-dt.timedelta(days=2), "−2 hari"), (dt.timedelta(days=1234, seconds=5), "1.234 hari 5 detik"),
    (pd.Timedelta("3 days 04:00:05.25"), "3 hari 4 jam 5,25 detik"), (pd.NaT, "–"), (None, "–"),
])
def test_a_duration_is_said_in_words_with_every_unit_it_has(value, said):
    assert fmt.durasi(value) == said


@pytest.mark.parametrize("text, found", [
    (f"lama {dt.timedelta(days=3, hours=4)}", "3 days, 4:00:00"), (str(pd.Timedelta("3 days 4 hours")), "3 days 04:00:00"),
    (str(dt.timedelta(days=1)), "1 day, 0:00:00"), (str(-dt.timedelta(hours=1)), "-1 day, 23:00:00"),
    ("selama 3 hari 4 jam; pukul 09.30", None), ("3 days of rain", None),
])
def test_a_duration_as_python_writes_it_is_found(text, found):
    assert fmt.durasi_inggris(text) == found


@pytest.mark.parametrize("text, found", [
    ("Cakupan naik menjadi 27,2% bulan ini", "27,2%"), ("masih 18.682 orang", "18.682 orang"),
    ("iuran Rp16.800 sebulan", "Rp16.800"), ("Rp1,5 miliar", "Rp1,5 miliar"), ("1,2 juta pekerja", "1,2 juta"),
    ("245 peserta baru", "245 peserta"), ("naik 3,5 poin", "3,5"), ("angkatan kerja 1.234.567", "1.234.567"),
    ("12 bulan terakhir; kode 13.10.04; pukul 09.30; 01.12.2026; Perpres 36/2025; 2025,2026; 1,2,3", None),
])
def test_a_figure_that_reads_as_one_from_the_data_is_found_and_words_are_not(text, found):
    assert fmt.angka_terketik(text) == found


def test_a_count_under_ten_can_be_passed_over_and_the_figure_after_it_is_still_found():
    """In a code cell's string "1 nagari" sits in a branch that counted first; "27,2%" beside it does not."""
    assert fmt.angka_terketik("terdiri dari 1 nagari", hitungan_kecil=False) is None
    assert fmt.angka_terketik("1 nagari, cakupan 27,2%", hitungan_kecil=False) == "27,2%"
    assert fmt.angka_terketik("12 nagari", hitungan_kecil=False) == "12 nagari"
    assert fmt.angka_terketik("1 juta pekerja", hitungan_kecil=False) == "1 juta"  # a scale is a figure
    assert fmt.angka_terketik("terdiri dari 1 nagari") == "1 nagari"  # in Markdown it is typed all the same
