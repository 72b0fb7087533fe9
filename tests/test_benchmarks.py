"""benchmarks/run.py drives the build's own functions: the suite runs its per-release stages once.

`make bench` is not part of the suite (it takes minutes and measures, not checks); a change
to a function it calls (`assemble.assemble`'s key figures) once broke it unnoticed until the
next measurement. This runs the stage measurement at the sample's 11 kecamatan, on one real
brief of the session's release, as `make bench` does at 500 to 7.277.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from briefs import data, params, paths


def test_the_per_release_stages_of_the_benchmark_run_on_the_current_code(small_release, tmp_path):
    brief = next(f.parent for f in sorted((paths.BUILD / "cache").glob("*/notebook.ipynb"))
                 if '"kode_kecamatan"' in f.read_text(encoding="utf-8") and (f.parent / "page.pdf").is_file())
    data_dir = shutil.copytree(paths.ROOT / "data" / "sample", tmp_path / "data")
    work = tmp_path / "tahap"
    work.mkdir()
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--child", "stages", "11", str(data_dir), str(brief),
                           str(work)], cwd=paths.ROOT, capture_output=True, text=True,
                          env={**os.environ, "RAKOR_BUILD": str(tmp_path / "cache")}, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert (result["kecamatan"], result["nagari"]) == (11, 52)
    # every stage after the briefs did its work, and the release it assembled lists every brief
    assert {"buku", "indeks", "manifest dan zip", "angka kunci untuk indeks", "terbitkan"} <= set(result["stages"])
    assert not (work / "stage").exists()  # published, as a build publishes: on disk, then renamed into place
    manifest = json.loads((work / "rilis" / "manifest.json").read_text(encoding="utf-8"))
    assert sum(a["kind"] == "brief" and a["path"].endswith(".pdf") for a in manifest["artifacts"]) == 11


def test_the_generated_national_data_passes_every_check_the_build_makes(tmp_path):
    """`make bench` builds on this data: a rule the build adds (one name per nagari in a
    kecamatan) must hold for it too, or the scale run stops at its first step."""
    sys.path.insert(0, str(paths.ROOT / "benchmarks"))
    try:
        import intake
        import run
    finally:
        sys.path.remove(str(paths.ROOT / "benchmarks"))
    intake.generate(tmp_path / "data", scale=0.02)
    loaded = data.load(params.load(run.params_for(tmp_path / "data", tmp_path)))
    per_kecamatan = loaded.wilayah.groupby("kode_kecamatan")["nagari"]
    assert per_kecamatan.size().max() > 20  # past one round of the generator's first names
    assert (per_kecamatan.nunique() == per_kecamatan.size()).all()
