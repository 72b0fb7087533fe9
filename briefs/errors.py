"""Errors that end a build with a clear message instead of a traceback.

`InputError` means bad params or data (exit code 2, nothing executed). It carries every
problem found, each naming the file, row and column, so one problem never hides the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place of an input file."""

    file: str
    message: str
    row: int | None = None  # 1-based line in the file as the analyst sees it (header = 1)
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"


class InputError(Exception):
    """Bad params or data: the build stops before any notebook runs (exit code 2)."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StageFailed(Exception):
    """A release stage could not finish, for a reason that is neither bad input (exit 2) nor a
    file that could not be written (OSError): the message says why, in Bahasa, and the build
    ends with it in one line (exit 1), the published release untouched."""


def display_path(path: Path | str) -> str:
    """A path as the analyst should read it: relative to the project when inside it."""
    from briefs.paths import ROOT

    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except (ValueError, OSError, RuntimeError):  # outside the project, or a symlink loop: as given
        return str(p)


def warning_text(warning: dict) -> str:
    """One build warning as the analyst reads it (terminal, data report, manifest readers).

    `warning` is a manifest entry: {"scope": "Kecamatan Sitiung" or "data", "notebook",
    "cell", "source", "message"}; cell numbers count the source notebook's cells from 1.
    """
    where = [warning.get("scope", "")]
    if warning.get("notebook"):
        where.append(warning["notebook"])
    if warning.get("cell"):
        source = warning.get("source") or ""
        short = source if len(source) <= 50 else source[:49] + "…"
        where.append(f"sel {warning['cell']}" + (f" «{short}»" if short else ""))
    return " · ".join(w for w in where if w) + f": {warning['message']}"


def naming(exc: OSError, path: Path | str) -> OSError:
    """`exc` as the same OS error about `path`: a failed write() or flush names no file, and
    the build's one line for a full disk (`briefs.cli`) must say which file it could not write."""
    return OSError(exc.errno, exc.strerror, str(path))


def warning_lines(warnings: list[dict]) -> list[str]:
    """The warnings as the analyst reads them: one line per thing to fix, in the order found.

    The same notice from the same cell in many briefs (a figure typed into a Markdown cell,
    a warning a cell prints for every kecamatan) is one fix in one place: one line naming
    how many briefs and the first three, not 7.277 lines that bury the one about a single
    kecamatan. The manifest keeps every warning with its brief.
    """
    groups: dict[object, list[dict]] = {}
    for i, w in enumerate(warnings):
        key = (w.get("notebook"), w.get("cell"), w.get("source"), w["message"]) if w.get("notebook") else i
        groups.setdefault(key, []).append(w)
    lines = []
    for same in groups.values():
        scopes = list(dict.fromkeys(w.get("scope", "") for w in same))
        if len(scopes) == 1:
            lines.append(warning_text(same[0]))
            continue
        shown = scopes if len(scopes) <= 3 else [*scopes[:3], f"{len(scopes) - 3} lainnya"]
        named = f"{', '.join(shown[:-1])} dan {shown[-1]}"
        lines.append(warning_text({**same[0], "scope": f"{len(scopes)} brief: {named}"}))
    return lines
