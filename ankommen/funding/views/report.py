"""The year's proof of use to the state (``funding.manage``): narrative report, the figures per
module and per measure, the reconciliation, PDF and XLSX, and the submission (refused, with each
difference shown, while the figures do not reconcile)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action
from ankommen.funding import forms as funding_forms
from ankommen.funding import services
from ankommen.funding.access import get_year_for
from ankommen.funding.documents import report_data, report_pdf, report_xlsx
from ankommen.funding.services import FundingError, NotReconciled
from ankommen.funding.views.common import actor_of, add_errors, error_messages, posted
from ankommen.network.access import requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires("funding.manage")
def report(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    current = getattr(year, "report", None)
    form = funding_forms.ReportForm(posted(request), initial={"narrative": current.narrative if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_report(actor, year, narrative=form.cleaned_data["narrative"])
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The narrative report has been saved."))
            return redirect("funding:report", year_id=year.pk)
    context: dict[str, Any] = {"year": year, "form": form, "data": report_data(year), "report": current}
    return render(request, "funding/report.html", context)


@requires("funding.manage")
@require_POST
def report_submit(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    try:
        services.submit_report(actor, year)
    except NotReconciled:
        messages.error(request, _("Not submitted: the figures do not reconcile. The differences are listed below."))
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("The proof of use of %(year)s has been submitted to the state.") % {"year": year.year}
        )
    return redirect("funding:report", year_id=year.pk)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires("funding.manage")
def report_pdf_download(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    content = report_pdf(year)
    log_action(actor, "funding.report_exported", year, data={"format": "pdf", "year": year.year})
    return _download(content, "application/pdf", f"Verwendungsnachweis-{year.year}.pdf")


@requires("funding.manage")
def report_xlsx_download(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    content = report_xlsx(year)
    log_action(actor, "funding.report_exported", year, data={"format": "xlsx", "year": year.year})
    return _download(content, XLSX, f"Verwendungsnachweis-{year.year}.xlsx")
