"""Every kind of page of a release in a real headless Chromium: axe-core's WCAG 2.1 AA rules at
phone and desktop width, a 320 px phone without sideways scrolling or small text, alt text.

One browser for the module, each page loaded once, and the session's `small_release`:
nothing is built again. The checks live in tests/a11y.py, which an analyst runs on one page.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests import a11y

pytestmark = [pytest.mark.slow, pytest.mark.browser]

KINDS = ("index", "brief", "summary", "data")  # manifest kinds with an HTML page
DOT = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="  # 1 × 1 PNG


@pytest.fixture(scope="module")
def browser():
    if a11y.chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    with a11y.browser() as b:
        yield b


def html_pages(release: Path, manifest: dict, kind: str) -> list[Path]:
    """The release's HTML pages of one manifest kind, whatever the release names them."""
    return [release / a["path"] for a in manifest["artifacts"] if a["kind"] == kind and a["path"].endswith(".html")]


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_nothing_and_a_320_px_phone_reads_it(browser, small_release, manifest, kind):
    """axe (wcag2a, wcag2aa, wcag21a, wcag21aa) at 320 px and at 1280 px: zero violations; at
    320, 650 and 1280 px no sideways scrolling, nothing wider than the screen outside a focusable
    scrolling box, no text under 12 px, no text out of its box (at 650 px the summary's six
    figures ran into each other), nothing lying over words (the sample stamp over the kicker);
    every image with alt text; no request leaves the machine."""
    pages = html_pages(small_release, manifest, kind)
    assert pages, f"the release has no HTML page of kind {kind!r}"
    problems = a11y.check(browser, pages[0])
    assert problems == [], f"{pages[0].name}:\n" + "\n".join(problems)


def test_a_wide_table_scrolls_in_its_own_box_by_keyboard(browser, small_release, manifest):
    """On a phone the brief's nagari table is wider than the screen: Tab reaches its box, → scrolls it."""
    page = html_pages(small_release, manifest, "brief")[0]
    with a11y.opened(browser, page, a11y.PHONE) as (tab, _):
        box = tab.locator(".rk-gulir", has=tab.locator("table")).first
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table fits: nothing to scroll"
        for _ in range(40):  # every link and region before it, at most
            tab.keyboard.press("Tab")
            if box.evaluate("b => b === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reaches the table's box")
        tab.keyboard.press("ArrowRight")
        tab.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
        assert tab.evaluate("document.scrollingElement.scrollLeft") == 0  # the box moved, not the page


class _Alts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def test_every_image_of_every_page_says_what_it_shows(small_release, manifest):
    """Not only one page per kind: every brief's charts (the alt attribute, read from the HTML)."""
    problems, images = [], 0
    for page in (p for kind in KINDS for p in html_pages(small_release, manifest, kind)):
        parser = _Alts()
        parser.feed(page.read_text(encoding="utf-8"))
        images += len(parser.alts)
        problems += [f"{page.name}: {p}" for p in a11y.bad_alts(parser.alts)]
    assert images >= 2 * len(html_pages(small_release, manifest, "brief"))  # two charts a brief, at least
    assert problems == []


def test_the_checks_see_what_they_look_for(browser, tmp_path):
    """Each probe fails on a page made to fail it: a missing alt (WCAG A), pale text (AA), a wide
    line, a box a keyboard cannot reach, 10 px text, nbconvert's default alt, a stamp over words."""
    bad = tmp_path / "buruk.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Uji</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0"></head><body><main>'
        f'<img src="data:image/png;base64,{DOT}">'
        f'<img src="data:image/png;base64,{DOT}" alt="No description has been provided for this image">'
        '<p style="width: 500px">Baris yang terlalu lebar untuk ponsel.</p>'
        '<div style="overflow-x: auto"><p style="width: 900px">Kotak yang bergulir.</p></div>'
        '<p style="font-size: 10px">Huruf kecil.</p><p style="color: #bbb">Huruf pucat.</p>'
        '<div style="position: relative"><p style="position: absolute; top: 0; left: 0; margin: 0">STEMPEL</p>'
        '<p style="margin: 0">Kata-kata di bawah stempel.</p></div></main></body></html>',
        encoding="utf-8")
    problems = "\n".join(a11y.check(browser, bad))
    assert "image-alt (critical)" in problems and "color-contrast (serious)" in problems
    assert "scrolls sideways" in problems and "p spans" in problems
    assert "no focusable, named region" in problems and "is 10px" in problems
    assert "image 1: alt None" in problems and "image 2: alt 'No description" in problems
    assert 'p lies over words of p "Kata-kata di bawah stempel."' in problems
