"""Access helpers: other networks' objects answer 404, visible but not changeable 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django_scopes import scope, scopes_disabled

from ankommen.network.access import (
    get_invitation_by_token,
    get_invitation_for,
    get_membership_for,
    get_organisation_for,
    get_own_membership_for,
    get_user_for,
    memberships_visible_to,
)
from ankommen.network.models import Membership
from ankommen.network.rules import check_rule
from ankommen.network.tests.matrix import INVITATION_TOKEN, _network_objects
from ankommen.testing.personas import PERSONA_ROLES, World


@pytest.fixture
def scoped(world: World):  # type: ignore[no-untyped-def]
    with scope(network=world.network.pk):
        _network_objects(world)
        yield world


def test_organisation_of_another_network_is_not_found(scoped: World) -> None:
    other = scoped.organisations["other_ki"]
    with pytest.raises(Http404):
        get_organisation_for(scoped.memberships["coordinator"], other.pk)
    with pytest.raises(Http404):
        get_organisation_for(scoped.memberships["coordinator"], 999_999)


def test_organisation_visible_but_not_changeable(scoped: World) -> None:
    org_a = scoped.organisations["org_a"]
    assert get_organisation_for(scoped.memberships["case_manager_a"], org_a.pk) == org_a
    with pytest.raises(PermissionDenied):
        get_organisation_for(scoped.memberships["case_manager_a"], org_a.pk, write=True)
    assert get_organisation_for(scoped.memberships["coordinator"], org_a.pk, write=True) == org_a


def test_deactivated_organisation_is_hidden_from_staff_but_not_from_coordination(scoped: World) -> None:
    inactive = scoped.extra["inactive_organisation"]
    with pytest.raises(Http404):
        get_organisation_for(scoped.memberships["case_manager_a"], inactive.pk)
    assert get_organisation_for(scoped.memberships["coordinator"], inactive.pk) == inactive


def test_membership_access(scoped: World) -> None:
    in_a = scoped.memberships["case_manager_a"]
    in_b = scoped.memberships["case_manager_b"]
    lead = scoped.memberships["team_lead_a"]
    assert get_membership_for(lead, in_a.pk) == in_a
    with pytest.raises(Http404):
        get_membership_for(lead, in_b.pk)  # a team lead sees only the own organisation
    with pytest.raises(PermissionDenied):
        get_membership_for(lead, in_a.pk, write=True)
    assert get_membership_for(scoped.memberships["coordinator"], in_b.pk, write=True) == in_b
    with pytest.raises(Http404):
        get_membership_for(scoped.memberships["police_liaison"], in_a.pk)


def test_membership_of_another_network_is_not_found(world: World) -> None:
    with scope(network=world.other_network.pk), pytest.raises(Http404):
        get_membership_for(world.memberships["outsider"], world.memberships["case_manager_a"].pk)


def test_user_access(scoped: World) -> None:
    user_a = scoped.memberships["case_manager_a"].user
    user_b = scoped.memberships["case_manager_b"].user
    lead = scoped.memberships["team_lead_a"]
    assert get_user_for(lead, user_a.pk) == user_a
    with pytest.raises(Http404):
        get_user_for(lead, user_b.pk)
    with pytest.raises(PermissionDenied):
        get_user_for(lead, user_a.pk, write=True)
    assert get_user_for(scoped.memberships["dpo"], user_b.pk) == user_b
    with pytest.raises(PermissionDenied):
        get_user_for(scoped.memberships["dpo"], user_b.pk, write=True)
    assert get_user_for(scoped.memberships["coordinator"], user_b.pk, write=True) == user_b


def test_user_of_another_network_is_not_found(world: World) -> None:
    with scope(network=world.other_network.pk):
        for persona in ("case_manager_a", "coordinator"):
            with pytest.raises(Http404):
                get_user_for(world.memberships["outsider"], world.memberships[persona].user.pk)


def test_invitation_access(scoped: World) -> None:
    invitation = scoped.extra["invitation"]
    assert get_invitation_for(scoped.memberships["coordinator"], invitation.pk, write=True) == invitation
    with pytest.raises(Http404):
        get_invitation_for(scoped.memberships["team_lead_a"], invitation.pk)
    with scope(network=scoped.other_network.pk), pytest.raises(Http404):
        get_invitation_for(scoped.memberships["outsider"], invitation.pk)


def test_invitation_by_token_matches_only_the_hash(scoped: World) -> None:
    assert get_invitation_by_token(INVITATION_TOKEN) == scoped.extra["invitation"]
    assert get_invitation_by_token(INVITATION_TOKEN + "x") is None
    assert get_invitation_by_token(scoped.extra["invitation"].token_hash) is None
    assert get_invitation_by_token("") is None


def test_invitation_by_token_works_whatever_scope_is_active(world: World) -> None:
    with scope(network=world.network.pk):
        _network_objects(world)
    with scope(network=world.other_network.pk):
        assert get_invitation_by_token(INVITATION_TOKEN) == world.extra["invitation"]


def test_own_membership_only(scoped: World) -> None:
    coordinator = scoped.memberships["coordinator"]
    assert get_own_membership_for(coordinator.user, coordinator.pk) == coordinator
    with pytest.raises(Http404):
        get_own_membership_for(coordinator.user, scoped.memberships["dpo"].pk)


@pytest.mark.parametrize("persona", list(PERSONA_ROLES))
def test_member_list_agrees_with_the_rule(scoped: World, persona: str) -> None:
    """The list filter and the object rule must say the same for every membership."""
    actor = scoped.memberships[persona]
    with scope(network=actor.network_id):
        listed = set(memberships_visible_to(actor).values_list("pk", flat=True))
    with scopes_disabled():  # all networks, as a forgotten filter would see them
        everything = list(Membership.objects.all())
    for membership in everything:
        assert (membership.pk in listed) is check_rule("network.view_membership", actor, membership), membership
