"""The standard personas (healthchecks' Alice/Bob/Charlie, extended to our roles).

Access tests read like the business rule: "the police liaison gets 403 here,
the outsider 404 there". ``World`` holds the personas and the objects they act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_scopes import scopes_disabled

from ankommen.network.middleware import SESSION_MEMBERSHIP_KEY
from ankommen.network.models import Membership, Network, Organisation
from ankommen.network.roles import OrganisationType, Role
from ankommen.testing.factories import (
    MembershipFactory,
    NetworkFactory,
    OrganisationFactory,
    TOTPDeviceFactory,
    UserFactory,
)

# Persona name -> (organisation key, role). "anonymous" and "no_membership" are handled apart.
PERSONA_ROLES: dict[str, tuple[str, str]] = {
    "coordinator": ("ki", Role.COORDINATOR),
    "case_manager_a": ("org_a", Role.CASE_MANAGER),
    "assistant_a": ("org_a", Role.ASSISTANT),
    "team_lead_a": ("org_a", Role.TEAM_LEAD),
    "case_manager_b": ("org_b", Role.CASE_MANAGER),
    "offer_provider": ("chamber", Role.OFFER_PROVIDER),
    "partner_liaison": ("chamber", Role.PARTNER_LIAISON),
    "police_liaison": ("police", Role.POLICE_LIAISON),
    "dpo": ("ki", Role.DPO),
    "platform_admin": ("ki", Role.PLATFORM_ADMIN),
    "outsider": ("other_ki", Role.COORDINATOR),  # coordinator of ANOTHER network
}
PERSONAS: list[str] = ["anonymous", "no_membership", *PERSONA_ROLES]
STAFF_PERSONAS: list[str] = list(PERSONA_ROLES)


@dataclass
class World:
    network: Network
    other_network: Network
    organisations: dict[str, Organisation]
    memberships: dict[str, Membership]
    extra: dict[str, Any] = field(default_factory=dict)

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        if persona == "no_membership":
            user = self.extra.get("no_membership_user") or UserFactory(full_name="Nobody")
            self.extra["no_membership_user"] = user
            login(client, user)
            return client
        membership = self.memberships[persona]
        login(client, membership.user, membership)
        return client


def login(client: Client, user: Any, membership: Membership | None = None) -> None:
    """Log in with a verified second factor, as a real session after the 2FA step would be."""
    device = user.totpdevice_set.filter(confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # type: ignore[union-attr]
    if membership is not None:
        session[SESSION_MEMBERSHIP_KEY] = membership.pk
    session.save()


def build_world() -> World:
    with scopes_disabled():
        network = NetworkFactory(name="Netzwerk Münster", slug="ms")
        other = NetworkFactory(name="Netzwerk Steinfurt", slug="st")
        organisations = {
            "ki": OrganisationFactory(
                network=network, name="Integrationszentrum", type=OrganisationType.PUBLIC_AUTHORITY
            ),
            "org_a": OrganisationFactory(network=network, name="Wohlfahrt A", type=OrganisationType.WELFARE),
            "org_b": OrganisationFactory(network=network, name="Sozialamt B", type=OrganisationType.PUBLIC_AUTHORITY),
            "chamber": OrganisationFactory(network=network, name="Handwerkskammer", type=OrganisationType.CHAMBER),
            "police": OrganisationFactory(network=network, name="Polizei", type=OrganisationType.POLICE),
            "other_ki": OrganisationFactory(network=other, name="KI Steinfurt", type=OrganisationType.PUBLIC_AUTHORITY),
        }
        memberships = {
            persona: MembershipFactory(
                organisation=organisations[org_key],
                role=role,
                user=UserFactory(full_name=persona.replace("_", " ").title(), email=f"{persona}@example.org"),
            )
            for persona, (org_key, role) in PERSONA_ROLES.items()
        }
    return World(network, other, organisations, memberships)  # type: ignore[arg-type]
