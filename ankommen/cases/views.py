"""Screens of case management: list, open, the case page with its phases, the small forms of
each phase, approvals, closure and the timeline.

Thin views: one access call, one service call, render or redirect. Pages of one case are
declared ``object_page``: whoever may not see the case (other organisations, the police, the
DPO, coordinators, ...) gets 404 from ``get_case_for``; read-only assistants get 403 on every
change. Every page that shows case content logs the read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action, log_read
from ankommen.cases import forms as case_forms
from ankommen.cases import services
from ankommen.cases.access import get_approval_for, get_case_for, own_cases, shared_categories
from ankommen.cases.choices import PHASE_ORDER, ApprovalKind, Decision, LifeDomain, Phase, next_phase
from ankommen.cases.contribute import contribution_for, role_rows
from ankommen.cases.models import Case, CaseRole, Goal, Measure, Task
from ankommen.cases.rules import check_case_rule
from ankommen.cases.services import CaseError
from ankommen.consents.access import consents_of_case
from ankommen.consents.sharing import shared_case_page
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.participants.models import Household

PAGE_SIZE = 50
TIMELINE_ON_CASE_PAGE = 10


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _to_case(case: Case, anchor: str = "") -> HttpResponse:
    url = reverse("cases:detail", kwargs={"case_id": case.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _read(actor: Membership, case: Case, page: str) -> None:
    log_read(actor, case, data={"page": page})


def _error_messages(request: HttpRequest, exc: CaseError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_page(
    request: HttpRequest,
    case: Case,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    anchor: str = "",
) -> HttpResponse:
    context = {"case": case, "form": form, "title": title, "submit": submit, "intro": intro, "anchor": anchor}
    return render(request, "cases/form.html", context)


def _handle(
    request: HttpRequest, form: Any, action: Callable[[], Any], *, case: Case, anchor: str, done: str
) -> HttpResponse | None:
    """Run ``action`` on a valid POST: redirect with a message, or put the domain error on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action()
    except CaseError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, done)
    return _to_case(case, anchor)


# --- list and open -------------------------------------------------------------------------------


