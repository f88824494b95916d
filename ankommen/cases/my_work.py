"""The "my work" panel of the start page for case managers and team leads.

"My cases" are the open cases of the own organisation that the user leads or works on as a
co-worker. The panel shows, with a fixed number of queries whatever the number of cases:
due and overdue tasks, this week's appointments, documents expiring within 60 days (residence
status history), 27th birthdays within the next 12 months (age limit of § 25a AufenthG),
re-assessments due and, for team leads, approval requests waiting for them. What is shown is
logged as one read (``case.work_listed``: ids only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ankommen.audit.services import log_action
from ankommen.cases.access import own_cases, visible_cases
from ankommen.cases.choices import Decision, Phase
from ankommen.cases.models import Appointment, Approval, Case, Task
from ankommen.network.models import Membership
from ankommen.participants.models import Participant, ResidenceStatus

TASK_HORIZON_DAYS = 7
DOCUMENT_WARNING_DAYS = 60
AGE_LIMIT_25A = 27
BIRTHDAY_HORIZON_DAYS = 365
REASSESSMENT_HORIZON_DAYS = 14
LIMIT = 20


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def my_cases(actor: Membership) -> QuerySet[Case]:
    return visible_cases(actor).exclude(phase=Phase.CLOSED).filter(Q(lead=actor.user_id) | Q(roles__user=actor.user_id))


def _people_of(cases: QuerySet[Case]) -> Q:
    """The persons of these cases: the case's participant or the members of its household."""
    return Q(pk__in=cases.values("participant")) | Q(household_memberships__household__in=cases.values("household"))


def work_for(actor: Membership, today: dt.date) -> dict[str, Any]:
    mine = my_cases(actor)
    open_visible = own_cases(actor).exclude(phase=Phase.CLOSED)
    subject = ("case__participant", "case__household")
    tasks = list(
        Task.objects.filter(network=actor.network_id, done_at__isnull=True)
        .filter(due_on__lte=today + dt.timedelta(days=TASK_HORIZON_DAYS))
        .filter(
            Q(assignee=actor.user_id, case__in=open_visible.values("pk"))
            | Q(assignee__isnull=True, case__in=mine.values("pk"))
        )
        .select_related(*subject)
        .order_by("due_on", "pk")[:LIMIT]
    )
    week_start = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(week_start, dt.time.min))
    appointments = list(
        Appointment.objects.filter(
            network=actor.network_id,
            case__in=mine.values("pk"),
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=7),
        )
        .select_related(*subject)
        .order_by("starts_at", "pk")[:LIMIT]
    )
    people = Participant.objects.filter(network=actor.network_id, merged_into__isnull=True).filter(_people_of(mine))
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
    birthdays = list(
        Participant.objects.filter(
            network=actor.network_id,
            pk__in=people.values("pk"),
            date_of_birth__gte=years_before(today, AGE_LIMIT_25A),
            date_of_birth__lte=years_before(horizon, AGE_LIMIT_25A),
        ).order_by("date_of_birth", "pk")[:LIMIT]
    )
    reassessments = list(
        mine.filter(reassessment_due_on__lte=today + dt.timedelta(days=REASSESSMENT_HORIZON_DAYS))
        .select_related("participant", "household")
        .distinct()
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
    return {
        "tasks": [{"task": t, "overdue": t.due_on < today} for t in tasks],
        "appointments": appointments,
        "documents": [{"status": s, "days_left": (s.valid_to - today).days} for s in documents if s.valid_to],
        "birthdays": [{"person": p, "on": _birthday(p.date_of_birth, AGE_LIMIT_25A)} for p in birthdays],
        "reassessments": [{"case": c, "overdue": c.reassessment_due_on < today} for c in reassessments],  # type: ignore[operator]
        "approvals": approvals,
    }


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
        | {a.case_id for a in work["appointments"]}
        | {row["case"].pk for row in work["reassessments"]}
        | {a.case_id for a in work["approvals"]}
    )
    people = sorted(
        {row["status"].participant_id for row in work["documents"]} | {r["person"].pk for r in work["birthdays"]}
    )
    if cases or people:
        log_action(actor, "case.work_listed", data={"cases": cases, "participants": people})
    return {"work": work, "age_limit": AGE_LIMIT_25A, "document_days": DOCUMENT_WARNING_DAYS}
