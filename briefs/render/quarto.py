"""The second engine: executed notebook → HTML and PDF with the Quarto CLI (`--engine quarto`).

The only module that knows Quarto. Three promises:
- *Never re-executed*: the notebook papermill ran is rendered as it is (`--no-execute`
  and `execute.enabled: false`), so both engines show the same numbers.
- *One private folder per brief*: Quarto shares `site_libs` and intermediate files
  between renders of one folder and assumes one output per input (quarto-cli issues
  6116 and 5861), so each render gets a fresh folder holding its own copy of the notebook,
  its own `_quarto.yml` (which also stops Quarto from joining a project further up the
  tree) and the templates of `templates/quarto/`, and runs with that folder as cwd.
- *Same reader-facing frame*: title block, "DATA CONTOH" mark, running header,
  "Halaman N dari M" and the provenance line come from `templates/quarto/`, in
  Bahasa Indonesia (`lang: id`); the PDF goes through Typst, never LaTeX.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from briefs import paths, templating
from briefs.errors import InputError, Problem
from briefs.render import page as page_frame
from briefs.render import sanitize

TEMPLATES = paths.TEMPLATES / "quarto"
MINIMUM = (1, 4)  # Quarto's typst format (PDF without LaTeX) arrived in 1.4
CONTEXT_FROM = (1, 5)  # Quarto 1.5 ships Typst 0.11, the first with `context`
INSTALL_URL = "https://quarto.org/docs/get-started/"
# Files copied from templates/quarto/ into each private folder (the rest are rendered).
STATIC_FILES = ("_quarto.yml", "typst-template.typ", "typst-show.typ", "quarto.css")
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")
FRAME_SNIPPET = re.compile(r"""^\s*<div class=["']rk-judul["']""")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Quarto:
    """A Quarto CLI that passed the version check."""

    path: str  # absolute path of the executable
    version: str  # e.g. "1.6.40"


class QuartoFailed(Exception):
    """Quarto exited non-zero or left no output; str() carries Quarto's own words."""

    def __init__(self, title: str, detail: str, returncode: int | None = None):
        self.title, self.detail, self.returncode = title, detail, returncode
        super().__init__(f"Quarto gagal merender {title}:\n{detail}")


# ---- finding Quarto -----------------------------------------------------------------------

def locate(where: str = "--engine quarto") -> Quarto:
    """Find quarto (QUARTO_PATH first, then PATH) and check it is 1.4 or newer.

    Called before any work starts, so a missing or old Quarto ends the build with exit
    code 2 and a message saying how to install it or to use the default engine.
    `where` names what asked for Quarto (the option, or the params file and its key).
    """
    exe = _executable(where)
    version = _version(exe, where)
    if version_tuple(version)[:2] < MINIMUM:
        raise InputError(Problem(file=where, message=(
            f"Quarto {version} ({exe}) terlalu lama: PDF lewat Typst butuh Quarto 1.4 atau "
            f"lebih baru. Perbarui dari {INSTALL_URL}, atau pakai mesin bawaan dengan "
            "--engine weasyprint.")))
    return Quarto(path=exe, version=version)


def _executable(where: str) -> str:
    env = os.environ.get("QUARTO_PATH")
    if env:
        # An explicit QUARTO_PATH that is wrong is a mistake to report, not to work around.
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise InputError(Problem(file=where, message=(
                f"QUARTO_PATH menunjuk ke {env}, tetapi itu bukan program Quarto yang bisa "
                f"dijalankan. Perbaiki QUARTO_PATH atau pasang Quarto dari {INSTALL_URL}, "
                "atau pakai mesin bawaan dengan --engine weasyprint.")))
        return os.path.abspath(env)
    found = shutil.which("quarto")
    if found is None:
        raise InputError(Problem(file=where, message=(
            "Quarto tidak ditemukan: tidak ada di PATH dan QUARTO_PATH tidak diisi. Pasang "
            f"Quarto 1.4 atau lebih baru dari {INSTALL_URL} (lalu buka terminal baru), atau "
            "pakai mesin bawaan dengan --engine weasyprint.")))
    return os.path.abspath(found)


def _version(exe: str, where: str) -> str:
    try:
        done = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InputError(Problem(file=where, message=(
            f"Quarto di {exe} tidak bisa dijalankan ({e}). Pasang ulang dari {INSTALL_URL}, "
            "atau pakai mesin bawaan dengan --engine weasyprint."))) from None
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None:
        said = _trim(done.stderr or done.stdout) or f"kode keluar {done.returncode}"
        raise InputError(Problem(file=where, message=(
            f"`{exe} --version` tidak memberi nomor versi: {said}. Pasang ulang Quarto dari "
            f"{INSTALL_URL}, atau pakai mesin bawaan dengan --engine weasyprint.")))
    return match.group(0)


# ---- rendering ----------------------------------------------------------------------------

def command(quarto: Quarto, notebook: str, to: str, output: str) -> list[str]:
    """The argv of one `quarto render`, run with cwd = the brief's private folder.

    `--no-execute` keeps papermill's outputs (Quarto does not execute .ipynb by default,
    but a stray `execute: enabled: true` must not re-run a kernel); `lang:id` is repeated
    on the command line so Quarto's own words (figure labels, notes) are Indonesian
    whatever the notebook says. No `--quiet`: it would hide the error text we report.
    """
    return [quarto.path, "render", notebook, "--to", to, "--output", output,
            "--no-execute", "-M", "lang:id"]


def version_tuple(version: str) -> tuple[int, int, int]:
    """'1.6.40' -> (1, 6, 40); a missing patch number counts as 0."""
    match = _VERSION.search(version)
    if match is None:
        raise ValueError(f"bukan nomor versi: {version!r}")
    return tuple(int(n or 0) for n in match.groups())  # type: ignore[return-value]


def render(notebook: Path, workdir: Path, page, quarto: Quarto, *, timeout: int = 600,
           images: Path | None = None) -> list[sanitize.Notice]:
    """Render an executed notebook into `workdir/page.html` (self-contained) and `workdir/page.pdf`.

    The notebook is never re-executed. Quarto runs in a fresh private folder under
    `workdir` (removed afterwards), once for HTML and once for Typst: `--to html,typst`
    is not accepted by Quarto (quarto-cli issue 5947). `page` is a `briefs.render.page.Page`.
    Raises QuartoFailed with Quarto's own error text on a non-zero exit, a timeout or a
    missing output. `images` is the source notebook's folder, where Markdown images may come from.
    Returns what of the notebook the page leaves out (`sanitize.Notice`).
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(str(notebook), as_version=4)
    private = Path(tempfile.mkdtemp(prefix=".quarto-", dir=workdir))
    try:
        notices = prepare(private, nb, page, quarto, images)
        for source, to, output in (("page.ipynb", "html", "page.html"),
                                   ("page-typst.ipynb", "typst", "page.pdf")):
            _run(command(quarto, source, to, output), private, page.title, timeout)
            made = private / output
            if not made.is_file() or made.stat().st_size == 0:
                raise QuartoFailed(page.title, f"Quarto selesai tanpa membuat {output}.")
            os.replace(made, workdir / output)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return notices


def prepare(folder: Path, nb: nbformat.NotebookNode, page, quarto: Quarto,
            images: Path | None = None) -> list[sanitize.Notice]:
    """Fill a private folder: templates, stylesheet, the HTML frame and two notebook copies.

    The copies keep only the outputs the default engine keeps, with markup sanitized by
    the same allow-list, so Quarto shows no more than WeasyPrint would. The Typst copy
    turns HTML snippets into markdown outputs: Typst cannot show raw HTML, but pandoc
    reads the divs and tables inside it.
    """
    for name in STATIC_FILES:
        shutil.copyfile(TEMPLATES / name, folder / name)
    # Page numbers are the one piece of Typst that differs between the versions Quarto ships.
    old = version_tuple(quarto.version)[:2] < CONTEXT_FROM
    shutil.copyfile(TEMPLATES / ("halaman-lama.typ" if old else "halaman-context.typ"),
                    folder / "rk-halaman.typ")
    (folder / "rakor.css").write_text("\n".join(page_frame.stylesheets()), encoding="utf-8")
    for name in ("sebelum.html", "sesudah.html"):
        html = templating.environment(TEMPLATES).get_template(name + ".j2").render(page=page)
        (folder / name).write_text(html, encoding="utf-8")
    shown, resources = sanitize.PageOnly().preprocess(nb, {"rk": {"folder": images}})
    nbformat.write(notebook_copy(shown, page, typst=False), str(folder / "page.ipynb"))
    nbformat.write(notebook_copy(shown, page, typst=True), str(folder / "page-typst.ipynb"))
    return resources["rk"]["notices"]


def notebook_copy(nb: nbformat.NotebookNode, page, *, typst: bool) -> nbformat.NotebookNode:
    """The notebook as Quarto should see it: front matter first, markup cleaned.

    `nb` has been through `sanitize.PageOnly` (as `prepare` does): only what a page shows.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = sanitize.clean_html(cell.source)
        elif cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if "remove-code" not in tags:
                tags.append("remove-code")  # Quarto's tag: code hidden even if echo were on
            for out in cell.outputs:
                _clean_output(out, typst)
            cell.outputs = [o for o in cell.outputs if not _shown_by_frame(o)]
            _alt_text_as_cell_option(cell)
    matter = "---\n" + yaml.safe_dump(front_matter(page, typst=typst), allow_unicode=True,
                                      sort_keys=True) + "---\n"
    nb.cells.insert(0, nbformat.v4.new_raw_cell(matter))
    return nb


def _alt_text_as_cell_option(cell) -> None:
    """Charts carry their alt text in the output's metadata (nbconvert reads it there);
    Quarto reads it from a `#| fig-alt:` cell option, so the copy says it both ways."""
    alts = [o.get("metadata", {}).get(mime, {}).get("alt") for o in cell.outputs
            for mime in ("image/png", "image/jpeg") if mime in o.get("data", {})]
    alts = [a for a in alts if a]
    if alts:
        value = json.dumps(alts[0] if len(alts) == 1 else alts, ensure_ascii=False)
        cell.source = f"#| fig-alt: {value}\n{cell.source}"


def _shown_by_frame(out) -> bool:
    # The notebook's own title block is for JupyterLab; on the page the frame's title
    # block says the same (the default engine hides it with `.rk-doc .rk-judul`).
    markup = out.get("data", {}).get("text/html") or out.get("data", {}).get("text/markdown") or ""
    return FRAME_SNIPPET.search(markup) is not None


def _clean_output(out, typst: bool) -> None:
    data = out.get("data", {})
    if "text/html" not in data:
        return
    html = sanitize.clean_html(data["text/html"])
    data.pop("text/plain", None)  # "<Cards>" must not win over the snippet
    if typst:
        data.pop("text/html")
        # Unindented, so pandoc never reads a nested tag as an indented code block.
        data["text/markdown"] = "\n".join(line.strip() for line in html.splitlines())
    else:
        data["text/html"] = html


def front_matter(page, *, typst: bool) -> dict:
    """Per-brief metadata; the shared settings live in templates/quarto/_quarto.yml.

    Quarto reads metadata strings as markdown, so every value is escaped: a place named
    "Aula *Utama*" or a title with "@" stays literal text.
    """
    rakor = {
        "kicker": _md((page.regency + " · " if page.regency else "") + page.subtitle),
        "meeting": _md(page.meeting_title), "meeting-short": _md(page.meeting_short),
        "date": _md(page.date_text), "place": _md(page.place),
        "period": _md(page.period_text), "build": _md(page.build_id), "sample": bool(page.sample),
    }
    matter = {"lang": "id", "rakor": rakor}
    if typst:
        matter["title"] = _md(page.title)
    else:
        # The HTML masthead comes from sebelum.html; a Quarto title block would repeat it.
        matter["pagetitle"] = _md(f"{page.title} — {page.meeting_short}")
    return matter


def _md(text: str) -> str:
    """Backslash-escape ASCII punctuation: pandoc then reads the value as plain text."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", str(text))


def _run(argv: list[str], cwd: Path, title: str, timeout: int) -> None:
    # Own process group: on timeout Quarto's deno, pandoc and typst children go too.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}  # no build clock in the PDF
    # Should Quarto look for Jupyter at all, it finds ours rather than some other Python.
    env.setdefault("QUARTO_PYTHON", sys.executable)
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise QuartoFailed(title, f"Quarto tidak selesai dalam {timeout} detik.") from None
    if proc.returncode != 0:
        said = _trim(err) or _trim(out) or "(Quarto tidak menulis pesan)"
        raise QuartoFailed(title, said, proc.returncode)


def _trim(text: str | None, keep: int = 15) -> str:
    """Quarto's message without colour codes and without the Deno stack trace under it."""
    lines = _ANSI.sub("", text or "").strip().splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("Stack trace:"):
            lines = lines[:i]
            break
    return "\n".join(line.rstrip() for line in lines[-keep:]).strip()
