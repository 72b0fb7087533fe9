"""Rules across tables, and what is suspicious but possible.

`wilayah` is the reference every other table answers to: one spelling per kecamatan code,
names in data tables that agree with their codes, official spellings in every output.
Then the warnings: participants above a nagari's labour force, a change of more than half
in one month, a nagari missing from a period. Real data can do all three, so they are
listed in the data report and the rows are kept: never silently dropped, never fatal.
"""

from __future__ import annotations

import pandas as pd

from briefs import periods
from briefs.data.schema import Checked, name_key, usable
from briefs.fmt import angka, persen_kata


def reconcile(tables: dict[str, Checked]) -> None:
    """Names agree with codes: one spelling per kecamatan code, names in data tables match wilayah."""
    wilayah = tables.get("wilayah")
    if wilayah is None or wilayah.broken:
        return
    _one_name_per_code(wilayah)
    official = official_names(wilayah)
    for checked in tables.values():
        if checked is wilayah or checked.broken or "kode_nagari" not in checked.typed:
            continue
        for column in ("kecamatan", "nagari"):
            if column in checked.typed:
                _names_match(checked, column, official)


def _one_name_per_code(wilayah: Checked) -> None:
    """A kecamatan code has one name, and a name one code: `--only` picks kecamatan by name."""
    by_code: dict[str, tuple[str, int]] = {}
    by_name: dict[str, tuple[str, int]] = {}
    frame = wilayah.typed.dropna(subset=["kode_kecamatan", "kecamatan"])
    for index, code, name in zip(frame.index, frame["kode_kecamatan"], frame["kecamatan"]):
        seen_name, seen_at = by_code.setdefault(code, (name, index))
        seen_code, code_at = by_name.setdefault(name_key(name), (code, index))
        if name_key(seen_name) != name_key(name):
            wilayah.fail(index, "kecamatan", f"nama kecamatan berbeda untuk kode {code}; tertulis "
                                             f"'{wilayah.written(index, 'kecamatan')}'; seharusnya "
                                             f"'{seen_name}' seperti di baris {wilayah.raw.line(seen_at)}")
        elif seen_code != code:
            wilayah.fail(index, "kecamatan", f"nama kecamatan sudah dipakai kode {seen_code}; tertulis "
                                             f"'{wilayah.written(index, 'kecamatan')}'; seharusnya satu nama "
                                             f"untuk satu kode (lihat baris {wilayah.raw.line(code_at)})")
        elif seen_name != name:
            wilayah.warn(index, "kecamatan", f"ejaan nama kecamatan berbeda, dipakai ejaan pertama; tertulis "
                                             f"'{wilayah.written(index, 'kecamatan')}'; seharusnya '{seen_name}'")


def official_names(wilayah: Checked) -> dict[str, dict[str, str]]:
    """kode_nagari -> official kecamatan and nagari names (first spelling of each code)."""
    if wilayah.broken:
        return {}
    frame = usable(wilayah)
    kecamatan = dict(zip(frame["kode_kecamatan"][::-1], frame["kecamatan"][::-1]))
    return {code: {"kecamatan": kecamatan[kec], "nagari": nagari}
            for code, kec, nagari in zip(frame["kode_nagari"], frame["kode_kecamatan"], frame["nagari"])}


def _names_match(checked: Checked, column: str, official: dict[str, dict[str, str]]) -> None:
    for index, code, name in zip(checked.typed.index, checked.typed["kode_nagari"], checked.typed[column]):
        expected = official.get(code, {}).get(column)
        if expected and not pd.isna(name) and name_key(name) != name_key(expected):
            checked.fail(index, column, f"nama {column} tidak cocok dengan kode {code}; tertulis "
                                        f"'{checked.written(index, column)}'; seharusnya '{expected}'")



def suspicious(tables: dict[str, Checked], frames: dict[str, pd.DataFrame]) -> None:
    """Participants above the labour force, jumps over 50 % in a month, acquisitions without an
    agent, nagari missing a period."""
    kep, labour = tables.get("kepesertaan"), frames.get("angkatan_kerja")
    names = dict(zip(frames["wilayah"]["kode_nagari"], frames["wilayah"]["nagari"])) if "wilayah" in frames else {}
    if kep is not None and labour is not None:
        _above_labour_force(kep, frames["kepesertaan"], labour, names)
    if kep is not None:
        _jumps(kep, frames["kepesertaan"], names)
    if "agen_perisai" in tables:
        _acquired_without_agent(tables["agen_perisai"], frames["agen_perisai"], names)
    if "wilayah" in frames:
        for name in ("kepesertaan", "agen_perisai"):
            if name in tables and not tables[name].broken:
                typed = tables[name].typed.dropna(subset=["periode", "kode_nagari"])
                _missing_nagari(tables[name], typed, frames["wilayah"])


