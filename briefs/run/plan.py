"""Plan a build's jobs: one for the regency summary, then one per kecamatan, in code order.

Each job states what it depends on (`Inputs`): a brief reads only its own kecamatan's
slice, so a correction elsewhere does not re-run it, and its build id is a hash over its
own inputs for the same reason. `notebooks` is the seam for running another notebook for
some kecamatan (or "ringkasan"): the substitute's own bytes then enter its fingerprint.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from briefs import hashing, paths
from briefs.params import Meeting
from briefs.render.page import page_for
from briefs.run.job import Inputs, Job

SUMMARY = "ringkasan"  # the summary's key, beside the kecamatan codes


def plan(meeting: Meeting, ds, codes: list[str], snapshot: Path, build_id: str, params_file: Path,
         quarto=None, notebooks: Mapping[str, Path] | None = None) -> list[Job]:
    """The jobs of one build; `ds` is the validated Dataset, `snapshot` where it was written."""
    notebooks = dict(notebooks or {})
    names = ds.wilayah.drop_duplicates("kode_kecamatan").set_index("kode_kecamatan")["kecamatan"]
    slugs = paths.unique_slugs({code: names[code] for code in codes})
    meeting_json = meeting.model_dump_json()
    common = {"meeting": meeting_json, "templates": hashing.tree_digest(paths.TEMPLATES),
              "environment": hashing.environment_digest(),
              "engine": f"{meeting.engine} {quarto.version}" if quarto else meeting.engine}
    digests: dict[Path, str] = {}

    def job(key: str, kind: str, title: str, name: str, slug: str, notebook: Path, data: Path,
            data_digest: str, job_id: str) -> Job:
        notebook = notebooks.get(key, notebook)
        if notebook not in digests:
            digests[notebook] = hashing.notebook_digest(notebook)
        # Paths relative to the root keep executed notebooks identical wherever the build runs.
        parameters = {"params_file": _rel(params_file), "snapshot": _rel(data), "build_id": job_id}
        if kind == "brief":
            parameters = {"kode_kecamatan": key, **parameters}
        inputs = Inputs(notebook=digests[notebook], data=data_digest, parameters=Inputs.of_parameters(parameters),
                        **common)
        return Job(key=key, kind=kind, title=title, name=name, slug=slug, notebook=_rel(notebook),
                   parameters=parameters, timeout=meeting.timeout,
                   page=page_for(meeting, kind=kind, title=title, build_id=job_id), inputs=inputs,
                   meeting_id=meeting.id, authors=tuple(meeting.organizers), engine=meeting.engine, quarto=quarto)

    whole = hashing.digest(*(f.read_bytes() for f in sorted(snapshot.glob("*.csv"))))  # not the slices beside
    jobs = [job(SUMMARY, "summary", f"Ringkasan {meeting.regency}", meeting.regency, paths.SUMMARY_SLUG,
                paths.SUMMARY_NOTEBOOK, snapshot, whole, build_id)]
    for code in codes:
        own = hashing.tree_digest(snapshot / "kecamatan" / code)
        jobs.append(job(code, "brief", meeting.district(names[code]), names[code], slugs[code], paths.BRIEF_NOTEBOOK,
                        snapshot / "kecamatan" / code, own, hashing.digest(own, meeting_json)[:8]))
    return jobs


def _rel(path: Path) -> str:
    """Like display_path, but resolved outside the root too: notebooks re-open these paths."""
    path = Path(path).resolve()
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)
