"""The gap register's workflow: open → analysed → measure agreed → in implementation → closed, its
guards, the history, who may set the priority, and refusals of stale forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.network.models import Membership
from ankommen.steering import services
from ankommen.steering.models import Gap, GapStatusChange
from ankommen.steering.services import SteeringError
from ankommen.testing.factories import BodyFactory, OfferFactory, ProblemReportFactory
from ankommen.testing.personas import World

pytestmark = pytest.mark.usefixtures("english")

BASE = {
    "title": "Berufssprachkurs für Gestattete",
    "field": "education_language",
    "age_band": "18_26",
    "status_group": "asylum_procedure",
    "benefit_system": "asylblg",
    "language": "",
    "description": "Kein Zugang seit dem Zulassungsstopp.",
}


def _gap(world: World, actor: Membership) -> Gap:
    report = ProblemReportFactory(network=world.network)
    return services.create_gap(actor, BASE, reports=[report])


def _status(actor: Membership, gap: Gap, target: str, **kwargs) -> Gap:  # type: ignore[no-untyped-def]
    current = Gap.objects.get(pk=gap.pk)
    return services.change_gap_status(actor, current, target, version=current.version, **kwargs)


def test_a_gap_walks_from_open_to_closed_with_its_guards(world: World, coordinator: Membership) -> None:
    gap = _gap(world, coordinator)
    assert (gap.code, gap.status) == ("L-001", "open")
    with pytest.raises(SteeringError) as refused:
        _status(coordinator, gap, "analysed")
    assert refused.value.messages == [
        "Classify the gap: choose its type.",
        "Write down the root cause.",
        "Record the offers checked (unless there is no offer at all).",
    ]
    with pytest.raises(SteeringError, match="cannot move"):
        _status(coordinator, gap, "measure_agreed")  # no skipping
    gap = services.update_gap(
        coordinator,
        gap,
        {"gap_type": "status_excludes", "root_cause": "BAMF-Zulassung ausgesetzt."},
        version=gap.version,
    )
    offer = OfferFactory(organisation=world.organisations["chamber"], created_by=coordinator.user)
    services.check_offer(coordinator, gap, offer, finding="Zulassung für Gestattete ausgesetzt")
    gap = _status(coordinator, gap, "analysed", note="in der Kerngruppe besprochen")

    with pytest.raises(SteeringError) as refused:
        _status(coordinator, gap, "measure_agreed")
    assert refused.value.messages == [
        "Write down the measure agreed.",
        "Name the responsible organisation.",
        "The core group sets the priority first.",
        "Set a target date.",
    ]
    gap = services.update_gap(
        coordinator,
        gap,
        {
            "proposed_measure": "Kurs über die Verpflichtung durch die ABH öffnen.",
            "owner": world.organisations["org_b"],
            "body": BodyFactory(network=world.network, created_by=coordinator.user),
            "target_on": timezone.localdate() + dt.timedelta(days=60),
        },
        version=gap.version,
    )
    gap = services.set_priority(coordinator, gap, impact=5, affected=4, feasibility=3, version=gap.version)
    assert (gap.priority, gap.band) == (60, "high")
    gap = _status(coordinator, gap, "measure_agreed")

    with pytest.raises(SteeringError, match="funding source"):
        _status(coordinator, gap, "in_implementation")
    gap = services.update_gap(coordinator, gap, {"funding_source": "kim"}, version=gap.version)
    gap = _status(coordinator, gap, "in_implementation")

    with pytest.raises(SteeringError) as refused:
        _status(coordinator, gap, "closed")
    assert refused.value.messages == [
        "Describe the evidence that the gap is closed.",
        "Set a date to review whether the gap stays closed.",
    ]
    with pytest.raises(SteeringError, match="review date lies in the future"):
        _status(coordinator, gap, "closed", evidence="Kurs läuft.", review_on=timezone.localdate())
    review = timezone.localdate() + dt.timedelta(days=180)
    gap = _status(coordinator, gap, "closed", evidence="Kurs läuft seit März, 14 Teilnehmende.", review_on=review)
    assert (gap.status, gap.review_on) == ("closed", review) and gap.closure_evidence.startswith("Kurs läuft")

    # Closed: no more changes, until it is reopened into implementation.
    with pytest.raises(SteeringError, match="closed"):
        services.update_gap(coordinator, gap, {"title": "Neu"}, version=gap.version)
    with pytest.raises(SteeringError, match="closed"):
        services.set_priority(coordinator, gap, impact=1, affected=1, feasibility=1, version=gap.version)
    gap = _status(coordinator, gap, "in_implementation", note="Kurs wurde wieder gestrichen")

    history = list(GapStatusChange.objects.filter(gap=gap).values_list("from_status", "to_status"))
    assert history == [
        ("", "open"),
        ("open", "analysed"),
        ("analysed", "measure_agreed"),
        ("measure_agreed", "in_implementation"),
        ("in_implementation", "closed"),
        ("closed", "in_implementation"),
    ]
    audited = AuditEntry.objects.filter(action="steering.gap_status_changed", target_id=str(gap.pk))
    assert audited.count() == 5
    assert {e.data["to_status"] for e in audited} == {"analysed", "measure_agreed", "in_implementation", "closed"}


def test_a_gap_without_any_offer_needs_no_offer_checked_and_may_step_back(
    world: World, coordinator: Membership
) -> None:
    gap = _gap(world, coordinator)
    gap = services.update_gap(
        coordinator, gap, {"gap_type": "no_offer", "root_cause": "Es gibt keine Nachhilfe."}, version=gap.version
    )
    gap = _status(coordinator, gap, "analysed")
    gap = _status(coordinator, gap, "open")
    assert gap.status == "open"


def test_a_gap_needs_a_problem_report_to_be_analysed(world: World, coordinator: Membership) -> None:
    gap = services.create_gap(
        coordinator, {**BASE, "gap_type": "no_offer", "root_cause": "Keine Nachhilfe."}, reports=[]
    )
    with pytest.raises(SteeringError, match="Link at least one problem report"):
        _status(coordinator, gap, "analysed")
    report = ProblemReportFactory(network=world.network)
    services.set_gap_reports(coordinator, gap, [report])
    assert _status(coordinator, gap, "analysed").status == "analysed"
    entry = AuditEntry.objects.get(action="steering.gap_reports_linked", target_id=str(gap.pk))
    assert entry.data["added"] == [report.pk]


def test_analysis_is_validated(world: World, coordinator: Membership) -> None:
    gap = _gap(world, coordinator)
    with pytest.raises(SteeringError, match="type “access”"):
        services.update_gap(coordinator, gap, {"gap_type": "capacity", "access_barriers": ["cost"]}, version=None)
    gap = services.update_gap(
        coordinator, gap, {"gap_type": "access", "access_barriers": ["distance", "childcare"]}, version=None
    )
    assert gap.access_barrier_labels() == ["distance", "childcare"]
    with pytest.raises(SteeringError, match="Please choose from the list"):
        services.update_gap(coordinator, gap, {"field": "astrology"}, version=None)
    other = ProblemReportFactory(network=world.other_network)
    with pytest.raises(SteeringError, match="problem reports of the network"):
        services.set_gap_reports(coordinator, gap, [other])


def test_priority_is_set_by_coordinators_and_named_core_group_members(world: World, coordinator: Membership) -> None:
    gap = _gap(world, coordinator)
    manager_b = world.memberships["case_manager_b"]
    with pytest.raises(PermissionDenied):
        services.set_priority(manager_b, gap, impact=3, affected=3, feasibility=3, version=None)
    core = services.create_body(coordinator, {"kind": "core", "name": "Bündniskerngruppe"})
    # An organisation as a member does not make its staff prioritise: its named delegates do.
    services.add_member(coordinator, core, organisation=manager_b.organisation)
    with pytest.raises(PermissionDenied):
        services.set_priority(manager_b, gap, impact=3, affected=3, feasibility=3, version=None)
    services.add_member(coordinator, core, user=manager_b.user, organisation=manager_b.organisation)
    gap = services.set_priority(manager_b, gap, impact=3, affected=2, feasibility=4, version=gap.version)
    assert (gap.priority, gap.prioritised_by_id) == (24, manager_b.user_id)
    entry = AuditEntry.objects.get(action="steering.gap_prioritised", target_id=str(gap.pk))
    assert (entry.data["priority"], entry.data["previous"]) == (24, None)
    # A working group is not the core group; an inactive core group prioritises no more.
    services.update_body(coordinator, core, {"is_active": False}, version=None)
    with pytest.raises(PermissionDenied):
        services.set_priority(manager_b, gap, impact=3, affected=3, feasibility=3, version=None)
    with pytest.raises(SteeringError, match="from 1 to 5"):
        services.set_priority(coordinator, gap, impact=6, affected=3, feasibility=3, version=None)
    with pytest.raises(SteeringError, match="Someone else changed"):
        services.set_priority(coordinator, gap, impact=2, affected=3, feasibility=3, version=gap.version - 1)
    for persona in ("case_manager_a", "partner_liaison", "police_liaison", "outsider"):
        with pytest.raises(PermissionDenied):
            services.set_priority(world.memberships[persona], gap, impact=1, affected=1, feasibility=1, version=None)


def test_only_coordinators_change_gaps(world: World, coordinator: Membership) -> None:
    gap = _gap(world, coordinator)
    for persona in ("case_manager_a", "offer_provider", "police_liaison", "outsider"):
        with pytest.raises(PermissionDenied):
            services.update_gap(world.memberships[persona], gap, {"title": "x"}, version=None)
        with pytest.raises(PermissionDenied):
            _status(world.memberships[persona], gap, "analysed")
    with pytest.raises(PermissionDenied):
        services.create_gap(world.memberships["case_manager_a"], BASE)


def test_offers_checked_are_catalogue_offers(world: World, coordinator: Membership) -> None:
    gap = _gap(world, coordinator)
    draft = OfferFactory(organisation=world.organisations["chamber"], status="draft", created_by=coordinator.user)
    with pytest.raises(SteeringError, match="offer of the catalogue"):
        services.check_offer(coordinator, gap, draft)
    offer = OfferFactory(organisation=world.organisations["chamber"], created_by=coordinator.user)
    services.check_offer(coordinator, gap, offer, finding="Warteliste 40")
    again = services.check_offer(coordinator, gap, offer, finding="Warteliste 55")
    assert gap.offer_checks.count() == 1 and again.finding == "Warteliste 55"
    services.remove_offer_check(coordinator, gap, offer.pk)
    with pytest.raises(SteeringError, match="not checked"):
        services.remove_offer_check(coordinator, gap, offer.pk)


def test_gap_numbers_continue_per_network(world: World, coordinator: Membership) -> None:
    first, second = _gap(world, coordinator), _gap(world, coordinator)
    assert (first.number, second.number) == (1, 2)
