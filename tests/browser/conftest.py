"""Playwright (Python) driving Debian's Chromium, headless, against the live test server.

Without /usr/bin/chromium the browser tests are skipped with a visible notice;
CI installs Chromium and sets ANKOMMEN_REQUIRE_BROWSER=1, which turns a missing
browser into a failure instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
HAVE_BROWSER = CHROMIUM.exists()

# Playwright's sync API runs an event loop; Django's live server and ORM calls from the test
# thread are safe here because the test itself never awaits.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_BROWSER:
        return
    if os.environ.get("ANKOMMEN_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Browser tests required but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not HAVE_BROWSER:
        terminalreporter.write_line(
            f"NOTICE: browser tests were skipped because {CHROMIUM} is missing.", yellow=True, bold=True
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    external: list[str] = []

    def _guard(route, request):  # type: ignore[no-untyped-def]
        if request.url.startswith(live_server.url) or request.url.startswith("data:"):
            return route.continue_()
        external.append(request.url)
        return route.abort()

    context.route("**/*", _guard)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert not external, f"The page tried to load external resources: {external}"
