"""Read a params file into a `Meeting`, or into problems naming file, line and key.

A params file must say one thing, once, and stay small:

- a key written twice is an error (PyYAML would silently keep the last value);
- YAML anchors and aliases (`&x`, `*x`), merge keys (`<<`) and explicit tags (`!!str`,
  `!foo`) are refused outright: a meeting file has no reason to use them, and aliases are
  how a 1 KB file expands into gigabytes (refused while composing, before anything is
  expanded);
- the file, the nesting and the number of keys are bounded (`briefs.params.model`), so a
  hostile file is refused in milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from briefs.errors import InputError, Problem, display_path
from briefs.params.model import (
    _EXPECTED,
    _MESSAGES,
    _UNION_ARMS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_NODES,
    MAX_PROBLEMS,
    Meeting,
    _FieldError,
    _shown,
)

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


def line_of(path: str | Path, *key: str | int) -> int | None:
    """The line of a key in a params file (`'data'`, or `'kecamatan', 2` for the third name listed).

    For a file that loads: a later stage (the data checks) names the line of the key it
    refutes, read from the same tree as every other params message.
    """
    try:
        return _parse(_read(Path(path), str(path)), str(path))[1].get(tuple(key))
    except InputError:
        return None


# --- Messages ---

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


def with_options(meeting: Meeting, **options) -> Meeting:
    """The meeting with command-line overrides (`--engine`, `--timeout`), checked by the same
    model as the params file: through the Python API too, a bad value is an InputError naming
    the option, never pydantic's own error."""
    try:
        return Meeting.model_validate(meeting.model_dump() | options)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            option = f"--{err['loc'][0]}" if err["loc"] and err["loc"][0] in options else "(opsi)"
            problems.append(Problem(option, _problem(err, option, {}).message))  # the option, no key column
        raise InputError(_dedupe(problems)) from None


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
