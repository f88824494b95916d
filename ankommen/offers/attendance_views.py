"""Screens of the provider's staff: a session's attendance (list, card scan, counts), the enrolment
list of an own offer, and the check-in page a participant card's QR code leads to.

Names appear only where the rule ``offers.see_names`` holds (own offer, not counts only), and then
as first name and initial of the family name (``access.short_name``); the police and every
counts-only offer get numbers. Every page that shows names logs the read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action
from ankommen.network.access import requires
from ankommen.network.models import Membership
from ankommen.offers import services
from ankommen.offers.access import (
    find_card,
    get_offer_for,
    get_session_for,
    own_offers,
    require_offer_rule,
    short_name,
)
from ankommen.offers.choices import AttendanceMode, EnrolmentStatus, EnrolmentUnit
from ankommen.offers.forms import AttendanceListForm, CountsForm, ScanForm
from ankommen.offers.models import Attendance, Enrolment, Offer, Session
from ankommen.offers.rules import check_offer_rule
from ankommen.offers.services import OfferError, seat_holders_of, seat_rows


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _session_url(offer: Offer, session: Session) -> str:
    return reverse("offers:session", kwargs={"offer_id": offer.pk, "session_id": session.pk})


def _holders(session: Session) -> list[Enrolment]:
    """Those with a seat, with the two name fields provider staff may see and nothing else."""
    return list(
        seat_holders_of(session)
        .select_related("participant")
        .only("pk", "offer_id", "session_id", "participant__given_name", "participant__family_name")
        .order_by("participant__given_name", "participant__family_name", "pk")
    )


# --- a session ---------------------------------------------------------------------------------


@requires("offers.record_counts")
def session_page(request: HttpRequest, offer_id: int, session_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id)
    require_offer_rule(actor, "offers.record_counts", offer)
    session = get_session_for(actor, offer, session_id)
    with_names = check_offer_rule("offers.record_attendance", actor, offer)
    seats = seat_rows(offer, session).aggregate(
        taken=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITING)),
    )
    action = request.POST.get("action") if request.method == "POST" else None
    list_form = counts_form = None
    holders: list[Enrolment] = []
    if with_names:
        holders = _holders(session)
        present = set(Attendance.objects.filter(session=session, present=True).values_list("enrolment_id", flat=True))
        list_form = AttendanceListForm(
            request.POST if action == "list" else None,
            holders=holders,
            initial={"present": [str(pk) for pk in present], "walk_ins": session.counted_attendance},
        )
        if action == "list" and list_form.is_valid():
            try:
                came, missed = services.record_attendance_list(
                    actor, session, list_form.present_ids(), walk_ins=list_form.cleaned_data["walk_ins"]
                )
            except OfferError as exc:
                list_form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(present)d present, %(absent)d absent.")
                    % {"present": came, "absent": missed},
                )
                return redirect(_session_url(offer, session))
        if holders:
            log_action(
                actor,
                "enrolment.listed",
                offer,
                data={"offer": offer.pk, "session": session.pk, "page": "attendance", "shown": [e.pk for e in holders]},
            )
    else:
        counts_form = CountsForm(
            request.POST if action == "counts" else None, initial={"count": session.counted_attendance}
        )
        if action == "counts" and counts_form.is_valid():
            try:
                services.record_counts(actor, session, counts_form.cleaned_data["count"])
            except OfferError as exc:
                counts_form.add_error(None, exc)
            else:
                messages.success(request, _("The number of people present has been saved."))
                return redirect(_session_url(offer, session))
    context = {
        "offer": offer,
        "session": session,
        "seats": seats,
        "with_names": with_names,
        "holders": holders,
        "list_form": list_form,
        "counts_form": counts_form,
        "not_yet": timezone.localdate(session.starts_at) > timezone.localdate(),
        "may_change": check_offer_rule("offers.change_offer", actor, offer),
    }
    return render(request, "offers/session.html", context)


@requires("offers.record_attendance")
def scan(request: HttpRequest, offer_id: int, session_id: int) -> HttpResponse:
    """Scan participant cards with the camera (or type the code) to mark people present."""
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id)
    require_offer_rule(actor, "offers.record_attendance", offer)
    session = get_session_for(actor, offer, session_id)
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment, new = services.record_attendance_by_card(actor, session, form.cleaned_data["token"])
        except OfferError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            name = short_name(enrolment.participant)
            if new:
                messages.success(request, _("%(name)s is marked present.") % {"name": name})
            else:
                messages.info(request, _("%(name)s was already marked present.") % {"name": name})
        return redirect("offers:scan", offer_id=offer.pk, session_id=session.pk)
    counts = seat_holders_of(session).aggregate(
        taken=Count("pk", distinct=True),
        present=Count("attendance", filter=Q(attendance__session=session, attendance__present=True)),
    )
    context = {"offer": offer, "session": session, "form": form, "counts": counts}
    return render(request, "offers/scan.html", context)


# --- the provider's enrolment list -------------------------------------------------------------


@requires("offers.view_participant_list")
def offer_participants(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Who has a seat and who is waiting: first name and initial only, with attendance figures."""
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id)
    require_offer_rule(actor, "offers.see_names", offer)
    rows = list(
        Enrolment.objects.filter(offer=offer, network=actor.network_id)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("participant", "session")
        .only(
            "pk",
            "offer_id",
            "status",
            "queued_at",
            "enrolled_at",
            "from_waiting_list",
            "path",
            "session__starts_at",
            "session__ends_at",
            "participant__given_name",
            "participant__family_name",
        )
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
            absent=Count("attendance", filter=Q(attendance__present=False)),
        )
        .order_by("session__starts_at", "status", "queued_at", "pk")
    )
    for row in rows:
        row.offer = offer
    entries: list[dict[str, Any]] = []
    positions: dict[Any, int] = {}
    for row in rows:
        position = None
        if row.status == EnrolmentStatus.WAITING:
            positions[row.session_id] = positions.get(row.session_id, 0) + 1
            position = positions[row.session_id]
        entries.append({"enrolment": row, "name": short_name(row.participant), "position": position})
    if rows:
        log_action(
            actor,
            "enrolment.listed",
            offer,
            data={"offer": offer.pk, "page": "provider", "shown": [r.pk for r in rows]},
        )
    context = {
        "offer": offer,
        "seated": [e for e in entries if e["enrolment"].status == EnrolmentStatus.ENROLLED],
        "waiting": [e for e in entries if e["enrolment"].status == EnrolmentStatus.WAITING],
        "per_session": offer.enrolment_unit == EnrolmentUnit.SESSION,
        "may_cancel": check_offer_rule("offers.change_offer", actor, offer),
    }
    return render(request, "offers/offer_participants.html", context)


