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
