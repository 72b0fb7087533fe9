"""Params files that say two things, expand, overflow or lie about dates: each is refused.

Every case ends in InputError (exit 2) with problems naming file, line and key, in one
line each, and never in a traceback, a hang or a memory blow-up. One test per class of
input, not per example: duplicate keys at any depth, anything that expands (anchors,
aliases, merge keys, tags), anything too big (file, nesting, text, lists, integers),
text that is not one plain line, timeouts out of range, dates out of order or range.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefs import params, paths
from briefs.errors import InputError, display_path

GOOD = paths.DEFAULT_PARAMS.read_text(encoding="utf-8")
TITLE = "title: Rapat Koordinasi Optimalisasi Program BPJS Ketenagakerjaan melalui Agen Perisai"
ORGANIZERS = "organizers:\n  - Pemerintah Kabupaten Dharmasraya\n  - BPJS Ketenagakerjaan Cabang Dharmasraya\n"
assert ORGANIZERS in GOOD and TITLE in GOOD, "the sample params file changed"


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "rakor.yml"
    f.write_text(text, encoding="utf-8")
    return f


def refused(tmp_path: Path, text: str) -> list:
    """The problems of a params file that must be refused, each checked for shape."""
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        params.load(path)
    found = info.value.problems
    assert found
    for p in found:
        assert p.file == display_path(path)
        assert "\n" not in str(p) and len(str(p)) < 400, str(p)  # one short line, whatever was written
    return found


def line_of(text: str, start: str, nth: int = 1) -> int:
    return [i for i, l in enumerate(text.splitlines(), 1) if l.startswith(start)][nth - 1]


def replace(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- Params that say two things: a key written twice, at any depth ---

@pytest.mark.parametrize("extra,key", [
    ('id: rakor-2026-12\n', "id"),
    ('"title": Rakor lain\n', "title"),                       # quoted or not, the same key
    ("target:\n  coverage: 10\n  source: lain\n", "target"),
])
def test_a_top_level_key_written_twice_is_refused_at_its_second_line(tmp_path, extra, key):
    text = GOOD + extra
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (len(GOOD.splitlines()) + 1, key)
    assert "kunci ganda" in p.message and f"baris {line_of(GOOD, key)}" in p.message


def test_a_nested_key_written_twice_is_refused(tmp_path):
    text = replace("  coverage: 32.15", "  coverage: 32.15\n  coverage: 99")
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, "  coverage", 2), "target.coverage")


def test_every_duplicate_is_reported_at_once(tmp_path):
    text = GOOD + "period: \"2026-09\"\nsample: false\n"
    found = refused(tmp_path, text)
    assert [p.column for p in found] == ["period", "sample"]


@pytest.mark.parametrize("text,words", [
    ("base:\n  id: rakor-lain\n<<: {id: rakor-lain}\n", "'<<'"),  # a merge key, even without an alias
    ("1: satu\n", "teks"),
    ("? [a, b]\n: c\n", "teks"),
    ("null: x\n", "teks"),
])
def test_merge_keys_and_keys_that_are_not_text_are_refused(tmp_path, text, words):
    found = refused(tmp_path, GOOD + text)
    assert any(words in p.message for p in found), found


# --- Nothing expands: anchors, aliases and tags are refused before anything is built ---

def nested_bomb() -> str:
    """The classic: nine levels of nine aliases, 387 M strings from 0,5 KB."""
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n" + GOOD.replace(ORGANIZERS, "organizers: *a8\n")


def flat_bomb() -> str:
    """A valid-looking meeting whose organizers are 5 000 copies of one 1 000-character name."""
    names = "[&o " + "x" * 1000 + ", " + ", ".join(["*o"] * 5000) + "]"
    return GOOD.replace(ORGANIZERS, f"organizers: {names}\n")


@pytest.mark.parametrize("text,key", [  # the bombs are read only in a capped child process, below
    (replace('place: Pulau Punjung', 'place: &p Pulau Punjung'), "place"),   # an anchor alone
    (replace('regency: Kabupaten Dharmasraya', 'regency: *r'), "regency"),    # an alias alone
    (replace('target:', 'target: &t'), "target"),                             # on a mapping
])
def test_anchors_and_aliases_are_refused_with_the_reason(tmp_path, text, key):
    [p] = refused(tmp_path, text)
    assert p.column == key and "anchor/alias" in p.message and "tidak dipakai" in p.message
    assert p.row == next(i for i, l in enumerate(text.splitlines(), 1) if "&" in l or "*" in l)


@pytest.mark.parametrize("value", [
    "!!python/object/apply:os.system ['true']", "!!timestamp 2026-11-24", "!!binary aGFs", "!rahasia Pulau Punjung",
    "!!str Pulau Punjung",
])
def test_explicit_tags_are_refused(tmp_path, value):
    [p] = refused(tmp_path, replace("place: Pulau Punjung", f"place: {value}"))
    assert p.column == "place" and "tag YAML" in p.message


MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    from briefs import params
    from briefs.errors import InputError
    # This process's own peak (VmHWM, kB): ru_maxrss starts from the peak of the process that
    # started it (a pytest worker that read a large table), kept across fork and exec.
    def peak_kb():
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    before = peak_kb()
    start = time.perf_counter()
    try:
        params.load(sys.argv[1])
        outcome = "accepted"
    except InputError as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - start
    peak = peak_kb()
    print(json.dumps({{"outcome": outcome, "seconds": seconds, "grew_kb": peak - before, "peak_kb": peak}}))
""")


