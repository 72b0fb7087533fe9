"""Grayscale charts for the briefs, rendered to deterministic PNG.

Officials print the briefs in black and white and forward them by WhatsApp, so no chart
relies on colour: grays, hatching and direct labels carry the meaning, and the regency
average and the target are drawn as labelled lines. Figures are built with
`matplotlib.figure.Figure` (not pyplot), so a notebook never shows a chart twice and no
global state leaks between charts; `show` turns one into stable PNG bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on the build machines; set before anything draws

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image as PILImage

from briefs import fmt

DPI = 200
CM = 1 / 2.54
PX_PER_INCH = 96  # CSS pixels: an <img width> of 96 px is one inch on paper

GELAP, SEDANG, TERANG = "#2b2b2b", "#7a7a7a", "#c8c8c8"
GARIS = "#000000"
_SEGMEN_GAYA = {  # segment -> (fill, hatch): distinct when printed in black and white
    "PU": (GELAP, ""),
    "BPU": (TERANG, ""),
    "JAKON": ("#ffffff", "////"),
}

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "hatch.linewidth": 0.6,
    "hatch.color": "#333333",
    "text.parse_math": False,  # a '$' in a nagari name is text, not mathematics
}


def _figure(width_cm: float, height_cm: float, ncols: int = 1, **grid: float) -> tuple[Figure, list[Axes]]:
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
        FigureCanvasAgg(fig)  # always Agg, whatever backend the notebook set
        axes = fig.subplots(1, ncols, squeeze=False, gridspec_kw=grid or None)[0]
    return fig, list(axes)


def persen_target(target_persen: float) -> str:
    """The target as the params file names it: 32.15 -> '32,15%', 30 -> '30%'.

    Targets are given in persen with up to two decimals; rounding 32,15 to 32,2 would
    misquote the source.
    """
    digits = 0 if float(target_persen).is_integer() else len(f"{target_persen:g}".split(".")[1])
    return fmt.angka(target_persen, min(digits, 2)) + "%"


def _reference_lines(ax: Axes, rata_rata: float, target_persen: float) -> None:
    """Regency average (dashed) and target (dotted), labelled above the plot area."""
    lines = ((rata_rata * 100, "--", f"rata-rata kab. {fmt.persen(rata_rata)}"),
             (target_persen, ":", f"target {persen_target(target_persen)}"))
    # Whichever value is smaller is labelled to the left of its line, so they never collide.
    low = min(lines[0][0], lines[1][0])
    for x, style, label in lines:
        ax.axvline(x, color=GARIS, linestyle=style, linewidth=0.9, zorder=3)
        left = x == low and lines[0][0] != lines[1][0]
        ax.annotate(label, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(-2 if left else 2, 2),
                    textcoords="offset points", ha="right" if left else "left", va="bottom", fontsize=6.5)


def _hbar_coverage(ax: Axes, names: Sequence[str], cakupan: Sequence[float], tanpa_agen: Sequence[bool],
                   rata_rata: float, target_persen: float) -> None:
    """Sorted horizontal bars of coverage in persen, highest on top, values written at the bar end."""
    order = sorted(range(len(names)), key=lambda i: (-_nz(cakupan[i]), i))
    ys = list(range(len(order)))[::-1]
    values = [_nz(cakupan[i]) * 100 for i in order]
    for y, i, value in zip(ys, order, values):
        hatch = "////" if tanpa_agen[i] else ""
        face = "#ffffff" if tanpa_agen[i] else SEDANG
        ax.barh(y, value, height=0.68, color=face, edgecolor=GELAP, linewidth=0.6, hatch=hatch, zorder=2)
        # White backing so a reference line never runs through the figure it crosses.
        ax.annotate(fmt.persen(cakupan[i]), xy=(value, y), xytext=(2, 0), textcoords="offset points",
                    va="center", fontsize=6.5, zorder=4,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    ax.set_yticks(ys, [names[i] for i in order])
    top = max([*values, rata_rata * 100, target_persen]) * 1.18
    ax.set_xlim(0, top)
    ax.set_ylim(-0.6, len(order) - 0.4)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.angka(v)))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    ax.set_xlabel("cakupan (% angkatan kerja)")
    ax.tick_params(axis="y", length=0)
    _reference_lines(ax, rata_rata, target_persen)


def _nz(x: float) -> float:
    return 0.0 if pd.isna(x) else float(x)


def _legend_agen(ax: Axes, any_without: bool) -> None:
    """Explain the hatching only when a hatched bar is actually drawn."""
    if not any_without:
        return
    handles = [Patch(facecolor=SEDANG, edgecolor=GELAP, linewidth=0.6, label="ada agen Perisai"),
               Patch(facecolor="#ffffff", edgecolor=GELAP, linewidth=0.6, hatch="////", label="tanpa agen")]
    # Below the axes, never over a bar; constrained layout makes room for it.
    ax.get_figure().legend(handles=handles, loc="outside lower left", ncols=2, fontsize=6.5, frameon=False,
                           handlelength=1.6, columnspacing=1.2)


def _segments(ax: Axes, series: pd.DataFrame) -> None:
    """Stacked bars of active participants per segment, labelled directly at the last period."""
    xs = list(range(len(series)))
    bottom = [0] * len(series)
    centres = []
    for segmen in series.columns:
        face, hatch = _SEGMEN_GAYA.get(segmen, (SEDANG, ""))
        values = series[segmen].tolist()
        ax.bar(xs, values, bottom=bottom, width=0.72, color=face, edgecolor=GELAP, linewidth=0.5,
               hatch=hatch, zorder=2)
        centres.append(bottom[-1] + values[-1] / 2)
        bottom = [b + v for b, v in zip(bottom, values)]
    top = max(bottom + [1]) * 1.08
    for segmen, y in zip(series.columns, _spread(centres, gap=top * 0.09)):
        ax.annotate(f"{segmen} {fmt.angka(series[segmen].iloc[-1])}", xy=(xs[-1] + 0.42, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=6.5, annotation_clip=False)
    ax.set_xticks(xs, _period_labels(list(series.index)), fontsize=6.5)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.angka(v)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="y", color="#dddddd", linewidth=0.5, zorder=0)


def _spread(ys: list[float], gap: float) -> list[float]:
    """Label heights at least `gap` apart, in stacking order: a thin JAKON band must not hide BPU's label."""
    out: list[float] = []
    for y in ys:
        out.append(max(y, out[-1] + gap) if out else y)
    return out


