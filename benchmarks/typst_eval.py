"""Typst as a PDF path for a brief, against WeasyPrint: speed and what readers get (issue 13).

    .venv/bin/python benchmarks/typst_eval.py                  # builds Sitiung first (~20 s)
    .venv/bin/python benchmarks/typst_eval.py --release /tmp/typst-eval-out/rakor-2026-11
    .venv/bin/python benchmarks/typst_eval.py --release DIR --brief koto-baru --runs 15 --out /tmp/typst-eval

Needs the `typst` package (`pip install typst`; the compiler ships in its wheel) and
poppler-utils (pdfinfo, pdffonts, pdftotext, pdftoppm) for reading the PDFs back.

Same content on both sides, taken from one release:
- WeasyPrint prints the brief's HTML (byte for byte the `page.html` the build printed):
  once as the build does (`briefs.render.weasy.pdf_bytes`: jailed fetcher, PDF/A-2u,
  one forked child per render), in-process (the floor: no fork), and in-process with
  `pdf_tags=True` (a tagged PDF, for the accessibility comparison).
- Typst compiles a Typst source written from the *same executed notebook* (the release's
  `notebooks/<brief>.ipynb`, filtered by `sanitize.PageOnly` as both engines are) by a
  prototype second template path, in this file: `BRIEF_TYP` (the page of
  templates/rakor/ redrawn in Typst) and `TypstWriter` (the notebook's outputs, i.e. the
  HTML snippets of templates/cells/, PNG charts and Markdown, as Typst calls). Typst is
  timed in-process and, as the build would have to run it, in a forked child under
  `weasy._limited` (a wall clock and a memory cap; Typst has neither of its own).

Each engine is timed in a fresh Python process (`--worker`): import, the first render
(cold) and `--runs` more in the same process (warm, as a Dask worker renders many briefs).
Typst memoizes across compiles in one process, so its warm runs change the build id on
every run (the header, footer and notes change, as from one brief to the next); the fully
memoized recompile of identical input is reported apart. Medians in milliseconds.

Then both PDFs are read back: PDF/A claim (XMP pdfaid), tags, fonts embedded, text
extracted and compared word by word, byte-identical across two processes, and the pages
as PNG pictures (in --out) to look at.
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
DEFAULT_OUT = Path(tempfile.gettempdir()) / "typst-eval"

# ---- the second template path: the brief's page in Typst ------------------------------------

BRIEF_TYP = r"""
// The page of a brief (templates/rakor/: rakor.css, cells.css) redrawn in Typst.
// A prototype for benchmarks/typst_eval.py (issue 13), not used by the build.
#let ink = luma(17)
#let ink2 = luma(58)
#let muted = luma(102)
#let quiet = luma(85)
#let hair = luma(212)
#let sans = ("Open Sans", "DejaVu Sans")
#let mono = ("DejaVu Sans Mono",)
// CSS line-height x as Typst line edges: Open Sans's hhea ascent 1.069em and descent
// 0.293em plus half the leading on each side (Typst measures with the OS/2 typo metrics).
#let lh(x) = (top-edge: (1.069 + (x - 1.362) / 2) * 1em, bottom-edge: -(0.293 + (x - 1.362) / 2) * 1em)

#let contoh(rest) = box(stroke: 1pt + ink, inset: (x: 2mm, y: 0.8mm),
  text(size: 7.5pt)[#text(weight: "bold", tracking: 0.1em)[DATA CONTOH] — #rest])

#let kartu-baris(cards) = block(breakable: false, width: 100%, above: 0pt, below: 1.5mm, grid(
  columns: (1fr,) * cards.len(),
  column-gutter: 2mm,
  ..cards.map(c => grid.cell(
    stroke: if c.utama { 1.8pt + ink } else { 0.8pt + luma(68) },
    inset: (x: 2.2mm, top: 1.6mm, bottom: 1.8mm),
    {
      set par(spacing: 0pt)
      block(below: 0.6mm, text(size: 7.5pt, fill: ink2, ..lh(1.2), c.label))
      block(below: 0.4mm, text(size: 17pt, weight: "bold", number-width: "tabular", ..lh(1.15), c.nilai))
      text(size: 7pt, fill: quiet, ..lh(1.25), c.ket)
    },
  )),
))

#let kartu-catatan(isi) = block(above: 0pt, below: 3mm, text(size: 7.5pt, fill: quiet, isi))

#let grafik(..gambar) = block(breakable: false, width: 100%, above: 1mm, below: 3mm,
  grid(columns: (1fr,) * gambar.pos().len(), column-gutter: 3mm, ..gambar.pos()))

