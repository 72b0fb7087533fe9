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

A label that wraps ("Menuju target 32,15%" in six cards) put its card's figure a line below
its neighbours', and the row's figures, which a reader compares, no longer stood on one
line. So the row also counts the lines its longest label takes (`label_lines`), and every
label of the row keeps that many lines' height: the figures stand level again. A word wider
than its card ("Pertanggungjawaban" in six cards) ran across the card's edge; the page now
breaks it inside, the count follows, and the analyst is told.

The widths mirror `templates/rakor/static/cells.css` (`.rk-card`) and the page frame:
`tests/test_card_fit.py` prints rows of long figures with the real engine and reads the
PDF back, so a change to either side that lets a figure cross its card fails there.
"""

from __future__ import annotations

import re
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
_PADDING = 2.2 * _MM  # left and right, inside a card
_BORDER, _BORDER_UTAMA = 0.8, 1.8  # a card's border; the heavier one of the card drawn first (`utama`)
_INSIDE = 2 * _PADDING + 2 * _BORDER_UTAMA  # every card taken as the heavier: a figure's room errs small
LABEL = 7.5  # pt, `.rk-card-label`
NOTE = 7.0  # pt, `.rk-card-note`
MOST_LINES = 4  # `.rk-label-2` to `.rk-label-4` in cells.css; a longer label is the analyst's to shorten
_SLACK = 0.1  # pt: a label this close to the edge counts as wrapping (HarfBuzz and Pango agree to ~0,02 pt)


def room(cards: int) -> float:
    """Points a figure may take in a row of `cards` cards."""
    return (_ROW - (cards - 1) * _GAP) / cards - _INSIDE


def label_room(cards: int, heavy: int = 1) -> float:
    """Points a label's line has in a row of `cards` cards, `heavy` of them drawn heavier.

    The cards share the row with `flex: 1 1 0`: every card gets the same content width,
    and a heavier border takes its extra from the row, not from its own card alone.
    """
    borders = 2 * (_BORDER * (cards - heavy) + _BORDER_UTAMA * heavy)
    return (_ROW - (cards - 1) * _GAP - cards * 2 * _PADDING - borders) / cards


@lru_cache(maxsize=2)
def _face(bold: bool = True):
    """The face the figures (bold) or labels print in, as the page falls back (Open Sans, else
    DejaVu Sans, wider: a row measured in it fits either), at 1.000 pt: a width in points, x 1.000.

    Figures are measured with Pillow's basic layout, the same widths whether or not Pillow has
    libraqm (digits are tabular in both faces). Labels are words, which the page kerns: they are
    shaped as Pango shapes them (HarfBuzz, through libraqm) when Pillow has it; basic layout,
    which does not kern, measures them a little wide, so a label counts a line more, never fewer.
    """
    from matplotlib import font_manager
    from PIL import ImageFont, features

    name = "OpenSans-Bold.ttf" if bold else "OpenSans-Regular.ttf"
    found = next((f for f in house_style.register_fonts() if f.endswith(name)), None)
    if found is None:  # matplotlib's own copy of DejaVu Sans
        found = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans",
                                                                  weight="bold" if bold else "normal"))
    shaped = not bold and features.check("raqm")
    return ImageFont.truetype(found, 1000, layout_engine=ImageFont.Layout.RAQM if shaped else ImageFont.Layout.BASIC)


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


_PIECES = re.compile(r"\S+?(?:[-\u2013\u2014/](?=\S)|\s+|$)")  # a word, up to a space or after a hyphen, dash or slash


def _wrap(text: str, size: float, room_: float) -> tuple[int, str]:
    """Lines `text` takes at `size` points in lines of `room_` points, wrapped as the page wraps
    it, and its first word wider than a whole line ("" if none), which the page breaks inside
    (`overflow-wrap: break-word`, cells.css): on a line of its own, a character at a time."""
    face = _face(bold=False)

    def wide(line: str) -> float:
        return face.getlength(line.rstrip()) / 1000 * size

    lines, line, overlong = 1, "", ""
    for piece in _PIECES.findall(text.strip()):
        if line and wide(line + piece) > room_:
            lines, line = lines + 1, ""
        if wide(piece) <= room_:
            line += piece
            continue
        overlong = overlong or next((word for word in text.split() if piece.strip() in word), piece.strip())
        for char in piece:
            if line and wide(line + char) > room_:
                lines, line = lines + 1, ""
            line += char
    return lines, overlong


def _tell_overlong(kind: str, text: str, word: str, cards: int) -> None:
    notice.tell(f"nb.kartu_angka: {kind} kartu «{text}»: kata «{word}» lebih lebar dari kartunya ({cards} kartu "
                f"sebaris) dan dipotong di tengah kata; pendekkan atau pisahkan katanya, atau bagi kartunya menjadi "
                f"dua baris (dua kali nb.kartu_angka)")


def label_lines(labels: list[str], heavy: int = 1, slack: float = _SLACK) -> int:
    """Lines the row's longest label takes on the A4 line, wrapped as the page wraps it: at
    spaces, and after a hyphen, dash or slash; a line within `slack` points of the edge counts
    as full. At most `MOST_LINES`. A word wider than its card is reported: the page breaks it."""
    room_ = label_room(len(labels), heavy) - slack if labels else 0.0
    most, longest = 1, ""
    for label in labels:
        lines, overlong = _wrap(label, LABEL, room_)
        if overlong:
            _tell_overlong("label", label, overlong, len(labels))
        if lines > most:
            most, longest = lines, label
    if most > MOST_LINES:
        notice.tell(f"nb.kartu_angka: label kartu «{longest}» terlipat menjadi {most} baris di {len(labels)} kartu "
                    f"sebaris; angkanya tidak lagi sejajar dengan angka kartu lain (paling banyak {MOST_LINES} "
                    f"baris): pendekkan labelnya, pindahkan penjelasannya ke keterangan kartu, atau bagi kartunya "
                    f"menjadi dua baris (dua kali nb.kartu_angka)")
    return min(most, MOST_LINES)


def check_notes(notes: list[str], heavy: int = 1) -> None:
    """Report a word of a card's note (its line of context) wider than its card: the page breaks it."""
    for note in notes:
        _, overlong = _wrap(note, NOTE, label_room(len(notes), heavy) - _SLACK)
        if overlong:
            _tell_overlong("keterangan", note, overlong, len(notes))
