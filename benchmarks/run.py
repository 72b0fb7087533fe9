"""Speed of the build, measured in one run on this machine (`make bench`).

Prints a Markdown table for the README:
- full forced build of the sample meeting (11 briefs + summary + book);
- no-op rebuild (nothing changed);
- one kecamatan's data changed (which jobs re-ran);
- the naive loop: `papermill`, then `jupyter nbconvert --to html`, then `weasyprint`,
  one kecamatan after another (each brief only; no summary, book or index);
- the in-process floor: the same notebook code and rendering in one process, no kernels;
- scale: a synthetic regency set of 500+ kecamatan, briefs per second per worker
  (`--scale N` to choose, `--scale 0` to skip).
Quality bars (DESIGN.md): naive ÷ build ≥ 3, build ÷ floor ≤ 3, no-op < 2 s.
"""

from __future__ import annotations

import argparse
import ast
import base64
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
BIN = Path(PY).parent


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    start = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"gagal: {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def ran(output: str) -> int:
    """How many jobs the build really executed (from its closing line)."""
    found = re.search(r"(\d+) dijalankan", output)
    return int(found.group(1)) if found else 0  # "Rilis sudah mutakhir": nothing ran


def params_for(data_dir: Path, work: Path, name: str = "bench") -> Path:
    text = (ROOT / "params" / "rakor-2026-11.yml").read_text(encoding="utf-8")
    text = text.replace("data: data/sample", f"data: {data_dir}").replace("id: rakor-2026-11", f"id: {name}")
    f = work / f"{name}.yml"
    f.write_text(text, encoding="utf-8")
    return f


def change_one_kecamatan(data_dir: Path, nagari_code: str) -> None:
    """Add 7 participants to one nagari in the latest period: a realistic correction."""
    f = data_dir / "kepesertaan.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        periode, kode, segmen, value = line.split(",")
        if periode == "2026-10" and kode == nagari_code and segmen == "BPU":
            lines[i] = f"{periode},{kode},{segmen},{int(value) + 7}"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")


def naive_loop(codes: list[str], work: Path, env: dict) -> float:
    start = time.monotonic()
    for code in codes:
        nb = work / f"naive-{code}.ipynb"
        subprocess.run([str(BIN / "papermill"), "-k", "python3", "--cwd", str(ROOT), "-p", "kode_kecamatan", code,
                        str(ROOT / "notebooks" / "brief_kecamatan.ipynb"), str(nb)],
                       check=True, capture_output=True, env=env)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                       check=True, capture_output=True, env=env)
        subprocess.run([str(BIN / "weasyprint"), str(nb.with_suffix(".html")), str(nb.with_suffix(".pdf"))],
                       check=True, capture_output=True, env=env)
    return time.monotonic() - start


def floor(codes: list[str], params_file: Path) -> float:
    """The notebook's own code and our rendering, in this process: no kernel, no cluster."""
    import IPython.display
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from briefs import paths
    from briefs.params import load
    from briefs.render import html as render
    from briefs.render import weasy

    meeting = load(params_file)
    shell = InteractiveShell.instance()
    source = nbformat.read(paths.BRIEF_NOTEBOOK, as_version=4)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for code in codes:
            nb = run_in_process(source, {"kode_kecamatan": code, "params_file": str(params_file)}, shell, IPython.display)
            page = render.page_for(meeting, kind="brief", title=code, build_id="floor")
            html = render.notebook_html(nb, page)
            weasy.write_pdf(html, Path(tmp) / f"{code}.pdf", base_dir=Path(tmp), title=code)
    return time.monotonic() - start


def run_in_process(source, parameters: dict, shell, display_module):
    """Execute a notebook's cells with exec(), collecting display() calls and last values as outputs."""
    import copy

    import matplotlib.pyplot as plt
    import nbformat

    nb = copy.deepcopy(source)
    namespace: dict = {}
    outputs: list = []

    def collect(*objs, metadata=None, **_):
        for obj in objs:
            data, meta = shell.display_formatter.format(obj)
            data = {k: base64.b64encode(v).decode() if isinstance(v, bytes) else v for k, v in data.items()}
            outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or meta))

    original = display_module.display
    display_module.display = collect
    plt.show = lambda *a, **k: [collect(plt.figure(n)) for n in plt.get_fignums()] and plt.close("all")
    try:
        for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            outputs.clear()
            code = cell.source
            if n == 0:
                code += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
            tree = ast.parse(code)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                if value is not None:
                    collect(value)
            for num in plt.get_fignums():  # what Jupyter's inline backend shows at the end of a cell
                collect(plt.figure(num))
            plt.close("all")
            cell.outputs = list(outputs)
            cell.execution_count = n + 1
    finally:
        display_module.display = original
    return nb


