"""The offer finder's database side: the person's facts, the catalogue as arrays, the schedule of
the best candidates; the rules are in ``finder.py``.

A fixed number of queries whatever the size of the catalogue (ADR 0012, "Offer finder"):

1. the person: current status, languages, the open cases' goals and assessment, active
   enrolments (5 queries);
2. the closed entitlement paths (1) and the catalogue of published offers as arrays (1 query to
   see whether the cached arrays are current, 1 more when they are not);
3. every published offer is scored at once (``finder.score_pairs``, numpy, a few milliseconds for
   5,000 offers); the best eligible ones (twice as many as shown) and the best excluded ones go on;
4. for those only: dates, clashes with the person's seats and free seats (4 queries), then
   ``finder.assess`` with the schedule gives the final order, the reasons and the exclusions
   found only now (no upcoming date, a time clash);
5. the offers shown and the dates to choose from (2 queries).

The catalogue arrays are cached per process and network, keyed by the number of published
offers, their largest id and their latest change (``updated_at`` is set on every save of an
offer): a change of any offer is seen by the next request. Sessions, seats and enrolments are
never cached.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from ankommen.cases.choices import GoalStatus, Phase
from ankommen.cases.models import AssessmentEntry, Case, Goal
from ankommen.offers import eligibility, finder
from ankommen.offers.choices import ACTIVE_STATUSES, EnrolmentStatus, EnrolmentUnit, OfferStatus
from ankommen.offers.models import Enrolment, Offer, Session
from ankommen.offers.services import closed_paths
from ankommen.participants.choices import Accommodation, StatusType, Vulnerability
from ankommen.participants.models import HouseholdMember, LanguageSkill, Participant, ResidenceStatus

HORIZON_DAYS = 56
"""Time clashes are looked for in the next eight weeks."""
SHOWN = 30
EXCLUDED_SHOWN = 30
SESSION_CHOICES = 6
# What the finder page shows of an offer (nothing else is loaded).
SHOWN_FIELDS = (
    "title",
    "translations",
    "category",
    "field_of_action",
    "status",
    "organisation",
    "enrolment_unit",
    "allocates_seats",
    "is_german_course",
    "network",
)
CHILDCARE_NEEDS = frozenset({Vulnerability.SINGLE_PARENT, Vulnerability.CARE_RESPONSIBILITY})
STEP_FREE_NEEDS = frozenset({Vulnerability.DISABILITY_SUPPORT})
# Legal bases with an entitlement to the Integrationskurs (§ 44 Abs. 1 AufenthG, DOMAIN §3.2).
ENTITLEMENT_BASES = (
    "AufenthG § 25 Abs. 1",
    "AufenthG § 25 Abs. 2",
    "AufenthG § 25b",
    "AufenthG § 23 Abs. 2",
    "AufenthG § 23 Abs. 4",
)
OPEN_GOALS = (GoalStatus.OPEN, GoalStatus.PARTLY)


# --- the person --------------------------------------------------------------------------------


def current_status(participant_id: int, day: dt.date) -> tuple[str | None, str]:
    """(status type, legal basis) on ``day``; ("none", "") when the last one has run out; (None, "")
    when no status is recorded."""
    row = (
        ResidenceStatus.objects.filter(participant=participant_id, valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .values_list("status", "valid_to", "legal_basis")
        .first()
    )
    if row is None:
        return None, ""
    status, valid_to, basis = row
    if valid_to is not None and valid_to < day:
        return StatusType.NONE, ""
    return status, basis


def entitlement_likely(status: str | None, legal_basis: str) -> bool:
    return status == StatusType.RESIDENCE_PERMIT and any(legal_basis.startswith(b) for b in ENTITLEMENT_BASES)


def spoken_languages(rows: Iterable[tuple[str, str, str, str, str]]) -> tuple[frozenset[str], str]:
    """(languages the person can follow in a course, best German level) from language rows
    (language, speaking, listening, reading, writing)."""
    spoken: set[str] = set()
    german = ""
    for language, *levels in rows:
        known = [level for level in levels if level]
        best = eligibility.best_level(known)
        if language == "de":
            german = best
        if not known or best not in finder.LOW_LEVELS:
            spoken.add(language)
    return frozenset(spoken), german


def person_profile(
    participant: Participant, day: dt.date | None = None, *, now: dt.datetime | None = None
) -> finder.Person:
    """What the finder knows about the person (5 queries)."""
    day = day or timezone.localdate()
    now = now or timezone.now()
    status, basis = current_status(participant.pk, day)
    languages, german = spoken_languages(
        LanguageSkill.objects.filter(participant=participant.pk).values_list(
            "language", "speaking", "listening", "reading", "writing"
        )
    )
    # The person's own cases and those of their household, each through its own index (an OR
    # across the join to the household members would read every case of the organisation).
    households = HouseholdMember.objects.filter(participant=participant.pk).values("household")
    cases = Case.objects.filter(network=participant.network_id, organisation=participant.organisation_id).exclude(
        phase=Phase.CLOSED
    )
    open_cases = (
        cases.filter(participant=participant.pk)
        .order_by()
        .values("pk")
        .union(cases.filter(household__in=households).order_by().values("pk"))
    )
    goal_domains = frozenset(
        Goal.objects.filter(case__in=open_cases, status__in=OPEN_GOALS).values_list("domain", flat=True)
    )
    need_domains = frozenset(
        AssessmentEntry.objects.filter(case__in=open_cases).exclude(needs="").values_list("domain", flat=True)
    )
    enrolled = frozenset(
        Enrolment.objects.filter(participant=participant.pk, status__in=ACTIVE_STATUSES)
        .filter(Q(session__isnull=True) | Q(session__starts_at__gt=now))
        .values_list("offer_id", flat=True)
    )
    needs = set(participant.vulnerabilities or [])
    return finder.Person(
        age=participant.age_on(day),
        status=status,
        sex=participant.sex,
        german_level=german,
        languages=languages,
        at_zue=None if not participant.accommodation else participant.accommodation == Accommodation.ZUE,
        district=participant.district,
        goal_domains=goal_domains,
        need_domains=need_domains,
        needs_childcare=bool(needs & CHILDCARE_NEEDS),
        needs_step_free=bool(needs & STEP_FREE_NEEDS),
        entitlement_likely=entitlement_likely(status, basis),
        enrolled_offers=enrolled,
    )


# --- the catalogue as arrays -------------------------------------------------------------------

OFFER_COLUMNS = (
    "pk",
    "category",
    "field_of_action",
    "age_min",
    "age_max",
    "open_regardless_of_status",
    "admitted_statuses",
    "gender",
    "min_german_level",
    "languages",
    "is_german_course",
    "entitlement_paths",
    "at_zue",
    "district",
    "childcare",
    "step_free",
    "is_free",
    "enrolment_unit",
    "allocates_seats",
)


def offer_facts(row: tuple[Any, ...]) -> finder.OfferFacts:
    """``OfferFacts`` from a row of ``OFFER_COLUMNS``."""
    (
        pk,
        category,
        field_of_action,
        age_min,
        age_max,
        open_status,
        admitted,
        gender,
        min_level,
        languages,
        german_course,
        paths,
        at_zue,
        district,
        childcare,
        step_free,
        is_free,
        unit,
        allocates,
    ) = row
    return finder.OfferFacts(
        id=pk,
        category=category,
        field_of_action=field_of_action,
        target=eligibility.TargetGroup(
            age_min=age_min,
            age_max=age_max,
            open_regardless_of_status=open_status,
            admitted_statuses=frozenset(admitted or ()),
            gender=gender,
            min_german_level=min_level,
        ),
        languages=frozenset(languages or ()),
        is_german_course=german_course,
        paths=tuple(paths or ()),
        at_zue=at_zue,
        district=district,
        childcare=childcare,
        step_free=step_free,
        is_free=is_free,
        per_session=unit == EnrolmentUnit.SESSION,
        allocates_seats=allocates,
    )


@dataclass
class Catalogue:
    """The published offers of a network: facts and arrays (row i = ``facts[i]``)."""

    key: tuple[Any, ...]
    facts: list[finder.OfferFacts]
    table: finder.Offers
    districts: finder.Districts
    index: dict[int, int] = field(default_factory=dict)


_catalogues: dict[int, Catalogue] = {}
_lock = threading.Lock()


def published_offers(network_id: int) -> Any:
    return Offer.objects.filter(network=network_id, status=OfferStatus.PUBLISHED)


def catalogue(network_id: int) -> Catalogue:
    """The network's published offers as arrays; rebuilt when an offer changed (1–2 queries)."""
    key = tuple(
        published_offers(network_id).aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at")).values()
    )
    cached = _catalogues.get(network_id)
    if cached is not None and cached.key == key:
        return cached
    rows = list(published_offers(network_id).order_by("pk").values_list(*OFFER_COLUMNS))
    facts = [offer_facts(row) for row in rows]
    districts = finder.Districts()
    built = Catalogue(
        key=key,
        facts=facts,
        table=finder.offers_table(facts, districts),
        districts=districts,
        index={f.id: i for i, f in enumerate(facts)},
    )
    with _lock:
        _catalogues[network_id] = built
    return built


