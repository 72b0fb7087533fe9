"""Small builders shared by test files: the mini data meeting, tiny notebooks and jobs."""

from __future__ import annotations

from pathlib import Path

import nbformat

from briefs import paths
from briefs.params import Meeting
from briefs.run.job import Inputs, Job

MINI = Path(__file__).parent / "fixtures" / "data" / "mini"


def meeting(folder: Path, **changes) -> Meeting:
    """A meeting over `folder` (the mini data: 3 nagari, 2 periods); a title to escape."""
    fields = dict(id="uji", title="Rakor <Uji> & Evaluasi", date="2026-11-24", place="Pulau Punjung",
                  regency="Kabupaten Uji", data=str(folder), period="2026-10", previous_period="2026-09",
                  target={"coverage": 32.15, "source": "RPJMN"}, sample=True)
    return Meeting.model_validate(fields | changes)


def notebook(folder: Path, parameters: str, *sources: str) -> str:
    """A notebook with a tagged parameters cell and the given code cells, in a new file."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(s) for s in sources]
    target = folder / f"nb{len(list(folder.glob('nb*.ipynb')))}.ipynb"
    nbformat.write(nb, target)
    return str(target)


def job(path: str, timeout: int = 30, **parameters) -> Job:
    """A brief job for a test notebook (no page: tests run the notebook, not the whole job)."""
    inputs = Inputs(notebook=path, data="", parameters=Inputs.of_parameters(parameters), meeting="", templates="",
                    environment="", engine="weasyprint")
    return Job(key="13.10.99", kind="brief", title="Kecamatan Uji", name="Uji", slug="uji", notebook=path,
               parameters=parameters, timeout=timeout, page=None, inputs=inputs, meeting_id="uji")



def brief_with(folder: Path, name: str, at: int, *cells) -> Path:
    """A copy of the real brief notebook with `cells` inserted before cell `at`, in `folder`."""
    nb = nbformat.read(paths.BRIEF_NOTEBOOK, as_version=4)
    nb.cells[at:at] = list(cells)
    target = folder / f"{name}.ipynb"
    nbformat.write(nb, target)
    return target
