"""Read the analyst's input files as they come: CSV in either convention, or XLSX.

Analysts bring what their tools save: CSV from an Indonesian-locale Excel (`;` between
fields, `1.234` thousands, `12,5` decimals, often Windows-1252), plain CSV (`,` and `.`),
UTF-8 with or without a BOM, or an Excel workbook. Nothing here needs a flag: the
encoding, delimiter and sheet are detected and recorded, so the manifest says how each
file was read. Every cell comes out as the text the analyst sees, with the line number
the analyst sees, so later checks can point at `file:row:column`.

A workbook is read as Excel shows it, not as its metadata claims: the sheet a person sees
(never a hidden one), every row stored in the sheet whatever its `<dimension>` tag says,
and the value Excel saved for each formula; a formula without one, a hidden row or column
holding data, or rows and cells stored out of order are problems, never empty or missing
cells. Every file is read within the bounds below (size on disk and unpacked, rows, cells,
columns, characters), checked before or while reading, so a runaway or hostile file ends
in one message within seconds instead of minutes and gigabytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.parsers import expat

import pandas as pd

from briefs.errors import Problem, display_path

SUFFIXES = (".csv", ".xlsx")
_OLD_EXCEL = (".xls", ".xlsm", ".ods")

# --- Reading limits ---
# The largest real table is kepesertaan: the biggest regencies have ~900 villages, times 3
# segments, times 60 months of history = 162,000 rows of 4 to 6 columns. The limits leave
# room above that and keep the worst file that passes them under a few hundred MB and
# seconds of reading (measured in tests/test_intake_xlsx.py); past one, reading stops with
# one message naming the file (and the row when known).
MAX_FILE_BYTES = 32 * 2**20  # on disk, checked before reading: a 200,000-row CSV is ~15 MB, as XLSX ~5 MB
MAX_ROWS = 200_000  # rows stored in the file (CSV lines, XLSX <row> entries), blank ones included
MAX_CELLS = 2_000_000  # CSV fields or XLSX stored cells (formatted empty ones included): 200,000 rows x 10
MAX_COLUMNS = 256  # the last column holding data; a table here has under 30 (labour force by sector)
MAX_VALUE_CHARS = 1_000  # one value: official names are under 100 characters, codes and numbers under 20
MAX_TEXT_CHARS = 40_000_000  # all values of one table (XLSX; CSV is bounded by its size): ~4 times a full table
MAX_XLSX_PARTS = 1_000  # files inside the workbook's zip: ~10, plus a few per sheet, chart or image
MAX_XLSX_INFLATED = 128 * 2**20  # all parts unpacked: a 200,000-row sheet is ~50 MB of XML
MAX_XLSX_RATIO = 100  # unpacked / packed size of one part: real sheets pack 5 to 30 times, zip bombs ~1000
_RATIO_FROM = 2**20  # the ratio is checked for parts unpacking to more than 1 MB (small parts are harmless)
MAX_XLSX_PART = 4 * 2**20  # parts openpyxl parses whole (content types, workbook, its relations): tens of KB
MAX_XLSX_STYLES = 65_000  # cell formats in styles.xml: Excel itself stops at 64,000
MAX_LISTED = 100  # cell problems of one kind listed per file; past that they are counted in one line
_HEADER_SEARCH = 10  # the header is one of the first ten rows holding data (title rows above it)
_EXCEL_ROWS, _EXCEL_COLUMNS = 1_048_576, 16_384  # a sheet's own bounds


def _n(number: int) -> str:
    """12345 -> '12.345', as the analyst writes numbers (briefs.fmt is for readers' pages)."""
    return f"{number:,}".replace(",", ".")


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


class _Stop(Exception):
    """Raised inside a streaming parser to stop reading at once with this failure."""

    def __init__(self, failure: Failure):
        super().__init__(failure.message)
        self.failure = failure


# Cell findings of the readers, worded once the header row (and so the column names) is known.
# {found} is what the cell holds, quoted by the reader.
_NOTES = {
    "formula": "rumus tanpa nilai tersimpan; tertulis {found}; seharusnya nilai hasil rumus: buka berkas "
               "di Excel, lalu simpan ulang (alat selain Excel sering menyimpan rumus tanpa hasilnya)",
    "recalc": "nilai rumus belum dihitung ulang (berkas ini meminta Excel menghitung ulang semua rumus saat "
              "dibuka); tertulis {found}; seharusnya nilai yang sudah dihitung Excel: buka berkas di Excel, "
              "lalu simpan ulang",
    "long": "isian terlalu panjang; tertulis {found}; seharusnya paling banyak {limit} karakter per isian",
    "hidden_row": "baris ini tersembunyi di Excel (disembunyikan atau tersaring filter) tetapi berisi data; "
                  "tertulis {found}; seharusnya semua baris data terlihat: tampilkan baris ini (Unhide atau "
                  "hapus filter), atau hapus barisnya",
}
_MORE = {
    "formula": "rumus tanpa nilai tersimpan di {n} sel lain (hanya {listed} pertama yang dicantumkan); tertulis "
               "rumus tanpa hasil; seharusnya nilai hasil rumus: buka berkas di Excel, lalu simpan ulang",
    "recalc": "nilai rumus belum dihitung ulang di {n} sel lain (hanya {listed} pertama yang dicantumkan); "
              "tertulis rumus dengan nilai lama; seharusnya buka berkas di Excel, lalu simpan ulang",
    "long": "isian terlalu panjang di {n} sel lain (hanya {listed} pertama yang dicantumkan); tertulis isian "
            "lebih dari {limit} karakter; seharusnya paling banyak {limit} karakter per isian",
    "hidden_row": "{n} baris tersembunyi lain berisi data (hanya {listed} pertama yang dicantumkan); tertulis "
                  "baris tersembunyi; seharusnya semua baris data terlihat (Unhide atau hapus filter)",
}


@dataclass
class _Notes:
    """Cell findings while reading (record index, column position, kind, what was found).

    Bounded: every finding in the first rows (the header is among them and rows above it are
    dropped later), then MAX_LISTED per kind; the rest are only counted.
    """

    kept: list[tuple[int, int, str, str]] = field(default_factory=list)
    listed: Counter = field(default_factory=Counter)
    more: Counter = field(default_factory=Counter)

    def add(self, record: int, position: int, kind: str, found: str) -> None:
        if record < _HEADER_SEARCH:
            self.kept.append((record, position, kind, found))
        elif self.listed[kind] < MAX_LISTED:
            self.listed[kind] += 1
            self.kept.append((record, position, kind, found))
        else:
            self.more[kind] += 1

    def discard(self, kind: str) -> None:
        self.kept = [note for note in self.kept if note[2] != kind]
        self.listed[kind] = self.more[kind] = 0


@dataclass
class _Read:
    """What a reader found: data rows as text, their line numbers, how the file was read, findings."""

    records: list[list[str]]
    lines: list[int]
    detected: dict
    notes: _Notes = field(default_factory=_Notes)
    hidden_columns: frozenset[int] = frozenset()


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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # before reading: the file is never loaded
            return None, [Problem(display_path(path), f"berkas terlalu besar; tertulis {_n(size)} byte; seharusnya "
                                                      f"paling banyak {_n(MAX_FILE_BYTES)} byte (hapus periode lama "
                                                      "atau kolom yang tidak dipakai)")]
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
    del data
    if isinstance(result, Failure):
        return None, [Problem(display_path(path), result.message, result.row, result.column)]
    source.update(result.detected)
    return _to_table(name, path, result, source, expected)


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
    top = text[:2**20].splitlines()[:10]
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


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str):
    """Lines with their endings, split as universal newlines (what csv expects); lazily, no copy."""
    return (match.group() for match in _LINE.finditer(text))


