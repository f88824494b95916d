from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from ankommen.accounts.models import User
from ankommen.cases import services as case_services
from ankommen.cases.models import Case, CaseType
from ankommen.consents.models import Consent
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType, Role
from ankommen.participants.models import ContactChannel, Identifier, NameVariant, Participant, ResidenceStatus
from ankommen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ankommen.testing.personas import World

# A participant whose every identifying field is distinctive, so a test can look for each of them.
GIVEN, FAMILY = "Zarghuna", "Wardakbayeva"
GIVEN_ORIGINAL, FAMILY_ORIGINAL = "زرغونه", "وردکبایوا"
VARIANT_GIVEN, VARIANT_FAMILY = "Sarghuna", "Wardakbajewa"
BORN = dt.date(1994, 3, 17)
ADDRESS = "Quellenkampweg 47, 48155 Münster"
REFERENCE = "MS-770001"
DOCUMENT = "PX4471928"
BAMF = "7731994-475"
PHONE = "+49 171 5550199"
IDENTIFYING = [
    GIVEN,
    FAMILY,
    GIVEN_ORIGINAL,
    FAMILY_ORIGINAL,
    VARIANT_GIVEN,
    VARIANT_FAMILY,
    f"{BORN:%d.%m.%Y}",
    BORN.isoformat(),
    "Quellenkampweg",
    "48155",
    REFERENCE,
    DOCUMENT,
    BAMF,
    PHONE,
    "5550199",
]
# What typing refuses: the above, except fragments that identify nobody on their own (a postal
# code, the last digits of a phone number), which still must never appear on a page.
REFUSED = [text for text in IDENTIFYING if text not in {"48155", "5550199"}] + ["48155 Münster", "0171 5550199"]


@pytest.fixture
def english(world: World) -> Iterator[None]:
    """Messages and pages in English (the tests match English texts); German is the default."""
    User.objects.update(preferred_language="en")
    with translation.override("en"):
        yield


@pytest.fixture
def actor(world: World) -> Iterator[Membership]:
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


@pytest.fixture
def case_type(world: World, actor: Membership) -> CaseType:
    return CaseType.objects.create(network=world.network, name="Langzeitgeduldete Familie – Bleiberecht")


def make_person(world: World, actor: Membership) -> Participant:
    person = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference=REFERENCE,
        given_name=GIVEN,
        family_name=FAMILY,
        given_name_original=GIVEN_ORIGINAL,
        family_name_original=FAMILY_ORIGINAL,
        original_script="arab",
        date_of_birth=BORN,
        address=ADDRESS,
        created_by=actor.user,
    )
    NameVariant.objects.create(
        network=world.network, participant=person, given_name=VARIANT_GIVEN, family_name=VARIANT_FAMILY
    )
    Identifier.objects.create(network=world.network, participant=person, kind="bamf", value=BAMF)
    ContactChannel.objects.create(network=world.network, participant=person, kind="phone", value=PHONE)
    ResidenceStatus.objects.create(
        network=world.network,
        participant=person,
        status="duldung",
        valid_from=dt.date(2024, 1, 1),
        document_number=DOCUMENT,
    )
    return person


@pytest.fixture
def person(world: World, actor: Membership) -> Participant:
    return make_person(world, actor)


@pytest.fixture
def case(world: World, actor: Membership, case_type: CaseType, person: Participant) -> Case:
    return case_services.open_case(actor, case_type=case_type, participant=person)


@pytest.fixture
def abh(world: World, actor: Membership) -> Organisation:
    """A foreigners' authority with a partner liaison (``world.memberships["abh_liaison"]``)."""
    organisation = OrganisationFactory(
        network=world.network, name="Ausländerbehörde", type=OrganisationType.FOREIGNERS_AUTHORITY
    )
    world.memberships["abh_liaison"] = MembershipFactory(
        organisation=organisation,
        role=Role.PARTNER_LIAISON,
        user=UserFactory(full_name="Abh Liaison", email="abh_liaison@example.org", preferred_language="en"),
    )
    return organisation


def conference_consent(case: Case, recipients: list[Organisation], **values: Any) -> Consent:
    """A Schweigepflichtentbindung for case conferences, in force since yesterday."""
    defaults: dict[str, Any] = {
        "network_id": case.network_id,
        "organisation_id": case.organisation_id,
        "participant_id": case.participant_id,
        "case": case,
        "purpose": "conference",
        "purpose_note": "Fallkonferenz",
        "data_categories": ["identity"],
        "language": "de",
        "given_on": timezone.localdate() - dt.timedelta(days=1),
        "recorded_by_id": case.lead_id,
    }
    consent = Consent.objects.create(**{**defaults, **values})
    consent.recipients.set(recipients)
    return consent
