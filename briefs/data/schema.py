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

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from briefs import periods
from briefs.data import distinct
from briefs.data.intake import RawTable
from briefs.errors import Problem
from briefs.fmt import angka

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
# Every count is one nagari's (its labour force, participants, agents): more than all the
# people of Indonesia (~284 million, BPS 2025) is never a figure but extra digits or a
# pasted money column, and it would change every total, coverage and rank above that nagari.
MAKSIMUM_PER_NAGARI = 300_000_000
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
    text = str(text)
    if not text.isascii():  # ASCII is its own NFC and holds no format character (all Cf are above U+00AC)
        text = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())  # as re.sub(r"\s+", " ", text).strip(): str.split and re's \s agree


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


def _clean_text(text: pd.Series, kind: Kind) -> pd.Series:
    """Text already read by `plain`; segments read as 'PU', 'BPU', 'JAKON'; empty is missing."""
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

    def written_all(self, indices, column: str) -> list[str]:
        """`written` for many rows at once."""
        if not len(indices):
            return []
        cells = self.raw.frame[column].loc[np.asarray(indices, dtype=np.int64)]
        return [visible(cell) for cell in cells.tolist()]


def parse(raw: RawTable, found: list[Problem] = ()) -> Checked:
    """Text cells -> typed columns; unreadable numbers and missing columns become problems.

    `found` are the problems met while reading the file (a ragged row, a doubled header):
    they are kept, and the rows they name are not used.
    """
    spec = SPECS[raw.name]
    checked = Checked(raw, pd.DataFrame(index=raw.frame.index), list(found), [])
    lines = np.asarray(raw.rows, dtype=np.int64)  # ascending: the lines of the file, top to bottom
    for problem in found:
        at = int(np.searchsorted(lines, problem.row)) if problem.row is not None else len(lines)
        if at < len(lines) and lines[at] == problem.row:
            checked.bad.add(at)
        else:
            checked.broken = True  # header or file level
    for column in spec.required:
        if column not in raw.frame.columns:
            written = ", ".join(visible(h) for h in raw.headers.values())  # a zero-width space shown
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
    """Text -> str or Int64; a count that is not a whole number is reported, read as missing.

    Each distinct text is read once (`distinct`): what a row gets depends on its text alone.
    """
    raw = checked.raw
    numbers, values = distinct.codes(raw.frame[column])
    cells = pd.Series([str(v) for v in values], dtype=object)
    text = cells.map(plain)
    _invisible(checked, column, numbers, cells, text)
    if not kind.count:
        # Categorical: each distinct text once, so that checks, keys and sorting work on numbers;
        # clean() hands str columns on.
        of_value, values = pd.factorize(_clean_text(text, kind).to_numpy(dtype=object))
        typed = pd.Categorical.from_codes(of_value[numbers], categories=pd.Index(values, dtype=object))
        return pd.Series(typed, index=raw.frame.index)
    pattern, thousands = _count_pattern(raw.decimal)
    whole = text.str.fullmatch(pattern).astype(bool)
    digits = text.where(whole).str.replace(thousands, "", regex=False)
    huge = digits.str.lstrip("+-").str.len().fillna(0) > 12  # no nagari counts a trillion people
    bad = ((~whole & (text != "")) | huge).to_numpy(dtype=bool)
    for index in distinct.rows_where(numbers, bad).tolist():
        value = numbers[index]
        wrong = "angka terlalu besar" if huge[value] else "bukan angka bulat"
        checked.fail(index, column, f"{wrong}; tertulis '{visible(cells[value])}'; seharusnya {kind.expected}")
    digits = digits.where(~huge)
    counts = pd.array(pd.to_numeric(digits, errors="coerce").astype("Int64"))  # empty: reported by the schema
    return pd.Series(counts.take(numbers), index=raw.frame.index)


def _invisible(checked: Checked, column: str, numbers: np.ndarray, cells: pd.Series, text: pd.Series) -> None:
    """A cell that holds characters a reader cannot see is read as it looks, with a warning.

    `cells` are the column's distinct texts, `text` the same read by `plain`, `numbers` each row's.
    """
    seen = cells.map(lambda t: " ".join(t.split()))  # as re.sub(r"\s+", " ", t).strip()
    for index in distinct.rows_where(numbers, (text != seen).to_numpy(dtype=bool)).tolist():
        value = numbers[index]
        checked.warn(index, column, f"karakter tak terlihat atau bentuk Unicode lain, dibaca seperti tampaknya; "
                                    f"tertulis '{visible(cells[value])}'; seharusnya '{text[value]}'")


