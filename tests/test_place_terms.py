"""What a regency calls its villages, its districts and itself is what its readers read.

"Nagari" is West Sumatra's word for a village (`village_term` in the params file). A brief
for Aceh says gampong, for a city kelurahan, and for most of Indonesia desa: the law's word
and the default. Papua's districts are distrik (`district_term`; kecamatan by default). A
city ("Kota Padang") is a kota on its pages, never a kabupaten: its name says so. The data's
columns keep their schema names (`kode_nagari`, `kecamatan`), and the release its file
names (`kecamatan/…`); only the words on the pages follow the params file. The build test
runs the real notebooks for Sitiung and the summary as a city of kelurahan and distrik, and
reads back every word a reader gets: the PDFs' text (the book's too), the HTML's text and
alt texts, and the executed notebooks' outputs (the phone cards are drawn from them).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from briefs import cli, fmt, params, paths
from briefs.errors import InputError
from briefs.render import card, page

GOOD = paths.DEFAULT_PARAMS.read_text(encoding="utf-8")
NAGARI = re.compile(r"\bnagari\b", re.IGNORECASE)
KABUPATEN = re.compile(r"(?<!-)\bkab(?:upaten|\.)", re.IGNORECASE)  # not the file name ringkasan-kabupaten.pdf
KECAMATAN = re.compile(r"\bkecamatan\b(?!/)", re.IGNORECASE)  # not the release's folder kecamatan/


def with_term(text: str, term: str | None, key: str = "village_term") -> str:
    """The sample params with `key` set to `term`, or without the key when `term` is None."""
    line = re.search(rf"^{key}:.*\n", text, re.MULTILINE)
    if line is None:  # the sample leaves district_term at its default
        return text if term is None else text.replace("regency:", f"{key}: {term}\nregency:")
    return text.replace(line.group(0), "" if term is None else f"{key}: {term}\n")


def load(tmp_path: Path, text: str):
    path = tmp_path / "rakor.yml"
    path.write_text(text, encoding="utf-8")
    return params.load(path)


def test_the_sample_says_nagari_and_a_file_without_the_key_says_desa(tmp_path):
    assert params.load(paths.DEFAULT_PARAMS).village_term == "nagari"
    assert load(tmp_path, with_term(GOOD, None)).village_term == "desa"
    for term in ("gampong", "kelurahan", "desa/kelurahan", "desa adat"):
        assert load(tmp_path, with_term(GOOD, term)).village_term == term


def test_districts_are_kecamatan_unless_the_file_says_distrik(tmp_path):
    sample = params.load(paths.DEFAULT_PARAMS)
    assert sample.district_term == "kecamatan" and sample.district("Sitiung") == "Kecamatan Sitiung"
    papua = load(tmp_path, with_term(GOOD, "distrik", "district_term"))
    assert papua.district_term == "distrik" and papua.district("Sentani") == "Distrik Sentani"


@pytest.mark.parametrize("key", ["village_term", "district_term"])
@pytest.mark.parametrize("term", ["Nagari", "desa1", '""', "desa  kelurahan", "desa/", "x" * 31, "[desa]"])
def test_a_term_a_sentence_cannot_carry_is_refused_at_its_line(tmp_path, key, term):
    text = with_term(GOOD, term, key)
    with pytest.raises(InputError) as caught:
        load(tmp_path, text)
    [problem] = caught.value.problems
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith(f"{key}:"))
    assert (problem.column, problem.row) == (key, line)
    assert "huruf kecil" in problem.message


def test_check_exits_2_naming_the_key(tmp_path, capsys):
    path = tmp_path / "rakor.yml"
    path.write_text(with_term(GOOD, "Desa").replace("data: data/sample", f"data: {paths.DATA / 'sample'}"),
                    encoding="utf-8")
    assert cli.main(["check", str(path)]) == 2
    assert ":village_term:" in capsys.readouterr().err


@pytest.mark.parametrize(("regency", "kind"), [("Kabupaten Dharmasraya", "kabupaten"), ("Kota Padang", "kota"),
                                              ("KOTA  Padang Panjang", "kota"), ("Kotabaru", "kabupaten"),
                                              ("Dharmasraya", "kabupaten")])
def test_a_regency_named_kota_is_a_city_on_its_pages(tmp_path, regency, kind):
    assert load(tmp_path, GOOD.replace("regency: Kabupaten Dharmasraya", f"regency: {regency}")).regency_kind == kind
    assert page.Page("summary", "Ringkasan", "Rakor", "", "", "", False, "b", regency).regency_kind == kind


def test_a_city_s_phone_card_says_ringkasan_kota():
    frame = page.Page("summary", "Ringkasan Kota Padang", "Rakor", "", "", "Oktober 2026", False, "b", "Kota Padang")
    content = card.Content(utama=card.Figure("Cakupan", "21,0%", "dari angkatan kerja"), angka=(),
                           aksi="Aktifkan agen Perisai di 33 kelurahan tanpa agen.")
    words = words_of(card.card_html(content, frame))
    assert "Ringkasan kota" in words and not KABUPATEN.search(words)


def test_many_of_a_one_word_term_is_said_twice_and_of_a_longer_one_once():
    assert fmt.jamak("nagari") == "nagari-nagari"
    assert fmt.jamak("desa") == "desa-desa"
    assert fmt.jamak("desa/kelurahan") == "desa/kelurahan"
    assert fmt.jamak("desa adat") == "desa adat"


# ---- a real build of a city of kelurahan and distrik ------------------------------------------------

def flat(text: str) -> str:
    return " ".join(text.split())


def words_of(html: str) -> str:
    """HTML's text and its images' alt texts, without its stylesheets: what a reader or a screen reader gets."""
    soup = BeautifulSoup(html, "html.parser")
    for style in soup.find_all("style"):
        style.decompose()
    return flat(soup.get_text(" ") + " " + " ".join(img.get("alt", "") for img in soup.find_all("img")))


def html_words(page: Path) -> str:
    return words_of(page.read_text(encoding="utf-8"))


def output_words(notebook: Path) -> str:
    """Every output of an executed notebook but pictures: the texts the pages and phone cards are made of."""
    nb = nbformat.read(notebook, as_version=4)
    words = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for kind, value in output.get("data", {}).items():
                if not kind.startswith("image/"):
                    words.append(words_of(str(value)) if kind == "text/html" else str(value))
            words.append(str(output.get("metadata", {})))  # alt texts, the phone card's figures
    return flat(" ".join(words))


@pytest.fixture(scope="module")
def kelurahan(tmp_path_factory) -> Path:
    """Sitiung and the summary, as if Dharmasraya were a city of distrik and kelurahan (its organizers too)."""
    tmp = tmp_path_factory.mktemp("kelurahan")
    meeting = tmp / "rakor.yml"
    meeting.write_text(with_term(with_term(GOOD, "kelurahan"), "distrik", "district_term").replace("data: data/sample", f"data: {paths.DATA / 'sample'}")
                       .replace("id: rakor-2026-11", "id: uji-kelurahan")
                       .replace("Kabupaten Dharmasraya", "Kota Dharmasraya"), encoding="utf-8")
    assert cli.main([str(meeting), "--out", str(tmp / "out"), "--only", "Sitiung", "--jobs", "1"]) == 0
    return tmp / "out" / "uji-kelurahan"


@pytest.mark.slow
def test_no_reader_of_a_city_s_release_reads_nagari_kecamatan_or_kabupaten(kelurahan):
    sample_names = (paths.DATA / "sample" / "wilayah.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert not any(NAGARI.search(line) for line in sample_names)  # no place in the sample is called Nagari …
    texts = {
        "sitiung.pdf": flat(" ".join(p.extract_text() for p in PdfReader(kelurahan / "kecamatan/sitiung.pdf").pages)),
        "ringkasan-kabupaten.pdf": flat(" ".join(p.extract_text()
                                                 for p in PdfReader(kelurahan / "ringkasan-kabupaten.pdf").pages)),
        "buku-uji-kelurahan.pdf": flat(" ".join(p.extract_text()
                                                for p in PdfReader(kelurahan / "buku-uji-kelurahan.pdf").pages)),
        "sitiung.html": html_words(kelurahan / "kecamatan/sitiung.html"),
        "ringkasan-kabupaten.html": html_words(kelurahan / "ringkasan-kabupaten.html"),
        "index.html": html_words(kelurahan / "index.html"),
        "notebooks/sitiung.ipynb": output_words(kelurahan / "notebooks/sitiung.ipynb"),
        "notebooks/ringkasan-kabupaten.ipynb": output_words(kelurahan / "notebooks/ringkasan-kabupaten.ipynb"),
    }
    for name, text in texts.items():  # … so any 'nagari' a reader meets is the word the params file replaced
        for word in (NAGARI, KABUPATEN, KECAMATAN):
            found = word.search(text)
            assert not found, (name, found and text[max(found.start() - 80, 0):][:160])
        assert "kelurahan" in text and "kota" in text.lower() and "distrik" in text.lower(), name


@pytest.mark.slow
def test_the_brief_speaks_of_kelurahan_in_its_headings_table_and_call_to_action(kelurahan):
    html = html_words(kelurahan / "kecamatan/sitiung.html")
    pdf = flat(" ".join(p.extract_text() for p in PdfReader(kelurahan / "kecamatan/sitiung.pdf").pages))
    for text in (html, pdf):
        for words in ("Distrik Sitiung", "peringkat 3 dari 11 distrik", "Cakupan per kelurahan dan peserta aktif per segmen", "Rincian per kelurahan",
                      "Tindak lanjut: kelurahan tanpa agen Perisai", "dari 4 kelurahan belum memiliki agen Perisai aktif",
                      "di kelurahan-kelurahan itu sebagai pekerja rentan (APBD atau CSR)",
                      "agen Perisai per kelurahan dari folder data"):
            assert words in text, words
    soup = BeautifulSoup((kelurahan / "kecamatan/sitiung.html").read_text(encoding="utf-8"), "html.parser")
    for anchor in soup.select("a.anchor-link"):  # nbconvert's ¶ beside every heading, hidden by the stylesheet
        anchor.decompose()
    assert [h.get_text(" ", strip=True) for h in soup.find_all("h2")][:4] == [
        "Ringkasan", "Cakupan per kelurahan dan peserta aktif per segmen", "Rincian per kelurahan",
        "Tindak lanjut: kelurahan tanpa agen Perisai"]  # headings still, as the sample's Markdown cells made them
    assert soup.find("th", string=re.compile(r"^\s*Kelurahan\s*$")) is not None  # the table's first column
    card = output_words(kelurahan / "notebooks/sitiung.ipynb")
    assert "Kelurahan tanpa agen" in card  # the phone card's figure label


@pytest.mark.slow
def test_the_city_s_summary_totals_and_compares_the_kota(kelurahan):
    pdf = flat(" ".join(p.extract_text() for p in PdfReader(kelurahan / "ringkasan-kabupaten.pdf").pages))
    for words in ("jumlah kota dihitung dari total kota", "Kota 137.520", "Cakupan per distrik", "Peringkat distrik",
                  "11 distrik, 52 kelurahan"):
        assert words in pdf, words
    assert "Ringkasan kota cakupan kepesertaan" in output_words(kelurahan / "notebooks/ringkasan-kabupaten.ipynb")
    book = flat(" ".join(p.extract_text() for p in PdfReader(kelurahan / "buku-uji-kelurahan.pdf").pages[:1]))
    assert "Ringkasan kota dan 1 brief distrik" in book and "per distrik" in book
