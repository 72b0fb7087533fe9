"""briefs.release.index: the release's index page (parsed), links kept inside the release."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from briefs import params, paths
from briefs.release import index
from tests.test_render import assert_safe_page


@pytest.fixture(scope="module")
def meeting():
    return params.load(paths.DEFAULT_PARAMS)


def entries():
    E = index.IndexEntry
    return [
        E("brief", "Kecamatan Sitiung", "kecamatan/sitiung.html", "kecamatan/sitiung.pdf",
          figures="cakupan 24,3% · peringkat 3 dari 11", pdf_bytes=234_567),
        E("brief", "Kecamatan <Koto> Baru", None, None, status="gagal"),
        E("summary", "Ringkasan Kabupaten", "ringkasan.html", "ringkasan.pdf", pdf_bytes=1_600_000),
        E("data", "Laporan data", "laporan-data.html", None),
        E("book", "Buku lengkap", None, "buku.pdf", pdf_bytes=3_456_789),
    ]


def test_index_lists_everything_with_sizes(meeting):
    soup = assert_safe_page(index.index_html(meeting, entries(), "b-uji-42"))
    text = soup.get_text(" ", strip=True)
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs == ["ringkasan.html", "ringkasan.pdf", "buku.pdf", "laporan-data.html",
                     f"{meeting.id}.zip", "kecamatan/sitiung.html", "kecamatan/sitiung.pdf"]
    assert "229 KB" in text and "1,5 MB" in text and "3,3 MB" in text
    assert "cakupan 24,3% · peringkat 3 dari 11" in text
    assert "Kecamatan <Koto> Baru" in text and "gagal" in text  # escaped, and marked
    for s in (meeting.title, "Selasa, 24 November 2026", meeting.place, "DATA CONTOH", "b-uji-42"):
        assert s in text


def test_index_without_sample_has_no_mark(meeting):
    official = meeting.model_copy(update={"sample": False})
    assert "DATA CONTOH" not in index.index_html(official, entries(), "b1")


@pytest.mark.parametrize("bad", ["http://x/a.pdf", "/etc/a.pdf", "../a.pdf", "a/../../b.pdf", "javascript:x"])
def test_index_refuses_links_outside_the_release(meeting, bad):
    with pytest.raises(ValueError):
        index.index_html(meeting, [index.IndexEntry("brief", "K", bad, None)], "b1")


@pytest.mark.parametrize("n, text", [(None, ""), (100, "1 KB"), (840 * 1024, "840 KB"),
                                     (int(2.4 * 1024 * 1024), "2,4 MB")])
def test_file_sizes_read_the_indonesian_way(n, text):
    assert index.ukuran(n) == text


def test_index_hides_empty_figures_column_and_failure_note(meeting):
    plain = [index.IndexEntry("brief", "Kecamatan Sitiung", "k/s.html", "k/s.pdf", pdf_bytes=2048)]
    soup = BeautifulSoup(index.index_html(meeting, plain, "b1"), "html.parser")
    assert "Angka kunci" not in soup.get_text() and "gagal" not in soup.get_text()
    assert "Angka kunci" in index.index_html(meeting, entries(), "b1")


