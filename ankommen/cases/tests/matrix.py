"""Cases: who reaches which page.

Staff of the owning organisation with ``cases.view`` see a case (the assistant only reads: 403 on
every change); everyone else, inside the network or not, gets 404 for a case's pages and 403 for
the list and the open page. Only a team lead of the owning organisation who did not ask for it
decides an approval request (case managers and assistants: 403).

The case has a co-worker (the assistant) and a pending transfer request to organisation B under
a consent to the transfer: the case managers and team leads of both organisations see the
request (the assistant: 404), B answers it, A withdraws it (403 the other way round). Case types
are managed by network coordinators (the other network's coordinator reaches the list, not our
case types: 404); the approval settings by team leads; the reminder setting by everyone who works
on cases.
"""

import datetime as dt

from django.utils import timezone

from ankommen.cases.models import (
    Approval,
    Case,
    CaseRole,
    CaseTransfer,
    CaseType,
    CaseTypeTask,
    Goal,
    Measure,
    Task,
)
from ankommen.consents.models import Consent
from ankommen.participants.models import Participant
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Zarghuna", "Fallmatrixi"
BORN = dt.date(2000, 7, 19)


def _case_records(world: World) -> None:
    """A case of org A in the planning phase with a goal, a measure, a task and a pending
    plan approval requested by the case manager."""
    org_a = world.organisations["org_a"]
    manager = world.memberships["case_manager_a"].user
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-910001",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        created_by=manager,
    )
    case_type = CaseType.objects.create(
        network=world.network,
        name="Junge Erwachsene 18–27 – Ausbildung",
        requires_plan_approval=True,
        requires_closure_approval=True,
    )
    template = CaseTypeTask.objects.create(
        network=world.network, case_type=case_type, title="Erstgespräch", offset_days=7
    )
    today = timezone.localdate()
    case = Case.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case_type=case_type,
        lead=manager,
        reference="MS-F000901",
        phase="planning",
        opened_on=today - dt.timedelta(days=30),
        phase_started_on=today,
        consent_recorded=True,
        created_by=manager,
    )
    goal = Goal.objects.create(
        network=world.network, case=case, text="Ausbildungsplatz finden", domain="training_work", target_date=today
    )
    measure = Measure.objects.create(network=world.network, goal=goal, text="Bewerbungstraining")
    task = Task.objects.create(network=world.network, case=case, title="Zeugnisse besorgen", due_on=today)
    approval = Approval.objects.create(
        network=world.network, case=case, kind="plan", requested_by=manager, requested_at=timezone.now()
    )
    role = CaseRole.objects.create(
        network=world.network,
        case=case,
        user=world.memberships["assistant_a"].user,
        organisation=org_a,
        added_on=today,
    )
    consent = Consent.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case=case,
        purpose="transfer",
        data_categories=["identity"],
        language="de",
        given_on=today,
        recorded_by=manager,
    )
    consent.recipients.set([world.organisations["org_b"]])
    transfer = CaseTransfer.objects.create(
        network=world.network,
        case=case,
        from_organisation=org_a,
        to_organisation=world.organisations["org_b"],
        consent=consent,
        reason="Umzug in den Zuständigkeitsbereich",
        requested_by=manager,
        requested_at=timezone.now(),
    )
    world.extra.update(
        case=case,
        goal=goal,
        measure=measure,
        task=task,
        approval=approval,
        role=role,
        transfer=transfer,
        case_type=case_type,
        template_task=template,
    )
    world.extra["pii_markers"] += [GIVEN, FAMILY, f"{BORN:%d.%m.%Y}", BORN.isoformat()]


EXTRAS = [_case_records]

READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
EDITORS = staff_with("case_manager_a", "team_lead_a")


TRANSFER_STAFF = staff_with("case_manager_a", "team_lead_a", "case_manager_b")
SOURCE_403 = {"case_manager_a": 403, "team_lead_a": 403}
# The other network's coordinator manages case types too, but not ours.
COORDINATORS = staff_with("coordinator", "outsider")


def _transfer(w: World) -> dict[str, int]:
    return {"transfer_id": w.extra["transfer"].pk}


def _type(w: World) -> dict[str, int]:
    return {"case_type_id": w.extra["case_type"].pk}


