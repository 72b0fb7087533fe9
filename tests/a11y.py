"""A release's pages in a real headless Chromium: axe-core's WCAG 2.1 AA rules, a phone's 320 px
and wider windows, alt text.

tests/test_accessibility.py runs these on every kind of page; an analyst runs them on one
page after editing a notebook or a stylesheet:

    .venv/bin/python -m tests.a11y outputs/rakor-2026-11/kecamatan/sitiung.html [--screenshot ponsel.png]

axe-core is the `axe.min.js` inside the axe-playwright-python wheel, injected by
Playwright: nothing is fetched (every request but file: and data: is refused and
reported), and the page's own Content-Security-Policy stays on.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
HALF = {"width": 650, "height": 800}  # a laptop's window half the screen: wider than a phone's layout, narrower than the page
MIN_TEXT_PX = 12
NBCONVERT_ALT = "No description has been provided"  # nbconvert's alt for an image without one
BARE_ALT = {"grafik", "gambar"}  # templates/rakor/index.html.j2's fallbacks: they say nothing


def chromium_path() -> str | None:
    """Debian's chromium (make test installs it); Playwright's own browser builds cannot be fetched here."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def browser() -> Iterator:
    """One headless Chromium for many pages: starting it costs more than checking a page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            yield b
        finally:
            b.close()


def offline(tab) -> list[str]:
    """Let the page load only its own file and data: URLs; every other request is refused and
    listed in the returned list (a release is read without internet)."""
    outside: list[str] = []

    def gate(route) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    tab.route("**/*", gate)
    return outside


@contextmanager
def opened(b, page: Path, viewport: dict) -> Iterator[tuple]:
    """`page` in a fresh tab of `viewport`, and the list of requests that tried to leave the machine (refused)."""
    context = b.new_context(viewport=viewport)
    tab = context.new_page()
    outside = offline(tab)
    try:
        tab.goto(page.resolve().as_uri())
        yield tab, outside
    finally:
        context.close()


def axe_violations(tab) -> list[dict]:
    """axe-core's violations of the WCAG 2.0/2.1 A and AA rules on the open page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
    return Axe().run(tab, options=options).response["violations"]


def describe(violations: list[dict]) -> str:
    """One line per violation: its id, impact and what it asks, then the nodes it found."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            why = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))} — {why}")
    return "\n".join(lines)


# What a phone reader would stumble on. Runs in the page; returns one sentence per problem.
_LAYOUT_JS = """(minPx) => {
  const vw = document.documentElement.clientWidth, problems = [];
  const scrolls = s => s.overflowX === 'auto' || s.overflowX === 'scroll';
  const inScrollBox = el => { for (let a = el.parentElement; a; a = a.parentElement)
    if (scrolls(getComputedStyle(a))) return true; return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const width = document.scrollingElement.scrollWidth, wide = new Set();
  if (width > vw) problems.push(`the page scrolls sideways: ${width} px wide in ${vw} px`);
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width === 0 && r.height === 0) continue;  // not shown
    if ((r.right > vw + 0.5 || r.left < -0.5) && !inScrollBox(el)) {
      wide.add(el);  // only the outermost is reported, not each of its cells
      if (!wide.has(el.parentElement)) problems.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px of ${vw}`);
    }
    if (scrolls(s) && el.scrollWidth > el.clientWidth && !(el.getAttribute('tabindex') === '0'
        && el.getAttribute('role') === 'region' && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))))
      problems.push(`${name(el)} scrolls but is no focusable, named region`);
    const text = [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (text && s.visibility !== 'hidden' && parseFloat(s.fontSize) < minPx)
      problems.push(`${name(el)} "${el.textContent.trim().slice(0, 40)}" is ${s.fontSize}`);
    if (text && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && s.overflowX === 'visible')
      problems.push(`${name(el)} "${el.textContent.trim().slice(0, 40)}" runs out of its box (${el.scrollWidth} px in ${el.clientWidth})`);
    // Something placed beside its neighbours' text (absolute, fixed or floated: the sample stamp)
    // must lie over none of their words: their line boxes, not their padded blocks.
    if ((s.position === 'absolute' || s.position === 'fixed' || s.cssFloat !== 'none') && el.parentElement)
      for (const other of el.parentElement.children) {
        if (other === el) continue;
        const words = document.createRange();
        words.selectNodeContents(other);
        if ([...words.getClientRects()].some(w => w.width > 0 && w.left < r.right - 0.5 && w.right > r.left + 0.5
                                             && w.top < r.bottom - 0.5 && w.bottom > r.top + 0.5)) {
          problems.push(`${name(el)} lies over words of ${name(other)} "${other.textContent.trim().slice(0, 40)}"`);
        }
      }
  }
  return problems;
}"""


def layout_problems(tab) -> list[str]:
    """What does not fit the open page's viewport: sideways scrolling, wide elements, small text,
    text running out of its box, a stamp or badge lying over words."""
    return tab.evaluate(_LAYOUT_JS, MIN_TEXT_PX)


def bad_alts(alts: list[str | None]) -> list[str]:
    """Every image must say what it shows: no missing, empty, default or bare alt text."""
    return [f"image {n}: alt {alt!r}" for n, alt in enumerate(alts, 1)
            if not (alt or "").strip() or NBCONVERT_ALT.lower() in alt.lower() or alt.strip().lower() in BARE_ALT]


def alt_problems(tab) -> list[str]:
    """`bad_alts` of the open page's images."""
    return bad_alts(tab.eval_on_selector_all("img", "imgs => imgs.map(i => i.getAttribute('alt'))"))


def check(b, page: Path, screenshot: Path | None = None) -> list[str]:
    """Every problem of one page, loaded once: at 320 px the layout and axe, then at 650 px the
    layout, at desktop width the layout and axe again (tables scroll only on the phone; the rest
    of the rules see the same page), and alt text."""
    problems = []
    with opened(b, page, PHONE) as (tab, outside):
        problems += [f"{PHONE['width']} px: {p}" for p in layout_problems(tab)]
        if screenshot is not None:
            tab.screenshot(path=str(screenshot), full_page=True)
        axe = [(PHONE, axe_violations(tab))]
        for viewport in (HALF, DESKTOP):
            tab.set_viewport_size(viewport)
            problems += [f"{viewport['width']} px: {p}" for p in layout_problems(tab)]
        axe.append((DESKTOP, axe_violations(tab)))
        problems += [f"axe at {viewport['width']} px:\n{describe(found)}" for viewport, found in axe if found]
        problems += alt_problems(tab)
    return problems + [f"asked the network for {url}" for url in outside]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.a11y", description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path, help="HTML pages of a release")
    parser.add_argument("--screenshot", type=Path, help="the page at 320 px, whole length, as PNG (one per page: NAME-<page>.png)")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        print("chromium not found: `make test` installs Debian's chromium", file=sys.stderr)
        return 2
    failed = 0
    with browser() as b:
        for page in args.pages:
            shot = args.screenshot
            if shot is not None and len(args.pages) > 1:  # one picture per page: ponsel-sitiung.png
                shot = shot.with_name(f"{shot.stem}-{page.stem}{shot.suffix}")
            problems = check(b, page, shot)
            failed += bool(problems)
            print(f"{page}: " + ("OK (axe WCAG 2.1 AA, 320 px, alt text)" if not problems else "\n  " + "\n  ".join(problems)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
