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
