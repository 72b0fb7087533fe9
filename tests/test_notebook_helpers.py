"""briefs.notebook: loading a brief's slice and the HTML snippets the notebooks show."""

from __future__ import annotations

from html.parser import HTMLParser

import jinja2
import pandas as pd
import pytest

from briefs import data, fmt, paths
from briefs import notebook as nb
from briefs.errors import InputError

EVIL = "<script>alert(1)</script>"


class _Cards(HTMLParser):
    """The value of every card, and of the heavier (main) ones."""

    def __init__(self, html: str):
        super().__init__()
        self.values, self.main, self._in, self._main = [], [], False, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "").split()
        if "rk-card" in classes:
            self._main = "rk-card-utama" in classes
        self._in = "rk-card-value" in classes

    def handle_data(self, text):
        if self._in and text.strip():
            self.values.append(text.strip())
            if self._main:
                self.main.append(text.strip())
            self._in = False


def tiny() -> data.Dataset:
    """One kecamatan of two nagari; the second, with a hostile name, has no agent."""
    wilayah = pd.DataFrame({
        "kode_kecamatan": ["13.99.01", "13.99.01", "13.99.02"],
        "kecamatan": ["Alpha", "Alpha", "Beta"],
        "kode_nagari": ["13.99.01.2001", "13.99.01.2002", "13.99.02.2001"],
        "nagari": ["Koto Tuo", EVIL, "Batu"],
        "kode_bps_kecamatan": ["1399010", "1399010", "1399020"],
        "kode_bps_nagari": ["1399010001", "1399010002", "1399020001"],
    })
    angkatan_kerja = pd.DataFrame({"kode_nagari": wilayah["kode_nagari"], "angkatan_kerja": [1000, 2000, 500]})
    kepesertaan = pd.DataFrame(
        [(p, k, s, v) for p in ("2026-07", "2026-10")
         for k, s, v in (("13.99.01.2001", "PU", 200), ("13.99.01.2001", "BPU", 100), ("13.99.01.2001", "JAKON", 10),
                         ("13.99.01.2002", "PU", 300), ("13.99.01.2002", "BPU", 50), ("13.99.01.2002", "JAKON", 0),
                         ("13.99.02.2001", "PU", 50), ("13.99.02.2001", "BPU", 20), ("13.99.02.2001", "JAKON", 5))],
        columns=["periode", "kode_nagari", "segmen", "peserta_aktif"])
    agen_perisai = pd.DataFrame([("2026-10", "13.99.01.2001", 1, 7), ("2026-10", "13.99.01.2002", 0, 0),
                                 ("2026-10", "13.99.02.2001", 1, 2)],
                                columns=["periode", "kode_nagari", "agen_aktif", "peserta_diakuisisi"])
    return data.Dataset(wilayah=wilayah, angkatan_kerja=angkatan_kerja, kepesertaan=kepesertaan,
                        agen_perisai=agen_perisai)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("snapshot")
    data.write_snapshot(tiny(), folder)
    return folder


@pytest.fixture(scope="module")
def official_params(tmp_path_factory):
    """The sample meeting, marked as real data: no DATA CONTOH may appear."""
    text = paths.DEFAULT_PARAMS.read_text(encoding="utf-8").replace("sample: true", "sample: false")
    target = tmp_path_factory.mktemp("params") / "rakor.yml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def brief(snapshot):
    return nb.load_brief("13.99.01", "params/rakor-2026-11.yml", str(snapshot), build_id="b1d")


def test_relative_paths_resolve_from_any_working_directory(monkeypatch):
    monkeypatch.chdir(paths.NOTEBOOKS)  # as JupyterLab runs it
    brief = nb.load_brief("13.10.04", "params/rakor-2026-11.yml", "")
    assert brief.kecamatan == "Sitiung"
    assert brief.nagari["kode_kecamatan"].eq("13.10.04").all() and len(brief.nagari) == 4
    assert brief.ringkasan["peserta_aktif"] == brief.nagari["peserta_aktif"].sum()


def test_snapshot_is_what_a_brief_reads(brief):
    assert brief.kecamatan == "Alpha"
    assert list(brief.nagari["nagari"]) == ["Koto Tuo", EVIL]
    own = {"13.99.01.2001", "13.99.01.2002"}
    for rows in (brief.kepesertaan, brief.angkatan_kerja, brief.agen_perisai, brief.wilayah):
        assert set(rows["kode_nagari"]) == own  # the kecamatan's own rows, nothing of Beta
    assert len(brief.kepesertaan) == 12  # every period and segment, for new analyses
    assert (brief.peringkat, brief.jumlah_kecamatan) == (1, 2)
    # of the regency a brief shows only the average coverage, to 0,1 point
    assert brief.cakupan_kabupaten == round(brief.cakupan_kabupaten, 3) and 0 < brief.cakupan_kabupaten < 1
    assert brief.periode_seri[-1] == brief.meeting.period and len(brief.periode_seri) == 12


