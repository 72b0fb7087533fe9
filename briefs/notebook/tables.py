"""DataFrames as readers see them: house-style tables with Indonesian numbers.

A DataFrame, Series or Styler that a notebook cell shows becomes one of these tables
without the analyst calling anything (`briefs.notebook.house_style` registers the formatters);
`tabel()` gives control: which columns are percentages or Rupiah, a Jumlah row,
rows in italics, a note under the table. Every value is formatted by `briefs.fmt`, so a
table reads like the cards and charts beside it: 1.234.567; 31,1%; Rp16.800; Oktober 2026.

Column kinds are read from the data and, for percentages and money, from the column's
name (`cakupan`, `persen`, `%`; `biaya`, `iuran`, `Rp`). A percentage column holds
fractions (0,311 = 31,1%); one that holds a value above 1 is shown as it is, but the
table carries a warning the build reports, because 31,1 shown as 3.110,0% is a wrong
number an official would read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from briefs import fmt, paths, templating

MAX_ROWS = 500  # a table longer than this would never fit a brief; the rest is reported
# A table of this many rows or more (~8 cm, a third of a page) continues on the next page
# instead of moving there whole: moved, it left that much of a page blank and pushed the
# briefs of kecamatan with a dozen nagari onto a third page. Its first and its last rows
# stay together in threes, so no page holds one stray row of it (`row_groups`).
CONTINUES_FROM = 12
KEPT_TOGETHER = 3
PERSEN_NAME = re.compile(r"cakupan|persen|proporsi|%", re.I)
RUPIAH_NAME = re.compile(r"biaya|iuran|rupiah|\brp\b", re.I)
BERTANDA_NAME = re.compile(r"perubahan|selisih", re.I)  # a change reads with its sign: +57, −12
_PERIODE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_FIGURE_TEXT = re.compile(r"(Rp|[+−-]?\d)")  # text an analyst formatted already: nb.rupiah_ringkas, "2 dari 4"
_SNAKE = re.compile(r"[a-z][a-z0-9_]*")
_PERSENTIL = re.compile(r"\d+(\.\d+)?%")  # describe()'s '25%' holds a quantile, not a share
# The names pandas itself gives rows and columns (`describe()`, `value_counts()`): English a
# reader should not see. An analyst's own names are shown as written.
PANDAS_WORDS = {"count": "Banyak", "mean": "Rata-rata", "std": "Simpangan baku", "min": "Minimum",
                "25%": "Kuartil bawah (25%)", "50%": "Median (50%)", "75%": "Kuartil atas (75%)",
                "max": "Maksimum", "unique": "Nilai berbeda", "top": "Paling sering", "freq": "Frekuensi",
                "proportion": "Proporsi"}


def use_pandas_options() -> None:
    """A Styler the analyst builds starts Indonesian too: 1.234.567 and 0,3, names escaped."""
    for key, value in (("decimal", ","), ("thousands", "."), ("precision", 1), ("na_rep", "–"), ("escape", "html")):
        pd.set_option(f"styler.format.{key}", value)


@dataclass(frozen=True)
class Column:
    """One column as shown: header text, kind (how values are written), alignment."""

    header: str
    kind: str  # angka, bertanda, desimal, persen, rupiah, ya-tidak, tanggal, durasi, periode, teks, teks-angka

    long: bool = False  # running text (a list of names): set a size smaller, so it wraps less

    @property
    def numeric(self) -> bool:
        """Right-aligned, like figures: numbers, and text that is a figure already ('2 dari 4', 'Rp1,2 miliar')."""
        return self.kind in ("angka", "bertanda", "desimal", "persen", "rupiah", "teks-angka")


@dataclass(frozen=True)
class Tabel:
    """A table a cell shows (`tabel(...)`); Jupyter and the build render it the same way."""

    frame: pd.DataFrame
    persen: tuple | None = None  # None: recognised by name
    rupiah: tuple | None = None
    desimal: int = 1
    jumlah: bool | Mapping = False
    miring: tuple[bool, ...] | None = None
    catatan: str = ""

    @property
    def given_totals(self) -> dict:
        """The Jumlah row's values the analyst gave by column (`jumlah={"cakupan": 0.297}`)."""
        return dict(self.jumlah) if isinstance(self.jumlah, Mapping) else {}

    def _repr_html_(self) -> tuple[str, dict]:
        html, warnings = render(self)
        return html, ({"rakor": {"peringatan": warnings}} if warnings else {})


