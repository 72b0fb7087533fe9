"""What of an executed notebook reaches the page, and a plain account of what does not.

The release is read offline and printed, so a page loads nothing, runs no script and
shows only what can be printed: PNG and JPEG images (embedded), HTML through one
allow-list sanitizer, Markdown, plain text. Everything else a cell produced (widgets,
Plotly, JavaScript, SVG, a `<style>` block, an image from the internet, a warning on
stderr) is dropped, and `prepare` says so, per cell, in words an analyst can act on:
the build reports these notices and `--strict` turns them into failures. Both engines
(WeasyPrint and Quarto) render what `prepare` returns.

Cell tags an analyst may use: `remove-cell` or `rk-sembunyikan` (the cell is not on the
page), `remove-output` (its output is not), `rk-berdampingan` (outputs side by side),
`rk-halaman-baru` (a new page before it), both styled in cells.css, and
`rk-angka-tetap` (the figures typed in the cell are meant to be the same in every brief:
`briefs.render.typed`). Images
in Markdown (`![peta](gambar/peta.png)`) are embedded when they are PNG or JPEG files
inside the notebook's folder.
"""

from __future__ import annotations

import base64
import copy
import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import bleach
import nbformat
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.preprocessors import Preprocessor

from briefs import fmt, notice
from briefs.notebook.tables import CONTINUES_FROM, regrouped
from briefs.render import typed
from briefs.render.discarded import discarded

KEEP_MIMETYPES = ("text/html", "text/markdown", "image/png", "image/jpeg", "text/plain")
REMOVE_CELL_TAGS = {"remove-cell", "rk-sembunyikan"}
REMOVE_OUTPUT_TAGS = {"remove-output"}
_PARAMETER_TAGS = {"parameters", "injected-parameters"}  # values the build passes in, not typed figures
MAX_IMAGE_BYTES = 5 * 1024 * 1024

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "li", "ol", "p", "pre", "section", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_ATTRS = {"class", "id", "title", "colspan", "rowspan", "scope", "alt", "width", "height",
          "style", "role", "aria-label", "aria-hidden"}
_CSS_PROPERTIES = [
    "width", "height", "min-width", "max-width", "text-align", "vertical-align", "color",
    "background-color", "font-weight", "font-style", "white-space", "border-left",
    "padding-left", "margin-left",
]
_CSS = CSSSanitizer(allowed_css_properties=_CSS_PROPERTIES)
_IMAGE_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


def _allowed_attr(tag: str, name: str, value: str) -> bool:
    # Images only from data: (charts are embedded), links only inside the page.
    if name == "src":
        return tag == "img" and value.startswith(("data:image/png;", "data:image/jpeg;"))
    if name == "href":
        return tag == "a" and value.startswith("#")
    if name == "style" and "url(" in value.lower():
        return False
    if name == "class" and "mermaid" in value.lower():
        # nbconvert puts a ```mermaid fence raw into <pre class="mermaid"> for mermaid.js
        # (CVE-2026-6658, unfixed); without the class it stays a plain, inert <pre>.
        return False
    return name in _ATTRS or name.startswith("data-rk-")


def _kept(tag: str, name: str, value: str) -> bool:
    """An attribute the page keeps: allowed, or an image embedded from the notebook's folder."""
    return _allowed_attr(tag, name, value) or (tag == "img" and name == "src" and value.startswith("attachment:"))


_INERT_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.I)


def clean_html(html: str | bytes) -> str:
    """Allow-list sanitizer for every bit of HTML a notebook produces (markdown, text/html).

    bleach decides what is safe; the two regexes only tidy what it leaves behind
    (a script's text, an image whose remote src was removed) so the page reads cleanly.
    """
    text = html.decode() if isinstance(html, bytes) else str(html)
    text = _INERT_BLOCKS.sub("", text)
    safe = bleach.clean(text, tags=_TAGS, attributes=_allowed_attr, protocols=["data"],
                        css_sanitizer=_CSS, strip=True, strip_comments=True)
    return _TABLE.sub(_may_continue, _IMG_WITHOUT_SRC.sub("", safe))


