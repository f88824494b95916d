"""Recording needs: from the case assessment, from waiting lists and the explicit action; met, withdrawn,
restored; counted once per person and field; the summary stays in step with every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ankommen.cases import services as cases
from ankommen.dashboard import needs, services, summary
from ankommen.dashboard.models import Need, NeedCube
from ankommen.network.models import Membership
from ankommen.offers import services as offers
from ankommen.participants.merge import merge_participants, undo_merge
from ankommen.participants.models import LanguageSkill, Participant
from ankommen.testing.factories import CaseFactory, HouseholdFactory, HouseholdMemberFactory
from ankommen.testing.personas import World


@pytest.fixture
def make_case(world: World, actor: Membership) -> Callable[..., Any]:
    def make(person: Participant | None = None, **values: Any) -> Any:
        values.setdefault("lead", actor.user)
        return CaseFactory(participant=person, **values)

    return make


def _open(person: Participant, field: str) -> list[Need]:
    return list(Need.objects.filter(participant=person, field=field, is_open=True))


def test_assessment_records_one_need_per_person_and_field(actor: Membership, make_person, make_case) -> None:
    person = make_person(district="Kinderhaus", age=23, status="duldung", language="prs")
    case = make_case(person)
    cases.save_assessment(actor, case, "language", {"needs": "Deutschkurs A2"})
    cases.save_assessment(actor, case, "schooling", {"needs": "Hauptschulabschluss nachholen"})
    cases.save_assessment(actor, case, "residence", {"needs": "Aufenthalt klären"})  # no offer field
    cases.save_assessment(actor, case, "housing", {"needs": "Wohnung"})

    recorded = list(Need.objects.filter(participant=person).order_by("field"))
    assert [(n.field, n.source) for n in recorded] == [("education_language", "assessment"), ("housing", "assessment")]
    need = recorded[0]
    assert (need.district, need.age_band, need.status_group, need.language) == (
        "Kinderhaus",
        "18_26",
        "tolerated",
        "prs",
    )
    assert need.case_id == case.pk and need.is_open and need.recorded_on == timezone.localdate()
    assert summary.verify(actor.network_id) == []
    assert sorted(NeedCube.objects.filter(network=actor.network_id, grain=0).values_list("field", "needs")) == [
        ("education_language", 1),
        ("housing", 1),
    ]


def test_emptying_the_needs_withdraws_and_writing_them_again_records_anew(actor, make_person, make_case) -> None:
    person = make_person()
    case = make_case(person)
    cases.save_assessment(actor, case, "training_work", {"needs": "Ausbildungsplatz"})
    cases.save_assessment(actor, case, "training_work", {"needs": ""})
    first = Need.objects.get(participant=person)
    assert not first.is_open and first.withdrawn_reason == "assessment_cleared"
    cases.save_assessment(actor, case, "training_work", {"needs": "Ausbildung im Handwerk"})
    assert len(_open(person, "work_training")) == 1
    # Changing other parts of the domain records nothing more.
    cases.save_assessment(actor, case, "training_work", {"resources": "Erfahrung im Bau"})
    assert Need.objects.filter(participant=person).count() == 2
    assert summary.verify(actor.network_id) == []


def test_closing_the_case_withdraws_its_needs_and_reopening_restores_them(actor, make_person, make_case) -> None:
    person = make_person()
    case = make_case(person)
    cases.save_assessment(actor, case, "language", {"needs": "Deutschkurs"})
    case = cases.close_case(actor, case, reason="moved_away")
    need = Need.objects.get(participant=person)
    assert not need.is_open and need.withdrawn_reason == "case_closed"
    cases.reopen_case(actor, case)
    need.refresh_from_db()
    assert need.is_open and need.withdrawn_on is None
    assert summary.verify(actor.network_id) == []


def test_a_household_case_records_the_need_of_its_head(world: World, actor, make_person, make_case) -> None:
    head, child = make_person(age=40), make_person(age=9)
    household = HouseholdFactory(organisation=world.organisations["org_a"])
    HouseholdMemberFactory(household=household, participant=child, relationship="child")
    HouseholdMemberFactory(household=household, participant=head, relationship="head")
    case = CaseFactory(
        participant=None,
        household=household,
        organisation=household.organisation,
        network=household.network,
        lead=actor.user,
    )
    cases.save_assessment(actor, case, "housing", {"needs": "Größere Wohnung"})
    assert list(Need.objects.values_list("participant_id", "field")) == [(head.pk, "housing")]


def test_language_of_instruction(actor, make_person) -> None:
    speaks_german = make_person(language="ar")
    LanguageSkill.objects.create(network=speaks_german.network, participant=speaks_german, language="de", speaking="B1")
    learner = make_person(language="ti")
    LanguageSkill.objects.create(network=learner.network, participant=learner, language="de", speaking="A2")
    unknown = make_person(language=None)
    day = timezone.localdate()
    assert needs.snapshot(speaks_german, day)["language"] == "de"
    assert needs.snapshot(learner, day)["language"] == "ti"
    assert needs.snapshot(unknown, day)["language"] == ""
    assert needs.snapshot(make_person(status=None), day)["status_group"] == "none"


def test_a_waiting_place_records_interest_and_the_seat_meets_it(
    world: World, actor, make_person, make_offer, make_session, django_capture_on_commit_callbacks
) -> None:
    offer = make_offer(capacity=1, category="language", field_of_action="education_language")
    make_session(offer)
    first, second = make_person(), make_person(district="Hiltrup")
    with django_capture_on_commit_callbacks(execute=True):
        seat = offers.enrol_participant(actor, offer, first)
        offers.enrol_participant(actor, offer, second)
    assert not Need.objects.filter(participant=first).exists()  # a seat straight away: no interest recorded
    need = Need.objects.get(participant=second)
    assert (need.source, need.field, need.category, need.district, need.is_open) == (
        "interest",
        "education_language",
        "language",
        "Hiltrup",
        True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        offers.cancel_enrolment(actor, seat, reason="participant")  # the waiting person moves up
    need.refresh_from_db()
    assert need.met_on == timezone.localdate() and need.met_within_30 and not need.is_open
    assert summary.verify(actor.network_id) == []
    # Idempotent: syncing again changes nothing.
    for enrolment_id in offer.enrolments.values_list("pk", flat=True):
        needs.sync_enrolment(enrolment_id)
    assert Need.objects.count() == 1 and summary.verify(actor.network_id) == []


def test_cancelling_the_waiting_place_withdraws_the_interest(
    actor, make_person, make_offer, make_session, django_capture_on_commit_callbacks
) -> None:
    full = make_offer(capacity=1)
    other = make_offer(capacity=1)
    make_session(full)
    make_session(other)
    with django_capture_on_commit_callbacks(execute=True):
        offers.enrol_participant(actor, full, make_person())
        offers.enrol_participant(actor, other, make_person())
        person = make_person()
        waiting = offers.enrol_participant(actor, full, person)
        also_waiting = offers.enrol_participant(actor, other, person)
    assert len(_open(person, "work_training")) == 1  # counted once
    with django_capture_on_commit_callbacks(execute=True):
        offers.cancel_enrolment(actor, waiting, reason="participant")
    assert len(_open(person, "work_training")) == 1  # still waiting for the other offer of the field
    with django_capture_on_commit_callbacks(execute=True):
        offers.cancel_enrolment(actor, also_waiting, reason="participant")
    need = Need.objects.get(participant=person)
    assert not need.is_open and need.withdrawn_reason == "interest_cancelled" and need.met_on is None
    assert summary.verify(actor.network_id) == []


def test_a_seat_before_the_need_does_not_meet_it(actor, make_person, make_offer, make_session) -> None:
    person = make_person()
    offer = make_offer(capacity=5)
    make_session(offer)
    offers.enrol_participant(actor, offer, person)
    later = timezone.localdate() + dt.timedelta(days=2)
    need = needs.record_interest(person, "work_training", day=later)
    assert need is not None
    need.refresh_from_db()
    assert need.is_open and need.met_on is None


def test_the_explicit_interest_is_counted_once_and_only_for_own_people(world: World, actor, make_person) -> None:
    person = make_person()
    assert services.record_interest(actor, person, "social_participation", category="sport") is not None
    assert services.record_interest(actor, person, "social_participation") is None
    with pytest.raises(PermissionDenied):
        services.record_interest(world.memberships["case_manager_b"], person, "housing")
    with pytest.raises(PermissionDenied):
        services.record_interest(world.memberships["coordinator"], person, "housing")
    assert Need.objects.count() == 1


def test_a_merge_moves_the_needs_and_undo_moves_them_back(actor, make_person) -> None:
    survivor, absorbed = make_person(family_name="Haddad"), make_person(family_name="Hadad")
    needs.record_interest(survivor, "education_language", day=timezone.localdate() - dt.timedelta(days=40))
    needs.record_interest(absorbed, "education_language", day=timezone.localdate() - dt.timedelta(days=10))
    merge = merge_participants(actor, survivor, absorbed)
    assert Need.objects.filter(participant=survivor).count() == 2
    second = Need.objects.filter(participant=survivor).order_by("recorded_on").last()
    assert second is not None and second.prev_month != summary.FIRST
    assert summary.verify(actor.network_id) == []
    undo_merge(actor, merge)
    assert Need.objects.filter(participant=absorbed).count() == 1
    assert summary.verify(actor.network_id) == []


def test_erasing_a_person_removes_their_needs_from_the_summary(actor, make_person) -> None:
    person = make_person()
    needs.record_interest(person, "housing")
    needs.record_interest(person, "work_training")
    Need.objects.filter(participant=person).delete()
    assert not NeedCube.objects.exists()
    assert summary.verify(actor.network_id) == []
