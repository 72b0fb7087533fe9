"""The committed sample data: reproducible from its generator, with the published totals,
and read identically whatever form an analyst saves it in (Indonesian CSV, XLSX)."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import pandas as pd
import pytest

from briefs import data, params, paths
from briefs.params import Meeting

SAMPLE = paths.DATA / "sample"
TABLES = ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai")


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample", paths.DATA / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample_meeting() -> Meeting:
    return params.load(paths.DEFAULT_PARAMS)


@pytest.fixture(scope="module")
def original(sample_meeting) -> data.Dataset:
    return data.load(sample_meeting)


def test_generator_rewrites_the_committed_files_byte_for_byte(tmp_path):
    _generator().main(tmp_path)
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (SAMPLE / f"{name}.csv").read_bytes(), name


def test_latest_period_has_the_published_regency_totals(original, sample_meeting):
    latest = original.kepesertaan["periode"].max()
    assert latest == sample_meeting.period
    labour = int(original.angkatan_kerja["angkatan_kerja"].sum())
    covered = int(original.kepesertaan.loc[original.kepesertaan["periode"] == latest, "peserta_aktif"].sum())
    assert (labour, covered, labour - covered) == (137_520, 28_879, 108_641)
    assert round((labour - covered) / labour * 100) == 79
    assert original.wilayah["kode_kecamatan"].nunique() == 11
    assert original.wilayah["kode_nagari"].nunique() == 52


def test_sample_loads_without_warnings(original):
    assert original.report.warnings == ()
    assert all(t.read == t.used and t.reported == 0 for t in original.report.tables)


# --- The same sample in the forms analysts bring ---

def _indonesian_number(text: str) -> str:
    """1234 -> 1.234, as an Indonesian-locale Excel writes counts."""
    return f"{int(text):,}".replace(",", ".") if text.isdigit() else text


def _as_indonesian_csv(source: Path, target: Path) -> None:
    """`;` between fields, `.` for thousands in counts, Windows-1252, CRLF, stray spaces, odd case."""
    rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([h.upper() if i == 0 else f" {h.title()} " for i, h in enumerate(rows[0])])
    for row in rows[1:]:
        cells = [c if "kode" in h else _indonesian_number(c) for h, c in zip(rows[0], row)]
        # A no-break space, as copied from a web page: byte A0 in Windows-1252, not UTF-8.
        writer.writerow([f"\xa0{c.lower()} " if c in ("PU", "BPU", "JAKON") else c for c in cells])
    target.write_bytes(out.getvalue().encode("cp1252"))


def _as_xlsx(source: Path, target: Path) -> None:
    """Counts as numbers, codes as text, one sheet named after the table after a cover sheet."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Keterangan"
    book.active.append(["Data contoh"])
    sheet = book.create_sheet(source.stem.upper())
    rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([int(c) if c.isdigit() and "kode" not in h else c for h, c in zip(rows[0], row)])
    book.save(target)


@pytest.mark.parametrize("form", ["indonesian-csv", "xlsx", "utf8-bom"])
def test_every_form_of_the_sample_gives_the_same_tables(tmp_path, sample_meeting, original, form):
    for name in TABLES:
        source = SAMPLE / f"{name}.csv"
        if form == "xlsx":
            _as_xlsx(source, tmp_path / f"{name}.xlsx")
        elif form == "indonesian-csv":
            _as_indonesian_csv(source, tmp_path / f"{name}.csv")
        else:
            (tmp_path / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    variant = data.load(sample_meeting.model_copy(update={"data": str(tmp_path)}))
    for name in TABLES:
        pd.testing.assert_frame_equal(variant.tables()[name], original.tables()[name], check_exact=True)
    detected = variant.sources["kepesertaan"]
    expected = {"indonesian-csv": {"format": "csv", "delimiter": ";", "decimal": ",", "encoding": "cp1252"},
                "xlsx": {"format": "xlsx", "sheet": "KEPESERTAAN"},
                "utf8-bom": {"format": "csv", "delimiter": ",", "encoding": "utf-8-sig"}}[form]
    assert expected.items() <= detected.items()


def test_indonesian_variant_really_has_thousands_separators(tmp_path):
    _as_indonesian_csv(SAMPLE / "angkatan_kerja.csv", tmp_path / "angkatan_kerja.csv")
    text = (tmp_path / "angkatan_kerja.csv").read_bytes().decode("cp1252")
    assert "13.10.01.2002;3.724" in text  # the variant test would be empty without this
