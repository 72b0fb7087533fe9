"""rakor-briefs: coverage briefs of BPJS Ketenagakerjaan per kecamatan, from Jupyter notebooks.

The pipeline runs one way: params -> data -> execute -> render -> release.
Each stage is one module; `briefs.cli` is the thin command line over them.
"""

__version__ = "0.1.0"
