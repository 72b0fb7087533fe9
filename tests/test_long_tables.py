"""A long table continues on the next page; a short one moves there whole.

Real pages: `nb.tabel`'s HTML in the brief's page frame, rendered by WeasyPrint and read
back page by page; and real builds of a kecamatan with 14 nagari, which ran to a third
page while its table moved whole to page 2 and left a third of page 1 blank, and with 17,
which ran to a third page until long tables and per-nagari charts were made tighter.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pikepdf
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from briefs import cli, params, paths
from briefs.notebook import styler, tables
from briefs.render import html as render
from briefs.render import page as page_frame
from briefs.render import weasy
from tests.test_pdf_tags import elements, marked_text, page_numbers, tag, text_of


def nagari_table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"nagari": [f"Nagari Uji {i:02d}" for i in range(1, n + 1)],
                         "angkatan_kerja": [1000 + i for i in range(n)], "cakupan": [0.2] * n}).set_index("nagari")


def table_html(n: int, miring=None) -> str:
    html, _ = tables.tabel(nagari_table(n), jumlah={"cakupan": 0.2}, miring=miring)._repr_html_()
    return html


def test_a_short_table_is_one_group_and_a_long_one_four_with_its_total_once():
    short = BeautifulSoup(table_html(tables.CONTINUES_FROM - 1), "html.parser")
    assert short.table["class"] == ["rk-table"] and len(short.find_all("tbody")) == 1
    assert not short.tbody.get("class")
    odd = [i % 2 == 1 for i in range(20)]
    long = BeautifulSoup(table_html(20, miring=odd), "html.parser")
    assert "rk-bersambung" in long.table["class"]
    groups = long.find_all("tbody")
    assert [len(g.find_all("tr")) for g in groups] == [1, 2, 14, 3]
    assert [g.get("class") for g in groups] == [None, ["rk-lekat"], None, ["rk-utuh"]]
    rows = [tr for g in groups for tr in g.find_all("tr")]  # in order, and italic by their own number
    assert [tr.th.text for tr in rows] == [f"Nagari Uji {i:02d}" for i in range(1, 21)]
    assert [tr.get("class") == ["rk-miring"] for tr in rows] == odd
    assert [td.text for td in long.tfoot.find_all("td")][:2] == ["Jumlah", "20.190"]


def pages_of(html: str, folder: Path) -> list[str]:
    weasy.write_pdf(html, folder / "page.pdf", base_dir=folder, title="uji")
    return [p.extract_text() for p in PdfReader(folder / "page.pdf").pages]


def page_with(filler_lines: int, table: str) -> str:
    """A brief page: `filler_lines` paragraphs, then the table as `nb.tabel` shows it."""
    meeting = params.load(paths.DEFAULT_PARAMS)
    page = page_frame.page_for(meeting, kind="brief", title="Kecamatan Uji", build_id="b-uji")
    nb = new_notebook(cells=[
        new_markdown_cell("\n\n".join(f"Baris pengisi {i}." for i in range(filler_lines))),
        new_markdown_cell("## Rincian per nagari"),
        new_code_cell("nb.tabel(tabel)", outputs=[new_output("display_data", data={"text/html": table})]),
    ])
    return render.notebook_html(nb, page)[0]


def rows_on(text: str) -> list[int]:
    return [i for i in range(1, 41) if f"Nagari Uji {i:02d}" in text]


# Paragraphs above the table: room left on page 1 for most of its rows, for about half, and
# for all but its last three (each calibrated on the page frame; a wrong guess fails loudly).
@pytest.mark.parametrize("filler", [18, 22, 27])
def test_a_long_table_starts_where_there_is_room_and_continues_under_its_header(tmp_path, filler):
    first, second, *rest = pages_of(page_with(filler, table_html(20)), tmp_path)
    assert not rest
    on_first, on_second = rows_on(first), rows_on(second)
    assert on_first + on_second == list(range(1, 21))  # every row once, in order, none lost at the break
    assert len(on_first) >= tables.KEPT_TOGETHER and len(on_second) >= tables.KEPT_TOGETHER
    assert "Rincian per nagari" in first and "Angkatan kerja" in first and "Angkatan kerja" in second
    assert "Jumlah" not in first and second.count("Jumlah") == 1  # the total once, after the last row


def test_a_continued_table_is_tagged_as_one_table_read_once_in_order(tmp_path):
    """WeasyPrint builds the structure tree page by page: each page's part of the table was a
    /Table of its own, its header row read again. Now one /Table holds every row in order,
    each data cell names header cells of that table, and the header row repeated on page 2
    is a pagination artifact: printed, not read out. Every marked content on either page
    belongs to an element in the tree, or is an artifact."""
    pages_of(page_with(20, table_html(20)), tmp_path)
    path = tmp_path / "page.pdf"
    pdf = pikepdf.open(path)
    root = pdf.Root.StructTreeRoot
    ids = dict(pikepdf.NameTree(root.IDTree).items())
    (table,) = [e for e in elements(root) if tag(e) == "/Table"]
    cells = list(elements(table))
    assert tag(table.K[0]) == "/THead" and [tag(e) for e in cells].count("/THead") == 1
    pages = page_numbers(pdf)
    assert {pages[e.Pg.objgen] for e in cells if "/Pg" in e} == {0, 1}  # rows of both pages, in this one table
    row_names = [text_of(path, c) for c in cells if tag(c) == "/TH" and text_of(path, c).startswith("Nagari Uji")]
    assert row_names == [f"Nagari Uji {i:02d}" for i in range(1, 21)]  # each row once, in order
    own = {c.objgen for c in cells if tag(c) == "/TH"}
    named = [c for c in cells if tag(c) == "/TD" and "/Headers" in c.get("/A", {})]
    assert len(named) >= 20 and all(ids[str(key)].objgen in own for c in named for key in c.A.Headers)
    # page 2: the repeated header row is printed outside every marked content; each MCID has its element
    in_tree = {e.objgen for e in elements(root)}
    parents = pikepdf.NumberTree(root.ParentTree)
    for number in (0, 1):
        texts = marked_text(path, number)
        shown = [mcid for mcid in texts if mcid is not None]
        elements_of_page = parents[int(pdf.pages[number].obj.StructParents)]
        assert all(elements_of_page[mcid].objgen in in_tree for mcid in shown)
    assert "Angkatan kerja" in marked_text(path, 1)[None]  # the artifact's text, as printed
    assert text_of(path, table).count("Angkatan kerja") == 1  # read out once


@pytest.mark.parametrize("rows, filler", [(20, 20), (80, 0)])
def test_a_long_styler_table_continues_as_nb_tabel_does(tmp_path, rows, filler):
    """A Styler moved whole whatever its length: 20 rows below two thirds of a page left that
    third blank, and 80 rows left its heading alone on page 2, its rows on pages 3 and 4.
    Grouped as `nb.tabel` groups its rows, it starts under its heading and continues."""
    frame = nagari_table(rows).reset_index()
    html, _ = styler.styler_html(frame.style.highlight_max(subset=["angkatan_kerja"]))
    assert "rk-bersambung" in html and "background-color" in html  # the analyst's cell style kept
    texts = pages_of(page_with(filler, html), tmp_path)
    on = [[i for i in range(1, rows + 1) if f"Nagari Uji {i:02d}" in text] for text in texts]
    assert len(texts) == 2 and on[0] + on[1] == list(range(1, rows + 1))  # every row once, in order
    assert "Rincian per nagari" in texts[0] and min(map(len, on)) >= tables.KEPT_TOGETHER


@pytest.mark.parametrize("kind", ["raw HTML", "MultiIndex Styler"])
def test_a_long_table_nobody_grouped_starts_under_its_heading(tmp_path, kind):
    """`HTML(df.to_html())` and a Styler whose index spans rows are not grouped, and moved
    whole: at 80 rows the heading sat alone on page 2, the rows on pages 3 and 4. Now such a
    table breaks between its rows: it starts under its heading, every row once and in order."""
    frame = nagari_table(80).reset_index()
    if kind == "raw HTML":
        html = frame.to_html(index=False)
    else:
        two_levels = frame.set_index(pd.MultiIndex.from_product([["Satu", "Dua"], range(40)]))
        html, _ = styler.styler_html(two_levels.style)
        assert "rowspan" in html and "rk-bersambung" not in html
    texts = pages_of(page_with(0, html), tmp_path)
    on = [[i for i in range(1, 81) if f"Nagari Uji {i:02d}" in text] for text in texts]
    assert [i for page in on for i in page] == list(range(1, 81)) and len(texts) <= 3
    assert "Rincian per nagari" in texts[0] and len(on[0]) >= 20


# Room left on page 1 for all but two rows of a raw 20-row table, for two rows, for one: it
# broke between any two rows and left those two or one alone on a page (calibrated on the
# page frame before the change: 18 + 2, 2 + 18, 1 + 19).
@pytest.mark.parametrize("filler", [14, 29, 30])
def test_a_long_raw_table_keeps_its_first_and_last_rows_together_in_threes(tmp_path, filler):
    """`HTML(df.to_html())` is grouped as `nb.tabel` groups its rows (`tables.regrouped`):
    wherever it breaks, no page holds fewer than three of its rows, and where its first three
    do not fit it moves whole with its heading."""
    texts = pages_of(page_with(filler, nagari_table(20).reset_index().to_html(index=False)), tmp_path)
    on = [[i for i in range(1, 21) if f"Nagari Uji {i:02d}" in text] for text in texts]
    holding = [rows for rows in on if rows]
    assert [i for rows in holding for i in rows] == list(range(1, 21))  # every row once, in order
    assert min(map(len, holding)) >= tables.KEPT_TOGETHER, [len(rows) for rows in on]
    (heading,) = [i for i, text in enumerate(texts) if "Rincian per nagari" in text]
    assert on[heading], "the heading alone on its page, the table on the next"


def test_a_table_whose_rows_span_rows_is_not_regrouped():
    """A span cannot cross from one group to the next: a MultiIndex table keeps its one body."""
    two_levels = nagari_table(20).reset_index().set_index(pd.MultiIndex.from_product([["Satu", "Dua"], range(10)]))
    assert tables.regrouped(two_levels.to_html()) is None
    assert tables.regrouped(nagari_table(20).to_html()).count("<tbody") == 4
    assert tables.regrouped(nagari_table(11).to_html()) is None  # short: moved whole


def test_two_long_tables_stay_two_tables_each_joined_across_its_pages(tmp_path):
    """Parts are joined by the HTML table they come from: a table with a header row and one
    without, each over two pages, give two /Table elements, each with its own rows in order."""
    def rows(name: str, n: int) -> str:
        return "".join(f"<tr><th scope='row'>{name} {i:02d}</th><td>{i}</td></tr>" for i in range(1, n + 1))

    long = "class='rk-table rk-bersambung'"  # as nb.tabel and a Styler mark a table that may continue
    html = page_with(0, f"<table {long}><thead><tr><th>Nagari</th><th>Nilai</th></tr></thead><tbody>"
                        f"{rows('Alfa', 70)}</tbody></table><table {long}><tbody>{rows('Beta', 70)}</tbody></table>")
    texts = pages_of(html, tmp_path)

    def page_of(row: str) -> int:
        (page,) = [i for i, text in enumerate(texts) if row in text]
        return page

    assert page_of("Alfa 01") < page_of("Alfa 70") == page_of("Beta 01") < page_of("Beta 70")  # each over a break
    path = tmp_path / "page.pdf"
    pdf = pikepdf.open(path)
    root = pdf.Root.StructTreeRoot
    alfa, beta = [e for e in elements(root) if tag(e) == "/Table"]
    for table, name in ((alfa, "Alfa"), (beta, "Beta")):
        names = [text_of(path, c) for c in elements(table) if tag(c) == "/TH" and text_of(path, c).startswith(name)]
        assert names == [f"{name} {i:02d}" for i in range(1, 71)]
    assert [tag(k) for k in alfa.K].count("/THead") == 1 and "/THead" not in [tag(k) for k in beta.K]


@pytest.mark.parametrize("rows", [tables.CONTINUES_FROM - 1, 20])
def test_a_table_whose_first_rows_do_not_fit_moves_whole_with_its_heading(tmp_path, rows):
    first, second = pages_of(page_with(32, table_html(rows)), tmp_path)  # room for two rows at most
    assert rows_on(first) == [] and rows_on(second) == list(range(1, rows + 1))
    assert "Rincian per nagari" in second and "Rincian per nagari" not in first


# ---- real builds: a kecamatan of 14 or 17 nagari fits its two pages ----------------------------

SAMPLE = paths.ROOT / "data" / "sample"
SITIUNG = "13.10.04"


def letters(i: int) -> str:
    """A, B, ..., Z, then AA, AB, ...: a name of its own for each added nagari."""
    return chr(65 + i) if i < 26 else letters(i // 26 - 1) + chr(65 + i % 26)


def with_more_nagari(folder: Path, code: str, extra: int) -> None:
    """The sample, with `extra` more nagari in kecamatan `code`: copies of its first nagari's rows."""
    shutil.copytree(SAMPLE, folder)
    tables_ = {name: pd.read_csv(folder / f"{name}.csv", dtype=str)
               for name in ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai")}
    wilayah = tables_["wilayah"]
    model = wilayah[wilayah["kode_kecamatan"] == code].iloc[0]
    for i in range(extra):
        new = f"{code}.{2101 + i}"
        row = model.copy()
        row["kode_nagari"], row["nagari"] = new, f"Nagari Tambahan {letters(i)}"
        row["kode_bps_nagari"] = f"{model['kode_bps_kecamatan']}{901 + i}"
        tables_["wilayah"] = pd.concat([tables_["wilayah"], row.to_frame().T])
        for name in ("angkatan_kerja", "kepesertaan", "agen_perisai"):
            frame = tables_[name]
            copies = frame[frame["kode_nagari"] == model["kode_nagari"]].assign(kode_nagari=new)
            tables_[name] = pd.concat([frame, copies])
    for name, frame in tables_.items():
        frame.to_csv(folder / f"{name}.csv", index=False)


def build_sitiung(tmp_path: Path, nagari: int, *options: str) -> Path:
    """A real build of Sitiung with `nagari` nagari; the release folder."""
    data = tmp_path / "data"
    wilayah = pd.read_csv(SAMPLE / "wilayah.csv", dtype=str)
    with_more_nagari(data, SITIUNG, nagari - int((wilayah["kode_kecamatan"] == SITIUNG).sum()))
    text = paths.DEFAULT_PARAMS.read_text(encoding="utf-8").replace("data: data/sample", f"data: {data}")
    meeting = tmp_path / "rakor.yml"
    meeting.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main([str(meeting), "--out", str(out), "--only", "Sitiung", "--jobs", "1", *options]) == 0
    return out / "rakor-2026-11"


@pytest.mark.parametrize("nagari", [14, 17, 18])
def test_a_kecamatan_of_up_to_eighteen_nagari_fits_two_pages(tmp_path, nagari):
    """14: the long table continues instead of moving whole. 17: it and the per-nagari
    charts are tighter past 12 rows and bars; at 16 and 17 the brief ran to a third page.
    18: the notes' own DATA CONTOH line spilled onto a third page holding nothing else;
    the page's frame marks every page, so the notes' mark shows only in JupyterLab."""
    have = int((pd.read_csv(SAMPLE / "wilayah.csv", dtype=str)["kode_kecamatan"] == SITIUNG).sum())
    release = build_sitiung(tmp_path, nagari, "--strict")
    pdf = PdfReader(release / "kecamatan" / "sitiung.pdf")
    assert len(pdf.pages) == 2  # --strict: a third page would have failed the build
    first, second = (p.extract_text() for p in pdf.pages)
    last = f"Nagari Tambahan {chr(64 + nagari - have)}"
    assert "Nagari Tambahan A" in first + second and last in first + second and "Jumlah" in second
    assert "Jejak: rapat rakor-2026-11" in second  # the notes, whole, on page 2
    assert all("DATA CONTOH — bukan data resmi" in text for text in (first, second))  # each page's foot


# ---- real builds: per-nagari charts of a very large kecamatan stay on their pages -------------

MM = 72 / 25.4  # PDF points in a millimetre


def images_per_page(pdf: Path) -> list[list[tuple[float, float]]]:
    """(bottom, top) in mm of every picture placed on each page, read back with PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [[(o.get_bounds()[1] / MM, o.get_bounds()[3] / MM)
                 for o in doc[i].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])] for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.parametrize("nagari", [50, 100])
def test_the_charts_of_a_very_large_kecamatan_stay_whole_on_their_pages(tmp_path, nagari):
    """50 nagari: the per-nagari chart moved to page 2 and left page 1 blank (5 pages); it
    now fits under the key figures. 100: it was taller than a page and ran off its foot, the
    lowest-coverage nagari cut off, with its heading alone on the page before (10 pages);
    now every chart lies inside its page's margins, beside its heading, and the labels it
    cannot keep apart at that size are reported."""
    release = build_sitiung(tmp_path, nagari)
    pdf = release / "kecamatan" / "sitiung.pdf"
    pages, texts = images_per_page(pdf), [p.extract_text() for p in PdfReader(pdf).pages]
    placed = [box for page in pages for box in page]
    assert len(placed) >= 3  # the two charts side by side and the BPU chart, each a picture
    assert all(bottom >= 20 - 0.5 and top <= 297 - 20 + 0.5 for bottom, top in placed)  # inside the margins
    for heading in ("Cakupan per nagari dan peserta aktif per segmen", "Agen Perisai dan pertumbuhan peserta BPU"):
        (where,) = [i for i, text in enumerate(texts) if heading in text]
        assert pages[where], f"{heading!r} alone on page {where + 1}, its chart on the next"
    warnings = [w["message"] for w in json.loads((release / "manifest.json").read_text(encoding="utf-8"))["warnings"]]
    crowded = [w for w in warnings if "saling bertumpuk" in w]
    if nagari == 50:
        assert pages[0] and not crowded and len(texts) <= 4
    else:
        assert crowded and "bagi menjadi dua grafik" in crowded[0] and len(texts) <= 7


def test_the_notes_that_do_not_fit_page_two_move_whole_to_the_next(tmp_path):
    """19 nagari: the notes' last three lines (source, target, trace) spilled alone onto a
    third page, away from their heading and definitions. The notes now keep together: the
    third page holds the whole section, heading first (and the build reports the third page)."""
    release = build_sitiung(tmp_path, 19)
    texts = [" ".join(p.extract_text().split()) for p in PdfReader(release / "kecamatan" / "sitiung.pdf").pages]
    assert len(texts) == 3
    assert texts[2].startswith("Catatan Definisi. Cakupan = peserta aktif"), texts[2][:120]  # heading, then the notes
    assert "Sumber dan periode." in texts[2] and "Jejak: rapat rakor-2026-11" in texts[2]
    assert "Catatan Definisi." not in texts[1] and "Sumber dan periode." not in texts[1]
