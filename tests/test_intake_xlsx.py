"""Workbooks that lie and inputs that inflate: what intake reads is what Excel shows, within bounds.

Each class of fault has its own test: a wrong `<dimension>` tag, a hidden sheet, a formula
saved without its value (or with a stale one), rows and cells stored out of order, hidden
rows and columns, and inputs past the reading limits (inflated size, rows, cells, columns,
value length), for XLSX and CSV. Workbooks are generated here: openpyxl writes the
skeleton, and the sheet XML is rewritten by hand when the fault is one Excel never writes.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from briefs import data
from briefs.data import intake
from briefs.data import raw as limits
from briefs.errors import InputError, display_path
from tests.helpers import meeting

openpyxl = pytest.importorskip("openpyxl")

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["periode", "kode_nagari", "segmen", "peserta_aktif"]
ROWS = [["2026-09", "13.10.01.2002", "PU", 604], ["2026-09", "13.10.01.2002", "BPU", 120],
        ["2026-09", "13.10.01.2002", "JAKON", 35], ["2026-10", "13.10.01.2002", "PU", 610]]


def save(book, path: Path) -> Path:
    book.save(path)
    return path


def plain_book(rows=(HEADER, *ROWS), title="Data"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(list(row))
    return book


def rewrite(path: Path, member: str, change) -> None:
    """Replace one member of the workbook by change(old text) -> new text; the rest unchanged."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    path.write_bytes(out.getvalue())


def with_sheet(path: Path, body: str, before: str = "", after: str = "") -> Path:
    """A workbook whose first sheet is exactly this <sheetData> body (rows written by hand)."""
    save(plain_book(rows=[["x"]]), path)
    rewrite(path, SHEET, lambda _: f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
                                   f'{before}<sheetData>{body}</sheetData>{after}</worksheet>')
    return path


def cells(row: int, *values) -> str:
    """One <row> of inline-string or number cells, from column A."""
    out = []
    for i, value in enumerate(values):
        ref = f"{chr(65 + i)}{row}"
        if isinstance(value, str):
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        else:
            out.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{row}">{"".join(out)}</row>'


def read(path: Path, name: str = "kepesertaan"):
    return intake.read_table(name, path, tuple(HEADER))


def one_failure(path: Path, name: str = "kepesertaan"):
    raw, problems = read(path, name)
    assert raw is None, raw.frame
    [problem] = problems
    assert problem.file == display_path(path)
    return problem


# --- The sheet's real extent, not its <dimension> tag ---

