"""A case manager walks a case from intake to closure in the German interface: opens it by the
person's reference, records the consent, assesses a life domain, plans a goal, adds an
appointment, writes a progress note and closes it with an anonymous system barrier."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django_scopes import scope

from ankommen.cases.models import Case, CaseType, CaseTypeTask, SystemBarrier
from ankommen.participants.models import Participant
from ankommen.testing.personas import build_world
from tests.browser.helpers import axe_violations, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(OTP_REQUIRED=True)
def test_case_from_intake_to_closure(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        person = Participant.objects.create(
            network=world.network,
            organisation=actor.organisation,
            reference="MS-000042",
            given_name="Samira",
            family_name="Nouri",
            date_of_birth=dt.date(2004, 2, 11),
            created_by=actor.user,
        )
        kind = CaseType.objects.create(network=world.network, name="Junge Volljährige 18–27 – Ausbildung")
        CaseTypeTask.objects.create(network=world.network, case_type=kind, title="Erstgespräch führen", offset_days=7)
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.add_cookies([session_cookie_for(world, "case_manager_a", live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Fälle").click()
    page.get_by_role("link", name="Fall eröffnen").click()
    page.get_by_role("textbox", name="Aktenzeichen der Person oder des Haushalts").fill(person.reference)
    page.get_by_role("combobox", name="Fallart").select_option(label=kind.name)
    page.get_by_role("button", name="Fall eröffnen").click()
    page.wait_for_url("**/cases/*/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Samira Nouri" in heading
    assert "Erstgespräch führen" in page.locator("#tasks ~ *").first.inner_text()
    assert axe_violations(page) == []

    # Intake: the guard names what is missing until the consent is recorded.
    assert "Einwilligung" in page.get_by_role("region", name="Nächster Schritt").inner_text()
    page.get_by_role("link", name="Fallaufnahme und Checkliste bearbeiten").click()
    page.get_by_role("checkbox", name="Einwilligung in das Case Management liegt vor").check()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("button", name="Weiter zur Phase Assessment").click()

    # Assessment of one life domain.
    page.get_by_role("link", name=re.compile(r"^Einschätzen\s*: Wohnen$")).click()
    page.get_by_role("textbox", name="Bedarfe").fill("Eigene Wohnung gesucht")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("button", name="Weiter zur Phase Hilfeplanung").click()

    # Plan: a goal with a target date.
    page.get_by_role("link", name="Ziel hinzufügen").click()
    page.get_by_role("textbox", name="Ziel", exact=True).fill("Ausbildungsvertrag unterschreiben")
    page.get_by_role("combobox", name="Lebensbereich").select_option("training_work")
    page.get_by_label("Zieldatum").fill("2027-08-01")
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_role("button", name="Weiter zur Phase Umsetzung").click()

    # Implementation: an appointment.
    page.get_by_role("link", name="Termin hinzufügen").click()
    page.get_by_label("Wann").fill("2026-12-01T10:00")
    page.get_by_role("combobox", name="Art").select_option("authority")
    page.get_by_role("textbox", name="Wo", exact=True).fill("Ausländerbehörde")
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_role("button", name="Weiter zur Phase Monitoring").click()

    # Monitoring: a progress note on the goal.
    page.get_by_role("link", name=re.compile(r"^Verlaufsnotiz schreiben\s*: Ausbildungsvertrag")).click()
    page.get_by_role("textbox", name="Verlaufsnotiz").fill("Vorstellungsgespräch war erfolgreich.")
    page.get_by_role("button", name="Speichern").click()
    assert "Vorstellungsgespräch war erfolgreich." in page.locator("main").inner_text()

    # Closure with an anonymous system barrier.
    page.get_by_role("link", name="Fall abschließen").click()
    page.get_by_role("combobox", name="Abschlussgrund").select_option("goals_reached")
    page.get_by_role("combobox", name="Lebensbereich").first.select_option("housing")
    page.get_by_role("textbox", name="Beobachtete Barriere").first.fill("Kaum Wohnungen für Auszubildende")
    page.get_by_role("button", name="Fall abschließen").click()
    page.wait_for_url("**/cases/*/#closure")
    assert "Der Fall wurde abgeschlossen." in page.locator("main").inner_text()
    assert page.locator('[aria-current="step"]').inner_text().strip() == "Abgeschlossen"
    with scope(network=world.network.pk):
        case = Case.objects.get()
        assert (case.phase, case.closure_reason) == ("closed", "goals_reached")
        barrier = SystemBarrier.objects.get()
        assert barrier.description == "Kaum Wohnungen für Auszubildende"
    page.get_by_role("link", name="Verlauf", exact=True).click()
    assert "Fall abgeschlossen: Ziele erreicht." in page.locator("main").inner_text()
    context.close()
