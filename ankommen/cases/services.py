"""State changes of cases: open, the phases and their guards, assessment, plan, monitoring,
tasks, appointments, co-workers, approvals, closure and reopening. Transfers to another
organisation are in ``transfers.py``, case types and organisation settings in ``case_types.py``.

Each function takes the acting membership first, checks that it may work on cases of the
owning organisation (``rules.cases.change_case``), runs in one transaction, writes a
``TimelineEntry`` and the audit entry (subject: the participant or household) and refuses with a
``CaseError`` whose message is translated and meant for the user. Case-level changes lock the
case row (``select_for_update``) and check its ``version`` when the form carried one, so a stale
form is refused rather than overwriting a colleague's change. Audit data holds ids, codes and
the names of changed fields, never free text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.accounts.models import User
from ankommen.audit.services import log_action
from ankommen.cases.choices import (
    ApprovalKind,
    CaseRoleKind,
    ClosureReason,
    Decision,
    GoalAttainment,
    LifeDomain,
    Phase,
    ResponsibleParty,
    StatusGroup,
    TimelineKind,
    age_band,
    next_phase,
)
from ankommen.cases.contribute import may_contribute
from ankommen.cases.models import (
    INDICATION_FIELDS,
    Appointment,
    Approval,
    AssessmentEntry,
    Case,
    CaseRole,
    CaseType,
    Goal,
    Measure,
    OrganisationCaseSettings,
    ProgressNote,
    SystemBarrier,
    Task,
    TimelineEntry,
)
from ankommen.cases.rules import check_case_rule
from ankommen.consents.choices import Purpose
from ankommen.consents.queries import valid_consents
from ankommen.core.references import highest_number, next_number
from ankommen.network.models import Membership
from ankommen.participants.choices import STATUS_GROUPS
from ankommen.participants.models import Household, Participant
from ankommen.participants.services import network_prefix


class CaseError(ValidationError):
    """A change to a case that is refused. Messages are translated and shown to the user."""


STALE_VERSION = _(
    "Someone else changed this case in the meantime. Your changes were not saved. "
    "Reload the page to see the current data, then make your change again."
)
CASE_CLOSED = _("This case is closed. Reopen it before changing it.")
REASSESSMENT_DAYS = 90
REFERENCE_DIGITS = 6

INTAKE_FIELDS: tuple[str, ...] = ("referral_source", "interpreter_needed", "interpreter_language", *INDICATION_FIELDS)
ASSESSMENT_FIELDS: tuple[str, ...] = ("needs", "resources", "risks", "deadline", "deadline_note")
GOAL_FIELDS: tuple[str, ...] = ("text", "domain", "target_date", "status")
MEASURE_FIELDS: tuple[str, ...] = ("text", "responsible", "organisation_name", "due_on", "status")
APPOINTMENT_FIELDS: tuple[str, ...] = ("starts_at", "place", "with_whom", "kind", "note")


# --- helpers ---------------------------------------------------------------------------------


def _require_edit(actor: Membership, case: Case) -> None:
    if not check_case_rule("cases.change_case", actor, case):
        raise PermissionDenied


def _require_open(case: Case) -> None:
    if case.is_closed:
        raise CaseError(CASE_CLOSED)


def _locked(actor: Membership, case: Case) -> Case:
    """The case row, locked for this transaction, after the access check."""
    current = (
        Case.objects.select_for_update(of=("self",))
        .select_related("case_type", "participant", "household")
        .filter(pk=case.pk, network=actor.network_id, organisation=actor.organisation_id)
        .first()
    )
    if current is None:
        raise PermissionDenied
    _require_edit(actor, current)
    return current


def _check_version(case: Case, version: int | None) -> None:
    if version is not None and version != case.version:
        raise CaseError(STALE_VERSION, code="stale")


def _save_case(case: Case, fields: Iterable[str]) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _timeline(actor: Membership, case: Case, entry_kind: str, key: str, /, **params: Any) -> TimelineEntry:
    return TimelineEntry.objects.create(
        network_id=case.network_id,
        case=case,
        at=timezone.now(),
        kind=entry_kind,
        text_key=key,
        params=params,
        actor=actor.user,
    )


def _audit(actor: Membership, action: str, case: Case, target: Model | None = None, **data: Any) -> None:
    log_action(actor, action, target or case, subject=case.audit_subject, data={"case": case.pk, **data})


def _changed(obj: Model, values: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


def _next_reference(network_id: int, prefix: str) -> str:
    """The next case reference of the network, from its locked counter (``core.references``)."""

    def current_max() -> int:
        existing = Case.objects.filter(network=network_id, reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        return highest_number(list(existing), prefix)

    number = next_number(network_id, f"cases.case:{prefix}", start=current_max)
    return f"{prefix}{number:0{REFERENCE_DIGITS}d}"


def _create_template_tasks(actor: Membership, case: Case, phase: str, start: dt.date) -> list[Task]:
    """The case type's template tasks of ``phase``, due their offset after ``start``."""
    created = []
    for template in case.case_type.template_tasks.filter(phase=phase).order_by("offset_days", "pk"):
        task = Task.objects.create(
            network_id=case.network_id,
            case=case,
            title=template.title,
            due_on=start + dt.timedelta(days=template.offset_days),
            responsible=template.responsible,
            assignee_id=case.lead_id if template.responsible == ResponsibleParty.CASE_MANAGER else None,
            template=template,
        )
        _timeline(actor, case, TimelineKind.TASK, "task_created_from_template", title=template.title)
        created.append(task)
    return created


