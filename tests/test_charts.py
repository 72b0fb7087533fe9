"""briefs.charts: any figure becomes a grayscale, deterministic PNG with Indonesian numbers."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")  # the test process has no display; notebooks keep Jupyter's backend

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image

from briefs import fmt
from briefs.notebook import chart_checks, charts

SERIES = pd.DataFrame(
    {"PU": range(900, 912), "BPU": range(600, 612), "JAKON": [60] * 12},
    index=pd.Index([f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)], name="periode"),
)
DRAW = """
import pandas as pd
from matplotlib.figure import Figure
from briefs.notebook import chart_checks, charts
charts.use_style()
fig = Figure(figsize=charts.cm(charts.HALF, 5))
ax = fig.subplots()
s = pd.DataFrame({"PU": range(900, 912), "BPU": range(600, 612)})
s.plot.bar(stacked=True, ax=ax, legend=False)
ax.plot(range(12), range(1000, 1600, 50))
ax.set_title("Peserta $aktif$ <b>")
"""


def _draw() -> Figure:
    scope: dict = {}
    exec(DRAW, scope)
    return scope["fig"]


def test_png_is_byte_identical_across_builds():
    first, second = charts.png_bytes(_draw()), charts.png_bytes(_draw())
    assert first == second
    assert first.startswith(b"\x89PNG") and b"Software" not in first and b"tIME" not in first


def test_png_is_byte_identical_in_another_process():
    """A fresh interpreter (new hash seed, new font lookup) draws the same bytes."""
    script = DRAW + "import hashlib; print(hashlib.sha256(charts.png_bytes(fig)).hexdigest())"
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}).stdout.strip()
    assert other == hashlib.sha256(charts.png_bytes(_draw())).hexdigest()


def test_png_is_grayscale_at_print_resolution_and_printed_width():
    data, meta = charts.figure_png(_draw())
    image = Image.open(io.BytesIO(data))
    assert image.mode == "L"
    assert image.info["dpi"] == pytest.approx((charts.DPI, charts.DPI), abs=0.5)
    assert image.width == pytest.approx(charts.HALF / 2.54 * charts.DPI, abs=1)
    assert meta == {"width": round(charts.HALF / 2.54 * 96), "alt": "Peserta $aktif$ <b>"}


def test_png_draws_the_figure_once_with_savefigs_pixels_and_leaves_it_as_it_was():
    """One draw (savefig draws a constrained-layout figure twice), the pixels savefig would
    give, and the figure's own dpi, face colour and canvas untouched afterwards."""
    fig = _draw()
    fig.patch.set_facecolor("#eeeeee")
    FigureCanvasAgg(fig)
    canvas, dpi, face = fig.canvas, fig.dpi, fig.patch.get_facecolor()
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(event))
    ours = Image.open(io.BytesIO(charts.png_bytes(fig)))
    assert len(draws) == 1
    assert (fig.canvas, fig.dpi, fig.patch.get_facecolor()) == (canvas, dpi, face)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=charts.DPI, facecolor="white")
    theirs = Image.open(buffer).convert("L")
    assert ours.size == theirs.size
    assert np.array_equal(np.asarray(ours), np.asarray(theirs))


def test_house_style_draws_without_colour():
    """Default colours of the style, for lines and bars alike, are grays: nothing relies on hue."""
    canvas = FigureCanvasAgg(_draw())
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()


def test_house_style_sets_the_pages_typeface_and_sizes_for_a4():
    charts.use_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == "Open Sans"
    assert matplotlib.rcParams["figure.figsize"][0] == pytest.approx(17 / 2.54, abs=0.01)
    assert matplotlib.rcParams["text.parse_math"] is False  # '$' in a name is text
    styles = [d["linestyle"] for d in matplotlib.rcParams["axes.prop_cycle"]]
    assert len(set(map(str, styles))) == len(styles)  # lines differ by dash, not only by shade


