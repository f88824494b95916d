"""The gap register: the list sorted by priority with filters, the export, the gap page, and the
forms for the analysis, the problem reports, the offers checked, the priority and the status."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.steering import exports, scoring, services
from ankommen.steering import forms as steering_forms
from ankommen.steering.access import (
    get_gap_for,
    get_gap_to_prioritise,
    may_prioritise,
    visible_gaps,
    visible_reports,
)
from ankommen.steering.choices import GAP_TRANSITIONS, GapStatus
from ankommen.steering.models import Gap
from ankommen.steering.rules import check_steering_rule
from ankommen.steering.services import SteeringError
from ankommen.steering.views.common import PAGE_SIZE, actor_of, confirm_page, error_messages, form_page, handle, posted

FILTER_KEYS = ("status", "field", "gap_type", "band", "owner", "q")


def _url(gap: Gap, anchor: str = "") -> str:
    url = reverse("steering:gap", kwargs={"gap_id": gap.pk})
    return f"{url}#{anchor}" if anchor else url


def filtered_gaps(actor: Membership, form: steering_forms.GapFilterForm) -> QuerySet[Gap]:
    """The visible gaps with the list's filters, by priority (highest first, unprioritised last)."""
    gaps = visible_gaps(actor)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        gaps = gaps.exclude(status=GapStatus.CLOSED)
    elif status != "all":
        gaps = gaps.filter(status=status)
    for name in ("field", "gap_type"):
        if data.get(name):
            gaps = gaps.filter(**{name: data[name]})
    if data.get("owner"):
        gaps = gaps.filter(owner=data["owner"].pk)
    band = data.get("band")
    if band == "none":
        gaps = gaps.filter(priority__isnull=True)
    elif band:
        low, high = scoring.band_range(band)
        gaps = gaps.filter(priority__gte=low, priority__lte=high)
    if data.get("q"):
        gaps = gaps.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    return gaps.order_by(F("priority").desc(nulls_last=True), "number")


@requires("steering.view")
def gap_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.GapFilterForm(request.GET or None, actor=actor)
    gaps = (
        filtered_gaps(actor, form)
        .select_related("owner")
        .annotate(
            report_count=Count("problem_reports", distinct=True), offer_count=Count("offer_checks", distinct=True)
        )
    )
    paginator = Paginator(gaps, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "may_manage": actor.has_perm("steering.manage"),
        "query": request.GET.urlencode(),
        "high_from": scoring.HIGH_FROM,
        "medium_from": scoring.MEDIUM_FROM,
    }
    return render(request, "steering/gaps.html", context)


