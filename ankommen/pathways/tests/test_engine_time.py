"""Time over the status history: the day a period is complete, § 60b periods, gaps of 90 and 91
days, the four-year rule with a minor child, Duldung and employment periods. Pure engine: no
database."""

from __future__ import annotations

import datetime as dt

import pytest

from ankommen.pathways.engine.dates import add_months, add_years
from ankommen.pathways.engine.input import StatusPeriod
from ankommen.pathways.engine.timeline import uninterrupted_stay
from ankommen.pathways.tests.helpers import PARENT, YOUNG, D, criterion, pathway, state, status, text

CREDITED = frozenset({"gestattung", "duldung", "aufenthaltserlaubnis"})


def young(**changes):  # type: ignore[no-untyped-def]
    return {**YOUNG, **changes}


# --- calendar arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        ("2016-02-03", 3, "2019-02-03"),
        ("2024-02-29", 3, "2027-03-01"),  # 29 Feb: the period ends on 28 Feb, met on 1 March
        ("2024-02-29", 4, "2028-02-29"),
        ("2023-12-31", 1, "2024-12-31"),
    ],
)
def test_add_years(start: str, years: int, expected: str) -> None:
    assert add_years(D(start), years) == D(expected)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [("2020-01-31", 1, "2020-03-01"), ("2020-03-15", 6, "2020-09-15"), ("2026-08-01", -6, "2026-02-01")],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


# --- three years of stay for § 25a: the day before, on and after the day they are complete ------


@pytest.mark.parametrize(
    ("on", "expected", "earliest"),
    [
        ("2027-03-09", "waiting", "2027-03-10"),  # one day before the third year is complete
        ("2027-03-10", "met", "2027-03-10"),  # on the day
        ("2027-03-11", "met", "2027-03-10"),  # after
    ],
)
def test_three_years_complete_on_the_day(on: str, expected: str, earliest: str) -> None:
    data = young(statuses=[status("gestattung", "2024-03-10", "2025-01-31"), status("duldung", "2025-02-01")])
    result = criterion(data, on, "aufenthg_25a", "residence_time")
    assert state(result) == expected
    assert result.earliest_date == D(earliest)


@pytest.mark.parametrize(("on", "expected"), [("2027-02-28", "waiting"), ("2027-03-01", "met"), ("2027-03-02", "met")])
def test_three_years_from_29_february(on: str, expected: str) -> None:
    data = young(statuses=[status("duldung", "2024-02-29")])
    result = criterion(data, on, "aufenthg_25a", "residence_time")
    assert state(result) == expected
    assert result.earliest_date == D("2027-03-01")


def test_the_pathway_is_not_yet_met_with_the_date_when_only_time_is_missing() -> None:
    data = young(statuses=[status("gestattung", "2024-03-10", "2025-01-31"), status("duldung", "2025-02-01")])
    result = pathway(data, "2026-11-21", "aufenthg_25a")
    assert result.outcome == "not_yet"
    assert result.earliest_date == D("2027-03-10")


# --- § 60b periods ------------------------------------------------------------------------------

WITH_60B = [
    status("gestattung", "2020-01-01", "2021-12-31"),
    status("duldung_60b", "2022-01-01", "2022-12-31"),
    status("duldung", "2023-01-01"),
]


def test_60b_periods_do_not_count_but_do_not_interrupt() -> None:
    # 731 days credited before the § 60b year; the remaining 365 days of three years from 2023-01-01.
    result = criterion(young(statuses=WITH_60B), "2026-11-21", "aufenthg_25a", "residence_time")
    assert state(result) == "met"
    assert result.earliest_date == D("2024-01-01")
    assert "uninterrupted stay since 2020-01-01" in text(result)
    assert "Not counted: 365 days" in text(result)


def test_without_60b_the_same_history_completes_a_year_earlier() -> None:
    statuses = [{**s, "type": "duldung"} if s["type"] == "duldung_60b" else s for s in WITH_60B]
    result = criterion(young(statuses=statuses), "2026-11-21", "aufenthg_25a", "residence_time")
    assert result.earliest_date == D("2023-01-01")


def test_time_under_a_current_60b_duldung_does_not_run() -> None:
    data = {**PARENT, "statuses": [status("duldung", "2022-01-01", "2024-12-31"), status("duldung_60b", "2025-01-01")]}
    result = criterion(data, "2026-11-21", "aufenthg_25b", "residence_time")
    assert state(result) == "not_met"  # waiting alone does not complete it
    assert result.earliest_date is None
    assert "does not count" in text(result)
    assert pathway(data, "2026-11-21", "aufenthg_25b").outcome == "not_met"


