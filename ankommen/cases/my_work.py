"""The "my work" panel of the start page for case managers and team leads.

"My cases" are the open cases the user leads or works on as a co-worker: of the own organisation,
or of another organisation while a consent for cooperation names the user's organisation. The
panel shows, with a fixed number of queries whatever the number of cases: due and overdue tasks,
this week's appointments, documents expiring within 60 days (residence status history), legal age
limits coming up within 180 days (the 18th birthday, and the 27th birthday as the limit of § 25a
AufenthG), re-assessments due, incoming transfer requests and, for team leads, approval requests
waiting for them. People's names, documents and birthdays come from the own organisation's cases
only: of a shared case the panel shows the reference, never more than the consent covers. What
is shown is logged as one read (``case.work_listed``: ids only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone

from ankommen.audit.services import log_action
from ankommen.cases.access import my_cases, own_case_q, own_cases, people_of
from ankommen.cases.choices import Decision, Phase
from ankommen.cases.models import Appointment, Approval, Case, CaseTransfer, Task
from ankommen.cases.transfers import incoming_transfers
from ankommen.network.models import Membership
from ankommen.participants.models import Participant, ResidenceStatus
from ankommen.pathways.deadlines import upcoming_deadlines

TASK_HORIZON_DAYS = 7
DOCUMENT_WARNING_DAYS = 60
AGE_LIMIT_25A = 27
AGE_OF_MAJORITY = 18
AGE_LIMITS = (AGE_OF_MAJORITY, AGE_LIMIT_25A)
BIRTHDAY_HORIZON_DAYS = 180
REASSESSMENT_HORIZON_DAYS = 14
PATHWAY_DEADLINE_DAYS = 90
LIMIT = 20


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def work_for(actor: Membership, today: dt.date) -> dict[str, Any]:
    mine = my_cases(actor)
    open_visible = own_cases(actor).exclude(phase=Phase.CLOSED)
    # Tasks and appointments assigned to the user on any open case of the own organisation, as
    # conditions on the joined case: the database starts from the user's few assigned rows
    # instead of hashing every open case of the organisation.
    own_open = own_case_q(actor) & ~Q(case__phase=Phase.CLOSED)
    # A user's own cases are a few dozen: read their ids once, so that every list below starts
    # from an index (assignee, case, time) and compares with a short list.
    mine_rows = list(mine.order_by().values_list("pk", "organisation_id"))
    mine_ids = [pk for pk, _organisation in mine_rows]
    mine_own_ids = [pk for pk, organisation in mine_rows if organisation == actor.organisation_id]
    subject = ("case__participant", "case__household")
    tasks = list(
        Task.objects.filter(network=actor.network_id, done_at__isnull=True)
        .filter(due_on__lte=today + dt.timedelta(days=TASK_HORIZON_DAYS))
        .filter(
            (Q(assignee=actor.user_id) & own_open)
            | Q(assignee=actor.user_id, case__in=mine_ids)
            | Q(assignee__isnull=True, case__in=mine_own_ids)
        )
        .select_related(*subject)
        .order_by("due_on", "pk")[:LIMIT]
    )
    week_start = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    appointments = list(
        Appointment.objects.filter(
            network=actor.network_id,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=7),
        )
        .filter(Q(case__in=mine_ids) | (Q(assignee=actor.user_id) & own_open))
        .select_related(*subject)
        .order_by("starts_at", "pk")[:LIMIT]
    )
    people = Participant.objects.filter(
        network=actor.network_id,
        organisation=actor.organisation_id,
        merged_into__isnull=True,
        pk__in=people_of(Case.objects.filter(network=actor.network_id, pk__in=mine_own_ids)),
    )
    later_period = ResidenceStatus.objects.filter(
        participant=OuterRef("participant"), valid_from__gt=OuterRef("valid_from")
    )
    documents = list(
        ResidenceStatus.objects.filter(
            network=actor.network_id,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=DOCUMENT_WARNING_DAYS),
            participant__in=people.values("pk"),
        )
        .exclude(Exists(later_period))
        .select_related("participant")
        .order_by("valid_to", "pk")[:LIMIT]
    )
    horizon = today + dt.timedelta(days=BIRTHDAY_HORIZON_DAYS)
    coming_up = Q()
    for age in AGE_LIMITS:
        coming_up |= Q(date_of_birth__gte=years_before(today, age), date_of_birth__lte=years_before(horizon, age))
    birthdays = list(
        Participant.objects.filter(network=actor.network_id, pk__in=people.values("pk"))
        .filter(coming_up)
        .order_by("-date_of_birth", "pk")[:LIMIT]
    )
    reassessments = list(
        Case.objects.filter(network=actor.network_id, pk__in=mine_ids)
        .filter(reassessment_due_on__lte=today + dt.timedelta(days=REASSESSMENT_HORIZON_DAYS))
        .select_related("participant", "household")
        .order_by("reassessment_due_on", "pk")[:LIMIT]
    )
    approvals: list[Approval] = []
    if actor.has_perm("cases.approve"):
        approvals = list(
            Approval.objects.filter(
                network=actor.network_id,
                case__in=open_visible.values("pk"),
                decision=Decision.PENDING,
                superseded=False,
            )
            .exclude(requested_by=actor.user_id)
            .select_related(*subject)
            .order_by("requested_at", "pk")[:LIMIT]
        )
    transfers: list[CaseTransfer] = []
    if actor.has_perm("cases.edit"):
        transfers = list(
            incoming_transfers(actor)
            .select_related("case__case_type", "from_organisation")
            .order_by("requested_at", "pk")[:LIMIT]
        )
    limits = [_age_limit(p, today) for p in birthdays]
    return {
        "tasks": [{"task": t, "overdue": t.due_on < today, "own": _own(actor, t.case)} for t in tasks],
        "appointments": [{"appointment": a, "own": _own(actor, a.case)} for a in appointments],
        "documents": [{"status": s, "days_left": (s.valid_to - today).days} for s in documents if s.valid_to],
        "birthdays": sorted((row for row in limits if row is not None), key=lambda row: (row["on"], row["person"].pk)),
        "reassessments": [
            {"case": c, "overdue": c.reassessment_due_on < today, "own": _own(actor, c)}  # type: ignore[operator]
            for c in reassessments
        ],
        "approvals": approvals,
        "transfers": transfers,
        "pathway_deadlines": upcoming_deadlines(actor, today, PATHWAY_DEADLINE_DAYS),
    }


def _own(actor: Membership, case: Case) -> bool:
    """Whether the case belongs to the actor's organisation (else: show the reference only)."""
    return case.organisation_id == actor.organisation_id


