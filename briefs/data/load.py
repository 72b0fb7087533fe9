"""The data stage: read the input tables, validate them, and snapshot them for the notebooks.

Notebooks never read the analyst's files directly: they read the validated snapshot
this module writes, so every brief sees the same, checked numbers. `load` collects every
problem in every file before it stops, and accounts for every row: read = used + reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from briefs import params, paths, periods
from briefs.data import intake, reconcile, schema
from briefs.data.report import DataReport, TableReport
from briefs.errors import InputError, Problem, display_path
from briefs.params import Meeting

TABLES = ("wilayah", "angkatan_kerja", "kepesertaan", "agen_perisai")
CODES = ("kode_kecamatan", "kode_nagari", "kode_bps_kecamatan", "kode_bps_nagari", "periode", "segmen")
TEXT = CODES + ("kecamatan", "nagari")


@dataclass(frozen=True)
class Dataset:
    """The four validated tables; codes are strings, counts are int64, names official."""

    wilayah: pd.DataFrame  # kode_kecamatan, kecamatan, kode_nagari, nagari, kode_bps_kecamatan, kode_bps_nagari
    angkatan_kerja: pd.DataFrame  # kode_nagari, angkatan_kerja (+ sector columns)
    kepesertaan: pd.DataFrame  # periode, kode_nagari, segmen (PU/BPU/JAKON), peserta_aktif
    agen_perisai: pd.DataFrame  # periode, kode_nagari, agen_aktif, peserta_diakuisisi
    report: DataReport = field(default_factory=DataReport)
    sources: dict[str, dict] = field(default_factory=dict)  # per table: path, sha256, detected format

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}


class DataError(InputError):
    """Bad data: an InputError (exit 2) that also carries the data report, for `check`."""

    def __init__(self, problems: list[Problem], report: DataReport):
        super().__init__(problems)
        self.report = report


def load(meeting: Meeting, params_file: str | Path | None = None) -> Dataset:
    """Read, validate and reconcile the meeting's data folder; every problem or none.

    Raises DataError (an InputError) listing every problem of every file, and every
    mismatch between the meeting (periods, kecamatan names) and the data.
    """
    folder = paths.resolve(meeting.data)
    if not folder.is_dir():
        where, source = _params_source(params_file)
        what = ("folder data tidak bisa dibuka (tautan simbolik yang berputar atau putus)" if folder.is_symlink()
                else "folder data tidak ditemukan")
        problem = Problem(where, f"{what}; tertulis '{meeting.data}'; seharusnya folder "
                                 "(relatif terhadap folder proyek) berisi berkas wilayah, angkatan_kerja, "
                                 "kepesertaan dan agen_perisai", _line(source, "data"), "data")
        raise DataError([problem], DataReport(display_path(folder)))
    checked, problems = _read_all(folder)
    frames = _validate_all(checked)
    problems += [p for c in checked.values() for p in sorted(c.errors, key=_order(c))]
    problems += check_meeting(meeting, frames, checked, params_file)
    report = _report(folder, checked, frames, problems)
    if problems:
        raise DataError(problems, report)
    sources = {name: {k: v for k, v in c.raw.source.items() if k != "rows_read"} for name, c in checked.items()}
    tables = {name: frames[name].reset_index(drop=True) for name in TABLES}
    return Dataset(**tables, report=report, sources=sources)


def _read_all(folder: Path) -> tuple[dict[str, schema.Checked], list[Problem]]:
    files, problems = intake.find_tables(folder, TABLES)
    checked: dict[str, schema.Checked] = {}
    for name, path in files.items():
        raw, found = intake.read_table(name, path, tuple(schema.SPECS[name].required))
        if raw is None:
            problems += found
        else:
            checked[name] = schema.parse(raw, found)
    return checked, problems


def _validate_all(checked: dict[str, schema.Checked]) -> dict[str, pd.DataFrame]:
    """Per-table schemas, then the rules across tables, then the usable rows and warnings."""
    known = {name: set(c.typed["kode_nagari"].dropna().unique().tolist()) for name, c in checked.items()
             if name in ("wilayah", "angkatan_kerja") and not c.broken and "kode_nagari" in c.typed}
    for c in checked.values():
        schema.validate(c, known)
    reconcile.reconcile(checked)
    official = reconcile.official_names(checked["wilayah"]) if "wilayah" in checked else None
    frames = {name: schema.clean(c, official) for name, c in checked.items()}
    reconcile.suspicious(checked, frames)
    return frames


def _order(checked: schema.Checked):
    columns = list(checked.raw.headers.values())
    return lambda p: (p.row or 0, columns.index(p.column) if p.column in columns else len(columns))


def _report(folder: Path, checked: dict[str, schema.Checked], frames: dict[str, pd.DataFrame],
            problems: list[Problem]) -> DataReport:
    tables = []
    for name, c in checked.items():
        read = len(c.raw.frame)
        used = len(frames[name])
        tables.append(TableReport(name, c.raw.display, dict(c.raw.source), read, used, read - used))
    kep = frames.get("kepesertaan")
    periods = tuple(sorted(kep["periode"].unique().tolist())) if kep is not None else ()
    warnings = tuple(w for c in checked.values() for w in c.warnings)
    return DataReport(display_path(folder), tuple(tables), warnings, tuple(problems), periods)


# --- The meeting against the data ---

def check_meeting(meeting: Meeting, frames: dict[str, pd.DataFrame], checked: dict[str, schema.Checked],
                  params_file: str | Path | None = None) -> list[Problem]:
    """Periods the meeting asks for exist in the data; kecamatan it names exist in wilayah."""
    where, source = _params_source(params_file)
    problems: list[Problem] = []
    # Agents are shown for the reported period only; participants also for the comparison.
    for table, keys in (("kepesertaan", ("period", "previous_period")), ("agen_perisai", ("period",))):
        c = checked.get(table)
        if c is None or c.broken:
            continue
        # Periods as written, bad rows included: a bad cell elsewhere in a row is its own problem.
        periods = sorted(p for p in c.typed["periode"].dropna().unique().tolist() if re.fullmatch(schema.PERIOD, p))
        span = f"{periods[0]} s.d. {periods[-1]}" if periods else "tidak ada"
        for key in keys:
            value = getattr(meeting, key)
            if value not in periods:
                problems.append(Problem(where, f"periode tidak ada di data {c.raw.display}; tertulis "
                                               f"'{value}'; seharusnya periode yang ada di data ({span})",
                                        _line(source, key), key))
        _gap_in_series(c, meeting, set(periods), {getattr(meeting, key) for key in keys})
        _newer_than_meeting(c, meeting, periods)
    wilayah = checked.get("wilayah")
    if isinstance(meeting.kecamatan, list) and wilayah is not None and not wilayah.broken:
        # Names as written, bad rows included: a bad code elsewhere in a row is its own problem.
        _, unknown = _match_kecamatan(wilayah.typed.dropna(subset=["kode_kecamatan", "kecamatan"]),
                                      meeting.kecamatan)
        problems += [Problem(where, message, _line(source, "kecamatan", meeting.kecamatan.index(name)), "kecamatan")
                     for name, message in unknown]
    return problems


# What a month missing from the series does to a brief, per table.
_GAP_EFFECT = {
    "kepesertaan": "grafik peserta per segmen menampilkannya sebagai 0",
    "agen_perisai": "peserta diakuisisi agen 12 bulan dijumlahkan tanpanya",
}


def _gap_in_series(checked: schema.Checked, meeting: Meeting, present: set[str], reported: set[str]) -> None:
    """A period of the briefs' series (`periods.SERIES`, ending at the meeting's) with no row
    in the table: a warning, since the briefs would show it as 0 or sum without it.
    Periods the meeting names itself are already errors when missing."""
    window = periods.ending(meeting.period, periods.SERIES)
    missing = [p for p in window if p not in present and p not in reported]
    if missing:
        span = f"{window[0]} s.d. {window[-1]}"
        checked.warn(None, "periode", f"{len(missing)} periode dari {len(window)} bulan yang ditampilkan brief "
                                      f"({span}) tidak ada di data, {_GAP_EFFECT[checked.raw.name]}; tertulis tidak "
                                      f"ada baris untuk {', '.join(missing)}; seharusnya baris untuk setiap periode "
                                      f"{span}")


def _newer_than_meeting(checked: schema.Checked, meeting: Meeting, present: list[str]) -> None:
    """Months in the data after the meeting's `period`: a warning, since every page would show
    the older month while a newer one is at hand (a params file copied from the last meeting,
    its period left as it was). A newer month that is not final yet is better left out of the
    export: then nothing is said."""
    newer = [p for p in present if p > meeting.period]
    if newer:
        checked.warn(None, "periode", f"data memuat {len(newer)} periode sesudah periode rapat {meeting.period}, "
                                      f"yang ditampilkan setiap halaman; tertulis baris untuk {', '.join(newer)}; "
                                      f"seharusnya period {newer[-1]} di berkas parameter, atau baris bulan yang "
                                      f"belum final tidak ikut diekspor")


def _params_source(params_file: str | Path | None) -> tuple[str, Path | None]:
    """How to name the params file in a message, and the file (to find a key's line)."""
    if not params_file:
        return "params", None
    source = paths.resolve(params_file)
    return display_path(source), source if source.is_file() else None


def _line(source: Path | None, *key: str | int) -> int | None:
    return params.line_of(source, *key) if source is not None else None


def _match_kecamatan(wilayah: pd.DataFrame, names: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Codes of the names found (case, spaces and Unicode form ignored, codes accepted); unknown names with a message."""
    lookup = {schema.name_key(n): c for c, n in zip(wilayah["kode_kecamatan"], wilayah["kecamatan"])}
    valid = ", ".join(dict.fromkeys(wilayah["kecamatan"]))
    codes: list[str] = []
    unknown: list[tuple[str, str]] = []
    for name in names:
        code = schema.plain(name) if schema.plain(name) in lookup.values() else lookup.get(schema.name_key(name))
        if code is None:
            unknown.append((name, f"kecamatan tidak dikenal; tertulis '{schema.visible(name)}'; "
                                  f"seharusnya salah satu dari: {valid}"))
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def resolve_kecamatan(ds: Dataset, names: list[str], source: str, column: str | None = None) -> list[str]:
    """kode_kecamatan for each name (case and spaces ignored, codes accepted), in the order given.

    `source` names where the names came from (`--only`, a params file) for the message;
    unknown names raise InputError listing every valid name.
    """
    codes, unknown = _match_kecamatan(ds.wilayah, names)
    if unknown:
        raise InputError([Problem(source, message, column=column) for _, message in unknown])
    return codes


# --- Snapshot: what notebooks read ---

def write_snapshot(ds: Dataset, folder: Path) -> list[Path]:
    """Write the validated tables as UTF-8 CSV, rows in key order; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in ds.tables().items():
        target = folder / f"{name}.csv"
        ordered = schema.sort(name, frame.reset_index(drop=True))
        target.write_bytes(ordered.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        written.append(target)
    return written


def _read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in frame.columns:
        if column not in TEXT:
            frame[column] = frame[column].astype("int64")
    return frame


def read_snapshot(folder: Path | str) -> Dataset:
    """Read a snapshot written by `write_snapshot` (what notebooks call)."""
    folder = Path(folder)
    return Dataset(**{name: _read(folder / f"{name}.csv") for name in TABLES})
