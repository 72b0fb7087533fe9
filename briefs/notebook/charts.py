"""Charts in house style: how any matplotlib figure becomes the PNG a reader sees.

The drawing itself lives in the notebooks, in plain matplotlib, where analysts can read
and change it. This module holds what every chart shares, whoever drew it: the house
style file (`templates/rakor.mplstyle`), Indonesian tick labels, a deterministic
grayscale PNG at its printed size with alt text, and a few decorations the briefs
use (labelled reference lines, month labels, direct labels) so a cell stays short.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import (
    Formatter,
    LogFormatter,
    LogFormatterMathtext,
    LogFormatterSciNotation,
    NullFormatter,
    ScalarFormatter,
)
from PIL import Image as PILImage

from briefs import fmt, paths
from briefs.notebook import chart_checks

STYLE_FILE = paths.TEMPLATES / "rakor.mplstyle"
DPI = 200
CM = 1 / 2.54
PX_PER_INCH = 96  # CSS pixels: an <img width> of 96 px is one inch on paper

# The house grays, for cells that colour by meaning (no agent = white and hatched).
GELAP, SEDANG, TERANG, PUTIH = "#2b2b2b", "#7a7a7a", "#c8c8c8", "#ffffff"
ARSIR = "////"
HALF = 8.3  # cm: two charts side by side on a 17 cm page, with a small gutter
FULL = 17.0  # cm: the A4 content width


def cm(width: float, height: float) -> tuple[float, float]:
    """A figure size in centimetres, as `plt.subplots(figsize=...)` wants it in inches."""
    return width * CM, height * CM


def tinggi_grafik(n_bars: int) -> float:
    """Height in cm for a bar chart of `n_bars` bars beside another chart: both get it.

    3,5 mm a bar up to 12 bars, then 2,7 mm for each bar more: a kecamatan of 16 or 17
    nagari draws two such charts and a long table, and at 3,5 mm its brief ran to a
    third page. 2,7 mm still holds a 7 pt label per bar (the build's label check,
    `chart_checks`, says so when labels touch); up to 12 bars nothing changed.

    From 46 bars the chart no longer fit under page 1's key figures: it moved whole to
    page 2 and left page 1 blank (50 nagari: five pages). So from 44 to 50 bars it stays at
    `TINGGI_HALAMAN_1`, labels still apart, then grows 2,7 mm a bar again, never past
    `TINGGI_MAKS`: taller, it ran off the foot of its page and the lowest-coverage nagari
    were cut off (100 nagari). From about 80 bars the labels touch and the build says so.
    """
    height = 4.8 + 0.35 * min(max(n_bars - 4, 0), 8) + 0.27 * max(n_bars - 12, 0)
    if height <= TINGGI_HALAMAN_1:
        return height
    return min(TINGGI_HALAMAN_1 + 0.27 * max(n_bars - 50, 0), TINGGI_MAKS)


TINGGI_HALAMAN_1 = 16.0  # cm: what page 1 holds under the brief's header, key figures and heading
TINGGI_MAKS = 23.0  # cm: with its heading above it, one A4 page (25,7 cm of content); 24 left the heading behind
TINGGI_HALAMAN = 25.7  # cm: the A4 content height (297 mm less 20 mm margins at top and bottom)


# ---- Indonesian numbers on every axis ------------------------------------------------------

class AngkaFormatter(ScalarFormatter):
    """matplotlib's default tick labels, written the Indonesian way: 2.000; 0,25; −1,5.

    The default formatter chooses how many decimals the ticks need; this one keeps
    that choice and only changes the separators, so nothing is rounded differently.
    """

    def __init__(self) -> None:
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)

    def __call__(self, x: float, pos: int | None = None) -> str:
        text = super().__call__(x, pos).replace("\u2212", "-")
        digits = len(text.split(".")[1]) if "." in text else 0
        return fmt.angka(x, digits).replace("-", "\u2212")


class AngkaLogFormatter(LogFormatter):
    """matplotlib's labels for a log axis, on the same ticks, as numbers the Indonesian way: 1.000; 0,01.

    Its default writes 10³ as TeX (`$\\mathdefault{10^{3}}$`), which the house style prints as
    code: it reads no mathematics, so a '$' in a nagari name stays text. Officials read
    whole numbers, as on a linear axis.
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not super().__call__(x, pos):  # a tick matplotlib leaves unlabelled
            return ""
        tick = float(f"{x:.12g}")  # 10 ** -5 computed is 1.0000000000000001e-05
        return fmt.angka(tick, min(fmt.desimal_tertulis(tick), 12)).replace("-", "\u2212")


