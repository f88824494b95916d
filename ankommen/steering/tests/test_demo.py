"""The demo network's steering data: agreements and partners from the seed documents, bodies with a
meeting and action items, events, problem reports from a STARTER workshop and a prioritised gap
register with gaps in several states; a second run adds nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from ankommen.cases.models import SystemBarrier
from ankommen.network.models import Membership
from ankommen.steering.models import (
    Agreement,
    AgreementPartner,
    Body,
    Event,
    Gap,
    Meeting,
    NetworkActionItem,
    ProblemReport,
)
from ankommen.testing.personas import login


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Agreement, AgreementPartner, Body, Meeting, NetworkActionItem, Event, ProblemReport, Gap)
    )


def test_demo_steering(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        loi = Agreement.objects.get(title__startswith="Absichtserklärung Modellprojekt")
        partners = {p.organisation.short_name: p for p in loi.partners.select_related("organisation")}
        assert {"Bezirksregierung / ZUE", "Polizei Münster", "IHK", "Agentur für Arbeit"} <= set(partners)
        khw = partners["Kreishandwerkerschaft"]
        assert khw.joined_on > loi.signed_on
        kick_off = Event.objects.get(kind="kick_off")
        assert kick_off.agreement_id == loi.pk and kick_off.attendance_count
        kinds = set(Body.objects.values_list("kind", flat=True))
        assert kinds == {"steering", "core", "working", "project"}
        topics = set(Body.objects.filter(kind="working").values_list("topic", flat=True))
        assert {"school", "transition", "employment"} <= topics
        meeting = Meeting.objects.get(body__topic="transition", status="held")
        assert meeting.minutes and meeting.agenda.count() == 3 and meeting.decisions.count() == 2
        assert NetworkActionItem.objects.filter(meeting=meeting, status="open").count() == 3
        starter = Event.objects.get(kind="starter")
        assert starter.problem_reports.count() == 4
        statuses = set(Gap.objects.values_list("status", flat=True))
        assert statuses == {"open", "analysed", "measure_agreed", "in_implementation", "closed"}
        assert Gap.objects.filter(priority__isnull=False).count() == 4
        top = Gap.objects.filter(priority__isnull=False).order_by("-priority").first()
        assert top is not None and top.priority == 80
        # The cases demo's anonymous system barriers arrived as problem reports.
        assert ProblemReport.objects.filter(source="case_closure").count() == SystemBarrier.objects.count()
        counts = _counts()
        coordinator = Membership.objects.select_related("user").get(user__email="koordination@demo.ankommen.invalid")
        provider = Membership.objects.select_related("user").get(user__email="angebote@demo.ankommen.invalid")
        police = Membership.objects.select_related("user").get(user__email="polizei@demo.ankommen.invalid")
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert _counts() == counts
    # The coordinator's start page reminds of the alliance's renewal; the owners see their action items.
    client = Client()
    login(client, coordinator.user, coordinator)
    assert "Gemeinsam klappt" in client.get(reverse("core:home")).content.decode()
    login(client, provider.user, provider)
    assert "Handwerksbetriebe zum Infoabend einladen" in client.get(reverse("core:home")).content.decode()
    login(client, police.user, police)
    home = client.get(reverse("core:home")).content.decode()
    assert "Sicher unterwegs mit dem Fahrrad" in home
    assert client.get(reverse("steering:gaps")).status_code == 403
