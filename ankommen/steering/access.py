"""Who reaches which agreement, body, meeting, action item, event, problem report and gap.

The list functions are the query counterparts of the rules in ``rules.py``. The ``get_*_for``
helpers answer 404 for whoever may not see the object (other networks, the police for bodies they
are not members of, roles without steering rights) and 403 for a visible object the actor may not
change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ankommen.network.models import Membership
from ankommen.steering.models import (
    Agreement,
    Body,
    BodyMember,
    Event,
    Gap,
    Meeting,
    NetworkActionItem,
    ProblemReport,
)
from ankommen.steering.rules import check_steering_rule, is_core_group_member


def _id(value: int | str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _check(actor: Membership, obj: object, view_rule: str, change_rule: str | None) -> None:
    if not check_steering_rule(view_rule, actor, obj):
        raise Http404
    if change_rule is not None and not check_steering_rule(change_rule, actor, obj):
        raise PermissionDenied


def _sees(actor: Membership, permission: str) -> bool:
    return actor.is_active and actor.has_perm(permission)


# --- agreements ------------------------------------------------------------------------------


def visible_agreements(actor: Membership) -> QuerySet[Agreement]:
    agreements = Agreement.objects.filter(network=actor.network_id)
    return agreements if _sees(actor, "steering.view") else agreements.none()


def get_agreement_for(actor: Membership, agreement_id: int | str, *, write: bool = False) -> Agreement:
    agreement = visible_agreements(actor).filter(pk=_id(agreement_id)).first()
    if agreement is None:
        raise Http404
    _check(actor, agreement, "steering.view_agreement", "steering.change_agreement" if write else None)
    return agreement


# --- bodies, meetings, action items ----------------------------------------------------------


def member_bodies_condition(actor: Membership) -> Q:
    """Bodies of which the actor or the actor's organisation is a member."""
    return Q(
        Exists(
            BodyMember.objects.filter(body=OuterRef("pk")).filter(
                Q(user=actor.user_id) | Q(organisation=actor.organisation_id)
            )
        )
    )


def visible_bodies(actor: Membership) -> QuerySet[Body]:
    bodies = Body.objects.filter(network=actor.network_id)
    if _sees(actor, "steering.view"):
        return bodies
    if _sees(actor, "steering.take_part"):
        return bodies.filter(member_bodies_condition(actor))
    return bodies.none()


def get_body_for(actor: Membership, body_id: int | str, *, write: bool = False) -> Body:
    body = visible_bodies(actor).filter(pk=_id(body_id)).first()
    if body is None:
        raise Http404
    _check(actor, body, "steering.view_body", "steering.change_body" if write else None)
    return body


def visible_meetings(actor: Membership) -> QuerySet[Meeting]:
    return Meeting.objects.filter(network=actor.network_id, body__in=visible_bodies(actor).values("pk"))


def get_meeting_for(actor: Membership, meeting_id: int | str, *, write: bool = False) -> Meeting:
    meeting = visible_meetings(actor).select_related("body").filter(pk=_id(meeting_id)).first()
    if meeting is None:
        raise Http404
    _check(actor, meeting, "steering.view_body", "steering.change_body" if write else None)
    return meeting


def get_action_item_for(actor: Membership, item_id: int | str) -> NetworkActionItem:
    """An action item of a visible meeting; 403 unless the actor manages or owns it."""
    item = (
        NetworkActionItem.objects.filter(
            network=actor.network_id, meeting__in=visible_meetings(actor).values("pk"), pk=_id(item_id)
        )
        .select_related("meeting", "meeting__body", "owner_organisation", "owner_user")
        .first()
    )
    if item is None:
        raise Http404
    _check(actor, item, "steering.view_body", "steering.update_action_item")
    return item


def own_action_items(actor: Membership) -> QuerySet[NetworkActionItem]:
    """Action items for which the actor or the actor's organisation is responsible, of meetings the
    actor sees."""
    if not _sees(actor, "steering.take_part"):
        return NetworkActionItem.objects.none()
    return NetworkActionItem.objects.filter(
        Q(owner_user=actor.user_id) | Q(owner_organisation=actor.organisation_id),
        network=actor.network_id,
        meeting__in=visible_meetings(actor).values("pk"),
    )


def updatable_items(actor: Membership, items: list[NetworkActionItem]) -> set[int]:
    """The items of a visible meeting the actor may update (the rule without a query per item)."""
    if _sees(actor, "steering.manage"):
        return {item.pk for item in items}
    return {
        item.pk
        for item in items
        if item.owner_user_id == actor.user_id or item.owner_organisation_id == actor.organisation_id
    }


# --- events ----------------------------------------------------------------------------------


def visible_events(actor: Membership) -> QuerySet[Event]:
    events = Event.objects.filter(network=actor.network_id)
    return events if _sees(actor, "steering.take_part") else events.none()


def get_event_for(actor: Membership, event_id: int | str, *, write: bool = False) -> Event:
    event = visible_events(actor).select_related("organiser").filter(pk=_id(event_id)).first()
    if event is None:
        raise Http404
    _check(actor, event, "steering.view_event", "steering.change_event" if write else None)
    return event


# --- problem reports and gaps ----------------------------------------------------------------


def visible_reports(actor: Membership) -> QuerySet[ProblemReport]:
    reports = ProblemReport.objects.filter(network=actor.network_id)
    return reports if _sees(actor, "steering.view") else reports.none()


def get_report_for(actor: Membership, report_id: int | str, *, write: bool = False) -> ProblemReport:
    report = visible_reports(actor).select_related("organisation", "event").filter(pk=_id(report_id)).first()
    if report is None:
        raise Http404
    _check(actor, report, "steering.view_report", "steering.change_report" if write else None)
    return report


def visible_gaps(actor: Membership) -> QuerySet[Gap]:
    gaps = Gap.objects.filter(network=actor.network_id)
    return gaps if _sees(actor, "steering.view") else gaps.none()


def get_gap_for(actor: Membership, gap_id: int | str, *, write: bool = False) -> Gap:
    gap = visible_gaps(actor).select_related("owner", "body").filter(pk=_id(gap_id)).first()
    if gap is None:
        raise Http404
    _check(actor, gap, "steering.view_gap", "steering.change_gap" if write else None)
    return gap


def may_prioritise(actor: Membership) -> bool:
    """Coordinators (``steering.prioritise``) and named members of an active core group, among those
    who see the gap register."""
    if not _sees(actor, "steering.view"):
        return False
    return actor.has_perm("steering.prioritise") or is_core_group_member(actor)


def get_gap_to_prioritise(actor: Membership, gap_id: int | str) -> Gap:
    gap = get_gap_for(actor, gap_id)
    if not check_steering_rule("steering.prioritise_gap", actor, gap):
        raise PermissionDenied
    return gap
