"""Read and validate a meeting's params file (`params/<meeting>.yml`).

A typo in a key must not silently fall back to a default, and YAML's surprises
(`no` read as false, an unquoted date turning into a date object) must not reach a
notebook: the schema is strict, unknown keys are errors, and every error names the
file, the line and the key, in Bahasa Indonesia.

A params file must also say one thing, once, and stay small:

- a key written twice is an error (PyYAML would silently keep the last value);
- YAML anchors and aliases (`&x`, `*x`), merge keys (`<<`) and explicit tags (`!!str`,
  `!foo`) are refused outright: a meeting file has no reason to use them, and aliases are
  how a 1 KB file expands into gigabytes (refused while composing, before anything is
  expanded);
- the file, the nesting, every text value and every list are bounded (the limits below),
  so a hostile file is refused in milliseconds and a long meeting id cannot make a file
  name the file system refuses after every notebook ran;
- dates are real, in 2000..2100, and the meeting is not dated before its data month.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError,
                      field_validator, model_validator)

from briefs.errors import InputError, Problem, display_path

# ASCII digits only: `\d` would also accept Arabic-Indic or Devanagari digits.
PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
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
        Union[Annotated[Literal["all"], Tag("semua")], Annotated[KecamatanList, Tag("daftar")]],
        Discriminator(_all_or_list),
    ] = "all"
    target: Target
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
    def _periods_in_order(self) -> "Meeting":
        if self.previous_period >= self.period:
            raise _FieldError("previous_period",
                              f"previous_period {self.previous_period} harus sebelum period {self.period}")
        # Data cannot come from the future: a meeting dated before the first day of its data
        # month reports figures that do not exist yet, so one of the two is mistyped. A meeting
        # inside its data month is allowed: a month-to-date export ("posisi 20 November" for a
        # rakor on 28 November) is labelled with that month, and every page prints the period.
        first_day = dt.date(int(self.period[:4]), int(self.period[5:]), 1)
        if self.day < first_day:
            raise _FieldError("date", f"tanggal rapat {self.date} sebelum periode data {self.period} dimulai; "
                                      f"data tidak mungkin berasal dari masa depan, jadi tanggal paling awal "
                                      f"{first_day.isoformat()} (atau period salah tulis)")
        return self

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


# --- YAML: one document, plain keys and values, nothing expanded ---

class _Refused(Exception):
    """A params file the composer stops reading at once (alias, tag, nesting)."""

    def __init__(self, message: str, mark, path: list):
        super().__init__(message)
        self.message, self.row, self.key = message, mark.line + 1 if mark else None, _key(path)


_ALIAS_MESSAGE = ("anchor/alias YAML (&nama, *nama) tidak dipakai di berkas parameter; "
                  "tulis setiap nilai apa adanya")
_TAG_MESSAGE = "tag YAML ({tag}) tidak dipakai di berkas parameter; tulis nilainya saja"
_NODES_MESSAGE = (f"terlalu banyak kunci dan nilai (lebih dari {MAX_NODES}); "
                  "berkas parameter rakor hanya berisi beberapa puluh nilai")
_DEPTH_MESSAGE = f"terlalu bersarang (lebih dari {MAX_DEPTH} tingkat); berkas parameter hanya berisi kunci: nilai"


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, as papermill does: types stay what was typed.

    Its composer refuses anchors, aliases and explicit tags and bounds nesting and node count, before
    any node is built: an alias bomb is refused at its first `&`, not after expanding.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self._path: list = []
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        if index is None:  # a mapping's key: reported at the mapping
            path = self._path
        else:
            path = self._path + [index.value if isinstance(index, yaml.ScalarNode) else
                                 index if isinstance(index, int) else "?"]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(_ALIAS_MESSAGE, event.start_mark, path)
        if getattr(event, "tag", None) is not None:
            raise _Refused(_TAG_MESSAGE.format(tag=event.tag), event.start_mark, path)
        if self._depth >= MAX_DEPTH:
            raise _Refused(_DEPTH_MESSAGE, event.start_mark, path)
        self._nodes += 1
        if self._nodes > MAX_NODES:  # stops reading at once: the rest is never scanned
            raise _Refused(_NODES_MESSAGE, event.start_mark, path)
        saved = self._path
        self._path, self._depth = path, self._depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._path, self._depth = saved, self._depth - 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_STR, _INT, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:merge"


def _key(path) -> str | None:
    return ".".join(str(x) for x in path) or None


def _walk(root: yaml.Node) -> tuple[dict[tuple, int], list[tuple[int, str | None, str]]]:
    """Line (1-based) of every key path, and what is wrong in the tree's shape.

    Problems are (line, key, message): a key written twice, a merge key, a key that is not
    text, an integer too long to be a timeout or a percentage.
    """
    lines: dict[tuple, int] = {}
    wrong: list[tuple[int, str | None, str]] = []

    def walk(node: yaml.Node, path: tuple) -> None:
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                row = key.start_mark.line + 1
                if key.tag == _MERGE:
                    wrong.append((row, _key(path + ("<<",)),
                                  "kunci gabungan '<<' tidak dipakai di berkas parameter; tulis setiap kunci sendiri"))
                    continue
                if not isinstance(key, yaml.ScalarNode) or key.tag != _STR:
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "(daftar atau kumpulan)"
                    wrong.append((row, _key(path) or "(berkas)",
                                  f"nama kunci harus berupa teks; tertulis {_shown(shown)}"))
                    continue
                if key.value in seen:
                    wrong.append((row, _key(path + (key.value,)),
                                  f"kunci ganda: '{key.value}' sudah ada di baris {seen[key.value]}; "
                                  "tulis setiap kunci sekali saja (nilai mana yang berlaku tidak jelas)"))
                    continue
                seen[key.value] = row
                lines[path + (key.value,)] = row
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))
        elif node.tag == _INT and len(node.value) > MAX_INT_DIGITS:
            wrong.append((node.start_mark.line + 1, _key(path) or "(berkas)",
                          f"bilangan terlalu panjang ({len(node.value)} angka)"))

    walk(root, ())
    return lines, wrong


def _read(path: Path, where: str) -> str:
    """The file's text, refusing before reading more than MAX_FILE_BYTES."""
    try:
        with path.open("rb") as f:
            content = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(Problem(where, "berkas parameter tidak ditemukan")) from None
    except IsADirectoryError:
        raise InputError(Problem(where, "ini folder, bukan berkas parameter")) from None
    except OSError as exc:
        raise InputError(Problem(where, f"berkas parameter tidak bisa dibaca ({exc.strerror or exc})")) from None
    if len(content) > MAX_FILE_BYTES:
        raise InputError(Problem(where, f"berkas parameter terlalu besar (lebih dari {MAX_FILE_BYTES // 1024} KB); "
                                        "berkas rakor biasanya hanya sekitar 1 KB"))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(where, "berkas parameter bukan teks UTF-8")) from None


