"""The Quarto engine (briefs/quarto_cli.py).

Quarto cannot be installed here (it is on none of the reachable package registries), so
the command lines, the private folders and the error handling run against a stand-in
executable, tests/fixtures/quarto/quarto-standin, and every test that uses it says so
in its name. The one test against the real Quarto CLI runs wherever `quarto` is on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
import yaml

from briefs.errors import InputError
from briefs.render import quarto as quarto_cli
from briefs.render.html import Page

HERE = Path(__file__).parent
STANDIN = HERE / "fixtures" / "quarto" / "quarto-standin"
EXECUTED = HERE / "fixtures" / "render" / "executed.ipynb"
INSTALL = "https://quarto.org/docs/get-started/"


def page(title: str = "Kecamatan Sitiung", sample: bool = True) -> Page:
    return Page(kind="brief", title=title, meeting_title="Rapat Koordinasi Uji November 2026",
                date_text="Selasa, 24 November 2026", place='Aula "Bupati": Lantai 2',
                period_text="Oktober 2026", sample=sample, build_id="b1d-42",
                regency="Kabupaten Contoh")


@pytest.fixture
def standin_on_path(tmp_path, monkeypatch):
    """A folder holding only `quarto` (a link to the stand-in), alone on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "quarto").symlink_to(STANDIN)
    # The stand-in's `#!/usr/bin/env python3` needs python3 on PATH, after our `quarto`.
    # The real interpreter's folder, not a shim that needs more of PATH.
    python_dir = os.path.dirname(os.path.realpath(sys.executable))
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), python_dir]))
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("STANDIN_QUARTO_LOG", str(tmp_path / "calls.jsonl"))
    for name in ("STANDIN_QUARTO_VERSION", "STANDIN_QUARTO_FAIL", "STANDIN_QUARTO_NO_OUTPUT",
                 "STANDIN_QUARTO_SLEEP"):
        monkeypatch.delenv(name, raising=False)
    return bin_dir / "quarto"


def calls(tmp_path: Path) -> list[dict]:
    log = tmp_path / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


# ---- locate -------------------------------------------------------------------------------

def test_standin_locate_finds_quarto_on_path_and_reads_its_version(standin_on_path):
    found = quarto_cli.locate()
    assert found == quarto_cli.Quarto(path=str(standin_on_path), version="1.6.40")


