"""Phone cards (`kartu/<nama>.png`): read back from the session's release as a phone shows them.

Each card is a 1080 × 1350 grayscale PNG, listed in the manifest (kind `card`), linked from
index.html with an Indonesian label, carried in the zip, and says what its brief says: its
figures are compared with the brief's own key figures (HTML) and text (PDF), and one card's
pixels are read back with OCR (tesseract). The build's other paths (no card asked for, a
refused one, two calls) run through `jobs.phone_card` on small notebooks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from briefs import params, paths, verify
from briefs.notebook import phone_card
from briefs.notebook.snippets import kartu
from briefs.render import card, sanitize
from briefs.render.page import page_for
from briefs.run import jobs
from tests.helpers import job as make_job
from tests.test_verify import make_release, reseal

pytestmark = pytest.mark.slow


def normal(text: str) -> str:
    """Whitespace as one space (PDF text and OCR break lines where the page does)."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def meeting():
    return params.load(paths.DEFAULT_PARAMS)


@pytest.fixture(scope="module")
def parts(small_release, manifest) -> list[dict]:
    """Per brief and the summary: its PDF, HTML, notebook and card paths, and the card's content."""
    found = []
    for art in manifest["artifacts"]:
        if art["kind"] not in ("brief", "summary") or not art["path"].endswith(".pdf"):
            continue
        slug = Path(art["path"]).stem
        executed = nbformat.read(small_release / "notebooks" / f"{slug}.ipynb", as_version=4)
        _, cards = card.take(executed)
        assert len(cards) == 1, f"{slug}: {len(cards)} kartu di notebook yang dijalankan"
        found.append({"kind": art["kind"], "kecamatan": art.get("kecamatan"), "slug": slug, "pdf": art["path"],
                      "html": art["path"][:-4] + ".html", "card": f"kartu/{slug}.png",
                      "content": card.Content.parse(cards[0].data),
                      "build_id": executed.metadata["papermill"]["parameters"]["build_id"]})
    assert sorted(p["slug"] for p in found) == ["koto-baru", "ringkasan-kabupaten", "sitiung"]
    return found


def pdf_text(pdf: Path) -> str:
    return normal(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)


