"""Executed notebook → one self-contained HTML page (nbconvert + `templates/rakor/`).

The HTML is what officials open offline and what WeasyPrint turns into the PDF, so
it must load nothing (no require.js, MathJax, mermaid, widgets, fonts or images from
the internet), run no script, and show only what the notebook meant to show: code is
hidden, prompts are hidden, `sanitize.PageOnly` keeps what a page can show (and says
what it dropped), and Markdown and text/html pass through one allow-list sanitizer
(`sanitize.clean_html`, nbconvert's `clean_html` filter), so a stray `<img onerror=…>`
in a cell becomes inert.
"""

from __future__ import annotations

import threading
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from briefs import paths
from briefs.render import sanitize
from briefs.render.page import CSP, Page, stylesheets

_local = threading.local()


def _exporter() -> HTMLExporter:
    """One exporter per thread: building one (template lookup, Jinja env) costs more than
    a conversion, and from_notebook_node re-registers filters, so threads must not share."""
    if not hasattr(_local, "exporter"):
        _local.exporter = _new_exporter()
    return _local.exporter


def _new_exporter() -> HTMLExporter:
    # Code is hidden, so the pygments stylesheet the lab template inlines is dead weight.
    config = Config({"CSSHTMLHeaderPreprocessor": {"enabled": False}})
    return HTMLExporter(
        config=config,
        extra_template_basedirs=[str(paths.TEMPLATES)],
        template_name="rakor",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        language_code="id",
        filters={"clean_html": sanitize.clean_html},
        preprocessors=[sanitize.PageOnly],
    )


def notebook_html(nb: nbformat.NotebookNode, page: Page,
                  folder: Path | None = None) -> tuple[str, list[sanitize.Notice]]:
    """The executed notebook as one self-contained HTML page, and what the page left out.

    `folder` (the source notebook's) is where Markdown images may come from.
    """
    resources = {"metadata": {"name": f"{page.title} — {page.meeting_short}"},
                 "rk": {"page": page, "css": stylesheets(), "csp": CSP, "folder": folder}}
    html, resources = _exporter().from_notebook_node(nb, resources=resources)
    return html, resources["rk"]["notices"]


def warm(page: Page) -> None:
    """Build this thread's exporter and compile its templates with a one-cell notebook of our own.

    The first conversion in a thread costs ~0,3 s more than the next (nbconvert finds and
    compiles the template chain on first use); a build does this while its kernel boots,
    so the first brief's pages do not pay it on the slower half of the build.
    """
    notebook_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Brief")]), page)
