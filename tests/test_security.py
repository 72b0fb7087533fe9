"""The hardening issue end to end: every attack goes through the real build, and each test
asserts on what is *published* (HTML parsed, PDFs read back), not on a function call.

Three small builds (one or two kecamatan each, one worker, so no cluster start):
- `hostile`: data and params written by many hands — markup in kecamatan, nagari, title,
  place and organizer names; a kecamatan named `../Ringkasan Kabupaten`.
- `jailbreak`: a brief notebook whose markdown and outputs point at local files, a
  loopback HTTP server and attachments, and emit script, SVG, mermaid and JavaScript.
- `partial`: briefs that stop early (`sys.exit(0)`), kill their kernel (`kill -9`) or
  run past the whole-notebook wall clock.
The rest calls the real papermill (`notebook_run.run_notebook`) or the real validation (`build.py check`).
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader

from briefs import cli, paths, pipeline
from briefs.release import assemble as release
from briefs.run import notebook_run
from tests import helpers

pytestmark = pytest.mark.slow

SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=alert(1)>"
ESCAPE_NAME = "../Ringkasan Kabupaten"  # '../' and the summary's own slug at once
TITLE = "<script>alert('judul')</script> Rapat Koordinasi Uji"
PLACE = '"><svg onload=alert(2)>'
ORGANIZER = "<a href=javascript:alert(3)>Dinas</a>"
FORMULA = '=HYPERLINK("http://evil.example/x","klik")'  # a spreadsheet formula as a nagari name
SECRET = "RAHASIA-c0ffee-41"
MEETING = "rakor-uji"
BAD_URL = re.compile(r"\s*(javascript|vbscript|file|https?|ftp):|\s*//", re.I)


# ---- helpers: hostile inputs and what every published file must satisfy ---------------------

def hostile_data(folder: Path, renames: dict[str, str], first_nagari: dict[str, str] | None = None) -> Path:
    """A copy of the sample data with kecamatan renamed, and the first nagari of some (by code)."""
    data = folder / "data"
    shutil.copytree(paths.DATA / "sample", data)
    w = pd.read_csv(data / "wilayah.csv", dtype=str, keep_default_na=False)
    for code, name in renames.items():
        w.loc[w["kode_kecamatan"] == code, "kecamatan"] = name
    for code, name in (first_nagari or {}).items():
        w.loc[w.index[w["kode_kecamatan"] == code][0], "nagari"] = name
    w.to_csv(data / "wilayah.csv", index=False)
    return data


def params_file(folder: Path, data: Path, **replace: str) -> Path:
    """The sample meeting pointed at `data`, with some lines replaced (key -> YAML value)."""
    lines = paths.DEFAULT_PARAMS.read_text(encoding="utf-8").splitlines()
    values = {"id": MEETING, "data": json.dumps(str(data)), **replace}
    out = []
    for line in lines:
        key = line.split(":", 1)[0]
        out.append(f"{key}: {values.pop(key)}" if key in values and not line.startswith(" ") else line)
    target = folder / "rakor.yml"
    target.write_text("\n".join(out) + "\n", encoding="utf-8")
    return target


def assert_inert_html(path: Path) -> BeautifulSoup:
    """No script, no event handler, no active URL, and a CSP that forbids scripts."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in ("script", "iframe", "object", "embed", "base", "form", "link", "svg", "math"):
        assert soup.find(tag) is None, (path.name, tag)
    for tag in soup.find_all(True):
        events = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not events, (path.name, tag.name, events)
        for attr in ("src", "href", "action", "formaction", "srcset", "poster", "xlink:href", "data"):
            value = str(tag.get(attr, ""))
            assert not BAD_URL.match(value), (path.name, tag.name, value)
            if attr == "src" and value:
                assert value.startswith(("data:image/png;", "data:image/jpeg;")), (path.name, value[:60])
        assert "url(" not in str(tag.get("style", "")).lower(), (path.name, tag.name)
    refresh = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
    assert refresh is None, path.name
    csp = soup.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
    assert len(csp) == 1, path.name
    policy = {d.split()[0]: d.split()[1:] for d in csp[0]["content"].split(";") if d.strip()}
    assert policy.get("default-src") == ["'none'"], (path.name, policy)
    assert "script-src" not in policy or policy["script-src"] == ["'none'"], (path.name, policy)
    # the meta must come before anything it protects
    assert csp[0].find_previous(["style", "img", "body"]) is None, path.name
    return soup


