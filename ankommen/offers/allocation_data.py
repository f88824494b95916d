# ruff: noqa: S608 - the SQL below is put together from this module's constants and the choice lists
# (table and column names, CASE over known codes); every value is passed as a query parameter.
"""The seat-allocation problem, built from the database with a fixed number of bulk queries.

``build(run)`` reads, for the run's offers (``AllocationRun.offers``):

1. the offers (their target group, as ``finder`` arrays), their dates and the seats taken – free
   seats are the seats minus the seats taken at this moment;
2. the people waiting for them (``Enrolment`` on the waiting list: the interest the case managers
   registered), without those who hold a seat in one of the run's offers already and merged
   records;
3. for those people, in one query each: the record (birth date, sex, ZUE, district, support
   needs), the current residence status, languages, the open cases' goals and assessment, and the
   sessions they have a seat in over the next weeks (time clashes).

Each query returns whole columns (PostgreSQL: all rows packed by the server into one ``bytea``,
read by numpy; SQLite: the cursor), nothing is read per person or per offer; the candidates are
selected by a temporary table, or by the network when they are most of its people. The
candidate pairs are the waiting places
(and, with ``include_parallel``, the run's other offers of the same category: parallel courses);
``finder.score_pairs`` excludes the pairs that do not fit (the finder's rules) and gives each the
finder's fit; the priorities are added (``PRIORITY`` below) and the result is a checked
``allocation.Problem``.

**Score of a pair** (0 to 1, four decimal places, ``SCORE_DECIMALS``)::

    score = 0.55 · fit + 0.35 · priority + 0.10 · asked-for
    priority = min(1, 0.5 · min(1, waiting days / 180) + 0.3 · age-limit deadline + 0.2 · support need)

- *fit*: the offer finder's fit (need, language, place, practical; seats at 0.5 since the
  allocation decides the seats);
- *waiting days*: since the person's first waiting place among the run's offers;
- *age-limit deadline*: within a year the person turns 27 (Jugendintegrationskurs, youth
  offers; DOMAIN §5.3) or grows older than the offer's maximum age – now or never;
- *support need*: any support need on the record (single parent, disability, …);
- *asked-for*: the offer is the one the case manager put the person on the waiting list for
  (matters only with parallel offers).

Every participant gets at most one seat among the run's offers; ``allocation.allocate`` places as
many as possible and among those maximises the total score (ADR 0013).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.utils import timezone

from ankommen.offers import finder
from ankommen.offers.allocation import Problem, make_problem
from ankommen.offers.choices import EnrolmentUnit, OfferStatus
from ankommen.offers.finding import CHILDCARE_NEEDS, ENTITLEMENT_BASES, HORIZON_DAYS, OFFER_COLUMNS, offer_facts
from ankommen.offers.models import AllocationRun, Offer
from ankommen.participants.choices import CEFR_ORDER, StatusType

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

SCORE_DECIMALS = 4
WEIGHTS = {"fit": 0.55, "priority": 0.35, "asked_for": 0.10}
PRIORITY = {"waiting": 0.5, "deadline": 0.3, "support": 0.2}
WAITING_FULL_DAYS = 180
DEADLINE_AGE = 27
MAX_PARALLEL_OFFERS = 50
"""``include_parallel`` multiplies the pairs by the offers of a category: only for small runs."""
STEP_FREE_NEED = "disability_support"


@dataclass
class Built:
    """The problem and, per problem index, what the preview stores."""

    problem: Problem
    participant_ids: IntArray  # participant pk per problem participant
    organisation_ids: IntArray
    offer_ids: IntArray  # offer pk per problem offer
    free_seats: IntArray
    pair_path: IntArray  # entitlement path per candidate pair: index into finder.PATHS, -1 for none
    fit: FloatArray  # per candidate pair
    priority: FloatArray  # per candidate pair
    asked_for: npt.NDArray[np.bool_]  # per candidate pair
    further: npt.NDArray[np.bool_]  # per candidate pair: a deadline or a support need counted
    waiting_days: IntArray  # per participant
    candidates: int  # people waiting (before exclusions)
    excluded: dict[str, int] = field(default_factory=dict)  # pairs left out, per reason
    seconds: dict[str, float] = field(default_factory=dict)


# --- reading whole columns ---------------------------------------------------------------------


def _ints(sql: str, params: list[Any], columns: int, wide: tuple[int, ...] = ()) -> IntArray:
    """The rows of a query whose columns are all integers (no NULLs), as an array (rows × columns).

    PostgreSQL: the server packs all rows into one ``bytea`` (``string_agg`` of ``int4send`` /
    ``int8send``: big-endian ``integer``, or ``bigint`` for the columns in ``wide`` – times in
    epoch seconds), which numpy reads as fixed-size records: no Python object per row or value
    (a ``COPY`` would cost one message per row on the client). SQLite: the cursor."""
    types = ["BIGINT" if i in wide else "INTEGER" for i in range(columns)]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, columns)
        names = ", ".join(f"c{i}" for i in range(columns))
        packed = " || ".join(
            f"{'int8send' if kind == 'BIGINT' else 'int4send'}(CAST(q.c{i} AS {kind}))" for i, kind in enumerate(types)
        )
        cursor.execute(f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS q({names})", params)
        data = cursor.fetchone()[0]
    if data is None:
        return np.zeros((0, columns), dtype=np.int64)
    record = np.dtype([(f"v{i}", ">i8" if kind == "BIGINT" else ">i4") for i, kind in enumerate(types)])
    rows = np.frombuffer(bytes(data), dtype=record)
    out = np.empty((rows.size, columns), dtype=np.int64)
    for i in range(columns):
        out[:, i] = rows[f"v{i}"]
    return out


def _write_ids(table: str, ids: IntArray) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (id) FROM STDIN") as copy:  # type: ignore[union-attr]
                copy.write("".join(f"{value}\n" for value in ids.tolist()))
        else:  # the driver's own cursor: no placeholder rewriting for 100,000 rows
            cursor.cursor.executemany(f"INSERT INTO {table} (id) VALUES (?)", [(value,) for value in ids.tolist()])  # type: ignore[union-attr]


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _case(column: str, values: tuple[str, ...], default: int = -1) -> str:
    whens = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(values))
    return f"(CASE {column} {whens} ELSE {default} END)"


def _epoch(column: str) -> str:
    """Seconds since 1970 of a stored time (SQLite: ``unixepoch`` where available, 3.38 on)."""
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR(date_part('epoch', {column})) AS BIGINT)"  # truncated, like int(now.timestamp())
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({column})"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _date_part(column: str, part: str) -> str:
    if connection.vendor == "postgresql":
        return f"COALESCE(CAST(EXTRACT({part} FROM {column}) AS INTEGER), -1)"
    code = {"YEAR": "%%Y", "MONTH": "%%m", "DAY": "%%d"}[part]
    return f"COALESCE(CAST(strftime('{code}', {column}) AS INTEGER), -1)"


def _cefr(column: str) -> str:
    """A CEFR code as its ``CEFR_ORDER`` (0: none)."""
    whens = " ".join(f"WHEN '{code}' THEN {order}" for code, order in CEFR_ORDER.items() if code)
    return f"(CASE {column} {whens} ELSE 0 END)"


def _value(value: dt.date | dt.datetime) -> Any:
    """A date or time as the database compares it (SQLite stores text)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return connection.ops.adapt_datefield_value(value)


