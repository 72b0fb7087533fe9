"""The phone card's words and figures, handed by a notebook cell to the build: `nb.kartu_hp`.

Officials glance at a brief on a phone in the rakor's WhatsApp group; the build makes each
brief (and the summary) a portrait card for that (`kartu/<nama>.png`, briefs/render/card.py).
Like everything an official reads, its figures come from the notebook, so the card agrees
with the brief: one cell calls `kartu_hp` with what the brief already computed. The call
shows nothing on the brief's page: its output carries the content under `MIMETYPE`, which
the build takes off the page and renders into the card; JupyterLab shows a line of text.
The card's frame (kecamatan, meeting, data period, build id, DATA CONTOH) comes from the
build, as the page's header and footer do.
"""

from __future__ import annotations

from collections.abc import Sequence

from IPython.display import display

from briefs.notebook.snippets import Kartu

MIMETYPE = "application/vnd.rakor.kartu+json"  # briefs/render/card.py reads the same (a test holds them equal)
MAX_ANGKA = 3  # figures besides the main one: a phone shows a few numbers, not a table


def kartu_hp(utama: Kartu, angka: Sequence[Kartu], aksi: str) -> None:
    """Hand the build the phone card: the main figure, up to three others, and the one action asked.

    `utama` and `angka` are `nb.kartu(label, nilai, keterangan)` with values already
    formatted (nb.persen, nb.angka), the same expressions as the brief's own figures;
    `aksi` is one sentence, the action the "Tindak lanjut" box asks for. Call it once per
    notebook: the last call wins and the build reports the others.

    Raises for what is wrong in the cell's code (more than three figures, a number not yet
    formatted, an empty label or action). Text too long for the card is not raised: a
    figure's length comes from the data ("3.123 dari 5.703" at national scale), and one
    long value must not cost the kecamatan its brief. The build then makes no card and
    reports why (briefs/render/card.py checks the lengths), as it does for text that runs
    past one screen.
    """
    figures = [utama, *angka]
    if not all(isinstance(k, Kartu) for k in figures):
        raise TypeError("kartu_hp: utama dan setiap angka harus nb.kartu(label, nilai, keterangan)")
    if len(angka) > MAX_ANGKA:
        raise ValueError(f"kartu_hp: paling banyak {MAX_ANGKA} angka selain angka utama (ada {len(angka)}); "
                         f"kartu ponsel dibaca sekilas")
    for k in figures:
        _given(f"nilai {k.label!r}", k.nilai)
        _given("label", k.label)
        _given(f"keterangan {k.label!r}", k.keterangan, required=False)
    _given("aksi", aksi)
    content = {"utama": _figure(utama), "angka": [_figure(k) for k in angka], "aksi": aksi.strip()}
    display({MIMETYPE: content, "text/plain": _text(utama, angka, aksi)}, raw=True)


def _figure(k: Kartu) -> dict:
    return {"label": k.label.strip(), "nilai": k.nilai.strip(), "keterangan": k.keterangan.strip()}


def _given(what: str, text: object, required: bool = True) -> None:
    if not isinstance(text, str):
        raise TypeError(f"kartu_hp: {what} harus teks (sudah diformat, mis. nb.angka(...)), bukan {type(text).__name__}")
    if required and not text.strip():
        raise ValueError(f"kartu_hp: {what} kosong")


def _text(utama: Kartu, angka: Sequence[Kartu], aksi: str) -> str:
    """What JupyterLab shows for the cell: the card's content on one line each."""
    lines = ["Kartu ponsel (dibuat saat build, kartu/<nama>.png):"]
    lines += [f"  {k.label}: {k.nilai}" + (f" ({k.keterangan})" if k.keterangan else "") for k in [utama, *angka]]
    return "\n".join(lines + [f"  Yang diminta: {aksi.strip()}"])
