"""Provider reports: per offer and period, the sessions held and the participants per session.

As in the Modellprojekt's one-year report ("7 events, 12–30 participants each"): numbers only. A
session counts as held when it was not cancelled and has started; its participants are those
marked present by name plus those counted without names (all of them in counts-only offers).
Sessions without any recorded attendance are held but have no number, and are left out of the
range and the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ankommen.offers.models import Offer, Session


@dataclass(frozen=True)
class SessionFigure:
    session_id: int
    starts_at: dt.datetime
    participants: int | None  # None: no attendance recorded


@dataclass
class OfferReport:
    offer: Offer
    sessions: list[SessionFigure] = field(default_factory=list)

    @property
    def held(self) -> int:
        return len(self.sessions)

    @property
    def numbers(self) -> list[int]:
        return [s.participants for s in self.sessions if s.participants is not None]

    @property
    def recorded(self) -> int:
        return len(self.numbers)

    @property
    def minimum(self) -> int | None:
        return min(self.numbers, default=None)

    @property
    def maximum(self) -> int | None:
        return max(self.numbers, default=None)

    @property
    def total(self) -> int:
        return sum(self.numbers)

    @property
    def average(self) -> float | None:
        return round(self.total / self.recorded, 1) if self.recorded else None


def participants_of(named_present: int, counted: int | None, recorded: bool) -> int | None:
    """People at one session: present by name plus counted; None when nothing was recorded."""
    if not recorded and not named_present and counted is None:
        return None
    return named_present + (counted or 0)


def build_reports(
    offers: Iterable[Offer], rows: Iterable[tuple[int, int, dt.datetime, int, int | None, bool]]
) -> list[OfferReport]:
    """Reports in the order of ``offers`` from rows (offer id, session id, start, present by name,
    counted, recorded). Offers without a session held in the period are kept, with zero sessions."""
    reports = {offer.pk: OfferReport(offer) for offer in offers}
    for offer_id, session_id, starts_at, named, counted, recorded in rows:
        report = reports.get(offer_id)
        if report is not None:
            report.sessions.append(SessionFigure(session_id, starts_at, participants_of(named, counted, recorded)))
    return list(reports.values())


def report_for(offers: QuerySet[Offer], date_from: dt.date, date_to: dt.date) -> list[OfferReport]:
    """Two queries whatever the number of offers and sessions."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min), zone)
    offer_list = list(offers.select_related("organisation").order_by("organisation__name", "title", "pk"))
    sessions = (
        Session.objects.filter(
            offer__in=[o.pk for o in offer_list],
            is_cancelled=False,
            starts_at__gte=start,
            starts_at__lt=end,
            starts_at__lte=timezone.now(),
        )
        .annotate(named=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("offer_id", "starts_at", "pk")
        .values_list("offer_id", "pk", "starts_at", "named", "counted_attendance", "attendance_recorded_at")
    )
    rows = [(o, s, at, named, counted, recorded is not None) for o, s, at, named, counted, recorded in sessions]
    return build_reports(offer_list, rows)