def synthetic(data_dir: Path, kecamatan: int) -> None:
    """A synthetic regency set: `kecamatan` kecamatan of 4 nagari, 12 periods, valid data."""
    import numpy as np

    rng = np.random.default_rng(7)
    periods = [f"{2025 + (m + 10) // 12}-{(m + 10) % 12 + 1:02d}" for m in range(12)]
    data_dir.mkdir(parents=True)
    w = ["kode_kecamatan,kecamatan,kode_nagari,nagari"]
    a = ["kode_nagari,angkatan_kerja"]
    k = ["periode,kode_nagari,segmen,peserta_aktif"]
    g = ["periode,kode_nagari,agen_aktif,peserta_diakuisisi"]
    for i in range(kecamatan):
        kec = f"91.{i // 20 + 1:02d}.{i % 20 + 1:02d}"
        for j in range(4):
            nag = f"{kec}.{2001 + j}"
            w.append(f"{kec},Kecamatan Uji {i + 1},{nag},Nagari Uji {i + 1}-{j + 1}")
            labour = int(rng.integers(1500, 5000))
            a.append(f"{nag},{labour}")
            for p in periods:
                for seg, share in (("PU", 0.12), ("BPU", 0.07), ("JAKON", 0.01)):
                    k.append(f"{p},{nag},{seg},{int(labour * share * rng.uniform(0.9, 1.1))}")
                g.append(f"{p},{nag},{int(rng.integers(0, 2))},{int(rng.integers(0, 9))}")
    for name, rows in (("wilayah", w), ("angkatan_kerja", a), ("kepesertaan", k), ("agen_perisai", g)):
        (data_dir / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--scale", type=int, default=520, help="synthetic kecamatan for the scale run (0: skip)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rakor-bench-"))
    env = {**os.environ, "RAKOR_BUILD": str(work / "cache")}
    data_dir = work / "data"
    shutil.copytree(ROOT / "data" / "sample", data_dir)
    params_file = params_for(data_dir, work)
    build = [PY, "build.py", str(params_file), "--out", str(work / "out"), "--jobs", str(args.jobs)]

    rows = []
    full, out = timed(build + ["--force"], env)
    rows.append(("Bangun penuh (--force), 11 brief + ringkasan + buku", full, f"{ran(out)} dijalankan"))
    noop, out = timed(build, env)
    rows.append(("Bangun ulang tanpa perubahan", noop, f"{ran(out)} dijalankan"))
    change_one_kecamatan(data_dir, "13.10.04.2001")
    one, out = timed(build, env)
    rows.append(("Data satu kecamatan berubah (Sitiung)", one, f"{ran(out)} dijalankan"))

    import pandas as pd

    codes = sorted(pd.read_csv(data_dir / "wilayah.csv", dtype=str)["kode_kecamatan"].unique())
    naive = naive_loop(codes, work, env)
    rows.append(("Loop naif: papermill → nbconvert → weasyprint, berurutan", naive, f"{len(codes)} brief"))
    base = floor(codes, params_file)
    rows.append(("Batas bawah dalam satu proses (tanpa kernel), berurutan", base, f"{len(codes)} brief"))

    if args.scale:
        big = work / "besar"
        synthetic(big, args.scale)
        scale_params = params_for(big, work, "skala")
        text = scale_params.read_text(encoding="utf-8").replace("sample: true", "sample: true\n")
        scale_params.write_text(text, encoding="utf-8")
        seconds, out = timed([PY, "build.py", str(scale_params), "--out", str(work / "out"), "--jobs", str(args.jobs)], env)
        rate = args.scale / seconds / args.jobs
        rows.append((f"Skala: {args.scale} kecamatan sintetis, {args.jobs} worker", seconds,
                     f"{rate:.2f} brief/detik/worker"))

    print(f"\nMesin: {platform.machine()}, {os.cpu_count()} inti, Python {platform.python_version()}, "
          f"{platform.platform()}; {args.jobs} worker Dask\n")
    print("| ukuran | detik | catatan |\n|---|---:|---|")
    for name, secs, note in rows:
        print(f"| {name} | {secs:.1f} | {note} |")
    print(f"\nnaif ÷ bangun = {naive / full:.1f} (target ≥ 3); bangun ÷ batas bawah = {full / base:.1f} "
          f"(target ≤ 3); tanpa perubahan = {noop:.1f} dtk (target < 2)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
