"""The summary tables against the raw data: kept current change by change (== a rebuild from scratch),
the figures served from them == the figures computed live == an independent count."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest
from django.utils import timezone

from ankommen.dashboard import needs, queries, summary
from ankommen.dashboard.forms import add_months
from ankommen.dashboard.models import Need, NeedCube, OfferMonth
from ankommen.dashboard.queries import Filters
from ankommen.dashboard.report import build
from ankommen.offers import services as offers
from ankommen.offers.models import Offer, Session

DISTRICTS = ["Coerde", "Hiltrup", "Kinderhaus", ""]
FIELDS = ["education_language", "work_training", "social_participation", "housing"]


@pytest.fixture
def generated(
    world, actor, make_person, make_offer, make_session, django_capture_on_commit_callbacks
) -> dict[str, Any]:
    """People with needs over 14 months (interests, some met, some withdrawn), offers with sessions
    over the months (courses and single dates), waiting lists: every change through the services."""
    rng = random.Random(20261121)
    today = timezone.localdate()
    people = [
        make_person(
            district=rng.choice(DISTRICTS),
            age=rng.choice([17, 19, 24, 31, 50]),
            status=rng.choice(["duldung", "gestattung", "aufenthaltserlaubnis", None]),
            language=rng.choice(["ar", "prs", "uk", None]),
        )
        for _ in range(36)
    ]
    for person in people:
        for _ in range(rng.choice([1, 1, 2, 3])):
            day = today - dt.timedelta(days=rng.randrange(0, 420))
            needs.record_interest(person, rng.choice(FIELDS), day=day)
    zone = timezone.get_current_timezone()
    created: list[Offer] = []
    for i in range(6):
        per_session = i % 3 == 0
        offer = make_offer(
            capacity=rng.choice([2, 3, 5]),
            field_of_action=FIELDS[i % 4],
            district=DISTRICTS[i % 3],
            enrolment_unit="session" if per_session else "course",
            age_min=18 if i == 1 else None,
            open_regardless_of_status=i != 2,
            admitted_statuses=["aufenthaltserlaubnis"] if i == 2 else [],
            languages=["uk"] if i == 4 else [],
        )
        start = today - dt.timedelta(days=rng.randrange(30, 300))
        for week in range(rng.choice([2, 5, 9])):
            begins = dt.datetime.combine(start + dt.timedelta(weeks=week), dt.time(10), tzinfo=zone)
            make_session(offer, starts_at=begins, ends_at=begins + dt.timedelta(hours=2), is_cancelled=week == 1)
        created.append(offer)
    # A future course that takes enrolments now: seats and a waiting list.
    course = make_offer(capacity=2, field_of_action="education_language", category="language", district="Coerde")
    make_session(course)
    with django_capture_on_commit_callbacks(execute=True):
        for person in people[:6]:
            offers.enrol_participant(actor, course, person)
        waiting = course.enrolments.filter(status="waiting").order_by("pk").first()
        offers.cancel_enrolment(actor, waiting, reason="participant")
        seat = course.enrolments.filter(status="enrolled").order_by("pk").first()
        offers.cancel_enrolment(actor, seat, reason="participant")  # somebody moves up
    created.append(course)
    return {"people": people, "offers": created, "today": today}


def _cube() -> set[tuple[Any, ...]]:
    return set(
        NeedCube.objects.values_list(
            "grain",
            "month",
            "field",
            "district",
            "age_band",
            "status_group",
            "language",
            "prev_month",
            "needs",
            "met_30",
            "open",
        )
    )


def test_incremental_summary_equals_a_rebuild(generated, actor) -> None:
    assert Need.objects.count() > 40 and OfferMonth.objects.exists()
    assert summary.verify(actor.network_id) == []
    before = _cube()
    months = set(OfferMonth.objects.values_list("offer_id", "month", "seats", "new_seats", "seated_from_waiting"))
    result = summary.rebuild(actor.network_id)
    assert result["needs_changed"] == 0
    assert _cube() == before
    assert (
        set(OfferMonth.objects.values_list("offer_id", "month", "seats", "new_seats", "seated_from_waiting")) == months
    )


def _filters(today: dt.date, **values: Any) -> Filters:
    end = today.replace(day=1)
    return Filters(start=add_months(end, -values.pop("months", 12) + 1), end=end, **values)


COMBINATIONS = [
    {},
    {"rows": "age_band"},
    {"rows": "status_group", "field": "education_language"},
    {"rows": "language", "district": "Coerde"},
    {"rows": "district", "age_band": "18_26", "status_group": "tolerated"},
    {"rows": "district", "language": "", "months": 3},
    {"rows": "age_band", "district": "", "months": 24},
]


def _independent(today: dt.date, filters: Filters) -> dict[tuple[str, str], list[int]]:
    """Persons and needs per (row, field), counted from the raw needs without ``prev_month``: a
    person counts once per field, in the cell of their first need in the period."""
    rows = list(
        Need.objects.values_list(
            "pk", "participant_id", "field", "recorded_on", "district", "age_band", "status_group", "language"
        )
    )
    firsts: dict[tuple[int, str], tuple[dt.date, int]] = {}
    for pk, person, field, day, *_rest in rows:
        month = day.replace(day=1)
        if filters.start <= month <= filters.end:
            key = (person, field)
            firsts[key] = min(firsts.get(key, (day, pk)), (day, pk))
    result: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    names = ("district", "age_band", "status_group", "language")
    for pk, person, field, day, *attributes in rows:
        values = dict(zip(names, attributes, strict=True))
        if not filters.start <= day.replace(day=1) <= filters.end:
            continue
        if filters.field and field != filters.field:
            continue
        if any(getattr(filters, n) is not None and values[n] != getattr(filters, n) for n in names):
            continue
        cell = result[(values[filters.rows], field)]
        cell[1] += 1
        if firsts[(person, field)] == (day, pk):
            cell[0] += 1
    return dict(result)


def _seats(filters: Filters) -> dict[str, int]:
    """Seats offered per field, counted from the sessions (district filter only)."""
    seats: dict[str, int] = defaultdict(int)
    for offer in Offer.objects.filter(status__in=["published", "ended"]):
        if filters.field and offer.field_of_action != filters.field:
            continue
        if filters.district is not None and offer.district != filters.district:
            continue
        held = Session.objects.filter(offer=offer, is_cancelled=False).order_by("starts_at")
        days = [timezone.localtime(s.starts_at).date().replace(day=1) for s in held]
        if offer.enrolment_unit == "session":
            seats[offer.field_of_action] += sum(
                (s.capacity or offer.capacity)
                for s, m in zip(held, days, strict=True)
                if filters.start <= m <= filters.end
            )
        elif days and filters.start <= days[0] <= filters.end:
            seats[offer.field_of_action] += offer.capacity
    return dict(seats)


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_served_equals_live_equals_an_independent_count(generated, actor, combination) -> None:
    filters = _filters(generated["today"], **dict(combination))
    served = build(actor.network_id, filters, today=generated["today"])
    live = build(actor.network_id, filters, live=True, today=generated["today"])
    assert served == live
    by = (filters.rows, "field")
    assert queries.demand(actor.network_id, filters, by) == queries.demand(actor.network_id, filters, by, live=True)
    assert queries.supply(actor.network_id, filters, by) == queries.supply(actor.network_id, filters, by, live=True)
    assert queries.waiting(actor.network_id, filters) == queries.waiting(actor.network_id, filters, live=True)
    independent = _independent(generated["today"], filters)
    demand = queries.demand(actor.network_id, filters, by)
    assert {k: [d.persons, d.needs] for k, d in demand.items() if d.needs} == independent
    # The report shows exactly these persons where it shows them (and "<5" only for small groups).
    for (row, field), (persons, _needs) in independent.items():
        cell = served.cells.get((row, field))
        if cell is None:
            continue
        assert cell.persons.value in (persons, None)
        if 0 < persons < 5:
            assert cell.persons.value is None
    if filters.age_band is None and filters.status_group is None and filters.language is None:
        seats = _seats(filters)
        assert {f: c.seats for f, c in served.field_totals.items() if c.seats} == {f: n for f, n in seats.items() if n}


def test_a_need_recorded_for_an_earlier_day_moves_the_chain(generated, actor) -> None:
    person = generated["people"][0]
    first = Need.objects.filter(participant=person).order_by("recorded_on", "pk").first()
    assert first is not None and first.prev_month == summary.FIRST
    earlier = first.recorded_on - dt.timedelta(days=60)
    summary.update_needs(
        actor.network_id,
        {(person.pk, first.field)},
        lambda: needs._create(person, first.field, "interest", earlier),
    )
    first.refresh_from_db()
    assert first.prev_month == earlier.replace(day=1)
    assert summary.verify(actor.network_id) == []
