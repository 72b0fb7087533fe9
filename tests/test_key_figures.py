"""briefs.release.key_figures: the index's line beside each brief, and the brief showing it.

The index's figures come from the build's own computation; a notebook may compute its
brief's another way. A real build with such a notebook must say so, never publish an
index that vouches for a figure the brief does not show.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from briefs import paths, pipeline
from briefs.data import figures
from briefs.pipeline import load_inputs
from briefs.release import key_figures
from tests import helpers

SITIUNG = "13.10.04"


def test_the_index_line_is_in_the_briefs_own_words(tmp_path):
    meeting, ds = load_inputs(paths.DEFAULT_PARAMS)
    key = key_figures.compute(figures.kecamatan_table(ds, meeting))[SITIUNG]
    assert (key.cakupan, key.peringkat, key.line) == ("27,2%", "peringkat 3 dari 11", "cakupan 27,2% · peringkat 3 dari 11")
    page = tmp_path / "page.html"
    page.write_text("<p>Cakupan</p><p>27,2%</p><p>peringkat 3 dari 11 kecamatan</p>", encoding="utf-8")
    assert key_figures.unshown(key, page) == []
    page.write_text("<p>Cakupan</p><p>25,0%</p><p>peringkat 3 dari 11 kecamatan</p>", encoding="utf-8")
    assert key_figures.unshown(key, page) == ["27,2%"]


def test_a_national_rank_is_written_with_thousands_as_the_brief_writes_it():
    """`nb.angka` in the brief: 'peringkat 1.000 dari 7.277', never the raw 7277 the page does not show."""
    import pandas as pd

    table = pd.DataFrame({"kode_kecamatan": [f"k{i}" for i in range(7277)], "cakupan": 0.2,
                          "peringkat": range(1, 7278)})
    key = key_figures.compute(table)["k999"]
    assert key.peringkat == "peringkat 1.000 dari 7.277"


def test_the_standard_briefs_show_their_index_figures(small_release):
    manifest = json.loads((small_release / "manifest.json").read_text(encoding="utf-8"))
    assert not [w for w in manifest["warnings"] if "index.html menulis" in w["message"]]
    assert "cakupan 27,2% · peringkat 3 dari 11" in (small_release / "index.html").read_text(encoding="utf-8")


def test_a_notebook_computing_coverage_another_way_is_a_warning_and_strict_stops_it(tmp_path):
    # An analyst's other denominator: the brief shows its own coverage, the index would show the build's.
    other = helpers.brief_with(tmp_path, "penyebut-lain", 2, nbformat.v4.new_code_cell(
        'k["cakupan"] = k["peserta_aktif"] / (k["angkatan_kerja"] + 1000)  # penyebut lain'))
    options = dict(only=["Sitiung"], jobs=1, force=True, notebooks={SITIUNG: other})
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(out=tmp_path / "out", **options))
    assert result.exit_code == 0 and result.release is not None
    [w] = [w for w in result.warnings if "index.html menulis" in w["message"]]
    assert w["scope"] == "Kecamatan Sitiung" and w["notebook"] == f"…/{other.name}"
    assert w["message"] == ("index.html menulis «cakupan 27,2% · peringkat 3 dari 11» untuk brief ini, tetapi «27,2%» "
                            "tidak ada di halamannya; periksa apakah notebook menghitung angka itu dengan cara lain")
    manifest = json.loads((result.release / "manifest.json").read_text(encoding="utf-8"))
    assert w in manifest["warnings"]
    assert "23,5%" in (result.release / "kecamatan" / "sitiung.html").read_text(encoding="utf-8")  # 1.726 / 7.338
    # --strict, not forced (the cache holds the jobs): the same warning, nothing published
    strict = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(out=tmp_path / "strict", strict=True,
                                                                    **{**options, "force": False}))
    assert strict.exit_code == 1 and strict.release is None and w in strict.warnings


@pytest.mark.parametrize("cell, said", [
    (nbformat.v4.new_markdown_cell("Cakupan naik menjadi 27,2%."), "angka diketik di sel Markdown («27,2%»)"),
    (nbformat.v4.new_code_cell('nb.kotak(f"Cakupan {brief.kecamatan} naik menjadi 27,2%.")'),
     "angka diketik di kode, baris 1 («27,2%»)"),
])
def test_a_strict_build_stops_before_any_notebook_runs_when_a_notebooks_text_already_warns(tmp_path, cell, said):
    """A figure typed into Markdown or a code cell's string warns in every brief: --strict says so at once."""
    typed = helpers.brief_with(tmp_path, "diketik", 2, cell)
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(
        out=tmp_path / "out", only=["Sitiung"], jobs=1, force=True, strict=True, notebooks={SITIUNG: typed}))
    assert result.exit_code == 1 and result.release is None and not (tmp_path / "out").exists()
    assert result.batch.outcomes == [] and "sebelum notebook dijalankan" in result.message
    [w] = result.warnings
    assert w["scope"] == "Kecamatan Sitiung" and w["notebook"] == f"…/{typed.name}" and w["cell"] == 3
    assert w["message"].startswith(said)
