"""briefs.sanitize: what reaches the page, and a notice for everything that does not."""

from __future__ import annotations

import base64

import nbformat
import pytest
from PIL import Image

from briefs.render import sanitize

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
v4 = nbformat.v4


def executed(*cells) -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: parameters, the injected cell, then `cells`."""
    params = v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})
    injected = v4.new_code_cell("x = 2", metadata={"tags": ["injected-parameters"]})
    return v4.new_notebook(cells=[params, injected, *cells])


def display(data: dict, **metadata) -> nbformat.NotebookNode:
    return v4.new_output("display_data", data=data, metadata=metadata)


@pytest.mark.parametrize(("data", "why"), [
    ({"application/vnd.jupyter.widget-view+json": {}, "text/plain": "IntSlider()"}, "widget interaktif"),
    ({"application/javascript": "alert(1)", "text/plain": "x"}, "JavaScript"),
    ({"application/vnd.plotly.v1+json": {}, "text/html": "<div></div>"}, "Plotly"),
    ({"image/svg+xml": "<svg/>", "text/plain": "x"}, "SVG"),
    ({"text/latex": "$x$", "text/plain": "x"}, "tidak didukung"),
])
def test_outputs_that_cannot_be_printed_are_dropped_with_a_reason(data, why):
    nb, notices = sanitize.prepare(executed(v4.new_code_cell("tampilkan()", outputs=[display(data)])))
    assert nb.cells[-1].outputs == []
    (notice,) = notices
    assert notice.cell == 2 and notice.source == "tampilkan()"  # the injected cell is not counted
    assert next(iter(data)) in notice.message and why in notice.message


def test_printable_outputs_stay_without_a_notice():
    outputs = [display({"image/png": PNG, "text/plain": "<Figure>"}), v4.new_output("stream", name="stdout", text="hai\n"),
               display({"text/html": "<b>tebal</b>", "text/plain": "x"})]
    nb, notices = sanitize.prepare(executed(v4.new_code_cell("ok", outputs=outputs)))
    assert len(nb.cells[-1].outputs) == 3 and notices == []


def test_stderr_is_reported_with_its_first_line():
    warn = v4.new_output("stream", name="stderr", text="\n/x.py:3: FutureWarning: berubah\n  df.x\n")
    _, notices = sanitize.prepare(executed(v4.new_code_cell("df.x", outputs=[warn])))
    assert notices[0].message == "pesan stderr tidak ditampilkan: /x.py:3: FutureWarning: berubah"


def test_html_the_sanitizer_strips_is_reported_once_per_kind():
    html = ('<style>p{}</style><script>1</script><script>2</script><iframe src="x"></iframe>'
            '<a href="https://bpjs.example">situs</a><img src="https://x/y.png"><p onclick="x()" '
            'style="border: 1px solid; color: red">teks</p>')
    _, notices = sanitize.prepare(executed(v4.new_code_cell("HTML(...)", outputs=[display({"text/html": html})])))
    messages = [n.message for n in notices]
    assert len(messages) == 7, messages
    for part in ("<style>", "<script>", "<iframe>", "https://bpjs.example", "https://x/y.png", "'onclick'", "'border'"):
        assert sum(part in m for m in messages) == 1, part


def test_the_title_blocks_own_stylesheet_is_not_reported():
    _, notices = sanitize.prepare(executed(v4.new_code_cell(
        "nb.judul(brief)", outputs=[display({"text/html": "<style data-rk-gaya>.x{}</style><p>judul</p>"})])))
    assert notices == []


def test_warnings_from_the_kernel_travel_in_output_metadata():
    out = display({"text/html": "<table></table>"}, **{"text/html": {"rakor": {"peringatan": ["kolom 'Cakupan' …"]}}})
    _, notices = sanitize.prepare(executed(v4.new_code_cell("df", outputs=[out])))
    assert [n.message for n in notices] == ["kolom 'Cakupan' …"]


def test_cell_tags_remove_cells_and_outputs_without_a_notice():
    hidden = v4.new_code_cell("cek", metadata={"tags": ["rk-sembunyikan"]},
                              outputs=[display({"application/javascript": "x"})])
    quiet = v4.new_code_cell("hitung", metadata={"tags": ["remove-output"]}, outputs=[display({"text/html": "<p>x</p>"})])
    gone = v4.new_markdown_cell("rahasia", metadata={"tags": ["remove-cell"]})
    nb, notices = sanitize.prepare(executed(hidden, quiet, gone))
    assert [c.source for c in nb.cells] == ["x = 1", "x = 2", "hitung"] and nb.cells[-1].outputs == []
    assert notices == []


def test_local_images_inside_the_folder_are_embedded(tmp_path):
    (tmp_path / "gambar").mkdir()
    Image.new("L", (3, 2), 0).save(tmp_path / "gambar" / "peta.png")
    cell = v4.new_markdown_cell('![Peta](gambar/peta.png) <img src="gambar/peta.png" alt="lagi">')
    nb, notices = sanitize.prepare(executed(cell), tmp_path)
    shown = nb.cells[-1]
    assert shown.source == '![Peta](attachment:gambar/peta.png) <img src="attachment:gambar/peta.png" alt="lagi">'
    assert base64.b64decode(shown.attachments["gambar/peta.png"]["image/png"]) == (tmp_path / "gambar" / "peta.png").read_bytes()
    assert notices == []


def test_a_figure_in_an_embedded_images_alt_text_is_read_as_the_cells_text(tmp_path):
    """A screen reader says the alt text, and the PDF keeps it: typed there, it is typed all the same."""
    (tmp_path / "gambar").mkdir()
    Image.new("L", (3, 2), 0).save(tmp_path / "gambar" / "peta.png")
    _, notices = sanitize.prepare(executed(
        v4.new_markdown_cell("![Peta cakupan 27,2%](gambar/peta.png)"),
        v4.new_markdown_cell('<img src="gambar/peta.png" alt="cakupan 27.2%">'),
        v4.new_markdown_cell("![Peta 27,2%](https://contoh.id/peta.png)"),  # not on the page, nor its alt
    ), tmp_path)
    assert [(n.cell, n.message.split(" («")[0].split(" (")[0].split(" '")[0]) for n in notices] == [
        (2, "angka diketik di sel Markdown"), (3, "angka tertulis cara Inggris atau mentah"), (4, "gambar")]


@pytest.mark.parametrize("target", ["../luar.png", "/etc/hostname", "file:///etc/hostname", "gambar/teks.png",
                                    "https://x.example/p.png", "gambar/tidak-ada.png", "gambar/tautan.png"])
def test_other_images_are_not_embedded_and_are_reported(tmp_path, target):
    (tmp_path / "gambar").mkdir()
    (tmp_path / "gambar" / "teks.png").write_text("bukan gambar")  # a PNG by name only
    Image.new("L", (3, 2), 0).save(tmp_path / "luar.png")
    inside = tmp_path / "notebooks"
    inside.mkdir()
    (inside / "gambar").symlink_to(tmp_path / "gambar")
    (tmp_path / "gambar" / "tautan.png").symlink_to(tmp_path / "luar.png")  # leads outside the folder
    nb, notices = sanitize.prepare(executed(v4.new_markdown_cell(f"![x]({target})")), inside)
    assert "attachments" not in nb.cells[-1]
    (notice,) = notices
    assert "tidak disematkan" in notice.message


def test_pasted_attachments_keep_images_only():
    cell = v4.new_markdown_cell("![a](attachment:a.png) ![b](attachment:b.svg)")
    cell.attachments = {"a.png": {"image/png": PNG}, "b.svg": {"image/svg+xml": base64.b64encode(b"<svg/>").decode()}}
    nb, notices = sanitize.prepare(executed(cell))
    assert list(nb.cells[-1].attachments) == ["a.png"]
    assert any("lampiran 'b.svg'" in n.message for n in notices)


def test_notice_text_names_the_cell():
    assert sanitize.Notice("x", 9, "contoh = pd.DataFrame(...)").text() == "sel 9 «contoh = pd.DataFrame(...)»: x"
    assert sanitize.Notice("3 halaman A4").text() == "3 halaman A4"


def test_math_and_mermaid_the_page_cannot_draw_are_reported_where_written():
    mermaid = "```mermaid\ngraph LR\n  A --> B\n```"
    nb, notices = sanitize.prepare(executed(
        v4.new_markdown_cell("Cakupan = $\\frac{peserta}{angkatan\\ kerja}$ dan $$x^2$$"),
        v4.new_markdown_cell(mermaid),
        v4.new_code_cell("Markdown(rumus)", outputs=[display({"text/markdown": "$a \\times b$", "text/plain": "x"})]),
        v4.new_markdown_cell("Iuran Rp16.800; harga $5 dan $10 tidak ditulis sebagai rumus.",
                             metadata={"tags": ["rk-angka-tetap"]}),  # a contribution set by regulation
    ))
    # once per cell and kind (the mermaid block's stripped classes are not said again); the prices are prose
    assert [(n.cell, n.message.split(" (")[0]) for n in notices] == [
        (2, "rumus LaTeX"), (3, "diagram mermaid tidak digambar di halaman cetak"), (4, "rumus LaTeX")]
    assert all("pembaca melihat kodenya" in n.message for n in notices)
    assert len(nb.cells[-2].outputs) == 1  # reported, not dropped: the reader still gets the words around it


def test_a_raw_or_english_number_written_is_kept_and_reported():
    printed = [v4.new_output("stream", name="stdout", text="cakupan 0.27162162162162163\n"),
               v4.new_output("stream", name="stdout", text="Rp16.800 di 13.10.04, 1.234.567 orang\n")]
    shown = [display({"text/markdown": "Cakupan **27.2%**", "text/plain": "<Markdown>"}),
             v4.new_output("execute_result", data={"text/plain": "0.2716"}, execution_count=3),
             display({"text/html": '<p style="width: 12.5%">27,2%</p>', "text/plain": "x"})]
    html = [display({"text/html": "<p>naik <b>12.5</b> persen</p><script>var x = 0.25;</script>", "text/plain": "x"})]
    nb, notices = sanitize.prepare(executed(v4.new_code_cell("print(k.cakupan)", outputs=printed),
                                            v4.new_code_cell("Markdown(f'{k.cakupan:.1%}')", outputs=shown),
                                            v4.new_code_cell("HTML(f'{x:.1f}')", outputs=html),
                                            v4.new_markdown_cell("Cakupan naik 3.25 poin."),
                                            v4.new_markdown_cell("Angkatan kerja 137,520 orang; rapat pukul 09.30 WIB"),
                                            v4.new_markdown_cell("Cakupan naik 3.25."),
                                            v4.new_code_cell("print(f'AK {k.angkatan_kerja}')", outputs=[
                                                v4.new_output("stream", name="stdout", text="AK 15659, kode 1310040\n")])))
    assert len(nb.cells[-7].outputs) == 2 and len(nb.cells[-6].outputs) == 3  # the reader still gets them
    # our own thousands, a code, a clock time, an HTML attribute and a script's text are not flagged;
    # f"{x:,}"'s 137,520 (read here as 137 and a fraction) and a number ending a sentence are
    raw = "angka tertulis cara Inggris atau mentah"
    assert [(n.cell, n.message.split(")")[0] + ")") for n in notices if n.message.startswith(raw)] == [
        (2, f"{raw} (0.27162162162162163)"), (3, f"{raw} (27.2)"), (3, f"{raw} (0.2716)"), (4, f"{raw} (12.5)"),
        (5, f"{raw} (3.25)"), (6, f"{raw} (137,520)"), (7, f"{raw} (3.25)"), (8, f"{raw} (15659)")]


def test_every_raw_number_of_one_output_is_named_in_its_one_notice():
    """Naming only the first, the second showed only once the first was fixed, a rebuild later."""
    printed = "Peserta naik 1245; rata-rata 2112,7 per nagari; cakupan 0.2716, lalu 0.2716 lagi; 2.112,7 dan 1.245\n"
    _, notices = sanitize.prepare(executed(
        v4.new_code_cell("print(x)", outputs=[v4.new_output("stream", name="stdout", text=printed)])))
    (said,) = [n.message for n in notices]
    assert said == ("angka tertulis cara Inggris atau mentah (1245) tanpa titik ribuan; tulis dengan nb.angka (1.245); "
                    "juga 2 angka lain yang tertulis begitu: (2112,7) dan (0.2716)")


def test_python_printed_for_a_programmer_is_kept_and_reported():
    """print(series), df.info() and a bare object reach the page as printed: English, for nobody there."""
    series = "nagari\nSitiung    0.3\nName: cakupan, dtype: float64\n"
    info = "<class 'pandas.core.frame.DataFrame'>\nRangeIndex: 3 entries, 0 to 2\n"
    nb, notices = sanitize.prepare(executed(
        v4.new_code_cell("print(s)", outputs=[v4.new_output("stream", name="stdout", text=series)]),
        v4.new_code_cell("df.info()", outputs=[v4.new_output("stream", name="stdout", text=info)]),
        v4.new_code_cell("obj", outputs=[v4.new_output("execute_result", data={"text/plain": "<Foo object at 0x7f3a>"},
                                                       execution_count=3)]),
        v4.new_code_cell("print('Kelas 3 di tiap nagari')", outputs=[
            v4.new_output("stream", name="stdout", text="Kelas 3 di tiap nagari; dtype data: angka\n")]),
    ))
    debug = [(n.cell, n.message.split("»")[0]) for n in notices if "cetakan pemeriksaan" in n.message]
    assert debug == [(2, "keluaran tampak seperti cetakan pemeriksaan Python («dtype: float64"),
                     (3, "keluaran tampak seperti cetakan pemeriksaan Python («<class 'pandas.core.frame.DataFrame'>"),
                     (4, "keluaran tampak seperti cetakan pemeriksaan Python («object at 0x7f3a")]
    assert [len(c.outputs) for c in nb.cells[-4:]] == [1, 1, 1, 1]  # kept: the reader still sees them


# f"{d:%d %B %Y}" writes 01 October 2026, print(selesai - mulai) 3 days, 4:00:00: English on an
# Indonesian page, the second read as a clock besides. Each beside our own way of writing it.
@pytest.mark.parametrize("printed, ours, said", [
    ("Data per 01 October 2026", "Rapat Selasa, 24 November 2026; data per Oktober 2026.",
     "nama bulan atau hari dalam bahasa Inggris (October)"),
    ("Lama proses: 3 days, 4:00:00", "Lama proses: 3 hari 4 jam.",
     "durasi tertulis cara Python, dalam bahasa Inggris (3 days, 4:00:00)"),
])
def test_a_month_or_a_duration_written_the_english_way_is_kept_and_reported(printed, ours, said):
    nb, notices = sanitize.prepare(executed(
        v4.new_code_cell("print(x)", outputs=[v4.new_output("stream", name="stdout", text=printed + "\n")]),
        v4.new_markdown_cell(ours),
    ))
    assert [(n.cell, n.message.split(";")[0]) for n in notices] == [(2, said)]
    assert printed in nb.cells[-2].outputs[0].text  # kept: the reader still sees it


def test_a_figure_typed_into_a_markdown_cell_is_reported_unless_the_cell_says_it_is_fixed():
    """A Markdown cell is the same in every brief: its 27,2% is one kecamatan's, one month's at most."""
    nb, notices = sanitize.prepare(executed(
        v4.new_markdown_cell("## Cakupan\n\nCakupan kecamatan naik menjadi **27,2%** bulan ini."),
        v4.new_markdown_cell("Masih 1.245 pekerja belum terlindungi."),
        v4.new_markdown_cell("Tiga nagari tanpa agen: 3 nagari."),
        v4.new_markdown_cell("Iuran BPU Rp16.800 sebulan; JKK 0,24%.", metadata={"tags": ["rk-angka-tetap"]}),
        v4.new_markdown_cell("## Peserta aktif, 12 bulan terakhir\n\nKode 13.10.04, rapat 1 Desember 2026 "
                             "pukul 09.30, Perpres 36/2025."),
        v4.new_markdown_cell("Target `0,30%`."),  # in a code span, still a figure the reader reads
    ))
    typed = [(n.cell, n.message.split("»")[0] + "»") for n in notices]
    assert typed == [(2, "angka diketik di sel Markdown («27,2%»"), (3, "angka diketik di sel Markdown («1.245 pekerja»"),
                     (4, "angka diketik di sel Markdown («3 nagari»"), (7, "angka diketik di sel Markdown («0,30%»")]
    assert all("tidak ikut berubah bila data berubah" in n.message and "rk-angka-tetap" in n.message for n in notices)
    assert "27,2%" in nb.cells[2].source  # reported, not changed: the analyst decides


def test_a_figure_typed_into_a_code_cells_string_is_reported_with_its_line():
    """`nb.kotak(f"naik 3,2 poin di {nama}")`: the text outside the braces is typed, the same in every brief."""
    nb, notices = sanitize.prepare(executed(
        v4.new_code_cell('nama = brief.kecamatan\nnb.kotak(f"Cakupan {nama} naik 3,2 poin menjadi {nb.persen(c)}.")'),
        v4.new_code_cell('%matplotlib inline\nteks = "Masih 1.245 pekerja"\nMarkdown(teks + " dan Rp16.800")'),
        v4.new_code_cell('nb.kotak(f"{len(x)} nagari, {nb.angka(n)} peserta")'),  # every figure from the data
        v4.new_code_cell('def tumbuh(x):\n    """+29,9%, −0,1%: yang ditulis."""\n    "27,2% tidak dipakai"\n'
                         '    return f"{x:,.1f}%"\n\n"sel ini berakhir dengan fungsi"'),  # docstring, unused, spec
        v4.new_code_cell('siapa = "terdiri dari 1 nagari" if len(n) == 1 else "12 nagari"'),  # a count under ten counted
        v4.new_code_cell('nb.kotak("Iuran Rp16.800 sebulan")', metadata={"tags": ["rk-angka-tetap"]}),
        v4.new_code_cell('cek = "27,2%"', metadata={"tags": ["remove-cell"]}),  # not on the page
        v4.new_code_cell('nb.kotak("tidak lengkap"'),  # not Python: not read
        v4.new_code_cell('teks = f"""Kecamatan {nama}:\n\nnaik menjadi 27,2% bulan ini."""\nnb.kotak(teks)'),
    ))
    typed = [(n.cell, n.message.split(":")[0]) for n in notices if n.message.startswith("angka diketik")]
    assert typed == [(2, "angka diketik di kode, baris 2 («3,2»)"),
                     (3, "angka diketik di kode, baris 2 («1.245 pekerja») (dan 1 lagi di sel ini)"),
                     (6, "angka diketik di kode, baris 1 («12 nagari»)"),
                     (10, "angka diketik di kode, baris 3 («27,2%»)")]  # the figure's own line
    assert all("tidak ikut berubah bila data berubah" in n.message and "rk-angka-tetap" in n.message for n in notices)
    assert 'naik 3,2 poin' in nb.cells[2].source  # reported, not changed: the analyst decides


def test_a_figure_a_code_cell_writes_as_markdown_is_not_a_typed_one():
    """`display(Markdown(f"... {nb.persen(x)}"))` comes from the data: nothing to say."""
    shown = [display({"text/markdown": "Cakupan **27,2%**, 1.245 pekerja", "text/plain": "<Markdown>"})]
    _, notices = sanitize.prepare(executed(v4.new_code_cell("Markdown(teks)", outputs=shown)))
    assert notices == []


def test_before_running_reads_the_notebooks_text_and_sets_its_saved_outputs_aside(tmp_path):
    """What `check` and a --strict build can say before any kernel runs, as the build says it after."""
    stale = [v4.new_output("stream", name="stderr", text="FutureWarning: lama\n")]  # the analyst's last run
    nb = v4.new_notebook(cells=[
        v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        v4.new_markdown_cell("Cakupan naik menjadi 27,2%."),
        v4.new_code_cell("nb.kotak(a);", outputs=stale),
    ])
    path = tmp_path / "brief.ipynb"
    nbformat.write(nb, path)
    before = sanitize.before_running(path)
    assert [(n.cell, n.message[:29]) for n in before] == [(2, "angka diketik di sel Markdown"),
                                                          (3, "nb.kotak(a) di baris 1 tidak ")]
    executed_nb = executed(*nb.cells[1:])  # the same cells after a run that wrote nothing
    executed_nb.cells[-1].outputs = []
    assert [n.message for n in sanitize.prepare(executed_nb)[1]] == [n.message for n in before]


def test_a_long_table_nobody_grouped_may_continue_and_no_other_is_touched():
    """12 body rows or more, not grouped by nb.tabel or a Styler: class rk-lanjut (rakor.css lets it
    break between rows). Header and total rows do not count; a table holding a table is left alone."""
    def table(rows: int, attributes: str = "", extra: str = "") -> str:
        return (f"<table{attributes}><thead><tr><th>a</th></tr></thead><tbody>{'<tr><td>1</td></tr>' * rows}"
                f"{extra}</tbody><tfoot><tr><td>J</td></tr></tfoot></table>")

    assert 'class="rk-lanjut"' in sanitize.clean_html(table(12))
    assert 'class="rk-lanjut dataframe"' in sanitize.clean_html(table(30, ' class="dataframe"'))
    assert '<table data-rk-x-class="a" class="rk-lanjut">' in sanitize.clean_html(table(30, ' data-rk-x-class="a"'))
    for untouched in (table(11), table(30, ' class="rk-table rk-bersambung"'),
                      table(30, extra="<tr><td><table><tr><td>x</td></tr></table></td></tr>")):
        assert "rk-lanjut" not in sanitize.clean_html(untouched)
