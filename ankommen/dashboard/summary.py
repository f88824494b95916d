"""The summary tables of the dashboard, kept current in the transaction of every change (ADR 0017).

**Needs** (``NeedCube``): one row per month × field × district × age band × status group × language
× ``prev_month`` with the number of needs, of needs met within 30 days and of needs still open,
plus the roll-ups of every subset of the four grouping dimensions (16 "grains"; a rolled-up dimension
holds ``ALL``). A dashboard query reads exactly the grain of the dimensions it filters or groups by,
so it sums a few hundred rows instead of a million needs.

*Persons* are additive because of ``prev_month`` (the month of the same person's previous need in
the field): over a period [start, end] a person counts once per field, in the cell of their first
need in the period — exactly the needs whose ``prev_month`` lies before ``start``. So the persons of
a period are ``Sum(needs) where prev_month < start``, from the summary as from the raw needs.

Changes are applied as deltas: the affected needs' contributions before and after the change are
compared and the difference is added to the 16 grains (``apply_need_delta``). Changes of one
network are serialised by locking its ``SummaryState`` row, so concurrent transactions cannot lose
an update. ``rebuild`` recomputes everything from scratch (management command
``rebuild_dashboard``, job ``dashboard.rebuild``), ``verify`` compares the tables with a fresh
computation.

**Offers** (``OfferMonth``, ``OfferWaiting``): one row per running offer and month, and one per offer
for its waiting list; refreshed for the offers that changed (``refresh_offers``), computed by the
plain functions of ``profiles``.

Derived fields of a need (``prev_month``, ``met_on``, ``met_within_30``, ``is_open``) are computed
for a whole (person, field) group at a time by ``derive`` from the needs and the person's seats.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Field, Q
from django.utils import timezone
from django_scopes import scope

from ankommen.dashboard.choices import ALL, DIMENSION_BITS, FIRST
from ankommen.dashboard.models import Need, NeedCube, OfferMonth, OfferWaiting, SummaryState
from ankommen.dashboard.profiles import OfferFacts, OfferSupply, SessionFacts, month_of, offer_supply
from ankommen.offers.choices import EnrolmentStatus, EnrolmentUnit
from ankommen.offers.models import Enrolment, Offer, Session

FullKey = tuple[dt.date, str, str, str, str, str, dt.date]
CubeKey = tuple[int, dt.date, str, str, str, str, str, dt.date]
NEED_KEY_FIELDS = ("recorded_month", "field", "district", "age_band", "status_group", "language", "prev_month")
CUBE_KEY_FIELDS = ("grain", "month", "field", "district", "age_band", "status_group", "language", "prev_month")
GRAINS = range(16)
BATCH = 5000


def local_day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


def lock(network_id: int) -> None:
    """Lock the network's summary row for the rest of the transaction (created when missing)."""
    if SummaryState.objects.select_for_update().filter(network_id=network_id).exists():
        return
    try:
        with transaction.atomic():
            SummaryState.objects.create(network_id=network_id)
    except IntegrityError:
        pass
    SummaryState.objects.select_for_update().filter(network_id=network_id).exists()


# --- the needs cube ------------------------------------------------------------------------------


def rolled(key: FullKey, grain: int) -> CubeKey:
    month, field, district, band, group, language, prev = key
    return (
        grain,
        month,
        field,
        district if grain & DIMENSION_BITS["district"] else ALL,
        band if grain & DIMENSION_BITS["age_band"] else ALL,
        group if grain & DIMENSION_BITS["status_group"] else ALL,
        language if grain & DIMENSION_BITS["language"] else ALL,
        prev,
    )


