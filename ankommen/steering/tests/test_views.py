"""Steering screens over HTTP: forms end to end, the agreement document (checked upload, audited
download), minutes as PDF, the gap register's export, what the police see, the start-page panels,
the German interface, and query counts that do not grow with the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope
from openpyxl import load_workbook
from pypdf import PdfReader

from ankommen.audit.models import AuditEntry
from ankommen.network.models import Membership
from ankommen.steering import services
from ankommen.steering.models import Agreement, Gap, ProblemReport
from ankommen.testing.factories import (
    AgreementFactory,
    BodyFactory,
    EventFactory,
    GapFactory,
    MeetingFactory,
    OfferFactory,
    ProblemReportFactory,
)
from ankommen.testing.personas import World

PDF = b"%PDF-1.4\n% Kooperationsvereinbarung\n"


def _page(client: Client, name: str, **kwargs: Any) -> str:
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- forms end to end ------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_agreement_upload_and_audited_download(world: World, coordinator: Membership) -> None:
    client = world.client_for("coordinator")
    response = client.post(
        reverse("steering:agreement_create"),
        {
            "kind": "cooperation",
            "title": "Kooperationsvereinbarung Gemeinsam klappt's",
            "signed_on": "2019-02-01",
            "renewal_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "document": SimpleUploadedFile("Vereinbarung Müller.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    refused = client.post(
        reverse("steering:agreement_edit", kwargs={"agreement_id": agreement.pk}),
        {
            "kind": "cooperation",
            "title": "X",
            "version": agreement.version,
            "document": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        },
    )
    assert refused.status_code == 200 and "Only PDF, PNG or JPEG" in refused.content.decode()
    reader = world.client_for("partner_liaison")
    url = reverse("steering:agreement_document", kwargs={"agreement_id": agreement.pk})
    assert "The download is recorded in the audit log." in reader.get(url).content.decode()
    assert not AuditEntry.objects.filter(action="steering.agreement_document_viewed").exists()
    download = reader.post(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"] == f'attachment; filename="agreement-{agreement.pk}.pdf"'
    assert "no-store" in download["Cache-Control"]
    entry = AuditEntry.objects.get(action="steering.agreement_document_viewed")
    assert entry.actor_id == world.memberships["partner_liaison"].user_id
    # The police, the DPO and other networks do not reach the document.
    for persona in ("police_liaison", "dpo", "outsider"):
        response = world.client_for(persona).post(url)
        assert response.status_code == 404
    # The coordinators' start page reminds of the renewal within 60 days.
    home = _page(client, "core:home")
    assert "Agreements due for renewal" in home and "Kooperationsvereinbarung Gemeinsam klappt" in home
    assert "Agreements due for renewal" not in _page(world.client_for("case_manager_a"), "core:home")


@pytest.mark.usefixtures("english")
def test_problem_report_form_refuses_identifiers_and_asks_to_confirm_names(world: World) -> None:
    client = world.client_for("case_manager_a")
    data = {
        "source": "case_management",
        "field": "work_training",
        "age_band": "18_26",
        "status_group": "tolerated",
        "benefit_system": "asylblg",
        "title": "Erlaubnis kommt zu spät",
        "description": "Die Beschäftigungserlaubnis kommt nach Ausbildungsbeginn.",
        "case_count": "3",
        "vignette": "Geboren 17.05.2001, Tel. 0171 5550199",
    }
    refused = client.post(reverse("steering:report_create"), data)
    body = refused.content.decode()
    assert refused.status_code == 200 and "a date, a phone number" in body and "5550199" not in body.split("<form")[0]
    data["vignette"] = "Frau Haddad, 23, Duldung, hatte eine Zusage."
    warned = client.post(reverse("steering:report_create"), data)
    assert warned.status_code == 200 and "what looks like a name" in warned.content.decode()
    with scope(network=world.network.pk):
        assert not ProblemReport.objects.exists()
    data["confirm_anonymous"] = "on"
    data["vignette"] = "Eine junge Frau, 23, Duldung, hatte eine Zusage."
    assert client.post(reverse("steering:report_create"), data).status_code == 302
    with scope(network=world.network.pk):
        report = ProblemReport.objects.get()
    assert "Eine junge Frau" in _page(world.client_for("partner_liaison"), "steering:report", report_id=report.pk)


@pytest.mark.usefixtures("english")
def test_minutes_as_pdf(world: World, coordinator: Membership) -> None:
    body = BodyFactory(network=world.network, name="AG Übergang Schule–Beruf", created_by=coordinator.user)
    meeting = services.schedule_meeting(coordinator, body, scheduled_at=timezone.now(), place="Kreishaus")
    services.add_agenda_item(coordinator, meeting, title="Praktika im Handwerk")
    services.save_minutes(coordinator, meeting, "Die Kammern sammeln Praktikumsplätze.", version=None)
    services.add_decision(coordinator, meeting, "Infoabend für Betriebe.")
    services.add_action_item(
        coordinator,
        meeting,
        text="Betriebe einladen",
        owner_organisation=world.organisations["chamber"],
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    client = world.client_for("case_manager_a")
    url = reverse("steering:meeting_pdf", kwargs={"meeting_id": meeting.pk})
    assert "Download PDF" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("AG Übergang Schule–Beruf", "Praktika im Handwerk", "Praktikumsplätze", "Infoabend", "Betriebe"):
        assert expected in text
    assert AuditEntry.objects.filter(action="steering.minutes_exported", target_id=str(meeting.pk)).exists()


def _export(client: Client, fmt: str, **filters: str) -> Any:
    return client.post(reverse("steering:gaps_export"), {"format": fmt, **filters})


@pytest.mark.usefixtures("english")
def test_gap_register_export_csv_and_xlsx(world: World, coordinator: Membership) -> None:
    report = ProblemReportFactory(network=world.network, case_count=7)
    gap = services.create_gap(
        coordinator,
        {
            "title": '=HYPERLINK("http://example.org")',
            "field": "work_training",
            "age_band": "18_26",
            "status_group": "tolerated",
            "benefit_system": "asylblg",
            "description": "Arbeitgeber kennen die Ausbildungsduldung nicht.",
            "gap_type": "information",
            "owner": world.organisations["chamber"],
            "target_on": dt.date(2026, 12, 31),
        },
        reports=[report],
    )
    services.set_priority(coordinator, gap, impact=4, affected=4, feasibility=5, version=None)
    services.check_offer(
        coordinator, gap, OfferFactory(organisation=world.organisations["chamber"], title="Perspektivberatung")
    )
    mobility = GapFactory(
        network=world.network, number=99, title="Mobilität", field="housing", created_by=coordinator.user
    )
    client = world.client_for("offer_provider")
    assert "All gaps that are not closed" in client.get(reverse("steering:gaps_export")).content.decode()
    response = _export(client, "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Number", "Title", "Field"]
    by_code = {row[0]: row for row in rows[1:]}
    row = by_code[gap.code]
    assert row[1].startswith("'=")  # a formula stays text
    assert row[9] == "80" and row[16] == "Handwerkskammer" and row[21] == report.code and row[22] == "7"
    assert "Perspektivberatung" in row[23] and row[18] == "31.12.2026"
    assert rows[1][0] == gap.code  # by priority
    filtered = _export(client, "csv", field="housing")
    filtered_rows = list(csv.reader(io.StringIO(filtered.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in filtered_rows[1:]] == [mobility.code]
    xlsx = _export(client, "xlsx", band="high")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2 and values[1][0] == gap.code and values[1][9] == 80
    assert values[1][1].startswith("'=")
    entries = AuditEntry.objects.filter(action="steering.gaps_exported")
    assert entries.count() == 3 and {e.data["format"] for e in entries} == {"csv", "xlsx"}


# --- what the police see ---------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_police_see_events_and_their_own_bodies_only(world: World, coordinator: Membership) -> None:
    mine = BodyFactory(network=world.network, name="AG Prävention", created_by=coordinator.user)
    services.add_member(coordinator, mine, organisation=world.organisations["police"])
    other = BodyFactory(
        network=world.network, name="Bündniskerngruppe", kind="core", topic="", created_by=coordinator.user
    )
    meeting = MeetingFactory(body=mine, created_by=coordinator.user)
    services.add_action_item(
        coordinator,
        meeting,
        text="Informationsabend anbieten",
        owner_organisation=world.organisations["police"],
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    EventFactory(organiser=world.organisations["ki"], title="Infotag Ausbildung", created_by=coordinator.user)
    police = world.client_for("police_liaison")
    bodies = _page(police, "steering:bodies")
    assert "AG Prävention" in bodies and "Bündniskerngruppe" not in bodies
    assert police.get(reverse("steering:body", kwargs={"body_id": other.pk})).status_code == 404
    assert "Infotag Ausbildung" in _page(police, "steering:events")
    overview = _page(police, "steering:overview")
    assert "Gap register" not in overview and "Problem reports" not in overview
    home = _page(police, "core:home")
    assert "Informationsabend anbieten" in home
    # A case manager of another organisation sees the body but not the police's task on the start page.
    assert "Informationsabend anbieten" not in _page(world.client_for("case_manager_a"), "core:home")


def test_pages_are_german_by_default(world: World, coordinator: Membership) -> None:
    client = world.client_for("coordinator")
    with translation.override("de"):
        gaps = _page(client, "steering:gaps")
        overview = _page(client, "steering:overview")
    assert "Lückenregister" in gaps and "Priorität" in gaps
    assert "Netzwerksteuerung" in overview and "Problemanzeigen" in overview


# --- query counts ----------------------------------------------------------------------------


def _bounded(client: Client, url: str, grow: Callable[[], None], assert_max) -> None:  # type: ignore[no-untyped-def]
    with assert_max(40) as few:
        assert client.get(url).status_code == 200
    grow()
    with assert_max(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def _fill(world: World, coordinator: Membership, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        agreement = AgreementFactory(network=world.network, created_by=coordinator.user, renewal_on=today)
        agreement.partners.create(
            network=world.network, organisation=world.organisations["ki"], joined_on=today - dt.timedelta(days=i)
        )
        body = BodyFactory(network=world.network, created_by=coordinator.user)
        body.members.create(network=world.network, organisation=world.organisations["police"], joined_on=today)
        meeting = MeetingFactory(body=body, created_by=coordinator.user)
        meeting.action_items.create(
            network=world.network,
            text=f"Aufgabe {i}",
            owner_organisation=world.organisations["police"],
            owner_user=world.memberships["coordinator"].user,
            due_on=today,
            created_by=coordinator.user,
        )
        event = EventFactory(organiser=world.organisations["ki"], created_by=coordinator.user)
        event.registrations.create(network=world.network, user=coordinator.user, organisation=world.organisations["ki"])
        report = ProblemReportFactory(network=world.network, event=event, organisation=world.organisations["org_a"])
        gap = GapFactory(network=world.network, owner=world.organisations["chamber"], created_by=coordinator.user)
        gap.problem_reports.add(report)
        gap.offer_checks.create(network=world.network, offer=OfferFactory(organisation=world.organisations["chamber"]))


@pytest.mark.parametrize(
    "name",
    [
        "steering:overview",
        "steering:agreements",
        "steering:partner_map",
        "steering:bodies",
        "steering:events",
        "steering:reports",
        "steering:gaps",
        "steering:action_items",
        "core:home",
    ],
)
def test_lists_have_bounded_queries(
    world: World, coordinator: Membership, name: str, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _fill(world, coordinator, 2)
    client = world.client_for("coordinator")
    _bounded(client, reverse(name), lambda: _fill(world, coordinator, 6), django_assert_max_num_queries)


def test_object_pages_have_bounded_queries(
    world: World, coordinator: Membership, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    agreement = AgreementFactory(network=world.network, created_by=coordinator.user)
    gap = GapFactory(network=world.network, created_by=coordinator.user)
    meeting = MeetingFactory(
        body=BodyFactory(network=world.network, created_by=coordinator.user), created_by=coordinator.user
    )
    client = world.client_for("coordinator")
    urls = [
        reverse("steering:agreement", kwargs={"agreement_id": agreement.pk}),
        reverse("steering:gap", kwargs={"gap_id": gap.pk}),
        reverse("steering:meeting", kwargs={"meeting_id": meeting.pk}),
    ]

    def grow() -> None:
        today = timezone.localdate()
        for i in range(5):
            organisation = world.organisations["org_a" if i % 2 else "org_b"]
            if not agreement.partners.filter(organisation=organisation).exists():
                agreement.partners.create(network=world.network, organisation=organisation, joined_on=today)
            agreement.signatories.create(
                network=world.network, organisation=world.organisations["ki"], name=f"P {i}", signed_on=today
            )
            gap.problem_reports.add(ProblemReportFactory(network=world.network))
            gap.offer_checks.create(
                network=world.network, offer=OfferFactory(organisation=world.organisations["chamber"])
            )
            meeting.action_items.create(
                network=world.network,
                text=f"A {i}",
                owner_organisation=organisation,
                due_on=today,
                created_by=coordinator.user,
            )
            meeting.agenda.create(network=world.network, title=f"TOP {i}")

    counts = []
    for url in urls:
        with django_assert_max_num_queries(40) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    grow()
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_gap_list_is_sorted_by_priority(world: World, coordinator: Membership) -> None:
    low = GapFactory(network=world.network, title="Niedrig", priority=8, created_by=coordinator.user)
    none = GapFactory(network=world.network, title="Offen", created_by=coordinator.user)
    high = GapFactory(network=world.network, title="Hoch", priority=100, created_by=coordinator.user)
    GapFactory(network=world.network, title="Geschlossen", priority=125, status="closed", created_by=coordinator.user)
    body = _page(world.client_for("case_manager_a"), "steering:gaps")
    positions = [body.index(gap.title) for gap in (high, low, none)]
    assert positions == sorted(positions) and "Geschlossen" not in body
    closed = world.client_for("case_manager_a").get(reverse("steering:gaps"), {"status": "closed"}).content.decode()
    assert "Geschlossen" in closed and "Hoch" not in closed
    high_only = world.client_for("case_manager_a").get(reverse("steering:gaps"), {"band": "high"}).content.decode()
    assert "Hoch" in high_only and "Niedrig" not in high_only
    assert Gap.objects.count() == 4


def test_partner_map_chart_coordinates_are_not_localised(world: World, coordinator: Membership) -> None:
    """SVG coordinates need a decimal point also in German ("40,5" would be a list of positions)."""
    agreement = AgreementFactory(network=world.network, signed_on=dt.date(2019, 2, 1), created_by=coordinator.user)
    for key, day in (("ki", dt.date(2019, 2, 1)), ("org_a", dt.date(2021, 3, 1)), ("chamber", dt.date(2025, 10, 20))):
        agreement.partners.create(network=world.network, organisation=world.organisations[key], joined_on=day)
    with translation.override("de"):
        body = _page(world.client_for("case_manager_a"), "steering:partner_map")
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    path = svg[svg.index(' d="') + 4 :].split('"', 1)[0]
    assert path.startswith("M 40 188") and "," not in path
    assert "2019" in svg and "2025" in svg and "3</text>" in svg
    assert "Handwerkskammer" in body and "20.10.2025" in body
    filtered = world.client_for("case_manager_a").get(reverse("steering:partner_map"), {"year": "2021"})
    assert "Wohlfahrt A" in filtered.content.decode() and "Handwerkskammer" not in filtered.content.decode()