def _staff_of(actor: Membership, user: User, permission: str, organisation_id: int | None = None) -> bool:
    """The user holds an active role with ``permission`` in the organisation (default: the actor's)."""
    memberships = Membership.objects.filter(
        network=actor.network_id,
        organisation=organisation_id or actor.organisation_id,
        user=user.pk,
        is_active=True,
        organisation__is_active=True,
    )
    return any(m.has_perm(permission) for m in memberships)


def _require_contribution(actor: Membership, case: Case, part: str) -> None:
    """The owning organisation's case staff, or an active co-worker of another organisation whose
    consent covers ``part`` ("tasks", "appointments", "notes"); see ``contribute.py``."""
    if not may_contribute(actor, case, part):
        raise PermissionDenied
    _require_open(case)


def _is_owner(actor: Membership, case: Case) -> bool:
    return case.organisation_id == actor.organisation_id


# --- open ------------------------------------------------------------------------------------


def open_case(
    actor: Membership,
    *,
    case_type: CaseType,
    participant: Participant | None = None,
    household: Household | None = None,
    lead: User | None = None,
    opened_on: dt.date | None = None,
    referral_source: str = "",
    interpreter_needed: bool = False,
    interpreter_language: str = "",
) -> Case:
    """Open a case for a participant or a household of the actor's organisation, with the case
    type's intake tasks."""
    if not actor.has_perm("cases.edit"):
        raise PermissionDenied
    if (participant is None) == (household is None):
        raise CaseError(_("A case is for one person or for one household."))
    subject: Participant | Household = participant if participant is not None else household  # type: ignore[assignment]
    if subject.network_id != actor.network_id or subject.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if isinstance(subject, Participant) and subject.merged_into_id is not None:
        raise CaseError(_("This record was merged into another one."))
    if case_type.network_id != actor.network_id or not case_type.is_active:
        raise CaseError({"case_type": _("This case type cannot be used.")})
    lead = lead or actor.user
    if not _staff_of(actor, lead, "cases.edit"):
        raise CaseError({"lead": _("The lead case manager must work on cases in your organisation.")})
    opened_on = opened_on or timezone.localdate()
    with transaction.atomic():
        duplicate = Case.objects.filter(
            network=actor.network_id, participant=participant, household=household, case_type=case_type
        ).exclude(phase=Phase.CLOSED)
        if duplicate.exists():
            raise CaseError(_("There is already an open case of this type for this person or household."))
        prefix = f"{network_prefix(actor.network.slug)}-F"
        case = Case.objects.create(
            network_id=actor.network_id,
            organisation_id=actor.organisation_id,
            participant=participant,
            household=household,
            case_type=case_type,
            lead=lead,
            reference=_next_reference(actor.network_id, prefix),
            opened_on=opened_on,
            phase_started_on=opened_on,
            referral_source=referral_source,
            interpreter_needed=interpreter_needed,
            interpreter_language=interpreter_language,
            created_by=actor.user,
        )
        _timeline(actor, case, TimelineKind.PHASE, "opened")
        tasks = _create_template_tasks(actor, case, Phase.INTAKE, opened_on)
        _audit(actor, "case.opened", case, case_type=case_type.pk, tasks=[t.pk for t in tasks])
    return case


