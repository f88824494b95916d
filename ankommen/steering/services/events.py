"""Network events: kick-off events, STARTER workshops, workshops and information days.

Registrations are of two kinds, and neither holds participant data: staff with an account register
themselves (name and organisation), and registrations of everyone else are kept as a number. After
the event the coordinators record how many came (a number)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.network.models import Membership, Organisation
from ankommen.steering.choices import EventKind, EventStatus
from ankommen.steering.models import Agreement, Body, Event, EventRegistration
from ankommen.steering.rules import check_steering_rule
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

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "organiser",
    "agreement",
    "body",
    "capacity",
)


def _validate(actor: Membership, values: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if values.get("kind") not in EventKind.values:
        errors["kind"] = _("Please choose the kind of event.")
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Please give the event a title.")
    if not str(values.get("place") or "").strip():
        errors["place"] = _("Please give the place of the event.")
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None:
        errors["starts_at"] = _("Please give the start of the event.")
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The event ends after it starts.")
    organiser: Organisation | None = values.get("organiser")
    if organiser is None:
        errors["organiser"] = _("Please choose the organisation that organises the event.")
    for name, model in (("agreement", Agreement), ("body", Body)):
        obj = values.get(name)
        if obj is not None and (not isinstance(obj, model) or obj.network_id != actor.network_id):
            errors[name] = _("Please choose from the list.")
    if errors:
        raise SteeringError(errors)
    network_organisation(actor, organiser, "organiser")


def _hosts(actor: Membership, hosts: Iterable[Organisation]) -> list[Organisation]:
    found = list(hosts)
    for organisation in found:
        network_organisation(actor, organisation, "hosts")
    return found


def create_event(actor: Membership, values: Mapping[str, Any], *, hosts: Iterable[Organisation] = ()) -> Event:
    require(actor, "steering.change_event", Event(network_id=actor.network_id))
    _validate(actor, values)
    hosting = _hosts(actor, hosts)
    with transaction.atomic():
        event = Event(network_id=actor.network_id, created_by=actor.user)
        apply_values(event, values, EVENT_FIELDS)
        event.save()
        event.hosts.set(hosting)
        audit(actor, "steering.event_created", event, kind=event.kind, hosts=[o.pk for o in hosting])
    return event


def update_event(
    actor: Membership,
    event: Event,
    values: Mapping[str, Any],
    *,
    hosts: Iterable[Organisation] | None = None,
    version: int | None,
) -> Event:
    with transaction.atomic():
        current = locked(actor, Event, event.pk, "steering.change_event")
        check_version(current, version)
        merged = {name: values.get(name, getattr(current, name)) for name in EVENT_FIELDS}
        _validate(actor, merged)
        changed = apply_values(current, merged, EVENT_FIELDS)
        if hosts is not None:
            hosting = _hosts(actor, hosts)
            if {o.pk for o in hosting} != set(current.hosts.values_list("pk", flat=True)):
                current.hosts.set(hosting)
                changed.append("hosts")
        model_fields = [name for name in changed if name != "hosts"]
        if changed:
            save_versioned(current, model_fields)
            audit(actor, "steering.event_changed", current, fields=changed)
    return current


def record_event_counts(
    actor: Membership,
    event: Event,
    *,
    registered_count: int,
    attendance_count: int | None,
    status: str,
    version: int | None,
) -> Event:
    """Registrations counted (people without an account), attendance (after the start) and whether
    the event took place."""
    if status not in EventStatus.values:
        raise SteeringError({"status": _("Please choose a status.")})
    if registered_count < 0 or (attendance_count is not None and attendance_count < 0):
        raise SteeringError(_("Counts cannot be negative."))
    with transaction.atomic():
        current = locked(actor, Event, event.pk, "steering.change_event")
        check_version(current, version)
        started = current.starts_at <= timezone.now()
        if attendance_count is not None and not started:
            raise SteeringError({"attendance_count": _("Attendance is recorded once the event has started.")})
        if status == EventStatus.HELD and not started:
            raise SteeringError({"status": _("The event has not started yet.")})
        if status == EventStatus.CANCELLED and attendance_count:
            raise SteeringError({"attendance_count": _("A cancelled event has no attendance.")})
        changed = apply_values(
            current,
            {"registered_count": registered_count, "attendance_count": attendance_count, "status": status},
            ("registered_count", "attendance_count", "status"),
        )
        if changed:
            save_versioned(current, changed)
            audit(
                actor,
                "steering.event_counts_recorded",
                current,
                registered=registered_count,
                attendance=attendance_count,
                status=status,
            )
    return current


def registered_total(event: Event) -> int:
    return event.registered_count + event.registrations.count()


def register_for_event(actor: Membership, event: Event) -> EventRegistration:
    """The actor registers for a planned event that has not started, while places are free."""
    with transaction.atomic():
        current = Event.objects.select_for_update().filter(pk=event.pk, network=actor.network_id).first()
        if current is None or not check_steering_rule("steering.view_event", actor, current):
            raise SteeringError(_("This event does not exist."))
        if not current.is_planned or current.starts_at <= timezone.now():
            raise SteeringError(_("Registration is closed: the event has started, ended or was cancelled."))
        if current.registrations.filter(user=actor.user_id).exists():
            raise SteeringError(_("You are already registered."))
        if current.capacity is not None and registered_total(current) >= current.capacity:
            raise SteeringError(_("The event is fully booked."))
        registration = EventRegistration.objects.create(
            network_id=actor.network_id, event=current, user=actor.user, organisation_id=actor.organisation_id
        )
        audit(actor, "steering.event_registered", current, registration=registration.pk)
    return registration


def unregister_from_event(actor: Membership, event: Event) -> None:
    with transaction.atomic():
        current = Event.objects.select_for_update().filter(pk=event.pk, network=actor.network_id).first()
        if current is None or not check_steering_rule("steering.view_event", actor, current):
            raise SteeringError(_("This event does not exist."))
        if current.starts_at <= timezone.now():
            raise SteeringError(_("The event has started; the registration stays on record."))
        deleted, _rows = current.registrations.filter(user=actor.user_id).delete()
        if not deleted:
            raise SteeringError(_("You are not registered."))
        audit(actor, "steering.event_unregistered", current)


def day_of(event: Event) -> dt.date:
    return timezone.localdate(event.starts_at)
