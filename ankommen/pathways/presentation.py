"""The engine's result, ready for the templates, in the reader's language.

Message templates of the engine are English msgids translated here with ``gettext``; rule texts
(titles, labels, explanations) come from the rule files in German or English; dates as
``dd.mm.yyyy`` and numbers with the language's decimal separator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import get_language, gettext

from ankommen.pathways.engine import Evaluation, PathwayResult
from ankommen.pathways.engine.criteria import CriterionResult
from ankommen.pathways.engine.messages import Message, render


def format_date(day: dt.date) -> str:
    return formats.date_format(day, "d.m.Y")


def format_number(number: float) -> str:
    value: float | int = int(number) if float(number).is_integer() else number
    return formats.number_format(value, use_l10n=True)


def render_message(message: Message) -> str:
    return render(message, gettext, format_date, format_number)


def language() -> str:
    return get_language() or "de"


@dataclass
class CriterionView:
    id: str
    label: str
    paragraph: str
    state: str  # met | waiting | not_met | unknown | discretionary
    detail: str
    explanation: str
    earliest_date: dt.date | None
    goal_text: str  # suggested goal ("" if none)
    missing: bool  # not met (yet) or unknown, and not a discretionary criterion


@dataclass
class RouteView:
    id: str
    title: str
    outcome: str
    criteria: list[CriterionView]


@dataclass
class PathwayView:
    id: str
    title: str
    summary: str
    norm: str
    outcome: str
    in_scope: bool
    earliest_date: dt.date | None
    deadline: dt.date | None
    deadline_passed: bool
    goals_possible: bool  # the pathway fits the status and its deadline has not passed
    criteria: list[CriterionView]
    routes: list[RouteView] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    source: str = ""
    version: dt.date | None = None
    reviewed_on: dt.date | None = None


def _state(result: CriterionResult) -> str:
    if result.discretionary:
        return "discretionary"
    if result.met is True:
        return "met"
    if result.met is None:
        return "unknown"
    return "waiting" if result.waits_for_time else "not_met"


def criterion_view(result: CriterionResult, lang: str) -> CriterionView:
    rule = result.rule
    state = _state(result)
    return CriterionView(
        id=result.id,
        label=rule.label.get(lang),
        paragraph=rule.paragraph,
        state=state,
        detail=render_message(result.message),
        explanation=rule.explanation.get(lang),
        earliest_date=result.earliest_date,
        goal_text=rule.goal.get(lang) if rule.goal else "",
        missing=state in ("waiting", "not_met", "unknown"),
    )


def pathway_view(result: PathwayResult, on: dt.date) -> PathwayView:
    lang = language()
    rule = result.rule
    routes = [
        RouteView(
            id=route.id,
            title=route.rule.title.get(lang),
            outcome=route.outcome,
            criteria=[criterion_view(c, lang) for c in result.criteria if c.route == route.id],
        )
        for route in result.routes
    ]
    deadline_passed = result.deadline is not None and result.deadline < on
    return PathwayView(
        id=result.id,
        title=rule.title.get(lang),
        summary=rule.summary.get(lang),
        norm=rule.source.norm,
        outcome=result.outcome,
        in_scope=result.in_scope,
        earliest_date=result.earliest_date,
        deadline=result.deadline,
        deadline_passed=deadline_passed,
        goals_possible=result.in_scope and not deadline_passed,
        criteria=[criterion_view(c, lang) for c in result.own_criteria],
        routes=routes,
        not_checked=[text.get(lang) for text in rule.not_checked],
        source=f"{rule.source.law}, {rule.source.bgbl}",
        version=rule.valid_from,
        reviewed_on=rule.reviewed_on,
    )


def evaluation_view(evaluation: Evaluation) -> list[PathwayView]:
    return [pathway_view(p, evaluation.on) for p in evaluation.pathways]
