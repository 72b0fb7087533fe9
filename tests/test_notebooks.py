"""The two notebooks: their parameters contract, and one real papermill run of each."""

from __future__ import annotations

import base64

import nbformat
import papermill as pm
import pytest

from briefs import data, figures, fmt, params, paths

BRIEF_PARAMETERS = {
    "kode_kecamatan": '"13.10.04"',
    "params_file": '"params/rakor-2026-11.yml"',
    "snapshot": '""',
    "build_id": '""',
}
SUMMARY_PARAMETERS = {k: v for k, v in BRIEF_PARAMETERS.items() if k != "kode_kecamatan"}


@pytest.mark.parametrize(("notebook", "expected"), [
    (paths.BRIEF_NOTEBOOK, BRIEF_PARAMETERS),
    (paths.SUMMARY_NOTEBOOK, SUMMARY_PARAMETERS),
])
def test_parameters_cell_is_the_contract_with_the_build(notebook, expected):
    found = pm.inspect_notebook(str(notebook))
    assert {name: p["default"] for name, p in found.items()} == expected


@pytest.mark.parametrize("notebook", [paths.BRIEF_NOTEBOOK, paths.SUMMARY_NOTEBOOK])
def test_source_notebooks_are_committed_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert code[0].metadata.get("tags") == ["parameters"]
    assert nb.metadata.kernelspec.name == "python3"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """Each notebook run once through papermill, as the build runs it (cwd = ROOT, python3)."""
    out = tmp_path_factory.mktemp("executed")
    runs = {}
    for name, source in (("brief", paths.BRIEF_NOTEBOOK), ("summary", paths.SUMMARY_NOTEBOOK)):
        target = out / source.name
        pm.execute_notebook(str(source), str(target), kernel_name="python3", cwd=str(paths.ROOT),
                            progress_bar=False, log_output=False)
        runs[name] = nbformat.read(target, as_version=4)
    return runs


@pytest.fixture(scope="module")
def sample():
    meeting = params.load(paths.DEFAULT_PARAMS)
    return meeting, data.load(meeting)


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        d = o.get("data", {})
        parts.append(d.get("text/html", "") + o.get("text", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["brief", "summary"])
def test_every_cell_runs_without_error(executed, name):
    nb = executed[name]
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    # A warning is a problem to fix; matplotlib's one-off font-cache notice on a fresh machine is not.
    stderr = "".join(o.text for o in _outputs(nb) if o.output_type == "stream" and o.name == "stderr")
    assert "Warning" not in stderr and "Error" not in stderr
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("name", ["brief", "summary"])
def test_charts_are_embedded_pngs(executed, name):
    images = [o.data["image/png"] for o in _outputs(executed[name]) if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    assert all(base64.b64decode(i).startswith(b"\x89PNG") and len(i) > 1000 for i in images)


@pytest.mark.parametrize("name", ["brief", "summary"])
def test_sample_data_is_marked(executed, name):
    assert "DATA CONTOH</strong> — angka ilustratif, bukan data resmi" in _text(executed[name])


def test_brief_shows_the_kecamatan_figures(executed, sample):
    meeting, ds = sample
    text = _text(executed["brief"])
    row = figures.kecamatan_table(ds, meeting).set_index("kode_kecamatan").loc["13.10.04"]
    assert "Kecamatan Sitiung" in text
    for figure in (fmt.angka(row["angkatan_kerja"]), fmt.angka(row["peserta_aktif"]), fmt.persen(row["cakupan"]),
                   fmt.angka(row["belum_terlindungi"]), fmt.angka(row["kurang_dari_target"])):
        assert figure in text
    assert f"peringkat {row['peringkat']} dari 11 kecamatan" in text
    nagari = figures.nagari_table(ds, meeting)
    for name in nagari.loc[nagari["kode_kecamatan"] == "13.10.04", "nagari"]:
        assert name in text


def test_summary_shows_the_regency_totals(executed, sample):
    meeting, ds = sample
    text = _text(executed["summary"])
    kab = figures.kabupaten(ds, meeting)
    for figure in (fmt.angka(kab["angkatan_kerja"]), fmt.angka(kab["peserta_aktif"]),
                   fmt.angka(kab["belum_terlindungi"]), fmt.persen(kab["cakupan"])):
        assert figure in text
    assert "137.520" in text and "21,0%" in text  # and they are the published ones
    for name in figures.kecamatan_table(ds, meeting)["kecamatan"]:
        assert name in text