def update_intake(actor: Membership, case: Case, values: Mapping[str, Any], *, version: int | None) -> Case:
    """Referral source, interpreter need and the indication checklist (phase 1)."""
    with transaction.atomic():
        case = _locked(actor, case)
        _check_version(case, version)
        _require_open(case)
        changed = _changed(case, values, INTAKE_FIELDS)
        if changed:
            _save_case(case, changed)
            _timeline(actor, case, TimelineKind.INTAKE, "intake_updated")
            _audit(actor, "case.intake_updated", case, fields=changed)
    return case


# --- phases ----------------------------------------------------------------------------------


def approval_requirements(case: Case) -> dict[str, bool]:
    """Which approvals the case needs: what its case type asks for, and in addition what the
    owning organisation asks for all its cases (``OrganisationCaseSettings``, ADR 0009).
    Remembered on the instance for the rest of the request (one query)."""
    cached: tuple[int, dict[str, bool]] | None = getattr(case, "_approval_requirements", None)
    if cached is not None and cached[0] == case.organisation_id:
        return cached[1]
    settings = OrganisationCaseSettings.objects.filter(
        network=case.network_id, organisation=case.organisation_id
    ).first()
    result: dict[str, bool] = {
        ApprovalKind.PLAN: case.case_type.requires_plan_approval or bool(settings and settings.requires_plan_approval),
        ApprovalKind.CLOSURE: case.case_type.requires_closure_approval
        or bool(settings and settings.requires_closure_approval),
    }
    case._approval_requirements = (case.organisation_id, result)  # type: ignore[attr-defined]
    return result


def approval_required(case: Case, kind: str) -> bool:
    return bool(approval_requirements(case).get(kind, False))


def phase_blockers(case: Case, target: str) -> list[str]:
    """Why the case cannot move on to ``target`` yet (empty: it can). Shown on the case page."""
    problems: list[str] = []
    if target == Phase.ASSESSMENT and not case.consent_recorded:
        problems.append(str(_("The consent to case management has not been recorded in the intake checklist.")))
    if target == Phase.PLANNING and not case.assessment.exists():
        problems.append(str(_("No life domain has been assessed yet.")))
    if target == Phase.IMPLEMENTATION:
        if not case.goals.filter(target_date__isnull=False).exists():
            problems.append(str(_("The plan has no goal with a target date yet.")))
        if approval_required(case, ApprovalKind.PLAN) and not _approved(case, ApprovalKind.PLAN):
            problems.append(str(_("This case needs a team lead's approval of the plan.")))
    return problems


def closure_blockers(case: Case) -> list[str]:
    problems: list[str] = []
    if approval_required(case, ApprovalKind.CLOSURE) and not _approved(case, ApprovalKind.CLOSURE):
        problems.append(str(_("This case needs a team lead's approval of the closure.")))
    return problems


def _approved(case: Case, kind: str) -> bool:
    return case.approvals.filter(kind=kind, decision=Decision.APPROVED, superseded=False).exists()


