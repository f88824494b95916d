"""Scenario planning: how would planned offers change the unmet needs? (ADR 0017)

The open needs (recorded, neither met nor withdrawn; at most one per person and field, so each is a
person) are placed by the seat allocation engine of the offers app
(``ankommen.offers.allocation``: ``make_problem`` + ``allocate``, the exact optimum by OR-Tools'
min-cost flow) into

- the free seats of the existing offers (published; a course that has not ended: its seats minus
  the seats taken; single dates still to come: each session's free seats), and
- the seats of the planned offers (which are not real offers: nobody can enrol in them),

once without and once with the planned offers. A need fits a seat when the offer is of the need's
field, in the person's district (or anywhere, if the scenario says people travel), and open to the
person's age band, status group and language of instruction (``profiles``). Seats in the own
district score 2, elsewhere 1, so the engine places as many people as possible and prefers seats
close to home. The difference per district and field is what the planned offers would change.

Needs of one cell (field, district, age band, status group, language) are interchangeable, so a
cell is given only as many candidates as there are seats it can reach: the problem stays as small as
the seats, however many needs are open. Where several cells compete for the same seats the engine
returns one of the optimal allocations; totals are exact.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from ankommen.dashboard import suppression
from ankommen.dashboard.choices import AGE_BAND_CODES, LANGUAGE_CODES, STATUS_GROUP_CODES, value_label
from ankommen.dashboard.models import Need, PlannedOffer, Scenario
from ankommen.dashboard.profiles import OfferFacts, age_mask, bit, language_mask, status_mask
from ankommen.dashboard.report import Figure
from ankommen.dashboard.summary import facts_of
from ankommen.offers.allocation import allocate, make_problem
from ankommen.offers.choices import EnrolmentStatus, OfferStatus
from ankommen.offers.models import Offer, Session

Cell = tuple[str, str, str, str, str]  # field, district, age band, status group, language
SAME_DISTRICT, OTHER_DISTRICT = 2, 1


@dataclass(frozen=True)
class SeatPool:
    key: str  # "o<offer id>", "s<session id>" or "p<planned offer id>"
    field: str
    district: str
    age_mask: int
    status_mask: int
    language_mask: int
    seats: int

    def fits(self, cell: Cell, cross_district: bool) -> bool:
        field, district, band, group, language = cell
        return (
            self.field == field
            and (cross_district or self.district == district)
            and bool(self.age_mask & bit(AGE_BAND_CODES, band))
            and bool(self.status_mask & bit(STATUS_GROUP_CODES, group))
            and bool(self.language_mask & bit(LANGUAGE_CODES, language))
        )


def open_needs(network_id: int) -> Counter[Cell]:
    rows = (
        Need.objects.filter(network=network_id, is_open=True)
        .values("field", "district", "age_band", "status_group", "language")
        .annotate(n=Count("pk"))
        .values_list("field", "district", "age_band", "status_group", "language", "n")
        .order_by()
    )
    return Counter({tuple(row[:5]): row[5] for row in rows})  # type: ignore[misc]


def free_seats(network_id: int, now: dt.datetime | None = None) -> list[SeatPool]:
    """The free seats of the existing offers that still take people."""
    now = now or timezone.now()
    offers = list(Offer.objects.filter(network=network_id, status=OfferStatus.PUBLISHED))
    taken_course = dict(
        Offer.objects.filter(pk__in=[o.pk for o in offers])
        .annotate(
            taken=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED, enrolments__session__isnull=True)
            )
        )
        .values_list("pk", "taken")
    )
    sessions = list(
        Session.objects.filter(network=network_id, offer__in=[o.pk for o in offers], is_cancelled=False)
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .values_list("pk", "offer_id", "starts_at", "ends_at", "capacity", "taken")
    )
    by_offer: dict[int, list[tuple[int, dt.datetime, dt.datetime, int | None, int]]] = defaultdict(list)
    for pk, offer_id, starts_at, ends_at, capacity, taken in sessions:
        by_offer[offer_id].append((pk, starts_at, ends_at, capacity, taken))
    pools: list[SeatPool] = []
    for offer in offers:
        fact = facts_of(offer)
        own = by_offer.get(offer.pk, [])
        if fact.per_session:
            for pk, starts_at, _ends_at, capacity, taken in own:
                free = (capacity if capacity is not None else offer.capacity) - taken
                if starts_at > now and free > 0:
                    pools.append(_pool(fact, f"s{pk}", free))
        elif not own or any(ends_at >= now for _pk, _s, ends_at, _c, _t in own):
            free = offer.capacity - taken_course.get(offer.pk, 0)
            if free > 0:
                pools.append(_pool(fact, f"o{offer.pk}", free))
    return pools


def _pool(fact: OfferFacts, key: str, seats: int) -> SeatPool:
    ages, statuses, languages = fact.masks
    return SeatPool(key, fact.field, fact.district, ages, statuses, languages, seats)


def planned_pools(planned: Iterable[PlannedOffer]) -> list[SeatPool]:
    return [
        SeatPool(
            key=f"p{offer.pk}",
            field=offer.field,
            district=(offer.district or "").strip(),
            age_mask=age_mask(offer.age_min, offer.age_max),
            status_mask=status_mask(not offer.status_groups, groups=offer.status_groups),
            language_mask=language_mask([offer.language] if offer.language else [], open_to_all=not offer.language),
            seats=offer.seats,
        )
        for offer in planned
    ]


def placed_per_cell(needs: Counter[Cell], pools: Sequence[SeatPool], cross_district: bool) -> Counter[Cell]:
    """How many of each cell's open needs the allocation engine places into the pools."""
    reach: dict[Cell, list[int]] = {}
    for cell in needs:
        reach[cell] = [i for i, pool in enumerate(pools) if pool.fits(cell, cross_district)]
    participants: list[str] = []
    owner: list[Cell] = []
    cand_p: list[int] = []
    cand_o: list[int] = []
    scores: list[int] = []
    for cell, count in sorted(needs.items()):
        reachable = reach[cell]
        if not reachable:
            continue
        take = min(count, sum(pools[i].seats for i in reachable))
        district = cell[1]
        for _n in range(take):
            index = len(participants)
            participants.append(f"n{index}")
            owner.append(cell)
            cand_p.extend([index] * len(reachable))
            cand_o.extend(reachable)
            scores.extend(SAME_DISTRICT if pools[i].district == district else OTHER_DISTRICT for i in reachable)
    placed: Counter[Cell] = Counter()
    if not participants:
        return placed
    problem = make_problem(
        participants,
        [pool.key for pool in pools],
        [pool.seats for pool in pools],
        np.array(cand_p, dtype=np.int32),
        np.array(cand_o, dtype=np.int32),
        np.array(scores, dtype=np.int64),
    )
    result = allocate(problem)
    for participant_index in problem.candidate_participant[result.candidates].tolist():
        placed[owner[participant_index]] += 1
    return placed


