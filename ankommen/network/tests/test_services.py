"""The network services: organisations, roles, accounts – each with its guards and audit entry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from ankommen.network import services
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType, Role
from ankommen.network.services import NetworkError, OrganisationData
from ankommen.network.tests.utils import audit, audit_text
from ankommen.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from ankommen.testing.personas import World


@pytest.fixture
def scoped(world: World) -> Iterator[World]:
    with scope(network=world.network.pk):
        yield world


def data_of(organisation: Organisation, **changes: object) -> OrganisationData:
    values = {name: getattr(organisation, name) for name in OrganisationData.__dataclass_fields__}
    return OrganisationData(**(values | changes))  # type: ignore[arg-type]


def codes(exc: NetworkError) -> set[str]:
    return {error.code for error in exc.error_list} if hasattr(exc, "error_list") else set()


def field_codes(exc: NetworkError) -> dict[str, set[str]]:
    return {field: {e.code for e in errors} for field, errors in exc.error_dict.items()}  # type: ignore[misc]


# --- organisations --------------------------------------------------------------------


def test_create_organisation_is_audited_without_its_name(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    organisation = services.create_organisation(
        coordinator, OrganisationData(name="  Caritas Münster ", type=OrganisationType.WELFARE, city="Münster")
    )
    assert organisation.name == "Caritas Münster"
    assert organisation.network == scoped.network
    [entry] = audit("organisation.created")
    assert entry.target_id == str(organisation.pk)
    assert entry.data == {"organisation": organisation.pk, "type": OrganisationType.WELFARE}
    assert entry.actor == coordinator.user


def test_create_organisation_refuses_a_duplicate_name(scoped: World) -> None:
    with pytest.raises(NetworkError) as caught:
        services.create_organisation(
            scoped.memberships["coordinator"], OrganisationData(name="wohlfahrt a", type=OrganisationType.WELFARE)
        )
    assert field_codes(caught.value) == {"name": {"duplicate"}}
    assert not audit("organisation.created")


def test_only_coordination_creates_organisations(scoped: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            scoped.memberships["team_lead_a"], OrganisationData(name="X", type=OrganisationType.CLUB)
        )


def test_update_organisation_bumps_version_and_logs_changed_fields(scoped: World) -> None:
    org_a = scoped.organisations["org_a"]
    updated = services.update_organisation(
        scoped.memberships["coordinator"], org_a, data_of(org_a, city="Hiltrup", phone="0251 1"), version=1
    )
    assert (updated.city, updated.phone, updated.version) == ("Hiltrup", "0251 1", 2)
    [entry] = audit("organisation.updated")
    assert entry.data == {"organisation": org_a.pk, "fields": ["city", "phone"], "version": 2}


def test_stale_version_is_refused_and_nothing_is_overwritten(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    org_a = scoped.organisations["org_a"]
    # Two coordinators open the form at version 1; the first one saves.
    services.update_organisation(coordinator, org_a, data_of(org_a, city="Hiltrup"), version=1)
    with pytest.raises(NetworkError) as caught:
        services.update_organisation(coordinator, org_a, data_of(org_a, city="Wolbeck"), version=1)
    assert codes(caught.value) == {"stale"}
    with translation.override("en"):
        assert "changed this organisation in the meantime" in caught.value.messages[0]
    org_a.refresh_from_db()
    assert (org_a.city, org_a.version) == ("Hiltrup", 2)
    assert len(audit("organisation.updated")) == 1


def test_update_without_changes_writes_nothing(scoped: World) -> None:
    org_a = scoped.organisations["org_a"]
    services.update_organisation(scoped.memberships["coordinator"], org_a, data_of(org_a), version=1)
    org_a.refresh_from_db()
    assert org_a.version == 1
    assert not audit("organisation.updated")


def test_type_change_refused_while_roles_do_not_fit(scoped: World) -> None:
    org_a = scoped.organisations["org_a"]  # welfare, with a case manager, team lead and assistant
    with pytest.raises(NetworkError) as caught:
        services.update_organisation(
            scoped.memberships["coordinator"], org_a, data_of(org_a, type=OrganisationType.CLUB), version=1
        )
    assert field_codes(caught.value) == {"type": {"roles_do_not_fit"}}
    with translation.override("en"):
        assert "Case assistant (read only), Case manager, Team lead" in caught.value.messages[0]


def test_other_networks_coordinator_cannot_update(world: World) -> None:
    with scope(network=world.other_network.pk), pytest.raises(PermissionDenied):
        org_a = world.organisations["org_a"]
        services.update_organisation(world.memberships["outsider"], org_a, data_of(org_a, city="X"), version=1)


def test_deactivating_an_organisation_ends_its_members_access(scoped: World) -> None:
    org_a = scoped.organisations["org_a"]
    client = scoped.client_for("case_manager_a")
    assert client.get(reverse("core:home")).status_code == 200
    services.deactivate_organisation(scoped.memberships["coordinator"], org_a)
    org_a.refresh_from_db()
    assert not org_a.is_active
    assert org_a.version == 2
    assert client.get(reverse("core:home")).status_code == 403  # no usable membership any more
    [entry] = audit("organisation.deactivated")
    assert entry.data["memberships_without_access"] == 3
    # Memberships stay, so reactivation restores access.
    services.reactivate_organisation(scoped.memberships["coordinator"], org_a)
    assert client.get(reverse("core:home")).status_code == 200
    assert len(audit("organisation.reactivated")) == 1


def test_deactivating_the_last_coordinators_organisation_is_refused(scoped: World) -> None:
    ki = scoped.organisations["ki"]
    with pytest.raises(NetworkError) as caught:
        services.deactivate_organisation(scoped.memberships["coordinator"], ki)
    assert codes(caught.value) == {"last_coordinator"}
    ki.refresh_from_db()
    assert ki.is_active
    # With a coordinator elsewhere in the network it is allowed.
    MembershipFactory(organisation=scoped.organisations["org_b"], role=Role.COORDINATOR)
    services.deactivate_organisation(scoped.memberships["coordinator"], ki)


# --- roles ----------------------------------------------------------------------------


def test_assign_role(scoped: World) -> None:
    user = scoped.memberships["case_manager_a"].user
    membership = services.assign_role(
        scoped.memberships["coordinator"], user, organisation=scoped.organisations["org_b"], role=Role.ASSISTANT
    )
    assert membership.is_active
    assert membership.network == scoped.network
    [entry] = audit("membership.created")
    assert entry.subject == f"user:{user.pk}"
    assert entry.data == {
        "membership": membership.pk,
        "user": user.pk,
        "organisation": scoped.organisations["org_b"].pk,
        "role": Role.ASSISTANT,
    }


@pytest.mark.parametrize(
    ("org_key", "role"),
    [
        ("org_a", Role.POLICE_LIAISON),  # police liaison only at the police
        ("police", Role.CASE_MANAGER),
        ("chamber", Role.COORDINATOR),  # coordinators only at public authorities
        ("police", Role.OFFER_PROVIDER),
    ],
)
def test_assign_role_checks_the_organisation_type(scoped: World, org_key: str, role: str) -> None:
    with pytest.raises(NetworkError) as caught:
        services.assign_role(
            scoped.memberships["coordinator"],
            scoped.memberships["case_manager_a"].user,
            organisation=scoped.organisations[org_key],
            role=role,
        )
    assert field_codes(caught.value) == {"role": {"role_does_not_fit"}}
    assert not audit("membership.created")


def test_assign_role_refuses_duplicates_inactive_accounts_and_organisations(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    user = scoped.memberships["case_manager_a"].user
    with pytest.raises(NetworkError) as caught:
        services.assign_role(coordinator, user, organisation=scoped.organisations["org_a"], role=Role.CASE_MANAGER)
    assert field_codes(caught.value) == {"role": {"duplicate"}}
    inactive = OrganisationFactory(network=scoped.network, type=OrganisationType.WELFARE, is_active=False)
    with pytest.raises(NetworkError) as caught:
        services.assign_role(coordinator, user, organisation=inactive, role=Role.ASSISTANT)
    assert field_codes(caught.value) == {"organisation": {"inactive_organisation"}}
    user.is_active = False
    user.save()
    with pytest.raises(NetworkError) as caught:
        services.assign_role(coordinator, user, organisation=scoped.organisations["org_b"], role=Role.ASSISTANT)
    assert codes(caught.value) == {"inactive_account"}


def test_team_lead_cannot_assign_roles(scoped: World) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_role(
            scoped.memberships["team_lead_a"],
            scoped.memberships["case_manager_a"].user,
            organisation=scoped.organisations["org_a"],
            role=Role.ASSISTANT,
        )


def test_revoke_role(scoped: World) -> None:
    membership = scoped.memberships["case_manager_a"]
    client = scoped.client_for("case_manager_a")
    services.revoke_role(scoped.memberships["coordinator"], membership)
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.revoked_at is not None
    [entry] = audit("membership.revoked")
    assert entry.data["role"] == Role.CASE_MANAGER
    assert entry.subject == f"user:{membership.user_id}"
    # The role ends at the holder's next request.
    assert client.get(reverse("core:home")).status_code == 403
    # Revoking again changes nothing and logs nothing.
    services.revoke_role(scoped.memberships["coordinator"], membership)
    assert len(audit("membership.revoked")) == 1


def test_last_coordinator_cannot_revoke_own_role(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    with pytest.raises(NetworkError) as caught:
        services.revoke_role(coordinator, coordinator)
    assert codes(caught.value) == {"last_coordinator"}
    coordinator.refresh_from_db()
    assert coordinator.is_active
    second = MembershipFactory(organisation=scoped.organisations["org_b"], role=Role.COORDINATOR)
    services.revoke_role(coordinator, coordinator)
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert second.has_perm("network.manage_members")


def test_revoking_a_role_of_another_network_is_refused(world: World) -> None:
    with scope(network=world.other_network.pk), pytest.raises(PermissionDenied):
        services.revoke_role(world.memberships["outsider"], world.memberships["case_manager_a"])
    world.memberships["case_manager_a"].refresh_from_db()
    assert world.memberships["case_manager_a"].is_active


# --- accounts -------------------------------------------------------------------------


def test_deactivate_user_ends_sessions_and_is_audited(scoped: World) -> None:
    user = scoped.memberships["case_manager_a"].user
    client = scoped.client_for("case_manager_a")
    scoped.client_for("case_manager_a")  # a second device
    assert Session.objects.count() >= 2
    services.deactivate_user(scoped.memberships["coordinator"], user)
    user.refresh_from_db()
    assert not user.is_active
    sessions = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert sessions == []
    [entry] = audit("user.deactivated")
    assert entry.data == {"user": user.pk, "sessions_ended": 2}
    assert entry.network == scoped.network
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    services.reactivate_user(scoped.memberships["coordinator"], user)
    user.refresh_from_db()
    assert user.is_active
    assert len(audit("user.reactivated")) == 1


def test_last_coordinator_cannot_deactivate_themselves(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    with pytest.raises(NetworkError) as caught:
        services.deactivate_user(coordinator, coordinator.user)
    assert codes(caught.value) == {"last_coordinator"}
    coordinator.user.refresh_from_db()
    assert coordinator.user.is_active


def test_account_working_in_another_network_is_not_deactivated_from_here(scoped: World) -> None:
    user = scoped.memberships["case_manager_a"].user
    MembershipFactory(organisation=scoped.organisations["other_ki"], user=user, role=Role.CASE_MANAGER)
    with pytest.raises(NetworkError) as caught:
        services.deactivate_user(scoped.memberships["coordinator"], user)
    assert codes(caught.value) == {"other_network"}
    user.refresh_from_db()
    assert user.is_active


def test_dpo_cannot_deactivate_accounts(scoped: World) -> None:
    with pytest.raises(PermissionDenied):
        services.deactivate_user(scoped.memberships["dpo"], scoped.memberships["case_manager_a"].user)


def test_viewing_account_data_is_logged(scoped: World) -> None:
    user = scoped.memberships["case_manager_b"].user
    services.log_user_viewed(scoped.memberships["dpo"], user)
    [entry] = audit("user.viewed")
    assert entry.subject == f"user:{user.pk}"
    assert entry.actor == scoped.memberships["dpo"].user
    with pytest.raises(PermissionDenied):
        services.log_user_viewed(scoped.memberships["team_lead_a"], user)


def test_audit_entries_hold_no_names_or_email_addresses(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    user = UserFactory(full_name="Zeynep Beispiel", email="zeynep@example.org")
    MembershipFactory(organisation=scoped.organisations["org_a"], user=user)
    services.assign_role(coordinator, user, organisation=scoped.organisations["org_b"], role=Role.ASSISTANT)
    membership = Membership.objects.get(user=user, organisation=scoped.organisations["org_b"])
    services.revoke_role(coordinator, membership)
    services.log_user_viewed(coordinator, user)
    services.deactivate_user(coordinator, user)
    services.reactivate_user(coordinator, user)
    organisation = services.create_organisation(
        coordinator, OrganisationData(name="Verein Beispiel", type=OrganisationType.CLUB, email="info@verein.example")
    )
    services.update_organisation(coordinator, organisation, data_of(organisation, name="Verein Neu"), version=1)
    entries = [
        *audit("membership.created"),
        *audit("membership.revoked"),
        *audit("user.viewed"),
        *audit("user.deactivated"),
        *audit("user.reactivated"),
        *audit("organisation.created"),
        *audit("organisation.updated"),
    ]
    assert len(entries) == 7
    for entry in entries:
        text = audit_text(entry)
        for secret in ("Zeynep", "zeynep@example.org", "Verein", "info@verein.example"):
            assert secret not in text, (entry.action, text)


def test_second_factor_reset_replaces_all_devices_with_one_code(scoped: World) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ankommen.accounts.services import verify_second_factor

    user = scoped.memberships["case_manager_a"].user
    scoped.client_for("case_manager_a")  # an open session
    TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    code = services.reset_second_factor(scoped.memberships["coordinator"], user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == [code]
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    [entry] = audit("user.second_factor_reset")
    assert entry.data["user"] == user.pk and code not in str(entry.data)
    verify_second_factor(user, code)  # works once ...
    assert not StaticToken.objects.filter(device__user=user).exists()  # ... and is used up


def test_second_factor_reset_is_refused_for_oneself_other_networks_and_non_coordinators(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    with pytest.raises(NetworkError) as caught:
        services.reset_second_factor(coordinator, coordinator.user)
    assert codes(caught.value) == {"own_account"}
    user = scoped.memberships["case_manager_a"].user
    MembershipFactory(organisation=scoped.organisations["other_ki"], user=user, role=Role.CASE_MANAGER)
    with pytest.raises(NetworkError) as caught:
        services.reset_second_factor(coordinator, user)
    assert codes(caught.value) == {"other_network"}
    with pytest.raises(PermissionDenied):
        services.reset_second_factor(scoped.memberships["team_lead_a"], scoped.memberships["assistant_a"].user)
    assert audit("user.second_factor_reset") == []