def test_60b_periods_count_for_holders_of_a_104c_permit() -> None:
    data = {
        **PARENT,
        "minor_children_in_household": 0,
        "statuses": [
            status("gestattung", "2016-01-01", "2016-12-31"),
            status("duldung_60b", "2017-01-01", "2023-02-28"),
            status("aufenthaltserlaubnis", "2023-03-01", "2027-06-30", "AufenthG § 104c"),
        ],
    }
    plain = criterion(data, "2026-11-21", "aufenthg_25b", "residence_time")
    route = criterion(data, "2026-11-21", "aufenthg_104c_transition", "aufenthg_25b.residence_time")
    # Without the § 60b years: 366 days of 2016, the remaining 1826 of six years from 2023-03-01.
    assert plain.earliest_date == D("2028-02-29")
    assert route.earliest_date == D("2022-01-01")  # six years from 2016-01-01, § 60b counted
    assert state(route) == "met"


# --- gaps between documents ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_start", "gap", "interrupted"),
    [("2023-05-01", 89, False), ("2023-05-02", 90, False), ("2023-05-03", 91, True)],
)
def test_a_gap_of_more_than_90_days_interrupts(next_start: str, gap: int, interrupted: bool) -> None:
    periods = [
        StatusPeriod("gestattung", D("2020-01-01"), D("2023-01-31")),
        StatusPeriod("duldung", D(next_start)),
    ]
    stay = uninterrupted_stay(periods, D("2026-11-21"), credited=CREDITED, max_gap=90).stay
    assert stay is not None
    assert (D(next_start) - D("2023-01-31")).days - 1 == gap
    assert stay.start == (D(next_start) if interrupted else D("2020-01-01"))
    assert stay.interruption == (gap if interrupted else None)


@pytest.mark.parametrize(("next_start", "earliest"), [("2023-05-02", "2024-02-29"), ("2023-05-03", "2026-05-03")])
def test_gap_days_are_not_counted_and_a_long_gap_restarts_the_count(next_start: str, earliest: str) -> None:
    # 3 years from 2020-12-01 would be complete on 2023-12-01; the 90-day gap moves that by 90 days.
    data = young(statuses=[status("gestattung", "2020-12-01", "2023-01-31"), status("duldung", next_start)])
    result = criterion(data, "2026-11-21", "aufenthg_25a", "residence_time")
    assert result.earliest_date == D(earliest)
    if next_start == "2023-05-03":
        assert "An interruption of 91 days" in text(result)


@pytest.mark.parametrize(("ended", "expected"), [("2026-08-23", "met"), ("2026-08-22", "unknown")])
def test_a_history_that_ended_more_than_90_days_ago_is_not_known(ended: str, expected: str) -> None:
    data = young(statuses=[status("duldung", "2020-01-01", ended)])
    result = criterion(data, "2026-11-21", "aufenthg_25a", "residence_time")
    assert state(result) == expected
    if expected == "unknown":
        assert "record the current status" in text(result)


def test_overlapping_documents_are_counted_once() -> None:
    periods = [
        StatusPeriod("gestattung", D("2020-01-01"), D("2021-06-30")),
        StatusPeriod("duldung", D("2021-01-01"), D("2022-12-31")),
    ]
    stay = uninterrupted_stay(periods, D("2022-01-01"), credited=CREDITED, max_gap=90).stay
    assert stay is not None
    assert stay.credited_days == (D("2022-01-01") - D("2020-01-01")).days


def test_periods_after_the_evaluation_date_are_ignored() -> None:
    data = young(statuses=[status("duldung", "2030-01-01")])
    assert state(criterion(data, "2026-11-21", "aufenthg_25a", "residence_time")) == "unknown"


def test_no_history_is_unknown_never_not_met() -> None:
    result = criterion(young(statuses=[]), "2026-11-21", "aufenthg_25a", "residence_time")
    assert state(result) == "unknown"
    assert pathway(young(statuses=[]), "2026-11-21", "aufenthg_25a").outcome == "unknown"


# --- § 25b: six years, four with a minor child ---------------------------------------------------

STAY_2023 = [status("gestattung", "2023-06-15", "2024-06-14"), status("duldung", "2024-06-15")]


@pytest.mark.parametrize(
    ("children", "on", "expected", "earliest"),
    [
        (1, "2027-06-14", "waiting", "2027-06-15"),
        (1, "2027-06-15", "met", "2027-06-15"),
        (1, "2027-06-16", "met", "2027-06-15"),
        (2, "2027-06-15", "met", "2027-06-15"),
        (0, "2027-06-15", "waiting", "2029-06-15"),
        (0, "2029-06-14", "waiting", "2029-06-15"),
        (0, "2029-06-15", "met", "2029-06-15"),
    ],
)
def test_four_years_with_a_minor_child_otherwise_six(children: int, on: str, expected: str, earliest: str) -> None:
    data = {**PARENT, "statuses": STAY_2023, "minor_children_in_household": children}
    result = criterion(data, on, "aufenthg_25b", "residence_time")
    assert state(result) == expected
    assert result.earliest_date == D(earliest)
    if children:
        assert "With a minor child in the household 4 years are enough." in text(result)


