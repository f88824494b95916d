"""Bodies and working groups (Lenkungsgruppe, Bündniskerngruppe, working and project groups), their
members, meetings with agenda, minutes, decisions and action items.

Members are organisations, people with an account (with the organisation they represent) or named
people outside the platform. Action items go to an organisation, a person with an account or a
named person; the owners see them on their start page and update their status themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.accounts.models import User
from ankommen.network.models import Membership, Organisation
from ankommen.steering.choices import ActionStatus, BodyKind, MeetingStatus, MemberFunction, Topic
from ankommen.steering.models import (
    Body,
    BodyMember,
    Meeting,
    MeetingAgendaItem,
    MeetingDecision,
    NetworkActionItem,
)
from ankommen.steering.services.common import (
    SteeringError,
    apply_values,
    audit,
    check_version,
    locked,
    network_organisation,
    require,
    save_versioned,
)

BODY_FIELDS = ("kind", "name", "topic", "remit", "is_active")
MEETING_FIELDS = ("scheduled_at", "place")
GROUP_KINDS = (BodyKind.WORKING_GROUP, BodyKind.PROJECT_GROUP)
CANCELLED = _("This meeting was cancelled; it cannot be changed any more.")


# --- bodies ----------------------------------------------------------------------------------


def _validate_body(actor: Membership, values: Mapping[str, Any], body: Body | None = None) -> None:
    errors: dict[str, Any] = {}
    kind, topic, name = values.get("kind"), values.get("topic") or "", str(values.get("name") or "").strip()
    if kind not in BodyKind.values:
        errors["kind"] = _("Please choose the kind of body.")
    if kind in GROUP_KINDS and topic not in Topic.values:
        errors["topic"] = _("Working and project groups work on a topic: please choose one.")
    if topic and topic not in Topic.values:
        errors["topic"] = _("Please choose a topic from the list.")
    if not name:
        errors["name"] = _("Please give the body a name.")
    else:
        same = Body.objects.filter(network=actor.network_id, name__iexact=name)
        if body is not None:
            same = same.exclude(pk=body.pk)
        if same.exists():
            errors["name"] = _("There is already a body with this name.")
    if errors:
        raise SteeringError(errors)


def create_body(actor: Membership, values: Mapping[str, Any]) -> Body:
    require(actor, "steering.change_body", Body(network_id=actor.network_id))
    with transaction.atomic():
        _validate_body(actor, values)
        body = Body(network_id=actor.network_id, created_by=actor.user)
        apply_values(body, {**values, "is_active": values.get("is_active", True)}, BODY_FIELDS)
        body.save()
        audit(actor, "steering.body_created", body, kind=body.kind, topic=body.topic)
    return body


def update_body(actor: Membership, body: Body, values: Mapping[str, Any], *, version: int | None) -> Body:
    with transaction.atomic():
        current = locked(actor, Body, body.pk, "steering.change_body")
        check_version(current, version)
        merged = {name: values.get(name, getattr(current, name)) for name in BODY_FIELDS}
        _validate_body(actor, merged, current)
        changed = apply_values(current, merged, BODY_FIELDS)
        if changed:
            save_versioned(current, changed)
            audit(actor, "steering.body_changed", current, fields=changed)
    return current


def add_member(
    actor: Membership,
    body: Body,
    *,
    organisation: Organisation | None = None,
    user: User | None = None,
    person_name: str = "",
    function: str = MemberFunction.MEMBER,
    joined_on: dt.date | None = None,
) -> BodyMember:
    """An organisation, a person with an account in the network, or a named person outside it."""
    person_name = person_name.strip()
    if function not in MemberFunction.values:
        raise SteeringError({"function": _("Please choose the member's function.")})
    if organisation is None and user is None and not person_name:
        raise SteeringError(_("Please choose an organisation or a person, or give the name of a person."))
    if user is not None and person_name:
        raise SteeringError({"person_name": _("Either a person with an account or the name of another person.")})
    with transaction.atomic():
        current = locked(actor, Body, body.pk, "steering.change_body")
        network_organisation(actor, organisation, "organisation")
        if user is not None:
            holds = Membership.objects.filter(network=actor.network_id, user=user.pk, is_active=True)
            if organisation is not None:
                holds = holds.filter(organisation=organisation.pk)
            if not holds.exists():
                raise SteeringError({"user": _("This person holds no role in the network (for that organisation).")})
            if current.members.filter(user=user.pk).exists():
                raise SteeringError({"user": _("This person is already a member.")})
        elif (
            not person_name
            and current.members.filter(
                organisation=organisation.pk if organisation else None, user__isnull=True, person_name=""
            ).exists()
        ):
            raise SteeringError({"organisation": _("This organisation is already a member.")})
        member = BodyMember.objects.create(
            network_id=actor.network_id,
            body=current,
            organisation=organisation,
            user=user,
            person_name=person_name,
            function=function,
            joined_on=joined_on or timezone.localdate(),
        )
        audit(
            actor,
            "steering.member_added",
            current,
            member=member.pk,
            organisation=organisation.pk if organisation else None,
            user=user.pk if user else None,
            function=function,
        )
    return member


def remove_member(actor: Membership, body: Body, member: BodyMember) -> None:
    with transaction.atomic():
        current = locked(actor, Body, body.pk, "steering.change_body")
        deleted, _rows = current.members.filter(pk=member.pk).delete()
        if not deleted:
            raise SteeringError(_("This is not a member of the body."))
        audit(actor, "steering.member_removed", current, member=member.pk)


# --- meetings --------------------------------------------------------------------------------


def _locked_meeting(actor: Membership, meeting: Meeting) -> Meeting:
    current = locked(actor, Meeting, meeting.pk, "steering.change_body")
    return current


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise SteeringError(CANCELLED)


def schedule_meeting(actor: Membership, body: Body, *, scheduled_at: dt.datetime, place: str) -> Meeting:
    if not place.strip():
        raise SteeringError({"place": _("Please give the meeting room or the video room.")})
    with transaction.atomic():
        current = locked(actor, Body, body.pk, "steering.change_body")
        if not current.is_active:
            raise SteeringError(_("This body is no longer active."))
        meeting = Meeting.objects.create(
            network_id=actor.network_id,
            body=current,
            scheduled_at=scheduled_at,
            place=place.strip(),
            created_by=actor.user,
        )
        audit(actor, "steering.meeting_scheduled", meeting, body=current.pk)
    return meeting


def update_meeting(actor: Membership, meeting: Meeting, values: Mapping[str, Any], *, version: int | None) -> Meeting:
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        check_version(current, version)
        if not current.is_planned:
            raise SteeringError(_("Only a planned meeting can be moved."))
        if "place" in values and not str(values["place"]).strip():
            raise SteeringError({"place": _("Please give the meeting room or the video room.")})
        changed = apply_values(current, values, MEETING_FIELDS)
        if changed:
            save_versioned(current, changed)
            audit(actor, "steering.meeting_changed", current, fields=changed)
    return current


def add_agenda_item(
    actor: Membership, meeting: Meeting, *, title: str, notes: str = "", order: int | None = None
) -> MeetingAgendaItem:
    if not title.strip():
        raise SteeringError({"title": _("Please give the topic.")})
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        _require_not_cancelled(current)
        if order is None:
            order = (current.agenda.aggregate(last=Max("order"))["last"] or 0) + 1
        item = MeetingAgendaItem.objects.create(
            network_id=actor.network_id, meeting=current, order=order, title=title.strip(), notes=notes.strip()
        )
        audit(actor, "steering.agenda_item_added", current, item=item.pk)
    return item


def save_minutes(actor: Membership, meeting: Meeting, minutes: str, *, version: int | None) -> Meeting:
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        check_version(current, version)
        _require_not_cancelled(current)
        if current.minutes != minutes:
            current.minutes = minutes
            save_versioned(current, ["minutes"])
            audit(actor, "steering.minutes_saved", current, length=len(minutes))
    return current


def add_decision(actor: Membership, meeting: Meeting, text: str) -> MeetingDecision:
    if not text.strip():
        raise SteeringError({"text": _("Please write down the decision.")})
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        _require_not_cancelled(current)
        decision = MeetingDecision.objects.create(
            network_id=actor.network_id, meeting=current, text=text.strip(), created_by=actor.user
        )
        audit(actor, "steering.decision_added", current, decision=decision.pk)
    return decision


def add_action_item(
    actor: Membership,
    meeting: Meeting,
    *,
    text: str,
    due_on: dt.date,
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    owner_name: str = "",
) -> NetworkActionItem:
    """An action item for an organisation, a person with an account in the network, or a named
    person outside the platform."""
    owner_name = owner_name.strip()
    if not text.strip():
        raise SteeringError({"text": _("Please write down what is to be done.")})
    if owner_organisation is None and owner_user is None and not owner_name:
        raise SteeringError(_("Please name who is responsible: an organisation or a person."))
    if owner_user is not None and owner_name:
        raise SteeringError({"owner_name": _("Either a person with an account or the name of another person.")})
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        _require_not_cancelled(current)
        network_organisation(actor, owner_organisation, "owner_organisation")
        if (
            owner_user is not None
            and not Membership.objects.filter(network=actor.network_id, user=owner_user.pk, is_active=True).exists()
        ):
            raise SteeringError({"owner_user": _("This person holds no role in the network.")})
        item = NetworkActionItem.objects.create(
            network_id=actor.network_id,
            meeting=current,
            text=text.strip(),
            owner_organisation=owner_organisation,
            owner_user=owner_user,
            owner_name=owner_name,
            due_on=due_on,
            created_by=actor.user,
        )
        audit(
            actor,
            "steering.action_item_added",
            current,
            item=item.pk,
            owner_organisation=owner_organisation.pk if owner_organisation else None,
            owner_user=owner_user.pk if owner_user else None,
            due_on=due_on,
        )
    return item


def update_action_item(actor: Membership, item: NetworkActionItem, status: str) -> NetworkActionItem:
    """Its owners (the person, the organisation's staff) and the coordinators set the status."""
    if status not in ActionStatus.values:
        raise SteeringError({"status": _("Please choose a status.")})
    with transaction.atomic():
        current = (
            NetworkActionItem.objects.select_for_update(of=("self",))
            .select_related("meeting", "meeting__body")
            .filter(pk=item.pk, network=actor.network_id)
            .first()
        )
        if current is None:
            raise SteeringError(_("This action item no longer exists."))
        require(actor, "steering.update_action_item", current)
        if current.status == status:
            return current
        previous = current.status
        current.status = status
        current.done_at = timezone.now() if status == ActionStatus.DONE else None
        current.updated_by = actor.user
        current.save(update_fields=["status", "done_at", "updated_by"])
        audit(actor, "steering.action_item_updated", current, from_status=previous, to_status=status)
    return current


def hold_meeting(actor: Membership, meeting: Meeting, *, version: int | None = None) -> Meeting:
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        check_version(current, version)
        if not current.is_planned:
            raise SteeringError(_("Only a planned meeting can be marked as held."))
        if timezone.localdate(current.scheduled_at) > timezone.localdate():
            raise SteeringError(_("The meeting is scheduled for a later day."))
        current.status = MeetingStatus.HELD
        save_versioned(current, ["status"])
        audit(actor, "steering.meeting_held", current)
    return current


def cancel_meeting(actor: Membership, meeting: Meeting, *, version: int | None = None) -> Meeting:
    with transaction.atomic():
        current = _locked_meeting(actor, meeting)
        check_version(current, version)
        if not current.is_planned:
            raise SteeringError(_("Only a planned meeting can be cancelled."))
        current.status = MeetingStatus.CANCELLED
        save_versioned(current, ["status"])
        audit(actor, "steering.meeting_cancelled", current)
    return current
