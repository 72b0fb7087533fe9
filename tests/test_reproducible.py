"""Same inputs, code and environment: the same bytes, and `verify` can prove it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from pypdf import PdfReader

from briefs import cli, paths
from tests.conftest import TWO

pytestmark = pytest.mark.slow


def files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_second_forced_build_elsewhere_is_byte_identical(small_release, tmp_path, monkeypatch):
    """small_release ran its jobs in the build's own process; this one on a local Dask cluster
    (2 workers, the in-process path and the small-batch shortcut switched off): where a brief
    ran never shows in its bytes."""
    from briefs.run import cluster

    monkeypatch.setattr(cluster, "SMALL_BATCH", 0)
    monkeypatch.setattr(cluster, "HERE_UP_TO", 0)
    args = [str(paths.DEFAULT_PARAMS), "--out", str(tmp_path), "--force", "--jobs", "2"] + [
        a for n in TWO for a in ("--only", n)]
    assert cli.main(args) == 0
    again = tmp_path / "rakor-2026-11"
    assert files(again) == files(small_release)
    different = [f for f in files(again) if (again / f).read_bytes() != (small_release / f).read_bytes()]
    assert different == []


def test_verify_names_a_changed_and_a_missing_file(small_release, tmp_path, capsys):
    copy = tmp_path / "rilis"
    shutil.copytree(small_release, copy)
    assert cli.main(["verify", str(copy)]) == 0
    pdf = copy / "kecamatan" / "sitiung.pdf"
    blob = bytearray(pdf.read_bytes())
    blob[len(blob) // 2] ^= 0x01  # one bit of one byte
    pdf.write_bytes(bytes(blob))
    (copy / "index.html").unlink()
    capsys.readouterr()
    assert cli.main(["verify", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "kecamatan/sitiung.pdf: isi berubah" in err and "index.html: hilang" in err
    assert "koto-baru.pdf" not in err


def test_verify_rebuild_matches_the_manifest(small_release):
    assert cli.main(["verify", str(small_release), "--rebuild"]) == 0


def test_verify_rebuild_matches_on_a_machine_whose_build_folder_is_elsewhere(small_release, tmp_path):
    """An auditor's cache lies where their `RAKOR_BUILD` says: each notebook's snapshot
    parameter was published as '…/13.10.04' or '.build/…/13.10.04' by where the cache lay,
    and every notebook and the zip were called different from the manifest."""
    notebook = json.loads((small_release / "notebooks" / "sitiung.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'snapshot = ".build/rakor-2026-11/snapshot/kecamatan/13.10.04"' in "".join(injected["source"])
    elsewhere = {**os.environ, "RAKOR_BUILD": str(tmp_path / "cache-auditor")}
    done = subprocess.run([sys.executable, "build.py", "verify", str(small_release), "--rebuild"], cwd=paths.ROOT,
                          env=elsewhere, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pdfs_are_archival_with_language_title_author_and_embedded_fonts(small_release, manifest):
    organizers = manifest["provenance"]["parameters"]["organizers"]
    for pdf in sorted(small_release.rglob("*.pdf")):
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert 'pdfaid:part="2"' in xmp and "/OutputIntents" in root, pdf.name
        assert root["/Lang"] == "id"
        assert reader.metadata.title and organizers[0] in reader.metadata.author
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (pdf.name, font["/BaseFont"])


def test_release_zip_holds_pdfs_index_and_manifest_with_fixed_times(small_release, manifest):
    zip_path = small_release / "rakor-2026-11.zip"
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        pdfs = [a["path"] for a in manifest["artifacts"] if a["path"].endswith(".pdf")]
        cards = [a["path"] for a in manifest["artifacts"] if a["kind"] == "card"]
        assert set(names) == set(pdfs) | set(cards) | {"index.html", "manifest.json"}
        for info in zf.infolist():
            assert info.date_time == (2026, 11, 24, 0, 0, 0)
            if info.filename != "manifest.json":
                assert zf.read(info) == (small_release / info.filename).read_bytes()
            # PDFs and PNGs are compressed already: stored (deflate saved ~4 % at ~27 MB/s); text deflated
            stored = info.filename.endswith((".pdf", ".png"))
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED), info.filename
        inner = json.loads(zf.read("manifest.json"))
    listed = {a["path"] for a in manifest["artifacts"]}
    assert {a["path"] for a in inner["artifacts"]} == listed - {"rakor-2026-11.zip"}
    assert [a["kind"] for a in manifest["artifacts"] if a["path"].endswith(".zip")] == ["zip"]
