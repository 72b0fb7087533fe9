"""Read the analyst's input files as they come: CSV in either convention, or XLSX.

Analysts bring what their tools save: CSV from an Indonesian-locale Excel (`;` between
fields, `1.234` thousands, `12,5` decimals, often Windows-1252), plain CSV (`,` and `.`),
UTF-8 with or without a BOM, or an Excel workbook. Nothing here needs a flag: the
encoding, delimiter and sheet are detected and recorded, so the manifest says how each
file was read. Every cell comes out as the text the analyst sees, with the line number
the analyst sees, so later checks can point at `file:row:column`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from briefs.errors import Problem, display_path

SUFFIXES = (".csv", ".xlsx")
_OLD_EXCEL = (".xls", ".xlsm", ".ods")


@dataclass
class RawTable:
    """One input table as read: every cell as text, with the line each row came from."""

    name: str
    path: Path
    frame: pd.DataFrame  # columns are normalised header names; cells are text as written
    rows: list[int]  # line (CSV) or sheet row (XLSX) of each frame row; header = 1
    headers: dict[str, str]  # normalised name -> header as written
    source: dict = field(default_factory=dict)  # format, delimiter, encoding, sheet, sha256
    header_line: int = 1

    @property
    def display(self) -> str:
        return display_path(self.path)

    @property
    def decimal(self) -> str:
        """Decimal mark of the numbers in this file ('.' or ',')."""
        return self.source.get("decimal", ",")

    def line(self, index: int) -> int:
        return self.rows[index]


@dataclass(frozen=True)
class Failure:
    """Why a whole file could not be read, and where if known."""

    message: str
    row: int | None = None
    column: str | None = None


def normalise_header(text: str) -> str:
    """'  Kode Nagari ' -> 'kode_nagari': headers match whatever the export capitalises."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def find_tables(folder: Path, names: tuple[str, ...]) -> tuple[dict[str, Path], list[Problem]]:
    """The one input file per table in the folder: `<name>.csv` or `<name>.xlsx`."""
    where = display_path(folder)
    if not folder.is_dir():
        return {}, [Problem(where, f"folder data tidak ditemukan; tertulis '{where}'; "
                                   "seharusnya folder yang berisi berkas wilayah, angkatan_kerja, "
                                   "kepesertaan dan agen_perisai")]
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for name in names:
        same = [p for p in files if p.stem.strip().lower() == name]
        usable = [p for p in same if p.suffix.lower() in SUFFIXES]
        old = [p for p in same if p.suffix.lower() in _OLD_EXCEL]
        if len(usable) > 1:
            both = " dan ".join(f"'{display_path(p)}'" for p in usable)
            problems.append(Problem(display_path(usable[0]), f"tabel {name} ada di lebih dari satu berkas; "
                                    f"tertulis {both}; seharusnya hanya satu berkas {name}.csv atau {name}.xlsx"))
        elif usable:
            found[name] = usable[0]
        elif old:
            problems.append(Problem(display_path(old[0]), f"format berkas tidak didukung; tertulis "
                                    f"'{old[0].suffix}'; seharusnya simpan ulang sebagai {name}.xlsx atau {name}.csv"))
        else:
            present = ", ".join(p.name for p in files if not p.name.startswith(".")) or "tidak ada berkas"
            problems.append(Problem(f"{where}/{name}.csv", f"berkas tabel {name} tidak ditemukan; tertulis "
                                    f"'{present}'; seharusnya {name}.csv atau {name}.xlsx di folder {where}"))
    return found, problems


