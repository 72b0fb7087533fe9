"""The fast readers against the exact ones: the same table, the same problems, whatever the file.

The data stage reads a CSV with pandas' C parser when the bytes show it cannot read the
file differently from Python's csv module, and types each distinct text once instead of
each cell. Both shortcuts are held here to what they replace: every file of a corpus of
damaged and unusual CSVs is read both ways (the fast reader switched off for the second),
and must give the same RawTable and problems, and through `data.load` the same tables,
warnings and errors. The per-value readings are held to row-by-row reference versions of
the code they replaced.
"""

from __future__ import annotations

import random
import re
import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from briefs import data
from briefs.data import csv_reader, distinct, intake, raw, schema
from tests.helpers import MINI, meeting

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
EXPECTED = {name: tuple(schema.SPECS[name].required) for name in schema.SPECS}


def _outcome(path: Path, name: str):
    table, problems = intake.read_table(name, path, EXPECTED[name])
    found = [str(p) for p in problems]
    if table is None:
        return None, found
    return (table.frame.astype(object).values.tolist(), list(table.frame.columns), table.rows, table.headers,
            table.source, table.header_line, found)


@pytest.fixture
def both(monkeypatch):
    """read(path, name) -> (fast outcome, exact outcome, whether the fast reader read it)."""
    original = csv_reader._read_fast
    used = []

    def spy(*args):
        result = original(*args)
        used.append(result is not None)
        return result

    def read(path: Path, name: str):
        used.clear()
        monkeypatch.setattr(csv_reader, "_read_fast", spy)
        fast = _outcome(path, name)
        took = any(used)
        monkeypatch.setattr(csv_reader, "_read_fast", lambda *args: None)
        exact = _outcome(path, name)
        monkeypatch.setattr(csv_reader, "_read_fast", original)
        return fast, exact, took

    return read


def _base(name: str, style: str) -> bytes:
    text = (MINI / f"{name}.csv").read_text(encoding="utf-8")
    if style == "id":  # Indonesian Excel: ';', CRLF, Windows-1252
        return text.replace(",", ";").replace("\n", "\r\n").encode("cp1252")
    if style == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if style == "tab":
        return text.replace(",", "\t").encode("utf-8")
    return text.encode("utf-8")