def _type_task(w: World) -> dict[str, int]:
    return {"case_type_id": w.extra["case_type"].pk, "task_id": w.extra["template_task"].pk}


def _types(kwargs):  # type: ignore[no-untyped-def]
    """A page of one case type: the network's coordinators 200, the other network's 404."""
    return Expect(staff_with("coordinator"), outsider=404, kwargs=kwargs)


def _case(w: World) -> dict[str, int]:
    return {"case_id": w.extra["case"].pk}


def _goal(w: World) -> dict[str, int]:
    return {"case_id": w.extra["case"].pk, "goal_id": w.extra["goal"].pk}


def _read(kwargs):  # type: ignore[no-untyped-def]
    """A page of one case: its readers get 200, everyone else 404."""
    return Expect(READERS, denied=404, outsider=404, kwargs=kwargs)


def _change(kwargs):  # type: ignore[no-untyped-def]
    """A form that changes a case: editors 200, the read-only assistant 403, everyone else 404."""
    return Expect(EDITORS, denied=404, outsider=404, overrides={"assistant_a": 403}, kwargs=kwargs)


MATRIX = {
    # Case managers of org B have their own list (which does not show org A's cases).
    "cases:list": Expect(READERS | {"case_manager_b"}),
    "cases:open": Expect(EDITORS | {"case_manager_b"}),
    "cases:detail": _read(_case),
    "cases:timeline": _read(_case),
    "cases:intake": _change(_case),
    "cases:advance": _change(_case),
    "cases:reassessment": _change(_case),
    "cases:assessment": _change(lambda w: {"case_id": w.extra["case"].pk, "domain": "housing"}),
    "cases:add_goal": _change(_case),
    "cases:edit_goal": _change(_goal),
    "cases:add_measure": _change(_goal),
    "cases:add_note": _change(_goal),
    "cases:edit_measure": _change(lambda w: {"case_id": w.extra["case"].pk, "measure_id": w.extra["measure"].pk}),
    "cases:add_task": _change(_case),
    "cases:complete_task": _change(lambda w: {"case_id": w.extra["case"].pk, "task_id": w.extra["task"].pk}),
    "cases:add_appointment": _change(_case),
    "cases:add_role": _change(_case),
    "cases:request_approval": _change(lambda w: {"case_id": w.extra["case"].pk, "kind": "plan"}),
    # The requester (case manager) and the assistant may see the case but not decide: 403.
    "cases:decide_approval": Expect(
        staff_with("team_lead_a"),
        denied=404,
        outsider=404,
        overrides={"case_manager_a": 403, "assistant_a": 403},
        kwargs=lambda w: {"case_id": w.extra["case"].pk, "approval_id": w.extra["approval"].pk},
    ),
    "cases:close": _change(_case),
    "cases:reopen": _change(_case),
    "cases:remove_role": _change(lambda w: {"case_id": w.extra["case"].pk, "role_id": w.extra["role"].pk}),
    # Transfers: both organisations' case managers and team leads see the request.
    "cases:request_transfer": _change(_case),
    "cases:transfers": Expect(TRANSFER_STAFF),
    "cases:transfer": Expect(TRANSFER_STAFF, denied=404, outsider=404, kwargs=_transfer),
    "cases:accept_transfer": Expect(
        staff_with("case_manager_b"), denied=404, outsider=404, overrides=SOURCE_403, kwargs=_transfer
    ),
    "cases:decline_transfer": Expect(
        staff_with("case_manager_b"), denied=404, outsider=404, overrides=SOURCE_403, kwargs=_transfer
    ),
    "cases:withdraw_transfer": Expect(
        EDITORS, denied=404, outsider=404, overrides={"case_manager_b": 403}, kwargs=_transfer
    ),
    # Configuration: case types (coordinators), approvals (team leads), own reminders.
    "cases:types": Expect(COORDINATORS),
    "cases:add_type": Expect(COORDINATORS),
    "cases:type": _types(_type),
    "cases:edit_type": _types(_type),
    "cases:add_type_task": _types(_type),
    "cases:edit_type_task": _types(_type_task),
    "cases:remove_type_task": _types(_type_task),
    "cases:settings": Expect(staff_with("team_lead_a")),
    "cases:reminders": Expect(TRANSFER_STAFF),
}
