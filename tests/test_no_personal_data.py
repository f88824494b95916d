"""The police liaison gets no page or API response that contains personal data (DOMAIN §4.5).

Every URL of the permission matrix that the police liaison may open is fetched, and the
response must contain none of the identifying strings the world's objects carry
(``world.extra["pii_markers"]``: participants' names, birth dates, document numbers as later
apps add them, and the e-mail addresses of staff of other organisations).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from ankommen.testing.personas import World
from ankommen.testing.world_extras import enrich_world
from tests.test_permission_matrix import MATRIX

NO_PERSONAL_DATA = ["police_liaison"]


@pytest.mark.parametrize("persona", NO_PERSONAL_DATA)
def test_no_personal_data_in_any_response(world: World, persona: str) -> None:
    enrich_world(world)
    markers = list(world.extra["pii_markers"])
    own_org = world.memberships[persona].organisation_id
    markers += [m.user.email for m in world.memberships.values() if m.organisation_id != own_org]
    assert markers
    client = world.client_for(persona)
    checked = 0
    for name, expect in MATRIX.items():
        if expect.method != "get" or expect.status_for(persona) != 200:
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        body = client.get(url).content.decode()
        checked += 1
        leaked = [marker for marker in markers if marker in body]
        assert not leaked, f"{persona} sees {leaked} at {url}"
    assert checked >= 3


def _family_markers(world: World) -> list[str]:
    """What an offer provider may never see of a person: family name, reference, date of birth
    (the provider sees the first name and the family name's initial, DOMAIN §4.5)."""
    from django_scopes import scope

    from ankommen.participants.models import Participant

    with scope(network=world.network.pk):
        people = list(Participant.objects.values_list("family_name", "reference", "date_of_birth"))
    markers: list[str] = []
    for family, reference, born in people:
        markers += [family, reference]
        if born is not None:
            markers += [f"{born:%d.%m.%Y}", born.isoformat()]
    return [m for m in markers if m]


def test_offer_provider_sees_first_names_and_initials_only(world: World) -> None:
    enrich_world(world)
    markers = _family_markers(world)
    client = world.client_for("offer_provider")
    checked = 0
    for name, expect in MATRIX.items():
        if expect.method != "get" or expect.status_for("offer_provider") != 200:
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        body = client.get(url).content.decode()
        checked += 1
        leaked = [marker for marker in markers if marker in body]
        assert not leaked, f"offer_provider sees {leaked} at {url}"
    assert checked >= 5
    # The provider's own enrolment list does show the short form (the check above is not vacuous).
    course = world.extra["course"]
    assert "Zainab A." in client.get(reverse("offers:participants", args=[course.pk])).content.decode()


def test_police_recording_counts_sees_no_personal_data(world: World) -> None:
    enrich_world(world)
    markers = list(world.extra["pii_markers"])
    offer, session = world.extra["police_offer"], world.extra["police_session"]
    client = world.client_for("police_liaison")
    url = reverse("offers:session", kwargs={"offer_id": offer.pk, "session_id": session.pk})
    response = client.post(url, {"action": "counts", "count": "21"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode() + client.get(reverse("core:home")).content.decode()
    assert not [marker for marker in markers if marker in body]
    session.refresh_from_db()
    assert session.counted_attendance == 21