# (case, table, old, new): one change to the mini table, in the plain (',') style.
CASES = [
    ("as is", "kepesertaan", "", ""),
    ("blank lines", "kepesertaan", "\n2026-10,13.10.01.2002", "\n\n\n2026-10,13.10.01.2002"),
    ("separators only", "kepesertaan", "\n2026-10,13.10.01.2002", "\n,,,\n2026-10,13.10.01.2002"),
    ("separators and spaces", "kepesertaan", "\n2026-10,13.10.01.2002", "\n , ,\t,\n2026-10,13.10.01.2002"),
    ("no-break spaces only", "kepesertaan", "\n2026-10,13.10.01.2002", "\n\u00a0,\u00a0\n2026-10,13.10.01.2002"),
    ("quoted empty fields", "kepesertaan", "\n2026-10,13.10.01.2002", '\n"",""\n2026-10,13.10.01.2002'),
    ("quoted space", "kepesertaan", "\n2026-10,13.10.01.2002", '\n" "\n2026-10,13.10.01.2002'),
    ("quoted separator", "wilayah", "Koto Baru,13.10.01.2002", '"Koto, Baru",13.10.01.2002'),
    ("doubled quotes", "wilayah", "Sialang Gaung,", '"Sialang ""Gaung""",'),
    ("quoted field over two lines", "wilayah", "Sialang Gaung,", '"Sialang\nGaung",'),
    ("quoted CRLF inside", "wilayah", "Sialang Gaung,", '"Sialang\r\nGaung",'),
    ("stray quote inside a field", "kepesertaan", "PU,604", 'PU,6"04'),
    ("text after a closing quote", "kepesertaan", "PU,604", 'PU,"60"4'),
    ("quote after a space", "kepesertaan", "PU,604", 'PU, "604"'),
    ("unclosed quote", "kepesertaan", "PU,604", 'PU,"604'),
    ("quoted count", "kepesertaan", "BPU,120", 'BPU,"120"'),
    ("quoted decimal", "kepesertaan", "BPU,120", 'BPU,"12,5"'),
    ("lone CR", "kepesertaan", "PU,604\n", "PU,604\r"),
    ("CRLF", "kepesertaan", "\n", "\r\n"),
    ("no newline at the end", "agen_perisai", "2,9\n", "2,9"),
    ("NUL", "kepesertaan", "PU,604", "PU,6\x0004"),
    ("value too long", "kepesertaan", "PU,604", "PU," + "6" * (raw.MAX_VALUE_CHARS + 5)),
    ("line long, values short", "kepesertaan", "PU,604", "PU,604" + ",x" * 600),
    ("too many columns", "kepesertaan", "PU,604", "PU,604" + "," * raw.MAX_COLUMNS + "x"),
    ("many empty columns", "kepesertaan", "PU,604", "PU,604" + "," * (raw.MAX_COLUMNS + 10)),
    ("one field more", "agen_perisai", "2026-10,13.10.01.2003,0,0", "2026-10,13.10.01.2003,0,0,7"),
    ("one empty field more", "agen_perisai", "2026-10,13.10.01.2003,0,0", "2026-10,13.10.01.2003,0,0,"),
    ("short row", "agen_perisai", "2026-10,13.10.01.2003,0,0", "2026-10,13.10.01.2003"),
    ("title above the header", "wilayah", "kode_kecamatan,", "Daftar Wilayah\n\nkode_kecamatan,"),
    ("empty trailing headers", "angkatan_kerja", "angkatan_kerja\n", "angkatan_kerja,,\n"),
    ("data under no header", "angkatan_kerja", "13.10.01.2003,1354", "13.10.01.2003,1354,,9"),
    ("doubled header", "agen_perisai", "peserta_diakuisisi\n", "peserta_diakuisisi, Agen Aktif\n"),
    ("zero-width space", "wilayah", "Koto Baru,13.10.01.2003", "Koto\u200b Baru,13.10.01.2003"),
    ("decomposed letter", "wilayah", "Sialang Gaung", "Sialang Ga\u0308ung"),
    ("no-break space in a count", "angkatan_kerja", "3724", "3\u00a0724"),
    ("spaces in a count", "angkatan_kerja", "3724", " 3724 "),
    ("only spaces in a count", "angkatan_kerja", "3724", "   "),
    ("header only", "kepesertaan", None, "periode,kode_nagari,segmen,peserta_aktif\n"),
    ("only a quoted empty field", "kepesertaan", None, '""\n'),
    ("only blank lines and separators", "kepesertaan", None, ",,,\n\n;\n"),
]


@pytest.mark.parametrize("style", ["plain", "id", "bom", "tab"])
@pytest.mark.parametrize("case,table,old,new", CASES, ids=[c[0] for c in CASES])
def test_fast_and_exact_readers_agree(tmp_path, both, style, case, table, old, new):
    if old is None:  # the whole file
        text = new
    else:
        text = (MINI / f"{table}.csv").read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
    if style == "id":  # Indonesian Excel: ';', CRLF, Windows-1252 when the text fits it
        text = text.replace(",", ";").replace("\r\n", "\n").replace("\n", "\r\n")
        content = text.encode("cp1252" if _fits_cp1252(text) else "utf-8")
    elif style == "tab":
        content = text.replace(",", "\t").encode("utf-8")
    else:
        content = (b"\xef\xbb\xbf" if style == "bom" else b"") + text.encode("utf-8")
    path = tmp_path / f"{table}.csv"
    path.write_bytes(content)
    fast, exact, _ = both(path, table)
    assert fast == exact


def _fits_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def test_the_fast_reader_reads_the_usual_files(tmp_path, both):
    """Not a vacuous agreement: plain, Indonesian, BOM and tab files, quoted fields, blank lines."""
    for style in ("plain", "id", "bom", "tab"):
        for name in ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai"):
            path = tmp_path / f"{name}.csv"
            path.write_bytes(_base(name, style))
            assert both(path, name)[2], (style, name)
    path = tmp_path / "wilayah.csv"
    path.write_text((MINI / "wilayah.csv").read_text(encoding="utf-8").replace("Koto Baru,", '"Koto, Baru",')
                    + "\n\n,,,\n", encoding="utf-8")
    assert both(path, "wilayah")[2]


_NOISE = [b",", b";", b"\n", b'"', b'""', b" ", b"-", b".", b"x", b"\xe9", b"\xff", b"\x00", b"\t", b"\r",
          b"\r\n", b"\xef\xbb\xbf", b"\xc2\xa0", b"\xe2\x80\x8b", b'","', b"\n\n", b",,,,"]