def advance_phase(actor: Membership, case: Case, *, version: int | None = None) -> Case:
    """Move the case to the next phase (closing has its own service) if the guards allow it;
    creates the case type's tasks of the new phase."""
    with transaction.atomic():
        case = _locked(actor, case)
        _check_version(case, version)
        _require_open(case)
        target = next_phase(case.phase)
        if target is None:
            raise CaseError(_("From monitoring a case is closed with the closure form."))
        problems = phase_blockers(case, target)
        if problems:
            raise CaseError(problems)
        previous = case.phase
        today = timezone.localdate()
        case.phase = target
        case.phase_started_on = today
        fields = ["phase", "phase_started_on"]
        if target == Phase.MONITORING and case.reassessment_due_on is None:
            case.reassessment_due_on = today + dt.timedelta(days=REASSESSMENT_DAYS)
            fields.append("reassessment_due_on")
        _save_case(case, fields)
        _timeline(actor, case, TimelineKind.PHASE, "phase_changed", from_phase=previous, to_phase=target)
        tasks = _create_template_tasks(actor, case, target, today)
        _audit(actor, "case.phase_changed", case, from_phase=previous, to_phase=target, tasks=[t.pk for t in tasks])
    return case


def schedule_reassessment(actor: Membership, case: Case, due_on: dt.date, *, version: int | None = None) -> Case:
    with transaction.atomic():
        case = _locked(actor, case)
        _check_version(case, version)
        _require_open(case)
        case.reassessment_due_on = due_on
        _save_case(case, ["reassessment_due_on"])
        _timeline(actor, case, TimelineKind.PHASE, "reassessment_scheduled")
        _audit(actor, "case.reassessment_scheduled", case, due_on=due_on)
    return case


# --- approvals -------------------------------------------------------------------------------


def request_approval(actor: Membership, case: Case, kind: str) -> Approval:
    with transaction.atomic():
        case = _locked(actor, case)
        _require_open(case)
        if kind not in ApprovalKind.values:
            raise CaseError(_("Unknown kind of approval."))
        if not approval_required(case, kind):
            raise CaseError(
                _("This case does not need this approval: neither its case type nor your organisation asks for it.")
            )
        if kind == ApprovalKind.PLAN and case.phase != Phase.PLANNING:
            raise CaseError(_("A plan is approved in the planning phase."))
        if kind == ApprovalKind.CLOSURE and case.phase not in (Phase.IMPLEMENTATION, Phase.MONITORING):
            raise CaseError(_("A closure can be requested once the plan is being implemented."))
        open_requests = case.approvals.filter(kind=kind, superseded=False).exclude(decision=Decision.REJECTED)
        if open_requests.exists():
            raise CaseError(_("This approval has already been requested or given."))
        approval = Approval.objects.create(
            network_id=case.network_id, case=case, kind=kind, requested_by=actor.user, requested_at=timezone.now()
        )
        _timeline(actor, case, TimelineKind.APPROVAL, "approval_requested", kind=kind)
        _audit(actor, "case.approval_requested", case, approval, kind=kind)
    return approval


def decide_approval(actor: Membership, approval: Approval, *, approve: bool, reason: str = "") -> Approval:
    """A team lead of the owning organisation, other than the requester, approves or rejects."""
    with transaction.atomic():
        current = Approval.objects.select_for_update().filter(pk=approval.pk, network=actor.network_id).first()
        if current is None:
            raise PermissionDenied
        current.case = approval.case if approval.case_id == current.case_id else current.case
        if not check_case_rule("cases.decide_approval", actor, current):
            raise PermissionDenied
        if current.decision != Decision.PENDING or current.superseded:
            raise CaseError(_("This request has already been decided."))
        if not approve and not reason.strip():
            raise CaseError({"reason": _("Please give a reason for the rejection.")})
        case = current.case
        _require_open(case)
        current.decision = Decision.APPROVED if approve else Decision.REJECTED
        current.decided_by = actor.user
        current.decided_at = timezone.now()
        current.reason = reason.strip()
        current.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
        _timeline(actor, case, TimelineKind.APPROVAL, "approval_decided", kind=current.kind, decision=current.decision)
        _audit(actor, "case.approval_decided", case, current, kind=current.kind, decision=current.decision)
    return current