def _age_limit(person: Participant, today: dt.date) -> dict[str, Any] | None:
    """The age limit coming up for this person (the next one within the horizon)."""
    for age in AGE_LIMITS:
        on = _birthday(person.date_of_birth, age)
        if on is not None and today <= on <= today + dt.timedelta(days=BIRTHDAY_HORIZON_DAYS):
            return {"person": person, "on": on, "age": age, "days_left": (on - today).days}
    return None


def _birthday(born: dt.date | None, age: int) -> dt.date | None:
    if born is None:
        return None
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return born.replace(year=born.year + age, day=28)


def my_work_panel(request: HttpRequest) -> dict[str, Any]:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    work = work_for(actor, timezone.localdate())
    cases = sorted(
        {row["task"].case_id for row in work["tasks"]}
        | {row["appointment"].case_id for row in work["appointments"]}
        | {row["case"].pk for row in work["reassessments"]}
        | {a.case_id for a in work["approvals"]}
        | {t.case_id for t in work["transfers"]}
    )
    people = sorted(
        {row["status"].participant_id for row in work["documents"]}
        | {r["person"].pk for r in work["birthdays"]}
        | {row.participant.pk for row in work["pathway_deadlines"]}
    )
    if cases or people:
        log_action(actor, "case.work_listed", data={"cases": cases, "participants": people})
    return {
        "work": work,
        "age_limit": AGE_LIMIT_25A,
        "birthday_days": BIRTHDAY_HORIZON_DAYS,
        "document_days": DOCUMENT_WARNING_DAYS,
        "pathway_deadline_days": PATHWAY_DEADLINE_DAYS,
        "may_configure": actor.has_perm("cases.configure"),
    }
