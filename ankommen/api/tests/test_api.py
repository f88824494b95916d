from __future__ import annotations

import pytest
from django.urls import reverse

from ankommen.testing.personas import World


def test_me_describes_the_active_role(world: World) -> None:
    data = world.client_for("police_liaison").get(reverse("api:me")).json()
    assert data["membership"]["role"] == "police_liaison"
    assert "audit.view_log" not in data["membership"]["permissions"]


def test_organisations_are_scoped_to_the_network(world: World) -> None:
    names = {o["name"] for o in world.client_for("case_manager_a").get(reverse("api:organisations")).json()["results"]}
    assert "Wohlfahrt A" in names
    assert "KI Steinfurt" not in names
    other = world.organisations["other_ki"]
    response = world.client_for("case_manager_a").get(reverse("api:organisation", args=[other.pk]))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_schema_is_openapi_and_lists_the_endpoints(world: World) -> None:
    response = world.client_for("coordinator").get(
        reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "openapi" in body
    assert "/api/v1/organisations/" in body


@pytest.mark.parametrize("persona", ["coordinator", "police_liaison"])
def test_organisation_list_query_count_is_bounded(world: World, persona: str, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(persona)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("api:organisations")).status_code == 200
