"""`build.py verify`: check a published release against its manifest.

Every file listed must exist with the recorded size and sha256; with `rebuild`, the
release is built again into a temporary folder and compared byte for byte.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from briefs.publish import digest_file


def verify(release: Path, *, rebuild: bool = False) -> list[str]:
    """Return one line per problem (empty when the release is intact)."""
    manifest_file = release / "manifest.json"
    if not manifest_file.is_file():
        return [f"{manifest_file}: manifest.json tidak ditemukan"]
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    problems = []
    for art in manifest["artifacts"]:
        f = release / art["path"]
        if not f.is_file():
            problems.append(f"{art['path']}: hilang")
        elif digest_file(f) != art["sha256"]:
            problems.append(f"{art['path']}: isi berubah (sha256 tidak cocok dengan manifest)")
    if rebuild and not problems:
        problems += _rebuild_and_compare(release, manifest)
    return problems


def _rebuild_and_compare(release: Path, manifest: dict) -> list[str]:
    from briefs import params, pipeline

    meeting = manifest["provenance"]["parameters"]
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        params_file = Path(tmp) / f"{meeting['id']}.yml"
        import yaml

        params_file.write_text(yaml.safe_dump(meeting, allow_unicode=True, sort_keys=False), encoding="utf-8")
        params.load(params_file)
        result = pipeline.build(params_file, pipeline.Options(out=Path(tmp) / "out"))
        if result.release is None:
            return [f"bangun ulang gagal: {result.message}"]
        fresh = {a["path"]: a["sha256"] for a in json.loads((result.release / "manifest.json").read_text())["artifacts"]}
    problems = []
    for art in manifest["artifacts"]:
        if fresh.get(art["path"]) != art["sha256"]:
            problems.append(f"{art['path']}: hasil bangun ulang berbeda dari manifest")
    return problems
