"""Failures stay small: one failing kecamatan, a kill mid-build, never a lost release."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from briefs import cli, paths, pipeline
from briefs.release import publish
from briefs.run import cache
from tests import helpers

pytestmark = pytest.mark.slow
THREE = ["Sitiung", "Tiumang", "Timpeh"]


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def breaking(tmp_path) -> dict:
    """Tiumang's brief runs a notebook whose third cell raises: a real failing run (Options.notebooks)."""
    broken = helpers.brief_with(tmp_path, "rusak", 3, nbformat.v4.new_code_cell("raise RuntimeError('data nagari rusak')"))
    return {"13.10.08": broken}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rilis")
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE, out=out))
    assert result.exit_code == 0
    return out


def test_one_failure_fails_only_its_brief_and_publishes_nothing(published, breaking):
    before = hashes(published / "rakor-2026-11")
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE[:2], out=published, force=True, notebooks=breaking))
    assert result.exit_code == 1 and result.release is None
    [failed] = result.batch.failed
    assert failed.job.name == "Tiumang"
    assert "RuntimeError: data nagari rusak" in failed.error and "raise RuntimeError" in failed.error
    assert {o.job.name for o in result.batch.outcomes if o.ok} == {"Kabupaten Dharmasraya", "Sitiung"}
    assert hashes(published / "rakor-2026-11") == before  # the published release is untouched
    evidence = nbformat.read(cache.FAILED / "rakor-2026-11" / "tiumang.ipynb", as_version=4)
    assert any("data nagari rusak" in str(o) for c in evidence.cells for o in c.get("outputs", []))
    assert [p.name for p in published.iterdir()] == ["rakor-2026-11"]  # no staging left


def test_allow_partial_publishes_the_rest_and_marks_the_gap(breaking, tmp_path):
    result = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=THREE, out=tmp_path, allow_partial=True, notebooks=breaking))
    assert result.exit_code == 1 and result.release is not None
    release = result.release
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert [f["kecamatan"] for f in manifest["failed"]] == ["Tiumang"]
    assert not (release / "kecamatan" / "tiumang.pdf").exists()
    assert (release / "kecamatan" / "sitiung.pdf").is_file()
    index = (release / "index.html").read_text(encoding="utf-8")
    row = index[index.index("Kecamatan Tiumang"):][:400]
    assert "gagal" in row
    toc = PdfReader(release / "buku-rakor-2026-11.pdf").pages[1].extract_text()
    assert "Tiumang" in toc and "gagal" in toc


