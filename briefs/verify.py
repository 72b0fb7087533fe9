"""`build.py verify`: check a published release against its manifest, and say what that proves.

From the folder alone, a release verifies when
- `manifest.json` is well-formed: every key the release writes, with the right types;
- every file in the folder is listed (except the manifest and its signature) and matches
  its recorded size and sha256; nothing listed is missing; no listed path leaves the
  folder (relative, no `..`); the folder holds no symlinks or other special files;
- the manifest is complete for its meeting: index, data report, the four data tables,
  book, zip, the summary and, for every kecamatan the build was asked for (its recorded
  `--only` or params selection, or every kecamatan of the release's own
  `data/wilayah.csv`), its HTML, PDF and notebook, under the file names the build gives
  them; and nothing else. A kecamatan recorded under `failed` (a `--allow-partial`
  build) makes the release incomplete: one line per failed part.

That proves integrity and completeness against the manifest, not who made it: anyone who
can write the folder can write a matching manifest. `signers` (briefs.signing) adds who
signed the manifest; `rebuild` builds again from the recorded params file and options
and compares byte for byte, which ties the release to this checkout's code and data.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path, PurePosixPath

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from briefs.release import signing
from briefs.release.publish import digest_file
from briefs.release.signing import SIGNATURE

KINDS = ("brief", "summary", "notebook", "data", "book", "index", "zip")
_UNSAFE = "jalur di manifest tidak sah (harus relatif, di dalam folder rilis, tanpa '..')"


class Malformed(Exception):
    """The manifest cannot be read as a release manifest; the message lists why."""


def verify(release: Path, *, rebuild: bool = False, signers: Path | None = None) -> list[str]:
    """Return one line per problem (empty when the release is intact and complete)."""
    release = Path(release)
    if not release.is_dir():
        return [f"{release}: folder rilis tidak ditemukan"]
    manifest_file = release / "manifest.json"
    if manifest_file.is_symlink():
        return [f"{manifest_file}: manifest.json berupa tautan simbolik; rilis hanya boleh memuat berkas biasa"]
    if not manifest_file.is_file():
        return [f"{manifest_file}: manifest.json tidak ditemukan"]
    try:
        raw = manifest_file.read_bytes()
        manifest = parse(raw)
    except OSError as exc:
        return [f"{manifest_file}: manifest.json tidak bisa dibaca ({exc.strerror})"]
    except Malformed as exc:
        return [f"{manifest_file}: manifest.json tidak sah: {exc}"]
    problems, verified = check_files(release, manifest)
    problems += check_complete(release, manifest, verified)
    if signers is not None:
        problems += signing.check(release, raw, Path(signers))[1]
    if rebuild and not problems:
        problems += _rebuild_and_compare(manifest)
    return problems


# ---- well-formed -------------------------------------------------------------------------

def parse(raw: bytes) -> dict:
    """The manifest as a dict with every key verify relies on, of the right type; or Malformed."""
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed("bukan teks UTF-8") from None
    except ValueError as exc:
        raise Malformed(f"bukan JSON ({exc})") from None
    except RecursionError:
        raise Malformed("bukan JSON yang wajar (bersarang terlalu dalam)") from None
    errors = _shape(manifest)
    if errors:
        more = f" (dan {len(errors) - 3} masalah lain)" if len(errors) > 3 else ""
        raise Malformed("; ".join(errors[:3]) + more)
    return manifest


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)  # keys a later release adds are not errors


class _Artifact(_Model):
    kind: Literal[KINDS]
    path: str
    bytes: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    kecamatan: str | None = None


class _Failed(_Model):
    kecamatan: str
    error: str


class _Warning(_Model):
    message: str


class _Parameters(_Model):
    id: str
    regency: str
    kecamatan: Literal["all"] | list[str]


class _Options(_Model):
    only: list[str]
    engine: Literal["weasyprint", "quarto"] | None
    timeout: Annotated[int, Field(gt=0)] | None


class _Source(_Model):
    path: str
    sha256: str


class _Provenance(_Model):
    parameters: _Parameters
    options: _Options
    params_file: Annotated[str, StringConstraints(min_length=1)]
    inputs: dict[str, _Source]


class _Manifest(_Model):
    """What verify relies on in a manifest, with its types; `briefs.release` writes it."""

    meeting: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    build_id: str
    inputs: str
    artifacts: list[_Artifact]
    failed: list[_Failed]
    warnings: list[_Warning]
    provenance: _Provenance


def _shape(m: object) -> list[str]:
    """What is wrong with the manifest's structure, one phrase each (extra keys are allowed)."""
    if not isinstance(m, dict):
        return ["isinya harus berupa objek JSON {…}"]
    try:
        manifest = _Manifest.model_validate(m)
    except ValidationError as exc:
        return [_phrase(e) for e in exc.errors()]
    if manifest.provenance.parameters.id != manifest.meeting:
        return [f"provenance.parameters.id '{manifest.provenance.parameters.id}' bukan rapat manifest ini "
                f"('{manifest.meeting}')"]
    return []


