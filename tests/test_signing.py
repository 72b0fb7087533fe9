"""Signed releases: `manifest.json.sig` (OpenSSH SSHSIG) says who vouched for the manifest,
and so, with `verify`'s completeness, for every byte of the release. Real ssh-keygen."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from briefs import verify
from briefs.release import signing
from tests.test_verify import make_release, reseal

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (openssh-client) tidak terpasang")


def keypair(folder: Path, name: str) -> tuple[Path, str]:
    """A fresh Ed25519 key without passphrase; returns the private key and its public line."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, key.with_suffix(".pub").read_text().strip()


@pytest.fixture
def signed(tmp_path):
    """A release signed by budi, and an allowed_signers file naming budi and sari."""
    rel = make_release(tmp_path / "rilis")
    budi, budi_pub = keypair(tmp_path, "budi")
    _, sari_pub = keypair(tmp_path, "sari")
    signers = tmp_path / "allowed_signers"
    signers.write_text(f'budi@dinas namespaces="{signing.NAMESPACE}" {budi_pub}\n'
                       f'sari@bpjs namespaces="{signing.NAMESPACE}" {sari_pub}\n')
    assert signing.sign(rel, budi) == rel / signing.SIGNATURE
    return rel, signers, tmp_path


@needs_ssh_keygen
def test_a_signed_release_verifies_and_names_its_signer(signed):
    rel, signers, _ = signed
    assert verify.verify(rel, signers=signers) == []
    assert signing.check(rel, (rel / "manifest.json").read_bytes(), signers) == ("budi@dinas", [])
    assert verify.verify(rel) == []  # the signature is the one file the manifest cannot list


@needs_ssh_keygen
def test_a_recipient_checks_the_signature_with_ssh_keygen_alone(signed):
    rel, signers, _ = signed
    done = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "budi@dinas", "-n", "rakor-briefs",
                           "-s", str(rel / "manifest.json.sig")], stdin=(rel / "manifest.json").open("rb"), capture_output=True)
    assert done.returncode == 0, done.stderr


@needs_ssh_keygen
def test_a_resealed_release_fails_the_signature(signed):
    rel, signers, _ = signed
    (rel / "index.html").write_text("<p>diganti</p>", encoding="utf-8")
    reseal(rel)  # every hash matches again: only the signature can tell
    assert verify.verify(rel) == []
    assert verify.verify(rel, signers=signers) == [
        "manifest.json.sig: tidak cocok dengan manifest.json (manifest diubah setelah ditandatangani, "
        "atau ditandatangani untuk keperluan lain)"]


@needs_ssh_keygen
def test_a_signature_by_someone_not_listed_or_for_another_purpose_does_not_count(signed):
    rel, signers, tmp_path = signed
    mallory, _ = keypair(tmp_path, "mallory")
    signing.sign(rel, mallory)
    [line] = verify.verify(rel, signers=signers)
    assert line.startswith("manifest.json.sig: dibuat dengan kunci yang tidak ada di")
    budi = tmp_path / "budi"  # budi's key, but a signature made for git, not for a release
    subprocess.run(["ssh-keygen", "-Y", "sign", "-f", str(budi), "-n", "git"], stdin=(rel / "manifest.json").open("rb"),
                   stdout=(rel / signing.SIGNATURE).open("wb"), stderr=subprocess.DEVNULL, check=True)
    assert len(verify.verify(rel, signers=signers)) == 1


@needs_ssh_keygen
def test_an_unsigned_release_or_a_missing_signers_file_is_reported(signed):
    rel, signers, tmp_path = signed
    assert verify.verify(rel, signers=tmp_path / "tidak-ada") == [f"{tmp_path / 'tidak-ada'}: daftar penanda tangan tidak ditemukan"]
    (rel / signing.SIGNATURE).unlink()
    assert verify.verify(rel, signers=signers) == ["manifest.json.sig: tidak ada; rilis ini belum ditandatangani (build.py sign)"]


@needs_ssh_keygen
def test_signing_with_a_key_that_is_not_there_says_so(tmp_path):
    rel = make_release(tmp_path / "rilis")
    with pytest.raises(signing.SigningError, match="penandatanganan gagal"):
        signing.sign(rel, tmp_path / "tidak-ada")
    assert not (rel / signing.SIGNATURE).exists()


def test_without_ssh_keygen_checking_is_one_line(tmp_path, monkeypatch):
    rel = make_release(tmp_path / "rilis")
    (rel / signing.SIGNATURE).write_text("-----BEGIN SSH SIGNATURE-----\n", encoding="utf-8")
    (tmp_path / "allowed_signers").write_text("x\n")
    monkeypatch.setattr(signing.shutil, "which", lambda name: None)
    assert verify.verify(rel, signers=tmp_path / "allowed_signers") == [
        "ssh-keygen tidak ditemukan: pasang OpenSSH (Debian: openssh-client)"]


def test_only_the_manifest_signature_may_stand_unlisted(tmp_path):
    rel = make_release(tmp_path / "rilis")
    (rel / "index.html.sig").write_text("x", encoding="utf-8")
    (rel / "kecamatan" / signing.SIGNATURE).write_text("x", encoding="utf-8")
    assert verify.verify(rel) == ["index.html.sig: ada di folder rilis tetapi tidak tercantum di manifest",
                                  "kecamatan/manifest.json.sig: ada di folder rilis tetapi tidak tercantum di manifest"]