def test_rows_past_a_wrong_dimension_tag_are_read(tmp_path):
    path = save(plain_book(), tmp_path / "kepesertaan.xlsx")
    rewrite(path, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:D2"/>', xml))
    raw, problems = read(path)
    assert problems == [] and raw.rows == [2, 3, 4, 5]
    assert raw.frame["peserta_aktif"].tolist() == ["604", "120", "35", "610"]


def test_columns_past_a_wrong_dimension_tag_are_read(tmp_path):
    path = save(plain_book(), tmp_path / "kepesertaan.xlsx")
    rewrite(path, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:B5"/>', xml))
    raw, problems = read(path)
    assert problems == [] and list(raw.frame.columns) == HEADER


def test_rows_read_count_every_row_of_the_workbook_whatever_its_dimension_tag(folder):
    """Rows past the tag were dropped and the accounting still balanced: now they are read and checked."""
    lines = (folder / "agen_perisai.csv").read_text(encoding="utf-8").splitlines()
    book = openpyxl.Workbook()
    for line in lines:
        book.active.append([int(c) if c.isdigit() else c for c in line.split(",")])
    book.active.cell(row=len(lines), column=3).value = -1  # the last row, past the tag below
    (folder / "agen_perisai.csv").unlink()
    path = save(book, folder / "agen_perisai.xlsx")
    rewrite(path, SHEET, lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:D3"/>', xml))
    with pytest.raises(data.DataError) as caught:
        data.load(meeting(folder))
    assert [(p.file, p.row, p.column) for p in caught.value.problems] == [(display_path(path), len(lines), "agen_aktif")]
    agen = {t.table: t for t in caught.value.report.tables}["agen_perisai"]
    assert (agen.read, agen.used, agen.reported) == (len(lines) - 1, len(lines) - 2, 1)


# --- The sheet a person sees ---

@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_never_read(tmp_path, state):
    book = plain_book(rows=[HEADER, ["2019-01", "13.10.01.2002", "PU", 1]], title="Lama")
    book.active.sheet_state = state
    seen = book.create_sheet("Oktober")
    for row in (HEADER, *ROWS):
        seen.append(row)
    book.active = 0  # a file may even name the hidden sheet as active: still not read
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert problems == [] and raw.source["sheet"] == "Oktober" and len(raw.frame) == len(ROWS)


def test_the_active_sheet_is_read_when_no_sheet_is_named_after_the_table(tmp_path):
    book = plain_book(rows=[HEADER, ["2019-01", "13.10.01.2002", "PU", 1]], title="September")
    current = book.create_sheet("Oktober")
    for row in (HEADER, *ROWS):
        current.append(row)
    book.active = 1  # the sheet the analyst saw when saving
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert problems == [] and raw.source["sheet"] == "Oktober" and len(raw.frame) == len(ROWS)


def test_a_visible_sheet_named_after_the_table_still_wins_over_the_active_one(tmp_path):
    """A guard, true before and after: the rule the README states first."""
    book = plain_book(rows=[["catatan"]], title="Catatan")
    named = book.create_sheet("Kepesertaan", 0)
    for row in (HEADER, *ROWS):
        named.append(row)
    book.active = 1
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert problems == [] and raw.source["sheet"] == "Kepesertaan"


def test_a_hidden_sheet_named_after_the_table_is_refused_by_name(tmp_path):
    book = plain_book(rows=[["catatan"]], title="Catatan")
    named = book.create_sheet("kepesertaan")
    for row in (HEADER, *ROWS):
        named.append(row)
    named.sheet_state = "hidden"
    problem = one_failure(save(book, tmp_path / "kepesertaan.xlsx"))
    assert "lembar 'kepesertaan' tersembunyi" in problem.message and "Unhide" in problem.message


def test_a_workbook_without_a_visible_sheet_is_refused(tmp_path):
    path = save(plain_book(), tmp_path / "kepesertaan.xlsx")
    rewrite(path, "xl/workbook.xml", lambda xml: xml.replace('state="visible"', 'state="hidden"'))
    assert "tidak ada lembar yang terlihat" in one_failure(path).message


# --- Formulas: the value Excel shows, or a problem saying there is none ---

def test_a_formula_saved_without_its_value_is_a_problem_not_an_empty_cell(tmp_path):
    book = plain_book()
    book.active["D3"] = "=100+20"  # openpyxl, like many tools, saves formulas without a value
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert [(p.row, p.column) for p in problems] == [(3, "peserta_aktif")]
    assert problems[0].message.startswith("rumus tanpa nilai tersimpan; tertulis '=100+20'")
    assert "simpan ulang" in problems[0].message
    assert str(problems[0]).startswith(f"{display_path(tmp_path / 'kepesertaan.xlsx')}:3:peserta_aktif: ")


def test_a_row_of_formulas_without_values_is_kept_and_reported(tmp_path):
    book = plain_book()
    book.active.append(["=A2", "=B2", "=C2", "=D2"])
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert raw.rows == [2, 3, 4, 5, 6]  # not dropped as a blank row
    assert [(p.row, p.column) for p in problems] == [(6, c) for c in HEADER]


def test_a_stale_formula_value_is_a_problem_when_the_file_asks_excel_to_recalculate(tmp_path):
    """Tools like xlsxwriter save formulas with 0 as their value and ask Excel to recalculate on opening."""
    path = with_sheet(tmp_path / "kepesertaan.xlsx",
                      cells(1, *HEADER) + cells(2, "2026-10", "13.10.01.2002", "PU", 0).replace(
                          '<c r="D2"><v>0</v>', '<c r="D2"><f>SUM(E2:E9)</f><v>0</v>'))
    rewrite(path, "xl/workbook.xml", lambda xml: re.sub(r"<calcPr[^>]*/>", "", xml).replace(
        "</workbook>", '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'))
    raw, problems = read(path)
    assert [(p.row, p.column) for p in problems] == [(2, "peserta_aktif")]
    assert "belum dihitung ulang" in problems[0].message and "'=SUM(E2:E9)'" in problems[0].message


def test_a_stale_formula_value_is_a_problem_when_the_sheet_asks_excel_to_recalculate(tmp_path):
    row = cells(2, "2026-10", "13.10.01.2002", "PU", 0).replace('<c r="D2"><v>0</v>', '<c r="D2"><f>E2</f><v>0</v>')
    path = with_sheet(tmp_path / "kepesertaan.xlsx", cells(1, *HEADER) + row, after='<sheetCalcPr fullCalcOnLoad="1"/>')
    rewrite(path, "xl/workbook.xml", lambda xml: re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>', xml))
    raw, problems = read(path)
    assert [(p.row, p.column) for p in problems] == [(2, "peserta_aktif")] and "belum dihitung ulang" in problems[0].message


def test_the_other_cells_of_a_shared_formula_without_values_are_problems_too(tmp_path):
    shared = ('<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>2026-10</t></is></c>'
              '<c r="D{r}"><f t="shared" si="0"{ref}>E{r}*2</f></c></row>')
    body = (cells(1, *HEADER) + shared.format(r=2, ref=' ref="D2:D3"')
            + shared.format(r=3, ref="").replace(">E3*2</f>", "/>"))
    raw, problems = read(with_sheet(tmp_path / "kepesertaan.xlsx", body))
    assert [(p.row, p.column) for p in problems] == [(2, "peserta_aktif"), (3, "peserta_aktif")]
    assert "tertulis '=E2*2'" in problems[0].message and "tertulis sebuah rumus" in problems[1].message


def test_a_formula_with_the_value_excel_saved_reads_as_that_value(tmp_path):
    """A guard, true before and after: a workbook saved by Excel reads as Excel shows it."""
    path = with_sheet(tmp_path / "kepesertaan.xlsx",
                      cells(1, *HEADER) + cells(2, "2026-10", "13.10.01.2002", "PU", 604).replace(
                          '<c r="D2"><v>604</v>', '<c r="D2"><f>SUM(E2:E9)</f><v>604</v>'))
    rewrite(path, "xl/workbook.xml", lambda xml: re.sub(r"<calcPr[^>]*/>", '<calcPr calcId="191029"/>', xml))
    raw, problems = read(path)
    assert problems == [] and raw.frame["peserta_aktif"].tolist() == ["604"]


def test_formula_problems_are_listed_up_to_a_bound_then_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LISTED", 3)
    book = plain_book(rows=[HEADER, *(["2026-10", "13.10.01.2002", "PU", "=1+1"] for _ in range(20))])
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert [p.row for p in problems] == [2, 3, 4, None]
    assert "17 sel lain" in problems[-1].message


def test_formula_without_value_stops_the_build_with_rows_accounted(folder):
    lines = (folder / "kepesertaan.csv").read_text(encoding="utf-8").splitlines()
    book = openpyxl.Workbook()
    for line in lines:
        book.active.append([int(c) if c.isdigit() else c for c in line.split(",")])
    book.active.cell(row=3, column=4).value = "=D2*2"
    (folder / "kepesertaan.csv").unlink()
    path = save(book, folder / "kepesertaan.xlsx")
    with pytest.raises(data.DataError) as caught:
        data.load(meeting(folder))
    found = caught.value.problems  # the schema may add its own line for the same empty cell
    assert {(p.file, p.row, p.column) for p in found} == {(display_path(path), 3, "peserta_aktif")}
    assert found[0].message.startswith("rumus tanpa nilai tersimpan; tertulis '=D2*2'")  # first, not "isian kosong"
    kep = {t.table: t for t in caught.value.report.tables}["kepesertaan"]
    assert (kep.read, kep.reported) == (len(lines) - 1, 1) and kep.read == kep.used + kep.reported


# --- Rows and cells stored as Excel never stores them ---

@pytest.mark.parametrize("body,row,words", [
    (cells(1, *HEADER) + cells(3, "2026-10", "13.10.01.2002", "PU", 1) + cells(2, "2026-10", "13.10.01.2002", "BPU", 2),
     2, "tidak berurutan"),
    (cells(1, *HEADER) + cells(2, "2026-10", "13.10.01.2002", "PU", 1) + cells(2, "2026-10", "13.10.01.2002", "BPU", 2),
     2, "tidak berurutan"),
])
def test_rows_out_of_order_or_twice_are_refused(tmp_path, body, row, words):
    problem = one_failure(with_sheet(tmp_path / "kepesertaan.xlsx", body))
    assert problem.row == row and words in problem.message


def test_a_cell_stored_twice_is_refused(tmp_path):
    body = cells(1, *HEADER) + cells(2, "2026-10", "13.10.01.2002", "PU", 1).replace(
        "</row>", '<c r="D2"><v>999</v></c></row>')
    problem = one_failure(with_sheet(tmp_path / "kepesertaan.xlsx", body))
    assert (problem.row, problem.column) == (2, "kolom ke-4") and "tidak berurutan" in problem.message


def test_a_cell_naming_another_row_is_refused(tmp_path):
    body = cells(1, *HEADER) + cells(2, "2026-10", "13.10.01.2002", "PU", 1).replace('r="D2"', 'r="D7"')
    problem = one_failure(with_sheet(tmp_path / "kepesertaan.xlsx", body))
    assert problem.row == 2 and "D7" in problem.message


# --- Hidden rows and columns: in the file, not on the analyst's screen ---

def test_a_hidden_row_holding_data_is_a_problem_at_its_row(tmp_path):
    book = plain_book()
    book.active.row_dimensions[4].hidden = True
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert [(p.row, p.column) for p in problems] == [(4, "periode")] and "tersembunyi" in problems[0].message
    assert raw.rows == [2, 3, 4, 5]


def test_a_hidden_column_holding_data_is_a_problem_at_its_header(tmp_path):
    book = plain_book()
    book.active.column_dimensions["D"].hidden = True
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert [(p.row, p.column) for p in problems] == [(1, "peserta_aktif")] and "kolom D" in problems[0].message


# --- Bounds: a hostile or runaway file is refused early, in seconds, within bounded memory ---

WIDE_ROW = b'<row><c r="XFD1"><v>1</v></c></row>'  # one cell in the last column, coordinate repeated
DATA_ROW = re.sub(r' r="[A-Z]*2"', "", cells(2, "2026-10", "13.10.01.2002", "PU", 604)).encode()  # no coordinates


def inflating_workbook(path: Path, rows: int, row: bytes = WIDE_ROW) -> Path:
    """A small file of one sheet of identical rows, no <dimension>, deflated some 250 to 1000 times."""
    base = io.BytesIO()
    plain_book(rows=[["x"]]).save(base)
    source = zipfile.ZipFile(base)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, source.read(info.filename))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + cells(1, *HEADER).encode())
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))  # a runaway test must not take the machine
    from briefs.data import intake
    start = time.perf_counter()
    raw, problems = intake.read_table(sys.argv[2], Path(sys.argv[1]))
    # This process's own peak (VmHWM): ru_maxrss starts from the peak of the process that started it
    # (pytest, which built the test file in memory), kept across fork and exec.
    peak = next((int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")),
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"seconds": time.perf_counter() - start, "rows": None if raw is None else len(raw.frame),
                      "peak_mb": peak, "problems": [str(p) for p in problems[:3]]}))
