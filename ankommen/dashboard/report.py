"""The dashboard's figures for one choice of filters, with small cells suppressed (ADR 0017).

``build(network_id, filters)`` runs a fixed number of queries (``queries``), whatever the number
of needs or offers, and returns a ``Report``: the grid of the chosen grouping dimension × field
(persons with a need, seats offered, the gap), the figures per field (needs, share met within 30
days, open needs, waiting lists), the monthly trend and the largest gaps. Screen, CSV, XLSX and
PDF are all rendered from the same ``Report``, so what is suppressed is decided once.

Suppression (``suppression``): counts of persons from 1 to 4 are shown as "<5", totals cannot be
used to work them out (secondary suppression), and everything that belongs to a suppressed group
(its needs, gap, shares) is hidden with it. Totals over several fields count a person once per
field; such a total is shown only when one of its fields alone holds at least five persons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import number_format

from ankommen.dashboard import queries, suppression
from ankommen.dashboard.choices import DIMENSIONS, value_label
from ankommen.dashboard.queries import Demand, Filters, Supply, WaitingFigures
from ankommen.dashboard.summary import load_supply
from ankommen.offers.choices import FieldOfAction

SMALL = "<5"


@dataclass(frozen=True)
class Figure:
    """A number as shown: ``None`` when hidden ("<5" for counts of persons, "–" for shares and means)."""

    value: int | float | None
    share: bool = False
    mean: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None

    def text(self) -> str:
        if self.value is None:
            return "–" if self.share or self.mean else SMALL
        if self.share:
            return f"{number_format(round(self.value * 100))} %"
        return str(number_format(self.value, force_grouping=True))

    def __str__(self) -> str:
        return self.text()


def shown(value: int, hidden: bool) -> Figure:
    return Figure(None if hidden else value)


@dataclass
class Cell:
    row: str  # a value of the grouping dimension ("" in field totals)
    field: str  # a field ("" in row totals)
    persons: Figure
    seats: int
    gap: Figure
    heat: str  # CSS class / colour band: none, hidden, covered, s1 … s4
    query: Query | None = None  # GET parameters of its drill-down

    @property
    def shortage(self) -> float:
        """The share of the persons without a seat (0 when hidden or covered)."""
        persons = self.persons.value
        gap = self.gap.value
        if not persons or gap is None or gap <= 0:
            return 0.0
        return float(gap) / float(persons)


@dataclass
class FieldFigures:
    field: str
    label: str
    persons: Figure
    needs: Figure
    met_share: Figure
    open: Figure
    seats: int
    gap: Figure
    waiting_persons: Figure
    waiting_entries: Figure
    waiting_days: Figure  # mean days waited so far
    seated: Figure
    seated_days: Figure  # mean days waited by those seated from a waiting list in the period
    query: Query | None = None


@dataclass
class TrendPoint:
    month: dt.date
    persons: Figure
    new_seats: int
    seats: int
    query: Query | None = None


@dataclass
class Report:
    filters: Filters
    rows: list[str]
    fields: list[str]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell]
    field_totals: dict[str, Cell]
    grand: Cell
    by_field: list[FieldFigures]
    total: FieldFigures
    trend: list[TrendPoint]
    largest: list[Cell] = field(default_factory=list)
    additive_seats: bool = True  # False: seats of a row are those open to it (rows do not add up)

    @property
    def row_dimension(self) -> str:
        return self.filters.rows

    def row_label(self, value: str) -> str:
        return value_label(self.filters.rows, value)

    def grid(self) -> list[tuple[str, list[Cell], Cell]]:
        return [(row, [self.cells[(row, f)] for f in self.fields], self.row_totals[row]) for row in self.rows]


def heat(persons: Figure, gap: Figure) -> str:
    if persons.hidden:
        return "hidden"
    if not persons.value:
        return "none"
    assert gap.value is not None
    if gap.value <= 0:
        return "covered"
    share = gap.value / persons.value
    return "s1" if share <= 0.25 else "s2" if share <= 0.5 else "s3" if share <= 0.75 else "s4"


@dataclass(frozen=True)
class Query:
    """The GET parameters of a drill-down (or of another view), encoded only when shown."""

    params: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.params)

    def __bool__(self) -> bool:
        return True


def _base_params(filters: Filters) -> dict[str, str | None]:
    from ankommen.dashboard.forms import filter_params

    return filter_params(filters)


def _query(base: dict[str, str | None], **values: Any) -> Query:
    params = {**base, **values}
    return Query(tuple((k, str(v)) for k, v in params.items() if v is not None))


def _param(dimension: str, value: str) -> str:
    from ankommen.dashboard.choices import NOT_KNOWN, NOT_KNOWN_PARAM

    return NOT_KNOWN_PARAM if dimension in ("district", "language") and value == NOT_KNOWN else value


def build(network_id: int, filters: Filters, *, live: bool = False, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    dim = filters.rows if filters.rows in DIMENSIONS else "district"
    fields = [filters.field] if filters.field else list(FieldOfAction.values)
    base = _base_params(filters)
    # Four queries: demand and supply by month × rows × field, the waiting lists, the people on them.
    # Live: the offers' supply is computed once from the raw tables and used by every question.
    loaded = load_supply(network_id) if live else None
    by_cell = queries.demand(network_id, filters, ("month", dim, "field"), live=live)
    supply_rows = queries.supply_rows(network_id, filters, dim, live=live, supplies=loaded)
    waiting = queries.waiting(network_id, filters, live=live, supplies=loaded, rows=supply_rows)
    supply = queries.expand(supply_rows, dim, (dim, "field"))
    field_supply = queries.expand(supply_rows, dim, ("field",))
    month_supply = queries.expand(supply_rows, dim, ("month",))
    demand: dict[tuple[Any, ...], Demand] = defaultdict(Demand)
    by_month: dict[tuple[Any, ...], Demand] = defaultdict(Demand)
    for (month, row, f), d in by_cell.items():
        demand[(row, f)].add(d)
        by_month[(month, f)].add(d)

    rows = sorted(
        {row for (row, f), d in demand.items() if f in fields and d.persons}
        | ({row for (row, f), s in supply.items() if f in fields and s.new_seats} if dim == "district" else set()),
        key=lambda value: (value == "", value_label(dim, value).lower()),
    )
    grid = [[demand[(row, f)].persons if (row, f) in demand else 0 for f in fields] for row in rows]
    # A total over fields may count one person several times: it is shown only when one of its
    # fields alone reaches the threshold.
    primary: set[tuple[int, int]] = set()
    for i, values in enumerate(grid):
        if sum(values) and max(values) < suppression.THRESHOLD:
            primary.add((i, len(fields)))
    column_totals = [sum(grid[i][j] for i in range(len(rows))) for j in range(len(fields))]
    if sum(column_totals) and max(column_totals, default=0) < suppression.THRESHOLD:
        primary.add((len(rows), len(fields)))
    hidden = suppression.protect_grid(grid, primary)

    def cell(i: int, j: int, row: str, f: str, persons: int, seats: int, **params: Any) -> Cell:
        is_hidden = (i, j) in hidden
        people = shown(persons, is_hidden)
        gap = shown(persons - seats, is_hidden)
        return Cell(row, f, people, seats, gap, heat(people, gap), _query(base, **params))

    cells: dict[tuple[str, str], Cell] = {}
    row_totals: dict[str, Cell] = {}
    for i, row in enumerate(rows):
        for j, f in enumerate(fields):
            seats = supply.get((row, f), Supply()).new_seats
            cells[(row, f)] = cell(i, j, row, f, grid[i][j], seats, field=f, **{dim: _param(dim, row)})
        row_seats = sum(supply.get((row, f), Supply()).new_seats for f in fields)
        row_totals[row] = cell(i, len(fields), row, "", sum(grid[i]), row_seats, **{dim: _param(dim, row)})
    field_totals: dict[str, Cell] = {}
    for j, f in enumerate(fields):
        seats = field_supply.get((f,), Supply()).new_seats
        field_totals[f] = cell(len(rows), j, "", f, column_totals[j], seats, field=f)
    all_seats = sum(field_supply.get((f,), Supply()).new_seats for f in fields)
    grand = cell(len(rows), len(fields), "", "", sum(column_totals), all_seats)

    by_field, total = _field_figures(base, fields, demand, field_totals, grand, field_supply, waiting, today)
    trend = _trend(filters, base, fields, by_month, month_supply)
    largest = sorted(
        (c for c in cells.values() if c.gap.value is not None and c.gap.value > 0),
        key=lambda c: (-(c.gap.value or 0), value_label(dim, c.row), c.field),
    )[:10]
    return Report(
        filters=filters,
        rows=rows,
        fields=fields,
        cells=cells,
        row_totals=row_totals,
        field_totals=field_totals,
        grand=grand,
        by_field=by_field,
        total=total,
        trend=trend,
        largest=largest,
        additive_seats=dim == "district",
    )


def _field_figures(
    base: dict[str, str | None],
    fields: list[str],
    demand: dict[tuple[Any, ...], Demand],
    field_totals: dict[str, Cell],
    grand: Cell,
    field_supply: dict[tuple[Any, ...], Supply],
    waiting: dict[str, WaitingFigures],
    today: dt.date,
) -> tuple[list[FieldFigures], FieldFigures]:
    per_field: dict[str, Demand] = {f: Demand() for f in fields}
    for (_row, f), d in demand.items():
        if f in per_field:
            per_field[f].add(d)
    persons_hidden = [field_totals[f].persons.hidden for f in fields] + [grand.persons.hidden]

    def column(values: list[int], primary: Iterable[int]) -> set[int]:
        return suppression.protect_column(values, primary)

    needs = [per_field[f].needs for f in fields]
    hidden_needs = column(needs, [i for i, h in enumerate(persons_hidden) if h])
    met = [per_field[f].met_30 for f in fields]
    met_primary = [
        i
        for i in range(len(fields) + 1)
        if i in hidden_needs or suppression.share_hidden(([*met, sum(met)])[i], ([*needs, sum(needs)])[i])
    ]
    hidden_met = column(met, met_primary)
    opened = [per_field[f].open for f in fields]
    open_primary = [
        i
        for i in range(len(fields) + 1)
        if i in hidden_needs or suppression.share_hidden(([*opened, sum(opened)])[i], ([*needs, sum(needs)])[i])
    ]
    hidden_open = column(opened, open_primary)
    wait = [waiting.get(f, WaitingFigures()) for f in fields]
    wait_total = WaitingFigures(
        entries=sum(w.entries for w in wait),
        persons=sum(w.persons for w in wait),
        since_sum=sum(w.since_sum for w in wait),
        seated=sum(w.seated for w in wait),
        seated_persons=sum(w.seated_persons for w in wait),
        wait_days=sum(w.wait_days for w in wait),
    )
    # Waiting people: per field distinct; the total over fields is shown only if one field reaches 5.
    waiting_primary = [i for i, w in enumerate(wait) if suppression.is_small(w.persons)]
    if wait_total.persons and max((w.persons for w in wait), default=0) < suppression.THRESHOLD:
        waiting_primary.append(len(fields))
    hidden_waiting = column([w.entries for w in wait], waiting_primary)
    seated_primary = [i for i, w in enumerate(wait) if suppression.is_small(w.seated_persons)]
    if wait_total.seated_persons and max((w.seated_persons for w in wait), default=0) < suppression.THRESHOLD:
        seated_primary.append(len(fields))
    hidden_seated = column([w.seated for w in wait], seated_primary)

    def figures(i: int, f: str, d: Demand, cell: Cell, w: WaitingFigures, seats: int) -> FieldFigures:
        waited = today.toordinal() - w.since_sum / w.entries if w.entries else None
        return FieldFigures(
            field=f,
            label=value_label("field", f) if f else "",
            persons=cell.persons,
            needs=shown(d.needs, i in hidden_needs),
            met_share=Figure(None if i in hidden_met or not d.needs else d.met_30 / d.needs, share=True),
            open=shown(d.open, i in hidden_open),
            seats=seats,
            gap=cell.gap,
            waiting_persons=shown(w.persons, i in hidden_waiting),
            waiting_entries=shown(w.entries, i in hidden_waiting),
            waiting_days=Figure(None if i in hidden_waiting or waited is None else round(waited), mean=True),
            seated=shown(w.seated, i in hidden_seated),
            seated_days=Figure(
                None if i in hidden_seated or not w.seated else round(w.wait_days / w.seated), mean=True
            ),
            query=_query(base, field=f) if f else _query(base),
        )

    rows = [
        figures(i, f, per_field[f], field_totals[f], wait[i], field_supply.get((f,), Supply()).new_seats)
        for i, f in enumerate(fields)
    ]
    total_demand = Demand()
    for d in per_field.values():
        total_demand.add(d)
    total = figures(len(fields), "", total_demand, grand, wait_total, grand.seats)
    return rows, total


def _trend(
    filters: Filters,
    base: dict[str, str | None],
    fields: list[str],
    by_month: dict[tuple[Any, ...], Demand],
    month_supply: dict[tuple[Any, ...], Supply],
) -> list[TrendPoint]:
    points = []
    for month in filters.months():
        per_field = [by_month[(month, f)].month_persons if (month, f) in by_month else 0 for f in fields]
        persons = sum(per_field)
        # No totals are shown with the months, so only the primary rule applies (per field, and a
        # total over fields only when one field alone reaches the threshold).
        hidden = (
            any(suppression.is_small(p) for p in per_field)
            if len(fields) == 1
            else (persons > 0 and max(per_field) < suppression.THRESHOLD)
        )
        supplied = month_supply.get((month,), Supply())
        points.append(
            TrendPoint(
                month=month,
                persons=shown(persons, hidden),
                new_seats=supplied.new_seats,
                seats=supplied.seats,
                query=_query(base, **{"from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}"}),
            )
        )
    return points