DENSE = GOOD.replace("kecamatan: all", "kecamatan: [" + "a," * 15_000 + "a]")  # 31 KB, 15 000 values


@pytest.mark.parametrize("make,says", [
    (nested_bomb, "rakor.yml:1:a0: anchor/alias YAML"),
    (flat_bomb, f"rakor.yml:{line_of(GOOD, 'organizers')}:organizers.0: anchor/alias YAML"),
    (lambda: GOOD + "#" * (params.MAX_FILE_BYTES + 1), "rakor.yml: berkas parameter terlalu besar"),
    (lambda: DENSE, rf"rakor.yml:{line_of(GOOD, 'kecamatan')}:kecamatan\.\d+: terlalu banyak kunci dan nilai"),
], ids=["nested-aliases", "flat-aliases", "oversized", "dense"])
def test_hostile_files_are_refused_fast_and_small(tmp_path, make, says):
    """Measured in a child process capped at 1 GiB of address space and 20 s of CPU, so a
    regression fails here instead of exhausting the machine (before the fix the nested bomb
    took 24 GB until the kernel's OOM killer stopped it): refused in milliseconds, memory flat."""
    path = write(tmp_path, make())
    run = subprocess.run([sys.executable, "-c", MEASURE.format(limit=1 << 30), str(path)], cwd=paths.ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    print(f"{path.stat().st_size} bytes: {result}")
    assert re.search(says, result["outcome"]) and "\n" not in result["outcome"]
    assert result["seconds"] < 0.25
    assert result["grew_kb"] < 20 * 1024 and result["peak_kb"] < 300 * 1024


# --- Nothing too big: file, nesting, integers, text, lists ---

def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    [p] = refused(tmp_path, GOOD + "# " + "x" * params.MAX_FILE_BYTES + "\n")
    assert "terlalu besar" in p.message and f"{params.MAX_FILE_BYTES // 1024} KB" in p.message


def test_the_limits_agree_a_file_with_every_value_at_its_maximum_loads(tmp_path):
    """Every text and list at its limit still fits in MAX_FILE_BYTES: no legal file is too big."""
    def items(n, width):
        return "".join(f"\n  - N{i:0{width - 1}d}" for i in range(n))

    text = GOOD
    for old, new in [(TITLE, "title: " + "R" * params.TITLE_MAX), ("id: rakor-2026-11", "id: " + "a" * params.ID_MAX),
                     ("place: Pulau Punjung", "place: " + "P" * params.PLACE_MAX),
                     ("regency: Kabupaten Dharmasraya", "regency: " + "K" * params.REGENCY_MAX),
                     ("data: data/sample ", "data: " + "d" * params.DATA_MAX + " "),
                     ("  source: RPJMN 2025–2029, target tahun 2025", "  source: " + "S" * params.SOURCE_MAX),
                     (ORGANIZERS, "organizers:" + items(params.ORGANIZERS_MAX, params.ORGANIZER_MAX) + "\n"),
                     ("kecamatan: all", "kecamatan:" + items(params.KECAMATAN_MAX, params.KECAMATAN_NAME_MAX))]:
        text = replace(old, new, text)
    assert len(text.encode()) < params.MAX_FILE_BYTES
    m = params.load(write(tmp_path, text))
    assert len(m.kecamatan) == params.KECAMATAN_MAX and len(m.organizers) == params.ORGANIZERS_MAX


@pytest.mark.parametrize("extra", ["".join(f"k{i}: 1\n" for i in range(300)), "id: x\n" * 300])
def test_a_flood_of_problems_is_listed_in_a_few_lines(tmp_path, extra):
    found = refused(tmp_path, GOOD + extra)
    assert len(found) == params.MAX_PROBLEMS + 1 and "masalah lain" in found[-1].message


@pytest.mark.parametrize("text", [
    "organizers: " + "[" * 3000 + "]" * 3000 + "\n",
    "target:\n  source:\n    a:\n      b:\n        c:\n          d: x\n",
])
def test_deep_nesting_is_refused_without_recursion(tmp_path, text):
    [p] = refused(tmp_path, GOOD.replace(ORGANIZERS, "") + text)
    assert "terlalu bersarang" in p.message


@pytest.mark.parametrize("value", ["1" + "0" * 5000, "0x" + "f" * 5000, "1" + "_0" * 40])
def test_an_endless_integer_is_refused_at_its_key(tmp_path, value):
    text = replace("timeout: 600", f"timeout: {value}")
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, "timeout"), "timeout") and "terlalu panjang" in p.message


