from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

from ankommen.network.roles import OrganisationType, Role
from ankommen.testing.factories import TEST_PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(OTP_REQUIRED=False)
def test_log_in_and_switch_language(page) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        organisation = OrganisationFactory(name="GGUA Test", type=OrganisationType.WELFARE)
        membership = MembershipFactory(organisation=organisation, role=Role.CASE_MANAGER, user__full_name="Frieda Test")
    page.goto("/")
    assert re.search(r"/accounts/login/", page.url)
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_label("E-Mail-Adresse").fill(membership.user.email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, Frieda Test"
    # Keyboard users find the skip link first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Zum Hauptinhalt springen"

    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Frieda Test"
    # The choice persists: a reload stays English.
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
