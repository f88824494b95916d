"""A volunteer initiative applies for KOMM-AN funds and the integration centre decides, pays and
checks the proof of use, in the German interface: application with a measure and its flat rate,
submission, completeness check, approval with the forwarding contract, signed contract, payment,
a meeting recorded (counts only), a proof of use first refused because it claims more than the
records prove, then submitted, accepted, settled by a repayment, and the year's proof of use to
the state that now reconciles."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django_scopes import scope

from ankommen.funding.choices import LegalForm, State, Verification
from ankommen.funding.models import Application, Call, FlatRate, FundingYear, Module, OrganisationProfile, Programme
from ankommen.network.roles import OrganisationType, Role
from ankommen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ankommen.testing.personas import build_world, login
from tests.browser.helpers import axe_violations, session_cookie_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cookie(membership: Any, live_server_url: str) -> dict[str, Any]:
    client = Client()
    login(client, membership.user, membership)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


def _page(browser: Any, live_server: Any, cookie: dict[str, Any]) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@override_settings(OTP_REQUIRED=True)
def test_application_from_submission_to_proof_of_use(browser, live_server, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    today = timezone.localdate()
    with scope(network=world.network.pk):
        initiative = OrganisationFactory(
            network=world.network, name="Fahrradwerkstatt Gremmendorf", type=OrganisationType.VOLUNTEER_INITIATIVE
        )
        applicant = MembershipFactory(
            organisation=initiative, role=Role.OFFER_PROVIDER, user=UserFactory(full_name="Frank Fahrrad")
        )
        OrganisationProfile.objects.create(
            network=world.network,
            organisation=initiative,
            state=Verification.VERIFIED,
            legal_form=LegalForm.INITIATIVE,
            representative_name="Frank Fahrrad",
            representative_function="Sprecher",
            account_holder="Fahrradwerkstatt Gremmendorf",
            iban="DE89370400440532013000",
        )
        programme = Programme.objects.create(network=world.network, name="KOMM-AN NRW – Programmteil II")
        year = FundingYear.objects.create(
            network=world.network,
            programme=programme,
            year=today.year,
            budget=Decimal("20000.00"),
            second_approval_above=Decimal("2500.00"),
            proof_due_on=dt.date(today.year + 1, 1, 31),
            report_due_on=dt.date(today.year + 1, 3, 31),
        )
        modules = {code: Module.objects.create(network=world.network, year=year, code=code) for code in "ABCD"}
        FlatRate.objects.create(
            network=world.network,
            module=modules["B"],
            code="B1",
            title="Maßnahme je Monat",
            unit="measure_month",
            amount=Decimal("250.00"),
        )
        call = Call.objects.create(
            network=world.network,
            year=year,
            title=f"Förderaufruf KOMM-AN {today.year}",
            opens_on=today - dt.timedelta(days=5),
            deadline=today + dt.timedelta(days=20),
        )
        call.modules.set(modules.values())
    applicant_page = _page(browser, live_server, _cookie(applicant, live_server.url))
    centre = _page(browser, live_server, session_cookie_for(world, "coordinator", live_server.url))

    # The initiative applies: one measure in module B, three months at 250 €.
    page = applicant_page
    page.goto("/")
    assert "Förderung: Fristen" in page.locator("main").inner_text()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Förderung", exact=True).click()
    page.get_by_role("link", name=f"Antrag stellen auf „{call.title}“").click()
    page.get_by_label("Titel des Projekts").fill("Offene Fahrradwerkstatt")
    page.get_by_label("Worum es im Projekt geht").fill("Räder reparieren lernen, mit Neuzugewanderten.")
    page.get_by_role("button", name="Antrag beginnen").click()
    page.get_by_role("link", name="Maßnahme hinzufügen").click()
    page.get_by_label("Baustein").select_option(label="B – Zusammenkommen, Orientierung und Begleitung")
    page.get_by_role("textbox", name="Titel", exact=True).fill("Fahrradwerkstatt")
    page.get_by_label("Von").fill(f"{today.year}-01-01")
    page.get_by_label("Bis").fill(f"{today.year}-12-31")
    page.get_by_role("textbox", name="Ort", exact=True).fill("Heidegrund 1")
    page.get_by_label("Erwartete Teilnehmende je Termin").fill("10")
    page.get_by_label("B1 Maßnahme je Monat").fill("3")
    page.get_by_role("button", name="Hinzufügen").click()
    main = page.locator("main").inner_text()
    assert "750,00 €" in main
    assert axe_violations(page) == []
    page.get_by_role("button", name="Antrag einreichen").click()
    assert "Der Antrag wurde beim Integrationszentrum eingereicht." in page.locator("main").inner_text()
    with scope(network=world.network.pk):
        application = Application.objects.get()
    url = f"/funding/applications/{application.pk}/"

    # The integration centre checks completeness, approves, records the signed contract and pays.
    page = centre
    page.goto("/")
    page.get_by_role("link", name="1 Antrag wartet auf die Vollständigkeitsprüfung").click()
    page.get_by_role("link", name=application.reference).click()
    page.get_by_role("button", name="Vollständigkeit bestätigen").click()
    page.get_by_role("link", name="Entscheiden").click()
    page.get_by_label("Bewilligen (ganz oder teilweise)").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Entscheidung erfassen").click()
    assert "Der Antrag wurde bewilligt; der Vertrag wurde erzeugt." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Vertrag herunterladen (PDF)").is_visible()
    page.get_by_role("link", name="Unterschriebenen Vertrag erfassen").click()
    page.get_by_role("button", name="Festhalten").click()
    page.get_by_role("link", name="Auszahlung oder Rückzahlung erfassen").click()
    page.get_by_label("Betrag (€)").fill("750,00")
    page.get_by_role("button", name="Festhalten").click()
    assert "Die Zahlung wurde erfasst." in page.locator("main").inner_text()

    # The initiative records one meeting (numbers only) and writes the proof of use.
    page = applicant_page
    page.goto(url)
    page.get_by_role("link", name=re.compile(r"^Termin erfassen")).click()
    page.get_by_label("Durchgeführt am").fill(today.isoformat())
    page.get_by_label("Teilnehmende").fill("9")
    page.get_by_label("Ehrenamtliche").fill("2")
    page.get_by_role("button", name="Festhalten").click()
    page.get_by_role("link", name="Verwendungsnachweis schreiben").first.click()
    page.get_by_label("Sachbericht").fill("Die Werkstatt war gut besucht; zwei neue Ehrenamtliche.")
    page.get_by_label("Erbracht: B1").fill("3")  # three months claimed, one month recorded
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    table = page.get_by_role("table", name="Zahlen, die nicht übereinstimmen").inner_text()
    assert "Fahrradwerkstatt · B1" in table and "2" in table
    assert "Die Zahlen des Verwendungsnachweises stimmen nicht überein." in page.locator("main").inner_text()
    page.get_by_label("Erbracht: B1").fill("1")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    assert "Der Verwendungsnachweis wurde beim Integrationszentrum eingereicht." in page.locator("main").inner_text()

    # The integration centre accepts it; 750 € were paid, 250 € proven: 500 € come back.
    page = centre
    page.goto(url)
    page.get_by_role("link", name="Verwendungsnachweis prüfen").click()
    assert "500,00 € zurückzuzahlen" in page.locator("main").inner_text()
    page.get_by_label("Verwendungsnachweis annehmen").check()
    page.get_by_role("button", name="Festhalten").click()
    page.get_by_role("link", name="Auszahlung oder Rückzahlung erfassen").click()
    page.get_by_label("Art").select_option("repayment")
    page.get_by_label("Betrag (€)").fill("500,00")
    page.get_by_role("button", name="Festhalten").click()
    with scope(network=world.network.pk):
        application.refresh_from_db()
        assert application.state == State.CLOSED

    # The year's proof of use to the state reconciles and is submitted.
    page.goto(f"/funding/years/{year.pk}/report/")
    assert "Alle Zahlen stimmen überein." in page.locator("main").inner_text()
    page.get_by_label("Sachbericht des Jahres").fill(
        "Eine Fahrradwerkstatt wurde gefördert und hat 9 Menschen erreicht."
    )
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("button", name="Beim Land einreichen").click()
    assert f"Der Verwendungsnachweis {today.year} wurde beim Land eingereicht." in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.context.close()
    applicant_page.context.close()