def _phrase(error: dict) -> str:
    """A pydantic error as a short Indonesian phrase naming the key: 'kunci warnings tidak ada'."""
    where = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in error["loc"]).replace(".[", "[")
    if error["type"] == "missing":
        return f"kunci {where} tidak ada"
    return f"{where} tidak sah (tertulis {type(error['input']).__name__} {str(error['input'])[:40]!r})"


# ---- every file listed and matching; nothing outside ---------------------------------------

def safe_path(path: str) -> bool:
    """A listed path is relative, normalised, inside the folder, and not the manifest's own files."""
    if not path or not path.isprintable() or "\\" in path or ":" in path:
        return False
    pure = PurePosixPath(path)
    return (not pure.is_absolute() and pure.as_posix() == path and ".." not in pure.parts
            and path not in ("manifest.json", SIGNATURE))


def walk(release: Path) -> tuple[dict[str, os.stat_result], list[str]]:
    """Every regular file under `release` (relative POSIX path → lstat), and one line per
    symlink or special file. Symlinks are reported, never followed; nothing is opened."""
    files: dict[str, os.stat_result] = {}
    problems: list[str] = []
    stack = [("", release)]
    while stack:
        prefix, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append(f"{_show(prefix or '.')}: folder tidak bisa dibaca ({exc.strerror})")
            continue
        for e in entries:
            rel = prefix + e.name
            if e.is_symlink():
                problems.append(f"{_show(rel)}: tautan simbolik; rilis hanya boleh memuat berkas biasa")
            elif e.is_dir(follow_symlinks=False):
                stack.append((rel + "/", Path(e.path)))
            elif e.is_file(follow_symlinks=False):
                files[rel] = e.stat(follow_symlinks=False)
            else:
                problems.append(f"{_show(rel)}: bukan berkas biasa")
    return files, sorted(problems)


def check_files(release: Path, manifest: dict) -> tuple[list[str], set[str]]:
    """Problems with the files, and the listed paths whose bytes match the manifest.

    Only files found by `walk` are ever read, so no manifest path can make verify read
    outside the release.
    """
    files, problems = walk(release)
    seen: set[str] = set()
    verified: set[str] = set()
    for art in manifest["artifacts"]:
        path = art["path"]
        if not safe_path(path):
            problems.append(f"{path!r}: {_UNSAFE}")
            continue
        if path in seen:
            problems.append(f"{path}: tercantum lebih dari sekali di manifest")
            continue
        seen.add(path)
        st = files.get(path)
        if st is None:
            if not _linked(release, path):  # a symlink was reported by walk already
                problems.append(f"{path}: hilang")
            continue
        try:
            same = st.st_size == art["bytes"] and digest_file(release / path) == art["sha256"]
        except OSError as exc:
            problems.append(f"{path}: tidak bisa dibaca ({exc.strerror})")
            continue
        if same:
            verified.add(path)
        else:
            problems.append(f"{path}: isi berubah (sha256 tidak cocok dengan manifest)")
    for path in sorted(set(files) - seen - {"manifest.json", SIGNATURE}):
        problems.append(f"{_show(path)}: ada di folder rilis tetapi tidak tercantum di manifest")
    return problems, verified


