"""A case of organisation A with content in every data category, each marked with a string that
tells which category it belongs to, so tests can say what a recipient must and must not see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope

from ankommen.cases.models import (
    Appointment,
    Approval,
    AssessmentEntry,
    Case,
    CaseType,
    Goal,
    Measure,
    ProgressNote,
    Task,
)
from ankommen.consents.models import Consent
from ankommen.network.models import Membership
from ankommen.participants.models import (
    ContactChannel,
    EducationRecord,
    Household,
    HouseholdMember,
    Identifier,
    LanguageSkill,
    NameVariant,
    Participant,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.testing.factories import ConsentFactory
from ankommen.testing.personas import World

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32

# What each data category shows, as strings found nowhere else on any page.
MARKERS: dict[str, list[str]] = {
    "identity": ["Konsentova", "Leyla", "07.04.1999", "Leila Konsentowa", "Heratmarker"],
    "contact": ["0151-2345678", "Hafenweg 12", "Hiltrupmarker"],
    "language": ["telc-B1-Zertmarker"],
    "education": ["Markerschule Kabul"],
    "work": ["Markerschneiderin", "Atelier Markerfaden"],
    "interests": ["Fussballmarker", "Geduldmarker"],
    "residence": ["AufenthG-Markerbasis", "RESDOC-4711"],
    "household": ['id="household"'],
    "assessment": ["Wohnungsbedarfmarker", "Netzwerkressourcemarker"],
    "plan": ["Zielmarker Ausbildung", "Massnahmenmarker", "Aufgabenmarker", "Terminmarker Jobcenter"],
    "notes": ["Notizmarker vertraulich"],
}
# Never shared under any consent: identifiers, support needs, intake details, approvals.
NEVER = ["BAMF-NEVER-9876", "Supportmarker", "Quellenmarker", "Genehmigungsmarker"]


def uncovered(categories: list[str]) -> list[str]:
    return [m for code, markers in MARKERS.items() if code not in categories for m in markers] + NEVER


def covered(categories: list[str]) -> list[str]:
    return [m for code in categories for m in MARKERS.get(code, [])]


@dataclass
class Shared:
    case: Case
    person: Participant
    household: Household
    goal: Goal
    measure: Measure
    task: Task
    approval: Approval
    status: ResidenceStatus
    rows: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def owner(world: World) -> Iterator[Membership]:
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@pytest.fixture
def recipient(world: World) -> Membership:
    return world.memberships["case_manager_b"]


@pytest.fixture
def shared(world: World, owner: Membership) -> Shared:
    network, org_a, author = world.network, owner.organisation, owner.user
    today = timezone.localdate()
    person = Participant.objects.create(
        network=network,
        organisation=org_a,
        reference="MS-770001",
        given_name="Leyla",
        family_name="Konsentova",
        date_of_birth=dt.date(1999, 4, 7),
        place_of_birth="Heratmarker",
        district="Hiltrupmarker",
        address="Hafenweg 12",
        interpreter_needed=True,
        interpreter_language="prs",
        interests="Fussballmarker",
        strengths="Geduldmarker",
        support_note="Supportmarker",
        created_by=author,
    )
    child = Participant.objects.create(
        network=network, organisation=org_a, reference="MS-770002", given_name="Kian", family_name="Konsentova",
        date_of_birth=dt.date(2018, 1, 2), created_by=author,
    )  # fmt: skip
    common = {"network": network, "participant": person}
    rows = {
        "variants": NameVariant.objects.create(**common, given_name="Leila", family_name="Konsentowa"),
        "identifiers": Identifier.objects.create(**common, kind="bamf", value="BAMF-NEVER-9876"),
        "languages": LanguageSkill.objects.create(
            **common, language="prs", speaking="native", certificate="telc-B1-Zertmarker"
        ),
        "contacts": ContactChannel.objects.create(**common, kind="phone", value="0151-2345678"),
        "education": EducationRecord.objects.create(**common, kind="school", institution="Markerschule Kabul"),
        "work": WorkRecord.objects.create(**common, occupation="Markerschneiderin", employer="Atelier Markerfaden"),
    }
    status = ResidenceStatus.objects.create(
        **common,
        status="duldung",
        legal_basis="AufenthG-Markerbasis",
        valid_from=today - dt.timedelta(days=100),
        valid_to=today + dt.timedelta(days=200),
        document_number="RESDOC-4711",
    )
    rows["statuses"] = status
    household = Household.objects.create(
        network=network, organisation=org_a, reference="MS-H770001", name="Familie Konsentova"
    )
    HouseholdMember.objects.create(network=network, household=household, participant=person, relationship="head")
    HouseholdMember.objects.create(network=network, household=household, participant=child, relationship="child")
    case_type = CaseType.objects.create(network=network, name="Zusammenarbeit Test")
    case = Case.objects.create(
        network=network,
        organisation=org_a,
        participant=person,
        case_type=case_type,
        lead=author,
        reference="MS-F770001",
        phase="planning",
        opened_on=today - dt.timedelta(days=30),
        phase_started_on=today,
        referral_source="Quellenmarker",
        consent_recorded=True,
        created_by=author,
    )
    AssessmentEntry.objects.create(
        network=network, case=case, domain="housing", needs="Wohnungsbedarfmarker", resources="Netzwerkressourcemarker"
    )
    goal = Goal.objects.create(network=network, case=case, text="Zielmarker Ausbildung", domain="training_work")
    measure = Measure.objects.create(network=network, goal=goal, text="Massnahmenmarker")
    ProgressNote.objects.create(
        network=network, goal=goal, written_on=today, text="Notizmarker vertraulich", author=author
    )
    task = Task.objects.create(network=network, case=case, title="Aufgabenmarker", due_on=today)
    Appointment.objects.create(
        network=network, case=case, starts_at=timezone.now(), with_whom="Terminmarker Jobcenter", kind="authority"
    )
    approval = Approval.objects.create(
        network=network,
        case=case,
        kind="plan",
        requested_by=author,
        requested_at=timezone.now(),
        decision="rejected",
        decided_by=world.memberships["team_lead_a"].user,
        decided_at=timezone.now(),
        reason="Genehmigungsmarker",
    )
    return Shared(
        case=case,
        person=person,
        household=household,
        goal=goal,
        measure=measure,
        task=task,
        approval=approval,
        status=status,
        rows=rows,
    )


def share(world: World, shared: Shared, categories: list[str], **kwargs: Any) -> Consent:
    """A consent for cooperation in force that names organisation B (and whoever else is given)."""
    recipients = kwargs.pop("recipients", [world.organisations["org_b"]])
    return ConsentFactory(
        case=shared.case,
        data_categories=categories,
        recorded_by=world.memberships["case_manager_a"].user,
        recipients=recipients,
        **kwargs,
    )


def upload(content: bytes = PDF, name: str = "Einwilligung Leyla Konsentova.pdf", kind: str = "application/pdf"):  # type: ignore[no-untyped-def]
    return SimpleUploadedFile(name, content, content_type=kind)