def _line_at(text: str, number: int) -> str:
    for i, line in enumerate(_lines(text), start=1):
        if i == number:
            return line.rstrip("\r\n")
    return ""


def _read_csv(data: bytes) -> _Read | Failure:
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
    # Bounds first, by counting characters (fast, no copy): csv turns every separator into a field.
    count = text.count("\n") or text.count("\r")
    count += not text.endswith(("\n", "\r"))
    if count > MAX_ROWS:
        return Failure(f"terlalu banyak baris; tertulis {_n(count)} baris; seharusnya paling banyak "
                       f"{_n(MAX_ROWS)} baris per tabel (hapus periode lama, atau pisahkan berkasnya)", MAX_ROWS + 1)
    delimiter = _delimiter(text)
    fields = text.count(delimiter) + count
    if fields > MAX_CELLS:
        return Failure(f"terlalu banyak isian; tertulis sekitar {_n(fields)} isian (pemisah '{delimiter}'); "
                       f"seharusnya paling banyak {_n(MAX_CELLS)} isian per tabel")
    # strict: an unclosed quote must not swallow the rest of the file silently.
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    records, lines, notes, start = [], [], _Notes(), 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):  # blank lines carry no data
                if len(record) > MAX_COLUMNS:
                    far = next((i for i in range(MAX_COLUMNS, len(record)) if record[i].strip()), None)
                    if far is not None:
                        return _too_wide(start, far + 1)
                    del record[MAX_COLUMNS:]
                if max(map(len, record)) > MAX_VALUE_CHARS:
                    for position, cell in enumerate(record, start=1):
                        if len(cell) > MAX_VALUE_CHARS:
                            notes.add(len(records), position, "long", _long(cell, len(cell)))
                            record[position - 1] = cell[:MAX_VALUE_CHARS]
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        line = _line_at(text, start)
        if "field larger than field limit" in str(exc):
            return Failure(f"isian terlalu panjang mulai baris ini, atau tanda kutip tidak berpasangan; tertulis "
                           f"'{line[:60]}'; seharusnya isian paling banyak {_n(MAX_VALUE_CHARS)} karakter, dan "
                           "setiap isian yang diawali \" juga diakhiri \"", start)
        return Failure(f"tanda kutip tidak berpasangan, berkas tidak bisa dibaca mulai baris ini; tertulis "
                       f"'{line[:60]}'; seharusnya setiap isian yang diawali \" juga diakhiri \"", start)
    detected = {"format": "csv", "delimiter": delimiter, "encoding": encoding,
                "decimal": _decimal(delimiter, text)}
    return _Read(records, lines, detected, notes)


