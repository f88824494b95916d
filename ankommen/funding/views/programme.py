"""Setting up the programme (``funding.manage``): years, modules, flat rates, calls, and the
budget overview."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ankommen.funding import forms as funding_forms
from ankommen.funding import services
from ankommen.funding.access import get_call_for, get_module_for, get_rate_for, get_year_for
from ankommen.funding.budget import overview
from ankommen.funding.models import Call, FlatRate, FundingYear, Module
from ankommen.funding.services import FundingError
from ankommen.funding.views.common import actor_of, add_errors, form_page, posted
from ankommen.network.access import object_page, requires


def _to_year(year_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("funding:year", kwargs={"year_id": year_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


@requires("funding.manage")
def year_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    years = (
        FundingYear.objects.filter(network=actor.network_id)
        .select_related("programme")
        .annotate(application_count=Count("applications", distinct=True))
        .order_by("-year", "programme__name")
    )
    return render(request, "funding/years.html", {"years": list(years)})


@requires("funding.manage")
def year_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    years = FundingYear.objects.filter(network=actor.network_id).select_related("programme").order_by("-year")
    latest = years.first()
    initial = {}
    if latest is not None:
        initial = {
            "programme_name": latest.programme.name,
            "year": latest.year + 1,
            "copy_from": latest.pk,
            "second_approval_above": latest.second_approval_above,
            "warning_percent": latest.warning_percent,
        }
    form = funding_forms.YearForm(posted(request), years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            year = services.create_year(
                actor,
                programme_name=data["programme_name"],
                year=data["year"],
                budget=data["budget"],
                second_approval_above=data["second_approval_above"],
                warning_percent=data["warning_percent"],
                proof_due_on=data["proof_due_on"],
                report_due_on=data["report_due_on"],
                copy_from=data["copy_from"],
            )
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The funding year %(year)s has been set up.") % {"year": year.year})
            return _to_year(year.pk)
    return form_page(request, form, title=_("Set up a funding year"), submit=_("Set up"), back=reverse("funding:years"))


@requires("funding.manage")
def year_detail(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    modules = list(
        Module.objects.filter(year=year)
        .prefetch_related(Prefetch("rates", queryset=FlatRate.objects.order_by("code")))
        .order_by("code")
    )
    calls = list(Call.objects.filter(year=year).prefetch_related("modules").order_by("deadline"))
    context = {"year": year, "modules": modules, "calls": calls}
    return render(request, "funding/year.html", context)


@requires("funding.manage")
def year_edit(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    initial = {name: getattr(year, name) for name in services.programme.YEAR_FIELDS} | {"version": year.version}
    form = funding_forms.YearChangeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.change_year(actor, year, values, version=form.cleaned_data.get("version"))
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The funding year has been changed."))
            return _to_year(year.pk)
    return form_page(
        request,
        form,
        title=_("Budget and rules of %(year)s") % {"year": year.year},
        submit=_("Save"),
        back=reverse("funding:year", kwargs={"year_id": year.pk}),
    )


@requires("funding.manage")
def module_edit(request: HttpRequest, module_id: int) -> HttpResponse:
    actor = actor_of(request)
    module = get_module_for(actor, module_id)
    form = funding_forms.ModuleForm(
        posted(request), initial={"description": module.description, "budget": module.budget}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_module(actor, module, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The module has been changed."))
            return _to_year(module.year_id, f"module-{module.code}")
    return form_page(
        request,
        form,
        title=str(module.get_code_display()),
        submit=_("Save"),
        back=reverse("funding:year", kwargs={"year_id": module.year_id}),
    )


@requires("funding.manage")
def rate_new(request: HttpRequest, module_id: int) -> HttpResponse:
    actor = actor_of(request)
    module = get_module_for(actor, module_id)
    form = funding_forms.RateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_rate(actor, module, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The flat rate has been added."))
            return _to_year(module.year_id, f"module-{module.code}")
    return form_page(
        request,
        form,
        title=_("New flat rate in %(module)s") % {"module": module.get_code_display()},
        submit=_("Add"),
        back=reverse("funding:year", kwargs={"year_id": module.year_id}),
    )


@requires("funding.manage")
def rate_edit(request: HttpRequest, rate_id: int) -> HttpResponse:
    actor = actor_of(request)
    rate = get_rate_for(actor, rate_id)
    initial = {name: getattr(rate, name) for name in services.programme.RATE_FIELDS}
    form = funding_forms.RateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_rate(actor, rate, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The flat rate has been changed."))
            return _to_year(rate.module.year_id, f"module-{rate.module.code}")
    return form_page(
        request,
        form,
        title=_("Flat rate %(code)s") % {"code": rate.code},
        intro=_(
            "A new amount applies to drafts at once; applications already submitted keep the amount they were "
            "submitted with."
        ),
        submit=_("Save"),
        back=reverse("funding:year", kwargs={"year_id": rate.module.year_id}),
    )


@requires("funding.manage")
def call_new(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    form = funding_forms.CallForm(posted(request), year=year)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "modules"}
        try:
            services.add_call(actor, year, values, form.cleaned_data["modules"])
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The call for applications has been published."))
            return _to_year(year.pk, "calls")
    return form_page(
        request,
        form,
        title=_("New call for applications"),
        submit=_("Publish"),
        back=reverse("funding:year", kwargs={"year_id": year.pk}),
    )


@requires("funding.manage")
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    actor = actor_of(request)
    call = get_call_for(actor, call_id, manage=True)
    initial = {name: getattr(call, name) for name in services.programme.CALL_FIELDS} | {
        "modules": list(call.modules.all())
    }
    form = funding_forms.CallForm(posted(request), year=call.year, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "modules"}
        try:
            services.change_call(actor, call, values, form.cleaned_data["modules"])
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The call for applications has been changed."))
            return _to_year(call.year_id, "calls")
    return form_page(
        request,
        form,
        title=call.title,
        submit=_("Save"),
        back=reverse("funding:year", kwargs={"year_id": call.year_id}),
    )


@object_page
def budget(request: HttpRequest, year_id: int) -> HttpResponse:
    actor = actor_of(request)
    year = get_year_for(actor, year_id)
    return render(request, "funding/budget.html", {"year": year, "figures": overview(year)})
