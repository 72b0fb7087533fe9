"""The declared schema of each input table, checked with pandera, reported in plain words.

Each column has a kind (a code, a name, a count, a period, a segment). A cell is first
read from its text (Indonesian `1.234` or plain `1234`), then the pandera schema checks
what the table must hold: required columns, codes in Kemendagri form, non-negative
counts, allowed segments, `YYYY-MM` periods, unique keys, and every code known to
`wilayah`. Every failure becomes one `Problem` at `file:row:column`, in Bahasa Indonesia,
with the value as written: one bad cell never hides the next.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from briefs import periods
from briefs.data.intake import RawTable
from briefs.errors import Problem

SEGMENTS = ("PU", "BPU", "JAKON")
PERIOD = periods.PATTERN


@dataclass(frozen=True)
class Kind:
    """What a column holds, how its text is read, and what an analyst should write."""

    expected: str  # completes "seharusnya ..."
    wrong: str = "isian tidak sesuai"  # what is wrong when the pattern or list fails
    pattern: str | None = None
    allowed: tuple[str, ...] | None = None
    count: bool = False
    nullable: bool = False
    minimum: int = 0  # counts only: the smallest value that means something
    max_length: int | None = None  # text only: names become file names and headings


KODE_KECAMATAN = Kind("kode Kemendagri seperti 13.10.01", "kode kecamatan tidak sesuai format",
                      pattern=r"^\d{2}\.\d{2}\.\d{2}$")
KODE_NAGARI = Kind("kode Kemendagri seperti 13.10.01.2002", "kode nagari tidak sesuai format",
                   pattern=r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
KODE_BPS = Kind("kode BPS berupa angka, misalnya 1311020", "kode BPS tidak sesuai format",
                pattern=r"^\d+$", nullable=True)
# Indonesia's longest kecamatan name is under 40 characters; a longer cell is a paste gone
# wrong, and would crash the build late (a file name too long) after every notebook ran.
NAMA_MAX = 100
NAMA = Kind(f"nama wilayah, paling panjang {NAMA_MAX} karakter", max_length=NAMA_MAX)
PERIODE = Kind("periode YYYY-MM, misalnya 2026-10", "periode tidak sesuai format", pattern=PERIOD)
SEGMEN = Kind("PU, BPU atau JAKON", "segmen tidak dikenal", allowed=SEGMENTS)
JUMLAH = Kind("bilangan bulat tidak negatif", count=True)
# The denominator of every coverage figure: a nagari with no labour force has no coverage,
# and would otherwise still add its participants to its kecamatan's coverage and rank.
ANGKATAN_KERJA = Kind("bilangan bulat lebih dari 0 (angkatan kerja nagari, penyebut cakupan)", count=True,
                      minimum=1)


@dataclass(frozen=True)
class Spec:
    """One table: its columns by kind, its key, and what to do with other columns."""

    required: dict[str, Kind]
    keys: tuple[str, ...]
    optional: dict[str, Kind] = field(default_factory=dict)
    extra: Kind | None = None  # kind of any further column (sector counts); None: ignored

    def kind(self, column: str) -> Kind | None:
        return self.required.get(column) or self.optional.get(column) or self.extra


_NAMES = {"kecamatan": NAMA, "nagari": NAMA}  # a data table may carry names: checked, then dropped
SPECS = {
    "wilayah": Spec({"kode_kecamatan": KODE_KECAMATAN, "kecamatan": NAMA, "kode_nagari": KODE_NAGARI,
                     "nagari": NAMA}, ("kode_nagari",),
                    {"kode_bps_kecamatan": KODE_BPS, "kode_bps_nagari": KODE_BPS}),
    "angkatan_kerja": Spec({"kode_nagari": KODE_NAGARI, "angkatan_kerja": ANGKATAN_KERJA}, ("kode_nagari",),
                           _NAMES, extra=JUMLAH),
    "kepesertaan": Spec({"periode": PERIODE, "kode_nagari": KODE_NAGARI, "segmen": SEGMEN,
                         "peserta_aktif": JUMLAH}, ("periode", "kode_nagari", "segmen"), _NAMES),
    "agen_perisai": Spec({"periode": PERIODE, "kode_nagari": KODE_NAGARI, "agen_aktif": JUMLAH,
                          "peserta_diakuisisi": JUMLAH}, ("periode", "kode_nagari"), _NAMES),
}


def plain(text: str) -> str:
    """Text as a reader sees it: one Unicode form (NFC), no invisible format characters
    (zero-width space, BOM, soft hyphen), single spaces. 'Sitiu\u0308ng' and
    'Siti\u200bung' both become the 'Sitiüng' and 'Sitiung' they look like."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(text)) if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str) -> str:
    """How names are compared: 'Koto  baru ' matches 'Koto Baru' (case, spaces, Unicode form ignored)."""
    return plain(name).replace(" ", "").casefold()


