"""Rules across tables, and what is suspicious but possible.

`wilayah` is the reference every other table answers to: one spelling per kecamatan code,
names in data tables that agree with their codes, official spellings in every output.
Then the warnings: participants above a nagari's labour force, a coverage under a fifth of
its regency's median (a labour force with a zero too many), a change of more than half in
one month, a nagari missing from a period. Real data can do all of these, so they are
listed in the data report and the rows are kept: never silently dropped, never fatal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from briefs import periods
from briefs.data import distinct
from briefs.data.schema import SEGMENTS, Checked, name_key, usable
from briefs.fmt import angka, persen_kata

FAR_BELOW = 0.2  # of the regency's median nagari coverage: see `_far_below_regency`
REGENCY_NORM = 5  # nagari with a coverage, for a regency's median to be a norm


def reconcile(tables: dict[str, Checked]) -> None:
    """Names agree with codes: one spelling per kecamatan code, names in data tables match wilayah."""
    wilayah = tables.get("wilayah")
    if wilayah is None or wilayah.broken:
        return
    _one_name_per_code(wilayah)
    _one_nagari_per_name(wilayah)
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
    names = frame["kecamatan"].to_numpy(dtype=object)
    keys = distinct.apply(frame["kecamatan"], lambda values: values.map(name_key))
    for index, code, name, key in zip(frame.index.tolist(), frame["kode_kecamatan"].to_numpy(dtype=object),
                                      names, keys):
        seen_name, seen_at = by_code.setdefault(code, (name, index))
        seen_code, code_at = by_name.setdefault(key, (code, index))
        if seen_name != name and name_key(seen_name) != key:
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


def _one_nagari_per_name(wilayah: Checked) -> None:
    """Two nagari of one kecamatan do not share a name: a brief's chart draws a bar per name (the
    second would hide the first) and its table would list two rows no reader can tell apart."""
    frame = wilayah.typed.dropna(subset=["kode_kecamatan", "kode_nagari", "nagari"])
    keys = pd.DataFrame({"kecamatan": frame["kode_kecamatan"].to_numpy(dtype=object),
                         "nagari": distinct.apply(frame["nagari"], lambda values: values.map(name_key)),
                         "kode": frame["kode_nagari"].to_numpy(dtype=object)}, index=frame.index)
    keys = keys.drop_duplicates()  # a repeated code is an error of its own, reported by the schema
    clash = keys.duplicated(["kecamatan", "nagari"])
    if not clash.any():
        return
    first = {(kec, name): (code, index) for index, kec, name, code
             in keys[~clash].itertuples(name=None)}
    for index, kec, name, _ in keys[clash].itertuples(name=None):
        code, at = first[(kec, name)]
        wilayah.fail(index, "nagari", f"nama nagari sudah dipakai kode {code} di kecamatan yang sama; "
                                      f"tertulis '{wilayah.written(index, 'nagari')}'; seharusnya nama yang "
                                      f"membedakan keduanya (lihat baris {wilayah.raw.line(at)})")


def official_names(wilayah: Checked) -> dict[str, dict[str, str]]:
    """kode_nagari -> official kecamatan and nagari names (first spelling of each code)."""
    if wilayah.broken:
        return {}
    frame = usable(wilayah)
    kecamatan = dict(zip(frame["kode_kecamatan"].to_numpy(dtype=object)[::-1],
                         frame["kecamatan"].to_numpy(dtype=object)[::-1]))
    return {code: {"kecamatan": kecamatan[kec], "nagari": nagari}
            for code, kec, nagari in zip(frame["kode_nagari"].to_numpy(dtype=object),
                                         frame["kode_kecamatan"].to_numpy(dtype=object),
                                         frame["nagari"].to_numpy(dtype=object))}


def _names_match(checked: Checked, column: str, official: dict[str, dict[str, str]]) -> None:
    """A name beside a code must be that code's name in wilayah; judged once per distinct (code, name)."""
    code_of, codes_ = distinct.codes(checked.typed["kode_nagari"])
    name_of, names_ = distinct.codes(checked.typed[column])
    pairs, pair_of = np.unique(code_of.astype(np.int64) * len(names_) + name_of, return_inverse=True)
    wrong = np.zeros(len(pairs), dtype=bool)
    for i, pair in enumerate(pairs.tolist()):
        code, name = codes_[pair // len(names_)], names_[pair % len(names_)]
        expected = official.get(code, {}).get(column) if isinstance(code, str) else None
        wrong[i] = bool(expected) and not pd.isna(name) and name_key(name) != name_key(expected)
    codes = checked.typed["kode_nagari"].to_numpy(dtype=object)
    for position in distinct.rows_where(pair_of.reshape(-1), wrong).tolist():
        index, code = checked.typed.index[position], codes[position]
        checked.fail(index, column, f"nama {column} tidak cocok dengan kode {code}; tertulis "
                                    f"'{checked.written(index, column)}'; seharusnya '{official[code][column]}'")


def suspicious(tables: dict[str, Checked], frames: dict[str, pd.DataFrame]) -> None:
    """Participants above the labour force, jumps over 50 % in a month, acquisitions without an
    agent, nagari missing a period.

    A national kepesertaan has 3 million rows: each check works on the numbers of the codes
    (`distinct.codes`), never row by row; only the rows it warns about are turned into words.
    """
    kep, labour = tables.get("kepesertaan"), frames.get("angkatan_kerja")
    names = _nagari_names(frames["wilayah"]) if "wilayah" in frames else {}
    if kep is not None:
        frame = frames["kepesertaan"]
        if not frame.empty:
            codes = {column: _codes(kep, frame, column) for column in ("periode", "kode_nagari", "segmen")}
            if labour is not None:
                _above_labour_force(kep, frame, labour, names, codes)
                if "angkatan_kerja" in tables:
                    _far_below_regency(tables["angkatan_kerja"], frame, labour, names, codes)
            _jumps(kep, frame, names, codes)
            _missing_segments(kep, names, codes)
    if "agen_perisai" in tables:
        _acquired_without_agent(tables["agen_perisai"], frames["agen_perisai"], names)
    if "wilayah" in frames:
        for name in ("kepesertaan", "agen_perisai"):
            if name in tables and not tables[name].broken:
                typed = tables[name].typed.dropna(subset=["periode", "kode_nagari"])
                _missing_nagari(tables[name], typed, frames["wilayah"])


def _codes(checked: Checked, frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The numbers of a clean frame's column (`distinct.codes`), taken from the typed column it came
    from: categorical there, so no text is hashed again. The frame's index names the typed rows."""
    numbers, values = distinct.codes(checked.typed[column])
    return numbers[checked.typed.index.get_indexer(frame.index)], values


def _nagari_names(wilayah: pd.DataFrame) -> dict[str, str]:
    return dict(zip(wilayah["kode_nagari"].to_numpy(dtype=object), wilayah["nagari"].to_numpy(dtype=object)))


def _above_labour_force(kep: Checked, frame: pd.DataFrame, labour: pd.DataFrame, names: dict, codes: dict) -> None:
    """All segments of a nagari in a period above its labour force: a warning at its largest figure."""
    (period, periods_), (nagari, nagaris) = codes["periode"], codes["kode_nagari"]
    value = frame["peserta_aktif"].to_numpy(dtype=np.int64)
    group = period.astype(np.int64) * len(nagaris) + nagari
    total = np.zeros(len(periods_) * len(nagaris), dtype=np.int64)
    np.add.at(total, group, value)
    limit = pd.Series(labour["angkatan_kerja"].to_numpy(), index=labour["kode_nagari"].to_numpy(dtype=object))
    cap = limit.reindex(pd.Index(nagaris, dtype=object)).to_numpy(dtype=float)  # NaN: no labour-force row
    over = np.flatnonzero(total > np.nan_to_num(np.tile(cap, len(periods_)), nan=np.inf))
    found = []
    for g in over.tolist():
        rows = np.flatnonzero(group == g)
        found.append((int(frame.index[rows[np.argmax(value[rows])]]), g))  # the first of its largest figures
    found.sort()
    written = kep.written_all([index for index, _ in found], "peserta_aktif")
    for (index, g), shown in zip(found, written):
        code, cap_g = nagaris[g % len(nagaris)], int(cap[g % len(nagaris)])
        kep.warn(index, "peserta_aktif", f"peserta aktif nagari {names.get(code, code)} "
                                         f"periode {periods_[g // len(nagaris)]} (semua segmen {angka(int(total[g]))}) "
                                         f"melebihi angkatan kerja {angka(cap_g)}, tetap dipakai; tertulis "
                                         f"'{shown}'; seharusnya jumlah paling banyak {angka(cap_g)} (periksa kembali)")


def _far_below_regency(checked: Checked, frame: pd.DataFrame, labour: pd.DataFrame, names: dict,
                       codes: dict) -> None:
    """A nagari whose coverage in the latest period is under a fifth of its regency's median.

    A labour force typed with a zero too many (37240 for 3724) gives a coverage ten times too
    low: nothing is above a limit, no month jumps, yet that nagari, its kecamatan, its rank and
    the regency's total move on every page. Nagari coverage in one regency spreads far less
    than that (the sample: from 0,54 to 1,9 times its median; the generated national set: 0,41
    to 2,8), so a fifth of the median catches a tenfold error of any nagari up to twice the
    median and names few real ones; those are worth a second look too. The warning points at
    the labour-force row. A regency of fewer than `REGENCY_NORM` nagari with a coverage has no
    median to speak of; a nagari without participants is not a labour-force error.
    """
    (period, periods_), (nagari, nagaris) = codes["periode"], codes["kode_nagari"]
    if not len(period):
        return
    latest = max(np.unique(period).tolist(), key=lambda p: periods_[p])
    at = period == latest
    value = frame["peserta_aktif"].to_numpy(dtype=np.int64)[at]
    peserta = pd.Series(np.bincount(nagari[at], weights=value, minlength=len(nagaris)),
                        index=pd.Index(nagaris, dtype=object))
    reported = pd.Series(np.bincount(nagari[at], minlength=len(nagaris)) > 0, index=peserta.index)
    rows = pd.DataFrame({"row": labour.index.to_numpy(), "angkatan_kerja": labour["angkatan_kerja"].to_numpy(dtype=float)},
                        index=pd.Index(labour["kode_nagari"].to_numpy(dtype=object)))
    rows = rows[~rows.index.duplicated()]  # a repeated code is an error of its own, reported by the schema
    rows = rows[reported.reindex(rows.index, fill_value=False).to_numpy()]
    cover = peserta.reindex(rows.index) / rows["angkatan_kerja"].where(rows["angkatan_kerja"] > 0)
    regency = pd.Series([".".join(str(code).split(".")[:2]) for code in rows.index], index=rows.index)
    usable_ = cover.notna() & (cover > 0)
    counted = usable_.groupby(regency).transform("sum")
    median = cover.where(usable_).groupby(regency).transform("median")
    low = usable_ & (counted >= REGENCY_NORM) & (cover < median * FAR_BELOW)
    found = rows[low.to_numpy()].sort_values("row")
    for code, row, shown in zip(found.index, found["row"].tolist(), checked.written_all(found["row"], "angkatan_kerja")):
        checked.warn(int(row), "angkatan_kerja",
                     f"cakupan nagari {names.get(code, code)} pada {periods_[latest]} hanya "
                     f"{persen_kata(cover[code])} (peserta aktif {angka(int(peserta[code]))} dari angkatan kerja "
                     f"{angka(int(rows.at[code, 'angkatan_kerja']))}), kurang dari seperlima median nagari "
                     f"kabupatennya ({persen_kata(median[code])}), tetap dipakai; tertulis '{shown}'; seharusnya "
                     f"angkatan kerja nagari itu (periksa kembali: satu angka nol berlebih membuat cakupan "
                     f"sepuluh kali lebih kecil)")


def _jumps(kep: Checked, frame: pd.DataFrame, names: dict, codes: dict) -> None:
    """Month-on-month change per nagari and segment, each series in month order."""
    (period, periods_), (nagari, nagaris), (segment, segments) = (codes["periode"], codes["kode_nagari"],
                                                                  codes["segmen"])
    month = np.zeros(len(periods_), dtype=np.int64)
    used = np.unique(period)  # a typed column may know values only bad rows hold: those are not read
    month[used] = [periods.index(periods_[p]) for p in used.tolist()]
    month = month[period]
    series = nagari.astype(np.int64) * len(segments) + segment
    order = np.lexsort((month, series))  # each series, months in order (stable: as sort_values did)
    value = frame["peserta_aktif"].to_numpy(dtype=np.int64)[order]
    month, series = month[order], series[order]
    before = np.r_[0, value[:-1]]
    follows = np.r_[False, (series[1:] == series[:-1]) & (month[1:] == month[:-1] + 1)] & (before > 0)
    change = np.zeros(len(value))
    change[follows] = value[follows] / before[follows] - 1
    at = np.flatnonzero(follows & (np.abs(change) > 0.5))
    at = at[np.argsort(frame.index.to_numpy()[order[at]], kind="stable")]  # in the order of the file
    index = frame.index.to_numpy()[order[at]]
    written = kep.written_all(index, "peserta_aktif")
    for i, j, shown in zip(index.tolist(), at.tolist(), written):
        row, prev, step = order[j], order[j - 1], float(change[j])
        code, segmen = nagaris[nagari[row]], segments[segment[row]]
        kep.warn(int(i), "peserta_aktif",
                 f"peserta aktif {segmen} nagari {names.get(code, code)} "
                 f"{'naik' if step > 0 else 'turun'} {persen_kata(abs(step))} dalam sebulan (dari "
                 f"{angka(int(before[j]))} pada {periods_[period[prev]]}), tetap dipakai; tertulis "
                 f"'{shown}'; seharusnya perubahan paling banyak 50 persen per bulan (periksa kembali)")


def _missing_segments(kep: Checked, names: dict, codes: dict) -> None:
    """Per period and segment (in order), the nagari with rows in that period but none for the segment.

    The briefs count a missing row as 0 participants: right when an export leaves out empty
    rows, a quietly lower coverage and rank when a row was lost. Only the analyst knows which,
    so it is said. A nagari with no row at all in a period is `_missing_nagari`'s.
    """
    (period, periods_), (nagari, nagaris), (segment, segments) = (codes["periode"], codes["kode_nagari"],
                                                                  codes["segmen"])
    present = np.zeros((len(periods_), len(nagaris) + 1, len(segments) + 1), dtype=bool)  # last: never present
    present[period, nagari, segment] = True
    column, official = _in_wilayah_order(nagaris, names)
    reporting = present.any(axis=2)
    where = {value: i for i, value in enumerate(segments)}
    for p in sorted(np.unique(period).tolist(), key=lambda p: periods_[p]):
        for segmen in SEGMENTS:
            missing = official[reporting[p, column] & ~present[p, column, where.get(segmen, len(segments))]].tolist()
            if missing:
                kep.warn(None, "segmen", f"periode {periods_[p]}, segmen {segmen}: {len(missing)} nagari tanpa baris, "
                                         f"dihitung 0 peserta; tertulis tidak ada baris {segmen} untuk "
                                         f"{_listed(missing)}; seharusnya satu baris per nagari dan segmen (tulis 0 "
                                         f"bila memang tidak ada peserta)")


def _in_wilayah_order(nagaris: np.ndarray, names: dict) -> tuple[np.ndarray, np.ndarray]:
    """For each nagari of wilayah (in its order): its number among `nagaris` (one past the last
    when it has none, a column never present), and its official name."""
    column = pd.Index(nagaris, dtype=object).get_indexer(list(names))
    column[column < 0] = len(nagaris)
    return column, np.array(list(names.values()), dtype=object)


def _listed(names: list[str]) -> str:
    """The first five names of a list, and '…' for the rest."""
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


def _acquired_without_agent(agen: Checked, frame: pd.DataFrame, names: dict) -> None:
    """Participants acquired by agents in a nagari and month that had no active agent."""
    hit = frame[(frame["agen_aktif"] == 0) & (frame["peserta_diakuisisi"] > 0)]
    written = agen.written_all(hit.index.to_numpy(), "peserta_diakuisisi")
    for index, code, periode, shown in zip(hit.index.tolist(), hit["kode_nagari"].to_numpy(dtype=object),
                                           hit["periode"].to_numpy(dtype=object), written):
        agen.warn(int(index), "peserta_diakuisisi",
                  f"nagari {names.get(code, code)} periode {periode} tanpa "
                  f"agen aktif tetapi ada peserta diakuisisi agen, tetap dipakai; tertulis "
                  f"'{shown}'; seharusnya 0 bila agen_aktif 0 (periksa kembali)")


def _missing_nagari(checked: Checked, frame: pd.DataFrame, wilayah: pd.DataFrame) -> None:
    """Per period (in order), the nagari of wilayah without a row."""
    names = _nagari_names(wilayah)
    (period, periods_), (nagari, nagaris) = distinct.codes(frame["periode"]), distinct.codes(frame["kode_nagari"])
    present = np.zeros((len(periods_), len(nagaris) + 1), dtype=bool)  # the last column: a code never present
    present[period, nagari] = True
    column, official = _in_wilayah_order(nagaris, names)
    for p in sorted(np.unique(period).tolist(), key=lambda p: periods_[p]):
        missing = official[~present[p, column]].tolist()
        if missing:
            checked.warn(None, "kode_nagari", f"periode {periods_[p]}: {len(missing)} nagari tanpa baris, "
                                              f"dianggap tidak ada data; tertulis tidak ada baris untuk "
                                              f"{_listed(missing)}; seharusnya satu baris per nagari")
