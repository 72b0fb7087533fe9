"""briefs.notebook.chart_checks: what a printed chart misleads its reader with, said beside its cell.

Each check on a figure drawn as the build draws it (`charts.figure_png`): the chart still
reaches the page; its display metadata carries the notice the build reports.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # the test process has no display; notebooks keep Jupyter's backend

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from PIL import Image

from briefs import fmt
from briefs.notebook import chart_checks, charts


def test_a_raw_number_drawn_outside_the_ticks_is_reported_with_the_chart():
    """`ax.bar_label(bars)` writes 32.15 as '32.15': the PNG says so to the build, beside the cell."""
    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.HALF, 5))
    ax = fig.subplots()
    bars = ax.barh(["Koto Tangah", "Pauh"], [32.15, 12.5])
    ax.bar_label(bars)
    ax.set_title("Cakupan per nagari")
    _, meta = charts.figure_png(fig)
    (warning,) = meta["rakor"]["peringatan"]
    assert "«Cakupan per nagari»" in warning and "(32.15)" in warning and "nb.angka" in warning
    assert "juga 1 angka lain yang tertulis begitu: (12.5)" in warning  # every bar's label, in one notice

    ours = Figure(figsize=charts.cm(charts.HALF, 5))
    ax = ours.subplots()
    bars = ax.barh(["Koto Tangah", "Pauh"], [32.15, 12.5])
    charts.label_batang(ax, bars, [fmt.angka(v, 2) for v in (32.15, 12.5)])
    ax.annotate("13.10.04", (1, 0))  # a code, and a title's year: not numbers a reader misreads
    ax.set_title("Cakupan 2026")
    assert "rakor" not in charts.figure_png(ours)[1]
    assert {"32,15", "12,50", "13.10.04", "Cakupan 2026", "Koto Tangah"} <= set(chart_checks.drawn_texts(ours))


def test_tick_labels_outside_the_view_are_not_read_as_drawn():
    """matplotlib labels a tick beyond each end of the view and does not draw it."""
    fig = Figure()
    canvas = FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"<{v:.1f}>"))
    canvas.draw()
    labelled = [t.get_text() for t in ax.xaxis.get_ticklabels()]
    assert labelled[0] == "<-0.2>" and labelled[-1] == "<1.2>"  # outside the view (−0.05 … 1.05)
    drawn = chart_checks.drawn_texts(fig)
    assert "<0.0>" in drawn and "<1.0>" in drawn and "<-0.2>" not in drawn and "<1.2>" not in drawn


def test_tex_in_a_chart_is_reported_and_a_price_is_not():
    charts.use_style()
    fig = Figure()
    ax = fig.subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_title("Hubungan, $R^2 = 0,8$")
    ax.set_xlabel("Iuran $5 dan $10")
    (warning,) = charts.figure_png(fig)[1]["rakor"]["peringatan"]
    assert "rumus TeX ($R^2 = 0,8$)" in warning and "pembaca melihat kodenya" in warning
    ax.set_title("Hubungan, R² = 0,8")
    assert "rakor" not in charts.figure_png(fig)[1]


def test_two_series_a_grayscale_print_draws_alike_are_reported():
    """Red and green are two series on screen and one gray on paper (76 and 75 of 255)."""
    charts.use_style()
    fig = Figure()
    ax = fig.subplots()
    ax.bar([0, 1], [1, 2], color="red", label="PU")
    ax.bar([0, 1], [1, 1], bottom=[1, 2], color="green", label="BPU")
    ax.bar([0, 1], [1, 1], bottom=[2, 3], color="green", hatch=charts.ARSIR, label="JAKON")  # hatched: apart
    ax.legend()
    (warning,) = charts.figure_png(fig)[1]["rakor"]["peringatan"]
    assert "seri «PU» dan «BPU» tampak sama dalam abu-abu" in warning
    # the house cycle keeps six series apart, as bars and as lines
    frame = pd.DataFrame({name: [1, 2] for name in "abcdef"})
    for draw in (lambda ax: frame.plot.bar(stacked=True, ax=ax), lambda ax: frame.plot(ax=ax)):
        fig = Figure()
        draw(fig.subplots())
        assert chart_checks.same_grays(fig) == []


def test_a_chart_taller_than_a_page_is_reported_and_printed_whole_inside_one_page(tmp_path):
    """A4's content is 25,7 cm high and WeasyPrint does not split a picture: a 32 cm chart ran
    off the page's foot, its last bars cut. It is reported, and the page shrinks it into one
    page, its proportions kept; at `nb.tinggi_grafik`'s tallest nothing is said."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from briefs import params, paths
    from briefs.render import html as render
    from briefs.render import page as page_frame
    from briefs.render import weasy
    from tests.test_long_tables import images_per_page

    charts.use_style()
    tall, tallest = Figure(figsize=charts.cm(charts.HALF, 32)), Figure(figsize=charts.cm(charts.HALF, charts.TINGGI_MAKS))
    for fig in (tall, tallest):
        fig.subplots().barh([f"Nagari {i}" for i in range(60)], range(60))
    png, meta = charts.figure_png(tall)
    (warning,) = meta["rakor"]["peringatan"]
    assert "setinggi 32,0 cm, lebih tinggi dari satu halaman (25,7 cm)" in warning and "menjadi 80%" in warning
    assert "rakor" not in charts.figure_png(tallest)[1]
    # printed: on a page of its own, inside the 20 mm margins, as wide for its height as drawn
    frame = page_frame.page_for(params.load(paths.DEFAULT_PARAMS), kind="brief", title="Kecamatan Uji", build_id="b")
    shown = new_output("display_data", data={"image/png": base64.b64encode(png).decode()},
                       metadata={"image/png": {"width": meta["width"]}})
    html, _ = render.notebook_html(new_notebook(cells=[new_code_cell("plt.show()", outputs=[shown])]), frame)
    weasy.write_pdf(html, tmp_path / "tall.pdf", base_dir=tmp_path, title="uji")
    ((bottom, top),) = [box for page in images_per_page(tmp_path / "tall.pdf") for box in page]
    assert bottom >= 20 - 0.5 and top <= 297 - 20 + 0.5 and top - bottom > 240


