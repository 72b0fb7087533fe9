"""The Quarto engine's Typst partials (templates/quarto/*.typ) compiled by a real Typst.

Quarto cannot be installed here, so tests/test_quarto_cli.py runs the engine against a
stand-in and nothing compiled the partials. The `typst` package ships the Typst compiler
in its wheel: these tests fill a private folder exactly as the engine does
(`quarto.prepare`, for a Quarto that ships a Typst with `context`), take the front matter
it wrote into page-typst.ipynb, and assemble what Quarto's own typst template would hand
to Typst: typst-template.typ, the page set-up from _quarto.yml, typst-show.typ with
pandoc's template variables filled in (by `fill` below, a stand-in for pandoc's template
engine and Typst writer, covering what typst-show.typ uses), then a body written the way
pandoc writes one. The result is compiled and read back with pypdf.

Skipped, saying so, where the `typst` package is not installed (it is a test-only
dependency: the build never runs Typst itself; Quarto brings its own).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

typst = pytest.importorskip("typst", reason="the `typst` package (Typst compiler in a wheel) is not installed")

from pypdf import PdfReader  # noqa: E402

from briefs.render import quarto  # noqa: E402
from briefs.render.page import Page  # noqa: E402

HERE = Path(__file__).parent
EXECUTED = HERE / "fixtures" / "render" / "executed.ipynb"
CURRENT = quarto.Quarto(path="/opt/quarto/bin/quarto", version="1.6.40")  # ships Typst 0.12+


def page(title: str = "Kecamatan Sitiung", sample: bool = True, place: str = "Pulau Punjung") -> Page:
    return Page(kind="brief", title=title, meeting_title="Rapat Koordinasi Uji November 2026",
                date_text="Selasa, 24 November 2026", place=place, period_text="Oktober 2026",
                sample=sample, build_id="b1d-42", regency="Kabupaten Contoh")


# ---- a stand-in for pandoc: template variables and Typst-escaped text --------------------------

_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Characters with a meaning in Typst markup; pandoc's Typst writer escapes them (we escape a
# superset: an escaped punctuation character is always itself in Typst).
_TYPST_SPECIAL = re.compile(r"""([\\#$*_`<>@\[\]~"'=+/:-])""")


def typst_text(markdown_value) -> str:
    """A front-matter value as pandoc would put it into the Typst source.

    The engine wrote it as Markdown with every ASCII punctuation mark backslash-escaped
    (`quarto._md`); pandoc reads that back as plain text and writes it escaped for Typst.
    """
    if isinstance(markdown_value, bool):
        return "true" if markdown_value else "false"
    return _TYPST_SPECIAL.sub(r"\\\1", _MD_ESCAPE.sub(r"\1", str(markdown_value)))


_IF = re.compile(r"\$if\(([\w.-]+)\)\$(.*?)(?:\$else\$(.*?))?\$endif\$", re.S)
_VAR = re.compile(r"\$([\w.-]+)\$")


def fill(template: str, metadata: dict) -> str:
    """pandoc's `$if(a.b)$…$else$…$endif$` and `$a.b$`; anything else is a test failure.

    Strict on purpose: a variable typst-show.typ reads that the engine does not write
    fails here instead of turning silently into nothing.
    """

    def lookup(name: str):
        value = metadata
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def branch(m: re.Match) -> str:
        value = lookup(m.group(1))
        return m.group(2) if value not in (None, False, "") else (m.group(3) or "")

    def variable(m: re.Match) -> str:
        value = lookup(m.group(1))
        assert value is not None, f"typst-show.typ reads ${m.group(1)}$, which the front matter lacks"
        return typst_text(value)

    text = _VAR.sub(variable, _IF.sub(branch, template))  # (no literal `$$` in our partials)
    leftover = re.search(r"\$(?:for|if|else|endif|endfor|sep)\b[^$]*\$", text)
    assert leftover is None, f"the pandoc stand-in does not know {leftover.group(0)}"
    return text


# ---- what Quarto would hand to Typst --------------------------------------------------------

def page_setup(settings: dict) -> str:
    """Quarto's own page set-up from `format: typst:` in _quarto.yml (before typst-show.typ)."""
    margin = settings.get("margin", {})
    pairs = ", ".join(f"{k}: {v}" for k, v in margin.items())
    return f'#set page(paper: "{settings.get("papersize", "us-letter")}", margin: ({pairs},), numbering: none)\n'


# The notebook's outputs as pandoc writes them into Typst: headings, a chart as an image with
# its alt text, a table, a div as a block, and a page break as an analyst's tag would ask.
BODY = r"""
== Angka kunci
<angka-kunci>
#block[
Angkatan kerja 6.338 · Peserta aktif 1.726 · *Cakupan 27,2%*
]
== Cakupan per nagari
<cakupan-per-nagari>
#box(image("grafik.png", alt: "Cakupan per nagari di Kecamatan Sitiung"))

#table(
  columns: 3,
  align: (auto,right,right,),
  table.header([Nagari], [Peserta aktif], [Cakupan],),
  table.hline(),
  [Sitiung], [451], [31,2%],
  [Siguntur], [519], [29,0%],
)
#pagebreak()
== Catatan
<catatan>
Cakupan = peserta aktif ÷ angkatan kerja.
"""


def assemble(folder: Path) -> Path:
    """main.typ in `folder` (filled by quarto.prepare): Quarto's typst template, in its order."""
    front = nbformat.read(str(folder / "page-typst.ipynb"), as_version=4).cells[0].source
    metadata = yaml.safe_load(front.strip().strip("-"))
    settings = yaml.safe_load((folder / "_quarto.yml").read_text(encoding="utf-8"))["format"]["typst"]
    partials = settings["template-partials"]
    assert partials == ["typst-template.typ", "typst-show.typ"]
    from PIL import Image

    Image.new("L", (240, 120), 200).save(folder / "grafik.png")
    source = "\n".join([
        (folder / "typst-template.typ").read_text(encoding="utf-8"),
        page_setup(settings),
        fill((folder / "typst-show.typ").read_text(encoding="utf-8"), metadata),
        BODY,
    ])
    (folder / "main.typ").write_text(source, encoding="utf-8")
    return folder / "main.typ"


def compiled(tmp_path: Path, the_page: Page) -> tuple[PdfReader, list[str]]:
    folder = tmp_path / "brief"
    folder.mkdir()
    nb = nbformat.read(str(EXECUTED), as_version=4)
    quarto.prepare(folder, nb, the_page, CURRENT)
    main = assemble(folder)
    pdf, warnings = typst.Compiler(main, root=folder).compile_with_warnings(format="pdf")
    (folder / "page.pdf").write_bytes(pdf)
    return PdfReader(folder / "page.pdf"), [w.message for w in warnings]


def text_of(reader: PdfReader) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in reader.pages]


# ---- the tests ------------------------------------------------------------------------------

def test_partials_compile_with_header_mark_and_page_numbers_on_every_page(tmp_path):
    reader, warnings = compiled(tmp_path, page())

    # The font list names Typst 0.10's "Linux Libertine" for Quarto 1.4; a newer Typst only
    # warns that it does not know it. Anything else Typst says is a finding.
    assert [w for w in warnings if not w.startswith("unknown font family")] == []
    pages = text_of(reader)
    assert len(pages) == 2
    for n, text in enumerate(pages, start=1):
        assert f"Halaman {n} dari 2" in text
        assert "Rakor Uji November 2026" in text and "Kecamatan Sitiung" in text  # running header
        assert "DATA CONTOH — bukan data resmi · Data per Oktober 2026 · build b1d-42" in text
    first, last = pages
    assert "Kabupaten Contoh · Brief cakupan BPJS Ketenagakerjaan" in first
    assert "Rapat Koordinasi Uji November 2026" in first
    assert "Selasa, 24 November 2026 · Pulau Punjung · Data per Oktober 2026" in first
    assert "Sitiung 451 31,2%" in first  # the body's table
    assert "Rapat Koordinasi Uji November 2026 · Data per Oktober 2026 · build b1d-42" in last  # provenance
    assert reader.metadata.title == "Kecamatan Sitiung"
    assert reader.metadata.creation_date is None  # `date: none`: the same notebook, the same file


def test_partials_without_sample_data_show_no_mark(tmp_path):
    reader, _ = compiled(tmp_path, page(sample=False))

    text = " ".join(text_of(reader))
    assert "DATA CONTOH" not in text
    assert "Data per Oktober 2026 · build b1d-42" in text and "Halaman 1 dari 2" in text


def test_partials_keep_hostile_metadata_as_text(tmp_path):
    title = 'Kecamatan #set page(width: 1cm) $x$ *tebal* <label> @ref ]['
    reader, _ = compiled(tmp_path, page(title=title, place='Aula "Bupati": Lantai 2 \\ Timur'))

    text = " ".join(text_of(reader))
    assert title in text  # in the title block and the running header: shown, never run
    assert 'Aula "Bupati": Lantai 2 \\ Timur' in text
    assert reader.metadata.title == title
    assert abs(float(reader.pages[0].mediabox.width) - 595.28) < 0.5  # still A4: no code ran


def test_page_numbers_for_quarto_1_4_need_its_typst_0_10(tmp_path):
    """halaman-lama.typ is Typst 0.10's way (Quarto 1.4); a Typst with `context` refuses it,
    which is why quarto.prepare picks the file by Quarto's version."""
    folder = tmp_path / "lama"
    folder.mkdir()
    quarto.prepare(folder, nbformat.read(str(EXECUTED), as_version=4), page(), quarto.Quarto("/q", "1.4.550"))
    assert (folder / "rk-halaman.typ").read_text(encoding="utf-8") == \
        (quarto.TEMPLATES / "halaman-lama.typ").read_text(encoding="utf-8")
    with pytest.raises(typst.TypstError, match="context"):
        typst.Compiler(assemble(folder), root=folder).compile(format="pdf")
    shutil.copyfile(quarto.TEMPLATES / "halaman-context.typ", folder / "rk-halaman.typ")
    assert typst.Compiler(folder / "main.typ", root=folder).compile(format="pdf").startswith(b"%PDF")
