"""The offer finder's rules: which offers fit a person, how well, and why not. Plain data in, plain
data out (no database); ``finding.py`` reads the facts, ``allocation_job.py`` scores candidate pairs.

Two entry points that compute the same thing:

- ``assess(person, offer, closed=..., schedule=...)`` for one pair: the exclusions (codes of
  ``MESSAGES``), the fit score and the reasons behind it, the entitlement paths still open and the
  one to suggest. The finder page shows this for the rows it lists.
- ``score_pairs(people, offers, pair_person, pair_offer, closed=...)`` for many pairs at once
  (numpy): an exclusion bitmask and the fit score per pair. The finder ranks a person's whole
  catalogue with it; the allocation job scores millions of (participant, offer) pairs. A test
  keeps both equal on random data.

**Exclusions** (a known mismatch excludes; an unknown fact does not, as in ``eligibility``): the
target group (age, residence status, gender, minimum German level), a German course whose every
accepted entitlement path is closed network-wide, an offer inside the ZUE for someone who does not
live there, an active enrolment in the offer already, and – known only with the schedule – no
upcoming date, or a clash with the sessions the person has a seat in (a course: any clash; single
dates: every upcoming date clashes).

**Fit** (0 to 1; weights in ``WEIGHTS``):

- *need* (0.45): the open case's plan and assessment. An open goal in a life domain counts fully,
  an assessment entry with needs in a domain 0.7; the offer's category matches a domain with a
  strength from ``DOMAIN_CATEGORIES`` (1 = made for it), its field of action alone with 0.4; the
  best match counts. Language-support offers are weighed down when the person's German is well
  above the course's level (two levels: ×0.6, more: ×0.2).
- *language* (0.15): a language of instruction the person speaks (any recorded language above A1,
  or without levels) 1, none of them 0, nothing known 0.5.
- *place* (0.15): for ZUE residents an offer at the ZUE 1, elsewhere 0.4; for others the same
  district 1, another 0.5, not known 0.5.
- *practical* (0.10): the mean of childcare when the person needs it (single parent, caring for a
  relative), step-free access when needed (support need due to disability), and no costs (1, else
  0.6).
- *seats* (0.15): seats free now 1, only the waiting list 0.3; seats given by allocation or not
  known yet 0.5 (the first, catalogue-wide pass; the allocation job always uses 0.5, since the
  allocation itself decides the seats).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.offers import eligibility
from ankommen.offers.choices import Category, EntitlementPath, FieldOfAction
from ankommen.participants.choices import CEFR_ORDER, Language, StatusType

# --- exclusions --------------------------------------------------------------------------------

PATHS_CLOSED = "paths_closed"
ZUE_ONLY = "zue_only"
ALREADY_ENROLLED = "already_enrolled"
NO_DATES = "no_dates"
TIME_CONFLICT = "time_conflict"

MESSAGES: dict[str, Promise] = {
    eligibility.TOO_YOUNG: _("younger than the offer's minimum age"),
    eligibility.TOO_OLD: _("older than the offer's maximum age"),
    eligibility.STATUS_NOT_ADMITTED: _("the current residence status is not admitted"),
    eligibility.GENDER: _("the offer is for another gender"),
    eligibility.GERMAN_LEVEL: _("German below the offer's minimum level"),
    PATHS_CLOSED: _("every entitlement path of this German course is closed network-wide"),
    ZUE_ONLY: _("takes place inside the ZUE: only for its residents"),
    ALREADY_ENROLLED: _("already enrolled or on the waiting list"),
    NO_DATES: _("no upcoming date"),
    TIME_CONFLICT: _("clashes with sessions of offers in which the person has a seat"),
}
# Bit of each exclusion in ``score_pairs``' mask (order = the order shown).
PROBLEM_CODES: tuple[str, ...] = (
    eligibility.TOO_YOUNG,
    eligibility.TOO_OLD,
    eligibility.STATUS_NOT_ADMITTED,
    eligibility.GENDER,
    eligibility.GERMAN_LEVEL,
    PATHS_CLOSED,
    ZUE_ONLY,
    ALREADY_ENROLLED,
    NO_DATES,
    TIME_CONFLICT,
)
PROBLEM_BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(PROBLEM_CODES)}

# --- fit ---------------------------------------------------------------------------------------

WEIGHTS: dict[str, float] = {"need": 0.45, "language": 0.15, "place": 0.15, "practical": 0.10, "seats": 0.15}
GOAL_WEIGHT = 1.0
NEED_WEIGHT = 0.7
FIELD_ONLY = 0.4
UNKNOWN = 0.5
ZUE_ELSEWHERE = 0.4
OTHER_DISTRICT = 0.5
NOT_FREE = 0.6
SEATS_FREE = 1.0
SEATS_WAITING = 0.3
SCORE_DECIMALS = 4

C = Category
# How well an offer category serves a need in a life domain (cases.choices.LifeDomain).
DOMAIN_CATEGORIES: dict[str, dict[str, float]] = {
    "language": {C.LANGUAGE: 1.0, C.MEETING_POINT: 0.6, C.DAILY_STRUCTURE: 0.3},
    "schooling": {C.QUALIFICATION: 1.0, C.LANGUAGE: 0.6, C.COUNSELLING: 0.5},
    "training_work": {
        C.VOCATIONAL_ORIENTATION: 1.0,
        C.PLACEMENT: 1.0,
        C.WORKSHOP: 0.9,
        C.QUALIFICATION: 0.8,
        C.COUNSELLING: 0.6,
    },
    "income": {C.PLACEMENT: 0.8, C.COUNSELLING: 0.8, C.LEGAL_INFORMATION: 0.4},
    "housing": {C.HOUSING: 1.0, C.COUNSELLING: 0.4},
    "health": {C.HEALTH: 1.0, C.SPORT: 0.4, C.COUNSELLING: 0.4},
    "family": {C.COUNSELLING: 0.6, C.MEETING_POINT: 0.6, C.CULTURE: 0.3},
    "participation": {C.SPORT: 1.0, C.CULTURE: 1.0, C.MEETING_POINT: 0.9, C.DAILY_STRUCTURE: 0.8, C.WORKSHOP: 0.5},
    "mobility": {C.LEGAL_INFORMATION: 0.6, C.WORKSHOP: 0.4},
    "residence": {C.LEGAL_INFORMATION: 1.0, C.COUNSELLING: 0.7},
}
F = FieldOfAction
DOMAIN_FIELDS: dict[str, str] = {
    "language": F.EDUCATION_LANGUAGE,
    "schooling": F.EDUCATION_LANGUAGE,
    "training_work": F.WORK_TRAINING,
    "income": F.WORK_TRAINING,
    "housing": F.HOUSING,
    "family": F.SOCIAL_PARTICIPATION,
    "participation": F.SOCIAL_PARTICIPATION,
    "health": F.SOCIAL_PARTICIPATION,
}
DOMAINS: tuple[str, ...] = tuple(DOMAIN_CATEGORIES)
CATEGORIES: tuple[str, ...] = tuple(Category.values)
FIELDS: tuple[str, ...] = tuple(FieldOfAction.values)
STATUSES: tuple[str, ...] = tuple(StatusType.values)
LANGUAGES: tuple[str, ...] = tuple(Language.values)
PATHS: tuple[str, ...] = tuple(EntitlementPath.values)
# The order in which a path is suggested when the person's own route is not known.
PATH_PREFERENCE: tuple[str, ...] = ("entitlement", "obligation", "self_payer", "admission")
LOW_LEVELS = frozenset({"pre_a1", "A1"})
BEGINNER = CEFR_ORDER["pre_a1"]


def strength(domain: str, category: str, field_of_action: str) -> float:
    """How well an offer of this category and field serves a need in ``domain`` (0 to 1)."""
    by_category = DOMAIN_CATEGORIES.get(domain, {}).get(category, 0.0)
    by_field = FIELD_ONLY if DOMAIN_FIELDS.get(domain) == field_of_action else 0.0
    return max(by_category, by_field)


def level_factor(person_level: str, offer_level: str) -> float:
    """A language course far below the person's German helps little."""
    person = CEFR_ORDER.get(person_level, 0)
    if not person:
        return 1.0
    gap = person - (CEFR_ORDER.get(offer_level, 0) or BEGINNER)
    if gap <= 1:
        return 1.0
    return 0.6 if gap == 2 else 0.2


