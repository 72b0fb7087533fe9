"""Choosing the engine: Quarto is found before any work, and its failures name the brief.

Quarto cannot be installed from the registries reachable here, so the wiring is tested
with the stand-in executable `tests/fixtures/quarto/quarto-standin` (it is not Quarto:
it writes a one-page PDF saying so); tests/test_quarto_cli.py runs real Quarto when
it is on PATH.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefs import cli, paths

STANDIN = paths.ROOT / "tests" / "fixtures" / "quarto" / "quarto-standin"
pytestmark = pytest.mark.slow


@pytest.fixture
def no_quarto(monkeypatch, tmp_path):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(Path(cli.sys.executable).parent))  # the venv only: no quarto


def test_missing_quarto_is_exit_2_before_any_work(no_quarto, tmp_path, capsys):
    assert cli.main([str(paths.DEFAULT_PARAMS), "--engine", "quarto", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--engine quarto" in err and "quarto.org" in err and "--engine weasyprint" in err
    assert not (tmp_path / "rakor-2026-11").exists()


def test_without_harfbuzz_subset_the_build_stops_before_any_work_simulated(monkeypatch, tmp_path, capsys):
    """libharfbuzz-subset0 cannot be removed for a test (chromium needs it), so its absence is
    simulated where WeasyPrint looks for it. Without it WeasyPrint subsets fonts with fontTools,
    and one page gave three different PDFs in four renders: a release verify cannot confirm."""
    from weasyprint.text import ffi

    from briefs.render import weasy

    assert weasy.subsetter_missing() is None  # this machine has it: make release installs it
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert cli.main(["check", str(paths.DEFAULT_PARAMS)]) == 0  # check renders nothing
    assert cli.main([str(paths.DEFAULT_PARAMS), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "WeasyPrint: pustaka HarfBuzz-Subset" in err and "apt-get install libharfbuzz-subset0" in err
    assert not (tmp_path / "rakor-2026-11").exists()


def test_quarto_from_the_params_file_is_named_there(no_quarto, tmp_path, capsys):
    params = tmp_path / "rakor.yml"
    params.write_text(paths.DEFAULT_PARAMS.read_text(encoding="utf-8").replace("engine: weasyprint", "engine: quarto"),
                      encoding="utf-8")
    assert cli.main(["check", str(params)]) == 0  # check validates data, it renders nothing
    assert cli.main([str(params), "--out", str(tmp_path)]) == 2
    assert "rakor.yml:engine" in capsys.readouterr().err


def test_standin_quarto_builds_a_complete_release_recording_the_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("QUARTO_PATH", str(STANDIN))
    monkeypatch.setenv("STANDIN_QUARTO_VERSION", "1.5.57")
    assert cli.main([str(paths.DEFAULT_PARAMS), "--engine", "quarto", "--only", "Sitiung", "--out", str(tmp_path)]) == 0
    release = tmp_path / "rakor-2026-11"
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["engine"] == "quarto"
    assert manifest["provenance"]["engine_version"] == "1.5.57"
    assert (release / "kecamatan" / "sitiung.pdf").read_bytes().startswith(b"%PDF")
    assert (release / "buku-rakor-2026-11.pdf").is_file() and (release / "index.html").is_file()


def test_standin_quarto_failure_reaches_the_user_with_the_kecamatan(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("QUARTO_PATH", str(STANDIN))
    monkeypatch.setenv("STANDIN_QUARTO_FAIL", "Typst: unknown font family")
    code = cli.main([str(paths.DEFAULT_PARAMS), "--engine", "quarto", "--only", "Sitiung", "--force",
                     "--out", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "GAGAL Kecamatan Sitiung" in err and "Typst: unknown font family" in err
    assert not (tmp_path / "rakor-2026-11").exists()
