"""Contested seats on PostgreSQL: concurrent enrolments never exceed the capacity, the waiting list
stays a strict order, and a cancellation racing with new requests gives the seat to the first
person waiting. Each thread has its own database connection (committed world: transactional_db)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django_scopes import scope

from ankommen.network.models import Membership
from ankommen.offers import services
from ankommen.offers.models import Enrolment, Offer, Session
from ankommen.participants.models import Participant
from ankommen.testing.factories import OfferFactory, ParticipantFactory, SessionFactory
from ankommen.testing.personas import World

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is one in-memory connection)")


def _people(world: World, count: int) -> list[int]:
    return [
        ParticipantFactory(
            organisation=world.organisations["org_a"], created_by=world.memberships["case_manager_a"].user
        ).pk
        for _ in range(count)
    ]


def _in_threads(world: World, jobs: list[Callable[[Membership], Any]]) -> list[Any]:
    """Run the jobs at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    actor_id = world.memberships["case_manager_a"].pk

    def run(job: Callable[[Membership], Any]) -> Any:
        try:
            with scope(network=world.network.pk):
                actor = Membership.objects.select_related("network", "organisation", "user").get(pk=actor_id)
                barrier.wait(timeout=30)
                return job(actor)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _enrol_job(offer_id: int, person_id: int, session_id: int | None = None) -> Callable[[Membership], str]:
    def job(actor: Membership) -> str:
        offer = Offer.objects.get(pk=offer_id)
        session = Session.objects.get(pk=session_id) if session_id else None
        if session is not None:
            session.offer = offer
        person = Participant.objects.get(pk=person_id)
        return services.enrol_participant(actor, offer, person, session=session).status

    return job


@pytest.mark.parametrize("per_session", [False, True], ids=["course", "per-session"])
def test_concurrent_enrolments_never_overbook(transactional_db: None, world: World, per_session: bool) -> None:
    _require_postgres()
    with scope(network=world.network.pk):
        offer = OfferFactory(
            organisation=world.organisations["chamber"],
            capacity=3,
            enrolment_unit="session" if per_session else "course",
        )
        session = SessionFactory(offer=offer) if per_session else None
        people = _people(world, WORKERS)
    statuses = _in_threads(world, [_enrol_job(offer.pk, p, session.pk if session else None) for p in people])
    assert Counter(statuses) == {"enrolled": 3, "waiting": WORKERS - 3}
    with scope(network=world.network.pk):
        rows = Enrolment.objects.filter(offer=offer)
        assert rows.filter(status="enrolled").count() == 3
        waiting = list(rows.filter(status="waiting").order_by("queued_at", "pk"))
        assert [services.waiting_position(e) for e in waiting] == list(range(1, WORKERS - 2))
        # Everyone with a seat asked before everyone waiting (the lock serialises the requests).
        seated_last = max(rows.filter(status="enrolled").values_list("queued_at", flat=True))
        assert all(e.queued_at >= seated_last for e in waiting)


def test_cancellation_racing_new_requests_gives_the_seat_to_the_first_waiting(
    transactional_db: None, world: World
) -> None:
    _require_postgres()
    with scope(network=world.network.pk):
        actor = world.memberships["case_manager_a"]
        offer = OfferFactory(organisation=world.organisations["chamber"], capacity=1)
        first, second, third = (
            services.enrol_participant(actor, offer, Participant.objects.get(pk=p)) for p in _people(world, 3)
        )
        newcomers = _people(world, WORKERS - 1)

    def cancel(actor: Membership) -> str:
        enrolment = Enrolment.objects.select_related("participant", "offer").get(pk=first.pk)
        services.cancel_enrolment(actor, enrolment, reason="participant")
        return "cancelled"

    results = _in_threads(world, [cancel, *[_enrol_job(offer.pk, p) for p in newcomers]])
    assert results[0] == "cancelled" and set(results[1:]) == {"waiting"}
    with scope(network=world.network.pk):
        seated = list(Enrolment.objects.filter(offer=offer, status="enrolled"))
        assert [e.pk for e in seated] == [second.pk]
        assert Enrolment.objects.get(pk=third.pk).status == "waiting"
        assert services.waiting_position(Enrolment.objects.get(pk=third.pk)) == 1
