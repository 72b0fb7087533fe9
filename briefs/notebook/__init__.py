"""What the notebooks import (`from briefs import notebook as nb`): data, style, formats, snippets.

The analysis lives in the notebook cells, in plain pandas and matplotlib. This package
gives those cells what they should not have to write: the meeting and its data slice
(`load`), the house style installed in the kernel (`house_style`: `templates/rakor.mplstyle`,
any figure as a deterministic grayscale PNG, any DataFrame as an Indonesian table),
Indonesian formats (`angka`, `persen`, `rupiah`, …), chart decorations (`charts`), tables
with control (`tables.tabel`) and the page's snippets (`snippets`).
"""

from briefs.data.figures import IURAN_JKK, IURAN_JKM, IURAN_PEKERJA_RENTAN, SEGMEN  # noqa: F401
from briefs.fmt import (  # noqa: F401
    daftar,
    durasi,
    jamak,
    periode,
    periode_singkat,
    rupiah,
    rupiah_ringkas,
    tanggal,
)
from briefs.notebook import house_style
from briefs.notebook.charts import (  # noqa: F401
    ARSIR,
    FULL,
    GELAP,
    HALF,
    PUTIH,
    SEDANG,
    TERANG,
    cm,
    garis_acuan,
    label_batang,
    label_bulan,
    label_ujung,
    legenda,
    persen_target,
    tinggi_grafik,
)
from briefs.notebook.formats import angka, angka_bertanda, persen, persen_kata  # noqa: F401
from briefs.notebook.load import Brief, Summary, load_brief, load_summary  # noqa: F401
from briefs.notebook.phone_card import kartu_hp  # noqa: F401
from briefs.notebook.snippets import Kartu, catatan, judul, kartu, kartu_angka, kotak, render  # noqa: F401
from briefs.notebook.tables import tabel  # noqa: F401

house_style.apply()  # a notebook that only imports this package gets the house style too
