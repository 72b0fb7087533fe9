"""The params file: strict, and every error names the file, the line and the key."""

from pathlib import Path

import pytest

from briefs import params, paths
from briefs.errors import InputError

GOOD = (paths.DEFAULT_PARAMS).read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "rakor.yml"
    f.write_text(text, encoding="utf-8")
    return f


def problems(tmp_path: Path, text: str) -> list:
    with pytest.raises(InputError) as info:
        params.load(write(tmp_path, text))
    return info.value.problems


def test_sample_meeting_loads_with_its_target_as_a_parameter():
    m = params.load(paths.DEFAULT_PARAMS)
    assert m.id == "rakor-2026-11"
    assert m.day.isoformat() == "2026-11-24" and m.day.weekday() == 1  # a Tuesday
    assert m.target.coverage == pytest.approx(32.15)
    assert m.sample is True and m.kecamatan == "all"


def test_unknown_key_is_named_with_its_line(tmp_path):
    [p] = problems(tmp_path, GOOD + "tanggal_rapat: 2026-11-24\n")
    assert p.column == "tanggal_rapat"
    assert p.row == len(GOOD.splitlines()) + 1
    assert "tidak dikenal" in p.message and p.file.endswith("rakor.yml")


def test_unquoted_date_stays_text_and_still_validates(tmp_path):
    m = params.load(write(tmp_path, GOOD.replace('date: "2026-11-24"', "date: 2026-11-24")))
    assert m.date == "2026-11-24"


def test_yaml_no_is_not_silently_false(tmp_path):
    [p] = problems(tmp_path, GOOD.replace("place: Pulau Punjung", "place: no"))
    assert p.column == "place" and "teks" in p.message and "False" in p.message


def test_wrong_type_and_bad_period_are_all_reported(tmp_path):
    text = GOOD.replace("coverage: 32.15", "coverage: tinggi").replace('period: "2026-10"', 'period: "2026-13"')
    found = {p.column: p for p in problems(tmp_path, text)}
    assert set(found) == {"target.coverage", "period"}
    assert "'2026-13'" in found["period"].message and "YYYY-MM" in found["period"].message
    assert found["period"].row == next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("period:"))


@pytest.mark.parametrize("written", ["32.1549", "0.001", "0.00001"])
def test_a_target_with_more_than_two_decimals_is_refused(tmp_path, written):
    """The pages quote it with two (32,15%) and count 'peserta lagi' from it: the two must agree."""
    [p] = problems(tmp_path, GOOD.replace("coverage: 32.15", f"coverage: {written}"))
    assert p.column == "target.coverage" and p.message.startswith("paling banyak dua angka desimal")
    assert params.load(write(tmp_path, GOOD.replace("coverage: 32.15", "coverage: 32.1"))).target.coverage == 32.1


def test_previous_period_after_current_is_an_error(tmp_path):
    [p] = problems(tmp_path, GOOD.replace('previous_period: "2026-07"', 'previous_period: "2026-11"'))
    assert "2026-11" in p.message and "2026-10" in p.message


def test_missing_key_and_impossible_date(tmp_path):
    text = GOOD.replace("place: Pulau Punjung\n", "").replace("2026-11-24", "2026-02-30")
    found = {p.column: p.message for p in problems(tmp_path, text)}
    assert "wajib" in found["place"]
    assert "date" in found


def test_unreadable_yaml_names_the_line(tmp_path):
    [p] = problems(tmp_path, "id: [rakor\ntitle: x\n")
    assert p.row is not None and "YAML" in p.message


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="tidak ditemukan"):
        params.load(tmp_path / "none.yml")
