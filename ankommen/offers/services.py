"""State changes of offers: catalogue entries and sessions, the network-wide entitlement-path switch,
enrolment with waiting lists, attendance (by list, by card, counts only) and participant cards.

Each function takes the acting membership first, checks the object rule (``rules.py``), runs in one
transaction with its audit entry and refuses with an ``OfferError`` whose message is translated and
meant for the user.

Seats (ADR 0012): the row that holds the capacity – the offer for course-like offers, the session
where seats are given per session – is locked with ``select_for_update`` before the seats are
counted, so two concurrent requests for the last seat are served one after the other: the first
gets the seat, the second the first place on the waiting list. The waiting list is first come,
first served (``queued_at``, then id). Whenever seats free up (a cancellation, more seats, a path
reopened) the first *eligible* people on the waiting list move up in the same transaction; someone
whose entitlement path has closed or who no longer fits the target group keeps their place but is
skipped.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.network.models import Membership
from ankommen.network.roles import NO_PERSONAL_DATA_ROLES, OrganisationType
from ankommen.offers import eligibility
from ankommen.offers.choices import (
    ACTIVE_STATUSES,
    AttendanceMethod,
    AttendanceMode,
    CancellationReason,
    EnrolmentStatus,
    EnrolmentUnit,
    EntitlementPath,
    OfferStatus,
)
from ankommen.offers.models import Attendance, Enrolment, EntitlementPathState, Offer, ParticipantCard, Session
from ankommen.offers.rules import check_offer_rule
from ankommen.offers.schedule import session_dates
from ankommen.participants.models import LanguageSkill, Participant, ResidenceStatus


class OfferError(ValidationError):
    """A change that is refused. Messages are translated and shown to the user."""


STALE_VERSION = _(
    "Someone else changed this offer in the meantime. Your changes were not saved. "
    "Reload the page to see the current data, then make your change again."
)
# Card tokens: an alphabet without look-alikes (0/O, 1/I/L), so a token can be typed from the card.
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # noqa: S105 - an alphabet, not a secret
TOKEN_LENGTH = 12  # 31^12 ≈ 2^59 possibilities

OFFER_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "translations",
    "category",
    "field_of_action",
    "status",
    "age_min",
    "age_max",
    "open_regardless_of_status",
    "admitted_statuses",
    "gender",
    "languages",
    "min_german_level",
    "is_german_course",
    "entitlement_paths",
    "address",
    "district",
    "at_zue",
    "step_free",
    "accessibility_note",
    "childcare",
    "is_free",
    "cost_note",
    "contact",
    "attendance_mode",
    "enrolment_unit",
    "capacity",
    "allocates_seats",
    "is_public",
)
SESSION_FIELDS: tuple[str, ...] = ("starts_at", "ends_at", "place", "capacity", "is_cancelled")


# --- helpers -----------------------------------------------------------------------------------


def _require_rule(actor: Membership, rule: str, obj: Any) -> None:
    if not check_offer_rule(rule, actor, obj):
        raise PermissionDenied


def _now() -> dt.datetime:
    return timezone.now()


def _changed(obj: Any, values: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


def counts_only_for(actor: Membership) -> bool:
    """Offers of the police (and of any role that may not see personal data) are counts only."""
    return actor.organisation.type == OrganisationType.POLICE or actor.role in NO_PERSONAL_DATA_ROLES


def _clean_offer_values(actor: Membership, values: dict[str, Any]) -> dict[str, Any]:
    if counts_only_for(actor):
        values["attendance_mode"] = AttendanceMode.COUNTS
    if (
        values.get("age_min") is not None
        and values.get("age_max") is not None
        and values["age_min"] > values["age_max"]
    ):
        raise OfferError({"age_max": _("The maximum age must not be below the minimum age.")})
    if values.get("capacity") is not None and values["capacity"] < 1:
        raise OfferError({"capacity": _("An offer needs at least one seat.")})
    if "is_german_course" in values:
        paths = list(values.get("entitlement_paths") or [])
        if values["is_german_course"] and not paths:
            raise OfferError({"entitlement_paths": _("Name at least one entitlement path for a German course.")})
        if not values["is_german_course"]:
            paths = []
        values["entitlement_paths"] = [p for p in EntitlementPath.values if p in paths]
    if values.get("open_regardless_of_status"):
        values["admitted_statuses"] = []
    elif "open_regardless_of_status" in values and not values.get("admitted_statuses"):
        raise OfferError(
            {"admitted_statuses": _("Name the residence statuses admitted, or open the offer regardless of status.")}
        )
    return values


def _locked_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk, network=offer.network_id)


def _locked_session(session: Session) -> Session:
    locked = Session.objects.select_for_update().get(pk=session.pk, network=session.network_id)
    locked.offer = session.offer
    return locked


# --- catalogue ---------------------------------------------------------------------------------


def create_offer(actor: Membership, values: Mapping[str, Any]) -> Offer:
    """A new offer of the actor's organisation (a draft unless ``status`` says otherwise)."""
    if not actor.has_perm("offers.manage_own"):
        raise PermissionDenied
    data = _clean_offer_values(actor, {k: v for k, v in values.items() if k in OFFER_FIELDS})
    if not data.get("title"):
        raise OfferError({"title": _("An offer needs a title.")})
    with transaction.atomic():
        offer = Offer.objects.create(
            network_id=actor.network_id, organisation_id=actor.organisation_id, created_by=actor.user, **data
        )
        log_action(actor, "offer.created", offer, data={"offer": offer.pk, "status": offer.status})
    return offer