""")


def measure(path: Path, name: str = "kepesertaan", timeout: int = 60) -> dict:
    """read_table in a fresh interpreter: wall time, peak RSS and the problems, as JSON."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), name], cwd=root, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_an_inflating_workbook_is_refused_in_seconds_within_bounded_memory(tmp_path):
    """~100 KB that unpacks to 35 MB of rows, each a cell in column XFD: before the bounds, 65 s and 2.9 GB."""
    path = inflating_workbook(tmp_path / "kepesertaan.xlsx", rows=1_000_000)
    assert path.stat().st_size < 150_000
    try:
        result = measure(path)
    except subprocess.TimeoutExpired:
        pytest.fail("an inflating workbook was still being read after 60 s")
    assert result["rows"] is None and len(result["problems"]) == 1, result
    assert "mengembang" in result["problems"][0], result
    assert result["seconds"] < 5 and result["peak_mb"] < 400, result


def test_xml_that_is_neither_rows_nor_cells_is_bounded_too(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 10)
    monkeypatch.setattr(limits, "MAX_ROWS", 10)  # 3 x 10 + 10 = 40 elements
    path = with_sheet(tmp_path / "kepesertaan.xlsx", cells(1, "periode") + "<q/>" * 100)
    assert "unsur XML" in one_failure(path).message