# --- assessment, plan, monitoring ------------------------------------------------------------


def _open_case_for_change(actor: Membership, case: Case) -> None:
    _require_edit(actor, case)
    _require_open(case)


def save_assessment(actor: Membership, case: Case, domain: str, values: Mapping[str, Any]) -> AssessmentEntry:
    if domain not in LifeDomain.values:
        raise CaseError(_("Unknown life domain."))
    with transaction.atomic():
        case = _locked(actor, case)
        _require_open(case)
        entry = case.assessment.filter(domain=domain).first()
        created = entry is None
        if entry is None:
            entry = AssessmentEntry(network_id=case.network_id, case=case, domain=domain)
        changed = _changed(entry, values, ASSESSMENT_FIELDS)
        if created or changed:
            entry.save()
            _timeline(actor, case, TimelineKind.ASSESSMENT, "assessment_saved", domain=domain)
            _audit(actor, "case.assessment_saved", case, entry, domain=domain, fields=changed)
            from ankommen.dashboard.needs import record_from_assessment  # recorded needs ([G], ADR 0017)

            record_from_assessment(case, entry, renewed=created or "needs" in changed)
    return entry


def _plan_changed(actor: Membership, case: Case) -> None:
    """A change to goals or measures while planning: an earlier plan approval (or pending request)
    no longer covers the plan, so it must be asked for again."""
    if case.phase != Phase.PLANNING:
        return
    approvals = case.approvals.filter(kind=ApprovalKind.PLAN, superseded=False).exclude(decision=Decision.REJECTED)
    if approvals.update(superseded=True):
        _timeline(actor, case, TimelineKind.APPROVAL, "plan_approval_superseded")


def add_goal(actor: Membership, case: Case, values: Mapping[str, Any]) -> Goal:
    with transaction.atomic():
        _open_case_for_change(actor, case)
        goal = Goal(network_id=case.network_id, case=case)
        _changed(goal, values, GOAL_FIELDS)
        goal.save()
        _timeline(actor, case, TimelineKind.PLAN, "goal_added", domain=goal.domain)
        _plan_changed(actor, case)
        _audit(actor, "case.goal_added", case, goal, domain=goal.domain)
    return goal


def update_goal(actor: Membership, goal: Goal, values: Mapping[str, Any]) -> Goal:
    case = goal.case
    with transaction.atomic():
        _open_case_for_change(actor, case)
        changed = _changed(goal, values, GOAL_FIELDS)
        if changed:
            goal.save(update_fields=changed)
            _timeline(actor, case, TimelineKind.PLAN, "goal_changed", domain=goal.domain)
            _plan_changed(actor, case)
            _audit(actor, "case.goal_changed", case, goal, fields=changed, status=goal.status)
    return goal


def add_measure(actor: Membership, goal: Goal, values: Mapping[str, Any]) -> Measure:
    case = goal.case
    with transaction.atomic():
        _open_case_for_change(actor, case)
        measure = Measure(network_id=case.network_id, goal=goal)
        _changed(measure, values, MEASURE_FIELDS)
        measure.save()
        _timeline(actor, case, TimelineKind.PLAN, "measure_added")
        _plan_changed(actor, case)
        _audit(actor, "case.measure_added", case, measure, goal=goal.pk, responsible=measure.responsible)
    return measure


def update_measure(actor: Membership, measure: Measure, values: Mapping[str, Any]) -> Measure:
    case = measure.goal.case
    with transaction.atomic():
        _open_case_for_change(actor, case)
        changed = _changed(measure, values, MEASURE_FIELDS)
        if changed:
            measure.save(update_fields=changed)
            _timeline(actor, case, TimelineKind.PLAN, "measure_changed")
            _plan_changed(actor, case)
            _audit(actor, "case.measure_changed", case, measure, fields=changed, status=measure.status)
    return measure


