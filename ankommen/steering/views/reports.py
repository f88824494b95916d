"""Problem reports: list with filters, filing, the report page and changes by its writer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ankommen.network.access import object_page, requires
from ankommen.steering import forms as steering_forms
from ankommen.steering import services
from ankommen.steering.access import get_report_for, visible_reports
from ankommen.steering.models import Gap, ProblemReport
from ankommen.steering.rules import check_steering_rule
from ankommen.steering.services.reports import REPORT_FIELDS
from ankommen.steering.views.common import PAGE_SIZE, actor_of, form_page, handle, posted

INTRO = gettext_lazy(
    "A problem report describes a barrier seen in practice, for a group of people, never a person. "
    "Dates, phone numbers, e-mail addresses and reference numbers are refused."
)


def _url(report: ProblemReport) -> str:
    return reverse("steering:report", kwargs={"report_id": report.pk})


@requires("steering.view")
def report_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.ReportFilterForm(request.GET or None)
    in_gap = Exists(Gap.problem_reports.through.objects.filter(problemreport=OuterRef("pk")))
    reports = (
        visible_reports(actor)
        .select_related("organisation", "event")
        .annotate(gap_count=Count("gaps", distinct=True))
        .order_by("-reported_on", "-number")
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for name in ("field", "source", "status_group"):
            if data.get(name):
                reports = reports.filter(**{name: data[name]})
        if data.get("linked") == "no":
            reports = reports.exclude(in_gap)
        elif data.get("linked") == "yes":
            reports = reports.filter(in_gap)
    paginator = Paginator(reports, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "may_report": actor.has_perm("steering.report_problem"),
        "may_manage": actor.has_perm("steering.manage"),
    }
    return render(request, "steering/reports.html", context)


@requires("steering.report_problem")
def report_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    initial: dict[str, object] = {"case_count": 1}
    event_id = request.GET.get("event")
    if event_id and event_id.isdigit():
        initial.update(event=int(event_id), source="workshop")
    form = steering_forms.ProblemReportForm(posted(request), actor=actor, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.file_problem_report(
            actor, form.cleaned_data, confirmed=bool(form.cleaned_data.get("confirm_anonymous"))
        ),
        done=_("Thank you: the problem report has been filed."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("File a problem report"),
        submit=_("File the report"),
        back=reverse("steering:reports"),
        back_label=_("Back to the problem reports"),
        intro=str(INTRO),
    )


@object_page
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = get_report_for(actor, report_id)
    context = {
        "report": report,
        "gaps": list(report.gaps.order_by("number")),
        "may_change": report.system_barrier_id is None and check_steering_rule("steering.change_report", actor, report),
        "may_manage": actor.has_perm("steering.manage"),
    }
    return render(request, "steering/report.html", context)


@object_page
def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = actor_of(request)
    report = get_report_for(actor, report_id, write=True)
    if report.system_barrier_id is not None:
        raise PermissionDenied  # a report from a case closure stays as the closure left it
    initial = {name: getattr(report, name) for name in REPORT_FIELDS}
    initial["version"] = report.version
    form = steering_forms.ProblemReportForm(posted(request), actor=actor, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_problem_report(
            actor,
            report,
            form.cleaned_data,
            confirmed=bool(form.cleaned_data.get("confirm_anonymous")),
            version=form.cleaned_data.get("version"),
        ),
        done=_("The problem report has been saved."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Change the problem report %(code)s") % {"code": report.code},
        submit=_("Save"),
        back=_url(report),
        back_label=_("Back to the problem report"),
        intro=str(INTRO),
    )