def visible(text: str) -> str:
    """Text for a message, its invisible differences shown: 'Siti⟨U+200B⟩ung'.

    Two names that print alike but differ (a zero-width space, a decomposed ü) would
    otherwise give 'tertulis 'Sitiüng'; seharusnya 'Sitiüng''.
    """
    text = str(text)
    marked = "".join(f"⟨U+{ord(ch):04X}⟩" if unicodedata.category(ch) in ("Cf", "Mn") or ch in "\u00a0" else ch
                     for ch in text)
    return marked


def _count_pattern(decimal: str) -> tuple[str, str]:
    """A whole number, with or without thousands groups of the file's convention."""
    thousands = "." if decimal == "," else ","
    return rf"[+-]?(\d+|\d{{1,3}}(\{thousands}\d{{3}})+)", thousands


def _clean_text(cells: pd.Series, kind: Kind) -> pd.Series:
    """Stray and doubled spaces and invisible characters go (`plain`); segments read as 'PU', 'BPU', 'JAKON'."""
    text = cells.astype(str).map(plain)
    if kind is SEGMEN:
        text = text.str.replace(" ", "", regex=False).str.upper()
    return text.where(text != "", None).astype("str")


@dataclass
class Checked:
    """A table after its own checks: typed values, problems, and which rows are bad."""

    raw: RawTable
    typed: pd.DataFrame
    errors: list[Problem]
    warnings: list[Problem]
    bad: set[int] = field(default_factory=set)  # frame positions with at least one error
    cells: set[tuple[int, str]] = field(default_factory=set)  # (position, column) already reported
    broken: bool = False  # a header problem: no row of this table can be used

    def fail(self, index: int, column: str | None, message: str) -> None:
        self.errors.append(Problem(self.raw.display, message, self.raw.line(index),
                                   self.raw.headers.get(column, column) if column else None))
        self.bad.add(index)
        self.cells.add((index, column))

    def warn(self, index: int | None, column: str | None, message: str) -> None:
        row = self.raw.line(index) if index is not None else None
        self.warnings.append(Problem(self.raw.display, message, row,
                                     self.raw.headers.get(column, column) if column else None))

    def written(self, index: int, column: str) -> str:
        """The cell as written, for a message: invisible characters shown (`visible`)."""
        return visible(self.raw.frame.at[index, column])


def parse(raw: RawTable, found: list[Problem] = ()) -> Checked:
    """Text cells -> typed columns; unreadable numbers and missing columns become problems.

    `found` are the problems met while reading the file (a ragged row, a doubled header):
    they are kept, and the rows they name are not used.
    """
    spec = SPECS[raw.name]
    checked = Checked(raw, pd.DataFrame(index=raw.frame.index), list(found), [])
    position = {line: i for i, line in enumerate(raw.rows)}
    checked.bad |= {position[p.row] for p in found if p.row in position}
    checked.broken = any(p.row not in position for p in found)  # header or file level
    for column in spec.required:
        if column not in raw.frame.columns:
            written = ", ".join(raw.headers.values())
            sheet = f" di lembar '{raw.source['sheet']}'" if "sheet" in raw.source else ""
            checked.errors.append(Problem(raw.display, f"kolom wajib '{column}' tidak ada{sheet}; tertulis "
                                          f"judul kolom '{written}'; seharusnya ada kolom {column}",
                                          raw.header_line, column))
            checked.broken = True
    for column in raw.frame.columns:
        kind = spec.kind(column)
        if not raw.headers.get(column):
            continue  # a column without header and without data: Excel's leftovers
        if kind is None:
            checked.warn(None, column, f"kolom tidak dikenal, diabaikan; tertulis '{raw.headers[column]}'; "
                                       f"seharusnya salah satu dari: {', '.join([*spec.required, *spec.optional])}")
            continue
        checked.typed[column] = _typed_column(checked, column, kind)
    return checked