def _linked(release: Path, path: str) -> bool:
    """Whether `path`, or a folder on the way to it, is a symlink inside the release."""
    here = release
    for part in PurePosixPath(path).parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def _show(text: str) -> str:
    """A path or name from the disk or the manifest, safe to print on one line of a terminal."""
    return text if text.isprintable() else repr(text)


# ---- complete for its meeting --------------------------------------------------------------

def check_complete(release: Path, manifest: dict, verified: set[str]) -> list[str]:
    """The listed files against what a release of this meeting holds, from the manifest's
    own record (meeting id, selection, failed parts) and the release's `data/wilayah.csv`.

    The kecamatan list is read from `data/wilayah.csv` only when its bytes match the
    manifest; otherwise (already reported) briefs are not judged by name.
    """
    from briefs.data import TABLES
    from briefs.paths import SUMMARY_SLUG, unique_slugs  # the names the build gives, not a copy of its rules
    from briefs.data.schema import name_key, plain

    meeting = manifest["meeting"]
    prov = manifest["provenance"]
    params, options = prov["parameters"], prov["options"]
    problems: list[str] = []

    listed: dict[str, tuple[str, str | None]] = {}
    for art in manifest["artifacts"]:
        if safe_path(art["path"]):
            listed.setdefault(art["path"], (art["kind"], art.get("kecamatan")))

    expected: dict[str, tuple[str, str | None]] = {
        "index.html": ("index", None), "laporan-data.html": ("data", None),
        f"buku-{meeting}.pdf": ("book", None), f"{meeting}.zip": ("zip", None),
        **{f"data/{table}.csv": ("data", None) for table in TABLES},
    }
    failed_lines: list[str] = []
    failed = {f["kecamatan"]: f["error"] for f in manifest["failed"]}
    if params["regency"] in failed:
        failed_lines.append(_failed(f"Ringkasan {params['regency']}", failed.pop(params["regency"])))
    else:
        expected |= {f"{SUMMARY_SLUG}.html": ("summary", None), f"{SUMMARY_SLUG}.pdf": ("summary", None),
                     f"notebooks/{SUMMARY_SLUG}.ipynb": ("notebook", None)}

    spellings = _wilayah(release) if "data/wilayah.csv" in verified else None
    if isinstance(spellings, str):
        problems.append(spellings)
        spellings = None
    if spellings is not None:
        lookup = {name_key(n): code for code, names in spellings.items() for n in names}
        chosen_names = options["only"] or (params["kecamatan"] if params["kecamatan"] != "all" else None)
        source = "options.only" if options["only"] else "parameters.kecamatan"
        codes: list[str] = []
        for name in chosen_names if chosen_names is not None else sorted(spellings):
            code = plain(name) if plain(name) in spellings else lookup.get(name_key(name))
            if code is None:
                problems.append(f"manifest.json: kecamatan '{_show(name)}' ({source}) tidak ada di data/wilayah.csv rilis ini")
            elif code not in codes:
                codes.append(code)
        # The name each brief was built under: the one listed, if it is a spelling the data has.
        names = {code: spellings[code][0] for code in codes}
        for kind, name in listed.values():
            code = lookup.get(name_key(name)) if kind == "brief" and name else None
            if code in names and name in spellings[code]:
                names[code] = name
        failed_codes = {}
        for name, error in failed.items():
            code = lookup.get(name_key(name))
            if code in names:
                failed_codes[code] = error
            else:
                problems.append(f"manifest.json: failed menyebut '{_show(name)}', bukan bagian dari rapat {meeting}")
        slugs = unique_slugs(names)
        for code in sorted(codes):
            if code in failed_codes:
                failed_lines.append(_failed(f"Kecamatan {names[code]}", failed_codes[code]))
                continue
            expected |= {f"kecamatan/{slugs[code]}.html": ("brief", names[code]),
                         f"kecamatan/{slugs[code]}.pdf": ("brief", names[code]),
                         f"notebooks/{slugs[code]}.ipynb": ("notebook", names[code])}
    else:  # without the kecamatan list, a brief or its notebook cannot be judged by name
        listed = {p: v for p, v in listed.items() if v[1] is None or p in expected}
        failed_lines += [_failed(f"Kecamatan {name}", error) for name, error in failed.items()]

    problems += failed_lines
    for path in sorted(set(expected) | set(listed)):
        if path not in listed:
            problems.append(f"{path}: tidak tercantum di manifest; rilis {meeting} tidak lengkap tanpanya")
        elif path not in expected:
            problems.append(f"{path}: tercantum di manifest tetapi bukan bagian dari rilis {meeting}")
        elif listed[path] != expected[path]:
            problems.append(f"{path}: tercatat sebagai {_what(*listed[path])}, seharusnya {_what(*expected[path])}")
    return problems


