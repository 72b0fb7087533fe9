"""The formats a notebook calls through `nb`, with a word for a value they would write wrongly.

The figures are `briefs.fmt`'s, as the page frame, the index and the tables write them.
What is added here is the one thing a format cannot see from the build: what the
analyst meant. Each of these returns text that goes into an f-string, a card or a chart
label, perhaps in another cell, so it has no output of its own to carry a warning; it
writes the text as asked and `notice.tell`s the analyst, and the build reports it beside
the cell (`briefs/notice.py`).

- `persen`, `persen_kata` take a fraction (0.272 → 27,2%). A value already in persen
  (27.2 from `rapat.target.coverage`, or a column multiplied by 100 for a chart) writes
  2.720,0%: a figure no official should read and nobody checks in eleven briefs. So a
  share written above 100% (or below −100%) is told, unless the caller says it may pass
  100% (`boleh_lebih_100=True`: a target met one and a half times, a doubling). A data row
  with more participants than labour force gives a coverage above 1 too: the data check
  has named that row already, and the notice says which figure it reached. A share divided
  by zero (∞%) is told whatever the caller allows.
- `angka`, `angka_bertanda` write whole numbers unless given decimals: they are for
  counts. A share or an average handed to them loses what it says (0,272 is written 0,
  2,5 is written 3), so a value that rounding to a whole number moves by more than a
  tenth is told, with the decimals that keep two of its digits, unless the caller asked
  for a whole number (`nb.angka(x, 0)`). A count divided by zero (∞) is told too.
"""

from __future__ import annotations

import math
from decimal import Decimal

from briefs import fmt, notice

Number = float | int | Decimal | None
WHOLE_TOLERANCE = Decimal("0.1")  # rounding 9,5 to 10 (5 %) is a choice; 2,5 to 3 (20 %) changes the figure
FLOAT_NOISE = Decimal("1e-6")  # 0.1 + 0.2 - 0.3 is 5,6e-17: a zero, written 0 rightly


def persen(fraction: Number, digits: int = 1, *, boleh_lebih_100: bool = False) -> str:
    """A share as a percentage for tables, cards and charts: 0.21 → '21,0%'."""
    text = fmt.persen(fraction, digits)
    _check_share("persen", fraction, text, boleh_lebih_100, digits)
    return text


def persen_kata(fraction: Number, digits: int = 1, *, boleh_lebih_100: bool = False) -> str:
    """A share in running prose, as official documents write it: 0.21 → '21,0 persen'."""
    text = fmt.persen_kata(fraction, digits)
    _check_share("persen_kata", fraction, text, boleh_lebih_100, digits)
    return text


def angka(x: Number, digits: int | None = None) -> str:
    """A count or measure with a dot for thousands and a comma for decimals: 137.520.

    `digits` left out: a whole number, and a word if that changes the figure; 0 given: a
    whole number, rounded on purpose.
    """
    text = fmt.angka(x, digits or 0)
    _check_whole("angka", x, text, digits)
    return text


def angka_bertanda(x: Number, digits: int | None = None) -> str:
    """A change with its sign, for 'since last period' figures: +212, −35, 0 (`digits` as for `angka`)."""
    text = fmt.angka_bertanda(x, digits or 0)
    _check_whole("angka_bertanda", x, text, digits)
    return text


def _check_share(name: str, fraction: Number, text: str, allowed: bool, digits: int) -> None:
    """Tell the analyst when `text` shows more than 100% (or less than −100%) and that was not said to be fine."""
    if text == "–":
        return
    value = fmt.desimal(fraction)  # type: ignore[arg-type]
    if not value.is_finite():  # peserta ÷ 0: no share at all, allowed or not
        notice.tell(f"nb.{name} mendapat pembagian dengan nol dan menulis {text}; periksa penyebutnya "
                    f"(angkatan kerja 0?) dan tulis '–' atau keterangan untuk nilai itu")
        return
    if allowed or abs(fmt.dibulatkan(value.scaleb(2), digits)) <= 100:  # as written: 1.0000001 shows 100,0%
        return
    notice.tell(f"nb.{name} menerima pecahan (0,272 ditulis 27,2%), tetapi mendapat {_given(value)} dan menulis "
                f"{text}; bila nilainya sudah dalam persen, bagi dengan 100; bila memang boleh lebih dari 100%, "
                f"tulis nb.{name}(..., boleh_lebih_100=True)")


def _check_whole(name: str, x: Number, text: str, digits: int | None) -> None:
    """Tell the analyst when a whole number written for a fraction or a small average says something else."""
    if text == "–" or isinstance(x, bool):
        return
    value = fmt.desimal(x)  # type: ignore[arg-type]
    if not value.is_finite():  # a count ÷ 0
        notice.tell(f"nb.{name} mendapat pembagian dengan nol dan menulis {text}; periksa penyebutnya "
                    f"dan tulis '–' atau keterangan untuk nilai itu")
        return
    if digits is not None or abs(value) < FLOAT_NOISE or value == value.to_integral_value():
        return
    written = fmt.dibulatkan(value, 0)
    if abs(written - value) <= WHOLE_TOLERANCE * abs(value):
        return
    keep = min(fmt.desimal_tertulis(value), max(1, 1 - math.floor(math.log10(abs(value)))))  # 0,27; 2,5; 0,4
    notice.tell(f"nb.{name} menulis bilangan bulat: {_given(value)} tertulis {text}; untuk persen tulis "
                f"nb.persen(x), untuk desimal nb.{name}(x, {keep}) ({fmt.angka(value, keep)}); "
                f"bila memang dibulatkan, tulis nb.{name}(x, 0)")


def _given(value: Decimal) -> str:
    """The value as handed over, in Indonesian digits, up to four decimals: what the analyst looks for."""
    shown = fmt.dibulatkan(value, 4)
    return fmt.angka(shown, fmt.desimal_tertulis(shown))
