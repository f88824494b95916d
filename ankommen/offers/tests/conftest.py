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
