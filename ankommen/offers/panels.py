"""Start-page panel of the provider's staff (offer providers, the police): today's sessions of the
own organisation's offers with their seats and whether attendance is recorded. Numbers only; two
queries whatever the number of sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from ankommen.network.models import Membership
from ankommen.offers.access import own_offers
from ankommen.offers.choices import EnrolmentStatus, EnrolmentUnit
from ankommen.offers.models import Enrolment, Session


def todays_sessions_panel(request: HttpRequest) -> dict[str, Any]:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min), zone)
    sessions = list(
        Session.objects.filter(
            offer__in=own_offers(actor), starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
        )
        .select_related("offer")
        .annotate(
            session_seats=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True),
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
        )
        .order_by("starts_at", "pk")
    )
    course_offers = {s.offer_id for s in sessions if s.offer.enrolment_unit == EnrolmentUnit.COURSE}
    course_seats = dict(
        Enrolment.objects.filter(offer__in=course_offers, session__isnull=True, status=EnrolmentStatus.ENROLLED)
        .values("offer")
        .annotate(n=Count("pk"))
        .values_list("offer", "n")
    )
    rows = [
        {
            "session": s,
            "seats": course_seats.get(s.offer_id, 0) if s.offer_id in course_offers else s.session_seats,  # type: ignore[attr-defined]
            "recorded": s.attendance_recorded_at is not None or bool(s.present),  # type: ignore[attr-defined]
        }
        for s in sessions
    ]
    return {"today": rows}


PANEL_REFERRALS = 8


def new_referrals_panel(request: HttpRequest) -> dict[str, Any]:
    """Partner liaisons: new referrals to the own organisation (no names: purpose, sender, date);
    two queries whatever the number."""
    from ankommen.offers.choices import ReferralStatus
    from ankommen.offers.referral_access import incoming_referrals

    actor: Membership = request.membership  # type: ignore[attr-defined]
    new = incoming_referrals(actor).filter(status=ReferralStatus.REQUESTED)
    rows = list(new.select_related("organisation", "offer").order_by("-sent_at", "-pk")[:PANEL_REFERRALS])
    return {"referrals": {"rows": rows, "total": new.count()}}