def contributions(rows: Iterable[Sequence[Any]]) -> dict[FullKey, list[int]]:
    """Counts per full key from rows (the seven key fields, met within 30 days, open)."""
    result: dict[FullKey, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        counts = result[tuple(row[:7])]  # type: ignore[index]
        counts[0] += 1
        counts[1] += 1 if row[7] else 0
        counts[2] += 1 if row[8] else 0
    return dict(result)


def cube_of(full: Mapping[FullKey, Sequence[int]]) -> dict[CubeKey, list[int]]:
    """The 16 grains of full-grain counts."""
    cube: dict[CubeKey, list[int]] = {}
    for key, counts in full.items():
        for grain in GRAINS:
            cube_key = rolled(key, grain)
            current = cube.get(cube_key)
            if current is None:
                cube[cube_key] = list(counts)
            else:
                current[0] += counts[0]
                current[1] += counts[1]
                current[2] += counts[2]
    return cube


def apply_need_delta(
    network_id: int, before: Mapping[FullKey, Sequence[int]], after: Mapping[FullKey, Sequence[int]]
) -> int:
    """Add ``after − before`` to the cube; returns the number of cube rows touched."""
    delta: dict[FullKey, list[int]] = {}
    for key in set(before) | set(after):
        old = before.get(key, (0, 0, 0))
        new = after.get(key, (0, 0, 0))
        diff = [new[0] - old[0], new[1] - old[1], new[2] - old[2]]
        if any(diff):
            delta[key] = diff
    if not delta:
        return 0
    changes = {key: counts for key, counts in cube_of(delta).items() if any(counts)}
    if not changes:
        return 0
    columns = list(zip(*changes.keys(), strict=True))
    existing = {
        tuple(getattr(row, name) for name in CUBE_KEY_FIELDS): row
        for row in NeedCube.objects.filter(
            network_id=network_id,
            grain__in=set(columns[0]),
            month__in=set(columns[1]),
            field__in=set(columns[2]),
            district__in=set(columns[3]),
            age_band__in=set(columns[4]),
            status_group__in=set(columns[5]),
            language__in=set(columns[6]),
            prev_month__in=set(columns[7]),
        )
    }
    to_update: list[NeedCube] = []
    to_create: list[NeedCube] = []
    to_delete: list[int] = []
    for cube_key, (needs, met, open_) in changes.items():
        row = existing.get(cube_key)
        if row is None:
            if needs < 0 or met < 0 or open_ < 0:
                raise RuntimeError(f"dashboard summary out of step at {cube_key}: run rebuild_dashboard")
            to_create.append(
                NeedCube(
                    network_id=network_id,
                    **dict(zip(CUBE_KEY_FIELDS, cube_key, strict=True)),
                    needs=needs,
                    met_30=met,
                    open=open_,
                )
            )
            continue
        row.needs += needs
        row.met_30 += met
        row.open += open_
        if row.needs < 0 or row.met_30 < 0 or row.open < 0:
            raise RuntimeError(f"dashboard summary out of step at {cube_key}: run rebuild_dashboard")
        if row.needs == 0:
            to_delete.append(row.pk)
        else:
            to_update.append(row)
    if to_delete:
        NeedCube.objects.filter(pk__in=to_delete).delete()
    if to_update:
        NeedCube.objects.bulk_update(to_update, ["needs", "met_30", "open"])
    if to_create:
        NeedCube.objects.bulk_create(to_create)
    return len(changes)


# --- derived fields of needs ---------------------------------------------------------------------


@dataclass
class NeedState:
    pk: int
    recorded_on: dt.date
    withdrawn_on: dt.date | None
    prev_month: dt.date
    met_on: dt.date | None
    met_by_id: int | None
    met_within_30: bool
    is_open: bool

    FIELDS = ("pk", "recorded_on", "withdrawn_on", "prev_month", "met_on", "met_by_id", "met_within_30", "is_open")


DERIVED = ["prev_month", "met_on", "met_by_id", "met_within_30", "is_open"]


def derive(needs: Iterable[NeedState], seats: Iterable[tuple[dt.date, int]]) -> list[NeedState]:
    """Recompute the derived fields of one person's needs in one field; returns those that changed.

    A need is met by the person's first seat (``seats``: day and enrolment id) in an offer of the
    field on or after the day it was recorded, unless it was withdrawn before that seat. It is open
    while neither met nor withdrawn. ``prev_month``: the month of the previous need (by day
    recorded, then id)."""
    ordered_seats = sorted(seats)
    changed: list[NeedState] = []
    prev = FIRST
    for need in sorted(needs, key=lambda n: (n.recorded_on, n.pk)):
        seat = next((s for s in ordered_seats if s[0] >= need.recorded_on), None)
        if seat is not None and need.withdrawn_on is not None and seat[0] > need.withdrawn_on:
            seat = None
        met_on, met_by = seat if seat is not None else (None, None)
        values = {
            "prev_month": prev,
            "met_on": met_on,
            "met_by_id": met_by,
            "met_within_30": met_on is not None and (met_on - need.recorded_on).days <= 30,
            "is_open": met_on is None and need.withdrawn_on is None,
        }
        prev = month_of(need.recorded_on)
        if any(getattr(need, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(need, name, value)
            changed.append(need)
    return changed


def seats_of(network_id: int, groups: Iterable[tuple[int, str]]) -> dict[tuple[int, str], list[tuple[dt.date, int]]]:
    """Seats (day, enrolment id) per (person, field): enrolments that got a seat, even if later cancelled."""
    groups = set(groups)
    people = {person for person, _field in groups}
    result: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
    if not people:
        return result
    rows = Enrolment.objects.filter(network=network_id, participant__in=people).filter(
        Q(enrolled_at__isnull=False) | Q(status=EnrolmentStatus.ENROLLED)
    )
    for pk, person, field, enrolled_at, queued_at in rows.values_list(
        "pk", "participant_id", "offer__field_of_action", "enrolled_at", "queued_at"
    ):
        if (person, field) in groups:
            result[(person, field)].append((local_day(enrolled_at or queued_at), pk))
    return result


def refresh_groups(network_id: int, groups: Iterable[tuple[int, str]]) -> int:
    """Recompute and save the derived fields of the needs of these (person, field) groups."""
    groups = set(groups)
    if not groups:
        return 0
    people = {person for person, _field in groups}
    states: dict[tuple[int, str], list[NeedState]] = defaultdict(list)
    for row in Need.objects.filter(network=network_id, participant__in=people).values_list(
        "participant_id", "field", *NeedState.FIELDS
    ):
        if (row[0], row[1]) in groups:
            states[(row[0], row[1])].append(NeedState(*row[2:]))
    seats = seats_of(network_id, groups)
    changed: list[NeedState] = []
    for group, needs in states.items():
        changed += derive(needs, seats.get(group, []))
    _save_derived(changed)
    return len(changed)


def _save_derived(changed: Sequence[NeedState]) -> None:
    """Write the derived fields back: one parameterised ``UPDATE`` by primary key, sent as a batch
    (``executemany``; pipelined by psycopg). ``bulk_update`` would build a ``CASE`` with one branch
    per row and field, which the database evaluates row by row: a rebuild of a million needs took
    most of an hour that way."""
    if not changed:
        return
    from django.db import connection

    quote = connection.ops.quote_name
    fields: list[Field[Any, Any]] = [Need._meta.get_field(name) for name in DERIVED]  # type: ignore[misc]
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    table, key = quote(Need._meta.db_table), quote(str(Need._meta.pk.column))  # type: ignore[union-attr]
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names from the model, values bound
    with connection.cursor() as cursor:
        for start in range(0, len(changed), BATCH):
            rows = [
                [
                    field.get_db_prep_value(getattr(state, name), connection)
                    for field, name in zip(fields, DERIVED, strict=True)
                ]
                + [state.pk]
                for state in changed[start : start + BATCH]
            ]
            cursor.executemany(sql, rows)


def group_rows(network_id: int, groups: set[tuple[int, str]]) -> list[tuple[Any, ...]]:
    """The key rows of the needs of these groups (for ``contributions``)."""
    people = {person for person, _field in groups}
    if not people:
        return []
    rows = Need.objects.filter(network=network_id, participant__in=people).values_list(
        "participant_id", "field", *NEED_KEY_FIELDS, "met_within_30", "is_open"
    )
    return [row[2:] for row in rows if (row[0], row[1]) in groups]


def update_needs(network_id: int, groups: Iterable[tuple[int, str]], mutate: Callable[[], object]) -> None:
    """The one way needs change: lock, take the contributions of the needs of these (person, field)
    groups, ``mutate``, recompute the groups' derived fields and add the difference to the cube.
    ``groups`` must name every group ``mutate`` touches, before and after (a merge: both people)."""
    groups = set(groups)
    with scope(network=network_id), transaction.atomic():
        lock(network_id)
        before_rows = group_rows(network_id, groups)
        mutate()
        refresh_groups(network_id, groups)
        apply_need_delta(network_id, contributions(before_rows), contributions(group_rows(network_id, groups)))


def remove_need_rows(network_id: int, rows: Iterable[Sequence[Any]]) -> None:
    """Subtract needs that are gone (deleted with their person) from the cube."""
    with scope(network=network_id), transaction.atomic():
        lock(network_id)
        apply_need_delta(network_id, contributions(rows), {})


# --- offers --------------------------------------------------------------------------------------


def facts_of(offer: Offer) -> OfferFacts:
    return OfferFacts(
        offer_id=offer.pk,
        status=offer.status,
        field=offer.field_of_action,
        category=offer.category,
        district=(offer.district or "").strip(),
        capacity=offer.capacity,
        per_session=offer.enrolment_unit == EnrolmentUnit.SESSION,
        age_min=offer.age_min,
        age_max=offer.age_max,
        open_regardless_of_status=offer.open_regardless_of_status,
        admitted_statuses=tuple(offer.admitted_statuses or ()),
        languages=tuple(offer.languages or ()),
        is_german_course=offer.is_german_course,
    )


def load_supply(network_id: int, offer_ids: Iterable[int] | None = None) -> dict[int, OfferSupply]:
    """The supply of these offers (all of the network's with ``None``), from the raw tables."""
    offers = Offer.objects.filter(network=network_id)
    sessions = Session.objects.filter(network=network_id)
    enrolments = Enrolment.objects.filter(network=network_id)
    if offer_ids is not None:
        ids = set(offer_ids)
        offers, sessions, enrolments = (
            offers.filter(pk__in=ids),
            sessions.filter(offer__in=ids),
            enrolments.filter(offer__in=ids),
        )
    facts = {
        offer.pk: facts_of(offer)
        for offer in offers.only(
            "pk",
            "status",
            "field_of_action",
            "category",
            "district",
            "capacity",
            "enrolment_unit",
            "age_min",
            "age_max",
            "open_regardless_of_status",
            "admitted_statuses",
            "languages",
            "is_german_course",
        )
    }
    by_offer: dict[int, list[SessionFacts]] = defaultdict(list)
    for offer_id, starts_at, capacity, cancelled in sessions.values_list(
        "offer_id", "starts_at", "capacity", "is_cancelled"
    ):
        by_offer[offer_id].append(SessionFacts(local_day(starts_at), capacity, cancelled))
    promotions: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for offer_id, queued_at, enrolled_at in enrolments.filter(
        from_waiting_list=True, enrolled_at__isnull=False
    ).values_list("offer_id", "queued_at", "enrolled_at"):
        if enrolled_at is not None:
            promotions[offer_id].append((local_day(queued_at), local_day(enrolled_at)))
    waiting: dict[int, list[dt.date]] = defaultdict(list)
    for offer_id, queued_at in enrolments.filter(status=EnrolmentStatus.WAITING).values_list("offer_id", "queued_at"):
        waiting[offer_id].append(local_day(queued_at))
    return {
        pk: offer_supply(fact, by_offer.get(pk, []), promotions.get(pk, []), waiting.get(pk, []))
        for pk, fact in facts.items()
    }


def supply_objects(network_id: int, supplies: Iterable[OfferSupply]) -> tuple[list[OfferMonth], list[OfferWaiting]]:
    months: list[OfferMonth] = []
    waiting: list[OfferWaiting] = []
    for supply in supplies:
        fact = supply.facts
        ages, statuses, languages = fact.masks
        common = {
            "network_id": network_id,
            "offer_id": fact.offer_id,
            "field": fact.field,
            "category": fact.category,
            "district": fact.district,
            "age_mask": ages,
            "status_mask": statuses,
            "language_mask": languages,
        }
        for row in supply.months.values():
            months.append(
                OfferMonth(
                    **common,
                    month=row.month,
                    sessions=row.sessions,
                    seats=row.seats,
                    new_seats=row.new_seats,
                    seated_from_waiting=row.seated_from_waiting,
                    wait_days=row.wait_days,
                )
            )
        if supply.waiting.waiting:
            waiting.append(
                OfferWaiting(
                    **common, waiting=supply.waiting.waiting, waiting_since_sum=supply.waiting.waiting_since_sum
                )
            )
    return months, waiting


def refresh_offers(network_id: int, offer_ids: Iterable[int]) -> None:
    """Recompute the supply rows of these offers (in the current transaction)."""
    ids = set(offer_ids)
    if not ids:
        return
    with scope(network=network_id), transaction.atomic():
        lock(network_id)
        months, waiting = supply_objects(network_id, load_supply(network_id, ids).values())
        OfferMonth.objects.filter(network=network_id, offer__in=ids).delete()
        OfferWaiting.objects.filter(network=network_id, offer__in=ids).delete()
        OfferMonth.objects.bulk_create(months, batch_size=BATCH)
        OfferWaiting.objects.bulk_create(waiting, batch_size=BATCH)


# --- from scratch --------------------------------------------------------------------------------


def recompute_all_needs(network_id: int) -> int:
    """Recompute the derived fields of every need of the network (returns how many changed)."""
    seats: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
    for pk, person, field, enrolled_at, queued_at in (
        Enrolment.objects.filter(network=network_id)
        .filter(Q(enrolled_at__isnull=False) | Q(status=EnrolmentStatus.ENROLLED))
        .values_list("pk", "participant_id", "offer__field_of_action", "enrolled_at", "queued_at")
        .iterator(chunk_size=BATCH)
    ):
        seats[(person, field)].append((local_day(enrolled_at or queued_at), pk))
    changed: list[NeedState] = []
    current: tuple[int, str] | None = None
    group: list[NeedState] = []
    rows = (
        Need.objects.filter(network=network_id)
        .order_by("participant_id", "field", "recorded_on", "pk")
        .values_list("participant_id", "field", *NeedState.FIELDS)
        .iterator(chunk_size=BATCH)
    )
    for row in rows:
        key = (row[0], row[1])
        if key != current:
            if current is not None:
                changed += derive(group, seats.get(current, []))
            current, group = key, []
        group.append(NeedState(*row[2:]))
    if current is not None:
        changed += derive(group, seats.get(current, []))
    _save_derived(changed)
    return len(changed)


DIMENSION_COLUMNS = ("district", "age_band", "status_group", "language")


def computed_grain(network_id: int, grain: int) -> dict[CubeKey, list[int]]:
    """One grain of the cube as it should be, from the needs (one GROUP BY)."""
    kept = [d for d in DIMENSION_COLUMNS if grain & DIMENSION_BITS[d]]
    result: dict[CubeKey, list[int]] = {}
    for row in (
        Need.objects.filter(network=network_id)
        .values("recorded_month", "field", *kept, "prev_month")
        .annotate(n=Count("pk"), m=Count("pk", filter=Q(met_within_30=True)), o=Count("pk", filter=Q(is_open=True)))
        .values_list("recorded_month", "field", *kept, "prev_month", "n", "m", "o")
        .order_by()
    ):
        values = dict(zip(["month", "field", *kept, "prev_month"], row, strict=False))
        key = (
            grain,
            values["month"],
            values["field"],
            *(values.get(d, ALL) for d in DIMENSION_COLUMNS),
            values["prev_month"],
        )
        result[key] = list(row[-3:])  # type: ignore[assignment]
    return result


def _insert_grain(network_id: int, grain: int) -> int:
    """``INSERT … SELECT`` one grain from the needs: no rows through Python (a million needs rebuild
    in seconds). Plain SQL that PostgreSQL and SQLite both run."""
    from django.db import connection

    quote = connection.ops.quote_name
    kept = [d for d in DIMENSION_COLUMNS if grain & DIMENSION_BITS[d]]
    select_dims = ", ".join(quote(d) if d in kept else "%s" for d in DIMENSION_COLUMNS)
    group = ", ".join(quote(c) for c in ("recorded_month", "field", *kept, "prev_month"))
    columns = ", ".join(
        quote(c)
        for c in ("network_id", "grain", "month", "field", *DIMENSION_COLUMNS, "prev_month", "needs", "met_30", "open")
    )
    sql = (
        f"INSERT INTO {quote(NeedCube._meta.db_table)} ({columns}) "  # noqa: S608 (names, not input)
        f"SELECT %s, %s, {quote('recorded_month')}, {quote('field')}, {select_dims}, {quote('prev_month')}, "
        f"COUNT(*), SUM(CASE WHEN {quote('met_within_30')} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {quote('is_open')} THEN 1 ELSE 0 END) "
        f"FROM {quote(Need._meta.db_table)} WHERE {quote('network_id')} = %s GROUP BY {group}"
    )
    params: list[int | str] = [network_id, grain, *(ALL for d in DIMENSION_COLUMNS if d not in kept), network_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount or 0)


def _analyze(*models: Any) -> None:
    """Fresh planner statistics after a bulk rewrite: with statistics from before the rebuild,
    PostgreSQL planned the dashboard's queries for an almost empty table (seconds instead of
    milliseconds at a million needs). ANALYZE may run inside a transaction on both databases."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def rebuilt_at(network_id: int) -> dt.datetime | None:
    """When the network's summary was last rebuilt from the raw tables (``None``: never)."""
    return SummaryState.objects.filter(network=network_id).values_list("rebuilt_at", flat=True).first()


def rebuild(network_id: int, *, recompute_needs: bool = True) -> dict[str, int]:
    """Recompute every summary row of the network from the raw tables."""
    with scope(network=network_id), transaction.atomic():
        lock(network_id)
        changed = recompute_all_needs(network_id) if recompute_needs else 0
        NeedCube.objects.filter(network=network_id)._raw_delete(NeedCube.objects.db)  # type: ignore[attr-defined]
        cube_rows = sum(_insert_grain(network_id, grain) for grain in GRAINS)
        months, waiting = supply_objects(network_id, load_supply(network_id).values())
        OfferMonth.objects.filter(network=network_id).delete()
        OfferWaiting.objects.filter(network=network_id).delete()
        OfferMonth.objects.bulk_create(months, batch_size=BATCH)
        OfferWaiting.objects.bulk_create(waiting, batch_size=BATCH)
        SummaryState.objects.filter(network_id=network_id).update(rebuilt_at=timezone.now())
        _analyze(NeedCube, OfferMonth, OfferWaiting)
    return {
        "needs_changed": changed,
        "cube_rows": cube_rows,
        "offer_months": len(months),
        "waiting_lists": len(waiting),
    }


def verify(network_id: int) -> list[str]:
    """Differences between the summary tables (and the needs' derived fields) and a fresh computation."""
    problems: list[str] = []
    with scope(network=network_id):
        stale = _stale_needs(network_id)
        if stale:
            problems.append(f"{stale} needs with out-of-date derived fields")
        for grain in GRAINS:
            expected = computed_grain(network_id, grain)
            actual = {
                tuple(row[:8]): [row[8], row[9], row[10]]
                for row in NeedCube.objects.filter(network=network_id, grain=grain).values_list(
                    *CUBE_KEY_FIELDS, "needs", "met_30", "open"
                )
            }
            for key in set(expected) | set(actual):
                if expected.get(key) != actual.get(key) and len(problems) < 200:
                    problems.append(f"needs {key}: summary {actual.get(key)}, computed {expected.get(key)}")
        months, waiting = supply_objects(network_id, load_supply(network_id).values())
        fields = (
            "offer_id",
            "month",
            "field",
            "category",
            "district",
            "age_mask",
            "status_mask",
            "language_mask",
            "sessions",
            "seats",
            "new_seats",
            "seated_from_waiting",
            "wait_days",
        )
        want = {tuple(getattr(m, f) for f in fields) for m in months}
        have = set(OfferMonth.objects.filter(network=network_id).values_list(*fields))
        for row in sorted(want ^ have, key=str)[:50]:
            problems.append(f"offer month {row}: {'missing' if row in want else 'unexpected'}")
        wfields = (
            "offer_id",
            "field",
            "district",
            "age_mask",
            "status_mask",
            "language_mask",
            "waiting",
            "waiting_since_sum",
        )
        want_w = {tuple(getattr(w, f) for f in wfields) for w in waiting}
        have_w = set(OfferWaiting.objects.filter(network=network_id).values_list(*wfields))
        for row in sorted(want_w ^ have_w, key=str)[:50]:
            problems.append(f"waiting list {row}: {'missing' if row in want_w else 'unexpected'}")
    return problems


def _stale_needs(network_id: int) -> int:
    """How many needs' derived fields differ from a recomputation (nothing is saved)."""
    stale = 0
    seats: dict[tuple[int, str], list[tuple[dt.date, int]]] = defaultdict(list)
    for pk, person, field, enrolled_at, queued_at in (
        Enrolment.objects.filter(network=network_id)
        .filter(Q(enrolled_at__isnull=False) | Q(status=EnrolmentStatus.ENROLLED))
        .values_list("pk", "participant_id", "offer__field_of_action", "enrolled_at", "queued_at")
    ):
        seats[(person, field)].append((local_day(enrolled_at or queued_at), pk))
    groups: dict[tuple[int, str], list[NeedState]] = defaultdict(list)
    for row in Need.objects.filter(network=network_id).values_list("participant_id", "field", *NeedState.FIELDS):
        groups[(row[0], row[1])].append(NeedState(*row[2:]))
    for key, needs in groups.items():
        stale += len(derive(needs, seats.get(key, [])))
    return stale
