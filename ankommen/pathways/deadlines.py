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

from django.db.models import Q

from ankommen.cases.access import own_cases
from ankommen.cases.choices import Phase
from ankommen.network.models import Membership
from ankommen.participants.models import Participant
from ankommen.pathways.engine import PathwayResult, evaluate
from ankommen.pathways.facts import facts_for, with_facts


class UpcomingDeadline(NamedTuple):
    participant: Participant
    pathway: PathwayResult  # .id, .outcome, .rule.title / .rule.source.norm for the label
    deadline: dt.date


def upcoming_deadlines(actor: Membership, today: dt.date, horizon_days: int) -> list[UpcomingDeadline]:
    """(participant, pathway, deadline) for the people of the actor's open cases in the own
    organisation whose pathway deadline falls within ``horizon_days`` from ``today``, soonest first."""
    if not (actor.has_perm("participants.view") and actor.has_perm("cases.view")):
        return []
    # "My cases" as on the "my work" page (cases.my_work.my_cases), own organisation only. Not
    # imported from there, so that my_work can import this module.
    cases = own_cases(actor).exclude(phase=Phase.CLOSED).filter(Q(lead=actor.user_id) | Q(roles__user=actor.user_id))
    people = with_facts(
        Participant.objects.filter(
            network=actor.network_id, organisation=actor.organisation_id, merged_into__isnull=True
        ).filter(
            Q(pk__in=cases.values("participant")) | Q(household_memberships__household__in=cases.values("household"))
        )
    ).distinct()
    until = today + dt.timedelta(days=horizon_days)
    found: list[UpcomingDeadline] = []
    for person in people.order_by("pk"):
        evaluation = evaluate(facts_for(person, today).facts, today)
        for pathway in evaluation.pathways:
            if pathway.deadline is not None and pathway.in_scope and today <= pathway.deadline <= until:
                found.append(UpcomingDeadline(person, pathway, pathway.deadline))
    return sorted(found, key=lambda row: (row.deadline, row.participant.pk, row.pathway.id))
