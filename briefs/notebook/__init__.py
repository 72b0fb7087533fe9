"""What the notebooks import: the meeting and its data, the house style, formats and boxes.

The analysis lives in the notebook cells, in plain pandas and matplotlib. This module
gives those cells what they should not have to write: loading and validating the data
slice (`load_brief`, `load_summary`), the house style (`briefs.house_style`, installed
on import), Indonesian formats (`angka`, `persen`, `rupiah`, …), and the page's
snippets: title block, key-figure cards, the boxed call to action, notes. Snippets
render Jinja2 templates from `templates/cells/` with autoescaping on, because area
names come from data files and are untrusted: a `<script>` in a nagari name must reach
the reader as text. Their styles (`rk-` classes) live in `templates/rakor/static/cells.css`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from briefs import data, params, paths, templating
from briefs.data import figures
from briefs.notebook import house_style
from briefs.data import slices
from briefs.notebook.charts import (ARSIR, FULL, GELAP, HALF, PUTIH, SEDANG, TERANG, cm, garis_acuan, label_batang,  # noqa: F401
                           label_bulan, label_ujung, legenda, persen_target, tinggi_grafik)
from briefs.errors import InputError, Problem, display_path
from briefs.data.figures import IURAN_JKK, IURAN_JKM, IURAN_PEKERJA_RENTAN, SEGMEN  # noqa: F401
from briefs.fmt import (angka, angka_bertanda, periode, periode_singkat, persen, persen_kata, rupiah,  # noqa: F401
                        rupiah_ringkas, tanggal)
from briefs.params import Meeting
from briefs.notebook.tables import tabel  # noqa: F401

CELLS = paths.TEMPLATES / "cells"
CELLS_CSS = paths.TEMPLATES / "rakor" / "static" / "cells.css"


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

    The build passes the kecamatan's own slice (`briefs.slices`); run on its own, the
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
    ringkasan = figures.kecamatan_table(own, meeting).set_index("kode_kecamatan").loc[kode_kecamatan].copy()
    ringkasan["peringkat"] = ctx["peringkat"]
    return Brief(
        meeting=meeting, kode_kecamatan=kode_kecamatan, kecamatan=_kecamatan_names(own)[kode_kecamatan],
        wilayah=own.wilayah, angkatan_kerja=own.angkatan_kerja, kepesertaan=own.kepesertaan,
        agen_perisai=own.agen_perisai, nagari=figures.nagari_table(own, meeting), ringkasan=ringkasan,
        peringkat=int(ctx["peringkat"]), jumlah_kecamatan=int(ctx["jumlah_kecamatan"]),
        cakupan_kabupaten=float(ctx["cakupan_kabupaten"]), build_id=build_id,
    )


def load_summary(params_file: str | Path = paths.DEFAULT_PARAMS, snapshot: str | Path = "",
                 build_id: str = "") -> Summary:
    """Load the regency summary: every kecamatan and nagari of the meeting's data."""
    house_style.apply()
    meeting, ds = _inputs(params_file, snapshot)
    return Summary(meeting=meeting, wilayah=ds.wilayah, angkatan_kerja=ds.angkatan_kerja,
                   kepesertaan=ds.kepesertaan, agen_perisai=ds.agen_perisai,
                   kecamatan=figures.kecamatan_table(ds, meeting), nagari=figures.nagari_table(ds, meeting),
                   kabupaten=figures.kabupaten(ds, meeting), build_id=build_id)


# ---- snippets -----------------------------------------------------------------------------------

def render(template: str, **context) -> HTML:
    """One snippet of `templates/cells/` as an HTML output (escaped, strict about names)."""
    return HTML(templating.environment(CELLS, compact=True).get_template(template).render(**context).strip())


def _meeting_context(meeting: Meeting, build_id: str = "") -> dict:
    window = figures.periods(meeting)
    return {"meeting": meeting, "build_id": build_id, "periode": periode(meeting.period),
            "pembanding": periode(meeting.previous_period), "tanggal": tanggal(meeting.date),
            "jendela": f"{periode(window[0])}–{periode(window[-1])}", "target": persen_target(meeting.target.coverage),
            "data": paths.public(paths.resolve(meeting.data))}


def judul(x: Brief | Summary) -> HTML:
    """Title block: who, which meeting, when, which data period.

    It carries cells.css in a <style> element so the cards and tables look right in
    JupyterLab too; the page renderer drops <style> from outputs and hides this block
    under its own masthead, so a release shows neither twice.
    """
    name = f"Kecamatan {x.kecamatan}" if isinstance(x, Brief) else x.meeting.regency
    kind = "Brief cakupan kepesertaan" if isinstance(x, Brief) else "Ringkasan kabupaten cakupan kepesertaan"
    css = Markup(CELLS_CSS.read_text(encoding="utf-8"))  # our own file, not data: no escaping
    return render("judul.html.j2", nama=name, jenis=kind, css=css, **_meeting_context(x.meeting, x.build_id))


@dataclass(frozen=True)
class Kartu:
    """One key-figure card: what it is, the figure, one line of context."""

    label: str
    nilai: str
    keterangan: str = ""
    utama: bool = False  # the card an official should read first: drawn heavier


def kartu(label: str, nilai: str, keterangan: str = "", utama: bool = False) -> Kartu:
    """A card for `kartu_angka`; `nilai` is already formatted (nb.angka, nb.persen …)."""
    return Kartu(label, nilai, keterangan, utama)


def kartu_angka(*cards: Kartu, catatan: str = "") -> HTML:
    """A row of key-figure cards (five fit an A4 line), with a short note under them."""
    return render("kartu.html.j2", cards=cards, catatan=catatan)


_markdown = None


def kotak(teks: str, catatan: str = "") -> HTML:
    """The boxed call to action: Markdown text (bold, lists), names from data escaped.

    Raw HTML in `teks` is shown as text, never interpreted: the text is built from
    nagari names, which come from spreadsheets.
    """
    global _markdown
    if _markdown is None:
        import mistune

        _markdown = mistune.create_markdown(escape=True)
    return render("kotak.html.j2", isi=Markup(_markdown(teks)), catatan=catatan)


def daftar(items: list[str], kata: str = "dan") -> str:
    """Join the way Indonesian prose does: 'A', 'A dan B', 'A, B dan C'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {kata} {items[-1]}" if items else ""


def catatan(x: Brief | Summary) -> HTML:
    """Notes: definitions, the denominator, data source and period, target, provenance, sample mark."""
    return render("catatan.html.j2", **_meeting_context(x.meeting, x.build_id))


house_style.apply()  # a notebook that only imports this module gets the house style too
