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
MAX_NILAI = 12  # characters of a figure, kept on one line in large type ("108.641", "23 dari 72", "Tercapai")
MAX_TEKS = 600  # a sanity bound on a label, context or the action; what does not fit one screen the build reports


def kartu_hp(utama: Kartu, angka: Sequence[Kartu], aksi: str) -> None:
    """Hand the build the phone card: the main figure, up to three others, and the one action asked.

    `utama` and `angka` are `nb.kartu(label, nilai, keterangan)` with values already
    formatted (nb.persen, nb.angka), the same expressions as the brief's own figures;
    `aksi` is one sentence, the action the "Tindak lanjut" box asks for. Call it once per
    notebook: the last call wins and the build reports the others. Raises ValueError for
    more than three figures or a figure too long for one line; text that makes the card
    longer than one screen is reported by the build (no card), not refused here, since
    nagari names come from data.
    """
    figures = [utama, *angka]
    if not all(isinstance(k, Kartu) for k in figures):
        raise TypeError("kartu_hp: utama dan setiap angka harus nb.kartu(label, nilai, keterangan)")
    if len(angka) > MAX_ANGKA:
        raise ValueError(f"kartu_hp: paling banyak {MAX_ANGKA} angka selain angka utama (ada {len(angka)}); "
                         f"kartu ponsel dibaca sekilas")
    for k in figures:
        _fits(f"nilai {k.label!r}", k.nilai, MAX_NILAI)
        _fits("label", k.label, MAX_TEKS)
        _fits(f"keterangan {k.label!r}", k.keterangan, MAX_TEKS, required=False)
    _fits("aksi", aksi, MAX_TEKS)
    content = {"utama": _figure(utama), "angka": [_figure(k) for k in angka], "aksi": aksi.strip()}
    display({MIMETYPE: content, "text/plain": _text(utama, angka, aksi)}, raw=True)


def _figure(k: Kartu) -> dict:
    return {"label": k.label.strip(), "nilai": k.nilai.strip(), "keterangan": k.keterangan.strip()}


def _fits(what: str, text: object, limit: int, required: bool = True) -> None:
    if not isinstance(text, str):
        raise TypeError(f"kartu_hp: {what} harus teks (sudah diformat, mis. nb.angka(...)), bukan {type(text).__name__}")
    if required and not text.strip():
        raise ValueError(f"kartu_hp: {what} kosong")
    if len(text.strip()) > limit:
        raise ValueError(f"kartu_hp: {what} terlalu panjang untuk kartu ponsel ({len(text.strip())} karakter, "
                         f"paling banyak {limit})")


def _text(utama: Kartu, angka: Sequence[Kartu], aksi: str) -> str:
    """What JupyterLab shows for the cell: the card's content on one line each."""
    lines = ["Kartu ponsel (dibuat saat build, kartu/<nama>.png):"]
    lines += [f"  {k.label}: {k.nilai}" + (f" ({k.keterangan})" if k.keterangan else "") for k in [utama, *angka]]
    return "\n".join(lines + [f"  Yang diminta: {aksi.strip()}"])
