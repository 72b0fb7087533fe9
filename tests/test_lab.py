"""The analysts' Jupyter: `make lab` serves the notebooks, git strips their outputs when staged."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from briefs import paths

TOKEN = "uji-lab"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_command() -> list[str]:
    """`make lab`'s own command line (from `make -n`), made headless for a test."""
    out = subprocess.run(["make", "-n", "lab"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    (line,) = [l for l in out.splitlines() if "jupyter lab" in l]
    return line.split()


def test_make_lab_opens_the_brief_notebook_in_the_projects_jupyterlab():
    command = _lab_command()
    assert command[0].endswith(".venv/bin/jupyter") and command[1] == "lab"
    assert command[-1] == "notebooks/brief_kecamatan.ipynb" and "--ServerApp.root_dir=." in command


@pytest.mark.slow
def test_jupyterlab_serves_the_notebooks_from_the_project_root():
    port = _free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    args = [str(jupyter), "lab", *_lab_command()[2:-1], "--no-browser", f"--port={port}",
            f"--ServerApp.token={TOKEN}", "--ServerApp.ip=127.0.0.1"]
    server = subprocess.Popen(args, cwd=paths.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/api/contents/notebooks/brief_kecamatan.ipynb?token={TOKEN}") as r:
            model = json.load(r)
        with urllib.request.urlopen(f"{base}/lab?token={TOKEN}") as r:
            page = r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert model["type"] == "notebook" and model["content"]["cells"][0]["metadata"]["tags"] == ["parameters"]
    assert "JupyterLab" in page


def test_git_strips_notebook_outputs_when_staged(tmp_path):
    """`make hooks` (run by every install) + .gitattributes: outputs never reach a commit, cell ids do."""
    for name in (".gitattributes", "Makefile"):
        shutil.copy(paths.ROOT / name, tmp_path / name)
    git = ["git", "-c", "user.name=uji", "-c", "user.email=uji@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["make", "-s", "hooks", f"PY={sys.executable}"], cwd=tmp_path, check=True)
    nb = nbformat.read(paths.BRIEF_NOTEBOOK, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="keluaran\n")]
    nb.cells[1].execution_count = 7
    nbformat.write(nb, tmp_path / "brief.ipynb")
    subprocess.run([*git, "add", "brief.ipynb"], cwd=tmp_path, check=True)
    staged = subprocess.run([*git, "show", ":brief.ipynb"], cwd=tmp_path, capture_output=True, text=True,
                            check=True).stdout
    cells = json.loads(staged)["cells"]
    assert cells[1]["outputs"] == [] and cells[1]["execution_count"] is None
    # ids are how analysts, tests and papermill name a cell: nbstripout's default renumbers them
    assert [c["id"] for c in cells] == [c["id"] for c in nb.cells] and "agen-bpu" in [c["id"] for c in cells]
    assert "keluaran" in (tmp_path / "brief.ipynb").read_text()  # the working copy keeps what JupyterLab shows
    # the executed notebook the tests read keeps its outputs: they are the fixture
    fixture = tmp_path / "tests" / "fixtures" / "render" / "executed.ipynb"
    fixture.parent.mkdir(parents=True)
    shutil.copy(paths.ROOT / "tests" / "fixtures" / "render" / "executed.ipynb", fixture)
    subprocess.run([*git, "add", str(fixture)], cwd=tmp_path, check=True)
    staged = subprocess.run([*git, "show", ":tests/fixtures/render/executed.ipynb"], cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    assert staged == fixture.read_text() and any(c.get("outputs") for c in json.loads(staged)["cells"])