def _parse(text: str, where: str) -> tuple[object, dict[tuple, int]]:
    """The YAML as Python values, and the line of every key; InputError for anything refused."""
    loader = None
    try:
        loader = _Loader(text)  # its reader refuses control characters at once
        root = loader.get_single_node()
        if root is None:
            return None, {}
        lines, wrong = _walk(root)
        if wrong:
            raise InputError(_capped([Problem(where, message, row, key) for row, key, message in wrong], where))
        return loader.construct_document(root), lines
    except _Refused as exc:
        raise InputError(Problem(where, exc.message, exc.row, exc.key)) from None
    except yaml.reader.ReaderError as exc:
        row = text.count("\n", 0, exc.position) + 1
        raise InputError(Problem(where, f"karakter kendali U+{exc.character:04X} tidak boleh ada di berkas parameter; "
                                        "tulis nilai sebagai teks biasa", row)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise InputError(Problem(where, f"YAML tidak terbaca: {getattr(exc, 'problem', None) or exc}", row)) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # a scalar PyYAML cannot convert
        raise InputError(Problem(where, f"YAML tidak terbaca: {exc}")) from None
    finally:
        if loader is not None:
            loader.dispose()


# --- Messages ---

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


def _problem(err: dict, where: str, lines: dict[tuple, int]) -> Problem:
    loc = tuple(err["loc"])
    if loc[:1] == ("kecamatan",) and len(loc) > 1 and loc[1] in _UNION_ARMS:
        loc = loc[:1] + loc[2:]
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, _FieldError):
        loc = (error.key,)
    key = ".".join(str(x) for x in loc) or "(berkas)"
    line = lines.get(loc) or lines.get(loc[:-1]) or lines.get(())
    kind, found, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    message = _MESSAGES.get(kind, err["msg"])
    if kind == "value_error":
        message = str(error) if error is not None else err["msg"]
    elif kind == "string_too_long":
        message = f"terlalu panjang: {len(found)} karakter; paling banyak {ctx['max_length']} karakter"
    elif kind == "too_long":
        message = f"daftar terlalu panjang: {ctx['actual_length']} isian; paling banyak {ctx['max_length']}"
    if kind == "string_too_long":
        message += f"; tertulis {found[:40]!r}…"
    elif kind not in ("missing", "too_long") and not isinstance(found, dict) and "tertulis" not in message:
        message += f"; tertulis {_shown(found)}"
    expected = _EXPECTED.get(str(loc[-1]) if loc else "")
    if expected and kind not in ("missing", "extra_forbidden") and not isinstance(error, _FieldError):
        message += f"; yang diharapkan: {expected}"
    return Problem(file=where, row=line, column=key, message=message)


def load(path: str | Path) -> Meeting:
    """Read and validate a params file; raise InputError naming each bad key and its line."""
    path = Path(path)
    where = display_path(path)
    raw, lines = _parse(_read(path, where), where)
    if not isinstance(raw, dict):
        raise InputError(Problem(where, "isi berkas parameter harus berupa kumpulan kunci: nilai"))
    try:
        return Meeting.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem(e, where, lines) for e in exc.errors(include_url=False)]
        raise InputError(_capped(_dedupe(problems), where)) from None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One line per key and row, in the order found."""
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault((p.row, p.column), p)
    return list(seen.values())


def _capped(problems: list[Problem], where: str) -> list[Problem]:
    """At most MAX_PROBLEMS lines, then one line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Problem(where, f"dan {rest} masalah lain; perbaiki yang di atas lalu periksa lagi")]
