"""`build.py verify`: check a published release against its manifest.

Every file listed must exist with the recorded size and sha256; with `rebuild`, the
release is built again into a temporary folder and compared byte for byte.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from briefs.publish import changed_files


def verify(release: Path, *, rebuild: bool = False) -> list[str]:
    """Return one line per problem (empty when the release is intact)."""
    manifest_file = release / "manifest.json"
    if not manifest_file.is_file():
        return [f"{manifest_file}: manifest.json tidak ditemukan"]
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    problems = changed_files(release, manifest)
    if rebuild and not problems:
        problems += _rebuild_and_compare(release, manifest)
    return problems


def _rebuild_and_compare(release: Path, manifest: dict) -> list[str]:
    """Build again from the recorded params file and options, into a temporary folder."""
    from briefs import paths, pipeline

    prov = manifest["provenance"]
    options = prov.get("options", {})
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        opts = pipeline.Options(only=options.get("only", []), engine=options.get("engine"),
                                timeout=options.get("timeout"), force=True, out=Path(tmp))
        result = pipeline.build(paths.resolve(prov["params_file"]), opts)
        if result.release is None:
            return [f"bangun ulang gagal: {result.message}"]
        fresh = json.loads((result.release / "manifest.json").read_text(encoding="utf-8"))
    fresh_hashes = {a["path"]: a["sha256"] for a in fresh["artifacts"]}
    problems = [f"{a['path']}: hasil bangun ulang berbeda dari manifest"
                for a in manifest["artifacts"] if fresh_hashes.get(a["path"]) != a["sha256"]]
    problems += [f"{path}: ada di bangun ulang tetapi tidak di manifest"
                 for path in sorted(set(fresh_hashes) - {a["path"] for a in manifest["artifacts"]})]
    return problems
