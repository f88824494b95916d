"""Charts of the dashboard, drawn on the server as inline SVG (ADR 0017): a heatmap of the gap,
bars of the largest gaps and a trend line of needs and seats per month.

These functions only compute geometry from a ``Report`` (plain numbers and texts); the templates
``dashboard/includes/chart_*.html`` write the SVG. Colours are SVG attributes (the content security
policy allows no inline styles) and every colour band is also said in words and numbers: each cell
carries its figure as text, and every chart has a data table next to it. Suppressed figures are
drawn as "<5" (heatmap) or left out (a gap in the line, no bar).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ankommen.dashboard.choices import value_label
from ankommen.dashboard.report import Report

HEAT_COLOURS: dict[str, tuple[str, str]] = {
    # band: (fill, text) — text contrast at least 4.5:1 on the fill
    "none": ("#ffffff", "#1b1b1b"),
    "hidden": ("#e6e6e6", "#1b1b1b"),
    "covered": ("#cfe8cf", "#1b1b1b"),
    "s1": ("#fde0c5", "#1b1b1b"),
    "s2": ("#f9a870", "#1b1b1b"),
    "s3": ("#b8400c", "#ffffff"),
    "s4": ("#7f1d1d", "#ffffff"),
}
HEAT_ORDER = ["covered", "s1", "s2", "s3", "s4", "none", "hidden"]
PERSONS_COLOUR = "#0b4f8a"
SEATS_COLOUR = "#1d6b2f"
BAR_COLOUR = "#b8400c"
GRID_COLOUR = "#8a9199"


def _lines(text: str, width: int) -> list[str]:
    """Break a label into at most two lines of about ``width`` characters."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [line if len(line) <= width + 4 else line[: width + 3] + "…" for line in lines]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class HeatCell:
    x: float
    y: float
    width: float
    height: float
    fill: str
    ink: str
    text: str
    title: str

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + self.height / 2 + 5, 1)


@dataclass
class Heatmap:
    width: int
    height: int
    headers: list[tuple[float, list[tuple[float, str]]]]  # x centre, lines (y, text)
    rows: list[tuple[float, str, str]]  # y of the text, short label, full label
    cells: list[HeatCell]
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # band, fill, label


def heatmap(report: Report, legend_labels: dict[str, str]) -> Heatmap | None:
    if not report.rows:
        return None
    label_width, column_width, header, row_height = 190, 130, 58, 30
    width = label_width + column_width * len(report.fields)
    headers = []
    for j, f in enumerate(report.fields):
        x = label_width + j * column_width + column_width / 2
        lines = _lines(value_label("field", f), 16)
        headers.append((x, [(22.0 + 18 * k, line) for k, line in enumerate(lines)]))
    rows, cells = [], []
    for i, row in enumerate(report.rows):
        y = header + i * row_height
        label = report.row_label(row)
        rows.append((y + row_height / 2 + 5, _short(label, 24), label))
        for j, f in enumerate(report.fields):
            cell = report.cells[(row, f)]
            fill, ink = HEAT_COLOURS[cell.heat]
            text = cell.gap.text() if cell.heat != "none" else "–"
            cells.append(
                HeatCell(
                    x=label_width + j * column_width + 2,
                    y=y + 2,
                    width=column_width - 4,
                    height=row_height - 4,
                    fill=fill,
                    ink=ink,
                    text=text,
                    title=f"{label}, {value_label('field', f)}: {text}",
                )
            )
    legend = [(band, HEAT_COLOURS[band][0], legend_labels[band]) for band in HEAT_ORDER]
    return Heatmap(width, header + len(report.rows) * row_height + 6, headers, rows, cells, legend)


@dataclass
class Bar:
    y: float
    width: float
    label: str
    full_label: str
    value: str
    left: int = 0

    @property
    def text_y(self) -> float:
        return self.y + 15

    @property
    def label_x(self) -> int:
        return self.left - 8

    @property
    def value_x(self) -> float:
        return round(self.left + self.width + 6, 1)


@dataclass
class Bars:
    width: int
    height: int
    left: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]


def bars(report: Report) -> Bars | None:
    cells = report.largest
    if not cells:
        return None
    left, area, row_height = 250, 380, 28
    largest = max(c.gap.value or 0 for c in cells) or 1
    step = _nice_step(largest)
    top = step * math.ceil(largest / step)
    result = []
    for i, cell in enumerate(cells):
        label = f"{report.row_label(cell.row)} · {value_label('field', cell.field)}"
        result.append(
            Bar(
                y=24 + i * row_height,
                width=round(area * (cell.gap.value or 0) / top, 1),
                label=_short(label, 34),
                full_label=label,
                value=cell.gap.text(),
                left=left,
            )
        )
    ticks = [(left + area * v / top, str(v)) for v in range(0, top + 1, step)]
    return Bars(left + area + 60, 24 + len(cells) * row_height + 10, left, result, ticks)


def _nice_step(largest: float, count: int = 4) -> int:
    raw = max(1.0, largest / count)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(1, int(factor * magnitude))
    return int(10 * magnitude)


@dataclass
class Trend:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    persons: list[str]  # path segments ("M x y L …"), broken where a month is suppressed
    seats: str
    person_points: list[tuple[float, float, str]]
    seat_points: list[tuple[float, float, str]]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]

    @property
    def x_label_y(self) -> int:
        return self.bottom + 18

    @property
    def y_label_x(self) -> int:
        return self.left - 6


def trend(report: Report) -> Trend | None:
    points = report.trend
    if not points:
        return None
    width, height = 720, 280
    left, right, top, bottom = 56, width - 16, 16, height - 44
    largest = max([p.persons.value or 0 for p in points] + [p.new_seats for p in points]) or 1
    step = _nice_step(largest)
    ceiling = step * math.ceil(largest / step)
    count = len(points)

    def x_of(i: int) -> float:
        return round(left + (right - left) * (i + 0.5) / count, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / ceiling, 1)

    segments: list[str] = []
    current: list[str] = []
    person_points = []
    for i, point in enumerate(points):
        if point.persons.value is None:
            if current:
                segments.append(" ".join(current))
                current = []
            continue
        x, y = x_of(i), y_of(point.persons.value)
        current.append(f"{'M' if not current else 'L'} {x} {y}")
        person_points.append((x, y, f"{point.month:%m/%Y}: {point.persons.text()}"))
    if current:
        segments.append(" ".join(current))
    seat_points = [(x_of(i), y_of(p.new_seats), f"{p.month:%m/%Y}: {p.new_seats}") for i, p in enumerate(points)]
    seats = " ".join(f"{'M' if i == 0 else 'L'} {x} {y}" for i, (x, y, _t) in enumerate(seat_points))
    every = max(1, math.ceil(count / 12))
    x_ticks = [(x_of(i), f"{p.month:%m/%y}") for i, p in enumerate(points) if i % every == 0]
    y_ticks = [(y_of(v), str(v)) for v in range(0, ceiling + 1, step)]
    return Trend(width, height, left, right, top, bottom, segments, seats, person_points, seat_points, x_ticks, y_ticks)