def test_kill_9_mid_build_leaves_the_release_and_the_next_run_resumes(published, tmp_path):
    target = published / "rakor-2026-11"
    before = hashes(target)
    # a cache of their own, so "tersimpan" below can only come from the killed run
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RAKOR_BUILD": str(tmp_path / "cache")}
    two = THREE[:2]  # three jobs with the summary: run in the build's own kernel, one after another
    cmd = [sys.executable, str(paths.ROOT / "build.py"), str(paths.DEFAULT_PARAMS), "--out", str(published),
           "--jobs", "1"] + [a for n in two for a in ("--only", n)]
    proc = subprocess.Popen(cmd, cwd=paths.ROOT, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in proc.stderr:  # wait until the first job is done, then kill the build and its kernels
        if line.rstrip().endswith(": ok"):
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hashes(target) == before
    rerun = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "tersimpan" in rerun.stderr  # what finished before the kill was not run again
    assert not list(published.glob(f"{publish.STAGING_PREFIX}*"))
    assert (target / "kecamatan" / "tiumang.pdf").is_file()


# ---- signals, half-done publishes, bad places, damaged caches, full disks ------------------------



def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal gives it: a build started in a script's background (`make test &`)
    inherits SIGINT ignored, Python then never raises KeyboardInterrupt, and the test would
    test its runner, not the build (it failed so, every time, under `nohup make test &`)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _build_command(out: Path, names: list[str], *extra: str) -> list[str]:
    return [sys.executable, str(paths.ROOT / "build.py"), str(paths.DEFAULT_PARAMS), "--out", str(out),
            *extra, *[a for n in names for a in ("--only", n)]]


@pytest.mark.parametrize(("signum", "code", "words", "whole_group", "names", "jobs"), [
    # a service manager stopping a build that runs in its own kernel, a page rendering beside it
    (signal.SIGTERM, 143, "Dihentikan (SIGTERM)", False, THREE[:2], "2"),
    # Ctrl-C on a terminal reaches every process of the group: the Dask workers too (3 workers:
    # up to 2 the jobs run in the build's own process; 4 jobs, more than a small batch)
    (signal.SIGINT, 130, "Dibatalkan (Ctrl-C)", True, THREE, "3"),
])
def test_a_signal_ends_the_build_with_one_line_and_nothing_left(published, tmp_path, signum, code, words,
                                                                 whole_group, names, jobs):
    target = published / "rakor-2026-11"
    before = hashes(target)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RAKOR_BUILD": str(tmp_path / "cache")}
    proc = subprocess.Popen(_build_command(published, names, "--jobs", jobs, "--force"), cwd=paths.ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_from_a_terminal)
    lines = []
    for line in proc.stderr:  # the Dask cluster is up and running briefs: the worst moment
        lines.append(line)
        if line.rstrip().endswith(": ok"):
            break
    (os.killpg if whole_group else os.kill)(proc.pid, signum)
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == code, "".join(lines) + rest  # what the build said, should it ever differ
    # Briefs that finished before the signal arrived may still be reported (two can end together,
    # and the signal lands a moment after the line that prompted it); then the one line, no traceback.
    *done, last = rest.strip().splitlines()
    assert last == f"{words}. Rilis yang sudah terbit tidak diubah.", rest
    assert all(re.fullmatch(r"\[\d/\d\] .+: ok", line) for line in done), rest
    assert hashes(target) == before
    assert not list((tmp_path / "cache" / "cache").glob("*.tmp-*"))  # no half-written run in the cache
    assert not list(published.glob(".*"))  # no staging folder


def sync():
    """Named as distributed.utils.sync: its `cancel` reads `future` before the call has set it."""
    future: object

    def cancel() -> None:
        if future is not None:  # noqa: F821  NameError: not yet bound, as in distributed when Ctrl-C comes early
            pass

    return cancel


def test_only_distributeds_cancel_before_start_is_dropped_from_tornados_log(caplog):
    """The one record the signal test above once saw (a race: Ctrl-C before a Dask call had begun)
    is dropped by briefs.run.cluster; any other error in a tornado callback still shows."""
    import functools

    from tornado.ioloop import IOLoop

    import briefs.run.cluster  # noqa: F401  (installs the filter)

    def other() -> None:
        raise NameError("something else")

    loop = IOLoop(make_current=False)
    try:
        with caplog.at_level("ERROR", logger="tornado.application"):
            for callback in (functools.partial(sync()), functools.partial(other)):
                loop.add_callback(callback)
            loop.add_callback(loop.stop)
            loop.start()
    finally:
        loop.close()
    logged = [r.getMessage() for r in caplog.records if r.name == "tornado.application"]
    assert len(logged) == 1 and "other" in logged[0], logged


def test_a_publish_cut_between_its_renames_is_undone_by_any_command(tmp_path, capsys):
    from briefs import cli

    out = tmp_path / "out"
    release = out / "rakor-2026-11"
    release.mkdir(parents=True)
    (release / "index.html").write_text("rilis lama", encoding="utf-8")
    old = out / f"{publish.OLD_PREFIX}rakor-2026-11"
    for command in (["verify", str(release)], ["check", str(paths.DEFAULT_PARAMS)]):
        if command[0] == "check":  # check looks in the default outputs/: point it at ours
            mp = pytest.MonkeyPatch()
            mp.setattr(paths, "OUTPUTS", out)
        os.replace(release, old)  # killed after the first rename: the release is missing
        try:
            cli.main(command)
        finally:
            if command[0] == "check":
                mp.undo()
        assert (release / "index.html").read_text(encoding="utf-8") == "rilis lama", command
        assert not old.exists()


def test_a_release_is_on_disk_before_it_is_swapped_in_spied_as_a_power_cut_cannot_be_staged_here(tmp_path,
                                                                                                  monkeypatch):
    """A rename reaches the disk at once, files just written only seconds later: a power cut
    after the swap left the new release in place with empty files and the old one deleted.
    A power cut cannot be staged here, so the real fsync and rename calls are watched (each
    still runs): every file and folder of the new release is synced before the first rename,
    the folder holding both renames after the second, and only then is the old one deleted."""
    out = tmp_path / "out"
    target = out / "rakor-2026-11"
    target.mkdir(parents=True)
    (target / "index.html").write_text("rilis lama", encoding="utf-8")
    staging = out / f"{publish.STAGING_PREFIX}rakor-2026-11-1"
    (staging / "kecamatan").mkdir(parents=True)
    for rel in ("index.html", "kecamatan/sitiung.pdf", "manifest.json"):
        (staging / rel).write_text(f"baru: {rel}", encoding="utf-8")
    new = {str(p) for p in [staging, *staging.rglob("*")]}
    events: list[tuple[str, ...]] = []
    real_fsync, real_replace, real_rmtree = os.fsync, os.replace, shutil.rmtree

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src, dst) -> None:
        events.append(("replace", str(src), str(dst)))
        real_replace(src, dst)

    def rmtree(path, *args, **kwargs) -> None:
        events.append(("rmtree", str(path), str(Path(path).exists())))
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    publish.swap(staging, target)
    kinds = [e[0] for e in events]
    first = kinds.index("replace")
    assert new <= {e[1] for e in events[:first] if e[0] == "fsync"}  # all of the new release
    old = str(out / f"{publish.OLD_PREFIX}rakor-2026-11")
    assert events[first:] == [("replace", str(target), old), ("replace", str(staging), str(target)),
                              ("fsync", str(out)), ("rmtree", old, "True")]
    assert (target / "kecamatan" / "sitiung.pdf").read_text(encoding="utf-8") == "baru: kecamatan/sitiung.pdf"
    assert not Path(old).exists() and not staging.exists()


