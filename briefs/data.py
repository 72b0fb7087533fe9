"""The data stage: read the input tables, validate them, and snapshot them for the notebooks.

Notebooks never read the analyst's files directly: they read the validated snapshot
this module writes, so every brief sees the same, checked numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from briefs import paths
from briefs.params import Meeting

TABLES = ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai")
CODES = ("kode_kecamatan", "kode_nagari", "kode_bps_kecamatan", "kode_bps_nagari", "periode", "segmen")


@dataclass(frozen=True)
class Dataset:
    """The four validated tables; codes are strings, counts are int64."""

    wilayah: pd.DataFrame  # kode_kecamatan, kecamatan, kode_nagari, nagari, kode_bps_kecamatan, kode_bps_nagari
    angkatan_kerja: pd.DataFrame  # kode_nagari, angkatan_kerja
    kepesertaan: pd.DataFrame  # periode, kode_nagari, segmen (PU/BPU/JAKON), peserta_aktif
    agen_perisai: pd.DataFrame  # periode, kode_nagari, agen_aktif, peserta_diakuisisi

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column not in CODES and column not in ("kecamatan", "nagari"):
            frame[column] = frame[column].astype("int64")
    return frame


def load(meeting: Meeting) -> Dataset:
    """Read and validate the meeting's data folder."""
    folder = paths.resolve(meeting.data)
    return Dataset(**{name: _read(folder / f"{name}.csv") for name in TABLES})


def write_snapshot(ds: Dataset, folder: Path) -> list[Path]:
    """Write the validated tables as plain UTF-8 CSV; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in ds.tables().items():
        target = folder / f"{name}.csv"
        frame.to_csv(target, index=False, lineterminator="\n")
        written.append(target)
    return written


def read_snapshot(folder: Path | str) -> Dataset:
    """Read a snapshot written by `write_snapshot` (what notebooks call)."""
    folder = Path(folder)
    return Dataset(**{name: _read(folder / f"{name}.csv") for name in TABLES})
