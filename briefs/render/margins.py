"""Text a PDF prints beyond its page's side margins: cut off on paper, so never left unsaid.

A table of twelve columns of seven-digit figures is wider than A4's 174 mm line. The
engine lays it out past the right margin, and the page's edge cuts it: a reader saw "1.2"
of "1.234.576", a figure silently wrong. Charts are measured in the kernel
(`chart_checks`), but a table's width is the engine's to decide, so whatever engine made
the PDF, its text is read back here, one PDFium call for each side of a page (~5 ms a
brief), and the build reports what lies outside, page by page.
"""

from __future__ import annotations

from pathlib import Path

MM = 72 / 25.4  # PDF points in a millimetre
SIDE = 18 * MM  # left and right margins: rakor.css @page, templates/quarto/typst-template.typ
TOLERANCE = 1.0  # pt: an italic's overhang at the end of a line is not a cut
SHOWN = 60  # characters of the text outside quoted in the notice
_FAR = 1e5  # pt: past any page


def outside(pdf: Path) -> list[str]:
    """One notice per page and side whose text runs past the margin, quoting that text; it
    says "terpotong" when some of it lies past the paper's edge too, and is gone from the PDF."""
    import pypdfium2 as pdfium

    found = []
    document = pdfium.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, 1):
            width, _ = page.get_size()
            text = page.get_textpage()
            for side, margin, edge in (("kanan", (width - SIDE + TOLERANCE, _FAR), (width, _FAR)),
                                       ("kiri", (-_FAR, SIDE - TOLERANCE), (-_FAR, 0.0))):
                words = _between(text, *margin)
                if not words:
                    continue
                quoted = words if len(words) <= SHOWN else words[:SHOWN - 1] + "…"
                where = (f"melewati tepi {side} kertas dan terpotong" if _between(text, *edge) else
                         f"masuk ke margin {side} (18 mm) dan bisa terpotong saat dicetak")
                found.append(f"halaman {number}: teks {where}: «{quoted}»; tabel atau teks terlalu lebar untuk A4 "
                             f"tegak (174 mm): kurangi kolomnya, bagi menjadi dua tabel, atau singkat angkanya "
                             f"(mis. nb.rupiah_ringkas)")
    finally:
        document.close()
    return found


def _between(text, left: float, right: float) -> str:
    """The words a page prints between two distances from its left edge, top to bottom."""
    return " ".join(text.get_text_bounded(left=left, bottom=-_FAR, right=right, top=_FAR).split())
