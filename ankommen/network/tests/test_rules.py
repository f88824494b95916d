"""The object rules on their own: predicates over (membership, object)."""

from __future__ import annotations

import pytest
from django_scopes import scope

from ankommen.network.models import Invitation, Membership, Organisation
from ankommen.network.roles import Role
from ankommen.network.rules import (
    check_rule,
    is_active_organisation,
    is_coordinator,
    is_data_protection_officer,
    is_own_organisation,
    is_same_network,
    is_self,
    is_team_lead,
    is_team_lead_of,
    object_rules,
)
from ankommen.testing.personas import World

NET, OTHER_NET = 1, 2
ORG_A, ORG_B = 10, 20


def member(role: str, *, network: int = NET, organisation: int = ORG_A, active: bool = True) -> Membership:
    return Membership(pk=100, network_id=network, organisation_id=organisation, user_id=7, role=role, is_active=active)


def organisation(pk: int = ORG_A, *, network: int = NET, active: bool = True) -> Organisation:
    return Organisation(pk=pk, network_id=network, name="Org", is_active=active)


def membership_at(organisation_id: int, *, network: int = NET) -> Membership:
    return Membership(pk=200, network_id=network, organisation_id=organisation_id, user_id=8, role=Role.CASE_MANAGER)


def test_role_predicates() -> None:
    assert is_coordinator.test(member(Role.COORDINATOR))
    assert not is_coordinator.test(member(Role.CASE_MANAGER))
    assert not is_coordinator.test(member(Role.COORDINATOR, active=False))
    assert is_team_lead.test(member(Role.TEAM_LEAD))
    assert is_data_protection_officer.test(member(Role.DPO))
    assert not is_coordinator.test(None)


def test_same_network() -> None:
    actor = member(Role.COORDINATOR)
    assert is_same_network.test(actor, organisation())
    assert is_same_network.test(actor, membership_at(ORG_B))
    assert not is_same_network.test(actor, organisation(network=OTHER_NET))
    assert not is_same_network.test(actor, membership_at(ORG_B, network=OTHER_NET))
    assert not is_same_network.test(actor, Invitation(network_id=OTHER_NET, organisation_id=ORG_A))
    assert not is_same_network.test(actor, None)
    assert not is_same_network.test(member(Role.COORDINATOR, active=False), organisation())


def test_own_organisation_and_team_lead_of() -> None:
    lead = member(Role.TEAM_LEAD)
    assert is_own_organisation.test(lead, organisation(ORG_A))
    assert not is_own_organisation.test(lead, organisation(ORG_B))
    assert is_own_organisation.test(lead, membership_at(ORG_A))
    assert not is_own_organisation.test(lead, membership_at(ORG_B))
    assert is_team_lead_of.test(lead, membership_at(ORG_A))
    assert not is_team_lead_of.test(lead, membership_at(ORG_B))
    assert not is_team_lead_of.test(member(Role.CASE_MANAGER), membership_at(ORG_A))


def test_self_and_active_organisation() -> None:
    actor = member(Role.COORDINATOR)
    assert is_self.test(actor, Membership(user_id=7))
    assert not is_self.test(actor, Membership(user_id=8))
    assert is_active_organisation.test(actor, organisation())
    assert not is_active_organisation.test(actor, organisation(active=False))


@pytest.mark.parametrize(
    ("role", "change"),
    [(Role.COORDINATOR, True), (Role.CASE_MANAGER, False), (Role.POLICE_LIAISON, False), (Role.DPO, False)],
)
def test_organisation_rules(role: str, change: bool) -> None:
    actor = member(role)
    assert check_rule("network.view_organisation", actor, organisation())
    assert check_rule("network.change_organisation", actor, organisation()) is change
    # Another network's organisation: neither visible nor changeable, whatever the role.
    assert not check_rule("network.view_organisation", actor, organisation(network=OTHER_NET))
    assert not check_rule("network.change_organisation", actor, organisation(network=OTHER_NET))


def test_inactive_organisation_is_visible_only_to_who_manages_organisations() -> None:
    inactive = organisation(active=False)
    assert check_rule("network.view_organisation", member(Role.COORDINATOR), inactive)
    assert not check_rule("network.view_organisation", member(Role.CASE_MANAGER), inactive)


@pytest.mark.parametrize(
    ("role", "own_org", "other_org", "manage"),
    [
        (Role.COORDINATOR, True, True, True),
        (Role.DPO, True, True, False),
        (Role.TEAM_LEAD, True, False, False),
        (Role.CASE_MANAGER, False, False, False),
        (Role.ASSISTANT, False, False, False),
        (Role.POLICE_LIAISON, False, False, False),
        (Role.PLATFORM_ADMIN, False, False, False),
    ],
)
def test_membership_rules(role: str, own_org: bool, other_org: bool, manage: bool) -> None:
    actor = member(role)
    assert check_rule("network.view_membership", actor, membership_at(ORG_A)) is own_org
    assert check_rule("network.view_membership", actor, membership_at(ORG_B)) is other_org
    assert check_rule("network.manage_membership", actor, membership_at(ORG_B)) is manage
    assert not check_rule("network.view_membership", actor, membership_at(ORG_A, network=OTHER_NET))
    assert not check_rule("network.manage_membership", actor, membership_at(ORG_A, network=OTHER_NET))


def test_invitation_rules() -> None:
    invitation = Invitation(network_id=NET, organisation_id=ORG_A)
    assert check_rule("network.manage_invitation", member(Role.COORDINATOR), invitation)
    assert not check_rule("network.view_invitation", member(Role.TEAM_LEAD), invitation)
    assert not check_rule("network.view_invitation", member(Role.COORDINATOR, network=OTHER_NET), invitation)


def test_user_rules_look_at_the_users_memberships(world: World) -> None:
    colleague_a = world.memberships["case_manager_a"].user
    colleague_b = world.memberships["case_manager_b"].user
    with scope(network=world.network.pk):
        lead = world.memberships["team_lead_a"]
        assert check_rule("network.view_user", lead, colleague_a)
        assert not check_rule("network.view_user", lead, colleague_b)
        assert check_rule("network.manage_user", world.memberships["coordinator"], colleague_b)
        assert check_rule("network.view_user", world.memberships["dpo"], colleague_b)
        assert not check_rule("network.manage_user", world.memberships["dpo"], colleague_b)
        assert is_self.test(lead, lead.user)
    with scope(network=world.other_network.pk):
        assert not check_rule("network.view_user", world.memberships["outsider"], colleague_a)


def test_every_rule_is_named_by_app_and_unknown_rules_fail_loudly() -> None:
    assert all(name.startswith("network.") for name in object_rules)
    with pytest.raises(KeyError):
        check_rule("network.no_such_rule", member(Role.COORDINATOR), organisation())
