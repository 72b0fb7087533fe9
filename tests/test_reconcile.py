"""Rules across tables (names against wilayah) and the warnings of the data report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from briefs.data import reconcile, schema
from briefs.data.intake import RawTable, normalise_header


def raw(name: str, text: str) -> RawTable:
    lines = text.strip("\n").split("\n")
    header = lines[0].split(",")
    body = [line.split(",") for line in lines[1:]]
    columns = [normalise_header(h) for h in header]
    return RawTable(name, Path(f"/data/{name}.csv"), pd.DataFrame(body, columns=columns, dtype=object),
                    list(range(2, len(body) + 2)), dict(zip(columns, header)), {"decimal": "."})


def checked(name: str, text: str) -> schema.Checked:
    return schema.validate(schema.parse(raw(name, text)), {})


def test_clean_wilayah_uses_the_first_spelling_of_each_kecamatan():
    tables = {
        "wilayah": checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n"
                                      "13.10.01,Koto Baru,13.10.01.2003,B\n13.10.01,KOTO  baru,13.10.01.2002,A"),
        "kepesertaan": checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n2026-10,13.10.01.2002,JAKON,1"
                                              "\n2026-10,13.10.01.2002,BPU,2\n2026-09,13.10.01.2002,PU,3"),
    }
    reconcile.reconcile(tables)
    official = reconcile.official_names(tables["wilayah"])
    wilayah = schema.clean(tables["wilayah"], official)
    kep = schema.clean(tables["kepesertaan"])
    assert wilayah["kecamatan"].tolist() == ["Koto Baru", "Koto Baru"]
    assert wilayah["kode_nagari"].tolist() == ["13.10.01.2002", "13.10.01.2003"]
    assert wilayah["kode_bps_nagari"].tolist() == ["", ""]  # optional column, always present
    assert [(w.row, w.column) for w in tables["wilayah"].warnings] == [(3, "kecamatan")]
    assert kep["segmen"].tolist() == ["PU", "BPU", "JAKON"]
    assert str(kep["peserta_aktif"].dtype) == "int64" and pd.api.types.is_string_dtype(kep["kode_nagari"])


def _every_segment(kep_rows: str) -> str:
    """`kep_rows` with a 0 row, at the end, for each segment a nagari lacks in a period it reports:
    the rows of a test about another warning, without the missing-segment one."""
    rows = [line.split(",") for line in kep_rows.split("\n")]
    have = {(p, n, s) for p, n, s, _ in rows}
    extra = [f"{p},{n},{s},0" for p, n in dict.fromkeys((p, n) for p, n, _, _ in rows)
             for s in schema.SEGMENTS if (p, n, s) not in have]
    return "\n".join([kep_rows, *extra])


def _suspicious(kep_rows: str, labour: int = 100) -> list:
    tables = {
        "wilayah": checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n13.10.01,K,13.10.01.2002,Nagari A"
                                      "\n13.10.01,K,13.10.01.2003,Nagari B"),
        "angkatan_kerja": checked("angkatan_kerja", f"kode_nagari,angkatan_kerja\n13.10.01.2002,{labour}\n"
                                                    "13.10.01.2003,1000"),
        "kepesertaan": checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n" + kep_rows),
    }
    frames = {name: schema.clean(c) for name, c in tables.items()}
    reconcile.suspicious(tables, frames)
    return tables["kepesertaan"].warnings


def test_participants_above_labour_force_is_a_warning_at_the_row():
    rows = "2026-10,13.10.01.2002,PU,50\n2026-10,13.10.01.2002,BPU,60\n2026-10,13.10.01.2003,PU,5"
    [w] = _suspicious(_every_segment(rows))
    assert (w.row, w.column) == (3, "peserta_aktif")
    assert "Nagari A" in w.message and "melebihi angkatan kerja 100" in w.message and "tertulis '60'" in w.message


def test_jump_over_half_in_one_month_is_a_warning_exactly_half_is_not():
    rows = ("2026-08,13.10.01.2002,PU,40\n2026-09,13.10.01.2002,PU,60\n2026-10,13.10.01.2002,PU,91\n"
            "2026-08,13.10.01.2003,PU,5\n2026-09,13.10.01.2003,PU,5\n2026-10,13.10.01.2003,PU,5")
    [w] = _suspicious(_every_segment(rows))
    assert (w.row, w.column) == (4, "peserta_aktif") and "naik 51,7 persen" in w.message


def test_a_nagari_missing_from_a_period_is_a_warning():
    [w] = _suspicious(_every_segment("2026-10,13.10.01.2002,PU,6"))
    assert w.column == "kode_nagari" and "Nagari B" in w.message and "periode 2026-10" in w.message


def test_a_segment_missing_from_a_reporting_nagari_is_a_warning_that_it_counts_as_zero():
    complete = _every_segment("2026-09,13.10.01.2002,PU,6\n2026-09,13.10.01.2003,PU,7\n"
                              "2026-10,13.10.01.2002,PU,6\n2026-10,13.10.01.2003,PU,7")
    assert _suspicious(complete) == []
    rows = complete.split("\n")
    lost = [r for r in rows if r not in ("2026-10,13.10.01.2003,PU,7", "2026-10,13.10.01.2003,JAKON,0",
                                         "2026-09,13.10.01.2002,JAKON,0")]
    found = _suspicious("\n".join(lost))
    assert [(w.row, w.column) for w in found] == [(None, "segmen")] * 3, found
    assert [w.message.split(":")[0] for w in found] == ["periode 2026-09, segmen JAKON", "periode 2026-10, segmen PU",
                                                        "periode 2026-10, segmen JAKON"]
    assert "1 nagari tanpa baris, dihitung 0 peserta; tertulis tidak ada baris PU untuk Nagari B" in found[1].message
    assert "Nagari A" in found[0].message and "Nagari A" not in found[1].message


def test_kecamatan_named_two_ways_or_two_codes_one_name_are_errors():
    wilayah = checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n13.10.01,Koto Baru,13.10.01.2002,A\n"
                                 "13.10.01,Koto Baruh,13.10.01.2003,B\n13.10.02,koto baru,13.10.02.2001,C")
    reconcile.reconcile({"wilayah": wilayah})
    assert [(p.row, p.column) for p in wilayah.errors] == [(3, "kecamatan"), (4, "kecamatan")]
    assert "seharusnya 'Koto Baru' seperti di baris 2" in wilayah.errors[0].message
    assert "sudah dipakai kode 13.10.01" in wilayah.errors[1].message


def test_names_in_data_tables_match_case_and_space_insensitively():
    tables = {
        "wilayah": checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n"
                                      "13.10.01,K,13.10.01.2002,Koto Baru"),
        "angkatan_kerja": checked("angkatan_kerja", "kode_nagari,nagari,angkatan_kerja\n13.10.01.2002, koto  BARU,5"),
    }
    reconcile.reconcile(tables)
    assert tables["angkatan_kerja"].errors == []
    assert list(schema.clean(tables["angkatan_kerja"]).columns) == ["kode_nagari", "angkatan_kerja"]  # names dropped


def test_acquisitions_in_a_month_without_agent_are_a_warning():
    tables = {
        "wilayah": checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n13.10.01,K,13.10.01.2002,Nagari A"),
        "agen_perisai": checked("agen_perisai", "periode,kode_nagari,agen_aktif,peserta_diakuisisi\n"
                                                "2026-09,13.10.01.2002,0,0\n2026-10,13.10.01.2002,0,7"),
    }
    frames = {name: schema.clean(c) for name, c in tables.items()}
    reconcile.suspicious(tables, frames)
    [w] = tables["agen_perisai"].warnings
    assert (w.row, w.column) == (3, "peserta_diakuisisi") and "Nagari A periode 2026-10" in w.message


def _regency(labour: list[int], peserta: list[int], regency: list[str] | None = None) -> schema.Checked:
    """Nagari 1..n (of regency 13.10 unless `regency` says), one period, all of it in PU; their labour-force table."""
    codes = [f"{(regency or ['13.10'] * len(labour))[i]}.01.20{i:02d}" for i in range(len(labour))]
    tables = {
        "wilayah": checked("wilayah", "kode_kecamatan,kecamatan,kode_nagari,nagari\n" + "\n".join(
            f"{c[:8]},K{c[:5]},{c},Nagari {i}" for i, c in enumerate(codes))),
        "angkatan_kerja": checked("angkatan_kerja", "kode_nagari,angkatan_kerja\n" + "\n".join(
            f"{c},{n}" for c, n in zip(codes, labour))),
        "kepesertaan": checked("kepesertaan", "periode,kode_nagari,segmen,peserta_aktif\n" + _every_segment("\n".join(
            f"2026-10,{c},PU,{n}" for c, n in zip(codes, peserta)))),
    }
    reconcile.suspicious(tables, {name: schema.clean(c) for name, c in tables.items()})
    assert tables["kepesertaan"].warnings == []
    return tables["angkatan_kerja"]


def test_a_labour_force_with_a_zero_too_many_is_a_warning_at_its_row():
    """Coverage 20 % everywhere but one nagari, whose 3.724 was typed 37.240: 2 %, a tenth of the median."""
    labour = [1000, 2000, 1500, 37240, 800, 1200]
    found = _regency(labour, [200, 400, 300, 745, 160, 240]).warnings
    [w] = found
    assert (w.row, w.column) == (5, "angkatan_kerja") and "tertulis '37240'" in w.message
    assert "cakupan nagari Nagari 3 pada 2026-10 hanya 2,0 persen" in w.message
    assert "peserta aktif 745 dari angkatan kerja 37.240" in w.message and "(20,0 persen)" in w.message


def test_a_low_coverage_within_a_fifth_of_the_median_or_in_a_small_regency_is_not():
    assert _regency([1000, 1000, 1000, 1000, 1000], [200, 200, 200, 200, 41]).warnings == []  # 20,5 % of the median
    assert _regency([1000, 1000, 1000, 1000], [200, 200, 200, 10]).warnings == []  # four nagari: no norm
    assert _regency([1000] * 5, [200, 200, 200, 200, 0]).warnings == []  # no participants: not the labour force


def test_each_regency_is_held_to_its_own_median():
    """A national file: Java's 40 % does not make a regency of 5 % look wrong, nor the reverse."""
    labour = [1000] * 10
    peserta = [400] * 5 + [50, 50, 50, 50, 5]
    found = _regency(labour, peserta, regency=["33.01"] * 5 + ["94.01"] * 5).warnings
    assert [(w.row, "Nagari 9" in w.message) for w in found] == [(11, True)]
