"""The seat-allocation job: candidates from the waiting lists, the finder's eligibility and fit plus
priorities, the optimum with a reason per person (pseudonymous preview), apply all or nothing
through ``enrol_participant`` (conflicts reported, nothing half-applied), discard, the job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.jobs.models import JobStatus
from ankommen.offers import allocation, services
from ankommen.offers.allocation_data import build
from ankommen.offers.allocation_runs import apply_allocation, compute, discard_allocation, start_allocation
from ankommen.offers.choices import AllocationStatus, CancellationReason, EnrolmentStatus
from ankommen.offers.models import AllocationProposal, AllocationRun, Enrolment
from ankommen.testing.personas import World


@pytest.fixture
def scene(world: World, actor, make_person, make_offer, make_session):  # type: ignore[no-untyped-def]
    """Two parallel new German courses by allocation (A: 2 seats, up to 30 years; B: 1 seat) and five
    people waiting: p1 waited 100 days, p2 has a support need, p3 turns 27 within the year, p4 is
    40 (too old for A), p5 has a seat in a course at the same time as both."""
    today = timezone.localdate()
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=5)
    a = make_offer(title="Sprachkurs Gruppe A", category="language", field_of_action="education_language",
                   capacity=2, allocates_seats=True)  # fmt: skip
    b = make_offer(title="Sprachkurs Gruppe B", category="language", field_of_action="education_language",
                   capacity=1, allocates_seats=True)  # fmt: skip
    for offer in (a, b):
        make_session(offer, starts_at=start, ends_at=start + dt.timedelta(hours=3))

    def born(years: int, days: int = 0) -> dt.date:
        return today.replace(year=today.year - years) - dt.timedelta(days=days)

    people = {
        "p1": make_person(family_name="Allokation1", date_of_birth=born(24)),
        "p2": make_person(family_name="Allokation2", date_of_birth=born(24), vulnerabilities=["single_parent"]),
        "p3": make_person(family_name="Allokation3", date_of_birth=born(27, -100)),  # 27th birthday in 100 days
        "p4": make_person(family_name="Allokation4", date_of_birth=born(40)),
        "p5": make_person(family_name="Allokation5", date_of_birth=born(24)),
    }
    for key, offer in (("p1", a), ("p2", a), ("p3", b), ("p4", a), ("p5", b)):
        services.enrol_participant(actor, offer, people[key])
    type(a).objects.filter(pk=a.pk).update(age_max=30)  # p4 registered before the age limit was set
    Enrolment.objects.filter(participant=people["p1"]).update(queued_at=timezone.now() - dt.timedelta(days=100))
    busy = make_offer(title="Anderer Kurs", capacity=5)
    make_session(busy, starts_at=start + dt.timedelta(hours=1), ends_at=start + dt.timedelta(hours=2))
    services.enrol_participant(actor, busy, people["p5"])
    return {"a": a, "b": b, "people": people}


def _run(world: World, offers, parallel: bool = True) -> AllocationRun:  # type: ignore[no-untyped-def]
    coordinator = world.memberships["coordinator"]
    run = AllocationRun.objects.create(
        network=world.network,
        organisation=coordinator.organisation,
        include_parallel=parallel,
        created_by=coordinator.user,
    )
    run.offers.set(offers)
    return run


def test_preview_places_the_most_with_the_best_priorities_and_says_why(world: World, actor, scene) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, [scene["a"], scene["b"]])
    compute(run)
    run.refresh_from_db()
    people = scene["people"]
    assert run.status == AllocationStatus.READY
    assert (run.candidates, run.seats, run.placed) == (5, 3, 3)
    proposals = {p.participant_id: p for p in AllocationProposal.objects.filter(run=run)}
    placed = {pid for pid, p in proposals.items() if p.offer_id is not None}
    assert placed == {people[k].pk for k in ("p1", "p2", "p3")}
    assert proposals[people["p4"].pk].code == allocation.OFFERS_FULL  # only B fits, and B is full
    assert proposals[people["p5"].pk].code == allocation.NO_CANDIDATES  # clashes with the seat they have
    assert run.summary["excluded_pairs"]["too_old"] == 1 and run.summary["excluded_pairs"]["time_conflict"] == 2
    p1, p2, p3 = (proposals[people[k].pk] for k in ("p1", "p2", "p3"))
    assert p1.waiting_days == 100 and not p1.further_priority
    assert p2.further_priority and p3.further_priority
    for p in (p1, p2, p3):
        expected = Decimal("0.55") * p.fit + Decimal("0.35") * p.priority + (Decimal("0.10") if p.preferred else 0)
        assert abs(p.score - expected) <= Decimal("0.0001")
        assert p.code in (allocation.FIRST_CHOICE, allocation.BETTER_FULL)
    assert p1.priority == Decimal("0.2778")  # 0.5 × 100 / 180
    assert run.summary["first_come_first_served"]["placed"] == 3


def test_without_parallel_offers_only_the_offer_asked_for_counts(world: World, actor, scene) -> None:  # type: ignore[no-untyped-def]
    built = build(_run(world, [scene["a"], scene["b"]], parallel=False))
    assert built.problem.candidate_count == 3  # p1, p2 for A; p3 for B (p4 too old, p5 clashes)
    assert built.asked_for.all()


def test_the_preview_page_is_pseudonymous(world: World, actor, scene) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, [scene["a"], scene["b"]])
    compute(run)
    page = world.client_for("coordinator").get(reverse("offers:allocation", args=[run.pk])).content.decode()
    for person in scene["people"].values():
        assert person.reference in page
        assert person.family_name not in page
    assert "single_parent" not in page
    assert AuditEntry.objects.filter(action="allocation.previewed").exists()
    assert world.client_for("case_manager_a").get(reverse("offers:allocation", args=[run.pk])).status_code == 403


def test_apply_gives_every_seat_and_clears_the_other_waiting_places(world: World, actor, scene) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, [scene["a"], scene["b"]])
    compute(run)
    coordinator = world.memberships["coordinator"]
    with pytest.raises(PermissionDenied):
        apply_allocation(actor, run)
    assert apply_allocation(coordinator, run) == []
    run.refresh_from_db()
    assert run.status == AllocationStatus.APPLIED
    people = scene["people"]
    seats = {
        e.participant_id: e.offer_id
        for e in Enrolment.objects.filter(offer__in=[scene["a"], scene["b"]], status=EnrolmentStatus.ENROLLED)
    }
    proposed = {p.participant_id: p.offer_id for p in AllocationProposal.objects.filter(run=run, offer__isnull=False)}
    assert seats == proposed and len(seats) == 3
    # the placed leave the waiting lists; those not placed stay on them
    for key in ("p1", "p2", "p3"):
        assert not Enrolment.objects.filter(participant=people[key], status=EnrolmentStatus.WAITING).exists()
    assert Enrolment.objects.filter(participant=people["p4"], status=EnrolmentStatus.WAITING).exists()
    moved_over = Enrolment.objects.filter(cancellation_reason=CancellationReason.ALLOCATED)
    assert all(e.participant_id in proposed for e in moved_over)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("enrolment.allocated") == 3 and "allocation.applied" in actions
    with pytest.raises(services.OfferError):
        apply_allocation(coordinator, run)  # applied once only


def test_a_conflict_on_apply_changes_nothing_and_is_reported(world: World, actor, scene, provider) -> None:  # type: ignore[no-untyped-def]
    run = _run(world, [scene["a"], scene["b"]])
    compute(run)
    # meanwhile the provider reduces group A to one seat
    services.update_offer(provider, scene["a"], {"capacity": 1}, version=None)
    client = world.client_for("coordinator")
    response = client.post(reverse("offers:apply_allocation", args=[run.pk]), follow=True)
    assert response.status_code == 200
    assert not Enrolment.objects.filter(offer__in=[scene["a"], scene["b"]], status=EnrolmentStatus.ENROLLED).exists()
    assert not Enrolment.objects.filter(cancellation_reason=CancellationReason.ALLOCATED).exists()
    run.refresh_from_db()
    assert run.status == AllocationStatus.READY
    conflicts = run.summary["conflicts"]
    assert [c["code"] for c in conflicts] == ["no_seat"]
    assert conflicts[0]["participant"] in response.content.decode()
    assert AuditEntry.objects.filter(action="allocation.apply_refused").exists()
    assert not AuditEntry.objects.filter(action="enrolment.allocated").exists()


def test_discard_and_the_job_from_the_form(world: World, actor, scene, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("coordinator")
    assert client.get(reverse("offers:new_allocation")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("offers:new_allocation"), {"offers": [scene["a"].pk, scene["b"].pk], "include_parallel": "on"}
        )
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("offers:allocation", args=[run.pk])
    run.refresh_from_db()
    assert run.status == AllocationStatus.READY and run.job.status == JobStatus.SUCCEEDED
    assert run.job.result["placed"] == 3
    assert client.get(reverse("jobs:detail", args=[run.job.pk])).status_code == 200
    assert str(run.pk) in client.get(reverse("offers:allocations")).content.decode()
    assert client.post(reverse("offers:discard_allocation", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == AllocationStatus.DISCARDED and not AllocationProposal.objects.filter(run=run).exists()
    # per-session offers cannot be allocated
    single = scene["a"].__class__.objects.filter(pk=scene["a"].pk).update(enrolment_unit="session")
    assert single == 1
    with pytest.raises(services.OfferError):
        start_allocation(world.memberships["coordinator"], [scene["a"]])
    with pytest.raises(PermissionDenied):
        discard_allocation(actor, run)


def test_selecting_candidates_by_table_or_by_network_gives_the_same_problem(  # type: ignore[no-untyped-def]
    world: World, actor, scene, make_person, monkeypatch
) -> None:
    from ankommen.offers import allocation_data

    run = _run(world, [scene["a"], scene["b"]])
    now = timezone.now()
    tables = []
    original = allocation_data._people_table

    def recording(ids):  # type: ignore[no-untyped-def]
        tables.append(ids.size)
        return original(ids)

    monkeypatch.setattr(allocation_data, "_people_table", recording)
    by_network = build(run, now=now)  # the five candidates are all of the network's people
    for i in range(12):
        make_person(family_name=f"Unbeteiligt{i}")
    by_table = build(run, now=now)  # now they are a minority: a temporary table
    assert tables == [5]
    for name in ("candidate_participant", "candidate_offer", "score_units", "capacities"):
        assert (getattr(by_network.problem, name) == getattr(by_table.problem, name)).all(), name
    assert by_network.problem.participant_ids == by_table.problem.participant_ids
    assert by_network.excluded == by_table.excluded