@requires("cases.view")
def case_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = case_forms.CaseFilterForm(request.GET or None, actor=actor)
    # Own cases only: cases shared by other organisations are listed, with what they share, under
    # consents:shared (a list here would show names the consent may not cover).
    cases = own_cases(actor).select_related("participant", "household", "case_type", "lead")
    filters: list[str] = []
    if form.is_bound:
        if form.is_valid():
            phase = form.cleaned_data.get("phase")
            if phase == "open":
                cases = cases.exclude(phase=Phase.CLOSED)
            elif phase:
                cases = cases.filter(phase=phase)
            if form.cleaned_data.get("lead"):
                cases = cases.filter(lead=form.cleaned_data["lead"])
            filters = form.used_filters()
        else:
            cases = cases.none()
    paginator = Paginator(cases.order_by("-opened_on", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    log_action(
        actor,
        "case.listed",
        data={"filters": filters, "page": page.number, "results": paginator.count, "shown": [c.pk for c in page]},
    )
    context = {"form": form, "page": page, "may_edit": actor.has_perm("cases.edit")}
    return render(request, "cases/list.html", context)


@requires("cases.edit")
def open_case(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial = {"reference": request.GET.get("reference", "")[:20], "lead": actor.user_id}
    form = case_forms.OpenCaseForm(_posted(request), actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        subject = form.subject
        try:
            case = services.open_case(
                actor,
                case_type=form.cleaned_data["case_type"],
                participant=None if isinstance(subject, Household) else subject,
                household=subject if isinstance(subject, Household) else None,
                lead=form.cleaned_data["lead"],
                referral_source=form.cleaned_data["referral_source"],
                interpreter_needed=form.cleaned_data["interpreter_needed"],
                interpreter_language=form.cleaned_data["interpreter_language"] or "",
            )
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case %(reference)s has been opened.") % {"reference": case.reference})
            return _to_case(case)
    return render(request, "cases/open.html", {"form": form})


# --- the case page -------------------------------------------------------------------------------


def _stepper(case: Case) -> list[dict[str, Any]]:
    current = PHASE_ORDER.index(case.phase)
    return [
        {"label": label, "code": code, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, (code, label) in enumerate(Phase.choices)
    ]


@object_page
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, shared=True)
    categories = shared_categories(actor, case)
    if categories is not None:  # another organisation's case, shared under a consent
        return shared_case_page(request, actor, case, categories)
    _read(actor, case, "detail")
    goals = list(
        case.goals.prefetch_related("measures", "notes__author").order_by("pk"),
    )
    entries = {entry.domain: entry for entry in case.assessment.all()}
    approvals = list(case.approvals.select_related("requested_by", "decided_by"))
    for approval in approvals:
        approval.case = case
        approval.may_decide = approval.decision == Decision.PENDING and check_case_rule(  # type: ignore[attr-defined]
            "cases.decide_approval", actor, approval
        )
    target = next_phase(case.phase)
    today = timezone.localdate()
    tasks = list(case.tasks.select_related("assignee"))
    context = {
        "case": case,
        "steps": _stepper(case),
        "next_phase": Phase(target).label if target else None,
        "blockers": services.phase_blockers(case, target) if target else [],
        "closure_blockers": services.closure_blockers(case) if not case.is_closed else [],
        "assessment": [(code, label, entries.get(code)) for code, label in LifeDomain.choices],
        "goals": goals,
        "tasks": [{"task": t, "overdue": t.is_overdue(today)} for t in tasks],
        "appointments": list(case.appointments.all()),
        "approvals": approvals,
        "roles": role_rows(case),
        "timeline": list(case.timeline.select_related("actor")[:TIMELINE_ON_CASE_PAGE]),
        "may_edit": check_case_rule("cases.change_case", actor, case),
        "needs_plan_approval": services.approval_required(case, ApprovalKind.PLAN),
        "needs_closure_approval": services.approval_required(case, ApprovalKind.CLOSURE),
        "pending_transfer": case.transfers.filter(status="pending").select_related("to_organisation").first(),
        "members": list(case.household.members.select_related("participant")) if case.household_id else [],  # type: ignore[union-attr]
        "Phase": Phase,
        "consents": consents_of_case(actor, case),
        "may_record_consent": actor.has_perm("consents.record") and check_case_rule("cases.change_case", actor, case),
    }
    return render(request, "cases/detail.html", context)


@object_page
def timeline(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id)
    form = case_forms.TimelineFilterForm(request.GET or None)
    entries = case.timeline.select_related("actor")
    filters: list[str] = []
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"]:
                entries = entries.filter(kind=data["kind"])
            if data["date_from"]:
                entries = entries.filter(at__date__gte=data["date_from"])
            if data["date_to"]:
                entries = entries.filter(at__date__lte=data["date_to"])
            filters = form.used_filters()
        else:
            entries = entries.none()
    log_read(actor, case, data={"page": "timeline", "filters": filters})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/timeline.html", {"case": case, "form": form, "page": page})


# --- intake and phases ---------------------------------------------------------------------------


@object_page
def edit_intake(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if request.method == "POST":
        form = case_forms.IntakeForm(request.POST, instance=Case(network_id=case.network_id))
    else:
        _read(actor, case, "intake")
        form = case_forms.IntakeForm(instance=case, initial={"version": case.version})
    response = _handle(
        request,
        form,
        lambda: services.update_intake(actor, case, form.cleaned_data, version=form.cleaned_data["version"]),
        case=case,
        anchor="intake",
        done=_("The intake details have been saved."),
    )
    return response or _form_page(
        request, case, form, title=_("Intake and indication"), submit=_("Save"), anchor="intake"
    )


def _confirm(request: HttpRequest, case: Case, **context: Any) -> HttpResponse:
    return render(request, "cases/confirm.html", {"case": case, **context})


@object_page
def advance_phase(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    target = next_phase(case.phase) if not case.is_closed else None
    if request.method == "POST":
        form = case_forms.VersionForm(request.POST)
        if form.is_valid():
            try:
                case = services.advance_phase(actor, case, version=form.cleaned_data["version"])
            except CaseError as exc:
                _error_messages(request, exc)
            else:
                messages.success(
                    request, _("The case is now in the phase %(phase)s.") % {"phase": case.get_phase_display()}
                )
        return _to_case(case)
    _read(actor, case, "advance")
    return _confirm(
        request,
        case,
        title=_("Move the case on"),
        question=_("Move the case to the phase %(phase)s?") % {"phase": Phase(target).label} if target else "",
        blockers=services.phase_blockers(case, target) if target else [_("This case cannot be moved on from here.")],
        submit=_("Move on"),
    )


@object_page
def schedule_reassessment(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if request.method != "POST":
        _read(actor, case, "reassessment")
    initial = {"version": case.version, "due_on": case.reassessment_due_on}
    form = case_forms.ReassessmentForm(_posted(request), initial=initial)
    response = _handle(
        request,
        form,
        lambda: services.schedule_reassessment(
            actor, case, form.cleaned_data["due_on"], version=form.cleaned_data["version"]
        ),
        case=case,
        anchor="monitoring",
        done=_("The re-assessment date has been saved."),
    )
    return response or _form_page(request, case, form, title=_("Schedule the re-assessment"), submit=_("Save"))


# --- assessment, plan, monitoring ----------------------------------------------------------------


@object_page
def assessment(request: HttpRequest, case_id: int, domain: str) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if domain not in LifeDomain.values:
        raise Http404
    entry = case.assessment.filter(domain=domain).first()
    if request.method == "POST":
        form = case_forms.AssessmentForm(request.POST)
    else:
        _read(actor, case, f"assessment_{domain}")
        form = case_forms.AssessmentForm(instance=entry)
    response = _handle(
        request,
        form,
        lambda: services.save_assessment(actor, case, domain, form.cleaned_data),
        case=case,
        anchor="assessment",
        done=_("The assessment has been saved."),
    )
    title = _("Assessment: %(domain)s") % {"domain": LifeDomain(domain).label}
    return response or _form_page(request, case, form, title=title, submit=_("Save"), anchor="assessment")


def _goal(case: Case, goal_id: int) -> Goal:
    goal = case.goals.filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    goal.case = case
    return goal


@object_page
def add_goal(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    form = case_forms.GoalForm(_posted(request))
    response = _handle(
        request,
        form,
        lambda: services.add_goal(actor, case, form.cleaned_data),
        case=case,
        anchor="plan",
        done=_("The goal has been added."),
    )
    return response or _form_page(request, case, form, title=_("Add a goal"), submit=_("Add"), anchor="plan")


@object_page
def edit_goal(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    goal = _goal(case, goal_id)
    if request.method == "POST":
        form = case_forms.GoalForm(request.POST)
    else:
        _read(actor, case, "goal")
        form = case_forms.GoalForm(instance=goal)
    response = _handle(
        request,
        form,
        lambda: services.update_goal(actor, goal, form.cleaned_data),
        case=case,
        anchor="plan",
        done=_("The goal has been saved."),
    )
    return response or _form_page(request, case, form, title=_("Change a goal"), submit=_("Save"), anchor="plan")


@object_page
def add_measure(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    goal = _goal(case, goal_id)
    if request.method != "POST":
        _read(actor, case, "measure")
    form = case_forms.MeasureForm(_posted(request))
    response = _handle(
        request,
        form,
        lambda: services.add_measure(actor, goal, form.cleaned_data),
        case=case,
        anchor=f"goal-{goal.pk}",
        done=_("The measure has been added."),
    )
    title = _("Add a measure to the goal: %(goal)s") % {"goal": goal.text}
    return response or _form_page(request, case, form, title=title, submit=_("Add"), anchor=f"goal-{goal.pk}")


@object_page
def edit_measure(request: HttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    measure = Measure.objects.filter(goal__case=case, pk=measure_id).select_related("goal").first()
    if measure is None:
        raise Http404
    measure.goal.case = case
    if request.method == "POST":
        form = case_forms.MeasureForm(request.POST)
    else:
        _read(actor, case, "measure")
        form = case_forms.MeasureForm(instance=measure)
    response = _handle(
        request,
        form,
        lambda: services.update_measure(actor, measure, form.cleaned_data),
        case=case,
        anchor=f"goal-{measure.goal_id}",
        done=_("The measure has been saved."),
    )
    return response or _form_page(
        request, case, form, title=_("Change a measure"), submit=_("Save"), anchor=f"goal-{measure.goal_id}"
    )


def _contributing(request: HttpRequest, case_id: int, part: str) -> tuple[Membership, Case]:
    """A case the actor may add ``part`` to: the owner's case staff, or an active co-worker of
    another organisation under a consent covering it (``contribute.py``); 403 for other readers."""
    actor = _actor(request)
    case = get_case_for(actor, case_id, shared=True)
    if not getattr(contribution_for(actor, case), part):
        raise PermissionDenied
    return actor, case


@object_page
def add_note(request: HttpRequest, case_id: int, goal_id: int) -> HttpResponse:
    actor, case = _contributing(request, case_id, "notes")
    goal = _goal(case, goal_id)
    if request.method != "POST":
        _read(actor, case, "note")
    form = case_forms.NoteForm(_posted(request), initial={"written_on": timezone.localdate()})
    response = _handle(
        request,
        form,
        lambda: services.add_progress_note(actor, goal, form.cleaned_data),
        case=case,
        anchor=f"goal-{goal.pk}",
        done=_("The progress note has been saved."),
    )
    title = _("Progress note on the goal: %(goal)s") % {"goal": goal.text}
    return response or _form_page(request, case, form, title=title, submit=_("Save"), anchor=f"goal-{goal.pk}")


# --- tasks, appointments, co-workers -------------------------------------------------------------


@object_page
def add_task(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case = _contributing(request, case_id, "tasks")
    for_self = case.organisation_id != actor.organisation_id
    form = case_forms.TaskForm(_posted(request), actor=actor, for_self=for_self)
    if request.method != "POST":
        _read(actor, case, "task")
    response = _handle(
        request,
        form,
        lambda: services.add_task(
            actor,
            case,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
            assignee=form.cleaned_data.get("assignee"),
        ),
        case=case,
        anchor="tasks",
        done=_("The task has been added."),
    )
    return response or _form_page(request, case, form, title=_("Add a task"), submit=_("Add"), anchor="tasks")


@object_page
def complete_task(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    actor, case = _contributing(request, case_id, "tasks")
    task = Task.objects.filter(case=case, pk=task_id).first()
    if task is None:
        raise Http404
    task.case = case
    if case.organisation_id != actor.organisation_id and task.assignee_id != actor.user_id:
        raise PermissionDenied  # a co-worker of another organisation completes their own tasks only
    if request.method == "POST":
        try:
            services.complete_task(actor, task)
        except CaseError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The task has been marked as done."))
        return _to_case(case, "tasks")
    _read(actor, case, "task")
    return _confirm(
        request,
        case,
        title=_("Mark a task as done"),
        question=_("Mark the task “%(title)s” as done?") % {"title": task.title},
        blockers=[],
        submit=_("Done"),
        with_version=False,
    )


@object_page
def add_appointment(request: HttpRequest, case_id: int) -> HttpResponse:
    actor, case = _contributing(request, case_id, "appointments")
    for_self = case.organisation_id != actor.organisation_id
    form = case_forms.AppointmentForm(_posted(request), actor=actor, for_self=for_self)
    if request.method != "POST":
        _read(actor, case, "appointment")
    response = _handle(
        request,
        form,
        lambda: services.add_appointment(actor, case, form.cleaned_data),
        case=case,
        anchor="appointments",
        done=_("The appointment has been added."),
    )
    return response or _form_page(
        request, case, form, title=_("Add an appointment"), submit=_("Add"), anchor="appointments"
    )


@object_page
def add_role(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    form = case_forms.RoleForm(_posted(request), actor=actor, case=case)
    if request.method != "POST":
        _read(actor, case, "add_role")
    response = _handle(
        request,
        form,
        lambda: services.add_case_role(
            actor,
            case,
            form.cleaned_data["member"].user,
            form.cleaned_data["kind"],
            organisation_id=form.cleaned_data["member"].organisation_id,
        ),
        case=case,
        anchor="people",
        done=_("The colleague now works on the case."),
    )
    intro = _(
        "Colleagues of your organisation, and case managers and team leads of other organisations that the "
        "participant's consent to cooperation names. They can add tasks, appointments and progress notes "
        "for themselves as far as the consent covers it, and never change the case itself. When the consent "
        "lapses, their role stays listed as inactive and gives no access."
    )
    return response or _form_page(
        request, case, form, title=_("Add a co-worker"), submit=_("Add"), intro=intro, anchor="people"
    )


@object_page
def remove_role(request: HttpRequest, case_id: int, role_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    role = CaseRole.objects.filter(case=case, pk=role_id).select_related("user", "organisation").first()
    if role is None:
        raise Http404
    role.case = case
    if request.method == "POST":
        try:
            services.remove_case_role(actor, role)
        except CaseError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The co-worker no longer works on the case."))
        return _to_case(case, "people")
    _read(actor, case, "remove_role")
    who = role.user.full_name or role.user.email
    return _confirm(
        request,
        case,
        title=_("Take a co-worker off the case"),
        question=_("Take %(name)s (%(organisation)s) off the case?")
        % {"name": who, "organisation": role.organisation.name},
        blockers=[],
        submit=_("Take off the case"),
        with_version=False,
    )


# --- approvals -----------------------------------------------------------------------------------


@object_page
def request_approval(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if kind not in ApprovalKind.values:
        raise Http404
    if request.method == "POST":
        try:
            services.request_approval(actor, case, kind)
        except CaseError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The team lead has been asked for approval."))
        return _to_case(case, "approvals")
    _read(actor, case, "request_approval")
    return _confirm(
        request,
        case,
        title=_("Ask for approval"),
        question=_("Ask a team lead to approve: %(kind)s?") % {"kind": ApprovalKind(kind).label},
        blockers=[],
        submit=_("Ask for approval"),
        with_version=False,
    )


@object_page
def decide_approval(request: HttpRequest, case_id: int, approval_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id)
    approval = get_approval_for(actor, case, approval_id)
    form = case_forms.DecisionForm(_posted(request))
    response = _handle(
        request,
        form,
        lambda: services.decide_approval(
            actor, approval, approve=form.cleaned_data["decision"] == "approve", reason=form.cleaned_data["reason"]
        ),
        case=case,
        anchor="approvals",
        done=_("The decision has been saved."),
    )
    if response is None and request.method != "POST":
        _read(actor, case, "decide_approval")
    title = _("Decide: %(kind)s") % {"kind": approval.get_kind_display()}
    return response or _form_page(request, case, form, title=title, submit=_("Save the decision"), anchor="approvals")


# --- closure -------------------------------------------------------------------------------------


@object_page
def close_case(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    form = case_forms.CloseForm(_posted(request), initial={"version": case.version})
    if request.method != "POST":
        _read(actor, case, "close")
    response = _handle(
        request,
        form,
        lambda: services.close_case(
            actor,
            case,
            reason=form.cleaned_data["reason"],
            goal_attainment=form.cleaned_data["goal_attainment"],
            feedback=form.cleaned_data["feedback"],
            barriers=form.barriers(),
            version=form.cleaned_data["version"],
        ),
        case=case,
        anchor="closure",
        done=_("The case has been closed."),
    )
    context = {"case": case, "form": form, "blockers": services.closure_blockers(case) if not case.is_closed else []}
    return response or render(request, "cases/close.html", context)


@object_page
def reopen_case(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if request.method == "POST":
        form = case_forms.VersionForm(request.POST)
        if form.is_valid():
            try:
                services.reopen_case(actor, case, version=form.cleaned_data["version"])
            except CaseError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("The case has been reopened."))
        return _to_case(case)
    _read(actor, case, "reopen")
    return _confirm(
        request,
        case,
        title=_("Reopen the case"),
        question=_("Reopen the case? It goes back to monitoring."),
        blockers=[] if case.is_closed else [_("This case is not closed.")],
        submit=_("Reopen"),
    )