# --- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the finder knows about a person. ``None``/empty: not known (never excludes)."""

    age: int | None = None
    status: str | None = None  # current residence status type
    sex: str = "u"
    german_level: str = ""  # best CEFR level recorded for German
    languages: frozenset[str] = frozenset()  # languages the person can follow (above A1 or no level given)
    at_zue: bool | None = None  # lives in the ZUE
    district: str = ""
    goal_domains: frozenset[str] = frozenset()  # open goals of the open case
    need_domains: frozenset[str] = frozenset()  # assessment entries with needs
    needs_childcare: bool = False
    needs_step_free: bool = False
    entitlement_likely: bool = False  # a status with a legal entitlement to the Integrationskurs
    enrolled_offers: frozenset[int] = frozenset()  # offers with an active enrolment

    def facts(self) -> eligibility.PersonFacts:
        return eligibility.PersonFacts(age=self.age, status=self.status, sex=self.sex, german_level=self.german_level)


@dataclass(frozen=True)
class OfferFacts:
    id: int
    category: str
    field_of_action: str
    target: eligibility.TargetGroup = field(default_factory=eligibility.TargetGroup)
    languages: frozenset[str] = frozenset()
    is_german_course: bool = False
    paths: tuple[str, ...] = ()
    at_zue: bool = False
    district: str = ""
    childcare: bool = False
    step_free: bool = False
    is_free: bool = True
    per_session: bool = False
    allocates_seats: bool = False


