"""briefs.weasy: real WeasyPrint renders, read back with pypdf.

The jail tests each carry a control (the same resource inside base_dir *is* used), so
a test that passes because nothing was ever loaded would fail the control instead.
"""

from __future__ import annotations

import base64
import http.server
import io
import threading
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from briefs.render import weasy

SECRET = "RAHASIA-7f3a91"
A4 = (595.28, 841.89)


def page_html(body: str, head: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Uji</title>
<style>@page {{ size: A4; margin: 18mm }} body {{ font-family: "Open Sans", "DejaVu Sans" }}</style>
{head}</head><body><h1>Kecamatan Uji</h1><p>Cakupan 24,3%</p>{body}</body></html>"""


def render(tmp_path: Path, html: str, name: str = "out.pdf", **kw) -> PdfReader:
    jail = tmp_path / "jail"
    jail.mkdir(exist_ok=True)
    target = tmp_path / name
    weasy.write_pdf(html, target, base_dir=jail, title="Judul uji", **kw)
    return PdfReader(target)


def text_of(reader: PdfReader) -> str:
    return "\n".join(p.extract_text() for p in reader.pages)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the jail holding a secret, as a stylesheet and as plain text."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "evil.css").write_text(f'body::after {{ content: "{SECRET}" }}')
    (folder / "secret.txt").write_text(SECRET)
    return folder


def assert_secret_absent(tmp_path: Path, reader: PdfReader, name: str = "out.pdf") -> None:
    assert SECRET not in text_of(reader)
    assert SECRET.encode() not in (tmp_path / name).read_bytes()
    assert reader.attachments == {}
    assert "/Names" not in reader.trailer["/Root"] or "/EmbeddedFiles" not in reader.trailer["/Root"]["/Names"]


def test_same_html_gives_identical_bytes(tmp_path):
    html = page_html("<p>Peserta aktif 3.674</p>")
    render(tmp_path, html, "a.pdf")
    render(tmp_path, html, "b.pdf")
    a, b = (tmp_path / "a.pdf").read_bytes(), (tmp_path / "b.pdf").read_bytes()
    assert a == b
    # and the identifier follows the content, so two different briefs do not share one
    render(tmp_path, page_html("<p>Peserta aktif 3.675</p>"), "c.pdf")
    assert PdfReader(tmp_path / "c.pdf").trailer["/ID"] != PdfReader(tmp_path / "a.pdf").trailer["/ID"]


def test_metadata_title_lang_and_no_clock_dates(tmp_path):
    html = page_html("", head='<meta name="dcterms.created" content="2001-02-03T04:05:06Z">')
    reader = render(tmp_path, html)
    assert reader.metadata.title == "Judul uji"
    assert reader.trailer["/Root"]["/Lang"] == "id"
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    dated = render(tmp_path, html, "dated.pdf", date="2026-11-24")
    assert dated.metadata["/CreationDate"].startswith("D:20261124")


def test_a4_and_fonts_embedded(tmp_path):
    reader = render(tmp_path, page_html("<p><strong>tebal</strong> dan biasa</p>"))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    fonts = embedded_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert any("Open-Sans" in name for name in fonts)  # not the DejaVu fallback


def embedded_fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used on every page -> whether its program is embedded."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            desc = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            fd = desc["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_data_uri_image_is_allowed(tmp_path):
    buf = io.BytesIO()
    Image.new("L", (40, 20), 90).save(buf, format="PNG")
    src = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    reader = render(tmp_path, page_html(f'<img src="{src}" alt="grafik">'))
    assert len(reader.pages[0].images) == 1


def test_stylesheet_inside_jail_is_used_control(tmp_path, outside):
    jail = tmp_path / "jail"
    jail.mkdir()
    (jail / "ok.css").write_text(f'body::after {{ content: "{SECRET}" }}')
    reader = render(tmp_path, page_html("", head='<link rel="stylesheet" href="ok.css">'))
    assert SECRET in text_of(reader)


@pytest.mark.parametrize("href", [
    "file://{outside}/evil.css",      # absolute file URL outside the jail
    "../outside/evil.css",            # relative escape
    "sub/../../outside/evil.css",     # escape through a sub folder
    "file://{outside}/%2e%2e/outside/evil.css",
])
def test_files_outside_the_jail_are_refused(tmp_path, outside, href):
    link = f'<link rel="stylesheet" href="{href.format(outside=outside)}">'
    reader = render(tmp_path, page_html("", head=link))
    assert "Kecamatan Uji" in text_of(reader)  # the page itself still renders
    assert_secret_absent(tmp_path, reader)


def test_symlink_out_of_the_jail_is_refused(tmp_path, outside):
    jail = tmp_path / "jail"
    jail.mkdir()
    (jail / "link.css").symlink_to(outside / "evil.css")
    reader = render(tmp_path, page_html("", head='<link rel="stylesheet" href="link.css">'))
    assert_secret_absent(tmp_path, reader)


def test_http_is_refused_even_on_localhost(tmp_path, outside):
    hits = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(outside), **kw)

        def log_message(self, *a):
            hits.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        head = f'<link rel="stylesheet" href="{url}/evil.css"><base href="{url}/">'
        reader = render(tmp_path, page_html(f'<img src="{url}/x.png"><img src="evil.css">', head=head))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
    assert_secret_absent(tmp_path, reader)


def test_attachments_put_no_bytes_in_the_pdf(tmp_path, outside):
    jail = tmp_path / "jail"
    jail.mkdir()
    (jail / "inside.txt").write_text(SECRET)  # even a file inside the jail is not attached
    head = f'<link rel="attachment" href="file://{outside}/secret.txt"><link rel="attachment" href="inside.txt">'
    body = ('<a rel="attachment" href="../outside/secret.txt">lampiran</a> '
            '<a rel="attachment" href="inside.txt" download="x.txt">lampiran 2</a>')
    reader = render(tmp_path, page_html(body, head=head))
    assert_secret_absent(tmp_path, reader)
    annots = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
    assert not [a for a in annots if a.get("/Subtype") == "/FileAttachment"]


@pytest.mark.parametrize("url", [
    "http://example.org/x.css", "https://127.0.0.1/x.css", "ftp://example.org/x",
    "file:///etc/hostname", "file://localhost/etc/hostname",
])
def test_fetcher_refuses_directly(tmp_path, url):
    with pytest.raises(weasy.RefusedURL):
        weasy.JailedFetcher(tmp_path).fetch(url)


def test_fetcher_serves_file_inside(tmp_path):
    (tmp_path / "a.css").write_text("p{}")
    response = weasy.JailedFetcher(tmp_path).fetch((tmp_path / "a.css").as_uri())
    assert response.read() == b"p{}"
    assert response.content_type == "text/css"