def add_progress_note(actor: Membership, goal: Goal, values: Mapping[str, Any]) -> ProgressNote:
    """The owning organisation's staff, or an active co-worker of another organisation whose
    consent covers the plan and the notes."""
    case = goal.case
    with transaction.atomic():
        _require_contribution(actor, case, "notes")
        note = ProgressNote.objects.create(
            network_id=case.network_id,
            goal=goal,
            written_on=values.get("written_on") or timezone.localdate(),
            text=values["text"],
            author=actor.user,
        )
        _timeline(actor, case, TimelineKind.NOTE, "note_added")
        _audit(actor, "case.note_added", case, note, goal=goal.pk)
    return note


# --- tasks, appointments, co-workers ---------------------------------------------------------


def add_task(actor: Membership, case: Case, *, title: str, due_on: dt.date, assignee: User | None = None) -> Task:
    """Staff of the owning organisation give tasks to their colleagues (or to nobody); a co-worker
    of another organisation adds tasks for themselves only."""
    with transaction.atomic():
        _require_contribution(actor, case, "tasks")
        if not _is_owner(actor, case):
            if assignee is not None and assignee.pk != actor.user_id:
                raise CaseError({"assignee": _("You can add tasks for yourself only.")})
            assignee = actor.user
        elif assignee is not None and not _staff_of(actor, assignee, "cases.edit"):
            raise CaseError({"assignee": _("Tasks can be given to case staff of your organisation only.")})
        task = Task.objects.create(network_id=case.network_id, case=case, title=title, due_on=due_on, assignee=assignee)
        _timeline(actor, case, TimelineKind.TASK, "task_added", title=title)
        _audit(actor, "case.task_added", case, task, assignee=assignee.pk if assignee else None)
    return task


def complete_task(actor: Membership, task: Task) -> Task:
    """Staff of the owning organisation complete any task; a co-worker of another organisation
    only the tasks assigned to them."""
    case = task.case
    with transaction.atomic():
        _require_contribution(actor, case, "tasks")
        current = Task.objects.select_for_update().filter(pk=task.pk, case=case.pk).first()
        if current is None:
            raise PermissionDenied
        if not _is_owner(actor, case) and current.assignee_id != actor.user_id:
            raise PermissionDenied
        if current.done_at is not None:
            raise CaseError(_("This task is already done."))
        current.done_at = timezone.now()
        current.done_by = actor.user
        current.save(update_fields=["done_at", "done_by"])
        _timeline(actor, case, TimelineKind.TASK, "task_done", title=current.title)
        _audit(actor, "case.task_done", case, current)
    return current


def add_appointment(actor: Membership, case: Case, values: Mapping[str, Any]) -> Appointment:
    """Like tasks: a co-worker of another organisation adds appointments they attend themselves."""
    with transaction.atomic():
        _require_contribution(actor, case, "appointments")
        assignee: User | None = values.get("assignee")
        if not _is_owner(actor, case):
            if assignee is not None and assignee.pk != actor.user_id:
                raise CaseError({"assignee": _("You can add appointments for yourself only.")})
            assignee = actor.user
        elif assignee is not None and not _staff_of(actor, assignee, "cases.edit"):
            raise CaseError({"assignee": _("Appointments can be given to case staff of your organisation only.")})
        appointment = Appointment(network_id=case.network_id, case=case, assignee=assignee, created_by=actor.user)
        _changed(appointment, values, APPOINTMENT_FIELDS)
        appointment.save()
        _timeline(actor, case, TimelineKind.APPOINTMENT, "appointment_added")
        _audit(
            actor,
            "case.appointment_added",
            case,
            appointment,
            kind=appointment.kind,
            assignee=assignee.pk if assignee else None,
        )
    return appointment


def cooperation_in_force(case: Case, organisation_id: int) -> bool:
    """A consent for cooperation in force for this case names the organisation."""
    return valid_consents(
        network_id=case.network_id, purpose=Purpose.COOPERATION, recipient_id=organisation_id, case_id=case.pk
    ).exists()