def test_a_workbook_too_large_once_unpacked_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_INFLATED", 4_000)
    problem = one_failure(save(plain_book(), tmp_path / "kepesertaan.xlsx"))
    assert "terlalu besar setelah dibuka" in problem.message


def test_a_workbook_of_too_many_parts_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_PARTS", 5)
    assert "terlalu banyak bagian" in one_failure(save(plain_book(), tmp_path / "kepesertaan.xlsx")).message


def test_a_workbook_with_a_part_stored_twice_is_refused(tmp_path):
    path = save(plain_book(), tmp_path / "kepesertaan.xlsx")
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning):
        archive.writestr(SHEET, f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>')
    assert "lebih dari sekali" in one_failure(path).message


def test_rows_past_the_limit_stop_the_reading_at_that_row(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    book = plain_book(rows=[HEADER, *(ROWS * 5)])
    problem = one_failure(save(book, tmp_path / "kepesertaan.xlsx"))
    assert problem.row == 11 and "terlalu banyak baris" in problem.message and "10" in problem.message


def test_cells_past_the_limit_stop_the_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 10)
    problem = one_failure(save(plain_book(), tmp_path / "kepesertaan.xlsx"))
    assert problem.row == 3 and "terlalu banyak sel" in problem.message


def test_data_past_the_last_allowed_column_is_refused(tmp_path):
    book = plain_book()
    book.active.cell(row=3, column=limits.MAX_COLUMNS + 1).value = "x"
    problem = one_failure(save(book, tmp_path / "kepesertaan.xlsx"))
    assert (problem.row, problem.column) == (3, f"kolom ke-{limits.MAX_COLUMNS + 1}")
    assert "terlalu banyak kolom" in problem.message


def test_empty_styled_cells_far_to_the_right_are_not_data(tmp_path):
    """A guard, true before and after: formatting past the column limit is not refused."""
    book = plain_book()
    book.active.cell(row=3, column=5000).number_format = "0.00"  # formatted, empty
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert problems == [] and list(raw.frame.columns) == HEADER


def test_an_overlong_workbook_value_is_a_problem_at_its_cell(tmp_path):
    book = plain_book()
    book.active["B3"] = "1" * (limits.MAX_VALUE_CHARS + 5)
    raw, problems = read(save(book, tmp_path / "kepesertaan.xlsx"))
    assert [(p.row, p.column) for p in problems] == [(3, "kode_nagari")]
    assert "isian terlalu panjang" in problems[0].message and f"{limits.MAX_VALUE_CHARS + 5:,}".replace(",", ".") in problems[0].message
    assert len(raw.frame.at[1, "kode_nagari"]) <= limits.MAX_VALUE_CHARS


def test_text_past_the_total_limit_stops_the_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 60)
    problem = one_failure(save(plain_book(), tmp_path / "kepesertaan.xlsx"))
    assert "terlalu banyak teks" in problem.message and problem.row is not None


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    path = tmp_path / "kepesertaan.csv"
    path.write_text("periode,peserta_aktif\n" + "2026-10,1\n" * 20, encoding="utf-8")
    assert "berkas terlalu besar" in one_failure(path).message