# --- check-in from a card's QR code ------------------------------------------------------------


def _today_bounds() -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min), zone)
    return start, start + dt.timedelta(days=1)


@requires("offers.record_attendance")
def card_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Where a card's QR code leads: today's sessions of the own offers in which the holder has a seat."""
    actor = _actor(request)
    card = find_card(actor, token)
    if card is None:
        raise Http404
    start, end = _today_bounds()
    offers = own_offers(actor).filter(attendance_mode=AttendanceMode.NAMED)
    sessions = list(
        Session.objects.filter(offer__in=offers, starts_at__gte=start, starts_at__lt=end, is_cancelled=False)
        .select_related("offer")
        .order_by("starts_at", "pk")
    )
    seated = Enrolment.objects.filter(
        network=actor.network_id, participant=card.participant_id, status=EnrolmentStatus.ENROLLED
    )
    course_offers = set(seated.filter(session__isnull=True).values_list("offer_id", flat=True))
    seated_sessions = set(seated.filter(session__in=sessions).values_list("session_id", flat=True))
    eligible = [
        s
        for s in sessions
        if (s.offer.enrolment_unit == EnrolmentUnit.COURSE and s.offer_id in course_offers) or s.pk in seated_sessions
    ]
    log_action(
        actor,
        "attendance.card_looked_up",
        card,
        subject=card.audit_subject,
        data={"card": card.pk, "sessions": [s.pk for s in eligible]},
    )
    if request.method == "POST":
        chosen = next((s for s in eligible if str(s.pk) == request.POST.get("session")), None)
        if chosen is None:
            messages.error(request, _("Choose one of the sessions listed."))
        else:
            try:
                enrolment, new = services.record_attendance_by_card(actor, chosen, card.token)
            except OfferError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                name = short_name(enrolment.participant)
                if new:
                    messages.success(request, _("%(name)s is marked present.") % {"name": name})
                else:
                    messages.info(request, _("%(name)s was already marked present.") % {"name": name})
                return redirect("offers:scan", offer_id=chosen.offer_id, session_id=chosen.pk)
    return render(request, "offers/checkin.html", {"sessions": eligible})
