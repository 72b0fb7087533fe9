"""The key-figure tables of a meeting: per nagari, per kecamatan and for the regency.

Pure functions over a validated `Dataset` and a `Meeting`, computed once and shared by
the notebooks, the charts and the tests, so a figure reads the same everywhere.
Coverage (`cakupan`) is always a fraction of **angkatan kerja** (labour force): other
regencies use other denominators, which is why every brief names it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

from briefs import periods as period_rule
from briefs.data import Dataset
from briefs.data.schema import SEGMENTS
from briefs.params import Meeting

SEGMEN = SEGMENTS  # the order of the stacked charts and the tables
BULAN_SERI = period_rule.SERIES  # periods in the trend chart and in "peserta diakuisisi"

# The minimum BPU package a regency pays for one pekerja rentan (domain.md):
# JKK Rp10.000 + JKM Rp6.800 per person per month.
IURAN_JKK = 10_000
IURAN_JKM = 6_800
IURAN_PEKERJA_RENTAN = IURAN_JKK + IURAN_JKM

_SUMS = ("angkatan_kerja", *SEGMEN, "peserta_aktif", "belum_terlindungi", "agen_aktif", "peserta_diakuisisi")


def periods(meeting: Meeting, count: int = BULAN_SERI) -> list[str]:
    """The `count` periods ("YYYY-MM") ending at the meeting's data period, oldest first."""
    return period_rule.ending(meeting.period, count)


def _peserta(ds: Dataset, periode: str) -> pd.DataFrame:
    """Active participants per nagari and segment in one period (0 where none reported)."""
    rows = ds.kepesertaan[ds.kepesertaan["periode"] == periode]
    wide = rows.pivot_table(index="kode_nagari", columns="segmen", values="peserta_aktif",
                            aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(SEGMEN), fill_value=0)
    wide["peserta_aktif"] = wide[list(SEGMEN)].sum(axis=1)
    return wide


def _agen(ds: Dataset, meeting: Meeting) -> pd.DataFrame:
    """Active agents in the data period and participants they acquired over 12 periods."""
    agen = ds.agen_perisai
    now = agen[agen["periode"] == meeting.period].groupby("kode_nagari")["agen_aktif"].sum()
    window = agen[agen["periode"].isin(periods(meeting))]
    acquired = window.groupby("kode_nagari")["peserta_diakuisisi"].sum()
    return pd.DataFrame({"agen_aktif": now, "peserta_diakuisisi": acquired})


def _cakupan(peserta: pd.Series, angkatan_kerja: pd.Series) -> pd.Series:
    """Coverage as a fraction; NaN where there is no labour force to divide by."""
    return peserta / angkatan_kerja.where(angkatan_kerja > 0)


