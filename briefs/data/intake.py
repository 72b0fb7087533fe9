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

import hashlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from briefs.data import distinct, raw  # limits read through the module: one place to change (or patch in a test)
from briefs.data.csv_reader import _read_csv
from briefs.data.raw import _MORE, _NOTES, Failure, RawTable, _n, _Read, normalise_header
from briefs.data.xlsx import _column_letter, _read_xlsx
from briefs.errors import Problem, display_path

SUFFIXES = (".csv", ".xlsx")
_OLD_EXCEL = (".xls", ".xlsm", ".ods")


def find_tables(folder: Path, names: tuple[str, ...]) -> tuple[dict[str, Path], list[Problem]]:
    """The one input file per table in the folder: `<name>.csv` or `<name>.xlsx`."""
    where = display_path(folder)  # an existing folder: `data.load` checks that first, naming the params key
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
        if size > raw.MAX_FILE_BYTES:  # before reading: the file is never loaded
            return None, [Problem(display_path(path), f"berkas terlalu besar; tertulis {_n(size)} byte; seharusnya "
                                                      f"paling banyak {_n(raw.MAX_FILE_BYTES)} byte (hapus periode lama "
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


def _header_at(records: list[list[str]], expected: tuple[str, ...]) -> int:
    """Index of the header row: the first of the top rows naming an expected column.

    Branch exports often put a title ("Data Kepesertaan Oktober 2026") above the table.
    """
    for i, record in enumerate(records[:raw._HEADER_SEARCH]):
        if {normalise_header(c) for c in record} & set(expected):
            return i
    return 0


def _filled(cells: pd.Series) -> np.ndarray:
    """Which cells hold something other than whitespace (decided once per distinct text)."""
    numbers, values = distinct.codes(cells)
    return np.array([isinstance(v, str) and bool(v.strip()) for v in values], dtype=bool)[numbers]


def _read_header(header: list[str], body: pd.DataFrame, line: int,
                 where: str) -> tuple[dict[str, str], list[Problem]]:
    """Normalised name -> header as written; a doubled name or data under no name is a problem."""
    headers: dict[str, str] = {}
    problems: list[Problem] = []
    for position, written in enumerate(header, start=1):
        written, key = written.strip(), normalise_header(written)
        if not key and _filled(body[position - 1]).any():
            problems.append(Problem(where, f"kolom ke-{position} berisi data tetapi tanpa judul; tertulis ''; "
                                    "seharusnya nama kolom", line, f"kolom ke-{position}"))
        elif key in headers:
            problems.append(Problem(where, f"judul kolom ganda; tertulis '{written}'; seharusnya "
                                    "setiap kolom hanya sekali", line, written))
        headers.setdefault(key or f"kolom_{position}", written)  # no name: skipped unless it holds data
    return headers, problems


def _to_table(name: str, path: Path, read: _Read, source: dict,
              expected: tuple[str, ...] = ()) -> tuple[RawTable | None, list[Problem]]:
    """Header row + data rows -> RawTable; ragged rows, doubled headers and the readers' findings are problems.

    Column by column over the whole table (each distinct text judged once), never row by row:
    a national table has millions of rows.
    """
    where = display_path(path)
    table, lines = read.table(), read.lines
    if table.empty:  # every line blank once read (a file of "" only): no header, no data
        return None, [Problem(where, "berkas kosong; tertulis tidak ada baris berisi data; seharusnya baris "
                                     "judul kolom lalu baris data")]
    top_rows = [[str(c) for c in table.iloc[i]] for i in range(min(raw._HEADER_SEARCH, len(table)))]
    top = _header_at(top_rows, expected)
    if top:
        source["header_row"] = lines[top]
    header, header_line = top_rows[top], lines[top]
    while header and not header[-1].strip():
        header = header[:-1]  # Excel often keeps empty trailing columns; the reader pads shorter rows
    body_table = table.iloc[top + 1:]
    headers, problems = _read_header(header, body_table, header_line, where)
    width = len(header)

    def column_name(position: int) -> str:
        written = header[position - 1].strip() if position <= width else ""
        return written or f"kolom ke-{position}"

    findings = Counter()
    for record, position, kind, found in read.notes.kept:
        if record < top:
            continue  # a title row above the header
        findings[kind] += 1
        if findings[kind] > raw.MAX_LISTED:
            continue
        message = _NOTES[kind].format(found=found, limit=_n(raw.MAX_VALUE_CHARS))
        problems.append(Problem(where, message, lines[record], column_name(position)))
    for kind in sorted(set(findings) | set(read.notes.more)):
        more = max(findings[kind] - raw.MAX_LISTED, 0) + read.notes.more[kind]
        if more:
            problems.append(Problem(where, _MORE[kind].format(n=_n(more), listed=raw.MAX_LISTED,
                                                              limit=_n(raw.MAX_VALUE_CHARS))))
    for position in sorted(read.hidden_columns):
        if position <= width and header[position - 1].strip() and _filled(body_table[position - 1]).any():
            problems.append(Problem(where, f"kolom ini tersembunyi di Excel tetapi berisi data; tertulis kolom "
                                           f"{_column_letter(position)} '{header[position - 1].strip()}' disembunyikan; "
                                           "seharusnya semua kolom data terlihat: tampilkan kolom ini (Unhide), atau "
                                           "hapus kolomnya", header_line, header[position - 1].strip()))
    body_lines = lines[top + 1:]
    problems += _extra_fields(body_table, body_lines, width, where, source.get("delimiter", ","))
    body = body_table.iloc[:, :width]
    body.columns = [normalise_header(h) or f"kolom_{i}" for i, h in enumerate(header, start=1)]
    frame = body.loc[:, ~body.columns.duplicated()].reset_index(drop=True)
    source["rows_read"] = len(frame)
    return RawTable(name, path, frame, list(body_lines), headers, source, header_line), problems


def _extra_fields(body: pd.DataFrame, lines: list[int], width: int, where: str, delimiter: str) -> list[Problem]:
    """A row holding data right of the last header: one problem at its first such field."""
    first = np.full(len(body), -1)  # per row: the first column past the header holding data
    for position in range(width, body.shape[1]):
        filled = _filled(body[position]) & (first < 0)
        first[filled] = position
    problems = []
    for index in np.flatnonzero(first >= 0).tolist():
        found = body.iat[index, int(first[index])]
        problems.append(Problem(where, f"baris ini punya isian lebih banyak daripada judul kolom; "
                                f"tertulis '{found}'; seharusnya {width} kolom seperti baris judul "
                                f"(periksa pemisah '{delimiter}')", lines[index], f"kolom ke-{width + 1}"))
    return problems
