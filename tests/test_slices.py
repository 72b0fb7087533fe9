"""briefs.data.slices: the snapshot and each brief's folder, written in one pass, hold exactly their rows."""

from __future__ import annotations

import json

import pytest

from briefs import data, params, paths
from briefs.data import slices


@pytest.fixture(scope="module")
def sample():
    meeting = params.load(paths.DEFAULT_PARAMS)
    return meeting, data.load(meeting)


def _codes(ds) -> list[str]:
    return sorted(ds.wilayah["kode_kecamatan"].unique())


def _same_as_one_filter_per_kecamatan(ds, meeting, tmp_path, codes) -> None:
    """The grouped writer against the obvious one: filter, then write_snapshot, per kecamatan."""
    written = slices.write(ds, meeting, tmp_path / "snapshot", codes)
    for whole in data.write_snapshot(ds, tmp_path / "whole"):
        assert (tmp_path / "snapshot" / whole.name).read_bytes() == whole.read_bytes(), whole.name
    context = slices.context(ds, meeting)
    for code in codes:
        data.write_snapshot(slices.own_rows(ds, code), tmp_path / "obvious" / code)
        for name in data.TABLES:
            grouped = (written[code] / f"{name}.csv").read_bytes()
            assert grouped == (tmp_path / "obvious" / code / f"{name}.csv").read_bytes(), (code, name)
        assert json.loads((written[code] / slices.CONTEXT).read_text(encoding="utf-8")) == context[code]


def test_every_sample_slice_is_the_kecamatans_own_rows_byte_for_byte(sample, tmp_path):
    meeting, ds = sample
    _same_as_one_filter_per_kecamatan(ds, meeting, tmp_path, _codes(ds))
    back, _ = slices.read(tmp_path / "snapshot" / "kecamatan" / "13.10.04")
    assert set(back.wilayah["kecamatan"]) == {"Sitiung"}
    assert set(back.kepesertaan["kode_nagari"]) == set(back.wilayah["kode_nagari"])


def test_names_that_csv_must_quote_and_a_kecamatan_without_rows_in_a_table(sample, tmp_path):
    """Commas, quotes and semicolons in names are quoted per line as in the whole table;
    a kecamatan with no agent rows still gets the table's header."""
    meeting, ds = sample
    wilayah = ds.wilayah.copy()
    wilayah["nagari"] = wilayah["nagari"].astype(str)
    wilayah.loc[0, "nagari"] = 'Koto "Lamo", Hilir; Mudik'
    sitiung = set(wilayah.loc[wilayah["kode_kecamatan"] == "13.10.04", "kode_nagari"])
    agents = ds.agen_perisai[~ds.agen_perisai["kode_nagari"].isin(sitiung)]
    changed = data.Dataset(wilayah, ds.angkatan_kerja, ds.kepesertaan, agents, ds.report, ds.sources)
    codes = _codes(ds)
    _same_as_one_filter_per_kecamatan(changed, meeting, tmp_path, codes)
    assert (tmp_path / "snapshot" / "kecamatan" / "13.10.04" / "agen_perisai.csv").read_text(encoding="utf-8").count("\n") == 1
    first = wilayah.loc[0, "kode_kecamatan"]
    assert '"Koto ""Lamo"", Hilir; Mudik"' in (tmp_path / "snapshot" / "kecamatan" / first / "wilayah.csv").read_text(encoding="utf-8")


def test_a_field_with_a_line_break_is_refused_not_split_across_slices(sample, tmp_path):
    """Validated names cannot hold one; if one ever got through, no slice is silently cut."""
    meeting, ds = sample
    wilayah = ds.wilayah.copy()
    wilayah["nagari"] = wilayah["nagari"].astype(str)
    wilayah.loc[0, "nagari"] = "Koto\nBaru"
    broken = data.Dataset(wilayah, ds.angkatan_kerja, ds.kepesertaan, ds.agen_perisai)
    with pytest.raises(ValueError, match="wilayah"):
        slices.write(broken, meeting, tmp_path / "s", _codes(ds))
