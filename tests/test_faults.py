"""Failures stay small: one failing kecamatan, a kill mid-build, never a lost release."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from briefs import jobs, paths, pipeline, publish
from tests import helpers

pytestmark = pytest.mark.slow
THREE = ["Sitiung", "Tiumang", "Timpeh"]


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def breaking(monkeypatch, tmp_path):
    """Make Tiumang's brief run a notebook whose third cell raises: a real failing run."""
    broken = helpers.brief_with(tmp_path, "rusak", 3, nbformat.v4.new_code_cell("raise RuntimeError('data nagari rusak')"))
    helpers.replace_notebook(monkeypatch, {"13.10.08": broken})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rilis")
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE, out=out))
    assert result.exit_code == 0
    return out


def test_one_failure_fails_only_its_brief_and_publishes_nothing(published, breaking):
    before = hashes(published / "rakor-2026-11")
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE, out=published, force=True))
    assert result.exit_code == 1 and result.release is None
    [failed] = result.batch.failed
    assert failed.job.name == "Tiumang"
    assert "RuntimeError: data nagari rusak" in failed.error and "raise RuntimeError" in failed.error
    assert {o.job.name for o in result.batch.outcomes if o.ok} == {"Kabupaten Dharmasraya", "Sitiung", "Timpeh"}
    assert hashes(published / "rakor-2026-11") == before  # the published release is untouched
    evidence = nbformat.read(jobs.FAILED / "rakor-2026-11" / "tiumang.ipynb", as_version=4)
    assert any("data nagari rusak" in str(o) for c in evidence.cells for o in c.get("outputs", []))
    assert [p.name for p in published.iterdir()] == ["rakor-2026-11"]  # no staging left


def test_allow_partial_publishes_the_rest_and_marks_the_gap(breaking, tmp_path):
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE, out=tmp_path, allow_partial=True))
    assert result.exit_code == 1 and result.release is not None
    release = result.release
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert [f["kecamatan"] for f in manifest["failed"]] == ["Tiumang"]
    assert not (release / "kecamatan" / "tiumang.pdf").exists()
    assert (release / "kecamatan" / "sitiung.pdf").is_file()
    index = (release / "index.html").read_text(encoding="utf-8")
    row = index[index.index("Kecamatan Tiumang"):][:400]
    assert "gagal" in row
    toc = PdfReader(release / "buku-rakor-2026-11.pdf").pages[1].extract_text()
    assert "Tiumang" in toc and "gagal" in toc


def test_kill_9_mid_build_leaves_the_release_and_the_next_run_resumes(published, tmp_path):
    target = published / "rakor-2026-11"
    before = hashes(target)
    # a cache of their own, so "tersimpan" below can only come from the killed run
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RAKOR_BUILD": str(tmp_path / "cache")}
    four = THREE + ["Koto Besar"]
    cmd = [sys.executable, str(paths.ROOT / "build.py"), str(paths.DEFAULT_PARAMS), "--out", str(published),
           "--jobs", "1"] + [a for n in four for a in ("--only", n)]
    proc = subprocess.Popen(cmd, cwd=paths.ROOT, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in proc.stderr:  # wait until the first job is done, then kill the build and its kernels
        if line.rstrip().endswith(": ok"):
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hashes(target) == before
    rerun = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "tersimpan" in rerun.stderr  # what finished before the kill was not run again
    assert not list(published.glob(f"{publish.STAGING_PREFIX}*"))
    assert (target / "kecamatan" / "koto-besar.pdf").is_file()
