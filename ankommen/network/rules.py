"""Object rules of the network app, as named predicates (the ``rules`` package).

Every predicate takes ``(membership, obj)``: the acting membership and the object it
acts on (an ``Organisation``, ``Membership``, ``Invitation`` or ``User``). Role
permissions come from ``roles.py``; these predicates add the object-level part
("same network", "own organisation"). The access helpers in ``access.py`` evaluate
``object_rules``; views and templates never combine predicates themselves.

Read as sentences, e.g. ``network.view_membership``: *same network, and the actor may
see members, and either manages members, is the data-protection officer, or is the
team lead of that member's organisation.*
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.accounts.models import User
from ankommen.network.models import Invitation, Membership, Organisation
from ankommen.network.roles import Role


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    """The actor's role grants ``permission`` (roles.py)."""

    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


# --- who the actor is -----------------------------------------------------------------


@rules.predicate
def is_coordinator(membership: Membership, obj: Any = None) -> bool:
    return _active(membership) and membership.role == Role.COORDINATOR


@rules.predicate
def is_data_protection_officer(membership: Membership, obj: Any = None) -> bool:
    return _active(membership) and membership.role == Role.DPO


@rules.predicate
def is_team_lead(membership: Membership, obj: Any = None) -> bool:
    return _active(membership) and membership.role == Role.TEAM_LEAD


may_view_directory = _holds("network.view_directory")
may_manage_organisations = _holds("network.manage_organisations")
may_manage_members = _holds("network.manage_members")
may_view_members = _holds("network.view_members")


# --- how the object relates to the actor ----------------------------------------------


@rules.predicate
def is_same_network(membership: Membership, obj: Any) -> bool:
    """The object belongs to the actor's network (a user: holds a membership there)."""
    if not _active(membership) or obj is None:
        return False
    if isinstance(obj, User):
        return Membership.objects.filter(network=membership.network_id, user=obj.pk).exists()
    network_id = getattr(obj, "network_id", None)
    return network_id is not None and network_id == membership.network_id


@rules.predicate
def is_own_organisation(membership: Membership, obj: Any) -> bool:
    """The object is, or belongs to, the actor's organisation (a user: holds a membership there)."""
    if not _active(membership) or obj is None:
        return False
    if isinstance(obj, Organisation):
        return obj.pk == membership.organisation_id
    if isinstance(obj, Membership | Invitation):
        return obj.organisation_id == membership.organisation_id
    if isinstance(obj, User):
        return Membership.objects.filter(
            network=membership.network_id, organisation=membership.organisation_id, user=obj.pk
        ).exists()
    return False


@rules.predicate
def is_self(membership: Membership, obj: Any) -> bool:
    """The object is the actor's own account or one of the actor's own memberships."""
    if not _active(membership) or obj is None:
        return False
    if isinstance(obj, User):
        return obj.pk == membership.user_id
    if isinstance(obj, Membership):
        return obj.user_id == membership.user_id
    return False


@rules.predicate
def is_active_organisation(membership: Membership, obj: Any) -> bool:
    """The object is an active organisation (the directory shows only those)."""
    return isinstance(obj, Organisation) and obj.is_active


is_team_lead_of = is_team_lead & is_own_organisation


# --- the rules ------------------------------------------------------------------------

# Who may see who holds which role: coordinators (who manage it) and the data-protection
# officer (access reviews, Art. 32 GDPR) in the whole network; a team lead only in the own
# organisation. Any other role that is later given `network.view_members` sees nobody
# until a rule here says so (deny by default).
# Permissions are tested first: they cost no query.
sees_all_members = may_manage_members | is_data_protection_officer
_sees_members = may_view_members & is_same_network & (sees_all_members | is_team_lead_of)

object_rules = rules.RuleSet()
# Inactive organisations are out of the directory; only those who manage organisations see them.
object_rules["network.view_organisation"] = is_same_network & (
    (may_view_directory & is_active_organisation) | may_manage_organisations
)
object_rules["network.change_organisation"] = may_manage_organisations & is_same_network
object_rules["network.view_membership"] = _sees_members
object_rules["network.manage_membership"] = may_manage_members & is_same_network
object_rules["network.view_user"] = _sees_members
object_rules["network.manage_user"] = may_manage_members & is_same_network
object_rules["network.view_invitation"] = may_manage_members & is_same_network
object_rules["network.manage_invitation"] = may_manage_members & is_same_network


def check_rule(name: str, membership: Membership, obj: Any) -> bool:
    """Evaluate one object rule; an unknown rule name is a programming error, not a denial."""
    if name not in object_rules:
        raise KeyError(f"Unknown object rule {name!r}: add it to ankommen/network/rules.py")
    return bool(object_rules.test_rule(name, membership, obj))
