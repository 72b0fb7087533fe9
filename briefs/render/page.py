"""The page frame every published page shares: its header, footer, sample mark and styles.

A `Page` is what the templates need to frame one notebook (brief, summary) or one of
the release's own pages (index, data report, book front matter): the meeting's title,
date and data period written the Indonesian way once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from briefs import fmt, paths

# base-uri and form-action do not fall back to default-src: they are named to forbid them too.
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
    def regency_kind(self) -> str:
        """'kabupaten' or 'kota', from the regency's name, as `Meeting.regency_kind`."""
        return fmt.jenis_daerah(self.regency)

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


def stylesheets() -> list[str]:
    """rakor.css, then the notebook snippets' cells.css when it exists: inlined in every page."""
    return [f.read_text(encoding="utf-8") for f in (paths.RAKOR_CSS, paths.CELLS_CSS) if f.is_file()]
