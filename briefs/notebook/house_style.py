"""The house style, installed in the kernel that runs a notebook (the build's or JupyterLab's).

Importing `briefs.notebook` calls `apply()`, and every `load_brief`/`load_summary`
calls it again (a warm build kernel resets matplotlib between briefs). After it:

- matplotlib uses `templates/rakor.mplstyle` and the page's typeface (Open Sans);
- any figure a cell shows (`plt.show()`, `fig` as the last expression, `DataFrame.plot`)
  becomes a deterministic grayscale PNG at its printed width, with Indonesian tick
  labels and alt text from its label or titles;
- a DataFrame, Series or Styler shown as a cell's output becomes a table in house style
  with Indonesian numbers (`briefs.notebook.tables`, `briefs.notebook.styler`).

No backend is chosen here: Jupyter's inline backend shows the figures, and this only
decides how a figure turns into the image the reader gets.
"""

from __future__ import annotations

import glob
import subprocess
from functools import lru_cache

import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from briefs.notebook import charts, styler, tables

TYPEFACE = "Open Sans"
# Where Debian's fonts-open-sans puts the files; fontconfig is asked first.
_FONT_GLOBS = ("/usr/share/fonts/truetype/open-sans/OpenSans-*.ttf", "/usr/share/fonts/**/OpenSans*.ttf")


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, ...]:
    """Make the page's typeface known to matplotlib; return the files registered.

    matplotlib caches the fonts it found when it first ran: a font installed later
    (by `make`, after a first import) is invisible to it until registered by file.
    Without Open Sans, charts fall back to DejaVu Sans (the style file lists both).
    """
    files = _fontconfig_files() or sorted({f for pattern in _FONT_GLOBS for f in glob.glob(pattern, recursive=True)})
    for f in files:
        font_manager.fontManager.addfont(f)
    return tuple(files)


def _fontconfig_files() -> list[str]:
    try:
        out = subprocess.run(["fc-list", f"{TYPEFACE}:fontformat=TrueType", "file"], capture_output=True,
                             text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.strip().rstrip(":") for line in out.splitlines() if line.strip())


def apply() -> None:
    """House style for matplotlib and pandas, and display formatters in IPython (idempotent)."""
    register_fonts()
    charts.use_style()
    tables.use_pandas_options()
    _install_formatters()


def _install_formatters() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    _settle_inline_backend()
    formatters = ip.display_formatter.formatters
    for mime in ("image/svg+xml", "application/pdf", "image/jpeg"):
        if mime in formatters:
            formatters[mime].pop(Figure, None)
    formatters["image/png"].for_type(Figure, _guarded(_figure_png, _plain_png, "grafik"))
    formatters["text/html"].for_type(pd.DataFrame, _guarded(tables.frame_html, _plain_html, "tabel"))
    formatters["text/html"].for_type(pd.Series, _guarded(tables.frame_html, _plain_html, "tabel"))
    from pandas.io.formats.style import Styler

    formatters["text/html"].for_type(Styler, _guarded(styler.styler_html, _plain_html, "tabel Styler"))


def _guarded(render, plain, what: str):
    """`render`, except that a failure of ours never fails the analyst's cell.

    IPython turns a formatter's exception into an error in the cell, and the build then fails
    the brief for a line the analyst did not get wrong (a boxplot's tick labels once did).
    Instead the object is shown as its library draws it (`plain`), and the page's notice says
    it is not in house style, so `--strict` still stops the release.
    """
    def shown(obj):
        try:
            return render(obj)
        except Exception as exc:  # ours, not the analyst's: shown plain, and said
            note = (f"{what} tidak bisa ditulis dengan gaya rumah ({type(exc).__name__}: {str(exc)[:80]}) dan "
                    f"tampil apa adanya, angkanya tidak dalam format Indonesia; laporkan ke pengelola rakor-briefs")
            return plain(obj), {"rakor": {"peringatan": [note]}}
    return shown


def _plain_png(fig: Figure) -> bytes:
    """The figure as matplotlib saves it (colour, English numbers possible): what the reader gets
    when house style failed."""
    import io

    import matplotlib.pyplot as plt

    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=charts.DPI)
    plt.close(fig)
    return out.getvalue()


def _plain_html(obj) -> str:
    """A DataFrame, Series or Styler as pandas writes it (escaped): what the reader gets when
    house style failed."""
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    return obj.to_html()


def _settle_inline_backend() -> None:
    """Let Jupyter's inline backend register its figure formatters now, before ours.

    matplotlib loads its backend lazily, at the first figure; the inline backend then
    registers its own PNG formatter and would replace ours in the middle of a cell.
    Importing it here (only when it is the configured backend) runs that step once, first.
    """
    import matplotlib

    if "inline" in str(matplotlib.get_backend(auto_select=False) or ""):
        import matplotlib_inline.backend_inline  # noqa: F401  (imported for its side effect)


def _figure_png(fig: Figure) -> tuple[bytes, dict]:
    """The figure as the reader gets it; closed in pyplot, so the cell shows it only once.

    Jupyter's inline backend shows every open pyplot figure again when the cell ends:
    a figure that was already displayed (as `fig` or by `plt.show()`) is closed here.
    """
    import matplotlib.pyplot as plt

    data, meta = charts.figure_png(fig)
    plt.close(fig)  # a figure pyplot does not manage is left as it is
    return data, meta
