"""Dates of a session series and of a programme week. Plain dates in, plain dates out."""

from __future__ import annotations

import datetime as dt

from ankommen.offers.choices import Recurrence

MAX_SESSIONS = 120  # one series at a time: more than two years of weekly dates is a typing error
STEPS = {Recurrence.WEEKLY: 7, Recurrence.FORTNIGHTLY: 14}


def session_dates(
    first: dt.date, recurrence: str, *, count: int | None = None, until: dt.date | None = None
) -> list[dt.date]:
    """The days of a series starting on ``first``: ``count`` dates, or every date up to ``until``
    (whichever ends first), never more than ``MAX_SESSIONS``. A single date for ``once``."""
    if recurrence == Recurrence.ONCE:
        return [first]
    if count is None and until is None:
        raise ValueError("a recurring series needs a number of sessions or an end date")
    limit = min(count if count is not None else MAX_SESSIONS, MAX_SESSIONS)
    days: list[dt.date] = []
    day = first
    while len(days) < limit and (until is None or day <= until):
        if recurrence != Recurrence.WEEKDAYS or day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=STEPS.get(recurrence, 1))  # type: ignore[call-overload]
    return days


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str | None, today: dt.date) -> dt.date:
    """The Monday of an ISO week written as ``2026-W07``; this week for anything else."""
    if text:
        try:
            year, week = text.split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        except (ValueError, TypeError):
            pass
    return week_start(today)


def iso_week(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"
