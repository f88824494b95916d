from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_scopes import scope

from ankommen.cases.models import CaseType, CaseTypeTask
from ankommen.network.models import Membership
from ankommen.participants.models import Participant
from ankommen.testing.personas import World


@pytest.fixture
def actor(world: World) -> Iterator[Membership]:
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@pytest.fixture
def case_type(world: World, actor: Membership) -> CaseType:
    kind = CaseType.objects.create(network=world.network, name="Junge Erwachsene 18–27 – Ausbildung")
    for title, phase, offset, responsible in [
        ("Erstgespräch mit Dolmetschung", "intake", 7, "case_manager"),
        ("Unterlagen mitbringen", "intake", 14, "participant"),
        ("Situationseinschätzung besprechen", "assessment", 21, "case_manager"),
        ("Zwischenbilanz", "monitoring", 90, "case_manager"),
    ]:
        CaseTypeTask.objects.create(
            network=world.network,
            case_type=kind,
            title=title,
            phase=phase,
            offset_days=offset,
            responsible=responsible,
        )
    return kind


@pytest.fixture
def person(world: World, actor: Membership) -> Participant:
    return Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference="MS-000777",
        given_name="Rania",
        family_name="Haddadin",
        date_of_birth=dt.date(2001, 5, 17),
        created_by=actor.user,
    )


def give_consent(
    world: World,
    case,  # type: ignore[no-untyped-def]
    purpose: str,
    organisations: list[str],
    categories: list[str],
    **fields,  # type: ignore[no-untyped-def]
):
    """A consent in force for ``case`` naming the world's organisations (by key)."""
    from ankommen.consents.models import Consent

    person = case.participant or case.household.members.first().participant
    consent = Consent.objects.create(
        network=world.network,
        organisation=case.organisation,
        participant=person,
        case=case,
        purpose=purpose,
        data_categories=categories,
        language="de",
        given_on=fields.pop("given_on", timezone.localdate() - dt.timedelta(days=1)),
        recorded_by=case.lead,
        **fields,
    )
    consent.recipients.set([world.organisations[key] for key in organisations])
    return consent


def revoke(consent) -> None:  # type: ignore[no-untyped-def]
    type(consent).objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