@pytest.mark.parametrize(("ticks", "labels"), [
    ([0, 500, 1000, 1500, 2000], ["0", "500", "1.000", "1.500", "2.000"]),
    ([0, 0.25, 0.5], ["0,00", "0,25", "0,50"]),
    ([-1.5, 0, 1.5], ["\u22121,5", "0,0", "1,5"]),
    ([0, 1_200_000], ["0", "1.200.000"]),
])
def test_tick_labels_are_indonesian(ticks, labels):
    fig = Figure()
    ax = fig.subplots()
    ax.plot(ticks, ticks)
    ax.set_yticks(ticks)
    charts.indonesian_ticks(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == labels


def test_a_formatter_the_analyst_chose_keeps_its_labels():
    fig = Figure()
    ax = fig.subplots()
    ax.plot([1, 10, 100], [1, 2, 3])
    mine = FuncFormatter(lambda v, _: f"<{v:g}>")
    ax.xaxis.set_major_formatter(mine)
    ax.set_yscale("log")
    fig.canvas.draw()
    before = [[t.get_text() for t in axis.get_ticklabels()] for axis in (ax.xaxis, ax.yaxis)]
    charts.indonesian_ticks(fig)
    fig.canvas.draw()
    assert ax.xaxis.get_major_formatter().inner is mine
    assert not isinstance(ax.yaxis.get_major_formatter(), charts.AngkaFormatter)
    # '<20>' holds no English number: the same labels; the log axis's TeX became numbers
    after = [[t.get_text() for t in axis.get_ticklabels()] for axis in (ax.xaxis, ax.yaxis)]
    assert after[0] == before[0] and "<20>" in before[0]
    assert "$\\mathdefault{10^{0}}$" in before[1] and after[1] == ["0,1", "1", "10"]


def test_english_separators_an_analysts_formatter_writes_become_indonesian():
    """'{x:,.0f}' writes 1500 as '1,500', which an Indonesian reader reads as 1,5."""
    from matplotlib.ticker import PercentFormatter, StrMethodFormatter

    fig = Figure()
    bars, share, years = fig.subplots(1, 3)
    bars.bar(["13.10.01", "13.10.04"], [1500, 2500])  # codes on the categories stay codes
    bars.set_yticks([0, 1500, 2500])
    bars.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    share.plot([0, 1], [0.1, 0.125])
    share.set_yticks([0.1, 0.125])
    share.yaxis.set_major_formatter(PercentFormatter(1, decimals=1))
    years.plot([2024, 2026], [1, 2])
    years.set_xticks([2024, 2025, 2026])
    years.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))  # a year is written without separators
    charts.indonesian_ticks(fig)
    fig.canvas.draw()
    assert [t.get_text() for t in bars.get_yticklabels()] == ["0", "1.500", "2.500"]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["13.10.01", "13.10.04"]
    assert [t.get_text() for t in share.get_yticklabels()] == ["10,0%", "12,5%"]
    assert [t.get_text() for t in years.get_xticklabels()] == ["2024", "2025", "2026"]


def test_a_date_axis_names_the_months_as_the_reader_does():
    """matplotlib and pandas write 'Oct', 'May 2026' on a date axis; the reader reads Okt, Mei 2026.
    Only a date formatter's labels change: a category the analyst named 'May' stays."""
    import matplotlib.dates as mdates

    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.FULL, 5))
    canvas = FigureCanvasAgg(fig)
    dates_ax, pandas_ax, names_ax = fig.subplots(1, 3)
    months = pd.date_range("2026-03-01", "2026-12-01", freq="MS")
    dates_ax.plot(months, range(len(months)))
    dates_ax.set_xticks(months[::2])
    dates_ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    pd.Series(range(12), index=pd.period_range("2025-11", periods=12, freq="M")).plot(ax=pandas_ax)
    names_ax.bar(["May", "Oct"], [1, 2])
    charts.indonesian_ticks(fig)
    canvas.draw()
    assert [t.get_text() for t in dates_ax.get_xticklabels()] == ["Mar 2026", "Mei 2026", "Jul 2026", "Sep 2026",
                                                                  "Nov 2026"]
    by_pandas = [t.get_text() for t in pandas_ax.get_xticklabels(which="both") if t.get_text()]
    assert by_pandas and not [t for t in by_pandas if re.search(r"\b(May|Aug|Oct|Dec)\b", t)]
    assert any(re.search(r"\b(Mei|Agu|Okt|Des)\b", t) for t in by_pandas)
    assert [t.get_text() for t in names_ax.get_xticklabels()] == ["May", "Oct"]
    # the date axes say nothing; the analyst's English categories are reported, as a title's month would be
    assert [w.split(";")[0] for w in chart_checks.misread(fig, "grafik", (charts.FULL, charts.TINGGI_HALAMAN), [])] == [
        "grafik menulis nama bulan atau hari dalam bahasa Inggris (May)"]


def test_a_log_axis_writes_numbers_not_tex():
    """matplotlib labels a log axis `$\\mathdefault{10^{3}}$`; the house style reads no TeX, so
    the reader would see that code. The same ticks get Indonesian numbers instead."""
    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.FULL, 5))
    canvas = FigureCanvasAgg(fig)
    decades, narrow = fig.subplots(1, 2)
    decades.plot([1, 10, 1000], [0.001, 1, 100000])
    decades.set_yscale("log")
    narrow.plot([1, 2], [20, 60])
    narrow.set_yscale("log")  # under a decade: matplotlib labels minor ticks too
    charts.indonesian_ticks(fig)
    charts.indonesian_ticks(fig)  # a figure shown twice keeps its labels
    canvas.draw()
    labels = [t.get_text() for t in decades.get_yticklabels()]
    assert labels == ["0,00001", "0,001", "0,1", "10", "1.000", "100.000", "10.000.000"]  # ends outside the view
    assert {"20", "30", "40", "60"} <= {t.get_text() for t in narrow.get_yticklabels(which="both")}
    assert not [t for t in chart_checks.drawn_texts(fig) if "$" in t or "mathdefault" in t]


