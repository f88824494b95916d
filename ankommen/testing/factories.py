"""factory_boy factories for the core models. Each test builds what it asserts on."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.models import User
from ankommen.network.models import Membership, Network, Organisation
from ankommen.network.roles import OrganisationType, Role

TEST_PASSWORD = "correct horse battery staple 42"  # noqa: S105


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n}")
    slug = factory.Sequence(lambda n: f"netz-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.WELFARE
    city = "Münster"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    user = factory.SubFactory(UserFactory)
    role = Role.CASE_MANAGER


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator"
    confirmed = True


# --- participants (issue [P]) ------------------------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)`` (or ``scopes_disabled()``).


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Participant"

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    reference = factory.Sequence(lambda n: f"T-{n:06d}")
    given_name = "Amina"
    family_name = factory.Sequence(lambda n: f"Testperson{n}")
    created_by = factory.SubFactory(UserFactory)


class NameVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.NameVariant"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    given_name = "Aminah"
    family_name = factory.SelfAttribute("participant.family_name")


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Identifier"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    kind = "bamf"
    value = factory.Sequence(lambda n: f"{8000000 + n}-475")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Household"

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    reference = factory.Sequence(lambda n: f"TH-{n:06d}")
    name = factory.Sequence(lambda n: f"Familie {n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.HouseholdMember"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    household = factory.SubFactory(HouseholdFactory, organisation=factory.SelfAttribute("..participant.organisation"))
    relationship = "head"


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    """A pair in an organisation's review queue (``left`` has the lower id, as the scan stores it)."""

    class Meta:
        model = "participants.DuplicateCandidate"

    left = factory.SubFactory(ParticipantFactory)
    right = factory.SubFactory(
        ParticipantFactory,
        organisation=factory.SelfAttribute("..left.organisation"),
        given_name=factory.SelfAttribute("..left.given_name"),
        family_name=factory.SelfAttribute("..left.family_name"),
    )
    network = factory.SelfAttribute("left.network")
    organisation = factory.SelfAttribute("left.organisation")
    score = 0.93
    reasons = factory.LazyFunction(
        lambda: [{"code": "name.exact", "text": "family name: same spelling", "weight": 9.0}]
    )