def _damaged(content: bytes, rng: random.Random) -> bytes:
    content = bytearray(content)
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(content) + 1)
        content[at:at + rng.randint(0, 3)] = rng.choice(_NOISE)
    return bytes(content)


@pytest.mark.parametrize("seed", range(120))
def test_fast_and_exact_readers_agree_on_damaged_bytes(tmp_path, both, seed):
    rng = random.Random(seed)
    name = rng.choice(["wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai"])
    source = SAMPLE / f"{name}.csv" if seed % 3 == 0 else MINI / f"{name}.csv"
    content = source.read_bytes()
    style = rng.choice(["plain", "id", "bom", "tab"])
    if source.parent == MINI:
        content = _base(name, style)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(_damaged(content, rng))
    fast, exact, _ = both(path, name)
    assert fast == exact


def _load(folder: Path):
    try:
        ds = data.load(meeting(folder))
    except data.DataError as exc:
        report, tables = exc.report, None
        errors = [str(p) for p in exc.problems]
    else:
        report, errors = ds.report, []
        tables = {name: frame.astype(object).values.tolist() for name, frame in ds.tables().items()}
    counts = [(t.table, t.read, t.used, t.reported, sorted(t.source.items())) for t in report.tables]
    return tables, errors, [str(w) for w in report.warnings], counts


@pytest.mark.parametrize("seed", range(30))
def test_load_is_the_same_through_either_reader(tmp_path, monkeypatch, seed):
    """Tables, warnings, errors and row counts of `data.load`, fast reader on and off."""
    rng = random.Random(1000 + seed)
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    style = rng.choice(["plain", "id", "bom"])
    for name in ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai"):
        content = _base(name, style)
        (folder / f"{name}.csv").write_bytes(_damaged(content, rng) if rng.random() < 0.5 else content)
    fast = _load(folder)
    monkeypatch.setattr(csv_reader, "_read_fast", lambda *args: None)
    assert _load(folder) == fast


# --- Per distinct value, against the row-by-row code it replaced ---

def _plain_before(text: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFC", str(text)) if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def test_plain_reads_every_character_as_before():
    """The ASCII shortcut and str.split agree with NFC, the Cf filter and re's \\s.

    split() and re's \\s must see the same whitespace on every code point; then every ASCII
    pair, every whitespace and format character, and decomposed letters read as before.
    """
    points = [chr(p) for p in range(0x110000) if not 0xD800 <= p <= 0xDFFF]
    assert [c for c in points if c.isspace()] == [c for c in points if re.fullmatch(r"\s", c)]
    ascii_ = [chr(p) for p in range(128)]
    special = [c for c in points if c.isspace() or unicodedata.category(c) in ("Cf", "Mn", "Zs")]
    texts = [a + b for a in ascii_ for b in ascii_]
    texts += [f"a{c}b" for c in special] + [f" {c}{c} " for c in special] + [f"{c}\u0308" for c in special]
    texts += ["Sitiu\u0308ng", "Siti\u200bung", "\ufeffKoto  Baru\u00ad ", "A\u030a\u0301", "\u1e9b\u0323"]
    for text in texts:
        assert schema.plain(text) == _plain_before(text), repr(text)


def _count_before(text: str, decimal: str) -> tuple[object, str | None]:
    """The reading of one count cell before (row by row): its value, or what is wrong."""
    pattern, thousands = schema._count_pattern(decimal)
    plain = _plain_before(text)
    if not re.fullmatch(pattern, plain):
        return None, ("bukan angka bulat" if plain else None)
    digits = plain.replace(thousands, "")
    if len(digits.lstrip("+-")) > 12:
        return None, "angka terlalu besar"
    value = pd.to_numeric(pd.Series([digits]), errors="coerce").astype("Int64")[0]
    return (None if pd.isna(value) else int(value)), None


@pytest.mark.parametrize("decimal", [",", "."])
def test_counts_read_per_value_as_row_by_row(decimal):
    rng = random.Random(7)
    pieces = ["1", "2", "0", "9", ".", ",", " ", "+", "-", "\u00a0", "\u200b", "\u0663", "x", "e", ""]
    cells = [" 12 ", "1.234", "1,234", "12.34.567", "007", "9" * 13, "+5", "-3", "", "  ", "٣", "1 2"]
    cells += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(2000)]
    cells += cells[:300]  # repeated texts: one distinct value, many rows
    frame = pd.DataFrame({"kode_nagari": ["13.10.01.2002"] * len(cells), "angkatan_kerja": cells}, dtype=object)
    table = raw.RawTable("angkatan_kerja", Path("/data/angkatan_kerja.csv"), frame, list(range(2, len(cells) + 2)),
                         {"kode_nagari": "kode_nagari", "angkatan_kerja": "angkatan_kerja"}, {"decimal": decimal})
    checked = schema.parse(table)
    failed = {p.row - 2: p.message for p in checked.errors}
    for i, cell in enumerate(cells):
        value, wrong = _count_before(cell, decimal)
        got = checked.typed["angkatan_kerja"].iloc[i]
        assert (None if pd.isna(got) else int(got)) == value, repr(cell)
        assert (failed[i].split(";")[0] if i in failed else None) == wrong, repr(cell)
    invisible = {w.row - 2 for w in checked.warnings}
    assert invisible == {i for i, c in enumerate(cells) if _plain_before(c) != re.sub(r"\s+", " ", c).strip()}


