"""A merge of two records moves enrolments and participant cards to the survivor (no person with two
seats in one course, no two valid cards), a seat freed that way goes to the next person waiting,
and undoing the merge puts everything back without overbooking."""

from __future__ import annotations

import datetime as dt

from ankommen.offers import services
from ankommen.offers.choices import CancellationReason, EnrolmentStatus
from ankommen.offers.merge_hooks import CardRows, EnrolmentRows
from ankommen.offers.models import Enrolment, ParticipantCard
from ankommen.participants.merge import merge_participants, plan_merge, undo_merge
from ankommen.testing.personas import World


def test_merge_moves_enrolments_and_cards_and_undo_restores_them(  # type: ignore[no-untyped-def]
    world: World, actor, make_person, make_offer, make_session
) -> None:
    survivor = make_person(given_name="Omar", family_name="Zusammen")
    absorbed = make_person(given_name="Omar", family_name="Zusammen")
    other = make_person(given_name="Lina", family_name="Wartend")
    course = make_offer(title="Kurs mit zwei Plätzen", capacity=2)
    make_session(course)
    waiting_only = make_offer(title="Volles Angebot", capacity=1)
    make_session(waiting_only)
    keep_seat = services.enrol_participant(actor, course, survivor)
    double_seat = services.enrol_participant(actor, course, absorbed)
    late = services.enrol_participant(actor, course, other)
    assert late.status == EnrolmentStatus.WAITING
    services.enrol_participant(actor, waiting_only, other)
    moved_wait = services.enrol_participant(actor, waiting_only, absorbed)
    survivor_card = services.issue_card(actor, survivor)
    absorbed_card = services.issue_card(actor, absorbed)

    plan = plan_merge(survivor, absorbed)
    rows = {str(label): (moving, dropped) for label, moving, dropped in plan.rows}
    assert rows[str(EnrolmentRows.label)] == (2, 1) and rows[str(CardRows.label)] == (1, 1)

    merge = merge_participants(actor, survivor, absorbed)
    double_seat.refresh_from_db()
    late.refresh_from_db()
    assert double_seat.participant_id == survivor.pk and double_seat.status == EnrolmentStatus.CANCELLED
    assert double_seat.cancellation_reason == CancellationReason.MERGED
    assert late.status == EnrolmentStatus.ENROLLED and late.from_waiting_list  # the freed seat moved on
    assert Enrolment.objects.get(pk=moved_wait.pk).participant_id == survivor.pk
    assert (
        Enrolment.objects.filter(participant=survivor, offer=course, status=EnrolmentStatus.ENROLLED).get() == keep_seat
    )
    assert ParticipantCard.objects.filter(participant=survivor, revoked_at__isnull=True).get() == survivor_card
    absorbed_card.refresh_from_db()
    assert absorbed_card.participant_id == survivor.pk and absorbed_card.revoked_at is not None
    assert merge.moved["offers.enrolment"] == sorted([double_seat.pk, moved_wait.pk])

    undo_merge(actor, merge)
    double_seat.refresh_from_db()
    absorbed_card.refresh_from_db()
    assert double_seat.participant_id == absorbed.pk
    # its seat went to the person waiting: it comes back on the waiting list, at its old place
    assert double_seat.status == EnrolmentStatus.WAITING and double_seat.cancellation_reason == ""
    assert Enrolment.objects.filter(offer=course, status=EnrolmentStatus.ENROLLED).count() == 2
    assert Enrolment.objects.get(pk=moved_wait.pk).participant_id == absorbed.pk
    assert absorbed_card.participant_id == absorbed.pk and absorbed_card.revoked_at is None
    assert ParticipantCard.objects.filter(participant=survivor, revoked_at__isnull=True).get() == survivor_card


def test_undo_gives_the_seat_back_when_it_is_still_free(  # type: ignore[no-untyped-def]
    world: World, actor, make_person, make_offer, make_session
) -> None:
    survivor = make_person(family_name="Frei")
    absorbed = make_person(family_name="Frei")
    course = make_offer(capacity=3)
    make_session(course)
    waiting_course = make_offer(capacity=1)
    make_session(waiting_course)
    services.enrol_participant(actor, waiting_course, make_person(family_name="Erste"))
    survivor_wait = services.enrol_participant(actor, waiting_course, survivor)
    absorbed_seat = services.enrol_participant(actor, course, absorbed)
    absorbed_wait = services.enrol_participant(actor, waiting_course, absorbed)
    Enrolment.objects.filter(pk=absorbed_wait.pk).update(queued_at=survivor_wait.queued_at - dt.timedelta(days=3))
    merge = merge_participants(actor, survivor, absorbed)
    survivor_wait.refresh_from_db()
    # the absorbed record asked earlier: its waiting place is kept, the survivor's is cancelled
    assert survivor_wait.status == EnrolmentStatus.CANCELLED
    assert Enrolment.objects.get(pk=absorbed_seat.pk).participant_id == survivor.pk
    undo_merge(actor, merge)
    survivor_wait.refresh_from_db()
    assert survivor_wait.status == EnrolmentStatus.WAITING and survivor_wait.participant_id == survivor.pk
    assert Enrolment.objects.get(pk=absorbed_seat.pk).participant_id == absorbed.pk
    assert Enrolment.objects.get(pk=absorbed_wait.pk).status == EnrolmentStatus.WAITING
