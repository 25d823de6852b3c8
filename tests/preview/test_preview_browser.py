"""The preview in a real browser: Debian's Chromium driven by Playwright (nothing downloaded).

Open the preview, edit the brief on disk and see the new page text arrive; break the brief and
see the error ``check`` prints; fix it and see pages again. All traffic is loopback. A
screenshot of each state goes to test-artifacts/preview/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "preview"
TIMEOUT_MS = 90_000  # a render on the shared 2-core machine takes 2–10 s


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium: bash scripts/ensure-system-deps.sh"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                             headless=True)
        try:
            context = browser.new_context(viewport={"width": 900, "height": 1000})
            # Loopback only: any request elsewhere is aborted and fails the test.
            stray: list[str] = []

            def only_loopback(route):
                if route.request.url.startswith("http://127.0.0.1:"):
                    route.continue_()
                else:
                    stray.append(route.request.url)
                    route.abort()

            context.route("**/*", only_loopback)
            yield context.new_page()
            assert not stray, stray
        finally:
            browser.close()


def test_edit_break_fix_in_the_browser(preview, brief_file, page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(preview.url)
    page.wait_for_selector("figure.page img", timeout=TIMEOUT_MS)
    text = page.locator("#pages")
    assert "初始的评论文字" in text.text_content()
    expect(page.locator("figure.page img").first).to_have_js_property("complete", True)
    page.screenshot(path=str(ARTIFACTS / "1-first.png"))

    # Edit on disk: the new words arrive without a reload.
    brief_file.write_text(brief_file.read_text(encoding="utf-8").replace(
        "初始的评论文字。", "浏览器里看到的新评论。"), encoding="utf-8")
    expect(text).to_contain_text("浏览器里看到的新评论", timeout=TIMEOUT_MS)
    assert page.locator("#error").is_hidden()

    # Break it: the message `check` prints appears above the last good pages.
    brief_file.write_text(brief_file.read_text(encoding="utf-8").replace(
        "commentary:", "metrics: [no-such-metric]\n    commentary:"), encoding="utf-8")
    page.wait_for_selector("#error:not([hidden])", timeout=TIMEOUT_MS)
    error = page.locator("#error").text_content()
    assert error.startswith("error: ") and "unknown metric 'no-such-metric'" in error
    assert "浏览器里看到的新评论" in text.text_content()  # last good pages kept
    page.screenshot(path=str(ARTIFACTS / "2-error.png"))

    # Fix it: the error goes, the pages are current again.
    brief_file.write_text(brief_file.read_text(encoding="utf-8").replace(
        "metrics: [no-such-metric]\n    ", "").replace("浏览器里看到的新评论", "修好之后的评论"),
        encoding="utf-8")
    expect(text).to_contain_text("修好之后的评论", timeout=TIMEOUT_MS)
    assert page.locator("#error").is_hidden()
    expect(page.locator("figure.page img").first).to_have_js_property("complete", True)
    page.screenshot(path=str(ARTIFACTS / "3-fixed.png"), full_page=True)
    preview.stop()