def _typed_column(checked: Checked, column: str, kind: Kind) -> pd.Series:
    """Text -> str or Int64; a count that is not a whole number is reported, read as missing."""
    raw = checked.raw
    _invisible(checked, column)
    if not kind.count:
        return _clean_text(raw.frame[column], kind)
    pattern, thousands = _count_pattern(raw.decimal)
    text = raw.frame[column].astype(str).map(plain)
    whole = text.str.fullmatch(pattern).astype(bool)
    digits = text.where(whole).str.replace(thousands, "", regex=False)
    huge = digits.str.lstrip("+-").str.len().fillna(0) > 12  # no nagari counts a trillion people
    for index in text.index[(~whole & (text != "")) | huge]:
        wrong = "angka terlalu besar" if huge[index] else "bukan angka bulat"
        checked.fail(index, column, f"{wrong}; tertulis '{checked.written(index, column)}'; seharusnya {kind.expected}")
    digits = digits.where(~huge)
    return pd.to_numeric(digits, errors="coerce").astype("Int64")  # empty: reported by the schema


def _invisible(checked: Checked, column: str) -> None:
    """A cell that holds characters a reader cannot see is read as it looks, with a warning."""
    cells = checked.raw.frame[column].astype(str)
    seen = cells.map(lambda t: re.sub(r"\s+", " ", t).strip())
    for index in cells.index[cells.map(plain) != seen]:
        checked.warn(index, column, f"karakter tak terlihat atau bentuk Unicode lain, dibaca seperti tampaknya; "
                                    f"tertulis '{checked.written(index, column)}'; seharusnya '{plain(cells[index])}'")


def _schema(spec: Spec, columns: list[str], known: dict[str, set[str]]) -> tuple[pa.DataFrameSchema, dict]:
    """The pandera schema of a table, and for each (column, check number) what a failure means."""
    meaning: dict[tuple[str, int], tuple[str, str]] = {}
    schema_columns = {}
    for column in columns:
        kind = spec.kind(column)
        rules: list[tuple[pa.Check, str, str]] = []
        if kind.pattern:
            rules.append((pa.Check.str_matches(kind.pattern), kind.wrong, kind.expected))
        if kind.allowed:
            rules.append((pa.Check.isin(kind.allowed), kind.wrong, kind.expected))
        if kind.max_length:
            rules.append((pa.Check.str_length(max_value=kind.max_length), "nama terlalu panjang", kind.expected))
        if kind.count:
            rules.append((pa.Check.ge(0), "angka negatif", kind.expected))
            if kind.minimum > 0:
                rules.append((pa.Check.ge(kind.minimum), "angkatan kerja 0: cakupan tidak dapat dihitung dan akan "
                              "mengubah cakupan dan peringkat kecamatannya", kind.expected))
        for (check, wrong, expected) in _known_rules(column, spec, known):
            rules.append((check, wrong, expected))
        meaning.update({(column, i): (w, e) for i, (_, w, e) in enumerate(rules)})
        schema_columns[column] = pa.Column("Int64" if kind.count else str, [r[0] for r in rules],
                                           nullable=kind.nullable)
    keys = [k for k in spec.keys if k in columns]
    return pa.DataFrameSchema(schema_columns, unique=keys or None, report_duplicates="exclude_first"), meaning


def _known_rules(column: str, spec: Spec, known: dict[str, set[str]]) -> list[tuple[pa.Check, str, str]]:
    """Cross-table rules: codes must be in wilayah; every nagari needs a labour-force row."""
    if column != "kode_nagari":
        return []
    if spec is SPECS["wilayah"] and "angkatan_kerja" in known:
        return [(pa.Check.isin(sorted(known["angkatan_kerja"])), "nagari ini tidak punya baris angkatan kerja",
                 "ada baris dengan kode nagari ini di tabel angkatan_kerja")]
    if spec is not SPECS["wilayah"] and "wilayah" in known:
        return [(pa.Check.isin(sorted(known["wilayah"])), "kode nagari tidak ada di tabel wilayah",
                 "salah satu kode_nagari di tabel wilayah")]
    return []


def validate(checked: Checked, known: dict[str, set[str]]) -> Checked:
    """Run the pandera schema lazily and turn every failure case into a Problem."""
    spec = SPECS[checked.raw.name]
    typed = checked.typed
    schema, meaning = _schema(spec, list(typed.columns), known)
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        per_cell = cases[~cases["check"].isin(["multiple_fields_uniqueness", "field_uniqueness"])]
        per_cell = per_cell.assign(n=per_cell["check_number"].fillna(-1).astype(int))
        # One message per cell: a malformed code need not also be called unknown.
        per_cell = per_cell.sort_values(["index", "n"], kind="stable").drop_duplicates(["index", "column"])
        for case in per_cell.itertuples():
            _column_failure(checked, case, meaning)
        _duplicates(checked, cases[cases["check"].isin(["multiple_fields_uniqueness", "field_uniqueness"])])
    return checked