def tabel(frame: pd.DataFrame | pd.Series, *, persen: Sequence | None = None, rupiah: Sequence | None = None,
          desimal: int = 1, jumlah: bool | Mapping = False, miring: Sequence[bool] | None = None,
          catatan: str = "") -> Tabel:
    """Show `frame` as a house-style table, with control over what the default guesses.

    persen / rupiah: the columns holding fractions to show as percentages / sums of money
    (by default recognised by name); desimal: decimals of non-integer numbers and
    percentages; jumlah: True adds a Jumlah row summing the count and money columns, a
    mapping gives (or overrides) its values by column, e.g. {"cakupan": 0.297};
    miring: one flag per row, True rows in italics; catatan: a note under the table.
    """
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    _named_columns(frame, persen=persen, rupiah=rupiah, jumlah=jumlah if isinstance(jumlah, Mapping) else None)
    if miring is not None and len(miring) != len(frame):
        raise ValueError(f"nb.tabel: miring berisi {len(miring)} nilai untuk {len(frame)} baris; "
                         f"seharusnya satu nilai benar/salah per baris")
    return Tabel(frame=frame, persen=None if persen is None else tuple(persen),
                 rupiah=None if rupiah is None else tuple(rupiah), desimal=desimal, jumlah=jumlah,
                 miring=None if miring is None else tuple(bool(m) for m in miring), catatan=catatan)


def _named_columns(frame: pd.DataFrame, **named: Sequence | Mapping | None) -> None:
    """Every column `nb.tabel` is told about exists: a misspelt name in persen=[…] would
    quietly show a share as 0,3, and switch off the guess for the others too."""
    known = [*frame.columns, *(n for n in frame.index.names if n is not None)]
    for option, names in named.items():
        for name in names or ():
            if name not in known:
                raise ValueError(f"nb.tabel: kolom {name!r} di {option}= tidak ada di tabel; "
                                 f"seharusnya salah satu dari: {', '.join(map(repr, known))}")


def frame_html(obj: pd.DataFrame | pd.Series) -> tuple[str, dict]:
    """The IPython formatter for a DataFrame or Series shown as a cell's output."""
    return tabel(obj)._repr_html_()


# ---- columns -------------------------------------------------------------------------------

def header(name: object) -> str:
    """A column name as a header: 'angkatan_kerja' -> 'Angkatan kerja'; 'PU' stays 'PU'."""
    if isinstance(name, tuple):
        return " · ".join(header(part) for part in name if str(part))
    text = str(name)
    if text in PANDAS_WORDS:
        return PANDAS_WORDS[text]
    return text.replace("_", " ").capitalize() if _SNAKE.fullmatch(text) else text


def shares_by_name(name: object) -> bool:
    """A column whose name says it holds shares (cakupan, persen, %, value_counts()' proportion);
    not describe()'s '25%', which holds a quantile of the values."""
    text = str(name)
    return text == "proportion" or (bool(PERSEN_NAME.search(text)) and not _PERSENTIL.fullmatch(text))


def count_rows(index: pd.Index) -> set[int]:
    """The positions of describe()'s rows of counts (count, unique, freq), if `index` is describe()'s."""
    return {i for i, label in enumerate(index) if str(label) in _COUNT_ROWS} if described(index) else set()


