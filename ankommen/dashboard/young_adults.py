"""The target-group view for young adults 18–27 ("Gemeinsam klappt's", DOMAIN §7.1), by status group.

Who: the network's participants (merged-away records left out) aged 18 to 27 on the reference day
(both included). Their residence status group is that of the status valid on the day. For each
group, the share of people

- **with a plan**: an open case (theirs, or their household's) with at least one goal;
- **in a language course**: a seat in an offer of the category "language support" that is still
  running (a session not cancelled that ends today or later; a seat for a single date: that date);
- **in training or work**: a current work record (started, not ended), a vocational training record
  not finished before this year, or a seat in a running offer of the field "work and training";
- **without any offer**: no seat in any running offer, and not in training or work.

One query (the flags as ``EXISTS`` subqueries, grouped by status); small cells suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from ankommen.cases.choices import Phase, StatusGroup
from ankommen.cases.models import Goal
from ankommen.cases.my_work import years_before
from ankommen.dashboard import suppression
from ankommen.dashboard.report import Figure
from ankommen.offers.choices import Category, EnrolmentStatus, FieldOfAction
from ankommen.offers.models import Enrolment, Session
from ankommen.participants.choices import STATUS_GROUPS, EducationKind
from ankommen.participants.models import EducationRecord, Participant, ResidenceStatus, WorkRecord

YOUNGEST = 18
OLDEST = 27
INDICATORS = ("plan", "language", "training_work", "without_offer")


@dataclass
class GroupRow:
    group: str
    label: str
    total: Figure
    figures: dict[str, tuple[Figure, Figure]]  # indicator → (count, share)


def running_seats(network_id: int, now: dt.datetime) -> Q:
    """Seats in offers still running at ``now``: a course with a session not cancelled that ends
    at ``now`` or later, or a seat for a single date that has not ended."""
    running_offers = Session.objects.filter(network=network_id, is_cancelled=False, ends_at__gte=now).values("offer")
    return Q(status=EnrolmentStatus.ENROLLED) & (
        Q(session__isnull=True, offer__in=running_offers) | Q(session__ends_at__gte=now, session__is_cancelled=False)
    )


def counts(network_id: int, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Per status group: the number of young adults and of each indicator (unsuppressed)."""
    today = today or timezone.localdate()
    now = timezone.now()
    seats = Enrolment.objects.filter(running_seats(network_id, now), participant=OuterRef("pk"))
    open_goals = Goal.objects.exclude(case__phase=Phase.CLOSED)
    plan = Exists(open_goals.filter(case__participant=OuterRef("pk"))) | Exists(
        open_goals.filter(case__household__members__participant=OuterRef("pk"))
    )
    work = Exists(
        WorkRecord.objects.filter(participant=OuterRef("pk"))
        .filter(Q(from_date__isnull=True) | Q(from_date__lte=today))
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
    )
    training = Exists(
        EducationRecord.objects.filter(participant=OuterRef("pk"), kind=EducationKind.VOCATIONAL).filter(
            Q(to_year__isnull=True) | Q(to_year__gte=today.year)
        )
    )
    status = Subquery(
        ResidenceStatus.objects.filter(participant=OuterRef("pk"), valid_from__lte=today)
        .order_by("-valid_from", "-pk")
        .values("status")[:1]
    )
    people = (
        Participant.objects.filter(
            network=network_id,
            merged_into__isnull=True,
            date_of_birth__gt=years_before(today, OLDEST + 1),
            date_of_birth__lte=years_before(today, YOUNGEST),
        )
        .annotate(
            status_now=status,
            has_plan=plan,
            in_language=Exists(seats.filter(offer__category=Category.LANGUAGE)),
            in_training_work=work | training | Exists(seats.filter(offer__field_of_action=FieldOfAction.WORK_TRAINING)),
            any_offer=Exists(seats),
        )
        .values("status_now")
        .annotate(
            total=Count("pk"),
            plan=Count("pk", filter=Q(has_plan=True)),
            language=Count("pk", filter=Q(in_language=True)),
            training_work=Count("pk", filter=Q(in_training_work=True)),
            without_offer=Count("pk", filter=Q(any_offer=False, in_training_work=False)),
        )
        .order_by()
    )
    result: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("total", *INDICATORS), 0))
    for row in people:
        group = STATUS_GROUPS.get(row["status_now"], StatusGroup.NONE) if row["status_now"] else StatusGroup.NONE
        for name in ("total", *INDICATORS):
            result[group][name] += row[name]
    return dict(result)


def table(network_id: int, today: dt.date | None = None) -> tuple[list[GroupRow], GroupRow]:
    """The rows per status group and the total row, with small cells suppressed."""
    raw = counts(network_id, today)
    labels = dict(StatusGroup.choices)
    groups = [g for g in StatusGroup.values if raw.get(g, {}).get("total")]
    totals = [raw[g]["total"] for g in groups]
    hidden_total = suppression.protect_column(totals)
    columns: dict[str, set[int]] = {}
    for name in INDICATORS:
        values = [raw[g][name] for g in groups]
        bases = [*totals, sum(totals)]
        primary = [
            i
            for i, value in enumerate([*values, sum(values)])
            if i in hidden_total or suppression.share_hidden(value, bases[i])
        ]
        columns[name] = suppression.protect_column(values, primary)

    def row(i: int, group: str, label: str, values: dict[str, int]) -> GroupRow:
        total_hidden = i in hidden_total
        figures = {}
        for name in INDICATORS:
            hidden = i in columns[name]
            count = Figure(None if hidden else values[name])
            share = Figure(None if hidden or not values["total"] else values[name] / values["total"], share=True)
            figures[name] = (count, share)
        return GroupRow(group, label, Figure(None if total_hidden else values["total"]), figures)

    rows = [row(i, g, str(labels[g]), raw[g]) for i, g in enumerate(groups)]
    summed = {name: sum(raw[g][name] for g in groups) for name in ("total", *INDICATORS)}
    return rows, row(len(groups), "", "", summed)