# --- The same bounds for CSV ---

def test_csv_lines_past_the_limit_are_refused_at_that_line(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    path = tmp_path / "kepesertaan.csv"
    path.write_text("periode,peserta_aktif\n" + "2026-10,1\n" * 20, encoding="utf-8")
    problem = one_failure(path)
    assert problem.row == 11 and "terlalu banyak baris" in problem.message


def test_csv_fields_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 30)
    path = tmp_path / "kepesertaan.csv"
    path.write_text("periode,peserta_aktif\n" + "2026-10,1\n" * 20, encoding="utf-8")
    assert "terlalu banyak isian" in one_failure(path).message


def test_csv_data_past_the_last_allowed_column_is_refused(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text("periode,peserta_aktif\n2026-10,1\n2026-10" + "," * limits.MAX_COLUMNS + "x\n", encoding="utf-8")
    problem = one_failure(path)
    assert (problem.row, problem.column) == (3, f"kolom ke-{limits.MAX_COLUMNS + 1}")


def test_an_overlong_csv_value_is_a_problem_at_its_cell(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text(f"periode,peserta_aktif\n2026-10,1\n2026-10,{'9' * (limits.MAX_VALUE_CHARS + 1)}\n",
                    encoding="utf-8")
    raw, problems = read(path)
    assert [(p.row, p.column) for p in problems] == [(3, "peserta_aktif")]
    assert "isian terlalu panjang" in problems[0].message


def test_a_csv_field_past_the_parser_limit_is_named_as_too_long(tmp_path):
    path = tmp_path / "kepesertaan.csv"
    path.write_text("periode,peserta_aktif\n2026-10,1\n2026-10," + "9" * 200_000 + "\n", encoding="utf-8")
    problem = one_failure(path)
    assert problem.row == 3 and "terlalu panjang" in problem.message


def test_csv_limits_keep_a_runaway_file_in_seconds_and_bounded_memory(tmp_path):
    """A CSV of only separators (each one a field) is refused before it becomes millions of cells."""
    path = tmp_path / "kepesertaan.csv"
    path.write_bytes(b"periode,peserta_aktif\n" + b"," * (limits.MAX_FILE_BYTES - 100))
    result = measure(path)
    assert result["rows"] is None and "terlalu banyak isian" in result["problems"][0], result
    assert result["seconds"] < 5 and result["peak_mb"] < 400, result


def test_a_bad_workbook_is_an_input_error_through_data_load(folder):
    (folder / "kepesertaan.csv").unlink()
    inflating_workbook(folder / "kepesertaan.xlsx", rows=50_000, row=DATA_ROW)
    with pytest.raises(InputError) as caught:
        data.load(meeting(folder))
    [problem] = caught.value.problems
    assert problem.file == display_path(folder / "kepesertaan.xlsx") and "mengembang" in problem.message
