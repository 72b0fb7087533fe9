"""briefs.charts: grayscale, Indonesian labels, deterministic PNG, shown at printed size."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from PIL import Image

from briefs import charts, fmt

NAGARI = pd.DataFrame({
    "nagari": ["Siguntur", "Sitiung", "Koto $x$ <b>"],  # '$' must not turn into mathematics
    "cakupan": [0.2901, 0.3121, 0.1650],
    "agen_aktif": [0, 1, 2],
})
SERIES = pd.DataFrame(
    {"PU": range(900, 912), "BPU": range(600, 612), "JAKON": [60] * 12},
    index=pd.Index([f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)], name="periode"),
)
KECAMATAN = pd.DataFrame({"kecamatan": ["Alpha", "Beta"], "cakupan": [0.21, 0.3], "peringkat": [2, 1]})


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def _top_to_bottom(ax) -> list[str]:
    labels = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    return [t.get_text() for t in labels]


def test_png_is_byte_identical_across_builds():
    first = charts.png_bytes(charts.coverage_by_nagari(NAGARI, 0.21, 32.15))
    second = charts.png_bytes(charts.coverage_by_nagari(NAGARI, 0.21, 32.15))
    assert first == second
    assert first.startswith(b"\x89PNG") and b"Software" not in first and b"tIME" not in first


def test_png_is_byte_identical_in_another_process():
    """A fresh interpreter (new hash seed, new font cache lookup) draws the same bytes."""
    script = ("import hashlib, pandas as pd; from briefs import charts; "
              "s = pd.DataFrame({'PU': range(900, 912), 'BPU': range(600, 612), 'JAKON': [60] * 12}, "
              "index=[f'2025-{m:02d}' for m in (11, 12)] + [f'2026-{m:02d}' for m in range(1, 11)]); "
              "print(hashlib.sha256(charts.png_bytes(charts.segments_over_time(s))).hexdigest())")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout.strip()
    assert other == hashlib.sha256(charts.png_bytes(charts.segments_over_time(SERIES))).hexdigest()


def test_png_is_grayscale_at_print_resolution():
    fig = charts.segments_over_time(SERIES)
    image = Image.open(io.BytesIO(charts.png_bytes(fig)))
    assert image.mode == "L"
    assert image.info["dpi"] == pytest.approx((charts.DPI, charts.DPI), abs=0.5)
    assert image.width == pytest.approx(charts.HALF / 2.54 * charts.DPI, abs=1)


@pytest.mark.parametrize("build", [
    lambda: charts.coverage_by_nagari(NAGARI, 0.21, 32.15),
    lambda: charts.segments_over_time(SERIES),
    lambda: charts.coverage_by_kecamatan(KECAMATAN, 0.21, 32.15),
])
def test_charts_draw_without_colour(build):
    fig = build()
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    assert (rgba[..., 0] == rgba[..., 1]).all() and (rgba[..., 1] == rgba[..., 2]).all()


def test_coverage_bars_are_sorted_and_labelled_in_indonesian():
    fig = charts.coverage_by_nagari(NAGARI, 0.21, 32.15)
    ax = fig.axes[0]
    top_to_bottom = _top_to_bottom(ax)
    assert top_to_bottom == ["Sitiung", "Siguntur", "Koto $x$ <b>"]
    texts = _texts(fig)
    for value in NAGARI["cakupan"]:
        assert fmt.persen(value) in texts  # "31,2%"
    assert "rata-rata kab. 21,0%" in texts
    assert "target 32,15%" in texts
    assert "tanpa agen" in texts  # the hatching is explained because a bar is hatched
    charts.png_bytes(fig)  # renders: the '$' name is plain text


def test_legend_only_when_some_nagari_lacks_an_agent():
    fig = charts.coverage_by_nagari(NAGARI.assign(agen_aktif=1), 0.21, 30)
    assert "tanpa agen" not in _texts(fig)
    assert "target 30%" in _texts(fig)


def test_segment_chart_uses_short_months_and_indonesian_thousands():
    fig = charts.segments_over_time(SERIES)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "Okt" and labels[1] == "Des\n2025" and labels[3] == "Feb"
    assert "1.500" in [t.get_text() for t in ax.get_yticklabels()]
    texts = _texts(fig)
    assert f"PU {fmt.angka(911)}" in texts and "JAKON 60" in texts


def test_a_labelled_january_carries_its_year():
    periods = [f"2025-{m:02d}" for m in range(2, 13)] + ["2026-01"]
    labels = [t.get_text() for t in charts.segments_over_time(SERIES.set_axis(periods)).axes[0].get_xticklabels()]
    assert labels[-1] == "Jan\n26"  # fmt.periode_singkat, on two lines
    assert labels[:2] == ["", "Mar\n2025"]


def test_segment_labels_never_overlap_on_a_thin_band():
    thin = SERIES.assign(JAKON=0, BPU=5)
    fig = charts.segments_over_time(thin)
    ys = sorted(t.xy[1] for t in fig.axes[0].texts)
    assert min(b - a for a, b in zip(ys, ys[1:])) >= fig.axes[0].get_ylim()[1] * 0.09 - 1e-9


def test_kecamatan_chart_ranks_names():
    fig = charts.coverage_by_kecamatan(KECAMATAN, 0.25, 32.15)
    assert _top_to_bottom(fig.axes[0]) == ["1. Beta", "2. Alpha"]


def test_show_displays_a_png_at_printed_width_with_alt_text():
    InteractiveShell.instance()
    fig = charts.coverage_by_nagari(NAGARI, 0.21, 32.15, width_cm=17.0)
    expected = charts.png_bytes(charts.coverage_by_nagari(NAGARI, 0.21, 32.15, width_cm=17.0))
    with capture_output() as captured:
        charts.show(fig, alt="Cakupan per nagari")
    (output,) = captured.outputs
    assert base64.b64decode(output.data["image/png"]) == expected
    assert output.metadata["image/png"] == {"width": round(17.0 / 2.54 * 96), "alt": "Cakupan per nagari"}
    assert not fig.axes  # released


def test_target_keeps_the_decimals_of_its_source():
    assert charts.persen_target(32.15) == "32,15%"
    assert charts.persen_target(43.9) == "43,9%"
    assert charts.persen_target(30.0) == "30%"
