"""Version floors that exclude known vulnerable releases, checked against what is installed.

`pip-audit` needs the internet, so it is `make audit`, not a test; these floors are the
part we can check offline: nbconvert before 7.17.1 renders untrusted notebook output
unsafely, WeasyPrint before 69 lets a document fetch local files and attach them.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from briefs import paths

FLOORS = {"nbconvert": Version("7.17.1"), "weasyprint": Version("69")}


def pins(name: str) -> dict[str, Requirement]:
    """Requirements of one file, by canonical package name (comments and options skipped)."""
    found = {}
    for line in (paths.ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        found[canonicalize_name(req.name)] = req
    return found


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_installed_version_is_above_the_floor(package):
    try:
        installed = Version(version(package))
    except PackageNotFoundError:
        pytest.fail(f"{package} tidak terpasang")
    assert installed >= FLOORS[package], f"{package} {installed} < {FLOORS[package]}: versi rentan"


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements.lock"])
@pytest.mark.parametrize("package", sorted(FLOORS))
def test_pins_satisfy_the_floor(requirements, package):
    req = pins(requirements).get(package)
    assert req is not None, f"{package} tidak disematkan di {requirements}"
    pinned = [Version(s.version) for s in req.specifier if s.operator in ("==", "===")]
    # a pin is what gets installed; without one, a lower bound must exclude what is below the floor
    floors = [Version(s.version) for s in req.specifier if s.operator in (">=", ">")]
    assert pinned or floors, (requirements, str(req))
    assert all(v >= FLOORS[package] for v in pinned + floors), (requirements, str(req))


def test_floors_are_documented_in_requirements():
    text = (paths.ROOT / "requirements.txt").read_text(encoding="utf-8")
    for package, floor in FLOORS.items():
        assert re.search(rf"{package}\s*>=\s*{re.escape(str(floor))}", text, re.I), package


def test_audit_is_a_make_target_not_a_test():
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    audit = re.search(r"^audit:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert audit and "pip-audit" in audit.group(1)
    test = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert test and "audit" not in test.group(0)


def test_make_release_installs_the_font_subsetter_reproducible_pdfs_need():
    """Debian's base image lacks libharfbuzz-subset0; chromium (a test package) pulled it in, so
    CI never missed it while a machine that only ran `make release` built unreproducible PDFs."""
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    release_debs = re.search(r"^RELEASE_DEBS\s*:=(.*)$", makefile, re.M).group(1).split()
    assert "libharfbuzz-subset0" in release_debs
    assert re.search(r"^\s*- harfbuzz>=4\.1\b", (paths.ROOT / "environment.yml").read_text(encoding="utf-8"), re.M)