def _above_labour_force(kep: Checked, frame: pd.DataFrame, labour: pd.DataFrame, names: dict) -> None:
    limit = dict(zip(labour["kode_nagari"], labour["angkatan_kerja"]))
    # Point at the largest figure of the nagari's period: the likeliest typing error.
    totals = (frame.assign(pos=frame.index).groupby(["periode", "kode_nagari"], sort=True)
              .agg(total=("peserta_aktif", "sum"), pos=("peserta_aktif", "idxmax")).reset_index())
    totals["cap"] = totals["kode_nagari"].map(limit)
    for row in totals[totals["total"] > totals["cap"]].sort_values("pos").itertuples():
        cap, index = int(row.cap), int(row.pos)
        kep.warn(index, "peserta_aktif", f"peserta aktif nagari {names.get(row.kode_nagari, row.kode_nagari)} "
                                         f"periode {row.periode} (semua segmen {angka(int(row.total))}) melebihi "
                                         f"angkatan kerja {angka(cap)}, tetap dipakai; tertulis "
                                         f"'{kep.written(index, 'peserta_aktif')}'; seharusnya jumlah paling "
                                         f"banyak {angka(cap)} (periksa kembali)")


def _jumps(kep: Checked, frame: pd.DataFrame, names: dict) -> None:
    """Month-on-month change per nagari and segment; vectorised, since real series are long."""
    rows = frame.assign(pos=frame.index, month=frame["periode"].map(periods.index))
    rows = rows.sort_values(["kode_nagari", "segmen", "month"], kind="stable")
    groups = rows.groupby(["kode_nagari", "segmen"], sort=False)
    before = pd.DataFrame({"value": groups["peserta_aktif"].shift(), "month": groups["month"].shift(),
                           "periode": groups["periode"].shift()})
    change = rows["peserta_aktif"] / before["value"] - 1
    flagged = (rows["month"] == before["month"] + 1) & (before["value"] > 0) & (change.abs() > 0.5)
    for index in sorted(rows.index[flagged]):
        row, prev, step = rows.loc[index], before.loc[index], float(change.loc[index])
        kep.warn(int(index), "peserta_aktif",
                 f"peserta aktif {row['segmen']} nagari {names.get(row['kode_nagari'], row['kode_nagari'])} "
                 f"{'naik' if step > 0 else 'turun'} {persen_kata(abs(step))} dalam sebulan (dari "
                 f"{angka(int(prev['value']))} pada {prev['periode']}), tetap dipakai; tertulis "
                 f"'{kep.written(int(index), 'peserta_aktif')}'; seharusnya perubahan paling banyak "
                 f"50 persen per bulan (periksa kembali)")


def _acquired_without_agent(agen: Checked, frame: pd.DataFrame, names: dict) -> None:
    """Participants acquired by agents in a nagari and month that had no active agent."""
    for index, row in frame[(frame["agen_aktif"] == 0) & (frame["peserta_diakuisisi"] > 0)].iterrows():
        agen.warn(int(index), "peserta_diakuisisi",
                  f"nagari {names.get(row['kode_nagari'], row['kode_nagari'])} periode {row['periode']} tanpa "
                  f"agen aktif tetapi ada peserta diakuisisi agen, tetap dipakai; tertulis "
                  f"'{agen.written(int(index), 'peserta_diakuisisi')}'; seharusnya 0 bila agen_aktif 0 "
                  f"(periksa kembali)")


def _missing_nagari(checked: Checked, frame: pd.DataFrame, wilayah: pd.DataFrame) -> None:
    names = dict(zip(wilayah["kode_nagari"], wilayah["nagari"]))
    for periode, group in frame.groupby("periode", sort=True):
        present = set(group["kode_nagari"])
        missing = [names[c] for c in names if c not in present]
        if missing:
            shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
            checked.warn(None, "kode_nagari", f"periode {periode}: {len(missing)} nagari tanpa baris, "
                                              f"dianggap tidak ada data; tertulis tidak ada baris untuk {shown}; "
                                              f"seharusnya satu baris per nagari")
