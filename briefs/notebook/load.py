"""Load what a notebook shows: one kecamatan's own rows and figures, or the whole regency.

The build passes each brief its own slice (`briefs.data.slices`); run on its own (in
JupyterLab), a notebook cuts the same slice from the whole data, so both show the same
figures. Loading applies the house style, so the cells below draw as printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from briefs import data, params, paths
from briefs.data import figures, slices
from briefs.errors import InputError, Problem, display_path
from briefs.notebook import house_style
from briefs.params import Meeting


@dataclass(frozen=True)
class Brief:
    """One kecamatan: its own rows of the four tables, its key figures, and what it shows of the regency.

    The rows are the kecamatan's nagari only (the build passes exactly that slice, so a
    brief's cache key stays honest); of the rest of the regency a brief knows three
    figures: its rank, the number of kecamatan and the regency's average coverage.
    """

    meeting: Meeting
    kode_kecamatan: str
    kecamatan: str
    wilayah: pd.DataFrame  # kode_kecamatan, kecamatan, kode_nagari, nagari
    angkatan_kerja: pd.DataFrame  # kode_nagari, angkatan_kerja
    kepesertaan: pd.DataFrame  # periode, kode_nagari, segmen, peserta_aktif (every period)
    agen_perisai: pd.DataFrame  # periode, kode_nagari, agen_aktif, peserta_diakuisisi
    nagari: pd.DataFrame  # figures.nagari_table: one row per nagari in the data period
    ringkasan: pd.Series  # figures.kecamatan_table row: the sums of `nagari`, rank, change, gap
    peringkat: int
    jumlah_kecamatan: int
    cakupan_kabupaten: float  # the regency average, to 0,1 point (as shown)
    build_id: str = ""

    @property
    def periode_seri(self) -> list[str]:
        """The 12 periods ending at the data period, oldest first ('2025-11' … '2026-10')."""
        return figures.periods(self.meeting)


@dataclass(frozen=True)
class Summary:
    """The whole regency: every row, and the key figures per kecamatan, per nagari and in total."""

    meeting: Meeting
    wilayah: pd.DataFrame
    angkatan_kerja: pd.DataFrame
    kepesertaan: pd.DataFrame
    agen_perisai: pd.DataFrame
    kecamatan: pd.DataFrame  # figures.kecamatan_table
    nagari: pd.DataFrame  # figures.nagari_table
    kabupaten: dict = field(default_factory=dict)  # figures.kabupaten
    build_id: str = ""

    @property
    def periode_seri(self) -> list[str]:
        return figures.periods(self.meeting)


# ---- loading ------------------------------------------------------------------------------

def _inputs(params_file: str | Path, snapshot: str | Path) -> tuple[Meeting, data.Dataset]:
    """The meeting and its data; relative paths are relative to the project root.

    Papermill runs notebooks with cwd = ROOT, JupyterLab with cwd = notebooks/: resolving
    against ROOT makes the same default parameters work in both.
    """
    params_path = paths.resolve(params_file)
    meeting = params.load(params_path)
    if not str(snapshot):
        return meeting, data.load(meeting, params_file=display_path(params_path))
    folder = paths.resolve(snapshot)
    if not folder.is_dir():
        raise InputError(Problem(display_path(folder), "folder snapshot data tidak ditemukan", column="snapshot"))
    return meeting, data.read_snapshot(folder)


def _kecamatan_names(ds: data.Dataset) -> dict[str, str]:
    areas = ds.wilayah.drop_duplicates("kode_kecamatan").sort_values("kode_kecamatan")
    return dict(zip(areas["kode_kecamatan"], areas["kecamatan"]))


def load_brief(kode_kecamatan: str, params_file: str | Path = paths.DEFAULT_PARAMS,
               snapshot: str | Path = "", build_id: str = "") -> Brief:
    """Load one kecamatan's brief; an unknown code is an InputError listing the known ones.

    The build passes the kecamatan's own slice (`briefs.data.slices`); run on its own, the
    notebook cuts the same slice from the whole data, so both show the same figures.
    Applies the house style, so the charts and tables of the cells below look as printed.
    """
    house_style.apply()
    params_path = paths.resolve(params_file)
    sliced = slices.read(paths.resolve(snapshot)) if str(snapshot) else None
    if sliced is not None:
        meeting, (own, ctx) = params.load(params_path), sliced
        known = _kecamatan_names(own)
    else:
        meeting, ds = _inputs(params_file, snapshot)
        known = _kecamatan_names(ds)
        own, ctx = slices.own_rows(ds, kode_kecamatan), slices.context(ds, meeting).get(kode_kecamatan)
    if kode_kecamatan not in known:
        listed = ", ".join(f"{code} ({name})" for code, name in known.items())
        raise InputError(Problem(display_path(params_path), f"kode kecamatan {kode_kecamatan!r} tidak ada "
                                 f"di data wilayah; yang ada: {listed}", column="kode_kecamatan"))
    nagari = figures.nagari_table(own, meeting)
    ringkasan = figures.kecamatan_table(own, meeting, nagari).set_index("kode_kecamatan").loc[kode_kecamatan].copy()
    ringkasan["peringkat"] = ctx["peringkat"]
    return Brief(
        meeting=meeting, kode_kecamatan=kode_kecamatan, kecamatan=_kecamatan_names(own)[kode_kecamatan],
        wilayah=own.wilayah, angkatan_kerja=own.angkatan_kerja, kepesertaan=own.kepesertaan,
        agen_perisai=own.agen_perisai, nagari=nagari, ringkasan=ringkasan,
        peringkat=int(ctx["peringkat"]), jumlah_kecamatan=int(ctx["jumlah_kecamatan"]),
        cakupan_kabupaten=float(ctx["cakupan_kabupaten"]), build_id=build_id,
    )


def load_summary(params_file: str | Path = paths.DEFAULT_PARAMS, snapshot: str | Path = "",
                 build_id: str = "") -> Summary:
    """Load the regency summary: every kecamatan and nagari of the meeting's data."""
    house_style.apply()
    meeting, ds = _inputs(params_file, snapshot)
    nagari = figures.nagari_table(ds, meeting)
    kecamatan = figures.kecamatan_table(ds, meeting, nagari)
    return Summary(meeting=meeting, wilayah=ds.wilayah, angkatan_kerja=ds.angkatan_kerja,
                   kepesertaan=ds.kepesertaan, agen_perisai=ds.agen_perisai, kecamatan=kecamatan, nagari=nagari,
                   kabupaten=figures.kabupaten(ds, meeting, kecamatan), build_id=build_id)