@dataclass
class Row:
    field: str
    district: str
    label: str
    open: Figure
    unmet_before: Figure
    unmet_after: Figure
    change: Figure


@dataclass
class Outcome:
    rows: list[Row]
    total: Row
    free_seats: int
    planned_seats: int


def run(network_id: int, scenario: Scenario, now: dt.datetime | None = None) -> Outcome:
    planned = list(scenario.planned_offers.all())
    needs = open_needs(network_id)
    existing = free_seats(network_id, now)
    extra = planned_pools(planned)
    before = placed_per_cell(needs, existing, scenario.cross_district)
    after = placed_per_cell(needs, existing + extra, scenario.cross_district)
    fields = {p.field for p in planned}
    by_place: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for cell, count in needs.items():
        if fields and cell[0] not in fields:
            continue
        values = by_place[(cell[0], cell[1])]
        values[0] += count
        values[1] += count - before[cell]
        values[2] += count - after[cell]
    places = sorted(by_place, key=lambda k: (-(by_place[k][1] - by_place[k][2]), k[0], k[1].lower()))
    open_values = [by_place[k][0] for k in places]
    before_values = [by_place[k][1] for k in places]
    after_values = [by_place[k][2] for k in places]
    change_values = [b - a for b, a in zip(before_values, after_values, strict=True)]
    hidden_open = suppression.protect_column(open_values)
    hidden_before = suppression.protect_column(before_values, hidden_open)
    hidden_after = suppression.protect_column(after_values, hidden_open)
    change_primary = hidden_before | hidden_after
    hidden_change = suppression.protect_column(change_values, change_primary)

    def figure(values: list[int], hidden: set[int], i: int) -> Figure:
        value = values[i] if i < len(values) else sum(values)
        return Figure(None if i in hidden else value)

    rows = [
        Row(
            field=field,
            district=district,
            label=f"{value_label('district', district)} · {value_label('field', field)}",
            open=figure(open_values, hidden_open, i),
            unmet_before=figure(before_values, hidden_before, i),
            unmet_after=figure(after_values, hidden_after, i),
            change=figure(change_values, hidden_change, i),
        )
        for i, (field, district) in enumerate(places)
    ]
    n = len(places)
    total = Row(
        "",
        "",
        "",
        figure(open_values, hidden_open, n),
        figure(before_values, hidden_before, n),
        figure(after_values, hidden_after, n),
        figure(change_values, hidden_change, n),
    )
    return Outcome(
        rows=rows,
        total=total,
        free_seats=sum(p.seats for p in existing),
        planned_seats=sum(p.seats for p in extra),
    )