def brief_figures(html: Path) -> dict[str, str]:
    """The brief's own key-figure cards, label → value, as its page shows them."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    return {normal(c.select_one(".rk-card-label").get_text()): normal(c.select_one(".rk-card-value").get_text())
            for c in soup.select(".rk-card")}


def test_the_notebook_and_the_renderer_share_one_mimetype_and_bound():
    assert phone_card.MIMETYPE == card.MIMETYPE
    assert phone_card.MAX_ANGKA == card.MAX_ANGKA


def test_every_part_has_a_portrait_grayscale_card_listed_with_its_hash(small_release, manifest, parts):
    listed = {a["path"]: a for a in manifest["artifacts"] if a["kind"] == "card"}
    assert sorted(listed) == sorted(p["card"] for p in parts)
    for part in parts:
        entry, blob = listed[part["card"]], (small_release / part["card"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(blob).hexdigest() and entry["bytes"] == len(blob)
        assert entry.get("kecamatan") == part["kecamatan"]  # the brief's name; none for the regency's
        with Image.open(io.BytesIO(blob)) as image:
            assert image.format == "PNG" and image.size == (1080, 1350)
            assert image.mode == "L"  # no hue at all: prints and photographs in black and white
            darkest, lightest = image.getextrema()
            assert darkest <= 0x11 and lightest == 255  # the house's ink on white paper
            assert set(image.info) <= {"Title", "Description", "dpi"}, image.info  # no time, no software


def test_cards_are_linked_from_the_index_with_indonesian_labels(small_release, parts):
    soup = BeautifulSoup((small_release / "index.html").read_text(encoding="utf-8"), "html.parser")
    for part in parts:
        links = soup.find_all("a", href=part["card"])
        assert len(links) == 1, part["card"]
        link = links[0]
        assert link.get_text(strip=True) == "Kartu ponsel"
        label = link["aria-label"]
        assert label.startswith("Kartu ponsel ") and label.endswith("(gambar PNG)")
        assert card.description((small_release / part["card"]).read_bytes()) in label  # the card's own alt text
        assert part["content"].utama.nilai in label and part["content"].aksi in label
        row = link.find_parent("tr")  # beside its brief's PDF and HTML
        assert {a["href"] for a in row.find_all("a")} == {part["html"], part["pdf"], part["card"]}


def test_the_zip_carries_every_card(small_release, parts):
    with zipfile.ZipFile(small_release / "rakor-2026-11.zip") as zf:
        for part in parts:
            assert zf.read(part["card"]) == (small_release / part["card"]).read_bytes()


def test_each_card_states_the_figures_its_brief_states(small_release, parts):
    for part in parts:
        content, text = part["content"], pdf_text(small_release / part["pdf"])
        figures = [content.utama, *content.angka]
        for f in figures:
            assert f.nilai in text, (part["slug"], f)  # every figure on the card is in the brief's PDF
        # and the other way: every key figure the brief shows under a label the card uses is the same
        on_card = {f.label: f.nilai for f in figures}
        own = brief_figures(small_release / part["html"])
        shared = set(on_card) & set(own)
        assert {"Cakupan", "Belum terlindungi"} <= shared, (part["slug"], own)
        assert any(label.startswith(("Menuju target", "Target")) for label in shared)
        assert {label: on_card[label] for label in shared} == {label: own[label] for label in shared}
        if part["kind"] == "brief":
            assert content.utama.keterangan in text  # "peringkat 3 dari 11 kecamatan", as the brief words it


def test_the_build_reports_no_card_missing_or_dropped(manifest):
    assert [w for w in manifest["warnings"] if "kartu" in w["message"] or card.MIMETYPE in w["message"]] == []


def test_a_cards_pixels_say_what_its_brief_says(small_release, parts, tmp_path):
    """OCR of the Sitiung card: the brief's figures, rank, period, build id and DATA CONTOH are on it."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract tidak terpasang (Makefile TEST_DEBS memasang tesseract-ocr)")
    part = next(p for p in parts if p["slug"] == "sitiung")
    # --psm 11 (sparse text): the card is blocks of text of very different sizes, not columns of prose
    read = normal(subprocess.run(["tesseract", str(small_release / part["card"]), "-", "--psm", "11"],
                                 capture_output=True, text=True, check=True).stdout)
    text = pdf_text(small_release / part["pdf"])
    own = brief_figures(small_release / part["html"])
    target = next(label for label in own if label.startswith(("Menuju target", "Target")))
    for label in ("Cakupan", "Belum terlindungi", target):
        assert own[label] in read, (label, own[label], read)
    rank = re.search(r"peringkat \d+ dari \d+", text).group(0)
    build = re.search(r"build (\w+)", text).group(1)
    period = re.search(r"Data per (\w+ \d{4})", text).group(1)
    for expected in (rank, build, period, "DATA CONTOH", "Kecamatan Sitiung"):
        assert expected in read, (expected, read)


def test_a_card_renders_byte_identical_from_its_notebooks_content(small_release, parts, meeting):
    """Rendered again here, in another process, from the released notebook's content: the build's bytes.

    (tests/test_reproducible.py compares whole releases, cards included, across two builds.)
    """
    part = next(p for p in parts if p["kind"] == "brief")
    page = page_for(meeting, kind="brief", title=f"Kecamatan {part['kecamatan']}", build_id=part["build_id"])
    assert card.png_bytes(part["content"], page) == (small_release / part["card"]).read_bytes()


# ---- the build's other paths: jobs.phone_card on small notebooks ---------------------------------

def executed(*outputs: list[dict]) -> nbformat.NotebookNode:
    """An executed notebook: a parameters cell, then one code cell per list of outputs."""
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_code_cell("x = 1")]
    cells[0].metadata["tags"] = ["parameters"]
    for i, outs in enumerate(outputs):
        cell = nbformat.v4.new_code_cell(f"nb.kartu_hp(...)  # sel {i}")
        cell.outputs = [nbformat.v4.new_output("display_data", data=o) for o in outs]
        cells.append(cell)
    nb.cells = cells
    return nb


CONTENT = {"utama": {"label": "Cakupan", "nilai": "27,2%", "keterangan": "peringkat 3 dari 11 kecamatan"},
           "angka": [{"label": "Belum terlindungi", "nilai": "4.612", "keterangan": ""}],
           "aksi": "Aktifkan satu agen Perisai di Siguntur."}


@pytest.fixture
def brief_job(meeting):
    page = page_for(meeting, kind="brief", title="Kecamatan <Uji>", build_id="b-uji")
    return dataclasses.replace(make_job("uji.ipynb"), page=page)


def test_a_card_renders_in_the_workers_own_process(brief_job, monkeypatch):
    """No fork for a card (our template, bounded content): a third of its time was the fork's."""
    import os

    def no_fork():
        raise AssertionError("kartu ponsel tidak boleh di-fork")

    monkeypatch.setattr(os, "fork", no_fork)
    png = card.png_bytes(card.Content.parse(CONTENT), brief_job.page)
    with Image.open(io.BytesIO(png)) as image:
        assert (image.size, image.mode) == ((card.WIDTH, card.HEIGHT), "L")
    assert "Aktifkan satu agen Perisai di Siguntur." in card.description(png)