def _wilayah(release: Path) -> dict[str, list[str]] | str:
    """kode_kecamatan → its spellings, in file order, from the release's own snapshot; or a problem line.

    The published CSV defuses formula-like cells with a leading apostrophe
    (release.spreadsheet_safe); names are read back as the build used them.
    """
    try:
        with (release / "data" / "wilayah.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            columns = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return f"data/wilayah.csv: tidak terbaca ({exc}); kelengkapan brief per kecamatan tidak diperiksa"
    if not {"kode_kecamatan", "kecamatan"} <= set(columns):
        return "data/wilayah.csv: kolom kode_kecamatan atau kecamatan tidak ada; kelengkapan brief per kecamatan tidak diperiksa"
    spellings: dict[str, list[str]] = {}
    for row in rows:
        code, name = _undefused(row.get("kode_kecamatan") or ""), _undefused(row.get("kecamatan") or "")
        if code and name and name not in spellings.setdefault(code, []):
            spellings[code].append(name)
    return {code: names for code, names in spellings.items() if names}


def _undefused(value: str) -> str:
    return value[1:] if value[:1] == "'" and value[1:2] and value[1:2] in "=+-@\t\r" else value


def _failed(title: str, error: str) -> str:
    lines = error.strip().splitlines()
    first = lines[0] if lines else "tanpa keterangan"
    return f"rilis tidak lengkap: {_show(title)} gagal saat build ({_show(first[:200])})"


def _what(kind: str, kecamatan: str | None) -> str:
    return f"{kind} {_show(kecamatan)}" if kecamatan else kind


# ---- --rebuild -------------------------------------------------------------------------------

def _rebuild_and_compare(manifest: dict) -> list[str]:
    """Build again from the recorded params file and options, into a temporary folder."""
    from briefs import paths, pipeline
    from briefs.errors import InputError

    prov = manifest["provenance"]
    options = prov["options"]
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        # allow_partial: a brief that fails now shows as its missing files, not as one vague line
        opts = pipeline.Options(only=list(options["only"]), engine=options["engine"], timeout=options["timeout"],
                                force=True, allow_partial=True, out=Path(tmp))
        try:
            result = pipeline.build(paths.resolve(prov["params_file"]), opts)
        except InputError as exc:
            return [f"bangun ulang gagal: {'; '.join(str(p) for p in exc.problems)}"]
        if result.release is None:
            return [f"bangun ulang gagal: {result.message}"]
        fresh = json.loads((result.release / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    now = fresh.get("provenance", {}).get("inputs", {})
    for table, source in sorted(prov["inputs"].items()):
        if (now.get(table) or {}).get("sha256") != source["sha256"]:
            problems.append(f"masukan {_show(table)} ({_show(source['path'])}) sekarang berbeda dari yang tercatat di manifest")
    problems += [f"bangun ulang: {f['kecamatan']} gagal ({f['error']})" for f in fresh.get("failed", [])]
    fresh_hashes = {a["path"]: a["sha256"] for a in fresh["artifacts"]}
    for art in manifest["artifacts"]:
        if art["path"] not in fresh_hashes:
            problems.append(f"{art['path']}: tidak ada di hasil bangun ulang")
        elif fresh_hashes[art["path"]] != art["sha256"]:
            problems.append(f"{art['path']}: hasil bangun ulang berbeda dari manifest")
    problems += [f"{path}: ada di bangun ulang tetapi tidak di manifest"
                 for path in sorted(set(fresh_hashes) - {a["path"] for a in manifest["artifacts"]})]
    return problems