def assert_inert_pdf(path: Path) -> PdfReader:
    """No embedded file, no JavaScript, no launch action, no link to a file or script."""
    reader = PdfReader(path)
    assert reader.attachments == {}, path.name
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root, path.name
    names = root.get("/Names", {})
    assert "/EmbeddedFiles" not in names and "/JavaScript" not in names, path.name
    for page in reader.pages:
        assert "/AA" not in page, path.name
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            assert annot.get("/Subtype") != "/FileAttachment", path.name
            action = annot.get("/A", {})
            assert action.get("/S") not in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm"), path.name
            assert not BAD_URL.match(str(action.get("/URI", ""))), (path.name, action.get("/URI"))
    return reader


def release_files(release_dir: Path) -> list[Path]:
    return sorted(p for p in release_dir.rglob("*") if p.is_file())


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


# ---- 2 + 4: markup in names and params; names that try to leave the release folder -------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, pipeline.Result]:
    folder = tmp_path_factory.mktemp("hostile")
    data = hostile_data(
        folder,
        {"13.10.04": SCRIPT_NAME, "13.10.08": ESCAPE_NAME, "13.10.01": "CON", "13.10.06": "a/b"},
        {"13.10.04": IMG_NAME, "13.10.01": FORMULA},
    )
    params = params_file(folder, data, title=json.dumps(TITLE), place=json.dumps(PLACE))
    text = params.read_text(encoding="utf-8").replace("  - Pemerintah Kabupaten Dharmasraya",
                                                      f"  - {json.dumps(ORGANIZER)}")
    params.write_text(text, encoding="utf-8")
    out = folder / "out"
    result = pipeline.build(params, pipeline.Options(only=["13.10.04", "13.10.08"], out=out, jobs=1))
    return out, result


def test_hostile_names_build_and_show_as_text(hostile):
    out, result = hostile
    assert result.exit_code == 0, [o.error for o in result.batch.failed]
    release_dir = out / MEETING
    brief = next((release_dir / "kecamatan").glob("script-alert*.html"))
    text = assert_inert_html(brief).get_text()
    # the attack strings reached the page — as text a reader sees, not as markup
    assert SCRIPT_NAME in text and IMG_NAME in text and TITLE in text and PLACE in text
    reader = assert_inert_pdf(brief.with_suffix(".pdf"))
    assert "alert(1)" in pdf_text(reader)


