"""What a cell made to be shown and Python threw away: a table, a box, a Markdown not at the end.

`nb.tabel(...)`, `nb.kotak(...)`, a pandas Styler (`df.style.format(...)`) and IPython's
`Markdown(...)` are objects that Jupyter shows only as the last expression of a cell (or
through `display(...)`). Written anywhere
else (two tables in one cell, a box inside an `if`, a last line ended with `;`), the object
is made and discarded without a word, in JupyterLab and in the build alike, and the reader
never sees what the analyst wrote. Read from the cell's source, so it is said beside the
cell; the page is unchanged.
"""

from __future__ import annotations

import ast
import functools
import io
import tokenize

# The notebook snippets that return something to show, called as `nb.tabel(...)` (nb.kartu_hp
# shows itself), and IPython's display objects, called by name as the notebooks import them.
# Not a bare `tabel(...)`: that may be the analyst's own function, which shows what it shows.
SNIPPETS = frozenset({"judul", "kartu_angka", "kartu", "kotak", "catatan", "tabel"})
DISPLAY_OBJECTS = frozenset({"Markdown", "HTML"})


@functools.lru_cache(maxsize=1024)
def discarded(source: str) -> tuple[str, ...]:
    """Each call in `source` whose result Jupyter would not show, as the analyst should read it.

    Cached: a cell's source is the same in every brief, and reading it costs ~1 ms.
    """
    source = as_python(source)
    if source is None:
        return ()
    tree = ast.parse(source)
    shown = tree.body[-1] if tree.body and not _silenced(source) else None
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and node is not shown and (_to_show(node.value) or _styler(node.value)):
            code = ast.get_source_segment(source, node.value) or ast.unparse(node.value)
            short = code if len(code) <= 40 else code[:37] + "..."
            found.append(f"{short} di baris {node.lineno} tidak tampil: Jupyter hanya menampilkan ekspresi terakhir "
                         f"sel (tanpa ';' di ujungnya); tulis display({short})")
    return tuple(found)


def as_python(source: str) -> str | None:
    """The cell as Python: IPython's own syntax (%magic, !shell) turned into calls, line for line,
    as the kernel runs it; None if it is not Python even then (nothing is said of it)."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        python = TransformerManager().transform_cell(source)
        ast.parse(python)
        return python
    except (SyntaxError, ValueError):
        return None


def _to_show(value: ast.expr) -> bool:
    """`nb.tabel(...)` (any module name: `import briefs.notebook as n` too) or `Markdown(...)`."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.attr in SNIPPETS
    return isinstance(func, ast.Name) and func.id in DISPLAY_OBJECTS


def _styler(value: ast.expr) -> bool:
    """`df.style`, `df.style.format(...)`, `df.style.highlight_max().format(...)`: a pandas Styler."""
    while True:
        if isinstance(value, ast.Call):
            value = value.func
        elif isinstance(value, ast.Attribute):
            if value.attr == "style":
                return True
            value = value.value
        else:
            return False


_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def _silenced(source: str) -> bool:
    """A cell that ends with ';': IPython shows nothing for it (how `plt.plot(...);` stays quiet).

    Read by tokens, as IPython reads it, so a ';' inside a string or a comment is not one.
    """
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in _NOT_CODE]
    return bool(tokens) and tokens[-1].type == tokenize.OP and tokens[-1].string == ";"
