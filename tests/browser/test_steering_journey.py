"""From a problem report to a closed gap, in the German interface: a case manager files a problem
report from a STARTER workshop (a date in the vignette is refused first), the coordinator enters a
gap from it, analyses it, records an offer checked, sets the priority, agrees the measure, names the
funding and closes the gap with evidence and a review date. Every steering page a coordinator and
the police can open passes axe-core and does not scroll sideways on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from ankommen.offers.models import Offer
from ankommen.steering.models import Event, Gap, GapStatusChange, ProblemReport
from ankommen.testing.personas import build_world
from ankommen.testing.world_extras import enrich_world
from tests.browser.helpers import axe_violations, session_cookie_for
from tests.test_permission_matrix import MATRIX

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_for(browser: Any, live_server: Any, world: Any, persona: str, **options: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="de-DE", **options)
    context.add_cookies([session_cookie_for(world, persona, live_server.url)])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _move(page: Any, label: str) -> None:
    page.get_by_role("link", name=f"Wechseln zu „{label}“").click()
    page.get_by_role("button", name="Status ändern").click()
    page.wait_for_url(re.compile(r".*/steering/gaps/\d+/#status$"))


@override_settings(OTP_REQUIRED=True)
def test_from_problem_report_to_closed_gap(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    coordinator = world.memberships["coordinator"]
    with scope(network=world.network.pk):
        workshop = Event.objects.create(
            network=world.network,
            kind="starter",
            title="STARTER-Workshop Gemeinsam klappt's",
            starts_at=timezone.now() - dt.timedelta(days=2),
            place="Stadthaus 1",
            organiser=world.organisations["ki"],
            status="held",
            created_by=coordinator.user,
        )
        offer = Offer.objects.create(
            network=world.network,
            organisation=world.organisations["chamber"],
            title="Berufssprachkurs B1 am Abend",
            category="language",
            field_of_action="education_language",
            status="published",
            created_by=coordinator.user,
        )

    # A case manager files the report from the workshop.
    page = _page_for(browser, live_server, world, "case_manager_a")
    page.goto("/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Netzwerksteuerung").click()
    page.get_by_role("link", name="Problemanzeige einreichen").click()
    page.get_by_role("combobox", name="Herkunft der Anzeige").select_option("workshop")
    page.get_by_role("combobox", name="Aus dem Workshop").select_option(label=workshop.title)
    page.get_by_role("combobox", name="Handlungsfeld").select_option("education_language")
    page.get_by_role("combobox", name="Aufenthaltsstatusgruppe").select_option("asylum_procedure")
    page.get_by_role("combobox", name="Leistungssystem").select_option("asylblg")
    page.get_by_role("textbox", name="Kurztitel").fill("Kein Berufssprachkurs für Gestattete")
    page.get_by_role("textbox", name="Beschreibung des Problems").fill(
        "Seit dem Zulassungsstopp finden junge Gestattete keinen Berufssprachkurs."
    )
    page.get_by_role("spinbutton", name="Anzahl anonymisierter Fälle").fill("8")
    page.get_by_role("textbox", name="Kurze Fallvignette").fill("Ein junger Mann, geboren am 03.04.2005, wartet.")
    page.get_by_role("button", name="Anzeige einreichen").click()
    assert "Dieser Text enthält ein Datum" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="Kurze Fallvignette").fill("Ein junger Mann, 20, Gestattung, wartet seit Monaten.")
    page.get_by_role("button", name="Anzeige einreichen").click()
    page.wait_for_url("**/steering/reports/*/")
    assert "Danke: Die Problemanzeige wurde eingereicht." in page.locator("main").inner_text()
    with scope(network=world.network.pk):
        report = ProblemReport.objects.get()
    assert (report.event_id, report.case_count) == (workshop.pk, 8)
    page.context.close()

    # The coordinator enters the gap and walks it to closed.
    page = _page_for(browser, live_server, world, "coordinator")
    page.goto(reverse("steering:report", kwargs={"report_id": report.pk}))
    page.get_by_role("link", name="Lücke aus dieser Anzeige eintragen").click()
    assert page.get_by_role("textbox", name="Titel").input_value() == "Kein Berufssprachkurs für Gestattete"
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/steering/gaps/*/")
    assert page.locator('[aria-current="step"]').inner_text().strip() == "offen"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lücke analysieren und beschreiben").click()
    page.get_by_role("combobox", name="Art der Lücke").select_option("status_excludes")
    page.get_by_role("textbox", name="Ursache").fill("Die BAMF-Zulassung für Gestattete ist ausgesetzt.")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Geprüftes Angebot erfassen").click()
    page.get_by_role("combobox", name="Angebot").select_option(str(offer.pk))
    page.get_by_role("textbox", name="Ergebnis der Prüfung").fill("nur mit Zulassung oder Verpflichtung")
    page.get_by_role("button", name="Festhalten").click()
    _move(page, "analysiert")

    # Moving on needs the measure, the owner, the priority and a target date: the page says so.
    page.get_by_role("link", name="Wechseln zu „Maßnahme vereinbart“").click()
    hints = page.locator("main").inner_text()
    assert "Zuerst setzt die Bündniskerngruppe die Priorität." in hints
    page.get_by_role("link", name="Zurück zur Lücke").click()
    page.get_by_role("link", name="Priorität setzen").click()
    page.get_by_role("combobox", name="Auswirkung").select_option("4")
    page.get_by_role("combobox", name="Betroffene").select_option("3")
    page.get_by_role("combobox", name="Umsetzbarkeit").select_option("4")
    page.get_by_role("button", name="Priorität setzen").click()
    assert "Auswirkung 4 × Betroffene 3 × Umsetzbarkeit 4 = 48" in page.locator("main").inner_text()
    page.get_by_role("link", name="Lücke analysieren und beschreiben").click()
    page.get_by_role("textbox", name="Vorgeschlagene Maßnahme").fill("Verpflichtung durch die ABH nutzen.")
    page.get_by_role("combobox", name="Zuständige Organisation").select_option(label="Sozialamt B")
    page.get_by_label("Zieldatum").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("combobox", name="Finanzierung").select_option("kim")
    page.get_by_role("button", name="Speichern").click()
    _move(page, "Maßnahme vereinbart")
    _move(page, "in Umsetzung")

    page.get_by_role("link", name="Wechseln zu „geschlossen“").click()
    page.get_by_role("button", name="Status ändern").click()
    assert "Beschreiben Sie den Nachweis" in page.locator("main").inner_text()
    page.get_by_role("textbox", name="Nachweis der Schließung").fill("Ein Abendkurs mit 14 Plätzen läuft seit März.")
    page.get_by_label("Überprüfung am").fill((timezone.localdate() + dt.timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Status ändern").click()
    page.wait_for_url(re.compile(r".*/steering/gaps/\d+/#status$"))
    assert page.locator('[aria-current="step"]').inner_text().strip() == "geschlossen"
    assert "Ein Abendkurs mit 14 Plätzen" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    with scope(network=world.network.pk):
        gap = Gap.objects.get()
        assert (gap.status, gap.priority, gap.owner_id) == ("closed", 48, world.organisations["org_b"].pk)
        assert list(gap.problem_reports.all()) == [report]
        history = list(GapStatusChange.objects.filter(gap=gap).values_list("to_status", flat=True))
    assert history == ["open", "analysed", "measure_agreed", "in_implementation", "closed"]
    page.context.close()


VIEWPORTS = {"desktop": (1280, 800), "zoom200": (640, 400), "phone": (360, 740)}


@override_settings(OTP_REQUIRED=True)
@pytest.mark.parametrize("persona", ["coordinator", "police_liaison"])
def test_steering_pages_meet_wcag_aa(browser, live_server, persona: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world()
    enrich_world(world)
    urls = [
        reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        for name, expect in sorted(MATRIX.items())
        if name.startswith("steering:") and expect.method == "get" and expect.status_for(persona) == 200
    ]
    assert len(urls) >= (40 if persona == "coordinator" else 8)
    failures = []
    for viewport, (width, height) in VIEWPORTS.items():
        page = _page_for(browser, live_server, world, persona, viewport={"width": width, "height": height})
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, f"{persona} {url}"
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                culprits = page.evaluate(
                    "[...document.querySelectorAll('body *')]"
                    ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                    ".slice(-3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 30))"
                )
                failures.append(f"{viewport} {url}: scrolls sideways by {overflow}px: {culprits}")
            if viewport == "desktop":
                failures.extend(f"{url}: {violation}" for violation in axe_violations(page))
        page.context.close()
    assert not failures, "\n".join(failures)