class IndonesianLabels(Formatter):
    """A formatter the analyst chose, its labels kept, except numbers it writes the English way.

    `StrMethodFormatter("{x:,.0f}")` writes 1500 as '1,500', which an Indonesian reader
    reads as 1,5; `PercentFormatter` writes '12.5%'. Such a label is rewritten (1.500;
    12,5%) only when it reads back as its own tick (`fmt.dari_inggris`): categories, codes
    and years are the analyst's, untouched. A date axis (matplotlib's or pandas' date
    formatters: 'Oct', 'May 2026') gets the reader's month and day names: Okt, Mei 2026.
    """

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner
        self.dates = _writes_dates(inner)

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._ours(str(self.inner(x, pos)), x)  # a FixedFormatter hands back what it was given

    def format_ticks(self, values) -> list[str]:
        return [self._ours(str(label), x) for label, x in zip(self.inner.format_ticks(values), values)]

    def get_offset(self) -> str:
        offset = self.inner.get_offset()
        return fmt.tanggal_dari_inggris(offset) if self.dates else offset

    def _ours(self, label: str, x: float) -> str:
        return fmt.tanggal_dari_inggris(label) if self.dates else _indonesian_label(label, x)

    def format_data(self, value: float) -> str:
        return self.inner.format_data(value)

    def format_data_short(self, value: float) -> str:
        return self.inner.format_data_short(value)


_TEX_LOG = (LogFormatterSciNotation, LogFormatterMathtext)  # what a log or symlog scale labels with


def _writes_dates(formatter: Formatter) -> bool:
    """matplotlib's and pandas' date formatters: they write month and day names in English."""
    return type(formatter).__module__.startswith(("matplotlib.dates", "pandas."))


def _indonesian_label(label: str, x: float) -> str:
    try:
        tick = float(x)
    except (TypeError, ValueError):
        return label
    rewritten = fmt.dari_inggris(label.strip(), tick, tick * 100)  # a percentage of 1 or of 100
    return label if rewritten is None else rewritten


def indonesian_ticks(fig: Figure) -> None:
    """Indonesian numbers on every axis (a 3D chart's z, a secondary or inset axis too):
    matplotlib's default formatter becomes `AngkaFormatter`, or `AngkaLogFormatter` on a log
    axis; any other formatter the analyst chose keeps its labels but not its English
    separators, nor a date axis its English month names (`IndonesianLabels`, major and minor).
    """
    for _, axis in chart_checks.every_axis(fig):
        major, minor = axis.get_major_formatter(), axis.get_minor_formatter()
        if type(major) is ScalarFormatter:  # linear, or a secondary axis's function scale
            axis.set_major_formatter(AngkaFormatter())
        elif type(major) in _TEX_LOG:
            axis.set_major_formatter(_log_labels(axis, major))
        elif not isinstance(major, (AngkaFormatter, AngkaLogFormatter, IndonesianLabels, NullFormatter,
                                    ScalarFormatter)):
            axis.set_major_formatter(IndonesianLabels(major))
        if type(minor) in _TEX_LOG:  # a log axis labels minor ticks when it spans under a decade or so
            axis.set_minor_formatter(_log_labels(axis, minor))
        elif _writes_dates(minor):  # pandas names the months on minor ticks
            axis.set_minor_formatter(IndonesianLabels(minor))


def _log_labels(axis, default: LogFormatter) -> AngkaLogFormatter:
    """`AngkaLogFormatter` labelling the ticks the log axis's default would label."""
    return AngkaLogFormatter(base=getattr(axis.get_transform(), "base", 10), labelOnlyBase=default.labelOnlyBase,
                             minor_thresholds=default.minor_thresholds)


# ---- the PNG a reader sees -----------------------------------------------------------------

def alt_text(fig: Figure) -> str:
    """What a screen reader says for the chart: the figure's label, else its titles.

    `fig.set_label("Cakupan per nagari ...")` gives alt text without drawing a title
    (the notebook's heading already says it); otherwise a suptitle or the axes' titles.
    """
    label = fig.get_label()
    if label and not label.startswith("_"):
        return label
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
    titles += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    return "; ".join(t for t in titles if t.strip())


