"""Deadlines for "my work": only the people of the actor's open cases, within the horizon, with a
fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope

from ankommen.cases.models import Case
from ankommen.network.models import Membership
from ankommen.participants.models import Participant, ResidenceStatus
from ankommen.pathways.deadlines import upcoming_deadlines
from ankommen.pathways.engine.dates import add_years
from ankommen.pathways.tests.conftest import Family
from ankommen.testing.personas import World

HORIZON = 90


def _young(world: World, actor: Membership, number: int, turns_27_in: int) -> Participant:
    """A tolerated young person of org A whose 27th birthday is ``turns_27_in`` days away."""
    today = timezone.localdate()
    person = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference=f"MS-97{number:04d}",
        given_name="Farhad",
        family_name=f"Fristtest{number}",
        date_of_birth=add_years(today + dt.timedelta(days=turns_27_in), -27),
        created_by=actor.user,
    )
    ResidenceStatus.objects.create(
        network=world.network, participant=person, status="duldung", valid_from=today - dt.timedelta(days=900)
    )
    return person


def _case(world: World, actor: Membership, family: Family, person: Participant, **extra) -> Case:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return Case.objects.create(
        network=world.network,
        organisation=actor.organisation,
        participant=person,
        case_type=family.case_type,
        reference=f"MS-F97{person.pk:04d}",
        opened_on=today,
        phase_started_on=today,
        created_by=actor.user,
        **{"lead": actor.user, **extra},
    )


@pytest.mark.parametrize(("days", "listed"), [(-1, False), (0, True), (HORIZON, True), (HORIZON + 1, False)])
def test_the_day_before_the_27th_birthday_within_the_horizon(
    world: World, actor: Membership, family: Family, days: int, listed: bool
) -> None:
    # The last day to apply is the day before the birthday: birthday in ``days + 1`` days.
    person = _young(world, actor, 1, days + 1)
    _case(world, actor, family, person)
    rows = upcoming_deadlines(actor, timezone.localdate(), HORIZON)
    assert [(r.participant, r.pathway.id) for r in rows] == ([(person, "aufenthg_25a")] if listed else [])
    if listed:
        _participant, _pathway, deadline = rows[0]
        assert deadline == timezone.localdate() + dt.timedelta(days=days)


def test_only_the_actors_open_cases_count(world: World, actor: Membership, family: Family) -> None:
    mine = _young(world, actor, 2, 30)
    closed = _young(world, actor, 3, 30)
    colleagues = _young(world, actor, 4, 30)
    without_case = _young(world, actor, 5, 30)  # noqa: F841 - no case at all
    _case(world, actor, family, mine)
    _case(world, actor, family, closed, phase="closed")
    _case(world, actor, family, colleagues, lead=world.memberships["team_lead_a"].user)
    rows = upcoming_deadlines(actor, timezone.localdate(), HORIZON)
    assert [r.participant for r in rows] == [mine]
    with scope(network=world.network.pk):
        assert upcoming_deadlines(world.memberships["case_manager_b"], timezone.localdate(), HORIZON) == []
        assert upcoming_deadlines(world.memberships["police_liaison"], timezone.localdate(), HORIZON) == []


def test_a_104c_permit_ending_soon_of_a_household_member(world: World, actor: Membership, family: Family) -> None:
    today = timezone.localdate()
    ResidenceStatus.objects.create(
        network=world.network,
        participant=family.father,
        status="aufenthaltserlaubnis",
        legal_basis="AufenthG § 104c",
        valid_from=today - dt.timedelta(days=400),
        valid_to=today + dt.timedelta(days=40),
    )
    Case.objects.filter(pk=family.case.pk).update(participant=None, household=family.household)
    rows = upcoming_deadlines(actor, today, HORIZON)
    assert [(r.participant, r.pathway.id, r.deadline) for r in rows] == [
        (family.father, "aufenthg_104c_transition", today + dt.timedelta(days=40))
    ]


def test_a_deadline_of_a_pathway_that_does_not_fit_the_status_is_not_listed(
    world: World, actor: Membership, family: Family
) -> None:
    person = _young(world, actor, 6, 30)
    ResidenceStatus.objects.filter(participant=person).update(
        status="aufenthaltserlaubnis", legal_basis="AufenthG § 25 Abs. 2 S. 1 Alt. 1"
    )
    _case(world, actor, family, person)
    assert upcoming_deadlines(actor, timezone.localdate(), HORIZON) == []


def test_queries_do_not_grow_with_the_number_of_people(
    world: World, actor: Membership, family: Family, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for number in range(10, 12):
        _case(world, actor, family, _young(world, actor, number, 20))
    with django_assert_max_num_queries(12) as few:
        assert len(upcoming_deadlines(actor, timezone.localdate(), HORIZON)) == 2
    for number in range(12, 20):
        _case(world, actor, family, _young(world, actor, number, 20))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(upcoming_deadlines(actor, timezone.localdate(), HORIZON)) == 10


def test_the_my_work_include_lists_the_deadlines(world: World, actor: Membership, family: Family) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    person = _young(world, actor, 30, 10)
    _case(world, actor, family, person)
    rows = upcoming_deadlines(actor, timezone.localdate(), HORIZON)
    with translation.override("en"):
        html = render_to_string("pathways/includes/my_work_deadlines.html", {"rows": rows, "days": HORIZON})
        empty = render_to_string("pathways/includes/my_work_deadlines.html", {"rows": [], "days": HORIZON})
    assert "§ 25a AufenthG – well-integrated young people" in html
    assert f"/pathways/participants/{person.pk}/#aufenthg_25a" in html
    assert "in the next 90 days" in html
    assert "No application deadlines coming up." in empty


def test_the_prefilter_from_the_rules_keeps_everyone_the_evaluation_would_list(
    world: World, actor: Membership, family: Family
) -> None:
    """``may_have_deadline`` only narrows down whom to evaluate: over ages around every edge of
    the horizon (and people born on 29 February), with and without § 104c permits, evaluating
    everybody lists exactly the people it keeps."""
    from ankommen.pathways.deadlines import may_have_deadline
    from ankommen.pathways.engine import evaluate
    from ankommen.pathways.facts import facts_for, with_facts

    today = timezone.localdate()
    until = today + dt.timedelta(days=HORIZON)
    offsets = [-3, -2, -1, 0, 1, 2, 45, HORIZON - 1, HORIZON, HORIZON + 1, HORIZON + 2, HORIZON + 3, 400]
    people = [_young(world, actor, 100 + n, days + 1) for n, days in enumerate(offsets)]
    leap = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference="MS-979999",
        given_name="Leyla",
        family_name="Schaltjahr",
        date_of_birth=dt.date(2000, 2, 29),
        created_by=actor.user,
    )
    people.append(leap)
    for n, ends_in in enumerate([-1, 0, 30, HORIZON, HORIZON + 1, None]):
        person = _young(world, actor, 200 + n, 2000)
        ResidenceStatus.objects.create(
            network=world.network,
            participant=person,
            status="aufenthaltserlaubnis",
            legal_basis="AufenthG § 104 c",
            valid_from=today - dt.timedelta(days=300),
            valid_to=None if ends_in is None else today + dt.timedelta(days=ends_in),
        )
        people.append(person)
    for day in (today, dt.date(2028, 2, 28), dt.date(2028, 3, 1), dt.date(2027, 12, 31)):
        end = day + dt.timedelta(days=HORIZON)
        condition = may_have_deadline(day, end)
        kept = (
            set(
                Participant.objects.filter(pk__in=[p.pk for p in people]).filter(condition).values_list("pk", flat=True)
            )
            if condition is not None
            else {p.pk for p in people}
        )
        listed = set()
        for person in with_facts(Participant.objects.filter(pk__in=[p.pk for p in people])):
            for pathway in evaluate(facts_for(person, day).facts, day).pathways:
                if pathway.deadline is not None and pathway.in_scope and day <= pathway.deadline <= end:
                    listed.add(person.pk)
        assert listed <= kept, (day, listed - kept)
        if day == today:
            assert listed and len(kept) < len(people)
    assert until  # the horizon of "my work"
