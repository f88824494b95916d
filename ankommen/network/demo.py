"""The demo network: Münster's integration network from the seed documents, plus a second
network (Kreis Steinfurt) to show tenant separation. Organisations are the real partners the
press releases name; every person is synthetic. Idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ankommen.accounts.models import User
from ankommen.network.models import Invitation, Membership, Network, Organisation
from ankommen.network.roles import OrganisationType as T
from ankommen.network.roles import Role
from ankommen.network.tokens import hash_token

DEMO_PASSWORD = "ankommen-demo-2026"  # noqa: S105 - published demo password, demo data only
DEMO_DOMAIN = "demo.ankommen.invalid"
# The pending demo invitation's link token is published like the demo password, so the
# accept page can be tried at /network/invitation/<token>/. Demo data only.
DEMO_INVITATION_TOKEN = "demo-einladung-2026"  # noqa: S105
DEMO_INVITEE = f"neu@{DEMO_DOMAIN}"

ORGANISATIONS = [
    # key, name, short name, type, street, postal code, joined
    (
        "ki",
        "Kommunales Integrationszentrum Münster",
        "KI Münster",
        T.PUBLIC_AUTHORITY,
        "Klemensstraße 10",
        "48143",
        dt.date(2018, 7, 19),
    ),
    (
        "bezreg",
        "Bezirksregierung Münster (ZUE Münster)",
        "Bezirksregierung / ZUE",
        T.PUBLIC_AUTHORITY,
        "Albersloher Weg 250",
        "48155",
        dt.date(2024, 10, 31),
    ),
    (
        "police",
        "Polizeipräsidium Münster",
        "Polizei Münster",
        T.POLICE,
        "Friesenring 43",
        "48147",
        dt.date(2024, 10, 31),
    ),
    (
        "khw",
        "Kreishandwerkerschaft Münster",
        "Kreishandwerkerschaft",
        T.CHAMBER,
        "Ludgeristraße 80",
        "48143",
        dt.date(2025, 10, 20),
    ),
    ("ihk", "IHK Nord Westfalen", "IHK", T.CHAMBER, "Sentmaringer Weg 61", "48151", dt.date(2024, 10, 31)),
    (
        "aa",
        "Agentur für Arbeit Ahlen-Münster",
        "Agentur für Arbeit",
        T.EMPLOYMENT_AGENCY,
        "Wolbecker Straße 45",
        "48155",
        dt.date(2024, 10, 31),
    ),
    ("scp", "SC Preußen Münster", "Preußen Münster", T.CLUB, "Hammer Straße 302", "48153", dt.date(2024, 10, 31)),
    ("cactus", "Cactus Junges Theater", "Cactus Theater", T.CLUB, "Bismarckallee 28", "48151", dt.date(2024, 10, 31)),
    (
        "sozialamt",
        "Stadt Münster – Sozialamt",
        "Sozialamt",
        T.PUBLIC_AUTHORITY,
        "Hafenstraße 30",
        "48153",
        dt.date(2018, 7, 19),
    ),
    (
        "abh",
        "Stadt Münster – Ausländerbehörde",
        "Ausländerbehörde",
        T.FOREIGNERS_AUTHORITY,
        "Ludgeriplatz 4",
        "48151",
        dt.date(2018, 7, 19),
    ),
    ("ggua", "GGUA Flüchtlingshilfe e.V.", "GGUA", T.WELFARE, "Hafenstraße 3-5", "48153", dt.date(2019, 2, 1)),
    (
        "fahrrad",
        "Fahrradwerkstatt Gremmendorf (Initiative)",
        "Fahrradwerkstatt",
        T.VOLUNTEER_INITIATIVE,
        "Heidegrund 1",
        "48167",
        dt.date(2020, 5, 1),
    ),
    (
        "sprachcafe",
        "Sprachcafé Hiltrup (Initiative)",
        "Sprachcafé Hiltrup",
        T.VOLUNTEER_INITIATIVE,
        "Marktallee 40",
        "48165",
        dt.date(2021, 3, 1),
    ),
]

# One login per role; all passwords are DEMO_PASSWORD. (email local part, full name, org key, role)
USERS = [
    ("koordination", "Kim Koordination", "ki", Role.COORDINATOR),
    ("fallmanagement", "Frieda Fallmanagerin", "ggua", Role.CASE_MANAGER),
    ("assistenz", "Anton Assistenz", "ggua", Role.ASSISTANT),
    ("teamleitung", "Tara Teamleitung", "ggua", Role.TEAM_LEAD),
    ("sozialamt", "Sami Sozialamt", "sozialamt", Role.CASE_MANAGER),
    ("angebote", "Olaf Angebot", "khw", Role.OFFER_PROVIDER),
    ("kammer", "Karla Kammer", "ihk", Role.PARTNER_LIAISON),
    ("abh", "Alex Ausländerbehörde", "abh", Role.PARTNER_LIAISON),
    ("polizei", "Paula Polizei", "police", Role.POLICE_LIAISON),
    ("datenschutz", "Dana Datenschutz", "ki", Role.DPO),
    ("admin", "Adrian Admin", "ki", Role.PLATFORM_ADMIN),
]


@dataclass
class DemoNetwork:
    network: Network
    organisations: dict[str, Organisation]
    memberships: dict[str, Membership]


def _user(local: str, name: str) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    return user


def seed() -> DemoNetwork:
    with transaction.atomic():
        network, _ = Network.objects.get_or_create(
            slug="muenster", defaults={"name": "Integrationsnetzwerk Münster", "region": "Stadt Münster, NRW"}
        )
        organisations: dict[str, Organisation] = {}
        for key, name, short, kind, street, postal, joined in ORGANISATIONS:
            organisations[key], _ = Organisation.objects.get_or_create(
                network=network,
                name=name,
                defaults={
                    "short_name": short,
                    "type": kind,
                    "street": street,
                    "postal_code": postal,
                    "city": "Münster",
                    "joined_on": joined,
                },
            )
        memberships: dict[str, Membership] = {}
        for local, full_name, org_key, role in USERS:
            user = _user(local, full_name)
            memberships[local], _ = Membership.objects.get_or_create(
                network=network, organisation=organisations[org_key], user=user, role=role, is_active=True
            )
        # One pending invitation (created once; a later run leaves it as it is, even if used).
        Invitation.objects.get_or_create(
            network=network,
            email=DEMO_INVITEE,
            defaults={
                "organisation": organisations["ggua"],
                "role": Role.CASE_MANAGER,
                "language": "de",
                "token_hash": hash_token(DEMO_INVITATION_TOKEN),
                "invited_by": memberships["koordination"].user,
                "expires_at": timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
            },
        )
        # A second network shows tenant separation: its coordinator sees nothing of Münster.
        other, _ = Network.objects.get_or_create(
            slug="steinfurt",
            defaults={"name": "Integrationsnetzwerk Kreis Steinfurt", "region": "Kreis Steinfurt, NRW"},
        )
        ki_st, _ = Organisation.objects.get_or_create(
            network=other,
            name="Kommunales Integrationszentrum Kreis Steinfurt",
            defaults={"short_name": "KI Steinfurt", "type": T.PUBLIC_AUTHORITY, "city": "Steinfurt"},
        )
        Membership.objects.get_or_create(
            network=other,
            organisation=ki_st,
            user=_user("steinfurt", "Stefan Steinfurt"),
            role=Role.COORDINATOR,
            is_active=True,
        )
    return DemoNetwork(network, organisations, memberships)