_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.I | re.S)
_ROW = re.compile(r"<tr\b", re.I)
_CLASS = re.compile(r'(^|\s)class="')  # the class attribute itself, not a data-rk-…class one
_HEAD_OR_FOOT = re.compile(r"<(thead|tfoot)\b.*?</\1\s*>", re.I | re.S)  # rows that are not the table's body


def _may_continue(found: re.Match) -> str:
    """A long table nobody grouped may break between its rows, as `nb.tabel`'s long tables do.

    Tables are kept whole on paper (rakor.css), the right thing for a short one. A long one
    from raw HTML (`HTML(df.to_html())`, a Markdown table) or a Styler with a MultiIndex
    moved whole instead, and one taller than a page left its heading alone on the page
    before it. Class `rk-lanjut` lets it start under its heading and continue; its rows are
    grouped as `nb.tabel` groups them where they can be (`tables.regrouped`), so no page
    holds only one or two of them. A table whose rows span rows breaks between any two rows.
    """
    attributes, body = found.group(1), found.group(2)
    if ("rk-bersambung" in attributes or "<table" in body.lower()
            or len(_ROW.findall(_HEAD_OR_FOOT.sub("", body))) < CONTINUES_FROM):
        return found.group(0)  # short, already grouped (nb.tabel, a Styler), or holding a table
    attributes, named = _CLASS.subn(r'\1class="rk-lanjut ', attributes, count=1)
    if not named:
        attributes += ' class="rk-lanjut"'
    table = f"<table{attributes}>{body}</table>"
    return regrouped(table) or table


# ---- what the sanitizer drops, in words -------------------------------------------------