@dataclass(frozen=True)
class Schedule:
    """What the finder learns about an offer's dates and seats in its second pass."""

    has_sessions: bool = True
    upcoming: int = 0  # upcoming dates (not cancelled)
    clashes: int = 0  # of them, those clashing with the person's seats
    free_seats: int | None = None  # course: seats free now; single dates: the most free in one date


@dataclass(frozen=True)
class Reason:
    code: str  # goal, need, language, zue, district, childcare, step_free, free, free_seats, waiting_list, allocation
    value: str = ""


@dataclass(frozen=True)
class Assessment:
    offer_id: int
    problems: tuple[str, ...]
    score: float
    parts: dict[str, float]
    reasons: tuple[Reason, ...]
    open_paths: tuple[str, ...] = ()
    suggested_path: str = ""

    @property
    def eligible(self) -> bool:
        return not self.problems


def normal_district(value: str) -> str:
    return " ".join((value or "").split()).casefold()


def open_paths(offer: OfferFacts, closed: Collection[str]) -> tuple[str, ...]:
    if not offer.is_german_course:
        return ()
    return tuple(p for p in PATHS if p in offer.paths and p not in closed)


def suggested_path(person: Person, paths: Sequence[str], named: str = "") -> str:
    """The path to preselect: the one asked for if open, an entitlement where the status gives one,
    else the first open path in ``PATH_PREFERENCE``."""
    if named and named in paths:
        return named
    for path in PATH_PREFERENCE:
        if path == "entitlement" and not person.entitlement_likely:
            continue
        if path in paths:
            return path
    return paths[0] if paths else ""


def _need(person: Person, offer: OfferFacts) -> tuple[float, list[Reason]]:
    goal = max((strength(d, offer.category, offer.field_of_action) for d in person.goal_domains), default=0.0)
    need = max((strength(d, offer.category, offer.field_of_action) for d in person.need_domains), default=0.0)
    value = max(GOAL_WEIGHT * goal, NEED_WEIGHT * need)
    if offer.category == Category.LANGUAGE:
        value *= level_factor(person.german_level, offer.target.min_german_level)
    reasons: list[Reason] = []
    if goal > 0:
        best = max(sorted(person.goal_domains), key=lambda d: strength(d, offer.category, offer.field_of_action))
        reasons.append(Reason("goal", best))
    elif need > 0:
        best = max(sorted(person.need_domains), key=lambda d: strength(d, offer.category, offer.field_of_action))
        reasons.append(Reason("need", best))
    return value, reasons


