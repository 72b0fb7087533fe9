"""The data stage: load, snapshot round trip, kecamatan by name, and the data report."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from briefs import data, paths
from briefs.errors import InputError, display_path
from tests.helpers import meeting


def test_load_gives_typed_tables_sources_and_a_report(ds, folder):
    assert list(ds.wilayah.columns) == ["kode_kecamatan", "kecamatan", "kode_nagari", "nagari",
                                        "kode_bps_kecamatan", "kode_bps_nagari"]
    assert ds.kepesertaan["peserta_aktif"].dtype == "int64"
    assert all(pd.api.types.is_string_dtype(ds.kepesertaan[c]) for c in ("periode", "kode_nagari", "segmen"))
    assert ds.sources["wilayah"]["path"] == display_path(folder / "wilayah.csv")
    assert len(ds.sources["wilayah"]["sha256"]) == 64
    assert [(t.table, t.read, t.used, t.reported) for t in ds.report.tables] == [
        ("wilayah", 3, 3, 0), ("angkatan_kerja", 3, 3, 0), ("kepesertaan", 18, 18, 0), ("agen_perisai", 6, 6, 0)]
    assert ds.report.periods == ("2026-09", "2026-10")
    # Every nagari has a row per period and segment (zeros written out); the briefs' 12 months
    # reach back to 2025-11, which the two periods of the mini data do not: said once per table.
    gaps = [(w.file.rsplit("/", 1)[-1], w.row, w.column) for w in ds.report.warnings]
    assert gaps == [("kepesertaan.csv", None, "periode"), ("agen_perisai.csv", None, "periode")], ds.report.warnings
    assert all("10 periode dari 12 bulan yang ditampilkan brief (2025-11 s.d. 2026-10) tidak ada di data" in w.message
               and "tertulis tidak ada baris untuk 2025-11, 2025-12, 2026-01" in w.message for w in ds.report.warnings)


def test_dataset_without_report_still_constructs(ds):
    bare = data.Dataset(ds.wilayah, ds.angkatan_kerja, ds.kepesertaan, ds.agen_perisai)
    assert bare.report.tables == () and bare.sources == {}
    assert list(bare.tables()) == ["wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai"]


def test_snapshot_round_trips_exactly_and_writes_the_same_bytes(ds, tmp_path):
    files = data.write_snapshot(ds, tmp_path / "a")
    back = data.read_snapshot(tmp_path / "a")
    for name, frame in ds.tables().items():
        pd.testing.assert_frame_equal(back.tables()[name], frame, check_exact=True)
    data.write_snapshot(back, tmp_path / "b")
    for f in files:
        assert (tmp_path / "b" / f.name).read_bytes() == f.read_bytes()
        assert b"\r" not in f.read_bytes()


def test_snapshot_sorts_rows_by_key(ds, tmp_path):
    shuffled = data.Dataset(ds.wilayah, ds.angkatan_kerja, ds.kepesertaan.iloc[::-1], ds.agen_perisai.iloc[::-1])
    data.write_snapshot(shuffled, tmp_path / "s")
    data.write_snapshot(ds, tmp_path / "o")
    assert (tmp_path / "s" / "kepesertaan.csv").read_bytes() == (tmp_path / "o" / "kepesertaan.csv").read_bytes()


def test_snapshot_keeps_sector_columns_and_codes_with_leading_zeros(folder, tmp_path):
    (folder / "angkatan_kerja.csv").write_text(
        "kode_nagari,angkatan_kerja,Pertanian\n13.10.01.2002,3724,2000\n13.10.01.2003,1354,700\n"
        "13.10.02.2001,5210,3000\n", encoding="utf-8")
    ds = data.load(meeting(folder))
    assert list(ds.angkatan_kerja.columns) == ["kode_nagari", "angkatan_kerja", "pertanian"]
    data.write_snapshot(ds, tmp_path)
    back = data.read_snapshot(tmp_path)
    pd.testing.assert_frame_equal(back.angkatan_kerja, ds.angkatan_kerja, check_exact=True)


def test_resolve_kecamatan_by_name_or_code_in_the_order_given(ds):
    assert data.resolve_kecamatan(ds, ["pulau  PUNJUNG", "13.10.01", "Koto Baru"], "--only") == ["13.10.02", "13.10.01"]


def test_resolve_kecamatan_reports_every_unknown_name(ds):
    with pytest.raises(InputError) as caught:
        data.resolve_kecamatan(ds, ["Sitiung", "Koto Baru", "Timpeh"], "params/x.yml", column="kecamatan")
    assert [(p.file, p.column) for p in caught.value.problems] == [("params/x.yml", "kecamatan")] * 2
    assert "Koto Baru, Pulau Punjung" in caught.value.problems[1].message


def test_names_in_meeting_are_matched_like_only(folder):
    assert data.load(meeting(folder, kecamatan=["KOTO BARU ", "PulauPunjung"])).report.errors == ()


def test_a_month_missing_inside_the_series_is_one_warning_per_table(tmp_path):
    """The sample's 12 months, one of them gone from agen_perisai: the 12-month acquisitions would sum 11."""
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA / "sample", folder)
    assert not data.load(meeting(folder, previous_period="2026-07")).report.warnings  # complete: nothing to say
    agen = folder / "agen_perisai.csv"
    agen.write_text("".join(line for line in agen.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("2026-05,")), encoding="utf-8")
    [w] = data.load(meeting(folder, previous_period="2026-07")).report.warnings
    assert (w.file.rsplit("/", 1)[-1], w.row, w.column) == ("agen_perisai.csv", None, "periode")
    assert w.message == ("1 periode dari 12 bulan yang ditampilkan brief (2025-11 s.d. 2026-10) tidak ada di data, "
                         "peserta diakuisisi agen 12 bulan dijumlahkan tanpanya; tertulis tidak ada baris untuk "
                         "2026-05; seharusnya baris untuk setiap periode 2025-11 s.d. 2026-10")


def test_months_after_the_meetings_period_are_one_warning_per_table(tmp_path):
    """A params file copied from the last meeting, its period left at 2026-09 while the export
    holds October: every page would show September. Said, the release still built."""
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA / "sample", folder)
    found = data.load(meeting(folder, period="2026-09", previous_period="2026-07")).report.warnings
    warnings = [w for w in found if "sesudah periode rapat" in w.message]  # besides 2025-10, now in the 12 months
    assert [(w.file.rsplit("/", 1)[-1], w.row, w.column) for w in warnings] == [
        ("kepesertaan.csv", None, "periode"), ("agen_perisai.csv", None, "periode")]
    assert warnings[0].message == ("data memuat 1 periode sesudah periode rapat 2026-09, yang ditampilkan setiap "
                                   "halaman; tertulis baris untuk 2026-10; seharusnya period 2026-10 di berkas "
                                   "parameter, atau baris bulan yang belum final tidak ikut diekspor")
