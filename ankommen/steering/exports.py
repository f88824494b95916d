"""The gap register as CSV or XLSX, with the filters of the list.

One row per gap, with the problem reports it stands on (codes and the sum of their cases) and the
offers checked. No personal data is in the register; cells that a spreadsheet would read as a
formula are defused (a leading apostrophe), so a title like "=HYPERLINK(…)" stays text.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ankommen.steering.models import Gap, GapOffer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    return [
        pgettext("steering", "Number"),
        _("Title"),
        _("Field"),
        _("Age group"),
        _("Residence status group"),
        _("Benefit system"),
        _("Status"),
        _("Type of gap"),
        _("Access barriers"),
        _("Priority"),
        _("Impact"),
        _("People affected"),
        _("Feasibility"),
        _("Description"),
        _("Root cause"),
        _("Proposed measure"),
        _("Responsible organisation"),
        _("Working group"),
        _("Target date"),
        _("Funding source"),
        _("Note on funding"),
        _("Problem reports"),
        _("Cases in the reports"),
        _("Offers checked"),
        _("Evidence of closure"),
        _("Review on"),
    ]


def rows(gaps: QuerySet[Gap]) -> list[list[Any]]:
    """The rows, in the order of ``gaps`` (four queries whatever the number of gaps)."""
    gap_list = list(gaps.select_related("owner", "body"))
    ids = [gap.pk for gap in gap_list]
    reports: dict[int, list[Any]] = defaultdict(list)
    through = Gap.problem_reports.through.objects.filter(gap__in=ids).select_related("problemreport")
    for link in through.order_by("problemreport__number"):
        reports[link.gap_id].append(link.problemreport)
    offers: dict[int, list[str]] = defaultdict(list)
    for check in GapOffer.objects.filter(gap__in=ids).select_related("offer").order_by("pk"):
        title = check.offer.display_title
        offers[check.gap_id].append(f"{title}: {check.finding}" if check.finding else title)
    result = []
    for gap in gap_list:
        linked = reports[gap.pk]
        result.append(
            [
                gap.code,
                gap.title,
                gap.get_field_display(),
                gap.get_age_band_display(),
                gap.get_status_group_display(),
                gap.get_benefit_system_display(),
                gap.get_status_display(),
                gap.get_gap_type_display() if gap.gap_type else "",
                ", ".join(gap.access_barrier_labels()),
                gap.priority,
                gap.impact,
                gap.affected,
                gap.feasibility,
                gap.description,
                gap.root_cause,
                gap.proposed_measure,
                gap.owner.name if gap.owner else "",
                gap.body.name if gap.body else "",
                gap.target_on,
                gap.get_funding_source_display() if gap.funding_source else "",
                gap.funding_note,
                ", ".join(report.code for report in linked),
                sum(report.case_count for report in linked),
                "; ".join(offers[gap.pk]),
                gap.closure_evidence,
                gap.review_on,
            ]
        )
    return result


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d.%m.%Y"))
    return str(_safe(value))


def to_csv(header: list[str], data: Iterable[list[Any]]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark, as German spreadsheets open it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in data:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], data: Iterable[list[Any]], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([_safe(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if hasattr(cell.value, "year"):
                cell.number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