def _language(person: Person, offer: OfferFacts) -> tuple[float, list[Reason]]:
    if not offer.languages or not person.languages:
        return UNKNOWN, []
    shared = sorted(offer.languages & person.languages)
    if shared:
        return 1.0, [Reason("language", shared[0])]
    return 0.0, []


def _place(person: Person, offer: OfferFacts) -> tuple[float, list[Reason]]:
    if person.at_zue:
        return (1.0, [Reason("zue")]) if offer.at_zue else (ZUE_ELSEWHERE, [])
    mine, theirs = normal_district(person.district), normal_district(offer.district)
    if mine and theirs:
        return (1.0, [Reason("district", offer.district)]) if mine == theirs else (OTHER_DISTRICT, [])
    return UNKNOWN, []


def _practical(person: Person, offer: OfferFacts) -> tuple[float, list[Reason]]:
    """The mean of the items that apply (summed in the same order as ``score_pairs``)."""
    total = 1.0 if offer.is_free else NOT_FREE
    count = 1
    reasons: list[Reason] = []
    if person.needs_childcare:
        total += 1.0 if offer.childcare else 0.0
        count += 1
        if offer.childcare:
            reasons.append(Reason("childcare"))
    if person.needs_step_free:
        total += 1.0 if offer.step_free else 0.0
        count += 1
        if offer.step_free:
            reasons.append(Reason("step_free"))
    return total / count, reasons


def _seats(offer: OfferFacts, schedule: Schedule | None) -> tuple[float, list[Reason]]:
    if offer.allocates_seats:
        return UNKNOWN, [Reason("allocation")]
    if schedule is None or schedule.free_seats is None:
        return UNKNOWN, []
    if schedule.free_seats > 0:
        return SEATS_FREE, [Reason("free_seats", str(schedule.free_seats))]
    return SEATS_WAITING, [Reason("waiting_list")]


def combine(parts: dict[str, float]) -> float:
    """The fit score: the weighted parts, summed in a fixed order, rounded to ``SCORE_DECIMALS``."""
    total = 0.0
    for name in ("need", "language", "place", "practical", "seats"):
        total += WEIGHTS[name] * parts[name]
    return float(np.round(total, SCORE_DECIMALS))


def problems_of(
    person: Person, offer: OfferFacts, *, closed: Collection[str], schedule: Schedule | None = None
) -> tuple[str, ...]:
    found = set(eligibility.target_group_problems(offer.target, person.facts()))
    if offer.is_german_course and not open_paths(offer, closed):
        found.add(PATHS_CLOSED)
    if offer.at_zue and person.at_zue is False:
        found.add(ZUE_ONLY)
    if offer.id in person.enrolled_offers:
        found.add(ALREADY_ENROLLED)
    if schedule is not None:
        if schedule.has_sessions and not schedule.upcoming:
            found.add(NO_DATES)
        elif schedule.clashes and (not offer.per_session or schedule.clashes >= schedule.upcoming):
            found.add(TIME_CONFLICT)
    return tuple(code for code in PROBLEM_CODES if code in found)


def assess(
    person: Person,
    offer: OfferFacts,
    *,
    closed: Collection[str] = (),
    schedule: Schedule | None = None,
    named_path: str = "",
) -> Assessment:
    """Exclusions, fit and reasons for one person and one offer."""
    parts: dict[str, float] = {}
    reasons: list[Reason] = []
    for name, part in (
        ("need", _need(person, offer)),
        ("language", _language(person, offer)),
        ("place", _place(person, offer)),
        ("practical", _practical(person, offer)),
        ("seats", _seats(offer, schedule)),
    ):
        parts[name], found = part
        reasons += found
    if offer.is_free:
        reasons.append(Reason("free"))
    paths = open_paths(offer, closed)
    return Assessment(
        offer_id=offer.id,
        problems=problems_of(person, offer, closed=closed, schedule=schedule),
        score=combine(parts),
        parts=parts,
        reasons=tuple(reasons),
        open_paths=paths,
        suggested_path=suggested_path(person, paths, named_path),
    )


