"""Indonesian number, money and date formats, built on Babel's `id` locale.

One module for notebooks and templates alike, so a figure reads the same in a chart
label, a table, the PDF header and the index page: 137.520; 21,0%; 21,0 persen;
Rp16.800; Rp3,2 miliar; Selasa, 24 November 2026; Oktober 2026.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import format_decimal

from briefs import periods

LOCALE = "id"
_MISSING = "–"


def _missing(x: object) -> bool:
    """None, or a NaN of any kind (float, numpy's float32, Decimal), or pandas' NA."""
    if x is None:
        return True
    try:
        return bool(x != x)  # only a NaN differs from itself
    except TypeError:  # pandas' NA: comparing it gives NA, which has no truth value
        return True


def desimal(x: float | int | Decimal) -> Decimal:
    """`x` as the decimal a reader sees: 0.2175, not the binary 0.21749999… a float holds.

    A float becomes the shortest decimal that reads back as it (what Python prints, and what
    a reader checking a figure types into a calculator); whole numbers stay exact.
    """
    if isinstance(x, Decimal):
        return x
    if isinstance(x, numbers.Integral):  # int, bool, numpy's integers
        return Decimal(int(x))
    return Decimal(repr(float(x)))


def desimal_tertulis(x: float | int | Decimal) -> int:
    """How many decimals `x` is written with, as a reader sees it: 32.15 → 2, 30.0 → 0, 1e-05 → 5."""
    return max(0, -desimal(x).normalize().as_tuple().exponent)


def dibulatkan(x: float | int | Decimal, digits: int = 0) -> Decimal:
    """`x` rounded to `digits` decimals as officials round, and Excel's ROUND: halves away from zero.

    Every figure of every page is rounded here, once, from `desimal(x)`: 32,25 → 32,3 (Babel's
    own halves-to-even wrote 32,2), and a number rounded for the data slices (the regency
    average a brief shows) reads as the summary shows it. Never '−0': a tiny negative is 0.
    """
    value = desimal(x)
    if not value.is_finite():
        return value  # Babel writes an infinity as ∞
    with _room(value, digits):
        value = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return value.copy_abs() if value.is_zero() else value


def _room(value: Decimal, digits: int):
    """A decimal context with room for every digit kept (1e30 with two decimals: 33 digits)."""
    return localcontext(prec=max(28, value.adjusted() + digits + 2) if value.is_finite() else 28)


def angka(x: float | int | Decimal | None, digits: int = 0) -> str:
    """A count or measure with a dot for thousands and a comma for decimals: 137.520."""
    if _missing(x):
        return _MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    value = dibulatkan(x, digits)
    with _room(value, digits):  # Babel quantizes again (a no-op now), in the current context
        return format_decimal(value, format=pattern, locale=LOCALE)


def angka_bertanda(x: float | int | Decimal | None, digits: int = 0) -> str:
    """A change with its sign, for 'since last period' figures: +212, −35, 0."""
    if _missing(x):
        return _MISSING
    value = dibulatkan(x, digits)
    if value.is_zero():
        return angka(0, digits)
    return ("+" if value > 0 else "−") + angka(value.copy_abs(), digits)


def _per_seratus(fraction: float | int | Decimal) -> Decimal:
    """A fraction in percent, shifted as a decimal (0.2175 → 21.75), not multiplied as a float."""
    return desimal(fraction).scaleb(2)


def persen(fraction: float | None, digits: int = 1) -> str:
    """A share as a percentage with the sign, for tables and charts: 0.21 -> '21,0%'."""
    if _missing(fraction):
        return _MISSING
    return angka(_per_seratus(fraction), digits) + "%"


def persen_kata(fraction: float | None, digits: int = 1) -> str:
    """A share in running prose, as official documents write it: '21,0 persen'."""
    if _missing(fraction):
        return _MISSING
    return angka(_per_seratus(fraction), digits) + " persen"


def poin(points: float | None, digits: int = 1) -> str:
    """A change of a percentage in percentage points: +1,2 poin."""
    if _missing(points):
        return _MISSING
    return angka_bertanda(_per_seratus(points), digits) + " poin"


# The nouns a count of people or places is written with (245 peserta, 3 nagari), villages by
# every name a params file's `village_term` commonly gives them.
_ORANG_ATAU_TEMPAT = (r"(?:peserta|pekerja|nagari|desa|kelurahan|kalurahan|gampong|kampung|pekon|tiyuh|lembang|"
                      r"negeri|ohoi|nagori|agen|orang|jiwa)")

# A number as Python writes it, that an Indonesian reader misreads: English thousands (f"{x:,}"
# writes 137520 as 137,520, which reads as 137 and a fraction; 1,234.5), or a point before one,
# two or four and more decimals (0.2716216216, 12.5), or three after a lone 0 (0.272). Three
# after a point otherwise (16.800) is our own thousands, a leading 0, (0,125) our own decimals,
# several points (13.10.04) a code, and a clock time (pukul 09.30, 09.30 WIB) a time: none is
# matched. A full stop or comma after a number is punctuation. And a whole number of five or
# six digits with no thousands at all (f"{x}" writes 15659), or of four before a count of
# people or places (6338 orang) or after a word of change (naik 1245: a change is counted,
# where "sejak 2025" is dated): a year has four digits, a BPS code seven or more, and one
# inside a word (a build id) is no number, unless the word is Rp. The same holds for one of
# four to six digits with a decimal comma and no thousands (f"{x:.1f}".replace(".", ",")
# writes 12345,6); two years (2025,2026) are not one. Python's look-behind takes one width
# at a time, so the words of change are one look-behind each. The pattern first asks for a
# digit, so a position without one fails before any look-behind: 0,19 → 0,03 ms on a brief's
# 19.000 characters of text.
_SESUDAH_PERUBAHAN = "(?:" + "|".join(
    f"(?<={word} )" for word in ("naik", "turun", "bertambah", "berkurang", "sebanyak", "sejumlah", "selisih")) + ")"
_BUKAN_DALAM_KATA = r"(?:(?<=Rp)|(?<![^\W\d]))"  # a build id's digits are no number; Rp15659's are
_MENTAH = re.compile(
    r"(?=-?\d)(?<![\d.,])(?<![Pp]ukul )(?<![Jj]am )-?(?:[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+\.(?:\d{1,2}|\d{4,})|0\.\d{3}"
    rf"|{_BUKAN_DALAM_KATA}[1-9]\d{{3,5}},\d{{1,2}}(?![^\W\d])"
    rf"|{_BUKAN_DALAM_KATA}[1-9]\d{{4,5}}(?![^\W\d])|[1-9]\d{{3}}(?=\s{_ORANG_ATAU_TEMPAT}\b)"
    rf"|{_SESUDAH_PERUBAHAN}-?[1-9]\d{{3}})"
    r"(?!\d|[.,]\d|\s?WI(?:B|TA|T)\b)"
)


def angka_mentah(text: str) -> str | None:
    """The first number in `text` written as Python writes it (0.2716216, 12.5, 137,520); None if none.

    One rule for every place an analyst's text reaches a reader: printed output, Markdown,
    HTML, and the texts drawn in a chart.
    """
    found = _MENTAH.search(text)
    return found.group() if found else None


def daftar(items: list[str], kata: str = "dan") -> str:
    """Join the way Indonesian prose does: 'A', 'A dan B', 'A, B dan C'."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {kata} {items[-1]}" if items else ""


def jenis_daerah(nama: str) -> str:
    """What the pages call a regency as a whole: 'kota' for 'Kota Padang', else 'kabupaten'.

    A regency's official name says which it is ('Kabupaten Dharmasraya', 'Kota Padang'), so
    the params file needs no second key: a city's summary reads "rata-rata kota", never
    "rata-rata kabupaten".
    """
    words = nama.split()
    return "kota" if words and words[0].casefold() == "kota" else "kabupaten"


def jamak(kata: str) -> str:
    """A noun as Indonesian stresses many of it: 'nagari' -> 'nagari-nagari', 'desa' -> 'desa-desa'.

    A word of several parts ('desa/kelurahan', 'desa adat') is left as it is, which reads
    as plural too: 'desa/kelurahan-desa/kelurahan' would not.
    """
    return f"{kata}-{kata}" if kata.isalpha() else kata


def semua_angka_mentah(texts: list[str]) -> list[str]:
    """Every number in `texts` that `angka_mentah` finds, each once, in order of appearance.

    A cell printing two raw numbers gets one notice naming both: naming only the first, the
    second showed only once the first was fixed, a rebuild later.
    """
    return list(dict.fromkeys(found.group() for text in texts for found in _MENTAH.finditer(text)))


def salah_baca(raw: str, lainnya: list[str] | tuple[str, ...] = ()) -> str:
    """How a reader misreads `raw` (from `angka_mentah`) and how to write it instead, for the analyst;
    then `lainnya`, the other numbers written so in the same output, listed (at most five).

    '137,520' is the one case that reads two ways: f"{x:,}"'s thousands, which a reader
    here takes for 137 and a fraction, or our own three decimals, which a reader used to
    English software takes for thousands. Either way it is written another way.
    """
    said = _salah_baca(raw)
    if not lainnya:
        return said
    listed = [f"({other[:30]})" for other in lainnya[:5]] + ([f"{len(lainnya) - 5} lagi"] if len(lainnya) > 5 else [])
    return f"{said}; juga {angka(len(lainnya))} angka lain yang tertulis begitu: {daftar(listed)}"


def _salah_baca(raw: str) -> str:
    sign = "−" if raw.startswith("-") else ""
    if re.fullmatch(r"-?[1-9]\d{3,5}(?:,\d{1,2})?", raw):
        whole, _, part = raw.lstrip("-").partition(",")
        house = angka(int(whole)) + (f",{part}" if part else "")
        return f"({raw}) tanpa titik ribuan; tulis dengan nb.angka ({sign}{house})"
    if re.fullmatch(r"-?[1-9]\d{0,2},\d{3}", raw):
        whole, part = raw.lstrip("-").split(",")
        return (f"({raw}): pembaca membacanya {sign}{whole} koma {part}, atau ribuan bila terbiasa cara Inggris; "
                f"tulis ribuan dengan nb.angka ({sign}{whole}.{part}) dan desimal dengan satu, dua atau empat angka "
                f"di belakang koma")
    return f"({raw}) dan pembaca membacanya begitu; tulis dengan nb.angka atau nb.persen"


# A figure as a reader reads one from the data: a share (27,2%), our own thousands (18.682),
# decimals (3,5), rupiah (Rp16.800), a scale (1,2 juta) or a count of people or places (245
# peserta, 3 nagari). A year, a code (13.10.04), a clock time (09.30), a date or a bare
# small number (12 bulan) is not one. Typed into a Markdown cell, such a figure is the same
# in every kecamatan's brief and stays when the data changes.
_BILANGAN = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"  # 18.682; 27,2; 245
_TERKETIK = re.compile(
    rf"(?<![\w.,])(?:Rp\.?\s?{_BILANGAN}(?:\s(?:ribu|juta|miliar|triliun)\b)?"
    rf"|{_BILANGAN}\s?%"
    rf"|{_BILANGAN}\s(?:ribu|juta|miliar|triliun|{_ORANG_ATAU_TEMPAT})\b"
    r"|(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3},\d+)(?!\d|[.,]\d))"
)


# A count under ten of people or places: "1 nagari", "3 peserta".
_HITUNGAN_KECIL = re.compile(rf"\d\s{_ORANG_ATAU_TEMPAT}")


def angka_terketik(text: str, hitungan_kecil: bool = True) -> str | None:
    """The first figure in `text` that reads as one from the data (27,2%; 18.682; 245 peserta); None if none.

    `hitungan_kecil=False` passes over a count under ten ("1 nagari"): in a code cell's
    string it is written in a branch that counted first (`if len(nagari) == 1:`), while a
    share, a thousand or a rupiah there was copied from somewhere.
    """
    for found in _TERKETIK.finditer(text):
        if hitungan_kecil or not _HITUNGAN_KECIL.fullmatch(found.group()):
            return found.group()
    return None


# A number written the English way: 1,500; 1,234.5; −0.25; 12.5%.
_INGGRIS = re.compile(r"([−-])?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%?)")


def dari_inggris(text: str, *values: float) -> str | None:
    """`text`, a number written the English way ('1,500', '12.5%'), written the Indonesian way,
    if it reads back as one of `values` at its own precision; None when it is not such a number.

    For what an analyst formatted with Python's own separators (a Styler's '{:,.1f}', a chart's
    StrMethodFormatter): '1,500' is 1,5 to an Indonesian reader. A text that does not read back
    as the value it stands for (a code, a year, '1,500' meaning 1,5 already) is left alone.
    """
    m = _INGGRIS.fullmatch(text)
    if not m or ("," not in text and "." not in text):
        return None
    sign, whole, decimals, percent = m.groups()
    shown = float(whole.replace(",", "") + ("." + decimals if decimals else "")) * (-1 if sign else 1)
    digits = len(decimals or "")
    for value in values:
        if abs(shown - value) <= 0.5 * 10 ** -digits + 1e-9:
            return angka(value, digits).replace("-", "−") + percent
    return None


_SCALES = ((1e12, "triliun"), (1e9, "miliar"), (1e6, "juta"))


def rupiah(x: float | int | None) -> str:
    """Money without decimals and without a space after Rp: Rp16.800."""
    if _missing(x):
        return _MISSING
    sign = "−" if x < 0 else ""
    return f"{sign}Rp{angka(abs(x))}"


def rupiah_ringkas(x: float | int | None) -> str:
    """Large sums the way officials say them: Rp3,2 miliar, Rp450 juta."""
    if _missing(x):
        return _MISSING
    for scale, word in _SCALES:
        if abs(x) >= scale:
            value = x / scale
            digits = 0 if dibulatkan(value, 1) == dibulatkan(value, 0) else 1
            return f"Rp{angka(value, digits)} {word}"
    return rupiah(x)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def tanggal(value: dt.date | str) -> str:
    """A full date with the day name: Selasa, 24 November 2026."""
    return format_date(_as_date(value), "EEEE, d MMMM y", locale=LOCALE)


def tanggal_pendek(value: dt.date | str) -> str:
    """A date without the day name: 24 November 2026."""
    return format_date(_as_date(value), "d MMMM y", locale=LOCALE)


_SATUAN_WAKTU = (("hari", 86_400), ("jam", 3_600), ("menit", 60))


def durasi(value: dt.timedelta | None) -> str:
    """A duration as it is said: 3 hari 4 jam; 1 jam 30 menit; 45 detik; 1,5 detik.

    Python and pandas write `3 days 04:00:00`: English, and a clock reading. Every unit
    that is not zero is named, so nothing is rounded away; a pandas Timedelta is a
    timedelta (its nanoseconds below a microsecond dropped). '–' for a missing one (NaT).
    """
    if _missing(value):
        return _MISSING
    micro = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign, micro = ("−" if micro < 0 else ""), abs(micro)
    whole, fraction = divmod(micro, 1_000_000)
    parts = []
    for name, size in _SATUAN_WAKTU:
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{angka(count)} {name}")
    if whole or fraction or not parts:
        seconds = Decimal(whole) + Decimal(fraction) / 1_000_000
        parts.append(f"{angka(seconds, desimal_tertulis(seconds))} detik")
    return sign + " ".join(parts)


# How Python and pandas write a timedelta: `3 days, 4:00:00` and `3 days 04:00:00`.
_DURASI_INGGRIS = re.compile(r"(?<![\w.])-?\d+ days?,? [+-]?\d{1,2}:\d{2}:\d{2}(?:\.\d+)?")


def durasi_inggris(text: str) -> str | None:
    """The first duration in `text` as Python or pandas writes it ('3 days, 4:00:00'); None if none."""
    found = _DURASI_INGGRIS.search(text)
    return found.group() if found else None


def tulis_durasi(raw: str) -> str:
    """What the analyst is told of a duration from `durasi_inggris`, and the fix."""
    return f"durasi tertulis cara Python, dalam bahasa Inggris ({raw}); tulis dengan nb.durasi (3 hari 4 jam)"


def periode(value: str) -> str:
    """A data period 'YYYY-MM' as words: Oktober 2026."""
    return format_date(periods.first_day(value), "MMMM y", locale=LOCALE)


def _nama_tanggal() -> tuple[re.Pattern, dict[str, str]]:
    """English month and day names, full and short, to the reader's (Babel's `en` and `id`)."""
    names: dict[str, str] = {}
    for width in ("wide", "abbreviated"):
        for table in (get_month_names, get_day_names):
            english, ours = table(width, locale="en"), table(width, locale=LOCALE)
            names.update({str(english[k]): str(ours[k]) for k in english})
    words = sorted(names, key=len, reverse=True)  # 'June' before 'Jun'
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b"), names


_NAMA_TANGGAL, _NAMA_ID = _nama_tanggal()
# The English names a reader would read as English: full month and day names that differ from
# ours (April, September, November do not), and May, Aug, Oct, Dec. Not Mon or Sat: words too.
_INGGRIS_TANGGAL = re.compile(r"\b(" + "|".join(sorted(
    (en for en, ours in _NAMA_ID.items() if en != ours and (len(en) > 3 or en in ("May", "Aug", "Oct", "Dec"))),
    key=len, reverse=True)) + r")\b")


def nama_inggris(text: str) -> str | None:
    """The first English month or day name in `text` ('October', 'Monday', 'Aug'); None if none."""
    found = _INGGRIS_TANGGAL.search(text)
    return found.group() if found else None


def tulis_nama(name: str) -> str:
    """What the analyst is told of an English month or day name (from `nama_inggris`), and the fix."""
    return (f"nama bulan atau hari dalam bahasa Inggris ({name}); tulis tanggal dengan nb.tanggal atau "
            f"nb.periode (Selasa, 24 November 2026; Oktober 2026)")


def tanggal_dari_inggris(text: str) -> str:
    """Month and day names written in English ('Oct 2026', 'May', 'Mon') in the reader's: Okt 2026, Mei, Sen.

    For what matplotlib and pandas write on a date axis (strftime's names are English here);
    only ever applied to such labels, never to an analyst's words.
    """
    return _NAMA_TANGGAL.sub(lambda m: _NAMA_ID[m.group()], text)


def periode_singkat(value: str) -> str:
    """A period for chart axes: Okt 2026 -> 'Okt'; January gets its year: 'Jan 26'."""
    d = periods.first_day(value)
    label = format_date(d, "MMM", locale=LOCALE)
    return f"{label} {d:%y}" if d.month == 1 else label
