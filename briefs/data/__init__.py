"""Stage 2, data: the analyst's files in, one validated `Dataset` and its snapshot out.

`load` reads the four tables (`intake`: CSV or XLSX as the analyst sees them, within
bounds), types and checks them against the declared schema (`schema`), checks them
against each other and the meeting (`reconcile`, `load`), and reports every row read,
used or reported (`report`). `figures` computes the key-figure tables once; `slices`
cuts each brief its own rows. Nothing here runs a notebook.
"""

from briefs.data.load import TABLES, TEXT, DataError, Dataset, load, read_snapshot, resolve_kecamatan, write_snapshot  # noqa: F401
from briefs.data.report import DataReport, TableReport, describe_source, report_text  # noqa: F401
