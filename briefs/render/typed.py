"""A figure typed into a notebook's text instead of computed from the data.

A brief's figures must change when its data changes. A figure typed by hand is the same in
every kecamatan's brief and stays when next month's data arrives: right for one kecamatan
and one month at most, the quietly wrong number this tool exists to prevent. Two places
hold one: a Markdown cell's text (it does not run), and a string a code cell writes
(`nb.kotak(f"Cakupan naik 3,2 poin di {nama}")`: the part outside the braces is typed).
Both are read from the notebook's own text, so `check` says them before any kernel runs.
The page is unchanged: the analyst decides, and a cell tagged `rk-angka-tetap` (a
contribution rate set by regulation) is not checked.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator

from briefs import fmt
from briefs.render.discarded import as_python

FIXED_FIGURE_TAG = "rk-angka-tetap"  # the cell's figures are meant to be the same in every brief
_WHY = "sama di setiap brief dan tidak ikut berubah bila data berubah"
_FIXED = f"beri sel tag {FIXED_FIGURE_TAG} bila angkanya memang tetap (mis. tarif iuran)"


def in_markdown(text: str) -> str | None:
    """A notice for a figure in a Markdown cell's text (27,2%; 18.682 orang); None if none.

    `text` is all the cell shows, code spans too: a reader reads `27,2%` in one as a figure
    all the same.
    """
    figure = fmt.angka_terketik(text)
    if figure is None:
        return None
    return (f"angka diketik di sel Markdown («{figure[:30]}»): {_WHY}; tulis kalimatnya di sel kode dengan "
            f"nb.angka atau nb.persen, atau {_FIXED}")


@functools.lru_cache(maxsize=1024)
def in_code(source: str) -> str | None:
    """A notice for a figure in a string a code cell writes; None if none (or not Python).

    Only what can reach the reader is read: string literals and the text of f-strings
    outside their braces. Not a docstring or a string statement that is not the cell's
    last line (nothing shows it), not a comment. A count under ten ("terdiri dari 1
    nagari") is passed over: in code it sits in a branch that counted first. Cached: a
    cell's source is the same in every brief, and reading it costs ~1 ms.
    """
    python = as_python(source)
    if python is None:
        return None
    found = [(_line(python, node, figure), figure) for node in _written(ast.parse(python))
             if (figure := fmt.angka_terketik(node.value, hitungan_kecil=False))]
    if not found:
        return None
    line, figure = min(found)
    more = f" (dan {len(found) - 1} lagi di sel ini)" if len(found) > 1 else ""
    return (f"angka diketik di kode, baris {line} («{figure[:30]}»){more}: {_WHY}; hitung dari data dan tulis "
            f"dengan nb.angka atau nb.persen (f\"… {{nb.persen(x)}}\"), atau {_FIXED}")


def _line(python: str, node: ast.Constant, figure: str) -> int:
    """The line the figure is typed on, in a string of several lines too. Python 3.11 gives an
    f-string's parts the whole f-string's position, so the figure is found in its text."""
    segment = ast.get_source_segment(python, node) or ""
    at = segment.find(figure)
    return node.lineno + (segment[:at].count("\n") if at >= 0 else 0)


def _written(tree: ast.Module) -> Iterator[ast.Constant]:
    """The string constants of `tree` whose text can reach the page."""
    shown = tree.body[-1] if tree.body else None
    unseen = {id(node.value) for node in ast.walk(tree)  # a docstring, or a string no one shows
              if isinstance(node, ast.Expr) and node is not shown and isinstance(node.value, (ast.Constant, ast.JoinedStr))}
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if id(node) in unseen:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        todo.extend(ast.iter_child_nodes(node))