def test_standin_locate_prefers_quarto_path_over_path(standin_on_path, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere" / "quarto-1.5"
    other.parent.mkdir()
    other.symlink_to(STANDIN)
    monkeypatch.setenv("QUARTO_PATH", str(other))
    monkeypatch.setenv("STANDIN_QUARTO_VERSION", "1.5.57")
    assert quarto_cli.locate() == quarto_cli.Quarto(path=str(other), version="1.5.57")


def test_standin_too_old_quarto_is_an_input_error_in_bahasa_indonesia(standin_on_path, monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_VERSION", "1.3.450")
    with pytest.raises(InputError) as err:
        quarto_cli.locate()
    (problem,) = err.value.problems
    assert problem.file == "--engine quarto"
    assert "1.3.450" in problem.message and "terlalu lama" in problem.message
    assert INSTALL in problem.message and "--engine weasyprint" in problem.message


def test_missing_quarto_is_an_input_error_saying_how_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    with pytest.raises(InputError) as err:
        quarto_cli.locate(where="params/rakor.yml:engine")
    (problem,) = err.value.problems
    assert problem.file == "params/rakor.yml:engine"
    assert "tidak ditemukan" in problem.message
    assert INSTALL in problem.message and "--engine weasyprint" in problem.message


def test_quarto_path_to_nothing_is_reported_not_worked_around(standin_on_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "no-such-quarto"))
    with pytest.raises(InputError, match="QUARTO_PATH") as err:
        quarto_cli.locate()
    assert "--engine weasyprint" in str(err.value)


def test_standin_version_without_a_number_is_an_input_error(standin_on_path, monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_VERSION", "tidak tahu")
    with pytest.raises(InputError, match="nomor versi"):
        quarto_cli.locate()


# ---- the command line and the private folder --------------------------------------------

def test_command_renders_without_executing_in_indonesian():
    argv = quarto_cli.command(quarto_cli.Quarto("/opt/quarto/bin/quarto", "1.6.40"),
                              "page.ipynb", "typst", "page.pdf")
    assert argv[:3] == ["/opt/quarto/bin/quarto", "render", "page.ipynb"]
    assert argv[argv.index("--to") + 1] == "typst"
    assert argv[argv.index("--output") + 1] == "page.pdf"
    assert "--no-execute" in argv and "--execute" not in argv
    assert argv[argv.index("-M") + 1] == "lang:id"
    assert "--quiet" not in argv, "--quiet would hide Quarto's error text"


def test_standin_render_runs_html_then_typst_in_a_private_folder(standin_on_path, tmp_path):
    workdir = tmp_path / "rilis" / "sitiung"
    quarto = quarto_cli.locate()
    quarto_cli.render(EXECUTED, workdir, page(), quarto)

    html, typst = calls(tmp_path)
    assert [c["argv"][:2] for c in (html, typst)] == [["render", "page.ipynb"],
                                                      ["render", "page-typst.ipynb"]]
    assert [c["argv"][c["argv"].index("--to") + 1] for c in (html, typst)] == ["html", "typst"]
    assert all("--no-execute" in c["argv"] and "lang:id" in c["argv"] for c in (html, typst))
    private = Path(html["cwd"])
    assert typst["cwd"] == html["cwd"] and private.parent == workdir
    assert not private.exists(), "the private folder is removed after the render"
    for name in ("_quarto.yml", "typst-template.typ", "typst-show.typ", "rk-halaman.typ",
                 "sebelum.html", "sesudah.html", "rakor.css", "quarto.css"):
        assert name in html["files"], name
    assert sorted(p.name for p in workdir.iterdir()) == ["page.html", "page.pdf"]
    assert html["env"]["SOURCE_DATE_EPOCH"] == "0" and html["env"]["QUARTO_PYTHON"]

    matter = yaml.safe_load(typst["front_matter"].strip().strip("-"))
    assert matter["title"] == "Kecamatan Sitiung" and matter["lang"] == "id"
    assert matter["rakor"]["sample"] is True and matter["rakor"]["build"] == "b1d\\-42"
    assert "pagetitle" in yaml.safe_load(html["front_matter"].strip().strip("-"))


def test_standin_parallel_renders_use_their_own_folders(standin_on_path, tmp_path, monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_SLEEP", "0.3")  # both renders are in flight together
    quarto = quarto_cli.locate()
    names = ["Kecamatan Sitiung", "Kecamatan Koto Baru"]
    errors: list[BaseException] = []

    def one(name: str) -> None:
        try:
            quarto_cli.render(EXECUTED, tmp_path / "out" / name, page(name), quarto)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({c["cwd"] for c in calls(tmp_path)}) == 2
    for name in names:
        for output in ("page.html", "page.pdf"):
            text = (tmp_path / "out" / name / output).read_text()
            assert name in text and [n for n in names if n != name][0] not in text


# ---- when Quarto fails ---------------------------------------------------------------------

def test_standin_failure_carries_quartos_own_words_and_the_kecamatan(standin_on_path, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_FAIL", "Typst compilation failed: unknown font 'Garamond'")
    workdir = tmp_path / "sitiung"
    with pytest.raises(quarto_cli.QuartoFailed) as err:
        quarto_cli.render(EXECUTED, workdir, page(), quarto_cli.locate())
    text = str(err.value)
    assert "Kecamatan Sitiung" in text
    assert "ERROR: Typst compilation failed: unknown font 'Garamond'" in text
    assert "Stack trace" not in text and "quarto.js" not in text and "\x1b[" not in text
    assert err.value.returncode == 1
    assert list(workdir.iterdir()) == [], "no half output and no private folder left behind"


def test_standin_exit_zero_without_output_is_a_failure(standin_on_path, tmp_path, monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_NO_OUTPUT", "1")
    with pytest.raises(quarto_cli.QuartoFailed, match="page.html"):
        quarto_cli.render(EXECUTED, tmp_path / "w", page(), quarto_cli.locate())


def test_standin_timeout_stops_quarto(standin_on_path, tmp_path, monkeypatch):
    monkeypatch.setenv("STANDIN_QUARTO_SLEEP", "20")
    start = time.monotonic()
    with pytest.raises(quarto_cli.QuartoFailed, match="1 detik"):
        quarto_cli.render(EXECUTED, tmp_path / "w", page(), quarto_cli.locate(), timeout=1)
    assert time.monotonic() - start < 8


# ---- what Quarto is given ------------------------------------------------------------------

def test_notebook_copy_shows_no_more_than_the_default_engine(tmp_path):
    nb = nbformat.read(str(EXECUTED), as_version=4)
    notices = quarto_cli.prepare(tmp_path, nb, page(), quarto_cli.Quarto(path="quarto", version="1.6.40"))
    assert any("application/javascript" in n.message for n in notices)  # dropped, and said so
    for typst, name in ((False, "page.ipynb"), (True, "page-typst.ipynb")):
        copy = nbformat.read(str(tmp_path / name), as_version=4)
        text = nbformat.writes(copy)
        assert copy.cells[0].cell_type == "raw" and copy.cells[0].source.startswith("---\n")
        for leak in ("BOCOR-JS", "BOCOR-MERMAID", "BOCOR-STDERR", "<script"):
            assert leak not in text, (typst, leak)
        code = [c for c in copy.cells if c.cell_type == "code"]
        # Markup Quarto would pass through as HTML is sanitized (text/plain is shown escaped).
        markup = [c.source for c in copy.cells if c.cell_type == "markdown"] + [
            v for c in code for o in c.outputs for k, v in o.get("data", {}).items()
            if k in ("text/html", "text/markdown")]
        assert markup and not any("onerror" in m or "alert(" in m for m in markup), typst
        assert all("remove-code" in c.metadata["tags"] for c in code)  # Quarto's own tag
        mimes = {m for c in code for o in c.outputs for m in o.get("data", {})}
        assert ("text/html" in mimes) is (not typst)
        assert ("text/markdown" in mimes) is typst  # Typst cannot show raw HTML
        assert "rk-cards" in text and "image/png" in mimes
    assert len(nb.cells) == len(copy.cells) - 1, "the executed notebook itself is not changed"


def test_notebook_title_block_is_left_to_the_frame():
    nb = nbformat.read(str(EXECUTED), as_version=4)
    judul = '<div class="rk-judul"><p class="rk-judul-nama">Kecamatan Sitiung</p></div>'
    nb.cells[2].outputs.insert(0, nbformat.v4.new_output("display_data",
                                                         data={"text/html": judul}))
    for typst in (False, True):
        text = nbformat.writes(quarto_cli.notebook_copy(nb, page(), typst=typst))
        assert "rk-judul" not in text and "rk-cards" in text


def test_chart_alt_text_reaches_quarto_as_a_cell_option():
    nb = nbformat.read(str(EXECUTED), as_version=4)
    chart = next(c for c in nb.cells if c.cell_type == "code"
                 and any("image/png" in o.get("data", {}) for o in c.outputs))
    chart.outputs[0].metadata = {"image/png": {"alt": 'Cakupan per nagari: "Sitiung" tertinggi'}}
    copy = quarto_cli.notebook_copy(nb, page(), typst=True)
    source = next(c.source for c in copy.cells if c.cell_type == "code" and "rk.chart()" in c.source)
    option = yaml.safe_load(source.splitlines()[0].removeprefix("#|"))
    assert option == {"fig-alt": 'Cakupan per nagari: "Sitiung" tertinggi'}


def test_front_matter_keeps_names_literal_for_pandoc():
    odd = Page(kind="brief", title="Kecamatan *Koto* [Baru]", meeting_title="Rakor @bupati $5",
               date_text="Selasa, 24 November 2026", place="Aula #2", period_text="Oktober 2026",
               sample=False, build_id="x", regency="")
    matter = yaml.safe_load(yaml.safe_dump(quarto_cli.front_matter(odd, typst=True)))
    assert matter["title"] == r"Kecamatan \*Koto\* \[Baru\]"
    assert matter["rakor"]["meeting"] == r"Rakor \@bupati \$5"
    assert matter["rakor"]["sample"] is False
    assert re.sub(r"\\(.)", r"\1", matter["rakor"]["place"]) == "Aula #2"


def test_templates_configure_quarto_for_a_non_executing_indonesian_a4_render():
    conf = yaml.safe_load((quarto_cli.TEMPLATES / "_quarto.yml").read_text())
    assert conf["lang"] == "id"
    assert conf["execute"]["enabled"] is False and conf["execute"]["echo"] is False
    assert conf["format"]["html"]["embed-resources"] is True
    typst = conf["format"]["typst"]
    assert typst["papersize"] == "a4"
    for partial in typst["template-partials"]:
        assert (quarto_cli.TEMPLATES / partial).is_file()
    for name in quarto_cli.STATIC_FILES:
        assert (quarto_cli.TEMPLATES / name).is_file()


@pytest.mark.parametrize("version, has_context", [("1.4.557", False), ("1.6.40", True),
                                                  ("1.8.25", True)])
def test_page_numbers_fit_the_typst_that_quarto_ships(tmp_path, version, has_context):
    nb = nbformat.read(str(EXECUTED), as_version=4)
    quarto_cli.prepare(tmp_path, nb, page(), quarto_cli.Quarto("/q", version))
    halaman = (tmp_path / "rk-halaman.typ").read_text()
    code = "\n".join(l for l in halaman.splitlines() if not l.startswith("//"))
    assert "Halaman" in code and "dari" in code
    assert ("context" in code) is has_context
    assert "DATA CONTOH" in (tmp_path / "sebelum.html").read_text()
    assert "b1d-42" in (tmp_path / "sesudah.html").read_text()


# ---- the real Quarto -----------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("quarto") is None,
                    reason="Quarto CLI is not on PATH; it cannot be installed from the package "
                           "registries reachable here")
def test_real_quarto_renders_the_executed_notebook(tmp_path, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.delenv("QUARTO_PATH", raising=False)
    quarto = quarto_cli.locate()
    quarto_cli.render(EXECUTED, tmp_path, page(), quarto, timeout=300)
    pdf = PdfReader(str(tmp_path / "page.pdf"))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for expected in ("Kecamatan Sitiung", "DATA CONTOH", "Halaman 1 dari", "b1d-42"):
        assert expected in text, expected
    html = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert "Kecamatan Sitiung" in html and "DATA CONTOH" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html, re.I)
    assert "BOCOR" not in html and "onerror" not in html
