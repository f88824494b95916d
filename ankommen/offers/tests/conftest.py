from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django_scopes import scope

from ankommen.network.models import Membership
from ankommen.offers.models import Offer, Session
from ankommen.participants.models import Participant
from ankommen.testing.factories import OfferFactory, ParticipantFactory, SessionFactory
from ankommen.testing.personas import World


@pytest.fixture
def actor(world: World) -> Iterator[Membership]:
    """The case manager of org A, inside the network's scope."""
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@pytest.fixture
def provider(world: World, actor: Membership) -> Membership:
    """Offer provider staff of the chamber."""
    return world.memberships["offer_provider"]


@pytest.fixture
def police(world: World, actor: Membership) -> Membership:
    return world.memberships["police_liaison"]


@pytest.fixture
def make_person(world: World, actor: Membership) -> Callable[..., Participant]:
    def make(organisation: str = "org_a", **values: Any) -> Participant:
        values.setdefault("date_of_birth", dt.date(2000, 1, 1))
        return ParticipantFactory(
            organisation=world.organisations[organisation],
            created_by=world.memberships["case_manager_a"].user,
            **values,
        )

    return make


@pytest.fixture
def make_offer(world: World, actor: Membership) -> Callable[..., Offer]:
    def make(organisation: str = "chamber", **values: Any) -> Offer:
        return OfferFactory(
            organisation=world.organisations[organisation],
            created_by=world.memberships["offer_provider"].user,
            **values,
        )

    return make


@pytest.fixture
def make_session(world: World, actor: Membership) -> Callable[..., Session]:
    def make(offer: Offer, **values: Any) -> Session:
        return SessionFactory(offer=offer, **values)

    return make


@pytest.fixture
def make_case(world: World, actor: Membership) -> Callable[..., Any]:
    """An open case of ``person`` (org A) with goals in ``goals`` and assessed needs in ``needs``."""
    from ankommen.cases.models import AssessmentEntry
    from ankommen.testing.factories import CaseFactory, GoalFactory

    def make(person: Participant, goals: tuple[str, ...] = (), needs: tuple[str, ...] = (), **values: Any) -> Any:
        case = CaseFactory(participant=person, lead=world.memberships["case_manager_a"].user, **values)
        for domain in goals:
            GoalFactory(case=case, domain=domain)
        for domain in needs:
            AssessmentEntry.objects.create(network=case.network, case=case, domain=domain, needs="Bedarf")
        return case

    return make


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> Iterator[None]:
    """The finder's catalogue arrays are cached per process: start every test without them."""
    from ankommen.offers.finding import clear_cache

    clear_cache()
    yield
    clear_cache()
