"""Offer services: catalogue, sessions, entitlement paths, enrolment with waiting list and promotion,
attendance (list, card, counts) and participant cards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.offers import eligibility, services
from ankommen.offers.access import find_card, normalise_token, short_name
from ankommen.offers.choices import EnrolmentStatus, OfferStatus
from ankommen.offers.models import Attendance, Enrolment, Offer, ParticipantCard
from ankommen.offers.services import OfferError, waiting_position
from ankommen.participants.models import LanguageSkill, ResidenceStatus
from ankommen.testing.personas import World

OFFER_VALUES = {
    "title": "Schnuppertag Elektro",
    "description": "Stromkreise bauen.",
    "translations": {"en": {"title": "Taster day electrics"}},
    "category": "workshop",
    "field_of_action": "work_training",
    "status": "published",
    "open_regardless_of_status": True,
    "capacity": 10,
    "attendance_mode": "named",
    "enrolment_unit": "course",
}


# --- catalogue ---------------------------------------------------------------------------------


def test_provider_creates_and_changes_own_offers_only(world: World, provider, police) -> None:
    offer = services.create_offer(provider, OFFER_VALUES)
    assert offer.organisation == world.organisations["chamber"] and offer.version == 1
    assert offer.text("title", "en") == "Taster day electrics" and offer.text("title", "de") == "Schnuppertag Elektro"
    assert offer.text("description", "en") == "Stromkreise bauen."  # no translation: the main text
    updated = services.update_offer(provider, offer, {"capacity": 12, "district": "Hiltrup"}, version=1)
    assert updated.version == 2 and updated.capacity == 12
    with pytest.raises(OfferError) as stale:
        services.update_offer(provider, offer, {"capacity": 14}, version=1)
    assert stale.value.code == "stale"
    with pytest.raises(PermissionDenied):
        services.update_offer(police, offer, {"capacity": 3}, version=2)
    with pytest.raises(PermissionDenied):
        services.create_offer(world.memberships["case_manager_a"], OFFER_VALUES)
    assert {"offer.created", "offer.updated"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_police_offers_are_always_counts_only(world: World, police) -> None:
    offer = services.create_offer(police, {**OFFER_VALUES, "attendance_mode": "named"})
    assert offer.counts_only


def test_offer_values_are_checked(world: World, provider) -> None:
    with pytest.raises(OfferError):
        services.create_offer(provider, {**OFFER_VALUES, "age_min": 30, "age_max": 20})
    with pytest.raises(OfferError):
        services.create_offer(provider, {**OFFER_VALUES, "is_german_course": True, "entitlement_paths": []})
    with pytest.raises(OfferError):
        services.create_offer(provider, {**OFFER_VALUES, "open_regardless_of_status": False, "admitted_statuses": []})
    offer = services.create_offer(
        provider, {**OFFER_VALUES, "is_german_course": False, "entitlement_paths": ["obligation"]}
    )
    assert offer.entitlement_paths == []  # paths only for German courses


def test_sessions_single_and_recurring_in_local_time(world: World, provider, make_offer) -> None:
    offer = make_offer()
    first = dt.date(2026, 3, 27)  # the last Friday before summer time starts
    sessions = services.add_sessions(
        provider, offer, first_day=first, starts=dt.time(10), ends=dt.time(12), recurrence="weekly", count=3
    )
    assert len(sessions) == 3
    local = [timezone.localtime(s.starts_at) for s in sessions]
    assert [t.hour for t in local] == [10, 10, 10]  # also after the change to summer time
    assert [s.starts_at.astimezone(dt.UTC).hour for s in sessions] == [9, 8, 8]  # CET, then CEST
    assert [t.date() for t in local] == [first, first + dt.timedelta(weeks=1), first + dt.timedelta(weeks=2)]
    with pytest.raises(OfferError):
        services.add_sessions(provider, offer, first_day=first, starts=dt.time(12), ends=dt.time(10), recurrence="once")
    with pytest.raises(OfferError):
        services.add_sessions(
            provider, offer, first_day=first, starts=dt.time(9), ends=dt.time(10), recurrence="weekly"
        )
    moved = services.update_session(provider, sessions[0], {"place": "Halle 2", "is_cancelled": True})
    assert moved.is_cancelled and moved.place == "Halle 2"


# --- enrolment, waiting list, promotion --------------------------------------------------------


def test_enrolment_fills_seats_then_waiting_list_in_order(world: World, actor, make_offer, make_person) -> None:
    offer = make_offer(capacity=2)
    people = [make_person() for _ in range(5)]
    enrolments = [services.enrol_participant(actor, offer, p) for p in people]
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waiting", "waiting", "waiting"]
    assert [waiting_position(e) for e in enrolments] == [None, None, 1, 2, 3]
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, people[0])  # already enrolled
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, people[3])  # already waiting

    promoted = services.cancel_enrolment(actor, enrolments[0], reason="participant")
    assert [e.pk for e in promoted] == [enrolments[2].pk]
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses[enrolments[0].pk] == "cancelled" and statuses[enrolments[2].pk] == "enrolled"
    moved_up = Enrolment.objects.get(pk=enrolments[2].pk)
    assert moved_up.from_waiting_list and moved_up.enrolled_at is not None
    assert [waiting_position(Enrolment.objects.get(pk=e.pk)) for e in enrolments[3:]] == [1, 2]

    # Cancelling a waiting place frees no seat: nobody moves up.
    assert services.cancel_enrolment(actor, Enrolment.objects.get(pk=enrolments[3].pk), reason="other") == []
    assert waiting_position(Enrolment.objects.get(pk=enrolments[4].pk)) == 1
    with pytest.raises(OfferError):
        services.cancel_enrolment(actor, Enrolment.objects.get(pk=enrolments[3].pk), reason="other")
    # A cancelled person may enrol again: at the end of the queue.
    again = services.enrol_participant(actor, offer, people[0])
    assert again.status == "waiting" and waiting_position(again) == 2
    codes = list(
        AuditEntry.objects.filter(subject=f"participant:{people[2].pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert codes == ["enrolment.waitlisted", "enrolment.promoted"]


def test_more_seats_move_the_waiting_list_up(world: World, actor, provider, make_offer, make_person) -> None:
    offer = make_offer(capacity=1)
    _first, second, third = (services.enrol_participant(actor, offer, make_person()) for _ in range(3))
    assert (second.status, third.status) == ("waiting", "waiting")
    services.update_offer(provider, offer, {"capacity": 3}, version=None)
    assert set(Enrolment.objects.filter(offer=offer).values_list("status", flat=True)) == {"enrolled"}


def test_seats_per_session(world: World, actor, provider, make_offer, make_session, make_person) -> None:
    offer = make_offer(capacity=1, enrolment_unit="session")
    monday, tuesday = make_session(offer), make_session(offer, capacity=2)
    alice, bob = make_person(), make_person()
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, alice)  # which session?
    assert services.enrol_participant(actor, offer, alice, session=monday).status == "enrolled"
    assert services.enrol_participant(actor, offer, bob, session=monday).status == "waiting"
    assert services.enrol_participant(actor, offer, bob, session=tuesday).status == "enrolled"
    assert services.enrol_participant(actor, offer, alice, session=tuesday).status == "enrolled"
    services.update_session(provider, monday, {"capacity": 2})
    assert Enrolment.objects.get(session=monday, participant=bob).status == "enrolled"
    services.update_session(provider, tuesday, {"is_cancelled": True})
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, make_person(), session=tuesday)
    past = make_session(offer, starts_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, make_person(), session=past)


def test_only_own_participants_and_open_offers(world: World, actor, provider, make_offer, make_person) -> None:
    offer = make_offer()
    stranger = make_person("org_b")
    with pytest.raises(PermissionDenied):
        services.enrol_participant(actor, offer, stranger)
    with pytest.raises(PermissionDenied):
        services.enrol_participant(provider, offer, make_person())
    draft = make_offer(status=OfferStatus.DRAFT)
    ended = make_offer(status=OfferStatus.ENDED)
    for closed_offer in (draft, ended):
        with pytest.raises(OfferError):
            services.enrol_participant(actor, closed_offer, make_person())


def test_target_group_is_checked_at_enrolment(world: World, actor, make_offer, make_person) -> None:
    today = timezone.localdate()
    offer = make_offer(
        age_max=27,
        open_regardless_of_status=False,
        admitted_statuses=["gestattung"],
        min_german_level="A2",
        gender="women",
    )
    too_old = make_person(date_of_birth=today.replace(year=today.year - 40), sex="f")
    with pytest.raises(OfferError) as refused:
        services.enrol_participant(actor, offer, too_old)
    assert refused.value.messages == [str(eligibility.MESSAGES[eligibility.TOO_OLD])]
    recognised = make_person(sex="f")
    ResidenceStatus.objects.create(
        network=world.network, participant=recognised, status="aufenthaltserlaubnis", valid_from=today
    )
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, recognised)
    beginner = make_person(sex="f")
    LanguageSkill.objects.create(network=world.network, participant=beginner, language="de", speaking="A1")
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, beginner)
    with pytest.raises(OfferError):
        services.enrol_participant(actor, offer, make_person(sex="m"))
    fits = make_person(sex="f")
    ResidenceStatus.objects.create(network=world.network, participant=fits, status="gestattung", valid_from=today)
    LanguageSkill.objects.create(network=world.network, participant=fits, language="de", speaking="A2")
    assert services.enrol_participant(actor, offer, fits).status == "enrolled"
    # Nothing recorded (no birth date, status, sex or German level): not refused.
    assert services.enrol_participant(actor, offer, make_person(date_of_birth=None)).status == "enrolled"


# --- entitlement paths -------------------------------------------------------------------------


def test_closed_path_takes_no_new_enrolments_and_reopening_moves_up(
    world: World, actor, make_offer, make_person
) -> None:
    coordinator = world.memberships["coordinator"]
    course = make_offer(capacity=1, is_german_course=True, entitlement_paths=["obligation", "admission"])
    with pytest.raises(OfferError):
        services.enrol_participant(actor, course, make_person())  # a German course needs a path
    with pytest.raises(OfferError):
        services.enrol_participant(actor, course, make_person(), path="self_payer")  # not accepted here
    seated = services.enrol_participant(actor, course, make_person(), path="admission")
    waiting = services.enrol_participant(actor, course, make_person(), path="admission")
    obliged = services.enrol_participant(actor, course, make_person(), path="obligation")
    assert (seated.status, waiting.status, obliged.status) == ("enrolled", "waiting", "waiting")

    with pytest.raises(PermissionDenied):
        services.set_entitlement_path(actor, "admission", is_open=False, reason="x")
    with pytest.raises(OfferError):
        services.set_entitlement_path(coordinator, "admission", is_open=False, reason=" ")
    services.set_entitlement_path(coordinator, "admission", is_open=False, reason="BAMF-Stopp 2026")
    assert services.closed_paths(world.network.pk) == {"admission"}
    with pytest.raises(OfferError) as refused:
        services.enrol_participant(actor, course, make_person(), path="admission")
    assert refused.value.messages == [str(eligibility.MESSAGES[eligibility.PATH_CLOSED])]
    # Seats already given stay; the freed seat skips the waiting person of the closed path.
    assert Enrolment.objects.get(pk=seated.pk).status == "enrolled"
    promoted = services.cancel_enrolment(actor, seated, reason="participant")
    assert [e.pk for e in promoted] == [obliged.pk]
    assert Enrolment.objects.get(pk=waiting.pk).status == "waiting"
    # Reopening: the waiting person moves up as soon as a seat is free.
    services.cancel_enrolment(actor, Enrolment.objects.get(pk=obliged.pk), reason="moved")
    assert Enrolment.objects.get(pk=waiting.pk).status == "waiting"
    services.set_entitlement_path(coordinator, "admission", is_open=True)
    assert Enrolment.objects.get(pk=waiting.pk).status == "enrolled"
    assert services.closed_paths(world.network.pk) == set()
    # The switch is per network.
    assert services.closed_paths(world.other_network.pk) == set()


# --- attendance --------------------------------------------------------------------------------


def _seated_session(actor, offer, make_session, make_person, count=3):  # type: ignore[no-untyped-def]
    session = make_session(offer, starts_at=timezone.now() - dt.timedelta(minutes=10))
    enrolments = [services.enrol_participant(actor, offer, make_person(given_name=f"Amal{i}")) for i in range(count)]
    return session, enrolments


def test_attendance_by_list(world: World, actor, provider, police, make_offer, make_session, make_person) -> None:
    offer = make_offer(capacity=5)
    session, enrolments = _seated_session(actor, offer, make_session, make_person)
    came, missed = services.record_attendance_list(provider, session, {enrolments[0].pk, enrolments[2].pk}, walk_ins=4)
    assert (came, missed) == (2, 1)
    rows = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert rows == {enrolments[0].pk: True, enrolments[1].pk: False, enrolments[2].pk: True}
    session.refresh_from_db()
    assert session.counted_attendance == 4 and session.attendance_recorded_at is not None
    services.record_attendance_list(provider, session, {enrolments[1].pk})
    rows = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert rows == {enrolments[0].pk: False, enrolments[1].pk: True, enrolments[2].pk: False}
    with pytest.raises(OfferError):
        services.record_attendance_list(provider, session, {999999})
    with pytest.raises(PermissionDenied):
        services.record_attendance_list(police, session, set())
    future = make_session(offer)
    with pytest.raises(OfferError):
        services.record_attendance_list(provider, future, set())


def test_attendance_by_card(world: World, actor, provider, make_offer, make_session, make_person) -> None:
    offer = make_offer(capacity=5)
    session, enrolments = _seated_session(actor, offer, make_session, make_person, count=1)
    holder = enrolments[0].participant
    card = services.issue_card(actor, holder)
    typed = card.display_token.lower()  # typed by hand, with dashes, in lower case
    enrolment, new = services.record_attendance_by_card(provider, session, typed)
    assert new and enrolment.pk == enrolments[0].pk
    assert Attendance.objects.get(session=session, enrolment=enrolment).method == "card"
    again, new = services.record_attendance_by_card(provider, session, f"https://example.org/offers/card/{card.token}/")
    assert not new and again.pk == enrolment.pk
    # A card of someone without a seat here, an unknown code, a revoked card: refused, nothing revealed.
    other = services.issue_card(actor, make_person())
    with pytest.raises(OfferError) as no_seat:
        services.record_attendance_by_card(provider, session, other.token)
    assert no_seat.value.code == "no_seat"
    with pytest.raises(OfferError) as unknown:
        services.record_attendance_by_card(provider, session, "ZZZZ-ZZZZ-ZZZZ")
    assert unknown.value.code == "unknown_card"
    services.revoke_card(actor, holder)
    with pytest.raises(OfferError):
        services.record_attendance_by_card(provider, session, card.token)


def test_counts_only_sessions(world: World, actor, police, provider, make_offer, make_session, make_person) -> None:
    info = services.create_offer(police, {**OFFER_VALUES, "enrolment_unit": "session", "capacity": 30})
    session = make_session(info, starts_at=timezone.now() - dt.timedelta(hours=1))
    services.record_counts(police, session, 23)
    session.refresh_from_db()
    assert session.counted_attendance == 23
    with pytest.raises(OfferError):
        services.record_counts(police, session, -1)
    with pytest.raises(PermissionDenied):
        services.record_counts(provider, session, 5)  # not the chamber's session
    with pytest.raises(PermissionDenied):
        services.record_attendance_list(police, session, set())  # never by name
    entry = AuditEntry.objects.get(action="attendance.counted")
    assert entry.data["count"] == 23 and entry.subject == ""


# --- participant cards -------------------------------------------------------------------------


def test_cards_issue_revoke_reissue(world: World, actor, make_person) -> None:
    person = make_person(given_name="Rania", family_name="Haddad")
    card = services.issue_card(actor, person)
    assert len(card.token) == services.TOKEN_LENGTH
    assert set(card.token) <= set(services.TOKEN_ALPHABET)
    assert person.reference not in card.token and person.given_name.upper() not in card.token
    assert find_card(actor, card.token).participant_id == person.pk  # type: ignore[union-attr]
    replacement = services.issue_card(actor, person)
    card.refresh_from_db()
    assert card.revoked_at is not None and replacement.is_valid and replacement.token != card.token
    assert find_card(actor, card.token) is None
    services.revoke_card(actor, person)
    assert not ParticipantCard.objects.filter(participant=person, revoked_at__isnull=True).exists()
    with pytest.raises(OfferError):
        services.revoke_card(actor, person)
    with pytest.raises(PermissionDenied):
        services.issue_card(world.memberships["case_manager_b"], person)
    with pytest.raises(PermissionDenied):
        services.issue_card(world.memberships["assistant_a"], person)
    codes = list(
        AuditEntry.objects.filter(subject=f"participant:{person.pk}").order_by("seq").values_list("action", flat=True)
    )
    assert codes == ["card.issued", "card.issued", "card.revoked"]


def test_token_normalisation_and_short_names(world: World, make_person) -> None:
    assert normalise_token(" k7qm-3xd9 pt4h ") == "K7QM3XD9PT4H"
    assert normalise_token("https://host/offers/card/K7QM3XD9PT4H/") == "K7QM3XD9PT4H"
    assert normalise_token("K7QM3XD9PT4") == ""  # too short
    assert normalise_token("K7QM3XD9PT41") == ""  # "1" is not in the alphabet
    assert normalise_token("") == ""
    assert short_name(make_person(given_name="Amina Sara", family_name="Al-Hassan")) == "Amina A."
    assert short_name(make_person(given_name="", family_name="Karimi")) == "K."


def test_provider_may_cancel_but_police_may_not(world: World, actor, provider, police, make_offer, make_person) -> None:
    offer = make_offer(capacity=1)
    first = services.enrol_participant(actor, offer, make_person())
    second = services.enrol_participant(actor, offer, make_person())
    assert services.cancel_enrolment(provider, first, reason="provider")[0].pk == second.pk
    with pytest.raises(PermissionDenied):
        services.cancel_enrolment(police, Enrolment.objects.get(pk=second.pk), reason="other")
    with pytest.raises(PermissionDenied):
        services.cancel_enrolment(
            world.memberships["case_manager_b"], Enrolment.objects.get(pk=second.pk), reason="other"
        )


def test_ended_offer_moves_nobody_up(world: World, actor, provider, make_offer, make_person) -> None:
    offer: Offer = make_offer(capacity=1)
    first = services.enrol_participant(actor, offer, make_person())
    second = services.enrol_participant(actor, offer, make_person())
    services.update_offer(provider, offer, {"status": OfferStatus.ENDED}, version=None)
    assert services.cancel_enrolment(actor, first, reason="participant") == []
    assert Enrolment.objects.get(pk=second.pk).status == EnrolmentStatus.WAITING
