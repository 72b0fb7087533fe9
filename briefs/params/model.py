"""The meeting a params file describes (`Meeting`), with every limit it must keep.

A typo in a key must not silently fall back to a default, and YAML's surprises (`no`
read as false, an unquoted date turning into a date object) must not reach a notebook:
the schema is strict and unknown keys are errors. Every text value and list is bounded,
so a long meeting id cannot make a file name the file system refuses after every
notebook ran; dates are real, in 2000..2100, and the meeting is not dated before its
data month. `briefs.params.reading` turns a file into one, or into problems.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from briefs import fmt, periods
from briefs.errors import InputError, Problem

PERIOD = periods.PATTERN
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"

# --- Limits: what the tool will read (see README, "Preparing the next meeting") ---
MAX_FILE_BYTES = 32 * 1024  # the sample is 1,2 KB; every value at its maximum below fits in 28 KB
MAX_PROBLEMS = 20  # listed per params file; 300 unknown keys (a pasted-in file) end in one "dan N lain" line
MAX_DEPTH = 5  # the schema needs 3 (file, target, coverage); deeper is always a mistake
MAX_NODES = 1000  # keys and values; every list at its maximum makes ~260, the sample 37
MAX_INT_DIGITS = 20  # any integer in a params file is a timeout or a percentage
# The id becomes outputs/<id>/, buku-<id>.pdf, <id>.zip, .staging-<id>-<pid>, .build/<id>.lock:
# at 64 ASCII characters the longest derived name is 81 bytes, far below the 255 of a file name.
ID_MAX = 64
TITLE_MAX = 200  # three lines on the cover; the running header shortens it anyway
PLACE_MAX = 100
REGENCY_MAX = 100
ORGANIZER_MAX = 150
ORGANIZERS_MAX = 20
DATA_MAX = 1024  # a folder path; each of its parts is still bounded by the file system
SOURCE_MAX = 200
KECAMATAN_NAME_MAX = 100  # the longest kecamatan name in Indonesia is under 40 characters
KECAMATAN_MAX = 200  # a list names some kecamatan of one regency; the largest has about 50
# What the regency calls its villages and its districts, as its readers say it. Villages: "desa" (the
# law's word and the default), "kelurahan", "nagari" (West Sumatra), "gampong" (Aceh), "kampung",
# "desa/kelurahan"; districts: "kecamatan", or "distrik" in Papua. Lower case, as it reads inside a
# sentence; a page's heading, title or card starts it with a capital itself.
TERM = r"^[a-z]+(?:[ /-][a-z]+)*$"
TERM_MAX = 30
YEAR_MIN, YEAR_MAX = 2000, 2100  # catches 0202 or 2206 typed for 2026
# Seconds per brief. 0 would fail every brief at once (and `--timeout 0` used to be read as
# "not given"); nothing means "no limit". A brief takes seconds; one still running after a
# day is hung, and 24 h stays far below what threading.Timer accepts (threading.TIMEOUT_MAX).
TIMEOUT_MIN, TIMEOUT_MAX = 1, 86_400

_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_CONTROL_NAMES = {"\n": "baris baru", "\r": "baris baru (CR)", "\t": "tab", "\x00": "NUL"}


class _FieldError(ValueError):
    """A check across fields that belongs to one key: its message is reported at that key's line."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _plain_text(v: str) -> str:
    """One line of readable text: not blank, no control or direction-changing characters."""
    if not v.strip():
        raise ValueError("tidak boleh kosong")
    for ch in v:
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI:
            name = _CONTROL_NAMES.get(ch, f"U+{ord(ch):04X}")
            raise ValueError(f"tidak boleh berisi karakter kendali ({name}); tulis dalam satu baris teks biasa")
    return v


def _text(max_length: int):
    return Annotated[str, Field(min_length=1, max_length=max_length), AfterValidator(_plain_text)]


Title, Place, Regency, Organizer = _text(TITLE_MAX), _text(PLACE_MAX), _text(REGENCY_MAX), _text(ORGANIZER_MAX)
DataFolder, Source, KecamatanName = _text(DATA_MAX), _text(SOURCE_MAX), _text(KECAMATAN_NAME_MAX)


def _year_in_range(v: str) -> str:
    if not YEAR_MIN <= int(v[:4]) <= YEAR_MAX:
        raise ValueError(f"tahun {v[:4]} di luar rentang {YEAR_MIN}–{YEAR_MAX}; tertulis {v!r}")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Target(_Strict):
    """The coverage target a brief measures against; sources differ, so it is named."""

    coverage: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]  # persen of angkatan kerja
    source: Source

    @field_validator("coverage", mode="before")
    @classmethod
    def _int_is_fine(cls, v: object) -> object:
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v

    @field_validator("coverage")
    @classmethod
    def _two_decimals_at_most(cls, v: float) -> float:
        # The pages quote the target with its decimals (32,15%) and count "peserta lagi" from it:
        # 32.1549 would be quoted as 32,15% while 7 more participants were counted for the regency.
        if fmt.desimal_tertulis(v) > 2:  # 1e-05 too, not only 32.1549
            raise ValueError("paling banyak dua angka desimal, seperti sumbernya menulis target")
        return v


def _all_or_list(v: object) -> str:
    return "semua" if isinstance(v, str) else "daftar"


_UNION_ARMS = ("semua", "daftar")  # tags of the `kecamatan` union, dropped from error locations

KecamatanList = Annotated[list[KecamatanName], Field(min_length=1, max_length=KECAMATAN_MAX)]