def nagari_table(ds: Dataset, meeting: Meeting) -> pd.DataFrame:
    """One row per nagari for the meeting's data period, ordered by code.

    `peserta_diakuisisi` counts participants acquired by Perisai agents over the 12
    periods ending at `meeting.period`; every other count is the state in that period.
    """
    area = ds.wilayah[["kode_kecamatan", "kecamatan", "kode_nagari", "nagari"]]
    table = (
        area.merge(ds.angkatan_kerja[["kode_nagari", "angkatan_kerja"]], on="kode_nagari", how="left")
        .merge(_peserta(ds, meeting.period), left_on="kode_nagari", right_index=True, how="left")
        .merge(_agen(ds, meeting), left_on="kode_nagari", right_index=True, how="left")
    )
    counts = ["angkatan_kerja", *SEGMEN, "peserta_aktif", "agen_aktif", "peserta_diakuisisi"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["cakupan"] = _cakupan(table["peserta_aktif"], table["angkatan_kerja"])
    table["belum_terlindungi"] = (table["angkatan_kerja"] - table["peserta_aktif"]).clip(lower=0)
    columns = ["kode_kecamatan", "kecamatan", "kode_nagari", "nagari", "angkatan_kerja", *SEGMEN,
               "peserta_aktif", "cakupan", "belum_terlindungi", "agen_aktif", "peserta_diakuisisi"]
    return table[columns].sort_values("kode_nagari", ignore_index=True)


def kurang_dari_target(angkatan_kerja: int, peserta_aktif: int, target_persen: float) -> int:
    """Participants still needed to reach the target coverage; 0 once it is reached.

    Exact decimal arithmetic: 25 persen of 100 must need 25, not 26 by a float's whim.
    Without a labour force there is no coverage and no gap: refused, never "reached".
    """
    if int(angkatan_kerja) <= 0:
        raise ValueError(f"angkatan kerja {angkatan_kerja}: cakupan dan target tidak dapat dihitung")
    needed = math.ceil(Fraction(str(target_persen)) * int(angkatan_kerja) / 100)
    return max(needed - int(peserta_aktif), 0)


def _peringkat(cakupan: pd.Series) -> pd.Series:
    """Rank 1 = highest coverage. Equal coverage, equal rank, and the next rank skips (1, 1,
    3): ordered by code, the second of two tied kecamatan read a place lower than its figures
    earn, for the sake of its code. Missing coverage ranks last.

    Equal means exactly equal: peserta ÷ angkatan kerja is one correctly rounded division,
    so 50/300 and 25/150 are the same number, while 27,24% and 27,21% (both shown 27,2%)
    rank apart, as their figures do.
    """
    return cakupan.rank(method="min", ascending=False, na_option="bottom").astype("int64")


def kecamatan_table(ds: Dataset, meeting: Meeting, nagari: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per kecamatan, ordered by code, with its rank and its gap to the target.

    `nagari`: this `ds` and meeting's `nagari_table`, when the caller has it already (a
    brief needs both; computing it twice cost ~20 ms a brief in the kernel).
    """
    nagari = nagari_table(ds, meeting) if nagari is None else nagari
    groups = nagari.groupby(["kode_kecamatan", "kecamatan"], sort=True)
    table = groups[list(_SUMS)].sum().reset_index()
    table.insert(2, "jumlah_nagari", groups.size().to_numpy())
    without_agent = (nagari["agen_aktif"] == 0).groupby([nagari["kode_kecamatan"], nagari["kecamatan"]], sort=True)
    table["nagari_tanpa_agen"] = without_agent.sum().astype("int64").to_numpy()  # vectorised: no Python per kecamatan
    table["cakupan"] = _cakupan(table["peserta_aktif"], table["angkatan_kerja"])
    table["peringkat"] = _peringkat(table["cakupan"])

    before = _peserta(ds, meeting.previous_period)["peserta_aktif"]
    by_kecamatan = nagari.set_index("kode_nagari")["kode_kecamatan"]
    earlier = before.groupby(by_kecamatan.reindex(before.index)).sum()
    table["peserta_aktif_pembanding"] = table["kode_kecamatan"].map(earlier).fillna(0).astype("int64")
    table["perubahan"] = table["peserta_aktif"] - table["peserta_aktif_pembanding"]
    table["kurang_dari_target"] = [
        kurang_dari_target(ak, pa, meeting.target.coverage)
        for ak, pa in zip(table["angkatan_kerja"], table["peserta_aktif"])
    ]
    columns = ["kode_kecamatan", "kecamatan", "jumlah_nagari", "angkatan_kerja", *SEGMEN, "peserta_aktif",
               "cakupan", "belum_terlindungi", "peringkat", "peserta_aktif_pembanding", "perubahan",
               "kurang_dari_target", "agen_aktif", "nagari_tanpa_agen", "peserta_diakuisisi"]
    return table[columns]


def kabupaten(ds: Dataset, meeting: Meeting, kecamatan: pd.DataFrame | None = None) -> dict[str, int | float]:
    """The regency totals, with the same measures as a kecamatan row (no rank).

    `kecamatan`: this `ds` and meeting's `kecamatan_table`, when the caller has it already.
    """
    kec = kecamatan_table(ds, meeting) if kecamatan is None else kecamatan
    totals: dict[str, int | float] = {name: int(kec[name].sum()) for name in _SUMS}
    totals["jumlah_kecamatan"] = len(kec)
    totals["jumlah_nagari"] = int(kec["jumlah_nagari"].sum())
    totals["nagari_tanpa_agen"] = int(kec["nagari_tanpa_agen"].sum())
    ak, pa = totals["angkatan_kerja"], totals["peserta_aktif"]
    totals["cakupan"] = pa / ak if ak else float("nan")
    totals["peserta_aktif_pembanding"] = int(kec["peserta_aktif_pembanding"].sum())
    totals["perubahan"] = pa - totals["peserta_aktif_pembanding"]
    totals["kurang_dari_target"] = kurang_dari_target(ak, pa, meeting.target.coverage)
    return totals