def test_pandas_own_english_axis_label_is_written_in_bahasa():
    charts.use_style()
    fig = Figure()
    hist, mine = fig.subplots(1, 2)
    pd.Series([0.1, 0.2, 0.25, 0.3]).plot.hist(ax=hist)
    mine.set_ylabel("Jumlah nagari")
    assert hist.get_ylabel() == "Frequency"
    charts.figure_png(fig)
    assert (hist.get_ylabel(), mine.get_ylabel()) == ("Frekuensi", "Jumlah nagari")


def test_alt_text_from_label_then_titles():
    fig = Figure()
    ax = fig.subplots()
    assert charts.alt_text(fig) == ""
    ax.set_title("Cakupan")
    assert charts.alt_text(fig) == "Cakupan"
    fig.suptitle("Judul")
    assert charts.alt_text(fig) == "Judul; Cakupan"
    fig.set_label("Cakupan per nagari di Kecamatan Sitiung")
    assert charts.alt_text(fig) == "Cakupan per nagari di Kecamatan Sitiung"


def test_month_labels_every_other_month_with_the_year_once():
    labels = charts.label_bulan(list(SERIES.index))
    assert labels[-1] == "Okt" and labels[1] == "Des\n2025" and labels[3] == "Feb" and labels[0] == ""
    periods = [f"2025-{m:02d}" for m in range(2, 13)] + ["2026-01"]
    labels = charts.label_bulan(periods)
    assert labels[-1] == "Jan\n26"  # fmt.periode_singkat, on two lines
    assert labels[:2] == ["", "Mar\n2025"]


def test_end_labels_never_overlap_on_a_thin_band():
    thin = SERIES.assign(JAKON=0, BPU=5)
    fig = Figure()
    ax = fig.subplots()
    thin.plot.bar(stacked=True, ax=ax)
    ax.set_ylim(0, 1000)
    charts.label_ujung(ax, thin)
    texts = {t.get_text(): t.xy[1] for t in ax.texts}
    assert set(texts) == {f"PU {fmt.angka(911)}", "BPU 5", "JAKON 0"}
    ys = sorted(texts.values())
    assert min(b - a for a, b in zip(ys, ys[1:])) >= 1000 * 0.09 - 1e-9


def test_reference_lines_are_labelled_apart():
    fig = Figure()
    ax = fig.subplots()
    ax.set_xlim(0, 40)
    charts.garis_acuan(ax, {"rata-rata kab. 21,0%": 21.0, "target 32,15%": 32.15})
    labels = {t.get_text(): t for t in ax.texts}
    assert labels["rata-rata kab. 21,0%"].get_horizontalalignment() == "right"  # left of its line
    assert labels["target 32,15%"].get_horizontalalignment() == "left"
    assert [line.get_xdata()[0] for line in ax.lines] == [21.0, 32.15]


def test_target_keeps_the_decimals_of_its_source():
    assert charts.persen_target(32.15) == "32,15%"
    assert charts.persen_target(43.9) == "43,9%"
    assert charts.persen_target(30.0) == "30%"


def test_bar_chart_height_follows_the_bars_and_stays_on_a_page():
    """Unchanged up to 43 bars; 44 to 50 fit under page 1's key figures; then taller, up to
    what one page holds under a heading. At every height it gives, a brief's chart of that
    many nagari keeps its labels apart up to 79 bars, and the build says so past that."""
    heights = [charts.tinggi_grafik(n) for n in range(1, 201)]
    assert heights == sorted(heights) and max(heights) == charts.TINGGI_MAKS < charts.TINGGI_HALAMAN
    assert charts.tinggi_grafik(12) == pytest.approx(4.8 + 0.35 * 8)
    assert charts.tinggi_grafik(43) == pytest.approx(4.8 + 0.35 * 8 + 0.27 * 31)
    assert charts.tinggi_grafik(43) < charts.TINGGI_HALAMAN_1
    assert {charts.tinggi_grafik(n) for n in range(44, 51)} == {charts.TINGGI_HALAMAN_1}
    charts.use_style()

    def crowded(n: int) -> bool:
        fig = Figure(figsize=charts.cm(charts.HALF, charts.tinggi_grafik(n)))
        ax = fig.subplots()
        bars = ax.barh([f"Nagari Tambahan Panjang {i}" for i in range(n)], range(n), height=0.68)
        charts.label_batang(ax, bars, [f"{i},0%" for i in range(n)])
        charts.garis_acuan(ax, {"rata-rata kab. 21,0%": 21, "target 32,15%": 32.15})
        ax.set_xlabel("cakupan (% angkatan kerja)")
        charts.legenda(fig, {"ada agen Perisai": {"facecolor": charts.SEDANG},
                             "tanpa agen": {"facecolor": charts.PUTIH, "hatch": charts.ARSIR}})
        return "saling bertumpuk" in str(charts.figure_png(fig)[1].get("rakor"))

    assert [crowded(n) for n in (17, 43, 50, 51, 79, 100)] == [False] * 5 + [True]
