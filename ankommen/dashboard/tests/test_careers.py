""" "Measure careers": three or more completed offers of one kind within 12 months without progress on
the plan — counted for coordinators (suppressed), flagged only to the person's own case manager."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ankommen.cases import services as cases
from ankommen.dashboard import careers
from ankommen.offers import services as offers
from ankommen.testing.factories import CaseFactory, GoalFactory


@pytest.fixture
def past_offers(world, actor, make_offer, make_session):
    """Four language courses that ended in the last year, and one workshop."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    result = []
    for months_ago, category in ((10, "language"), (7, "language"), (4, "language"), (2, "language"), (3, "workshop")):
        offer = make_offer(capacity=10, category=category, field_of_action="education_language")
        for week in range(3):
            begins = dt.datetime.combine(
                today - dt.timedelta(days=30 * months_ago) + dt.timedelta(weeks=week), dt.time(9), tzinfo=zone
            )
            make_session(offer, starts_at=begins, ends_at=begins + dt.timedelta(hours=3))
        result.append(offer)
    return result


def _person_with_case(actor, make_person, **values):
    person = make_person(**values)
    case = CaseFactory(participant=person, lead=actor.user)
    goal = GoalFactory(case=case, domain="language")
    return person, case, goal


def test_three_completed_courses_without_progress_make_a_measure_career(world, actor, make_person, past_offers) -> None:
    person, case, _goal = _person_with_case(actor, make_person, family_name="Karimi")
    for offer in past_offers[:3]:
        offers.enrol_participant(actor, offer, person)
    found = careers.careers(actor.network_id)
    assert [(c.participant_id, c.category, c.offers) for c in found] == [(person.pk, "language", 3)]
    assert [(c.pk, p.pk) for c, p, _career in careers.mine(actor)] == [(case.pk, person.pk)]
    # Flagged to the lead case manager only.
    assert not careers.mine(world.memberships["team_lead_a"])
    assert not careers.mine(world.memberships["case_manager_b"])


def test_two_courses_or_different_kinds_are_no_measure_career(world, actor, make_person, past_offers) -> None:
    two, _case, _goal = _person_with_case(actor, make_person)
    for offer in past_offers[:2]:
        offers.enrol_participant(actor, offer, two)
    mixed, _case, _goal = _person_with_case(actor, make_person)
    for offer in (past_offers[0], past_offers[1], past_offers[4]):
        offers.enrol_participant(actor, offer, mixed)
    assert careers.careers(actor.network_id) == []


def test_progress_on_the_plan_within_the_year_is_no_measure_career(world, actor, make_person, past_offers) -> None:
    noted, _case, goal = _person_with_case(actor, make_person)
    achieved, _case2, goal2 = _person_with_case(actor, make_person)
    old_note, _case3, goal3 = _person_with_case(actor, make_person)
    for person in (noted, achieved, old_note):
        for offer in past_offers[:3]:
            offers.enrol_participant(actor, offer, person)
    cases.add_progress_note(actor, goal, {"text": "Kurs abgeschlossen, Prüfung A2 bestanden."})
    cases.update_goal(actor, goal2, {"status": "achieved"})
    cases.add_progress_note(
        actor, goal3, {"text": "Erster Kurs begonnen.", "written_on": timezone.localdate() - dt.timedelta(days=400)}
    )
    assert [c.participant_id for c in careers.careers(actor.network_id)] == [old_note.pk]


def test_the_count_is_suppressed_below_five_and_the_panel_names_only_own_people(
    world, actor, make_person, past_offers, english
) -> None:
    people = [_person_with_case(actor, make_person, family_name=f"Sultani{i}")[0] for i in range(2)]
    for person in people:
        for offer in past_offers[:3]:
            offers.enrol_participant(actor, offer, person)
    rows, total = careers.counts(actor.network_id)
    assert [(r.category, r.persons) for r in rows] == [("language", None)] and total is None
    page = world.client_for("coordinator").get(reverse("dashboard:careers")).content.decode()
    assert "&lt;5" in page and "Sultani" not in page
    home = world.client_for("case_manager_a").get(reverse("core:home")).content.decode()
    assert "Sultani0" in home and "Sultani1" in home
    assert "Sultani" not in world.client_for("team_lead_a").get(reverse("core:home")).content.decode()
    mine = world.client_for("case_manager_a").get(reverse("dashboard:my_careers")).content.decode()
    assert "Sultani0" in mine
    more = [_person_with_case(actor, make_person)[0] for _ in range(3)]
    for person in more:
        for offer in past_offers[1:4]:
            offers.enrol_participant(actor, offer, person)
    rows, total = careers.counts(actor.network_id)
    assert [(r.category, r.persons) for r in rows] == [("language", 5)] and total == 5


def test_the_own_list_needs_the_same_queries_for_few_and_many(world, actor, make_person, past_offers) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def flagged(count: int) -> None:
        for _ in range(count):
            person = _person_with_case(actor, make_person)[0]
            for offer in past_offers[:3]:
                offers.enrol_participant(actor, offer, person)

    flagged(1)
    with CaptureQueriesContext(connection) as few:
        assert len(careers.mine(actor)) == 1
    flagged(4)
    with CaptureQueriesContext(connection) as many:
        assert len(careers.mine(actor)) == 5
    assert len(many) == len(few) <= 6
