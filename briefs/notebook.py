"""What the two notebooks call: load their slice of the figures, then show it.

Notebooks tell the story in a few short cells; loading, validation, formatting and
layout live here. Every display helper renders a Jinja2 snippet from
`templates/cells/` with autoescaping on, because area names come from data files and
are untrusted: a `<script>` in a nagari name must reach the reader as text.
Styles for the snippets' `rk-` classes live in `templates/rakor/static/cells.css`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from briefs import charts, data, figures, fmt, params, paths, slices, templating
from briefs.errors import InputError, Problem, display_path
from briefs.params import Meeting

CELLS = paths.TEMPLATES / "cells"
CELLS_CSS = paths.TEMPLATES / "rakor" / "static" / "cells.css"


@dataclass(frozen=True)
class Brief:
    """Everything one kecamatan's brief shows, computed once from the figures."""

    meeting: Meeting
    kode_kecamatan: str
    kecamatan: str
    nagari: pd.DataFrame  # figures.nagari_table rows of this kecamatan
    ringkasan: pd.Series  # its figures.kecamatan_table row
    jumlah_kecamatan: int
    kabupaten: dict  # only what a brief shows of the regency: {"cakupan": average, to 0,1 point}
    segmen: pd.DataFrame  # figures.segment_series of this kecamatan
    build_id: str = ""


@dataclass(frozen=True)
class Summary:
    """Everything the regency summary shows."""

    meeting: Meeting
    kecamatan: pd.DataFrame  # figures.kecamatan_table
    nagari: pd.DataFrame  # figures.nagari_table
    kabupaten: dict
    segmen: pd.DataFrame  # figures.segment_series of the regency
    build_id: str = ""


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
    """
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
        nagari=figures.nagari_table(own, meeting), ringkasan=ringkasan,
        jumlah_kecamatan=ctx["jumlah_kecamatan"], kabupaten={"cakupan": ctx["cakupan_kabupaten"]},
        segmen=figures.segment_series(own, meeting, kode_kecamatan), build_id=build_id,
    )


def load_summary(params_file: str | Path = paths.DEFAULT_PARAMS, snapshot: str | Path = "",
                 build_id: str = "") -> Summary:
    """Load the regency summary: every kecamatan and nagari of the meeting's data."""
    meeting, ds = _inputs(params_file, snapshot)
    return Summary(meeting=meeting, kecamatan=figures.kecamatan_table(ds, meeting),
                   nagari=figures.nagari_table(ds, meeting), kabupaten=figures.kabupaten(ds, meeting),
                   segmen=figures.segment_series(ds, meeting, None), build_id=build_id)


# ---- rendering snippets ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = templating.environment(CELLS, compact=True)
    env.filters["target"] = charts.persen_target
    return env


def render(template: str, **context) -> HTML:
    """One snippet of `templates/cells/` as an HTML output (escaped, strict about names)."""
    return HTML(_env().get_template(template).render(**context).strip())


def _meeting_context(meeting: Meeting, build_id: str) -> dict:
    window = figures.periods(meeting)
    return {"meeting": meeting, "build_id": build_id, "periode": fmt.periode(meeting.period),
            "pembanding": fmt.periode(meeting.previous_period), "tanggal": fmt.tanggal(meeting.date),
            "jendela": f"{fmt.periode(window[0])}–{fmt.periode(window[-1])}",
            "iuran": {"jkk": figures.IURAN_JKK, "jkm": figures.IURAN_JKM, "total": figures.IURAN_PEKERJA_RENTAN}}


def _rows(frame: pd.DataFrame) -> list[dict]:
    return frame.to_dict("records")


# ---- the brief ----------------------------------------------------------------------------

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


def angka_kunci(brief: Brief) -> HTML:
    """The key-figure cards of a kecamatan: what an official should read first."""
    return render("angka_kunci.html.j2", k=brief.ringkasan.to_dict(), kab=brief.kabupaten,
                  jumlah_kecamatan=brief.jumlah_kecamatan, **_meeting_context(brief.meeting, brief.build_id))


def grafik_cakupan(brief: Brief) -> None:
    """Coverage by nagari (half page wide: the notebook cell puts the segment chart beside it)."""
    height = charts.chart_height(len(brief.nagari))
    fig = charts.coverage_by_nagari(brief.nagari, brief.kabupaten["cakupan"], brief.meeting.target.coverage,
                                    height_cm=height)
    charts.show(fig, alt=f"Cakupan per nagari di Kecamatan {brief.kecamatan}, {fmt.periode(brief.meeting.period)}")


