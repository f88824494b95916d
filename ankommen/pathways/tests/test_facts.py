"""The engine's facts built from a participant record (and what is left unknown)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ankommen.consents.choices import DataCategory
from ankommen.network.models import Membership
from ankommen.participants.models import EducationRecord, HouseholdMember, Participant, ResidenceStatus, WorkRecord
from ankommen.pathways.facts import facts_for, with_facts
from ankommen.pathways.tests.conftest import Family
from ankommen.testing.personas import World


def _facts(person: Participant, categories: frozenset[str] | None = None):  # type: ignore[no-untyped-def]
    fresh = with_facts(Participant.objects.filter(pk=person.pk)).get()
    return facts_for(fresh, timezone.localdate(), categories)


def test_facts_from_the_record(family: Family) -> None:
    record = _facts(family.father)
    facts = record.facts
    assert facts.date_of_birth == dt.date(1986, 4, 12)
    assert facts.entry_date == dt.date(2019, 5, 2)
    assert [(s.type, s.start) for s in facts.statuses] == [
        ("gestattung", dt.date(2019, 5, 2)),
        ("duldung", dt.date(2021, 1, 1)),
    ]
    assert facts.identity_clarified_on == dt.date(2019, 9, 1)
    assert facts.identity_steps_taken_on is None
    assert facts.german_oral_level == "A2"
    assert facts.knowledge_of_legal_order is True  # the LiD certificate
    assert facts.employment is not None and facts.employment[0].hours_per_week == 30.0
    assert facts.minor_children_in_household == 1
    assert facts.school_age_children_attend_school is True
    # Not in the record: never guessed.
    assert facts.fdgo_commitment is None
    assert facts.livelihood_share_secured is None
    assert facts.convictions_above_threshold is None
    assert facts.school_years_in_germany is None
    assert facts.in_school_or_training is None
    assert record.notes == []


def test_a_child_of_the_household_is_in_school(family: Family) -> None:
    facts = _facts(family.daughter).facts
    assert facts.in_school_or_training is True
    assert facts.minor_children_in_household is None  # not head or partner: not known


def test_work_abroad_does_not_count_and_german_schooling_is_summed(
    world: World, actor: Membership, family: Family
) -> None:
    WorkRecord.objects.create(network=world.network, participant=family.father, occupation="Schneider", country="ER")
    for years in (2, 1.5):
        EducationRecord.objects.create(
            network=world.network, participant=family.father, kind="school", country="DE", years=years
        )
    facts = _facts(family.father).facts
    assert len(facts.employment or ()) == 1
    assert facts.school_years_in_germany == 3.5
    assert facts.german_school_or_vocational_qualification is False  # German schooling recorded, no certificate


def test_children_of_unknown_age_leave_the_count_unknown(world: World, family: Family) -> None:
    family.daughter.date_of_birth = None
    family.daughter.save()
    assert _facts(family.father).facts.minor_children_in_household is None
    family.daughter.date_of_birth = dt.date(2000, 1, 1)  # grown up
    family.daughter.save()
    assert _facts(family.father).facts.minor_children_in_household == 0


def test_a_child_without_school_recorded_leaves_attendance_unknown(family: Family) -> None:
    HouseholdMember.objects.filter(participant=family.daughter).update(childcare="none")
    assert _facts(family.father).facts.school_age_children_attend_school is None


def test_the_earliest_identity_date_of_the_history_is_used(world: World, family: Family) -> None:
    ResidenceStatus.objects.filter(participant=family.father, status="gestattung").update(
        identity_steps_taken_on=dt.date(2019, 7, 1)
    )
    assert _facts(family.father).facts.identity_steps_taken_on == dt.date(2019, 7, 1)


def test_a_recipient_sees_only_the_shared_categories(family: Family) -> None:
    record = _facts(family.father, frozenset({DataCategory.RESIDENCE}))
    facts = record.facts
    assert facts.statuses is not None and facts.entry_date is not None
    assert facts.date_of_birth is None
    assert facts.german_oral_level is None
    assert facts.employment is None
    assert facts.minor_children_in_household is None
    assert record.notes


def test_an_estimated_birth_date_is_noted(family: Family) -> None:
    family.father.birth_date_precision = "year"
    family.father.save()
    assert _facts(family.father).notes