def _schema(spec: Spec, columns: list[str], known: dict[str, set[str]]) -> tuple[pa.DataFrameSchema, dict]:
    """The pandera schema of a table, and for each (column, check number) what a failure means."""
    meaning: dict[tuple[str, int], tuple[str, str]] = {}
    schema_columns = {}
    for column in columns:
        kind = spec.kind(column)
        rules: list[tuple[pa.Check, str, str]] = []
        if kind.pattern:
            rules.append((_matches(kind.pattern), kind.wrong, kind.expected))
        if kind.allowed:
            rules.append((pa.Check.isin(kind.allowed), kind.wrong, kind.expected))
        if kind.max_length:
            rules.append((pa.Check.str_length(max_value=kind.max_length), "nama terlalu panjang", kind.expected))
        if kind.count:
            rules.append((pa.Check.ge(0), "angka negatif", kind.expected))
            rules.append((pa.Check.le(MAKSIMUM_PER_NAGARI), "angka mustahil untuk satu nagari, melebihi jumlah "
                          "penduduk Indonesia", f"{kind.expected}, paling banyak {angka(MAKSIMUM_PER_NAGARI)}"))
            if kind.minimum > 0:
                rules.append((pa.Check.ge(kind.minimum), "angkatan kerja 0: cakupan tidak dapat dihitung dan akan "
                              "mengubah cakupan dan peringkat kecamatannya", kind.expected))
        for (check, wrong, expected) in _known_rules(column, spec, known):
            rules.append((check, wrong, expected))
        meaning.update({(column, i): (w, e) for i, (_, w, e) in enumerate(rules)})
        schema_columns[column] = pa.Column("Int64" if kind.count else "category", [r[0] for r in rules],
                                           nullable=kind.nullable)
    keys = [k for k in spec.keys if k in columns]
    return pa.DataFrameSchema(schema_columns, unique=keys or None, report_duplicates="exclude_first"), meaning


def _matches(pattern: str) -> pa.Check:
    """pandera's `str_matches` (`Series.str.match`), judged once per distinct value of the column.

    A national column has millions of cells and a few thousand values; the result per cell is the same.
    """
    match = re.compile(pattern).match  # what Series.str.match does per value; a missing value fails

    def check(cells: pd.Series) -> pd.Series:
        return pd.Series(distinct.apply(cells, lambda values: np.array(
            [isinstance(v, str) and match(v) is not None for v in values.tolist()], dtype=bool)), index=cells.index)

    return pa.Check(check, name="str_matches", error=f"str_matches('{pattern}')")


def _known_rules(column: str, spec: Spec, known: dict[str, set[str]]) -> list[tuple[pa.Check, str, str]]:
    """Cross-table rules: codes must be in wilayah; every nagari needs a labour-force row."""
    if column != "kode_nagari":
        return []
    if spec is SPECS["wilayah"] and "angkatan_kerja" in known:
        return [(_within(known["angkatan_kerja"]), "nagari ini tidak punya baris angkatan kerja",
                 "ada baris dengan kode nagari ini di tabel angkatan_kerja")]
    if spec is not SPECS["wilayah"] and "wilayah" in known:
        return [(_within(known["wilayah"]), "kode nagari tidak ada di tabel wilayah",
                 "salah satu kode_nagari di tabel wilayah")]
    return []


def _within(codes: set[str]) -> pa.Check:
    """pandera's `isin` against the codes of another table, judged once per distinct value.

    A closure, not `Check.isin`: pandera copies a schema's checks deeply, and this one holds
    every kode_nagari of the country (the copies alone took seconds).
    """
    allowed = pd.Index(list(codes), dtype=object)

    def check(cells: pd.Series) -> pd.Series:
        return pd.Series(distinct.apply(cells, lambda values: values.isin(allowed)), index=cells.index)

    return pa.Check(check, name="isin", error=f"isin({len(allowed)} kode)")


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
    # The first row of each key, for every row: the smallest index among the rows of its key.
    group = typed.groupby(keys, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    first = pd.Series(typed.index.to_numpy()).groupby(group).transform("min").to_numpy()
    position = pd.Series(np.arange(len(typed)), index=typed.index)
    for index in sorted({int(i) for i in cases["index"]}):
        at = int(position[index])
        if typed.iloc[at].isna().any():
            continue  # an empty key cell is reported on its own
        shown = ", ".join(checked.written(index, k) for k in keys)
        checked.fail(index, keys[-1], f"baris ganda untuk {', '.join(keys)}; tertulis '{shown}'; seharusnya "
                                      f"satu baris saja (sudah ada di baris {checked.raw.line(int(first[at]))})")


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
            out[column] = frame[column]  # sorted while categorical (numbers), then str
    if name == "wilayah" and official:
        out["kecamatan"] = pd.Series([official[c]["kecamatan"] for c in out["kode_nagari"].to_numpy(dtype=object)],
                                     index=out.index, dtype="str")
    out = sort(name, out)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):  # missing (code -1) reads as ""
            values = np.append(out[column].cat.categories.to_numpy(dtype=object), "")
            out[column] = pd.Series(values[out[column].cat.codes.to_numpy()], index=out.index, dtype="str")
    return out


def sort(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order (segments as PU, BPU, JAKON), so snapshots are byte-stable."""
    keys = list(SPECS[name].keys)
    order = frame[keys].copy()
    for key in keys:
        cells = order[key]
        if key == "segmen":
            order[key] = np.asarray(cells.map({s: i for i, s in enumerate(SEGMENTS)}), dtype=float)
        elif isinstance(cells.dtype, pd.CategoricalDtype) and not cells.cat.categories.is_monotonic_increasing:
            order[key] = cells.cat.reorder_categories(sorted(cells.cat.categories))  # sorted by codes: as text
    positions = order.reset_index(drop=True).sort_values(keys, kind="stable").index
    return frame.iloc[positions]
