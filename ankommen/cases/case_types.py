"""Case types with their template tasks (managed by the network coordinators) and the case
settings of an organisation (set by its team leads).

A case type is network-wide: its template tasks are created when a case of the type enters a
phase, and its two flags say whether plans and closures of its cases need a team lead's
approval. An organisation may ask for these approvals for all its cases in addition
(``OrganisationCaseSettings``; ``services.approval_requirements`` combines both). Case types
are never deleted, only deactivated: cases keep pointing at them. No case content here, so the
audit entries carry no data subject.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases.choices import Phase, ResponsibleParty
from ankommen.cases.models import CaseType, CaseTypeTask, OrganisationCaseSettings
from ankommen.cases.services import CaseError, _changed
from ankommen.network.models import Membership

CASE_TYPE_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "target_group",
    "requires_plan_approval",
    "requires_closure_approval",
    "is_active",
)
TEMPLATE_TASK_FIELDS: tuple[str, ...] = ("title", "phase", "offset_days", "responsible")
SETTINGS_FIELDS: tuple[str, ...] = ("requires_plan_approval", "requires_closure_approval")
NAME_TAKEN = _("There is already a case type with this name.")
STALE = _(
    "Someone else changed this in the meantime. Your changes were not saved. Reload the page to see "
    "the current data, then make your change again."
)


# --- access ----------------------------------------------------------------------------------


def _require_manager(actor: Membership) -> None:
    if not actor.is_active or not actor.has_perm("cases.manage_types"):
        raise PermissionDenied


def managed_case_types(actor: Membership) -> QuerySet[CaseType]:
    """The network's case types with the number of template tasks and cases (coordinators)."""
    if not actor.is_active or not actor.has_perm("cases.manage_types"):
        return CaseType.objects.none()
    return CaseType.objects.filter(network=actor.network_id).annotate(
        task_count=Count("template_tasks", distinct=True), case_count=Count("cases", distinct=True)
    )


