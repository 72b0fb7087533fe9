"""HTML → PDF with WeasyPrint: with weasy_tags (its tagging), the only module that knows WeasyPrint.

Two promises the release depends on:
- *Deterministic bytes*: the same HTML gives the same PDF, so `build.py verify` can
  compare hashes. The PDF identifier is derived from the HTML, creation dates are
  either absent or the meeting date, never the clock.
- *A jail*: a brief's HTML may only pull `data:` URIs and files inside `base_dir`.
  Nothing from the network (offices may be offline; a PDF must not phone home) and
  no file outside the release (an analyst's notebook must not be able to smuggle
  `/etc/passwd` or a neighbour's data into a PDF). Attachments are dropped entirely:
  a brief never needs them, and an embedded file is invisible to a reader.
- *Limits*: every render runs in a forked child with a wall clock and a memory cap,
  so a document built to hang or exhaust WeasyPrint fails one brief, not the worker.
"""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import os
import select
import signal
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from briefs.render import weasy_tags


class RefusedURL(ValueError):
    """A resource the jail does not serve; WeasyPrint skips it and renders the rest."""


class JailedFetcher(URLFetcher):
    """Serves `data:` URIs and regular files under `base_dir`; refuses everything else."""

    def __init__(self, base_dir: Path):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.base_dir = Path(base_dir).resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)  # urllib's DataHandler, no I/O
        if scheme == "file":
            return self._file(url)
        raise RefusedURL(f"tidak diizinkan: {url[:80]}")

    def _file(self, url: str) -> URLFetcherResponse:
        # resolve() follows symlinks and '..', so a link inside the jail cannot point out.
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.base_dir) or not path.is_file():
            raise RefusedURL(f"di luar folder rilis: {url[:80]}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


# ---- limits ---------------------------------------------------------------------------------

# A brief renders in about a second and well under 300 MB; these leave ample room for a
# long summary while stopping a document built to exhaust the worker (deep nesting,
# a table of a million cells). Tests lower them.
RENDER_SECONDS = 120
RENDER_MEMORY = 2 << 30  # bytes of address space on top of what the process already maps


class RenderLimit(RuntimeError):
    """WeasyPrint ran past its time or memory limit; the brief fails, the worker lives on."""


def _limited(render):
    """Run `render` in a forked child under RLIMIT_AS and a wall clock; return its bytes.

    In-process limits cannot work: a Python thread cannot be interrupted inside
    WeasyPrint's layout, and a memory limit would cap the whole Dask worker. A fork
    inherits the imported WeasyPrint and costs milliseconds; the child sends the PDF
    back through a pipe and leaves with `os._exit`, so no atexit handler (the warm
    kernel's shutdown) runs twice. Without `fork` (Windows) the render runs unlimited.
    """

    @functools.wraps(render)
    def limited(*args, **kwargs) -> bytes:
        if not hasattr(os, "fork"):
            return render(*args, **kwargs)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child(write_end, render, args, kwargs)
        os.close(write_end)
        return _collect(pid, read_end, RENDER_SECONDS)

    return limited


def _child(fd: int, render, args, kwargs) -> None:
    code = 1
    try:
        _cap_memory(RENDER_MEMORY)
        try:
            payload = b"O" + render(*args, **kwargs)
        except MemoryError:
            payload = b"M"
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            payload = b"E" + f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        code = 0
    finally:
        os._exit(code)


def _cap_memory(extra: int) -> None:
    """Address-space limit: what the process maps now plus `extra` (Linux /proc; else none)."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError):
        return
    resource.setrlimit(resource.RLIMIT_AS, (mapped + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))


def _collect(pid: int, fd: int, seconds: float) -> bytes:
    """Read the child's answer until EOF or the deadline; kill it at the deadline."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    # poll, not select: a long-lived worker may hold descriptors above select's 1024
    waiter = select.poll()
    waiter.register(fd, select.POLLIN | select.POLLHUP)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not waiter.poll(left * 1000):
                os.kill(pid, signal.SIGKILL)
                raise RenderLimit(f"PDF melewati batas waktu {seconds:g} detik")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    answer = b"".join(chunks)
    if answer[:1] == b"O":
        return answer[1:]
    if answer[:1] == b"M" or os.WIFSIGNALED(status):
        # a C library that cannot allocate may abort instead of raising MemoryError
        raise RenderLimit(f"PDF melewati batas memori {RENDER_MEMORY >> 20} MB")
    raise RuntimeError(answer[1:].decode("utf-8", "replace") or "WeasyPrint berhenti tanpa hasil")


def pdf_identifier(html: str) -> bytes:
    """A fixed /ID for the PDF trailer: same HTML, same identifier."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")


def write_pdf(
    html: str,
    target: Path,
    *,
    base_dir: Path,
    title: str,
    lang: str = "id",
    date: str | None = None,
    authors: tuple[str, ...] = (),
) -> None:
    """Render `html` to `target` as a deterministic, tagged PDF/A-2a, loading only from `base_dir`.

    `date` ("YYYY-MM-DD", the meeting date) becomes the creation and modification
    date; without it the PDF carries no date at all, so a rebuild stays byte-identical.
    """
    data = pdf_bytes(html, base_dir=base_dir, title=title, lang=lang, date=date, authors=authors)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


# Archival and accessible: fonts embedded, sRGB output intent, XMP metadata, Unicode text,
# and a structure tree (headings, tables with header cells, figures with alt text, /Lang,
# the title shown): PDF/A-2a. WeasyPrint 70 writes one variant per PDF, so PDF/UA-1 cannot
# be claimed beside it; weasy_tags adds what its tagger leaves out (README, "Accessible PDFs").
PDF_VARIANT = "pdf/a-2a"


def pdf_bytes(
    html: str, *, base_dir: Path, title: str, lang: str = "id", date: str | None = None,
    authors: tuple[str, ...] = (), archival: bool = True, limited: bool = True,
) -> bytes:
    """The PDF of `html` in memory, for callers that post-process it (the book).

    Rendered in a forked child (`_limited`) of a process that has rendered once already
    (`warm`): the child inherits fontconfig, Pango's font map, the parsed user-agent
    styles and the font subsetter ready, instead of building them for every brief.
    `archival=False` for a PDF nobody reads as a PDF (a phone card, rasterized at once):
    no PDF/A and no structure tree, which only cost time there. `limited=False` only for a
    page of our own template whose every value is escaped and length-checked (the phone
    card): it cannot be built to exhaust WeasyPrint, so it renders in this process, without
    the fork's ~65 ms (a third of a card's time), still jailed to `base_dir`.
    """
    warm()
    render = _render if limited else _render.__wrapped__
    return render(html, base_dir=base_dir, title=title, lang=lang, date=date, authors=authors, archival=archival)


@_limited
def _render(html: str, *, base_dir: Path, title: str, lang: str, date: str | None, authors: tuple[str, ...],
            archival: bool) -> bytes:
    base_dir = Path(base_dir).resolve()
    weasy_tags.install()
    document = HTML(
        string=html,
        base_url=base_dir.as_uri() + "/",
        url_fetcher=JailedFetcher(base_dir),
    ).render(font_config=_fonts())
    _set_metadata(document, title=title, lang=lang, date=date)
    document.metadata.authors = list(authors)
    _drop_attachments(document)
    identifier = pdf_identifier(html)
    if not archival:
        return document.write_pdf(pdf_identifier=identifier)
    return document.write_pdf(pdf_identifier=identifier, pdf_variant=PDF_VARIANT,
                              finisher=weasy_tags.finisher(identifier[:8].decode("ascii")))


@functools.cache
def _fonts():
    """One FontConfiguration per process, shared by every render (and inherited by each fork)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def subsetter_missing() -> str | None:
    """Why this machine cannot make reproducible PDFs, or None when it can.

    WeasyPrint embeds only the glyphs a page uses. With HarfBuzz's subsetter (Debian's
    libharfbuzz-subset0, which `make release` installs) the same page gives the same bytes;
    without it WeasyPrint falls back to fontTools, whose subsets differed from one render of
    the same page to the next (measured: four renders, three different PDFs), and are slower
    (~40–80 ms a brief). A release `verify` could never confirm is refused before any work.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    return ("pustaka HarfBuzz-Subset 4.1 atau lebih baru tidak ditemukan; tanpa itu PDF yang sama tidak "
            "lagi sama byte demi byte, dan rilis tidak bisa diperiksa dengan verify. Pasang dengan "
            "'make release' atau 'sudo apt-get install libharfbuzz-subset0' (conda: harfbuzz dari "
            "environment.yml)")


_warm = False


def warm() -> None:
    """Render a small page of our own, once per process, in the process itself.

    Everything WeasyPrint sets up on its first render (fontconfig and Pango, the CSS of its
    user agent, cffi's parsing, the font subsetter) then lives in this process, and every
    forked render starts from it: 130–190 ms less per brief. The page is ours (our
    stylesheets, Open Sans in every weight the briefs use, a table, a PNG), never a
    notebook's: an untrusted document still renders only inside a limited child.
    """
    global _warm
    if _warm:
        return
    _warm = True
    weasy_tags.install()
    from briefs.render.page import stylesheets

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAG1cDFgAAAABJRU5ErkJggg=="
    css = "".join(f"<style>{text}</style>" for text in stylesheets())
    page = (f"<!DOCTYPE html><html lang='id'><head>{css}</head><body class='rk-doc'><h1>Brief</h1>"
            "<p><strong>tebal</strong> <em>miring</em> 1.234,5</p><table class='rk-table'><tr><th>Nagari</th>"
            f"<td class='rk-num'>29,7%</td></tr></table><img src='data:image/png;base64,{pixel}' alt='titik'></body></html>")
    with tempfile.TemporaryDirectory() as empty:
        document = HTML(string=page, base_url=Path(empty).as_uri() + "/", url_fetcher=JailedFetcher(Path(empty)))
        document.render(font_config=_fonts()).write_pdf(pdf_variant=PDF_VARIANT, finisher=weasy_tags.finisher("warm"))
    import gc

    gc.freeze()  # what the warm-up allocated stays shared with every fork instead of being copied


def _set_metadata(document, *, title: str, lang: str, date: str | None) -> None:
    meta = document.metadata
    meta.title = title
    meta.lang = lang
    meta.generator = "rakor-briefs"
    # <meta name="dcterms.created"> in the HTML must not set a date we do not control.
    meta.created = meta.modified = date


def _drop_attachments(document) -> None:
    """No embedded files: neither `<link rel=attachment>` nor `<a rel=attachment>`."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