@requires("steering.view")
def gap_export(request: HttpRequest) -> HttpResponse:
    """GET: the filters and the format; POST: the file (logged, not cached)."""
    actor = actor_of(request)
    source = request.POST if request.method == "POST" else request.GET
    filters = steering_forms.GapFilterForm({k: source.get(k, "") for k in FILTER_KEYS}, actor=actor)
    form = steering_forms.ExportForm(posted(request), initial={"format": "xlsx"})
    if request.method == "POST" and form.is_valid():
        gaps = filtered_gaps(actor, filters)
        data = exports.rows(gaps)
        header = exports.headers()
        kind = form.cleaned_data["format"]
        day = timezone.localdate().isoformat()
        if kind == "csv":
            response = HttpResponse(exports.to_csv(header, data), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                exports.to_xlsx(header, data, title=_("Gap register")),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="gap-register-{day}.{kind}"'
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        log_action(
            actor,
            "steering.gaps_exported",
            data={"format": kind, "rows": len(data), "filters": {k: source.get(k, "") for k in FILTER_KEYS}},
        )
        return response
    shown = []
    if filters.is_valid():
        for key in FILTER_KEYS:
            value = filters.cleaned_data.get(key)
            if not value:
                continue
            field = filters.fields[key]
            choices = dict(getattr(field, "choices", []) or [])
            shown.append((field.label, choices.get(value, value) if isinstance(value, str) else value))
    context = {"form": form, "filters": filters, "shown": shown, "keys": FILTER_KEYS, "source": source}
    return render(request, "steering/gap_export.html", context)


@requires("steering.manage")
def gap_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    initial: dict[str, Any] = {}
    reports = []
    report_id = request.GET.get("report") or request.POST.get("report")
    if report_id and report_id.isdigit():
        report = visible_reports(actor).filter(pk=int(report_id)).first()
        if report is not None:
            reports = [report]
            initial.update(
                title=report.title,
                field=report.field,
                age_band=report.age_band,
                status_group=report.status_group,
                benefit_system=report.benefit_system,
                language=report.language,
                description=report.description,
            )
    form = steering_forms.GapForm(posted(request), actor=actor, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.create_gap(actor, form.cleaned_data, reports=reports),
        done=_("The gap has been entered in the register."),
        to=_url,
    )
    intro = _("From problem report %(code)s.") % {"code": reports[0].code} if reports else ""
    return response or form_page(
        request,
        form,
        title=_("Enter a gap in the register"),
        submit=_("Save"),
        back=reverse("steering:gaps"),
        back_label=_("Back to the gap register"),
        intro=intro,
    )


def _steps(gap: Gap) -> list[dict[str, Any]]:
    """The workflow as a stepper: done, current, to do."""
    order = GapStatus.values
    current = order.index(gap.status)
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, (_value, label) in enumerate(GapStatus.choices)
    ]


@object_page
def gap_detail(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id)
    reports = list(gap.problem_reports.select_related("organisation").order_by("number"))
    checks = list(gap.offer_checks.select_related("offer", "offer__organisation").order_by("pk"))
    history = list(gap.status_changes.select_related("changed_by").order_by("changed_at", "pk"))
    may_change = check_steering_rule("steering.change_gap", actor, gap)
    labels = dict(GapStatus.choices)
    context = {
        "gap": gap,
        "reports": reports,
        "case_total": sum(r.case_count for r in reports),
        "checks": checks,
        "history": history,
        "may_change": may_change,
        "may_prioritise": may_prioritise(actor) and check_steering_rule("steering.prioritise_gap", actor, gap),
        "transitions": [(t, labels[t]) for t in GAP_TRANSITIONS.get(gap.status, ())] if may_change else [],
        "is_closed": gap.status == GapStatus.CLOSED,
        "steps": _steps(gap),
    }
    return render(request, "steering/gap.html", context)


