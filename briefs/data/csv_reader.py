"""CSV as analysts' tools save it: either convention, any of the usual encodings, within bounds.

`,` and `.` (`1234.5`), or as an Indonesian Excel saves it: `;` between columns, `1.234`
thousands, `12,5` decimals; UTF-8 with or without BOM, UTF-16, or Windows-1252. The
encoding, delimiter and decimal mark are detected and recorded.

Two readers, one result. The exact reader is Python's `csv` module, line by line: it
names the line of an unclosed quote, a field past its limit, a row too wide. The fast
reader is pandas' C parser (4 times faster on a national table, in a third of the memory), used only
when the bytes show, cheaply and before parsing, that the file holds none of what the two
could read differently: a NUL, a lone CR, a quote that is not a whole field on one line, a
line longer than a value may be, more columns than allowed. Then every row lands on its
own line, and both readers give the same table (tests/test_csv_paths.py holds them to it).
Any file the fast reader declines, or whose parse does not come out as the bytes said, is
read by the exact one: a damaged file is slower to read, never read differently.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings

import numpy as np
import pandas as pd

from briefs.data import distinct, raw  # limits read through the module: one place to change (or patch in a test)
from briefs.data.raw import Failure, _long, _n, _Notes, _Read, _too_wide

_CHUNK = 2**20  # bytes decoded at a time while checking the encoding: the whole text is never held for it
_HEAD = 2**20  # characters the delimiter is detected from
_BOM = b"\xef\xbb\xbf"


def _encoding(data: bytes) -> str | None:
    """BOM first, then strict UTF-8, then Windows-1252 (old Excel); None when none decodes the bytes.

    Checked in chunks: a large file is never held twice (bytes and text) only to learn how it decodes.
    """
    if data.startswith(_BOM):
        return "utf-8-sig" if _decodes(data, "utf-8-sig") else None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16" if _decodes(data, "utf-16") else None  # Excel's "Unicode text"
    for encoding in ("utf-8", "cp1252"):
        if _decodes(data, encoding):
            return encoding
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start:start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _blank(data: bytes, encoding: str) -> bool:
    """The text holds nothing but whitespace (as `str.strip` sees it); decoded a chunk at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        if decoder.decode(view[start:start + _CHUNK]).strip():
            return False
    return not decoder.decode(b"", final=True).strip()


def _head(data: bytes, encoding: str) -> str:
    """The first _HEAD characters of the text (a character is at most 4 bytes; UTF-16 at most 4 too)."""
    return codecs.getincrementaldecoder(encoding)().decode(memoryview(data)[:4 * _HEAD + 4])[:_HEAD]


def _decode(data: bytes, encoding: str) -> str:
    return data.decode(encoding)  # utf-8-sig drops the BOM, utf-16 reads it


def _delimiter(text: str) -> str:
    """The separator the top lines use most: `;` for Indonesian Excel, else `,` or tab.

    The top ten lines, not only the first: a title row above the header has no separators.
    """
    top = text[:_HEAD].splitlines()[:10]
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
    encoding = _encoding(data)
    if encoding is None:
        return Failure("berkas tidak bisa dibaca sebagai teks; tertulis isi biner; "
                       "seharusnya CSV (UTF-8 atau Windows-1252)")
    if _blank(data, encoding):
        return Failure("berkas kosong; tertulis tidak ada baris; seharusnya baris judul kolom lalu baris data")
    if encoding == "utf-16":  # two bytes a character: the bounds are counted on the text
        text = _decode(data, encoding)
        delimiter = _delimiter(text)
        return _bounded(text, delimiter) or _read_exact(text, encoding, delimiter)
    # Bounds first, on the bytes (fast, no copy): in UTF-8 and Windows-1252 a newline or a separator is
    # one byte that means nothing else. csv turns every separator into a field.
    delimiter = _delimiter(_head(data, encoding))
    failure = _bounded(data, delimiter)
    if failure:
        return failure
    fast = _read_fast(data, encoding, delimiter)
    if fast is not None:
        return fast
    return _read_exact(_decode(data, encoding), encoding, delimiter)


