"""The data report: what an analyst needs to trust the month's data.

For every input file: how it was read (format, delimiter, encoding, sheet), its hash, and
its rows: read = used + reported. Then the warnings (suspicious but possible, rows kept)
and the errors. `build.py check` prints `report_text`; the release shows it as
`laporan-data.html` (`briefs.release.data_page`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from briefs import paths
from briefs.errors import Problem
from briefs.fmt import angka


@dataclass(frozen=True)
class TableReport:
    """How one input table was read, and what became of its rows."""

    table: str
    file: str
    source: dict
    read: int
    used: int
    reported: int  # rows with at least one error (all rows when the header is unusable)


@dataclass(frozen=True)
class DataReport:
    """What an analyst needs to trust the data: row counts, formats, warnings and errors."""

    folder: str = ""
    tables: tuple[TableReport, ...] = ()
    warnings: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    periods: tuple[str, ...] = ()


def describe_source(source: dict) -> str:
    """How a file was read, in words: "CSV, pemisah ';', desimal ',', Windows-1252"."""
    header = f", judul kolom di baris {source['header_row']}" if "header_row" in source else ""
    if source.get("format") == "xlsx":
        return f"Excel (.xlsx), lembar '{source.get('sheet', '')}'{header}"
    encodings = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 dengan BOM", "cp1252": "Windows-1252", "utf-16": "UTF-16"}
    delimiter = {"\t": "tab"}.get(source.get("delimiter", ","), source.get("delimiter", ","))
    return (f"CSV, pemisah '{delimiter}', desimal '{source.get('decimal', '.')}', "
            f"{encodings.get(source.get('encoding', ''), source.get('encoding', ''))}{header}")


def published(problem: Problem) -> str:
    """A problem as a published file may show it: its file named as `paths.public` names it.

    The terminal (`build.py check`) shows where the file is; a release is forwarded far
    beyond the machine, so a data folder under someone's home is never given in full there.
    """
    return str(replace(problem, file=paths.public(paths.resolve(problem.file))))


def table_rows(report: DataReport, local: bool = True) -> list[dict[str, str]]:
    """One row per file; `local` False for published pages: paths outside the project by name only."""
    return [{"table": t.table, "file": t.file if local else paths.public(paths.resolve(t.file)),
             "format": describe_source(t.source), "read": angka(t.read),
             "used": angka(t.used), "reported": angka(t.reported), "sha256": t.source.get("sha256", "")[:12]}
            for t in report.tables]


def report_text(report: DataReport) -> str:
    """The data report for the terminal, in Bahasa Indonesia (what `build.py check` prints)."""
    lines = [f"Laporan data: {report.folder}"]
    rows = table_rows(report)
    header = {"table": "tabel", "file": "berkas", "read": "dibaca", "used": "dipakai", "reported": "dilaporkan"}
    widths = {k: max(len(header[k]), *(len(r[k]) for r in rows)) if rows else len(header[k]) for k in header}
    for r in [header, *rows]:
        lines.append("  " + "  ".join(r[k].rjust(widths[k]) if k in ("read", "used", "reported")
                                      else r[k].ljust(widths[k]) for k in header).rstrip())
    lines.append("Format terbaca:")
    lines += [f"  {r['table']}: {r['format']}" for r in rows]
    if report.periods:
        lines.append(f"Periode: {report.periods[0]} s.d. {report.periods[-1]} ({len(report.periods)} periode)")
    for title, problems in (("Peringatan", report.warnings), ("Kesalahan", report.errors)):
        lines.append(f"{title}: {angka(len(problems)) if problems else 'tidak ada'}")
        lines += [f"  {p}" for p in problems]
    return "\n".join(lines) + "\n"