def update_offer(actor: Membership, offer: Offer, values: Mapping[str, Any], *, version: int | None) -> Offer:
    """Change an offer of the actor's organisation. More seats let the waiting list move up."""
    _require_rule(actor, "offers.change_offer", offer)
    data = _clean_offer_values(actor, {k: v for k, v in values.items() if k in OFFER_FIELDS})
    with transaction.atomic():
        current = _locked_offer(offer)
        current.organisation = offer.organisation
        if version is not None and version != current.version:
            raise OfferError(STALE_VERSION, code="stale")
        has_enrolments = current.enrolments.filter(status__in=ACTIVE_STATUSES).exists()
        for name in ("enrolment_unit", "attendance_mode"):
            if has_enrolments and name in data and data[name] != getattr(current, name):
                raise OfferError(
                    {name: _("This cannot change while people are enrolled or waiting. Cancel their enrolments first.")}
                )
        changed = _changed(current, data, OFFER_FIELDS)
        if not changed:
            return current
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        promoted = []
        if {"capacity", "status"} & set(changed) and current.enrolment_unit == EnrolmentUnit.COURSE:
            promoted = _fill_seats(actor, current, None)
        log_action(
            actor,
            "offer.updated",
            current,
            data={"offer": current.pk, "fields": changed, "promoted": [e.pk for e in promoted]},
        )
    return current


def add_sessions(
    actor: Membership,
    offer: Offer,
    *,
    first_day: dt.date,
    starts: dt.time,
    ends: dt.time,
    recurrence: str,
    count: int | None = None,
    until: dt.date | None = None,
    place: str = "",
    capacity: int | None = None,
) -> list[Session]:
    """One session, or a series (weekly, fortnightly, every working day), at the same local times."""
    _require_rule(actor, "offers.change_offer", offer)
    if ends <= starts:
        raise OfferError({"ends": _("A session must end after it starts.")})
    try:
        days = session_dates(first_day, recurrence, count=count, until=until)
    except ValueError:
        raise OfferError({"count": _("Give the number of sessions or the date of the last one.")}) from None
    if not days:
        raise OfferError({"until": _("No session falls into this period.")})
    zone = timezone.get_current_timezone()
    with transaction.atomic():
        sessions = Session.objects.bulk_create(
            Session(
                network_id=offer.network_id,
                offer=offer,
                starts_at=timezone.make_aware(dt.datetime.combine(day, starts), zone),
                ends_at=timezone.make_aware(dt.datetime.combine(day, ends), zone),
                place=place,
                capacity=capacity if offer.enrolment_unit == EnrolmentUnit.SESSION else None,
            )
            for day in days
        )
        log_action(
            actor,
            "offer.sessions_added",
            offer,
            data={"offer": offer.pk, "sessions": len(sessions), "recurrence": recurrence},
        )
    return sessions