def test_unknown_kecamatan_is_an_input_error_naming_the_parameter(snapshot):
    with pytest.raises(InputError) as caught:
        nb.load_brief("13.99.77", "params/rakor-2026-11.yml", str(snapshot))
    (problem,) = caught.value.problems
    assert problem.column == "kode_kecamatan"
    assert "13.99.77" in problem.message and "13.99.01 (Alpha)" in problem.message


def test_missing_snapshot_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        nb.load_summary("params/rakor-2026-11.yml", str(tmp_path / "tidak-ada"))
    assert caught.value.problems[0].column == "snapshot"


def test_snippets_refuse_missing_values():
    with pytest.raises(jinja2.UndefinedError):
        nb.render("catatan.html.j2")


def test_title_block_names_kecamatan_meeting_date_and_period(brief):
    html = nb.judul(brief).data
    assert "Kecamatan Alpha" in html and brief.meeting.title in html
    assert fmt.tanggal(brief.meeting.date) in html and fmt.periode(brief.meeting.period) in html


def test_title_block_carries_the_snippet_styles_for_jupyterlab(brief):
    html = nb.judul(brief).data
    css = (paths.TEMPLATES / "rakor" / "static" / "cells.css").read_text(encoding="utf-8")
    assert f"<style data-rk-gaya>\n{css}" in html  # verbatim: quotes in font names are not escaped


def test_cards_in_a_row_with_the_main_one_heavier():
    html = nb.kartu_angka(nb.kartu("Angkatan kerja", nb.angka(8961), "4 nagari"),
                          nb.kartu("Cakupan", nb.persen(0.297), "peringkat 2 dari 11", utama=True),
                          nb.kartu(EVIL, "1"), catatan="Cakupan = peserta aktif ÷ angkatan kerja.").data
    cards = _Cards(html)
    assert cards.values == ["8.961", "29,7%", "1"]
    assert cards.main == ["29,7%"]
    assert EVIL not in html and "&lt;script&gt;" in html
    assert '<p class="rk-cards-note">Cakupan = peserta aktif ÷ angkatan kerja.</p>' in html


def test_a_card_given_a_number_or_nothing_shows_it_as_a_reader_should_or_refuses_it():
    """nb.kartu wants a formatted figure; given a whole number it writes it the Indonesian way,
    given nothing a dash (not Python's None or nan); given a fraction it refuses, as nb.kartu_hp
    does: only the analyst knows whether 0.272 is a share."""
    import numpy as np

    html = nb.kartu_angka(nb.kartu("Angkatan kerja", np.int64(18682)), nb.kartu("Peringkat", None),
                          nb.kartu("Agen", float("nan")), nb.kartu("Nagari", pd.NA)).data
    assert _Cards(html).values == ["18.682", "–", "–", "–"]
    with pytest.raises(TypeError, match=r"sudah diformat .*bukan float 0\.272"):
        nb.kartu("Cakupan", 0.272)
    assert "123" in nb.kotak(123).data  # was an AttributeError in the analyst's cell


def test_call_to_action_box_renders_markdown_and_escapes_html():
    html = nb.kotak(f"**2 dari 4 nagari**: {EVIL}\n\n- satu\n- dua", catatan="Iuran Rp16.800.").data
    assert html.startswith('<div class="rk-callout">')
    assert "<strong>2 dari 4 nagari</strong>" in html and "<li>satu</li>" in html
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<p class="rk-callout-note">Iuran Rp16.800.</p>' in html


@pytest.mark.parametrize(("items", "text"), [([], ""), (["A"], "A"), (["A", "B"], "A dan B"), (["A", "B", "C"], "A, B dan C")])
def test_lists_join_the_indonesian_way(items, text):
    assert nb.daftar(items) == text


def test_notes_name_denominator_source_target_and_provenance(brief):
    html = nb.catatan(brief).data
    assert "penyebutnya <strong>angkatan kerja</strong>" in html
    assert brief.meeting.target.source in html and "32,15%" in html
    assert "build b1d" in html and brief.meeting.data in html
    assert "DATA CONTOH — angka ilustratif, bukan data resmi" in html.replace("<strong>", "").replace("</strong>", "")


def test_no_sample_mark_on_official_data(official_params, snapshot):
    brief = nb.load_brief("13.99.01", str(official_params), str(snapshot))
    for html in (nb.judul(brief).data, nb.catatan(brief).data):
        assert "DATA CONTOH" not in html
    assert "dijalankan langsung" in nb.catatan(brief).data  # no build_id given


def test_summary_holds_every_row_and_the_ranked_kecamatan(snapshot):
    summary = nb.load_summary("params/rakor-2026-11.yml", str(snapshot), "b1d")
    assert list(summary.kecamatan.sort_values("peringkat")["kecamatan"]) == ["Alpha", "Beta"]
    assert summary.kabupaten["angkatan_kerja"] == 3500 and len(summary.nagari) == 3
    assert len(summary.kepesertaan) == 18
