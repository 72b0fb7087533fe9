"""The declared schema per table: reading counts, pandera checks, rules across tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from briefs.data import schema
from briefs.data.intake import RawTable, normalise_header


def raw(name: str, text: str, decimal: str = ".") -> RawTable:
    """A RawTable from 'a,b\\n1,2' text: rows numbered as in a file (header = 1)."""
    lines = text.strip("\n").split("\n")
    header = lines[0].split(",")
    body = [(line.split(",") + [""] * len(header))[: len(header)] for line in lines[1:]]
    columns = [normalise_header(h) for h in header]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    return RawTable(name, Path(f"/data/{name}.csv"), frame, list(range(2, len(body) + 2)),
                    dict(zip(columns, [h.strip() for h in header])), {"decimal": decimal})


def count_cell(text: str, decimal: str) -> schema.Checked:
    """One labour-force cell written `text` in a file whose decimal mark is `decimal`."""
    frame = pd.DataFrame({"kode_nagari": ["13.10.01.2002"], "angkatan_kerja": [text]}, dtype=object)
    headers = {"kode_nagari": "kode_nagari", "angkatan_kerja": "angkatan_kerja"}
    return schema.parse(RawTable("angkatan_kerja", Path("/data/angkatan_kerja.csv"), frame, [2], headers,
                                 {"decimal": decimal}))


def checked(name: str, text: str, known: dict | None = None, decimal: str = ".") -> schema.Checked:
    return schema.validate(schema.parse(raw(name, text, decimal)), known or {})


def where(c: schema.Checked) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in c.errors]


@pytest.mark.parametrize("text,decimal,value", [
    ("1234", ".", 1234), ("1.234", ",", 1234), ("1,234", ".", 1234), (" 7 ", ".", 7),
    ("1.234.567", ",", 1_234_567), ("-3", ",", -3), ("0", ",", 0),
])
def test_counts_in_either_convention(text, decimal, value):
    """The typing `parse` runs on every count cell, in the file's own convention."""
    c = count_cell(text, decimal)
    assert c.errors == [] and c.typed["angkatan_kerja"].tolist() == [value]


@pytest.mark.parametrize("text,decimal", [
    ("12,5", ","), ("1.234", "."), ("1.23", ","), ("12.34.567", ","), ("1e3", "."), ("12 5", ","), ("x", ","),
])
def test_anything_but_a_whole_number_is_refused(text, decimal):
    c = count_cell(text, decimal)
    assert where(c) == [(2, "angkatan_kerja")] and "bukan angka bulat" in c.errors[0].message
    assert c.typed["angkatan_kerja"].isna().all()


def test_name_key_ignores_case_and_spaces():
    assert schema.name_key(" koto  BARU ") == schema.name_key("Koto Baru") == schema.name_key("KotoBaru")
    assert schema.name_key("Koto Baru") != schema.name_key("Koto Baruh")


def test_segments_and_spaces_are_normalised_not_refused():
    c = checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n"
                               "2026-10, 13.10.01.2002 , pu ,5\n2026-10,13.10.01.2002,Ja Kon,1")
    assert c.errors == []
    assert c.typed["segmen"].tolist() == ["PU", "JAKON"]
    assert c.typed["kode_nagari"].tolist() == ["13.10.01.2002"] * 2


def test_every_failing_cell_is_reported_with_value_and_expectation():
    c = checked("agen_perisai", "periode,kode_nagari,agen_aktif,peserta_diakuisisi\n"
                                "2026-13,13.10.01,-1,x\n2026-10,13.10.01.2002,,3", decimal=",")
    assert where(c) == [(2, "peserta_diakuisisi"), (2, "periode"), (2, "kode_nagari"), (2, "agen_aktif"),
                        (3, "agen_aktif")]
    messages = [p.message for p in c.errors]
    assert messages[0] == "bukan angka bulat; tertulis 'x'; seharusnya bilangan bulat tidak negatif"
    assert messages[1] == ("periode tidak sesuai format; tertulis '2026-13'; "
                           "seharusnya periode YYYY-MM, misalnya 2026-10")
    assert "tertulis '-1'" in messages[3] and "isian kosong" in messages[4]
    assert c.bad == {0, 1}


def test_duplicate_key_points_at_the_first_row():
    c = checked("angkatan_kerja", "kode_nagari,angkatan_kerja\n13.10.01.2002,5\n13.10.01.2003,6\n13.10.01.2002,7")
    assert where(c) == [(4, "kode_nagari")]
    assert "sudah ada di baris 2" in c.errors[0].message


def test_codes_must_be_known_to_wilayah_and_nagari_need_labour_force():
    known = {"wilayah": {"13.10.01.2002"}, "angkatan_kerja": {"13.10.01.2002"}}
    kep = checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n2026-10,13.10.01.2009,PU,1", known)
    wil = checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n13.10.01,Koto Baru,13.10.01.2002,A\n"
                             "13.10.01,Koto Baru,13.10.01.2003,B", known)
    assert where(kep) == [(2, "kode_nagari")] and "tidak ada di tabel wilayah" in kep.errors[0].message
    assert where(wil) == [(3, "kode_nagari")] and "tidak punya baris angkatan kerja" in wil.errors[0].message


def test_missing_column_breaks_the_table_unknown_column_is_a_warning():
    c = checked("angkatan_kerja", "kode_nagari,Jumlah\n13.10.01.2002,5")
    assert where(c) == [(1, "angkatan_kerja")] and c.broken
    assert [(w.row, w.column) for w in c.warnings] == []  # extra columns here are sector counts
    k = checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif,Catatan\n2026-10,13.10.01.2002,PU,1,ok")
    assert k.errors == [] and [(w.row, w.column) for w in k.warnings] == [(None, "Catatan")]


def test_clean_tables_have_string_codes_int64_counts_and_key_order():
    c = checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n2026-10,13.10.01.2002,JAKON,1"
                               "\n2026-10,13.10.01.2002,BPU,2\n2026-09,13.10.01.2002,PU,3\n2026-09,x,PU,4")
    kep = schema.clean(c)
    assert kep["segmen"].tolist() == ["PU", "BPU", "JAKON"] and kep.index.tolist() == [2, 1, 0]  # bad row 3 left out
    assert str(kep["peserta_aktif"].dtype) == "int64" and pd.api.types.is_string_dtype(kep["kode_nagari"])
    wilayah = schema.clean(checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n"
                                              "13.10.01,K,13.10.01.2002,A"))
    assert wilayah["kode_bps_nagari"].tolist() == [""]  # optional column, always present
