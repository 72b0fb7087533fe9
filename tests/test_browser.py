"""The release in a real headless Chromium with the network blocked, as an office PC opens it."""

from __future__ import annotations

import pytest

from tests.a11y import offline
from tests.conftest import chromium

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    exe = chromium()
    if exe is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=exe,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


def test_index_to_brief_with_charts_and_no_network(browser, small_release):
    page = browser.new_page()
    outside = offline(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((small_release / "index.html").as_uri())
    assert "Sitiung" in page.inner_text("body")
    page.click("a[href$='sitiung.html']")
    page.wait_for_load_state("load")
    assert page.url.endswith("kecamatan/sitiung.html")
    assert "Kecamatan Sitiung" in page.inner_text("body")
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
    assert len(sizes) >= 2
    assert all(done and w > 0 and h > 0 for done, w, h in sizes), sizes
    # The notebook's own title block (for JupyterLab) is in the page but hidden: the masthead says it.
    assert page.locator(".rk-judul").count() == 1 and not page.locator(".rk-judul").is_visible()
    assert page.locator(".rk-masthead h1").is_visible()
    assert outside == [] and errors == []
