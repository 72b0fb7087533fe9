"""briefs.figures: the key-figure tables, on three-nagari datasets made by hand and on the sample."""

from __future__ import annotations

import pandas as pd
import pytest

from briefs import data, fmt, params, paths
from briefs.data import figures


@pytest.fixture(scope="module")
def meeting():
    return params.load(paths.DEFAULT_PARAMS).model_copy(
        update={"period": "2026-10", "previous_period": "2026-07"})


def tiny(previous_bpu: int = 5) -> data.Dataset:
    """Two kecamatan, three nagari; 'A.2' has no participants rows and no agent."""
    wilayah = pd.DataFrame({
        "kode_kecamatan": ["13.99.01", "13.99.01", "13.99.02"],
        "kecamatan": ["Alpha", "Alpha", "Beta"],
        "kode_nagari": ["13.99.01.2001", "13.99.01.2002", "13.99.02.2001"],
        "nagari": ["A.1", "A.2", "B.1"],
        "kode_bps_kecamatan": ["1", "1", "2"],
        "kode_bps_nagari": ["11", "12", "21"],
    })
    angkatan_kerja = pd.DataFrame({"kode_nagari": wilayah["kode_nagari"], "angkatan_kerja": [100, 50, 200]})
    kepesertaan = pd.DataFrame([
        ("2026-10", "13.99.01.2001", "PU", 10), ("2026-10", "13.99.01.2001", "BPU", 12),
        ("2026-10", "13.99.01.2001", "JAKON", 3), ("2026-10", "13.99.02.2001", "PU", 40),
        ("2026-10", "13.99.02.2001", "BPU", 10),
        ("2026-07", "13.99.01.2001", "BPU", previous_bpu), ("2026-07", "13.99.02.2001", "PU", 45),
        ("2025-10", "13.99.02.2001", "PU", 999),  # 13 periods back: outside every window
    ], columns=["periode", "kode_nagari", "segmen", "peserta_aktif"])
    agen_perisai = pd.DataFrame([
        ("2026-10", "13.99.01.2001", 2, 4), ("2026-03", "13.99.01.2001", 1, 6),
        ("2025-10", "13.99.01.2001", 1, 100),  # acquired 13 periods back: not counted
        ("2026-10", "13.99.02.2001", 1, 1), ("2026-10", "13.99.01.2002", 0, 0),
    ], columns=["periode", "kode_nagari", "agen_aktif", "peserta_diakuisisi"])
    return data.Dataset(wilayah=wilayah, angkatan_kerja=angkatan_kerja, kepesertaan=kepesertaan,
                        agen_perisai=agen_perisai)


@pytest.fixture(scope="module")
def sample(meeting):
    return data.load(params.load(paths.DEFAULT_PARAMS))


def test_periods_are_the_twelve_ending_at_the_data_period(meeting):
    span = figures.periods(meeting)
    assert len(span) == 12 and span[-1] == "2026-10" and span[0] == "2025-11"
    assert span == sorted(span)


def test_nagari_table_counts_segments_coverage_and_agents(meeting):
    table = figures.nagari_table(tiny(), meeting).set_index("nagari")
    a1 = table.loc["A.1"]
    assert (a1["PU"], a1["BPU"], a1["JAKON"], a1["peserta_aktif"]) == (10, 12, 3, 25)
    assert a1["cakupan"] == pytest.approx(0.25)
    assert a1["belum_terlindungi"] == 75
    assert a1["agen_aktif"] == 2
    assert a1["peserta_diakuisisi"] == 10  # 4 + 6 within the 12 periods, not the 100 before
    assert table.loc["B.1", "PU"] == 40  # the 999 of 2025-10 is another period


def test_nagari_without_rows_counts_zero_not_missing(meeting):
    a2 = figures.nagari_table(tiny(), meeting).set_index("nagari").loc["A.2"]
    assert (a2["peserta_aktif"], a2["agen_aktif"], a2["belum_terlindungi"]) == (0, 0, 50)
    assert a2["cakupan"] == 0


def test_codes_stay_strings_and_counts_integers(meeting):
    table = figures.nagari_table(tiny(), meeting)
    assert table["kode_nagari"].map(type).eq(str).all()
    assert table["peserta_aktif"].dtype == "int64"


