"""Executed notebook → self-contained HTML (nbconvert + `templates/rakor/`), and the index page.

The HTML is what officials open offline and what WeasyPrint turns into the PDF, so
it must load nothing (no require.js, MathJax, mermaid, widgets, fonts or images from
the internet), run no script, and show only what the notebook meant to show: code is
hidden, prompts are hidden, and only the output types our notebooks produce survive.
Markdown and text/html pass through one allow-list sanitizer (`briefs.sanitize`), so a
stray `<img onerror=…>` in a cell becomes inert.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jinja2
import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from briefs import fmt, paths, templating

# base-uri and form-action do not fall back to default-src: they are named to forbid them too.
from briefs.render import sanitize
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'")

Kind = Literal["brief", "summary", "data"]
SUBTITLES = {
    "brief": "Brief cakupan BPJS Ketenagakerjaan",
    "summary": "Ringkasan cakupan BPJS Ketenagakerjaan",
    "data": "Laporan data masukan",
}


@dataclass(frozen=True)
class Page:
    """What the template needs to frame one notebook: header, footer, sample mark."""

    kind: Kind
    title: str  # "Kecamatan Sitiung"
    meeting_title: str
    date_text: str  # fmt.tanggal(meeting.date)
    place: str
    period_text: str  # fmt.periode(meeting.period)
    sample: bool
    build_id: str
    regency: str = ""

    @property
    def meeting_short(self) -> str:
        """The running header has room for a line: 'Rapat Koordinasi X' -> 'Rakor X'."""
        return short_title(self.meeting_title)

    @property
    def subtitle(self) -> str:
        return SUBTITLES[self.kind]


def short_title(title: str) -> str:
    prefix = "Rapat Koordinasi "
    return "Rakor " + title[len(prefix):] if title.startswith(prefix) else title


def page_for(meeting, *, kind: Kind, title: str, build_id: str) -> Page:
    """The Page for one notebook of `meeting` (a `briefs.params.Meeting`)."""
    return Page(
        kind=kind, title=title, meeting_title=meeting.title, date_text=fmt.tanggal(meeting.date),
        place=meeting.place, period_text=fmt.periode(meeting.period), sample=meeting.sample,
        build_id=build_id, regency=meeting.regency,
    )


# ---- notebook → HTML --------------------------------------------------------------------

_local = threading.local()


def _exporter() -> HTMLExporter:
    """One exporter per thread: building one (template lookup, Jinja env) costs more than
    a conversion, and from_notebook_node re-registers filters, so threads must not share."""
    if not hasattr(_local, "exporter"):
        _local.exporter = _new_exporter()
    return _local.exporter


def _new_exporter() -> HTMLExporter:
    # Code is hidden, so the pygments stylesheet the lab template inlines is dead weight.
    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}})
    return HTMLExporter(
        config=config,
        extra_template_basedirs=[str(paths.TEMPLATES)],
        template_name="rakor",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        language_code="id",
        filters={"clean_html": sanitize.clean_html},
    )


def stylesheets() -> list[str]:
    """rakor.css, then the notebook snippets' cells.css when it exists: inlined in every page."""
    static = paths.TEMPLATES / "rakor" / "static"
    files = [static / "rakor.css", static / "cells.css"]
    return [f.read_text(encoding="utf-8") for f in files if f.is_file()]


def notebook_html(nb: nbformat.NotebookNode, page: Page, folder: Path | None = None) -> str:
    """The executed notebook as one self-contained HTML page (code hidden, Bahasa Indonesia).

    Only what `sanitize.prepare` keeps reaches the page; `folder` (the source notebook's)
    is where Markdown images may come from.
    """
    nb, _ = sanitize.prepare(nb, folder)
    nb.metadata.pop("title", None)  # the lab template would prefer it to the page's title
    resources = {"metadata": {"name": f"{page.title} — {page.meeting_short}"},
                 "rk": {"page": page, "css": stylesheets(), "csp": CSP}}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html


# ---- the release's index page -------------------------------------------------------------

@dataclass(frozen=True)
class IndexEntry:
    """One line of the index page: a brief, the summary, the book or the data report."""

    kind: Literal["summary", "brief", "book", "data"]
    title: str
    html: str | None = None  # path relative to the release folder
    pdf: str | None = None
    figures: str | None = None  # "cakupan 24,3% · peringkat 3 dari 11"
    status: Literal["ok", "gagal"] = "ok"
    pdf_bytes: int | None = None


def ukuran(n: int | None) -> str:
    """A file size the way a reader expects it: 840 KB, 2,4 MB."""
    if n is None:
        return ""
    if n < 1024 * 1024:
        return f"{fmt.angka(max(1, round(n / 1024)))} KB"
    return f"{fmt.angka(n / (1024 * 1024), 1)} MB"


@lru_cache(maxsize=1)
def _jinja() -> jinja2.Environment:
    env = templating.environment()
    env.filters["ukuran"] = ukuran
    return env


def _relative_link(link: str | None) -> None:
    # Every link must stay inside the release folder and work offline.
    if link is None:
        return
    parts = link.split("/")
    if ":" in link or link.startswith("/") or ".." in parts or "\\" in link or not link:
        raise ValueError(f"tautan harus relatif di dalam folder rilis: {link!r}")


def index_html(meeting, entries: list[IndexEntry], build_id: str, audit: tuple[str, ...] = ()) -> str:
    """The release's `index.html`: every brief, the summary, the book and the data report.

    Lists the summary, the book and the data report first, then the briefs in the
    order given; `audit` (executed notebooks, data, manifest) goes last, for auditors.
    Links must be relative paths inside the release (ValueError otherwise).
    """
    for link in [l for e in entries for l in (e.html, e.pdf)] + list(audit):
        _relative_link(link)
    kinds = ("summary", "book", "data")
    return _jinja().get_template("index.html.j2").render(
        meeting=meeting, page=page_for(meeting, kind="summary", title="Daftar isi rilis",
                                       build_id=build_id),
        main=[e for k in kinds for e in entries if e.kind == k],
        briefs=[e for e in entries if e.kind == "brief"],
        css=stylesheets()[0], csp=CSP, build_id=build_id, audit=list(audit),
    )