TEXT_LIMITS = [
    ("id", params.ID_MAX, "id: rakor-2026-11", "id: {}", "a"),
    ("title", params.TITLE_MAX, TITLE, "title: {}", "R"),
    ("place", params.PLACE_MAX, "place: Pulau Punjung", "place: {}", "P"),
    ("regency", params.REGENCY_MAX, "regency: Kabupaten Dharmasraya", "regency: {}", "K"),
    ("organizers.1", params.ORGANIZER_MAX, "  - BPJS Ketenagakerjaan Cabang Dharmasraya", "  - {}", "B"),
    ("data", params.DATA_MAX, "data: data/sample ", "data: {} ", "d"),
    ("target.source", params.SOURCE_MAX, "  source: RPJMN 2025–2029, target tahun 2025", "  source: {}", "S"),
    ("kecamatan.1", params.KECAMATAN_NAME_MAX, "kecamatan: all", "kecamatan: [Sitiung, {}]", "N"),
]


@pytest.mark.parametrize("key,limit,old,new,char", TEXT_LIMITS, ids=[t[0] for t in TEXT_LIMITS])
def test_every_text_value_is_bounded_and_the_message_does_not_echo_it(tmp_path, key, limit, old, new, char):
    at_limit = replace(old, new.format(char * limit))
    if key != "data":  # the data folder is checked later, by data.load
        assert params.load(write(tmp_path, at_limit))
    text = replace(old, new.format(char * (limit + 1)))
    [p] = refused(tmp_path, text)
    assert p.column == key and p.row == next(i for i, l in enumerate(text.splitlines(), 1) if char * limit in l)
    assert f"{limit + 1} karakter; paling banyak {limit} karakter" in p.message
    assert char * 61 not in p.message  # the value is shortened, not repeated whole


def test_the_longest_id_keeps_every_derived_file_name_short():
    from briefs.release import publish

    longest = "a" * params.ID_MAX
    derived = [longest, f"buku-{longest}.pdf", f"{longest}.zip", f"{longest}.lock",
               f"{publish.STAGING_PREFIX}{longest}-4194304", f"{getattr(publish, 'OLD_PREFIX', '.old-')}{longest}"]
    assert max(len(name.encode()) for name in derived) <= 100  # a file name may have 255 bytes


