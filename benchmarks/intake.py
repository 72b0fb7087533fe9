"""Speed of the data stage at national size: `briefs.data.load` on a generated data set.

National size is 7.277 kecamatan, about 83.000 desa/nagari, 12 periods and 3 segments:
kepesertaan ~3 million rows, agen_perisai ~1 million, wilayah and angkatan_kerja ~83.000
each (~4,2 million rows in all). The data set is generated at run time (nothing committed):
Kemendagri codes NN.NN.NN and NN.NN.NN.NNNN under 38 province prefixes and ~514 regency
prefixes (a regency holds at most 99 kecamatan codes), a realistic spread of desa per
kecamatan (a few in Papua, dozens in Java), labour force and participants with the month
to month noise real series have (small JAKON counts jump: those warnings are real work).

The load runs in a fresh interpreter, so the peak RSS is the data stage's own (plus the
imports, shown apart). Each stage is timed by wrapping the functions `load` calls:

    .venv/bin/python benchmarks/intake.py                    # national size (~4,2 M rows)
    .venv/bin/python benchmarks/intake.py --rows-scale 0.05  # ~210.000 rows, a few seconds
    .venv/bin/python benchmarks/intake.py --indonesian       # `;`, `1.234`, Windows-1252
    .venv/bin/python benchmarks/intake.py --damaged          # also: bad cells, a ragged row, a stray quote
    .venv/bin/python benchmarks/intake.py --profile          # cProfile's top functions too

Prints a Markdown table (stage, rows, seconds, µs per row, peak RSS); exit 1 when a clean
data set does not load or a damaged one is not refused.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def angka(x: float, digits: int = 0) -> str:
    """A number as every page of ours writes it (1.234,5): the tables go into the README as printed."""
    from briefs.fmt import angka as indonesian

    return indonesian(x, digits)


KECAMATAN, DESA, REGENCIES, PERIODS = 7_277, 83_000, 514, 12
PROVINCES = (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
             71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96)  # the 38 provinces' Kemendagri codes
PERIOD, PREVIOUS = "2026-10", "2026-07"
_FIRST = ("Koto", "Sungai", "Batu", "Tanjung", "Pulau", "Air", "Bukit", "Lubuk", "Padang", "Kampung",
          "Sei", "Muara", "Teluk", "Simpang", "Tebing", "Ranah", "Talang", "Rantau", "Pasir", "Gunung")
_SECOND = ("Baru", "Tinggi", "Dalam", "Jaya", "Makmur", "Indah", "Sari", "Raya", "Panjang", "Gadang",
           "Kecil", "Lama", "Sakti", "Mulia", "Permai", "Tengah", "Timur", "Barat", "Utara", "Selatan")
_THIRD = ("Hilir", "Hulu", "Ilir", "Mudik", "Darat", "Laut", "Seberang", "Pangkal", "Ujung", "Pinggir",
          "Atas", "Bawah", "Lestari", "Damai", "Setia", "Harapan", "Bahagia", "Sejahtera", "Mandiri", "Asri")


# --- The data set ---

def _spread(rng, total: int, parts: int, sigma: float, low: int, high: int):
    """`parts` whole numbers between low and high summing to `total`, lognormally spread."""
    import numpy as np

    weights = rng.lognormal(0.0, sigma, parts)
    counts = np.clip(np.round(weights / weights.sum() * total), low, high).astype(int)
    while (gap := total - int(counts.sum())) != 0:  # nudge random parts within bounds
        step = 1 if gap > 0 else -1
        pick = rng.integers(0, parts, min(abs(gap), parts))
        pick = pick[(counts[pick] + step >= low) & (counts[pick] + step <= high)]
        np.add.at(counts, np.unique(pick), step)
    return counts


def _kecamatan_name(i: int) -> str:
    """Unique per kecamatan code: `--only` and the rules across tables pick kecamatan by name."""
    a, b, c = i % 20, (i // 20) % 20, (i // 400) % 20
    name = f"{_FIRST[a]} {_SECOND[b]} {_THIRD[c]}"
    return name if i < 8_000 else f"{name} {i // 8_000 + 1}"


def generate(folder: Path, scale: float = 1.0, indonesian: bool = False, seed: int = 13) -> dict[str, int]:
    """Write the four tables of a national-size data set (times `scale`) as CSV; rows per table."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_kec = max(2, round(KECAMATAN * scale))
    n_desa = max(n_kec, round(DESA * scale))
    n_reg = max(1, min(round(REGENCIES * scale), n_kec // 2))
    per_regency = _spread(rng, n_kec, n_reg, 0.45, 2, 99)  # a regency code holds at most 99 kecamatan
    per_kecamatan = _spread(rng, n_desa, n_kec, 0.6, 1, 400)  # Papua a few, Java dozens
    province = np.sort(rng.integers(0, len(PROVINCES), n_reg))
    regency_no = np.zeros(n_reg, dtype=int)
    for p in np.unique(province):  # regencies numbered 01, 02, ... within their province
        regency_no[province == p] = np.arange(1, int((province == p).sum()) + 1)
    kec_codes, kec_bps = [], []
    for r in range(n_reg):
        prefix = f"{PROVINCES[province[r]]:02d}.{regency_no[r]:02d}"
        for k in range(per_regency[r]):
            kec_codes.append(f"{prefix}.{k + 1:02d}")
            kec_bps.append(f"{PROVINCES[province[r]]:02d}{regency_no[r]:02d}{(k + 1) * 10:03d}")
    kec_of_desa = np.repeat(np.arange(n_kec), per_kecamatan)
    within = np.concatenate([np.arange(n) for n in per_kecamatan])
    kec_names = [_kecamatan_name(i) for i in range(n_kec)]
    desa_codes = [f"{kec_codes[k]}.{2001 + j:04d}" for k, j in zip(kec_of_desa, within)]
    wilayah = pd.DataFrame({
        "kode_kecamatan": [kec_codes[k] for k in kec_of_desa],
        "kecamatan": [kec_names[k] for k in kec_of_desa],
        "kode_nagari": desa_codes,
        # unique within a kecamatan (its brief draws a bar per name), up to 400: j -> (a, b + 3a) is one to one
        "nagari": [f"{_FIRST[(j + 7 * k) % 20]} {_SECOND[(j // 20 + 3 * j + k) % 20]}"
                   for k, j in zip(kec_of_desa, within)],
        "kode_bps_kecamatan": [kec_bps[k] for k in kec_of_desa],
        "kode_bps_nagari": [f"{kec_bps[k]}{j + 1:03d}" for k, j in zip(kec_of_desa, within)],
    })
    labour = np.clip(rng.lognormal(7.2, 0.8, n_desa), 60, 60_000).astype(int)  # median ~1.300 people
    angkatan = pd.DataFrame({"kode_nagari": desa_codes, "angkatan_kerja": labour})

    months = [f"{2025 + (m + 10) // 12}-{(m + 10) % 12 + 1:02d}" for m in range(PERIODS)]  # 2025-11 .. 2026-10
    shares = np.array([0.12, 0.07, 0.01]) * rng.lognormal(0.0, 0.35, (n_desa, 1))  # PU, BPU, JAKON
    growth = np.cumprod(1 + rng.normal(0.008, 0.03, (PERIODS, n_desa, 3)), axis=0)
    peserta = np.maximum(np.round(labour[None, :, None] * shares[None] * growth), 0).astype(int)
    kepesertaan = pd.DataFrame({
        "periode": np.repeat(months, n_desa * 3),
        "kode_nagari": np.tile(np.repeat(desa_codes, 3), PERIODS),
        "segmen": np.tile(["PU", "BPU", "JAKON"], PERIODS * n_desa),
        "peserta_aktif": peserta.reshape(-1),
    })
    agents = rng.poisson(0.8, (PERIODS, n_desa))
    acquired = rng.poisson(agents * 4.0)
    acquired[(agents == 0) & (rng.random((PERIODS, n_desa)) < 0.002)] = 3  # rare: acquisitions, no agent
    agen = pd.DataFrame({
        "periode": np.repeat(months, n_desa),
        "kode_nagari": np.tile(desa_codes, PERIODS),
        "agen_aktif": agents.reshape(-1),
        "peserta_diakuisisi": acquired.reshape(-1),
    })
    tables = {"wilayah": wilayah, "angkatan_kerja": angkatan, "kepesertaan": kepesertaan, "agen_perisai": agen}
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        if indonesian:  # as an Indonesian-locale Excel saves it: `;`, 1.234, Windows-1252
            if name == "angkatan_kerja":
                frame = frame.assign(angkatan_kerja=[f"{v:,}".replace(",", ".") for v in frame["angkatan_kerja"]])
            frame.to_csv(folder / f"{name}.csv", index=False, sep=";", lineterminator="\r\n", encoding="cp1252")
        else:
            frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return {name: len(frame) for name, frame in tables.items()}


def damage(folder: Path) -> int:
    """Break a few cells the way analysts' files break (a ragged row, a stray quote); problems expected."""
    path = folder / "kepesertaan.csv"
    raw = path.read_bytes()
    sep = b";" if raw[:200].count(b";") > raw[:200].count(b",") else b","
    lines = raw.split(b"\n")
    n = len(lines) - 2  # header first, then data; the text ends with a newline

    def cells(i: int) -> list[bytes]:
        return lines[i].rstrip(b"\r").split(sep)

    def put(i: int, row: list[bytes]) -> None:
        lines[i] = sep.join(row) + (b"\r" if lines[i].endswith(b"\r") else b"")

    picks = [1 + (n * k) // 8 for k in range(1, 8)]
    row = cells(picks[0])
    put(picks[0], row[:3] + [b"6o4"])  # text in a count
    row = cells(picks[1])
    put(picks[1], row[:3] + [b"-5"])  # a negative count
    row = cells(picks[2])
    put(picks[2], row[:2] + [b"PMI"] + row[3:])  # an unknown segment
    row = cells(picks[3])
    put(picks[3], row[:1] + [b"99.99.99.9999"] + row[2:])  # a code not in wilayah
    put(picks[4], cells(picks[4] - 3))  # the row three above, again: a duplicate key
    put(picks[5], cells(picks[5]) + [b"7"])  # one field more than the header
    row = cells(picks[6])
    put(picks[6], row[:3] + [b'4"1'])  # a stray quote: csv reads it as written, so the exact reader reads this file
    path.write_bytes(b"\n".join(lines))
    return 7


# --- The measurement (in a fresh interpreter) ---

_STAGES = [  # (label, module, function) in the order load calls them
    ("baca + urai berkas (intake.read_table)", "briefs.data.intake", "read_table"),
    ("ketik kolom (schema.parse)", "briefs.data.schema", "parse"),
    ("skema pandera (schema.validate)", "briefs.data.schema", "validate"),
    ("nama vs kode (reconcile.reconcile)", "briefs.data.reconcile", "reconcile"),
    ("nama resmi (reconcile.official_names)", "briefs.data.reconcile", "official_names"),
    ("tabel bersih + urut (schema.clean)", "briefs.data.schema", "clean"),
    ("peringatan (reconcile.suspicious)", "briefs.data.reconcile", "suspicious"),
    ("rapat vs data (load.check_meeting)", "briefs.data.load", "check_meeting"),
    ("laporan data (load._report)", "briefs.data.load", "_report"),
]


def _peak_mb() -> float:
    """This process's own peak RSS: VmHWM, since ru_maxrss keeps the parent's peak across fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(folder: Path, profile: bool = False) -> dict:
    """`briefs.data.load` over `folder`, each stage timed; what the parent prints, as a dict."""
    start = time.perf_counter()
    from briefs import data
    from briefs.params import Meeting

    imported, base_mb = time.perf_counter() - start, _peak_mb()
    spent: dict[str, float] = {label: 0.0 for label, _, _ in _STAGES}
    peaks: dict[str, float] = {}
    read: dict[str, float] = {}

    def wrap(label: str, function):
        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - began
                spent[label] += seconds
                peaks[label] = _peak_mb()
                if function.__name__ == "read_table":
                    read[args[0]] = seconds
        return timed

    for label, module_name, function in _STAGES:
        module = importlib.import_module(module_name)
        if hasattr(module, function):
            setattr(module, function, wrap(label, getattr(module, function)))
    meeting = Meeting.model_validate(dict(
        id="bench-nasional", title="Benchmark", date="2026-11-24", place="Jakarta", regency="Nasional",
        data=str(folder), period=PERIOD, previous_period=PREVIOUS, target={"coverage": 32.15, "source": "uji"},
        sample=True))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    began = time.perf_counter()
    try:
        ds = data.load(meeting)
        report, errors = ds.report, []
    except data.DataError as exc:
        report, errors = exc.report, exc.problems
    total = time.perf_counter() - began
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    return {"imports": imported, "base_mb": base_mb, "total": total, "peak_mb": _peak_mb(),
            "stages": [(label, spent[label], peaks.get(label)) for label, _, _ in _STAGES],
            "read": read,
            "tables": [(t.table, t.read, t.used, t.reported, t.source.get("rows_read")) for t in report.tables],
            "warnings": len(report.warnings), "errors": [str(p) for p in errors[:20]], "n_errors": len(errors)}


def _child(folder: Path, profile: bool) -> dict:
    command = [sys.executable, __file__, "--measure", str(folder)] + (["--profile"] if profile else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"gagal mengukur:\n{done.stderr[-4000:]}")
    if profile:
        print(done.stderr, file=sys.stderr)
    return json.loads(done.stdout.splitlines()[-1])


def _table(result: dict, sizes: dict[str, int], title: str) -> None:
    rows = sum(t[1] for t in result["tables"])
    print(f"\n{title}\n")
    print("| tahap | baris | detik | µs/baris | RSS puncak (MB) |\n|---|---:|---:|---:|---:|")
    for label, seconds, peak in result["stages"]:
        if peak is None:
            continue
        per_row = angka(seconds / max(rows, 1) * 1e6, 2)
        print(f"| {label} | {angka(rows)} | {angka(seconds, 2)} | {per_row} | {angka(peak)} |")
    for name, read in result["read"].items():
        n = next((t[1] for t in result["tables"] if t[0] == name), sizes.get(name, 0))
        print(f"| · baca {name} | {angka(n)} | {angka(read, 2)} | {angka(read / max(n, 1) * 1e6, 2)} | |")
    print(f"| **data.load, seluruhnya** | **{angka(rows)}** | **{angka(result['total'], 2)}** | "
          f"**{angka(result['total'] / max(rows, 1) * 1e6, 2)}** | **{angka(result['peak_mb'])}** |")
    print(f"\nImpor: {angka(result['imports'], 2)} dtk, RSS {angka(result['base_mb'])} MB sebelum membaca. "
          f"Peringatan: {angka(result['warnings'])}; kesalahan: {angka(result['n_errors'])}.")
    for line in result["errors"][:8]:
        print(f"  {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows-scale", type=float, default=1.0, help="1.0 = national size (~4,2 M rows)")
    ap.add_argument("--indonesian", action="store_true", help="CSV as Indonesian Excel saves it: ';', 1.234, cp1252")
    ap.add_argument("--damaged", action="store_true",
                    help="also measure a copy with bad cells, a ragged row and a stray quote")
    ap.add_argument("--profile", action="store_true", help="print cProfile's top functions (slower)")
    ap.add_argument("--keep", type=Path, help="write the data set here and keep it")
    ap.add_argument("--data", type=Path, help="measure this data folder instead of generating one")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child: load this folder, print JSON
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.profile)))
        return
    work = Path(tempfile.mkdtemp(prefix="rakor-bench-intake-"))
    folder = args.data or args.keep or work / "nasional"
    try:
        began = time.perf_counter()
        sizes = {} if args.data else generate(folder, args.rows_scale, args.indonesian)
        made = time.perf_counter() - began
        megabytes = sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) / 2**20
        print(f"Mesin: {platform.machine()}, {os.cpu_count()} inti, Python {platform.python_version()}; "
              + (f"data {folder} ({angka(megabytes)} MB)" if args.data else
                 f"data dibuat dalam {angka(made, 1)} dtk: " + ", ".join(f"{k} {angka(v)}" for k, v in sizes.items())
                 + f" baris ({angka(megabytes)} MB CSV{', gaya Indonesia' if args.indonesian else ''})"))
        clean = _child(folder, args.profile)
        _table(clean, sizes, f"Data {folder.name}" if args.data else f"Data bersih, skala {args.rows_scale:g}")
        failed = clean["n_errors"] > 0
        if args.damaged:
            broken = work / "rusak"
            shutil.copytree(folder, broken, dirs_exist_ok=True)
            expected = damage(broken)
            result = _child(broken, False)
            _table(result, sizes, f"Data rusak ({expected} sel; satu tanda kutip lepas: kepesertaan dibaca pembaca teliti), "
                                  f"skala {args.rows_scale:g}")
            failed |= result["n_errors"] < expected
        sys.exit(1 if failed else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
