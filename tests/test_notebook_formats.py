"""The formats as notebooks call them (`nb.persen`, `nb.angka`, …): a value they would write wrongly is told."""

from __future__ import annotations

from decimal import Decimal

import nbformat
import numpy as np
import pytest

from briefs import notice
from briefs.notebook import formats
from briefs.render import sanitize
from tests import helpers
from tests.test_sanitize import executed

v4 = nbformat.v4


@pytest.mark.parametrize(("value", "written"), [
    (0.272, "27,2%"), (1.0, "100,0%"), (1.0004, "100,0%"), (-0.9996, "-100,0%"), (0, "0,0%"),
    (np.float64(0.5), "50,0%"), (Decimal("0.3215"), "32,2%"), (None, "–"), (float("nan"), "–"),
])
def test_a_share_up_to_100_percent_as_written_is_told_nothing(capsys, value, written):
    assert formats.persen(value) == written
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("call", "written", "given"), [
    (lambda: formats.persen(27.2), "2.720,0%", "mendapat 27,2 dan menulis 2.720,0%"),
    (lambda: formats.persen(1.0006), "100,1%", "mendapat 1,0006 dan menulis 100,1%"),
    (lambda: formats.persen(-1.5), "-150,0%", "mendapat -1,5 dan menulis -150,0%"),
    (lambda: formats.persen_kata(32.15, 2), "3.215,00 persen", "mendapat 32,15 dan menulis 3.215,00 persen"),
    (lambda: formats.persen(np.int64(3)), "300,0%", "mendapat 3 dan menulis 300,0%"),
])
def test_a_share_written_above_100_percent_is_kept_and_told(capsys, call, written, given):
    assert call() == written  # the page shows what the analyst asked for; the build reports it
    (message,) = notice.told(capsys.readouterr().err)
    assert given in message and "bagi dengan 100" in message and "boleh_lebih_100=True" in message


def test_a_share_allowed_above_100_percent_is_told_nothing(capsys):
    assert formats.persen(1.5, boleh_lebih_100=True) == "150,0%"
    assert formats.persen_kata(2, 0, boleh_lebih_100=True) == "200 persen"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", [float("inf"), -float("inf"), np.float64("inf")])
def test_a_share_divided_by_zero_is_told_even_when_above_100_is_allowed(capsys, value):
    written = formats.persen(value, boleh_lebih_100=True)
    assert "∞" in written
    (message,) = notice.told(capsys.readouterr().err)
    assert "pembagian dengan nol" in message and written in message


@pytest.mark.parametrize(("value", "written"), [
    (137520, "137.520"), (604.0, "604"), (np.int64(12), "12"), (1234.5, "1.235"), (9.5, "10"), (5.4, "5"),
    (5.551115123125783e-17, "0"), (None, "–"), (float("nan"), "–"), (True, "1"),
])
def test_a_count_or_a_rounding_that_keeps_the_figure_is_told_nothing(capsys, value, written):
    assert formats.angka(value) == written
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("call", "written", "said"), [
    (lambda: formats.angka(0.272), "0", "0,272 tertulis 0; untuk persen tulis nb.persen(x), untuk desimal nb.angka(x, 2) (0,27)"),
    (lambda: formats.angka(2.5), "3", "2,5 tertulis 3; untuk persen tulis nb.persen(x), untuk desimal nb.angka(x, 1) (2,5)"),
    (lambda: formats.angka_bertanda(-0.4), "0", "-0,4 tertulis 0;"),
    (lambda: formats.angka_bertanda(np.float64(1.4)), "+1", "1,4 tertulis +1;"),
])
def test_a_fraction_or_small_average_written_whole_is_kept_and_told(capsys, call, written, said):
    assert call() == written
    (message,) = notice.told(capsys.readouterr().err)
    assert said in message and "bila memang dibulatkan" in message


def test_a_whole_number_asked_for_or_decimals_given_are_told_nothing(capsys):
    assert [formats.angka(2.5, 0), formats.angka(0.272, 2), formats.angka_bertanda(0.04, 1)] == ["3", "0,27", "0,0"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("call", [lambda: formats.angka(float("inf"), 0), lambda: formats.angka_bertanda(-np.inf, 1)])
def test_a_count_divided_by_zero_is_told_even_with_decimals(capsys, call):
    written = call()
    assert "∞" in written
    (message,) = notice.told(capsys.readouterr().err)
    assert "pembagian dengan nol" in message and written in message


def test_a_helpers_words_are_reported_once_per_cell_and_not_printed():
    """Two lines of a loop say one thing; Python's own warning in the same stream is still reported."""
    said = "rakor: nb.persen menerima pecahan, tetapi mendapat 27,2\n"
    err = v4.new_output("stream", name="stderr", text=said * 2)
    mixed = v4.new_output("stream", name="stderr", text=said + "/x.py:3: FutureWarning: berubah\n")
    nb, notices = sanitize.prepare(executed(v4.new_code_cell("teks = nb.persen(27.2)", outputs=[err]),
                                            v4.new_code_cell("lagi", outputs=[mixed])))
    assert [(n.cell, n.message) for n in notices] == [
        (2, "nb.persen menerima pecahan, tetapi mendapat 27,2"), (3, "nb.persen menerima pecahan, tetapi mendapat 27,2"),
        (3, "pesan stderr tidak ditampilkan: /x.py:3: FutureWarning: berubah")]
    assert nb.cells[-2].outputs == [] and nb.cells[-1].outputs == []


@pytest.mark.parametrize("tag", ["rk-sembunyikan", "remove-cell", "remove-output"])
def test_a_hidden_cells_helper_words_are_reported_since_its_text_may_show_later(tag):
    err = v4.new_output("stream", name="stderr", text="rakor: nb.persen mendapat 27,2\n/x.py:1: Warning: lain\n")
    cell = v4.new_code_cell("teks = nb.persen(27.2)", metadata={"tags": [tag]}, outputs=[err])
    _, notices = sanitize.prepare(executed(cell))
    assert [(n.cell, n.message) for n in notices] == [(2, "nb.persen mendapat 27,2")]  # not Python's: hidden


def test_in_a_real_kernel_the_figure_reaches_the_page_and_the_build_names_the_cell(tmp_path):
    """A target in persen handed to nb.persen in a hidden cell, shown by a box in the next one."""
    from briefs.run import notebook_run

    hidden = "from briefs import notebook as nb\nteks = nb.persen(32.15)  # rapat.target.coverage, sudah persen"
    path = helpers.notebook(tmp_path, "x = 1", hidden, "nb.kotak(f'Target {teks}')", "nb.persen(0.3215, 2)")
    written = nbformat.read(path, as_version=4)
    written.cells[1].metadata["tags"] = ["rk-sembunyikan"]
    nbformat.write(written, path)
    ran = notebook_run.run_notebook(helpers.job(path), tmp_path / "out.ipynb")
    shown, notices = sanitize.prepare(ran)
    assert [(n.cell, n.source) for n in notices] == [(2, "from briefs import notebook as nb")]
    assert "mendapat 32,15 dan menulis 3.215,0%" in notices[0].message
    page = nbformat.writes(shown)
    assert "Target 3.215,0%" in page and "32,15%" in page and notice.PREFIX not in page