def kind(name: object, values: pd.Series, persen: tuple | None, rupiah: tuple | None) -> str:
    """How a column's values are written, from its dtype and (for % and Rp) its name."""
    numeric = (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
               and not pd.api.types.is_complex_dtype(values))  # a complex number is written as text
    if numeric and (name in persen if persen is not None else shares_by_name(name)):
        return "persen"
    if numeric and (name in rupiah if rupiah is not None else bool(RUPIAH_NAME.search(str(name)))):
        return "rupiah"
    if pd.api.types.is_bool_dtype(values):
        return "ya-tidak"
    if numeric:
        finite = values.dropna()
        whole = pd.api.types.is_integer_dtype(values) or bool((finite == finite.round()).all())
        if not whole:
            return "desimal"
        return "bertanda" if BERTANDA_NAME.search(str(name)) else "angka"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "tanggal"
    if pd.api.types.is_timedelta64_dtype(values):
        return "durasi"
    if isinstance(values.dtype, pd.PeriodDtype):
        return "periode"
    texts = values.dropna()
    if len(texts) and all(isinstance(v, str) and _PERIODE.fullmatch(v) for v in texts):
        return "periode"
    if len(texts) and all(isinstance(v, str) and _FIGURE_TEXT.match(v) for v in texts):
        return "teks-angka"
    return "teks"


def cell(value: object, kind: str, desimal: int = 1) -> str:
    """One value written the Indonesian way; missing values as '–'."""
    if value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
        return "–"  # a list or dict in a cell is written as text, not tested for NaN element by element
    if kind == "angka":
        return fmt.angka(value)
    if kind == "bertanda":
        return fmt.angka_bertanda(value)
    if kind == "desimal":
        return fmt.angka(value, desimal)
    if kind == "persen":
        return fmt.persen(value, desimal)
    if kind == "rupiah":
        return fmt.rupiah(value)
    if kind == "ya-tidak":
        return "ya" if value else "tidak"
    if kind == "tanggal":
        return fmt.tanggal_pendek(pd.Timestamp(value).date())
    if kind == "durasi":
        return fmt.durasi(pd.Timedelta(value))
    if kind == "periode":
        return fmt.periode(str(value)[:7])
    return str(value)


def _percent_warnings(frame: pd.DataFrame, kinds: list[str], explicit: tuple | None) -> list[str]:
    """A percentage column recognised by name that holds values above 1 is probably in persen."""
    out = []
    for i, (name, k) in enumerate(zip(frame.columns, kinds)):
        if k != "persen" or (explicit is not None and name in explicit):
            continue
        top = pd.to_numeric(frame.iloc[:, i], errors="coerce").abs().max()
        if pd.notna(top) and top > 1:
            out.append(f"kolom {header(name)!r} dibaca sebagai pecahan (0,311 = 31,1%), tetapi ada nilai "
                       f"{fmt.angka(top, 2)} yang tampil sebagai {fmt.persen(top)}; bila kolom ini sudah dalam "
                       f"persen, tulis nb.tabel(df, persen=[])")
    return out


def _decimal_warnings(frame: pd.DataFrame, kinds: list[str], desimal: int) -> list[str]:
    """A column of decimals with a value that its `desimal` places write as 0 (0,012 as 0,0).

    The table writes every decimal column with the same places (1 unless `desimal=` says):
    a ratio or a rate per person loses its figure there without a sign, which the reader
    takes for a zero.
    """
    out = []
    for i, (name, k) in enumerate(zip(frame.columns, kinds)):
        if k != "desimal":
            continue
        values = pd.to_numeric(frame.iloc[:, i], errors="coerce").abs()
        lost = values[(values > 0) & np.isfinite(values) & (values < 0.5 * 10.0 ** -desimal)]
        if len(lost):
            smallest = float(lost.min())
            keep = max(desimal + 1, 1 - math.floor(math.log10(smallest)))
            out.append(f"kolom {header(name)!r} memuat {fmt.angka(smallest, keep)} yang tertulis "
                       f"{fmt.angka(0, desimal)} dengan {desimal} desimal ({len(lost)} nilai); tulis "
                       f"nb.tabel(df, desimal={keep}), atau persen=[{name!r}] bila kolom ini pecahan")
    return out


