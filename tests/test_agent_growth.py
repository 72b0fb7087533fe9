"""Perisai agents and BPU growth on the pages, and charts whose alt text states their finding.

The comparison's numbers are computed here again, straight from the sample CSVs with
pandas (not through `briefs`), and looked for on the pages as a reader gets them: the
HTML's text and the PDF's text. The cases without a comparison (a kecamatan whose nagari
all have an agent, a group without BPU participants at the start) run the real brief
notebook on the mini data. Every brief of the sample stays within two A4 pages: the one
full build of this file.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from briefs import cli, data, fmt, paths
from tests.helpers import MINI, meeting

pytestmark = pytest.mark.slow

SAMPLE = paths.ROOT / "data" / "sample"
CAVEAT = "Ini keterkaitan, bukan bukti sebab akibat: nagari dengan agen bisa berbeda dalam hal lain."
FIGURE = re.compile(r"[+−-]?\d{1,3}(?:\.\d{3})+|[+−-]?\d+,\d+%?")  # 2.904, 29,9%, −0,1%: formatted, not a year


# ---- the comparison, computed again from the CSVs --------------------------------------------

def data_period() -> str:
    return yaml.safe_load(paths.DEFAULT_PARAMS.read_text(encoding="utf-8"))["period"]


def growth_by_group(kecamatan: str | None = None) -> dict[bool, dict]:
    """BPU participants at both ends of the 12-month window, nagari with vs without an agent in the data period."""
    end = data_period()
    start = str(pd.Period(end, "M") - 11)
    read = {"dtype": {"kode_nagari": str, "periode": str, "kode_kecamatan": str}}
    kep = pd.read_csv(SAMPLE / "kepesertaan.csv", **read)
    agen = pd.read_csv(SAMPLE / "agen_perisai.csv", **read)
    wilayah = pd.read_csv(SAMPLE / "wilayah.csv", **read)
    if kecamatan:
        wilayah = wilayah[wilayah["kecamatan"] == kecamatan]
    agents = agen[agen["periode"] == end].groupby("kode_nagari")["agen_aktif"].sum()
    reported = set(kep.loc[kep["periode"] == start, "kode_nagari"]) & set(kep.loc[kep["periode"] == end, "kode_nagari"])
    bpu = kep[kep["segmen"] == "BPU"].groupby(["periode", "kode_nagari"])["peserta_aktif"].sum()
    groups = {}
    for with_agent in (True, False):
        codes = [c for c in wilayah["kode_nagari"] if (agents.get(c, 0) > 0) == with_agent]
        counted = [c for c in codes if c in reported]
        first, last = (int(sum(bpu.get((p, c), 0) for c in counted)) for p in (start, end))
        groups[with_agent] = {"nagari": len(codes), "counted": len(counted), "start": first, "end": last,
                              "growth": last / first - 1 if first else None}
    return groups


def sentence(group: dict, with_agent: bool) -> str:
    """The page's words for one group: '+29,9% di 19 nagari dengan agen Perisai aktif (2.904 menjadi 3.772)'."""
    growth = "–" if group["growth"] is None else fmt.angka_bertanda(group["growth"] * 100, 1) + "%"
    who = "dengan agen Perisai aktif" if with_agent else "tanpa agen"
    return f"{growth} di {group['counted']} nagari {who} ({fmt.angka(group['start'])} menjadi {fmt.angka(group['end'])})"


def flat(text: str) -> str:
    return " ".join(text.split())