def _may_join(actor: Membership, case: Case, user: User, organisation_id: int) -> bool:
    """Who may be given a role in a case: case staff (``cases.view``) of the owning organisation,
    or a case manager or team lead (``cases.edit``) of another organisation of the network while
    a consent for cooperation in force for this case names that organisation."""
    if organisation_id == case.organisation_id:
        return _staff_of(actor, user, "cases.view", case.organisation_id)
    return _staff_of(actor, user, "cases.edit", organisation_id) and cooperation_in_force(case, organisation_id)


def add_case_role(
    actor: Membership,
    case: Case,
    user: User,
    kind: str = CaseRoleKind.CO_WORKER,
    *,
    organisation_id: int | None = None,
) -> CaseRole:
    """Add a co-worker (or deputy); ``organisation_id``: the organisation they work for in this
    case (default: the owning organisation)."""
    if kind not in CaseRoleKind.values:
        raise CaseError(_("Unknown case role."))
    with transaction.atomic():
        _open_case_for_change(actor, case)
        organisation_id = organisation_id or case.organisation_id
        if user.pk == case.lead_id or case.roles.filter(user=user.pk).exists():
            raise CaseError({"user": _("This person already works on the case.")})
        if not _may_join(actor, case, user, organisation_id):
            if organisation_id == case.organisation_id:
                raise CaseError({"user": _("This person does not work on cases in your organisation.")})
            raise CaseError(
                {
                    "user": _(
                        "Staff of another organisation can join only while the participant's consent to "
                        "cooperation names their organisation, and only case managers and team leads."
                    )
                }
            )
        if kind == CaseRoleKind.DEPUTY and organisation_id != case.organisation_id:
            raise CaseError({"user": _("A deputy must work for the organisation that owns the case.")})
        role = CaseRole.objects.create(
            network_id=case.network_id,
            case=case,
            user=user,
            organisation_id=organisation_id,
            kind=kind,
            added_on=timezone.localdate(),
        )
        external = organisation_id != case.organisation_id
        _timeline(actor, case, TimelineKind.ROLE, "role_added_external" if external else "role_added")
        _audit(actor, "case.role_added", case, role, user=user.pk, kind=kind, organisation=organisation_id)
    return role


def remove_case_role(actor: Membership, role: CaseRole) -> None:
    """Take a co-worker off the case (also after their consent lapsed). The timeline and the audit
    log keep that they worked on it."""
    case = role.case
    with transaction.atomic():
        _require_edit(actor, case)
        current = CaseRole.objects.select_for_update().filter(pk=role.pk, case=case.pk).first()
        if current is None:
            raise CaseError(_("This person no longer works on the case."))
        data = {"user": current.user_id, "kind": current.kind, "organisation": current.organisation_id}
        _audit(actor, "case.role_removed", case, current, **data)
        current.delete()
        _timeline(actor, case, TimelineKind.ROLE, "role_removed")


# --- closure ---------------------------------------------------------------------------------

_DATE_LIKE = re.compile(r"\d{1,2}\.\s?\d{1,2}\.(\s?\d{2,4})?|\d{4}-\d{2}-\d{2}")


def _identifying_terms(case: Case) -> list[str]:
    people = [case.participant] if case.participant_id is not None else []
    if case.household_id is not None:
        people = [m.participant for m in case.household.members.select_related("participant")]  # type: ignore[union-attr]
        people.append(case.household)  # type: ignore[arg-type]
    terms: list[str] = [case.reference]
    for person in people:
        for attr in ("given_name", "family_name", "given_name_original", "family_name_original", "reference", "name"):
            for part in str(getattr(person, attr, "") or "").split():
                if len(part) >= 3:
                    terms.append(part)
    return terms


def _check_barrier(case: Case, description: str) -> None:
    """A system barrier describes the system, not the person: refuse names, references and dates."""
    lowered = description.lower()
    if _DATE_LIKE.search(description) or any(term.lower() in lowered for term in _identifying_terms(case)):
        raise CaseError(
            {
                "barriers": _(
                    "A system barrier must not identify the person: remove names, references and dates "
                    "from the description."
                )
            }
        )


