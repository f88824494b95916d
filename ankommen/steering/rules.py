"""Object rules of the steering app, as named predicates (the ``rules`` package).

Read as sentences:
- ``steering.view_agreement``, ``steering.view_report``, ``steering.view_gap``: same network, and the
  role sees the steering data (``steering.view``).
- ``steering.view_body`` (and its meetings): same network, and the role sees the steering data, or
  the role takes part (``steering.take_part``) and the actor or the actor's organisation is a member
  of the body (the police see only such bodies).
- ``steering.view_event``: same network, and the role takes part.
- ``steering.change_*``: same network, and the role manages (``steering.manage``).
- ``steering.update_action_item``: the actor sees the meeting, and manages, or is the responsible
  person, or belongs to the responsible organisation.
- ``steering.change_report``: same network, and the actor manages, or filed the report (a report
  from a case closure has no reporter).
- ``steering.prioritise_gap``: the actor sees the gap, and the role prioritises
  (``steering.prioritise``) or the actor is a named member of an active core group of the network.

``access.py`` holds the list counterparts (kept in step by tests).
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.network.models import Membership
from ankommen.steering.choices import BodyKind
from ankommen.steering.models import Body, BodyMember, Meeting, NetworkActionItem, ProblemReport


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


may_take_part = _holds("steering.take_part")
may_view = _holds("steering.view")
may_report = _holds("steering.report_problem")
may_manage = _holds("steering.manage")
may_prioritise = _holds("steering.prioritise")


def _body_of(obj: Any) -> Body | None:
    if isinstance(obj, Body):
        return obj
    if isinstance(obj, Meeting):
        return obj.body
    if isinstance(obj, NetworkActionItem):
        return obj.meeting.body
    return None


@rules.predicate
def is_same_network(membership: Membership, obj: Any) -> bool:
    return _active(membership) and obj is not None and getattr(obj, "network_id", None) == membership.network_id


def is_member(membership: Membership, body: Body) -> bool:
    """The actor, or the actor's organisation, is a member of the body."""
    from django.db.models import Q

    return BodyMember.objects.filter(
        Q(user=membership.user_id) | Q(organisation=membership.organisation_id),
        network=membership.network_id,
        body=body.pk,
    ).exists()


@rules.predicate
def is_body_member(membership: Membership, obj: Any) -> bool:
    body = _body_of(obj)
    return _active(membership) and body is not None and is_member(membership, body)


def is_core_group_member(membership: Membership) -> bool:
    """The actor is a named member (by account) of an active core group of the network."""
    return (
        _active(membership)
        and BodyMember.objects.filter(
            network=membership.network_id,
            user=membership.user_id,
            body__kind=BodyKind.CORE_GROUP,
            body__is_active=True,
        ).exists()
    )


@rules.predicate
def in_core_group(membership: Membership, obj: Any = None) -> bool:
    return is_core_group_member(membership)


@rules.predicate
def is_action_owner(membership: Membership, obj: Any) -> bool:
    return (
        _active(membership)
        and isinstance(obj, NetworkActionItem)
        and (obj.owner_user_id == membership.user_id or obj.owner_organisation_id == membership.organisation_id)
    )


@rules.predicate
def is_reporter(membership: Membership, obj: Any) -> bool:
    return (
        _active(membership)
        and isinstance(obj, ProblemReport)
        and obj.reported_by_id is not None
        and obj.reported_by_id == membership.user_id
    )


_sees_body = is_same_network & (may_view | (may_take_part & is_body_member))

steering_rules = rules.RuleSet()
steering_rules["steering.view_agreement"] = is_same_network & may_view
steering_rules["steering.change_agreement"] = is_same_network & may_manage
steering_rules["steering.view_body"] = _sees_body
steering_rules["steering.change_body"] = is_same_network & may_manage
steering_rules["steering.update_action_item"] = _sees_body & (may_manage | is_action_owner)
steering_rules["steering.view_event"] = is_same_network & may_take_part
steering_rules["steering.change_event"] = is_same_network & may_manage
steering_rules["steering.view_report"] = is_same_network & may_view
steering_rules["steering.change_report"] = is_same_network & (may_manage | (may_report & is_reporter))
steering_rules["steering.view_gap"] = is_same_network & may_view
steering_rules["steering.change_gap"] = is_same_network & may_manage
steering_rules["steering.prioritise_gap"] = is_same_network & may_view & (may_prioritise | in_core_group)


def check_steering_rule(name: str, membership: Membership, obj: Any) -> bool:
    if name not in steering_rules:
        raise KeyError(f"Unknown steering rule {name!r}: add it to ankommen/steering/rules.py")
    return bool(steering_rules.test_rule(name, membership, obj))
