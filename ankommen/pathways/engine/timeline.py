"""Time arithmetic over a status history (DOMAIN §2.0).

Periods are inclusive date ranges. For one criterion the periods fall into three kinds:

- **credited**: the time counts (e.g. Gestattung, Duldung, residence permit for § 25b);
- **neutral**: the person stays, the stay is not interrupted, but the time does not count
  (a § 60b Duldung for § 25a / § 25b);
- anything else, and days without any document, are **gaps**.

A gap of up to ``max_gap`` days (90 in the rules) leaves the stay uninterrupted but is not
counted; a longer gap ends it, and the count starts again after it. Time is counted up to the
day before the evaluation date (that day is not complete yet), so the condition "three years"
is met on the day the third year is complete (see ``dates``). When the history ends shortly
before the evaluation date (within ``max_gap`` days), a renewal of the last document is assumed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ankommen.pathways.engine.input import StatusPeriod

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or adjacent spans joined, in order."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end + ONE_DAY:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


@dataclass(frozen=True)
class Stay:
    """The uninterrupted stay that reaches the evaluation date."""

    start: dt.date  # first day of the uninterrupted stay
    on: dt.date  # evaluation date
    credited: tuple[Span, ...]  # credited spans within the stay, up to the day before ``on``
    continuing: bool  # the latest document is credited: the count goes on if nothing changes
    last_covered: dt.date  # last day with a document (≤ on)
    interruption: int | None  # days of the gap that ended an earlier stay (None: no such gap)

    @property
    def anchor(self) -> dt.date:
        """The first credited day: periods of years and months are measured in calendar terms from it
        (so that a leap day in an uncredited stretch does not shift the result)."""
        if self.credited:
            return self.credited[0].start
        return self.on if self.continuing else self.start

    def required(self, until: dt.date) -> int:
        """Credited days needed for the period from ``anchor`` to ``until`` (``add_years(anchor, n)``)."""
        return (until - self.anchor).days

    @property
    def credited_days(self) -> int:
        return sum(span.days for span in self.credited)

    @property
    def uncounted_days(self) -> int:
        """Days of the stay before ``on`` that were not credited (neutral periods, short gaps)."""
        return (self.on - self.start).days - self.credited_days

    def reached_on(self, required_days: int) -> dt.date | None:
        """The day on which ``required_days`` credited days were complete, if already reached."""
        total = 0
        for span in self.credited:
            if total + span.days >= required_days:
                return span.start + dt.timedelta(days=required_days - total)
            total += span.days
        return None

    def projected(self, required_days: int) -> dt.date | None:
        """When ``required_days`` will be complete if the current document continues (None: the
        current time does not count, so waiting alone does not complete it)."""
        reached = self.reached_on(required_days)
        if reached is not None:
            return reached
        if not self.continuing:
            return None
        return self.on + dt.timedelta(days=required_days - self.credited_days)


@dataclass(frozen=True)
class History:
    """Result of looking at the history on a date: a stay, or why there is none."""

    stay: Stay | None
    ends_on: dt.date | None  # set when the history ended more than max_gap days before ``on``


def uninterrupted_stay(
    periods: Sequence[StatusPeriod],
    on: dt.date,
    *,
    credited: frozenset[str],
    neutral: frozenset[str] = frozenset(),
    max_gap: int,
) -> History:
    relevant = [p for p in periods if p.start <= on and (p.type in credited or p.type in neutral)]
    spans = [(Span(p.start, min(p.end or on, on)), p.type in credited) for p in relevant]
    covered = merge(span for span, _ in spans)
    if not covered:
        return History(None, None)
    if (on - covered[-1].end).days > max_gap:
        return History(None, covered[-1].end)
    start, interruption = covered[0].start, None
    for previous, following in pairwise(covered):
        gap = (following.start - previous.end).days - 1
        if gap > max_gap:
            start, interruption = following.start, gap
    last_day = on - ONE_DAY
    credited_spans = merge(span for span, counts in spans if counts)
    within = tuple(
        Span(max(span.start, start), min(span.end, last_day))
        for span in credited_spans
        if span.end >= start and span.start <= last_day and max(span.start, start) <= min(span.end, last_day)
    )
    continuing = bool(credited_spans) and credited_spans[-1].end == covered[-1].end
    return History(Stay(start, on, within, continuing, covered[-1].end, interruption), None)


def current_period(periods: Sequence[StatusPeriod], on: dt.date, *, grace_days: int) -> StatusPeriod | None:
    """The document valid on ``on`` (the latest begun if several), else the one that ended last if
    that was at most ``grace_days`` days ago (a renewal is assumed), else None."""
    valid = [p for p in periods if p.covers(on)]
    if valid:
        return max(valid, key=lambda p: (p.start, p.end or dt.date.max))
    ended = [p for p in periods if p.end is not None and p.end < on and (on - p.end).days <= grace_days]
    if ended:
        return max(ended, key=lambda p: (p.end or dt.date.max, p.start))
    return None