@pytest.mark.parametrize("key,old,new,limit", [
    ("organizers", ORGANIZERS, "organizers: [{}]\n", params.ORGANIZERS_MAX),
    ("kecamatan", "kecamatan: all", "kecamatan: [{}]", params.KECAMATAN_MAX),
])
def test_lists_are_bounded(tmp_path, key, old, new, limit):
    text = replace(old, new.format(", ".join(["Sitiung"] * (limit + 1))))
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, key), key)
    assert f"daftar terlalu panjang: {limit + 1} isian; paling banyak {limit}" in p.message


def test_an_empty_kecamatan_list_is_not_all(tmp_path):
    [p] = refused(tmp_path, replace("kecamatan: all", "kecamatan: []"))
    assert p.column == "kecamatan" and "tidak boleh kosong" in p.message


@pytest.mark.parametrize("key,old,new,words", [
    ("data", "data: data/sample ", 'data: "data/sample\\0" ', "NUL"),
    ("title", TITLE, 'title: "Rapat\\nKoordinasi"', "baris baru"),
    ("title", TITLE, "title: >\n  Rapat Koordinasi", "baris baru"),  # a folded block keeps its last newline
    ("place", "place: Pulau Punjung", 'place: "Pulau \\u202ePunjung"', "U+202E"),  # right-to-left override
    ("organizers.0", "  - Pemerintah Kabupaten Dharmasraya", '  - "\\tPemerintah Kabupaten Dharmasraya"', "tab"),
    ("regency", "regency: Kabupaten Dharmasraya", 'regency: "   "', "kosong"),
    ("kecamatan.0", "kecamatan: all", 'kecamatan: [" "]', "kosong"),
])
def test_text_is_one_plain_line(tmp_path, key, old, new, words):
    found = refused(tmp_path, replace(old, new))
    assert [(p.column, words in p.message) for p in found] == [(key, True)], found


@pytest.mark.parametrize("where", ["folder", "no-permission"])
def test_a_path_that_is_not_a_readable_file_is_an_input_error(tmp_path, where):
    target = tmp_path / "rakor.yml"
    if where == "folder":
        target.mkdir()
    else:
        target.write_text(GOOD, encoding="utf-8")
        target.chmod(0)
        try:
            target.read_bytes()
            pytest.skip("running as a user who can read anything")
        except PermissionError:
            pass
    with pytest.raises(InputError) as info:
        params.load(target)
    assert info.value.problems[0].file == display_path(target)


@pytest.mark.parametrize("seed", range(60))
def test_damaged_params_never_end_in_a_traceback(tmp_path, seed):
    rng = random.Random(seed)
    content = bytearray(GOOD.encode())
    noise = [b"&a ", b"*a", b"<<: ", b"!!", b"[", b"{", b"\n  ", b"\t", b": ", b"- ", b"\x00", b"\xff", b'"',
             b"'", b"9" * 30, b"0x", b"---\n", b"? ", b"|", b">"]
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(content) + 1)
        content[at:at + rng.randint(0, 3)] = rng.choice(noise)
    path = tmp_path / "rakor.yml"
    path.write_bytes(bytes(content))
    try:
        params.load(path)
    except InputError as exc:
        assert all(p.file == display_path(path) and p.message and "\n" not in str(p) for p in exc.problems)


# --- Timeout: one range for the params key and for --timeout ---

@pytest.mark.parametrize("value", ["0", "-1", str(params.TIMEOUT_MAX + 1), "9223372036854775807", "true", "1.5"])
def test_a_timeout_out_of_range_is_refused_with_the_range(tmp_path, value):
    text = replace("timeout: 600", f"timeout: {value}")
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, "timeout"), "timeout")
    assert f"{params.TIMEOUT_MIN} sampai {params.TIMEOUT_MAX}" in p.message


@pytest.mark.parametrize("value", [params.TIMEOUT_MIN, params.TIMEOUT_MAX])
def test_the_timeout_bounds_themselves_are_honoured(tmp_path, value):
    assert params.load(write(tmp_path, replace("timeout: 600", f"timeout: {value}"))).timeout == value


def test_timeout_bounds_are_sane_constants():
    assert params.TIMEOUT_MIN >= 1 and params.TIMEOUT_MAX <= 86_400
    import threading

    assert params.TIMEOUT_MAX < threading.TIMEOUT_MAX  # a Timer this long can be started