def _bounded(content: str | bytes, delimiter: str) -> Failure | None:
    """Rows and fields within raw.MAX_ROWS and raw.MAX_CELLS, counted before anything is parsed."""
    newline, cr = ("\n", "\r") if isinstance(content, str) else (b"\n", b"\r")
    count = content.count(newline) or content.count(cr)
    count += not content.endswith((newline, cr))
    if count > raw.MAX_ROWS:
        return Failure(f"terlalu banyak baris; tertulis {_n(count)} baris; seharusnya paling banyak "
                       f"{_n(raw.MAX_ROWS)} baris per tabel (hapus periode lama, atau pisahkan berkasnya)", raw.MAX_ROWS + 1)
    fields = content.count(delimiter if isinstance(content, str) else delimiter.encode("ascii")) + count
    if fields > raw.MAX_CELLS:
        return Failure(f"terlalu banyak isian; tertulis sekitar {_n(fields)} isian (pemisah '{delimiter}'); "
                       f"seharusnya paling banyak {_n(raw.MAX_CELLS)} isian per tabel")
    return None


def _read_exact(text: str, encoding: str, delimiter: str) -> _Read | Failure:
    """Python's csv, line by line: every problem named at its line (the reference for the fast reader)."""
    # strict: an unclosed quote must not swallow the rest of the file silently. A StringIO with
    # newline="" splits lines as universal newlines, as _lines does (line numbers agree).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, lines, notes, start = [], [], _Notes(), 1
    columns, chars = raw.MAX_COLUMNS, raw.MAX_VALUE_CHARS
    try:
        with raw.no_gc():
            for record in reader:
                if "".join(record).strip():  # blank lines carry no data (every cell blank)
                    if len(record) > columns:
                        far = next((i for i in range(columns, len(record)) if record[i].strip()), None)
                        if far is not None:
                            return _too_wide(start, far + 1)
                        del record[columns:]
                    if max(map(len, record)) > chars:
                        for position, cell in enumerate(record, start=1):
                            if len(cell) > chars:
                                notes.add(len(records), position, "long", _long(cell, len(cell)))
                                record[position - 1] = cell[:chars]
                    records.append(record)
                    lines.append(start)
                start = reader.line_num + 1
    except csv.Error as exc:
        line = _line_at(text, start)
        if "field larger than field limit" in str(exc):
            return Failure(f"isian terlalu panjang mulai baris ini, atau tanda kutip tidak berpasangan; tertulis "
                           f"'{line[:60]}'; seharusnya isian paling banyak {_n(raw.MAX_VALUE_CHARS)} karakter, dan "
                           "setiap isian yang diawali \" juga diakhiri \"", start)
        return Failure(f"tanda kutip tidak berpasangan, berkas tidak bisa dibaca mulai baris ini; tertulis "
                       f"'{line[:60]}'; seharusnya setiap isian yang diawali \" juga diakhiri \"", start)
    detected = {"format": "csv", "delimiter": delimiter, "encoding": encoding,
                "decimal": _decimal(delimiter, text)}
    return _Read(records, lines, detected, notes)


# --- The fast reader ---

_PRINTABLE = np.zeros(256, dtype=bool)
_PRINTABLE[0x21:0x7F] = True  # printable ASCII but space
_PRINTABLE[ord('"')] = False