def test_kecamatan_table_totals_rank_change_and_gap(meeting):
    table = figures.kecamatan_table(tiny(), meeting).set_index("kecamatan")
    alpha, beta = table.loc["Alpha"], table.loc["Beta"]
    assert (alpha["jumlah_nagari"], alpha["angkatan_kerja"], alpha["peserta_aktif"]) == (2, 150, 25)
    assert alpha["nagari_tanpa_agen"] == 1 and beta["nagari_tanpa_agen"] == 0
    # Alpha 25/150 = 16,7 %, Beta 50/200 = 25 %: Beta ranks first.
    assert (beta["peringkat"], alpha["peringkat"]) == (1, 2)
    assert (alpha["peserta_aktif_pembanding"], alpha["perubahan"]) == (5, 20)
    assert (beta["peserta_aktif_pembanding"], beta["perubahan"]) == (45, 5)
    # 32,15 % of 150 = 48,225 -> 49 needed, 25 active; of 200 = 64,3 -> 65, 50 active.
    assert (alpha["kurang_dari_target"], beta["kurang_dari_target"]) == (24, 15)


def test_equal_coverage_is_an_equal_rank_and_the_next_rank_skips(meeting):
    ds = tiny()
    # Beta's labour force 300: 50/300 equals Alpha's 25/150, exactly.
    ak = ds.angkatan_kerja.assign(angkatan_kerja=[100, 50, 300])
    table = figures.kecamatan_table(data.Dataset(ds.wilayah, ak, ds.kepesertaan, ds.agen_perisai), meeting)
    assert table["cakupan"].iloc[0] == table["cakupan"].iloc[1]
    assert table.set_index("kode_kecamatan")["peringkat"].to_dict() == {"13.99.01": 1, "13.99.02": 1}
    ranks = figures._peringkat(pd.Series([0.2, 0.3, 0.2, float("nan"), 0.1, 0.2724, 0.2721]))
    assert ranks.tolist() == [4, 1, 4, 7, 6, 2, 3]  # close is not equal: 27,24% and 27,21% rank apart


def test_gap_to_target_is_exact_and_never_negative():
    assert figures.kurang_dari_target(100, 0, 25.0) == 25  # not 26 from 25.000000000000004
    assert figures.kurang_dari_target(100, 30, 25.0) == 0
    assert figures.kurang_dari_target(137_520, 28_879, 32.15) == 44_213 - 28_879  # 44.212,68 rounds up


def test_kabupaten_adds_up_the_kecamatan(meeting):
    ds = tiny()
    kab = figures.kabupaten(ds, meeting)
    assert (kab["angkatan_kerja"], kab["peserta_aktif"], kab["belum_terlindungi"]) == (350, 75, 275)
    assert kab["cakupan"] == pytest.approx(75 / 350)
    assert (kab["jumlah_kecamatan"], kab["jumlah_nagari"], kab["nagari_tanpa_agen"]) == (2, 3, 1)
    assert kab["perubahan"] == 75 - 50
    assert kab["kurang_dari_target"] == figures.kurang_dari_target(350, 75, meeting.target.coverage)


def test_sample_regency_totals_match_the_published_figures(sample, meeting):
    kab = figures.kabupaten(sample, meeting)
    assert kab["angkatan_kerja"] == 137_520
    assert kab["peserta_aktif"] == 28_879
    assert kab["belum_terlindungi"] == 108_641
    assert fmt.persen_kata(kab["cakupan"]) == "21,0 persen"
    assert fmt.persen_kata(1 - kab["cakupan"], 0) == "79 persen"


def test_sample_tables_agree_with_each_other(sample, meeting):
    nagari = figures.nagari_table(sample, meeting)
    kec = figures.kecamatan_table(sample, meeting)
    assert len(nagari) == len(sample.wilayah)
    by_kec = nagari.groupby("kode_kecamatan")[["angkatan_kerja", "peserta_aktif", "agen_aktif"]].sum()
    pd.testing.assert_frame_equal(by_kec, kec.set_index("kode_kecamatan")[by_kec.columns])
    assert sorted(kec["peringkat"]) == list(range(1, len(kec) + 1))
    assert kec.sort_values("peringkat")["cakupan"].is_monotonic_decreasing


def test_tables_handed_down_give_the_same_figures_as_computed_afresh(sample, meeting):
    """A brief computes `nagari_table` once and hands it to `kecamatan_table` (and that to
    `kabupaten`): the figures must be exactly those each computes on its own, and the
    handed-down table must come back unchanged (the notebook shows it as `nagari`)."""
    nagari = figures.nagari_table(sample, meeting)
    before = nagari.copy()
    kec = figures.kecamatan_table(sample, meeting, nagari)
    pd.testing.assert_frame_equal(kec, figures.kecamatan_table(sample, meeting))
    assert figures.kabupaten(sample, meeting, kec) == figures.kabupaten(sample, meeting)
    pd.testing.assert_frame_equal(nagari, before)
