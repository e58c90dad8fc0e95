"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

Playwright's synchronous API runs an event loop in the test's thread; Django's ORM
refuses to run next to one unless told that this is deliberate.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# An expect() often spans a POST, its redirect and the page after, with two test
# workers and Chromium sharing two cores: Playwright's 5 s is too short for that.
expect.set_options(timeout=15_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    """Every test here drives the browser: marked e2e, so that `-m "not e2e"` leaves it out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need Debian's Chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_in(browser, live_server):
    """A fresh browser page on the live server, in the given language."""
    contexts = []

    def open_page(language: str = "en-GB"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=language,
            accept_downloads=True,
            viewport={"width": 390, "height": 844},  # a phone
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
