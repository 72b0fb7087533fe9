"""Release assembly helpers: safe names and the publish-by-rename swap."""

import os

from briefs.paths import slug
from briefs.release import assemble as release
from briefs.release import publish


def test_slug_is_safe_for_any_name():
    assert slug("Koto Baru") == "koto-baru"
    assert slug("Sembilan Koto (IX Koto)") == "sembilan-koto-ix-koto"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("a/b\\c") == "a-b-c"
    assert slug("") == "tanpa-nama"
    assert slug("Ñagari Éé") == "nagari-ee"


def test_colliding_names_get_their_code():
    names = {"13.10.01": "Koto Baru", "13.10.02": "KOTO  baru", "13.10.03": "Sitiung"}
    s = release.unique_slugs(names)
    assert s["13.10.03"] == "sitiung"
    assert s["13.10.01"] != s["13.10.02"]
    assert all(v.startswith("koto-baru-") for k, v in s.items() if k != "13.10.03")


def test_swap_replaces_the_release_only_when_complete(tmp_path):
    target = tmp_path / "rakor"
    target.mkdir()
    (target / "old.txt").write_text("lama")
    staging = tmp_path / ".staging-rakor-1"
    staging.mkdir()
    (staging / "new.txt").write_text("baru")
    publish.swap(staging, target)
    assert (target / "new.txt").read_text() == "baru"
    assert not (target / "old.txt").exists()
    assert not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["rakor"]


def test_recover_restores_a_release_cut_between_renames(tmp_path):
    target = tmp_path / "rakor"
    old = tmp_path / f"{publish.OLD_PREFIX}rakor"
    old.mkdir()
    (old / "index.html").write_text("x")
    dead = tmp_path / f"{publish.STAGING_PREFIX}rakor-999999999"
    dead.mkdir()
    alive = tmp_path / f"{publish.STAGING_PREFIX}rakor-{os.getppid()}"
    alive.mkdir()
    publish.recover(target)
    assert (target / "index.html").read_text() == "x"
    assert not old.exists()
    assert not dead.exists()
    assert alive.exists()  # another build still running: leave it alone


def test_a_cache_file_enters_the_release_as_a_link_or_else_as_a_copy(tmp_path, monkeypatch):
    """Linking writes nothing (copies grew with national size); another file system gets a copy."""
    import errno

    src = tmp_path / "cache" / "page.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.7 brief")
    release._place(src, tmp_path / "linked.pdf")
    assert (tmp_path / "linked.pdf").stat().st_ino == src.stat().st_ino

    def other_disk(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", other_disk)
    release._place(src, tmp_path / "copied.pdf")
    copied = tmp_path / "copied.pdf"
    assert copied.read_bytes() == src.read_bytes() and copied.stat().st_ino != src.stat().st_ino