#let tabel(kanan: (), kepala: (), baris: (), miring: (), label: 1, jumlah: none, catatan: none) = block(
  breakable: false, width: 100%, above: 1mm, below: 3mm, {
  set text(size: 8.2pt, number-width: "tabular")
  let sel = ()
  for (i, r) in baris.enumerate() {
    let gaya = if miring.at(i, default: false) { emph } else { x => x }
    for (j, v) in r.enumerate() {
      sel.push(if j < label { table.cell(gaya(v)) } else { gaya(v) })
    }
    sel.push(table.hline(stroke: 0.4pt + hair))
  }
  if jumlah != none {
    sel.push(table.hline(stroke: 1pt + ink))
    sel += jumlah.map(v => strong(v))
  }
  // HTML's automatic table layout: each column as wide as its widest line, the spare
  // width shared in proportion (fr in proportion to the measured widths).
  context {
    let kolom = range(kepala.len()).map(j => {
      let isi = (strong(kepala.at(j)),) + baris.map(r => r.at(j, default: []))
      if jumlah != none { isi.push(strong(jumlah.at(j, default: []))) }
      calc.max(..isi.map(c => measure(c).width)) + 2.8mm
    })
    let total = kolom.sum()
    table(
      columns: kolom.map(w => w / total * 1fr),
      stroke: none,
      inset: (x: 1.4mm, y: 0.8mm),
      align: (x, y) => (if kanan.at(x) { right } else { left }) + (if y == 0 { bottom } else { top }),
      table.header(..kepala.map(k => strong(k)), table.hline(stroke: 1pt + ink)),
      ..sel,
    )
  }
  if catatan != none { block(above: 1mm, text(size: 7.2pt, fill: quiet, catatan)) }
})

#let kotak(isi, catatan: none) = block(
  breakable: false, width: 100%, above: 2mm, below: 3mm, fill: luma(239),
  stroke: (left: 3.5pt + ink, rest: 0.8pt + ink), inset: (x: 3.5mm, y: 2mm), {
  set text(size: 8.8pt)
  set par(spacing: 1.2mm)
  set list(indent: 0.5mm, body-indent: 1.5mm, spacing: 0.9mm)
  isi
  if catatan != none { block(above: 1.2mm, text(size: 7.5pt, fill: ink2, catatan)) }
})

// unbreakable: CSS orphans/widows 3 keep these short paragraphs whole; Typst has no
// line-count orphan control (only costs against single lines), so the block stays whole.
#let catatan(isi) = block(above: 1mm, breakable: false, {
  set text(size: 7.5pt, fill: luma(51), ..lh(1.35))
  set par(spacing: 1.2mm)
  isi
})
#let jejak(isi) = text(fill: quiet, isi)
#let kode(s) = text(font: mono, size: 7pt, s)
#let teks-mentah(s) = block(text(font: mono, size: 7.5pt, s))

