"""The command line: `build.py [params]`, `build.py check params`, `build.py verify release`, `build.py sign`.

Thin on purpose: every command parses its arguments and calls one function of
`briefs.pipeline` or `briefs.verify`. Exit codes: 0 complete, 1 a brief failed or a
release does not verify, 2 bad params or data (nothing executed).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from briefs import fmt, paths
from briefs.errors import InputError, Problem, StageFailed, warning_lines

USAGE = """python build.py [PARAMS] [opsi]        bangun rilis rakor (bawaan: params/rakor-2026-11.yml)
       python build.py check PARAMS           periksa parameter dan data saja
       python build.py verify RILIS [--rebuild] [--signers BERKAS]  periksa rilis terhadap manifest.json
       python build.py sign RILIS --key KUNCI  tandatangani manifest.json rilis yang lolos verify"""


# argparse's own errors, worded as every other bad input is (exit 2, the option named first);
# anything not listed keeps argparse's words, still as one line naming the command line.
_ARGPARSE_ERRORS = [
    (r"unrecognized arguments: (.*)", "baris perintah", "opsi tidak dikenal: {0} (lihat python build.py --help)"),
    (r"argument ([^:/ ]+)[^:]*: expected one argument", "{0}", "nilainya tidak ada"),
    (r"argument ([^:/ ]+)[^:]*: invalid int value: (.*)", "{0}", "harus bilangan bulat; tertulis {1}"),
    (r"argument ([^:/ ]+)[^:]*: invalid choice: ('.*'|\S+) \(choose from (.*)\)", "{0}",
     "nilainya tidak dikenal; tertulis {1}; yang diharapkan: {2}"),
    (r"ambiguous option: (\S+) could match (.*)", "{0}", "opsi ambigu, bisa berarti {1}"),
    (r"the following arguments are required: (.*)", "baris perintah", "wajib diisi tetapi tidak ada: {0}"),
]


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its one English word of the usage line in Indonesian."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix="cara pakai: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse, in Indonesian: its errors are InputErrors (exit 2, the option named) instead of
    its English line, and `--help` has Indonesian headings, as every other line an analyst reads."""

    def __init__(self, **kwargs) -> None:
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        self.add_argument("-h", "--help", action="help", help="tampilkan bantuan ini lalu keluar")

    def error(self, message: str) -> NoReturn:
        for pattern, where, words in _ARGPARSE_ERRORS:
            found = re.fullmatch(pattern, message)
            if found:
                raise InputError(Problem(where.format(*found.groups()), words.format(*found.groups())))
        raise InputError(Problem("baris perintah", message))


MAX_JOBS = 256  # local workers: each holds a kernel (~150 MB); more than this is a typo, not a machine


def jobs_option(text: str) -> int:
    """`--jobs N`: a whole number of local workers, 1 to MAX_JOBS (0 or -1 was quietly 1)."""
    s = text.strip()
    if s.isascii() and s.isdigit() and len(s) <= 3 and 1 <= int(s) <= MAX_JOBS:
        return int(s)
    written = repr(text[:20]) + ("…" if len(text) > 20 else "")  # one line, whatever was pasted
    raise InputError(Problem("--jobs", f"jumlah worker tidak valid; tertulis {written}; yang diharapkan: "
                                       f"bilangan bulat 1 sampai {MAX_JOBS}"))


def _build_parser() -> argparse.ArgumentParser:
    from briefs import params  # here, not at the top: `verify` has no use for pydantic

    p = Parser(prog="build.py", usage=USAGE, description="Bangun brief cakupan BPJS Ketenagakerjaan per kecamatan.")
    p.add_argument("params", nargs="?", default=str(paths.DEFAULT_PARAMS), metavar="PARAMS",
                   help="berkas parameter rakor (bawaan: params/rakor-2026-11.yml)")
    p.add_argument("--only", action="append", default=[], metavar="NAMA", help="hanya kecamatan ini (boleh berulang)")
    p.add_argument("--jobs", type=jobs_option, default=min(os.cpu_count() or 2, MAX_JOBS), metavar="N",
                   help=f"jumlah worker lokal (1–{MAX_JOBS}; bawaan: jumlah inti)")
    p.add_argument("--scheduler", metavar="ALAMAT", help="alamat scheduler Dask yang sudah berjalan")
    p.add_argument("--engine", choices=["weasyprint", "quarto"], help="mesin PDF (menimpa params)")
    p.add_argument("--force", action="store_true", help="abaikan cache, jalankan ulang semua")
    p.add_argument("--allow-partial", action="store_true", help="terbitkan walau ada brief yang gagal")
    p.add_argument("--timeout", type=params.timeout_option, metavar="DETIK",
                   help=f"batas waktu per brief ({params.TIMEOUT_MIN}–{params.TIMEOUT_MAX} detik)")
    p.add_argument("--out", default=str(paths.OUTPUTS), metavar="FOLDER", help="folder rilis (bawaan: outputs/)")
    p.add_argument("--strict", action="store_true",
                   help="setiap peringatan (data, keluaran yang tidak tampil, halaman berlebih) menggagalkan build")
    return p