def test_a_notebook_without_the_cell_gets_a_notice_and_no_card(brief_job, tmp_path):
    nb = executed([{"text/plain": "1"}])
    shown, notices = jobs.phone_card(brief_job, nb, tmp_path)
    assert shown is nb and not (tmp_path / card.FILE).exists()
    assert [n["message"] for n in notices] == [
        "tidak ada kartu ponsel: tidak ada sel yang memanggil nb.kartu_hp(...); kartu/<nama>.png tidak dibuat"]


def test_the_card_output_leaves_the_page_and_is_never_reported_as_dropped(brief_job, tmp_path):
    first = {**CONTENT, "aksi": "Yang lama."}
    nb = executed([{card.MIMETYPE: first, "text/plain": "Kartu ponsel"}], [{card.MIMETYPE: CONTENT, "text/plain": "x"}])
    shown, notices = jobs.phone_card(brief_job, nb, tmp_path)
    assert [(n["cell"], "tidak dipakai" in n["message"]) for n in notices] == [(2, True)]  # the first call, named
    assert all(not cell.get("outputs") for cell in shown.cells[1:])  # off the page, in the page's copy only
    assert all(cell.outputs for cell in nb.cells[1:])  # the executed notebook (for audit) keeps them
    assert sanitize.prepare(shown)[1] == []  # so the page reports nothing dropped
    png = (tmp_path / card.FILE).read_bytes()
    assert "Yang diminta: Aktifkan satu agen Perisai di Siguntur." in card.description(png)  # the last call won
    assert "Kecamatan <Uji>" in card.description(png)


@pytest.mark.parametrize("bad, why", [
    ({"utama": {"label": "Cakupan"}, "angka": [], "aksi": "x"}, "tidak terbaca"),
    ({**CONTENT, "aksi": "Aktifkan agen Perisai di nagari ini. " * 16}, "tidak muat di satu layar"),  # 592 characters
    # more figures than nb.kartu_hp allows (an edited notebook): the card renders in the worker's
    # own process, so what reaches WeasyPrint is bounded before it renders
    ({**CONTENT, "angka": [{"label": f"Angka {i}", "nilai": "1"} for i in range(4)]},
     "paling banyak 3 angka selain angka utama (ada 4)"),
    # a value from the data too long for one line in large type (the regency's "3.123 dari 5.703" at national scale)
    ({**CONTENT, "utama": {"label": "Nagari tanpa agen", "nilai": "3.123 dari 5.703"}},
     "nilai 'Nagari tanpa agen' terlalu panjang untuk kartu ponsel (16 karakter, paling banyak 12)"),
])
def test_a_card_that_cannot_be_made_is_reported_not_published(brief_job, tmp_path, bad, why):
    shown, notices = jobs.phone_card(brief_job, executed([{card.MIMETYPE: bad}]), tmp_path)
    assert len(notices) == 1 and why in notices[0]["message"] and notices[0]["cell"] == 2
    assert not (tmp_path / card.FILE).exists()


def test_a_card_that_writes_a_number_the_english_way_is_made_and_reported(brief_job, tmp_path):
    """f"{k.cakupan:.1%}" puts 27.2% on the phone as on a page: the card is made, and the analyst told."""
    english = {**CONTENT, "utama": {"label": "Cakupan", "nilai": "27.2%"}}
    shown, notices = jobs.phone_card(brief_job, executed([{card.MIMETYPE: english}]), tmp_path)
    assert [(n["cell"], n["message"].split(" dan ")[0]) for n in notices] == [
        (2, "kartu ponsel: angka tertulis cara Inggris atau mentah (27.2)")]
    assert (tmp_path / card.FILE).exists()
    assert jobs.phone_card(brief_job, executed([{card.MIMETYPE: CONTENT}]), tmp_path)[1] == []
    dated = {**CONTENT, "aksi": "Aktifkan agen sebelum 1 December 2026."}
    (notice,) = jobs.phone_card(brief_job, executed([{card.MIMETYPE: dated}]), tmp_path)[1]
    assert "nama bulan atau hari dalam bahasa Inggris (December)" in notice["message"]


