from __future__ import annotations

from django.core.management import call_command
from django_scopes import scopes_disabled

from ankommen.accounts.models import User
from ankommen.network.models import Membership, Network, Organisation
from ankommen.network.roles import Role


def _counts() -> tuple[int, int, int, int]:
    with scopes_disabled():
        return (Network.objects.count(), Organisation.objects.count(), Membership.objects.count(), User.objects.count())


def test_seed_demo_is_idempotent_and_has_a_login_per_role(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    with scopes_disabled():
        roles = set(Membership.objects.filter(network__slug="muenster").values_list("role", flat=True))
        names = set(Organisation.objects.filter(network__slug="muenster").values_list("name", flat=True))
    assert roles == set(Role.values)
    for expected in [
        "Polizeipräsidium Münster",
        "Kreishandwerkerschaft Münster",
        "IHK Nord Westfalen",
        "Agentur für Arbeit Ahlen-Münster",
        "SC Preußen Münster",
        "Cactus Junges Theater",
    ]:
        assert expected in names
