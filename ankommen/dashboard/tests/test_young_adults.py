"""The target-group view 18–27 by status group: plan, language course, training or work, no offer."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ankommen.dashboard import young_adults
from ankommen.offers import services as offers
from ankommen.participants.models import WorkRecord
from ankommen.testing.factories import CaseFactory, GoalFactory


def test_indicators_per_status_group_with_small_cells_suppressed(
    world, actor, make_person, make_offer, make_session, english
) -> None:
    course = make_offer(capacity=20, category="language", field_of_action="education_language")
    make_session(course)
    tolerated = [make_person(age=21, status="duldung") for _ in range(8)]
    for person in tolerated[:6]:
        GoalFactory(case=CaseFactory(participant=person, lead=actor.user))
    for person in tolerated[:5]:
        offers.enrol_participant(actor, course, person)
    WorkRecord.objects.create(
        network=world.network,
        participant=tolerated[7],
        occupation="Helfer",
        from_date=timezone.localdate() - dt.timedelta(days=90),
    )
    permitted = [make_person(age=25, status="aufenthaltserlaubnis") for _ in range(3)]
    asylum = [make_person(age=19, status="gestattung") for _ in range(6)]
    make_person(age=30, status="duldung")  # too old
    make_person(age=17, status="duldung")  # too young
    raw = young_adults.counts(world.network.pk)
    assert raw["tolerated"] == {"total": 8, "plan": 6, "language": 5, "training_work": 1, "without_offer": 2}
    assert raw["residence_permit"]["total"] == len(permitted)

    rows, total = young_adults.table(world.network.pk)
    tolerated_row = next(r for r in rows if r.group == "tolerated")
    assert tolerated_row.total.value == 8
    # 6 of 8 with a plan: the 2 without would be given away by the share, so it is hidden.
    assert tolerated_row.figures["plan"][0].hidden
    assert tolerated_row.figures["language"][0].hidden  # 5 of 8: the other 3 are too few
    permitted_row = next(r for r in rows if r.group == "residence_permit")
    assert permitted_row.total.hidden
    # The total (17) would give the three away as 17 − 8 − 6: the six are hidden with them.
    assert next(r for r in rows if r.group == "asylum_procedure").total.value is None
    assert total.total.value == 8 + len(permitted) + len(asylum)

    with CaptureQueriesContext(connection) as captured:
        young_adults.counts(world.network.pk)
    assert len(captured) == 1
    page = world.client_for("coordinator").get(reverse("dashboard:young_adults"))
    assert page.status_code == 200 and "&lt;5" in page.content.decode()
