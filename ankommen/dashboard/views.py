"""Pages of the dashboard: needs versus offers (with drill-down and exports), young adults 18–27,
measure careers (aggregate for coordinators, the own people for case managers) and scenarios.

Thin views: parse the filters, one access call, one report or service call, render. Every page of
the coordinators shows aggregates only, with small cells suppressed; drill-downs lead to offers,
never to persons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action
from ankommen.dashboard import careers, charts, exports, queries, scenario, summary, suppression, young_adults
from ankommen.dashboard.access import get_planned_offer_for, get_scenario_for, visible_scenarios
from ankommen.dashboard.choices import DIMENSIONS, dimension_label, value_label
from ankommen.dashboard.forms import FilterForm, PlannedOfferForm, ScenarioForm, filter_params
from ankommen.dashboard.pdf import render_pdf
from ankommen.dashboard.queries import Filters
from ankommen.dashboard.report import Figure, Report, build
from ankommen.dashboard.services import (
    DashboardError,
    add_planned_offer,
    create_scenario,
    delete_scenario,
    remove_planned_offer,
    start_rebuild,
)
from ankommen.network.access import requires
from ankommen.network.models import Membership

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actor_of(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def legend_labels() -> dict[str, str]:
    return {
        "covered": _("enough seats"),
        "s1": _("up to a quarter without a seat"),
        "s2": _("up to half without a seat"),
        "s3": _("up to three quarters without a seat"),
        "s4": _("more than three quarters without a seat"),
        "none": _("no recorded need"),
        "hidden": _("fewer than five persons (not shown)"),
    }


def filter_summary(filters: Filters) -> list[tuple[str, str]]:
    lines = [(_("Period"), f"{filters.start:%m/%Y} – {filters.end:%m/%Y}")]
    lines.append((dimension_label("field"), value_label("field", filters.field) if filters.field else _("all")))
    for dimension in DIMENSIONS:
        value = getattr(filters, dimension)
        lines.append((dimension_label(dimension), value_label(dimension, value) if value is not None else _("all")))
    lines.append((_("Rows of the table"), dimension_label(filters.rows)))
    return lines


def _form(request: HttpRequest) -> FilterForm:
    actor = actor_of(request)
    return FilterForm(request.GET or None, network_id=actor.network_id)


def _context(request: HttpRequest, form: FilterForm, report: Report) -> dict[str, Any]:
    from urllib.parse import urlencode

    actor = actor_of(request)
    params = {k: v for k, v in filter_params(report.filters).items() if v is not None}
    return {
        "form": form,
        "report": report,
        "heatmap": charts.heatmap(report, legend_labels()),
        "bars": charts.bars(report),
        "trend": charts.trend(report),
        "query": urlencode(params),
        "filter_lines": filter_summary(report.filters),
        "row_label": dimension_label(report.row_dimension),
        "threshold": suppression.THRESHOLD,
        "rebuilt_at": summary.rebuilt_at(actor.network_id),
        "may_plan": actor.has_perm("dashboard.plan"),
    }


@requires("dashboard.view")
def overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _form(request)
    report = build(actor.network_id, form.filters())
    context = _context(request, form, report)
    if getattr(request, "htmx", False):
        return render(request, "dashboard/includes/results.html", context)
    return render(request, "dashboard/overview.html", context)


@requires("dashboard.view")
def cell(request: HttpRequest) -> HttpResponse:
    """The offers behind a figure: per offer the seats offered in the period and its waiting list."""
    actor = actor_of(request)
    form = _form(request)
    filters = form.filters()
    offers = queries.cell_offers(actor.network_id, filters)
    waiting_people = queries.waiting_people_per_offer(actor.network_id, [o["offer_id"] for o in offers])
    entries = [o["waiting"] for o in offers]
    primary = [i for i, o in enumerate(offers) if suppression.is_small(waiting_people.get(o["offer_id"], 0))]
    if sum(entries) and max(waiting_people.values(), default=0) < suppression.THRESHOLD:
        primary.append(len(offers))
    hidden = suppression.protect_column(entries, primary)
    for i, offer in enumerate(offers):
        offer["waiting_figure"] = Figure(None if i in hidden else offer["waiting"])
        offer["category_label"] = value_label("field", offer["field"])
    demand = queries.demand(actor.network_id, filters, ("field",))
    persons = [d.persons for d in demand.values()]
    persons_total = sum(persons)
    persons_hidden = persons_total > 0 and max(persons) < suppression.THRESHOLD
    context = {
        "form": form,
        "filters": filters,
        "filter_lines": filter_summary(filters),
        "offers": offers,
        "persons": Figure(None if persons_hidden else persons_total),
        "seats": sum(o["new_seats"] or 0 for o in offers),
        "waiting_total": Figure(None if len(offers) in hidden else sum(entries)),
        "back": reverse("dashboard:overview") + "?" + request.GET.urlencode(),
    }
    return render(request, "dashboard/cell.html", context)


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    actor = actor_of(request)
    form = _form(request)
    report = build(actor.network_id, form.filters())
    lines = filter_summary(report.filters)
    day = timezone.localdate().isoformat()
    if kind == "csv":
        content = exports.to_csv(exports.tables(report))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        content = exports.to_xlsx([*exports.tables(report), exports.notes(report, lines)])
        response = HttpResponse(content, content_type=XLSX)
    else:
        context = _context(request, form, report)
        context.update({"rule": exports.rule_text(), "created": timezone.localtime()})
        response = HttpResponse(render_pdf("dashboard/pdf/dashboard.html", context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="needs-and-offers-{day}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    log_action(
        actor,
        "dashboard.exported",
        data={"format": kind, **{k: v for k, v in filter_params(report.filters).items() if v is not None}},
    )
    return response


@requires("dashboard.view")
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@requires("dashboard.view")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


@requires("dashboard.view")
def export_pdf(request: HttpRequest) -> HttpResponse:
    return _export(request, "pdf")


@requires("dashboard.view")
def young_adults_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows, total = young_adults.table(actor.network_id)
    return render(
        request,
        "dashboard/young_adults.html",
        {"rows": rows, "total": total, "indicators": young_adult_indicators(), "threshold": suppression.THRESHOLD},
    )


def young_adult_indicators() -> list[tuple[str, str]]:
    return [
        ("plan", _("With a plan")),
        ("language", _("In a language course")),
        ("training_work", _("In training or work")),
        ("without_offer", _("Without any offer")),
    ]


@requires("dashboard.view")
def careers_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows, total = careers.counts(actor.network_id)
    context = {
        "rows": rows,
        "total": Figure(total) if total is not None else Figure(None),
        "minimum": careers.MINIMUM_OFFERS,
        "threshold": suppression.THRESHOLD,
    }
    return render(request, "dashboard/careers.html", context)


@requires("cases.view")
def my_careers(request: HttpRequest) -> HttpResponse:
    """The own people (lead case manager of their open case) in a measure career."""
    actor = actor_of(request)
    found = careers.mine(actor)
    if found:
        log_action(
            actor,
            "dashboard.careers_listed",
            data={"participants": sorted({person.pk for _case, person, _career in found})},
        )
    return render(
        request,
        "dashboard/my_careers.html",
        {"found": found, "minimum": careers.MINIMUM_OFFERS, "labels": _categories()},
    )


def _categories() -> dict[str, str]:
    from ankommen.offers.choices import Category

    return {value: str(label) for value, label in Category.choices}


# --- scenarios -------------------------------------------------------------------------------------


@requires("dashboard.plan")
def scenarios(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ScenarioForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = create_scenario(actor, form.cleaned_data)
        except DashboardError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Scenario created. Now add the offers you plan."))
            return redirect("dashboard:planned_offer_add", scenario_id=created.pk)
    items = visible_scenarios(actor).prefetch_related("planned_offers")
    return render(request, "dashboard/scenarios.html", {"form": form, "scenarios": items})


@requires("dashboard.plan")
def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_scenario_for(actor, scenario_id)
    outcome = scenario.run(actor.network_id, item)
    return render(
        request,
        "dashboard/scenario.html",
        {"scenario": item, "outcome": outcome, "planned": list(item.planned_offers.all())},
    )


@requires("dashboard.plan")
def planned_offer_add(request: HttpRequest, scenario_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_scenario_for(actor, scenario_id)
    form = PlannedOfferForm(request.POST if request.method == "POST" else None, network_id=actor.network_id)
    if request.method == "POST" and form.is_valid():
        try:
            add_planned_offer(actor, item, form.cleaned_data)
        except DashboardError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Planned offer added."))
            return redirect("dashboard:scenario", scenario_id=item.pk)
    return render(request, "dashboard/planned_offer_form.html", {"form": form, "scenario": item})


@requires("dashboard.plan")
@require_POST
def planned_offer_remove(request: HttpRequest, scenario_id: int, planned_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_scenario_for(actor, scenario_id)
    remove_planned_offer(actor, get_planned_offer_for(actor, item, planned_id))
    messages.success(request, _("Planned offer removed."))
    return redirect("dashboard:scenario", scenario_id=item.pk)


@requires("dashboard.plan")
@require_POST
def scenario_delete(request: HttpRequest, scenario_id: int) -> HttpResponse:
    actor = actor_of(request)
    delete_scenario(actor, get_scenario_for(actor, scenario_id))
    messages.success(request, _("Scenario deleted."))
    return redirect("dashboard:scenarios")


@requires("dashboard.plan")
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    job = start_rebuild(actor_of(request))
    messages.success(request, _("The summary tables are being rebuilt in the background."))
    return redirect("jobs:detail", job_id=job.pk)
