"""The dashboard's aggregate queries, served from the summary tables or computed live.

Both sources answer the same questions with the same definitions, so the consistency test compares
them and the benchmark times them against each other:

- ``demand(network, filters, by)``: needs, persons, needs met within 30 days and open needs,
  grouped by ``by`` (any of "month", "field" and the four grouping dimensions). Persons: a person
  counts once per field, in the cell of their first need in the period (``prev_month`` before the
  period's first month); ``month_persons`` the same for each month on its own.
- ``supply_rows(network, filters, dimension)``: seats offered (``new_seats``), seats in running
  offers, sessions, and seats given from waiting lists with the days waited, per month × field ×
  district (or × the offers' mask of the dimension: whom they are open to); ``supply`` groups them
  by any of "month", "field" and one dimension (for age band, status group and language: the seats
  *open to* each value, which do not add up over the values).
- ``waiting(network, filters)``: places on waiting lists now per field of the offer, the days they
  were taken (for the mean time waited so far), and the people, counted distinct per field.

The dashboard runs four queries whatever the choice: demand and supply by month × rows × field
(everything else is summed in Python), the waiting lists now, and the distinct people waiting or
seated from waiting lists. The summary queries go through the ORM (``values`` + aggregates, no
model instances); ``bench/dashboard.py`` has the first two by hand in SQL for the ORM target.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Field, Q, QuerySet, Sum
from django.utils import timezone

from ankommen.dashboard.choices import (
    AGE_BAND_CODES,
    DIMENSION_BITS,
    DIMENSIONS,
    LANGUAGE_CODES,
    STATUS_GROUP_CODES,
)
from ankommen.dashboard.models import Need, NeedCube, OfferMonth, OfferWaiting
from ankommen.dashboard.profiles import bit
from ankommen.offers.choices import EnrolmentStatus
from ankommen.offers.models import Enrolment

MASK_DIMENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "age_band": ("age_mask", AGE_BAND_CODES),
    "status_group": ("status_mask", STATUS_GROUP_CODES),
    "language": ("language_mask", LANGUAGE_CODES),
}
MASK_INDEX = {"age_band": 0, "status_group": 1, "language": 2}


@dataclass(frozen=True)
class Filters:
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month (inclusive)
    field: str | None = None
    district: str | None = None
    age_band: str | None = None
    status_group: str | None = None
    language: str | None = None
    rows: str = "district"

    def dimension_filters(self) -> dict[str, str]:
        return {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d) is not None}

    def months(self) -> list[dt.date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [start, end) instants in the local time zone."""
        zone = timezone.get_current_timezone()
        after = (self.end + dt.timedelta(days=32)).replace(day=1)
        return dt.datetime.combine(self.start, dt.time(), tzinfo=zone), dt.datetime.combine(
            after, dt.time(), tzinfo=zone
        )


@dataclass
class Demand:
    needs: int = 0
    persons: int = 0
    met_30: int = 0
    open: int = 0
    month_persons: int = 0  # persons counted per month (a person once per field and month)

    def add(self, other: Demand) -> None:
        self.needs += other.needs
        self.persons += other.persons
        self.met_30 += other.met_30
        self.open += other.open
        self.month_persons += other.month_persons


@dataclass
class Supply:
    new_seats: int = 0
    seats: int = 0
    sessions: int = 0
    seated_from_waiting: int = 0
    wait_days: int = 0

    def add(self, other: Supply) -> None:
        self.new_seats += other.new_seats
        self.seats += other.seats
        self.sessions += other.sessions
        self.seated_from_waiting += other.seated_from_waiting
        self.wait_days += other.wait_days


class DatabaseInteger(Field):  # type: ignore[type-arg]
    """The output field of sums of integer columns. Both databases already return a Python ``int``
    for them (``SUM`` of an integer column), so the ORM need not convert every value of every row:
    an ``IntegerField`` output would wrap each one in ``int()`` – the largest part of the ORM's cost
    over raw SQL on these small, fast queries (ADR 0017)."""


SUMMED = DatabaseInteger()