def _barrier_groups(case: Case, today: dt.date) -> tuple[str, str]:
    """Age band and status group of the person (a household: not known)."""
    if case.participant_id is None:
        return age_band(None), StatusGroup.NONE
    person = case.participant
    latest = person.statuses.filter(valid_from__lte=today).order_by("-valid_from", "-pk").first()  # type: ignore[union-attr]
    group = STATUS_GROUPS.get(latest.status, StatusGroup.NONE) if latest is not None else StatusGroup.NONE
    return age_band(person.age_on(today)), group  # type: ignore[union-attr]


def close_case(
    actor: Membership,
    case: Case,
    *,
    reason: str,
    goal_attainment: str = "",
    feedback: str = "",
    barriers: Iterable[Mapping[str, str]] = (),
    version: int | None = None,
) -> Case:
    """Close the case (phase 6) with a reason; anonymised system barriers go to their own register."""
    with transaction.atomic():
        case = _locked(actor, case)
        _check_version(case, version)
        _require_open(case)
        if reason not in ClosureReason.values:
            raise CaseError({"reason": _("Please choose why the case is closed.")})
        if goal_attainment and goal_attainment not in GoalAttainment.values:
            raise CaseError({"goal_attainment": _("Please choose a rating of the goal attainment.")})
        problems = closure_blockers(case)
        if problems:
            raise CaseError(problems)
        barrier_list = [b for b in barriers if (b.get("description") or "").strip()]
        for barrier in barrier_list:
            if barrier.get("field") not in LifeDomain.values:
                raise CaseError({"barriers": _("Please choose the life domain of each system barrier.")})
            _check_barrier(case, barrier["description"])
        today = timezone.localdate()
        previous = case.phase
        case.phase = Phase.CLOSED
        case.phase_started_on = today
        case.closed_on = today
        case.closure_reason = reason
        case.goal_attainment = goal_attainment
        case.participant_feedback = feedback
        _save_case(
            case,
            ["phase", "phase_started_on", "closed_on", "closure_reason", "goal_attainment", "participant_feedback"],
        )
        band, group = _barrier_groups(case, today)
        # No link to the case, and only the month: the register stays anonymous. The audit entry of
        # the closure counts the barriers but does not name their rows.
        SystemBarrier.objects.bulk_create(
            SystemBarrier(
                network_id=case.network_id,
                field=barrier["field"],
                age_band=band,
                status_group=group,
                description=barrier["description"].strip(),
                created_on=today.replace(day=1),
            )
            for barrier in barrier_list
        )
        from ankommen.steering.services import report_new_barriers  # the gap register's problem reports ([G])

        report_new_barriers(case.network_id)
        _timeline(actor, case, TimelineKind.PHASE, "closed", reason=reason)
        _audit(
            actor,
            "case.closed",
            case,
            from_phase=previous,
            reason=reason,
            goal_attainment=goal_attainment,
            barriers=len(barrier_list),
        )
    return case


def reopen_case(actor: Membership, case: Case, *, version: int | None = None) -> Case:
    """A closed case goes back to monitoring; earlier closure approvals no longer count."""
    with transaction.atomic():
        case = _locked(actor, case)
        _check_version(case, version)
        if not case.is_closed:
            raise CaseError(_("This case is not closed."))
        subject = case.participant if case.participant_id is not None else case.household
        if subject is not None and subject.organisation_id != case.organisation_id:
            raise CaseError(
                _(
                    "The record of this person or household now belongs to another organisation. "
                    "This case cannot be reopened here."
                )
            )
        today = timezone.localdate()
        case.phase = Phase.MONITORING
        case.phase_started_on = today
        case.closed_on = None
        case.closure_reason = ""
        case.goal_attainment = ""
        _save_case(case, ["phase", "phase_started_on", "closed_on", "closure_reason", "goal_attainment"])
        case.approvals.filter(kind=ApprovalKind.CLOSURE).update(superseded=True)
        _timeline(actor, case, TimelineKind.PHASE, "reopened")
        _audit(actor, "case.reopened", case)
    return case