def test_a_chart_wider_than_the_page_is_reported():
    """A4's content is 17 cm: a 30 cm figure is shrunk into it, its 7 pt labels to 4 pt."""
    charts.use_style()
    wide, fits = Figure(figsize=charts.cm(30, 6)), Figure(figsize=charts.cm(charts.FULL, 6))
    for fig in (wide, fits):
        fig.subplots().plot([1, 2], [1, 2])
    (warning,) = charts.figure_png(wide)[1]["rakor"]["peringatan"]
    assert "selebar 30,0 cm, lebih lebar dari halaman (17 cm)" in warning and "menjadi 57%" in warning
    assert "rakor" not in charts.figure_png(fits)[1]


def test_tick_labels_printed_over_each_other_are_reported_per_axis():
    """A date axis's default labels on a third of the page, and forty nagari on a 5 cm chart."""
    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.FULL, 5))
    dates, nagari, fine = fig.subplots(1, 3)
    dates.plot(pd.date_range("2026-01-01", periods=10, freq="MS"), range(10))
    nagari.barh([f"Nagari {i}" for i in range(40)], range(40))
    fine.barh([f"Nagari {i}" for i in range(5)], range(5))
    fine.set_xticks([0, 2, 4])
    warnings = charts.figure_png(fig)[1]["rakor"]["peringatan"]
    assert [w.split(" («")[0] for w in warnings] == ["grafik: label sumbu x saling bertumpuk",
                                                     "grafik: label sumbu y saling bertumpuk"]
    assert "«2026-01» dan «2026-02»" in warnings[0] and "rotation=90" in warnings[0]
    assert "nb.tinggi_grafik" in warnings[1]
    # the same labels with room: nothing said
    roomy = Figure(figsize=charts.cm(charts.FULL, charts.tinggi_grafik(40)))
    roomy.subplots().barh([f"Nagari {i}" for i in range(40)], range(40))
    assert "rakor" not in charts.figure_png(roomy)[1]
    slanted = Figure(figsize=charts.cm(charts.HALF, 5))  # boxes overlap, glyphs do not: not judged
    ax = slanted.subplots()
    ax.bar([f"Nagari panjang {i}" for i in range(8)], range(8))
    ax.tick_params(axis="x", rotation=45)
    assert "rakor" not in charts.figure_png(slanted)[1]


