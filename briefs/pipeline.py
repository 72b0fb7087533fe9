"""The whole build as one importable function: params → data → run → render → release.

`briefs.cli` only parses arguments and calls `build`, `check` or `verify` here.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from briefs import params, paths, timing
from briefs.errors import InputError, Problem, display_path, warning_lines
from briefs.hashing import digest, environment_digest, tree_digest
from briefs.params import Meeting
from briefs.release import publish
from briefs.run.job import Batch, Outcome

TIMINGS = "tahapan.json"  # seconds per stage of the last build (briefs.timing)

# pandas, pandera, nbconvert and WeasyPrint are imported only when there is work to do:
# a rebuild with nothing changed must answer in well under two seconds.


@dataclass
class Options:
    """The command-line options of a build (see README, "Command line")."""

    only: list[str] = field(default_factory=list)
    jobs: int = 2
    scheduler: str | None = None
    engine: str | None = None
    force: bool = False
    allow_partial: bool = False
    timeout: int | None = None
    out: Path = paths.OUTPUTS
    progress: Callable[[Outcome, int, int], None] | None = None  # called as each job ends
    strict: bool = False  # every warning fails the build (exit 1, nothing published)
    # Another notebook for some jobs, by kecamatan code or "ringkasan" (run.plan's seam):
    # how tests run a broken or hostile notebook through the real build.
    notebooks: dict[str, Path] = field(default_factory=dict)


@dataclass
class Result:
    """Exit code (0 complete, 1 a brief failed), the published folder if any, what ran, warnings."""

    exit_code: int
    release: Path | None
    batch: Batch
    message: str
    warnings: list[dict] = field(default_factory=list)  # as in the manifest: errors.warning_text reads them


def load_inputs(params_file: Path | str, meeting: Meeting | None = None):
    """Validate params and data before anything runs; raises InputError (exit 2)."""
    from briefs import data

    meeting = meeting or params.load(params_file)
    ds = data.load(meeting, params_file=display_path(params_file))
    return meeting, ds


def check(params_file: Path | str) -> str:
    """Validate only; return the data report an analyst reads on the terminal, and what the
    notebooks' own text already shows (a figure typed into Markdown, an expression Jupyter
    would throw away): a long build need not run to tell it."""
    from briefs import data

    meeting = params.load(params_file)
    publish.recover(paths.OUTPUTS / meeting.id)
    _, ds = load_inputs(params_file, meeting)
    said = notebook_warnings([("", paths.SUMMARY_NOTEBOOK), ("", paths.BRIEF_NOTEBOOK)])
    lines = [f"  {line}" for line in warning_lines(said)] or ["  tidak ada peringatan"]
    return "\n".join([data.report_text(ds.report), "Notebook, dibaca tanpa dijalankan:", *lines])


def build(params_file: Path | str, opts: Options) -> Result:
    """Build and publish the meeting's release; nothing is published unless complete.

    What can be checked before any work is, and is bad input (InputError, exit 2): the
    params, a writable `--out`, a reachable `--scheduler`; then the data.
    """
    meeting = params.load(params_file)
    writable_out(opts.out, meeting.id)
    if opts.scheduler:
        from briefs.run import cluster

        cluster.check_scheduler(opts.scheduler)
    with _one_build_at_a_time(meeting.id):
        return _build(params_file, meeting, opts)


def writable_out(out: Path, meeting_id: str) -> None:
    """`--out` can take a file (probed in it, or in the folder that will hold it; nothing is
    left behind); a publish cut short there is undone first."""
    existing = out.absolute()
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(existing))
        handle, probe = tempfile.mkstemp(prefix=".uji-tulis-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(Problem("--out", f"folder rilis tidak bisa ditulis ({exc.strerror or exc}); tertulis "
                                 f"'{out}'; seharusnya folder yang bisa dibuat dan ditulis")) from None
    publish.recover(out / meeting_id)


@contextmanager
def _one_build_at_a_time(meeting_id: str):
    """Two builds of one meeting share its snapshot folder: the second waits for the first."""
    paths.BUILD.mkdir(parents=True, exist_ok=True)
    with open(paths.BUILD / f"{meeting_id}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"Menunggu build {meeting_id} lain selesai…", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build(params_file: Path | str, meeting: Meeting, opts: Options) -> Result:
    timing.reset()
    with timing.stage("periksa masukan"):
        inputs = input_key(Path(params_file), meeting, opts)
        current = publish.current(opts.out / meeting.id, inputs) if not opts.force else None
    if current is not None:
        warnings = json.loads((current / "manifest.json").read_text(encoding="utf-8")).get("warnings", [])
        if opts.strict and warnings:
            return Result(1, current, Batch(), f"Rilis {display_path(current)} sudah mutakhir, tetapi memuat "
                          f"{len(warnings)} peringatan (--strict).", warnings)
        return Result(0, current, Batch(), f"Rilis sudah mutakhir di {display_path(current)}", warnings)
    try:
        return _build_release(params_file, meeting, opts, inputs)
    finally:
        with suppress(OSError):  # a record of times never hides the build's own outcome
            timing.write(paths.BUILD / meeting.id / TIMINGS)


def _build_release(params_file: Path | str, meeting: Meeting, opts: Options, inputs: str) -> Result:
    # Through the model's own validation: a timeout of 0 or a year is refused, never ignored.
    overrides = {k: v for k, v in (("engine", opts.engine), ("timeout", opts.timeout)) if v is not None}
    if overrides:
        meeting = params.with_options(meeting, **overrides)
    quarto = _quarto(meeting, opts, params_file)
    with timing.stage("impor"):  # here, not at the top: a rebuild with nothing to do needs none of it
        from briefs.run import cluster
    # What can be checked without the data is checked; the kernel boots (~2 s: its start, the
    # notebooks' imports, a first chart) while the data is imported, read and checked and the
    # jobs are planned. Bad data or an unknown `--only` name stops it at once: still exit 2.
    cluster.start_kernel_early(opts.jobs, opts.scheduler)
    try:
        with timing.stage("impor"):
            from briefs.data import figures, slices
        with timing.stage("muat dan validasi data"):
            meeting, ds = load_inputs(params_file, meeting)
        codes = _selected(meeting, ds, opts.only)
        _reproducible_pdfs()  # here: WeasyPrint's import overlaps the kernel's boot, as the pages' would
    except BaseException:
        cluster.stop_kernel_early()
        raise
    with timing.stage("impor"):
        from briefs.release import assemble
        from briefs.run.plan import plan
    snapshot = paths.BUILD / meeting.id / "snapshot"
    with timing.stage("potongan data per kecamatan"):
        shutil.rmtree(snapshot, ignore_errors=True)  # no slice of a kecamatan that is gone
        kecamatan = figures.kecamatan_table(ds, meeting)  # for the slices and the index alike
        slices.write(ds, meeting, snapshot, codes, kecamatan)
    with timing.stage("rencana dan sidik jari"):
        build_id = digest(tree_digest(snapshot), meeting.model_dump_json())[:8]
        jobs = plan(meeting, ds, codes, snapshot, build_id, Path(params_file), quarto, notebooks=opts.notebooks)
    if opts.strict and (early := collect_warnings(Batch(), ds) + notebook_warnings([(j.title, j.notebook) for j in jobs])):
        cluster.stop_kernel_early()  # every one of them would fail the build after the last brief: stop now
        return Result(1, None, Batch(), f"Rilis tidak diterbitkan: {len(early)} peringatan (--strict), "
                      f"ditemukan sebelum notebook dijalankan.", early)
    with timing.stage("brief dan ringkasan"):
        batch = cluster.run(jobs, workers=opts.jobs, scheduler=opts.scheduler, force=opts.force,
                            progress=opts.progress)
    with timing.stage("angka kunci untuk indeks"):
        from briefs.release import key_figures
        index_figures = key_figures.compute(kecamatan)
    warnings = collect_warnings(batch, ds, index_figures)
    if batch.failed and not opts.allow_partial:
        return Result(1, None, batch, "Rilis tidak diterbitkan: ada brief yang gagal.", warnings)
    if opts.strict and warnings:
        return Result(1, None, batch, f"Rilis tidak diterbitkan: {len(warnings)} peringatan (--strict).", warnings)
    run = {"params_file": paths.public(Path(params_file).absolute()),
           "options": {"only": sorted(opts.only), "engine": opts.engine, "timeout": opts.timeout},
           "engine_version": quarto.version if quarto else _weasyprint_version()}
    target = assemble.publish_release(meeting, ds, batch, build_id, opts.out, inputs=inputs, run=run, warnings=warnings,
                                      key_figures=index_figures)
    code = 1 if batch.failed else 0
    return Result(code, target, batch, f"Rilis diterbitkan di {display_path(target)}", warnings)


def collect_warnings(batch: Batch, ds, index_figures: dict | None = None) -> list[dict]:
    """Every warning of a build: the data's (rows kept but suspicious), then each page's notices.

    A page's notices say what of its notebook the reader does not get (a dropped output,
    a stripped tag, a table cut short) and whether it ran past its page budget; then
    whether the brief shows the figures the index will show beside it (`index_figures`,
    `briefs.release.key_figures`): a notebook may compute them another way.
    """
    from briefs.data.report import published  # loaded with the data already: a no-op build never gets here
    from briefs.release import key_figures

    out = [{"scope": "data", "message": published(p)} for p in ds.report.warnings]
    for o in batch.outcomes:
        notebook = paths.public(paths.resolve(o.job.notebook))
        out += [{"scope": o.job.title, "notebook": notebook, **n} for n in o.notices]
        key = (index_figures or {}).get(o.job.key) if o.ok and o.job.kind == "brief" else None
        missing = key_figures.unshown(key, o.folder / "page.html") if key else []
        if missing:
            out.append({"scope": o.job.title, "notebook": notebook, "message": key_figures.warning(key, missing)})
    return out


def notebook_warnings(runs: list[tuple[str, str | Path]]) -> list[dict]:
    """The notices that each (title, notebook) run's notebook text already shows
    (`sanitize.before_running`), as the build would report them after the run; a notebook
    that cannot be read is one."""
    from briefs.render import sanitize

    said: dict[str, list[dict]] = {}
    out = []
    for title, path in runs:
        notebook = paths.public(paths.resolve(path))
        if notebook not in said:
            try:
                said[notebook] = [n.as_dict() for n in sanitize.before_running(paths.resolve(path))]
            except Exception as exc:  # not JSON, not a notebook: the run would fail on it too
                said[notebook] = [{"message": f"notebook tidak bisa dibaca ({type(exc).__name__}: {str(exc)[:120]})"}]
        out += [{"scope": title, "notebook": notebook, **n} for n in said[notebook]]
    return out


def _reproducible_pdfs() -> None:
    """Every build renders PDFs with WeasyPrint (the pages, or with Quarto the book's own pages
    and the phone cards): a machine where they cannot come out byte-identical stops before
    any work, as a missing Quarto does (exit 2)."""
    from briefs.render import weasy

    if why := weasy.subsetter_missing():
        raise InputError(Problem("WeasyPrint", why))


def _quarto(meeting: Meeting, opts: Options, params_file: Path | str):
    """With the Quarto engine, find Quarto before any work: missing is bad input (exit 2)."""
    if meeting.engine != "quarto":
        return None
    from briefs.render import quarto as quarto_cli

    return quarto_cli.locate(where="--engine quarto" if opts.engine else f"{display_path(params_file)}:engine")


def _weasyprint_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")


def input_key(params_file: Path, meeting: Meeting, opts: Options) -> str:
    """Hash of every input of a whole build, from raw bytes: equal keys, equal release.

    Params, data files, notebooks (and the images beside them), templates, package code,
    locked environment and the options that change the output. Computed without pandas, so an unchanged build is
    recognised in a fraction of a second (the doit way: skip a task whose inputs match).
    """
    return digest(
        params_file.read_bytes(), tree_digest(paths.resolve(meeting.data)), tree_digest(paths.NOTEBOOKS),
        tree_digest(paths.TEMPLATES), environment_digest(),
        json.dumps({"only": sorted(opts.only), "engine": opts.engine, "timeout": opts.timeout}, sort_keys=True),
    )


def _selected(meeting: Meeting, ds, only: list[str]) -> list[str]:
    """The kecamatan to build, in the meeting's order (its `kecamatan` list, else by code).

    `--only` picks, it does not order: the manifest records it sorted, so the release (the
    order of the index and the book) must not depend on the order it was typed in, or
    `verify --rebuild` could not reproduce it.
    """
    from briefs import data

    if meeting.kecamatan != "all":
        ordered = data.resolve_kecamatan(ds, list(meeting.kecamatan), source="kecamatan")
    else:
        ordered = sorted(ds.wilayah["kode_kecamatan"].unique())
    if not only:
        return ordered
    picked = set(data.resolve_kecamatan(ds, only, source="--only"))
    return [c for c in ordered if c in picked] + sorted(picked.difference(ordered))