def test_no_published_html_carries_live_markup(hostile):
    out, _ = hostile
    pages = [p for p in release_files(out / MEETING) if p.suffix == ".html"]
    assert {p.name for p in pages} >= {"index.html", "laporan-data.html", "ringkasan-kabupaten.html"}
    for page in pages:
        assert_inert_html(page)
    index = BeautifulSoup((out / MEETING / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert ORGANIZER in index.get_text() and SCRIPT_NAME in index.get_text()
    for link in index.find_all("a"):
        target = (out / MEETING / link["href"]).resolve()
        assert target.is_relative_to(out / MEETING) and target.is_file(), link["href"]


def test_no_published_pdf_carries_attachments_or_actions(hostile):
    out, _ = hostile
    pdfs = [p for p in release_files(out / MEETING) if p.suffix == ".pdf"]
    assert len(pdfs) == 4  # the summary, two briefs and the book
    for pdf in pdfs:
        assert_inert_pdf(pdf)


def test_every_file_stays_inside_the_release(hostile):
    out, _ = hostile
    release_dir = out / MEETING
    assert [p.name for p in out.iterdir()] == [MEETING]  # nothing beside the release ('../x')
    for f in release_files(release_dir):
        rel = f.relative_to(release_dir)
        assert all(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", part) for part in rel.parts), rel
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    for art in manifest["artifacts"]:
        assert (release_dir / art["path"]).resolve().is_relative_to(release_dir), art["path"]


def test_two_names_never_write_over_each_other(hostile):
    out, result = hostile
    release_dir = out / MEETING
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    listed = [a["path"] for a in manifest["artifacts"]]
    assert len(listed) == len(set(listed)), sorted(p for p in listed if listed.count(p) > 1)
    notebooks = list((release_dir / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == len(result.batch.outcomes)


def test_published_csv_cells_cannot_run_as_formulas(hostile):
    import csv

    out, _ = hostile
    files = sorted((out / MEETING / "data").glob("*.csv"))
    assert files
    names = [cell for f in files for row in csv.reader(f.open(encoding="utf-8")) for cell in row]
    assert any("HYPERLINK" in cell for cell in names)  # control: the name was published
    risky = [cell for cell in names if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not risky, risky


def test_slugs_are_safe_and_distinct():
    names = {"13.10.01": "../x", "13.10.02": "a/b", "13.10.03": "A B", "13.10.04": "..",
             "13.10.05": "/", "13.10.06": "Koto Baru", "13.10.07": "KOTO  baru", "13.10.08": "x"}
    slugs = release.unique_slugs(names)
    assert len(set(slugs.values())) == len(names), slugs
    for s in slugs.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s), s


def test_device_names_are_not_file_names():
    reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
    for name in ("CON", "nul", "Com1", "LPT9", "aux"):
        assert paths.slug(name) not in reserved, name


def test_suffixed_slug_cannot_collide_with_a_plain_one():
    names = {"13.10.01": "Koto Baru", "13.10.02": "Koto/Baru", "13.10.03": "Koto Baru 13 10 02"}
    slugs = release.unique_slugs(names)
    assert len(set(slugs.values())) == 3, slugs


def test_empty_name_is_refused_before_anything_runs(tmp_path, capsys):
    data = hostile_data(tmp_path, {"13.10.04": ""})
    code = cli.main(["check", str(params_file(tmp_path, data))])
    err = capsys.readouterr().err
    assert code == 2
    assert re.search(r"wilayah\.csv:\d+:kecamatan: isian kosong", err), err


# ---- 1: parameter names and values; YAML surprises ------------------------------------------

def test_crafted_parameter_name_is_refused_before_papermill(tmp_path):
    marker = tmp_path / "pwned"
    crafted = f"x = 1\nimport os; os.system('touch {marker}')\ny"
    nb = helpers.notebook(tmp_path, "x = 0", "print('dijalankan')")
    target = tmp_path / "out.ipynb"
    with pytest.raises(notebook_run.RunFailed) as info:
        notebook_run.run_notebook(helpers.job(nb, **{crafted: 1}), target)
    assert "os.system" in str(info.value)  # the message names the refused parameter
    assert not marker.exists()
    assert not target.exists()  # papermill never ran: no executed notebook at all


def test_values_round_trip_unchanged_and_inert(tmp_path):
    marker = tmp_path / "pwned"
    values = {
        "kutip": "Koto \"Baru\" 'lama' ''' \"\"\" `x`",
        "miring": "C:\\data\\new\\t \\\\ \\' \\\"",
        "baris": "satu\ndua\r\ntiga\n",
        "kurawal": "{nama} {{ganda}} {0} %s ${HOME} $(touch x)",
        "aksara": "Nagari Ñaña — Ünsal · ٣٤ · 中文 · 🙂",
        "suntik": f"\"; import os; os.system('touch {marker}'); x = \"",
    }
    assignments = "\n".join(f"{k} = ''" for k in values)
    nb = helpers.notebook(tmp_path, assignments, "import json; print(json.dumps([" + ", ".join(values) + "]))")
    run = notebook_run.run_notebook(helpers.job(nb, **values), tmp_path / "out.ipynb")
    printed = json.loads(run.cells[-1].outputs[0]["text"])
    assert printed == list(values.values())
    assert run.metadata.papermill["parameters"] == values
    assert not marker.exists()


@pytest.mark.parametrize("key, raw, expect", [
    ("place", "no", "place"),                    # YAML 1.1 reads `no` as false
    ("title", "2026", "title"),                  # a number is not a title
    ("sample", "'yes'", "sample"),               # a string is not a boolean
    ("period", "2026-10-01", "period"),          # a date where a period belongs
    ("timeout", "1e9", "timeout"),
])
def test_yaml_surprises_are_refused(tmp_path, capsys, key, raw, expect):
    code = cli.main(["check", str(params_file(tmp_path, paths.DATA / "sample", **{key: raw}))])
    err = capsys.readouterr().err
    assert code == 2
    assert re.search(rf"rakor\.yml:\d+:{expect}:", err), err


def test_unquoted_date_stays_a_string(tmp_path):
    from briefs import params

    meeting = params.load(params_file(tmp_path, paths.DATA / "sample", date="2026-11-24"))
    assert meeting.date == "2026-11-24" and isinstance(meeting.date, str)


# ---- 2 + 3: a notebook whose markdown and outputs try to escape the page and the PDF jail -------

class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(f'body::after {{ content: "{SECRET}" }}'.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def jailbreak(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jail")
    secret = folder / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (folder / "evil.css").write_text(f'body::after {{ content: "{SECRET}" }}', encoding="utf-8")
    Image.new("L", (37, 23), 0).save(folder / "outside.png")
    secret_svg = folder / "secret.svg"
    secret_svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="30">'
                          f'<text x="0" y="20">{SECRET}</text></svg>', encoding="utf-8")
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    up = "../" * 12
    # An SVG under an image/png label: the sanitizer lets data:image/png through, and WeasyPrint,
    # when Pillow cannot read it, parses it as SVG and fetches the SVG's own <image> links.
    # Its visible text is the control that this route is live; the jail must stop the fetch.
    disguised = base64.b64encode(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="70"><text x="5" y="20">SVG-TAMPIL</text>'
        f'<image href="{secret_svg.as_uri()}" y="25" width="200" height="30"/>'
        f'<image href="{url}/svg.png" width="10" height="10"/></svg>'.encode()).decode()
    markdown = f"""Catatan analis. {SCRIPT_NAME} {IMG_NAME}

<img src="file:///etc/hostname"> <img src="{(folder / 'outside.png').as_uri()}"> <img src="{up}{str(folder / 'outside.png').lstrip('/')}">
<img src="{url}/x.png"> <link rel="stylesheet" href="{url}/evil.css"> <link rel="stylesheet" href="{(folder / 'evil.css').as_uri()}">
<a rel="attachment" href="{secret.as_uri()}">lampiran</a> <link rel="attachment" href="{secret.as_uri()}">
<a href="javascript:alert(4)">klik</a> [klik juga](javascript:alert(5)) <iframe src="{url}/frame"></iframe>
<svg onload="alert(6)"></svg> <style>@import url("{url}/import.css"); body {{ background: url("{secret.as_uri()}") }}</style>
<object data="{secret.as_uri()}"></object> <embed src="{secret.as_uri()}"> <meta http-equiv="refresh" content="0;url={url}/r">
<div style="background-image: url('{url}/bg.png')">latar</div> <base href="{url}/">
<img src="data:image/png;base64,{disguised}" alt="grafik palsu">

```mermaid
graph TD; A["<img src=x onerror=alert(13)>"]-->B
```
"""
    outputs = f"""from IPython.display import HTML, display
display(HTML('<script>alert(7)</script><img src="{secret.as_uri()}" onerror="alert(8)"><a rel="attachment" href="{secret.as_uri()}">x</a><b>BOLD-OK</b>'))
display({{'text/vnd.mermaid': 'graph TD; A-->B', 'text/plain': 'BOCOR-MERMAID'}}, raw=True)
display({{'application/javascript': 'alert(9)', 'text/plain': 'BOCOR-JS'}}, raw=True)
display({{'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(10)"><image href="{secret.as_uri()}"/></svg>', 'text/plain': 'BOCOR-SVG'}}, raw=True)
display({{'text/markdown': '<img src="{url}/md.png" onerror="alert(11)">', 'text/plain': 'x'}}, raw=True)
display({{'image/png': '{disguised}', 'text/plain': 'x'}}, raw=True)
print('<script>alert(12)</script>')"""
    notebook = helpers.brief_with(folder, "serangan", 3, nbformat.v4.new_markdown_cell(markdown),
                          nbformat.v4.new_code_cell(outputs))
    try:
        out = folder / "out"
        result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=["Sitiung"], out=out, jobs=1,
                                                                       notebooks={"13.10.04": notebook}))
    finally:
        server.shutdown()
        server.server_close()
    return out / "rakor-2026-11", result, list(_Recorder.hits)


def test_jailbreak_notebook_still_builds(jailbreak):
    release_dir, result, _ = jailbreak
    assert result.exit_code == 0, [o.error for o in result.batch.failed]
    html = (release_dir / "kecamatan" / "sitiung.html").read_text(encoding="utf-8")
    assert "Catatan analis." in html and "BOLD-OK" in html  # the cells did reach the page (control)


def test_loopback_server_received_no_request(jailbreak):
    _, _, hits = jailbreak
    assert hits == []


def test_jailbreak_html_is_inert(jailbreak):
    release_dir, _, _ = jailbreak
    page = release_dir / "kecamatan" / "sitiung.html"
    soup = assert_inert_html(page)
    html = page.read_text(encoding="utf-8")
    for leak in ("BOCOR-MERMAID", "BOCOR-JS", "BOCOR-SVG", "alert(7)", "alert(9)", "alert(10)", "alert(13)",
                 'class="mermaid"', "jp-Mermaid"):
        assert leak not in html, leak
    assert "<script>alert(12)</script>" in soup.get_text()  # stdout shown as text
    assert SECRET not in html


def test_jailbreak_pdf_holds_no_outside_bytes(jailbreak):
    release_dir, _, _ = jailbreak
    for pdf in (release_dir / "kecamatan" / "sitiung.pdf", release_dir / "buku-rakor-2026-11.pdf"):
        reader = assert_inert_pdf(pdf)
        assert SECRET not in pdf_text(reader)
        assert SECRET.encode() not in pdf.read_bytes()
        sizes = {(img.image.width, img.image.height) for page in reader.pages for img in page.images}
        assert (37, 23) not in sizes  # the image outside the release never got in
        if pdf.name == "sitiung.pdf":  # controls: the attack cells and the disguised SVG did render
            assert "Catatan analis." in pdf_text(reader) and "SVG-TAMPIL" in pdf_text(reader)


# ---- 5: partial runs are failures, never published briefs -----------------------------------

@pytest.fixture(scope="module")
def partial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partial")
    code = nbformat.v4.new_code_cell
    notebooks = {
        "13.10.04": helpers.brief_with(folder, "exit0", 3, code("import sys; sys.exit(0)")),
        "13.10.08": helpers.brief_with(folder, "kill9", 3, code("import os; os.kill(os.getpid(), 9)")),
        "13.10.06": helpers.brief_with(folder, "lambat", 3, *[code("import time; time.sleep(0.9)") for _ in range(8)]),
    }
    out = folder / "out"
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(
        only=["Sitiung", "Tiumang", "Timpeh"], out=out, jobs=1, allow_partial=True, timeout=5, notebooks=notebooks))
    return out / "rakor-2026-11", result


def test_partial_runs_fail_their_kecamatan(partial):
    _, result = partial
    assert result.exit_code == 1
    failed = {o.job.name: o.error for o in result.batch.failed}
    assert set(failed) == {"Sitiung", "Tiumang", "Timpeh"}, failed
    # sys.exit(0): papermill does not raise; the completeness check fails the run
    assert re.search(r"SystemExit: 0|tidak dijalankan", failed["Sitiung"]), failed["Sitiung"]
    assert "DeadKernel" in failed["Tiumang"] or "mati" in failed["Tiumang"].lower(), failed["Tiumang"]
    assert "batas waktu 5 detik" in failed["Timpeh"]


def test_partial_runs_are_never_published(partial):
    release_dir, _ = partial
    for slug in ("sitiung", "tiumang", "timpeh"):
        assert not (release_dir / "kecamatan" / f"{slug}.pdf").exists()
        assert not (release_dir / "kecamatan" / f"{slug}.html").exists()
        assert not (release_dir / "notebooks" / f"{slug}.ipynb").exists()
    assert (release_dir / "ringkasan-kabupaten.pdf").is_file()  # control: the complete summary is
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(f["kecamatan"] for f in manifest["failed"]) == ["Sitiung", "Timpeh", "Tiumang"]
    book = PdfReader(release_dir / "buku-rakor-2026-11.pdf")
    toc = book.pages[1].extract_text()
    assert toc.count("gagal") == 3


# ---- 3: render limits (real WeasyPrint in a forked child) --------------------------------------

def heavy_html(rows: int = 8000) -> str:
    body = "".join(f"<tr><td>baris {i}</td><td>{i * 7}</td></tr>" for i in range(rows))
    return f"<!DOCTYPE html><html lang='id'><body><table>{body}</table></body></html>"


def child_pids() -> set[str]:
    """This process's live children (warm kernels of earlier tests included)."""
    return {pid for t in os.listdir("/proc/self/task") for pid in Path(f"/proc/self/task/{t}/children").read_text().split()}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or not hasattr(os, "fork"), reason="needs Linux fork and /proc")
def test_render_past_its_wall_clock_is_killed(tmp_path, monkeypatch):
    from briefs.render import weasy

    monkeypatch.setattr(weasy, "RENDER_SECONDS", 2)
    assert weasy.pdf_bytes("<p>kecil</p>", base_dir=tmp_path, title="uji").startswith(b"%PDF")  # control
    before = child_pids()
    start = time.monotonic()
    with pytest.raises(weasy.RenderLimit, match="batas waktu 2 detik"):
        weasy.pdf_bytes(heavy_html(20000), base_dir=tmp_path, title="uji")
    assert time.monotonic() - start < 5
    assert child_pids() <= before  # the render was killed and reaped, not left running


MEMORY_PROBE = """
import sys
from pathlib import Path
from briefs.render import weasy
heavy, folder = Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2])
weasy.RENDER_MEMORY = 64 << 20
assert weasy.pdf_bytes("<p>kecil</p>", base_dir=folder, title="uji").startswith(b"%PDF")  # control
try:
    weasy.pdf_bytes(heavy, base_dir=folder, title="uji")
except weasy.RenderLimit as exc:
    print("DIBATASI", exc)
weasy.RENDER_MEMORY = 2 << 30
print("HIDUP", weasy.pdf_bytes("<p>lagi</p>", base_dir=folder, title="uji")[:5].decode())
"""


@pytest.mark.skipif(not Path("/proc/self/statm").is_file() or not hasattr(os, "fork"), reason="needs Linux fork and /proc")
def test_render_past_its_memory_cap_fails_and_the_worker_lives(tmp_path):
    # A fresh process: this one's free heap (earlier builds) would absorb a small cap.
    import subprocess
    import sys

    (tmp_path / "heavy.html").write_text(heavy_html(), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(tmp_path / "heavy.html"), str(tmp_path)],
                         capture_output=True, text=True, timeout=120, cwd=paths.ROOT)
    assert run.returncode == 0, run.stderr
    assert "DIBATASI PDF melewati batas memori 64 MB" in run.stdout, run.stdout
    assert "HIDUP %PDF-" in run.stdout  # the worker process renders the next page normally


def test_no_published_file_names_a_local_folder(hostile):
    """The data and params lie outside the project (a home folder): releases name them by last name only."""
    out, _ = hostile
    local = str(out.parent)
    for f in release_files(out / MEETING):
        data = f.read_bytes()
        assert local.encode() not in data, f.name
        if f.suffix == ".pdf":
            assert local not in pdf_text(PdfReader(f)), f.name
    manifest = json.loads((out / MEETING / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["parameters"]["data"] == "…/data"
    assert {s["path"] for s in manifest["provenance"]["inputs"].values()} == {
        f"…/{t}.csv" for t in ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai")}