#let brief(m, body) = {
  let mark = text(weight: "bold", fill: ink)[DATA CONTOH — bukan data resmi]
  set document(title: m.title, author: m.authors, date: m.date)
  set text(lang: "id", font: sans, size: 9.5pt, fill: ink, ..lh(1.4))
  set par(leading: 0pt, spacing: 2mm)
  set list(indent: 1mm, body-indent: 1.5mm)
  set page(
    paper: "a4",
    margin: (x: 18mm, y: 20mm),
    header-ascent: 3mm,
    footer-descent: 3mm,
    header: text(size: 7.5pt, fill: ink2,
      grid(columns: (1fr, auto), m.meeting-short, text(weight: 600, m.title))),
    footer: text(size: 7.5pt, fill: ink2, grid(columns: (1fr, auto), column-gutter: 6mm,
      [#if m.sample { mark + [ · ] }Data per #m.period · build #m.build],
      text(fill: ink, context [Halaman #counter(page).get().first() dari #counter(page).final().first()]))),
  )
  show heading.where(level: 1): it => block(above: 1mm, below: 1mm,
    text(size: 21pt, weight: "bold", ..lh(1.15), it.body))
  show heading.where(level: 2): it => block(width: 100%, above: 4.5mm, below: 2mm, sticky: true,
    stroke: (bottom: 0.8pt + ink), inset: (bottom: 0.8mm), text(size: 11pt, weight: "bold", ..lh(1.25), it.body))
  show heading.where(level: 3): it => block(above: 3.5mm, below: 1.5mm, sticky: true,
    text(size: 10pt, weight: "bold", ..lh(1.25), it.body))

  block(width: 100%, below: 4mm, stroke: (bottom: 2pt + ink), inset: (bottom: 2.5mm), {
    set par(spacing: 0.8mm)
    if m.sample { place(top + right, contoh[bukan data resmi]) }
    text(size: 7.5pt, fill: muted, tracking: 0.05em, upper(m.kicker))
    heading(level: 1, outlined: false, m.title)
    text(size: 10pt, fill: ink2, m.meeting)
    parbreak()
    text(size: 8.5pt, fill: muted)[#m.date-text · #m.place · Data per #m.period]
  })
  body
}
"""


def typst_str(text: str) -> str:
    """A Typst string literal: shown as text whatever it holds (no markup, no code)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f]", lambda m: f"\\u{{{ord(m.group()):x}}}", text) + '"'


class TypstWriter:
    """An executed notebook's page outputs as Typst calls of BRIEF_TYP.

    Knows the project's snippets (rk-cards, rk-table, rk-callout, rk-notes, rk-contoh),
    plain HTML blocks and inline markup, PNG/JPEG images, Markdown (through mistune) and
    plain text. Everything else is left out and listed in `notices`: the price of a second
    template path is that every kind of output an analyst may show needs a translation here.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.images = 0
        self.notices: list[str] = []

    # -- notebook ------------------------------------------------------------------------
    def notebook(self, nb) -> str:
        import mistune

        from briefs.render.sanitize import clean_html

        markdown = mistune.create_markdown(escape=False)
        parts = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(self.html(clean_html(markdown(cell.source))))  # as nbconvert does
            elif cell.cell_type == "code":
                side = "rk-berdampingan" in cell.metadata.get("tags", [])
                images, rest = [], []
                for out in cell.get("outputs", []):
                    made = self.output(out)
                    if isinstance(made, tuple):
                        images.append(made)
                    elif made:
                        rest.append(made)
                if side and images:  # each fills its half, as cells.css does for rk-berdampingan
                    parts.append("#grafik(" + ", ".join(f"image({n}, width: 100%, alt: {a})" for n, a, _ in images) + ")")
                else:
                    parts += [self.alone(*i) for i in images]
                parts += rest
        return "\n\n".join(p for p in parts if p)

    def output(self, out) -> str | tuple | None:
        if out.output_type == "stream":
            return "#teks-mentah(" + typst_str(out.text) + ")"
        if out.output_type == "error":
            return "#teks-mentah(" + typst_str(f"{out.ename}: {out.evalue}") + ")"
        data = out.get("data", {})
        for mime in ("image/png", "image/jpeg"):
            if mime in data:
                meta = out.get("metadata", {}).get(mime, {})
                width = meta.get("width")
                return self.image(base64.b64decode(data[mime]), mime, meta.get("alt") or "Grafik",
                                  f"{float(width) * 0.75:.2f}pt" if isinstance(width, (int, float)) else None)
        if "text/html" in data:
            from briefs.render.sanitize import clean_html

            return self.html(clean_html(data["text/html"]))
        if "text/markdown" in data:
            import mistune

            return self.html(mistune.create_markdown(escape=True)(data["text/markdown"]))
        if "text/plain" in data:
            return "#teks-mentah(" + typst_str(data["text/plain"]) + ")"
        return None

    def image(self, raw: bytes, mime: str, alt: str, width: str | None) -> tuple[str, str, str | None]:
        """The image as a file beside main.typ: (its name, its alt text, as Typst strings; its width)."""
        self.images += 1
        name = f"grafik-{self.images}.{'png' if mime == 'image/png' else 'jpg'}"
        (self.folder / name).write_bytes(raw)
        return typst_str(name), typst_str(alt), width

    @staticmethod
    def alone(name: str, alt: str, width: str | None) -> str:
        """One image at the width it was drawn, never wider than the page (img max-width: 100%)."""
        if width is None:
            return f"#grafik(image({name}, width: 100%, alt: {alt}))"
        return f"#grafik(layout(s => image({name}, width: calc.min({width}, s.width), alt: {alt})))"

    # -- HTML ------------------------------------------------------------------------------
    def html(self, markup: str) -> str:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(markup, "html.parser")
        return self.blocks(soup.children)

    INLINE = {"strong", "b", "em", "i", "span", "a", "code", "small", "sub", "sup", "br"}

    def blocks(self, nodes) -> str:
        """Block children in order; a run of text and inline tags between them is one paragraph."""
        from bs4 import NavigableString

        out, run = [], []

        def flush():
            if run:
                made = self.inline(run)
                if made != "[]":
                    out.append("#par(" + made + ")")
                run.clear()

        for n in nodes:
            if isinstance(n, NavigableString) or n.name in self.INLINE:
                run.append(n)  # comments are skipped by inline()
                continue
            flush()
            made = self.block(n)
            if made:
                out.append(made)
        flush()
        return "\n\n".join(out)

    def block(self, node) -> str:
        from bs4 import NavigableString, Tag

        if isinstance(node, NavigableString):
            text = " ".join(str(node).split())
            return "#" + typst_str(text) if text and type(node) is NavigableString else ""
        assert isinstance(node, Tag)
        cls = node.get("class") or []
        tag = node.name
        if tag in ("style", "script") or "rk-judul" in cls:
            return ""  # the frame's masthead says what the notebook's title block says
        if "rk-cards" in cls:
            cards = []
            for c in node.find_all(class_="rk-card"):
                parts = {k: self.inline(c.find(class_=f"rk-card-{k}")) for k in ("label", "value", "note")}
                utama = "true" if "rk-card-utama" in c["class"] else "false"
                cards.append(f"(label: {parts['label']}, nilai: {parts['value']}, ket: {parts['note']}, utama: {utama})")
            return "#kartu-baris((" + ", ".join(cards) + ",))"
        if "rk-cards-note" in cls:
            return "#kartu-catatan(" + self.inline(node) + ")"
        if tag == "table":
            return self.table(node)
        if "rk-callout" in cls:
            note = node.find(class_="rk-callout-note")
            if note is not None:
                note.extract()
            body = self.blocks(node.children)
            extra = f", catatan: {self.inline(note)}" if note is not None else ""
            return f"#kotak([\n{body}\n]{extra})"
        if "rk-notes" in cls:
            return "#catatan[\n" + self.blocks(node.children) + "\n]"
        if "rk-contoh" in cls:
            note = node.get_text(" ", strip=True).split("—", 1)[-1].strip()
            return "#contoh(" + typst_str(note) + ")"
        if "rk-jejak" in cls:
            return "#jejak(" + self.inline(node) + ")"
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return f"#heading(level: {min(int(tag[1]), 4)}, {self.inline(node)})"
        if tag == "p":
            return "#par(" + self.inline(node) + ")" if node.get_text(strip=True) or node.find("img") else ""
        if tag in ("ul", "ol"):
            items = [self.inline(li) for li in node.find_all("li", recursive=False)]
            return ("#list(" if tag == "ul" else "#enum(") + ", ".join(items) + ")"
        if tag == "pre":
            return "#teks-mentah(" + typst_str(node.get_text()) + ")"
        if tag == "img":
            return self.img(node)
        if tag in ("div", "section", "figure", "blockquote"):
            return self.blocks(node.children)
        if tag in ("strong", "b", "em", "i", "span", "a", "code", "small", "sub", "sup", "br"):
            return "#par(" + self.inline(node) + ")"
        self.notices.append(f"<{tag}> tidak diterjemahkan ke Typst")
        return ""

    def img(self, node) -> str:
        src = node.get("src", "")
        found = re.match(r"data:(image/(?:png|jpeg));base64,(.*)", src, re.S)
        if not found:
            self.notices.append("gambar tanpa data: dilewati")
            return ""
        return self.alone(*self.image(base64.b64decode(found.group(2)), found.group(1), node.get("alt") or "Gambar", None))

    def inline(self, node) -> str:
        """Inline content as one Typst content block: `[#"text"#strong[#"bold"]]`.

        `node` is an element (its children are read) or a list of sibling nodes.
        """
        pieces: list[tuple[str, str]] = []
        if node is not None:
            self._inline(node if isinstance(node, list) else list(node.children), pieces)
        # HTML whitespace: runs become one space; none at either end of the block
        out, first = [], True
        for i, (kind, value) in enumerate(pieces):
            if kind == "t":
                value = re.sub(r"\s+", " ", value)
                if first:
                    value = value.lstrip()
                if i == len(pieces) - 1:
                    value = value.rstrip()
                if value:
                    out.append("#" + typst_str(value))
                    first = False
            else:
                out.append(value)
                first = False
        return "[" + "".join(out) + "]"

    def _inline(self, children, pieces) -> None:
        from bs4 import NavigableString

        for child in children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment or CDATA
                    pieces.append(("t", str(child)))
                continue
            tag, cls = child.name, child.get("class") or []
            if tag in ("strong", "b", "em", "i", "sub", "sup", "small"):
                wrap = {"strong": "strong", "b": "strong", "em": "emph", "i": "emph",
                        "sub": "sub", "sup": "super", "small": "text.with(size: 0.85em)"}[tag]
                inner: list = []
                self._inline(list(child.children), inner)
                pieces.append(("m", f"#{wrap}" + self.inline_from(inner)))
            elif tag == "code" or "rk-kode" in cls:
                pieces.append(("m", "#kode(" + typst_str(child.get_text()) + ")"))
            elif tag == "br":
                pieces.append(("m", "#linebreak()"))
            elif tag == "img":
                pieces.append(("m", self.img(child)))
            else:  # span, a, p inside li, …: their text and marks
                self._inline(list(child.children), pieces)

    @staticmethod
    def inline_from(pieces) -> str:
        out = ("#" + typst_str(re.sub(r"\s+", " ", v)) if k == "t" else v for k, v in pieces)
        return "[" + "".join(out) + "]"

    def table(self, node) -> str:
        head = node.find("thead")
        header_cells = head.find_all(["th", "td"]) if head else []
        body = node.find("tbody") or node
        rows = [tr for tr in body.find_all("tr", recursive=False)]
        foot = node.find("tfoot")
        width = max([len(header_cells)] + [len(r.find_all(["th", "td"], recursive=False)) for r in rows])
        if any(c.get("colspan") or c.get("rowspan") for c in node.find_all(["th", "td"])):
            self.notices.append("tabel dengan colspan/rowspan: disederhanakan")
        numeric = [("rk-num" in (c.get("class") or [])) for c in header_cells] or [False] * width
        numeric += [False] * (width - len(numeric))
        labels = len(rows[0].find_all("th", recursive=False)) if rows else 0
        cells = lambda tr: "(" + ", ".join(self.inline(c) for c in tr.find_all(["th", "td"], recursive=False)) + ",)"
        caption = node.find("caption")
        args = [
            "kanan: (" + ", ".join("true" if n else "false" for n in numeric) + ",)",
            "kepala: (" + ", ".join(self.inline(c) for c in header_cells) + ",)",
            "baris: (" + ", ".join(cells(r) for r in rows) + ",)",
            "miring: (" + ", ".join("true" if "rk-miring" in (r.get("class") or []) else "false" for r in rows) + ",)",
            f"label: {labels}",
        ]
        if foot is not None and foot.find("tr"):
            args.append("jumlah: " + cells(foot.find("tr")))
        if caption is not None:
            args.append("catatan: " + self.inline(caption))
        return "#tabel(" + ", ".join(args) + ")"


def frame_from_html(html: str) -> dict:
    """The page frame (what `briefs.render.page.Page` holds), read back from the brief's HTML."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    text = lambda sel: soup.select_one(sel).get_text(" ", strip=True)
    meta = text(".rk-meta")  # "Selasa, 24 November 2026 · Pulau Punjung · Data per Oktober 2026"
    date_text, place, period = [s.strip() for s in meta.split(" · ")]
    foot = text(".rk-foot-left")
    return {
        "title": text(".rk-title"), "kicker": text(".rk-kicker"), "meeting": text(".rk-subtitle"),
        "meeting_short": text(".rk-run-left"), "date_text": date_text, "place": place,
        "period": period.removeprefix("Data per "), "build": foot.rsplit("build ", 1)[-1],
        "sample": "rk-sample" in (soup.body.get("class") or []),
    }


def typst_main(frame: dict, authors: list[str], date: str, body: str) -> str:
    y, m, d = (int(x) for x in date.split("-"))
    meta = ", ".join([
        f"title: {typst_str(frame['title'])}", f"kicker: {typst_str(frame['kicker'])}",
        f"meeting: {typst_str(frame['meeting'])}", f"meeting-short: {typst_str(frame['meeting_short'])}",
        f"date-text: {typst_str(frame['date_text'])}", f"place: {typst_str(frame['place'])}",
        f"period: {typst_str(frame['period'])}", f"build: {typst_str(frame['build'])}",
        f"sample: {'true' if frame['sample'] else 'false'}",
        "authors: (" + "".join(typst_str(a) + ", " for a in authors) + ")",
        f"date: datetime(year: {y}, month: {m}, day: {d})",
    ])
    return f'#import "brief.typ": *\n#show: brief.with(({meta}))\n\n{body}\n'


# ---- the workers: one engine, one fresh process ---------------------------------------------

def worker_weasy(args) -> dict:
    t0 = time.perf_counter()
    from weasyprint import HTML

    from briefs.render import weasy
    imported = time.perf_counter() - t0
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    html = Path(spec["html"]).read_text(encoding="utf-8")
    base = Path(spec["folder"])
    result = {"import": imported}

    def production() -> bytes:  # what the build runs: forked child, jail, PDF/A-2u
        return weasy.pdf_bytes(html, base_dir=base, title=spec["title"], authors=tuple(spec["authors"]))

    def in_process(tags: bool = False) -> bytes:
        doc = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=weasy.JailedFetcher(base)).render()
        weasy._set_metadata(doc, title=spec["title"], lang="id", date=None)
        doc.metadata.authors = list(spec["authors"])
        return doc.write_pdf(pdf_identifier=weasy.pdf_identifier(html), pdf_variant=weasy.PDF_VARIANT,
                             pdf_tags=tags)

    for name, fn in (("production", production), ("inprocess", in_process),
                     ("tagged", lambda: in_process(True))):
        times, pdf = [], b""
        for _ in range(args.runs + 1):
            t = time.perf_counter()
            pdf = fn()
            times.append(time.perf_counter() - t)
        result[name] = {"cold": times[0], "warm": statistics.median(times[1:]), "all": times}
        (Path(spec["out"]) / f"weasy-{name}-{args.tag}.pdf").write_bytes(pdf)
    return result


def worker_typst(args) -> dict:
    t0 = time.perf_counter()
    import typst
    imported = time.perf_counter() - t0
    import bs4  # noqa: F401 - the writer's imports, kept out of the conversion's time
    import mistune  # noqa: F401
    import nbformat

    from briefs.render import sanitize
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    folder = Path(tempfile.mkdtemp(prefix="typst-", dir=spec["out"]))
    result = {"import": imported}

    t = time.perf_counter()
    html = Path(spec["html"]).read_text(encoding="utf-8")
    nb = nbformat.read(spec["notebook"], as_version=4)
    shown, _ = sanitize.PageOnly().preprocess(nb, {"rk": {"folder": None}})
    writer = TypstWriter(folder)
    body = writer.notebook(shown)
    frame = frame_from_html(html)
    (folder / "brief.typ").write_text(BRIEF_TYP, encoding="utf-8")
    source = typst_main(frame, spec["authors"], spec["date"], body)
    (folder / "main.typ").write_text(source, encoding="utf-8")
    result["convert"] = time.perf_counter() - t
    result["notices"] = writer.notices
    t = time.perf_counter()  # again, on the notebook in memory (a worker holds it after papermill)
    TypstWriter(Path(tempfile.mkdtemp(prefix="again-", dir=spec["out"]))).notebook(
        sanitize.PageOnly().preprocess(nb, {"rk": {"folder": None}})[0])
    result["convert_again"] = time.perf_counter() - t

    t = time.perf_counter()
    compiler = typst.Compiler(folder / "main.typ", root=folder)
    result["compiler"] = time.perf_counter() - t

    def compile_(text: str | None = None) -> tuple[bytes, list]:
        if text is not None:
            (folder / "main.typ").write_text(text, encoding="utf-8")
        return compiler.compile_with_warnings(format="pdf", pdf_standards=["a-2u"])

    # Warm: a new build id on every run, as from one brief to the next (the cold first
    # compile is timed by worker_typst_cold, in a process of its own).
    times = []
    for run in range(args.runs + 1):
        varied = source.replace(frame["build"], f"{frame['build'][:4]}{run:04d}")
        t = time.perf_counter()
        compile_(varied)
        times.append(time.perf_counter() - t)
    result["warm"] = statistics.median(times[1:])
    memo = []
    for _ in range(args.runs):
        t = time.perf_counter()
        pdf, warnings = compile_(source)
        memo.append(time.perf_counter() - t)
    result["memoized"] = statistics.median(memo)
    result["warnings"] = [w.message for w in warnings]
    (Path(spec["out"]) / f"typst-{args.tag}.pdf").write_bytes(pdf)
    shutil.copyfile(folder / "main.typ", Path(spec["out"]) / "main.typ")
    shutil.copyfile(folder / "brief.typ", Path(spec["out"]) / "brief.typ")
    # a second fresh compiler in this process (cold compile of new document, warm process)
    t = time.perf_counter()
    typst.Compiler(folder / "main.typ", root=folder).compile(format="pdf", pdf_standards=["a-2u"])
    result["second_compiler"] = time.perf_counter() - t
    # a UA-1 + A-2u variant: what the standard profiles would cost
    t = time.perf_counter()
    ua = compiler.compile(format="pdf", pdf_standards=["a-2u", "ua-1"])
    result["ua_extra"] = time.perf_counter() - t
    (Path(spec["out"]) / f"typst-ua-{args.tag}.pdf").write_bytes(ua)
    return result


def worker_typst_cold(args) -> dict:
    """Only the first compile in a fresh process: import, font scan and compile, each timed."""
    t0 = time.perf_counter()
    import typst
    imported = time.perf_counter() - t0
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    folder = Path(spec["typst_folder"])
    t = time.perf_counter()
    compiler = typst.Compiler(folder / "main.typ", root=folder)
    scan = time.perf_counter() - t
    t = time.perf_counter()
    pdf = compiler.compile(format="pdf", pdf_standards=["a-2u"])
    first = time.perf_counter() - t
    (Path(spec["out"]) / f"typst-cold-{args.tag}.pdf").write_bytes(pdf)
    return {"import": imported, "compiler": scan, "cold": first}


def worker_typst_fork(args) -> dict:
    """Typst under the build's limits: each compile in a forked child (`weasy._limited`:
    wall clock, memory cap), which must scan the fonts again since the parent never compiles."""
    import typst

    from briefs.render import weasy
    spec = json.loads(Path(args.spec).read_text(encoding="utf-8"))
    folder = Path(spec["typst_folder"])

    @weasy._limited
    def compile_in_child() -> bytes:
        return typst.Compiler(folder / "main.typ", root=folder).compile(format="pdf", pdf_standards=["a-2u"])

    times = []
    for _ in range(args.runs + 1):
        t = time.perf_counter()
        pdf = compile_in_child()
        times.append(time.perf_counter() - t)
    (Path(spec["out"]) / f"typst-fork-{args.tag}.pdf").write_bytes(pdf)
    return {"cold": times[0], "warm": statistics.median(times[1:])}


# ---- reading the PDFs back ------------------------------------------------------------------

def tool(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=False).stdout


def read_back(pdf: Path) -> dict:
    from pypdf import PdfReader

    info = tool("pdfinfo", str(pdf))
    meta = tool("pdfinfo", "-meta", str(pdf))
    fonts = tool("pdffonts", str(pdf)).splitlines()[2:]
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    part = re.search(r'pdfaid:part(?:="|>)(\d)', meta)
    conf = re.search(r'pdfaid:conformance(?:="|>)(\w)', meta)
    alts = 0
    if "/StructTreeRoot" in root:
        stack = [root["/StructTreeRoot"]]
        while stack:
            node = stack.pop()
            node = node.get_object() if hasattr(node, "get_object") else node
            if isinstance(node, dict):
                alts += 1 if node.get("/S") == "/Figure" and "/Alt" in node else 0
                kids = node.get("/K")
                if kids is not None:
                    kids = kids.get_object() if hasattr(kids, "get_object") else kids
                    stack += list(kids) if isinstance(kids, list) else [kids]
    return {
        "pages": int(re.search(r"Pages:\s+(\d+)", info).group(1)),
        "bytes": pdf.stat().st_size,
        "producer": (re.search(r"(?:Producer|Creator):\s+(.*)", info) or [None, "?"])[1],
        "pdfa": f"PDF/A-{part.group(1)}{conf.group(1).lower()}" if part and conf else "none",
        "tagged": "Tagged:          yes" in info,
        "lang": str(root.get("/Lang", "")),
        "output_intent": "/OutputIntents" in root,
        "fonts": sorted({f.split()[0].split("+")[-1] for f in fonts if f.strip()}),
        "all_embedded": all(" yes " in f[50:] for f in fonts) if fonts else False,
        "figure_alt": alts,
        "text": tool("pdftotext", "-layout", str(pdf), "-"),
        "dates": re.findall(r"(CreationDate|ModDate):\s+(.*)", info),
    }


def words(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"[\w.,%+−–*/÷=:;()-]+", text.replace("\u00ad", "")))


def png(pdf: Path, prefix: str) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), prefix], check=False)


