"""briefs.house_style in a real Jupyter kernel: what a cell shows is what the reader gets."""

from __future__ import annotations

import base64
import io
import subprocess
import sys

import pytest
from PIL import Image

from briefs.notebook import house_style
from briefs.run import notebook_run
from tests import helpers


def run(tmp_path, *cells: str):
    """Cells run after the parameters cell, in the build's warm kernel (real papermill)."""
    nb = notebook_run.run_notebook(helpers.job(helpers.notebook(tmp_path, "x = 1", *cells)), tmp_path / "out.ipynb")
    return [c.outputs for c in nb.cells[1:] if c.cell_type == "code"][-len(cells):]


def test_importing_the_package_forces_no_backend():
    """The issue's bug: `matplotlib.use("Agg")` on import made `plt.show()` show nothing."""
    script = ("import matplotlib; before = matplotlib.get_backend(auto_select=False); "
              "from briefs import notebook; print(before == matplotlib.get_backend(auto_select=False))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={"MPLBACKEND": "svg", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "True"


def test_the_pages_typeface_is_known_to_matplotlib():
    from matplotlib import font_manager

    files = house_style.register_fonts()
    assert files, "Open Sans not found: `make` installs Debian's fonts-open-sans"
    assert font_manager.findfont("Open Sans", fallback_to_default=False).endswith("OpenSans-Regular.ttf")


def test_every_way_of_showing_a_figure_shows_it_once_in_house_style(tmp_path):
    shown = run(
        tmp_path,
        "from briefs import notebook as nb\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
        "fig, ax = plt.subplots(figsize=(4, 2)); ax.set_title('Judul analis'); fig",
        "import pandas as pd\npd.DataFrame({'a': [1, 2]}).plot()",
    )
    images = [[o for o in outputs if "image/png" in o.get("data", {})] for outputs in shown]
    assert [len(i) for i in images] == [1, 1, 1]  # once each: `fig` is not shown again at the cell's end
    (fig_output,) = images[1]
    assert fig_output["metadata"]["image/png"] == {"width": 4 * 96, "alt": "Judul analis"}
    for (out,) in images:
        assert Image.open(io.BytesIO(base64.b64decode(out["data"]["image/png"]))).mode == "L"


def test_a_chart_that_writes_a_raw_number_is_reported_beside_its_cell(tmp_path):
    """The reader sees the chart as drawn; the analyst is told, by cell, what it writes in English."""
    from briefs.render import sanitize

    cells = ("from briefs import notebook as nb\nimport matplotlib.pyplot as plt",
             "fig, ax = plt.subplots()\nax.bar_label(ax.barh(['Pauh'], [32.15]))\nplt.show()",
             "fig, ax = plt.subplots()\nax.bar_label(ax.barh(['Pauh'], [32.15]), labels=[nb.persen(0.3215, 2)])\n"
             "plt.show()")
    nb = notebook_run.run_notebook(helpers.job(helpers.notebook(tmp_path, "x = 1", *cells)), tmp_path / "out.ipynb")
    shown, notices = sanitize.prepare(nb)
    assert [n.cell for n in notices if "(32.15)" in n.message and n.message.startswith("grafik")] == [3]
    assert all(n.cell != 4 for n in notices)
    assert sum("image/png" in o.get("data", {}) for c in shown.cells if c.cell_type == "code" for o in c.outputs) == 2


def test_a_failure_of_house_style_shows_the_object_plain_and_says_so_fault_injected(tmp_path):
    """A bug of ours in a formatter (injected in the kernel: the table and chart renderers raise)
    must not fail the analyst's cell: the table and chart are shown as pandas and matplotlib
    draw them, and the page's notices say so."""
    from briefs.render import sanitize
    from briefs.run import kernels

    cells = ("from briefs import notebook as nb\nfrom briefs.notebook import charts, tables\nimport pandas as pd\n"
             "import matplotlib.pyplot as plt\nasli = (tables.render, charts.figure_png)\n"
             "tables.render = charts.figure_png = lambda *_: 1 / 0",
             "pd.DataFrame({'nagari': ['Pauh'], 'cakupan': [0.25]})",
             "plt.plot([1, 2])\nplt.show()",
             "tables.render, charts.figure_png = asli")
    try:
        nb = notebook_run.run_notebook(helpers.job(helpers.notebook(tmp_path, "x = 1", *cells)), tmp_path / "o.ipynb")
    finally:
        kernels.discard()  # never leave a patched kernel to the next test
    shown, notices = sanitize.prepare(nb)
    said = [(n.cell, n.message.split(" (")[0]) for n in notices if "gaya rumah" in n.message]
    assert said == [(3, "tabel tidak bisa ditulis dengan gaya rumah"), (4, "grafik tidak bisa ditulis dengan gaya rumah")]
    table, chart = (next(c.outputs[0] for c in shown.cells if c.source.startswith(start))
                    for start in ("pd.DataFrame", "plt.plot"))
    assert "Pauh" in table["data"]["text/html"] and "0.25" in table["data"]["text/html"]  # pandas' own, as said
    assert Image.open(io.BytesIO(base64.b64decode(chart["data"]["image/png"]))).size[0] > 0


def test_dataframes_in_a_cell_read_indonesian(tmp_path):
    (outputs,) = run(tmp_path, "from briefs import notebook as nb\nimport pandas as pd\n"
                               "pd.DataFrame({'angkatan_kerja': [1234567], 'cakupan': [0.3112]})")
    html = outputs[0]["data"]["text/html"]
    assert "1.234.567" in html and "31,1%" in html and 'class="rk-table"' in html


def test_an_analysts_mplbackend_does_not_silence_the_build(tmp_path, monkeypatch):
    """A shell with MPLBACKEND=Agg (common on servers) must not make `plt.show()` show nothing."""
    from briefs.run import kernels

    kernels.discard()  # the next kernel starts from this environment
    monkeypatch.setenv("MPLBACKEND", "Agg")
    try:
        (outputs,) = run(tmp_path, "from briefs import notebook as nb\nimport matplotlib.pyplot as plt\n"
                                   "plt.plot([1, 2]); plt.show()")
    finally:
        kernels.discard()
    assert any("image/png" in o.get("data", {}) for o in outputs)


@pytest.mark.parametrize("name", ["angka", "persen", "rupiah", "tabel", "kotak", "kartu_angka", "cm", "label_bulan"])
def test_notebooks_reach_formats_and_helpers_through_one_import(name):
    from briefs import notebook

    assert callable(getattr(notebook, name))
