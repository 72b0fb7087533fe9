"""Reading input files without flags: encodings, delimiters, workbooks, line numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefs.data import intake
from briefs.errors import display_path

TABLES = ("wilayah", "kepesertaan")


def read(path: Path, name: str = "kepesertaan"):
    raw, problems = intake.read_table(name, path)
    assert raw is not None, problems
    return raw, problems


@pytest.mark.parametrize("content,expected", [
    (b"a,b\n1,2\n", {"format": "csv", "delimiter": ",", "decimal": ".", "encoding": "utf-8"}),
    (b"\xef\xbb\xbfa,b\n1,2\n", {"delimiter": ",", "encoding": "utf-8-sig"}),
    ("a;b\r\nK\u00f6to;1.234\r\n".encode("cp1252"), {"delimiter": ";", "decimal": ",", "encoding": "cp1252"}),
    ("a\tb\n1\t2\n".encode("utf-16"), {"delimiter": "\t", "decimal": ".", "encoding": "utf-16"}),
    ("a\tb\nx\t1.234\n".encode("utf-16"), {"delimiter": "\t", "decimal": ",", "encoding": "utf-16"}),
])
def test_csv_conventions_are_detected_and_recorded(tmp_path, content, expected):
    path = tmp_path / "kepesertaan.csv"
    path.write_bytes(content)
    raw, problems = read(path)
    assert problems == []
    assert expected.items() <= raw.source.items()
    assert list(raw.frame.columns) == ["a", "b"] and len(raw.frame) == 1


def test_source_records_path_and_hash(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_bytes(b"a,b\n1,2\n")
    raw, _ = read(path)
    assert raw.source["path"] == display_path(path)
    assert raw.source["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()


def test_cells_stay_text_as_written_and_lines_count_blank_lines(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text(" Kode Nagari ,PERIODE\n\n007 , 2026-10\n\n13.10.01.2002,x\n", encoding="utf-8")
    raw, _ = read(path)
    assert raw.headers == {"kode_nagari": "Kode Nagari", "periode": "PERIODE"}
    assert raw.frame["kode_nagari"].tolist() == ["007 ", "13.10.01.2002"]  # leading zeros survive
    assert raw.rows == [3, 5]  # the lines an editor shows; blank lines are not rows


def test_quoted_field_over_two_lines_keeps_the_next_row_number(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text('nama,nilai\n"Koto\nBaru",1\nSitiung,2\n', encoding="utf-8")
    raw, _ = read(path, "wilayah")
    assert raw.rows == [2, 4]


def test_header_only_in_a_later_sheet_row_is_found(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, None])
    sheet.append(["periode", "peserta_aktif"])
    sheet.append([dt.datetime(2026, 10, 1), 1234.0])
    sheet.append(["2026-09", 12.5])
    book.save(tmp_path / "kepesertaan.xlsx")
    raw, _ = read(tmp_path / "kepesertaan.xlsx")
    assert raw.header_line == 2 and raw.rows == [3, 4]
    # Excel turned "2026-10" into a date; a whole float is an integer; 12.5 reads as Indonesians write it.
    assert raw.frame.values.tolist() == [["2026-10", "1234"], ["2026-09", "12,5"]]
    assert raw.source["format"] == "xlsx" and raw.source["sheet"] == "Sheet"


def test_sheet_named_after_the_table_wins_over_the_first(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["catatan"])
    sheet = book.create_sheet(" Kepesertaan")
    sheet.append(["periode"])
    sheet.append(["2026-10"])
    book.save(tmp_path / "kepesertaan.xlsx")
    raw, _ = read(tmp_path / "kepesertaan.xlsx")
    assert raw.source["sheet"] == " Kepesertaan" and raw.frame["periode"].tolist() == ["2026-10"]


def test_ragged_row_is_a_problem_at_its_line(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text("a,b\n1,2\n1,2,3\n1\n", encoding="utf-8")
    raw, problems = read(path)
    assert [(p.row, p.column) for p in problems] == [(3, "kolom ke-3")]
    assert raw.frame.values.tolist() == [["1", "2"], ["1", "2"], ["1", ""]]  # short rows padded


def test_trailing_empty_header_cells_are_ignored(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text("a;b;;\n1;2;;\n", encoding="utf-8")
    raw, problems = read(path)
    assert problems == [] and list(raw.frame.columns) == ["a", "b"]


@pytest.mark.parametrize("content,row,words", [
    (b"", None, "kosong"),
    (b"\x81\x8d\x8f\x90\x9d", None, "tidak bisa dibaca sebagai teks"),
    (b'a,b\n1,2\n"3,4\n5,6\n7,8\n', 3, "tanda kutip tidak berpasangan"),  # would swallow rows 4 and 5
])
def test_unreadable_csv_is_one_problem_naming_the_file(tmp_path, content, row, words):
    path = tmp_path / "kepesertaan.csv"
    path.write_bytes(content)
    raw, problems = intake.read_table("kepesertaan", path)
    assert raw is None
    assert [(p.file, p.row) for p in problems] == [(display_path(path), row)] and words in problems[0].message


def test_find_tables_one_file_per_table(tmp_path):
    (tmp_path / "Wilayah.CSV").write_text("x\n", encoding="utf-8")
    (tmp_path / "kepesertaan.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "kepesertaan.xlsx").write_bytes(b"")
    found, problems = intake.find_tables(tmp_path, TABLES)
    assert found == {"wilayah": tmp_path / "Wilayah.CSV"}
    assert len(problems) == 1 and "kepesertaan.csv" in problems[0].message and "kepesertaan.xlsx" in problems[0].message


def test_normalise_header():
    assert intake.normalise_header("  Kode  Nagari ") == "kode_nagari"
    assert intake.normalise_header("Peserta-Aktif") == "peserta_aktif"


def test_title_row_above_an_indonesian_header(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text("Data Kepesertaan Oktober 2026\n\nperiode;kode_nagari\n2026-10;13.10.01.2002\n", encoding="utf-8")
    raw, problems = intake.read_table("kepesertaan", path, ("periode", "kode_nagari"))
    assert problems == [] and raw.source["delimiter"] == ";" and raw.source["header_row"] == 3
    assert raw.header_line == 3 and raw.rows == [4] and raw.frame["periode"].tolist() == ["2026-10"]


def test_missing_table_lists_what_the_folder_holds(tmp_path):
    (tmp_path / "kepesertaan-oktober.csv").write_text("x\n", encoding="utf-8")
    _, problems = intake.find_tables(tmp_path, ("kepesertaan",))
    assert "tertulis 'kepesertaan-oktober.csv'" in problems[0].message
