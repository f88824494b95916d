"""Pathways: who reaches which page.

The pathways page of a record is seen by the staff of the owning organisation who see the record
(case managers, team leads, assistants); everyone else gets 404, as for the record itself (a
recipient under a consent covering the residence status history is tested in test_views.py).
Adding a goal is for staff who work on cases: the read-only assistant gets 403.
"""

import datetime as dt

from django.utils import timezone

from ankommen.cases.models import Case, CaseType
from ankommen.participants.models import Household, HouseholdMember, Participant, ResidenceStatus
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Yonatan", "Pfadmatrixi"
BORN = dt.date(1987, 9, 23)


def _pathway_records(world: World) -> None:
    """A tolerated father of org A with a school child in his household and an open case."""
    org_a = world.organisations["org_a"]
    manager = world.memberships["case_manager_a"].user
    today = timezone.localdate()
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-950001",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        entry_date=dt.date(2019, 5, 2),
        created_by=manager,
    )
    child = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-950002",
        given_name="Mebrat",
        family_name=FAMILY,
        date_of_birth=today.replace(year=today.year - 9, month=3, day=1),
        created_by=manager,
    )
    ResidenceStatus.objects.create(
        network=world.network,
        participant=person,
        status="gestattung",
        legal_basis="AsylG § 55",
        valid_from=dt.date(2019, 5, 2),
        valid_to=dt.date(2020, 12, 31),
    )
    ResidenceStatus.objects.create(
        network=world.network,
        participant=person,
        status="duldung",
        legal_basis="AufenthG § 60a Abs. 2 S. 1",
        valid_from=dt.date(2021, 1, 1),
        identity_clarified_on=dt.date(2019, 9, 1),
    )
    household = Household.objects.create(
        network=world.network, organisation=org_a, reference="MS-H950001", name=f"Familie {FAMILY}"
    )
    HouseholdMember.objects.create(network=world.network, household=household, participant=person, relationship="head")
    HouseholdMember.objects.create(
        network=world.network, household=household, participant=child, relationship="child", childcare="school"
    )
    case_type = CaseType.objects.create(network=world.network, name="Bleiberecht (Pfade)")
    case = Case.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case_type=case_type,
        lead=manager,
        reference="MS-F950001",
        phase="planning",
        opened_on=today - dt.timedelta(days=10),
        phase_started_on=today,
        created_by=manager,
    )
    world.extra.update(pathway_person=person, pathway_child=child, pathway_case=case)
    world.extra["pii_markers"] += [GIVEN, FAMILY, f"{BORN:%d.%m.%Y}", BORN.isoformat()]


EXTRAS = [_pathway_records]

READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
PLANNERS = staff_with("case_manager_a", "team_lead_a")


def _person(w: World) -> dict[str, object]:
    return {"participant_id": w.extra["pathway_person"].pk}


MATRIX = {
    "pathways:participant": Expect(READERS, denied=404, outsider=404, kwargs=_person),
    "pathways:add_goal": Expect(
        PLANNERS,
        denied=404,
        outsider=404,
        overrides={"assistant_a": 403},
        kwargs=lambda w: {**_person(w), "pathway": "aufenthg_25b", "criterion": "language"},
    ),
}