# The aggregates that do not depend on the filters, built once: Django works out an expression's
# identity (for grouping and de-duplication) by binding its constructor's arguments, which costs
# more than compiling it; an instance keeps it (copies made when a query resolves it share it).
_NEEDS = Sum("needs", output_field=SUMMED)
_MET_30 = Sum("met_30", output_field=SUMMED)
_OPEN = Sum("open", output_field=SUMMED)
_NEEDS_REPEATED = Sum("needs", filter=Q(prev_month__lt=F("month")), output_field=SUMMED)
_NEW_SEATS = Sum("new_seats", output_field=SUMMED)
_SEATS = Sum("seats", output_field=SUMMED)
_SESSIONS = Sum("sessions", output_field=SUMMED)
_SEATED_FROM_WAITING = Sum("seated_from_waiting", output_field=SUMMED)
_WAIT_DAYS = Sum("wait_days", output_field=SUMMED)


def grain_of(dimensions: Iterable[str]) -> int:
    return sum(DIMENSION_BITS[d] for d in set(dimensions) if d in DIMENSION_BITS)


# --- demand ------------------------------------------------------------------------------------


def demand_queryset(network_id: int, filters: Filters, by: Sequence[str]) -> QuerySet[Any]:
    """The ORM query on the summary (what the dashboard runs)."""
    dims = set(filters.dimension_filters()) | {d for d in by if d in DIMENSIONS}
    conditions: dict[str, Any] = {
        "network_id": network_id,
        "grain": grain_of(dims),
        "month__range": (filters.start, filters.end),
        **filters.dimension_filters(),
    }
    if filters.field:
        conditions["field"] = filters.field
    # values_list(…).annotate(…): grouped by the listed columns, one clone less than values().annotate()
    # .values_list() – the ORM's own cost matters for queries of a few milliseconds.
    return (
        NeedCube.objects.filter(**conditions)
        .values_list(*by)
        .annotate(
            n=_NEEDS,
            p=Sum("needs", filter=Q(prev_month__lt=filters.start), output_field=SUMMED),
            m=_MET_30,
            o=_OPEN,
            pm=_NEEDS_REPEATED,
        )
    )


def live_demand_queryset(network_id: int, filters: Filters, by: Sequence[str]) -> QuerySet[Any]:
    """The same from the raw needs."""
    columns = ["recorded_month" if c == "month" else c for c in by]
    rows = Need.objects.filter(
        network_id=network_id, recorded_month__gte=filters.start, recorded_month__lte=filters.end
    )
    if filters.field:
        rows = rows.filter(field=filters.field)
    for dimension, value in filters.dimension_filters().items():
        rows = rows.filter(**{dimension: value})
    return (
        rows.values(*columns)
        .annotate(
            n=Count("pk"),
            p=Count("pk", filter=Q(prev_month__lt=filters.start)),
            m=Count("pk", filter=Q(met_within_30=True)),
            o=Count("pk", filter=Q(is_open=True)),
            pm=Count("pk", filter=Q(prev_month__lt=F("recorded_month"))),
        )
        .values_list(*columns, "n", "p", "m", "o", "pm")
        .order_by()
    )


def demand(
    network_id: int, filters: Filters, by: Sequence[str], *, live: bool = False
) -> dict[tuple[Any, ...], Demand]:
    query = live_demand_queryset if live else demand_queryset
    result: dict[tuple[Any, ...], Demand] = {}
    width = len(by)
    for row in query(network_id, filters, by):
        n, p, m, o, pm = (value or 0 for value in row[width:])
        result[tuple(row[:width])] = Demand(n, p, m, o, pm)
    return result


# --- supply ------------------------------------------------------------------------------------