@pytest.mark.parametrize(("on", "expected"), [("2027-06-15", "unknown"), ("2029-06-15", "met")])
def test_without_knowing_the_children_only_six_years_decide(on: str, expected: str) -> None:
    data = {**PARENT, "statuses": STAY_2023}
    del data["minor_children_in_household"]
    result = criterion(data, on, "aufenthg_25b", "residence_time")
    assert state(result) == expected
    if expected == "unknown":
        assert "record the household's minor children" in text(result)


# --- holding a Duldung for a number of months --------------------------------------------------


@pytest.mark.parametrize(("on", "expected"), [("2026-08-31", "waiting"), ("2026-09-01", "met"), ("2026-09-02", "met")])
def test_duldung_held_for_twelve_months(on: str, expected: str) -> None:
    data = young(statuses=[status("gestattung", "2020-01-01", "2025-08-31"), status("duldung", "2025-09-01")])
    result = criterion(data, on, "aufenthg_25a", "status")
    assert state(result) == expected
    assert result.earliest_date == D("2026-09-01")


def test_60b_time_is_not_a_prior_duldung() -> None:
    data = young(statuses=[status("duldung_60b", "2024-01-01", "2026-05-31"), status("duldung", "2026-06-01")])
    result = criterion(data, "2026-11-21", "aufenthg_25a", "status")
    assert state(result) == "waiting"
    assert result.earliest_date == D("2027-06-01")


@pytest.mark.parametrize(("on", "expected"), [("2026-11-30", "waiting"), ("2026-12-01", "met"), ("2026-12-02", "met")])
def test_three_months_of_duldung_before_a_training_duldung(on: str, expected: str) -> None:
    data = {**PARENT, "statuses": [status("gestattung", "2024-01-01", "2026-08-31"), status("duldung", "2026-09-01")]}
    result = criterion(data, on, "aufenthg_60c", "status")
    assert state(result) == expected


# --- twelve months of employment for § 60d -----------------------------------------------------


@pytest.mark.parametrize(("on", "expected"), [("2026-11-20", "waiting"), ("2026-11-21", "met"), ("2026-11-22", "met")])
def test_twelve_months_of_employment(on: str, expected: str) -> None:
    data = {**PARENT, "employment": [{"from": "2025-11-21", "hours_per_week": 20, "social_insurance": True}]}
    result = criterion(data, on, "aufenthg_60d", "employment")
    assert state(result) == expected
    assert result.earliest_date == D("2026-11-21")


@pytest.mark.parametrize(
    ("hours", "insured", "expected"),
    [(19.5, True, "not_met"), (20, True, "met"), (20.5, True, "met"), (40, False, "not_met"), (None, True, "unknown")],
)
def test_employment_hours_and_social_insurance(hours: float | None, insured: bool, expected: str) -> None:
    job = {"from": "2024-01-01", "hours_per_week": hours, "social_insurance": insured}
    data = {**PARENT, "employment": [job]}
    assert state(criterion(data, "2026-11-21", "aufenthg_60d", "employment")) == expected


def test_employment_that_ended_does_not_count_as_current() -> None:
    job = {"from": "2023-01-01", "to": "2025-12-31", "hours_per_week": 38, "social_insurance": True}
    data = {**PARENT, "employment": [job]}
    assert state(criterion(data, "2026-11-21", "aufenthg_60d", "employment")) == "not_met"


def test_no_employment_recorded_is_unknown_and_an_empty_list_is_none() -> None:
    data = {**PARENT}
    del data["employment"]
    assert state(criterion(data, "2026-11-21", "aufenthg_60d", "employment")) == "unknown"
    assert state(criterion({**PARENT, "employment": []}, "2026-11-21", "aufenthg_60d", "employment")) == "not_met"


def test_the_old_60d_needed_18_months_with_35_hours() -> None:
    job = {"from": "2021-06-01", "hours_per_week": 30, "social_insurance": True}
    data = {**PARENT, "employment": [job]}
    assert state(criterion(data, "2023-06-01", "aufenthg_60d", "employment")) == "not_met"
    job["hours_per_week"] = 35
    result = criterion(data, "2022-06-01", "aufenthg_60d", "employment")
    assert state(result) == "waiting"
    assert result.earliest_date == dt.date(2022, 12, 1)
