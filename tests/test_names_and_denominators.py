"""Inputs that would change a figure without a word: a labour force of 0, names that look alike.

Both start from the three-nagari fixture (tests/fixtures/data/mini) and go through the
real validation (`data.load`, `build.py check`, `--only`).
"""

from __future__ import annotations

import pytest

from briefs import cli, data, paths
from briefs.data import figures, schema
from briefs.errors import InputError
from tests.helpers import meeting
from tests.test_bad_inputs import edit

ZWSP, NFD_U = "\u200b", "u\u0308"  # a zero-width space; 'ü' as u + combining diaeresis


def _problems(folder, **changes):
    with pytest.raises(InputError) as caught:
        data.load(meeting(folder, **changes))
    return caught.value.problems


# ---- a labour force of 0 -------------------------------------------------------------------

def test_a_nagari_with_no_labour_force_is_an_error_naming_the_cell(folder):
    """Coverage would be undefined for it, and its participants would raise its kecamatan's."""
    edit(folder, "angkatan_kerja", "13.10.01.2003,1354", "13.10.01.2003,0")
    (problem,) = _problems(folder)
    assert (problem.file.endswith("angkatan_kerja.csv"), problem.row, problem.column) == (True, 3, "angkatan_kerja")
    assert problem.message.startswith("angkatan kerja 0: cakupan tidak dapat dihitung")
    assert "tertulis '0'" in problem.message and "lebih dari 0" in problem.message


def test_a_negative_labour_force_is_still_called_negative(folder):
    edit(folder, "angkatan_kerja", "13.10.01.2003,1354", "13.10.01.2003,-5")
    (problem,) = _problems(folder)
    assert problem.message.startswith("angka negatif")


def test_sector_columns_may_be_zero(folder):
    path = folder / "angkatan_kerja.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",pertanian"] + [l + ",0" for l in lines[1:]]) + "\n", encoding="utf-8")
    assert data.load(meeting(folder)).angkatan_kerja["pertanian"].eq(0).all()


def test_check_exits_2_on_a_zero_labour_force(tmp_path, capsys):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(paths.DATA / "sample", folder)
    text = (folder / "angkatan_kerja.csv").read_text(encoding="utf-8").splitlines()
    code, _ = text[5].split(",", 1)
    text[5] = f"{code},0"
    (folder / "angkatan_kerja.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    params = tmp_path / "rakor.yml"
    params.write_text(paths.DEFAULT_PARAMS.read_text(encoding="utf-8").replace("data: data/sample", f"data: {folder}"),
                      encoding="utf-8")
    assert cli.main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "angkatan_kerja.csv:6:angkatan_kerja: angkatan kerja 0" in err


def test_the_gap_to_target_refuses_a_zero_denominator():
    """Defence in depth: 0 of 0 must never read as 'target reached' (Tercapai)."""
    with pytest.raises(ValueError):
        figures.kurang_dari_target(0, 12, 32.15)
    assert figures.kurang_dari_target(100, 40, 32.15) == 0


# ---- names that look identical ----------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Koto  Baru ", f"Koto{ZWSP} Baru", "Koto\u00a0Baru", "\ufeffKoto Baru",
                                      "Koto Bar\u00ad\u0075"])
def test_a_name_is_read_as_it_looks(folder, spelling):
    edit(folder, "wilayah", "13.10.01,Koto Baru,13.10.01.2003", f"13.10.01,{spelling},13.10.01.2003")
    ds = data.load(meeting(folder))
    names = set(ds.wilayah.loc[ds.wilayah["kode_kecamatan"] == "13.10.01", "kecamatan"])
    assert names == {"Koto Baru"}  # one kecamatan, printed one way
    assert all(schema.plain(n) == n for n in ds.wilayah["nagari"])


def test_invisible_characters_are_reported_where_they_were(folder):
    edit(folder, "wilayah", "13.10.01,Koto Baru,13.10.01.2003", f"13.10.01,Koto{ZWSP} Baru,13.10.01.2003")
    ds = data.load(meeting(folder))
    (warning,) = [w for w in ds.report.warnings if w.column == "kecamatan"]
    assert warning.row == 3 and "⟨U+200B⟩" in warning.message and "karakter tak terlihat" in warning.message


def test_two_codes_cannot_share_a_name_that_prints_the_same(folder):
    edit(folder, "wilayah", "13.10.02,Pulau Punjung", f"13.10.02,Koto{ZWSP} Baru")
    (problem,) = [p for p in _problems(folder) if p.column == "kecamatan"]
    assert "sudah dipakai kode 13.10.01" in problem.message
    assert "Koto⟨U+200B⟩ Baru" in problem.message  # the difference is visible in the message


def test_a_decomposed_name_in_a_data_table_matches_wilayah(folder):
    edit(folder, "wilayah", "13.10.01.2003,Sialang Gaung", "13.10.01.2003,Sialang Gäung")
    path = folder / "angkatan_kerja.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",nagari"] + [l + "," + n for l, n in zip(lines[1:], ["Koto Baru", "Sialang Ga\u0308ung",
                                                                                "Sungai Dareh"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(data.load(meeting(folder)).angkatan_kerja) == 3  # no 'nama nagari tidak cocok'


@pytest.mark.parametrize("typed", [f"Pulau{ZWSP} Punjung", "pulau  punjung", "PULAU\u00a0PUNJUNG", "13.10.02"])
def test_only_and_params_find_a_name_however_it_was_typed(folder, typed):
    ds = data.load(meeting(folder))
    assert data.resolve_kecamatan(ds, [typed], source="--only") == ["13.10.02"]


def test_an_unknown_name_shows_its_invisible_characters(folder):
    ds = data.load(meeting(folder))
    with pytest.raises(InputError) as caught:
        data.resolve_kecamatan(ds, [f"Sitiu{NFD_U[1]}ng{ZWSP}"], source="--only")
    assert "Sitiu⟨U+0308⟩ng⟨U+200B⟩" in caught.value.problems[0].message


def test_a_count_with_an_invisible_character_is_read_with_a_warning(folder):
    edit(folder, "kepesertaan", "PU,604", f"PU,604{ZWSP}")
    ds = data.load(meeting(folder))
    assert 604 in set(ds.kepesertaan["peserta_aktif"])
    assert any("⟨U+200B⟩" in w.message for w in ds.report.warnings)


def test_an_over_long_name_is_refused_at_validation(folder):
    """It would become a file name too long for the disk, after every notebook had run."""
    edit(folder, "wilayah", "13.10.02,Pulau Punjung", "13.10.02," + "Pulau Punjung " * 30)
    problems = [p for p in _problems(folder) if p.column == "kecamatan"]
    assert problems and problems[0].row == 4 and problems[0].message.startswith("nama terlalu panjang")
    assert f"paling panjang {schema.NAMA_MAX} karakter" in problems[0].message
