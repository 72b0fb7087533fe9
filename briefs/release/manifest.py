"""`manifest.json`: written once per release, read by one reader everywhere.

`write` lists every artefact with its kind, path, size and sha256, and the provenance;
`parse` reads one back with its types checked (pydantic models, extra keys allowed), and
`check_files` compares a folder with it: every file listed and matching, nothing listed
outside the folder, no symlinks or special files. `publish.current` and `verify` use
these, so a tampered manifest can never make either read outside the release.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from briefs.hashing import file_sha256
from briefs.release.signing import SIGNATURE

KINDS = ("brief", "summary", "card", "notebook", "data", "book", "index", "zip")  # card: kartu/<nama>.png
_UNSAFE = "jalur di manifest tidak sah (harus relatif, di dalam folder rilis, tanpa '..')"


def write(stage: Path, manifest: dict) -> None:
    """manifest.json in `stage`, artefacts in path order, keys sorted: the same bytes for the same release."""
    manifest["artifacts"].sort(key=lambda a: a["path"])
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (stage / "manifest.json").write_text(text, encoding="utf-8")


class Malformed(Exception):
    """The manifest cannot be read as a release manifest; the message lists why."""


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
            problems.append(f"{show(prefix or '.')}: folder tidak bisa dibaca ({exc.strerror})")
            continue
        for e in entries:
            rel = prefix + e.name
            if e.is_symlink():
                problems.append(f"{show(rel)}: tautan simbolik; rilis hanya boleh memuat berkas biasa")
            elif e.is_dir(follow_symlinks=False):
                stack.append((rel + "/", Path(e.path)))
            elif e.is_file(follow_symlinks=False):
                files[rel] = e.stat(follow_symlinks=False)
            else:
                problems.append(f"{show(rel)}: bukan berkas biasa")
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
            same = st.st_size == art["bytes"] and file_sha256(release / path) == art["sha256"]
        except OSError as exc:
            problems.append(f"{path}: tidak bisa dibaca ({exc.strerror})")
            continue
        if same:
            verified.add(path)
        else:
            problems.append(f"{path}: isi berubah (sha256 tidak cocok dengan manifest)")
    for path in sorted(set(files) - seen - {"manifest.json", SIGNATURE}):
        problems.append(f"{show(path)}: ada di folder rilis tetapi tidak tercantum di manifest")
    return problems, verified


def _linked(release: Path, path: str) -> bool:
    """Whether `path`, or a folder on the way to it, is a symlink inside the release."""
    here = release
    for part in PurePosixPath(path).parts:
        here = here / part
        if here.is_symlink():
            return True
    return False


def show(text: str) -> str:
    """A path or name from the disk or the manifest, safe to print on one line of a terminal."""
    return text if text.isprintable() else repr(text)
