from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from ankommen.accounts.models import User
from ankommen.network.models import Membership
from ankommen.offers.models import Offer, Session
from ankommen.participants.models import LanguageSkill, Participant, ResidenceStatus
from ankommen.testing.factories import OfferFactory, ParticipantFactory, SessionFactory
from ankommen.testing.personas import World


@pytest.fixture
def english(world: World) -> Iterator[None]:
    User.objects.update(preferred_language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def actor(world: World) -> Iterator[Membership]:
    """The case manager of org A, inside the network's scope."""
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@pytest.fixture
def coordinator(world: World, actor: Membership) -> Membership:
    return world.memberships["coordinator"]


@pytest.fixture
def make_person(world: World, actor: Membership) -> Callable[..., Participant]:
    """A participant of org A (or ``organisation``) with a district, an age, a status and a language."""

    def make(
        organisation: str = "org_a",
        *,
        district: str = "Coerde",
        age: int = 22,
        status: str | None = "duldung",
        language: str | None = "ar",
        **values: Any,
    ) -> Participant:
        today = timezone.localdate()
        person = ParticipantFactory(
            organisation=world.organisations[organisation],
            created_by=world.memberships["case_manager_a"].user,
            district=district,
            date_of_birth=dt.date(today.year - age, 1, 1),
            **values,
        )
        if status:
            ResidenceStatus.objects.create(
                network=person.network, participant=person, status=status, valid_from=today - dt.timedelta(days=400)
            )
        if language:
            LanguageSkill.objects.create(
                network=person.network, participant=person, language=language, speaking="native"
            )
        return person

    return make


@pytest.fixture
def make_offer(world: World, actor: Membership) -> Callable[..., Offer]:
    def make(organisation: str = "chamber", **values: Any) -> Offer:
        values.setdefault("district", "Coerde")
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
