"""What a printed chart misleads its reader with, read from the drawn figure, in words for the analyst.

The reader gets the chart as a grayscale PNG on an A4 page, printed and forwarded as a
photo. `charts.figure_png` draws it, then asks this module what on it a reader would
misread or cannot read: a number written the English way, a month named in English, TeX
(the house style prints it as code), tick labels printed over each other, two legend
entries drawn in one gray, a chart wider or taller than the page. The chart still reaches the page
as drawn; the build reports each finding beside the cell that drew it, like any other notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from matplotlib.axis import Axis
from matplotlib.collections import Collection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.table import Table
from matplotlib.text import Text

from briefs import fmt

_TEX = re.compile(r"\$[^$]*[\\^_{}][^$]*\$")  # what the house style prints as code (text.parse_math off)


def unchecked(chart: str, exc: Exception) -> str:
    """What the analyst is told when a check itself failed: the chart is on the page, unchecked."""
    return (f"{chart} tidak bisa diperiksa ({type(exc).__name__}: {str(exc)[:80]}); grafiknya tetap tampil: "
            f"periksa sendiri angka, nama bulan dan label sumbunya")


def misread(fig: Figure, chart: str, page_cm: tuple[float, float], crowded: list) -> list[str]:
    """What a reader of the printed chart misreads or cannot read, in words for the analyst: a
    number written the English way or raw, a month named in English, a duration as Python
    writes it, TeX (printed as its code), tick labels printed over each other (`crowded`: from
    `crowded_ticks`, or the exception it raised), two series drawn in one gray, and a chart
    wider or taller than the page (shrunk to fit, its type with it)."""
    texts = drawn_texts(fig)
    found = []
    (page_width, page_height), width, height = page_cm, fig.get_figwidth() * 2.54, fig.get_figheight() * 2.54
    if width > page_width + 0.5:
        found.append(f"{chart} selebar {fmt.angka(width, 1)} cm, lebih lebar dari halaman ({fmt.angka(page_width, 0)} cm): "
                     f"di PDF diperkecil, hurufnya ikut mengecil menjadi {fmt.persen(page_width / width, 0)} ukuran rumah; "
                     f"buat dengan figsize=nb.cm(nb.FULL, tinggi)")
    if height > page_height + 0.5:  # the page's CSS shrinks it to one page; uncut, it ran off the page's foot
        found.append(f"{chart} setinggi {fmt.angka(height, 1)} cm, lebih tinggi dari satu halaman "
                     f"({fmt.angka(page_height, 1)} cm): di PDF diperkecil, hurufnya ikut mengecil menjadi "
                     f"{fmt.persen(page_height / height, 0)} ukuran rumah; tingginya ambil dari nb.tinggi_grafik "
                     f"(paling tinggi 23 cm), atau bagi menjadi dua grafik")
    if raws := fmt.semua_angka_mentah(texts):
        found.append(f"{chart} menulis angka cara Inggris atau mentah {fmt.salah_baca(raws[0], raws[1:])} "
                     f"(label batang: ax.bar_label(bars, labels=[nb.angka(v, 1) for v in nilai]))")
    if name := next(filter(None, map(fmt.nama_inggris, texts)), None):
        found.append(f"{chart} menulis {fmt.tulis_nama(name)}")
    if duration := next(filter(None, map(fmt.durasi_inggris, texts)), None):
        found.append(f"{chart} menulis {fmt.tulis_durasi(duration)}")
    if tex := next((m.group() for m in map(_TEX.search, texts) if m), None):
        found.append(f"{chart} menulis rumus TeX ({tex[:40]}) dan pembaca melihat kodenya: gaya rumah membaca $ "
                     f"sebagai teks (agar $ dalam sebuah nama tetap teks); tulis dengan kata atau huruf Unicode (R², ≥)")
    for item in crowded:
        if isinstance(item, Exception):
            found.append(unchecked(chart, item))
            continue
        axis_name, first, second = item
        fix = ("kurangi labelnya (ax.set_xticks), putar (ax.tick_params(axis='x', rotation=90)) atau perlebar "
               "grafiknya" if axis_name == "x" else
               "kurangi labelnya (ax.set_yticks), pertinggi grafiknya (nb.tinggi_grafik(jumlah_batang)) atau, bila "
               "sudah setinggi halaman, bagi menjadi dua grafik")
        found.append(f"{chart}: label sumbu {axis_name} saling bertumpuk («{first[:20]}» dan «{second[:20]}»), "
                     f"pembaca tidak bisa membacanya; {fix}")
    for first, second in same_grays(fig):
        found.append(f"{chart}: seri «{first}» dan «{second}» tampak sama dalam abu-abu (brief dicetak hitam-putih), "
                     f"pembaca tidak bisa membedakannya di legenda; pakai abu-abu rumah (nb.GELAP, nb.SEDANG, "
                     f"nb.TERANG), garis putus-putus atau arsir (hatch=nb.ARSIR)")
    return found


def crowded_ticks(fig: Figure, renderer) -> list[tuple[str, str, str]]:
    """(axis, label, next label) where two tick labels drawn on one axis overlap, once per axis.

    `renderer`: the one that just drew the figure (`charts.png_bytes`), whose text layouts
    are cached: a fresh one measured the same labels in ~80 ms a chart. A date axis's
    default labels, or forty nagari on a short chart, print over each other.
    """
    found = []
    for name, axis in every_axis(fig):
        if name == "z":  # a 3D chart's labels are placed in projection: not judged
            continue
        low, high = sorted(axis.get_view_interval())
        # A slanted label's box is wider than its glyphs: neighbours' boxes overlap where the
        # text does not, so only level and upright labels are judged.
        labels = [t for tick in axis.get_major_ticks() if tick.get_loc() is not None
                  and low <= tick.get_loc() <= high for t in (tick.label1, tick.label2)
                  if t.get_visible() and t.get_text() and t.get_rotation() % 90 == 0]
        along = (lambda box: box.x0) if name == "x" else (lambda box: box.y0)
        boxes = sorted(((t.get_window_extent(renderer).padded(-0.5), t.get_text()) for t in labels),
                       key=lambda pair: along(pair[0]))
        clash = next(((a[1], b[1]) for a, b in zip(boxes, boxes[1:]) if a[0].overlaps(b[0])), None)
        if clash:
            found.append((name, *clash))
    return found


GRAY_STEP = 16  # of 255: closer legend entries look alike on paper (the house cycle's closest pair: 23)


def same_grays(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of legend entries that the grayscale PNG draws alike: the same style, grays closer
    than `GRAY_STEP`. Colours an analyst chose by hue (red and green: 76 and 75) become one
    gray, and the legend then maps two series to one look."""
    pairs = []
    for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
        seen: list[tuple[str, tuple]] = []
        for handle, text in zip(legend.legend_handles, legend.get_texts()) if legend else ():
            look = _look(handle)
            if look is None:
                continue
            pairs += [(label, text.get_text()) for label, other in seen
                      if other[1:] == look[1:] and abs(other[0] - look[0]) < GRAY_STEP]
            seen.append((text.get_text(), look))
    return pairs


