"""Participant records: who reaches which page.

Staff of the owning organisation with ``participants.view`` see a record (the assistant only
reads: 403 on every change); everyone else, inside the network or not, gets 404 for a record's
pages and 403 for the list and the register page.
"""

import datetime as dt

from ankommen.participants.keys import refresh_name_keys
from ankommen.participants.models import (
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
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Rahimullah", "Matrixzadeh"
GIVEN_ORIGINAL, FAMILY_ORIGINAL = "رحیم‌الله", "ماتریکس‌زاده"
BORN = dt.date(1998, 3, 12)
DOCUMENT = "X9Y8Z7Q6A"
BAMF_NUMBER = "7654321-423"


def _participant_records(world: World) -> None:
    """A participant of org A with a row in every list, a household with a minor child."""
    org_a = world.organisations["org_a"]
    author = world.memberships["case_manager_a"].user
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-900001",
        given_name=GIVEN,
        family_name=FAMILY,
        given_name_original=GIVEN_ORIGINAL,
        family_name_original=FAMILY_ORIGINAL,
        original_script="arab",
        date_of_birth=BORN,
        sex="m",
        nationalities=["AF"],
        created_by=author,
    )
    child = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-900002",
        given_name="Soraya",
        family_name=FAMILY,
        date_of_birth=dt.date.today().replace(year=dt.date.today().year - 7, month=1, day=15),
        sex="f",
        created_by=author,
    )
    common = {"network": world.network, "participant": person}
    NameVariant.objects.create(**common, given_name="Rahimulla", family_name="Matrikszada")
    Identifier.objects.create(**common, kind="bamf", value=BAMF_NUMBER)
    LanguageSkill.objects.create(**common, language="prs", speaking="native")
    status = ResidenceStatus.objects.create(
        **common,
        status="gestattung",
        legal_basis="AsylG § 55",
        valid_from=dt.date.today() - dt.timedelta(days=300),
        valid_to=dt.date.today() + dt.timedelta(days=30),
        document_number=DOCUMENT,
    )
    EducationRecord.objects.create(**common, kind="school", country="AF", years=8)
    WorkRecord.objects.create(**common, occupation="Schneider", country="AF")
    household = Household.objects.create(
        network=world.network, organisation=org_a, reference="MS-H000001", name=f"Familie {FAMILY}"
    )
    head = HouseholdMember.objects.create(
        network=world.network, household=household, participant=person, relationship="head"
    )
    HouseholdMember.objects.create(
        network=world.network, household=household, participant=child, relationship="child", childcare="school"
    )
    for record in (person, child):
        refresh_name_keys(record)
    world.extra.update(participant=person, child=child, status=status, household=household, head=head)
    world.extra["pii_markers"] += [
        GIVEN,
        FAMILY,
        GIVEN_ORIGINAL,
        FAMILY_ORIGINAL,
        "Rahimulla ",
        f"{BORN:%d.%m.%Y}",
        BORN.isoformat(),
        DOCUMENT,
        BAMF_NUMBER,
        "Soraya",
    ]


EXTRAS = [_participant_records]

READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
EDITORS = staff_with("case_manager_a", "team_lead_a")


def _record(w: World) -> dict[str, int]:
    return {"participant_id": w.extra["participant"].pk}


def _status_row(w: World) -> dict[str, object]:
    return {"participant_id": w.extra["participant"].pk, "section": "statuses", "row_id": w.extra["status"].pk}


def _household(w: World) -> dict[str, int]:
    return {"household_id": w.extra["household"].pk}


def _member(w: World) -> dict[str, int]:
    return {"household_id": w.extra["household"].pk, "member_id": w.extra["head"].pk}


def _read(kwargs):  # type: ignore[no-untyped-def]
    """A page of one record: its readers get 200, everyone else 404."""
    return Expect(READERS, denied=404, outsider=404, kwargs=kwargs)


def _change(kwargs):  # type: ignore[no-untyped-def]
    """A form that changes a record: editors 200, the read-only assistant 403, everyone else 404."""
    return Expect(EDITORS, denied=404, outsider=404, overrides={"assistant_a": 403}, kwargs=kwargs)


MATRIX = {
    # Case managers of org B have their own list (which does not show org A's records).
    "participants:list": Expect(READERS | {"case_manager_b"}),
    "participants:register": Expect(EDITORS | {"case_manager_b"}),
    "participants:detail": _read(_record),
    "participants:statuses": _read(_record),
    "participants:household": _read(_household),
    "participants:edit": _change(_record),
    "participants:create_household": _change(_record),
    "participants:add_detail": _change(lambda w: {"participant_id": w.extra["participant"].pk, "section": "languages"}),
    "participants:edit_detail": _change(_status_row),
    "participants:remove_detail": _change(_status_row),
    "participants:add_member": _change(_household),
    "participants:edit_member": _change(_member),
    "participants:remove_member": _change(_member),
    "api:participant": Expect(READERS, denied=404, outsider=404, anonymous=401, kwargs=_record),
}
