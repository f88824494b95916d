"""Case types with template tasks (coordinators), an organisation's approval settings (team
leads), and how the approval guards combine both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from ankommen.audit.models import AuditEntry
from ankommen.cases import case_types, services
from ankommen.cases.models import CaseType, CaseTypeTask, OrganisationCaseSettings
from ankommen.cases.services import CaseError
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def test_coordinators_manage_case_types_with_template_tasks(world: World, actor, person) -> None:
    coordinator = world.memberships["coordinator"]
    for persona in ("case_manager_a", "team_lead_a", "dpo"):
        with pytest.raises(PermissionDenied):
            case_types.create_case_type(world.memberships[persona], {"name": "x"})
    kind = case_types.create_case_type(
        coordinator, {"name": "Familien – Bleiberecht", "requires_plan_approval": True, "is_active": True}
    )
    with pytest.raises(CaseError, match="already a case type"):
        case_types.create_case_type(coordinator, {"name": "familien – bleiberecht"})
    task = case_types.add_template_task(
        coordinator, kind, {"title": "Erstgespräch", "phase": "intake", "offset_days": 5, "responsible": "case_manager"}
    )
    with pytest.raises(CaseError, match="phase"):
        case_types.add_template_task(
            coordinator, kind, {"title": "x", "phase": "closed", "offset_days": 1, "responsible": "case_manager"}
        )
    case = services.open_case(actor, case_type=kind, participant=person)
    created = case.tasks.get()
    assert (created.title, created.due_on, created.assignee) == (
        "Erstgespräch",
        timezone.localdate() + dt.timedelta(days=5),
        actor.user,
    )
    # Changing a template leaves tasks already created alone; stale forms are refused.
    case_types.update_template_task(coordinator, task, {"title": "Erstgespräch mit Dolmetschung"}, version=1)
    assert case.tasks.get().title == "Erstgespräch"
    with pytest.raises(CaseError, match="Someone else changed"):
        case_types.update_template_task(coordinator, task, {"offset_days": 9}, version=1)
    case_types.remove_template_task(coordinator, task)
    assert case.tasks.get().template is None
    # Deactivated: no new cases of this type.
    kind = case_types.update_case_type(coordinator, kind, {"is_active": False}, version=kind.version)
    services.close_case(actor, case, reason="moved_away")
    with pytest.raises(CaseError, match="cannot be used"):
        services.open_case(actor, case_type=kind, participant=person)
    actions = list(AuditEntry.objects.filter(action__startswith="case_type.").values_list("action", flat=True))
    assert {
        "case_type.created",
        "case_type.task_added",
        "case_type.task_changed",
        "case_type.task_removed",
        "case_type.deactivated",
    } <= set(actions)
    # The other network's coordinator does not reach our case types.
    with pytest.raises(PermissionDenied):
        case_types.update_case_type(world.memberships["outsider"], kind, {"name": "x"}, version=None)


def test_case_type_screens(world: World, actor) -> None:
    client = world.client_for("coordinator")
    response = client.post(
        reverse("cases:add_type"),
        {"name": "ZUE – Orientierung", "description": "Kurz", "target_group": "ZUE", "is_active": "on"},
    )
    kind = CaseType.objects.get()
    assert response["Location"] == reverse("cases:type", args=[kind.pk])
    client.post(
        reverse("cases:add_type_task", args=[kind.pk]),
        {"title": "Orientierungsgespräch", "phase": "intake", "offset_days": 3, "responsible": "case_manager"},
    )
    task = CaseTypeTask.objects.get()
    page = client.get(reverse("cases:type", args=[kind.pk])).content.decode()
    assert "Orientierungsgespräch" in page
    response = client.post(
        reverse("cases:edit_type_task", args=[kind.pk, task.pk]),
        {
            "title": "Orientierungsgespräch",
            "phase": "planning",
            "offset_days": 7,
            "responsible": "case_manager",
            "version": task.version,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.phase, task.offset_days) == ("planning", 7)
    response = client.post(
        reverse("cases:edit_type", args=[kind.pk]),
        {"name": "ZUE – Orientierung", "requires_closure_approval": "on", "version": kind.version},
    )
    kind.refresh_from_db()
    assert (kind.is_active, kind.requires_closure_approval) == (False, True)
    assert "ZUE – Orientierung" in client.get(reverse("cases:types")).content.decode()
    client.post(reverse("cases:remove_type_task", args=[kind.pk, task.pk]))
    assert not CaseTypeTask.objects.exists()
    # Names are unique per network: the form shows the refusal.
    CaseType.objects.create(network=world.network, name="Andere")
    response = client.post(reverse("cases:edit_type", args=[kind.pk]), {"name": "Andere", "version": kind.version})
    assert response.status_code == 200 and CaseType.objects.filter(name="Andere").count() == 1


def test_the_organisation_can_ask_for_approvals_in_addition_to_the_case_type(
    world: World, actor, case_type, person
) -> None:
    """An approval is needed if the case type or the owning organisation asks for it."""
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.update_intake(actor, case, {"consent_recorded": True}, version=None)
    case = services.advance_phase(actor, case)
    services.save_assessment(actor, case, "housing", {"needs": "x"})
    case = services.advance_phase(actor, case)
    services.add_goal(actor, case, {"text": "Wohnung", "domain": "housing", "target_date": dt.date(2027, 1, 1)})
    with pytest.raises(PermissionDenied):  # case managers do not set it
        case_types.update_case_settings(actor, {"requires_plan_approval": True}, version=None)
    team_lead = world.memberships["team_lead_a"]
    settings = case_types.update_case_settings(
        team_lead, {"requires_plan_approval": True, "requires_closure_approval": True}, version=None
    )
    assert settings.updated_by == team_lead.user
    with pytest.raises(CaseError, match="approval of the plan"):
        services.advance_phase(actor, case)
    approval = services.request_approval(actor, case, "plan")
    services.decide_approval(team_lead, approval, approve=True)
    case = services.advance_phase(actor, case)
    with pytest.raises(CaseError, match="approval of the closure"):
        services.close_case(actor, case, reason="goals_reached")
    # Another organisation's settings do not apply to A's cases.
    assert OrganisationCaseSettings.objects.get().organisation == actor.organisation
    with pytest.raises(CaseError, match="Someone else changed"):
        case_types.update_case_settings(team_lead, {"requires_closure_approval": False}, version=1)
    case_types.update_case_settings(team_lead, {"requires_closure_approval": False}, version=settings.version)
    assert services.close_case(actor, case, reason="goals_reached").is_closed
    assert AuditEntry.objects.filter(action="case.settings_changed").count() == 2


def test_settings_screen_for_team_leads(world: World, actor) -> None:
    client = world.client_for("team_lead_a")
    page = client.get(reverse("cases:settings")).content.decode()
    assert "Wohlfahrt A" in page
    response = client.post(reverse("cases:settings"), {"requires_plan_approval": "on", "version": 1})
    assert response.status_code == 302
    assert OrganisationCaseSettings.objects.get().requires_plan_approval
    assert world.client_for("case_manager_a").get(reverse("cases:settings")).status_code == 403
