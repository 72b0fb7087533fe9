"""XLSX as Excel shows it: the visible sheet, every stored row, formulas with their values.

A workbook is a zip of XML parts. Its structure (which sheets exist, which is active,
which are hidden) is read with openpyxl; the sheet itself, its shared strings and date
formats are streamed with expat, because openpyxl cannot be bounded (shared strings and
styles are parsed whole) and trusts the sheet's `<dimension>` tag. Every part is
size-checked before it is parsed; formulas without a saved value and hidden rows or
columns holding data become findings at their cell.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from io import BytesIO
from xml.parsers import expat

from briefs.data import raw  # limits read through the module: one place to change (or patch in a test)
from briefs.data.raw import Failure, _cell_text, _long, _n, _Notes, _Read, _Stop, _too_wide, normalise_header

# --- XLSX ---

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"  # expat joins namespace and name with "}"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE = (_MAIN + t for t in ("row", "c", "v", "f", "is"))
_TEXT, _PHONETIC, _SHEET_DATA, _COLUMN = (_MAIN + t for t in ("t", "rPh", "sheetData", "col"))
_TRUE = ("1", "true")


def _damaged(exc: BaseException | str) -> Failure:
    found = exc if isinstance(exc, str) else type(exc).__name__
    return Failure(f"berkas Excel tidak bisa dibuka; tertulis {found}; "
                   "seharusnya buku kerja .xlsx yang utuh (simpan ulang dari Excel)")


def _max_cells() -> int:
    """Cells a sheet may store: a workbook is read cell by cell in Python, so its bound is its own."""
    return min(raw.MAX_CELLS, raw.MAX_XLSX_CELLS)


def _elements() -> int:
    return 3 * _max_cells() + min(raw.MAX_ROWS, raw._EXCEL_ROWS)


def _budget(part: str) -> _Budget:
    return _Budget(part, _elements())


class _Budget:
    """Elements a streamed part may hold: a cell is at most three (c, v or is+t, f), plus the rows.

    XML that is neither rows nor cells costs parsing time too; past this, reading stops.
    """

    def __init__(self, part: str, elements: int):
        self.part, self.left = part, elements

    def exceeded(self) -> _Stop:
        return _Stop(_damaged(f"bagian '{self.part}' berisi lebih dari {_n(_elements())} unsur XML"))


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
            with raw.no_gc():  # a list per row: see raw.no_gc
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
    if len(parts) > raw.MAX_XLSX_PARTS:
        return Failure(f"berkas Excel berisi terlalu banyak bagian; tertulis {_n(len(parts))} bagian; "
                       f"seharusnya paling banyak {_n(raw.MAX_XLSX_PARTS)} (simpan tabel ini saja di buku kerja baru)")
    twice = [n for n, k in Counter(p.filename for p in parts).items() if k > 1]
    if twice:  # which copy a reader takes is up to the reader: Excel repairs, others pick one
        return _damaged(f"bagian '{twice[0]}' tersimpan lebih dari sekali")
    for part in parts:
        if part.file_size > raw._RATIO_FROM and part.file_size > raw.MAX_XLSX_RATIO * max(part.compress_size, 1):
            return Failure(f"berkas Excel tidak wajar: isinya mengembang {_n(part.file_size // max(part.compress_size, 1))} "
                           f"kali saat dibuka; tertulis bagian '{part.filename}' {_n(part.compress_size)} byte menjadi "
                           f"{_n(part.file_size)} byte; seharusnya buku kerja biasa (paling banyak {raw.MAX_XLSX_RATIO} "
                           "kali): simpan ulang dari Excel, atau kirim sebagai CSV")
    total = sum(p.file_size for p in parts)
    if total > raw.MAX_XLSX_INFLATED:
        return Failure(f"berkas Excel terlalu besar setelah dibuka; tertulis {_n(total)} byte; seharusnya paling "
                       f"banyak {_n(raw.MAX_XLSX_INFLATED)} byte (simpan tabel ini saja, atau kirim sebagai CSV)")
    return None


def _part_size(archive: zipfile.ZipFile, part: str) -> None:
    """A part openpyxl parses whole, as a tree: refused past raw.MAX_XLSX_PART before it is."""
    size = archive.getinfo(part).file_size
    if size > raw.MAX_XLSX_PART:
        raise _Stop(_damaged(f"bagian '{part}' sebesar {_n(size)} byte (paling banyak {_n(raw.MAX_XLSX_PART)})"))


class _Book:
    """The workbook's structure, from openpyxl's own readers for it: sheets, states, active tab.

    Only the small parts are read here (content types, workbook, its relations), each size
    checked first; sheets, shared strings and styles are streamed by this module's parsers.
    """

    def __init__(self, archive: zipfile.ZipFile):
        from openpyxl.packaging.manifest import Manifest
        from openpyxl.packaging.relationship import get_rels_path
        from openpyxl.reader.excel import _find_workbook_part
        from openpyxl.reader.workbook import WorkbookParser
        from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
        from openpyxl.xml.functions import fromstring

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

    Streamed: only the number formats and the cell formats are kept, at most raw.MAX_XLSX_STYLES.
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
            if len(formats) > raw.MAX_XLSX_STYLES:
                raise _Stop(_damaged(f"lebih dari {_n(raw.MAX_XLSX_STYLES)} format sel"))

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
            if len(self.strings) > _max_cells():
                raise _Stop(Failure(f"terlalu banyak teks berbeda di buku kerja; tertulis lebih dari "
                                    f"{_n(_max_cells())}; seharusnya paling banyak {_n(_max_cells())} "
                                    f"(simpan tabel ini saja di buku kerja baru)"))
            if self.chars > raw.MAX_TEXT_CHARS:
                raise _Stop(_too_much_text())

    def text(self, data):
        if self.capture:
            self.current.append(data)


def _too_much_text(row: int | None = None) -> Failure:
    return Failure(f"terlalu banyak teks; tertulis lebih dari {_n(raw.MAX_TEXT_CHARS)} karakter; seharusnya paling "
                   f"banyak {_n(raw.MAX_TEXT_CHARS)} karakter per tabel (hapus kolom atau periode yang tidak dipakai)", row)


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
        self.max_cells = _max_cells()
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
            if tag in (_VALUE, _INLINE):
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
            elif tag in (_VALUE, _FORMULA, _TEXT):
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
        if self.kept <= raw.MAX_VALUE_CHARS:  # a value too long is reported; only its start is kept
            piece = data[:raw.MAX_VALUE_CHARS + 1 - self.kept]
            target.append(piece)
            self.kept += len(piece)

    # rows and cells
    def start_row(self, attrs):
        self.rows += 1
        written = attrs.get("r")
        number = _row_number(written) if written else self.row + 1
        if self.rows > raw.MAX_ROWS:
            raise _Stop(Failure(f"terlalu banyak baris; tertulis lebih dari {_n(raw.MAX_ROWS)} baris; seharusnya paling "
                                f"banyak {_n(raw.MAX_ROWS)} baris per tabel (hapus periode lama, atau pisahkan berkasnya)",
                                number))
        if number <= self.row or number > raw._EXCEL_ROWS:
            raise _Stop(_damaged_at("baris tersimpan dua kali atau tidak berurutan",
                                    f"baris {number} sesudah baris {self.row}", number))
        self.row, self.row_depth, self.column = number, self.depth, 0
        self.row_text = str(number)
        self.row_hidden = attrs.get("hidden") in _TRUE

    def end_cell(self):
        attrs, self.cell, self.target = self.cell, None, None
        self.cells += 1
        if self.cells > self.max_cells:
            raise _Stop(Failure(f"terlalu banyak sel; tertulis lebih dari {_n(self.max_cells)} sel; seharusnya paling "
                                f"banyak {_n(self.max_cells)} sel per tabel (hapus kolom atau periode yang tidak dipakai, "
                                "atau kirim sebagai CSV)",
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
        if column <= self.column or column > raw._EXCEL_COLUMNS:
            raise _Stop(_damaged_at("sel tersimpan dua kali atau tidak berurutan",
                                    f"sel {written or _column_letter(column) + self.row_text} sesudah kolom "
                                    f"ke-{self.column}", self.row, f"kolom ke-{column}"))
        self.column = column
        if self.value is None and self.formula is None:
            return  # no value and no formula (often only a format): nothing to read, nothing to report
        kind = attrs.get("t", "n")
        stored = "".join(self.value) if self.value is not None else None
        value = self._value(kind, attrs.get("s"), stored)
        text = value if type(value) is str else _cell_text(value, ",")
        noted = False
        if self.formula is not None:
            formula = "".join(self.formula)
            quoted = f"'={formula[:40]}'" if formula else "sebuah rumus"  # a shared formula's other cells: no text
            if not (stored or (stored is not None and kind in ("str", "inlineStr"))):
                self.row_notes.append((column, "formula", quoted))
                noted = True
            else:  # kept only if the workbook or the sheet asks Excel to recalculate (known at the end)
                self.row_notes.append((column, "recalc", f"{quoted} dengan nilai tersimpan '{text[:40]}'"))
        if len(text) > raw.MAX_VALUE_CHARS or self.seen > raw.MAX_VALUE_CHARS:
            self.row_notes.append((column, "long", _long(text, max(len(text), self.seen))))
            text, noted = text[:raw.MAX_VALUE_CHARS], True
        if column > raw.MAX_COLUMNS:
            if noted or text.strip():
                raise _Stop(_too_wide(self.row, column))
            return  # formatted but empty, far to the right: not data
        if text or noted:
            self.row_cells.append((column, text))
            self.chars += len(text)
            if self.chars > raw.MAX_TEXT_CHARS:
                raise _Stop(_too_much_text(self.row))

    def _value(self, kind: str, style: str | None, stored: str | None):
        """The cell's value as openpyxl's reader gives it (data_only): numbers, dates, text, booleans."""
        if kind == "inlineStr":
            return stored
        if not stored:
            return None
        if kind == "n":
            number = self.number(stored)
            if style and int(style) in self.dates:
                try:
                    return self.from_serial(number, self.epoch, timedelta=int(style) in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(stored)]
        if kind == "b":
            return bool(int(stored))
        if kind == "d":
            return self.from_iso(stored)
        return stored  # "str" (a formula's text), "e" (an error such as #N/A): as written

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
            self.hidden_columns.update(range(max(low, 1), min(high, raw.MAX_COLUMNS) + 1))


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