def update_session(actor: Membership, session: Session, values: Mapping[str, Any]) -> Session:
    """Move, re-seat or cancel one session. More seats let that session's waiting list move up."""
    offer = session.offer
    _require_rule(actor, "offers.change_offer", offer)
    starts = values.get("starts_at", session.starts_at)
    ends = values.get("ends_at", session.ends_at)
    if ends <= starts:
        raise OfferError({"ends_at": _("A session must end after it starts.")})
    with transaction.atomic():
        current = _locked_session(session)
        changed = _changed(current, values, SESSION_FIELDS)
        if not changed:
            return current
        current.save(update_fields=changed)
        promoted = []
        if offer.enrolment_unit == EnrolmentUnit.SESSION and {"capacity", "is_cancelled"} & set(changed):
            promoted = _fill_seats(actor, offer, current)
        log_action(
            actor,
            "offer.session_updated",
            offer,
            data={"offer": offer.pk, "session": current.pk, "fields": changed, "promoted": [e.pk for e in promoted]},
        )
    return current


# --- entitlement paths -------------------------------------------------------------------------


def closed_paths(network_id: int) -> set[str]:
    return set(EntitlementPathState.objects.filter(network=network_id, is_open=False).values_list("path", flat=True))


def set_entitlement_path(actor: Membership, path: str, *, is_open: bool, reason: str = "") -> EntitlementPathState:
    """Open or close a route into German courses for the whole network (coordinators).

    Closing stops new enrolments by that route in every German course; seats already given stay,
    waiting places stay but do not move up. Reopening lets those waiting move up where seats are free.
    """
    if not actor.has_perm("offers.manage_paths"):
        raise PermissionDenied
    if path not in EntitlementPath.values:
        raise OfferError(_("Unknown entitlement path."))
    if not is_open and not reason.strip():
        raise OfferError({"reason": _("Say why the path is closed (e.g. the authority's announcement).")})
    with transaction.atomic():
        state, _created = EntitlementPathState.objects.select_for_update().get_or_create(
            network_id=actor.network_id,
            path=path,
            defaults={"is_open": True, "changed_at": _now(), "changed_by": actor.user},
        )
        state.is_open = is_open
        state.reason = reason.strip()
        state.changed_at = _now()
        state.changed_by = actor.user
        state.save()
        promoted: list[Enrolment] = []
        if is_open:
            waiting = (
                Enrolment.objects.filter(network=actor.network_id, status=EnrolmentStatus.WAITING, path=path)
                .values_list("offer_id", "session_id")
                .distinct()
            )
            for offer_id, session_id in sorted(set(waiting), key=lambda pair: (pair[0], pair[1] or 0)):
                # Lock the row with the capacity, as enrolment does: the session, or the offer.
                session = None
                if session_id is not None:
                    session = Session.objects.select_for_update().get(pk=session_id, network=actor.network_id)
                    offer = Offer.objects.get(pk=offer_id)
                    session.offer = offer
                else:
                    offer = Offer.objects.select_for_update().get(pk=offer_id, network=actor.network_id)
                promoted += _fill_seats(actor, offer, session)
        log_action(
            actor,
            "offer.path_changed",
            state,
            data={"path": path, "open": is_open, "promoted": [e.pk for e in promoted]},
        )
    return state


# --- eligibility -------------------------------------------------------------------------------


