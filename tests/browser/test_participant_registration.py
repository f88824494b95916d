"""A case manager registers a person whose name is another transliteration of an existing
record, sees the duplicate warning with its reasons, decides "new person" and lands on the
new record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django_scopes import scope

from ankommen.participants import services
from ankommen.participants.models import Participant
from ankommen.testing.personas import build_world
from tests.browser.helpers import session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(OTP_REQUIRED=True)
def test_register_with_duplicate_warning(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        existing = services.register_participant(
            actor,
            {
                "given_name": "Mohammed",
                "family_name": "Al-Hassan",
                "given_name_original": "محمد",
                "family_name_original": "الحسن",
                "original_script": "arab",
                "date_of_birth": dt.date(1999, 1, 1),
                "sex": "m",
            },
        )
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.add_cookies([session_cookie_for(world, "case_manager_a", live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Teilnehmende").click()
    page.get_by_role("link", name="Person registrieren").click()
    page.get_by_role("textbox", name="Vorname(n)", exact=True).fill("Muhammad")
    page.get_by_role("textbox", name="Familienname", exact=True).fill("Alhasan")
    page.get_by_label("Geburtsdatum", exact=True).fill("1999-01-01")
    page.get_by_role("combobox", name="Geschlecht", exact=True).select_option("m")
    page.get_by_role("button", name="Prüfen und registrieren").click()

    warning = page.get_by_role("region", name="Ist diese Person schon registriert?")
    assert warning.is_visible()
    text = warning.inner_text()
    assert existing.reference in text
    assert "andere Umschrift desselben Namens" in text
    assert "01.01." in text
    assert warning.get_by_role("link", name="Mohammed Al-Hassan").get_attribute("href") == (
        f"/participants/{existing.pk}/"
    )
    assert warning.locator(".name-original").get_attribute("dir") == "auto"
    with scope(network=world.network.pk):
        assert Participant.objects.count() == 1  # nothing saved before the decision

    page.get_by_role("button", name="Das ist eine neue Person: registrieren").click()
    page.wait_for_url("**/participants/*/")
    with scope(network=world.network.pk):
        created = Participant.objects.exclude(pk=existing.pk).get()
    assert page.url.endswith(f"/participants/{created.pk}/")
    assert "Muhammad Alhasan" in page.get_by_role("heading", level=1).inner_text()
    assert created.reference in page.locator("main").inner_text()
    context.close()
