"""The key figures beside each brief in `index.html`, and the check that the brief shows them.

The build computes them from the data (`briefs.data.figures.kecamatan_table`); each brief
computes its own in its notebook, which an analyst may change (another denominator, another
ranking).
The index must never vouch for a figure its brief does not show: a brief whose page lacks
the index's figures is a warning, and `--strict` stops the release.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from briefs import fmt


@dataclass(frozen=True)
class KeyFigures:
    """One kecamatan's line in the index, in the words its brief uses."""

    cakupan: str  # "27,2%"
    peringkat: str  # "peringkat 3 dari 11"

    @property
    def line(self) -> str:
        return f"cakupan {self.cakupan} · {self.peringkat}"


def compute(table: pd.DataFrame) -> dict[str, KeyFigures]:
    """Per kecamatan code, what the index shows beside its brief, from `figures.kecamatan_table`
    (computed once by the build, for the slices too)."""
    total = fmt.angka(len(table))  # "dari 7.277" in a national release, as the brief writes it
    return {row.kode_kecamatan: KeyFigures(fmt.persen(row.cakupan), f"peringkat {fmt.angka(row.peringkat)} dari {total}")
            for row in table.itertuples()}


def unshown(key: KeyFigures, page: Path) -> list[str]:
    """The index's figures that the brief's page (its HTML) does not show, in the index's order."""
    text = page.read_text(encoding="utf-8")
    return [figure for figure in (key.cakupan, key.peringkat) if figure not in text]


def warning(key: KeyFigures, missing: list[str]) -> str:
    """What the build says when a brief does not show its index line's figures."""
    return (f"index.html menulis «{key.line}» untuk brief ini, tetapi {' dan '.join(f'«{m}»' for m in missing)} "
            f"tidak ada di halamannya; periksa apakah notebook menghitung angka itu dengan cara lain")
