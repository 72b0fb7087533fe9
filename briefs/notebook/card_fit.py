"""How large a row of key-figure cards prints its figures, so that none runs into the next card.

A card's figure is one unbroken line (`white-space: nowrap`: a number split over two lines
is misread), and the cards of a row share one line of the page. At the house size, 17 pt,
six cards hold "137.520" with nothing to spare: a regency of a million workers
("1.234.567") printed its labour force across the next card's figure, and a reader saw
one long number where there were two. So `nb.kartu_angka` measures the row's widest
figure in the page's bold typeface and, when it does not fit, prints every figure of the
row smaller, a whole point at a time (one size for the row: a reader compares its figures).
Below `SMALLEST` the figure is too long for its row, and the analyst is told to split the row
or shorten the figure.

The widths mirror `templates/rakor/static/cells.css` (`.rk-card`) and the page frame:
`tests/test_card_fit.py` prints rows of long figures with the real engine and reads the
PDF back, so a change to either side that lets a figure cross its card fails there.
"""

from __future__ import annotations

from functools import lru_cache

from briefs import notice
from briefs.notebook import house_style

HOUSE = 17  # pt, `.rk-card-value` in cells.css
SMALLEST = 10  # pt: smaller, and the figures stop being what a reader sees first
_MM = 72 / 25.4  # pt
# The line the cards share on paper, the narrowest that does not move: A4's 210 mm less 18 mm
# margins (rakor.css @page). A screen's is up to 190 mm, and a narrower window wraps the cards.
_ROW = 174 * _MM
_GAP = 2 * _MM  # between two cards
_INSIDE = 2 * 2.2 * _MM + 2 * 1.8  # padding, and the heavier border of the card drawn first (`utama`)


def room(cards: int) -> float:
    """Points a figure may take in a row of `cards` cards."""
    return (_ROW - (cards - 1) * _GAP) / cards - _INSIDE


@lru_cache(maxsize=1)
def _face():
    """The bold face the figures print in, as the page falls back (Open Sans, else DejaVu Sans,
    wider: a row measured in it fits either), at 1.000 pt: a width in points, x 1.000."""
    from matplotlib import font_manager
    from PIL import ImageFont

    found = next((f for f in house_style.register_fonts() if f.endswith("OpenSans-Bold.ttf")), None)
    if found is None:  # matplotlib's own copy of DejaVu Sans
        found = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold"))
    # Basic layout: the same widths whether or not Pillow has libraqm (digits are tabular in both faces).
    return ImageFont.truetype(found, 1000, layout_engine=ImageFont.Layout.BASIC)


def width(text: str, size: float = HOUSE) -> float:
    """Points `text` takes printed bold at `size` points."""
    return _face().getlength(text) / 1000 * size


def size(figures: list[str]) -> int:
    """The size, in whole points, at which every one of a row's figures fits its card.

    `HOUSE` when they fit as they are; `SMALLEST` (and a notice naming the figure) when even
    that is too large.
    """
    if not figures:
        return HOUSE
    widest = max(figures, key=width)
    fits = int(HOUSE * room(len(figures)) / max(width(widest), 1e-9))
    if fits >= HOUSE:
        return HOUSE
    if fits < SMALLEST:
        notice.tell(f"nb.kartu_angka: angka kartu «{widest}» terlalu lebar untuk {len(figures)} kartu sebaris, "
                    f"bahkan pada {SMALLEST} pt, dan menabrak kartu di sebelahnya; bagi kartunya menjadi dua "
                    f"baris (dua kali nb.kartu_angka) atau singkat angkanya (mis. nb.rupiah_ringkas)")
        return SMALLEST
    return fits