def _read_fast(data: bytes, encoding: str, delimiter: str) -> _Read | None:
    """pandas' C parser, when the bytes show it reads this file as csv would; None otherwise.

    What the bytes must show (each checked over the whole file with numpy, no parsing):
    no NUL and no CR outside a CRLF (csv and the C parser split lines alike); every quote
    opens a field at its start and closes it at its end, on the same line (no multi-line
    field: each row is one line, so line numbers are row numbers; no stray quote, which csv
    refuses and the C parser keeps); no line longer than a value may be (no value to cut,
    no field past csv's limit); no more fields on a line than raw.MAX_COLUMNS.
    """
    if b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    body = np.frombuffer(data, dtype=np.uint8)[len(_BOM) if encoding == "utf-8-sig" else 0:]
    size, separator = len(body), ord(delimiter)
    newlines = np.flatnonzero(body == 10)
    ends = newlines if size and body[-1] == 10 else np.append(newlines, size)  # each line's end (exclusive)
    starts = np.concatenate(([0], newlines + 1))[:len(ends)]
    if len(ends) == 0 or int((ends - starts).max()) > raw.MAX_VALUE_CHARS:
        return None
    quotes = np.flatnonzero(body == 34)
    separators = np.flatnonzero(body == separator)
    if len(quotes):
        if not _whole_quoted_fields(body, quotes, newlines, separator):
            return None
        separators = separators[np.searchsorted(quotes, separators) % 2 == 0]  # not those inside quotes
    width = int((np.diff(np.searchsorted(separators, ends), prepend=0) + 1).max())
    if width > raw.MAX_COLUMNS:
        return None
    # Blank lines carry no data. A line holding printable ASCII other than a quote or the separator
    # has a value; the others (empty, spaces, separators, non-ASCII) are checked cell by cell below.
    solid = _PRINTABLE.copy()
    solid[separator] = False
    maybe_blank = np.flatnonzero(~np.maximum.reduceat(solid[body], starts))
    count = len(ends)
    del body, newlines, ends, starts, quotes, separators  # the parse below needs the memory more
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row cut to the width: never silently
            frame = pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, names=range(width), dtype=object,
                                na_filter=False, keep_default_na=False, skip_blank_lines=False, engine="c",
                                quotechar='"', doublequote=True, escapechar=None, comment=None,
                                skipinitialspace=False, index_col=False,
                                encoding="utf-8" if encoding.startswith("utf-8") else encoding)
    except (ValueError, pd.errors.ParserWarning):  # ParserError is a ValueError: csv names the line
        return None
    if len(frame) != count or not isinstance(frame.index, pd.RangeIndex):  # other lines than the bytes
        return None
    # Each column as a categorical, each distinct text once; the text column let go as soon as it is read.
    frame = pd.DataFrame({c: distinct.categorical(frame.pop(c).to_numpy(dtype=object)) for c in list(frame.columns)})
    filled = np.zeros(len(maybe_blank), dtype=bool)
    for column in frame.columns if len(maybe_blank) else ():
        numbers, values = distinct.codes(frame[column])
        filled |= np.array([bool(str(v).strip()) for v in values], dtype=bool)[numbers[maybe_blank]]
    blank = maybe_blank[~filled]
    if len(blank) == len(frame):
        return None  # nothing but blank rows: csv says so
    lines = np.arange(1, len(frame) + 1)
    if len(blank):
        keep = np.ones(len(frame), dtype=bool)
        keep[blank] = False
        frame, lines = frame[keep].reset_index(drop=True), lines[keep]
    decimal = _decimal(delimiter, _decode(data, encoding) if delimiter == "\t" else "")
    detected = {"format": "csv", "delimiter": delimiter, "encoding": encoding, "decimal": decimal}
    return _Read([], lines.tolist(), detected, frame=frame)


def _whole_quoted_fields(body: np.ndarray, quotes: np.ndarray, newlines: np.ndarray, separator: int) -> bool:
    """Every quote opens or closes a field (or doubles a quote inside one), never across a line.

    Counting quotes from the start, an odd one opens a field (after a separator, a newline or
    the start) or is the second of a doubled quote; an even one closes a field (before a
    separator, a line end or the end) or is the first of a doubled quote.
    """
    if len(quotes) % 2:
        return False  # a field left open at the end
    opening, closing = quotes[0::2], quotes[1::2]
    before = body[np.maximum(opening - 1, 0)]
    ok_open = (opening == 0) | (before == separator) | (before == 10) | (before == 34)
    after = body[np.minimum(closing + 1, len(body) - 1)]
    ok_close = (closing == len(body) - 1) | (after == separator) | (after == 13) | (after == 10) | (after == 34)
    if not (ok_open.all() and ok_close.all()):
        return False
    return not (np.searchsorted(quotes, newlines) % 2).any()  # no newline inside a quoted field
