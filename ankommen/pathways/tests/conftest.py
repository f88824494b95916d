from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_scopes import scope

from ankommen.cases.models import Case, CaseType
from ankommen.network.models import Membership
from ankommen.participants.models import (
    EducationRecord,
    Household,
    HouseholdMember,
    LanguageSkill,
    Participant,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.testing.personas import World


@pytest.fixture
def actor(world: World) -> Iterator[Membership]:
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@dataclass
class Family:
    father: Participant
    daughter: Participant
    household: Household
    case: Case
    case_type: CaseType


def years_ago(years: int, month: int = 3, day: int = 1) -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year - years, month, day)


@pytest.fixture
def family(world: World, actor: Membership) -> Family:
    """A father of org A with a Duldung since 2021 (in Germany since 2019), spoken German A2,
    work 30 h/week, a nine-year-old daughter at school in his household, and an open case."""
    common = {"network": world.network, "organisation": actor.organisation, "created_by": actor.user}
    father = Participant.objects.create(
        **common,
        reference="MS-960001",
        given_name="Dawit",
        family_name="Tesfaldet",
        date_of_birth=dt.date(1986, 4, 12),
        entry_date=dt.date(2019, 5, 2),
    )
    daughter = Participant.objects.create(
        **common, reference="MS-960002", given_name="Luwam", family_name="Tesfaldet", date_of_birth=years_ago(9)
    )
    rows = {"network": world.network, "participant": father}
    ResidenceStatus.objects.create(
        **rows,
        status="gestattung",
        legal_basis="AsylG § 55",
        valid_from=dt.date(2019, 5, 2),
        valid_to=dt.date(2020, 12, 31),
    )
    ResidenceStatus.objects.create(
        **rows,
        status="duldung",
        legal_basis="AufenthG § 60a Abs. 2 S. 1",
        valid_from=dt.date(2021, 1, 1),
        identity_clarified_on=dt.date(2019, 9, 1),
    )
    LanguageSkill.objects.create(**rows, language="de", speaking="A2", listening="A2")
    EducationRecord.objects.create(**rows, kind="language", country="DE", certificate="Test Leben in Deutschland")
    WorkRecord.objects.create(
        **rows,
        occupation="Lagerhelfer",
        country="DE",
        from_date=dt.date(2023, 1, 1),
        hours_per_week=30,
        social_insurance=True,
    )
    household = Household.objects.create(
        network=world.network, organisation=actor.organisation, reference="MS-H960001", name="Familie Tesfaldet"
    )
    HouseholdMember.objects.create(network=world.network, household=household, participant=father, relationship="head")
    HouseholdMember.objects.create(
        network=world.network, household=household, participant=daughter, relationship="child", childcare="school"
    )
    case_type = CaseType.objects.create(network=world.network, name="Bleiberecht")
    today = timezone.localdate()
    case = Case.objects.create(
        network=world.network,
        organisation=actor.organisation,
        participant=father,
        case_type=case_type,
        lead=actor.user,
        reference="MS-F960001",
        phase="planning",
        opened_on=today - dt.timedelta(days=10),
        phase_started_on=today,
        created_by=actor.user,
    )
    return Family(father, daughter, household, case, case_type)
