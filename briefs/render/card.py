"""The phone card: what `nb.kartu_hp` handed over → one portrait PNG, 1080 × 1350 px, grayscale.

An official reads it on a phone, about 360 px wide, without zooming: a few large figures,
the one action asked, the data period, the build id and, for sample data, DATA CONTOH.
It is our own HTML and CSS (`templates/card/`), printed by the pages' engine (WeasyPrint,
one page of 1080 × 1350 CSS px, through `weasy.pdf_bytes`: jailed like a brief, but in the
worker's own process, since every value is escaped and `Content.parse` bounds how many and
how long), rasterized by PDFium (pypdfium2) at one pixel per CSS px and written by Pillow as
8-bit grayscale with no metadata but its title and alternative text: the same content
gives the same bytes. The figures and the action come from the notebook's output
(`take` finds it and takes it off the page); the frame (name, meeting, period, build id,
sample mark) from the job's `Page`, as the page's header and footer do.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass

import nbformat
from markupsafe import Markup

from briefs import paths, templating
from briefs.render.page import Page

MIMETYPE = "application/vnd.rakor.kartu+json"  # what briefs.notebook.phone_card.kartu_hp displays
FILE = "kartu.png"  # in the job's cache folder; the release copies it to kartu/<nama>.png
WIDTH, HEIGHT = 1080, 1350  # CSS px = image px: a 4:5 portrait, what WhatsApp shows uncropped
FOLDER = paths.TEMPLATES / "card"
MAX_NILAI = 12  # characters of a figure, kept on one line in large type ("108.641", "23 dari 72", "Tercapai")
MAX_ANGKA = 3  # figures besides the main one, as nb.kartu_hp allows (a test holds them equal)
MAX_TEKS = 600  # a sanity bound on a label, context or the action; what does not fit one screen is found by rendering
SCALE = 96 / 72  # PDFium draws one pixel per PDF point at scale 1; a CSS px is 3/4 of a point
_PDFIUM = threading.Lock()  # PDFium is not thread-safe, and a build may render pages in a thread


class NotACard(ValueError):
    """The content cannot become a card (malformed, or too long for one screen); says why, in Bahasa."""


@dataclass(frozen=True)
class Figure:
    label: str
    nilai: str
    keterangan: str = ""


@dataclass(frozen=True)
class Content:
    """The card's words and figures, as the notebook computed and formatted them."""

    utama: Figure
    angka: tuple[Figure, ...]
    aksi: str

    @classmethod
    def parse(cls, data: object) -> Content:
        """Read the output's JSON back (an executed notebook is a file anyone may have edited)."""
        try:
            content = cls(utama=_figure(data["utama"]), angka=tuple(_figure(f) for f in data["angka"]),
                          aksi=_text(data["aksi"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise NotACard(f"isi kartu ponsel tidak terbaca ({type(exc).__name__}: {exc})") from None
        if len(content.angka) > MAX_ANGKA:  # an edited notebook, or a display() of our MIME type
            raise NotACard(f"kartu ponsel memuat paling banyak {MAX_ANGKA} angka selain angka utama "
                           f"(ada {len(content.angka)})")
        for what, text, limit in content._lengths():
            n = len(text.strip())
            if n > limit:  # handed over anyway: one long value must not fail the brief
                raise NotACard(f"{what} terlalu panjang untuk kartu ponsel ({n} karakter, paling banyak {limit})")
        return content

    def texts(self) -> list[str]:
        """Every text on the card, in reading order: what a reader sees of it."""
        return [text for _, text, _ in self._lengths()]

    def _lengths(self) -> list[tuple[str, str, int]]:
        """(what, text, most characters) for every text on the card, in reading order."""
        found = []
        for k in (self.utama, *self.angka):
            found += [(f"nilai {k.label!r}", k.nilai, MAX_NILAI), ("label", k.label, MAX_TEKS),
                      (f"keterangan {k.label!r}", k.keterangan, MAX_TEKS)]
        return found + [("aksi", self.aksi, MAX_TEKS)]


def _figure(data: dict) -> Figure:
    return Figure(label=_text(data["label"]), nilai=_text(data["nilai"]), keterangan=_text(data.get("keterangan", "")))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"teks yang diharapkan, tertulis {type(value).__name__}")
    return value


@dataclass(frozen=True)
class Found:
    """A card output in the executed notebook: where it is (as the page's notices count cells) and its data."""

    cell: int
    source: str  # the cell's first line, so the analyst finds it
    data: object


def take(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[Found]]:
    """The notebook without its card outputs (a page does not show them), and the cards found, in order.

    Cells are numbered as `sanitize.prepare` numbers them: papermill's injected cell is
    not in the analyst's notebook.
    """
    found: list[Found] = []
    number = 0
    for cell in nb.cells:
        if "injected-parameters" not in cell.get("metadata", {}).get("tags", []):
            number += 1
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if MIMETYPE in out.get("data", {}):
                first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
                found.append(Found(number, first, out["data"][MIMETYPE]))
    if not found:
        return nb, found
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if MIMETYPE not in out.get("data", {})]
    return nb, found


def name(page: Page) -> str:
    """Whose card: 'Kecamatan Sitiung', or the regency for the summary's."""
    return page.regency if page.kind == "summary" and page.regency else page.title


def alt_text(content: Content, page: Page) -> str:
    """The card in one sentence a screen reader can say: its finding, its figures, the action."""
    figures = [f"{f.label} {f.nilai}" + (f" ({f.keterangan})" if f.keterangan else "")
               for f in (content.utama, *content.angka)]
    sample = " DATA CONTOH, bukan data resmi." if page.sample else ""
    return (f"Kartu ponsel {name(page)}, data per {page.period_text}: {'; '.join(figures)}. "
            f"Yang diminta: {content.aksi}{sample}")


def card_html(content: Content, page: Page) -> str:
    """The card as one self-contained HTML page (names from data escaped)."""
    css = Markup((FOLDER / "kartu.css").read_text(encoding="utf-8"))  # our own file, not data
    return templating.environment(paths.TEMPLATES).get_template("card/kartu.html.j2").render(
        content=content, page=page, name=name(page), css=css)


def png_bytes(content: Content, page: Page) -> bytes:
    """The card as PNG bytes: WeasyPrint → one PDF page → PDFium → 8-bit grayscale.

    NotACard when the content does not fit one screen (the analyst shortens the text);
    RuntimeError when the rendered card has colour (the template must stay grayscale:
    cards are printed in black and white and forwarded as photos).
    """
    from briefs.render import weasy

    html = card_html(content, page)
    # Not archival: the PDF is rasterized at once; PDF/A and tags would change no pixel
    pdf = weasy.pdf_bytes(html, base_dir=FOLDER, title=f"Kartu ponsel {name(page)}", archival=False, limited=False)
    image = _rasterize(pdf)
    return _png(image, title=f"Kartu ponsel {name(page)}", description=alt_text(content, page))


def _rasterize(pdf: bytes):
    """The PDF's one page as a Pillow image of WIDTH × HEIGHT, checked to be gray."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            pages = len(document)
            if pages == 1:
                page = document[0]
                bitmap = page.render(scale=SCALE)
                image = bitmap.to_pil().copy()  # our own pixels, not a view of PDFium's buffer
                bitmap.close()
                page.close()
        finally:
            document.close()
    if pages != 1:
        raise NotACard(f"isi kartu ponsel tidak muat di satu layar ({pages} halaman {WIDTH} × {HEIGHT} px); "
                       f"persingkat label, keterangan atau aksi")
    if image.size != (WIDTH, HEIGHT):
        raise RuntimeError(f"kartu ponsel berukuran {image.size[0]} × {image.size[1]} px, seharusnya {WIDTH} × {HEIGHT}")
    r, g, b = image.convert("RGB").split()
    if ImageChops.difference(r, g).getbbox() or ImageChops.difference(g, b).getbbox():
        raise RuntimeError("kartu ponsel berwarna: templates/card/ harus memakai abu-abu saja")
    return image.convert("L")


def _png(image, *, title: str, description: str) -> bytes:
    """Deterministic PNG: no time, no software name; the title and alt text as iTXt (language id)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("Title", title, lang="id")
    info.add_itxt("Description", description, lang="id")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6, pnginfo=info)  # 9 is 4 % smaller and 5 times slower
    return out.getvalue()


def description(png: bytes) -> str:
    """The alternative text a card carries (what the index says beside its link); '' if none."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        # Text chunks before the pixels (where Pillow writes ours) are in `info` at once;
        # `text` decodes the whole image first to look behind it too: ~8 ms a card.
        found = image.info.get("Description")
        return str(found if found is not None else image.text.get("Description", ""))
