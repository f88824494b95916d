"""Object rules of case conferences, as named predicates (the ``rules`` package).

Read as sentences:
- ``conferences.view_conference``: the actor works on cases of the organisation that owns the
  conference's case (``cases.view``), or the actor's role takes part in conferences and the
  actor's organisation is among the participating organisations, is not of a type that never
  takes part (the police), and, if it is a chamber, the conference is anonymised.
- ``conferences.change_conference``: the role organises conferences and the actor's
  organisation owns the case.
- ``conferences.complete_action_item``: the actor may see the conference, and either organises
  it or takes part for the organisation responsible for the action item.

``access.visible_conferences`` is the list counterpart of ``conferences.view_conference`` (kept
in step by a test).
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.conferences.choices import Mode
from ankommen.conferences.models import ActionItem, Conference
from ankommen.network.models import Membership
from ankommen.network.roles import CONFERENCE_ANONYMISED_ONLY_TYPES, CONFERENCE_EXCLUDED_TYPES


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


def _conference_of(obj: Any) -> Conference | None:
    if isinstance(obj, Conference):
        return obj
    if isinstance(obj, ActionItem):
        return obj.conference
    return None


may_view_cases = _holds("cases.view")
may_organise = _holds("conferences.organise")
may_take_part = _holds("conferences.take_part")


@rules.predicate
def is_case_of_own_organisation(membership: Membership, obj: Any) -> bool:
    conference = _conference_of(obj)
    return (
        _active(membership)
        and conference is not None
        and conference.network_id == membership.network_id
        and conference.case.organisation_id == membership.organisation_id
    )


@rules.predicate
def is_participating_organisation(membership: Membership, obj: Any) -> bool:
    conference = _conference_of(obj)
    if not _active(membership) or conference is None or conference.network_id != membership.network_id:
        return False
    kind = membership.organisation.type
    if kind in CONFERENCE_EXCLUDED_TYPES:
        return False
    if kind in CONFERENCE_ANONYMISED_ONLY_TYPES and conference.mode != Mode.ANONYMISED:
        return False
    return conference.participations.filter(organisation=membership.organisation_id).exists()


@rules.predicate
def is_responsible_organisation(membership: Membership, obj: Any) -> bool:
    return _active(membership) and isinstance(obj, ActionItem) and obj.owner_id == membership.organisation_id


may_see = (may_view_cases & is_case_of_own_organisation) | (may_take_part & is_participating_organisation)

conference_rules = rules.RuleSet()
conference_rules["conferences.view_conference"] = may_see
conference_rules["conferences.change_conference"] = may_organise & is_case_of_own_organisation
conference_rules["conferences.complete_action_item"] = may_see & (
    (may_organise & is_case_of_own_organisation) | (may_take_part & is_responsible_organisation)
)


def check_conference_rule(name: str, membership: Membership, obj: Any) -> bool:
    if name not in conference_rules:
        raise KeyError(f"Unknown conference rule {name!r}: add it to ankommen/conferences/rules.py")
    return bool(conference_rules.test_rule(name, membership, obj))