def _json_text(column: str) -> str:
    return f"CAST({column} AS TEXT)" if connection.vendor == "postgresql" else column


def _greatest(*columns: str) -> str:
    return f"{'GREATEST' if connection.vendor == 'postgresql' else 'MAX'}({', '.join(columns)})"


def _false() -> str:
    return "FALSE" if connection.vendor == "postgresql" else "0"


RUN_OFFERS = "SELECT offer_id FROM offers_allocationrun_offers WHERE allocationrun_id = %s"


# --- the offers --------------------------------------------------------------------------------


def _offers(run: AllocationRun, now: dt.datetime) -> tuple[list[finder.OfferFacts], IntArray, IntArray]:
    """Facts, free seats and upcoming dates of the run's offers (published, one seat for all dates)."""
    rows = list(
        Offer.objects.filter(
            network=run.network_id,
            pk__in=run.offers.values("pk"),
            status=OfferStatus.PUBLISHED,
            enrolment_unit=EnrolmentUnit.COURSE,
        )
        .order_by("pk")
        .values_list(*OFFER_COLUMNS, "capacity")
    )
    facts = [offer_facts(row[:-1]) for row in rows]
    capacity = np.array([row[-1] for row in rows], dtype=np.int64)
    ids = np.array([f.id for f in facts], dtype=np.int64)
    taken = _ints(
        f"SELECT offer_id, COUNT(*) FROM offers_enrolment WHERE status = 'enrolled' AND session_id IS NULL "
        f"AND offer_id IN ({RUN_OFFERS}) GROUP BY offer_id",
        [run.pk],
        2,
    )
    free = capacity.copy()
    if taken.size:
        position = np.searchsorted(ids, taken[:, 0])
        found = position < ids.size
        found[found] = ids[position[found]] == taken[found, 0]
        np.subtract.at(free, position[found], taken[found, 1])
    dates = _ints(
        f"SELECT offer_id, COUNT(*), SUM(CASE WHEN starts_at > %s AND is_cancelled = {_false()} THEN 1 ELSE 0 END) "
        f"FROM offers_session WHERE offer_id IN ({RUN_OFFERS}) GROUP BY offer_id",
        [_value(now), run.pk],
        3,
    )
    upcoming = np.full(ids.size, -1, dtype=np.int64)  # -1: no dates planned at all (not excluded)
    if dates.size:
        position = np.searchsorted(ids, dates[:, 0])
        ok = position < ids.size
        ok[ok] = ids[position[ok]] == dates[ok, 0]
        upcoming[position[ok]] = dates[ok, 2]
    return facts, np.maximum(free, 0), upcoming


