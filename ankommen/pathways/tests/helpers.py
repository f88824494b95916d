"""Small builders for engine tests (plain data, no database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ankommen.pathways.engine import Evaluation, PathwayResult, evaluate, parse_facts
from ankommen.pathways.engine.criteria import CriterionResult

D = dt.date.fromisoformat


def status(kind: str, start: str, end: str | None = None, basis: str = "") -> dict[str, Any]:
    return {"type": kind, "from": start, "to": end, "basis": basis}


def run(data: dict[str, Any], on: str) -> Evaluation:
    return evaluate(parse_facts(data), D(on))


def pathway(data: dict[str, Any], on: str, pathway_id: str) -> PathwayResult:
    result = run(data, on).pathway(pathway_id)
    assert result is not None, f"{pathway_id} not in force on {on}"
    return result


def criterion(data: dict[str, Any], on: str, pathway_id: str, criterion_id: str) -> CriterionResult:
    found = next((c for c in pathway(data, on, pathway_id).criteria if c.id == criterion_id), None)
    assert found is not None, f"{pathway_id}.{criterion_id} missing"
    return found


def state(result: CriterionResult) -> str:
    """met | waiting | not_met | unknown | discretionary."""
    if result.discretionary:
        return "discretionary"
    if result.met is True:
        return "met"
    if result.met is None:
        return "unknown"
    return "waiting" if result.waits_for_time else "not_met"


def text(result: CriterionResult) -> str:
    from ankommen.pathways.engine.messages import render

    return render(result.message)


# A young person who meets every condition of § 25a on 2026-11-21 (born 2004-06-01, Duldung
# since 2022, in Germany since 2021, in vocational school).
YOUNG = {
    "date_of_birth": "2004-06-01",
    "entry_date": "2021-03-01",
    "statuses": [status("gestattung", "2021-03-01", "2022-08-31"), status("duldung", "2022-09-01")],
    "german_oral_level": "B1",
    "fdgo_commitment": True,
    "school_years_in_germany": 3.5,
    "german_school_or_vocational_qualification": False,
    "in_school_or_training": True,
    "convictions_above_threshold": False,
}

# A parent who meets every condition of § 25b on 2026-11-21 (Duldung, in Germany since 2019).
PARENT = {
    "date_of_birth": "1985-01-15",
    "entry_date": "2019-04-01",
    "statuses": [status("gestattung", "2019-04-01", "2020-10-31"), status("duldung", "2020-11-01")],
    "identity_clarified_on": "2019-08-01",
    "german_oral_level": "A2",
    "knowledge_of_legal_order": True,
    "fdgo_commitment": True,
    "livelihood_share_secured": 0.6,
    "in_school_or_training": False,
    "employment": [{"from": "2023-01-01", "hours_per_week": 30, "social_insurance": True}],
    "minor_children_in_household": 2,
    "school_age_children_attend_school": True,
    "convictions_above_threshold": False,
    "measures_to_end_stay": False,
    "safe_country_rejected": False,
}