@object_page
def gap_edit(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id, write=True)
    names = steering_forms.GapForm.BASE + steering_forms.GapForm.ANALYSIS
    initial = {name: getattr(gap, name) for name in names}
    initial["version"] = gap.version
    form = steering_forms.GapForm(posted(request), actor=actor, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_gap(actor, gap, form.cleaned_data, version=form.cleaned_data.get("version")),
        done=_("The gap has been saved."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Analyse the gap %(code)s") % {"code": gap.code},
        submit=_("Save"),
        back=_url(gap),
        back_label=_("Back to the gap"),
    )


@object_page
def gap_reports(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id, write=True)
    form = steering_forms.GapReportsForm(
        posted(request), actor=actor, initial={"problem_reports": list(gap.problem_reports.all())}
    )
    response = handle(
        request,
        form,
        lambda: services.set_gap_reports(actor, gap, form.cleaned_data["problem_reports"]),
        done=_("The problem reports have been linked."),
        to=lambda g: _url(g, "reports"),
    )
    return response or form_page(
        request,
        form,
        title=_("Problem reports of the gap %(code)s") % {"code": gap.code},
        submit=_("Save"),
        back=_url(gap, "reports"),
        back_label=_("Back to the gap"),
        intro=_("Choose the problem reports this gap stands on."),
    )


@object_page
def gap_offer(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id, write=True)
    form = steering_forms.GapOfferForm(posted(request), actor=actor)
    response = handle(
        request,
        form,
        lambda: services.check_offer(actor, gap, form.cleaned_data["offer"], finding=form.cleaned_data["finding"]),
        done=_("The offer checked has been recorded."),
        to=lambda _check: _url(gap, "offers"),
    )
    return response or form_page(
        request,
        form,
        title=_("Record an offer checked"),
        submit=_("Record"),
        back=_url(gap, "offers"),
        back_label=_("Back to the gap"),
        intro=_(
            "Map the existing offers against the gap: who provides it, who is admitted, capacity, waiting time, "
            "place and time, childcare, language level."
        ),
    )


@object_page
def gap_offer_remove(request: HttpRequest, gap_id: int, offer_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id, write=True)
    check = gap.offer_checks.select_related("offer").filter(offer=offer_id).first()
    if check is None:
        raise Http404
    if request.method == "POST":
        try:
            services.remove_offer_check(actor, gap, offer_id)
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The offer has been taken off the gap."))
        return redirect(_url(gap, "offers"))
    return confirm_page(
        request,
        title=_("Take an offer off the gap"),
        question=_("Take “%(offer)s” off the offers checked?") % {"offer": check.offer.display_title},
        submit=_("Take off"),
        back=_url(gap, "offers"),
        back_label=_("Back to the gap"),
    )


@object_page
def gap_priority(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_to_prioritise(actor, gap_id)
    initial = {"impact": gap.impact, "affected": gap.affected, "feasibility": gap.feasibility, "version": gap.version}
    form = steering_forms.PriorityForm(posted(request), initial=initial)
    response = handle(
        request,
        form,
        lambda: services.set_priority(
            actor,
            gap,
            impact=form.cleaned_data["impact"],
            affected=form.cleaned_data["affected"],
            feasibility=form.cleaned_data["feasibility"],
            version=form.cleaned_data.get("version"),
        ),
        done=_("The priority has been set."),
        to=lambda g: _url(g, "priority"),
    )
    reports = list(gap.problem_reports.all())
    intro = _(
        "Priority = impact × people affected × feasibility, each from 1 to 5 (1 to 125; high from %(high)d, "
        "medium from %(medium)d). The problem reports of this gap count %(cases)d cases."
    ) % {"high": scoring.HIGH_FROM, "medium": scoring.MEDIUM_FROM, "cases": sum(r.case_count for r in reports)}
    return response or form_page(
        request,
        form,
        title=_("Set the priority of %(code)s") % {"code": gap.code},
        submit=_("Set the priority"),
        back=_url(gap, "priority"),
        back_label=_("Back to the gap"),
        intro=intro,
        note=_("Set by the core group (Bündniskerngruppe) or the coordinators."),
    )


@object_page
def gap_status(request: HttpRequest, gap_id: int) -> HttpResponse:
    actor = actor_of(request)
    gap = get_gap_for(actor, gap_id, write=True)
    labels = dict(GapStatus.choices)
    choices = [(status, labels[status]) for status in GAP_TRANSITIONS.get(gap.status, ())]
    wanted = request.GET.get("to", "")
    initial = {"version": gap.version, "to_status": wanted if wanted in dict(choices) else ""}
    form = steering_forms.GapStatusForm(posted(request), initial=initial, choices=choices)
    response = handle(
        request,
        form,
        lambda: services.change_gap_status(
            actor,
            gap,
            form.cleaned_data["to_status"],
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
            review_on=form.cleaned_data.get("review_on"),
            version=form.cleaned_data.get("version"),
        ),
        done=_("The status of the gap has been changed."),
        to=lambda g: _url(g, "status"),
    )
    if response:
        return response
    blockers = {status: services.status_blockers(gap, status) for status, _label in choices}
    context = {
        "gap": gap,
        "form": form,
        "blockers": [(labels[status], problems) for status, problems in blockers.items() if problems],
        "back": _url(gap, "status"),
    }
    return render(request, "steering/gap_status.html", context)