class _Audit(HTMLParser):
    """Reads HTML as the sanitizer will and lists what it will drop (not how: `clean_html` does that)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dropped: list[str] = []
        self.text: list[str] = []  # what a reader reads (or hears: an image's alt), outside <script> and <style>
        self._inert = 0

    def note(self, text: str) -> None:
        if text not in self.dropped:
            self.dropped.append(text)

    def handle_data(self, data: str) -> None:
        if not self._inert:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._inert = max(self._inert - 1, 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._inert += 1
        if tag == "style" and "data-rk-gaya" in values:
            return  # the title block's own stylesheet, for JupyterLab only: the page has its own
        if tag == "script":
            self.note("skrip (<script>) tidak dijalankan: rilis tidak menjalankan kode")
        elif tag == "style":
            self.note("gaya CSS (<style>) tidak dipakai: halaman memakai gaya rumah (templates/rakor/static)")
        elif tag not in _TAGS:
            self.note(f"tag <{tag}> tidak ditampilkan")
            return
        if tag == "img" and values.get("alt") and _kept(tag, "src", values.get("src") or ""):
            self.text.append(str(values["alt"]))  # a shown image's: a screen reader says it, in the PDF too
        for name, value in attrs:
            value = value or ""
            if _kept(tag, name, value):
                if name == "style":
                    self._check_style(value)
                continue
            if name == "src" and tag == "img":
                self.note(f"gambar {_short(value)!r} tidak disematkan: hanya gambar PNG/JPEG di folder notebook "
                          f"yang ikut rilis")
            elif name == "href":
                self.note(f"tautan ke {_short(value)!r} dihapus, teksnya tetap: rilis dibaca tanpa internet")
            else:
                self.note(f"atribut {name!r} pada <{tag}> dihapus")

    def _check_style(self, style: str) -> None:
        for declaration in style.split(";"):
            prop = declaration.partition(":")[0].strip().lower()
            if prop and prop not in _CSS_PROPERTIES:
                self.note(f"gaya {prop!r} dihapus (yang dipakai: warna, latar, tebal/miring, perataan, lebar)")


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _read(html: str) -> _Audit:
    """The HTML read once: what `clean_html` will drop, and the text a reader reads."""
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


def audit_html(html: str | _Audit) -> list[str]:
    """What `clean_html` will remove from this HTML, one plain sentence per kind of thing,
    and what its text says the way Python writes it (`misread`)."""
    parser = html if isinstance(html, _Audit) else _read(html)
    return parser.dropped + misread(" ".join(parser.text))


def misread(text: str) -> list[str]:
    """What a reader misreads in `text`, in words for the analyst; none: [].

    A number written the English way or raw (0.2716216, 12.5), a month or day named in
    English (strftime's '%B' writes October), and a duration as Python writes it (3 days,
    4:00:00).
    """
    found = []
    if raws := fmt.semua_angka_mentah([text]):
        found.append(f"angka tertulis cara Inggris atau mentah {fmt.salah_baca(_short(raws[0], 30), raws[1:])}")
    if name := fmt.nama_inggris(text):
        found.append(fmt.tulis_nama(name))
    if duration := fmt.durasi_inggris(text):
        found.append(fmt.tulis_durasi(duration))
    return found


_WHY = {
    "application/vnd.jupyter.widget-view+json": "widget interaktif tidak bisa tampil di halaman cetak",
    "application/javascript": "JavaScript tidak dijalankan di rilis",
    "text/javascript": "JavaScript tidak dijalankan di rilis",
    "application/vnd.plotly.v1+json": "grafik Plotly interaktif tidak bisa dicetak; gambar dengan matplotlib",
    "image/svg+xml": "SVG tidak disematkan (bisa memuat skrip dan berkas luar); tampilkan sebagai PNG",
}


def output_verdict(out: dict) -> str | None:
    """None when an output reaches the page; otherwise why it does not."""
    kind = out.get("output_type")
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        foreign = [k for k in data if k not in KEEP_MIMETYPES]
        if not data:
            return "keluaran kosong"
        if foreign:  # a widget with a text/plain fallback would leave "<Widget>" behind: drop it whole
            return f"keluaran {foreign[0]} tidak ditampilkan: " + _WHY.get(foreign[0], "jenis ini tidak didukung halaman")
        return None
    if kind == "stream":
        if out.get("name") == "stdout":
            return None
        rest = notice.others(str(out.get("text", "")))  # a helper's own lines are reported by `prepare`
        first = next((line for line in rest.splitlines() if line.strip()), "")
        return f"pesan stderr tidak ditampilkan: {_short(first.strip(), 120)}"
    if kind == "error":
        return None
    return f"keluaran {kind!r} tidak dikenal"


# ---- the notebook as the page shows it ----------------------------------------------------

@dataclass(frozen=True)
class Notice:
    """Something of a notebook that does not reach the reader as written, or a page budget passed."""

    message: str
    cell: int | None = None  # 1-based, counted in the source notebook as JupyterLab shows it
    source: str = ""  # the cell's first line, so the analyst finds it

    def text(self) -> str:
        where = f"sel {self.cell}" + (f" «{_short(self.source, 50)}»" if self.source else "") if self.cell else ""
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"cell": self.cell, "source": self.source, "message": self.message}


def prepare(nb: nbformat.NotebookNode, folder: Path | None = None) -> tuple[nbformat.NotebookNode, list[Notice]]:
    """A copy of the executed notebook holding only what the page shows, and notices for the rest.

    `folder` is the source notebook's folder: Markdown images inside it are embedded
    (as cell attachments, which nbconvert writes as data: URIs); without it none are.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("title", None)  # the page's title wins (the lab template and Quarto would prefer this one)
    notices: list[Notice] = []
    kept = []
    number = 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "injected-parameters" not in tags:
            number += 1  # papermill's injected cell is not in the analyst's notebook
        first = next((line for line in cell.source.splitlines() if line.strip()), "")

        def say(message: str, n: int = number, src: str = first) -> None:
            notices.append(Notice(message, n, src.strip()))

        if cell.cell_type == "code":  # a helper's word holds for a hidden cell too: its text may show later
            for message in notice.told("".join(_stderr(cell))):
                say(message)
        if tags & REMOVE_CELL_TAGS:
            continue

        if cell.cell_type == "markdown":
            _markdown_images(cell, folder, say)
            html, undrawn = _markdown_html(cell.source, cell.get("attachments", {}))
            for kind in undrawn:
                say(_UNDRAWN[kind])
            page = _read(html)
            for text in audit_html(page):
                if not ("mermaid" in undrawn and text in _MERMAID_CLASSES):  # said once already, as the diagram
                    say(text)
            if typed.FIXED_FIGURE_TAG not in tags and (figure := typed.in_markdown(" ".join(page.text))):
                say(figure)
        elif cell.cell_type == "code":
            if not tags & (_PARAMETER_TAGS | {typed.FIXED_FIGURE_TAG}) and (figure := typed.in_code(cell.source)):
                say(figure)
            if tags & REMOVE_OUTPUT_TAGS:
                cell.outputs = []
            else:
                for message in discarded(cell.source):
                    say(message)
            cell.outputs = [out for out in cell.outputs if _keep(out, say)]
        kept.append(cell)
    nb.cells = kept
    return nb, notices


