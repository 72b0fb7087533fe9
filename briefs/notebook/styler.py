"""A pandas Styler an analyst built, in house style: its cell styles kept, its numbers Indonesian.

Called by the IPython display formatter (`briefs.notebook.house_style`) for any Styler a
cell shows; the DataFrame formatting itself is `briefs.notebook.tables`.
"""

from __future__ import annotations

import copy
import math
import re

import pandas as pd

from briefs import fmt
from briefs.notebook.tables import PANDAS_WORDS, _default_index, count_rows, described, header, regrouped, shares_by_name

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CELL_ID = re.compile(r"#T_rk_((?:row|level)\d+_(?:row|col)\d+|level\d+_col\d+)$")
_TD = re.compile(r'<td id="T_rk_row(\d+)_col(\d+)"([^>]*)>(.*?)</td>', re.S)


def styler_html(styler) -> tuple[str, dict]:
    """A pandas Styler in house style: its cell styles kept inline, its numbers Indonesian.

    The page drops <style> blocks (they could reach outside a table), so per-cell
    styles (highlight_max, background_gradient, applymap) move into each cell's style
    attribute; table-wide styles are reported as not shown. A number the analyst
    formatted with Python's English separators ('{:,.1f}', '{:.1%}') is rewritten the
    Indonesian way only when it reads back as the cell's own value.
    """
    st = copy.deepcopy(styler)
    if _default_index(st.data.index):
        st.hide(axis="index")
    st.format_index(header, axis="columns", escape="html")
    st.format_index_names(header, axis="index", escape="html")
    if described(st.data.index):  # describe()'s rows: count, mean, std, … in Bahasa
        st.format_index(lambda label: PANDAS_WORDS.get(str(label), label), axis="index", escape="html")
    st.set_uuid("rk")
    st.set_table_attributes('class="rk-table"')
    html = st.to_html()
    css, _, table = html.rpartition("</style>")
    css = css.partition(">")[2]
    inline, dropped = _inline_rules(css)
    for cell_id, declarations in inline.items():
        table = table.replace(f'id="T_rk_{cell_id}"', f'id="T_rk_{cell_id}" style="{declarations}"', 1)
    counts = count_rows(st.data.index)
    zeroed: dict[int, list[float]] = {}  # column → values the default places wrote as 0
    table = _TD.sub(lambda m: _indonesian_td(m, st.data, counts, zeroed), table)
    warnings = [_zeroed_warning(st.data.columns[col], values) for col, values in sorted(zeroed.items())]
    if dropped:
        warnings.append(f"gaya tabel Styler tidak ditampilkan (hanya gaya per sel yang dipakai): {', '.join(dropped)}")
    return _continued(table.strip()), ({"rakor": {"peringatan": warnings}} if warnings else {})


def _continued(table: str) -> str:
    """A long Styler table grouped as `nb.tabel` groups its rows, so it continues on the next page.

    Moved whole like a short one, a table of 12 rows or more left a third of a page blank,
    and one taller than a page left its heading alone on a page before it (80 rows: two
    near-empty pages). A table with rows spanning rows (a MultiIndex) keeps its one group
    (`tables.regrouped`); the page still lets it break between rows (`sanitize._may_continue`).
    """
    grouped = regrouped(table)
    return table if grouped is None else grouped.replace('class="rk-table"', 'class="rk-table rk-bersambung"', 1)


def _zeroed_warning(name: object, values: list[float]) -> str:
    """What `tables` says of a decimal its places write as 0, for a Styler left at the house's places."""
    places = pd.get_option("styler.format.precision")
    smallest = min(abs(v) for v in values)
    keep = max(places + 1, 1 - math.floor(math.log10(smallest)))
    return (f"kolom {header(name)!r} memuat {fmt.angka(smallest, keep)} yang tertulis {fmt.angka(0, places)} dengan "
            f"{places} desimal bawaan Styler ({len(values)} nilai); tulis .format(precision={keep}) pada Styler-nya")


def _inline_rules(css: str) -> tuple[dict[str, str], list[str]]:
    inline: dict[str, str] = {}
    dropped = []
    for selectors, body in _RULE.findall(css):
        declarations = " ".join(line.strip() for line in body.strip().splitlines())
        for selector in (s.strip() for s in selectors.split(",")):
            m = _CELL_ID.match(selector)
            if m:
                inline[m.group(1)] = (inline.get(m.group(1), "") + " " + declarations).strip()
            elif selector:
                dropped.append(selector.replace("#T_rk", "tabel").strip())
    return inline, dropped


def _indonesian_td(m: re.Match, data: pd.DataFrame, counts: set[int], zeroed: dict[int, list[float]]) -> str:
    row, col, attrs, text = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    value = data.iat[row, col] if row < len(data) and col < data.shape[1] else None
    if _is_number(value):
        attrs = attrs.replace('class="data ', 'class="rk-num data ', 1)
    shares = shares_by_name(data.columns[col]) and row not in counts  # describe()'s count is a count
    if not shares and _zeroed_by_default(text.strip(), value):
        zeroed.setdefault(col, []).append(float(value))
    return f'<td id="T_rk_row{row}_col{col}"{attrs}>{_rewrite(text.strip(), value, shares)}</td>'


def _zeroed_by_default(text: str, value: object) -> bool:
    """A non-zero number the Styler's default places (the house's 1) wrote as 0,0: not the analyst's format."""
    if not _is_number(value) or pd.isna(value) or value == 0 or not math.isfinite(float(value)):
        return False
    return text in (fmt.angka(0, pd.get_option("styler.format.precision")), "-" + fmt.angka(0, pd.get_option(
        "styler.format.precision")))


def _is_number(value: object) -> bool:
    return pd.api.types.is_number(value) and not pd.api.types.is_bool(value) and not isinstance(value, complex)


def _rewrite(text: str, value: object, shares: bool) -> str:
    """Indonesian separators for a number written the English way, if it is this cell's value.

    And a cell of a percentage column (`shares`) left at the default (0,3) shown as the
    percentage it is. A duration left at pandas' own `3 days 04:00:00` is written in words.
    """
    if isinstance(value, pd.Timedelta) and text == str(value):
        return fmt.durasi(value)
    if not _is_number(value) or pd.isna(value):
        return text
    value = float(value)  # a Decimal or numpy number: compared with what the text reads as
    if shares and text == fmt.angka(value, pd.get_option("styler.format.precision")):
        return fmt.persen(value)
    rewritten = fmt.dari_inggris(text, value * 100 if text.endswith("%") else value)
    return text if rewritten is None else rewritten
