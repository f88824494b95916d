"""Pathway deadlines for the "my work" page: the last day to apply under § 25a (the day before
the 27th birthday) or for the follow-up of a § 104c permit (its last day), coming up soon.

Only the people of the actor's own open cases are evaluated (the case's participant or the
members of its household): a page view never evaluates the whole organisation. The facts are
read with a fixed number of queries (``facts.with_facts``), whatever the number of people. A
deadline is listed when the pathway applies to the person's status (its scope criteria are not
ruled out); the outcome may be anything – a deadline is most urgent when conditions are missing.
The caller logs what it shows (ids only).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q

from ankommen.cases.access import my_cases, people_of
from ankommen.network.models import Membership
from ankommen.participants.choices import StatusType
from ankommen.participants.models import Participant, ResidenceStatus
from ankommen.pathways.engine import PathwayResult, evaluate
from ankommen.pathways.engine.dates import add_years
from ankommen.pathways.engine.rules import RuleSet, default_rules
from ankommen.pathways.facts import facts_for, with_facts


class UpcomingDeadline(NamedTuple):
    participant: Participant
    pathway: PathwayResult  # .id, .outcome, .rule.title / .rule.source.norm for the label
    deadline: dt.date


def may_have_deadline(today: dt.date, until: dt.date, rules: RuleSet | None = None) -> Q | None:
    """A condition on ``Participant`` that every person with a deadline in [today, until] under
    the rules in force today meets (a superset: the evaluation decides), read from the rules'
    ``[deadline]`` tables; ``None`` when everybody may have one (a fixed day in the range), an
    empty ``Q()`` when nobody can. "My work" then evaluates a handful of people, not all of them."""
    margin = dt.timedelta(days=2)  # leap days and the "day before" of the rules, generously
    found = Q()
    for rule in (rules or default_rules()).in_force(today):
        spec = rule.deadline
        if spec is None:
            continue
        if spec.kind == "fixed":
            if spec.day is not None and today <= spec.day <= until:
                return None
        elif spec.kind == "birthday":
            if spec.age is not None:
                earliest, latest = add_years(today - margin, -spec.age), add_years(until + margin, -spec.age)
                found |= Q(date_of_birth__gte=earliest, date_of_birth__lte=latest)
        else:  # the end of a permit on a legal basis (or a number of months after its start)
            number = "".join(ch for ch in spec.basis if ch.isdigit()) or spec.basis
            permits = ResidenceStatus.objects.filter(
                participant=OuterRef("pk"),
                status=StatusType.RESIDENCE_PERMIT,
                legal_basis__icontains=number,
                valid_from__lte=today,
            ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            found |= Q(Exists(permits))
    return found


def upcoming_deadlines(actor: Membership, today: dt.date, horizon_days: int) -> list[UpcomingDeadline]:
    """(participant, pathway, deadline) for the people of the actor's open cases in the own
    organisation whose pathway deadline falls within ``horizon_days`` from ``today``, soonest first."""
    if not (actor.has_perm("participants.view") and actor.has_perm("cases.view")):
        return []
    # "My cases" as on the "my work" page, own organisation only.
    cases = my_cases(actor).filter(organisation=actor.organisation_id)
    until = today + dt.timedelta(days=horizon_days)
    candidates = may_have_deadline(today, until)
    if candidates is not None and not candidates:
        return []
    people = Participant.objects.filter(
        network=actor.network_id,
        organisation=actor.organisation_id,
        merged_into__isnull=True,
        pk__in=people_of(cases),
    )
    if candidates is not None:
        people = people.filter(candidates)
    found: list[UpcomingDeadline] = []
    for person in with_facts(people).order_by("pk"):
        evaluation = evaluate(facts_for(person, today).facts, today)
        for pathway in evaluation.pathways:
            if pathway.deadline is not None and pathway.in_scope and today <= pathway.deadline <= until:
                found.append(UpcomingDeadline(person, pathway, pathway.deadline))
    return sorted(found, key=lambda row: (row.deadline, row.participant.pk, row.pathway.id))
