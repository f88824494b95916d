"""Every page a persona can open passes axe-core's WCAG 2.1 AA rules, on a desktop, at 200 % zoom
and on a phone without horizontal scrolling. Pages come from the permission matrix, so new pages
are checked automatically."""

from __future__ import annotations

import os

import pytest
from django.test import override_settings
from django.urls import reverse

from ankommen.testing.personas import build_world
from ankommen.testing.world_extras import enrich_world
from tests.browser.helpers import AXE, axe_violations, session_cookie_for
from tests.test_permission_matrix import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

if not AXE.exists():
    if os.environ.get("ANKOMMEN_REQUIRE_BROWSER"):
        raise RuntimeError(f"axe-core missing at {AXE}: run `npm ci`")
    pytestmark.append(pytest.mark.skip(reason="axe-core not installed (npm ci): accessibility checks skipped"))

PERSONAS = ["coordinator", "case_manager_a", "dpo", "police_liaison", "platform_admin"]
VIEWPORTS = {"desktop": (1280, 800), "zoom200": (640, 400), "phone": (360, 740)}


def _pages_for(world, persona):  # type: ignore[no-untyped-def]
    urls = []
    for name, expect in sorted(MATRIX.items()):
        if expect.method != "get" or expect.status_for(persona) != 200:
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        if url.startswith("/api/") or url == "/healthz":
            continue
        urls.append(url)
    return urls


def _is_page(context, url: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the URL answers with an HTML page rather than a file to download."""
    response = context.request.get(url, max_redirects=0)
    disposition = response.headers.get("content-disposition", "")
    return "text/html" in response.headers.get("content-type", "") and "attachment" not in disposition


@override_settings(OTP_REQUIRED=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_meet_wcag_aa(browser, live_server, persona: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    enrich_world(world)
    failures = []
    for viewport_name, (width, height) in VIEWPORTS.items():
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
        context.add_cookies([session_cookie_for(world, persona, live_server.url)])
        page = context.new_page()
        for url in _pages_for(world, persona):
            if not _is_page(context, url):
                continue  # a file download (PDF, calendar, document): no page to check
            response = page.goto(url)
            assert response is not None and response.status == 200, f"{persona} {url}: {response and response.status}"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                culprits = page.evaluate(
                    "[...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1"
                    " || e.scrollWidth > e.clientWidth + 1)"
                    ".slice(-3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))"
                )
                failures.append(f"{viewport_name} {url}: page scrolls horizontally by {overflow}px: {culprits}")
            if viewport_name == "desktop":
                for violation in axe_violations(page):
                    failures.append(f"{url}: {violation}")
        context.close()
    assert not failures, "\n".join(failures)


def test_login_page_meets_wcag_aa(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(reverse("accounts:login"))
    assert axe_violations(page) == []
    context.close()