def _too_wide(row: int, column: int) -> Failure:
    return Failure(f"terlalu banyak kolom; tertulis isian di kolom ke-{column}; seharusnya paling banyak "
                   f"{MAX_COLUMNS} kolom (hapus kolom yang tidak dipakai)", row, f"kolom ke-{column}")


def _long(text: str, length: int) -> str:
    return f"'{text[:40]}…' ({_n(length)} karakter)"


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


# --- XLSX ---

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # expat joins namespace and name with "}"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE = (_MAIN + t for t in ("row", "c", "v", "f", "is"))
_TEXT, _PHONETIC, _SHEET_DATA, _COLUMN = (_MAIN + t for t in ("t", "rPh", "sheetData", "col"))
_TRUE = ("1", "true")


def _damaged(exc: BaseException | str) -> Failure:
    found = exc if isinstance(exc, str) else type(exc).__name__
    return Failure(f"berkas Excel tidak bisa dibuka; tertulis {found}; "
                   "seharusnya buku kerja .xlsx yang utuh (simpan ulang dari Excel)")


def _budget(part: str) -> "_Budget":
    return _Budget(part, 3 * MAX_CELLS + MAX_ROWS)


class _Budget:
    """Elements a streamed part may hold: a cell is at most three (c, v or is+t, f), plus the rows.

    XML that is neither rows nor cells costs parsing time too; past this, reading stops.
    """

    def __init__(self, part: str, elements: int):
        self.part, self.left = part, elements

    def exceeded(self) -> _Stop:
        return _Stop(_damaged(f"bagian '{self.part}' berisi lebih dari {_n(3 * MAX_CELLS + MAX_ROWS)} unsur XML"))


