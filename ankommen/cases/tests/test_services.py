"""Service functions of cases: opening, the phases and their guards, approvals, closure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from ankommen.audit.models import AuditEntry
from ankommen.cases import services
from ankommen.cases.models import Approval, Case, CaseType, SystemBarrier, Task, TimelineEntry
from ankommen.cases.services import CaseError
from ankommen.network.models import Membership
from ankommen.network.roles import Role
from ankommen.participants.models import Participant, ResidenceStatus
from ankommen.testing.factories import MembershipFactory
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """The refusals are matched by their English text."""
    with translation.override("en"):
        yield


def _open(actor: Membership, case_type: CaseType, person: Participant, **kwargs) -> Case:  # type: ignore[no-untyped-def]
    return services.open_case(actor, case_type=case_type, participant=person, **kwargs)


def _to_planning(actor: Membership, case: Case) -> Case:
    case = services.update_intake(actor, case, {"consent_recorded": True}, version=case.version)
    case = services.advance_phase(actor, case)
    services.save_assessment(actor, case, "housing", {"needs": "Wohnung gesucht"})
    return services.advance_phase(actor, case)


def _to_implementation(actor: Membership, case: Case) -> Case:
    case = _to_planning(actor, case)
    services.add_goal(
        actor, case, {"text": "Ausbildungsplatz", "domain": "training_work", "target_date": dt.date(2027, 8, 1)}
    )
    return services.advance_phase(actor, case)


def test_open_case_gives_reference_template_tasks_timeline_and_audit(world: World, actor, case_type, person) -> None:
    opened_on = dt.date(2026, 3, 2)
    case = _open(actor, case_type, person, opened_on=opened_on, referral_source="Migrationsberatung")
    assert case.reference == "MS-F000001"
    assert (case.phase, case.organisation, case.lead) == ("intake", actor.organisation, actor.user)
    tasks = list(case.tasks.order_by("due_on"))
    assert [(t.title, t.due_on, t.assignee_id) for t in tasks] == [
        ("Erstgespräch mit Dolmetschung", opened_on + dt.timedelta(days=7), actor.user_id),
        ("Unterlagen mitbringen", opened_on + dt.timedelta(days=14), None),
    ]
    assert all(t.template_id for t in tasks)
    keys = list(case.timeline.values_list("text_key", flat=True))
    assert "opened" in keys and keys.count("task_created_from_template") == 2
    entry = AuditEntry.objects.get(action="case.opened", target_id=str(case.pk))
    assert entry.subject == f"participant:{person.pk}"
    assert "Migrationsberatung" not in str(entry.data) and "Rania" not in str(entry.data)
    second = _open(actor, CaseType.objects.create(network=world.network, name="ZUE"), person)
    assert second.reference == "MS-F000002"


def test_open_case_refuses_other_organisations_read_only_roles_and_duplicates(
    world: World, actor, case_type, person
) -> None:
    with pytest.raises(PermissionDenied):
        _open(world.memberships["case_manager_b"], case_type, person)
    with pytest.raises(PermissionDenied):
        _open(world.memberships["assistant_a"], case_type, person)
    with pytest.raises(CaseError):
        services.open_case(actor, case_type=case_type)
    with pytest.raises(CaseError):  # the lead must be case staff of the organisation
        _open(actor, case_type, person, lead=world.memberships["case_manager_b"].user)
    _open(actor, case_type, person)
    with pytest.raises(CaseError, match="already an open case"):
        _open(actor, case_type, person)


def test_intake_to_assessment_needs_recorded_consent(world: World, actor, case_type, person) -> None:
    case = _open(actor, case_type, person)
    with pytest.raises(CaseError, match="consent"):
        services.advance_phase(actor, case)
    case = services.update_intake(actor, case, {"consent_recorded": True, "complex_needs": True}, version=case.version)
    case = services.advance_phase(actor, case, version=case.version)
    assert case.phase == "assessment"
    # The assessment's template task is created when the phase starts.
    task = case.tasks.get(title="Situationseinschätzung besprechen")
    assert task.due_on == timezone.localdate() + dt.timedelta(days=21)
    entry = AuditEntry.objects.filter(action="case.phase_changed").latest("seq")
    assert entry.data["from_phase"] == "intake" and entry.data["to_phase"] == "assessment"
    assert entry.subject == f"participant:{person.pk}"
    assert case.timeline.filter(text_key="phase_changed").exists()


def test_assessment_to_planning_needs_an_assessed_domain(world: World, actor, case_type, person) -> None:
    case = _open(actor, case_type, person)
    case = services.update_intake(actor, case, {"consent_recorded": True}, version=case.version)
    case = services.advance_phase(actor, case)
    with pytest.raises(CaseError, match="life domain"):
        services.advance_phase(actor, case)
    services.save_assessment(actor, case, "residence", {"risks": "Duldung läuft aus", "deadline": dt.date(2026, 9, 1)})
    assert services.advance_phase(actor, case).phase == "planning"
    assert AuditEntry.objects.filter(action="case.assessment_saved", data__domain="residence").exists()


def test_planning_to_implementation_needs_a_goal_with_target_date(world: World, actor, case_type, person) -> None:
    case = _to_planning(actor, _open(actor, case_type, person))
    services.add_goal(actor, case, {"text": "Deutsch B1", "domain": "language"})
    with pytest.raises(CaseError, match="target date"):
        services.advance_phase(actor, case)
    goal = case.goals.get()
    services.update_goal(actor, goal, {"target_date": dt.date(2027, 1, 31)})
    assert services.advance_phase(actor, case).phase == "implementation"


def test_implementation_to_monitoring_schedules_reassessment_and_closing_is_separate(
    world: World, actor, case_type, person
) -> None:
    case = _to_implementation(actor, _open(actor, case_type, person))
    case = services.advance_phase(actor, case)
    assert case.phase == "monitoring"
    assert case.reassessment_due_on == timezone.localdate() + dt.timedelta(days=services.REASSESSMENT_DAYS)
    assert case.tasks.filter(title="Zwischenbilanz").exists()
    with pytest.raises(CaseError, match="closure form"):
        services.advance_phase(actor, case)


def test_a_stale_version_is_refused(world: World, actor, case_type, person) -> None:
    case = _open(actor, case_type, person)
    stale = case.version
    services.update_intake(actor, case, {"referral_source": "Jugendmigrationsdienst"}, version=stale)
    with pytest.raises(CaseError, match="changed this case"):
        services.update_intake(actor, case, {"consent_recorded": True}, version=stale)


def test_plan_approval_by_a_team_lead_of_the_organisation_not_the_requester(
    world: World, actor, case_type, person
) -> None:
    case_type.requires_plan_approval = True
    case_type.save()
    case = _to_planning(actor, _open(actor, case_type, person))
    services.add_goal(
        actor, case, {"text": "Ausbildung", "domain": "training_work", "target_date": dt.date(2027, 8, 1)}
    )
    with pytest.raises(CaseError, match="approval of the plan"):
        services.advance_phase(actor, case)
    approval = services.request_approval(actor, case, "plan")
    with pytest.raises(CaseError, match="already been requested"):
        services.request_approval(actor, case, "plan")
    # Not the requester's colleague without the right, not the team lead of another organisation.
    with pytest.raises(PermissionDenied):
        services.decide_approval(actor, approval, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_approval(world.memberships["assistant_a"], approval, approve=True)
    lead_b = MembershipFactory(organisation=world.organisations["org_b"], role=Role.TEAM_LEAD)
    with pytest.raises(PermissionDenied):
        services.decide_approval(lead_b, approval, approve=True)
    team_lead = world.memberships["team_lead_a"]
    with pytest.raises(CaseError):
        services.decide_approval(team_lead, approval, approve=False)  # a rejection needs a reason
    decided = services.decide_approval(team_lead, approval, approve=True)
    assert (decided.decision, decided.decided_by) == ("approved", team_lead.user)
    with pytest.raises(CaseError, match="already been decided"):
        services.decide_approval(team_lead, approval, approve=False, reason="doch nicht")
    assert services.advance_phase(actor, case).phase == "implementation"
    assert AuditEntry.objects.filter(action="case.approval_decided", data__decision="approved").exists()


def test_changing_the_plan_after_approval_needs_a_new_approval(world: World, actor, case_type, person) -> None:
    case_type.requires_plan_approval = True
    case_type.save()
    case = _to_planning(actor, _open(actor, case_type, person))
    goal = services.add_goal(
        actor, case, {"text": "Ausbildung", "domain": "training_work", "target_date": dt.date(2027, 8, 1)}
    )
    approval = services.request_approval(actor, case, "plan")
    services.decide_approval(world.memberships["team_lead_a"], approval, approve=True)
    services.update_goal(actor, goal, {"target_date": dt.date(2027, 9, 1)})
    assert Approval.objects.get(pk=approval.pk).superseded
    assert case.timeline.filter(text_key="plan_approval_superseded").exists()
    with pytest.raises(CaseError, match="approval of the plan"):
        services.advance_phase(actor, case)
    services.decide_approval(
        world.memberships["team_lead_a"], services.request_approval(actor, case, "plan"), approve=True
    )
    assert services.advance_phase(actor, case).phase == "implementation"


def test_a_team_lead_cannot_approve_own_request(world: World, actor, case_type, person) -> None:
    case_type.requires_plan_approval = True
    case_type.save()
    team_lead = world.memberships["team_lead_a"]
    case = _to_planning(team_lead, _open(actor, case_type, person))
    approval = services.request_approval(team_lead, case, "plan")
    with pytest.raises(PermissionDenied):
        services.decide_approval(team_lead, approval, approve=True)


def test_request_approval_only_where_the_case_type_asks_for_it(world: World, actor, case_type, person) -> None:
    case = _to_planning(actor, _open(actor, case_type, person))
    with pytest.raises(CaseError, match="does not need"):
        services.request_approval(actor, case, "plan")


def test_close_needs_a_reason_and_the_closure_approval_if_required(world: World, actor, case_type, person) -> None:
    case_type.requires_closure_approval = True
    case_type.save()
    case = _to_implementation(actor, _open(actor, case_type, person))
    with pytest.raises(CaseError, match="approval of the closure"):
        services.close_case(actor, case, reason="goals_reached")
    approval = services.request_approval(actor, case, "closure")
    services.decide_approval(world.memberships["team_lead_a"], approval, approve=True)
    with pytest.raises(CaseError):
        services.close_case(actor, case, reason="")
    case = services.close_case(actor, case, reason="goals_reached", goal_attainment="mostly", feedback="Danke!")
    assert (case.phase, case.closed_on, case.closure_reason) == ("closed", timezone.localdate(), "goals_reached")
    entry = AuditEntry.objects.get(action="case.closed")
    assert entry.data["reason"] == "goals_reached" and "Danke" not in str(entry.data)
    with pytest.raises(CaseError, match="closed"):
        services.add_goal(actor, case, {"text": "x", "domain": "housing"})
    # Reopening invalidates the closure approval: closing again needs a new one.
    case = services.reopen_case(actor, case, version=case.version)
    assert (case.phase, case.closed_on) == ("monitoring", None)
    assert Approval.objects.get(pk=approval.pk).superseded
    with pytest.raises(CaseError, match="approval of the closure"):
        services.close_case(actor, case, reason="goals_reached")
    assert case.timeline.filter(text_key="reopened").exists()


def test_system_barriers_are_anonymous(world: World, actor, case_type, person) -> None:
    today = timezone.localdate()
    ResidenceStatus.objects.create(
        network=world.network, participant=person, status="duldung", valid_from=today - dt.timedelta(days=100)
    )
    case = _to_implementation(actor, _open(actor, case_type, person))
    with pytest.raises(CaseError, match="must not identify"):
        services.close_case(
            actor,
            case,
            reason="handed_over",
            barriers=[{"field": "housing", "description": "Frau Haddadin fand nichts"}],
        )
    with pytest.raises(CaseError, match="must not identify"):
        services.close_case(
            actor, case, reason="handed_over", barriers=[{"field": "housing", "description": "seit 17.05. ohne Termin"}]
        )
    services.close_case(
        actor,
        case,
        reason="handed_over",
        barriers=[
            {"field": "training_work", "description": "Ausbildungsduldung scheitert an fehlendem Pass"},
            {"field": "housing", "description": ""},  # empty rows are ignored
        ],
    )
    barrier = SystemBarrier.objects.get()
    assert barrier.field == "training_work"
    assert barrier.age_band in {"18_26", "27_44"}
    assert barrier.status_group == "tolerated"
    assert barrier.created_on == today.replace(day=1)
    # Anonymous by construction: no link to a case, a person or an organisation.
    related = {f.related_model for f in SystemBarrier._meta.get_fields() if f.is_relation}
    assert {m._meta.label for m in related if m is not None} == {"network.Network"}
    values = " ".join(str(v) for v in SystemBarrier.objects.values().get().values())
    for identifying in ("Rania", "Haddadin", person.reference, case.reference, "2001"):
        assert identifying not in values


def test_tasks_appointments_notes_and_co_workers(world: World, actor, case_type, person) -> None:
    case = _to_implementation(actor, _open(actor, case_type, person))
    task = services.add_task(actor, case, title="Jobcenter anrufen", due_on=timezone.localdate())
    services.complete_task(actor, task)
    assert Task.objects.get(pk=task.pk).done_by == actor.user
    with pytest.raises(CaseError, match="already done"):
        services.complete_task(actor, task)
    with pytest.raises(CaseError):
        services.add_task(
            actor, case, title="x", due_on=timezone.localdate(), assignee=world.memberships["case_manager_b"].user
        )
    services.add_appointment(
        actor, case, {"starts_at": timezone.now(), "kind": "authority", "place": "Ausländerbehörde", "with_whom": "ABH"}
    )
    goal = case.goals.get()
    services.add_measure(actor, goal, {"text": "Bewerbungstraining", "responsible": "participant"})
    services.add_progress_note(actor, goal, {"text": "Zwei Bewerbungen geschrieben"})
    services.add_case_role(actor, case, world.memberships["assistant_a"].user)
    with pytest.raises(CaseError, match="already works"):
        services.add_case_role(actor, case, world.memberships["assistant_a"].user)
    with pytest.raises(CaseError, match="your organisation"):
        services.add_case_role(actor, case, world.memberships["case_manager_b"].user)
    actions = set(AuditEntry.objects.filter(subject=f"participant:{person.pk}").values_list("action", flat=True))
    assert {
        "case.task_added",
        "case.task_done",
        "case.appointment_added",
        "case.measure_added",
        "case.note_added",
        "case.role_added",
    } <= actions
    kinds = set(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert {"task", "appointment", "plan", "note", "role", "phase", "assessment", "intake"} <= kinds
    for entry in AuditEntry.objects.filter(action__startswith="case."):
        assert "Bewerbung" not in str(entry.data) and "Jobcenter anrufen" not in str(entry.data)


def test_read_only_and_other_organisations_cannot_change(world: World, actor, case_type, person) -> None:
    case = _open(actor, case_type, person)
    for persona in ("assistant_a", "case_manager_b"):
        with pytest.raises(PermissionDenied):
            services.update_intake(world.memberships[persona], case, {"consent_recorded": True}, version=None)
        with pytest.raises(PermissionDenied):
            services.add_goal(world.memberships[persona], case, {"text": "x", "domain": "housing"})