class Meeting(_Strict):
    """One rakor: what to build, from which data, for whom."""

    id: Annotated[str, Field(pattern=SLUG, max_length=ID_MAX)]
    title: Title
    date: Annotated[str, Field(pattern=DATE)]
    place: Place
    regency: Regency
    organizers: Annotated[list[Organizer], Field(max_length=ORGANIZERS_MAX)] = []
    data: DataFolder
    sample: bool = False
    period: Annotated[str, Field(pattern=PERIOD), AfterValidator(_year_in_range)]
    previous_period: Annotated[str, Field(pattern=PERIOD), AfterValidator(_year_in_range)]
    kecamatan: Annotated[
        Annotated[Literal["all"], Tag("semua")] | Annotated[KecamatanList, Tag("daftar")],
        Discriminator(_all_or_list),
    ] = "all"
    target: Target
    village_term: Annotated[str, Field(pattern=TERM, max_length=TERM_MAX)] = "desa"
    district_term: Annotated[str, Field(pattern=TERM, max_length=TERM_MAX)] = "kecamatan"
    engine: Literal["weasyprint", "quarto"] = "weasyprint"
    timeout: Annotated[int, Field(ge=TIMEOUT_MIN, le=TIMEOUT_MAX)] = 600

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: str) -> str:
        try:
            dt.date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"bukan tanggal yang ada; tertulis {v!r}") from None  # 2026-02-30
        return _year_in_range(v)

    @model_validator(mode="after")
    def _periods_in_order(self) -> Meeting:
        if self.previous_period >= self.period:
            raise _FieldError("previous_period",
                              f"previous_period {self.previous_period} harus sebelum period {self.period}")
        # Data cannot come from the future: a meeting dated before the first day of its data
        # month reports figures that do not exist yet, so one of the two is mistyped. A meeting
        # inside its data month is allowed: a month-to-date export ("posisi 20 November" for a
        # rakor on 28 November) is labelled with that month, and every page prints the period.
        first_day = periods.first_day(self.period)
        if self.day < first_day:
            raise _FieldError("date", f"tanggal rapat {self.date} sebelum periode data {self.period} dimulai; "
                                      f"data tidak mungkin berasal dari masa depan, jadi tanggal paling awal "
                                      f"{first_day.isoformat()} (atau period salah tulis)")
        return self

    def district(self, name: str) -> str:
        """A district's title as its readers say it: 'Kecamatan Sitiung', 'Distrik Sentani'."""
        return f"{self.district_term.capitalize()} {name}"

    @property
    def regency_kind(self) -> str:
        """'kabupaten', or 'kota' when `regency` names a city ('Kota Padang'): the pages' word for it."""
        return fmt.jenis_daerah(self.regency)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


def timeout_option(text: str) -> int:
    """`--timeout SECONDS` on the command line, in the same range as the params key `timeout`.

    Meant as argparse's `type=`: an InputError passes through argparse and ends in exit 2
    with the usual message, naming `--timeout`.
    """
    s = text.strip()
    if s.isascii() and s.isdigit() and len(s) <= MAX_INT_DIGITS and TIMEOUT_MIN <= int(s) <= TIMEOUT_MAX:
        return int(s)
    raise InputError(Problem("--timeout", f"batas waktu tidak valid; tertulis {_shown(text)}; yang diharapkan: "
                                          f"{_EXPECTED['timeout']}"))


# --- how a key's problem is worded (shared with the reader) ---

_MESSAGES = {
    "missing": "wajib diisi tetapi tidak ada",
    "extra_forbidden": "kunci tidak dikenal (salah ketik?)",
    "string_type": "harus berupa teks",
    "bool_type": "harus true atau false",
    "int_type": "harus bilangan bulat",
    "float_type": "harus berupa angka",
    "finite_number": "harus angka biasa (bukan .nan atau .inf)",
    "list_type": "harus berupa daftar",
    "model_type": "harus berupa kumpulan kunci",
    "dict_type": "harus berupa kumpulan kunci",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "literal_error": "nilainya tidak dikenal",
    "greater_than": "harus lebih besar dari nol",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "string_too_short": "tidak boleh kosong",
    "too_short": "daftar tidak boleh kosong",
}

_EXPECTED = {
    "date": "tanggal YYYY-MM-DD, misalnya \"2026-11-24\"",
    "period": "periode YYYY-MM, misalnya \"2026-10\"",
    "previous_period": "periode YYYY-MM, misalnya \"2026-07\"",
    "id": f"huruf kecil, angka dan tanda hubung, paling banyak {ID_MAX} karakter, misalnya rakor-2026-11 "
          "(id menjadi nama folder dan nama berkas rilis)",
    "engine": "weasyprint atau quarto",
    "village_term": "sebutan desa dalam huruf kecil, seperti pembaca menyebutnya: desa, kelurahan, nagari, gampong, "
                    f"kampung atau desa/kelurahan (paling banyak {TERM_MAX} karakter)",
    "district_term": "sebutan kecamatan dalam huruf kecil, seperti pembaca menyebutnya: kecamatan, atau distrik di "
                     f"Papua (paling banyak {TERM_MAX} karakter)",
    "kecamatan": "all atau daftar nama kecamatan",
    "coverage": "persen antara 0 dan 100, misalnya 32.15",
    "timeout": f"bilangan bulat {TIMEOUT_MIN} sampai {TIMEOUT_MAX} (detik per brief; {TIMEOUT_MAX} = 24 jam)",
}


def _shown(value: object, limit: int = 60) -> str:
    """A value as written, short enough for one line of a message."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} karakter)"
    if isinstance(value, (list, dict)) and len(value) > 5:
        return f"{type(value).__name__} dengan {len(value)} isian"
    text = repr(value)
    return text if len(text) <= limit + 20 else text[:limit] + "…"