@pytest.mark.parametrize("text", ["0", "-5", "86401", "abc", "", "1e9", "٦٠٠", "9" * 5000])
def test_the_timeout_option_is_refused_through_argparse_with_exit_2_semantics(text):
    """`--timeout` uses params.timeout_option as argparse's type: the InputError passes through
    argparse (which only catches ValueError and TypeError) to cli.main, which exits 2."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=params.timeout_option)
    with pytest.raises(InputError) as info:
        parser.parse_args([f"--timeout={text}"])
    [p] = info.value.problems
    assert p.file == "--timeout" and f"{params.TIMEOUT_MIN} sampai {params.TIMEOUT_MAX}" in p.message
    assert len(str(p)) < 300


@pytest.mark.parametrize("text,value", [("1", 1), (" 600 ", 600), ("86400", 86_400)])
def test_the_timeout_option_accepts_the_range(text, value):
    assert params.timeout_option(text) == value


# --- Dates: real, in range, and not before the data they report ---

@pytest.mark.parametrize("key,old,new", [
    ("date", 'date: "2026-11-24"', 'date: "0001-01-01"'),
    ("date", 'date: "2026-11-24"', 'date: "2101-01-01"'),
    ("period", 'period: "2026-10"', 'period: "0202-10"'),
    ("previous_period", 'previous_period: "2026-07"', 'previous_period: "1999-12"'),
])
def test_years_outside_2000_to_2100_are_refused(tmp_path, key, old, new):
    text = replace(old, new)
    found = refused(tmp_path, text)
    assert (found[0].row, found[0].column) == (line_of(text, f"{key}:"), key)
    assert "di luar rentang 2000–2100" in found[0].message


@pytest.mark.parametrize("date", ["2026-09-30", "2025-11-24", "2026-01-01"])
def test_a_meeting_dated_before_its_data_period_is_refused_at_the_date(tmp_path, date):
    text = replace('date: "2026-11-24"', f'date: "{date}"')
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, "date:"), "date")
    assert date in p.message and "2026-10" in p.message and "2026-10-01" in p.message


@pytest.mark.parametrize("date", ["2026-10-01", "2026-10-28", "2026-11-01"])
def test_a_meeting_in_or_after_its_data_month_is_accepted(tmp_path, date):
    assert params.load(write(tmp_path, replace('date: "2026-11-24"', f'date: "{date}"'))).date == date


def test_the_same_rules_hold_without_a_file():
    """Meetings built in code (tests, tools) go through the same validators."""
    from pydantic import ValidationError

    fields = dict(id="uji", title="Uji", date="2026-11-24", place="P", regency="K", data="d", period="2026-10",
                  previous_period="2026-09", target={"coverage": 30.0, "source": "S"})
    assert params.Meeting.model_validate(fields)
    for change in ({"date": "2026-09-30"}, {"timeout": 0}, {"id": "a" * 65}, {"previous_period": "2026-10"},
                   {"title": "a\x00b"}, {"kecamatan": []}):
        with pytest.raises(ValidationError):
            params.Meeting.model_validate(fields | change)


@pytest.mark.parametrize("key,old,new", [
    ("date", 'date: "2026-11-24"', 'date: "٢٠٢٦-١١-٢٤"'),  # Arabic-Indic digits match \\d
    ("period", 'period: "2026-10"', 'period: "２０２６-10"'),  # full-width digits
])
def test_dates_and_periods_use_ascii_digits(tmp_path, key, old, new):
    [p] = refused(tmp_path, replace(old, new))
    assert p.column == key


def test_previous_period_out_of_order_names_its_own_key_and_line(tmp_path):
    text = replace('previous_period: "2026-07"', 'previous_period: "2026-10"')
    [p] = refused(tmp_path, text)
    assert (p.row, p.column) == (line_of(text, "previous_period"), "previous_period")


def test_a_raw_control_character_in_the_file_names_its_line(tmp_path):
    text = replace("place: Pulau Punjung", "place: Pulau\x07Punjung")
    [p] = refused(tmp_path, text)
    assert p.row == line_of(text, "place") and "U+0007" in p.message