def page_text(html: Path) -> str:
    """What a reader sees of an HTML page (alt text is not in it)."""
    return flat(BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").get_text(" "))


def pdf_text(pdf: Path) -> tuple[int, str]:
    reader = PdfReader(pdf)
    return len(reader.pages), flat(" ".join(p.extract_text() for p in reader.pages))


# ---- the summary and the two briefs of small_release -------------------------------------------

def test_summary_shows_the_growth_of_both_groups_as_the_csvs_give_it(small_release):
    groups = growth_by_group()
    assert groups[True]["growth"] is not None and groups[False]["growth"] is not None
    html = page_text(small_release / "ringkasan-kabupaten.html")
    _, pdf = pdf_text(small_release / "ringkasan-kabupaten.pdf")
    for with_agent, group in groups.items():
        assert group["counted"] == group["nagari"]  # the sample reports every nagari at both ends
        assert sentence(group, with_agent) in html, sentence(group, with_agent)
        assert sentence(group, with_agent) in pdf, sentence(group, with_agent)
    for text in (html, pdf):
        assert CAVEAT in text
        assert f"Dengan agen: ada agen Perisai aktif pada {fmt.periode(data_period())}" in text  # the definition


@pytest.mark.parametrize("name", ["Sitiung", "Koto Baru"])
def test_brief_shows_its_own_kecamatan_comparison_and_the_caveat(small_release, name):
    groups = growth_by_group(name)
    html = page_text(small_release / "kecamatan" / f"{paths.slug(name)}.html")
    pages, pdf = pdf_text(small_release / "kecamatan" / f"{paths.slug(name)}.pdf")
    assert pages <= 2
    for text in (html, pdf):
        assert CAVEAT in text
        for with_agent, group in groups.items():
            assert sentence(group, with_agent) in text


def _alts(html: Path) -> list[str]:
    return [img.get("alt", "") for img in BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser").find_all("img")]


@pytest.mark.parametrize("page", ["ringkasan-kabupaten.html", "kecamatan/sitiung.html", "kecamatan/koto-baru.html"])
def test_every_chart_alt_text_states_its_finding_with_figures_on_the_page(small_release, page):
    path = small_release / page
    text = page_text(path)
    alts = _alts(path)
    assert len(alts) == 3  # two charts and the growth chart
    for alt in alts:
        assert ": " in alt, alt  # a finding after the title, not the title alone
        figures = FIGURE.findall(alt)
        assert any(f in text for f in figures), alt
        percents = [f for f in figures if f.endswith("%")]  # every share it states is one the page states
        assert all(p in text for p in percents), (alt, [p for p in percents if p not in text])


def _pdf_alts(pdf: Path) -> list[str]:
    """Every /Alt in the PDF's structure tree."""
    import pikepdf

    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/Alt" in node:
                found.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    with pikepdf.open(pdf) as doc:
        walk(doc.Root.get("/StructTreeRoot", pikepdf.Dictionary()))
    return found


@pytest.mark.parametrize("page", ["ringkasan-kabupaten", "kecamatan/sitiung"])
def test_the_tagged_pdf_gives_each_chart_the_same_finding(small_release, page):
    html_alts = _alts(small_release / f"{page}.html")
    assert set(html_alts) <= set(_pdf_alts(small_release / f"{page}.pdf"))


# ---- the longest briefs of the sample: one build -----------------------------------------------

LONGEST = 4  # kecamatan with the most nagari: the longest tables, charts and lists (the page budget's risk)


@pytest.fixture(scope="module")
def full_release(tmp_path_factory) -> Path:
    """The LONGEST kecamatan by number of nagari, plus Koto Salak (no agent at all): not all 11,
    to keep the suite within its time (Sitiung and Koto Baru are checked on small_release)."""
    wilayah = pd.read_csv(SAMPLE / "wilayah.csv", dtype=str)
    sizes = wilayah.groupby("kecamatan").size().sort_values(ascending=False, kind="stable")
    names = list(dict.fromkeys([*sizes.index[:LONGEST], "Koto Salak"]))
    out = tmp_path_factory.mktemp("alle")
    args = [str(paths.DEFAULT_PARAMS), "--out", str(out), "--jobs", "2"] + [a for n in names for a in ("--only", n)]
    assert cli.main(args) == 0
    return out / "rakor-2026-11"


def test_the_longest_briefs_fit_two_pages_and_show_the_comparison_their_numbers_allow(full_release):
    manifest = json.loads((full_release / "manifest.json").read_text(encoding="utf-8"))
    briefs = [a for a in manifest["artifacts"] if a["kind"] == "brief" and a["path"].endswith(".pdf")]
    assert LONGEST <= len(briefs) <= LONGEST + 1 and "Koto Salak" in {a["kecamatan"] for a in briefs}
    assert not [w for w in manifest.get("warnings", []) if "halaman A4" in w["message"]]
    alone = []
    for art in briefs:
        name = art["kecamatan"]
        pages, pdf = pdf_text(full_release / art["path"])
        assert pages <= 2, name
        groups = growth_by_group(name)
        html = full_release / art["path"].replace(".pdf", ".html")
        if groups[True]["nagari"] and groups[False]["nagari"]:
            assert CAVEAT in pdf and all(sentence(g, a) in pdf for a, g in groups.items()), name
            assert len(_alts(html)) == 3, name
        else:  # nothing to compare with inside the kecamatan: one sentence, no chart, no caveat
            alone.append(name)
            n = groups[True]["nagari"] + groups[False]["nagari"]
            expected = (f"Semua {n} nagari" if groups[True]["nagari"] else f"Tidak satu pun dari {n} nagari")
            assert f"{expected} di kecamatan ini memiliki agen Perisai aktif" in pdf, name
            assert CAVEAT not in pdf and len(_alts(html)) == 2, name
    assert alone  # the sample has one (Koto Salak, no agent): this branch is exercised


# ---- no comparison to draw, or a group with nothing to divide by: the mini data ----------------

@pytest.fixture(scope="module")
def mini_briefs(tmp_path_factory) -> dict[str, nbformat.NotebookNode]:
    """The brief notebook on the mini data plus November 2025 rows: Pulau Punjung's one nagari has
    an agent; in Koto Baru the nagari with an agent has no BPU participant at the start."""
    root = tmp_path_factory.mktemp("mini-bpu")
    folder = root / "data"
    shutil.copytree(MINI, folder)
    kep = folder / "kepesertaan.csv"
    kep.write_text(kep.read_text(encoding="utf-8") + "2025-11,13.10.01.2002,PU,590\n2025-11,13.10.01.2003,BPU,100\n"
                   "2025-11,13.10.02.2001,JAKON,30\n", encoding="utf-8")
    data.write_snapshot(data.load(meeting(folder)), root / "snapshot")
    runs = {}
    for code in ("13.10.02", "13.10.01"):
        target = root / f"brief-{code}.ipynb"
        pm.execute_notebook(str(paths.BRIEF_NOTEBOOK), str(target), kernel_name="python3", cwd=str(paths.ROOT),
                            progress_bar=False, log_output=False,
                            parameters={"kode_kecamatan": code, "snapshot": str(root / "snapshot")})
        runs[code] = nbformat.read(target, as_version=4)
    return runs


def _cell(nb, cell_id: str) -> tuple[str, int]:
    """The Markdown text and the number of images a cell output."""
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    text = " ".join(o.get("data", {}).get("text/markdown", "") for o in cell.outputs)
    return flat(text), sum("image/png" in o.get("data", {}) for o in cell.outputs)


def test_a_kecamatan_whose_nagari_all_have_an_agent_says_so_instead_of_a_chart(mini_briefs):
    text, images = _cell(mini_briefs["13.10.02"], "agen-bpu")
    assert images == 0
    assert "Kecamatan ini terdiri dari 1 nagari, yang memiliki agen Perisai aktif pada Oktober 2026" in text
    assert "tidak ada nagari tanpa agen sebagai pembanding" in text and CAVEAT not in text


def test_a_group_without_bpu_participants_at_the_start_shows_a_dash_and_why(mini_briefs):
    text, images = _cell(mini_briefs["13.10.01"], "agen-bpu")
    assert images == 1
    assert "**–** di 1 nagari dengan agen Perisai aktif (0 menjadi 0)" in text  # never 0% or an infinite one
    assert f"**{fmt.angka_bertanda(25.0, 1)}%** di 1 nagari tanpa agen (100 menjadi 125)" in text  # 125 ÷ 100 − 1
    assert "–: tidak dapat dihitung, karena kelompok itu tidak punya peserta BPU tercatat pada November 2025" in text
    assert not re.search(r"\b(nan|inf)\b", text.lower())
    alt = next(o for c in mini_briefs["13.10.01"].cells if c.get("id") == "agen-bpu" for o in c.outputs
               if "image/png" in o.get("data", {}))["metadata"]["image/png"]["alt"]
    assert "dengan agen Perisai aktif – (1 nagari)" in alt and "+25,0%" in alt
