"""Demo data of the dashboard (issue [G]): recorded needs, so the dashboard shows real gaps.

1. Needs from the demo cases' assessments (``needs.sync_case``: what ``save_assessment`` records
   when a case manager writes needs; the demo cases were seeded before, so this catches up).
2. Interest from the demo waiting lists (``needs.sync_enrolment``; the offers demo enrolled people
   through the services, so this only confirms what the signal receivers recorded).
3. Interest recorded by the case managers of GGUA and the Sozialamt with the explicit "interested
   in" action (``services.record_interest``) for about two thirds of their adult demo participants
   over the last twelve months: most in education and language, then work and training, fewer in
   social participation and housing — more than the demo offers have seats, as in Münster.

Then the summary tables are rebuilt from scratch (they are kept current anyway; the rebuild makes the
demo independent of the order in which the apps were seeded). Deterministic; idempotent: the
explicit interests are added only once.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ankommen.cases.models import Case
from ankommen.dashboard import needs, services, summary
from ankommen.dashboard.models import Need
from ankommen.network.demo import DemoNetwork
from ankommen.offers.choices import EnrolmentStatus
from ankommen.offers.models import Enrolment
from ankommen.participants.models import Participant

SEED = 20261121
# field, category, weight
INTERESTS = [
    ("education_language", "language", 45),
    ("work_training", "vocational_orientation", 18),
    ("work_training", "qualification", 12),
    ("social_participation", "meeting_point", 9),
    ("social_participation", "sport", 6),
    ("housing", "housing", 10),
]
CASE_MANAGERS = {"ggua": "fallmanagement", "sozialamt": "sozialamt"}


def seed(demo: DemoNetwork) -> int:
    """Record the demo needs; returns how many explicit interests were added."""
    network = demo.network
    added = 0
    with transaction.atomic():
        for case in Case.objects.filter(network=network).select_related("participant", "household").order_by("pk"):
            needs.sync_case(case)
        for pk in Enrolment.objects.filter(network=network, status=EnrolmentStatus.WAITING).values_list(
            "pk", flat=True
        ):
            needs.sync_enrolment(pk)
        if not Need.objects.filter(network=network, source="interest", enrolment__isnull=True).exists():
            added = _interests(demo)
        summary.rebuild(network.pk)
    return added


def _interests(demo: DemoNetwork) -> int:
    rng = random.Random(SEED)
    today = timezone.localdate()
    plans: list[tuple[dt.date, Participant, str, str]] = []
    for org_key, _login in CASE_MANAGERS.items():
        people = Participant.objects.filter(
            network=demo.network, organisation=demo.organisations[org_key], merged_into__isnull=True
        ).order_by("pk")
        for person in people:
            age = person.age_on(today)
            if age is not None and age < 16:
                continue
            if rng.random() > 0.85:
                continue
            chosen = rng.choices(INTERESTS, weights=[w for *_x, w in INTERESTS], k=2 if rng.random() < 0.35 else 1)
            for field, category, _weight in chosen:
                # More recent months hold more interests (the network grows).
                back = int(365 * (1 - rng.random() ** 0.7))
                plans.append((today - dt.timedelta(days=back), person, field, category))
    added = 0
    for day, person, field, category in sorted(plans, key=lambda p: (p[0], p[1].pk, p[2])):
        actor = demo.memberships[
            CASE_MANAGERS["ggua" if person.organisation_id == demo.organisations["ggua"].pk else "sozialamt"]
        ]
        if services.record_interest(actor, person, field, category=category, day=day) is not None:
            added += 1
    return added
