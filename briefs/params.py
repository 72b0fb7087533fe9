"""Read and validate a meeting's params file (`params/<meeting>.yml`).

A typo in a key must not silently fall back to a default, and YAML's surprises
(`no` read as false, an unquoted date turning into a date object) must not reach a
notebook: the schema is strict, unknown keys are errors, and every error names the
file, the line and the key, in Bahasa Indonesia.
"""

from __future__ import annotations

import datetime as dt

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from briefs.errors import InputError, Problem, display_path

PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"
SLUG = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Target(_Strict):
    """The coverage target a brief measures against; sources differ, so it is named."""

    coverage: Annotated[float, Field(gt=0, le=100)]  # persen of angkatan kerja
    source: Annotated[str, Field(min_length=1)]

    @field_validator("coverage", mode="before")
    @classmethod
    def _int_is_fine(cls, v: object) -> object:
        return float(v) if isinstance(v, int) and not isinstance(v, bool) else v


class Meeting(_Strict):
    """One rakor: what to build, from which data, for whom."""

    id: Annotated[str, Field(pattern=SLUG)]
    title: Annotated[str, Field(min_length=1)]
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    place: Annotated[str, Field(min_length=1)]
    regency: Annotated[str, Field(min_length=1)]
    organizers: list[str] = []
    data: Annotated[str, Field(min_length=1)]
    sample: bool = False
    period: Annotated[str, Field(pattern=PERIOD)]
    previous_period: Annotated[str, Field(pattern=PERIOD)]
    kecamatan: Literal["all"] | list[Annotated[str, Field(min_length=1)]] = "all"
    target: Target
    engine: Literal["weasyprint", "quarto"] = "weasyprint"
    timeout: Annotated[int, Field(gt=0)] = 600

    @field_validator("date")
    @classmethod
    def _real_date(cls, v: str) -> str:
        dt.date.fromisoformat(v)  # 2026-02-30 is not a date
        return v

    @model_validator(mode="after")
    def _periods_in_order(self) -> "Meeting":
        if self.previous_period >= self.period:
            raise ValueError(
                f"previous_period {self.previous_period} harus sebelum period {self.period}"
            )
        return self

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


class _StringDates(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, as papermill does: types stay what was typed."""


_StringDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_MESSAGES = {
    "missing": "wajib diisi tetapi tidak ada",
    "extra_forbidden": "kunci tidak dikenal (salah ketik?)",
    "string_type": "harus berupa teks",
    "bool_type": "harus true atau false",
    "int_type": "harus bilangan bulat",
    "float_type": "harus berupa angka",
    "list_type": "harus berupa daftar",
    "model_type": "harus berupa kumpulan kunci",
    "dict_type": "harus berupa kumpulan kunci",
    "string_pattern_mismatch": "formatnya tidak sesuai",
    "literal_error": "nilainya tidak dikenal",
    "greater_than": "harus lebih besar dari nol",
    "less_than_equal": "terlalu besar",
    "string_too_short": "tidak boleh kosong",
}

_EXPECTED = {
    "date": "tanggal YYYY-MM-DD, misalnya \"2026-11-24\"",
    "period": "periode YYYY-MM, misalnya \"2026-10\"",
    "previous_period": "periode YYYY-MM, misalnya \"2026-07\"",
    "id": "huruf kecil, angka dan tanda hubung, misalnya rakor-2026-11",
    "engine": "weasyprint atau quarto",
    "kecamatan": "all atau daftar nama kecamatan",
    "coverage": "persen antara 0 dan 100, misalnya 32.15",
}


def _key_lines(text: str) -> dict[tuple, int]:
    """Line (1-based) of every key path in the YAML, so an error can point at it."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[path + (key.value,)] = key.start_mark.line + 1
                walk(value, path + (key.value,))
                lines[path + (key.value,)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    root = yaml.compose(text, Loader=_StringDates)
    if root is not None:
        walk(root, ())
    return lines


def _problem(err: dict, where: str, lines: dict[tuple, int], raw: dict) -> Problem:
    loc = tuple(x for x in err["loc"] if x not in ("literal['all']", "list[constrained-str]"))
    key = ".".join(str(x) for x in loc) or "(berkas)"
    line = lines.get(loc) or lines.get(loc[:-1]) or lines.get(())
    message = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] == "value_error":
        message = str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    found = err.get("input")
    if err["type"] != "missing" and not isinstance(found, dict):
        message += f"; tertulis {found!r}"
    expected = _EXPECTED.get(str(loc[-1]) if loc else "")
    if expected and err["type"] not in ("missing", "extra_forbidden"):
        message += f"; yang diharapkan: {expected}"
    return Problem(file=where, row=line, column=key, message=message)


def load(path: str | Path) -> Meeting:
    """Read and validate a params file; raise InputError naming each bad key and its line."""
    path = Path(path)
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem(where, "berkas parameter tidak ditemukan")) from None
    except UnicodeDecodeError:
        raise InputError(Problem(where, "berkas parameter bukan teks UTF-8")) from None
    try:
        raw = yaml.load(text, Loader=_StringDates)
        lines = _key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise InputError(Problem(where, f"YAML tidak terbaca: {getattr(exc, 'problem', exc)}", row)) from None
    if not isinstance(raw, dict):
        raise InputError(Problem(where, "isi berkas parameter harus berupa kumpulan kunci: nilai"))
    try:
        return Meeting.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem(e, where, lines, raw) for e in exc.errors(include_url=False)]
        raise InputError(_dedupe(problems)) from None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """`kecamatan` is a union: pydantic reports both arms; keep one line per key."""
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault((p.row, p.column), p)
    return list(seen.values())

