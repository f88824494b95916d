"""Who an offer is open to, and what it supplies per month: plain data in, plain data out.

An offer (or a planned offer) is open to an age band if the band's ages overlap its age range, to a
status group if it is open regardless of status or admits a status of that group, to a language of
instruction if it is taught in that language. German courses (and offers that name no language)
are open to every language: people take them *because* their German is not yet enough. A person
whose age, status or language is not known fits every offer (as in ``offers.eligibility``: an
unknown fact does not block). Each is a bit mask, one bit per value of the dimension.

Seats per month (``month_rows``): a course (one seat for all sessions) has its seats in every month
with a session, and offers them once, in the month of its first session; an offer with seats per
session has each session's seats in that session's month. Cancelled sessions supply nothing; drafts
supply nothing (nobody can enrol).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.dashboard.choices import (
    AGE_BAND_CODES,
    AGE_RANGES,
    LANGUAGE_CODES,
    NOT_KNOWN,
    STATUS_GROUP_CODES,
)
from ankommen.participants.choices import STATUS_GROUPS

RUNNING_STATUSES = ("published", "ended")


def bit(codes: Sequence[str], value: str) -> int:
    return 1 << codes.index(value)


def full_mask(codes: Sequence[str]) -> int:
    return (1 << len(codes)) - 1


def age_mask(age_min: int | None, age_max: int | None) -> int:
    mask = bit(AGE_BAND_CODES, AgeBand.UNKNOWN)
    low = age_min if age_min is not None else 0
    high = age_max if age_max is not None else 10_000
    for band, (band_low, band_high) in AGE_RANGES.items():
        if band_low <= high and low <= band_high:
            mask |= bit(AGE_BAND_CODES, band)
    return mask


def status_mask(open_regardless: bool, admitted_statuses: Iterable[str] = (), groups: Iterable[str] = ()) -> int:
    """From an offer's admitted residence statuses, or directly from status groups (planned offers)."""
    if open_regardless:
        return full_mask(STATUS_GROUP_CODES)
    mask = bit(STATUS_GROUP_CODES, StatusGroup.NONE)
    for status in admitted_statuses:
        group = STATUS_GROUPS.get(status)
        if group in STATUS_GROUP_CODES:
            mask |= bit(STATUS_GROUP_CODES, group)
    for group in groups:
        if group in STATUS_GROUP_CODES:
            mask |= bit(STATUS_GROUP_CODES, group)
    return mask


def language_mask(languages: Iterable[str], *, open_to_all: bool = False) -> int:
    codes = [code for code in languages if code in LANGUAGE_CODES and code != NOT_KNOWN]
    if open_to_all or not codes:
        return full_mask(LANGUAGE_CODES)
    mask = bit(LANGUAGE_CODES, NOT_KNOWN)
    for code in codes:
        mask |= bit(LANGUAGE_CODES, code)
    return mask


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class OfferFacts:
    """What the summary needs to know about an offer."""

    offer_id: int
    status: str
    field: str
    category: str
    district: str
    capacity: int
    per_session: bool
    age_min: int | None
    age_max: int | None
    open_regardless_of_status: bool
    admitted_statuses: tuple[str, ...]
    languages: tuple[str, ...]
    is_german_course: bool

    @property
    def running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def masks(self) -> tuple[int, int, int]:
        return (
            age_mask(self.age_min, self.age_max),
            status_mask(self.open_regardless_of_status, self.admitted_statuses),
            language_mask(self.languages, open_to_all=self.is_german_course or self.category == "language"),
        )


@dataclass(frozen=True)
class SessionFacts:
    day: dt.date  # local date of the start
    capacity: int | None
    cancelled: bool


@dataclass
class MonthRow:
    month: dt.date
    sessions: int = 0
    seats: int = 0
    new_seats: int = 0
    seated_from_waiting: int = 0
    wait_days: int = 0


@dataclass
class WaitingRow:
    waiting: int = 0
    waiting_since_sum: int = 0


@dataclass
class OfferSupply:
    facts: OfferFacts
    months: dict[dt.date, MonthRow] = field(default_factory=dict)
    waiting: WaitingRow = field(default_factory=WaitingRow)


def offer_supply(
    facts: OfferFacts,
    sessions: Iterable[SessionFacts],
    promotions: Iterable[tuple[dt.date, dt.date]] = (),
    waiting_since: Iterable[dt.date] = (),
) -> OfferSupply:
    """The month rows and the waiting list of one offer.

    ``promotions``: (queued day, seat day) of each seat given from the waiting list;
    ``waiting_since``: the day each person now on the waiting list was put on it."""
    supply = OfferSupply(facts)

    def row(month: dt.date) -> MonthRow:
        if month not in supply.months:
            supply.months[month] = MonthRow(month)
        return supply.months[month]

    if facts.running:
        held = sorted((s for s in sessions if not s.cancelled), key=lambda s: s.day)
        if facts.per_session:
            for session in held:
                seats = session.capacity if session.capacity is not None else facts.capacity
                current = row(month_of(session.day))
                current.sessions += 1
                current.seats += seats
                current.new_seats += seats
        elif held:
            for session in held:
                row(month_of(session.day)).sessions += 1
            for month_row in supply.months.values():
                month_row.seats = facts.capacity
            supply.months[month_of(held[0].day)].new_seats = facts.capacity
    for queued, seated in promotions:
        current = row(month_of(seated))
        current.seated_from_waiting += 1
        current.wait_days += max(0, (seated - queued).days)
    for day in waiting_since:
        supply.waiting.waiting += 1
        supply.waiting.waiting_since_sum += day.toordinal()
    return supply
