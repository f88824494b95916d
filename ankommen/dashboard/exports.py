"""The dashboard as CSV and XLSX, from the same ``Report`` as the screen (so suppressed figures are
"<5" or "–" in every format). Three tables: the grid (grouping dimension × field), the figures per
field and the months; the XLSX adds a sheet with the filters and the suppression rule.

Counts only, no personal data. Cells a spreadsheet would read as a formula are defused (a leading
apostrophe), although every text here comes from our own labels and the district names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ankommen.dashboard.choices import dimension_label, value_label
from ankommen.dashboard.report import Figure, Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _value(value: Any) -> Any:
    if isinstance(value, Figure):
        return value.value if not value.hidden and not value.share else value.text()
    return value


def grid_table(report: Report) -> Table:
    dim = report.row_dimension
    header = [dimension_label(dim), _("Field"), _("Persons with a need"), _("Seats offered"), _("Gap")]
    rows: list[list[Any]] = []
    for row, cells, total in report.grid():
        for cell in cells:
            rows.append([report.row_label(row), value_label("field", cell.field), cell.persons, cell.seats, cell.gap])
        rows.append([report.row_label(row), _("all fields"), total.persons, total.seats, total.gap])
    for f in report.fields:
        cell = report.field_totals[f]
        rows.append([_("total"), value_label("field", f), cell.persons, cell.seats, cell.gap])
    rows.append([_("total"), _("all fields"), report.grand.persons, report.grand.seats, report.grand.gap])
    return Table(_("Needs and seats"), header, rows)


def field_table(report: Report) -> Table:
    header = [
        _("Field"),
        _("Persons with a need"),
        _("Needs"),
        _("Met within 30 days"),
        _("Open needs"),
        _("Seats offered"),
        _("Gap"),
        _("People waiting now"),
        _("Places on waiting lists"),
        _("Days waited so far (mean)"),
        _("Seats given from waiting lists"),
        _("Days waited for them (mean)"),
    ]
    rows = []
    for figures in [*report.by_field, report.total]:
        rows.append(
            [
                figures.label or _("all fields"),
                figures.persons,
                figures.needs,
                figures.met_share,
                figures.open,
                figures.seats,
                figures.gap,
                figures.waiting_persons,
                figures.waiting_entries,
                figures.waiting_days,
                figures.seated,
                figures.seated_days,
            ]
        )
    return Table(_("Figures per field"), header, rows)


def month_table(report: Report) -> Table:
    header = [_("Month"), _("Persons with a need"), _("Seats offered"), _("Seats in running offers")]
    rows = [[f"{p.month:%m/%Y}", p.persons, p.new_seats, p.seats] for p in report.trend]
    return Table(_("Months"), header, rows)


def tables(report: Report) -> list[Table]:
    return [grid_table(report), field_table(report), month_table(report)]


def notes(report: Report, filter_lines: Iterable[tuple[str, str]]) -> Table:
    rows: list[list[Any]] = [[label, value] for label, value in filter_lines]
    rows.append([_("Small cells"), rule_text()])
    return Table(_("Notes"), [_("What"), _("Value")], rows)


def rule_text() -> str:
    return _(
        "Counts of fewer than five persons are shown as “<5”; further figures are hidden (“<5” or “–”) "
        "where they would let a hidden count be worked out from a total. A person counts once per field, "
        "in the group of their first need in the period."
    )


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and value != "<5":
        return "'" + value
    return value


def _text(value: Any) -> str:
    value = _value(value)
    if value is None:
        return ""
    return str(_safe(value))


def to_csv(all_tables: Iterable[Table]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark (as German spreadsheets open it); the tables
    one after the other, each with its title and header, separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    for i, table in enumerate(all_tables):
        if i:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(all_tables: Iterable[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in all_tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_safe(_value(value)) for value in row])
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