# --- many pairs at once ------------------------------------------------------------------------

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SEX_CODES = {"f": 0, "m": 1}  # anything else: 2 (never excluded by gender)
GENDER_CODES = {"all": 0, "women": 1, "men": 2}


def _bits(values: Iterable[str], universe: Sequence[str]) -> int:
    index = {code: i for i, code in enumerate(universe)}
    mask = 0
    for value in values:
        if value in index:
            mask |= 1 << index[value]
    return mask


@dataclass
class People:
    """Persons as arrays (one row each), for ``score_pairs``."""

    age: IntArray  # -1: not known
    status: IntArray  # index into STATUSES, -1: not known
    sex: IntArray  # SEX_CODES, 2: other or not known
    german: IntArray  # CEFR_ORDER, 0: not known
    languages: IntArray  # bits over LANGUAGES
    at_zue: IntArray  # 1 yes, 0 no, -1 not known
    district: IntArray  # district code, -1: not known
    goals: IntArray  # bits over DOMAINS
    needs: IntArray  # bits over DOMAINS
    childcare: BoolArray
    step_free: BoolArray


@dataclass
class Offers:
    """Offers as arrays (one row each), for ``score_pairs``."""

    ids: IntArray
    age_min: IntArray  # -1: none
    age_max: IntArray  # -1: none
    open_status: BoolArray
    admitted: IntArray  # bits over STATUSES
    gender: IntArray  # GENDER_CODES
    min_german: IntArray  # CEFR_ORDER, 0: none
    languages: IntArray  # bits over LANGUAGES, 0: none stated
    category: IntArray  # index into CATEGORIES
    field_of_action: IntArray  # index into FIELDS
    german_course: BoolArray
    paths: IntArray  # bits over PATHS (accepted)
    at_zue: BoolArray
    district: IntArray  # -1: not known
    childcare: BoolArray
    step_free: BoolArray
    is_free: BoolArray
    allocates_seats: BoolArray