def png_bytes(fig: Figure, dpi: int = DPI, crowded: list | None = None) -> bytes:
    """The figure as an 8-bit grayscale PNG: byte-identical across runs, a quarter of RGBA's size.

    Drawn once, straight into an Agg buffer that is grayed and encoded once. `savefig`
    would draw a figure with a layout engine twice (a layout pass, then the real one)
    and encode a colour PNG only for us to decode it again: ~45 ms a chart for the
    same pixels. Pillow writes no time or text chunks, so the same figure always gives
    the same bytes. Drawn at the figure's own size (no tight crop), so the width on
    paper is the width the analyst asked for. zlib level 6, not `optimize` (level 9):
    the same pixels 6 % larger (13,2 → 14,0 KB a chart) in a sixth of the time (33 → 6
    ms, ~80 ms a brief in the kernel, the slower side of a build); the PDF does not
    change with it (WeasyPrint re-encodes the pixels into the same image streams).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    shown_on, dpi_before, face_before = fig.canvas, fig.dpi, fig.patch.get_facecolor()
    canvas = FigureCanvasAgg(fig)  # our own canvas: no window or manager is resized
    try:
        fig.dpi = dpi
        fig.patch.set_facecolor("white")
        canvas.draw()
        gray = PILImage.fromarray(np.asarray(canvas.buffer_rgba()), "RGBA").convert("L")
        if crowded is not None:  # measured as drawn, with the draw's renderer and its cached text layouts
            try:
                crowded += chart_checks.crowded_ticks(fig, canvas.get_renderer())
            except Exception as exc:  # a check must never cost the reader the chart
                crowded.append(exc)
    finally:
        fig.patch.set_facecolor(face_before)
        fig.dpi = dpi_before
        fig.set_canvas(shown_on)
    out = io.BytesIO()
    gray.save(out, format="PNG", compress_level=6, dpi=(dpi, dpi))
    return out.getvalue()


# pandas' own axis labels (`Series.plot.hist`, `.kde`): words of the library, not the analyst's
_PANDAS_LABELS = {"Frequency": "Frekuensi", "Density": "Kepadatan"}


def pandas_labels(fig: Figure) -> None:
    """The axis labels pandas writes in English itself, in Bahasa: Frequency becomes Frekuensi."""
    for _, axis in chart_checks.every_axis(fig):
        if axis.label.get_text() in _PANDAS_LABELS:
            axis.label.set_text(_PANDAS_LABELS[axis.label.get_text()])


def figure_png(fig: Figure) -> tuple[bytes, dict]:
    """PNG bytes and display metadata (printed width in CSS px, alt text) for one figure."""
    indonesian_ticks(fig)
    pandas_labels(fig)
    crowded: list = []
    data = png_bytes(fig, crowded=crowded)
    meta: dict = {"width": round(fig.get_figwidth() * PX_PER_INCH)}
    alt = alt_text(fig)
    if alt:
        meta["alt"] = alt
    chart = f"grafik «{alt[:40]}»" if alt else "grafik"
    try:
        warnings = chart_checks.misread(fig, chart, (FULL, TINGGI_HALAMAN), crowded)
    except Exception as exc:  # a check must never cost the reader the chart
        warnings = [chart_checks.unchecked(chart, exc)]
    if warnings:  # the build reports them beside the cell, as for a raw number printed in text
        meta["rakor"] = {"peringatan": warnings}
    return data, meta


# ---- decorations the briefs share -----------------------------------------------------------

def garis_acuan(ax: Axes, garis: dict[str, float], gaya: Sequence[str] = ("--", ":")) -> None:
    """Vertical reference lines labelled above the plot: {"target 32,15%": 32.15, ...}.

    The smaller value is labelled to the left of its line and the larger to the right,
    so two labels never collide.
    """
    values = list(garis.values())
    for (label, x), style in zip(garis.items(), gaya):
        ax.axvline(x, color="#000000", linestyle=style, linewidth=0.9, zorder=3)
        left = len(set(values)) > 1 and x == min(values)
        ax.annotate(label, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(-2 if left else 2, 2),
                    textcoords="offset points", ha="right" if left else "left", va="bottom", fontsize=6.5)


def label_batang(ax: Axes, bars, labels: Sequence[str]) -> None:
    """Values at the end of horizontal bars, on a white backing so a reference line never crosses them."""
    ax.bar_label(bars, labels=list(labels), padding=2, fontsize=6.5, zorder=4,
                 bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})


def legenda(fig: Figure, items: dict[str, dict]) -> None:
    """A legend below the axes from {label: patch properties}, never over a bar."""
    handles = [Patch(label=label, linewidth=0.6, edgecolor=GELAP, **props) for label, props in items.items()]
    fig.legend(handles=handles, loc="outside lower left", ncols=len(handles), fontsize=6.5,
               handlelength=1.6, columnspacing=1.2)


def label_bulan(periode: Sequence[str]) -> list[str]:
    """Tick labels for monthly bars: every other month, ending at the last; the year once.

    Twelve month names do not fit side by side under half a page; six do. A January
    that is labelled gets its year too ('Jan 26', as fmt.periode_singkat writes it).
    """
    labels: list[str] = []
    for i, p in enumerate(periode):
        if (len(periode) - 1 - i) % 2:
            labels.append("")
        elif not any(labels):
            labels.append(f"{fmt.periode_singkat(p).split(' ')[0]}\n{p[:4]}")
        else:
            labels.append(fmt.periode_singkat(p).replace(" ", "\n"))
    return labels


def label_ujung(ax: Axes, seri: pd.DataFrame) -> None:
    """Label each stacked series at its last bar ('PU 1.502'), spaced so thin bands stay legible."""
    last = seri.iloc[-1]
    centres = (last.cumsum() - last / 2).tolist()
    top = ax.get_ylim()[1]
    ys: list[float] = []
    for y in centres:
        ys.append(max(y, ys[-1] + top * 0.09) if ys else y)
    for (name, value), y in zip(last.items(), ys):
        ax.annotate(f"{name} {fmt.angka(value)}", xy=(len(seri) - 1 + 0.42, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=6.5, annotation_clip=False)


def persen_target(target_persen: float) -> str:
    """The target as the params file names it: 32.15 -> '32,15%', 30 -> '30%'.

    Targets are given in persen with up to two decimals; rounding 32,15 to 32,2 would
    misquote the source.
    """
    return fmt.angka(target_persen, min(fmt.desimal_tertulis(target_persen), 2)) + "%"


def use_style() -> None:
    """Apply the house style file to matplotlib's global settings (idempotent)."""
    matplotlib.style.use(STYLE_FILE)
