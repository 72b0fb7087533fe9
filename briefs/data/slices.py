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

import pandas as pd

from briefs import data, fmt
from briefs.data import Dataset, figures, schema
from briefs.params import Meeting

CONTEXT = "konteks.json"
KECAMATAN = "kecamatan"  # the folder of slices inside a snapshot


def own_rows(ds: Dataset, kode_kecamatan: str) -> Dataset:
    """The four tables restricted to one kecamatan's nagari."""
    wilayah = ds.wilayah[ds.wilayah["kode_kecamatan"] == kode_kecamatan]
    nagari = set(wilayah["kode_nagari"])
    keep = {name: frame[frame["kode_nagari"].isin(nagari)] for name, frame in ds.tables().items()}
    return Dataset(**{name: frame.reset_index(drop=True) for name, frame in keep.items()})


def context(ds: Dataset, meeting: Meeting, kecamatan: pd.DataFrame | None = None) -> dict[str, dict]:
    """Per kecamatan code: what its brief shows about the rest of the regency.

    `kecamatan`: this `ds` and meeting's `figures.kecamatan_table`, when the caller has it
    already (the build computes it once for the slices and the index: ~0,7 s at 7.277).
    """
    table = figures.kecamatan_table(ds, meeting) if kecamatan is None else kecamatan
    # As the briefs show it (21,0%: one decimal of a percent), rounded by the pages' own rule, so it
    # reads as the summary shows the same figure; a change too small to show re-runs no brief.
    average = float(fmt.dibulatkan(figures.kabupaten(ds, meeting, table)["cakupan"], 3))
    return {
        row.kode_kecamatan: {"peringkat": int(row.peringkat), "jumlah_kecamatan": len(table), "cakupan_kabupaten": average}
        for row in table.itertuples()
    }


def write(ds: Dataset, meeting: Meeting, snapshot: Path, codes: list[str],
          kecamatan: pd.DataFrame | None = None) -> dict[str, Path]:
    """The build's snapshot: the whole tables (what the summary reads) in `snapshot`, and
    under `snapshot/kecamatan/` one folder per kecamatan: its rows plus konteks.json.

    Each table is sorted and written as CSV once; the whole file is that text, each slice
    its kecamatan's lines of it. The same bytes as `data.write_snapshot(ds)` and
    `data.write_snapshot(own_rows(ds, code))` (tested), but linear and in one pass:
    filtering, sorting and writing every slice apart cost 22 ms a kecamatan, and filtering
    the whole tables per kecamatan made that grow with their number.
    """
    ctx = context(ds, meeting, kecamatan)
    kecamatan_of = ds.wilayah.set_index("kode_nagari")["kode_kecamatan"]
    texts = {name: _lines_by_kecamatan(name, frame, kecamatan_of) for name, frame in ds.tables().items()}
    snapshot.mkdir(parents=True, exist_ok=True)
    for name, (header, lines, _) in texts.items():
        (snapshot / f"{name}.csv").write_bytes("".join([header, *lines]).encode("utf-8"))
    out = {}
    for code in codes:
        target = snapshot / KECAMATAN / code
        target.mkdir(parents=True, exist_ok=True)
        for name, (header, lines, groups) in texts.items():
            mine = [lines[i] for i in groups.get(code, ())]
            (target / f"{name}.csv").write_bytes("".join([header, *mine]).encode("utf-8"))
        (target / CONTEXT).write_text(json.dumps(ctx[code], sort_keys=True) + "\n", encoding="utf-8")
        out[code] = target
    return out


def _lines_by_kecamatan(name: str, frame, kecamatan_of) -> tuple[str, list[str], dict]:
    """A table as `write_snapshot` writes it, cut into lines, and each kecamatan's line numbers."""
    ordered = schema.sort(name, frame.reset_index(drop=True))
    text = ordered.to_csv(index=False, lineterminator="\n")
    header, *lines = (line + "\n" for line in text.split("\n")[:-1])  # the text ends with "\n"
    if len(lines) != len(ordered):  # a field holding a line break (names cannot): never guess
        raise ValueError(f"{name}: {len(lines)} baris CSV untuk {len(ordered)} baris data")
    owner = ordered["kode_nagari"].map(kecamatan_of).to_numpy()
    return header, lines, pd.Series(range(len(owner))).groupby(owner, sort=False).indices


def read(folder: Path) -> tuple[Dataset, dict] | None:
    """A slice written by `write`, or None when the folder is a whole snapshot."""
    f = Path(folder) / CONTEXT
    if not f.is_file():
        return None
    return data.read_snapshot(folder), json.loads(f.read_text(encoding="utf-8"))
