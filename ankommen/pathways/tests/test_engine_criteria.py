"""Each criterion just below, at and above its threshold; identity deadlines by entry date;
deadlines; outcomes; the § 104c transition. Pure engine: no database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ankommen.pathways.engine import MET, NOT_MET, NOT_YET, UNKNOWN, default_rules, evaluate, parse_facts
from ankommen.pathways.engine import messages as m
from ankommen.pathways.tests.helpers import PARENT, YOUNG, D, criterion, pathway, run, state, status, text

ON = "2026-11-21"


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {**base, **changes}
    return {k: v for k, v in data.items() if v is not ...}


# --- the complete examples meet their pathway ------------------------------------------------------


def test_young_person_meets_25a_and_parent_meets_25b() -> None:
    assert pathway(YOUNG, ON, "aufenthg_25a").outcome == MET
    assert pathway(PARENT, ON, "aufenthg_25b").outcome == MET


def test_every_pathway_in_force_today_is_listed_in_order() -> None:
    assert [p.id for p in run({}, ON).pathways] == [
        "aufenthg_25a",
        "aufenthg_25b",
        "aufenthg_60c",
        "aufenthg_60d",
        "aufenthg_104c_transition",
    ]


def test_no_facts_at_all_give_unknown_or_scope_never_a_guess() -> None:
    for result in run({}, ON).pathways:
        assert result.outcome == UNKNOWN
        assert all(c.met is None for c in result.criteria if c.route is None)


# --- age (§ 25a): application before the 27th birthday, at least 14 at the decision -----------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [("2031-05-31", "met"), ("2031-06-01", "not_met"), ("2031-06-02", "not_met")],
)
def test_application_before_the_27th_birthday(on: str, expected: str) -> None:
    result = criterion(YOUNG, on, "aufenthg_25a", "age")
    assert state(result) == expected
    assert pathway(YOUNG, on, "aufenthg_25a").deadline == D("2031-05-31")


@pytest.mark.parametrize(("on", "expected"), [("2027-02-28", "waiting"), ("2027-03-01", "met"), ("2027-03-02", "met")])
def test_minimum_age_of_14(on: str, expected: str) -> None:
    result = criterion(with_(YOUNG, date_of_birth="2013-03-01", entry_date=...), on, "aufenthg_25a", "age")
    assert state(result) == expected
    if expected == "waiting":
        assert result.earliest_date == D("2027-03-01")


def test_missing_birth_date_is_unknown() -> None:
    data = with_(YOUNG, date_of_birth=..., entry_date=...)
    assert state(criterion(data, ON, "aufenthg_25a", "age")) == "unknown"
    assert pathway(data, ON, "aufenthg_25a").deadline is None


def test_time_that_completes_only_after_the_27th_birthday_is_not_met() -> None:
    data = with_(
        YOUNG,
        date_of_birth="2000-03-01",
        statuses=[status("gestattung", "2024-03-01", "2025-06-30"), status("duldung", "2025-07-01")],
    )
    result = criterion(data, ON, "aufenthg_25a", "residence_time")
    assert state(result) == "not_met"
    assert result.earliest_date == D("2027-03-01")
    assert "after the last day for the application (2027-02-28)" in text(result)
    assert pathway(data, ON, "aufenthg_25a").outcome == NOT_MET


# --- school (§ 25a) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "qualification", "in_school", "expected"),
    [
        (2.9, False, False, "not_met"),
        (3.0, False, False, "met"),
        (3.1, False, False, "met"),
        (1.0, True, False, "met"),
        (2.5, False, True, "waiting"),
        (2.5, False, None, "unknown"),
        (2.5, None, False, "unknown"),
        (None, False, False, "unknown"),
    ],
)
def test_three_years_of_school_or_a_qualification(
    years: float | None, qualification: bool | None, in_school: bool | None, expected: str
) -> None:
    data = with_(
        YOUNG,
        school_years_in_germany=years if years is not None else ...,
        german_school_or_vocational_qualification=qualification if qualification is not None else ...,
        in_school_or_training=in_school if in_school is not None else ...,
    )
    result = criterion(data, ON, "aufenthg_25a", "school")
    assert state(result) == expected
    if expected == "waiting":
        assert result.earliest_date == D("2027-05-23")  # half a school year (183 days) from now


# --- language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [("pre_A1", "not_met"), ("A1", "not_met"), ("A2", "met"), ("B1", "met"), ("native", "met"), (None, "unknown")],
)
def test_spoken_german_at_a2(level: str | None, expected: str) -> None:
    data = with_(PARENT, german_oral_level=level if level else ...)
    assert state(criterion(data, ON, "aufenthg_25b", "language")) == expected
    assert state(criterion(data, ON, "aufenthg_60d", "language")) == expected


# --- livelihood ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "in_school", "expected"),
    [
        (0.50, False, "not_met"),
        (0.51, False, "met"),
        (0.52, False, "met"),
        (0.0, True, "met"),
        (None, False, "unknown"),
        (0.3, None, "unknown"),
    ],
)
def test_livelihood_mostly_secured_for_25b(share: float | None, in_school: bool | None, expected: str) -> None:
    data = with_(
        PARENT,
        livelihood_share_secured=share if share is not None else ...,
        in_school_or_training=in_school if in_school is not None else ...,
    )
    assert state(criterion(data, ON, "aufenthg_25b", "livelihood")) == expected


@pytest.mark.parametrize(("share", "expected"), [(0.99, "not_met"), (1.0, "met")])
def test_livelihood_fully_secured_for_60d_and_25a(share: float, expected: str) -> None:
    data = with_(PARENT, livelihood_share_secured=share, in_school_or_training=True)
    assert state(criterion(data, ON, "aufenthg_60d", "livelihood")) == expected  # school does not help here
    assert (
        state(
            criterion(
                with_(YOUNG, in_school_or_training=False, livelihood_share_secured=share),
                ON,
                "aufenthg_25a",
                "livelihood",
            )
        )
        == expected
    )


# --- yes/no facts and exclusions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pathway_id", "criterion_id", "field", "value", "expected"),
    [
        ("aufenthg_25b", "fdgo", "fdgo_commitment", True, "met"),
        ("aufenthg_25b", "fdgo", "fdgo_commitment", False, "not_met"),
        ("aufenthg_25b", "fdgo", "fdgo_commitment", None, "unknown"),
        ("aufenthg_25b", "legal_order", "knowledge_of_legal_order", False, "not_met"),
        ("aufenthg_25b", "children_school", "school_age_children_attend_school", False, "not_met"),
        ("aufenthg_25b", "children_school", "school_age_children_attend_school", None, "unknown"),
        # A conviction above 50/90 daily rates does not by itself reach § 54: the authority examines it.
        ("aufenthg_25b", "convictions", "convictions_above_threshold", True, "unknown"),
        ("aufenthg_25b", "convictions", "convictions_above_threshold", False, "met"),
        ("aufenthg_60d", "convictions", "convictions_above_threshold", True, "not_met"),
        ("aufenthg_60c", "convictions", "convictions_above_threshold", True, "not_met"),
        ("aufenthg_60c", "measures_to_end_stay", "measures_to_end_stay", True, "not_met"),
        ("aufenthg_60c", "measures_to_end_stay", "measures_to_end_stay", None, "unknown"),
        ("aufenthg_60c", "safe_country", "safe_country_rejected", True, "not_met"),
        ("aufenthg_60c", "safe_country", "safe_country_rejected", False, "met"),
    ],
)
def test_yes_no_facts(pathway_id: str, criterion_id: str, field: str, value: bool | None, expected: str) -> None:
    data = with_(PARENT, **{field: value if value is not None else ...})
    assert state(criterion(data, ON, pathway_id, criterion_id)) == expected


def test_children_school_does_not_apply_without_minor_children() -> None:
    data = with_(PARENT, minor_children_in_household=0, school_age_children_attend_school=...)
    assert state(criterion(data, ON, "aufenthg_25b", "children_school")) == "met"


# --- status on the evaluation date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (status("duldung", "2020-01-01"), "met"),
        (status("duldung_60d", "2020-01-01"), "met"),
        (status("duldung_60b", "2020-01-01"), "not_met"),
        (status("gestattung", "2020-01-01"), "not_met"),
        (status("aufenthaltserlaubnis", "2020-01-01", None, "AufenthG § 25 Abs. 5"), "not_met"),
        (status("aufenthaltserlaubnis", "2026-01-01", "2027-06-30", "AufenthG § 104c"), "not_met"),
    ],
)
def test_25b_is_for_people_with_a_duldung(current: dict[str, Any], expected: str) -> None:
    data = with_(PARENT, statuses=[current])
    result = pathway(data, ON, "aufenthg_25b")
    assert state(result.criteria[0]) == expected
    assert result.in_scope == (expected == "met")


def test_until_2025_a_104c_permit_opened_25a_and_25b_directly() -> None:
    data = with_(PARENT, statuses=[status("aufenthaltserlaubnis", "2023-03-01", "2024-08-31", "104c")])
    assert state(criterion(data, "2024-05-01", "aufenthg_25b", "status")) == "met"
    assert state(criterion(data, "2024-05-01", "aufenthg_25a", "status")) == "met"


@pytest.mark.parametrize(
    ("training_start", "expected"), [("2026-11-01", "met"), ("2027-02-01", "not_met"), (None, "unknown")]
)
def test_60c_during_the_asylum_procedure_only_for_training_begun(training_start: str | None, expected: str) -> None:
    data = with_(
        PARENT, statuses=[status("gestattung", "2025-01-01")], training={"qualified": True, "start": training_start}
    )
    assert state(criterion(data, ON, "aufenthg_60c", "status")) == expected


@pytest.mark.parametrize(
    ("start", "expected", "earliest"),
    [("2027-05-20", "met", None), ("2027-05-21", "met", None), ("2027-05-22", "waiting", "2026-11-22")],
)
def test_training_duldung_from_six_months_before_the_start(start: str, expected: str, earliest: str | None) -> None:
    data = with_(PARENT, training={"qualified": True, "start": start})
    result = criterion(data, ON, "aufenthg_60c", "training_start")
    assert state(result) == expected
    assert result.earliest_date == (D(earliest) if earliest else None)


# --- identity deadlines by entry date -----------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "clarified", "steps", "expected"),
    [
        # entry up to 31.12.2016: by the application (checked as if applying today)
        ("2016-12-31", "2026-11-20", None, "met"),
        ("2016-12-31", None, "2026-11-21", "met"),
        # entry 01.01.2017 – 31.12.2019: by the application, at the latest 30.06.2020
        ("2017-01-01", "2020-06-30", None, "met"),
        ("2019-12-31", "2020-07-01", "2020-07-01", "not_met"),
        ("2019-12-31", "2021-03-01", "2020-06-30", "met"),
        ("2018-05-05", "2020-07-01", None, "unknown"),  # late, but steps in time are not excluded
        # entry from 01.01.2020: within six months after entry
        ("2020-01-01", "2020-07-01", None, "met"),
        ("2020-01-01", "2020-07-02", "2020-07-02", "not_met"),
        ("2020-03-15", "2020-09-15", None, "met"),
        ("2020-03-15", "2020-09-16", "2020-09-16", "not_met"),
        ("2020-03-15", None, None, "unknown"),
    ],
)
def test_60c_identity_deadlines_by_entry_date(
    entry: str, clarified: str | None, steps: str | None, expected: str
) -> None:
    data = with_(
        PARENT,
        entry_date=entry,
        date_of_birth="1990-01-01",
        identity_clarified_on=clarified if clarified else ...,
        identity_steps_taken_on=steps if steps else ...,
    )
    assert state(criterion(data, ON, "aufenthg_60c", "identity")) == expected


@pytest.mark.parametrize(
    ("entry", "clarified", "steps", "on", "expected"),
    [
        ("2016-06-01", "2026-11-01", None, ON, "met"),
        ("2017-01-01", "2024-12-31", None, ON, "met"),
        ("2022-12-31", "2025-01-01", "2025-01-01", ON, "not_met"),
        ("2022-12-31", "2025-01-01", "2024-12-31", ON, "met"),
        # before 31.12.2024 the deadline is the application (checked as if applying that day)
        ("2018-03-01", "2024-05-01", None, "2024-06-01", "met"),
        ("2018-03-01", "2024-07-01", None, "2024-06-01", "unknown"),
        ("2023-01-01", "2023-02-01", None, ON, "unknown"),  # no band: the entry criterion rules it out
    ],
)
def test_60d_identity_deadlines_by_entry_date(
    entry: str, clarified: str | None, steps: str | None, on: str, expected: str
) -> None:
    data = with_(
        PARENT,
        entry_date=entry,
        identity_clarified_on=clarified if clarified else ...,
        identity_steps_taken_on=steps if steps else ...,
    )
    assert state(criterion(data, on, "aufenthg_60d", "identity")) == expected


@pytest.mark.parametrize(
    ("employment", "clarified", "expected"),
    [
        # entry before 2017 and employed on 01.01.2020: by the application
        ([{"from": "2019-01-01", "hours_per_week": 38, "social_insurance": True}], "2021-05-01", "met"),
        # not employed on 01.01.2020: by 30.06.2020
        ([{"from": "2020-02-01", "hours_per_week": 38, "social_insurance": True}], "2020-06-30", "met"),
        ([{"from": "2020-02-01", "hours_per_week": 38, "social_insurance": True}], "2021-05-01", "unknown"),
        (None, "2021-05-01", "unknown"),
    ],
)
def test_first_60d_identity_deadline_depended_on_employment(
    employment: list[dict[str, Any]] | None, clarified: str, expected: str
) -> None:
    data = with_(
        PARENT,
        entry_date="2015-10-01",
        employment=employment if employment is not None else ...,
        identity_clarified_on=clarified,
    )
    assert state(criterion(data, "2021-06-01", "aufenthg_60d", "identity")) == expected


@pytest.mark.parametrize(("entry", "expected"), [("2022-12-31", "met"), ("2023-01-01", "not_met"), (None, "unknown")])
def test_60d_entry_by_31_12_2022(entry: str | None, expected: str) -> None:
    data = with_(PARENT, entry_date=entry if entry else ...)
    assert state(criterion(data, ON, "aufenthg_60d", "entry")) == expected


# --- outcomes ------------------------------------------------------------------------------------


def test_discretionary_criteria_never_make_an_outcome_unknown() -> None:
    result = pathway(YOUNG, ON, "aufenthg_25a")
    prognosis = next(c for c in result.criteria if c.id == "integration_prognosis")
    assert prognosis.met is None and prognosis.discretionary
    assert result.outcome == MET
    json_row = next(c for c in result.to_json(str, str, str)["criteria"] if c["id"] == "integration_prognosis")
    assert json_row == {**json_row, "met": None, "discretionary": True}


def test_not_met_dominates_unknown_and_unknown_dominates_not_yet() -> None:
    waiting = with_(PARENT, statuses=[status("duldung", "2025-01-01")])
    assert pathway(waiting, ON, "aufenthg_25b").outcome == NOT_YET
    unknown = with_(waiting, fdgo_commitment=...)
    assert pathway(unknown, ON, "aufenthg_25b").outcome == UNKNOWN
    not_met = with_(unknown, german_oral_level="A1")
    assert pathway(not_met, ON, "aufenthg_25b").outcome == NOT_MET


def test_not_yet_takes_the_latest_of_the_time_based_dates() -> None:
    data = with_(
        PARENT,
        statuses=[status("gestattung", "2023-01-01", "2026-05-31"), status("duldung", "2026-06-01")],
        employment=[{"from": "2026-03-01", "hours_per_week": 25, "social_insurance": True}],
        livelihood_share_secured=1.0,
    )
    result = pathway(data, ON, "aufenthg_60d")
    assert result.outcome == NOT_YET
    assert result.earliest_date == D("2027-06-01")  # Duldung for 12 months; employment already on 2027-03-01


def test_outcomes_never_read_no_right_to_stay() -> None:
    forbidden = ("no right to stay", "no right of residence", "kein bleiberecht", "kein aufenthaltsrecht")
    texts = [value for name, value in vars(m).items() if name.isupper() and isinstance(value, str)]
    texts += [t for by_value in m.FLAG_TEXTS.values() for t in by_value.values()]
    for rule in default_rules().rules:
        texts += [rule.title.de, rule.title.en, rule.summary.de, rule.summary.en]
        for c in rule.criteria:
            texts += [c.label.de, c.label.en, c.explanation.de, c.explanation.en]
    assert len(texts) > 100
    for value in texts:
        assert not any(phrase in value.lower() for phrase in forbidden), value


# --- the § 104c transition ------------------------------------------------------------------------

HOLDER = with_(
    PARENT,
    date_of_birth="1988-02-01",
    statuses=[
        status("gestattung", "2015-10-01", "2016-09-30"),
        status("duldung_60b", "2016-10-01", "2025-11-30"),
        status("aufenthaltserlaubnis", "2025-12-01", "2027-05-31", "AufenthG § 104c"),
    ],
    identity_clarified_on="2026-09-01",
)


def test_104c_holder_meeting_25b_before_the_permit_ends() -> None:
    result = pathway(HOLDER, ON, "aufenthg_104c_transition")
    assert result.outcome == MET
    assert result.deadline == D("2027-05-31")
    route = next(c for c in result.criteria if c.id == "route")
    assert "§ 25b AufenthG" in text(route)
    assert {c.route for c in result.criteria} == {None, "aufenthg_25a", "aufenthg_25b"}


def test_104c_holder_waiting_for_school_years_within_the_permit() -> None:
    data = with_(
        HOLDER,
        date_of_birth="2006-01-01",
        german_oral_level="A1",
        school_years_in_germany=2.5,
        german_school_or_vocational_qualification=False,
        in_school_or_training=True,
    )
    result = pathway(data, ON, "aufenthg_104c_transition")
    assert result.outcome == NOT_YET
    assert result.earliest_date == D("2027-05-23")


def test_104c_holder_who_cannot_meet_a_route_before_the_permit_ends() -> None:
    data = with_(HOLDER, german_oral_level="A1", date_of_birth="1990-01-01")
    result = pathway(data, ON, "aufenthg_104c_transition")
    assert result.outcome == NOT_MET
    route = next(c for c in result.criteria if c.id == "route")
    assert "2027-05-31" in text(route)


def test_school_years_complete_only_after_the_permit_ends() -> None:
    data = with_(
        HOLDER,
        date_of_birth="2006-01-01",
        german_oral_level="A1",
        school_years_in_germany=2.0,
        german_school_or_vocational_qualification=False,
        in_school_or_training=True,
    )
    result = pathway(data, ON, "aufenthg_104c_transition")
    assert result.outcome == NOT_MET
    school = next(c for c in result.criteria if c.id == "aufenthg_25a.school")
    assert "after the last day for the application (2027-05-31)" in text(school)


def test_without_a_104c_permit_the_transition_does_not_apply() -> None:
    result = pathway(PARENT, ON, "aufenthg_104c_transition")
    assert result.outcome == NOT_MET
    assert not result.in_scope
    assert result.deadline is None
    assert [c.id for c in result.criteria] == ["permit", "identity", "route"]


def test_104c_permit_without_an_end_date_runs_18_months() -> None:
    data = with_(HOLDER, statuses=[status("aufenthaltserlaubnis", "2026-01-15", None, "104c")])
    assert pathway(data, ON, "aufenthg_104c_transition").deadline == D("2027-07-14")


@pytest.mark.parametrize(("on", "expected"), [("2027-05-31", MET), ("2027-06-01", NOT_MET)])
def test_the_permit_must_still_be_valid(on: str, expected: str) -> None:
    assert pathway(HOLDER, on, "aufenthg_104c_transition").outcome == expected


# --- deadlines -----------------------------------------------------------------------------------


def test_the_first_60d_was_limited_to_applications_until_the_end_of_2023() -> None:
    assert pathway(PARENT, "2023-06-01", "aufenthg_60d").deadline == D("2023-12-31")
    assert pathway(PARENT, "2024-01-15", "aufenthg_60d").deadline is None


def test_json_output_has_the_issue_shape() -> None:
    out = evaluate(parse_facts(YOUNG), D(ON)).to_json()
    assert out["evaluated_on"] == ON
    first = out["pathways"][0]
    assert set(first) >= {"id", "outcome", "earliest_date", "deadline", "criteria"}
    assert set(first["criteria"][0]) >= {"id", "met", "detail", "earliest_date"}


def test_rules_directory_is_next_to_the_engine() -> None:
    assert (Path(__file__).resolve().parents[1] / "rules").is_dir()


def test_the_engine_imports_nothing_from_django() -> None:
    import ast

    engine = Path(__file__).resolve().parents[1] / "engine"
    for path in engine.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), f"{path.name} imports {names}"
