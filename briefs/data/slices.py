"""Each brief's own slice of the data: its nagari's rows plus three regency figures.

A brief shows its own kecamatan and only three things about the others: its rank, the
number of kecamatan, and the regency's average coverage (shown to 0,1 point). Giving
each brief exactly that, as a folder it alone reads, makes its cache key honest: a
correction in one kecamatan re-runs that brief, the summary and the book, and any
other brief only when its rank or the shown regency average actually changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefs import data
from briefs.data import Dataset, figures
from briefs.params import Meeting

CONTEXT = "konteks.json"


def own_rows(ds: Dataset, kode_kecamatan: str) -> Dataset:
    """The four tables restricted to one kecamatan's nagari."""
    wilayah = ds.wilayah[ds.wilayah["kode_kecamatan"] == kode_kecamatan]
    nagari = set(wilayah["kode_nagari"])
    keep = {name: frame[frame["kode_nagari"].isin(nagari)] for name, frame in ds.tables().items()}
    return Dataset(**{name: frame.reset_index(drop=True) for name, frame in keep.items()})


def context(ds: Dataset, meeting: Meeting) -> dict[str, dict]:
    """Per kecamatan code: what its brief shows about the rest of the regency."""
    table = figures.kecamatan_table(ds, meeting)
    average = round(float(figures.kabupaten(ds, meeting)["cakupan"]), 3)  # as shown: 21,0%
    return {
        row.kode_kecamatan: {"peringkat": int(row.peringkat), "jumlah_kecamatan": len(table), "cakupan_kabupaten": average}
        for row in table.itertuples()
    }


def write(ds: Dataset, meeting: Meeting, folder: Path, codes: list[str]) -> dict[str, Path]:
    """One folder per kecamatan: its rows as a snapshot plus konteks.json."""
    ctx = context(ds, meeting)
    out = {}
    for code in codes:
        target = folder / code
        data.write_snapshot(own_rows(ds, code), target)
        (target / CONTEXT).write_text(json.dumps(ctx[code], sort_keys=True) + "\n", encoding="utf-8")
        out[code] = target
    return out


def read(folder: Path) -> tuple[Dataset, dict] | None:
    """A slice written by `write`, or None when the folder is a whole snapshot."""
    f = Path(folder) / CONTEXT
    if not f.is_file():
        return None
    return data.read_snapshot(folder), json.loads(f.read_text(encoding="utf-8"))