class Terminated(BaseException):
    """SIGTERM, raised where the build is so the same cleanup runs as for Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        if argv and argv[0] == "check":
            return _check(argv[1:])
        if argv and argv[0] == "verify":
            return _verify(argv[1:])
        if argv and argv[0] == "sign":
            return _sign(argv[1:])
        return _build(argv)
    except InputError as exc:
        n = len(exc.problems)
        print(f"Input tidak valid ({n} masalah); tidak ada yang dijalankan:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Dibatalkan (Ctrl-C). Rilis yang sudah terbit tidak diubah.", file=sys.stderr)
        return 130
    except Terminated:
        print("Dihentikan (SIGTERM). Rilis yang sudah terbit tidak diubah.", file=sys.stderr)
        return 143
    except StageFailed as exc:
        print(f"Gagal: {exc}. Rilis yang sudah terbit tidak diubah.", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a vanished folder: one line, the release as it was
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"Gagal menulis atau membaca berkas: {exc.strerror or exc}{where}. Rilis yang sudah terbit "
              f"tidak diubah.", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _check(argv: list[str]) -> int:
    from briefs import pipeline

    p = Parser(prog="build.py check")
    p.add_argument("params", metavar="PARAMS", help="berkas parameter rakor")
    args = p.parse_args(argv)
    try:
        print(pipeline.check(args.params))
    except InputError as exc:
        report = getattr(exc, "report", None)  # bad data still has a report: rows read, used, reported
        if report is not None:
            from briefs import data

            print(data.report_text(report))
        raise
    print("Parameter dan data valid.")
    return 0


def _verify(argv: list[str]) -> int:
    from briefs import verify

    p = Parser(prog="build.py verify")
    p.add_argument("release", metavar="RILIS", help="folder rilis, seperti outputs/rakor-2026-11")
    p.add_argument("--rebuild", action="store_true", help="bangun ulang ke folder sementara dan bandingkan byte demi byte")
    p.add_argument("--signers", metavar="BERKAS", help="allowed_signers OpenSSH: periksa tanda tangan manifest.json.sig")
    args = p.parse_args(argv)
    from briefs.release import publish, signing

    release = Path(args.release)
    publish.recover(release)  # a publish cut short between its two renames
    signers = Path(args.signers) if args.signers else None
    problems = verify.verify(release, rebuild=args.rebuild, signers=signers)
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        return 1
    print(f"{args.release}: semua berkas tercantum di manifest, cocok, dan lengkap untuk rapatnya.")
    if signers is not None:
        who, _ = signing.check(release, (release / "manifest.json").read_bytes(), signers)
        print(f"Ditandatangani oleh {who}.")
    elif (release / signing.SIGNATURE).exists():
        print(f"Ada {signing.SIGNATURE}, tetapi tanda tangannya tidak diperiksa (tambahkan --signers).")
    return 0


def _sign(argv: list[str]) -> int:
    """Sign a release that verifies: a person vouches for it; the build never holds the key."""
    from briefs import verify
    from briefs.release import signing

    p = Parser(prog="build.py sign")
    p.add_argument("release", metavar="RILIS", help="folder rilis yang lolos verify")
    p.add_argument("--key", required=True, metavar="KUNCI", help="kunci privat SSH (ed25519)")
    args = p.parse_args(argv)
    release = Path(args.release)
    problems = verify.verify(release)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print("Tidak ditandatangani: rilis tidak lolos verify.", file=sys.stderr)
        return 1
    try:
        target = signing.sign(release, Path(args.key))
    except signing.SigningError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Tanda tangan ditulis: {target}")
    return 0


def _build(argv: list[str]) -> int:
    from briefs import pipeline

    args = _build_parser().parse_args(argv)
    opts = pipeline.Options(
        only=args.only, jobs=args.jobs, scheduler=args.scheduler, engine=args.engine,
        force=args.force, allow_partial=args.allow_partial, timeout=args.timeout, out=Path(args.out),
        strict=args.strict,
    )
    with _progress() as opts.progress:
        result = pipeline.build(args.params, opts)
    for outcome in result.batch.failed:
        print(f"GAGAL {outcome.job.title}: {outcome.error}", file=sys.stderr)
    if result.batch.failed:
        print(f"Notebook yang gagal disimpan di {paths.BUILD / 'failed'} untuk diperiksa.", file=sys.stderr)
    _print_warnings(result.warnings, published=result.release is not None)
    if not result.batch.outcomes:  # nothing changed since the published release
        print(result.message)
        return result.exit_code
    ran = sum(1 for o in result.batch.outcomes if not o.cached)
    print(f"{result.message} ({len(result.batch.outcomes)} brief, {ran} dijalankan, "
          f"{len(result.batch.failed)} gagal, {fmt.angka(result.batch.seconds, 1)} dtk)")
    return result.exit_code


def plain_progress(outcome, n: int, total: int) -> None:
    """One line per finished job, for logs and CI (no terminal)."""
    state = "tersimpan" if outcome.cached else ("ok" if outcome.ok else "GAGAL")
    line = f"[{n}/{total}] {outcome.job.title}: {state}"
    if not outcome.ok:
        line += f" — {outcome.error}"
    print(line, file=sys.stderr, flush=True)


def _print_warnings(warnings: list[dict], published: bool = True) -> None:
    """Every warning, one line per thing to fix: what the reader will not see, and where to
    fix it. Only a published release has them in its data report and manifest too."""
    if not warnings:
        return
    also = "; juga di laporan-data.html dan manifest.json" if published else ""
    print(f"Peringatan ({len(warnings)}){also}:", file=sys.stderr)
    for line in warning_lines(warnings):
        print(f"  {line}", file=sys.stderr)


@contextmanager
def _progress():
    """A live bar on a terminal; one plain line per finished brief otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        yield plain_progress
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("gagal {task.fields[failed]}"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("Brief", total=None, failed=0)
        failed = 0

        def update(outcome, n: int, total: int) -> None:
            nonlocal failed
            failed += 0 if outcome.ok else 1
            bar.update(task, completed=n, total=total, failed=failed, description=outcome.job.title[:28].ljust(28))

        yield update
