"""Evaluating a person's facts against the rules in force on a date.

Outcome of a pathway (issue [R]), from its criteria; discretionary criteria never count:

- ``not_met``: a criterion other than time is not met, an exclusion applies, or a time-based
  criterion will only be met after the last day for the application;
- ``unknown``: facts are missing, and nothing rules the pathway out;
- ``not_yet``: only time-based criteria are missing, and all will be met on ``earliest_date`` if
  nothing changes;
- ``met``: every criterion is met.

The tool advises; the foreigners' authority decides. It names criteria that are met, not met or
unknown and never phrases an outcome as "no right to stay".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ankommen.pathways.engine import messages as m
from ankommen.pathways.engine.criteria import (
    EVALUATORS,
    Context,
    CriterionResult,
    after_deadline,
    current_permit,
)
from ankommen.pathways.engine.dates import add_months, birthday
from ankommen.pathways.engine.input import Facts
from ankommen.pathways.engine.messages import FormatDate, FormatNumber, Message, Translate, render
from ankommen.pathways.engine.rules import CriterionRule, Rule, RuleSet, default_rules

MET, NOT_YET, NOT_MET, UNKNOWN = "met", "not_yet", "not_met", "unknown"
OUTCOMES = (MET, NOT_YET, NOT_MET, UNKNOWN)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class PathwayResult:
    rule: Rule
    outcome: str
    earliest_date: dt.date | None  # only for not_yet: the day all time-based criteria are met
    deadline: dt.date | None  # last day on which the application can still be made
    criteria: tuple[CriterionResult, ...]  # own criteria, then those of the routes (ids prefixed)
    in_scope: bool  # False: a scope criterion (status, § 104c permit) rules the pathway out
    routes: tuple[PathwayResult, ...] = ()

    @property
    def id(self) -> str:
        return self.rule.pathway

    @property
    def own_criteria(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.route is None)

    def to_json(self, translate: Translate, format_date: FormatDate, format_number: FormatNumber) -> dict[str, Any]:
        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {
            "id": self.id,
            "outcome": self.outcome,
            "earliest_date": iso(self.earliest_date),
            "deadline": iso(self.deadline),
            "rule_version": self.rule.version,
            "criteria": [
                {
                    "id": c.id,
                    "met": c.met,
                    "discretionary": c.discretionary,
                    "detail": render(c.message, translate, format_date, format_number),
                    "earliest_date": iso(c.earliest_date),
                }
                for c in self.criteria
            ],
        }


@dataclass(frozen=True)
class Evaluation:
    on: dt.date
    pathways: tuple[PathwayResult, ...]

    def pathway(self, pathway_id: str) -> PathwayResult | None:
        return next((p for p in self.pathways if p.id == pathway_id), None)

    def to_json(
        self,
        translate: Translate = lambda text: text,
        format_date: FormatDate = lambda day: day.isoformat(),
        format_number: FormatNumber = lambda number: f"{number:g}",
    ) -> dict[str, Any]:
        return {
            "evaluated_on": self.on.isoformat(),
            "pathways": [p.to_json(translate, format_date, format_number) for p in self.pathways],
        }


def combine(results: Sequence[CriterionResult]) -> tuple[str, dt.date | None]:
    relevant = [r for r in results if not r.discretionary]
    if any(r.hard_fail for r in relevant):
        return NOT_MET, None
    if any(r.met is None for r in relevant):
        return UNKNOWN, None
    waiting = [r.earliest_date for r in relevant if r.met is False and r.earliest_date is not None]
    if waiting:
        return NOT_YET, max(waiting)
    return MET, None


def pathway_deadline(rule: Rule, facts: Facts, on: dt.date) -> dt.date | None:
    spec = rule.deadline
    if spec is None:
        return None
    if spec.kind == "fixed":
        return spec.day
    if spec.kind == "birthday":
        if facts.date_of_birth is None or spec.age is None:
            return None
        return birthday(facts.date_of_birth, spec.age) - ONE_DAY
    permit = current_permit(facts, on, spec.basis)
    if permit is None:
        return None
    if permit.end is not None:
        return permit.end
    return add_months(permit.start, spec.permit_months or 0) - ONE_DAY


def _earliest(*days: dt.date | None) -> dt.date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def _routes_text(results: Sequence[PathwayResult]) -> str | Message:
    names: list[str | Message] = [r.rule.source.norm for r in results]
    text: str | Message = names[0] if names else ""
    for name in names[1:]:
        text = Message(m.ROUTES_OR, {"first": text, "second": name})
    return text


def _route_result(
    criterion: CriterionRule, routes: Sequence[PathwayResult], deadline: dt.date | None
) -> CriterionResult:
    met = [r for r in routes if r.outcome == MET]
    if met:
        return CriterionResult(criterion, True, Message(m.ROUTE_MET, {"route": met[0].rule.source.norm}))
    waiting = sorted((r for r in routes if r.outcome == NOT_YET), key=lambda r: r.earliest_date or dt.date.max)
    if waiting and waiting[0].earliest_date is not None:
        best = waiting[0]
        params = {"route": best.rule.source.norm, "date": best.earliest_date, "deadline": deadline}
        return CriterionResult(
            criterion,
            False,
            Message(m.ROUTE_NOT_YET, params),
            earliest_date=best.earliest_date,
            waits_for_time=True,
        )
    if any(r.outcome == UNKNOWN for r in routes):
        return CriterionResult(criterion, None, Message(m.ROUTE_UNKNOWN, {"routes": _routes_text(routes)}))
    return CriterionResult(
        criterion, False, Message(m.ROUTE_NOT_MET, {"routes": _routes_text(routes), "deadline": deadline})
    )


def _too_late(result: CriterionResult, deadline: dt.date | None, on: dt.date) -> bool:
    """A time-based criterion that completes only after a deadline that has not passed yet (a
    deadline already passed is reported by its own criterion, e.g. the age limit)."""
    return (
        result.waits_for_time
        and deadline is not None
        and deadline >= on
        and result.earliest_date is not None
        and result.earliest_date > deadline
    )


def evaluate_pathway(
    rule: Rule,
    facts: Facts,
    on: dt.date,
    rules: RuleSet,
    *,
    as_104c_holder: bool = False,
    deadline_cap: dt.date | None = None,
) -> PathwayResult:
    context = Context(facts=facts, on=on, rule=rule, as_104c_holder=as_104c_holder)
    deadline = pathway_deadline(rule, facts, on)
    effective = _earliest(deadline, deadline_cap)
    own: list[CriterionResult] = []
    route_criterion: CriterionRule | None = None
    for criterion in rule.criteria:
        if criterion.kind == "route":
            route_criterion = criterion
            own.append(CriterionResult(criterion, None, Message(m.ROUTE_NOT_APPLICABLE)))  # replaced below
            continue
        result = EVALUATORS[criterion.kind](criterion, context)
        if _too_late(result, effective, on):
            result = after_deadline(result, effective)  # type: ignore[arg-type]
        own.append(result)
    in_scope = not any(r.rule.scope and r.hard_fail for r in own)
    routes: list[PathwayResult] = []
    extra: list[CriterionResult] = []
    if route_criterion is not None and in_scope:
        for route_id in rule.routes:
            route_rule = rules.rule_for(route_id, on)
            if route_rule is None:
                continue
            routes.append(evaluate_pathway(route_rule, facts, on, rules, as_104c_holder=True, deadline_cap=effective))
        index = next(i for i, r in enumerate(own) if r.rule is route_criterion)
        own[index] = _route_result(route_criterion, routes, effective)
        for route in routes:
            extra += [replace(c, id=f"{route.id}.{c.id}", route=route.id) for c in route.own_criteria]
    outcome, earliest = combine(own)
    return PathwayResult(
        rule=rule,
        outcome=outcome,
        earliest_date=earliest,
        deadline=deadline,
        criteria=(*own, *extra),
        in_scope=in_scope,
        routes=tuple(routes),
    )


def evaluate(facts: Facts, on: dt.date, rules: RuleSet | None = None) -> Evaluation:
    """Every pathway whose rules are in force on ``on``, in the usual order."""
    rule_set = rules if rules is not None else default_rules()
    return Evaluation(
        on=on,
        pathways=tuple(evaluate_pathway(rule, facts, on, rule_set) for rule in rule_set.in_force(on)),
    )
