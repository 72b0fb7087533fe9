"""`build.py verify` proves what it says: every file listed and matching, nothing listed
outside the release, a well-formed manifest complete for its meeting.

Fast: each test builds a small release by hand (real manifest writer, real slugs, bytes
that stand in for pages) and then breaks it as an attacker or an accident would. An
attacker who can write the folder can also rewrite the manifest, so most tests "reseal":
they recompute every listed hash afterwards, leaving only what verify can still see.
The real release is verified end to end in tests/test_reproducible.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from briefs import cli, paths, pipeline, verify
from briefs.data import TABLES
from briefs.errors import InputError, Problem
from briefs.hashing import file_sha256 as digest_file
from briefs.release import manifest as manifest_file

MEETING = "uji"
REGENCY = "Kabupaten Uji"
# Two kecamatan whose names collide as slugs, and one a spreadsheet would run as a formula.
KECAMATAN = {"13.10.01": "Koto Baru", "13.10.02": "Koto-Baru", "13.10.03": "Sitiung", "13.10.04": "=Timpeh"}


def make_release(root: Path, *, kecamatan: dict[str, str] = KECAMATAN, selection: list[str] | None = None,
                 only: list[str] | None = None, failed: dict[str, str] | None = None) -> Path:
    """A release folder as `release.assemble` lays it out; `failed` maps a name to its error."""
    failed = failed or {}
    root.mkdir(parents=True)
    artifacts = []

    def put(kind: str, rel: str, name: str | None = None, text: str | None = None) -> None:
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text if text is not None else f"isi {rel}\n", encoding="utf-8")
        entry = {"kind": kind, "path": rel, "bytes": f.stat().st_size, "sha256": digest_file(f)}
        if name is not None:
            entry["kecamatan"] = name
        artifacts.append(entry)

    chosen = only or selection
    codes = sorted(kecamatan) if not chosen else [c for c, n in kecamatan.items() if n in chosen]
    if REGENCY not in failed:
        put("summary", "ringkasan-kabupaten.html")
        put("summary", "ringkasan-kabupaten.pdf")
        put("notebook", "notebooks/ringkasan-kabupaten.ipynb")
    slugs = paths.unique_slugs({c: kecamatan[c] for c in codes})
    for code in codes:
        name = kecamatan[code]
        if name in failed:
            continue
        put("brief", f"kecamatan/{slugs[code]}.html", name)
        put("brief", f"kecamatan/{slugs[code]}.pdf", name)
        put("notebook", f"notebooks/{slugs[code]}.ipynb", name)
    for table in TABLES:
        text = None
        if table == "wilayah":  # as the release writes it: formula-like names defused
            rows = [f"{c},{chr(39) + n if n[:1] in '=+-@' else n},{c}.2001,Nagari {i},13110{i},13110{i}001"
                    for i, (c, n) in enumerate(sorted(kecamatan.items()))]
            text = "kode_kecamatan,kecamatan,kode_nagari,nagari,kode_bps_kecamatan,kode_bps_nagari\n" + "\n".join(rows) + "\n"
        put("data", f"data/{table}.csv", text=text)
    put("data", "laporan-data.html")
    put("book", f"buku-{MEETING}.pdf")
    put("index", "index.html")
    put("zip", f"{MEETING}.zip")
    manifest = {
        "meeting": MEETING,
        "build_id": "0badcafe",
        "inputs": "f" * 64,
        "artifacts": artifacts,
        "failed": [{"kecamatan": n, "error": e} for n, e in failed.items()],
        "warnings": [],
        "provenance": {
            "inputs": {t: {"path": f"data/uji/{t}.csv", "sha256": "0" * 64, "format": "csv"} for t in TABLES},
            "parameters": {"id": MEETING, "regency": REGENCY, "kecamatan": selection or "all", "date": "2026-11-24"},
            "params_file": "params/uji.yml",
            "options": {"only": sorted(only or []), "engine": None, "timeout": None},
            "engine": "weasyprint",
        },
    }
    manifest_file.write(root, manifest)
    return root


def load(rel: Path) -> dict:
    return json.loads((rel / "manifest.json").read_text(encoding="utf-8"))


def save(rel: Path, manifest: dict) -> None:
    (rel / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def reseal(rel: Path, change=None) -> None:
    """Rewrite the manifest as a forger would: apply `change`, then recompute every hash."""
    manifest = load(rel)
    if change:
        change(manifest)
    for a in manifest["artifacts"]:
        f = rel / a["path"]
        if f.is_file() and not f.is_symlink():
            a["bytes"], a["sha256"] = f.stat().st_size, digest_file(f)
    save(rel, manifest)


def listed(rel: Path) -> set[str]:
    return {a["path"] for a in load(rel)["artifacts"]}


@pytest.fixture
def rel(tmp_path) -> Path:
    return make_release(tmp_path / "rilis")


def run_cli(args, capsys) -> tuple[int, str]:
    code = cli.main(["verify", *args])
    return code, capsys.readouterr().err


# ---- an intact release -------------------------------------------------------------------

def test_an_intact_release_verifies(rel, capsys):
    assert verify.verify(rel) == []
    assert run_cli([str(rel)], capsys) == (0, "")


def test_selected_kecamatan_and_only_releases_verify(tmp_path):
    assert verify.verify(make_release(tmp_path / "a", selection=["Sitiung", "=Timpeh"])) == []
    assert verify.verify(make_release(tmp_path / "b", only=["Sitiung", "Koto Baru"])) == []


# ---- a malformed manifest: one plain line, exit 1, never a traceback -------------------------

MALFORMED = {
    "empty object": "{}",
    "not JSON": "{ini bukan json",
    "not UTF-8": b"\xff\xfe\x00{",
    "a list": "[]",
    "null": "null",
    "nested too deep": "[" * 100_000 + "]" * 100_000,
    "artifacts not a list": lambda m: m.update(artifacts={"index.html": "x"}),
    "an artifact not an object": lambda m: m["artifacts"].append("index.html"),
    "bytes as text": lambda m: m["artifacts"][0].update(bytes="12"),
    "bytes negative": lambda m: m["artifacts"][0].update(bytes=-1),
    "bytes a boolean": lambda m: m["artifacts"][0].update(bytes=True),
    "sha256 not hex": lambda m: m["artifacts"][0].update(sha256="z" * 64),
    "sha256 short": lambda m: m["artifacts"][0].update(sha256="ab"),
    "kind unknown": lambda m: m["artifacts"][0].update(kind="script"),
    "path missing": lambda m: m["artifacts"][0].pop("path"),
    "path a number": lambda m: m["artifacts"][0].update(path=7),
    "kecamatan a number": lambda m: m["artifacts"][0].update(kecamatan=1),
    "meeting missing": lambda m: m.pop("meeting"),
    "meeting a path": lambda m: m.update(meeting="../uji"),
    "failed missing": lambda m: m.pop("failed"),
    "failed entry without name": lambda m: m.update(failed=[{"error": "x"}]),
    "warnings not a list": lambda m: m.update(warnings="tidak ada"),
    "provenance missing": lambda m: m.pop("provenance"),
    "parameters missing": lambda m: m["provenance"].pop("parameters"),
    "kecamatan selection wrong type": lambda m: m["provenance"]["parameters"].update(kecamatan=3),
    "only not a list": lambda m: m["provenance"]["options"].update(only="Sitiung"),
    "timeout as text": lambda m: m["provenance"]["options"].update(timeout="60"),
    "params_file a list": lambda m: m["provenance"].update(params_file=["a"]),
    "parameters for another meeting": lambda m: m["provenance"]["parameters"].update(id="rakor-lain"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_manifest_is_one_plain_line_and_exit_1(rel, case, capsys):
    bad = MALFORMED[case]
    if callable(bad):
        manifest = load(rel)
        bad(manifest)
        save(rel, manifest)
    else:
        (rel / "manifest.json").write_bytes(bad if isinstance(bad, bytes) else bad.encode())
    problems = verify.verify(rel)
    assert len(problems) == 1 and "manifest.json tidak sah" in problems[0], problems
    code, err = run_cli([str(rel)], capsys)
    assert code == 1 and "Traceback" not in err and "manifest.json tidak sah" in err


def test_a_missing_or_linked_manifest_does_not_verify(rel, tmp_path):
    elsewhere = tmp_path / "manifest-lain.json"
    shutil.move(rel / "manifest.json", elsewhere)
    assert verify.verify(rel) == [f"{rel / 'manifest.json'}: manifest.json tidak ditemukan"]
    (rel / "manifest.json").symlink_to(elsewhere)  # a manifest from outside the release
    [line] = verify.verify(rel)
    assert "manifest.json" in line and "tautan" in line
    assert verify.verify(tmp_path / "tidak-ada") == [f"{tmp_path / 'tidak-ada'}: folder rilis tidak ditemukan"]


# ---- every file in the folder is listed ---------------------------------------------------

@pytest.mark.parametrize("victim", ["kecamatan/sitiung.pdf", "data/kepesertaan.csv", "notebooks/sitiung.ipynb", "index.html"])
def test_a_file_whose_entry_was_deleted_is_reported_even_when_swapped(rel, victim):
    reseal(rel, lambda m: m.update(artifacts=[a for a in m["artifacts"] if a["path"] != victim]))
    (rel / victim).write_text("diganti setelah entrinya dihapus", encoding="utf-8")
    problems = verify.verify(rel)
    assert f"{victim}: ada di folder rilis tetapi tidak tercantum di manifest" in problems
    assert any(p.startswith(f"{victim}: tidak tercantum di manifest") for p in problems)  # and the manifest is short


@pytest.mark.parametrize("extra", ["evil.html", "kecamatan/evil.html", ".tersembunyi", "baru/dalam/folder.pdf",
                                   "notebooks/ringkasan-kabupaten.ipynb.bak"])
def test_an_extra_file_anywhere_is_reported(rel, extra):
    (rel / extra).parent.mkdir(parents=True, exist_ok=True)
    (rel / extra).write_text("<script>alert(1)</script>", encoding="utf-8")
    assert verify.verify(rel) == [f"{extra}: ada di folder rilis tetapi tidak tercantum di manifest"]


def test_an_extra_file_listed_in_a_resealed_manifest_is_not_part_of_the_release(rel):
    (rel / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    reseal(rel, lambda m: m["artifacts"].append({"kind": "data", "path": "evil.html", "bytes": 0, "sha256": "0" * 64}))
    assert verify.verify(rel) == ["evil.html: tercantum di manifest tetapi bukan bagian dari rilis uji"]


# ---- nothing listed or read outside the release -----------------------------------------

@pytest.mark.parametrize("path", ["../../etc/hostname", "/etc/hostname", "kecamatan/../../rahasia.txt", "./index.html",
                                  "kecamatan//sitiung.pdf", "kecamatan\\sitiung.pdf", "", "manifest.json", "data/"])
def test_a_path_outside_the_release_is_refused_and_never_read(rel, tmp_path, path, monkeypatch):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("rahasia", encoding="utf-8")
    manifest = load(rel)
    manifest["artifacts"].append({"kind": "data", "path": path, "bytes": 7, "sha256": digest_file(secret)})
    save(rel, manifest)
    opened = []
    real = manifest_file.file_sha256
    monkeypatch.setattr(manifest_file, "file_sha256", lambda f: opened.append(Path(f)) or real(f))
    problems = verify.verify(rel)
    assert problems == [f"{path!r}: jalur di manifest tidak sah (harus relatif, di dalam folder rilis, tanpa '..')"]
    assert all(f.resolve().is_relative_to(rel.resolve()) for f in opened)


def test_a_listed_path_given_twice_is_reported(rel):
    manifest = load(rel)
    manifest["artifacts"].append(dict(manifest["artifacts"][0]))
    save(rel, manifest)
    assert verify.verify(rel) == [f"{manifest['artifacts'][0]['path']}: tercantum lebih dari sekali di manifest"]


def test_symlinks_in_the_release_are_reported_and_not_followed(rel, tmp_path):
    outside = tmp_path / "luar"
    outside.mkdir()
    target = rel / "kecamatan" / "sitiung.pdf"
    shutil.copyfile(target, outside / "sitiung.pdf")  # same bytes: only the link is wrong
    target.unlink()
    target.symlink_to(outside / "sitiung.pdf")
    (outside / "x.html").write_text("x", encoding="utf-8")
    (rel / "tautan").symlink_to(outside, target_is_directory=True)
    problems = verify.verify(rel)
    assert problems == ["kecamatan/sitiung.pdf: tautan simbolik; rilis hanya boleh memuat berkas biasa",
                        "tautan: tautan simbolik; rilis hanya boleh memuat berkas biasa"]


def test_a_fifo_is_not_a_release_file(rel):
    os.mkfifo(rel / "pipa")
    assert verify.verify(rel) == ["pipa: bukan berkas biasa"]


# ---- complete for its meeting ---------------------------------------------------------

def drop(rel: Path, *paths: str) -> None:
    """Remove files and their entries consistently: an intact-looking but short release."""
    for p in paths:
        (rel / p).unlink()
    reseal(rel, lambda m: m.update(artifacts=[a for a in m["artifacts"] if a["path"] not in paths]))


@pytest.mark.parametrize("paths", [
    ("kecamatan/sitiung.html", "kecamatan/sitiung.pdf", "notebooks/sitiung.ipynb"),  # a whole kecamatan
    ("kecamatan/sitiung.pdf",),
    ("notebooks/sitiung.ipynb",),
    ("ringkasan-kabupaten.pdf",),
    ("notebooks/ringkasan-kabupaten.ipynb",),
    ("buku-uji.pdf",), ("index.html",), ("uji.zip",), ("laporan-data.html",), ("data/agen_perisai.csv",),
])
def test_a_release_missing_a_part_consistently_is_incomplete(rel, paths):
    drop(rel, *paths)
    assert verify.verify(rel) == [f"{p}: tidak tercantum di manifest; rilis uji tidak lengkap tanpanya" for p in sorted(paths)]


def test_the_kecamatan_list_comes_from_the_release_data_and_the_recorded_selection(tmp_path):
    selected = make_release(tmp_path / "a", selection=["Sitiung"])
    drop(selected, "kecamatan/sitiung.html", "kecamatan/sitiung.pdf", "notebooks/sitiung.ipynb")
    assert len(verify.verify(selected)) == 3
    # A release for fewer kecamatan than its parameters say is short, not a smaller release.
    narrowed = make_release(tmp_path / "b")
    reseal(narrowed, lambda m: m["provenance"]["options"].update(only=["Sitiung", "=Timpeh", "koto  baru", "13.10.02"]))
    assert verify.verify(narrowed) == []  # names as typed: case, spaces and codes as the build takes them
    reseal(narrowed, lambda m: m["provenance"]["options"].update(only=["Nagari Entah"]))
    problems = verify.verify(narrowed)
    assert problems[0] == "manifest.json: kecamatan 'Nagari Entah' (options.only) tidak ada di data/wilayah.csv rilis ini"


def test_kinds_and_names_must_match_what_the_release_holds(rel):
    def change(m):
        for a in m["artifacts"]:
            if a["path"] == "index.html":
                a["kind"] = "data"
            if a["path"] == "kecamatan/sitiung.pdf":
                a["kecamatan"] = "Koto Baru"
    reseal(rel, change)
    assert verify.verify(rel) == [
        "index.html: tercatat sebagai data, seharusnya index",
        "kecamatan/sitiung.pdf: tercatat sebagai brief Koto Baru, seharusnya brief Sitiung",
    ]


def test_a_partial_release_names_each_failed_part_and_holds_nothing_of_it(tmp_path):
    partial = make_release(tmp_path / "p", failed={"Sitiung": "sel 3: ZeroDivisionError", REGENCY: "kernel mati"})
    assert verify.verify(partial) == [
        "rilis tidak lengkap: Ringkasan Kabupaten Uji gagal saat build (kernel mati)",
        "rilis tidak lengkap: Kecamatan Sitiung gagal saat build (sel 3: ZeroDivisionError)",
    ]
    (partial / "kecamatan" / "sitiung.pdf").write_text("x", encoding="utf-8")
    reseal(partial, lambda m: m["artifacts"].append({"kind": "brief", "kecamatan": "Sitiung", "path": "kecamatan/sitiung.pdf",
                                                       "bytes": 1, "sha256": "0" * 64}))
    assert "kecamatan/sitiung.pdf: tercantum di manifest tetapi bukan bagian dari rilis uji" in verify.verify(partial)
    reseal(partial, lambda m: m["failed"].append({"kecamatan": "Nagari Entah", "error": "x"}))
    assert "manifest.json: failed menyebut 'Nagari Entah', bukan bagian dari rapat uji" in verify.verify(partial)
    reseal(partial, lambda m: m["failed"].append({"kecamatan": "Sitiung", "error": "\x1b[2J\x1b[1;1Hsemua cocok"}))
    assert not any("\x1b" in line for line in verify.verify(partial))  # no terminal control from a manifest


def test_a_changed_wilayah_csv_is_reported_once_without_guessing_the_kecamatan(rel):
    with (rel / "data" / "wilayah.csv").open("a", encoding="utf-8") as f:
        f.write("13.10.09,Kecamatan Baru,13.10.09.2001,X,1,2\n")
    assert verify.verify(rel) == ["data/wilayah.csv: isi berubah (sha256 tidak cocok dengan manifest)"]


# ---- --rebuild ------------------------------------------------------------------------

def test_rebuild_that_cannot_start_is_a_line_not_a_traceback(rel, monkeypatch, capsys):
    def refuse(params_file, opts):
        raise InputError(Problem(str(params_file), "berkas parameter tidak ditemukan"))
    monkeypatch.setattr(pipeline, "build", refuse)
    [line] = verify.verify(rel, rebuild=True)
    assert line.startswith("bangun ulang gagal:") and "berkas parameter tidak ditemukan" in line
    code, err = run_cli([str(rel), "--rebuild"], capsys)
    assert code == 1 and "Traceback" not in err


def test_rebuild_names_what_differs_is_missing_or_is_new(rel, tmp_path, monkeypatch):
    fresh = tmp_path / "segar" / MEETING
    shutil.copytree(rel, fresh)
    (fresh / "index.html").write_text("lain", encoding="utf-8")
    (fresh / "evil.html").write_text("x", encoding="utf-8")
    (fresh / "uji.zip").unlink()

    def change(m):
        m["artifacts"] = [a for a in m["artifacts"] if a["path"] != "uji.zip"]
        m["artifacts"].append({"kind": "data", "path": "evil.html", "bytes": 1, "sha256": "0" * 64})
        m["provenance"]["inputs"]["kepesertaan"]["sha256"] = "1" * 64
    reseal(fresh, change)
    seen = {}

    def build(params_file, opts):
        seen.update(params_file=params_file, allow_partial=opts.allow_partial, force=opts.force)
        return pipeline.Result(0, fresh, None, "")
    monkeypatch.setattr(pipeline, "build", build)
    assert verify.verify(rel, rebuild=True) == [
        "masukan kepesertaan (data/uji/kepesertaan.csv) sekarang berbeda dari yang tercatat di manifest",
        "index.html: hasil bangun ulang berbeda dari manifest",
        "uji.zip: tidak ada di hasil bangun ulang",
        "evil.html: ada di bangun ulang tetapi tidak di manifest",
    ]
    assert seen["params_file"].name == "uji.yml" and seen["force"] and seen["allow_partial"]