def test_kartu_hp_hands_over_json_and_a_line_for_jupyterlab(monkeypatch):
    shown = []
    monkeypatch.setattr(phone_card, "display", lambda bundle, raw: shown.append(bundle))
    phone_card.kartu_hp(kartu("Cakupan", "27,2%", "peringkat 3 dari 11"), [kartu("Belum terlindungi", "4.612")],
                        "Aktifkan agen.")
    bundle = shown[0]
    assert card.Content.parse(json.loads(json.dumps(bundle[card.MIMETYPE]))).utama.nilai == "27,2%"
    assert "Cakupan: 27,2% (peringkat 3 dari 11)" in bundle["text/plain"]
    with pytest.raises(ValueError, match="paling banyak 3"):
        phone_card.kartu_hp(kartu("A", "1"), [kartu("B", "2")] * 4, "x")
    with pytest.raises(TypeError, match="sudah diformat"):
        phone_card.kartu_hp(kartu("A", 27.2), [], "x")
    shown.clear()  # too long for the card: handed over all the same, the build refuses the card and says why
    phone_card.kartu_hp(kartu("A", "1.234.567.890.123"), [], "x")
    assert shown[0][card.MIMETYPE]["utama"]["nilai"] == "1.234.567.890.123"
    with pytest.raises(card.NotACard, match="terlalu panjang"):
        card.Content.parse(shown[0][card.MIMETYPE])


def test_verify_accepts_cards_only_under_their_parts_names_and_kind(tmp_path):
    rel = make_release(tmp_path / "rilis")
    (rel / "kartu").mkdir()
    cards = {"sitiung.png": ("card", "Sitiung"), "ringkasan-kabupaten.png": ("brief", None),
             "bukan-kecamatan.png": ("card", None)}
    for name in cards:
        (rel / "kartu" / name).write_bytes(b"\x89PNG")

    def add(manifest):
        for name, (kind, kecamatan) in cards.items():
            manifest["artifacts"].append({"kind": kind, "path": f"kartu/{name}", "bytes": 0, "sha256": "0" * 64,
                                          **({"kecamatan": kecamatan} if kecamatan else {})})

    reseal(rel, add)
    assert verify.verify(rel) == [
        "kartu/bukan-kecamatan.png: tercantum di manifest tetapi bukan bagian dari rilis uji",
        "kartu/ringkasan-kabupaten.png: tercatat sebagai brief, seharusnya card",
    ]  # kartu/sitiung.png is fine, and the other kecamatan's missing cards are no gap


def test_a_card_in_the_cache_is_sealed_with_its_run(tmp_path):
    """kartu.png is hashed with the run's files: changed, removed or slipped in later, the entry is rebuilt."""
    from briefs.run import cache

    job = make_job(str(tmp_path / "kartu-cache.ipynb"), marker=str(tmp_path))  # a fingerprint of its own

    def stored(with_card: bool) -> Path:
        work = cache.work_folder(job)
        for name in cache.FILES:
            (work / name).write_text({cache.NOTICES: "[]\n", cache.PAGES: "2\n"}.get(name, name), encoding="utf-8")
        if with_card:
            (work / card.FILE).write_bytes(b"\x89PNG kartu")
        return cache.store(job, work)

    folder = stored(with_card=True)
    assert cache.cached(job) is not None
    (folder / card.FILE).write_bytes(b"\x89PNG diubah")
    assert cache.cached(job) is None and not folder.exists()
    folder = stored(with_card=True)
    (folder / card.FILE).unlink()
    assert cache.cached(job) is None
    folder = stored(with_card=False)
    assert cache.cached(job) is not None
    (folder / card.FILE).write_bytes(b"\x89PNG disisipkan")
    assert cache.cached(job) is None


def _png(description: str, *, after_pixels: bool) -> bytes:
    """A small PNG whose Description text chunk sits before the pixels (as Pillow writes it) or after."""
    import struct
    import zlib

    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if not after_pixels:
        info.add_itxt("Description", description)
    out = io.BytesIO()
    Image.new("L", (4, 4), 255).save(out, format="PNG", pnginfo=info)
    data = out.getvalue()
    if after_pixels:  # another writer may put text chunks after IDAT, right before IEND
        body = b"Description\0" + description.encode("latin-1")
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
        data = data[:-12] + chunk + data[-12:]
    return data


@pytest.mark.parametrize("after_pixels", [False, True])
def test_a_cards_description_is_read_wherever_its_text_chunk_is(after_pixels):
    assert card.description(_png("Kartu ponsel Kecamatan Sitiung", after_pixels=after_pixels)) == \
        "Kartu ponsel Kecamatan Sitiung"
    assert card.description(_png("", after_pixels=after_pixels)) == ""
