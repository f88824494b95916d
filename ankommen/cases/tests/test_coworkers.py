"""Co-workers from other organisations: joining only under a consent to cooperation, what they may
add (tasks and appointments for themselves, progress notes), never changing the case, and the
consent's lapse cutting them off at once while the role stays listed as inactive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from ankommen.audit.models import AuditEntry
from ankommen.cases import services
from ankommen.cases.contribute import contribution_for, role_rows
from ankommen.cases.models import Appointment, Case, CaseRole, CaseType, ProgressNote, Task
from ankommen.cases.services import CaseError
from ankommen.cases.tests.conftest import give_consent, revoke
from ankommen.network.models import Membership
from ankommen.network.roles import Role
from ankommen.participants.models import Participant
from ankommen.testing.factories import MembershipFactory
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def case(world: World, actor: Membership, case_type: CaseType, person: Participant) -> Case:
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.update_intake(actor, case, {"consent_recorded": True}, version=None)
    case = services.advance_phase(actor, case)
    services.save_assessment(actor, case, "training_work", {"needs": "Ausbildung"})
    case = services.advance_phase(actor, case)
    services.add_goal(actor, case, {"text": "Ausbildung beginnen", "domain": "training_work"})
    return case


def _join(world: World, actor: Membership, case: Case, persona: str = "case_manager_b") -> CaseRole:
    member = world.memberships[persona]
    return services.add_case_role(actor, case, member.user, organisation_id=member.organisation_id)


def test_staff_of_another_organisation_join_only_under_a_consent_to_cooperation(world: World, actor, case) -> None:
    with pytest.raises(CaseError, match="consent to cooperation"):
        _join(world, actor, case)
    give_consent(world, case, "transfer", ["org_b"], ["plan"])  # another purpose does not count
    with pytest.raises(CaseError, match="consent to cooperation"):
        _join(world, actor, case)
    give_consent(world, case, "cooperation", ["org_b", "chamber"], ["plan"])
    # Only case managers and team leads: the chamber's partner liaison cannot join.
    with pytest.raises(CaseError, match="case managers and team leads"):
        _join(world, actor, case, "partner_liaison")
    with pytest.raises(CaseError, match="deputy"):
        services.add_case_role(
            actor,
            case,
            world.memberships["case_manager_b"].user,
            "deputy",
            organisation_id=world.organisations["org_b"].pk,
        )
    role = _join(world, actor, case)
    assert role.organisation == world.organisations["org_b"]
    assert case.timeline.filter(text_key="role_added_external").exists()
    entry = AuditEntry.objects.get(action="case.role_added")
    assert entry.data["organisation"] == world.organisations["org_b"].pk
    # The other organisation cannot add people itself.
    with pytest.raises(PermissionDenied):
        services.add_case_role(world.memberships["case_manager_b"], case, world.memberships["team_lead_a"].user)


def test_what_a_co_worker_may_add_follows_the_consent(world: World, actor, case) -> None:
    consent = give_consent(world, case, "cooperation", ["org_b"], ["identity", "plan"])
    _join(world, actor, case)
    manager_b = world.memberships["case_manager_b"]
    assert contribution_for(manager_b, case).tasks and not contribution_for(manager_b, case).notes
    task = services.add_task(manager_b, case, title="Praktikum anfragen", due_on=timezone.localdate())
    assert task.assignee == manager_b.user  # for themselves, always
    with pytest.raises(CaseError, match="for yourself"):
        services.add_task(manager_b, case, title="x", due_on=timezone.localdate(), assignee=actor.user)
    appointment = services.add_appointment(manager_b, case, {"starts_at": timezone.now(), "kind": "referral"})
    assert appointment.assignee == manager_b.user and appointment.created_by == manager_b.user
    goal = case.goals.get()
    goal.case = case
    with pytest.raises(PermissionDenied):  # notes need the category "notes"
        services.add_progress_note(manager_b, goal, {"text": "Gespräch geführt"})
    # Their own tasks only; the owner's tasks stay the owner's.
    owners = services.add_task(actor, case, title="Antrag", due_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.complete_task(manager_b, owners)
    services.complete_task(manager_b, task)
    # Never the case itself.
    with pytest.raises(PermissionDenied):
        services.update_intake(manager_b, case, {"referral_source": "x"}, version=None)
    with pytest.raises(PermissionDenied):
        services.add_goal(manager_b, case, {"text": "x", "domain": "housing"})
    with pytest.raises(PermissionDenied):
        services.advance_phase(manager_b, case)
    # With notes in the consent (a new one), progress notes are possible.
    revoke(consent)
    give_consent(world, case, "cooperation", ["org_b"], ["plan", "notes"])
    note = services.add_progress_note(manager_b, goal, {"text": "Gespräch geführt"})
    assert note.author == manager_b.user
    # A reader of org B without a role contributes nothing.
    other_b = MembershipFactory(organisation=world.organisations["org_b"], role=Role.CASE_MANAGER)
    with pytest.raises(PermissionDenied):
        services.add_task(other_b, case, title="x", due_on=timezone.localdate())


def test_revocation_cuts_the_co_worker_off_at_once_and_the_role_stays_inactive(world: World, actor, case) -> None:
    consent = give_consent(world, case, "cooperation", ["org_b"], ["identity", "plan"])
    role = _join(world, actor, case)
    manager_b = world.memberships["case_manager_b"]
    client_b = world.client_for("case_manager_b")
    services.add_task(manager_b, case, title="Praktikum anfragen", due_on=timezone.localdate())
    assert client_b.get(reverse("cases:add_task", args=[case.pk])).status_code == 200
    assert "Praktikum anfragen" in client_b.get(reverse("core:home")).content.decode()
    revoke(consent)
    # The next request already goes without access: no page, no contribution, no start-page entry.
    assert client_b.get(reverse("cases:add_task", args=[case.pk])).status_code == 404
    assert client_b.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert "Praktikum anfragen" not in client_b.get(reverse("core:home")).content.decode()
    with pytest.raises(PermissionDenied):
        services.add_task(manager_b, case, title="x", due_on=timezone.localdate())
    rows = role_rows(case)
    assert [(r["role"].pk, r["active"]) for r in rows] == [(role.pk, False)]
    page = world.client_for("case_manager_a").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "consent no longer in force" in page or "Einwilligung nicht mehr in Kraft" in page
    # An expired consent is the same as a revoked one.
    give_consent(
        world, case, "cooperation", ["org_b"], ["plan"], valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not role_rows(case)[0]["active"]
    give_consent(world, case, "cooperation", ["org_b"], ["plan"])
    assert role_rows(case)[0]["active"]


def test_remove_a_co_worker(world: World, actor, case) -> None:
    give_consent(world, case, "cooperation", ["org_b"], ["plan"])
    role = _join(world, actor, case)
    with pytest.raises(PermissionDenied):
        services.remove_case_role(world.memberships["case_manager_b"], role)
    services.remove_case_role(actor, role)
    assert not CaseRole.objects.filter(pk=role.pk).exists()
    assert case.timeline.filter(text_key="role_removed").exists()
    assert AuditEntry.objects.get(action="case.role_removed").data["organisation"] == world.organisations["org_b"].pk
    with pytest.raises(CaseError, match="no longer works"):
        services.remove_case_role(actor, role)
    with pytest.raises(PermissionDenied):
        services.add_task(world.memberships["case_manager_b"], case, title="x", due_on=timezone.localdate())


def test_co_worker_screens(world: World, actor, case) -> None:
    give_consent(world, case, "cooperation", ["org_b"], ["identity", "plan", "notes"])
    client_a = world.client_for("case_manager_a")
    page = client_a.get(reverse("cases:add_role", args=[case.pk])).content.decode()
    assert "Case Manager B (Sozialamt B)" in page and "Partner Liaison" not in page
    member_b = world.memberships["case_manager_b"]
    response = client_a.post(reverse("cases:add_role", args=[case.pk]), {"member": member_b.pk, "kind": "co_worker"})
    assert response.status_code == 302
    role = CaseRole.objects.get(user=member_b.user)
    client_b = world.client_for("case_manager_b")
    form = client_b.get(reverse("cases:add_task", args=[case.pk])).content.decode()
    assert 'name="assignee"' not in form  # for themselves only
    client_b.post(reverse("cases:add_task", args=[case.pk]), {"title": "Termin Jobcenter", "due_on": "2030-01-10"})
    assert Task.objects.get(title="Termin Jobcenter").assignee == member_b.user
    client_b.post(
        reverse("cases:add_appointment", args=[case.pk]), {"starts_at": "2030-01-11T10:00", "kind": "referral"}
    )
    assert Appointment.objects.get(kind="referral").assignee == member_b.user
    goal = case.goals.get()
    client_b.post(reverse("cases:add_note", args=[case.pk, goal.pk]), {"written_on": "2030-01-12", "text": "Läuft gut"})
    assert ProgressNote.objects.get().author == member_b.user
    # Changing the case stays closed to them (they see it, so 403).
    assert client_b.get(reverse("cases:intake", args=[case.pk])).status_code == 403
    assert client_b.post(reverse("cases:remove_role", args=[case.pk, role.pk])).status_code == 403
    response = client_a.post(reverse("cases:remove_role", args=[case.pk, role.pk]))
    assert response.status_code == 302 and not CaseRole.objects.exists()
    assert client_b.get(reverse("cases:add_task", args=[case.pk])).status_code == 403  # reads, no role


def test_the_contribution_block_for_the_shared_case_page(world: World, actor, case, rf) -> None:  # type: ignore[no-untyped-def]
    from django.template import Context, Template

    consent = give_consent(world, case, "cooperation", ["org_b"], ["plan", "notes"])
    _join(world, actor, case)
    manager_b = world.memberships["case_manager_b"]
    services.add_task(manager_b, case, title="Praktikum anfragen", due_on=timezone.localdate())
    services.add_task(actor, case, title="Interne Aufgabe", due_on=timezone.localdate())
    template = Template("{% load case_contribution %}{% case_contribution case %}")

    def render(membership: Membership) -> str:
        request = rf.get("/")
        request.membership = membership
        return template.render(Context({"request": request, "case": case, "csrf_token": "t"}))

    html = render(manager_b)
    assert reverse("cases:add_task", args=[case.pk]) in html
    assert reverse("cases:add_note", args=[case.pk, case.goals.get().pk]) in html
    assert "Praktikum anfragen" in html and "Interne Aufgabe" not in html
    assert render(actor).strip() == ""  # the owner has the full page
    revoke(consent)
    assert render(manager_b).strip() == ""
