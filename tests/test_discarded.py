"""A table, a box or a Markdown a cell made but Jupyter threw away is said beside the cell.

The rule is IPython's own: only a cell's last top-level expression is shown, and not when the
cell ends with ';'. The first test holds that rule against a real IPython shell, so these
notices say what the kernel really does.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbformat import v4
from traitlets.config import Config

from briefs.render import sanitize
from briefs.render.discarded import discarded

CELLS = {
    "two tables": ("nb.tabel(a)\nnb.tabel(b)", ["nb.tabel(a) di baris 1"]),
    "the last only": ("x = 1\nnb.tabel(a)", []),
    "a last line ended with ;": ('nb.kotak("a");', ['nb.kotak("a") di baris 1']),
    "a ; in a string or comment": ('nb.kotak("a;#b")  # ;', []),
    "inside an if": ('if x:\n    nb.kotak("a")\nelse:\n    nb.kotak("b")', ['nb.kotak("a") di baris 2', 'nb.kotak("b") di baris 4']),
    "through display()": ('display(nb.tabel(a))\ndisplay(Markdown("x"))\nplt.show()', []),
    "a Markdown mid-cell": ("Markdown(t)\nprint(1)", ["Markdown(t) di baris 1"]),
    "after a magic": ("%matplotlib inline\nnb.tabel(a)\nnb.tabel(b)", ["nb.tabel(a) di baris 2"]),
    "kept in a name": ("t = nb.tabel(a)\nt", []),
    "not Python": ("def f(:\n    pass", []),
    "the analyst's own function": ("tabel(a)\nkotak(b)\nn.kotak(c)\nx", ["n.kotak(c) di baris 3"]),
    "a Styler mid-cell": ('df.style.format("{:.1%}")\ndf.style\nx = df.style\ndf.head()\nt.style.bar().format(f)',
                          ['df.style.format("{:.1%}") di baris 1', "df.style di baris 2"]),
}


class Shown:
    """Stands for what nb.tabel returns: an object that says when Jupyter shows it."""

    seen: list[str] = []

    def __init__(self, name: str):
        self.name = name

    def _repr_html_(self) -> str:
        Shown.seen.append(self.name)
        return f"<p>{self.name}</p>"


@pytest.mark.parametrize("source", ["nb.tabel('a')\nnb.tabel('b')", "nb.tabel('a');", "if True:\n    nb.tabel('a')",
                                    "nb.tabel('a')"])
def test_the_rule_is_what_a_real_ipython_shell_shows(source):
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # the ';' rule reads the cell from history; none on disk
    shell = InteractiveShell.instance(config=config)
    shell.user_ns["nb"] = SimpleNamespace(tabel=Shown)
    Shown.seen = []
    shell.run_cell(source, store_history=True)  # as a kernel runs a cell
    made = source.count("tabel(")
    said = discarded(source)
    assert len(Shown.seen) + len(said) == made  # every table made is either shown or said
    assert [f"nb.tabel('{n}')" for n in "ab"[:made] if n not in Shown.seen] == [s.split(" di baris")[0] for s in said]


@pytest.mark.parametrize("name", CELLS)
def test_what_jupyter_would_not_show_is_said_with_its_line(name):
    source, expected = CELLS[name]
    said = discarded(source)
    assert [s.split(" tidak tampil")[0] for s in said] == expected
    assert all(s.endswith(f"tulis display({s.split(' di baris')[0]})") for s in said)


def test_the_notice_names_the_cell_and_the_page_keeps_what_was_shown():
    cell = v4.new_code_cell("nb.tabel(a)\nnb.tabel(b)", outputs=[
        v4.new_output("display_data", data={"text/html": "<table><tr><td>b</td></tr></table>"})])
    nb = v4.new_notebook(cells=[v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                v4.new_code_cell("x = 2", metadata={"tags": ["injected-parameters"]}), cell])
    shown, notices = sanitize.prepare(nb)
    assert [(n.cell, n.message.split(":")[0]) for n in notices] == [(2, "nb.tabel(a) di baris 1 tidak tampil")]
    assert shown.cells[-1].outputs == cell.outputs
    hidden = v4.new_code_cell("nb.tabel(a)\nnb.tabel(b)", metadata={"tags": ["remove-output"]})
    assert sanitize.prepare(v4.new_notebook(cells=[hidden]))[1] == []  # the analyst hid its output: nothing to say
