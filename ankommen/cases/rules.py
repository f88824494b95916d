"""Object rules of cases, as named predicates (the ``rules`` package).

Read as sentences:
- ``cases.view_case``: the actor's role may see cases, and the case belongs to the actor's
  network and organisation, or the case is open and a consent for cooperation in force names
  the actor's organisation (read afresh on every check: revocation takes effect at once).
- ``cases.change_case``: the role may work on cases, and the case belongs to the actor's
  organisation (recipients under a consent read, they do not write).
- ``cases.decide_approval``: the role may approve, the actor is a team lead of the organisation
  that owns the case, and did not ask for this approval.
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.cases.models import Approval, Case
from ankommen.network.models import Membership
from ankommen.network.roles import Role


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


def _case_of(obj: Any) -> Case | None:
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, Approval):
        return obj.case
    return None


may_view_cases = _holds("cases.view")
may_edit_cases = _holds("cases.edit")
may_approve = _holds("cases.approve")


@rules.predicate
def is_case_of_own_organisation(membership: Membership, obj: Any) -> bool:
    case = _case_of(obj)
    return (
        _active(membership)
        and case is not None
        and case.network_id == membership.network_id
        and case.organisation_id == membership.organisation_id
    )


@rules.predicate
def is_shared_with_organisation(membership: Membership, obj: Any) -> bool:
    from ankommen.consents.choices import Purpose
    from ankommen.consents.queries import valid_consents

    case = _case_of(obj)
    return (
        _active(membership)
        and case is not None
        and case.network_id == membership.network_id
        and not case.is_closed
        and valid_consents(
            network_id=membership.network_id,
            purpose=Purpose.COOPERATION,
            recipient_id=membership.organisation_id,
            case_id=case.pk,
        ).exists()
    )


@rules.predicate
def is_team_lead(membership: Membership, obj: Any = None) -> bool:
    return _active(membership) and membership.role == Role.TEAM_LEAD


@rules.predicate
def is_requester(membership: Membership, obj: Any) -> bool:
    return isinstance(obj, Approval) and obj.requested_by_id == membership.user_id


case_rules = rules.RuleSet()
case_rules["cases.view_case"] = may_view_cases & (is_case_of_own_organisation | is_shared_with_organisation)
case_rules["cases.change_case"] = may_edit_cases & is_case_of_own_organisation
case_rules["cases.decide_approval"] = may_approve & is_team_lead & is_case_of_own_organisation & ~is_requester


def check_case_rule(name: str, membership: Membership, obj: Any) -> bool:
    if name not in case_rules:
        raise KeyError(f"Unknown case rule {name!r}: add it to ankommen/cases/rules.py")
    return bool(case_rules.test_rule(name, membership, obj))
