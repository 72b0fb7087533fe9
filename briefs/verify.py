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
  them; phone cards (`kartu/<nama>.png`, kind `card`) only for those parts, under those
  names; and nothing else. A kecamatan recorded under `failed` (a `--allow-partial`
  build) makes the release incomplete: one line per failed part.

That proves integrity and completeness against the manifest, not who made it: anyone who
can write the folder can write a matching manifest. `signers` (briefs.signing) adds who
signed the manifest; `rebuild` builds again from the recorded params file and options
and compares byte for byte, which ties the release to this checkout's code and data.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from briefs.release import signing
from briefs.release.manifest import Malformed, check_files, parse, safe_path, show


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

def check_complete(release: Path, manifest: dict, verified: set[str]) -> list[str]:
    """The listed files against what a release of this meeting holds, from the manifest's
    own record (meeting id, selection, failed parts) and the release's `data/wilayah.csv`.

    The kecamatan list is read from `data/wilayah.csv` only when its bytes match the
    manifest; otherwise (already reported) briefs are not judged by name.
    """
    from briefs.data import TABLES
    from briefs.data.schema import name_key, plain
    from briefs.paths import SUMMARY_SLUG, unique_slugs  # the names the build gives, not a copy of its rules

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
    # A phone card is made only when its notebook asks for one (the build reports a missing
    # one): a listed card must have its part's name and kind, an unlisted one is no gap.
    cards: dict[str, tuple[str, str | None]] = {}
    failed_lines: list[str] = []
    failed = {f["kecamatan"]: f["error"] for f in manifest["failed"]}
    district = str(params.get("district_term", "kecamatan")).capitalize()  # "Kecamatan", "Distrik": as the build titled it
    if params["regency"] in failed:
        failed_lines.append(_failed(f"Ringkasan {params['regency']}", failed.pop(params["regency"])))
    else:
        expected |= {f"{SUMMARY_SLUG}.html": ("summary", None), f"{SUMMARY_SLUG}.pdf": ("summary", None),
                     f"notebooks/{SUMMARY_SLUG}.ipynb": ("notebook", None)}
        cards[f"kartu/{SUMMARY_SLUG}.png"] = ("card", None)

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
                problems.append(f"manifest.json: kecamatan '{show(name)}' ({source}) tidak ada di "
                                f"data/wilayah.csv rilis ini")
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
                problems.append(f"manifest.json: failed menyebut '{show(name)}', bukan bagian dari rapat {meeting}")
        slugs = unique_slugs(names)
        for code in sorted(codes):
            if code in failed_codes:
                failed_lines.append(_failed(f"{district} {names[code]}", failed_codes[code]))
                continue
            expected |= {f"kecamatan/{slugs[code]}.html": ("brief", names[code]),
                         f"kecamatan/{slugs[code]}.pdf": ("brief", names[code]),
                         f"notebooks/{slugs[code]}.ipynb": ("notebook", names[code])}
            cards[f"kartu/{slugs[code]}.png"] = ("card", names[code])
    else:  # without the kecamatan list, a brief or its notebook cannot be judged by name
        listed = {p: v for p, v in listed.items() if v[1] is None or p in expected}
        failed_lines += [_failed(f"{district} {name}", error) for name, error in failed.items()]

    problems += failed_lines
    expected |= {path: what for path, what in cards.items() if path in listed}
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
        return ("data/wilayah.csv: kolom kode_kecamatan atau kecamatan tidak ada; kelengkapan brief per kecamatan "
                "tidak diperiksa")
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
    return f"rilis tidak lengkap: {show(title)} gagal saat build ({show(first[:200])})"


def _what(kind: str, kecamatan: str | None) -> str:
    return f"{kind} {show(kecamatan)}" if kecamatan else kind


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
            problems.append(f"masukan {show(table)} ({show(source['path'])}) sekarang berbeda dari yang tercatat "
                            f"di manifest")
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