def test_a_folder_the_file_system_cannot_sync_is_passed_over_and_a_file_it_cannot_sync_is_an_error():
    """Network shares and FAT cannot sync a folder (their files they can): /proc is such a file system here."""
    publish._fsync(Path("/proc/self"), folder=True)  # EINVAL: passed over
    with pytest.raises(OSError):
        publish._fsync(Path("/proc/version"))


@pytest.mark.parametrize("out", ["/etc/hostname/rilis", "/proc/version/rilis"])
def test_an_unwritable_out_is_bad_input_before_any_work(out, capsys):
    from briefs import cli

    assert cli.main([str(paths.DEFAULT_PARAMS), "--only", "Sitiung", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "--out: folder rilis tidak bisa ditulis" in err and "Traceback" not in err
    assert "[1/" not in err  # nothing ran


def test_symlink_loops_in_params_or_data_are_bad_input(tmp_path, capsys):
    from briefs import cli

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    params_loop = tmp_path / "p1.yml"
    params_loop.symlink_to(tmp_path / "p2.yml")
    (tmp_path / "p2.yml").symlink_to(params_loop)
    data_loop = tmp_path / "rakor.yml"
    data_loop.write_text(paths.DEFAULT_PARAMS.read_text(encoding="utf-8").replace("data: data/sample",
                                                                                 f"data: {tmp_path / 'a'}"),
                         encoding="utf-8")
    for argv in ([str(params_loop)], ["check", str(params_loop)], [str(data_loop)], ["check", str(data_loop)]):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err and ("tautan simbolik" in err or "symbolic links" in err), err


def test_a_damaged_cache_entry_is_rebuilt_not_published(tmp_path, monkeypatch, capsys):
    # A cache of its own: the entries damaged here are hard-linked from other tests' releases
    # when they share this worker's cache, and would damage those releases too.
    env_cache = tmp_path / "cache"
    monkeypatch.setattr(cache, "CACHE", env_cache)
    first = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=["Sitiung"], out=tmp_path / "a"))
    brief = next(o for o in first.batch.outcomes if o.job.kind == "brief")
    for rel in ("kecamatan/sitiung.pdf", "kecamatan/sitiung.html", "notebooks/sitiung.ipynb", "kartu/sitiung.png"):
        inode = (tmp_path / "a" / "rakor-2026-11" / rel).stat().st_ino  # released as hard links to the entry
        assert any(f.stat().st_ino == inode for f in (env_cache / brief.job.fingerprint).iterdir()), rel
    pdf = env_cache / brief.job.fingerprint / "page.pdf"
    pdf.write_bytes(pdf.read_bytes()[: len(pdf.read_bytes()) // 2])  # a copy cut short, a disk that filled up
    again = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=["Sitiung"], out=tmp_path / "b"))
    rebuilt = next(o for o in again.batch.outcomes if o.job.kind == "brief")
    assert again.exit_code == 0 and not rebuilt.cached
    assert len(PdfReader(tmp_path / "b" / "rakor-2026-11" / "kecamatan" / "sitiung.pdf").pages) == 2

    # A released page edited in place: it is the cache entry's own file (a hard link), so the
    # entry is damaged with it, and the next build of that release reruns the brief and
    # publishes it whole, instead of trusting either copy.
    released = tmp_path / "b" / "rakor-2026-11" / "kecamatan" / "sitiung.pdf"
    whole = released.read_bytes()
    with open(released, "r+b") as f:
        f.write(b"%PDF-1.0 diubah")
    assert (env_cache / rebuilt.job.fingerprint / "page.pdf").read_bytes()[:15] == b"%PDF-1.0 diubah"
    third = pipeline.build(paths.DEFAULT_PARAMS, pipeline.Options(only=["Sitiung"], out=tmp_path / "b"))
    assert third.exit_code == 0 and not next(o for o in third.batch.outcomes if o.job.kind == "brief").cached
    assert released.read_bytes() == whole

    # The page count the run sealed with its entry (the book numbers its contents with it),
    # changed and sealed again, as a hand that knew the format would: the entry is whole, so
    # it is used, and the book finds the part is not that long. One line, exit 1, nothing
    # published, no staging folder left; never a contents page with wrong numbers.
    entry = env_cache / next(o for o in third.batch.outcomes if o.job.kind == "brief").job.fingerprint
    (entry / cache.PAGES).write_text("5\n", encoding="ascii")
    sums = json.loads((entry / cache.SUMS).read_text(encoding="utf-8"))
    sums[cache.PAGES] = hashlib.sha256(b"5\n").hexdigest()
    (entry / cache.SUMS).write_text(json.dumps(sums, sort_keys=True) + "\n", encoding="utf-8")
    capsys.readouterr()
    code = cli.main([str(paths.DEFAULT_PARAMS), "--only", "Sitiung", "--out", str(tmp_path / "c")])  # assembled anew
    said = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and said[-1] == ("Gagal: buku tidak dibuat: sitiung.pdf kini 2 halaman, saat dijalankan 5, jadi "
                                      "daftar isinya akan salah; jalankan build lagi dengan --force. Rilis yang sudah "
                                      "terbit tidak diubah."), said
    assert not any("Traceback" in line for line in said)
    assert not (tmp_path / "c" / "rakor-2026-11").exists() and not list((tmp_path / "c").glob(".*"))


def test_a_write_that_fails_mid_build_is_one_line_and_the_release_stays(published, tmp_path):
    """A full disk, simulated by a file-size limit: writing the book fails (EFBIG), not the process.

    The limit lets every job's files through (the largest, the summary's notebook, is ~154 KB)
    and stops the book (~250 KB): the failure is the publishing step's, named in one line."""
    import resource

    target = published / "rakor-2026-11"
    before = hashes(target)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (190_000, 190_000))

    env = {**os.environ, "RAKOR_BUILD": str(tmp_path / "cache")}
    done = subprocess.run(_build_command(published, ["Sitiung"], "--force"), cwd=paths.ROOT, env=env,
                          capture_output=True, text=True, preexec_fn=limit, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "File too large" in done.stderr
    assert "GAGAL" not in done.stderr  # every job did its work: it is the publishing that failed
    lines = [line for line in done.stderr.splitlines() if line.startswith("Gagal menulis")]
    assert len(lines) == 1 and "buku-rakor-2026-11.pdf" in lines[0], done.stderr
    assert hashes(target) == before
