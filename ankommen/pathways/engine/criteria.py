"""The criterion kinds: how one criterion of a rule file is checked against the facts.

Each evaluator takes the criterion (with its parameters from the rule file) and the context
(facts, evaluation date, rule, whether the person is checked as a § 104c holder) and returns a
``CriterionResult``: ``met`` is True, False or None (unknown, or for a discretionary criterion:
the authority decides), with a ``Message`` saying why. A criterion that is not met yet but will be
on a known day if nothing changes (time-based) has ``waits_for_time`` and ``earliest_date``.

Missing facts always give ``met=None``, never False.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from ankommen.pathways.engine import messages as m
from ankommen.pathways.engine.dates import add_months, add_years, birthday
from ankommen.pathways.engine.input import LEVELS, Facts, StatusPeriod
from ankommen.pathways.engine.messages import Message
from ankommen.pathways.engine.rules import KIND_PARAMS, CriterionRule, Rule
from ankommen.pathways.engine.timeline import Span, Stay, current_period, merge, uninterrupted_stay

ONE_DAY = dt.timedelta(days=1)
DAYS_PER_SCHOOL_YEAR = 365.25
PERMIT_104C = "104c"


@dataclass(frozen=True)
class Context:
    facts: Facts
    on: dt.date
    rule: Rule
    as_104c_holder: bool = False  # checked as a route of the § 104c transition

    @property
    def max_gap(self) -> int:
        return self.rule.counting.max_gap_days

    @property
    def credited(self) -> frozenset[str]:
        extra = self.rule.counting.credited_for_104c_holders if self.as_104c_holder else frozenset()
        return self.rule.counting.credited | extra

    @property
    def neutral(self) -> frozenset[str]:
        return self.rule.counting.neutral - self.credited


@dataclass(frozen=True)
class CriterionResult:
    rule: CriterionRule
    met: bool | None
    message: Message
    earliest_date: dt.date | None = None
    waits_for_time: bool = False  # not met now, met on earliest_date if nothing changes
    discretionary: bool = False
    id: str = ""  # defaults to the rule's id; route criteria are prefixed with the route
    route: str | None = None  # pathway id of the route this criterion belongs to

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self.rule.id)

    @property
    def hard_fail(self) -> bool:
        """Not met, and waiting will not change that."""
        return self.met is False and not self.waits_for_time


def has_basis(period: StatusPeriod, basis: str) -> bool:
    """A residence permit on this legal basis ("104c" matches "AufenthG § 104c" and "104 c",
    not "104" or "104d")."""
    words = r"\s*".join(re.escape(part) for part in basis.replace(" ", ""))
    pattern = re.compile(rf"(?<![0-9a-z]){words}(?![0-9a-z])", re.IGNORECASE)
    return period.type == "aufenthaltserlaubnis" and bool(pattern.search(period.basis))


def is_104c_permit(period: StatusPeriod) -> bool:
    return has_basis(period, PERMIT_104C)


def current_permit(facts: Facts, on: dt.date, basis: str) -> StatusPeriod | None:
    """The residence permit on ``basis`` valid on ``on`` (no grace: a permit that ended has ended)."""
    valid = [p for p in facts.statuses or () if p.covers(on) and has_basis(p, basis)]
    return max(valid, key=lambda p: p.start) if valid else None


def _met(c: CriterionRule, message: Message, earliest: dt.date | None = None) -> CriterionResult:
    return CriterionResult(c, True, message, earliest_date=earliest)


def _not_met(c: CriterionRule, message: Message) -> CriterionResult:
    return CriterionResult(c, False, message)


def _unknown(c: CriterionRule, message: Message) -> CriterionResult:
    return CriterionResult(c, None, message)


def _waiting(c: CriterionRule, message: Message, earliest: dt.date) -> CriterionResult:
    return CriterionResult(c, False, message, earliest_date=earliest, waits_for_time=True)


def _status_label(period: StatusPeriod) -> m.Label | Message:
    label = m.STATUS_LABELS.get(period.type, m.Label(period.type))
    if period.basis and period.type == "aufenthaltserlaubnis":
        return Message(m.STATUS_WITH_BASIS, {"status": label, "basis": period.basis})
    return label


def _history_unknown(c: CriterionRule, ctx: Context) -> CriterionResult | None:
    if not ctx.facts.statuses:
        return _unknown(c, Message(m.NO_HISTORY))
    return None


def _interruption_notes(stay: Stay, ctx: Context) -> tuple[Message, ...]:
    notes = []
    if stay.interruption is not None:
        notes.append(
            Message(m.TIME_RESTARTED, {"days": stay.interruption, "max_gap": ctx.max_gap, "start": stay.start})
        )
    if stay.uncounted_days > 0:
        notes.append(Message(m.TIME_NOT_COUNTED, {"days": stay.uncounted_days, "max_gap": ctx.max_gap}))
    return tuple(notes)


# --- status on the evaluation date ---------------------------------------------------------------


def tolerated_status(c: CriterionRule, ctx: Context) -> CriterionResult:
    missing = _history_unknown(c, ctx)
    if missing:
        return missing
    statuses = ctx.facts.statuses or ()
    current = current_period(statuses, ctx.on, grace_days=ctx.max_gap)
    if current is None:
        last = max((p.end or ctx.on for p in statuses), default=ctx.on)
        return _unknown(c, Message(m.HISTORY_ENDS, {"date": last, "days": ctx.max_gap}))
    if ctx.as_104c_holder:
        return _met(c, Message(m.SCOPE_104C_ROUTE))
    if is_104c_permit(current):
        if c.params.get("accept_104c_permit"):
            return _met(c, Message(m.SCOPE_104C))
        return _not_met(c, Message(m.SCOPE_104C_TRANSITION))
    label = _status_label(current)
    if current.type in c.params.get("excluded", frozenset()):
        return _not_met(c, Message(m.SCOPE_EXCLUDED, {"status": label}))
    if current.type == "gestattung" and c.params.get("gestattung_with_training"):
        start = ctx.facts.training.start if ctx.facts.training else None
        if start is None:
            return _unknown(c, Message(m.GESTATTUNG_TRAINING_UNKNOWN))
        if start <= ctx.on:
            return _met(c, Message(m.GESTATTUNG_TRAINING, {"date": start}))
        return _not_met(c, Message(m.GESTATTUNG_NO_TRAINING))
    if current.type not in c.params["statuses"]:
        return _not_met(c, Message(m.SCOPE_STATUS, {"status": label}))
    notes: tuple[Message, ...] = ()
    if current.end is not None and current.end < ctx.on:
        notes = (Message(m.SCOPE_EXPIRED, {"status": label, "date": current.end}),)
    months = c.params["min_months"]
    if months == 0:
        return _met(c, Message(m.SCOPE_TOLERATED, {"status": label}).with_also(*notes))
    history = uninterrupted_stay(
        statuses,
        ctx.on,
        credited=c.params["statuses"],
        neutral=c.params.get("excluded", frozenset()),
        max_gap=ctx.max_gap,
    )
    stay = history.stay
    if stay is None:  # cannot happen with a current Duldung, kept for safety
        return _unknown(c, Message(m.NO_HISTORY))
    needed = stay.required(add_months(stay.anchor, months))
    reached = stay.reached_on(needed)
    params = {"months": months, "start": stay.anchor}
    if reached is not None:
        return _met(c, Message(m.DULDUNG_HELD, {**params, "date": reached}).with_also(*notes), reached)
    projected = stay.projected(needed)
    if projected is None:
        return _not_met(c, Message(m.DULDUNG_STOPPED, {**params, "status": label}))
    return _waiting(c, Message(m.DULDUNG_NOT_YET, {**params, "date": projected}).with_also(*notes), projected)


def holds_permit(c: CriterionRule, ctx: Context) -> CriterionResult:
    missing = _history_unknown(c, ctx)
    if missing:
        return missing
    permit = current_permit(ctx.facts, ctx.on, c.params["basis"])
    if permit is None:
        return _not_met(c, Message(m.PERMIT_NOT_HELD))
    if permit.end is None:
        end = add_months(permit.start, c.params["permit_months"]) - ONE_DAY
        message = Message(
            m.PERMIT_HELD_END_ASSUMED, {"start": permit.start, "months": c.params["permit_months"], "date": end}
        )
        return _met(c, message)
    return _met(c, Message(m.PERMIT_HELD, {"date": permit.end}))


# --- time ------------------------------------------------------------------------------------------


def residence_time(c: CriterionRule, ctx: Context) -> CriterionResult:
    missing = _history_unknown(c, ctx)
    if missing:
        return missing
    history = uninterrupted_stay(
        ctx.facts.statuses or (), ctx.on, credited=ctx.credited, neutral=ctx.neutral, max_gap=ctx.max_gap
    )
    if history.stay is None:
        last = history.ends_on or ctx.on
        return _unknown(c, Message(m.HISTORY_ENDS, {"date": last, "days": ctx.max_gap}))
    stay = history.stay
    years = c.params["years"]
    short = c.params.get("years_with_minor_child")
    minors = ctx.facts.minor_children_in_household
    notes = _interruption_notes(stay, ctx)
    if short is not None and minors is None:
        long_result = _time_result(c, ctx, stay, years, notes)
        if long_result.met:
            return long_result
        short_days = stay.required(add_years(stay.anchor, short))
        long_days = stay.required(add_years(stay.anchor, years))
        short_date, long_date = stay.projected(short_days), stay.projected(long_days)
        if short_date is None or long_date is None:
            return long_result  # the current time does not count: waiting alone does not help
        params = {"short_years": short, "short_date": short_date, "years": years, "date": long_date}
        return _unknown(c, Message(m.TIME_CHILDREN_UNKNOWN, params).with_also(*notes))
    if short is not None and minors:
        notes = (Message(m.TIME_WITH_CHILD, {"years": short}), *notes)
        years = short
    return _time_result(c, ctx, stay, years, notes)


def _time_result(c: CriterionRule, ctx: Context, stay: Stay, years: int, notes: tuple[Message, ...]) -> CriterionResult:
    needed = stay.required(add_years(stay.anchor, years))
    params = {"years": years, "start": stay.start}
    reached = stay.reached_on(needed)
    if reached is not None:
        return _met(c, Message(m.TIME_MET, {**params, "date": reached}).with_also(*notes), reached)
    projected = stay.projected(needed)
    if projected is None:
        statuses = ctx.facts.statuses or ()
        current = current_period(statuses, ctx.on, grace_days=ctx.max_gap)
        label: m.Label | Message = _status_label(current) if current else m.STATUS_LABELS["none"]
        return _not_met(c, Message(m.TIME_STOPPED, {**params, "status": label}).with_also(*notes))
    return _waiting(c, Message(m.TIME_NOT_YET, {**params, "date": projected}).with_also(*notes), projected)


def employment_time(c: CriterionRule, ctx: Context) -> CriterionResult:
    jobs = ctx.facts.employment
    if jobs is None:
        return _unknown(c, Message(m.EMPLOYMENT_UNKNOWN))
    hours, months = c.params["min_hours"], c.params["months"]
    max_gap = c.params.get("max_gap_days", 0)
    qualifying, incomplete = [], False
    for job in jobs:
        if job.start > ctx.on:
            continue
        if job.social_insurance is None or job.hours_per_week is None:
            incomplete = True
            continue
        if job.social_insurance and job.hours_per_week >= hours:
            qualifying.append(Span(job.start, min(job.end or ctx.on, ctx.on)))
    spans = merge(qualifying)
    params = {"hours": float(hours), "months": months}
    if not spans or (ctx.on - spans[-1].end).days > max_gap:
        if incomplete:
            return _unknown(c, Message(m.EMPLOYMENT_INCOMPLETE))
        return _not_met(c, Message(m.EMPLOYMENT_NONE, params))
    start = spans[0].start
    for previous, following in pairwise(spans):
        if (following.start - previous.end).days - 1 > max_gap:
            start = following.start
    last_day = ctx.on - ONE_DAY
    counted = [Span(max(s.start, start), min(s.end, last_day)) for s in spans if s.end >= start]
    counted = [s for s in counted if s.start <= s.end]
    continuing = spans[-1].end == ctx.on
    stay = Stay(start, ctx.on, tuple(counted), continuing, spans[-1].end, None)
    needed = stay.required(add_months(stay.anchor, months))
    reached = stay.reached_on(needed)
    params = {**params, "start": start}
    if reached is not None:
        return _met(c, Message(m.EMPLOYMENT_MET, {**params, "date": reached}), reached)
    projected = stay.projected(needed)
    if projected is None:
        return _not_met(c, Message(m.EMPLOYMENT_NONE, params))
    return _waiting(c, Message(m.EMPLOYMENT_NOT_YET, {**params, "date": projected}), projected)


def age_limit(c: CriterionRule, ctx: Context) -> CriterionResult:
    born = ctx.facts.date_of_birth
    if born is None:
        return _unknown(c, Message(m.NO_BIRTH_DATE))
    max_age = c.params["max_age"]
    limit = birthday(born, max_age)
    if ctx.on >= limit:
        return _not_met(c, Message(m.AGE_OVER, {"age": max_age, "date": limit - ONE_DAY}))
    min_age = c.params.get("min_age")
    if min_age is not None and ctx.on < birthday(born, min_age):
        from_day = birthday(born, min_age)
        return _waiting(c, Message(m.AGE_TOO_YOUNG, {"age": min_age, "date": from_day}), from_day)
    return _met(c, Message(m.AGE_OK, {"age": max_age, "date": limit - ONE_DAY}))


def training_window(c: CriterionRule, ctx: Context) -> CriterionResult:
    training = ctx.facts.training
    if training is None or training.start is None:
        return _unknown(c, Message(m.TRAINING_START_UNKNOWN))
    months = c.params["months_before"]
    opens = add_months(training.start, -months)
    if ctx.on >= opens:
        return _met(c, Message(m.TRAINING_WINDOW_OPEN, {"start": training.start}))
    return _waiting(
        c, Message(m.TRAINING_WINDOW_NOT_YET, {"start": training.start, "date": opens, "months": months}), opens
    )


# --- school, language, livelihood, yes/no facts -----------------------------------------------------


def school(c: CriterionRule, ctx: Context) -> CriterionResult:
    facts = ctx.facts
    required = float(c.params["years"])
    years, qualification = facts.school_years_in_germany, facts.german_school_or_vocational_qualification
    if qualification is True:
        return _met(c, Message(m.SCHOOL_QUALIFICATION))
    if years is not None and years >= required:
        return _met(c, Message(m.SCHOOL_YEARS_MET, {"years": float(years), "required": required}))
    if years is None or qualification is None:
        return _unknown(c, Message(m.SCHOOL_UNKNOWN))
    if facts.in_school_or_training is True:
        complete = ctx.on + dt.timedelta(days=math.ceil((required - years) * DAYS_PER_SCHOOL_YEAR))
        params = {"years": float(years), "required": required, "date": complete}
        return _waiting(c, Message(m.SCHOOL_NOT_YET, params), complete)
    if facts.in_school_or_training is None:
        return _unknown(c, Message(m.SCHOOL_UNKNOWN))
    return _not_met(c, Message(m.SCHOOL_NOT_MET, {"years": float(years), "required": required}))


def language(c: CriterionRule, ctx: Context) -> CriterionResult:
    required = c.params["min_level"]
    level = ctx.facts.german_oral_level
    if level is None:
        return _unknown(c, Message(m.LANGUAGE_UNKNOWN, {"required": required}))
    params = {"level": level, "required": required}
    if LEVELS.index(level) >= LEVELS.index(required):
        return _met(c, Message(m.LANGUAGE_MET, params))
    return _not_met(c, Message(m.LANGUAGE_NOT_MET, params))


def livelihood(c: CriterionRule, ctx: Context) -> CriterionResult:
    facts = ctx.facts
    suffices = c.params["school_or_training_suffices"]
    if suffices and facts.in_school_or_training is True:
        return _met(c, Message(m.LIVELIHOOD_SCHOOL))
    share = facts.livelihood_share_secured
    if share is None:
        return _unknown(c, Message(m.LIVELIHOOD_UNKNOWN))
    required = c.params["min_share"]
    params = {"share": round(share * 100), "required": round(required * 100)}
    if share + 1e-9 >= required:
        return _met(c, Message(m.LIVELIHOOD_MET, params))
    if suffices and facts.in_school_or_training is None:
        return _unknown(c, Message(m.LIVELIHOOD_UNKNOWN_SCHOOL, params))
    return _not_met(c, Message(m.LIVELIHOOD_NOT_MET, params))


def flag(c: CriterionRule, ctx: Context) -> CriterionResult:
    name = c.params["fact"]
    if c.params.get("not_applicable_without_minor_children") and ctx.facts.minor_children_in_household == 0:
        return _met(c, Message(m.NO_MINOR_CHILDREN))
    value = ctx.facts.flag(name)
    message = Message(m.FLAG_TEXTS[name][value])
    if value is None:
        return _unknown(c, message)
    if value == c.params["met_when"]:
        return _met(c, message)
    if c.params.get("otherwise", "not_met") == "unknown":
        return _unknown(c, message.with_also(Message(m.NEEDS_EXAMINATION)))
    return _not_met(c, message)


# --- entry and identity -------------------------------------------------------------------------


def entry_by(c: CriterionRule, ctx: Context) -> CriterionResult:
    entry = ctx.facts.entry_date
    if entry is None:
        return _unknown(c, Message(m.NO_ENTRY_DATE))
    params = {"date": entry, "limit": c.params["date"]}
    if entry <= c.params["date"]:
        return _met(c, Message(m.ENTRY_MET, params))
    return _not_met(c, Message(m.ENTRY_NOT_MET, params))


def _employed_on(facts: Facts, day: dt.date) -> bool | None:
    if facts.employment is None:
        return None
    return any(job.start <= day and (job.end is None or day <= job.end) for job in facts.employment)


def identity_deadline_for(bands: tuple[dict, ...], facts: Facts, on: dt.date) -> tuple[str, dt.date | None]:
    """("ok", deadline) | ("no_entry", None) | ("no_band", None) | ("employment_unknown", date)."""
    entry = facts.entry_date
    if entry is None:
        return "no_entry", None
    for band in bands:
        if band["entry_from"] is not None and entry < band["entry_from"]:
            continue
        if band["entry_to"] is not None and entry > band["entry_to"]:
            continue
        rule = band["rule"]
        if rule == "by_application":
            return "ok", on
        if rule == "fixed_latest":
            return "ok", min(on, band["date"])
        if rule == "months_after_entry":
            return "ok", add_months(entry, band["months"])
        employed = _employed_on(facts, band["employed_on"])
        if employed is None:
            return "employment_unknown", band["employed_on"]
        return "ok", on if employed else min(on, band["date"])
    return "no_band", None


def identity_deadline(c: CriterionRule, ctx: Context) -> CriterionResult:
    facts = ctx.facts
    state, deadline = identity_deadline_for(c.params["bands"], facts, ctx.on)
    if state == "no_entry":
        return _unknown(c, Message(m.NO_ENTRY_DATE))
    if state == "no_band":
        return _unknown(c, Message(m.IDENTITY_NO_BAND, {"date": facts.entry_date}))
    if state == "employment_unknown":
        return _unknown(c, Message(m.IDENTITY_EMPLOYMENT_UNKNOWN, {"date": deadline}))
    assert deadline is not None
    clarified = (
        facts.identity_clarified_on if facts.identity_clarified_on and facts.identity_clarified_on <= ctx.on else None
    )
    steps = (
        facts.identity_steps_taken_on
        if facts.identity_steps_taken_on and facts.identity_steps_taken_on <= ctx.on
        else None
    )
    if clarified is not None and clarified <= deadline:
        return _met(c, Message(m.IDENTITY_IN_TIME, {"date": clarified, "deadline": deadline}))
    if steps is not None and steps <= deadline:
        return _met(c, Message(m.IDENTITY_STEPS_IN_TIME, {"date": steps, "deadline": deadline}))
    if clarified is None and steps is None:
        return _unknown(c, Message(m.IDENTITY_UNKNOWN, {"deadline": deadline}))
    if clarified is not None and steps is not None:
        return _not_met(c, Message(m.IDENTITY_LATE, {"clarified": clarified, "steps": steps, "deadline": deadline}))
    late = clarified or steps
    return _unknown(c, Message(m.IDENTITY_LATE_STEPS_UNKNOWN, {"date": late, "deadline": deadline}))


def identity_clarified(c: CriterionRule, ctx: Context) -> CriterionResult:
    facts = ctx.facts
    if facts.identity_clarified_on is not None and facts.identity_clarified_on <= ctx.on:
        return _met(c, Message(m.IDENTITY_CLARIFIED, {"date": facts.identity_clarified_on}))
    if facts.identity_steps_taken_on is not None and facts.identity_steps_taken_on <= ctx.on:
        return _met(c, Message(m.IDENTITY_STEPS, {"date": facts.identity_steps_taken_on}))
    return _unknown(c, Message(m.IDENTITY_NOT_RECORDED))


def discretionary(c: CriterionRule, ctx: Context) -> CriterionResult:
    return CriterionResult(c, None, Message(m.DISCRETIONARY), discretionary=True)


def after_deadline(result: CriterionResult, deadline: dt.date) -> CriterionResult:
    """A time-based criterion that completes only after the last day for the application."""
    message = Message(m.AFTER_DEADLINE, {"detail": result.message, "deadline": deadline})
    return replace(result, message=message, waits_for_time=False)


Evaluator = Callable[[CriterionRule, Context], CriterionResult]

EVALUATORS: dict[str, Evaluator] = {
    "tolerated_status": tolerated_status,
    "age_limit": age_limit,
    "residence_time": residence_time,
    "school": school,
    "language": language,
    "flag": flag,
    "livelihood": livelihood,
    "entry_by": entry_by,
    "identity_deadline": identity_deadline,
    "identity_clarified": identity_clarified,
    "employment_time": employment_time,
    "training_window": training_window,
    "holds_permit": holds_permit,
    "discretionary": discretionary,
}
# "route" is evaluated by evaluate.py (it needs the other pathways).
assert set(EVALUATORS) | {"route"} == set(KIND_PARAMS), "every criterion kind needs an evaluator"