def grafik_segmen(brief: Brief) -> None:
    """Active participants by segment over 12 periods, as tall as the coverage chart beside it."""
    fig = charts.segments_over_time(brief.segmen, height_cm=charts.chart_height(len(brief.nagari)))
    window = _meeting_context(brief.meeting, brief.build_id)["jendela"]
    charts.show(fig, alt=f"Peserta aktif per segmen di Kecamatan {brief.kecamatan}, {window}")


def tabel_nagari(brief: Brief) -> HTML:
    """The per-nagari table with a Jumlah row that adds up to the key figures."""
    return render("tabel_nagari.html.j2", rows=_rows(brief.nagari), total=brief.ringkasan.to_dict(),
                  **_meeting_context(brief.meeting, brief.build_id))


def _tanpa_agen(nagari: pd.DataFrame) -> pd.DataFrame:
    rows = nagari[nagari["agen_aktif"] == 0].sort_values(["belum_terlindungi", "kode_nagari"], ascending=[False, True])
    return rows.assign(biaya_bulan=rows["belum_terlindungi"] * figures.IURAN_PEKERJA_RENTAN)


def tindak_lanjut(brief: Brief) -> HTML:
    """The boxed call to action: nagari without an active Perisai agent, and what protecting costs."""
    rows = _tanpa_agen(brief.nagari)
    gap = int(brief.ringkasan["kurang_dari_target"])
    return render("tindak_lanjut.html.j2", rows=_rows(rows), jumlah_nagari=len(brief.nagari),
                  belum=int(rows["belum_terlindungi"].sum()), biaya_bulan=int(rows["biaya_bulan"].sum()),
                  kurang=gap, biaya_target=gap * figures.IURAN_PEKERJA_RENTAN,
                  **_meeting_context(brief.meeting, brief.build_id))


def catatan(x: Brief | Summary) -> HTML:
    """Notes: definitions, the denominator, data source and period, target, provenance, sample mark."""
    return render("catatan.html.j2", **_meeting_context(x.meeting, x.build_id))


# ---- the regency summary --------------------------------------------------------------------

def angka_kunci_kabupaten(summary: Summary) -> HTML:
    """The regency's key-figure cards."""
    return render("angka_kunci_kabupaten.html.j2", kab=summary.kabupaten,
                  **_meeting_context(summary.meeting, summary.build_id))


def tabel_peringkat(summary: Summary) -> HTML:
    """Kecamatan ranked by coverage, with change, gap to target and agents; a Jumlah row."""
    ranked = summary.kecamatan.sort_values("peringkat")
    return render("tabel_peringkat.html.j2", rows=_rows(ranked), total=summary.kabupaten,
                  **_meeting_context(summary.meeting, summary.build_id))


def grafik_kecamatan(summary: Summary) -> None:
    """Coverage by kecamatan, ranked, with the regency average and the target."""
    fig = charts.coverage_by_kecamatan(summary.kecamatan, summary.kabupaten["cakupan"],
                                       summary.meeting.target.coverage)
    charts.show(fig, alt=f"Cakupan per kecamatan, {summary.meeting.regency}, {fmt.periode(summary.meeting.period)}")


def grafik_segmen_kabupaten(summary: Summary) -> None:
    """The regency's active participants by segment over 12 periods."""
    fig = charts.segments_over_time(summary.segmen, width_cm=charts.FULL, height_cm=6.0)
    charts.show(fig, alt=f"Peserta aktif per segmen, {summary.meeting.regency}")


def tanpa_agen_kabupaten(summary: Summary) -> HTML:
    """Nagari without an active Perisai agent, grouped per kecamatan, with the cost of protecting them."""
    rows = _tanpa_agen(summary.nagari)
    groups = [
        {"kecamatan": name, "nagari": _rows(part), "belum": int(part["belum_terlindungi"].sum()),
         "biaya_bulan": int(part["biaya_bulan"].sum())}
        for (_, name), part in rows.groupby(["kode_kecamatan", "kecamatan"], sort=True)
    ]
    return render("tanpa_agen_kabupaten.html.j2", groups=groups, jumlah=len(rows),
                  jumlah_nagari=len(summary.nagari), belum=int(rows["belum_terlindungi"].sum()),
                  biaya_bulan=int(rows["biaya_bulan"].sum()), **_meeting_context(summary.meeting, summary.build_id))
