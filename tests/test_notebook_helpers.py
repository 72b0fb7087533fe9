"""briefs.notebook: loading a brief's slice and the HTML snippets the notebooks show."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

import jinja2
import pandas as pd
import pytest

from briefs import data, figures, fmt, notebook as nb, paths
from briefs.errors import InputError

EVIL = "<script>alert(1)</script>"


class _Rows(HTMLParser):
    """Text of every table row, per section (thead, tbody, tfoot): the table as a reader sees it."""

    def __init__(self, html: str):
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self._section, self._row, self._cell = "tbody", None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self.sections.setdefault(self._section, []).append(self._row)
            self._row = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell += text


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
    assert brief.jumlah_kecamatan == 2
    # of the regency a brief shows only the average coverage, to 0,1 point
    assert brief.kabupaten == {"cakupan": round(brief.kabupaten["cakupan"], 3)} and 0 < brief.kabupaten["cakupan"] < 1


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


def test_names_from_data_are_escaped(brief):
    for html in (nb.tabel_nagari(brief).data, nb.tindak_lanjut(brief).data):
        assert EVIL not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


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
    assert f"<style>\n{css}" in html  # verbatim: quotes in font names are not escaped
    assert ".rk-doc .rk-judul { display: none; }" in css  # the page's masthead replaces it


def test_key_figures_are_formatted_in_indonesian(brief):
    html = nb.angka_kunci(brief).data
    k = brief.ringkasan
    for text in (fmt.angka(k["angkatan_kerja"]), fmt.angka(k["peserta_aktif"]), fmt.persen(k["cakupan"]),
                 fmt.angka(k["belum_terlindungi"]), fmt.angka(k["kurang_dari_target"])):
        assert text in html
    assert "peringkat 1 dari 2 kecamatan" in html  # Alpha 660/3000 = 22 %, Beta 75/500 = 15 %
    assert "0 sejak Juli 2026" in html


def test_nagari_table_rows_and_jumlah_add_up(brief):
    rows = _Rows(nb.tabel_nagari(brief).data).sections
    assert [r[0] for r in rows["tbody"]] == ["Koto Tuo", EVIL]
    (total,) = rows["tfoot"]
    assert total[0] == "Jumlah"
    assert total[1] == fmt.angka(brief.nagari["angkatan_kerja"].sum()) == "3.000"
    assert total[5] == fmt.angka(660) and total[6] == fmt.persen(0.22)
    assert rows["tbody"][0][-1] == "7"  # peserta via agen


def test_call_to_action_names_nagari_without_agent_and_the_cost(brief):
    html = nb.tindak_lanjut(brief).data
    unprotected = 2000 - 350
    assert "1 dari 2 nagari" in html
    assert "Koto Tuo" not in html  # it has an agent
    assert fmt.rupiah_ringkas(unprotected * figures.IURAN_PEKERJA_RENTAN) in html  # Rp27,7 juta
    assert "Rp16.800" in html and "JKK Rp10.000" in html and "JKM Rp6.800" in html


def test_call_to_action_when_every_nagari_has_an_agent():
    brief = nb.load_brief("13.10.04", "params/rakor-2026-11.yml", "")
    everyone = brief.nagari.assign(agen_aktif=1)
    html = nb.tindak_lanjut(dataclasses.replace(brief, nagari=everyone)).data
    assert "Semua 4 nagari sudah memiliki agen Perisai aktif" in html


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


def test_summary_ranks_kecamatan_and_groups_nagari_without_agent(snapshot):
    summary = nb.load_summary("params/rakor-2026-11.yml", str(snapshot), "b1d")
    ranking = _Rows(nb.tabel_peringkat(summary).data).sections
    assert [r[:2] for r in ranking["tbody"]] == [["1", "Alpha"], ["2", "Beta"]]
    assert ranking["tfoot"][0][2] == fmt.angka(3500)
    cards = nb.angka_kunci_kabupaten(summary).data
    assert fmt.angka(summary.kabupaten["peserta_aktif"]) in cards and "2 kecamatan, 3 nagari" in cards
    groups = _Rows(nb.tanpa_agen_kabupaten(summary).data).sections
    assert groups["tbody"] == [["Alpha", f"{EVIL} (1.650)", "1.650", fmt.rupiah_ringkas(1650 * 16_800)]]
