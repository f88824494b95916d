"""The coordinator screens over HTTP: thin views, access answers, sudo mode, bounded queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ankommen.network import views
from ankommen.network.models import Invitation, Membership, Organisation
from ankommen.network.roles import OrganisationType, Role
from ankommen.network.tests.utils import audit, grant_sudo
from ankommen.network.tokens import hash_token, new_token
from ankommen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ankommen.testing.personas import World, login

SUDO_VIEWS = [
    views.deactivate_organisation,
    views.reactivate_organisation,
    views.invite,
    views.assign_role,
    views.revoke_role,
    views.deactivate_user,
    views.reactivate_user,
]


def more_people(world: World, count: int) -> None:
    """``count`` more organisations, each with two members, and as many open invitations."""
    with scope(network=world.network.pk):
        for i in range(count):
            organisation = OrganisationFactory(network=world.network, type=OrganisationType.WELFARE)
            MembershipFactory(organisation=organisation, role=Role.CASE_MANAGER)
            MembershipFactory(organisation=organisation, role=Role.TEAM_LEAD)
            Invitation.objects.create(
                network=world.network,
                organisation=organisation,
                email=f"invitee{i}@example.org",
                role=Role.ASSISTANT,
                token_hash=hash_token(new_token()),
                invited_by=world.memberships["coordinator"].user,
                expires_at=timezone.now() + dt.timedelta(days=1 if i % 2 else -1),
            )


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# --- sudo mode ------------------------------------------------------------------------


@pytest.mark.parametrize("view", SUDO_VIEWS, ids=lambda v: v.__name__)
def test_role_changes_and_deactivation_need_fresh_reauthentication(view) -> None:  # type: ignore[no-untyped-def]
    assert getattr(view, "sudo_required", False) is True


def test_without_fresh_reauthentication_nothing_changes(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The re-authentication page belongs to the accounts app; only the redirect matters here.
    monkeypatch.setattr("ankommen.accounts.sudo.reverse", lambda name: "/reauthenticate/")
    colleague = world.memberships["case_manager_a"]
    client = world.client_for("coordinator")
    response = client.post(reverse("network:deactivate_user", kwargs={"user_id": colleague.user_id}))
    assert response.status_code == 302
    assert response["Location"].startswith("/reauthenticate/?next=")
    response = client.post(reverse("network:revoke_role", kwargs={"membership_id": colleague.pk}))
    assert response["Location"].startswith("/reauthenticate/")
    colleague.refresh_from_db()
    colleague.user.refresh_from_db()
    assert colleague.is_active and colleague.user.is_active
    # GET of the invitation form comes back to the form after re-authentication.
    response = client.get(reverse("network:invite"))
    assert response["Location"] == "/reauthenticate/?next=%2Fnetwork%2Fmembers%2Finvite%2F"


# --- organisations --------------------------------------------------------------------


def test_create_organisation_over_http(world: World) -> None:
    client = world.client_for("coordinator")
    form = client.get(reverse("network:create_organisation")).content.decode()
    assert "<fieldset>" in form and "<legend>" in form
    data = {
        "name": "Caritas Münster",
        "type": OrganisationType.WELFARE,
        "city": "Münster",
        "website": "caritas.example",
    }
    response = client.post(reverse("network:create_organisation"), data)
    assert response.status_code == 302
    with scope(network=world.network.pk):
        organisation = Organisation.objects.get(name="Caritas Münster")
    assert organisation.website == "https://caritas.example"
    duplicate = client.post(reverse("network:create_organisation"), data)
    assert duplicate.status_code == 200
    assert "gehört bereits zum Netzwerk" in duplicate.content.decode()  # staff see their saved language


def test_stale_edit_is_refused_over_http(world: World) -> None:
    org_a = world.organisations["org_a"]
    url = reverse("network:edit_organisation", kwargs={"organisation_id": org_a.pk})
    first, second = world.client_for("coordinator"), world.client_for("coordinator")
    page = first.get(url).content.decode()
    assert 'name="version" value="1"' in page
    form = {"name": org_a.name, "type": org_a.type, "city": "Hiltrup", "version": 1}
    assert first.post(url, form).status_code == 302
    response = second.post(url, form | {"city": "Wolbeck"})
    assert response.status_code == 200
    assert "hat diese Organisation inzwischen geändert" in response.content.decode()
    org_a.refresh_from_db()
    assert (org_a.city, org_a.version) == ("Hiltrup", 2)


def test_deactivate_and_reactivate_organisation_over_http(world: World) -> None:
    org_a = world.organisations["org_a"]
    member = world.client_for("case_manager_a")
    coordinator = grant_sudo(world.client_for("coordinator"))
    response = coordinator.post(reverse("network:deactivate_organisation", kwargs={"organisation_id": org_a.pk}))
    assert response["Location"] == reverse("network:manage_organisations")
    assert member.get(reverse("core:home")).status_code == 403
    # Inactive organisations leave the directory but stay in the management list.
    org_a_link = reverse("network:organisation", kwargs={"organisation_id": org_a.pk})
    assert org_a_link not in coordinator.get(reverse("network:directory")).content.decode()
    assert org_a.name in coordinator.get(reverse("network:manage_organisations")).content.decode()
    coordinator.post(reverse("network:reactivate_organisation", kwargs={"organisation_id": org_a.pk}))
    assert member.get(reverse("core:home")).status_code == 200


def test_last_coordinator_guard_becomes_a_message(world: World) -> None:
    coordinator = grant_sudo(world.client_for("coordinator"))
    ki = world.organisations["ki"]
    response = coordinator.post(
        reverse("network:deactivate_organisation", kwargs={"organisation_id": ki.pk}),
        follow=True,
    )
    assert "keine aktive Netzwerkkoordination mehr" in response.content.decode()
    ki.refresh_from_db()
    assert ki.is_active


def test_management_list_has_bounded_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("coordinator")
    url = reverse("network:manage_organisations")
    more_people(world, 3)
    few = queries_for(client, url)
    more_people(world, 25)
    assert queries_for(client, url) == few
    with django_assert_max_num_queries(12):
        client.get(url)


# --- members --------------------------------------------------------------------------


def test_members_page_has_bounded_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    url = reverse("network:members")
    for persona in ("coordinator", "dpo", "team_lead_a"):
        client = world.client_for(persona)
        with scopes_disabled():
            baseline = queries_for(client, url)
        more_people(world, 20)
        assert queries_for(client, url) == baseline, persona
        with django_assert_max_num_queries(14):
            client.get(url)


def test_members_page_is_paginated(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ankommen.network import views

    monkeypatch.setattr(views, "MEMBERS_PAGE_SIZE", 3)
    more_people(world, 4)
    client = world.client_for("coordinator")
    first = client.get(reverse("network:members")).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(reverse("network:members"), {"page": 999}).content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert len(re.findall(r'href="/network/members/\d+/"', first)) == 3


def test_members_page_by_role(world: World) -> None:
    more_people(world, 1)
    coordinator = world.client_for("coordinator").get(reverse("network:members")).content.decode()
    assert "Case Manager B" in coordinator and "Case Manager A" in coordinator
    assert "invitee0@example.org" in coordinator  # open (expired) invitations with withdraw button
    assert reverse("network:invite") in coordinator
    lead = world.client_for("team_lead_a").get(reverse("network:members")).content.decode()
    assert "Case Manager A" in lead
    assert "Case Manager B" not in lead  # another organisation
    assert "invitee0@example.org" not in lead
    assert reverse("network:invite") not in lead
    dpo = world.client_for("dpo").get(reverse("network:members")).content.decode()
    assert "Case Manager B" in dpo
    assert reverse("network:invite") not in dpo


def test_member_detail_logs_the_read(world: World) -> None:
    user = world.memberships["case_manager_a"].user
    url = reverse("network:member", kwargs={"user_id": user.pk})
    page = world.client_for("team_lead_a").get(url).content.decode()
    assert user.email in page
    assert reverse("network:deactivate_user", kwargs={"user_id": user.pk}) not in page  # team lead only reads
    [entry] = audit("user.viewed")
    assert entry.actor == world.memberships["team_lead_a"].user
    assert entry.subject == f"user:{user.pk}"
    coordinator_page = world.client_for("coordinator").get(url).content.decode()
    assert reverse("network:deactivate_user", kwargs={"user_id": user.pk}) in coordinator_page


def test_team_lead_sees_only_own_organisation(world: World) -> None:
    lead = world.client_for("team_lead_a")
    other = world.memberships["case_manager_b"].user
    assert lead.get(reverse("network:member", kwargs={"user_id": other.pk})).status_code == 404
    assert not audit("user.viewed")


def test_other_networks_objects_answer_404(world: World) -> None:
    outsider = grant_sudo(world.client_for("outsider"))
    member = world.memberships["case_manager_a"]
    org_a = world.organisations["org_a"]
    urls = [
        ("get", reverse("network:organisation", kwargs={"organisation_id": org_a.pk})),
        ("get", reverse("network:edit_organisation", kwargs={"organisation_id": org_a.pk})),
        ("post", reverse("network:deactivate_organisation", kwargs={"organisation_id": org_a.pk})),
        ("get", reverse("network:member", kwargs={"user_id": member.user_id})),
        ("post", reverse("network:assign_role", kwargs={"user_id": member.user_id})),
        ("post", reverse("network:deactivate_user", kwargs={"user_id": member.user_id})),
        ("post", reverse("network:revoke_role", kwargs={"membership_id": member.pk})),
    ]
    for method, url in urls:
        assert getattr(outsider, method)(url).status_code == 404, url
    member.refresh_from_db()
    org_a.refresh_from_db()
    assert member.is_active and org_a.is_active


def test_assign_and_revoke_role_over_http(world: World) -> None:
    coordinator = grant_sudo(world.client_for("coordinator"))
    user = world.memberships["case_manager_a"].user
    url = reverse("network:assign_role", kwargs={"user_id": user.pk})
    refused = coordinator.post(
        url, {"organisation": world.organisations["police"].pk, "role": Role.CASE_MANAGER}, follow=True
    )
    assert refused.status_code == 200
    with scopes_disabled():
        assert not Membership.objects.filter(user=user, organisation=world.organisations["police"]).exists()
    response = coordinator.post(url, {"organisation": world.organisations["org_b"].pk, "role": Role.ASSISTANT})
    assert response["Location"] == reverse("network:member", kwargs={"user_id": user.pk})
    with scopes_disabled():
        membership = Membership.objects.get(user=user, organisation=world.organisations["org_b"])
    coordinator.post(reverse("network:revoke_role", kwargs={"membership_id": membership.pk}))
    membership.refresh_from_db()
    assert not membership.is_active


def test_deactivated_users_open_session_ends_at_the_next_request(world: World) -> None:
    victim = world.client_for("case_manager_a")
    assert victim.get(reverse("network:directory")).status_code == 200
    user = world.memberships["case_manager_a"].user
    coordinator = grant_sudo(world.client_for("coordinator"))
    coordinator.post(reverse("network:deactivate_user", kwargs={"user_id": user.pk}))
    user.refresh_from_db()
    assert not user.is_active
    response = victim.get(reverse("network:directory"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_police_cannot_reach_member_management(world: World) -> None:
    police = grant_sudo(world.client_for("police_liaison"))
    user = world.memberships["case_manager_a"].user
    for url in [
        reverse("network:members"),
        reverse("network:invite"),
        reverse("network:member", kwargs={"user_id": user.pk}),
        reverse("network:manage_organisations"),
    ]:
        assert police.get(url).status_code == 403, url
    home = police.get(reverse("core:home")).content.decode()
    assert reverse("network:members") not in home
    assert user.email not in home
    assert not audit("user.viewed")


# --- the invitation form --------------------------------------------------------------


def test_invite_form_shows_role_overview_and_field_errors(world: World) -> None:
    coordinator = grant_sudo(world.client_for("coordinator"))
    page = coordinator.get(reverse("network:invite")).content.decode()
    assert "Welche Rolle passt zu welcher Art von Organisation?" in page
    response = coordinator.post(
        reverse("network:invite"),
        {"email": "x@example.org", "language": "de", "organisation": world.organisations["police"].pk, "role": "dpo"},
    )
    assert response.status_code == 302  # a DPO may be held anywhere
    response = coordinator.post(
        reverse("network:invite"),
        {
            "email": "y@example.org",
            "language": "de",
            "organisation": world.organisations["police"].pk,
            "role": Role.CASE_MANAGER,
        },
    )
    assert response.status_code == 200
    assert "Die Rolle „Fallmanagement“ kann es in einer Organisation der Art „Polizei“ nicht geben." in (
        response.content.decode()
    )


# --- switching memberships ------------------------------------------------------------


def test_switcher_shows_only_with_several_memberships(world: World) -> None:
    single = world.client_for("case_manager_b").get(reverse("core:home")).content.decode()
    assert reverse("network:switch_membership") not in single
    user = world.memberships["case_manager_a"].user
    with scopes_disabled():
        second = MembershipFactory(organisation=world.organisations["other_ki"], user=user, role=Role.CASE_MANAGER)
    client = world.client_for("case_manager_a")
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("network:switch_membership") in page
    assert "Netzwerk Steinfurt" in page  # the other network is named in the option
    response = client.post(reverse("network:switch_membership"), {"membership": second.pk})
    assert response.status_code == 302
    # Now the session works in the other network: its directory, not Münster's.
    directory = client.get(reverse("network:directory")).content.decode()
    assert reverse("network:organisation", kwargs={"organisation_id": world.organisations["other_ki"].pk}) in directory
    assert reverse("network:organisation", kwargs={"organisation_id": world.organisations["org_a"].pk}) not in directory
    [entry] = audit("membership.switched")
    assert entry.network == world.other_network


def test_switching_to_someone_elses_membership_is_not_found(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(reverse("network:switch_membership"), {"membership": world.memberships["coordinator"].pk})
    assert response.status_code == 404
    assert client.post(reverse("network:switch_membership"), {"membership": "x"}).status_code == 404
    assert client.get(reverse("network:switch_membership")).status_code == 405


def test_revoked_active_membership_falls_back_to_another(world: World) -> None:
    user = UserFactory()
    with scopes_disabled():
        first = MembershipFactory(organisation=world.organisations["org_a"], user=user, role=Role.ASSISTANT)
        second = MembershipFactory(organisation=world.organisations["org_b"], user=user, role=Role.CASE_MANAGER)
    client = Client()
    login(client, user, second)
    assert "Sozialamt B" in client.get(reverse("core:home")).content.decode()
    with scope(network=world.network.pk):
        from ankommen.network import services

        services.revoke_role(world.memberships["coordinator"], second)
    page = client.get(reverse("core:home")).content.decode()
    assert first.organisation.name in page


def test_member_detail_has_bounded_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    user = world.memberships["case_manager_a"].user
    url = reverse("network:member", kwargs={"user_id": user.pk})
    client = world.client_for("coordinator")
    queries_for(client, url)  # the first audit entry of the network also creates its chain head
    few = queries_for(client, url)
    with scopes_disabled():
        for _ in range(8):
            organisation = OrganisationFactory(network=world.network, type=OrganisationType.WELFARE)
            MembershipFactory(organisation=organisation, user=user, role=Role.ASSISTANT)
    assert queries_for(client, url) == few
    with django_assert_max_num_queries(25):  # includes the audit entry for the read
        client.get(url)
