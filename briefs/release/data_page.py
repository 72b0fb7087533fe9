"""The release's data report page, `laporan-data.html`: the data report and what the pages left out.

What `build.py check` prints on the terminal (`briefs.data.report`), as a page of the
release in the same frame as the others, with the build's page warnings beside it.
"""

from __future__ import annotations

from briefs import fmt, paths, templating
from briefs.data.report import DataReport, published, table_rows
from briefs.errors import warning_lines
from briefs.params import Meeting
from briefs.render.page import page_for, stylesheets


def report_html(report: DataReport, meeting: Meeting, page_warnings: list[dict] | tuple = ()) -> str:
    """The data report page of the release: self-contained HTML from templates/data_report.html.j2.

    `page_warnings` are the build's warnings about the pages (outputs not shown, pages over
    budget), as in the manifest: counted, and written one line per thing to fix
    (`errors.warning_lines`), as the terminal writes them. The report is where an analyst
    looks for what went missing.
    """
    frame = page_for(meeting, kind="data", title="Laporan data", build_id="")
    period = fmt.periode
    return templating.environment().get_template("data_report.html.j2").render(
        meeting=meeting, css=stylesheets()[0], tables=table_rows(report, local=False),
        warnings=[published(p) for p in report.warnings], errors=[published(p) for p in report.errors],
        date_text=frame.date_text, period_text=frame.period_text,
        span=(f"{period(report.periods[0])} s.d. {period(report.periods[-1])}" if report.periods else ""),
        n_periods=len(report.periods), folder=paths.public(paths.resolve(report.folder)),
        page_notices=warning_lines(list(page_warnings)), page_warning_count=len(page_warnings))
