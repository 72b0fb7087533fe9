"""The two notebooks: their parameters contract, and one real papermill run of each."""

from __future__ import annotations

import base64

import nbformat
import papermill as pm
import pytest
from bs4 import BeautifulSoup

from briefs import data, fmt, params, paths
from briefs.data import figures

BRIEF_PARAMETERS = {
    "kode_kecamatan": '"13.10.04"',
    "params_file": '"params/rakor-2026-11.yml"',
    "snapshot": '""',
    "build_id": '""',
}
SUMMARY_PARAMETERS = {k: v for k, v in BRIEF_PARAMETERS.items() if k != "kode_kecamatan"}
EVIL = "<script>alert(1)</script>"


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


# ---- the analysis in the cells, on two kecamatan of three nagari (one with a hostile name) ----

def _sections(html: str) -> dict[str, list[list[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    return {part.name: [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in part.find_all("tr")]
            for part in soup.find_all(["thead", "tbody", "tfoot"])}


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory) -> dict[str, str]:
    """Both notebooks on tests/test_notebook_helpers.tiny(): all HTML they output, per notebook."""
    from tests.test_notebook_helpers import tiny

    out = tmp_path_factory.mktemp("tiny")
    data.write_snapshot(tiny(), out / "snapshot")
    runs = {}
    for name, source, extra in (("brief", paths.BRIEF_NOTEBOOK, {"kode_kecamatan": "13.99.01"}),
                                ("summary", paths.SUMMARY_NOTEBOOK, {})):
        # One more cell reports what the segment chart's cell computed, for the test to check.
        nb = nbformat.read(source, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell('print("SERI", seri.to_json(orient="split"))'))
        nbformat.write(nb, out / f"with-check-{source.name}")
        target = out / source.name
        pm.execute_notebook(str(out / f"with-check-{source.name}"), str(target), kernel_name="python3",
                            cwd=str(paths.ROOT), progress_bar=False, log_output=False,
                            parameters={"snapshot": str(out / "snapshot"), **extra})
        runs[name] = _text(nbformat.read(target, as_version=4))
    return runs


def test_brief_cells_compute_the_table_and_its_jumlah(tiny_runs):
    tables = [t for t in BeautifulSoup(tiny_runs["brief"], "html.parser").find_all("table")]
    rows = _sections(str(tables[0]))
    assert rows["thead"][0] == ["Nagari", "Angkatan kerja", "PU", "BPU", "JAKON", "Peserta aktif", "Cakupan",
                                "Agen Perisai", "Peserta via agen*"]
    assert [r[0] for r in rows["tbody"]] == ["Koto Tuo", EVIL]
    assert rows["tbody"][0] == ["Koto Tuo", "1.000", "200", "100", "10", "310", "31,0%", "1", "7"]
    assert rows["tfoot"] == [["Jumlah", "3.000", "500", "150", "10", "660", "22,0%", "1", "7"]]
    italic = BeautifulSoup(str(tables[0]), "html.parser").find_all("tr", class_="rk-miring")
    assert [tr.th.get_text() for tr in italic] == [EVIL]  # the nagari without an agent


def test_brief_cells_show_the_key_figures(tiny_runs):
    html = tiny_runs["brief"]
    for text in ("3.000", "660", "22,0%", "2.340", "peringkat 1 dari 2 kecamatan", "0 sejak Juli 2026"):
        assert text in html, text


def test_brief_cells_name_the_nagari_without_agent_and_the_cost(tiny_runs):
    html = tiny_runs["brief"]
    box = str(BeautifulSoup(html, "html.parser").find("div", class_="rk-callout"))
    unprotected = 2000 - 350
    assert "1 dari 2 nagari" in box and "Koto Tuo" not in box
    assert fmt.rupiah_ringkas(unprotected * figures.IURAN_PEKERJA_RENTAN) in box  # Rp27,7 juta
    assert "JKK Rp10.000" in box and "JKM Rp6.800" in box and "Rp16.800" in box


def test_names_from_data_reach_the_page_as_text(tiny_runs):
    for html in tiny_runs.values():
        assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_summary_cells_rank_and_group_nagari_without_agent(tiny_runs):
    tables = BeautifulSoup(tiny_runs["summary"], "html.parser").find_all("table")
    ranking = _sections(str(tables[0]))
    assert [r[:2] for r in ranking["tbody"]] == [["1", "Alpha"], ["2", "Beta"]]
    assert ranking["tfoot"][0][:3] == ["", "Kabupaten", "3.500"]
    groups = _sections(str(tables[1]))
    assert groups["tbody"] == [["Alpha", f"{EVIL} (1.650)", "1.650", fmt.rupiah_ringkas(1650 * 16_800)]]
    assert groups["tfoot"] == [["Jumlah", "1 nagari", "1.650", fmt.rupiah_ringkas(1650 * 16_800)]]
    assert "2 kecamatan, 3 nagari" in tiny_runs["summary"]


@pytest.mark.parametrize(("name", "october"), [("brief", [500, 150, 10]), ("summary", [550, 170, 15])])
def test_segment_cells_sum_twelve_periods_with_zeros(tiny_runs, name, october):
    import json

    line = next(l for l in tiny_runs[name].splitlines() if l.startswith("SERI "))
    seri = json.loads(line[len("SERI "):])
    assert seri["columns"] == ["PU", "BPU", "JAKON"]
    assert seri["index"][-1] == "2026-10" and len(seri["index"]) == 12
    rows = dict(zip(seri["index"], seri["data"]))
    assert rows["2026-10"] == october and rows["2026-07"] == october  # the fixture repeats July in October
    assert rows["2026-01"] == [0, 0, 0]  # a period without rows counts 0