def _coverage_total_warnings(t: Tabel, body: pd.DataFrame) -> list[str]:
    """A coverage given for the Jumlah row must be the rows' own: their peserta aktif ÷ angkatan kerja.

    The brief's table passes its kecamatan's coverage (`jumlah={"cakupan": k.cakupan}`) under
    sums the table makes of the rows it shows; a cell that filters the rows first would put
    the whole kecamatan's coverage under the sums of a few nagari, and nobody would notice.
    """
    value = t.given_totals.get("cakupan")
    if isinstance(value, str) or value is None or not {"peserta_aktif", "angkatan_kerja"} <= set(body.columns):
        return []
    labour = pd.to_numeric(body["angkatan_kerja"], errors="coerce").sum()
    participants = pd.to_numeric(body["peserta_aktif"], errors="coerce").sum()
    rows = participants / labour if labour > 0 else None
    if rows is None or fmt.persen(rows, t.desimal) == fmt.persen(value, t.desimal):
        return []
    return [f"baris Jumlah menulis cakupan {fmt.persen(value, t.desimal)}, tetapi baris-baris tabel ini "
            f"menjumlah {fmt.angka(participants)} peserta aktif dari {fmt.angka(labour)} angkatan kerja: "
            f"{fmt.persen(rows, t.desimal)}; periksa apakah tabel disaring"]


# ---- rendering ---------------------------------------------------------------------------------

def render(t: Tabel) -> tuple[str, list[str]]:
    """The table's HTML (escaped, via `templates/cells/tabel.html.j2`) and its warnings."""
    frame = t.frame
    frame = frame.set_axis([" · ".join(map(str, c)) if isinstance(c, tuple) else c for c in frame.columns], axis=1)
    warnings = []
    if len(frame) > MAX_ROWS:
        warnings.append(f"tabel {len(frame):,} baris dipotong menjadi {MAX_ROWS} baris".replace(",", "."))
        frame = frame.iloc[:MAX_ROWS]
    show_index = not _default_index(frame.index)
    counts = count_rows(frame.index)  # describe()'s rows of counts, in a column of shares or money too
    if described(frame.index):
        frame = frame.rename(index=PANDAS_WORDS)
    body = frame.reset_index() if show_index else frame
    index_levels = frame.index.nlevels if show_index else 0
    if show_index:  # an unnamed index level gets an empty header, not 'index'
        names = [n if n is not None else "" for n in frame.index.names]
        body = body.set_axis(names + list(frame.columns), axis=1)
    # by position: a frame may hold two columns of one name (pd.concat)
    kinds = [kind(name, body.iloc[:, i], t.persen, t.rupiah) for i, name in enumerate(body.columns)]
    columns = [Column(header(name), kinds[i], long=_long_text(body.iloc[:, i])) for i, name in enumerate(body.columns)]
    warnings += _percent_warnings(body.drop(index=body.index[list(counts)]), kinds, t.persen)
    warnings += _decimal_warnings(body.drop(index=body.index[list(counts)]), kinds, t.desimal)
    warnings += _coverage_total_warnings(t, body)
    rows = [[cell(v, "angka" if i in counts and c.numeric else c.kind, t.desimal) for v, c in zip(row, columns)]
            for i, row in enumerate(body.itertuples(index=False))]
    html = templating.environment(paths.TEMPLATES / "cells", compact=True).get_template("tabel.html.j2").render(
        columns=columns, rows=rows, groups=row_groups(len(rows)), label_columns=index_levels,
        miring=t.miring or (), total=_total(t, body, columns), catatan=t.catatan)
    return html.strip(), warnings


