"""End to end: build.py on two kecamatan of the sample, read back as a reader would."""

from __future__ import annotations

import hashlib
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from pypdf import PdfReader

from briefs import data, fmt, params, paths
from briefs.data import figures

pytestmark = pytest.mark.slow


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


@pytest.fixture(scope="module")
def expected():
    meeting = params.load(paths.DEFAULT_PARAMS)
    ds = data.load(meeting)
    return meeting, figures.kecamatan_table(ds, meeting).set_index("kecamatan")


def test_manifest_lists_every_file_with_its_real_hash(small_release, manifest):
    listed = {a["path"] for a in manifest["artifacts"]}
    on_disk = {str(p.relative_to(small_release)) for p in small_release.rglob("*") if p.is_file()}
    assert on_disk - listed == {"manifest.json"}
    for art in manifest["artifacts"]:
        blob = (small_release / art["path"]).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == art["sha256"], art["path"]
        assert len(blob) == art["bytes"]
    kinds = {a["kind"] for a in manifest["artifacts"]}
    assert kinds == {"brief", "summary", "card", "book", "index", "notebook", "data", "zip"}
    assert sorted({a.get("kecamatan") for a in manifest["artifacts"] if a["kind"] == "brief"}) == ["Koto Baru", "Sitiung"]


def test_provenance_records_inputs_parameters_code_and_engine(manifest):
    prov = manifest["provenance"]
    assert prov["parameters"]["id"] == "rakor-2026-11"
    assert prov["engine"] == "weasyprint"
    assert set(prov["inputs"]) >= {"wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai"}
    assert all(len(v["sha256"]) == 64 for v in prov["inputs"].values())
    assert prov["packages"]["papermill"] and prov["packages"]["weasyprint"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, capture_output=True, text=True).stdout.strip()
    assert prov["code"]["commit"] == (head or None)  # the checkout's own commit (None outside git)
    assert isinstance(prov["code"]["dirty"], bool) or head == ""


@pytest.mark.parametrize("name", ["Sitiung", "Koto Baru"])
def test_brief_pdf_is_at_most_two_pages_with_its_key_figures(small_release, expected, name):
    meeting, table = expected
    row = table.loc[name]
    pages, text = pdf_text(small_release / "kecamatan" / f"{paths.slug(name)}.pdf")
    assert 1 <= pages <= 2
    flat = re.sub(r"\s+", " ", text)
    assert name in flat
    assert "DATA CONTOH" in flat
    assert fmt.angka(row["angkatan_kerja"]) in flat
    assert fmt.angka(row["peserta_aktif"]) in flat
    assert fmt.persen(row["cakupan"]) in flat
    assert fmt.tanggal(meeting.date) in flat
    assert f"Halaman 1 dari {pages}" in flat


def test_every_pdf_page_carries_the_sample_mark(small_release):
    for pdf in small_release.rglob("*.pdf"):
        reader = PdfReader(pdf)
        for i, page in enumerate(reader.pages):
            assert "DATA CONTOH" in page.extract_text(), f"{pdf.name} halaman {i + 1}"


def test_book_holds_cover_contents_summary_and_every_brief(small_release):
    book = small_release / "buku-rakor-2026-11.pdf"
    pages, text = pdf_text(book)
    parts = [small_release / "ringkasan-kabupaten.pdf"] + sorted((small_release / "kecamatan").glob("*.pdf"))
    assert pages >= 2 + sum(len(PdfReader(p).pages) for p in parts)
    for title in ("Ringkasan Kabupaten Dharmasraya", "Kecamatan Sitiung", "Kecamatan Koto Baru"):
        assert title in text


def test_index_links_resolve_and_load_nothing_from_outside(small_release):
    parser = Links()
    parser.feed((small_release / "index.html").read_text(encoding="utf-8"))
    assert parser.scripts == 0
    targets = [l for l in parser.links if not l.startswith("#") and not l.startswith("data:")]
    assert len(targets) >= 6
    # for auditors: every executed notebook and the manifest are one click away
    assert "manifest.json" in targets and "rakor-2026-11.zip" in targets
    assert {t for t in targets if t.endswith(".ipynb")} == {
        str(p.relative_to(small_release)) for p in (small_release / "notebooks").glob("*.ipynb")}
    for link in targets:
        assert urlparse(link).scheme == "", link
        assert (small_release / unquote(link)).resolve().is_file(), link
        assert (small_release / unquote(link)).resolve().is_relative_to(small_release.resolve())


def test_brief_html_is_self_contained(small_release):
    for html in small_release.rglob("*.html"):
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        assert parser.scripts == 0, html.name
        outside = [l for l in parser.links if urlparse(l).scheme in ("http", "https") or l.startswith("//")]
        assert outside == [], html.name


def test_released_notebooks_keep_papermill_parameters(small_release):
    import nbformat

    nb = nbformat.read(small_release / "notebooks" / "sitiung.ipynb", as_version=4)
    assert nb.metadata.papermill["parameters"]["kode_kecamatan"] == "13.10.04"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)


def test_the_build_records_where_its_time_went_outside_the_release(small_release, manifest, tmp_path_factory):
    """`.build/<meeting>/tahapan.json`: seconds per stage, in pipeline order; never published.

    Read from the copy small_release kept right after its build (tests.conftest.STAGES)."""
    import json

    from tests.conftest import STAGES, session_temp

    record = json.loads((session_temp(tmp_path_factory) / STAGES).read_text(encoding="utf-8"))
    stages = list(record["tahapan"])
    expected = ["muat dan validasi data", "potongan data per kecamatan", "rencana dan sidik jari",
                "brief dan ringkasan", "salin halaman", "buku", "indeks", "manifest dan zip", "terbitkan"]
    assert [s for s in stages if s in expected] == expected
    assert all(seconds >= 0 for seconds in record["tahapan"].values())
    assert record["tahapan"]["brief dan ringkasan"] > 1  # two notebooks really ran
    assert "tahapan.json" not in {a["path"].rsplit("/", 1)[-1] for a in manifest["artifacts"]}