def test_pattern_and_code_checks_judge_each_cell_as_pandas_would():
    values = ["13.10.01", "13.10.1", "13.10.01\n", "١٣.10.01", "x", "13.10.01 ", None, "13.10.01"] * 3
    cells = pd.Series(pd.Categorical(values))
    pattern = schema.KODE_KECAMATAN.pattern
    got = schema._matches(pattern)._check_fn(cells)
    expected = pd.Series(values, dtype=object).str.match(pattern, na=False)
    assert got.tolist() == expected.tolist()
    allowed = {"13.10.01", "x"}
    got = schema._within(allowed)._check_fn(cells)
    assert got.tolist() == pd.Series(values, dtype=object).isin(allowed).tolist()


def test_distinct_codes_number_every_cell_missing_ones_too():
    for cells in (pd.Series(["b", "a", None, "b"], dtype=object), pd.Series(pd.Categorical(["b", "a", None, "b"]))):
        numbers, values = distinct.codes(cells)
        assert [None if pd.isna(values[n]) else values[n] for n in numbers] == ["b", "a", None, "b"]
        assert distinct.rows_where(numbers, np.array([v == "b" for v in values])).tolist() == [0, 3]


def test_rows_of_an_exact_reader_become_one_padded_categorical_table():
    read = raw._Read([["a", "b", "c"], ["1"], ["2", ""]], [1, 2, 4], {})
    table = read.table()
    assert table.astype(object).values.tolist() == [["a", "b", "c"], ["1", "", ""], ["2", "", ""]]
    assert all(isinstance(table[c].dtype, pd.CategoricalDtype) for c in table.columns)


def test_no_gc_puts_the_collector_back_as_it_was():
    import gc

    with raw.no_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with raw.no_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_names_beside_codes_are_judged_per_pair_as_row_by_row():
    """reconcile._names_match against the row-by-row loop it replaced, on repeated and missing pairs."""
    from briefs.data import reconcile

    official = {"13.10.01.2002": {"nagari": "Koto Baru"}, "13.10.01.2003": {"nagari": "Sialang Gäung"}}
    rng = random.Random(3)
    codes = ["13.10.01.2002", "13.10.01.2003", "13.10.99.2001", None]
    names = ["Koto Baru", "KOTO  baru", "Koto Baruh", "Sialang Ga\u0308ung", "Sialang Gaung", None]
    rows = [(rng.choice(codes), rng.choice(names)) for _ in range(500)]
    frame = pd.DataFrame({"kode_nagari": [c or "" for c, _ in rows], "nagari": [n or "" for _, n in rows]},
                         dtype=object)
    table = raw.RawTable("angkatan_kerja", Path("/data/angkatan_kerja.csv"), frame, list(range(2, len(rows) + 2)),
                         {"kode_nagari": "kode_nagari", "nagari": "nagari"}, {"decimal": "."})
    checked = schema.parse(table)
    reconcile._names_match(checked, "nagari", official)
    expected = []
    for index, code, name in zip(checked.typed.index, checked.typed["kode_nagari"], checked.typed["nagari"]):
        want = official.get(code, {}).get("nagari") if isinstance(code, str) else None
        if want and not pd.isna(name) and schema.name_key(name) != schema.name_key(want):
            expected.append((index + 2, f"nama nagari tidak cocok dengan kode {code}; tertulis "
                                        f"'{checked.written(index, 'nagari')}'; seharusnya '{want}'"))
    assert [(p.row, p.message) for p in checked.errors if p.column == "nagari"] == expected and expected
