"""CSV as analysts' tools save it: either convention, any of the usual encodings, within bounds.

`,` and `.` (`1234.5`), or as an Indonesian Excel saves it: `;` between columns, `1.234`
thousands, `12,5` decimals; UTF-8 with or without BOM, UTF-16, or Windows-1252. The
encoding, delimiter and decimal mark are detected and recorded.
"""

from __future__ import annotations

import csv
import re

from briefs.data import raw  # limits read through the module: one place to change (or patch in a test)
from briefs.data.raw import Failure, _long, _n, _Notes, _Read, _too_wide


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
    if count > raw.MAX_ROWS:
        return Failure(f"terlalu banyak baris; tertulis {_n(count)} baris; seharusnya paling banyak "
                       f"{_n(raw.MAX_ROWS)} baris per tabel (hapus periode lama, atau pisahkan berkasnya)", raw.MAX_ROWS + 1)
    delimiter = _delimiter(text)
    fields = text.count(delimiter) + count
    if fields > raw.MAX_CELLS:
        return Failure(f"terlalu banyak isian; tertulis sekitar {_n(fields)} isian (pemisah '{delimiter}'); "
                       f"seharusnya paling banyak {_n(raw.MAX_CELLS)} isian per tabel")
    # strict: an unclosed quote must not swallow the rest of the file silently.
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    records, lines, notes, start = [], [], _Notes(), 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):  # blank lines carry no data
                if len(record) > raw.MAX_COLUMNS:
                    far = next((i for i in range(raw.MAX_COLUMNS, len(record)) if record[i].strip()), None)
                    if far is not None:
                        return _too_wide(start, far + 1)
                    del record[raw.MAX_COLUMNS:]
                if max(map(len, record)) > raw.MAX_VALUE_CHARS:
                    for position, cell in enumerate(record, start=1):
                        if len(cell) > raw.MAX_VALUE_CHARS:
                            notes.add(len(records), position, "long", _long(cell, len(cell)))
                            record[position - 1] = cell[:raw.MAX_VALUE_CHARS]
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
