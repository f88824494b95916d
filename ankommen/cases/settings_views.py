"""Screens that configure case management rather than work on cases: the network's case types
with their template tasks (network coordinators, ``cases.manage_types``), an organisation's
approval settings (team leads, ``cases.configure``) and one's own reminder e-mail
(``cases.edit``). None of them shows case content.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ankommen.cases import case_types, reminders
from ankommen.cases import forms as case_forms
from ankommen.cases.choices import PHASE_ORDER
from ankommen.cases.models import CaseType, CaseTypeTask
from ankommen.cases.services import CaseError
from ankommen.network.access import requires
from ankommen.network.models import Membership


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to_type(case_type: CaseType, anchor: str = "") -> HttpResponse:
    url = reverse("cases:type", kwargs={"case_type_id": case_type.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _page(request: HttpRequest, form: Any, *, title: str, submit: str, back: str, **context: Any) -> HttpResponse:
    return render(
        request,
        "cases/settings_form.html",
        {"form": form, "title": title, "submit": submit, "back": back, **context},
    )


# --- case types ------------------------------------------------------------------------------


@requires("cases.manage_types")
def case_type_list(request: HttpRequest) -> HttpResponse:
    types = case_types.managed_case_types(_actor(request)).order_by("-is_active", "name")
    return render(request, "cases/types.html", {"types": types})


@requires("cases.manage_types")
def add_case_type(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = case_forms.CaseTypeForm(_posted(request), instance=CaseType(network_id=actor.network_id))
    if request.method == "POST" and form.is_valid():
        try:
            case_type = case_types.create_case_type(actor, form.cleaned_data)
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case type has been created. Now add its template tasks."))
            return _to_type(case_type)
    return _page(request, form, title=_("New case type"), submit=_("Create"), back=reverse("cases:types"))


@requires("cases.manage_types")
def case_type_detail(request: HttpRequest, case_type_id: int) -> HttpResponse:
    case_type = case_types.get_case_type_for(_actor(request), case_type_id)
    tasks = list(case_type.template_tasks.order_by("pk"))
    tasks.sort(key=lambda t: (PHASE_ORDER.index(t.phase), t.offset_days, t.pk))
    return render(request, "cases/type.html", {"case_type": case_type, "tasks": tasks})


@requires("cases.manage_types")
def edit_case_type(request: HttpRequest, case_type_id: int) -> HttpResponse:
    actor = _actor(request)
    case_type = case_types.get_case_type_for(actor, case_type_id)
    if request.method == "POST":
        form = case_forms.CaseTypeForm(request.POST, instance=CaseType(network_id=actor.network_id))
    else:
        form = case_forms.CaseTypeForm(instance=case_type, initial={"version": case_type.version})
    if request.method == "POST" and form.is_valid():
        try:
            case_types.update_case_type(actor, case_type, form.cleaned_data, version=form.cleaned_data["version"])
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case type has been saved."))
            return _to_type(case_type)
    back = reverse("cases:type", kwargs={"case_type_id": case_type.pk})
    title = _("Change the case type %(name)s") % {"name": case_type.name}
    return _page(request, form, title=title, submit=_("Save"), back=back)


@requires("cases.manage_types")
def add_template_task(request: HttpRequest, case_type_id: int) -> HttpResponse:
    actor = _actor(request)
    case_type = case_types.get_case_type_for(actor, case_type_id)
    form = case_forms.TemplateTaskForm(_posted(request), instance=CaseTypeTask(network_id=actor.network_id))
    if request.method == "POST" and form.is_valid():
        try:
            case_types.add_template_task(actor, case_type, form.cleaned_data)
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The template task has been added."))
            return _to_type(case_type, "tasks")
    back = reverse("cases:type", kwargs={"case_type_id": case_type.pk}) + "#tasks"
    title = _("Add a template task to %(name)s") % {"name": case_type.name}
    return _page(request, form, title=title, submit=_("Add"), back=back)


@requires("cases.manage_types")
def edit_template_task(request: HttpRequest, case_type_id: int, task_id: int) -> HttpResponse:
    actor = _actor(request)
    case_type = case_types.get_case_type_for(actor, case_type_id)
    task = case_types.get_template_task_for(actor, case_type, task_id)
    if request.method == "POST":
        form = case_forms.TemplateTaskForm(request.POST, instance=CaseTypeTask(network_id=actor.network_id))
    else:
        form = case_forms.TemplateTaskForm(instance=task, initial={"version": task.version})
    if request.method == "POST" and form.is_valid():
        try:
            case_types.update_template_task(actor, task, form.cleaned_data, version=form.cleaned_data["version"])
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The template task has been saved."))
            return _to_type(case_type, "tasks")
    back = reverse("cases:type", kwargs={"case_type_id": case_type.pk}) + "#tasks"
    return _page(request, form, title=_("Change a template task"), submit=_("Save"), back=back)


@requires("cases.manage_types")
def remove_template_task(request: HttpRequest, case_type_id: int, task_id: int) -> HttpResponse:
    actor = _actor(request)
    case_type = case_types.get_case_type_for(actor, case_type_id)
    task = case_types.get_template_task_for(actor, case_type, task_id)
    if request.method == "POST":
        try:
            case_types.remove_template_task(actor, task)
        except CaseError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The template task has been removed."))
        return _to_type(case_type, "tasks")
    back = reverse("cases:type", kwargs={"case_type_id": case_type.pk}) + "#tasks"
    question = _("Remove the template task “%(title)s”? Tasks already created from it in cases stay.") % {
        "title": task.title
    }
    return _page(request, None, title=_("Remove a template task"), submit=_("Remove"), back=back, question=question)


# --- the organisation's settings and one's own reminders --------------------------------------


@requires("cases.configure")
def organisation_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    current = case_types.case_settings_of(actor)
    if request.method == "POST":
        form = case_forms.CaseSettingsForm(request.POST, instance=type(current)(network_id=actor.network_id))
    else:
        form = case_forms.CaseSettingsForm(instance=current, initial={"version": current.version})
    if request.method == "POST" and form.is_valid():
        try:
            case_types.update_case_settings(actor, form.cleaned_data, version=form.cleaned_data["version"])
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect(reverse("cases:settings"))
    intro = _(
        "Whether plans and closures of %(organisation)s need a team lead's approval. This adds to what "
        "each case type asks for: an approval is needed if the case type or your organisation asks for it."
    ) % {"organisation": actor.organisation.name}
    return _page(
        request,
        form,
        title=_("Approvals in your organisation"),
        submit=_("Save"),
        back=reverse("cases:list"),
        intro=intro,
    )


@requires("cases.edit")
def reminder_settings(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    current = reminders.reminder_of(actor)
    form = case_forms.ReminderForm(_posted(request), initial={"enabled": current.enabled})
    if request.method == "POST" and form.is_valid():
        reminders.set_work_reminders(actor, enabled=form.cleaned_data["enabled"])
        messages.success(request, _("Your reminder setting has been saved."))
        return redirect(reverse("cases:reminders"))
    intro = _(
        "Once a day ankommen can e-mail you how many of your tasks are overdue or due tomorrow and how many "
        "appointments you have tomorrow, with a link to your start page."
    )
    return _page(
        request,
        form,
        title=_("Reminder e-mails"),
        submit=_("Save"),
        back=reverse("core:home"),
        intro=intro,
        last_sent=current.last_sent_on,
    )
