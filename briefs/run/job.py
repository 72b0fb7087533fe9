"""A job: one notebook run and its pages, described by what it depends on.

`Inputs` names everything a job's output depends on; its fingerprint is the cache key,
so what a job depends on is stated on the job, not mixed by hand where it is planned.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefs import hashing

if TYPE_CHECKING:  # the render stage is imported by workers only when they render
    from briefs.render.html import Page
    from briefs.render.quarto import Quarto

Kind = Literal["brief", "summary"]


@dataclass(frozen=True)
class Inputs:
    """What a job's output depends on; equal inputs give equal bytes (the doit way)."""

    notebook: str  # hashing.notebook_digest: the source notebook and the images beside it
    data: str  # digest of the data the notebook reads: its kecamatan's slice, or the whole snapshot
    parameters: str  # what papermill injects, as sorted JSON
    meeting: str  # the meeting's params, as JSON
    templates: str  # hashing.tree_digest of templates/
    environment: str  # hashing.environment_digest: Python, locked packages, this package's code
    engine: str  # "weasyprint", or "quarto" and its version

    @property
    def fingerprint(self) -> str:
        return hashing.digest(*astuple(self))

    @staticmethod
    def of_parameters(parameters: dict) -> str:
        return json.dumps(parameters, sort_keys=True)


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to produce one brief or the summary; picklable."""

    key: str  # kode_kecamatan, or "ringkasan" for the regency summary
    kind: Kind
    title: str  # "Kecamatan Sitiung"
    name: str  # the official name, for the manifest
    slug: str  # safe file name
    notebook: str  # relative to the project root (absolute for a notebook outside it)
    parameters: dict
    timeout: int
    page: Page
    inputs: Inputs
    meeting_id: str
    authors: tuple[str, ...] = ()  # the meeting's organizers, for the PDF metadata
    engine: str = "weasyprint"
    quarto: Quarto | None = None  # the located CLI when engine == "quarto"

    @property
    def fingerprint(self) -> str:
        return self.inputs.fingerprint


@dataclass(frozen=True)
class Failure:
    """Why a run failed, as data: the release lists the cell and the exception, not a paragraph."""

    message: str  # in Bahasa Indonesia, names the cell
    cell: int | None = None  # execution count of the failing cell, as Jupyter numbers it
    source: str = ""  # that cell's first line
    ename: str = ""  # exception name, e.g. "ZeroDivisionError"
    evalue: str = ""

    def as_dict(self) -> dict:
        return {"cell": self.cell, "source": self.source, "ename": self.ename, "evalue": self.evalue}


@dataclass
class Outcome:
    """What became of one job: its cache folder when it succeeded, its failure when not."""

    job: Job
    ok: bool
    folder: Path | None = None  # cache folder holding cache.FILES when ok
    failure: Failure | None = None
    cached: bool = False
    seconds: float = 0.0
    worker: int | None = None  # pid of the process that ran it (a Dask worker, or this one)
    notices: list[dict] = field(default_factory=list)  # sanitize.Notice.as_dict(), in cell order
    pages: int | None = None  # page.pdf's page count when ok (cache.read_pages)

    @property
    def error(self) -> str:
        return self.failure.message if self.failure else ""


@dataclass
class Batch:
    """What happened to every job of one build, in the order the jobs were planned."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]
