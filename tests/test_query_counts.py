"""Query counts of list pages that no app test covered yet ([BENCH], STYLE rule 21).

Each test requests a page with a few rows, adds more rows of what the page lists, and asserts
the same number of queries: a page whose queries grow with its rows would be an N+1 that only
shows at scale. The list pages the apps' own tests already cover this way (participants, cases,
"my work", offers, funding, steering, conferences, consents, audit, network administration,
duplicates and merges) are not repeated here; bench/README.md lists them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from ankommen.audit.models import AuditEntry
from ankommen.cases.models import TimelineEntry
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import JOB_KINDS
from ankommen.participants.models import ResidenceStatus
from ankommen.testing.factories import (
    CaseFactory,
    CaseTypeFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    OrganisationFactory,
    ParticipantFactory,
)
from ankommen.testing.personas import World

AUDIT_TABLES = ("audit_auditentry", "audit_auditchainhead")


def _queries(client: Client, url: str, *, without_audit: bool = False) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if without_audit:  # the audit appends and the savepoints around them
        return sum(
            1
            for q in captured.captured_queries
            if not any(t in q["sql"] for t in AUDIT_TABLES) and "SAVEPOINT" not in q["sql"]
        )
    return len(captured)


def _same_count(client: Client, url: str, add_rows: Callable[[], Any], *, without_audit: bool = False) -> None:
    client.get(url)  # warm the session and the membership
    few = _queries(client, url, without_audit=without_audit)
    with scopes_disabled():
        add_rows()
    assert _queries(client, url, without_audit=without_audit) == few


def _person(world: World, organisation: str = "org_a") -> Any:
    return ParticipantFactory(
        organisation=world.organisations[organisation], created_by=world.memberships["case_manager_a"].user
    )


@pytest.mark.django_db
def test_case_timeline_does_not_grow_with_entries(world: World) -> None:
    lead = world.memberships["case_manager_a"].user
    with scopes_disabled():
        case = CaseFactory(participant=_person(world), lead=lead, case_type=CaseTypeFactory(network=world.network))

    def entries() -> None:
        now = timezone.now()
        for n in range(30):
            TimelineEntry.objects.create(
                network=world.network,
                case=case,
                at=now - dt.timedelta(hours=n),
                kind="task",
                text_key="task_added",
                params={"title": f"Aufgabe {n}"},
                actor=lead,
            )

    with scopes_disabled():
        for _ in range(2):
            TimelineEntry.objects.create(
                network=world.network, case=case, at=timezone.now(), kind="phase", text_key="opened", actor=lead
            )
    _same_count(world.client_for("case_manager_a"), reverse("cases:timeline", args=[case.pk]), entries)


@pytest.mark.django_db
def test_status_history_does_not_grow_with_periods(world: World) -> None:
    with scopes_disabled():
        person = _person(world)

    def periods() -> None:
        start = dt.date(2016, 1, 1)
        for n in range(12):
            ResidenceStatus.objects.create(
                network=world.network,
                participant=person,
                status="duldung" if n % 2 else "gestattung",
                valid_from=start + dt.timedelta(days=200 * n),
                valid_to=start + dt.timedelta(days=200 * n + 199),
            )

    with scopes_disabled():
        ResidenceStatus.objects.create(
            network=world.network, participant=person, status="ankunftsnachweis", valid_from=dt.date(2015, 6, 1)
        )
    _same_count(world.client_for("case_manager_a"), reverse("participants:statuses", args=[person.pk]), periods)


@pytest.mark.django_db
def test_household_page_does_not_grow_with_members(world: World) -> None:
    with scopes_disabled():
        household = HouseholdFactory(organisation=world.organisations["org_a"])
        HouseholdMemberFactory(household=household, participant=_person(world), relationship="head")

    def members() -> None:
        for _ in range(6):
            HouseholdMemberFactory(household=household, participant=_person(world), relationship="child")

    # The page logs one read per member shown (the audit log's subject is one person), and each entry
    # is appended to the hash chain on its own: those queries grow with the members by design, and a
    # household has a handful of them. Everything else must stay the same.
    url = reverse("participants:household", args=[household.pk])
    client = world.client_for("case_manager_a")
    _same_count(client, url, members, without_audit=True)
    with scopes_disabled():
        before = AuditEntry.objects.filter(action="participant.viewed").count()
    client.get(url)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="participant.viewed").count() - before == 7


@pytest.mark.django_db
def test_case_types_list_does_not_grow_with_types(world: World) -> None:
    with scopes_disabled():
        CaseTypeFactory(network=world.network)

    def types() -> None:
        for _ in range(8):
            CaseTypeFactory(network=world.network)

    _same_count(world.client_for("coordinator"), reverse("cases:types"), types)


@pytest.mark.django_db
def test_job_list_does_not_grow_with_jobs(world: World) -> None:
    membership = world.memberships["case_manager_a"]
    kind = next(iter(JOB_KINDS), "unknown")

    def jobs(count: int) -> None:
        for _ in range(count):
            BackgroundJob.objects.create(
                network=world.network, organisation=membership.organisation, created_by=membership.user, kind=kind
            )

    with scopes_disabled():
        jobs(1)
    _same_count(world.client_for("case_manager_a"), reverse("jobs:list"), lambda: jobs(10))


@pytest.mark.django_db
def test_partner_directory_does_not_grow_with_organisations(world: World) -> None:
    def organisations() -> None:
        for _ in range(8):
            OrganisationFactory(network=world.network)

    _same_count(world.client_for("case_manager_a"), reverse("network:directory"), organisations)
