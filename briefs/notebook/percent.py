"""`nb.persen` and `nb.persen_kata`: a share written as a percentage, with a word for a share that is not one.

Both take a fraction (0.272 → 27,2%), as every share in the data is. Handed a value
already in persen (27.2 from `rapat.target.coverage`, or a column multiplied by 100 for a
chart), they write 2.720,0%: a figure no official should read and nobody checks in eleven
briefs. So a value above 1 (or below −1) is written as asked and `notice.tell`s the analyst,
who divides by 100, or says the value may pass 100% (`boleh_lebih_100=True`: a target met
one and a half times, a doubling). A data row with more participants than labour force
gives a coverage above 1 too: the data check has named that row already, and the notice
says which figure it reached. A share divided by zero (∞%) is told whatever the caller allows.
"""

from __future__ import annotations

from decimal import Decimal

from briefs import fmt
from briefs.notebook import notice


def persen(fraction: float | Decimal | None, digits: int = 1, *, boleh_lebih_100: bool = False) -> str:
    """A share as a percentage for tables, cards and charts: 0.21 → '21,0%'."""
    text = fmt.persen(fraction, digits)
    _check("persen", fraction, text, boleh_lebih_100, digits)
    return text


def persen_kata(fraction: float | Decimal | None, digits: int = 1, *, boleh_lebih_100: bool = False) -> str:
    """A share in running prose, as official documents write it: 0.21 → '21,0 persen'."""
    text = fmt.persen_kata(fraction, digits)
    _check("persen_kata", fraction, text, boleh_lebih_100, digits)
    return text


def _check(name: str, fraction: object, text: str, allowed: bool, digits: int) -> None:
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
    given = fmt.angka(value, min(fmt.desimal_tertulis(value), 4))
    notice.tell(f"nb.{name} menerima pecahan (0,272 ditulis 27,2%), tetapi mendapat {given} dan menulis {text}; "
                f"bila nilainya sudah dalam persen, bagi dengan 100; bila memang boleh lebih dari 100%, "
                f"tulis nb.{name}(..., boleh_lebih_100=True)")
