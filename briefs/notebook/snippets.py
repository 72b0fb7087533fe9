"""The page's snippets a notebook shows: title block, key-figure cards, the boxed call to action, notes.

Each renders a Jinja2 template of `templates/cells/` with autoescaping on: area names come
from data files and are untrusted, so a `<script>` in a nagari name reaches the reader as
text. Their styles (`rk-` classes) live in `templates/rakor/static/cells.css`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from briefs import fmt, paths, templating
from briefs.data import figures
from briefs.fmt import periode, tanggal
from briefs.notebook import card_fit
from briefs.notebook.charts import persen_target
from briefs.notebook.load import Brief, Summary
from briefs.params import Meeting

CELLS = paths.TEMPLATES / "cells"


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
    name = x.meeting.district(x.kecamatan) if isinstance(x, Brief) else x.meeting.regency
    kind = "Brief cakupan kepesertaan" if isinstance(x, Brief) else f"Ringkasan {x.meeting.regency_kind} cakupan kepesertaan"
    css = Markup(paths.CELLS_CSS.read_text(encoding="utf-8"))  # our own file, not data: no escaping
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
    return Kartu(sebagai_teks(label), sebagai_teks(nilai), sebagai_teks(keterangan), utama)


def sebagai_teks(value: object) -> str:
    """A value a card or box shows, as a reader should read it: text as written, a whole number
    the Indonesian way (18.682), nothing as '–' (Python would write None or nan).

    Any other number is refused, as `nb.kartu_hp` refuses it: 0.272 may be a share or a
    rate, and only the analyst knows whether nb.persen or nb.angka is meant.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return fmt.angka(value)
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):  # None, nan, NaT, pd.NA
        return fmt.angka(None)
    raise TypeError(f"nilai kartu atau kotak harus teks yang sudah diformat (mis. nb.persen(0.272) → 27,2%, "
                    f"nb.angka(27.2, 1) → 27,2), bukan {type(value).__name__} {value!r}")


def kartu_angka(*cards: Kartu, catatan: str = "") -> HTML:
    """A row of key-figure cards (six share an A4 line), with a short note under them.

    Figures too wide for their cards at the house size print smaller, the whole row alike
    (`card_fit`): never across the next card. When a label wraps, every label of the row
    keeps its lines' height, so the figures stand level.
    """
    ukuran = card_fit.size([c.nilai for c in cards])
    heavy = sum(c.utama for c in cards)
    baris = card_fit.label_lines([c.label for c in cards], heavy=heavy)
    card_fit.check_notes([c.keterangan for c in cards], heavy=heavy)
    return render("kartu.html.j2", cards=cards, catatan=catatan, ukuran=ukuran if ukuran < card_fit.HOUSE else None,
                  baris_label=baris if baris > 1 else None)


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
    return render("kotak.html.j2", isi=Markup(_markdown(sebagai_teks(teks))), catatan=sebagai_teks(catatan))


def catatan(x: Brief | Summary) -> HTML:
    """Notes: definitions, the denominator, data source and period, target, provenance, sample mark."""
    return render("catatan.html.j2", **_meeting_context(x.meeting, x.build_id))