def read_table(name: str, path: Path, expected: tuple[str, ...] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Read one input file, CSV or XLSX by its extension; problems instead of exceptions.

    `expected` are column names the header should hold: rows above it (a title) are skipped.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:  # locked by Excel, no permission
        return None, [Problem(display_path(path), f"berkas tidak bisa dibuka; tertulis {exc.strerror}; "
                                                  "seharusnya berkas yang bisa dibaca (tutup dulu di Excel)")]
    source = {"path": display_path(path), "sha256": hashlib.sha256(data).hexdigest()}
    # By content, not by name: a workbook saved as .csv or text saved as .xlsx is still read.
    if data.startswith(b"PK\x03\x04"):
        result = _read_xlsx(name, data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        result = Failure("format Excel lama (.xls) tidak didukung; tertulis buku kerja Excel 97-2003; "
                         "seharusnya simpan ulang sebagai .xlsx atau .csv")
    else:
        result = _read_csv(data)
    if isinstance(result, Failure):
        return None, [Problem(display_path(path), result.message, result.row, result.column)]
    records, line_numbers, detected = result
    source.update(detected)
    return _to_table(name, path, records, line_numbers, source, expected)


def _decode(data: bytes) -> tuple[str, str] | None:
    """Text and encoding name: BOM first, then strict UTF-8, then Windows-1252 (old Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"  # Excel's "Unicode text"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(text: str) -> str:
    """The separator the top lines use most: `;` for Indonesian Excel, else `,` or tab.

    The top ten lines, not only the first: a title row above the header has no separators.
    """
    top = text.splitlines()[:10]
    counts = {d: max(line.count(d) for line in top) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _decimal(delimiter: str, text: str) -> str:
    """The decimal mark: `;` files come from Indonesian Excel (`,`), `,` files use `.`.

    Tab-separated text ("Unicode text" from Excel) carries the locale of whoever saved it:
    Indonesian when a number is grouped as 1.234 or has a decimal comma.
    """
    if delimiter == ";":
        return ","
    if delimiter == "\t" and re.search(r"(^|\t)\d{1,3}(\.\d{3})+(\t|$)|(^|\t)\d+,\d+(\t|$)", text, re.M):
        return ","
    return "."


def _read_csv(data: bytes) -> tuple[list[list[str]], list[int], dict] | Failure:
    try:
        decoded = _decode(data)
    except UnicodeDecodeError:
        decoded = None
    if decoded is None:
        return Failure("berkas tidak bisa dibaca sebagai teks; tertulis isi biner; "
                       "seharusnya CSV (UTF-8 atau Windows-1252)")
    text, encoding = decoded
    if not text.strip():
        return Failure("berkas kosong; tertulis tidak ada baris; seharusnya baris judul kolom lalu baris data")
    delimiter = _delimiter(text)
    # strict: an unclosed quote must not swallow the rest of the file silently.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, lines, start = [], [], 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):  # blank lines carry no data
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error:
        line = text.splitlines()[start - 1] if start <= len(text.splitlines()) else ""
        return Failure(f"tanda kutip tidak berpasangan, berkas tidak bisa dibaca mulai baris ini; tertulis "
                       f"'{line[:60]}'; seharusnya setiap isian yang diawali \" juga diakhiri \"", start)
    detected = {"format": "csv", "delimiter": delimiter, "encoding": encoding,
                "decimal": _decimal(delimiter, text)}
    return records, lines, detected


def _cell_text(value: object, decimal: str) -> str:
    """A workbook cell as the analyst sees it; a date typed as 2026-10 becomes '2026-10'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime | dt.date):
        if value.day == 1 and not getattr(value, "hour", 0) and not getattr(value, "minute", 0):
            return f"{value.year:04d}-{value.month:02d}"  # Excel turns "2026-10" into 1 Oct 2026
        return value.isoformat()[:10]
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", decimal)
    return str(value)


def _read_xlsx(name: str, data: bytes) -> tuple[list[list[str]], list[int], dict] | Failure:
    from openpyxl import load_workbook  # only needed for workbooks

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            named = [s for s in book.sheetnames if normalise_header(s) == name]
            sheet = named[0] if named else book.sheetnames[0]
            records, lines = [], []
            for number, row in enumerate(book[sheet].iter_rows(values_only=True), start=1):
                cells = [_cell_text(v, ",") for v in row]
                if any(c.strip() for c in cells):
                    records.append(cells)
                    lines.append(number)
        finally:
            book.close()
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails anywhere (zip, zlib, XML): one message
        return Failure(f"berkas Excel tidak bisa dibuka; tertulis {type(exc).__name__}; "
                       "seharusnya buku kerja .xlsx yang utuh (simpan ulang dari Excel)")
    if not records:
        return Failure(f"lembar '{sheet}' kosong; tertulis tidak ada baris; "
                       "seharusnya baris judul kolom lalu baris data")
    return records, lines, {"format": "xlsx", "sheet": sheet, "decimal": ","}


def _header_at(records: list[list[str]], expected: tuple[str, ...]) -> int:
    """Index of the header row: the first of the top rows naming an expected column.

    Branch exports often put a title ("Data Kepesertaan Oktober 2026") above the table.
    """
    for i, record in enumerate(records[:10]):
        if {normalise_header(c) for c in record} & set(expected):
            return i
    return 0


def _read_header(header: list[str], body: list[list[str]], line: int,
                 where: str) -> tuple[dict[str, str], list[Problem]]:
    """Normalised name -> header as written; a doubled name or data under no name is a problem."""
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    for position, written in enumerate(header, start=1):
        written, key = written.strip(), normalise_header(written)
        if not key and any(len(r) >= position and r[position - 1].strip() for r in body):
            problems.append(Problem(where, f"kolom ke-{position} berisi data tetapi tanpa judul; tertulis ''; "
                                    "seharusnya nama kolom", line, f"kolom ke-{position}"))
        elif key in headers:
            problems.append(Problem(where, f"judul kolom ganda; tertulis '{written}'; seharusnya "
                                    "setiap kolom hanya sekali", line, written))
        headers.setdefault(key or f"kolom_{position}", written)  # no name: skipped unless it holds data
    return headers, problems


def _to_table(name: str, path: Path, records: list[list[str]], lines: list[int], source: dict,
              expected: tuple[str, ...] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Header row + data rows -> RawTable; ragged rows and doubled headers are problems."""
    where = display_path(path)
    top = _header_at(records, expected)
    if top:
        source["header_row"] = lines[top]
    records, lines = records[top:], lines[top:]
    header, header_line = records[0], lines[0]
    while header and not header[-1].strip():
        header = header[:-1]  # Excel often keeps empty trailing columns
    headers, problems = _read_header(header, records[1:], header_line, where)
    width = len(header)
    body: list[list[str]] = []
    for record, line in zip(records[1:], lines[1:]):
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            problems.append(Problem(where, f"baris ini punya isian lebih banyak daripada judul kolom; "
                                    f"tertulis '{extra[0]}'; seharusnya {width} kolom seperti baris judul "
                                    f"(periksa pemisah '{source.get('delimiter', ',')}')", line,
                                    f"kolom ke-{width + 1}"))
        body.append((record + [""] * width)[:width])
    columns = [normalise_header(h) or f"kolom_{i}" for i, h in enumerate(header, start=1)]
    frame = pd.DataFrame(body, columns=columns, dtype=object) if body else pd.DataFrame(columns=columns, dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    source["rows_read"] = len(body)
    return RawTable(name, path, frame, list(lines[1:]), headers, source, header_line), problems
