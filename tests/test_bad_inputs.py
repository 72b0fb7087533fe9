"""A corpus of broken and unusual inputs: each ends in InputError naming file, row and column.

Every case starts from the three-nagari fixture in tests/fixtures/data/mini/ and breaks
one thing, the way analysts' files break: Indonesian decimals in a count, a BPS code
where a Kemendagri code belongs, a row pasted twice, a column renamed, a file saved twice.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from briefs import data, params
from briefs.errors import InputError, Problem, display_path
from tests.helpers import meeting


def edit(folder: Path, table: str, old: str, new: str) -> None:
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {table}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path, **changes) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        data.load(meeting(folder, **changes))
    return caught.value.problems


# (case, table, old text, new text, row, column as written, words in the message)
ROW_CASES = [
    ("teks di kolom angka", "kepesertaan", "PU,604", "PU,6o4", 2, "peserta_aktif", "bukan angka bulat; tertulis '6o4'"),
    ("angka desimal", "kepesertaan", "BPU,120", 'BPU,"12,5"', 3, "peserta_aktif", "bukan angka bulat; tertulis '12,5'"),
    ("angka terlalu besar", "kepesertaan", "BPU,120", "BPU,99999999999999999999", 3, "peserta_aktif",
     "angka terlalu besar; tertulis '99999999999999999999'"),
    ("angka negatif", "kepesertaan", "JAKON,35", "JAKON,-35", 4, "peserta_aktif", "angka negatif; tertulis '-35'"),
    ("angkatan kerja melebihi penduduk Indonesia", "angkatan_kerja", "13.10.01.2003,1354", "13.10.01.2003,372400001354",
     3, "angkatan_kerja", "angka mustahil untuk satu nagari, melebihi jumlah penduduk Indonesia; tertulis "
     "'372400001354'; seharusnya bilangan bulat lebih dari 0 (angkatan kerja nagari, penyebut cakupan), "
     "paling banyak 300.000.000"),
    ("kolom rupiah tertempel", "agen_perisai", "2026-10,13.10.01.2002,1,6", "2026-10,13.10.01.2002,1,4032000000", 5,
     "peserta_diakuisisi", "angka mustahil untuk satu nagari"),
    ("isian kosong", "agen_perisai", "2026-10,13.10.01.2002,1,6", "2026-10,13.10.01.2002,,6", 5, "agen_aktif",
     "isian kosong"),
    ("periode tanpa nol", "kepesertaan", "2026-09,13.10.01.2003", "2026-9,13.10.01.2003", 3, "periode",
     "tertulis '2026-9'; seharusnya periode YYYY-MM"),
    ("bulan ke-13", "agen_perisai", "2026-09,13.10.02.2001", "2026-13,13.10.02.2001", 4, "periode", "'2026-13'"),
    ("segmen tidak dikenal", "kepesertaan", "JAKON,40", "PMI,40", 7, "segmen", "segmen tidak dikenal; tertulis 'PMI'"),
    ("kode tidak ada di wilayah", "kepesertaan", "2026-10,13.10.01.2003", "2026-10,13.10.01.2099", 6, "kode_nagari",
     "tidak ada di tabel wilayah; tertulis '13.10.01.2099'"),
    ("kode BPS di kolom Kemendagri", "agen_perisai", "2026-09,13.10.01.2003", "2026-09,1311020005", 3,
     "kode_nagari", "tidak sesuai format; tertulis '1311020005'"),
    ("baris ganda", "kepesertaan", "2026-10,13.10.01.2003,BPU,125", "2026-10,13.10.01.2002,PU,125", 6, "segmen",
     "baris ganda"),
    ("nagari tanpa angkatan kerja", "angkatan_kerja", "13.10.01.2003,1354\n", "", 3, "kode_nagari",
     "tidak punya baris angkatan kerja"),
    ("kode kecamatan kosong", "wilayah", "13.10.02,Pulau Punjung", " ,Pulau Punjung", 4, "kode_kecamatan",
     "isian kosong"),
    ("kode kecamatan salah format", "wilayah", "13.10.02,Pulau Punjung", "1311040,Pulau Punjung", 4, "kode_kecamatan",
     "tertulis '1311040'; seharusnya kode Kemendagri"),
    ("nama kecamatan berbeda untuk satu kode", "wilayah", "13.10.01,Koto Baru,13.10.01.2003",
     "13.10.01,Koto Baruh,13.10.01.2003", 3, "kecamatan", "tertulis 'Koto Baruh'; seharusnya 'Koto Baru'"),
    # two nagari of one kecamatan under one name (here spelt apart only by case and a space):
    # a brief's chart would draw them on one row, its table list two rows no reader tells apart
    ("nama nagari ganda dalam satu kecamatan", "wilayah", "13.10.01.2003,Sialang Gaung", "13.10.01.2003,koto baru ",
     3, "nagari", "nama nagari sudah dipakai kode 13.10.01.2002 di kecamatan yang sama; tertulis 'koto baru '"),
    ("isian lebih banyak dari judul", "agen_perisai", "2026-10,13.10.01.2003,0,0", "2026-10,13.10.01.2003,0,0,7", 6,
     "kolom ke-5", "lebih banyak"),
    ("kolom wajib hilang", "kepesertaan", "segmen,peserta_aktif", "segmen,peserta", 1, "peserta_aktif",
     "kolom wajib 'peserta_aktif' tidak ada"),
    ("judul kolom dengan karakter tak terlihat", "kepesertaan", "segmen,peserta_aktif", "segmen,peserta_aktif\u200b",
     1, "peserta_aktif", "tertulis judul kolom 'periode, kode_nagari, segmen, peserta_aktif⟨U+200B⟩'"),
    ("judul kolom ganda", "agen_perisai", "peserta_diakuisisi\n", "peserta_diakuisisi, Agen Aktif\n", 1,
     "Agen Aktif", "judul kolom ganda"),
]


@pytest.mark.parametrize("case,table,old,new,row,column,words", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_each_broken_cell_is_one_problem_at_file_row_column(folder, case, table, old, new, row, column, words):
    edit(folder, table, old, new)
    found = problems(folder)
    assert len(found) == 1, "\n".join(map(str, found))
    problem = found[0]
    expected_file = "wilayah" if case == "nagari tanpa angkatan kerja" else table
    assert problem.file == display_path(folder / f"{expected_file}.csv")
    assert (problem.row, problem.column) == (row, column)
    assert words in problem.message
    assert str(problem).startswith(f"{problem.file}:{row}:{column}: ")


def test_a_count_up_to_the_people_of_indonesia_is_read_one_more_is_refused(folder):
    edit(folder, "angkatan_kerja", "13.10.01.2003,1354", "13.10.01.2003,300000000")
    labour = data.load(meeting(folder)).angkatan_kerja.set_index("kode_nagari")["angkatan_kerja"]
    assert labour["13.10.01.2003"] == 300_000_000
    edit(folder, "angkatan_kerja", "13.10.01.2003,300000000", "13.10.01.2003,300000001")
    found = problems(folder)
    assert [(p.row, p.column) for p in found] == [(3, "angkatan_kerja")], found
    assert "angka mustahil untuk satu nagari" in found[0].message and "'300000001'" in found[0].message


def test_indonesian_csv_decimal_count_is_reported_as_written(folder):
    text = (folder / "kepesertaan.csv").read_text(encoding="utf-8").replace(",", ";").replace(";604", ";12,5x")
    (folder / "kepesertaan.csv").write_bytes(text.encode("cp1252"))
    [problem] = problems(folder)
    assert str(problem) == (f"{display_path(folder / 'kepesertaan.csv')}:2:peserta_aktif: bukan angka bulat; "
                            "tertulis '12,5x'; seharusnya bilangan bulat tidak negatif")


def test_windows_1252_value_is_shown_as_the_analyst_wrote_it(folder):
    text = (folder / "agen_perisai.csv").read_text(encoding="utf-8").replace("2026-09,13.10.01.2003,0,0",
                                                                             "2026-09,13.10.01.2003,0,dua–tiga")
    (folder / "agen_perisai.csv").write_bytes(text.encode("cp1252"))
    [problem] = problems(folder)
    assert (problem.row, problem.column) == (3, "peserta_diakuisisi")
    assert "tertulis 'dua–tiga'" in problem.message


def test_name_column_that_disagrees_with_the_code_is_reported(folder):
    (folder / "angkatan_kerja.csv").write_text(
        "kode_nagari,Nagari,angkatan_kerja\n13.10.01.2002,KOTO  baru ,3724\n13.10.01.2003,Sialang Gaung,1354\n"
        "13.10.02.2001,Sungai Darah,5210\n", encoding="utf-8")
    [problem] = problems(folder)
    assert (problem.row, problem.column) == (4, "Nagari")
    assert "tertulis 'Sungai Darah'; seharusnya 'Sungai Dareh'" in problem.message


def test_one_nagari_name_in_two_kecamatan_is_two_nagari(folder):
    """Names repeat across kecamatan (Koto Baru is a kecamatan and a nagari in Dharmasraya): only
    within one kecamatan is a repeated name a problem."""
    edit(folder, "wilayah", "13.10.02.2001,Sungai Dareh", "13.10.02.2001,Sialang Gaung")
    wilayah = data.load(meeting(folder)).wilayah
    assert sorted(wilayah.loc[wilayah["nagari"] == "Sialang Gaung", "kode_nagari"]) == ["13.10.01.2003", "13.10.02.2001"]


def test_text_in_a_workbook_count_cell_names_sheet_row(folder):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["periode", "kode_nagari", "agen_aktif", "peserta_diakuisisi"])
    sheet.append(["2026-09", "13.10.01.2002", 1, 4])
    sheet.append(["2026-10", "13.10.01.2002", "satu", 6])
    (folder / "agen_perisai.csv").unlink()
    book.save(folder / "agen_perisai.xlsx")
    found = [p for p in problems(folder)]
    assert [(p.file, p.row, p.column) for p in found] == [(display_path(folder / "agen_perisai.xlsx"), 3, "agen_aktif")]
    assert "tertulis 'satu'" in found[0].message


@pytest.mark.parametrize("name,content,words", [
    ("kepesertaan.xlsx", b"PK\x03\x04 not really a workbook", "tidak bisa dibuka"),
    ("agen_perisai.xls", b"\xd0\xcf\x11\xe0", "format berkas tidak didukung"),
])
def test_unreadable_or_old_workbooks_name_the_file(folder, name, content, words):
    stem = name.split(".")[0]
    (folder / f"{stem}.csv").unlink()
    (folder / name).write_bytes(content)
    [problem] = problems(folder)
    assert problem.file == display_path(folder / name) and words in problem.message


def test_two_files_for_one_table_names_both(folder):
    shutil.copy(folder / "wilayah.csv", folder / "wilayah.xlsx")
    [problem] = problems(folder)
    assert "wilayah.csv" in problem.message and "wilayah.xlsx" in problem.message


def test_missing_and_empty_files_name_the_file(folder):
    (folder / "angkatan_kerja.csv").unlink()
    (folder / "agen_perisai.csv").write_text("\n\n", encoding="utf-8")
    found = problems(folder)
    assert [p.file for p in found] == [display_path(folder / "angkatan_kerja.csv"),
                                       display_path(folder / "agen_perisai.csv")]
    assert "tidak ditemukan" in found[0].message and "kosong" in found[1].message


def test_every_problem_in_every_file_in_one_pass(folder):
    edit(folder, "wilayah", "13.10.02,Pulau Punjung", "13.10.2,Pulau Punjung")
    edit(folder, "kepesertaan", "PU,604", "PU,-1")
    edit(folder, "kepesertaan", "JAKON,40", "JAKONN,4x")
    edit(folder, "agen_perisai", "2026-09,13.10.01.2002,1,4", "2026/09,13.10.01.2002,1,4")
    found = problems(folder)
    where = [(Path(p.file).name, p.row, p.column) for p in found]
    assert where == [("wilayah.csv", 4, "kode_kecamatan"), ("kepesertaan.csv", 2, "peserta_aktif"),
                     ("kepesertaan.csv", 7, "segmen"), ("kepesertaan.csv", 7, "peserta_aktif"),
                     ("agen_perisai.csv", 2, "periode")]


def test_rows_read_are_used_or_reported(folder):
    edit(folder, "kepesertaan", "PU,604", "PU,-1")
    edit(folder, "kepesertaan", "JAKON,40", "JAKONN,4x")  # two problems, one row
    with pytest.raises(data.DataError) as caught:
        data.load(meeting(folder))
    kep = {t.table: t for t in caught.value.report.tables}["kepesertaan"]
    assert (kep.read, kep.used, kep.reported) == (18, 16, 2)
    assert all(t.read == t.used + t.reported for t in caught.value.report.tables)


# --- The meeting against the data (params file named, with its line) ---

def write_params(tmp_path: Path, folder: Path, **changes) -> Path:
    lines = {"id": "uji", "title": "Rakor Uji", "date": '"2026-11-24"', "place": "Pulau Punjung",
             "regency": "Kabupaten Uji", "data": str(folder), "period": '"2026-10"', "previous_period": '"2026-09"'}
    lines.update(changes)
    body = "".join(f"{k}: {v}\n" for k, v in lines.items())
    path = tmp_path / "rakor-uji.yml"
    path.write_text(body + "target:\n  coverage: 32.15\n  source: RPJMN\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("key,value,row,words,tables", [
    ("period", '"2026-11"', 7, "tertulis '2026-11'; seharusnya periode yang ada di data (2026-09 s.d. 2026-10)",
     ["kepesertaan.csv", "agen_perisai.csv"]),  # agents are shown for the reported period
    ("previous_period", '"2026-08"', 8, "tertulis '2026-08'", ["kepesertaan.csv"]),
    ("kecamatan", "\n  - Koto  baru\n  - Sitiung", 11, "tertulis 'Sitiung'; seharusnya salah satu dari: Koto Baru, "
                                                       "Pulau Punjung", [None]),
])
def test_meeting_asks_for_what_the_data_lacks(tmp_path, folder, key, value, row, words, tables):
    path = write_params(tmp_path, folder, **{key: value})
    meeting_ = params.load(path)
    with pytest.raises(InputError) as caught:
        data.load(meeting_, params_file=path)
    found = caught.value.problems
    assert [(p.file, p.row, p.column) for p in found] == [(display_path(path), row, key)] * len(tables)
    assert words in found[0].message
    assert all(table is None or f"/{table};" in p.message for p, table in zip(found, tables))


def test_only_with_unknown_name_lists_valid_names(folder):
    ds = data.load(meeting(folder))
    with pytest.raises(InputError) as caught:
        data.resolve_kecamatan(ds, ["Koto Baru", "Tiumang"], source="--only")
    [problem] = caught.value.problems
    assert problem.file == "--only"
    assert "tertulis 'Tiumang'; seharusnya salah satu dari: Koto Baru, Pulau Punjung" in problem.message


def test_missing_data_folder_points_at_the_params_line(tmp_path):
    path = write_params(tmp_path, tmp_path / "tidak-ada")
    with pytest.raises(InputError) as caught:
        data.load(params.load(path), params_file=path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (display_path(path), 6, "data")
    assert "folder data tidak ditemukan" in problem.message


def test_a_sum_row_under_the_table_is_named_as_such(folder):
    edit(folder, "angkatan_kerja", "13.10.02.2001,5210\n", "13.10.02.2001,5210\nJumlah,10288\n")
    [problem] = problems(folder)
    assert (problem.row, problem.column) == (5, "kode_nagari")
    assert problem.message.startswith("baris jumlah tidak termasuk data; tertulis 'Jumlah'")


def test_title_rows_above_the_header_are_skipped(folder):
    edit(folder, "wilayah", "kode_kecamatan,", "Daftar Wilayah Kabupaten Uji\n\nkode_kecamatan,")
    edit(folder, "wilayah", "13.10.02,Pulau Punjung,13.10.02.2001", "13.10.02,,13.10.02.2001")
    [problem] = problems(folder)
    assert (problem.row, problem.column) == (6, "kecamatan")  # the line in the file, title included


def test_agent_data_must_cover_the_reported_period(tmp_path, folder):
    text = (folder / "agen_perisai.csv").read_text(encoding="utf-8")
    (folder / "agen_perisai.csv").write_text("\n".join(l for l in text.splitlines() if "2026-10" not in l) + "\n")
    path = write_params(tmp_path, folder)
    with pytest.raises(InputError) as caught:
        data.load(params.load(path), params_file=path)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == (display_path(path), 7, "period")
    assert "agen_perisai.csv" in problem.message and "(2026-09 s.d. 2026-09)" in problem.message


def test_workbook_saved_under_a_csv_name_is_read_as_a_workbook(folder):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["kode_nagari", "angkatan_kerja"])
    for code, n in (("13.10.01.2002", 3724), ("13.10.01.2003", -1354), ("13.10.02.2001", 5210)):
        book.active.append([code, n])
    book.save(folder / "angkatan_kerja.csv")
    [problem] = problems(folder)
    assert (problem.row, problem.column) == (3, "angkatan_kerja") and "angka negatif" in problem.message


# --- Whatever the bytes, an InputError or a dataset: never a traceback ---

_NOISE = [b",", b";", b"\n", b'"', b" ", b"-", b".", b"x", b"\xe9", b"\xff", b"\x00", b"\t", b"\r", b"\xef\xbb\xbf"]


@pytest.mark.parametrize("seed", range(40))
def test_damaged_csv_bytes_never_end_in_a_traceback(folder, seed):
    rng = random.Random(seed)
    for _ in range(rng.randint(1, 4)):
        path = folder / f"{rng.choice(['wilayah', 'angkatan_kerja', 'kepesertaan', 'agen_perisai'])}.csv"
        content = bytearray(path.read_bytes())
        at = rng.randrange(len(content) + 1)
        content[at:at + rng.randint(0, 4)] = rng.choice(_NOISE)
        path.write_bytes(bytes(content))
    try:
        ds = data.load(meeting(folder))
    except InputError as exc:
        assert exc.problems and all(p.file and p.message for p in exc.problems)
        assert all(t.read == t.used + t.reported for t in exc.report.tables)
    else:
        assert all(t.read == t.used for t in ds.report.tables)


@pytest.mark.parametrize("seed", range(5))
def test_damaged_workbook_never_ends_in_a_traceback(folder, seed):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for line in (folder / "kepesertaan.csv").read_text(encoding="utf-8").splitlines():
        book.active.append(line.split(","))
    (folder / "kepesertaan.csv").unlink()
    target = folder / "kepesertaan.xlsx"
    book.save(target)
    content = bytearray(target.read_bytes())
    at = random.Random(seed).randrange(200, len(content) - 200)
    content[at:at + 40] = b"\x00" * 40
    target.write_bytes(bytes(content))
    try:
        data.load(meeting(folder))
    except InputError as exc:
        assert all(p.file == display_path(target) for p in exc.problems if "kepesertaan" in p.file)


class _Started(Exception):
    """Raised where the build would start its kernel early: the build got that far."""


@pytest.mark.parametrize("broken", [None, "quarto"])
def test_the_kernel_starts_early_once_what_needs_no_data_is_valid(tmp_path, folder, monkeypatch, broken):
    """A build that will run here starts its kernel before it reads the data; an input that
    is bad without any data (an engine that is not installed) never starts one."""
    from briefs import pipeline
    from briefs.run import kernels

    def start_early():
        raise _Started

    monkeypatch.setattr(kernels, "start_early", start_early)
    options = {}
    if broken == "quarto":
        monkeypatch.delenv("QUARTO_PATH", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))  # nowhere to find quarto
        options["engine"] = "quarto"
    path = write_params(tmp_path, folder)
    with pytest.raises(InputError if broken else _Started):
        pipeline.build(path, pipeline.Options(out=tmp_path / "out", jobs=1, **options))


@pytest.mark.parametrize("broken", ["data", "--only"])
def test_bad_data_stops_the_kernel_that_booted_while_it_was_read(tmp_path, folder, monkeypatch, broken):
    """The kernel boots while the data is read and checked; bad data or an unknown `--only`
    name is still exit 2, and that real kernel is shut down at once: no process outlives it."""
    from briefs import pipeline
    from briefs.run import kernels

    kernels.discard()  # this test process's own warm kernel, if an earlier test left one
    started: list[int] = []
    real_start = kernels._start

    def start():
        km = real_start()
        started.append(km.provisioner.pid)
        return km

    monkeypatch.setattr(kernels, "_start", start)
    options = {}
    if broken == "data":
        kep = folder / "kepesertaan.csv"
        kep.write_text(kep.read_text(encoding="utf-8") + "2026-10,13.10.01.2001,PU,banyak\n", encoding="utf-8")
    else:
        options["only"] = ["Kecamatan Yang Tidak Ada"]
    path = write_params(tmp_path, folder)
    with pytest.raises(InputError) as raised:
        pipeline.build(path, pipeline.Options(out=tmp_path / "out", jobs=1, **options))
    assert ("banyak" if broken == "data" else "Kecamatan Yang Tidak Ada") in str(raised.value)
    assert len(started) == 1, "the kernel was to boot while the data was read"
    assert kernels._kernel is None and kernels._early is None
    with pytest.raises(ProcessLookupError):
        os.kill(started[0], 0)  # gone and reaped, not a zombie
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("option", "value", "words"), [
    ("timeout", 0, "terlalu kecil; tertulis 0"),
    ("timeout", 86_401, "terlalu besar; tertulis 86401"),
    ("timeout", 2.5, "harus bilangan bulat; tertulis 2.5"),
    ("engine", "latex", "nilainya tidak dikenal; tertulis 'latex'; yang diharapkan: weasyprint atau quarto"),
])
def test_a_bad_option_through_the_python_api_is_an_input_error_naming_it(tmp_path, folder, option, value, words):
    """`pipeline.build` checks `Options.engine` and `.timeout` as the params file's keys are
    checked, and words the problem as the CLI does: an InputError naming the option, not
    pydantic's ValidationError."""
    from briefs import pipeline

    with pytest.raises(InputError) as caught:
        pipeline.build(write_params(tmp_path, folder), pipeline.Options(out=tmp_path / "out", jobs=1, **{option: value}))
    [problem] = caught.value.problems
    assert problem.file == f"--{option}" and problem.message.startswith(words), problem
    assert not (tmp_path / "out").exists()