def get_case_type_for(actor: Membership, case_type_id: int | str) -> CaseType:
    """A case type of the actor's network, for those who manage case types (404 otherwise)."""
    try:
        return managed_case_types(actor).get(pk=int(case_type_id))
    except (CaseType.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_template_task_for(actor: Membership, case_type: CaseType, task_id: int | str) -> CaseTypeTask:
    """A template task of a case type the actor already reached (404 otherwise)."""
    try:
        task = case_type.template_tasks.get(pk=int(task_id))
    except (CaseTypeTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    task.case_type = case_type
    return task


# --- case types ------------------------------------------------------------------------------


def _check_version(obj: CaseType | CaseTypeTask | OrganisationCaseSettings, version: int | None) -> None:
    if version is not None and version != obj.version:
        raise CaseError(STALE, code="stale")


def _check_name(actor: Membership, name: str, exclude: int | None = None) -> None:
    clash = CaseType.objects.filter(network=actor.network_id, name__iexact=name.strip())
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise CaseError({"name": NAME_TAKEN})


def create_case_type(actor: Membership, values: Mapping[str, Any]) -> CaseType:
    _require_manager(actor)
    with transaction.atomic():
        _check_name(actor, values.get("name", ""))
        case_type = CaseType(network_id=actor.network_id)
        _changed(case_type, values, CASE_TYPE_FIELDS)
        case_type.name = case_type.name.strip()
        try:
            with transaction.atomic():
                case_type.save()
        except IntegrityError:
            raise CaseError({"name": NAME_TAKEN}) from None
        log_action(
            actor,
            "case_type.created",
            case_type,
            data={
                "case_type": case_type.pk,
                "requires_plan_approval": case_type.requires_plan_approval,
                "requires_closure_approval": case_type.requires_closure_approval,
            },
        )
    return case_type


def update_case_type(
    actor: Membership, case_type: CaseType, values: Mapping[str, Any], *, version: int | None
) -> CaseType:
    """Change a case type; switching ``is_active`` off deactivates it (no new cases of this type)."""
    _require_manager(actor)
    with transaction.atomic():
        current = CaseType.objects.select_for_update().filter(pk=case_type.pk, network=actor.network_id).first()
        if current is None:
            raise PermissionDenied
        _check_version(current, version)
        if "name" in values:
            _check_name(actor, values["name"], exclude=current.pk)
        changed = _changed(current, values, CASE_TYPE_FIELDS)
        if changed:
            current.version += 1
            try:
                with transaction.atomic():
                    current.save(update_fields=[*changed, "version"])
            except IntegrityError:
                raise CaseError({"name": NAME_TAKEN}) from None
            action = "case_type.changed"
            if "is_active" in changed:
                action = "case_type.activated" if current.is_active else "case_type.deactivated"
            log_action(actor, action, current, data={"case_type": current.pk, "fields": changed})
    return current


def _clean_task(values: Mapping[str, Any], *, partial: bool = False) -> None:
    """The phase (not "closed": nothing is created there) and the responsible party; a change
    (``partial``) checks only what it changes."""
    if (not partial or "phase" in values) and values.get("phase") not in [p for p in Phase.values if p != Phase.CLOSED]:
        raise CaseError({"phase": _("Please choose the phase in which the task is created.")})
    if (not partial or "responsible" in values) and values.get("responsible") not in ResponsibleParty.values:
        raise CaseError({"responsible": _("Please choose who is responsible.")})
    if not partial and not str(values.get("title") or "").strip():
        raise CaseError({"title": _("Please give the task a title.")})


def add_template_task(actor: Membership, case_type: CaseType, values: Mapping[str, Any]) -> CaseTypeTask:
    _require_manager(actor)
    _clean_task(values)
    with transaction.atomic():
        current = CaseType.objects.select_for_update().filter(pk=case_type.pk, network=actor.network_id).first()
        if current is None:
            raise PermissionDenied
        task = CaseTypeTask(network_id=actor.network_id, case_type=current)
        _changed(task, values, TEMPLATE_TASK_FIELDS)
        task.save()
        log_action(
            actor,
            "case_type.task_added",
            task,
            data={"case_type": current.pk, "phase": task.phase, "offset_days": task.offset_days},
        )
    return task


def update_template_task(
    actor: Membership, task: CaseTypeTask, values: Mapping[str, Any], *, version: int | None
) -> CaseTypeTask:
    """Change a template task. Tasks already created in cases stay as they are."""
    _require_manager(actor)
    _clean_task(values, partial=True)
    with transaction.atomic():
        current = (
            CaseTypeTask.objects.select_for_update()
            .filter(pk=task.pk, case_type=task.case_type_id, network=actor.network_id)
            .first()
        )
        if current is None:
            raise PermissionDenied
        _check_version(current, version)
        changed = _changed(current, values, TEMPLATE_TASK_FIELDS)
        if changed:
            current.version += 1
            current.save(update_fields=[*changed, "version"])
            log_action(
                actor,
                "case_type.task_changed",
                current,
                data={"case_type": current.case_type_id, "fields": changed},
            )
    return current


def remove_template_task(actor: Membership, task: CaseTypeTask) -> None:
    """Remove a template task. Tasks already created from it in cases stay (without the link)."""
    _require_manager(actor)
    with transaction.atomic():
        current = (
            CaseTypeTask.objects.select_for_update()
            .filter(pk=task.pk, case_type=task.case_type_id, network=actor.network_id)
            .first()
        )
        if current is None:
            raise CaseError(_("This template task has already been removed."))
        log_action(actor, "case_type.task_removed", current, data={"case_type": current.case_type_id})
        current.delete()


# --- settings of an organisation -------------------------------------------------------------


def case_settings_of(actor: Membership) -> OrganisationCaseSettings:
    """The actor's organisation's case settings (unsaved defaults if never set)."""
    found = OrganisationCaseSettings.objects.filter(
        network=actor.network_id, organisation=actor.organisation_id
    ).first()
    return found or OrganisationCaseSettings(network_id=actor.network_id, organisation_id=actor.organisation_id)


def update_case_settings(
    actor: Membership, values: Mapping[str, Any], *, version: int | None
) -> OrganisationCaseSettings:
    """A team lead sets whether plans and closures of the organisation's cases need approval.
    Applies to cases in progress from now on (the phase guards read it on every check)."""
    if not actor.is_active or not actor.has_perm("cases.configure"):
        raise PermissionDenied
    with transaction.atomic():
        current = (
            OrganisationCaseSettings.objects.select_for_update()
            .filter(network=actor.network_id, organisation=actor.organisation_id)
            .first()
        )
        if current is None:
            current, _created = OrganisationCaseSettings.objects.get_or_create(
                network_id=actor.network_id, organisation_id=actor.organisation_id
            )
            if version not in (None, 1):
                raise CaseError(STALE, code="stale")
        else:
            _check_version(current, version)
        changed = _changed(current, values, SETTINGS_FIELDS)
        if changed:
            current.version += 1
            current.updated_by = actor.user
            current.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
            log_action(
                actor,
                "case.settings_changed",
                current,
                data={name: getattr(current, name) for name in SETTINGS_FIELDS} | {"fields": changed},
            )
    return current