def _read_xlsx(name: str, data: bytes) -> _Read | Failure:
    """The sheet a person sees, read as Excel shows it; every part within the bounds above."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            failure = _check_parts(archive)
            if failure:
                return failure
            book = _Book(archive)
            sheet = _choose_sheet(name, book)
            if isinstance(sheet, Failure):
                return sheet
            title, part = sheet
            dates, durations = _date_styles(archive)
            strings = _shared_strings(archive, book.strings)
            reader = _Sheet(part, strings, dates, durations, book.epoch)
            _parse(archive, part, reader)
            if not (book.recalc or reader.recalc):
                reader.notes.discard("recalc")  # saved values are current: Excel shows them as saved
    except _Stop as stop:
        return stop.failure
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails anywhere (zip, zlib, XML): one message
        return _damaged(exc)
    if not reader.records:
        return Failure(f"lembar '{title}' kosong; tertulis tidak ada baris; "
                       "seharusnya baris judul kolom lalu baris data")
    return _Read(reader.records, reader.lines, {"format": "xlsx", "sheet": title, "decimal": ","},
                 reader.notes, frozenset(reader.hidden_columns))


def _check_parts(archive: zipfile.ZipFile) -> Failure | None:
    """Sizes from the zip's directory, before anything is unpacked.

    zipfile never unpacks a part past its declared size (a lie ends in a CRC error), so the
    declared sizes bound what any parser below can be fed.
    """
    parts = archive.infolist()
    if len(parts) > MAX_XLSX_PARTS:
        return Failure(f"berkas Excel berisi terlalu banyak bagian; tertulis {_n(len(parts))} bagian; "
                       f"seharusnya paling banyak {_n(MAX_XLSX_PARTS)} (simpan tabel ini saja di buku kerja baru)")
    twice = [n for n, k in Counter(p.filename for p in parts).items() if k > 1]
    if twice:  # which copy a reader takes is up to the reader: Excel repairs, others pick one
        return _damaged(f"bagian '{twice[0]}' tersimpan lebih dari sekali")
    for part in parts:
        if part.file_size > _RATIO_FROM and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            return Failure(f"berkas Excel tidak wajar: isinya mengembang {_n(part.file_size // max(part.compress_size, 1))} "
                           f"kali saat dibuka; tertulis bagian '{part.filename}' {_n(part.compress_size)} byte menjadi "
                           f"{_n(part.file_size)} byte; seharusnya buku kerja biasa (paling banyak {MAX_XLSX_RATIO} "
                           "kali): simpan ulang dari Excel, atau kirim sebagai CSV")
    total = sum(p.file_size for p in parts)
    if total > MAX_XLSX_INFLATED:
        return Failure(f"berkas Excel terlalu besar setelah dibuka; tertulis {_n(total)} byte; seharusnya paling "
                       f"banyak {_n(MAX_XLSX_INFLATED)} byte (simpan tabel ini saja, atau kirim sebagai CSV)")
    return None


def _part_size(archive: zipfile.ZipFile, part: str) -> None:
    """A part openpyxl parses whole, as a tree: refused past MAX_XLSX_PART before it is."""
    size = archive.getinfo(part).file_size
    if size > MAX_XLSX_PART:
        raise _Stop(_damaged(f"bagian '{part}' sebesar {_n(size)} byte (paling banyak {_n(MAX_XLSX_PART)})"))


class _Book:
    """The workbook's structure, from openpyxl's own readers for it: sheets, states, active tab.

    Only the small parts are read here (content types, workbook, its relations), each size
    checked first; sheets, shared strings and styles are streamed by this module's parsers.
    """

    def __init__(self, archive: zipfile.ZipFile):
        from openpyxl.packaging.manifest import Manifest
        from openpyxl.reader.excel import _find_workbook_part
        from openpyxl.reader.workbook import WorkbookParser
        from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
        from openpyxl.xml.functions import fromstring
        from openpyxl.packaging.relationship import get_rels_path

        _part_size(archive, ARC_CONTENT_TYPES)
        manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        workbook = _find_workbook_part(manifest).PartName[1:]
        _part_size(archive, workbook)
        rels = get_rels_path(workbook)
        if rels in archive.namelist():
            _part_size(archive, rels)
        parser = WorkbookParser(archive, workbook, keep_links=False)  # links to other files are never read
        parser.parse()
        self.epoch = parser.wb.epoch
        self.active = parser.wb._active_sheet_index  # activeTab: an index into <sheets>
        names = set(archive.namelist())
        self.sheets = []  # (title, state, part or None when not a worksheet stored in the file)
        for sheet in parser.sheets:
            rel = parser.rels.get(sheet.id) if sheet.id else None
            part = rel.target if rel is not None and rel.Type.endswith("/worksheet") else None
            self.sheets.append((sheet.name, sheet.state or "visible", part if part in names else None))
        # Cached formula values are stale when the file asks Excel to recalculate on opening
        # (xlsxwriter saves 0 for every formula and sets this); openpyxl's default hides it.
        self.recalc = _attribute(archive, workbook, _MAIN + "calcPr", "fullCalcOnLoad") in _TRUE
        strings = manifest.find(SHARED_STRINGS)
        self.strings = strings.PartName[1:] if strings is not None else None


def _choose_sheet(name: str, book: _Book) -> tuple[str, str] | Failure:
    """The sheet a person sees: named after the table, else the active one, else the first shown.

    A hidden sheet is never read: when the only sheet named after the table is hidden, which
    sheet holds the month's data is the analyst's call, so the file is refused by name.
    """
    sheets = [(title, state, part) for title, state, part in book.sheets if part]
    if not sheets:
        return Failure("buku kerja tanpa lembar data; tertulis hanya lembar grafik atau lembar rusak; "
                       f"seharusnya satu lembar berisi tabel {name}")
    named = [s for s in sheets if normalise_header(s[0]) == name]
    shown = [s for s in named if s[1] == "visible"]
    if len(shown) > 1:
        both = " dan ".join(f"'{s[0]}'" for s in shown)
        return Failure(f"lebih dari satu lembar bernama {name}; tertulis lembar {both}; "
                       f"seharusnya hanya satu lembar {name}")
    if shown:
        return shown[0][0], shown[0][2]
    if named:
        title, state = named[0][:2]
        how = "disembunyikan penuh (veryHidden)" if state == "veryHidden" else "disembunyikan (hidden)"
        return Failure(f"lembar '{title}' tersembunyi di Excel; tertulis lembar '{title}' {how}; seharusnya "
                       "tampilkan lembar itu (klik kanan nama lembar, Unhide) atau hapus lembar itu, lalu simpan")
    visible = [s for s in sheets if s[1] == "visible"]
    if not visible:
        listed = ", ".join(f"'{s[0]}'" for s in sheets)
        return Failure(f"tidak ada lembar yang terlihat; tertulis lembar {listed} semuanya tersembunyi; "
                       "seharusnya lembar berisi tabel yang terlihat di Excel (Unhide)")
    if 0 <= book.active < len(book.sheets):
        title, state, part = book.sheets[book.active]
        if part and state == "visible":
            return title, part
    return visible[0][0], visible[0][2]


def _parser(start=None, end=None, text=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 2**16
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text

    def refuse(*_):  # parts of a workbook never declare a DTD: no entities to expand
        raise _Stop(_damaged("deklarasi DOCTYPE"))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _parse(archive: zipfile.ZipFile, part: str, handlers) -> None:
    """Stream one part through expat: nothing is kept but what the handlers keep."""
    parser = _parser(handlers.start, handlers.end, handlers.text)
    with archive.open(part) as stream:
        while chunk := stream.read(2**16):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _attribute(archive: zipfile.ZipFile, part: str, element: str, name: str) -> str | None:
    found: list[str | None] = []

    def start(tag, attrs):
        if tag == element and not found:
            found.append(attrs.get(name))

    parser = _parser(start)
    parser.Parse(archive.read(part), True)
    return found[0] if found else None


def _date_styles(archive: zipfile.ZipFile) -> tuple[set[int], set[int]]:
    """Cell formats (by index) showing a date or a duration, as openpyxl's stylesheet decides.

    Streamed: only the number formats and the cell formats are kept, at most MAX_XLSX_STYLES.
    """
    from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

    if "xl/styles.xml" not in archive.namelist():  # where openpyxl looks for it, too
        return set(), set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    depth = [0, None]  # element depth, depth of <cellXfs>
    budget = _budget("xl/styles.xml")

    def start(tag, attrs):
        depth[0] += 1
        budget.left -= 1
        if budget.left < 0:
            raise budget.exceeded()
        if tag == _MAIN + "numFmt":
            custom[int(attrs.get("numFmtId", 0))] = attrs.get("formatCode", "")
        elif tag == _MAIN + "cellXfs":
            depth[1] = depth[0]
        elif tag == _MAIN + "xf" and depth[1] is not None and depth[0] == depth[1] + 1:
            formats.append(int(attrs.get("numFmtId", 0)))
            if len(formats) > MAX_XLSX_STYLES:
                raise _Stop(_damaged(f"lebih dari {_n(MAX_XLSX_STYLES)} format sel"))

    def end(tag):
        if depth[0] == depth[1]:
            depth[1] = None
        depth[0] -= 1

    parser = _parser(start, end)
    with archive.open("xl/styles.xml") as stream:
        while chunk := stream.read(2**16):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    dates, durations = set(), set()
    for index, number in enumerate(formats):
        code = custom[number] if number in custom else builtin_format_code(number)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


class _Strings:
    """Stream the shared strings: the text of each <si>, phonetic runs left out, as openpyxl reads it."""

    def __init__(self, part: str):
        self.strings: list[str] = []
        self.chars = 0
        self.current: list[str] | None = None
        self.capture = False
        self.phonetic = 0
        self.budget = _budget(part)

    def start(self, tag, attrs):
        self.budget.left -= 1
        if self.budget.left < 0:
            raise self.budget.exceeded()
        if tag == _MAIN + "si":
            self.current = []
        elif tag == _PHONETIC:
            self.phonetic += 1
        elif tag == _TEXT and self.current is not None and not self.phonetic:
            self.capture = True

    def end(self, tag):
        if tag == _TEXT:
            self.capture = False
        elif tag == _PHONETIC:
            self.phonetic -= 1
        elif tag == _MAIN + "si" and self.current is not None:
            text = "".join(self.current).replace("x005F_", "")
            self.current = None
            self.strings.append(text)
            self.chars += len(text)
            if len(self.strings) > MAX_CELLS:
                raise _Stop(Failure(f"terlalu banyak teks berbeda di buku kerja; tertulis lebih dari {_n(MAX_CELLS)}; "
                                    f"seharusnya paling banyak {_n(MAX_CELLS)} (simpan tabel ini saja di buku kerja baru)"))
            if self.chars > MAX_TEXT_CHARS:
                raise _Stop(_too_much_text())

    def text(self, data):
        if self.capture:
            self.current.append(data)


def _too_much_text(row: int | None = None) -> Failure:
    return Failure(f"terlalu banyak teks; tertulis lebih dari {_n(MAX_TEXT_CHARS)} karakter; seharusnya paling "
                   f"banyak {_n(MAX_TEXT_CHARS)} karakter per tabel (hapus kolom atau periode yang tidak dipakai)", row)


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or part not in archive.namelist():
        return []
    strings = _Strings(part)
    _parse(archive, part, strings)
    return strings.strings


class _Sheet:
    """Stream one worksheet: each row stored in the file, its cells as the text Excel shows.

    The <dimension> tag is never read: rows and columns are what the sheet holds. Rows and
    cells must come in order (Excel writes them so; a reader taking the first or the last of
    two copies would read another table than Excel shows). A formula's value is the one Excel
    saved; none saved, or a stale one, is a finding. Nothing is kept but the rows holding data.
    """

    def __init__(self, part: str, strings: list[str], dates: set[int], durations: set[int], epoch):
        from openpyxl.utils.datetime import from_excel, from_ISO8601
        from openpyxl.worksheet._reader import _cast_number

        self.number, self.from_serial, self.from_iso = _cast_number, from_excel, from_ISO8601  # openpyxl's own
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.recalc = False  # the sheet asks Excel to recalculate on opening (<sheetCalcPr>, after the rows)
        self.budget = _budget(part)
        self.records: list[list[str]] = []
        self.lines: list[int] = []
        self.notes = _Notes()
        self.hidden_columns: set[int] = set()
        self.rows = self.cells = self.chars = 0
        self.depth = 0
        self.data_depth = self.row_depth = -1  # depth of the open <sheetData>, <row>
        self.row = self.column = 0  # the current row's number, its last cell's column
        self.row_text = "0"
        self.row_hidden = False
        self.row_cells: list[tuple[int, str]] = []
        self.row_notes: list[tuple[int, str, str]] = []
        self.cell: dict | None = None  # attributes of the open <c>
        self.cell_depth = -1
        self.value: list[str] | None = None  # text of <v>, or of <is> for an inline string
        self.formula: list[str] | None = None
        self.target: list[str] | None = None  # which of the two receives character data
        self.kept = self.seen = 0  # characters kept in the target, and seen
        self.phonetic = 0

    # expat handlers
    def start(self, tag, attrs):
        self.depth += 1
        self.budget.left -= 1
        if self.budget.left < 0:
            raise self.budget.exceeded()
        if self.cell is not None:
            if tag == _VALUE or tag == _INLINE:
                self.value, self.kept, self.seen = [], 0, 0
                self.target = self.value if tag == _VALUE else None
            elif tag == _FORMULA:
                self.formula = self.target = []
            elif tag == _TEXT and self.value is not None and not self.phonetic and self.depth > self.cell_depth + 1:
                self.target = self.value  # a run of an inline string
            elif tag == _PHONETIC:
                self.phonetic += 1
        elif tag == _CELL and self.depth == self.row_depth + 1:
            self.cell, self.cell_depth = attrs, self.depth
            self.value = self.formula = self.target = None
            self.kept = self.seen = 0
        elif tag == _ROW and self.depth == self.data_depth + 1:
            self.start_row(attrs)
        elif tag == _SHEET_DATA and self.depth == 2:
            self.data_depth = 2
        elif tag == _COLUMN and self.data_depth < 0:
            self.hidden_range(attrs)
        elif tag == _MAIN + "sheetCalcPr" and attrs.get("fullCalcOnLoad") in _TRUE:
            self.recalc = True

    def end(self, tag):
        depth = self.depth
        self.depth -= 1
        if self.cell is not None:
            if depth == self.cell_depth:
                self.end_cell()
            elif tag == _VALUE or tag == _FORMULA or tag == _TEXT:
                self.target = None
            elif tag == _PHONETIC:
                self.phonetic -= 1
        elif depth == self.row_depth:
            self.end_row()
        elif depth == self.data_depth:
            self.data_depth = -1

    def text(self, data):
        target = self.target
        if target is None:
            return
        if target is self.formula:
            if len(target) < 8:  # enough to quote the formula
                target.append(data)
            return
        self.seen += len(data)
        if self.kept <= MAX_VALUE_CHARS:  # a value too long is reported; only its start is kept
            piece = data[:MAX_VALUE_CHARS + 1 - self.kept]
            target.append(piece)
            self.kept += len(piece)

    # rows and cells
    def start_row(self, attrs):
        self.rows += 1
        written = attrs.get("r")
        number = _row_number(written) if written else self.row + 1
        if self.rows > MAX_ROWS:
            raise _Stop(Failure(f"terlalu banyak baris; tertulis lebih dari {_n(MAX_ROWS)} baris; seharusnya paling "
                                f"banyak {_n(MAX_ROWS)} baris per tabel (hapus periode lama, atau pisahkan berkasnya)",
                                number))
        if number <= self.row or number > _EXCEL_ROWS:
            raise _Stop(_damaged_at("baris tersimpan dua kali atau tidak berurutan",
                                    f"baris {number} sesudah baris {self.row}", number))
        self.row, self.row_depth, self.column = number, self.depth, 0
        self.row_text = str(number)
        self.row_hidden = attrs.get("hidden") in _TRUE

    def end_cell(self):
        attrs, self.cell, self.target = self.cell, None, None
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise _Stop(Failure(f"terlalu banyak sel; tertulis lebih dari {_n(MAX_CELLS)} sel; seharusnya paling "
                                f"banyak {_n(MAX_CELLS)} sel per tabel (hapus kolom atau periode yang tidak dipakai)",
                                self.row))
        written = attrs.get("r")
        if written:
            letters = written.rstrip("0123456789")
            column = _COLUMNS.get(letters) or _column_index(letters, written, self.row)
            digits = written[len(letters):]
            if digits != self.row_text and (not digits.isdigit() or int(digits) != self.row):
                raise _Stop(_damaged_at("sel tersimpan di baris lain", f"sel {written} di dalam baris {self.row}",
                                        self.row))
        else:
            column = self.column + 1
        if column <= self.column or column > _EXCEL_COLUMNS:
            raise _Stop(_damaged_at("sel tersimpan dua kali atau tidak berurutan",
                                    f"sel {written or _column_letter(column) + self.row_text} sesudah kolom "
                                    f"ke-{self.column}", self.row, f"kolom ke-{column}"))
        self.column = column
        kind = attrs.get("t", "n")
        raw = "".join(self.value) if self.value is not None else None
        value = self._value(kind, attrs.get("s"), raw)
        text = value if type(value) is str else _cell_text(value, ",")
        noted = False
        if self.formula is not None:
            formula = "".join(self.formula)
            quoted = f"'={formula[:40]}'" if formula else "sebuah rumus"  # a shared formula's other cells: no text
            if not (raw or (raw is not None and kind in ("str", "inlineStr"))):
                self.row_notes.append((column, "formula", quoted))
                noted = True
            else:  # kept only if the workbook or the sheet asks Excel to recalculate (known at the end)
                self.row_notes.append((column, "recalc", f"{quoted} dengan nilai tersimpan '{text[:40]}'"))
        if len(text) > MAX_VALUE_CHARS or self.seen > MAX_VALUE_CHARS:
            self.row_notes.append((column, "long", _long(text, max(len(text), self.seen))))
            text, noted = text[:MAX_VALUE_CHARS], True
        if column > MAX_COLUMNS:
            if noted or text.strip():
                raise _Stop(_too_wide(self.row, column))
            return  # formatted but empty, far to the right: not data
        if text or noted:
            self.row_cells.append((column, text))
            self.chars += len(text)
            if self.chars > MAX_TEXT_CHARS:
                raise _Stop(_too_much_text(self.row))

    def _value(self, kind: str, style: str | None, raw: str | None):
        """The cell's value as openpyxl's reader gives it (data_only): numbers, dates, text, booleans."""
        if kind == "inlineStr":
            return raw
        if not raw:
            return None
        if kind == "n":
            number = self.number(raw)
            if style and int(style) in self.dates:
                try:
                    return self.from_serial(number, self.epoch, timedelta=int(style) in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return self.from_iso(raw)
        return raw  # "str" (a formula's text), "e" (an error such as #N/A): as written

    def end_row(self):
        cells, notes = self.row_cells, self.row_notes
        self.row_cells, self.row_notes, self.row_depth = [], [], -1
        if not any(kind != "recalc" for _, kind, _ in notes) and not any(text.strip() for _, text in cells):
            return  # blank rows carry no data
        index = len(self.records)
        record = [""] * max(column for column, _ in cells) if cells else []
        for column, text in cells:
            record[column - 1] = text
        for column, kind, found in notes:
            self.notes.add(index, column, kind, found)
        if self.row_hidden:
            column, text = next((c, t) for c, t in cells if t.strip()) if any(t.strip() for _, t in cells) \
                else (notes[0][0], "")
            self.notes.add(index, column, "hidden_row", f"'{text[:40]}' di baris {self.row}")
        self.records.append(record)
        self.lines.append(self.row)

    def hidden_range(self, attrs):
        if attrs.get("hidden") in _TRUE:
            low, high = int(attrs.get("min", 0)), int(attrs.get("max", 0))
            self.hidden_columns.update(range(max(low, 1), min(high, MAX_COLUMNS) + 1))


def _row_number(written: str) -> int:
    try:
        return int(written)
    except ValueError:
        number = float(written)  # openpyxl accepts "5.0"
        if not number.is_integer():
            raise
        return int(number)


_COLUMNS: dict[str, int] = {}  # "AB" -> 28, filled as met


def _column_index(letters: str, written: str, row: int) -> int:
    if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()
            and written[len(letters):].isdigit()):
        raise _Stop(_damaged_at("alamat sel tidak sah", f"'{written}'", row))
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    _COLUMNS[letters] = index
    return index


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _damaged_at(what: str, found: str, row: int, column: str | None = None) -> Failure:
    """A sheet stored as Excel never stores one: which table Excel would show is not certain."""
    return Failure(f"berkas Excel tidak wajar: {what}; tertulis {found}; seharusnya baris dan sel berurutan, "
                   "masing-masing sekali, seperti yang disimpan Excel: buka berkas di Excel lalu simpan ulang",
                   row, column)


def _header_at(records: list[list[str]], expected: tuple[str, ...]) -> int:
    """Index of the header row: the first of the top rows naming an expected column.

    Branch exports often put a title ("Data Kepesertaan Oktober 2026") above the table.
    """
    for i, record in enumerate(records[:_HEADER_SEARCH]):
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


def _to_table(name: str, path: Path, read: _Read, source: dict,
              expected: tuple[str, ...] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Header row + data rows -> RawTable; ragged rows, doubled headers and the readers' findings are problems."""
    where = display_path(path)
    records, lines = read.records, read.lines
    top = _header_at(records, expected)
    if top:
        source["header_row"] = lines[top]
    header, header_line = records[top], lines[top]
    while header and not header[-1].strip():
        header = header[:-1]  # Excel often keeps empty trailing columns
    body_records = records[top + 1:]
    headers, problems = _read_header(header, body_records, header_line, where)
    width = len(header)

    def column_name(position: int) -> str:
        written = header[position - 1].strip() if position <= width else ""
        return written or f"kolom ke-{position}"

    findings = Counter()
    for record, position, kind, found in read.notes.kept:
        if record < top:
            continue  # a title row above the header
        findings[kind] += 1
        if findings[kind] > MAX_LISTED:
            continue
        message = _NOTES[kind].format(found=found, limit=_n(MAX_VALUE_CHARS))
        problems.append(Problem(where, message, lines[record], column_name(position)))
    for kind in sorted(set(findings) | set(read.notes.more)):
        more = max(findings[kind] - MAX_LISTED, 0) + read.notes.more[kind]
        if more:
            problems.append(Problem(where, _MORE[kind].format(n=_n(more), listed=MAX_LISTED,
                                                              limit=_n(MAX_VALUE_CHARS))))
    for position in sorted(read.hidden_columns):
        if position <= width and header[position - 1].strip() and any(
                len(r) >= position and r[position - 1].strip() for r in body_records):
            problems.append(Problem(where, f"kolom ini tersembunyi di Excel tetapi berisi data; tertulis kolom "
                                           f"{_column_letter(position)} '{header[position - 1].strip()}' disembunyikan; "
                                           "seharusnya semua kolom data terlihat: tampilkan kolom ini (Unhide), atau "
                                           "hapus kolomnya", header_line, header[position - 1].strip()))
    body: list[list[str]] = []
    for record, line in zip(body_records, lines[top + 1:]):
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
    return RawTable(name, path, frame, list(lines[top + 1:]), headers, source, header_line), problems
