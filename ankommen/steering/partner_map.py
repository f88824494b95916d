"""The network's partner map: who joined when, in which role.

``group_by_day`` groups the partner rows for the HTML/CSS timeline; ``growth_chart`` lays out the
small SVG step chart of how many organisations the network had over time (each organisation counts
once, from the first agreement it joined). Both are computed on the server; nothing is loaded from
outside and the page carries the same figures as a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 40
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 32


@dataclass
class Group:
    day: dt.date
    partners: list[Any] = field(default_factory=list)


def group_by_day(partners: list[Any]) -> list[Group]:
    """Partner rows (with ``joined_on``) grouped by the day they joined, in order."""
    groups: list[Group] = []
    for partner in sorted(partners, key=lambda p: (p.joined_on, p.pk)):
        if not groups or groups[-1].day != partner.joined_on:
            groups.append(Group(partner.joined_on))
        groups[-1].partners.append(partner)
    return groups


@dataclass
class Chart:
    width: int
    height: int
    path: str
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    points: list[tuple[float, float, int, dt.date]]
    baseline: float
    left: float
    right: float


def _first_days(partners: list[Any]) -> list[dt.date]:
    first: dict[int, dt.date] = {}
    for partner in partners:
        day = first.get(partner.organisation_id)
        if day is None or partner.joined_on < day:
            first[partner.organisation_id] = partner.joined_on
    return sorted(first.values())


def growth_chart(partners: list[Any], today: dt.date) -> Chart | None:
    """The cumulative number of partner organisations from the first joining to ``today``."""
    days = _first_days(partners)
    if not days:
        return None
    start = dt.date(days[0].year, 1, 1)
    end = max(today, days[-1])
    end = dt.date(end.year + 1, 1, 1)
    span = (end - start).days or 1
    total = len(days)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM

    def x_of(day: dt.date) -> float:
        return round(left + (right - left) * (day - start).days / span, 1)

    def y_of(count: int) -> float:
        return round(bottom - (bottom - top) * count / total, 1)

    points: list[tuple[float, float, int, dt.date]] = []
    for count, day in enumerate(days, start=1):
        if points and points[-1][3] == day:
            points[-1] = (points[-1][0], y_of(count), count, day)
        else:
            points.append((x_of(day), y_of(count), count, day))
    path = [f"M {left} {bottom}"]
    for x, y, _count, _day in points:
        path.append(f"H {x} V {y}")
    path.append(f"H {x_of(min(today, end))}")
    x_ticks = [(x_of(dt.date(year, 1, 1)), str(year)) for year in range(start.year, end.year + 1)]
    step = max(1, -(-total // 4))
    y_ticks = [(y_of(value), value) for value in range(0, total + 1, step)]
    if y_ticks[-1][1] != total:
        y_ticks.append((y_of(total), total))
    return Chart(WIDTH, HEIGHT, " ".join(path), x_ticks, y_ticks, points, bottom, left, right)
