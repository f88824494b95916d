"""Scenario planning with the seat allocation engine: planned seats reduce the unmet needs where
they fit (field, district, target group, language), and are never real offers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ankommen.dashboard import needs, scenario, services
from ankommen.dashboard.models import PlannedOffer, Scenario
from ankommen.offers.models import Offer


@pytest.fixture
def open_needs(world, actor, make_person, make_offer, make_session):
    """Twenty people in Coerde (Arabic, tolerated, 22) need a language course; an existing course in
    Coerde has two free seats."""
    for _ in range(20):
        needs.record_interest(make_person(district="Coerde"), "education_language", category="language")
    course = make_offer(capacity=2, field_of_action="education_language", category="language", district="Coerde")
    make_session(course)


def _plan(coordinator, **values) -> object:
    item = services.create_scenario(
        coordinator, {"title": "Zweiter Sprachkurs", "cross_district": values.pop("cross", False)}
    )
    planned = {
        "title": "Sprachkurs A1",
        "category": "language",
        "field": "education_language",
        "district": "Coerde",
        "seats": 6,
        **values,
    }
    services.add_planned_offer(coordinator, item, planned)
    return item


def _row(outcome, district="Coerde", field="education_language"):
    return next(r for r in outcome.rows if (r.district, r.field) == (district, field))


def test_planned_seats_reduce_the_unmet_needs_of_their_district(world, coordinator, open_needs) -> None:
    outcome = scenario.run(world.network.pk, _plan(coordinator))
    row = _row(outcome)
    assert (row.open.value, row.unmet_before.value, row.unmet_after.value, row.change.value) == (20, 18, 12, 6)
    assert outcome.free_seats == 2 and outcome.planned_seats == 6
    assert not Offer.objects.filter(title="Sprachkurs A1").exists()  # planned offers are not offers


def test_seats_in_another_district_help_only_when_people_travel(world, coordinator, open_needs) -> None:
    staying = scenario.run(world.network.pk, _plan(coordinator, district="Hiltrup"))
    assert _row(staying).change.value == 0
    travelling = scenario.run(world.network.pk, _plan(coordinator, district="Hiltrup", cross=True))
    assert _row(travelling).change.value == 6


def test_a_planned_offer_must_fit_the_target_group(world, coordinator, open_needs) -> None:
    wrong_language = scenario.run(world.network.pk, _plan(coordinator, language="uk"))
    assert _row(wrong_language).change.value == 0
    too_old = scenario.run(world.network.pk, _plan(coordinator, age_min=27))
    assert _row(too_old).change.value == 0
    other_status = scenario.run(world.network.pk, _plan(coordinator, status_groups=["residence_permit"]))
    assert _row(other_status).change.value == 0
    fitting = scenario.run(world.network.pk, _plan(coordinator, language="ar", age_max=26, status_groups=["tolerated"]))
    assert _row(fitting).change.value == 6


def test_small_changes_are_suppressed(world, coordinator, open_needs) -> None:
    outcome = scenario.run(world.network.pk, _plan(coordinator, seats=3))
    row = _row(outcome)
    assert row.change.hidden and row.unmet_before.value == 18


def test_only_coordinators_plan(world, actor, coordinator, open_needs, english) -> None:
    with pytest.raises(PermissionDenied):
        services.create_scenario(actor, {"title": "Nicht erlaubt"})
    client = world.client_for("coordinator")
    response = client.post(reverse("dashboard:scenarios"), {"title": "Sprachkurse Coerde"})
    assert response.status_code == 302
    item = Scenario.objects.get()
    response = client.post(
        reverse("dashboard:planned_offer_add", args=[item.pk]),
        {
            "title": "Sprachkurs B1",
            "category": "language",
            "field": "education_language",
            "district": "Coerde",
            "seats": "6",
            "language": "",
            "status_groups": [],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("dashboard:scenario", args=[item.pk])).content.decode()
    assert "Sprachkurs B1" in page and "18" in page
    planned = PlannedOffer.objects.get()
    client.post(reverse("dashboard:planned_offer_remove", args=[item.pk, planned.pk]))
    assert not PlannedOffer.objects.exists()