# --- the people --------------------------------------------------------------------------------


PEOPLE_TABLE = "tmp_allocation_people"


@contextmanager
def _people_table(ids: IntArray) -> Iterator[None]:
    """The run's candidates in a temporary table, joined by the queries about them."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {PEOPLE_TABLE} (id bigint PRIMARY KEY)")
    _write_ids(PEOPLE_TABLE, ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {PEOPLE_TABLE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {PEOPLE_TABLE}")


@dataclass(frozen=True)
class Who:
    """How the queries about the candidates select them: through the temporary table, or – when
    the candidates are most of the network's participants – by the network, the rows of other
    people dropped afterwards (cheaper than a semi-join per query and filling the table)."""

    ids: IntArray
    network_id: int
    table: bool

    def where(self, alias: str, column: str = "participant_id") -> str:
        if self.table:
            return f"{alias}.{column} IN (SELECT id FROM {PEOPLE_TABLE})"
        return f"{alias}.network_id = %s"

    @property
    def params(self) -> list[Any]:
        return [] if self.table else [self.network_id]

    def keep(self, rows: IntArray, column: int = 0) -> IntArray:
        """The rows about one of the candidates."""
        if self.table or not rows.size or not self.ids.size:
            return rows if self.ids.size else rows[:0]
        values = rows[:, column]
        position = np.minimum(np.searchsorted(self.ids, values), self.ids.size - 1)
        return rows[self.ids[position] == values]


def _people(who: Who, today: dt.date, districts: finder.Districts) -> tuple[finder.People, dict[str, Any]]:
    """The candidates' facts as ``finder.People`` rows in the order of ``who.ids`` (sorted), plus
    what the priorities need."""
    ids = who.ids
    n = ids.size
    vulnerabilities = _json_text("p.vulnerabilities")
    childcare = " OR ".join(f"{vulnerabilities} LIKE '%%\"{need}\"%%'" for need in sorted(CHILDCARE_NEEDS))
    record = _ints(
        "SELECT p.id, p.organisation_id, "
        f"{_date_part('p.date_of_birth', 'YEAR')}, {_date_part('p.date_of_birth', 'MONTH')}, "
        f"{_date_part('p.date_of_birth', 'DAY')}, "
        f"{_case('p.sex', tuple(finder.SEX_CODES), 2)}, "
        "(CASE WHEN p.accommodation = '' THEN -1 WHEN p.accommodation = 'zue' THEN 1 ELSE 0 END), "
        f"(CASE WHEN {vulnerabilities} IN ('[]', '') THEN 0 ELSE 1 END), "
        f"(CASE WHEN {childcare} THEN 1 ELSE 0 END), "
        f"(CASE WHEN {vulnerabilities} LIKE '%%\"{STEP_FREE_NEED}\"%%' THEN 1 ELSE 0 END) "
        f"FROM participants_participant p WHERE {who.where('p', 'id')} ORDER BY p.id",
        who.params,
        10,
    )
    record = who.keep(record)
    assert record.shape[0] == n and np.array_equal(record[:, 0], ids)
    year, month, day = record[:, 2], record[:, 3], record[:, 4]
    known = year >= 0

    def age_on(when: dt.date) -> IntArray:
        before = (when.month < month) | ((when.month == month) & (when.day < day))
        return np.where(known, when.year - year - before.astype(np.int64), -1)

    age = age_on(today)
    next_year = (
        today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + dt.timedelta(days=365)
    )
    age_next = age_on(next_year)

    district_of = np.full(n, -1, dtype=np.int64)
    named = _rows(
        f"SELECT p.id, p.district FROM participants_participant p WHERE {who.where('p', 'id')} AND p.district <> ''",
        who.params,
    )
    if named and not who.table:
        candidate = set(ids.tolist())
        named = [(pid, name) for pid, name in named if pid in candidate]
    if named:
        codes = {name: districts.code(name) for name in {name for _pid, name in named}}
        district_of[np.searchsorted(ids, np.fromiter((pid for pid, _name in named), dtype=np.int64))] = np.fromiter(
            (codes[name] for _pid, name in named), dtype=np.int64
        )

    status = np.full(n, -1, dtype=np.int64)
    entitled = np.zeros(n, dtype=bool)
    entitlement = " OR ".join(f"s.legal_basis LIKE '{basis}%%'" for basis in ENTITLEMENT_BASES)
    none_code = finder.STATUSES.index(StatusType.NONE)
    statuses = _ints(
        "SELECT participant_id, code, entitled FROM ("
        f"SELECT s.participant_id, (CASE WHEN s.valid_to IS NOT NULL AND s.valid_to < %s THEN {none_code} "
        f"ELSE {_case('s.status', finder.STATUSES)} END) AS code, "
        f"(CASE WHEN s.status = '{StatusType.RESIDENCE_PERMIT}' AND ({entitlement}) THEN 1 ELSE 0 END) AS entitled, "
        "ROW_NUMBER() OVER (PARTITION BY s.participant_id ORDER BY s.valid_from DESC, s.id DESC) AS n "
        f"FROM participants_residencestatus s WHERE s.valid_from <= %s AND {who.where('s')}"
        ") latest WHERE n = 1",
        [_value(today), _value(today), *who.params],
        3,
    )
    statuses = who.keep(statuses)
    if statuses.size:
        at = np.searchsorted(ids, statuses[:, 0])
        status[at] = statuses[:, 1]
        entitled[at] = statuses[:, 2] == 1

    levels = [_cefr(f"l.{skill}") for skill in ("speaking", "listening", "reading", "writing")]
    languages = _ints(
        f"SELECT l.participant_id, {_case('l.language', finder.LANGUAGES)}, {_greatest(*levels)} "
        f"FROM participants_languageskill l WHERE {who.where('l')}",
        who.params,
        3,
    )
    languages = who.keep(languages)
    spoken = np.zeros(n, dtype=np.int64)
    german = np.zeros(n, dtype=np.int64)
    if languages.size:
        at = np.searchsorted(ids, languages[:, 0])
        best = languages[:, 2]  # CEFR_ORDER of the best level, 0: no level given
        low = (best == CEFR_ORDER["pre_a1"]) | (best == CEFR_ORDER["A1"])
        follows = ~low & (languages[:, 1] >= 0)  # as finding.spoken_languages: no level given, or above A1
        np.bitwise_or.at(spoken, at[follows], np.left_shift(1, languages[follows, 1]))
        is_german = languages[:, 1] == finder.LANGUAGES.index("de")
        german[at[is_german]] = best[is_german]

    within = who.where("p", "id")
    domain = _case("x.domain", finder.DOMAINS)
    open_case = "c.phase <> 'closed' AND c.organisation_id = p.organisation_id"
    # households: from the member to the household's cases (``+ 0`` keeps SQLite from scanning the
    # organisation's cases by its index for every person)
    household_case = "c.phase <> 'closed' AND c.organisation_id + 0 = p.organisation_id"
    needs_rows = _ints(
        " UNION ALL ".join(
            [
                f"SELECT p.id, {domain}, 0 FROM cases_goal x JOIN cases_case c ON c.id = x.case_id "
                f"JOIN participants_participant p ON p.id = c.participant_id "
                f"WHERE {open_case} AND x.status IN ('open', 'partly') AND {within}",
                f"SELECT p.id, {domain}, 0 FROM cases_goal x JOIN cases_case c ON c.id = x.case_id "
                "JOIN participants_householdmember m ON m.household_id = c.household_id "
                f"JOIN participants_participant p ON p.id = m.participant_id "
                f"WHERE {household_case} AND x.status IN ('open', 'partly') AND {within}",
                f"SELECT p.id, {domain}, 1 FROM cases_assessmententry x JOIN cases_case c ON c.id = x.case_id "
                f"JOIN participants_participant p ON p.id = c.participant_id "
                f"WHERE {open_case} AND x.needs <> '' AND {within}",
                f"SELECT p.id, {domain}, 1 FROM cases_assessmententry x JOIN cases_case c ON c.id = x.case_id "
                "JOIN participants_householdmember m ON m.household_id = c.household_id "
                f"JOIN participants_participant p ON p.id = m.participant_id "
                f"WHERE {household_case} AND x.needs <> '' AND {within}",
            ]
        ),
        who.params * 4,
        3,
    )
    needs_rows = who.keep(needs_rows)
    goals = np.zeros(n, dtype=np.int64)
    needs = np.zeros(n, dtype=np.int64)
    if needs_rows.size:
        valid = needs_rows[:, 1] >= 0
        rows = needs_rows[valid]
        at = np.searchsorted(ids, rows[:, 0])
        bits = np.left_shift(1, rows[:, 1])
        is_goal = rows[:, 2] == 0
        np.bitwise_or.at(goals, at[is_goal], bits[is_goal])
        np.bitwise_or.at(needs, at[~is_goal], bits[~is_goal])

    people = finder.People(
        age=age,
        status=status,
        sex=record[:, 5],
        german=german,
        languages=spoken,
        at_zue=record[:, 6],
        district=district_of,
        goals=goals,
        needs=needs,
        childcare=record[:, 8] == 1,
        step_free=record[:, 9] == 1,
    )
    extra = {
        "organisation": record[:, 1],
        "support": record[:, 7] == 1,
        "age": age,
        "age_next": age_next,
        "entitled": entitled,
    }
    return people, extra


def _time_clashes(
    run: AllocationRun, who: Who, offer_ids: IntArray, pair_person: IntArray, pair_offer: IntArray, now: dt.datetime
) -> npt.NDArray[np.bool_]:
    """Per candidate pair whether a date of its offer (over the next weeks) clashes with a session
    the person has a seat in. Two queries and array operations, no loop over people or offers."""
    clash = np.zeros(pair_person.size, dtype=bool)
    until = now + dt.timedelta(days=HORIZON_DAYS)
    ids = who.ids
    # by network: through the session (so the planner reads the seats by their status, not the
    # network's whole enrolment index)
    seats_of = who.where("e") if who.table else "s.network_id = %s"
    live = f"s.is_cancelled = {_false()} AND s.starts_at < %s AND s.ends_at > %s"
    busy = _ints(
        f"SELECT e.participant_id, {_epoch('s.starts_at')}, {_epoch('s.ends_at')} FROM offers_enrolment e "
        "JOIN offers_session s ON s.offer_id = e.offer_id "
        f"WHERE e.status = 'enrolled' AND e.session_id IS NULL AND {live} AND {seats_of} "
        "UNION ALL "
        f"SELECT e.participant_id, {_epoch('s.starts_at')}, {_epoch('s.ends_at')} FROM offers_enrolment e "
        "JOIN offers_session s ON s.id = e.session_id "
        f"WHERE e.status = 'enrolled' AND {live} AND {seats_of}",
        [_value(until), _value(now), *who.params, _value(until), _value(now), *who.params],
        3,
        wide=(1, 2),
    )
    busy = who.keep(busy)
    if not busy.size or not pair_person.size:
        return clash
    sessions = _ints(
        f"SELECT s.offer_id, {_epoch('s.starts_at')}, {_epoch('s.ends_at')} FROM offers_session s "
        f"WHERE s.offer_id IN ({RUN_OFFERS}) AND s.is_cancelled = {_false()} AND s.starts_at > %s AND s.starts_at < %s",
        [run.pk, _value(now), _value(until)],
        3,
        wide=(1, 2),
    )
    if not sessions.size:
        return clash
    # The run's dates sorted by (offer, start), as keys offer·2^32 + second; the running maximum of
    # offer·2^32 + end gives, within an offer, the latest end of the dates up to a position.
    shift = np.int64(1) << 32
    offer_of_date = sessions[:, 0]
    order = np.lexsort((sessions[:, 1], offer_of_date))
    start_keys = offer_of_date[order] * shift + sessions[order, 1]
    latest_end = np.maximum.accumulate(offer_of_date[order] * shift + sessions[order, 2])
    # Every (pair, busy interval) of the same person, for the people with a seat somewhere.
    person_of_busy = np.searchsorted(ids, busy[:, 0])
    by_person = np.argsort(person_of_busy, kind="stable")
    first = np.searchsorted(person_of_busy[by_person], np.arange(ids.size), side="left")
    count = np.searchsorted(person_of_busy[by_person], np.arange(ids.size), side="right") - first
    pairs = np.flatnonzero(count[pair_person] > 0)
    if not pairs.size:
        return clash
    repeats = count[pair_person[pairs]]
    pair_of = np.repeat(pairs, repeats)
    step = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    interval = by_person[np.repeat(first[pair_person[pairs]], repeats) + step]
    offer_id = offer_ids[pair_offer[pair_of]]
    begin, finish = busy[interval, 1], busy[interval, 2]
    # the last date of the offer that starts before the interval ends: does any date up to it end after it begins?
    position = np.searchsorted(start_keys, offer_id * shift + finish, side="left") - 1
    ok = position >= 0
    ok[ok] = (start_keys[position[ok]] // shift) == offer_id[ok]
    hit = np.zeros(pair_of.size, dtype=bool)
    hit[ok] = latest_end[position[ok]] - offer_id[ok] * shift > begin[ok]
    clash[pair_of[hit]] = True
    return clash


# --- the problem -------------------------------------------------------------------------------


def build(run: AllocationRun, *, now: dt.datetime | None = None, closed: frozenset[str] = frozenset()) -> Built:
    """The allocation problem of ``run`` (see the module docstring)."""
    import time

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    facts, free, upcoming = _offers(run, now)
    districts = finder.Districts()
    offers = finder.offers_table(facts, districts)
    seconds["offers"] = time.perf_counter() - started

    # waiting places of the run's offers: participant, offer, requested at (epoch seconds), path code
    # (answered from the covering index ``enrolment_waiting_cover``)
    waiting = _ints(
        f"SELECT w.participant_id, w.offer_id, {_epoch('w.queued_at')}, {_case('w.path', finder.PATHS)} "
        "FROM offers_enrolment w WHERE w.status = 'waiting' AND w.session_id IS NULL "
        f"AND w.offer_id IN ({RUN_OFFERS})",
        [run.pk],
        4,
        wide=(2,),
    )
    # not candidates: people with a seat in one of the run's offers already, merged records
    left_out = _ints(
        "SELECT s.participant_id FROM offers_enrolment s WHERE s.status = 'enrolled' AND s.session_id IS NULL "
        f"AND s.offer_id IN ({RUN_OFFERS}) UNION "
        "SELECT p.id FROM participants_participant p WHERE p.network_id = %s AND p.merged_into_id IS NOT NULL",
        [run.pk, run.network_id],
        1,
    )
    if left_out.size and waiting.size:
        waiting = waiting[~np.isin(waiting[:, 0], left_out[:, 0])]
    ids = np.unique(waiting[:, 0]) if waiting.size else np.zeros(0, dtype=np.int64)
    everyone = _ints("SELECT COUNT(*) FROM participants_participant WHERE network_id = %s", [run.network_id], 1)
    who = Who(ids, run.network_id, table=2 * ids.size < int(everyone[0, 0]))
    seconds["waiting"] = time.perf_counter() - started
    if not who.table:
        return _build(run, now, today, free, upcoming, districts, offers, closed, seconds, started, waiting, who)
    with _people_table(ids):
        return _build(run, now, today, free, upcoming, districts, offers, closed, seconds, started, waiting, who)


def _build(
    run: AllocationRun,
    now: dt.datetime,
    today: dt.date,
    free: IntArray,
    upcoming: IntArray,
    districts: finder.Districts,
    offers: finder.Offers,
    closed: frozenset[str],
    seconds: dict[str, float],
    started: float,
    waiting: IntArray,
    who: Who,
) -> Built:
    import time

    ids = who.ids
    offer_ids = offers.ids
    candidates = int(ids.size)
    people, extra = _people(who, today, districts)
    seconds["people"] = time.perf_counter() - started

    pair_person = np.searchsorted(ids, waiting[:, 0]) if waiting.size else np.zeros(0, dtype=np.int64)
    pair_offer = np.searchsorted(offer_ids, waiting[:, 1]) if waiting.size else np.zeros(0, dtype=np.int64)
    known_offer = pair_offer < offer_ids.size
    known_offer[known_offer] = offer_ids[pair_offer[known_offer]] == waiting[known_offer, 1]
    first_request = np.full(ids.size, np.iinfo(np.int64).max, dtype=np.int64)
    named_path = np.full(ids.size, -1, dtype=np.int64)
    if waiting.size:
        # each person's first waiting place (earliest request, then lowest offer): its time and its
        # path, as the minimum of one composite key per person (no sort of the two million rows)
        earliest = int(waiting[:, 2].min())
        slots = offer_ids.size + 1
        key = ((waiting[:, 2] - earliest) * slots + np.minimum(pair_offer, slots - 1)) * 8 + (waiting[:, 3] + 1)
        best = np.full(ids.size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, pair_person, key)
        first_request = best // 8 // slots + earliest
        named_path = best % 8 - 1
    pair_person, pair_offer = pair_person[known_offer], pair_offer[known_offer]
    pair_path = waiting[known_offer, 3] if waiting.size else np.zeros(0, dtype=np.int64)
    asked = np.ones(pair_person.size, dtype=bool)
    if run.include_parallel and offer_ids.size <= MAX_PARALLEL_OFFERS and pair_person.size:
        extra_p, extra_o = [], []
        named = set(zip(pair_person.tolist(), pair_offer.tolist(), strict=True))
        by_category: dict[int, list[int]] = {}
        for index, category in enumerate(offers.category.tolist()):
            by_category.setdefault(category, []).append(index)
        for person, offer in sorted(named):
            for other in by_category[int(offers.category[offer])]:
                if (person, other) not in named:
                    named.add((person, other))
                    extra_p.append(person)
                    extra_o.append(other)
        if extra_p:
            pair_person = np.concatenate([pair_person, np.array(extra_p, dtype=np.int64)])
            pair_offer = np.concatenate([pair_offer, np.array(extra_o, dtype=np.int64)])
            pair_path = np.concatenate([pair_path, named_path[np.array(extra_p, dtype=np.int64)]])
            asked = np.concatenate([asked, np.zeros(len(extra_p), dtype=bool)])

    problems, fit = finder.score_pairs(people, offers, pair_person, pair_offer, closed=closed)
    # the entitlement path: the one asked for must be accepted by the course and open
    course = offers.german_course[pair_offer]
    open_bits = offers.paths[pair_offer] & ~finder._bits(closed, finder.PATHS)
    path_ok = ~course | ((pair_path >= 0) & (((open_bits >> np.maximum(pair_path, 0)) & 1) == 1))
    dates_ok = upcoming[pair_offer] != 0
    clash = _time_clashes(run, who, offer_ids, pair_person, pair_offer, now)
    keep = (problems == 0) & path_ok & dates_ok & ~clash
    excluded = {code: int(((problems & finder.PROBLEM_BIT[code]) != 0).sum()) for code in finder.PROBLEM_CODES if code}
    excluded["path"] = int((~path_ok).sum())
    excluded[finder.NO_DATES] = int((~dates_ok).sum())
    excluded[finder.TIME_CONFLICT] = int(clash.sum())
    excluded = {code: count for code, count in excluded.items() if count}
    seconds["pairs"] = time.perf_counter() - started

    # priorities
    now_epoch = int(now.timestamp())
    waited = np.where(first_request < np.iinfo(np.int64).max, (now_epoch - first_request) // 86400, 0)
    waiting_days = np.maximum(waited, 0)
    age, age_next = extra["age"], extra["age_next"]
    youth = (age >= 0) & (age < DEADLINE_AGE) & (age_next >= DEADLINE_AGE)
    age_max = offers.age_max[pair_offer]
    offer_deadline = (
        (age_max >= 0) & (age[pair_person] >= 0) & (age[pair_person] <= age_max) & (age_next[pair_person] > age_max)
    )
    deadline = youth[pair_person] | offer_deadline
    support = extra["support"][pair_person]
    priority = np.minimum(
        1.0,
        PRIORITY["waiting"] * np.minimum(1.0, waiting_days[pair_person] / WAITING_FULL_DAYS)
        + PRIORITY["deadline"] * deadline
        + PRIORITY["support"] * support,
    )
    score = WEIGHTS["fit"] * fit + WEIGHTS["priority"] * priority + WEIGHTS["asked_for"] * asked
    units = np.rint(score * 10**SCORE_DECIMALS).astype(np.int64)

    # participants in order of their first request (so greedy "arrival" is first come, first served)
    order = np.lexsort((ids, first_request))
    rank = np.empty(ids.size, dtype=np.int64)
    rank[order] = np.arange(ids.size)
    kept = np.flatnonzero(keep)
    problem = make_problem(
        [str(pk) for pk in ids[order].tolist()],
        [str(pk) for pk in offer_ids.tolist()],
        free,
        rank[pair_person[kept]],
        pair_offer[kept],
        units[kept],
        SCORE_DECIMALS,
    )
    seconds["problem"] = time.perf_counter() - started
    return Built(
        problem=problem,
        participant_ids=ids[order],
        organisation_ids=extra["organisation"][order],
        offer_ids=offer_ids,
        free_seats=free,
        pair_path=np.where(course[kept], pair_path[kept], -1),
        fit=fit[kept],
        priority=np.round(priority[kept], SCORE_DECIMALS),
        asked_for=asked[kept],
        further=(deadline | support)[kept],
        waiting_days=waiting_days[order],
        candidates=candidates,
        excluded=excluded,
        seconds=seconds,
    )