def test_figures_of_every_common_kind_reach_the_page_in_house_style():
    """A boxplot's labels are numpy integers (its FixedFormatter hands back what it was given),
    a 3D chart has a z axis, a secondary axis and an inset hang on their Axes, a table's cells
    are not Text children: each is drawn, in Indonesian numbers or with its English reported."""
    import numpy as np

    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.FULL, 6))
    box = fig.add_subplot(2, 3, 1)
    box.boxplot([[1, 2, 3], [2, 3, 4]])
    space = fig.add_subplot(2, 3, 2, projection="3d")
    space.plot([0, 1], [0, 1], [0, 0.5])
    main = fig.add_subplot(2, 3, 3)
    main.plot([1, 2], [1, 2])
    main.secondary_xaxis("top", functions=(lambda x: x * 2, lambda x: x / 2))
    main.inset_axes([0.6, 0.1, 0.3, 0.3]).plot([0, 1], [0.5, 1.5])
    table = fig.add_subplot(2, 3, 4)
    table.axis("off")
    table.table(cellText=[["2,000"]], loc="center")
    dots = fig.add_subplot(2, 3, 5)
    dots.scatter([1, 2], [1, 2], label="PU", color="red")
    dots.scatter([1, 2], [2, 1], label="BPU", color="green")
    dots.legend()
    warnings = charts.figure_png(fig)[1]["rakor"]["peringatan"]
    assert [w.split(" (")[0].split(": seri")[0] for w in warnings] == [
        "grafik menulis angka cara Inggris atau mentah", "grafik"]
    assert "(2,000)" in warnings[0] and "«PU» dan «BPU»" in warnings[1]
    drawn = chart_checks.drawn_texts(fig)
    assert "2,000" in drawn and {"1", "2"} <= set(drawn)  # the boxplot's positions, as text
    assert not [t for t in drawn if fmt.angka_mentah(t) and t != "2,000"]  # z, secondary, inset: Indonesian
    assert np.asarray(Image.open(io.BytesIO(charts.figure_png(fig)[0]))).ndim == 2


@pytest.mark.parametrize("check", ["crowded_ticks", "same_grays"])
def test_a_check_that_breaks_is_said_and_the_chart_still_shown_fault_injected(monkeypatch, check):
    """A bug in a check (injected here: the check raises) must not cost the reader the chart."""
    def broken(*_):
        raise ValueError("rusak")

    monkeypatch.setattr(chart_checks, check, broken)
    fig = Figure()
    fig.subplots().plot([1, 2], [1, 2])
    data, meta = charts.figure_png(fig)
    assert Image.open(io.BytesIO(data)).size[0] > 0
    (warning,) = meta["rakor"]["peringatan"]
    assert "tidak bisa diperiksa (ValueError: rusak); grafiknya tetap tampil" in warning


def test_a_duration_drawn_as_python_writes_it_is_reported():
    charts.use_style()
    fig = Figure(figsize=charts.cm(charts.HALF, 5))
    ax = fig.subplots()
    ax.barh(["Koto Tangah"], [3])
    ax.annotate(str(pd.Timedelta("3 days 4 hours")), (1, 0))
    ax.set_title("Lama proses")
    (warning,) = charts.figure_png(fig)[1]["rakor"]["peringatan"]
    assert "«Lama proses»" in warning and "(3 days 04:00:00)" in warning and "nb.durasi" in warning
