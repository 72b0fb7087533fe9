"""Write the illustrative sample data for Kabupaten Dharmasraya into data/sample/.

DATA CONTOH: the area list and codes are official (data/reference/), every count is
invented with a fixed seed. Only the regency totals of the latest period are real,
the ones published after the rakor: angkatan kerja 137.520, peserta aktif 28.879,
belum terlindungi 108.641 (79 persen). BPS publishes angkatan kerja only per regency,
so no per-kecamatan figure here is a fact.

Run `python data/make_sample.py`; a test reruns it and compares byte for byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference" / "wilayah-dharmasraya.csv"
OUT = HERE / "sample"

SEED = 20261124
LABOUR_FORCE = 137_520
COVERED = 28_879
PERIODS = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
AGENTS = 25

# Relative coverage by kecamatan: the seat and its neighbours higher, remote ones lower.
COVERAGE = {
    "13.10.02": 0.30,  # Pulau Punjung, seat of the regency
    "13.10.01": 0.26,  # Koto Baru
    "13.10.04": 0.24,  # Sitiung
    "13.10.03": 0.22,  # Sungai Rumbai
    "13.10.06": 0.20,  # Timpeh
    "13.10.07": 0.19,  # Koto Salak
    "13.10.08": 0.18,  # Tiumang
    "13.10.11": 0.17,  # Koto Besar
    "13.10.05": 0.15,  # Sembilan Koto
    "13.10.09": 0.14,  # Padang Laweh
    "13.10.10": 0.13,  # Asam Jujuhan
}
# Share of wage earners (PU) among participants: higher near the seat and plantations.
PU_SHARE = {k: 0.50 + 0.6 * (v - 0.13) for k, v in COVERAGE.items()}


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: total - base.sum()]] += 1
    return base


def read_areas() -> list[dict[str, str]]:
    """The official area list with both code systems; Kemendagri codes are the keys."""
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return [
            {
                "kode_kecamatan": r["kode_kemendagri_kecamatan"],
                "kecamatan": r["kecamatan"],
                "kode_nagari": r["kode_kemendagri_nagari"],
                "nagari": r["nagari"],
                "kode_bps_kecamatan": r["kode_bps_kecamatan"],
                "kode_bps_nagari": r["kode_bps_desa"],
            }
            for r in csv.DictReader(f)
        ]


def generate(areas: list[dict[str, str]], rng: np.random.Generator) -> dict[str, list[dict]]:
    n = len(areas)
    kec = [a["kode_kecamatan"] for a in areas]
    seat = np.array([k == "13.10.02" for k in kec])

    labour = apportion(LABOUR_FORCE, rng.lognormal(0.0, 0.35, n) * np.where(seat, 1.4, 1.0))
    rate = np.array([COVERAGE[k] for k in kec]) * rng.uniform(0.75, 1.25, n)
    covered = apportion(COVERED, labour * rate)

    # Agents: 25 in the latest period, in fewer nagari than that; the rest have none.
    with_agent = rng.choice(n, size=19, replace=False, p=rate / rate.sum())
    agents = np.zeros(n, dtype=int)
    agents[with_agent] = 1
    agents[rng.choice(with_agent, size=AGENTS - len(with_agent), replace=False)] += 1
    start = np.where(agents > 0, rng.integers(0, 9, n), len(PERIODS))  # month the first agent began

    pu_share = np.array([PU_SHARE[k] for k in kec]) * rng.uniform(0.9, 1.1, n)
    jakon_share = rng.uniform(0.02, 0.07, n)
    rows: dict[str, list[dict]] = {"kepesertaan": [], "agen_perisai": []}
    last = len(PERIODS) - 1
    series = []
    for i in range(n):
        pu = int(round(covered[i] * pu_share[i]))
        jakon = int(round(covered[i] * jakon_share[i]))
        bpu = covered[i] - pu - jakon
        acquired = np.zeros(len(PERIODS), dtype=int)
        for t in range(start[i], len(PERIODS)):
            active = agents[i] if t >= start[i] + 2 or agents[i] == 1 else 1
            acquired[t] = rng.poisson(5 * active)
        acquired[: last + 1] = np.minimum(acquired, max(bpu // 12, 0))
        per_period = []
        for t in range(len(PERIODS)):
            later = int(acquired[t + 1 :].sum())
            b = max(bpu - later + int(rng.integers(-2, 3)) * (t != last), 0)
            p = max(int(round(pu * (1 - 0.004 * (last - t)))) + int(rng.integers(-3, 4)) * (t != last), 0)
            j = max(int(round(jakon * (1 + 0.25 * np.sin(t / 2.0 + i)))) if t != last else jakon, 0)
            per_period.append((p, b, j))
            agent_count = 0 if t < start[i] else (agents[i] if t >= start[i] + 2 else 1)
            rows["agen_perisai"].append(
                {"periode": PERIODS[t], "kode_nagari": areas[i]["kode_nagari"],
                 "agen_aktif": agent_count, "peserta_diakuisisi": int(acquired[t])}
            )
        series.append(per_period)
    for t, periode in enumerate(PERIODS):
        for i in range(n):
            for segmen, value in zip(("PU", "BPU", "JAKON"), series[i][t]):
                rows["kepesertaan"].append(
                    {"periode": periode, "kode_nagari": areas[i]["kode_nagari"],
                     "segmen": segmen, "peserta_aktif": value}
                )
    rows["agen_perisai"].sort(key=lambda r: (r["periode"], r["kode_nagari"]))
    rows["wilayah"] = areas
    rows["angkatan_kerja"] = [
        {"kode_nagari": a["kode_nagari"], "angkatan_kerja": int(v)} for a, v in zip(areas, labour)
    ]
    return rows


def write(rows: dict[str, list[dict]], out: Path = OUT) -> None:
    """Plain UTF-8 CSV with \n line ends, so the files are byte-identical on every machine."""
    out.mkdir(parents=True, exist_ok=True)
    for name, table in rows.items():
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)


def main(out: Path | str = OUT) -> None:
    """Write the four sample tables into `out` (a test writes them into a temporary folder)."""
    write(generate(read_areas(), np.random.default_rng(SEED)), Path(out))


if __name__ == "__main__":
    main()