def _period_labels(periode: list[str]) -> list[str]:
    """Every other month, ending at the data period; the year under the first label only.

    Twelve month names do not fit side by side under half a page; six do. A January
    that is labelled gets its year too ('Jan 26', as fmt.periode_singkat writes it).
    """
    labels = []
    for i, p in enumerate(periode):
        if (len(periode) - 1 - i) % 2:
            labels.append("")
        elif not any(labels):
            labels.append(f"{fmt.periode_singkat(p).split(' ')[0]}\n{p[:4]}")
        else:
            labels.append(fmt.periode_singkat(p).replace(" ", "\n"))
    return labels


HALF = 8.3  # cm: two charts side by side on a 17 cm page, with a small gutter
FULL = 17.0  # cm: the A4 content width


def chart_height(n_bars: int) -> float:
    """Height in cm for a kecamatan's pair of charts: both get it, so they line up."""
    return 4.8 + 0.35 * max(n_bars - 4, 0)


def coverage_by_nagari(nagari: pd.DataFrame, rata_rata: float, target_persen: float,
                       width_cm: float = HALF, height_cm: float | None = None) -> Figure:
    """Coverage by nagari: sorted bars, hatched where no Perisai agent is active.

    `nagari` needs columns nagari, cakupan, agen_aktif (a `figures.nagari_table` slice).
    The regency average and the target are labelled lines; the heading is the notebook's.
    """
    fig, (ax,) = _figure(width_cm, height_cm or chart_height(len(nagari)))
    tanpa_agen = (nagari["agen_aktif"] == 0).tolist()
    _hbar_coverage(ax, nagari["nagari"].tolist(), nagari["cakupan"].tolist(), tanpa_agen, rata_rata, target_persen)
    _legend_agen(ax, any(tanpa_agen))
    return fig


def segments_over_time(series: pd.DataFrame, width_cm: float = HALF, height_cm: float | None = None) -> Figure:
    """Active participants per segment over the periods of `series` (stacked bars, direct labels)."""
    fig, (ax,) = _figure(width_cm, height_cm or chart_height(4))
    _segments(ax, series)
    ax.set_ylabel("peserta aktif")
    # Room on the right for the direct segment labels.
    fig.get_layout_engine().set(rect=(0, 0, 1 - 1.7 / width_cm, 1))
    return fig


def coverage_by_kecamatan(kecamatan: pd.DataFrame, rata_rata: float, target_persen: float) -> Figure:
    """Kecamatan ranked by coverage, for the regency summary; `kecamatan` is kecamatan_table."""
    fig, (ax,) = _figure(FULL, 1.8 + 0.42 * len(kecamatan))
    names = [f"{int(r)}. {n}" for r, n in zip(kecamatan["peringkat"], kecamatan["kecamatan"])]
    _hbar_coverage(ax, names, kecamatan["cakupan"].tolist(), [False] * len(kecamatan), rata_rata, target_persen)
    return fig


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as an 8-bit grayscale PNG: byte-identical across runs, a quarter of RGBA's size.

    Matplotlib's 'Software' tag is dropped and Pillow writes no time or text chunks,
    so the same figure always gives the same bytes.
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    gray = PILImage.open(io.BytesIO(buffer.getvalue())).convert("L")
    out = io.BytesIO()
    gray.save(out, format="PNG", optimize=True, dpi=(dpi, dpi))
    return out.getvalue()


def show(fig: Figure, alt: str = "Grafik", dpi: int = DPI) -> None:
    """Display the figure in the notebook at its printed size and release it.

    Width in CSS pixels equals the width on paper; `alt` (Bahasa Indonesia) travels in
    the output's metadata, where the page template reads it. Returns None so a
    notebook cell ending in `show(...)` does not display the image twice.
    """
    from IPython.display import Image, display

    data = png_bytes(fig, dpi)
    width = round(fig.get_figwidth() * PX_PER_INCH)
    fig.clear()  # not managed by pyplot: clearing is all the closing it needs
    display(Image(data=data, format="png", width=width), metadata={"image/png": {"alt": alt}})