def _look(handle) -> tuple | None:
    """(gray level as the PNG draws it, what else tells a legend entry apart), or None."""
    if isinstance(handle, Patch):
        color, style = handle.get_facecolor(), ("patch", handle.get_hatch() or "")
    elif isinstance(handle, Line2D):
        color, style = handle.get_color(), ("line", str(handle.get_linestyle()), str(handle.get_marker()))
    elif isinstance(handle, Collection) and len(handle.get_facecolor()):  # scatter, fill_between
        color, style = handle.get_facecolor()[0], ("collection", handle.get_hatch() or "")
    else:
        return None
    r, g, b, alpha = to_rgba(color)
    if alpha == 0:
        return None  # an empty box: its edge or hatch tells it apart
    return (round(255 * (0.299 * r + 0.587 * g + 0.114 * b)), *style)  # Pillow's convert("L")


def drawn_texts(fig: Figure) -> list[str]:
    """Every text the reader sees in a drawn figure: titles, annotations, bar labels, legends,
    and the tick labels inside each axis's view (ticks outside it keep labels from earlier draws).

    Tick labels from matplotlib's own formatter are ours already (`indonesian_ticks`); what an
    analyst writes elsewhere (`ax.bar_label(bars)` writes 32.15 as '32.15') is only read here.
    """
    ticks: dict[int, bool] = {}
    for _, axis in every_axis(fig):
        low, high = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            loc = tick.get_loc()
            shown = loc is not None and low <= loc <= high
            for label in (tick.label1, tick.label2):
                ticks[id(label)] = shown
    cells = [cell.get_text() for table in fig.findobj(Table) for cell in table.get_celld().values()]
    return [t.get_text() for t in [*fig.findobj(Text), *cells]
            if t.get_visible() and t.get_text() and ticks.get(id(t), True)]


def every_axis(fig: Figure) -> Iterator[tuple[str, Axis]]:
    """('x', 'y' or 'z', axis) for every axis the figure draws ticks on: each Axes' own, a 3D
    one's z, and those of a secondary axis or an inset hung on an Axes (`child_axes`)."""
    for ax in fig.axes:
        for child in (ax, *ax.child_axes):
            for name in ("x", "y", "z"):
                if (axis := getattr(child, f"{name}axis", None)) is not None:
                    yield name, axis
