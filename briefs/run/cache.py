"""The cache of finished runs: `.build/cache/<fingerprint>/`, whole or absent, and checked.

A run is written in a work folder named after this machine and process, then renamed
into place in one step: an interrupted run never leaves half an entry. Each entry carries
the hash of its files, so an entry damaged later (a full disk, a copy cut short) is
rebuilt, never published. Deleting the cache is always safe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from pathlib import Path

from briefs import hashing, paths
from briefs.run.job import Job, Outcome

CACHE = paths.BUILD / "cache"
FAILED = paths.BUILD / "failed"
NOTICES = "peringatan.json"  # what the page leaves out, kept with the run it describes
PAGES = "halaman.txt"  # page.pdf's number of pages, as the run counted it (qpdf) when it checked the PDF
FILES = ("notebook.ipynb", "page.html", "page.pdf", NOTICES, PAGES)
OPTIONAL = ("kartu.png",)  # the phone card, when the notebook asked for one (render/card.py)
SUMS = "sha256.json"  # the hash of each file, written last
HOST = re.sub(r"[^A-Za-z0-9]+", "_", socket.gethostname()) or "host"  # names this machine's work folders


def work_folder(job: Job) -> Path:
    """An empty folder for this job's run, private to this process."""
    work = CACHE / f"{job.fingerprint}.tmp-{HOST}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return work


def store(job: Job, work: Path) -> Path:
    """Seal a finished run (hashes of its files) and rename it into place; return the entry."""
    names = FILES + tuple(name for name in OPTIONAL if (work / name).is_file())
    sums = {name: hashing.file_sha256(work / name) for name in names}
    (work / SUMS).write_text(json.dumps(sums, sort_keys=True) + "\n", encoding="utf-8")
    final = CACHE / job.fingerprint
    shutil.rmtree(final, ignore_errors=True)
    os.replace(work, final)  # one rename: a cache entry is complete or absent
    return final


def cached(job: Job) -> Outcome | None:
    """The finished run of this job, if its cache entry is whole; a damaged entry is removed."""
    folder = CACHE / job.fingerprint
    if not folder.is_dir():
        return None
    try:
        sums = json.loads((folder / SUMS).read_text(encoding="utf-8"))
        whole = (set(FILES) <= set(sums) <= set(FILES + OPTIONAL)
                 and all((n in sums) == (folder / n).is_file() for n in OPTIONAL)  # none slipped in later
                 and all(hashing.file_sha256(folder / n) == sums[n] for n in sums))
        notices = read_notices(folder) if whole else []
        pages = read_pages(folder) if whole else None
    except (OSError, ValueError, TypeError, AttributeError):
        whole = False
    if not whole:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return Outcome(job=job, ok=True, folder=folder, cached=True, notices=notices, pages=pages)


def read_notices(folder: Path) -> list[dict]:
    return json.loads((folder / NOTICES).read_text(encoding="utf-8"))


def read_pages(folder: Path) -> int:
    """How many pages the run's page.pdf has: the book numbers its contents with it, instead
    of opening every part once more only to count (1,2–1,9 ms a brief with qpdf)."""
    pages = int((folder / PAGES).read_text(encoding="ascii"))
    if pages < 1:
        raise ValueError(f"{PAGES}: {pages} halaman")
    return pages


def keep_evidence(job: Job, executed: Path) -> None:
    """Save a failed run (with papermill's error banner) where the analyst can open it."""
    if executed.exists():
        target = FAILED / job.meeting_id / f"{job.slug}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, target)


def remove_stale_work() -> None:
    """Half-written runs of this machine's processes that are gone (killed, interrupted).

    Only this host's: with `--scheduler`, workers on other machines share the cache folder,
    and their pids mean nothing here.
    """
    for work in CACHE.glob(f"*.tmp-{HOST}-*") if CACHE.is_dir() else ():
        pid = work.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and alive(int(pid))):
            shutil.rmtree(work, ignore_errors=True)


def alive(pid: int) -> bool:
    """Whether another process with this pid runs (this process's own leftovers count as dead)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
