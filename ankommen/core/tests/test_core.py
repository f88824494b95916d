from __future__ import annotations

import pytest
from django.urls import reverse

from ankommen.testing.personas import World


def test_healthz_reports_database(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_interface_is_german_by_default(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("accounts:login"))
    assert 'lang="de"' in response.content.decode()
    assert "Anmelden" in response.content.decode()


def test_language_switch_persists_for_the_user(world: World) -> None:
    membership = world.memberships["case_manager_a"]
    client = world.client_for("case_manager_a")
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.preferred_language == "en"
    # A new session (another device) gets English straight away.
    other = world.client_for("case_manager_a")
    page = other.get(reverse("core:home")).content.decode()
    assert 'lang="en"' in page
    assert "Skip to main content" in page


def test_language_switch_rejects_foreign_redirects(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_start_page_shows_role_and_only_permitted_navigation(world: World) -> None:
    page = world.client_for("police_liaison").get(reverse("core:home")).content.decode()
    assert "Polizei" in page
    assert reverse("audit:log") not in page
    assert reverse("network:members") not in page
    dpo_page = world.client_for("dpo").get(reverse("core:home")).content.decode()
    assert reverse("audit:log") in dpo_page


@pytest.mark.parametrize("persona", ["coordinator", "case_manager_a", "police_liaison", "dpo"])
def test_start_page_query_count_is_bounded(world: World, persona: str, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for(persona)
    # Each start-page panel costs a fixed number of queries (the case manager's "my work" panel
    # the most); what matters is that no count grows with the data (asserted per panel elsewhere).
    with django_assert_max_num_queries(24):
        assert client.get(reverse("core:home")).status_code == 200


def test_undeclared_view_is_denied(rf, world: World) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from ankommen.network.middleware import AccessMiddleware

    def naked_view(request):  # type: ignore[no-untyped-def]
        return HttpResponse("secret")

    request = rf.get("/naked/")
    request.user = world.memberships["coordinator"].user
    request.membership = world.memberships["coordinator"]
    with pytest.raises(PermissionDenied):
        AccessMiddleware(lambda r: HttpResponse()).process_view(request, naked_view, (), {})