def person_facts(participant: Participant, day: dt.date) -> eligibility.PersonFacts:
    """What the target-group check needs to know about a person, on ``day``."""
    status = (
        ResidenceStatus.objects.filter(participant=participant, valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .values_list("status", "valid_to")
        .first()
    )
    current = status[0] if status and (status[1] is None or status[1] >= day) else ("none" if status else None)
    german = LanguageSkill.objects.filter(participant=participant, language="de").values_list(
        "speaking", "listening", "reading", "writing"
    )
    levels = [level for row in german for level in row]
    return eligibility.PersonFacts(
        age=participant.age_on(day),
        status=current,
        sex=participant.sex,
        german_level=eligibility.best_level(levels),
    )


def target_group(offer: Offer) -> eligibility.TargetGroup:
    return eligibility.TargetGroup(
        age_min=offer.age_min,
        age_max=offer.age_max,
        open_regardless_of_status=offer.open_regardless_of_status,
        admitted_statuses=frozenset(offer.admitted_statuses or []),
        gender=offer.gender,
        min_german_level=offer.min_german_level,
    )


def enrolment_problems(offer: Offer, participant: Participant, path: str, *, closed: Collection[str]) -> list[str]:
    """Codes of ``eligibility.MESSAGES`` that stand against enrolling this person by ``path``."""
    problems = eligibility.target_group_problems(target_group(offer), person_facts(participant, timezone.localdate()))
    path_problem = eligibility.path_problem(
        is_german_course=offer.is_german_course, accepted=offer.entitlement_paths or [], closed=closed, path=path
    )
    if path_problem:
        problems.append(path_problem)
    return problems


# --- enrolment ---------------------------------------------------------------------------------


def seat_rows(offer: Offer, session: Session | None) -> QuerySet[Enrolment]:
    """The enrolments that compete for the same seats: the offer's (course) or the session's."""
    if offer.enrolment_unit == EnrolmentUnit.SESSION:
        return Enrolment.objects.filter(network=offer.network_id, offer=offer, session=session)
    return Enrolment.objects.filter(network=offer.network_id, offer=offer, session__isnull=True)


def seat_holders_of(session: Session) -> QuerySet[Enrolment]:
    """Who has a seat in this session (course offers: everyone enrolled in the offer)."""
    return seat_rows(session.offer, session).filter(status=EnrolmentStatus.ENROLLED)


def _seat_limit(offer: Offer, session: Session | None) -> int:
    return session.seat_limit if session is not None else offer.capacity


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first person on the waiting list; None when not waiting."""
    if enrolment.status != EnrolmentStatus.WAITING:
        return None
    ahead = (
        seat_rows(enrolment.offer, enrolment.session)
        .filter(status=EnrolmentStatus.WAITING)
        .filter(queued_at__lte=enrolment.queued_at)
        .exclude(queued_at=enrolment.queued_at, pk__gt=enrolment.pk)
        .count()
    )
    return ahead


def waiting_positions(enrolments: Iterable[Enrolment]) -> dict[int, int]:
    """The waiting-list positions of several enrolments at once (one query): {enrolment id: position}."""
    waiting = [e for e in enrolments if e.status == EnrolmentStatus.WAITING]
    if not waiting:
        return {}
    groups = {(e.offer_id, e.session_id) for e in waiting}
    rows = (
        Enrolment.objects.filter(
            network=waiting[0].network_id, status=EnrolmentStatus.WAITING, offer__in={offer for offer, _s in groups}
        )
        .order_by("queued_at", "pk")
        .values_list("pk", "offer_id", "session_id")
    )
    counters: dict[tuple[int, int | None], int] = {}
    positions: dict[int, int] = {}
    for pk, offer_id, session_id in rows:
        key = (offer_id, session_id)
        if key in groups:
            counters[key] = counters.get(key, 0) + 1
            positions[pk] = counters[key]
    return positions


def _fill_seats(actor: Membership, offer: Offer, session: Session | None) -> list[Enrolment]:
    """Move the first eligible waiting people up into free seats. The caller holds the lock of the
    row with the capacity (offer or session) and runs inside its transaction."""
    if offer.status != OfferStatus.PUBLISHED or (session is not None and session.is_cancelled):
        return []
    if offer.allocates_seats:
        return []  # the coordinator's seat allocation gives these seats (ADR 0013)
    rows = seat_rows(offer, session)
    free = _seat_limit(offer, session) - rows.filter(status=EnrolmentStatus.ENROLLED).count()
    if free <= 0:
        return []
    closed = closed_paths(offer.network_id)
    promoted: list[Enrolment] = []
    now = _now()
    waiting = rows.filter(status=EnrolmentStatus.WAITING).select_related("participant").order_by("queued_at", "pk")
    for enrolment in waiting:
        if len(promoted) >= free:
            break
        if enrolment.participant.merged_into_id is not None:
            continue
        if enrolment_problems(offer, enrolment.participant, enrolment.path, closed=closed):
            continue
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.from_waiting_list = True
        enrolment.save(update_fields=["status", "enrolled_at", "from_waiting_list", "updated_at"])
        log_action(
            actor,
            "enrolment.promoted",
            enrolment,
            subject=enrolment.audit_subject,
            data={"offer": offer.pk, "session": session.pk if session else None},
        )
        promoted.append(enrolment)
    return promoted


def enrol_participant(
    actor: Membership,
    offer: Offer,
    participant: Participant,
    *,
    session: Session | None = None,
    path: str = "",
    allocation: Any = None,
) -> Enrolment:
    """Give the person a seat, or a place on the waiting list when the seats are taken.

    Case managers enrol the participants of their own organisation. The capacity row is locked
    while the seats are counted (see the module docstring). In an offer whose seats are given by
    allocation (``allocates_seats``) the person goes on the waiting list, which is the list of
    those interested.

    With ``allocation`` (an ``AllocationRun`` being applied by a coordinator with
    ``offers.allocate``) the person gets a seat or nothing: a place on this offer's waiting list
    becomes the seat, and when no seat is free an ``OfferError`` with code ``no_seat`` is raised."""
    if allocation is not None:
        return _allocate_seat(actor, offer, participant, path=path, allocation=allocation)
    if not actor.has_perm("offers.enrol"):
        raise PermissionDenied
    if (
        participant.network_id != actor.network_id
        or participant.organisation_id != actor.organisation_id
        or offer.network_id != actor.network_id
    ):
        raise PermissionDenied
    if participant.merged_into_id is not None:
        raise OfferError(_("This record was merged into another one."))
    if offer.enrolment_unit == EnrolmentUnit.SESSION:
        if session is None or session.offer_id != offer.pk:
            raise OfferError({"session": _("Choose the session.")})
    else:
        session = None
    with transaction.atomic():
        if session is not None:
            holder = _locked_session(session)
            holder.offer = offer
            current_offer = Offer.objects.get(pk=offer.pk)
            if holder.is_cancelled:
                raise OfferError({"session": _("This session has been cancelled.")})
            if holder.starts_at <= _now():
                raise OfferError({"session": _("This session has already started.")})
        else:
            current_offer = _locked_offer(offer)
            holder = None
        if not current_offer.takes_enrolments:
            raise OfferError(_("This offer takes no enrolments at the moment."))
        problems = enrolment_problems(current_offer, participant, path, closed=closed_paths(actor.network_id))
        if problems:
            raise OfferError([eligibility.MESSAGES[code] for code in problems])
        rows = seat_rows(current_offer, holder)
        if rows.filter(participant=participant, status__in=ACTIVE_STATUSES).exists():
            raise OfferError(_("This person is already enrolled or on the waiting list."))
        taken = rows.filter(status=EnrolmentStatus.ENROLLED).count()
        now = _now()
        has_seat = taken < _seat_limit(current_offer, holder) and not current_offer.allocates_seats
        enrolment = Enrolment.objects.create(
            network_id=actor.network_id,
            offer=current_offer,
            session=holder,
            participant=participant,
            organisation_id=actor.organisation_id,
            status=EnrolmentStatus.ENROLLED if has_seat else EnrolmentStatus.WAITING,
            path=path,
            queued_at=now,
            enrolled_at=now if has_seat else None,
            created_by=actor.user,
        )
        log_action(
            actor,
            "enrolment.enrolled" if has_seat else "enrolment.waitlisted",
            enrolment,
            subject=enrolment.audit_subject,
            data={"offer": offer.pk, "session": holder.pk if holder else None, "path": path},
        )
    return enrolment


def _allocate_seat(
    actor: Membership, offer: Offer, participant: Participant, *, path: str, allocation: Any
) -> Enrolment:
    """A seat given by an applied seat allocation (see ``enrol_participant``). The caller runs the
    whole allocation in one transaction; the offer row is locked here while its seats are counted."""
    if not actor.has_perm("offers.allocate") or allocation.network_id != actor.network_id:
        raise PermissionDenied
    if participant.network_id != actor.network_id or offer.network_id != actor.network_id:
        raise PermissionDenied
    if participant.merged_into_id is not None:
        raise OfferError(_("This record was merged into another one."), code="merged")
    if offer.enrolment_unit != EnrolmentUnit.COURSE:
        raise OfferError(_("Seats are allocated only in offers with one seat for all dates."), code="per_session")
    with transaction.atomic():
        current_offer = _locked_offer(offer)
        if not current_offer.takes_enrolments:
            raise OfferError(_("This offer takes no enrolments at the moment."), code="closed")
        problems = enrolment_problems(current_offer, participant, path, closed=closed_paths(actor.network_id))
        if problems:
            raise OfferError([eligibility.MESSAGES[code] for code in problems], code="not_eligible")
        rows = seat_rows(current_offer, None)
        active = rows.filter(participant=participant, status__in=ACTIVE_STATUSES).select_for_update().first()
        if active is not None and active.status == EnrolmentStatus.ENROLLED:
            raise OfferError(_("This person has a seat in this offer already."), code="has_seat")
        if rows.filter(status=EnrolmentStatus.ENROLLED).count() >= current_offer.capacity:
            raise OfferError(_("No seat is free in this offer any more."), code="no_seat")
        now = _now()
        if active is not None:
            active.status = EnrolmentStatus.ENROLLED
            active.enrolled_at = now
            active.from_waiting_list = True
            active.path = path
            active.save(update_fields=["status", "enrolled_at", "from_waiting_list", "path", "updated_at"])
            enrolment = active
        else:
            enrolment = Enrolment.objects.create(
                network_id=actor.network_id,
                offer=current_offer,
                participant=participant,
                organisation_id=participant.organisation_id,
                status=EnrolmentStatus.ENROLLED,
                path=path,
                queued_at=now,
                enrolled_at=now,
                created_by=actor.user,
            )
        log_action(
            actor,
            "enrolment.allocated",
            enrolment,
            subject=enrolment.audit_subject,
            data={
                "offer": offer.pk,
                "allocation": allocation.pk,
                "path": path,
                "from_waiting_list": active is not None,
            },
        )
    return enrolment


def cancel_enrolment(actor: Membership, enrolment: Enrolment, *, reason: str) -> list[Enrolment]:
    """Cancel a seat or a waiting place. A freed seat goes to the first eligible person waiting, in
    the same transaction. Returns the enrolments that moved up."""
    _require_rule(actor, "offers.cancel_enrolment", enrolment)
    if reason not in CancellationReason.values:
        raise OfferError({"reason": _("Choose a reason.")})
    offer = enrolment.offer
    with transaction.atomic():
        if enrolment.session_id is not None:
            holder: Session | None = _locked_session(enrolment.session)  # type: ignore[arg-type]
        else:
            offer = _locked_offer(offer)
            holder = None
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk, network=actor.network_id)
        if current.status == EnrolmentStatus.CANCELLED:
            raise OfferError(_("This enrolment has already been cancelled."))
        had_seat = current.status == EnrolmentStatus.ENROLLED
        current.status = EnrolmentStatus.CANCELLED
        current.cancelled_at = _now()
        current.cancelled_by = actor.user
        current.cancellation_reason = reason
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason", "updated_at"])
        promoted = _fill_seats(actor, offer, holder) if had_seat else []
        log_action(
            actor,
            "enrolment.cancelled",
            current,
            subject=f"participant:{current.participant_id}",
            data={"offer": offer.pk, "had_seat": had_seat, "reason": reason, "promoted": [e.pk for e in promoted]},
        )
    enrolment.status = current.status
    return promoted


# --- attendance --------------------------------------------------------------------------------


def _require_session_held(session: Session) -> None:
    if session.is_cancelled:
        raise OfferError(_("This session has been cancelled."))
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise OfferError(_("Attendance can be recorded from the day of the session on."))


def record_attendance_list(
    actor: Membership, session: Session, present: Collection[int], *, walk_ins: int | None = None
) -> tuple[int, int]:
    """Mark who of those with a seat came (the rest: absent), plus people counted without enrolment.
    Returns (present, absent)."""
    offer = session.offer
    _require_rule(actor, "offers.record_attendance", offer)
    _require_session_held(session)
    with transaction.atomic():
        current = _locked_session(session)
        holders = list(seat_holders_of(current).values_list("pk", flat=True))
        unknown = set(present) - set(holders)
        if unknown:
            raise OfferError(_("Some of the people marked have no seat in this session. Reload the list."))
        existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=current)}
        now = _now()
        for enrolment_id in holders:
            is_present = enrolment_id in present
            row = existing.get(enrolment_id)
            if row is None:
                Attendance.objects.create(
                    network_id=current.network_id,
                    session=current,
                    enrolment_id=enrolment_id,
                    present=is_present,
                    method=AttendanceMethod.LIST,
                    recorded_by=actor.user,
                    recorded_at=now,
                )
            elif row.present != is_present:
                row.present = is_present
                row.method = AttendanceMethod.LIST
                row.recorded_by = actor.user
                row.recorded_at = now
                row.save(update_fields=["present", "method", "recorded_by", "recorded_at"])
        current.counted_attendance = walk_ins
        current.attendance_recorded_at = now
        current.attendance_recorded_by = actor.user
        current.save(update_fields=["counted_attendance", "attendance_recorded_at", "attendance_recorded_by"])
        count_present = len(set(present))
        log_action(
            actor,
            "attendance.recorded",
            current,
            data={
                "offer": offer.pk,
                "session": current.pk,
                "present": sorted(set(present)),
                "absent": len(holders) - count_present,
                "walk_ins": walk_ins,
            },
        )
    return count_present, len(holders) - count_present


def record_attendance_by_card(actor: Membership, session: Session, token: str) -> tuple[Enrolment, bool]:
    """Mark the holder of a card present. Returns the enrolment and whether it was new.

    The messages say only "unknown card" or "no seat in this session": a token reveals nothing else."""
    from ankommen.offers.access import find_card

    offer = session.offer
    _require_rule(actor, "offers.record_attendance", offer)
    _require_session_held(session)
    card = find_card(actor, token)
    if card is None:
        raise OfferError(_("This card is not valid (unknown or revoked)."), code="unknown_card")
    with transaction.atomic():
        current = _locked_session(session)
        enrolment = (
            seat_holders_of(current).filter(participant=card.participant_id).select_related("participant").first()
        )
        if enrolment is None:
            raise OfferError(_("The holder of this card has no seat in this session."), code="no_seat")
        row = Attendance.objects.filter(session=current, enrolment=enrolment).first()
        if row is not None and row.present:
            return enrolment, False
        if row is None:
            Attendance.objects.create(
                network_id=current.network_id,
                session=current,
                enrolment=enrolment,
                present=True,
                method=AttendanceMethod.CARD,
                recorded_by=actor.user,
                recorded_at=_now(),
            )
        else:
            row.present = True
            row.method = AttendanceMethod.CARD
            row.recorded_by = actor.user
            row.recorded_at = _now()
            row.save(update_fields=["present", "method", "recorded_by", "recorded_at"])
        log_action(
            actor,
            "attendance.card_scanned",
            enrolment,
            subject=enrolment.audit_subject,
            data={"offer": offer.pk, "session": current.pk, "card": card.pk},
        )
    return enrolment, True


def record_counts(actor: Membership, session: Session, count: int) -> Session:
    """The number of people present, without names (counts-only offers; walk-ins otherwise)."""
    offer = session.offer
    _require_rule(actor, "offers.record_counts", offer)
    _require_session_held(session)
    if count < 0:
        raise OfferError({"count": _("The number cannot be negative.")})
    with transaction.atomic():
        current = _locked_session(session)
        current.counted_attendance = count
        current.attendance_recorded_at = _now()
        current.attendance_recorded_by = actor.user
        current.save(update_fields=["counted_attendance", "attendance_recorded_at", "attendance_recorded_by"])
        log_action(
            actor, "attendance.counted", current, data={"offer": offer.pk, "session": current.pk, "count": count}
        )
    return current


# --- participant cards -------------------------------------------------------------------------


def new_card_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def _require_card_rights(actor: Membership, participant: Participant) -> None:
    if (
        not actor.has_perm("offers.issue_cards")
        or participant.network_id != actor.network_id
        or participant.organisation_id != actor.organisation_id
    ):
        raise PermissionDenied
    if participant.merged_into_id is not None:
        raise OfferError(_("This record was merged into another one."))


def issue_card(actor: Membership, participant: Participant) -> ParticipantCard:
    """A new card with a fresh random token; a card still valid is revoked at the same moment (reissue)."""
    _require_card_rights(actor, participant)
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        now = _now()
        old = list(ParticipantCard.objects.filter(participant=participant, revoked_at__isnull=True))
        for card in old:
            card.revoked_at = now
            card.revoked_by = actor.user
            card.save(update_fields=["revoked_at", "revoked_by"])
        card = ParticipantCard.objects.create(
            network_id=actor.network_id,
            participant=participant,
            token=new_card_token(),
            issued_at=now,
            issued_by=actor.user,
        )
        log_action(
            actor,
            "card.issued",
            card,
            subject=card.audit_subject,
            data={"card": card.pk, "replaces": [c.pk for c in old]},
        )
    return card


def revoke_card(actor: Membership, participant: Participant) -> ParticipantCard:
    """Revoke the person's valid card (lost or stolen): scanning it no longer works."""
    _require_card_rights(actor, participant)
    with transaction.atomic():
        card = (
            ParticipantCard.objects.select_for_update().filter(participant=participant, revoked_at__isnull=True).first()
        )
        if card is None:
            raise OfferError(_("This person has no valid card."))
        card.revoked_at = _now()
        card.revoked_by = actor.user
        card.save(update_fields=["revoked_at", "revoked_by"])
        log_action(actor, "card.revoked", card, subject=card.audit_subject, data={"card": card.pk})
    return card