def before_running(path: Path) -> list[Notice]:
    """What a notebook's own text already tells, before it runs: its Markdown cells (a typed
    figure, math, an image from the internet) and what its code cells' sources would throw
    away. The same notices `prepare` gives after the run, minus those of the outputs, so a
    `--strict` build can stop in a second instead of after every brief, and `check` can say
    them. Outputs saved in the file are set aside: they are the analyst's last run, not the build's.
    """
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    return prepare(nb, Path(path).parent)[1]


def _stderr(cell: dict) -> list[str]:
    """The texts a code cell wrote to stderr."""
    return [str(out.get("text", "")) for out in cell.get("outputs", [])
            if out.get("output_type") == "stream" and out.get("name") == "stderr"]


def _keep(out: dict, say) -> bool:
    if out.get("output_type") == "stream" and out.get("name") == "stderr" and not notice.others(
            str(out.get("text", ""))).strip():
        return False  # only a helper's words, reported by `prepare`: nothing for the page, nothing more to say
    why = output_verdict(out)
    if why:
        say(why)
        return False
    words = _words(out)
    for text in misread(words):
        say(text)
    if debug := _DEBUG.search(words):
        say(f"keluaran tampak seperti cetakan pemeriksaan Python («{_short(debug.group(), 40)}») dan pembaca "
            f"melihatnya apa adanya; tampilkan tabel dengan nb.tabel, atau beri sel tag remove-output")
    for _mime, meta in out.get("metadata", {}).items():
        for warning in (meta.get("rakor", {}).get("peringatan", []) if isinstance(meta, dict) else []):
            say(warning)
    html = out.get("data", {}).get("text/html")
    if html:
        for text in audit_html("".join(html) if isinstance(html, list) else html):
            say(text)
    elif markdown := out.get("data", {}).get("text/markdown"):  # display(Markdown(...)): rendered like a cell
        for kind in _markdown_html("".join(markdown) if isinstance(markdown, list) else markdown, {})[1]:
            say(_UNDRAWN[kind])
    return True


# What Python and pandas print for a programmer: a Series' footer, df.info(), an object's repr.
_DEBUG = re.compile(r"\bdtype: \w+|<class '[\w.]+'>|\bobject at 0x[0-9a-f]+|RangeIndex: \d+ entries")


def _words(out: dict) -> str:
    """The text an output puts on the page as written: print(), a displayed Markdown, a bare value.

    HTML is read by `audit_html`, its text only: an attribute's numbers are not shown.
    """
    if out.get("output_type") == "stream":
        text = out.get("text", "")
    else:
        data = out.get("data", {})
        text = data.get("text/markdown") or ("" if len(data) > 1 else data.get("text/plain", ""))
    return "".join(text) if isinstance(text, list) else str(text)


# What nbconvert leaves for JavaScript to draw: a page without scripts shows its code instead.
_TEX = re.compile(r"[\\^_{}]")  # what makes inline math unreadable as plain text
_UNDRAWN = {
    "math": "rumus LaTeX ($…$) tidak dirender di halaman cetak (tanpa MathJax): pembaca melihat kodenya; "
            "tulis rumusnya dengan kata atau simpan sebagai gambar",
    "mermaid": "diagram mermaid tidak digambar di halaman cetak (tanpa JavaScript): pembaca melihat kodenya; "
               "simpan diagramnya sebagai gambar",
}


_MERMAID_CLASSES = {"atribut 'class' pada <div> dihapus", "atribut 'class' pada <pre> dihapus"}