def _column_failure(checked: Checked, case, meaning: dict) -> None:
    index, column = int(case.index), case.column
    if case.check == "not_nullable":
        if (index, column) in checked.cells:
            return  # already reported as unreadable
        kind = SPECS[checked.raw.name].kind(column)
        checked.fail(index, column, f"isian kosong; tertulis '{checked.written(index, column)}'; "
                                    f"seharusnya {kind.expected}")
        return
    wrong, expected = meaning.get((column, int(case.check_number)), ("isian tidak sesuai", str(case.check)))
    written = checked.written(index, column)
    if name_key(written) in _TOTALS:
        wrong, expected = "baris jumlah tidak termasuk data", "hanya baris per nagari (hapus baris jumlah ini)"
    checked.fail(index, column, f"{wrong}; tertulis '{written}'; seharusnya {expected}")


_TOTALS = {"jumlah", "total", "subtotal", "grandtotal", "jumlahtotal"}  # a sum row pasted under the table


def _duplicates(checked: Checked, cases: pd.DataFrame) -> None:
    """A key seen twice: the later row is reported, pointing at the first."""
    if cases.empty:
        return
    keys = [k for k in SPECS[checked.raw.name].keys if k in checked.typed.columns]
    typed = checked.typed[keys]
    first: dict[tuple, int] = {}
    for index, values in zip(typed.index, typed.itertuples(index=False)):
        first.setdefault(tuple(values), index)
    for index in sorted({int(i) for i in cases["index"]}):
        values = tuple(typed.loc[index])
        if any(pd.isna(v) for v in values):
            continue  # an empty key cell is reported on its own
        shown = ", ".join(checked.written(index, k) for k in keys)
        checked.fail(index, keys[-1], f"baris ganda untuk {', '.join(keys)}; tertulis '{shown}'; seharusnya "
                                      f"satu baris saja (sudah ada di baris {checked.raw.line(first[values])})")


def usable(checked: Checked) -> pd.DataFrame:
    """The rows of a table with no error (none when its header is unusable)."""
    return checked.typed.drop(index=sorted(checked.bad)) if not checked.broken else checked.typed.iloc[:0]


COLUMNS = {
    "wilayah": ["kode_kecamatan", "kecamatan", "kode_nagari", "nagari", "kode_bps_kecamatan", "kode_bps_nagari"],
    "angkatan_kerja": ["kode_nagari", "angkatan_kerja"],
    "kepesertaan": ["periode", "kode_nagari", "segmen", "peserta_aktif"],
    "agen_perisai": ["periode", "kode_nagari", "agen_aktif", "peserta_diakuisisi"],
}


def clean(checked: Checked, official: dict[str, dict[str, str]] | None = None) -> pd.DataFrame:
    """The usable rows of a table: canonical columns, codes as str, counts int64, sorted by key.

    Keeps each row's position in the file as the index, so warnings can still point at it.
    """
    name = checked.raw.name
    frame = usable(checked)
    extra = [c for c in frame.columns if name == "angkatan_kerja" and c not in COLUMNS[name]
             and c not in _NAMES]
    out = pd.DataFrame(index=frame.index)
    for column in COLUMNS[name] + extra:
        if column not in frame:
            out[column] = pd.Series("", index=frame.index, dtype="str")  # optional BPS codes
        elif SPECS[name].kind(column).count:
            out[column] = frame[column].astype("int64")
        else:
            out[column] = frame[column].fillna("").astype("str")
    if name == "wilayah" and official:
        out["kecamatan"] = out["kode_nagari"].map(lambda c: official[c]["kecamatan"]).astype("str")
    return sort(name, out)


def sort(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order (segments as PU, BPU, JAKON), so snapshots are byte-stable."""
    keys = list(SPECS[name].keys)
    order = frame[keys].copy()
    if "segmen" in order:
        order["segmen"] = order["segmen"].map({s: i for i, s in enumerate(SEGMENTS)})
    return frame.loc[order.sort_values(keys, kind="stable").index]