def run_worker(kind: str, spec: Path, runs: int, tag: str) -> dict:
    done = subprocess.run([PY, __file__, "--worker", kind, "--spec", str(spec), "--runs", str(runs),
                           "--tag", tag], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"worker {kind} gagal:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build_release(out: Path, name: str) -> Path:
    print(f"membangun brief {name} ke {out} …", file=sys.stderr)
    subprocess.run([PY, "build.py", "--only", name, "--out", str(out)], cwd=ROOT, check=True)
    return next(out.glob("*/manifest.json")).parent


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--release", type=Path, help="a built release folder (default: build one brief)")
    ap.add_argument("--brief", default="sitiung", help="slug of the kecamatan brief (default sitiung)")
    ap.add_argument("--runs", type=int, default=9, help="warm runs per engine (default 9)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"PDFs and pictures (default {DEFAULT_OUT})")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--spec", help=argparse.SUPPRESS)
    ap.add_argument("--tag", default="a", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        fn = {"weasy": worker_weasy, "typst": worker_typst, "typst-cold": worker_typst_cold,
              "typst-fork": worker_typst_fork}[args.worker]
        print(json.dumps(fn(args)))
        return

    try:
        import typst  # noqa: F401
    except ImportError:
        sys.exit("paket typst belum terpasang: .venv/bin/pip install typst")
    release = args.release or build_release(Path(tempfile.mkdtemp(prefix="typst-eval-build-")),
                                            args.brief.replace("-", " "))
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    html_file = release / "kecamatan" / f"{args.brief}.html"
    notebook = release / "notebooks" / f"{args.brief}.ipynb"
    weasy_pdf = release / "kecamatan" / f"{args.brief}.pdf"
    parameters = manifest["provenance"]["parameters"]  # what the build used: organizers, date
    authors, date = list(parameters.get("organizers", [])), parameters["date"]

    out = args.out
    if out.is_dir() and any(out.iterdir()) and not (out / "spec.json").is_file():
        sys.exit(f"{out} tidak kosong dan bukan keluaran typst_eval: pilih --out lain")
    shutil.rmtree(out, ignore_errors=True)  # an earlier run's
    out.mkdir(parents=True)
    folder = out / "weasy-base"
    folder.mkdir()
    spec = out / "spec.json"
    spec.write_text(json.dumps({"html": str(html_file), "notebook": str(notebook), "folder": str(folder),
                                "out": str(out), "title": frame_from_html(html_file.read_text("utf-8"))["title"],
                                "authors": authors, "date": date}), encoding="utf-8")

    w1 = run_worker("weasy", spec, args.runs, "a")
    run_worker("weasy", spec, 1, "b")  # a second process: are its bytes the same?
    t1 = run_worker("typst", spec, args.runs, "a")
    typst_folder = next(p for p in out.glob("typst-*") if p.is_dir())
    spec_data = json.loads(spec.read_text(encoding="utf-8")) | {"typst_folder": str(typst_folder)}
    spec.write_text(json.dumps(spec_data), encoding="utf-8")
    colds = [run_worker("typst-cold", spec, 1, f"c{i}") for i in range(max(3, args.runs // 3))]
    forked = run_worker("typst-fork", spec, args.runs, "a")

    # ---- speed ----
    cold_typst = statistics.median(c["cold"] for c in colds)
    scan = statistics.median(c["compiler"] for c in colds)
    imp = statistics.median(c["import"] for c in colds)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n## Speed: {html_file.relative_to(release.parent)} ({args.runs} warm runs, medians, ms; "
          f"{os.cpu_count()} cores, load average {load})\n")
    print("| engine | import | cold (first render in a fresh process) | warm (same process) |")
    print("|---|---:|---:|---:|")
    for key, label in (("production", "WeasyPrint as built (`weasy.pdf_bytes`, fork per render, PDF/A-2u)"),
                       ("inprocess", "WeasyPrint in-process (no fork), PDF/A-2u"),
                       ("tagged", "WeasyPrint in-process, PDF/A-2u + `pdf_tags=True`")):
        print(f"| {label} | {ms(w1['import'])} | {ms(w1[key]['cold'])} | {ms(w1[key]['warm'])} |")
    print(f"| Typst (`typst` {_typst_version()}), PDF/A-2u: font scan + compile | {ms(imp)} | "
          f"{ms(scan)} + {ms(cold_typst)} = {ms(scan + cold_typst)} | {ms(t1['warm'])} |")
    print(f"| Typst under the build's limits (fork per compile, fonts scanned in each child) | {ms(imp)} | "
          f"{ms(forked['cold'])} | {ms(forked['warm'])} |")
    print(f"\nTypst aside: identical input recompiled (memoized) {ms(t1['memoized'])} ms; a second "
          f"Compiler in a warm process {ms(t1['second_compiler'])} ms; A-2u + UA-1 {ms(t1['ua_extra'])} ms; "
          f"notebook → Typst source (prototype writer) {ms(t1['convert'])} ms the first time (reading the "
          f"notebook too), {ms(t1['convert_again'])} ms on a notebook in memory.")
    if t1["notices"]:
        print("Typst writer left out: " + "; ".join(t1["notices"]))
    if t1["warnings"]:
        print("Typst warnings: " + "; ".join(t1["warnings"]))

    # ---- quality ----
    wp, tp = out / "weasy-production-a.pdf", out / "typst-a.pdf"
    shutil.copyfile(weasy_pdf, out / "weasy-release.pdf")
    W, T, G = read_back(wp), read_back(tp), read_back(out / "weasy-tagged-a.pdf")
    digest = lambda f: hashlib.sha256(f.read_bytes()).hexdigest()
    same_w = digest(wp) == digest(out / "weasy-production-b.pdf")  # two processes
    same_g = digest(out / "weasy-tagged-a.pdf") == digest(out / "weasy-tagged-b.pdf")
    same_t = len({digest(f) for f in [tp, out / "typst-fork-a.pdf", *out.glob("typst-cold-c*.pdf")]}) == 1
    same_release = wp.read_bytes() == weasy_pdf.read_bytes()
    ww, tw = words(W["text"]), words(T["text"])
    print("\n## What a reader gets\n")
    print("| | WeasyPrint (as built) | WeasyPrint + `pdf_tags=True` | Typst (prototype) |")
    print("|---|---|---|---|")
    fonts = lambda r: f"{', '.join(r['fonts'])} (all embedded: {r['all_embedded']})"
    rows = [(name, *(r[key] for r in (W, G, T))) for name, key in (
        ("pages", "pages"), ("size (bytes)", "bytes"), ("PDF/A claim (XMP)", "pdfa"),
        ("output intent", "output_intent"), ("tagged (structure tree)", "tagged"),
        ("figures with /Alt", "figure_alt"), ("/Lang", "lang"), ("Creator (pdfinfo)", "producer"))]
    rows += [("fonts", fonts(W), fonts(G), fonts(T)),
             ("dates in the PDF", W["dates"] or "none", G["dates"] or "none", T["dates"] or "none"),
             ("byte-identical across processes", same_w, same_g, same_t)]
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print(f"\nWeasyPrint PDF here == the release's PDF: {same_release}")
    missing = ww - tw
    extra = tw - ww
    print(f"Words extracted: WeasyPrint {sum(ww.values())}, Typst {sum(tw.values())}; "
          f"only in WeasyPrint: {dict(missing.most_common(15))}; only in Typst: {dict(extra.most_common(15))}")
    for pdf in (wp, tp, out / "typst-ua-a.pdf"):
        png(pdf, str(out / pdf.stem))
    (out / "weasy.txt").write_text(W["text"], encoding="utf-8")
    (out / "typst.txt").write_text(T["text"], encoding="utf-8")
    print(f"\nPDFs, pictures (pdftoppm -r 60), extracted text and the Typst source: {out}")


def _typst_version() -> str:
    from importlib.metadata import version

    return version("typst")


if __name__ == "__main__":
    main()
