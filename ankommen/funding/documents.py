"""The documents of the funding programme: the forwarding contract (PDF), an organisation's proof
of use (PDF) and the year's proof of use to the state (PDF and XLSX).

Each reads the figures once (``report_data``, ``proof_data``) and renders them; the PDF and the
spreadsheet of the year show the same numbers by construction. No participant is named
anywhere: the documents hold counts, never names (signature lists stay separate files).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.funding.budget import overview
from ankommen.funding.calc import ZERO, money
from ankommen.funding.choices import PLANNED, State
from ankommen.funding.models import Application, FundingYear, Measure, OrganisationProfile, Payment, Session
from ankommen.funding.pdf import render_pdf
from ankommen.funding.reconciliation import rows as difference_rows
from ankommen.network.models import Organisation


def _measures_with_figures(applications: list[Application]) -> dict[int, list[Measure]]:
    """The measures of these applications with their lines and their recorded figures (3 queries)."""
    measures = list(
        Measure.objects.filter(application__in=applications)
        .select_related("module")
        .prefetch_related("lines__flat_rate")
        .annotate(
            held=Count("sessions", distinct=True),
        )
        .order_by("module__code", "starts_on", "pk")
    )
    sums = {
        row["measure"]: row
        for row in Session.objects.filter(measure__in=[m.pk for m in measures])
        .values("measure")
        .annotate(
            participants=Sum("participants"),
            volunteers=Sum("volunteers"),
            volunteer_hours=Sum("volunteer_hours"),
            trainer_hours=Sum("trainer_hours"),
        )
    }
    by_application: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        row = sums.get(measure.pk, {})
        measure.participants_total = row.get("participants") or 0  # type: ignore[attr-defined]
        measure.volunteers_total = row.get("volunteers") or 0  # type: ignore[attr-defined]
        measure.volunteer_hours_total = row.get("volunteer_hours") or ZERO  # type: ignore[attr-defined]
        measure.trainer_hours_total = row.get("trainer_hours") or ZERO  # type: ignore[attr-defined]
        lines = list(measure.lines.all())
        measure.requested = money(sum((ln.amount for ln in lines), ZERO))  # type: ignore[attr-defined]
        measure.approved = money(sum((ln.approved_amount or ZERO for ln in lines), ZERO))  # type: ignore[attr-defined]
        measure.proven = money(sum((ln.proven_amount or ZERO for ln in lines), ZERO))  # type: ignore[attr-defined]
        by_application[measure.application_id].append(measure)
    return by_application


# --- the forwarding contract ------------------------------------------------------------------------------


def contract_pdf(application: Application, *, issuer: Organisation) -> bytes:
    profile = OrganisationProfile.objects.filter(organisation=application.organisation_id).first()
    measures = _measures_with_figures([application])[application.pk]
    context = {
        "application": application,
        "organisation": application.organisation,
        "profile": profile,
        "issuer": issuer,
        "year": application.year,
        "programme": application.year.programme,
        "measures": [m for m in measures if m.approved > 0],  # type: ignore[attr-defined]
        "signature_measures": [m for m in measures if m.signature_list_required],
        "issued_on": timezone.localdate(),
        "retention_years": 10,
        "title": _("Forwarding contract (Weiterleitungsvertrag)"),
    }
    return render_pdf("funding/pdf/contract.html", context)


# --- an organisation's proof of use ---------------------------------------------------------------------------


def proof_data(application: Application) -> dict[str, Any]:
    from ankommen.funding.services.common import paid_net
    from ankommen.funding.services.proof import line_figures

    measures = _measures_with_figures([application])[application.pk]
    figures = {f.line.pk: f for f in line_figures(application)}
    modules: dict[str, dict[str, Any]] = {}
    for measure in measures:
        measure.figures = [figures[ln.pk] for ln in measure.lines.all() if ln.pk in figures]  # type: ignore[attr-defined]
        measure.proven_now = money(sum((f.proof.proven_amount for f in measure.figures), ZERO))  # type: ignore[attr-defined]
        entry = modules.setdefault(
            measure.module.code, {"label": measure.module.get_code_display(), "approved": ZERO, "proven": ZERO}
        )
        entry["approved"] = money(entry["approved"] + measure.approved)  # type: ignore[attr-defined,operator]
        entry["proven"] = money(entry["proven"] + measure.proven_now)  # type: ignore[attr-defined,operator]
    proven = money(sum((m.proven_now for m in measures), ZERO))  # type: ignore[attr-defined]
    paid = paid_net(application.pk)
    return {
        "application": application,
        "proof": getattr(application, "proof", None),
        "measures": measures,
        "modules": [{"code": code, **values} for code, values in sorted(modules.items())],
        "approved": application.approved_total,
        "proven": proven,
        "paid": paid,
        "settlement": money(paid - proven),
        "repayment": money(max(paid - proven, ZERO)),
        "outstanding": money(max(proven - paid, ZERO)),
    }


def proof_pdf(application: Application) -> bytes:
    context = {**proof_data(application), "title": _("Proof of use"), "generated_on": timezone.localdate()}
    return render_pdf("funding/pdf/proof.html", context)


# --- the year's proof of use to the state -----------------------------------------------------------------------


@dataclass
class ReportData:
    year: FundingYear
    overview: Any
    applications: list[Application]
    measures: dict[int, list[Measure]]
    payments: list[Payment]
    differences: list[Any]
    narrative: str = ""
    generated_on: dt.date = field(default_factory=timezone.localdate)


def report_data(year: FundingYear) -> ReportData:
    from ankommen.funding.services.proof import year_differences

    applications = list(
        Application.objects.filter(year=year, state__in=PLANNED)
        .exclude(state=State.REJECTED)
        .select_related("organisation")
        .order_by("reference")
    )
    report = getattr(year, "report", None)
    return ReportData(
        year=year,
        overview=overview(year),
        applications=applications,
        measures=_measures_with_figures(applications),
        payments=list(Payment.objects.filter(year=year).select_related("application").order_by("booked_on", "pk")),
        differences=difference_rows(year_differences(year)),
        narrative=report.narrative if report is not None else "",
    )


def report_pdf(year: FundingYear) -> bytes:
    data = report_data(year)
    context = {"data": data, "year": year, "title": _("Proof of use to the state")}
    return render_pdf("funding/pdf/report.html", context)


def _sheet(workbook: Any, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
        for cell in column[1:]:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"


def report_xlsx(year: FundingYear) -> bytes:
    """The year's figures as a spreadsheet: per module, per measure, payments, and the
    reconciliation. Amounts are written as Decimal (exact cents) with a number format."""
    from openpyxl import Workbook

    data = report_data(year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    money_header = [_("Planned (€)"), _("Approved (€)"), _("Paid (€)"), _("Proven (€)")]
    _sheet(
        workbook,
        _("Modules"),
        [_("Module"), _("Budget (€)"), *money_header],
        [
            [row.label, row.budget, row.planned, row.approved, row.paid, row.proven]
            for row in [*data.overview.modules, data.overview.total]
        ],
    )
    measure_rows = []
    for application in data.applications:
        for m in data.measures.get(application.pk, []):
            measure_rows.append(
                [
                    application.reference,
                    application.organisation.name,
                    m.module.code,
                    m.title,
                    m.starts_on,
                    m.ends_on,
                    m.place,
                    m.held,  # type: ignore[attr-defined]
                    m.participants_total,  # type: ignore[attr-defined]
                    m.volunteers_total,  # type: ignore[attr-defined]
                    m.volunteer_hours_total,  # type: ignore[attr-defined]
                    m.trainer_hours_total,  # type: ignore[attr-defined]
                    m.requested,  # type: ignore[attr-defined]
                    m.approved,  # type: ignore[attr-defined]
                    m.proven,  # type: ignore[attr-defined]
                ]
            )
    _sheet(
        workbook,
        _("Measures"),
        [
            _("Application"),
            _("Organisation"),
            _("Module"),
            _("Measure"),
            _("From"),
            _("Until"),
            _("Place"),
            _("Meetings held"),
            _("Participants (added up over meetings)"),
            _("Volunteers (added up over meetings)"),
            _("Volunteer hours"),
            _("Trainer hours"),
            _("Requested (€)"),
            _("Approved (€)"),
            _("Proven (€)"),
        ],
        measure_rows,
    )
    _sheet(
        workbook,
        _("Payments"),
        [_("Application"), _("Booked on"), _("Kind"), _("Amount (€)"), _("Booking reference")],
        [
            [p.application.reference, p.booked_on, str(p.get_kind_display()), p.signed_amount, p.booking_reference]
            for p in data.payments
        ],
    )
    _sheet(
        workbook,
        _("Reconciliation"),
        [_("Check"), _("Concerns"), _("Expected"), _("Found"), _("Difference")],
        [[d.text, d.subject, d.expected, d.actual, d.difference] for d in data.differences]
        or [[_("All figures reconcile."), "", None, None, None]],
    )
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD.MM.YYYY"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