def _mask_filters(rows: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    aliases: dict[str, Any] = {}
    conditions: dict[str, int] = {}
    for dimension, (column, codes) in MASK_DIMENSIONS.items():
        value = getattr(filters, dimension)
        if value is not None and value in codes:
            aliases[f"_f_{dimension}"] = F(column).bitand(bit(codes, value))
            conditions[f"_f_{dimension}__gt"] = 0
    return rows.alias(**aliases).filter(**conditions) if aliases else rows


def _offer_rows(model: Any, network_id: int, filters: Filters, **more: Any) -> QuerySet[Any]:
    conditions: dict[str, Any] = {"network_id": network_id, **more}
    if filters.field:
        conditions["field"] = filters.field
    if filters.district is not None:
        conditions["district"] = filters.district
    return _mask_filters(model.objects.filter(**conditions), filters)


def supply_column(dimension: str) -> str:
    """The column the supply rows are grouped by for a grouping dimension."""
    return MASK_DIMENSIONS[dimension][0] if dimension in MASK_DIMENSIONS else "district"


def supply_queryset(network_id: int, filters: Filters, dimension: str) -> QuerySet[Any]:
    """The ORM query on the summary: per month × field × district (or the dimension's mask)."""
    column = supply_column(dimension)
    rows = _offer_rows(OfferMonth, network_id, filters, month__range=(filters.start, filters.end))
    return rows.values_list("month", column, "field").annotate(
        ns=_NEW_SEATS, s=_SEATS, se=_SESSIONS, sw=_SEATED_FROM_WAITING, wd=_WAIT_DAYS
    )


SupplyRow = tuple[dt.date, Any, str, Supply]


def supply_rows(
    network_id: int, filters: Filters, dimension: str, *, live: bool = False, supplies: Any = None
) -> list[SupplyRow]:
    """(month, district or mask, field, seats) rows. ``supplies``: the raw offers' supply already
    loaded (``summary.load_supply``), for live use."""
    if not live:
        return [
            (month, key, field_, Supply(*(v or 0 for v in values)))
            for month, key, field_, *values in supply_queryset(network_id, filters, dimension)
        ]
    from ankommen.dashboard.summary import load_supply

    grouped: dict[tuple[dt.date, Any, str], Supply] = defaultdict(Supply)
    for supply_ in (supplies if supplies is not None else load_supply(network_id)).values():
        fact = supply_.facts
        masks = fact.masks
        if not _fits(filters, fact.field, fact.district, masks):
            continue
        key = masks[MASK_INDEX[dimension]] if dimension in MASK_INDEX else fact.district
        for row in supply_.months.values():
            if filters.start <= row.month <= filters.end:
                grouped[(row.month, key, fact.field)].add(
                    Supply(row.new_seats, row.seats, row.sessions, row.seated_from_waiting, row.wait_days)
                )
    return [(month, key, field_, values) for (month, key, field_), values in grouped.items()]


def expand(rows: Iterable[SupplyRow], dimension: str, by: Sequence[str]) -> dict[tuple[Any, ...], Supply]:
    """Group supply rows by ``by``; for a mask dimension each value gets the seats open to it."""
    result: dict[tuple[Any, ...], Supply] = defaultdict(Supply)
    merged: dict[tuple[Any, ...], Supply] = defaultdict(Supply)
    for month, key, field_, values in rows:
        parts = {"month": month, "field": field_}
        if dimension not in MASK_DIMENSIONS:
            parts[dimension] = key
        merged[tuple(parts.get(c, key if c == dimension else None) for c in by)].add(values)
    if dimension not in MASK_DIMENSIONS or dimension not in by:
        return dict(merged)
    codes = MASK_DIMENSIONS[dimension][1]
    position = list(by).index(dimension)
    for key, values in merged.items():
        mask = key[position]
        for code in codes:
            if mask & bit(codes, code):
                target = result[(*key[:position], code, *key[position + 1 :])]
                target.new_seats += values.new_seats
                target.seats += values.seats
    return dict(result)


def supply(
    network_id: int, filters: Filters, by: Sequence[str], *, live: bool = False, supplies: Any = None
) -> dict[tuple[Any, ...], Supply]:
    dimension = next((c for c in by if c in DIMENSIONS), "district")
    rows = supply_rows(network_id, filters, dimension, live=live, supplies=supplies)
    return expand(rows, dimension, by)


def _fits(filters: Filters, field: str, district: str, masks: tuple[int, int, int]) -> bool:
    if filters.field and field != filters.field:
        return False
    if filters.district is not None and district != filters.district:
        return False
    for dimension, (_column, codes) in MASK_DIMENSIONS.items():
        value = getattr(filters, dimension)
        if value is not None and value in codes and not masks[MASK_INDEX[dimension]] & bit(codes, value):
            return False
    return True


# --- waiting lists -------------------------------------------------------------------------------


@dataclass
class WaitingFigures:
    entries: int = 0  # places on waiting lists now
    persons: int = 0  # people on them (a person may wait for several offers)
    since_sum: int = 0  # sum of the days (ordinals) the places were taken
    seated: int = 0  # seats given from waiting lists in the period
    seated_persons: int = 0
    wait_days: int = 0  # days those people had waited, summed


def waiting(
    network_id: int,
    filters: Filters,
    *,
    live: bool = False,
    supplies: Any = None,
    rows: Iterable[SupplyRow] | None = None,
) -> dict[str, WaitingFigures]:
    """Waiting lists per field of the offer: now (the period does not apply), and the seats given
    from them in the period (from the supply ``rows`` when given). People are counted distinct per
    field, for suppression. Two queries (one when live)."""
    result: dict[str, WaitingFigures] = defaultdict(WaitingFigures)
    if rows is None:
        rows = supply_rows(network_id, filters, "district", live=live, supplies=supplies)
    for _month, _key, field_, values in rows:
        result[field_].seated += values.seated_from_waiting
        result[field_].wait_days += values.wait_days
    if live:
        from ankommen.dashboard.summary import load_supply

        fitting = set()
        for supply_ in (supplies if supplies is not None else load_supply(network_id)).values():
            fact = supply_.facts
            if _fits(filters, fact.field, fact.district, fact.masks):
                fitting.add(fact.offer_id)
                result[fact.field].entries += supply_.waiting.waiting
                result[fact.field].since_sum += supply_.waiting.waiting_since_sum
        waiting_offers: Any = fitting
        month_offers: Any = fitting
    else:
        lists = _offer_rows(OfferWaiting, network_id, filters)
        for field_, count, since in (
            lists.values("field")
            .annotate(w=Sum("waiting"), s=Sum("waiting_since_sum"))
            .values_list("field", "w", "s")
            .order_by()
        ):
            result[field_].entries, result[field_].since_sum = count or 0, since or 0
        waiting_offers = lists.values("offer_id")
        month_offers = _offer_rows(
            OfferMonth, network_id, filters, month__gte=filters.start, month__lte=filters.end
        ).values("offer_id")
    start_at, end_at = filters.period()
    seated_in_period = Q(from_waiting_list=True, enrolled_at__gte=start_at, enrolled_at__lt=end_at)
    for field_, persons, seated_persons in (
        Enrolment.objects.filter(network=network_id)
        .filter(
            Q(status=EnrolmentStatus.WAITING, offer__in=waiting_offers) | (seated_in_period & Q(offer__in=month_offers))
        )
        .values("offer__field_of_action")
        .annotate(
            p=Count("participant", distinct=True, filter=Q(status=EnrolmentStatus.WAITING)),
            sp=Count("participant", distinct=True, filter=seated_in_period),
        )
        .values_list("offer__field_of_action", "p", "sp")
        .order_by()
    ):
        result[field_].persons = persons
        result[field_].seated_persons = seated_persons
    return {f: w for f, w in result.items() if any(vars(w).values())}


def waiting_people_per_offer(network_id: int, offer_ids: Sequence[int]) -> dict[int, int]:
    """The people waiting now for each of these offers (distinct: one person, one count)."""
    rows = (
        Enrolment.objects.filter(network=network_id, status=EnrolmentStatus.WAITING, offer__in=offer_ids)
        .values("offer_id")
        .annotate(p=Count("participant", distinct=True))
        .values_list("offer_id", "p")
        .order_by()
    )
    return dict(rows)


def cell_offers(network_id: int, filters: Filters) -> list[dict[str, Any]]:
    """The offers behind a cell: per offer the seats offered in the period and its waiting list now."""
    rows = _offer_rows(OfferMonth, network_id, filters, month__gte=filters.start, month__lte=filters.end)
    offers = list(
        rows.values("offer_id", "offer__title", "offer__organisation__name", "offer__category", "field", "district")
        .annotate(
            new_seats=Sum("new_seats"),
            seats=Sum("seats"),
            sessions=Sum("sessions"),
            seated=Sum("seated_from_waiting"),
            wait_days=Sum("wait_days"),
        )
        .order_by("-new_seats", "offer__title", "offer_id")
    )
    waiting_now = dict(
        OfferWaiting.objects.filter(network_id=network_id, offer__in=[o["offer_id"] for o in offers]).values_list(
            "offer_id", "waiting"
        )
    )
    for offer in offers:
        offer["waiting"] = waiting_now.get(offer["offer_id"], 0)
    return offers