def row_groups(n: int) -> list[tuple[str, range]]:
    """The table's rows as `<tbody>` groups: (its class in cells.css, row numbers).

    One group, which the page frame keeps whole, for a short table. A long one
    (`CONTINUES_FROM` rows or more) may break across pages between the rows of its middle
    group, never inside its first `KEPT_TOGETHER` rows nor its last: its first row alone,
    then the rest of the first rows kept whole and to it (`rk-lekat`; WeasyPrint 70 keeps a
    table's first row group whole only if it may break, so the first rows need two groups),
    then the middle, then the last rows kept whole (`rk-utuh`). The page frame repeats the
    header on the next page and writes the total once, after the last rows.
    """
    if n < CONTINUES_FROM:
        return [("", range(n))]
    k = KEPT_TOGETHER
    return [("", range(1)), ("rk-lekat", range(1, k)), ("", range(k, n - k)), ("rk-utuh", range(n - k, n))]


_TBODY = re.compile(r"<tbody>(.*?)</tbody>", re.I | re.S)
_TR = re.compile(r"<tr\b[^>]*>.*?</tr>", re.I | re.S)


def regrouped(table: str) -> str | None:
    """A table's HTML with its body's rows in `row_groups`' groups, or None where they cannot be.

    For a table this module did not write (a Styler's, an analyst's raw HTML or Markdown):
    its one plain `<tbody>` split into the groups `nb.tabel` writes, so a long one keeps its
    first and last rows together in threes when it continues on the next page. None for a
    short table, one whose body is not one plain `<tbody>`, a row spanning rows (a span
    cannot cross from one group to the next), or anything but whole rows in the body (a
    cell's own unescaped markup could then be cut at a group's boundary).
    """
    bodies = list(_TBODY.finditer(table))
    if len(bodies) != 1:
        return None
    body = bodies[0]
    rows = _TR.findall(body.group(1))
    groups = row_groups(len(rows))
    if len(groups) == 1 or "rowspan" in body.group(1).lower() or _TR.sub("", body.group(1)).strip():
        return None
    opening = {name: f'<tbody class="{name}">' if name else "<tbody>" for name, _ in groups}
    grouped = "".join(f"{opening[name]}{''.join(rows[i] for i in span)}</tbody>" for name, span in groups if span)
    return table[:body.start()] + grouped + table[body.end():]


_COUNT_ROWS = ("count", "unique", "freq")


def described(index: pd.Index) -> bool:
    """The rows of `describe()`: count, mean, … or count, unique, top, freq; no other index."""
    labels = set(map(str, index)) if index.nlevels == 1 else set()
    return "count" in labels and labels <= set(PANDAS_WORDS)


def _long_text(values: pd.Series) -> bool:
    return bool(values.map(lambda v: isinstance(v, str) and len(v) > 60).any())


def _default_index(index: pd.Index) -> bool:
    """0, 1, 2, … without a name: pandas' own row numbers, which mean nothing to a reader."""
    return isinstance(index, pd.RangeIndex) and index.name is None and index.start == 0 and index.step == 1


def _total(t: Tabel, body: pd.DataFrame, columns: list[Column]) -> list[str] | None:
    """The Jumlah row: sums of counts and money, values given by the analyst, blanks elsewhere."""
    if t.jumlah is False or t.jumlah is None:
        return None
    given = t.given_totals
    out = []
    for (name, column), c in zip(body.items(), columns):
        if name in given:  # text is the analyst's own label ("Kabupaten"), shown as written
            value = given[name]
            out.append(value if isinstance(value, str) else cell(value, c.kind, t.desimal))
        elif c.kind in ("angka", "bertanda", "rupiah"):
            out.append(cell(column.sum(), c.kind, t.desimal))
        else:
            out.append("")
    if body.columns[0] not in given:
        out[0] = out[0] or "Jumlah"
    return out