def clear_cache() -> None:
    with _lock:
        _catalogues.clear()


# --- the schedule of the best candidates -------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    starts_at: dt.datetime
    ends_at: dt.datetime
    offer_id: int


def busy_times(participant: Participant, now: dt.datetime, until: dt.datetime) -> list[Busy]:
    """The sessions in which the person has a seat, from now until ``until`` (2 queries)."""
    seats = list(
        Enrolment.objects.filter(participant=participant.pk, status=EnrolmentStatus.ENROLLED).values_list(
            "offer_id", "session_id"
        )
    )
    courses = {offer for offer, session in seats if session is None}
    sessions = {session for _offer, session in seats if session is not None}
    if not courses and not sessions:
        return []
    rows = (
        Session.objects.filter(Q(offer__in=courses) | Q(pk__in=sessions), is_cancelled=False)
        .filter(starts_at__lt=until, ends_at__gt=now)
        .values_list("starts_at", "ends_at", "offer_id")
    )
    return [Busy(*row) for row in rows]


def clash_q(busy: Iterable[Busy]) -> Q:
    condition = Q(pk__in=[])
    for interval in busy:
        condition |= Q(starts_at__lt=interval.ends_at, ends_at__gt=interval.starts_at)
    return condition


def schedules(
    offers: dict[int, finder.OfferFacts], capacities: dict[int, int], busy: list[Busy], now: dt.datetime
) -> tuple[dict[int, finder.Schedule], dict[int, dt.datetime]]:
    """Per offer its schedule facts, and its next date (3–4 queries for any number of offers)."""
    ids = list(offers)
    if not ids:
        return {}, {}
    until = now + dt.timedelta(days=HORIZON_DAYS)
    counts = {
        row["offer"]: row
        for row in Session.objects.filter(offer__in=ids)
        .values("offer")
        .annotate(
            total=Count("pk"),
            upcoming=Count("pk", filter=Q(starts_at__gt=now, is_cancelled=False)),
            first=Min("starts_at", filter=Q(starts_at__gt=now, is_cancelled=False)),
        )
        .order_by()
    }
    clashes: dict[int, int] = {}
    own = {interval.offer_id for interval in busy}
    if busy:
        clashes = dict(
            Session.objects.filter(offer__in=[i for i in ids if i not in own], is_cancelled=False)
            .filter(starts_at__gt=now, starts_at__lt=until)
            .filter(clash_q(busy))
            .values("offer")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("offer", "n")
        )
    courses = [i for i in ids if not offers[i].per_session]
    taken = dict(
        Enrolment.objects.filter(offer__in=courses, session__isnull=True, status=EnrolmentStatus.ENROLLED)
        .values("offer")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("offer", "n")
    )
    free: dict[int, int] = {i: capacities[i] - taken.get(i, 0) for i in courses}
    per_session = [i for i in ids if offers[i].per_session]
    if per_session:
        for offer_id, capacity, seats in (
            Session.objects.filter(offer__in=per_session, is_cancelled=False, starts_at__gt=now, starts_at__lt=until)
            .annotate(seats=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
            .values_list("offer_id", "capacity", "seats")
        ):
            limit = capacity if capacity is not None else capacities[offer_id]
            free[offer_id] = max(free.get(offer_id, 0), limit - seats)
    result: dict[int, finder.Schedule] = {}
    first: dict[int, dt.datetime] = {}
    for offer_id in ids:
        row = counts.get(offer_id)
        upcoming = row["upcoming"] if row else 0
        # single dates: clashes counted within the horizon; the dates beyond it do not clash
        result[offer_id] = finder.Schedule(
            has_sessions=bool(row and row["total"]),
            upcoming=upcoming,
            clashes=clashes.get(offer_id, 0),
            free_seats=max(free.get(offer_id, 0), 0),
        )
        if row and row["first"]:
            first[offer_id] = row["first"]
    return result, first


# --- the finder --------------------------------------------------------------------------------


@dataclass
class Row:
    offer: Offer
    assessment: finder.Assessment
    schedule: finder.Schedule | None = None
    next_date: dt.datetime | None = None
    sessions: list[Session] = field(default_factory=list)


@dataclass
class FinderResult:
    person: finder.Person
    eligible: list[Row]
    excluded: list[Row]
    eligible_total: int
    excluded_total: int
    closed: frozenset[str]
    busy: list[Busy]


def _filtered(cat: Catalogue, category: str, field_of_action: str) -> np.ndarray:
    rows = np.arange(len(cat.facts))
    if category:
        rows = rows[cat.table.category[rows] == finder.CATEGORIES.index(category)]
    if field_of_action:
        rows = rows[cat.table.field_of_action[rows] == finder.FIELDS.index(field_of_action)]
    return rows


def find_offers(
    participant: Participant,
    *,
    category: str = "",
    field_of_action: str = "",
    shown: int = SHOWN,
    excluded_shown: int = EXCLUDED_SHOWN,
    now: dt.datetime | None = None,
) -> FinderResult:
    """The published offers of the person's network, eligible ones ranked by fit, excluded ones
    with their reasons (the access check is the caller's)."""
    now = now or timezone.now()
    person = person_profile(participant, timezone.localdate(now), now=now)
    closed = frozenset(closed_paths(participant.network_id))
    cat = catalogue(participant.network_id)
    rows = _filtered(
        cat,
        category if category in finder.CATEGORIES else "",
        field_of_action if field_of_action in finder.FIELDS else "",
    )
    people = finder.people_table([person], cat.districts)
    enrolled = np.isin(cat.table.ids[rows], np.fromiter(person.enrolled_offers, dtype=np.int64))
    problems, scores = finder.score_pairs(
        people, cat.table, np.zeros(rows.size, dtype=np.int64), rows, closed=closed, enrolled=enrolled
    )
    ok = problems == 0
    # best first; ties by id (stable sort over rows ordered by id)
    order = np.argsort(-scores, kind="stable")
    best = [int(r) for r in rows[order][ok[order]][: 2 * shown]]
    worst = rows[order][~ok[order]]
    eligible_total, excluded_total = int(ok.sum()), int((~ok).sum())

    busy = busy_times(participant, now, now + dt.timedelta(days=HORIZON_DAYS))
    facts = {cat.facts[r].id: cat.facts[r] for r in best}
    capacities = dict(Offer.objects.filter(pk__in=list(facts)).values_list("pk", "capacity"))
    found, first = schedules(facts, capacities, busy, now)
    assessed = [finder.assess(person, cat.facts[r], closed=closed, schedule=found[cat.facts[r].id]) for r in best]
    late_excluded = [a for a in assessed if not a.eligible]
    kept = sorted((a for a in assessed if a.eligible), key=lambda a: (-a.score, a.offer_id))[:shown]
    eligible_total -= len(late_excluded)
    excluded_total += len(late_excluded)
    excluded = late_excluded + [
        finder.assess(person, cat.facts[int(r)], closed=closed)
        for r in worst[: max(excluded_shown - len(late_excluded), 0)]
    ]
    excluded.sort(key=lambda a: (-a.score, a.offer_id))
    excluded = excluded[:excluded_shown]

    ids = [a.offer_id for a in kept] + [a.offer_id for a in excluded]
    offers = (
        Offer.objects.filter(pk__in=ids)
        .select_related("organisation")
        .only(*SHOWN_FIELDS, "organisation__name")
        .in_bulk()
    )
    choices: dict[int, list[Session]] = {}
    per_session = [a.offer_id for a in kept if facts[a.offer_id].per_session]
    if per_session:
        for session in (
            Session.objects.filter(offer__in=per_session, is_cancelled=False, starts_at__gt=now)
            .filter(starts_at__lt=now + dt.timedelta(days=HORIZON_DAYS))
            .order_by("offer", "starts_at", "pk")
        ):
            listed = choices.setdefault(session.offer_id, [])
            if len(listed) < SESSION_CHOICES and not any(
                b.starts_at < session.ends_at and b.ends_at > session.starts_at for b in busy
            ):
                session.offer = offers[session.offer_id]
                listed.append(session)
    return FinderResult(
        person=person,
        eligible=[
            Row(offers[a.offer_id], a, found.get(a.offer_id), first.get(a.offer_id), choices.get(a.offer_id, []))
            for a in kept
        ],
        excluded=[Row(offers[a.offer_id], a, found.get(a.offer_id), first.get(a.offer_id)) for a in excluded],
        eligible_total=eligible_total,
        excluded_total=excluded_total,
        closed=closed,
        busy=busy,
    )
