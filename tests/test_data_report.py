"""The data report: terminal text for `build.py check`, HTML page for the release."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from briefs import data
from briefs.data import report as data_report
from briefs.release import data_page
from tests.helpers import meeting


@pytest.mark.parametrize("source,words", [
    ({"format": "csv", "delimiter": ";", "decimal": ",", "encoding": "cp1252"},
     "CSV, pemisah ';', desimal ',', Windows-1252"),
    ({"format": "csv", "delimiter": "\t", "decimal": ".", "encoding": "utf-16", "header_row": 3},
     "CSV, pemisah 'tab', desimal '.', UTF-16, judul kolom di baris 3"),
    ({"format": "xlsx", "sheet": "Data"}, "Excel (.xlsx), lembar 'Data'"),
])
def test_describe_source_in_words(source, words):
    assert data_report.describe_source(source) == words


def test_report_text_lists_counts_formats_and_warnings(folder):
    text = (folder / "kepesertaan.csv").read_text(encoding="utf-8").replace("JAKON,40", "JAKON,400")
    (folder / "kepesertaan.csv").write_bytes(text.replace(",", ";").encode("cp1252"))
    ds = data.load(meeting(folder))
    out = data_report.report_text(ds.report)
    assert "kepesertaan     " in out and "CSV, pemisah ';', desimal ',', UTF-8" in out
    # the jump, and the months of the 12-month series before the mini data's two (one per table)
    assert "Peringatan: 3" in out and "kepesertaan.csv:7:peserta_aktif: peserta aktif JAKON" in out
    assert "Kesalahan: tidak ada" in out


def test_a_lost_segment_row_reaches_the_report_as_a_warning(folder):
    text = (folder / "kepesertaan.csv").read_text(encoding="utf-8")
    (folder / "kepesertaan.csv").write_text(text.replace("2026-10,13.10.01.2002,PU,610\n", ""), encoding="utf-8")
    out = data_report.report_text(data.load(meeting(folder)).report)
    assert "Peringatan: 3" in out and "kepesertaan.csv:segmen: periode 2026-10, segmen PU: 1 nagari tanpa baris, " \
        "dihitung 0 peserta; tertulis tidak ada baris PU untuk Koto Baru" in out, out


def test_data_error_carries_the_report_for_check(folder):
    (folder / "agen_perisai.csv").write_text("periode,kode_nagari,agen_aktif,peserta_diakuisisi\n2026-10,x,1,1\n")
    with pytest.raises(data.DataError) as caught:
        data.load(meeting(folder))
    text = data_report.report_text(caught.value.report)
    assert "Kesalahan: 1" in text and "agen_perisai.csv:2:kode_nagari" in text


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.loads, self.cells = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("link", "script", "img", "iframe") or "src" in a:
            self.loads.append((tag, a))

    def handle_data(self, d):
        self.text.append(d)


def test_report_html_is_self_contained_escaped_and_marked_sample(ds, folder):
    html = data_page.report_html(ds.report, meeting(folder))
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    assert page.loads == []
    assert "DATA CONTOH" in text and "Rakor <Uji> & Evaluasi" in text  # escaped in the source, intact as text
    assert "Rakor <Uji>" not in html
    assert "…/kepesertaan.csv" in text and "Selasa, 24 November 2026" in text
    assert str(folder) not in html  # a folder outside the project is named, never given in full
    # ... in its warnings too (the months the mini data lacks), where a file is named by its last name
    assert "…/kepesertaan.csv:periode: 10 periode dari 12 bulan" in text
    assert "September 2026 s.d. Oktober 2026" in text


def test_report_html_without_sample_has_no_banner(ds, folder):
    assert "DATA CONTOH" not in data_page.report_html(ds.report, meeting(folder, sample=False))


def test_data_warnings_published_in_the_manifest_name_files_outside_the_project_by_last_name(ds, folder):
    from briefs import pipeline
    from briefs.run.job import Batch

    warnings = pipeline.collect_warnings(Batch(), ds)
    assert [w["message"].split(":")[:2] for w in warnings] == [["…/kepesertaan.csv", "periode"],
                                                               ["…/agen_perisai.csv", "periode"]]
    assert all(str(folder) not in w["message"] for w in warnings)
    assert str(folder) in str(ds.report.warnings[0])  # where `build.py check` says it is: on this machine


def test_page_warnings_are_counted_and_written_one_line_per_thing_to_fix(ds, folder):
    """Eleven briefs with the same typed figure: 11 warnings, one line naming how many briefs."""
    typed = {"notebook": "notebooks/brief_kecamatan.ipynb", "cell": 5, "source": "## Cakupan",
             "message": "angka diketik di sel Markdown («27,2%»)"}
    warnings = [{**typed, "scope": f"Kecamatan {i}"} for i in range(11)]
    warnings.append({"scope": "Kecamatan 3", "notebook": typed["notebook"], "message": "3 halaman A4"})
    page = _Page()
    page.feed(data_page.report_html(ds.report, meeting(folder), warnings))
    text = " ".join(page.text)
    assert "Peringatan halaman (12)" in text
    assert text.count("angka diketik di sel Markdown") == 1 and "11 brief: Kecamatan 0, Kecamatan 1" in text
    assert "Kecamatan 3 · notebooks/brief_kecamatan.ipynb: 3 halaman A4" in text
