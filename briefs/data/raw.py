"""What every reader of an input file returns, and the limits every reader keeps.

A reader (`csv_reader`, `xlsx`) turns a file into text records with the line the
analyst sees for each, how the file was read, and its cell findings (a formula without
a value, a hidden row). The limits keep the worst file that passes them under a few
hundred MB and seconds of reading (measured in tests/test_intake_xlsx.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from briefs.data import distinct
from briefs.errors import display_path

SUFFIXES = (".csv", ".xlsx")
_OLD_EXCEL = (".xls", ".xlsm", ".ods")

# --- Reading limits ---
# Sized for the whole country in one data folder: 7,277 kecamatan, ~84,000 desa/nagari (Kemendagri
# 2024), 12 periods, 3 segments. The largest table is kepesertaan: 84,000 x 3 x 12 = 3.0 million rows of
# 4 to 6 columns, ~90 MB as CSV (~180 MB with the optional name columns); agen_perisai ~1.0 million
# rows; wilayah and angkatan_kerja ~84,000 each. Longer history at national size: one file per year.
# A sheet holds at most 1,048,576 rows, so only CSV carries a national kepesertaan. A workbook is
# read cell by cell in Python (a national agen_perisai, 4 M cells, took 60 s), so its bounds stay
# near one regency's plus the national wilayah and angkatan_kerja: past them the message says to
# send CSV, read in C ~50 times faster. A legitimate file takes time and memory in proportion to
# its size (benchmarks/intake.py measures them); a hostile one stays under a few hundred MB and
# seconds of reading (measured in tests/test_intake_xlsx.py); past a limit, reading stops with
# one message naming the file (and the row when known).
MAX_FILE_BYTES = 256 * 2**20  # on disk, checked before reading: national kepesertaan ~90 MB (~180 MB with names)
MAX_ROWS = 4_000_000  # rows stored in the file (CSV lines, XLSX <row> entries), blank ones included: 3.0 M + a third
MAX_CELLS = 24_000_000  # CSV fields or XLSX stored cells (formatted empty ones included): 4 M rows x 6 columns
MAX_XLSX_CELLS = 2_500_000  # XLSX cells (read one by one in Python, ~15 µs each): national angkatan_kerja x 30
MAX_COLUMNS = 256  # the last column holding data; a table here has under 30 (labour force by sector)
MAX_VALUE_CHARS = 1_000  # one value: official names are under 100 characters, codes and numbers under 20
MAX_TEXT_CHARS = 40_000_000  # all values of one table (XLSX; CSV is bounded by its size): ~4 times a full table
MAX_XLSX_PARTS = 1_000  # files inside the workbook's zip: ~10, plus a few per sheet, chart or image
MAX_XLSX_INFLATED = 160 * 2**20  # all parts unpacked: 2.5 M cells are ~130 MB of XML
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
    """What a reader found: data rows as text, their line numbers, how the file was read, findings.

    The rows are `records` (lists of cells, as the exact readers build them) or, from the fast
    CSV reader, `frame` (columns 0, 1, ...; categorical text; "" where a row is shorter).
    Either way only rows holding data are there, each with its line in `lines`.
    """

    records: list[list[str]]
    lines: list[int]
    detected: dict
    notes: _Notes = field(default_factory=_Notes)
    hidden_columns: frozenset[int] = frozenset()
    frame: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """The rows as one frame of text, columns 0, 1, ...; "" where a row is shorter than the widest.

        Categorical, as the fast reader returns them: each distinct text once.
        """
        if self.frame is not None:
            return self.frame
        width = max(map(len, self.records), default=0)
        for record in self.records:
            if len(record) < width:
                record.extend([""] * (width - len(record)))  # a shorter row: "" as the fast reader gives
        with no_gc():
            rows = pd.DataFrame(self.records, columns=range(width), dtype=object)
        columns = {position: distinct.categorical(rows[position].to_numpy(dtype=object)) for position in rows.columns}
        return pd.DataFrame(columns, index=pd.RangeIndex(len(self.records)))


@contextmanager
def no_gc():
    """Python's cyclic garbage collector off while millions of small lists are made at once.

    Each full collection walks every list made so far, and they come often while so many are
    made: reading a national table took three times as long. Lists of text hold no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def normalise_header(text: str) -> str:
    """'  Kode Nagari ' -> 'kode_nagari': headers match whatever the export capitalises."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())
