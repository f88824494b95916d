"""The plain modules: target-group check, entitlement-path check, session series, weeks, report sums."""

from __future__ import annotations

import datetime as dt

import pytest

from ankommen.offers import eligibility as e
from ankommen.offers.reports import build_reports, participants_of
from ankommen.offers.schedule import MAX_SESSIONS, iso_week, parse_week, session_dates


def test_known_mismatches_block_and_unknown_facts_do_not() -> None:
    target = e.TargetGroup(
        age_min=18,
        age_max=27,
        open_regardless_of_status=False,
        admitted_statuses=frozenset({"gestattung", "duldung"}),
        gender="women",
        min_german_level="A2",
    )
    fits = e.PersonFacts(age=22, status="duldung", sex="f", german_level="B1")
    assert e.target_group_problems(target, fits) == []
    assert e.target_group_problems(target, e.PersonFacts()) == []  # nothing known: nothing blocks
    assert e.target_group_problems(target, e.PersonFacts(age=17)) == [e.TOO_YOUNG]
    assert e.target_group_problems(target, e.PersonFacts(age=28)) == [e.TOO_OLD]
    assert e.target_group_problems(target, e.PersonFacts(status="aufenthaltserlaubnis")) == [e.STATUS_NOT_ADMITTED]
    assert e.target_group_problems(target, e.PersonFacts(sex="m")) == [e.GENDER]
    assert e.target_group_problems(target, e.PersonFacts(sex="x")) == []
    assert e.target_group_problems(target, e.PersonFacts(german_level="A1")) == [e.GERMAN_LEVEL]
    assert e.target_group_problems(target, e.PersonFacts(german_level="native")) == []
    open_offer = e.TargetGroup(open_regardless_of_status=True)
    assert e.target_group_problems(open_offer, e.PersonFacts(status="none", sex="m", age=70)) == []


def test_best_level_takes_the_highest_known_skill() -> None:
    assert e.best_level(["A1", "", "B1", "A2"]) == "B1"
    assert e.best_level(["", ""]) == ""
    assert e.best_level(["pre_a1"]) == "pre_a1"


def test_entitlement_path_check() -> None:
    course = {"is_german_course": True, "accepted": ["obligation", "admission"], "closed": {"admission"}}
    assert e.path_problem(**course, path="obligation") is None
    assert e.path_problem(**course, path="") == e.PATH_MISSING
    assert e.path_problem(**course, path="self_payer") == e.PATH_NOT_ACCEPTED
    assert e.path_problem(**course, path="admission") == e.PATH_CLOSED
    assert e.path_problem(is_german_course=False, accepted=[], closed=set(), path="") is None
    assert e.path_problem(is_german_course=False, accepted=[], closed=set(), path="obligation") == e.PATH_NOT_APPLICABLE
    assert set(e.MESSAGES) >= {e.PATH_CLOSED, e.TOO_OLD, e.GERMAN_LEVEL}


def test_session_series() -> None:
    monday = dt.date(2026, 3, 2)
    assert session_dates(monday, "once") == [monday]
    weekly = session_dates(monday, "weekly", count=4)
    assert weekly == [monday + dt.timedelta(weeks=i) for i in range(4)]
    assert session_dates(monday, "fortnightly", until=dt.date(2026, 3, 31)) == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 30),
    ]
    weekdays = session_dates(dt.date(2026, 3, 6), "weekdays", count=3)  # a Friday
    assert weekdays == [dt.date(2026, 3, 6), dt.date(2026, 3, 9), dt.date(2026, 3, 10)]
    assert session_dates(monday, "weekly", count=3, until=dt.date(2026, 3, 10)) == [monday, dt.date(2026, 3, 9)]
    assert len(session_dates(monday, "weekdays", until=dt.date(2030, 1, 1))) == MAX_SESSIONS
    with pytest.raises(ValueError):
        session_dates(monday, "weekly")


def test_weeks() -> None:
    today = dt.date(2026, 2, 12)  # Thursday of week 7
    assert parse_week(None, today) == dt.date(2026, 2, 9)
    assert parse_week("2026-W01", today) == dt.date(2025, 12, 29)
    assert parse_week("nonsense", today) == dt.date(2026, 2, 9)
    assert parse_week("2026-W99", today) == dt.date(2026, 2, 9)
    assert iso_week(dt.date(2026, 2, 9)) == "2026-W07"


def test_report_figures_like_the_one_year_report() -> None:
    class FakeOffer:
        def __init__(self, pk: int) -> None:
            self.pk = pk

    police, empty = FakeOffer(1), FakeOffer(2)
    start = dt.datetime(2025, 1, 1, 17, tzinfo=dt.UTC)
    counts = [12, 18, 30, 22, 15, 27, 19]
    rows = [(1, i, start + dt.timedelta(weeks=i), 0, n, True) for i, n in enumerate(counts)]
    rows.append((1, 99, start + dt.timedelta(weeks=9), 0, None, False))  # held, nothing recorded
    rows.append((3, 100, start, 5, None, True))  # an offer not asked for
    police_report, empty_report = build_reports([police, empty], rows)  # type: ignore[list-item]
    assert police_report.held == 8 and police_report.recorded == 7
    assert (police_report.minimum, police_report.maximum, police_report.total) == (12, 30, 143)
    assert police_report.average == 20.4
    assert empty_report.held == 0 and empty_report.minimum is None and empty_report.average is None
    assert participants_of(3, 2, True) == 5
    assert participants_of(0, None, True) == 0
    assert participants_of(0, None, False) is None
