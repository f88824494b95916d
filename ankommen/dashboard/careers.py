""" "Measure careers" (Maßnahme-Karrieren, DOMAIN §7.1): people passed from one offer to the next of
the same kind without getting closer to their goals.

The rule (ADR 0017), on a reference day (today):

- **completed offers**: offers in which the person held a seat (enrolled, not cancelled) and whose
  last session has ended (a course: the offer's last session that was not cancelled; a seat for a
  single date: that session), with the end in the 12 months before the reference day;
- **three or more** such offers of the **same category** (e.g. three language offers);
- **no progress on the plan** in the same 12 months: no progress note written on a goal of the
  person's cases, and no goal of their cases marked achieved or partly achieved (the day comes from
  ``GoalAchievement``). A person without any plan goal has made no progress on a plan either.

The dashboard counts such people per category (aggregates, small cells suppressed). Only the lead
case manager of the person's open case sees who they are (``mine``), on the start page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ankommen.cases.choices import Phase
from ankommen.cases.models import Case, ProgressNote
from ankommen.dashboard import suppression
from ankommen.dashboard.models import GoalAchievement
from ankommen.network.models import Membership
from ankommen.offers.choices import Category, EnrolmentStatus
from ankommen.offers.models import Enrolment, Session
from ankommen.participants.models import HouseholdMember, Participant

MINIMUM_OFFERS = 3
WINDOW_DAYS = 365


@dataclass(frozen=True)
class Career:
    participant_id: int
    category: str
    offers: int


def window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return end - dt.timedelta(days=WINDOW_DAYS), end


def careers(
    network_id: int,
    today: dt.date | None = None,
    *,
    participants: QuerySet | Collection[int] | None = None,  # type: ignore[type-arg]
) -> list[Career]:
    """The people (optionally only among ``participants``: ids, or a queryset of ids) whose offers make a
    measure career on ``today``. Three queries, whatever the number of people."""
    today = today or timezone.localdate()
    start, end = window(today)
    last_end = (
        Session.objects.filter(offer=OuterRef("offer"), is_cancelled=False).order_by("-ends_at").values("ends_at")[:1]
    )
    seats = Enrolment.objects.filter(
        network=network_id, status=EnrolmentStatus.ENROLLED, participant__merged_into__isnull=True
    )
    if participants is not None:
        seats = seats.filter(participant__in=participants)
    completed = (
        seats.annotate(done=Coalesce(F("session__ends_at"), Subquery(last_end)))
        .filter(done__gte=start, done__lt=end)
        .filter(Q(session__isnull=True) | Q(session__is_cancelled=False))
        .values("participant_id", "offer__category")
        .annotate(offers=Count("offer", distinct=True))
        .filter(offers__gte=MINIMUM_OFFERS)
        .values_list("participant_id", "offer__category", "offers")
        .order_by("participant_id", "offer__category")
    )
    found = [Career(*row) for row in completed]
    if not found:
        return []
    progressed = _with_progress(network_id, {c.participant_id for c in found}, start.date(), today)
    return [c for c in found if c.participant_id not in progressed]


def _with_progress(network_id: int, people: set[int], first: dt.date, today: dt.date) -> set[int]:
    """Those of ``people`` with a progress note or an achieved goal in (first, today]."""
    households: dict[int, set[int]] = defaultdict(set)
    for household, person in HouseholdMember.objects.filter(network=network_id, participant__in=people).values_list(
        "household_id", "participant_id"
    ):
        households[household].add(person)
    cases = Case.objects.filter(network=network_id).filter(
        Q(participant__in=people) | Q(household__in=list(households))
    )
    notes = ProgressNote.objects.filter(
        network=network_id, goal__case__in=cases, written_on__gt=first, written_on__lte=today
    ).values_list("goal__case__participant_id", "goal__case__household_id")
    achieved = GoalAchievement.objects.filter(
        network=network_id, goal__case__in=cases, achieved_on__gt=first, achieved_on__lte=today
    ).values_list("goal__case__participant_id", "goal__case__household_id")
    result: set[int] = set()
    for person, household in [*notes, *achieved]:
        if person is not None:
            result.add(person)
        if household is not None:
            result |= households.get(household, set())
    return result & people


@dataclass
class CategoryCount:
    category: str
    label: str
    persons: int | None  # None: suppressed


def counts(network_id: int, today: dt.date | None = None) -> tuple[list[CategoryCount], int | None]:
    """People in a measure career per category, and the total over categories (a person counts
    once per category); small counts suppressed."""
    found = careers(network_id, today)
    per: dict[str, set[int]] = defaultdict(set)
    for career in found:
        per[career.category].add(career.participant_id)
    categories = [c for c in Category.values if per.get(c)]
    values = [len(per[c]) for c in categories]
    primary: list[int] = []
    if sum(values) and max(values) < suppression.THRESHOLD:
        primary.append(len(values))
    hidden = suppression.protect_column(values, primary)
    labels = dict(Category.choices)
    rows = [CategoryCount(c, str(labels[c]), None if i in hidden else values[i]) for i, c in enumerate(categories)]
    return rows, None if len(values) in hidden else sum(values)


def mine(actor: Membership, today: dt.date | None = None) -> list[tuple[Case, Participant, Career]]:
    """The actor's own people in a measure career: persons of the open cases of the actor's
    organisation that the actor leads (a household case: its members). At most five queries.

    The people are collected from the actor's cases first (a few dozen): asking the database for
    "participant of a case or member of its household" in one ``OR`` across the household join
    made it walk every enrolment of the network (half a second at 100,000 participants)."""
    own = Case.objects.filter(network=actor.network_id, organisation=actor.organisation_id, lead=actor.user_id).exclude(
        phase=Phase.CLOSED
    )
    cases = list(own.order_by("pk"))
    members: dict[int, set[int]] = defaultdict(set)
    households = [c.household_id for c in cases if c.household_id]
    if households:
        for household, person in HouseholdMember.objects.filter(
            network=actor.network_id, household__in=households
        ).values_list("household_id", "participant_id"):
            members[household].add(person)
    people = {c.participant_id for c in cases if c.participant_id}.union(*members.values())
    if not people:
        return []
    found = careers(actor.network_id, today, participants=sorted(people))
    if not found:
        return []
    persons = {p.pk: p for p in Participant.objects.filter(pk__in={c.participant_id for c in found})}
    result = []
    for career in found:
        for case in cases:
            if case.participant_id == career.participant_id or career.participant_id in members.get(
                case.household_id or 0, set()
            ):
                result.append((case, persons[career.participant_id], career))
                break
    return result
