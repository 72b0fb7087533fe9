"""The release's `index.html`: every brief with its key figures, the summary, book and data report.

Every link stays inside the release folder and works offline; a failed brief is listed
as failed, with where it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import jinja2

from briefs import fmt, templating
from briefs.render.page import CSP, page_for, stylesheets


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
    failure: str | None = None  # where it failed: "sel 7: ZeroDivisionError"
    card: str | None = None  # the phone card, kartu/<nama>.png, when the notebook made one
    card_alt: str = ""  # what the card says (its PNG Description): the link's label for a screen reader


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
    for link in [l for e in entries for l in (e.html, e.pdf, e.card)] + list(audit):
        _relative_link(link)
    kinds = ("summary", "book", "data")
    return _jinja().get_template("index.html.j2").render(
        meeting=meeting, page=page_for(meeting, kind="summary", title="Daftar isi rilis",
                                       build_id=build_id),
        main=[e for k in kinds for e in entries if e.kind == k],
        briefs=[e for e in entries if e.kind == "brief"],
        css=stylesheets()[0], csp=CSP, build_id=build_id, audit=list(audit),
    )
