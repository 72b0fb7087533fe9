"""briefs.hashing: every digest the build's cache keys, manifests and no-op check rely on."""

from pathlib import Path

from briefs import hashing
from tests import helpers


def test_digest_separates_its_parts():
    """Each part is length-prefixed: moving a character between parts changes the digest."""
    assert hashing.digest("ab", "c") != hashing.digest("a", "bc")
    assert hashing.digest("ab", "") != hashing.digest("ab")
    assert hashing.digest(b"ab", "c") == hashing.digest("ab", b"c")  # text and bytes hash alike


def test_tree_digest_sees_a_one_byte_change_and_a_renamed_file(tmp_path):
    (tmp_path / "a.csv").write_text("1\n")
    before = hashing.tree_digest(tmp_path)
    (tmp_path / "a.csv").write_text("2\n")
    assert hashing.tree_digest(tmp_path) != before
    changed = hashing.tree_digest(tmp_path)
    (tmp_path / "a.csv").rename(tmp_path / "b.csv")
    assert hashing.tree_digest(tmp_path) != changed


def test_file_sha256_is_the_plain_sha256(tmp_path):
    import hashlib

    (tmp_path / "x").write_bytes(b"rakor" * 500_000)  # more than one block
    assert hashing.file_sha256(tmp_path / "x") == hashlib.sha256(b"rakor" * 500_000).hexdigest()


def test_a_notebooks_key_covers_the_images_beside_it(tmp_path):
    path = Path(helpers.notebook(tmp_path, "x = 1"))
    (tmp_path / "gambar").mkdir()
    (tmp_path / "gambar" / "peta.png").write_bytes(b"satu")
    first = hashing.notebook_digest(path)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.png").write_bytes(b"JupyterLab's own copy")
    assert hashing.notebook_digest(path) == first
    (tmp_path / "gambar" / "peta.png").write_bytes(b"dua")
    assert hashing.notebook_digest(path) != first
