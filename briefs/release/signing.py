"""Detached signatures over a release's `manifest.json`, made and checked with OpenSSH.

`verify` proves every file of a release matches its manifest and that the manifest is
complete; whoever can write the folder can write a matching manifest too. A signature
over `manifest.json` says who vouched for it, and so for every byte of the release.

OpenSSH's `ssh-keygen -Y sign` / `-Y verify` (SSHSIG, the format git's SSH signing uses)
is the well-kept tool here: no new Python dependency, keys people already know how to
keep (a passphrase, ssh-agent, a hardware key), Ed25519 signatures that are deterministic,
and a recipient can check one with `ssh-keygen` alone, without this project. Who may sign
is an `allowed_signers` file (see `man ssh-keygen`, ALLOWED SIGNERS): one line per
person, `name@office namespaces="rakor-briefs" ssh-ed25519 AAAA...`.

The signature is `manifest.json.sig` beside the manifest: the one file of a release that
the manifest cannot list. A new build replaces the folder, so a release is signed again
after each build, by a person, with `build.py sign` (never by the build itself).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

NAMESPACE = "rakor-briefs"  # a signature made for another purpose (git, ssh login) never counts here
SIGNATURE = "manifest.json.sig"
TIMEOUT = 60


class SigningError(Exception):
    """Signing failed; the message says why, in Bahasa Indonesia."""


def sign(release: Path, key: Path) -> Path:
    """Sign `release/manifest.json` with an SSH private key (or its public half held in ssh-agent).

    ssh-keygen asks for the key's passphrase on the terminal when it needs one. Returns the
    signature file; an earlier signature is replaced.
    """
    manifest = release / "manifest.json"
    if manifest.is_symlink() or not manifest.is_file():
        raise SigningError(f"{manifest}: manifest.json tidak ditemukan")
    with tempfile.TemporaryDirectory(prefix="tanda-tangan-") as tmp:
        copy = Path(tmp) / "manifest.json"  # ssh-keygen writes <file>.sig beside the file it signs
        shutil.copyfile(manifest, copy)
        done = _ssh_keygen(["-Y", "sign", "-f", str(key), "-n", NAMESPACE, str(copy)], capture=False)
        if done.returncode != 0:
            raise SigningError(f"{key}: penandatanganan gagal: {_first_line(done.stderr)}")
        if copy.read_bytes() != manifest.read_bytes():
            raise SigningError(f"{manifest}: berubah selama ditandatangani; ulangi")
        target = release / SIGNATURE
        shutil.copyfile(Path(tmp) / f"{copy.name}.sig", target)
    return target


def check(release: Path, manifest_bytes: bytes, signers: Path) -> tuple[str | None, list[str]]:
    """Who signed these manifest bytes, among `signers`; or None and one line saying why not.

    `manifest_bytes` are the bytes the caller read and checked, so the signature is checked
    over exactly what was verified, not over a file that might have changed since.
    """
    sig = release / SIGNATURE
    if sig.is_symlink() or not sig.is_file():
        return None, [f"{SIGNATURE}: tidak ada; rilis ini belum ditandatangani (build.py sign)"]
    if not signers.is_file():
        return None, [f"{signers}: daftar penanda tangan tidak ditemukan"]
    try:
        found = _ssh_keygen(["-Y", "find-principals", "-s", str(sig), "-f", str(signers)])
        if found.returncode != 0:
            return None, [f"{SIGNATURE}: dibuat dengan kunci yang tidak ada di {signers} (atau tanda tangan rusak)"]
        for principal in found.stdout.decode("utf-8", "replace").splitlines():
            done = _ssh_keygen(["-Y", "verify", "-f", str(signers), "-I", principal, "-n", NAMESPACE, "-s", str(sig)],
                               stdin=manifest_bytes)
            if done.returncode == 0:
                return principal, []
    except SigningError as exc:
        return None, [str(exc)]
    return None, [f"{SIGNATURE}: tidak cocok dengan manifest.json (manifest diubah setelah ditandatangani, "
                  f"atau ditandatangani untuk keperluan lain)"]


def _ssh_keygen(args: list[str], *, stdin: bytes | None = None, capture: bool = True) -> subprocess.CompletedProcess:
    """Run ssh-keygen; with capture=False its prompts (a passphrase) reach the terminal."""
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise SigningError("ssh-keygen tidak ditemukan: pasang OpenSSH (Debian: openssh-client)")
    try:
        return subprocess.run([exe, *args], input=stdin, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SigningError(f"ssh-keygen tidak selesai dalam {TIMEOUT} detik") from None


def _first_line(stderr: bytes | None) -> str:
    lines = [s for s in (stderr or b"").decode("utf-8", "replace").splitlines() if s.strip()]
    return lines[-1] if lines else "ssh-keygen gagal"
