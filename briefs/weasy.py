"""HTML → PDF with WeasyPrint: the only module that knows WeasyPrint.

Two promises the release depends on:
- *Deterministic bytes*: the same HTML gives the same PDF, so `build.py verify` can
  compare hashes. The PDF identifier is derived from the HTML, creation dates are
  either absent or the meeting date, never the clock.
- *A jail*: a brief's HTML may only pull `data:` URIs and files inside `base_dir`.
  Nothing from the network (offices may be offline; a PDF must not phone home) and
  no file outside the release (an analyst's notebook must not be able to smuggle
  `/etc/passwd` or a neighbour's data into a PDF). Attachments are dropped entirely:
  a brief never needs them, and an embedded file is invisible to a reader.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


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
) -> None:
    """Render `html` to `target` as a deterministic PDF, loading only from `base_dir`.

    `date` ("YYYY-MM-DD", the meeting date) becomes the creation and modification
    date; without it the PDF carries no date at all, so a rebuild stays byte-identical.
    """
    data = pdf_bytes(html, base_dir=base_dir, title=title, lang=lang, date=date)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def pdf_bytes(
    html: str, *, base_dir: Path, title: str, lang: str = "id", date: str | None = None
) -> bytes:
    """The PDF of `html` in memory, for callers that post-process it (the book)."""
    base_dir = Path(base_dir).resolve()
    document = HTML(
        string=html,
        base_url=base_dir.as_uri() + "/",
        url_fetcher=JailedFetcher(base_dir),
    ).render()
    _set_metadata(document, title=title, lang=lang, date=date)
    _drop_attachments(document)
    return document.write_pdf(pdf_identifier=pdf_identifier(html))


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