class Districts:
    """Codes for district names (compared without case and extra spaces); -1 for none."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, name: str) -> int:
        key = normal_district(name)
        if not key:
            return -1
        return self.codes.setdefault(key, len(self.codes))


def people_table(persons: Sequence[Person], districts: Districts) -> People:
    status_index = {code: i for i, code in enumerate(STATUSES)}
    return People(
        age=np.array([-1 if p.age is None else p.age for p in persons], dtype=np.int64),
        status=np.array([status_index.get(p.status or "", -1) for p in persons], dtype=np.int64),
        sex=np.array([SEX_CODES.get(p.sex, 2) for p in persons], dtype=np.int64),
        german=np.array([CEFR_ORDER.get(p.german_level, 0) for p in persons], dtype=np.int64),
        languages=np.array([_bits(p.languages, LANGUAGES) for p in persons], dtype=np.int64),
        at_zue=np.array([-1 if p.at_zue is None else int(p.at_zue) for p in persons], dtype=np.int64),
        district=np.array([districts.code(p.district) for p in persons], dtype=np.int64),
        goals=np.array([_bits(p.goal_domains, DOMAINS) for p in persons], dtype=np.int64),
        needs=np.array([_bits(p.need_domains, DOMAINS) for p in persons], dtype=np.int64),
        childcare=np.array([p.needs_childcare for p in persons], dtype=bool),
        step_free=np.array([p.needs_step_free for p in persons], dtype=bool),
    )


def offers_table(offers: Sequence[OfferFacts], districts: Districts) -> Offers:
    category_index = {code: i for i, code in enumerate(CATEGORIES)}
    field_index = {code: i for i, code in enumerate(FIELDS)}
    return Offers(
        ids=np.array([o.id for o in offers], dtype=np.int64),
        age_min=np.array([-1 if o.target.age_min is None else o.target.age_min for o in offers], dtype=np.int64),
        age_max=np.array([-1 if o.target.age_max is None else o.target.age_max for o in offers], dtype=np.int64),
        open_status=np.array([o.target.open_regardless_of_status for o in offers], dtype=bool),
        admitted=np.array([_bits(o.target.admitted_statuses, STATUSES) for o in offers], dtype=np.int64),
        gender=np.array([GENDER_CODES.get(o.target.gender, 0) for o in offers], dtype=np.int64),
        min_german=np.array([CEFR_ORDER.get(o.target.min_german_level, 0) for o in offers], dtype=np.int64),
        languages=np.array([_bits(o.languages, LANGUAGES) for o in offers], dtype=np.int64),
        category=np.array([category_index.get(o.category, 0) for o in offers], dtype=np.int64),
        field_of_action=np.array([field_index.get(o.field_of_action, 0) for o in offers], dtype=np.int64),
        german_course=np.array([o.is_german_course for o in offers], dtype=bool),
        paths=np.array([_bits(o.paths, PATHS) for o in offers], dtype=np.int64),
        at_zue=np.array([o.at_zue for o in offers], dtype=bool),
        district=np.array([districts.code(o.district) for o in offers], dtype=np.int64),
        childcare=np.array([o.childcare for o in offers], dtype=bool),
        step_free=np.array([o.step_free for o in offers], dtype=bool),
        is_free=np.array([o.is_free for o in offers], dtype=bool),
        allocates_seats=np.array([o.allocates_seats for o in offers], dtype=bool),
    )


def _strength_table() -> FloatArray:
    """strength(domain, category, field) as an array [category, field, domain]."""
    table = np.zeros((len(CATEGORIES), len(FIELDS), len(DOMAINS)), dtype=np.float64)
    for c, category in enumerate(CATEGORIES):
        for f, field_of_action in enumerate(FIELDS):
            for d, domain in enumerate(DOMAINS):
                table[c, f, d] = strength(domain, category, field_of_action)
    return table


STRENGTH = _strength_table()
LANGUAGE_CATEGORY = CATEGORIES.index(Category.LANGUAGE)


def need_table(goals: IntArray, needs: IntArray) -> tuple[IntArray, FloatArray]:
    """The need part for every kind of person and every (category, field): ``(class of each
    person, table[class, category × field])``. People with the same goals and needs share a class,
    so the pairs need one lookup each (a few hundred classes in practice)."""
    key = goals * (1 << len(DOMAINS)) + needs
    classes, person_class = np.unique(key, return_inverse=True)
    domains = np.arange(len(DOMAINS))
    has_goal = ((classes[:, None] >> len(DOMAINS)) >> domains) & 1 == 1
    has_need = ((classes[:, None] & ((1 << len(DOMAINS)) - 1)) >> domains) & 1 == 1
    strengths = STRENGTH.reshape(-1, len(DOMAINS))  # (category × field) × domain
    goal = np.where(has_goal[:, None, :], strengths[None, :, :], 0.0).max(axis=2)
    need = np.where(has_need[:, None, :], strengths[None, :, :], 0.0).max(axis=2)
    return person_class.reshape(-1), np.maximum(GOAL_WEIGHT * goal, NEED_WEIGHT * need)


def _level_factors(person_level: IntArray, offer_level: IntArray) -> FloatArray:
    base = np.where(offer_level > 0, offer_level, BEGINNER)
    gap = person_level - base
    factor = np.where(gap <= 1, 1.0, np.where(gap == 2, 0.6, 0.2))
    return np.where(person_level > 0, factor, 1.0)


def score_pairs(
    people: People,
    offers: Offers,
    pair_person: IntArray,
    pair_offer: IntArray,
    *,
    closed: Collection[str] = (),
    enrolled: BoolArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """For each pair (``people`` row, ``offers`` row): the exclusion bits (``PROBLEM_BIT``) known
    without the schedule, and the fit score with the seats part at 0.5 (``assess`` without a
    schedule, same numbers). ``enrolled`` marks pairs with an active enrolment already."""
    p, o = pair_person, pair_offer
    n = p.shape[0]
    problems = np.zeros(n, dtype=np.int64)

    def flag(code: str, condition: BoolArray) -> None:
        np.bitwise_or(problems, PROBLEM_BIT[code], out=problems, where=condition)

    age = people.age[p]
    known_age = age >= 0
    age_min, age_max = offers.age_min[o], offers.age_max[o]
    flag(eligibility.TOO_YOUNG, known_age & (age_min >= 0) & (age < age_min))
    flag(eligibility.TOO_OLD, known_age & (age_max >= 0) & (age > age_max))
    status = people.status[p]
    admitted = (offers.admitted[o] >> np.maximum(status, 0)) & 1 == 1
    flag(eligibility.STATUS_NOT_ADMITTED, ~offers.open_status[o] & (status >= 0) & ~admitted)
    sex, gender = people.sex[p], offers.gender[o]
    flag(eligibility.GENDER, ((gender == 1) & (sex == 1)) | ((gender == 2) & (sex == 0)))
    german, minimum = people.german[p], offers.min_german[o]
    flag(eligibility.GERMAN_LEVEL, (minimum > 0) & (german > 0) & (german < minimum))
    closed_bits = _bits(closed, PATHS)
    flag(PATHS_CLOSED, offers.german_course[o] & ((offers.paths[o] & ~closed_bits) == 0))
    person_zue = people.at_zue[p]
    offer_zue = offers.at_zue[o]
    flag(ZUE_ONLY, offer_zue & (person_zue == 0))
    if enrolled is not None:
        flag(ALREADY_ENROLLED, enrolled)

    # need: one lookup per pair in the table of person classes × (category, field)
    person_class, table = need_table(people.goals, people.needs)
    category = offers.category[o]
    need = table[person_class[p], category * len(FIELDS) + offers.field_of_action[o]]
    is_language = category == LANGUAGE_CATEGORY
    need[is_language] *= _level_factors(german[is_language], minimum[is_language])
    # language of instruction
    spoken, taught = people.languages[p], offers.languages[o]
    language = np.where((spoken == 0) | (taught == 0), UNKNOWN, np.where((spoken & taught) != 0, 1.0, 0.0))
    # place
    mine, theirs = people.district[p], offers.district[o]
    elsewhere = np.where((mine >= 0) & (theirs >= 0), np.where(mine == theirs, 1.0, OTHER_DISTRICT), UNKNOWN)
    place = np.where(person_zue == 1, np.where(offer_zue, 1.0, ZUE_ELSEWHERE), elsewhere)
    # practical: a lookup in the table of the 4 kinds of person × 8 kinds of offer (same sums as _practical)
    practical = _practical_table()[
        people.childcare[p] * 2 + people.step_free[p],
        offers.is_free[o] * 4 + offers.childcare[o] * 2 + offers.step_free[o],
    ]

    score = WEIGHTS["need"] * need
    score += WEIGHTS["language"] * language
    score += WEIGHTS["place"] * place
    score += WEIGHTS["practical"] * practical
    score += WEIGHTS["seats"] * UNKNOWN
    return problems, np.round(score, SCORE_DECIMALS)


def _practical_table() -> FloatArray:
    """practical[person kind, offer kind]: person kind = needs childcare · 2 + needs step-free
    access; offer kind = free · 4 + childcare · 2 + step-free (``_practical``'s arithmetic)."""
    table = np.zeros((4, 8), dtype=np.float64)
    for person_kind in range(4):
        for offer_kind in range(8):
            facts = OfferFacts(
                id=0,
                category="",
                field_of_action="",
                is_free=bool(offer_kind & 4),
                childcare=bool(offer_kind & 2),
                step_free=bool(offer_kind & 1),
            )
            person = Person(needs_childcare=bool(person_kind & 2), needs_step_free=bool(person_kind & 1))
            table[person_kind, offer_kind] = _practical(person, facts)[0]
    return table


def problem_codes(mask: int) -> tuple[str, ...]:
    return tuple(code for code in PROBLEM_CODES if mask & PROBLEM_BIT[code])