def _markdown_html(source: str, attachments: dict) -> tuple[str, list[str]]:
    """The cell's Markdown as nbconvert renders it onto the page (attachments as data: URIs),
    and what of it is left for a script to draw (`_UNDRAWN`'s kinds, in order): math and
    mermaid stay as their source, and the pages run no script."""
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = _spotting_renderer()(escape=False, attachments=attachments)
    html = MarkdownWithMath(renderer=renderer).render(source)
    return html, sorted(renderer.undrawn)


@functools.cache
def _spotting_renderer() -> type:
    """nbconvert's own renderer, noting what it leaves for a script to draw."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class Spotting(IPythonRenderer):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.undrawn: set[str] = set()

        def block_math(self, body: str) -> str:
            self.undrawn.add("math")
            return super().block_math(body)

        def inline_math(self, body: str) -> str:
            if _TEX.search(body):  # "$5 dan $10" is prices, read as written; "$x^2$" is a formula
                self.undrawn.add("math")
            return super().inline_math(body)

        def multiline_math(self, text: str) -> str:
            self.undrawn.add("math")
            return super().multiline_math(text)

        def latex_environment(self, name: str, body: str) -> str:
            self.undrawn.add("math")
            return super().latex_environment(name, body)

        def block_mermaidjs(self, code: str) -> str:
            self.undrawn.add("mermaid")
            return super().block_mermaidjs(code)

    return Spotting


_MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
_HTML_IMAGE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])([^\"']+)([\"'][^>]*>)", re.I)


def _markdown_images(cell, folder: Path | None, say) -> None:
    """Embed local PNG/JPEG images as attachments; keep only image attachments."""
    attachments = dict(cell.get("attachments", {}))
    for name, bundle in list(attachments.items()):
        image = {m: v for m, v in bundle.items() if m in _IMAGE_MAGIC and _is_image(m, v)}
        if image:
            attachments[name] = image
        else:
            del attachments[name]
            say(f"lampiran {name!r} tidak disematkan: hanya gambar PNG atau JPEG")

    def embed(m: re.Match) -> str:
        target = m.group(2)
        if target.startswith("attachment:"):
            # a dropped attachment's reference goes too: nbconvert fails on a missing one
            return m.group(0) if target[len("attachment:"):] in attachments else ""
        if target.startswith("data:"):
            return m.group(0)
        found = _local_image(folder, target)
        if found is None:
            return m.group(0)  # left as it is: the sanitizer drops it and the audit reports it
        mime, data = found
        attachments[target] = {mime: data}
        return f"{m.group(1)}attachment:{target}{m.group(3)}"

    cell.source = _HTML_IMAGE.sub(embed, _MD_IMAGE.sub(embed, cell.source))
    if attachments:
        cell["attachments"] = attachments
    else:
        cell.pop("attachments", None)


def _local_image(folder: Path | None, target: str) -> tuple[str, str] | None:
    """(mime, base64) of an image file inside `folder`; None for anything else.

    Only plain relative paths: no scheme, no absolute path, no '..', and after symlinks
    the file must still be inside the folder; PNG or JPEG by its first bytes, not its name.
    """
    if folder is None or ":" in target or target.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", target):
        return None
    root = Path(folder).resolve()
    path = (root / target).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
        return None
    data = path.read_bytes()
    for mime, magic in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return mime, base64.b64encode(data).decode()
    return None


def _is_image(mime: str, value: str | list) -> bool:
    try:
        head = base64.b64decode("".join(value) if isinstance(value, list) else value)[:8]
    except ValueError:
        return False
    return head.startswith(_IMAGE_MAGIC[mime])


class PageOnly(Preprocessor):
    """nbconvert's idiom for `prepare`, configured once and used by both engines.

    Reads the notebook's folder from `resources["rk"]["folder"]` (where Markdown images may
    come from) and leaves its notices in `resources["rk"]["notices"]`.
    """

    def preprocess(self, nb, resources):
        rk = resources.setdefault("rk", {})
        nb, rk["notices"] = prepare(nb, rk.get("folder"))
        return nb, resources
