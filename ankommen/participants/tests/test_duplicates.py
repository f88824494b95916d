"""Duplicate scans (background jobs) and the review queue."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.jobs.models import BackgroundJob, JobStatus
from ankommen.participants.duplicates import (
    SCAN_NETWORK,
    SCAN_ORGANISATION,
    confirm_candidate,
    reasons_for_display,
    reject_candidate,
    start_network_scan,
    start_organisation_scan,
)
from ankommen.participants.models import DuplicateCandidate, DuplicateStatus, NameVariant, Participant
from ankommen.participants.services import ParticipantError
from ankommen.testing.factories import DuplicateCandidateFactory, ParticipantFactory
from ankommen.testing.personas import World

# (given, family, date of birth, nationality); pairs of the same person differ in spelling only.
SAME_IN_A = [("Mohammed", "Al-Hassan", "1990-05-03", "SY"), ("Muhammad", "Alhasan", "1990-05-03", "SY")]
SAME_IN_B = [("Oleksandr", "Kovalenko", "2001-05-03", "UA"), ("Aleksandr", "Kowalenko", "2001-05-03", "UA")]
ACROSS = [("Hussein", "Karimi", "1978-09-14", "IQ"), ("Husain", "Karimi", "1978-09-14", "IQ")]  # one in A, one in B
OTHERS = [("Amina", "Yusufzai", "1985-02-11", "AF"), ("Fatima", "Rahimi", "1992-07-21", "AF")]


def _person(world: World, org: str, given: str, family: str, born: str, nationality: str) -> Participant:
    female = given in {"Amina", "Fatima"}
    return ParticipantFactory(
        sex="f" if female else "m",
        network=world.network,
        organisation=world.organisations[org],
        created_by=world.memberships["case_manager_a"].user,
        given_name=given,
        family_name=family,
        date_of_birth=dt.date.fromisoformat(born),
        nationalities=[nationality],
    )


@pytest.fixture
def people(world: World) -> dict[str, list[Participant]]:
    with scope(network=world.network.pk):
        made = {
            "same_a": [_person(world, "org_a", *p) for p in SAME_IN_A],
            "same_b": [_person(world, "org_b", *p) for p in SAME_IN_B],
            "across": [_person(world, "org_a", *ACROSS[0]), _person(world, "org_b", *ACROSS[1])],
            "others": [_person(world, "org_a", *OTHERS[0]), _person(world, "org_b", *OTHERS[1])],
        }
        # A merged-away record is never scanned.
        ghost = _person(world, "org_a", "Mohamad", "Alhassan", "1990-05-03", "SY")
        ghost.merged_into = made["others"][0]
        ghost.save(update_fields=["merged_into"])
    return made


def _run(world: World, start: Any, persona: str, capture: Any) -> BackgroundJob:
    with scope(network=world.network.pk), capture(execute=True):
        job = start(world.memberships[persona])
    with scope(network=world.network.pk):
        job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _pairs(world: World) -> set[tuple[int, int, int, str]]:
    with scope(network=world.network.pk):
        return {
            (c.organisation_id, c.left_id, c.right_id, c.status)
            for c in DuplicateCandidate.objects.filter(network=world.network)
        }


def test_organisation_scan_fills_the_review_queue(world: World, people, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    job = _run(world, start_organisation_scan, "case_manager_a", django_capture_on_commit_callbacks)
    a, b = people["same_a"]
    org_a = world.organisations["org_a"].pk
    assert _pairs(world) == {(org_a, a.pk, b.pk, "open")}
    assert job.kind == SCAN_ORGANISATION
    assert job.result == {"records": 4, "pairs": 1, "new": 1, "updated": 0, "decided": 0}
    assert (job.progress_done, job.progress_total) == (100, 100)
    with scope(network=world.network.pk):
        candidate = DuplicateCandidate.objects.get()
        assert candidate.job_id == job.pk
        assert candidate.score >= 0.8
        codes = [reason["code"] for reason in candidate.reasons]
        assert "name.variant" in codes or "name.fuzzy" in codes
        assert "dob.exact" in codes
        assert all(reason["text"] for reason in candidate.reasons)
        finished = AuditEntry.objects.get(action="duplicate.scan_finished")
        assert finished.data["new"] == 1
        assert finished.organisation_id == org_a


def test_rescan_updates_open_pairs_and_leaves_decided_ones(
    world: World, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    _run(world, start_organisation_scan, "case_manager_a", django_capture_on_commit_callbacks)
    again = _run(world, start_organisation_scan, "case_manager_a", django_capture_on_commit_callbacks)
    assert again.result["updated"] == 1 and again.result["new"] == 0
    with scope(network=world.network.pk):
        candidate = DuplicateCandidate.objects.get()
        reject_candidate(world.memberships["case_manager_a"], candidate)
    third = _run(world, start_organisation_scan, "case_manager_a", django_capture_on_commit_callbacks)
    assert third.result == {"records": 4, "pairs": 1, "new": 0, "updated": 0, "decided": 1}
    a, b = people["same_a"]
    assert _pairs(world) == {(world.organisations["org_a"].pk, a.pk, b.pk, "rejected")}


def test_network_scan_counts_pairs_across_organisations_and_shows_no_person(
    world: World, people, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    job = _run(world, start_network_scan, "coordinator", django_capture_on_commit_callbacks)
    a1, a2 = people["same_a"]
    b1, b2 = people["same_b"]
    org_a, org_b = world.organisations["org_a"].pk, world.organisations["org_b"].pk
    # Pairs within an organisation go to its queue; the pair across organisations goes nowhere.
    assert _pairs(world) == {(org_a, a1.pk, a2.pk, "open"), (org_b, b1.pk, b2.pk, "open")}
    assert job.kind == SCAN_NETWORK
    assert job.result["cross_organisation_pairs"] == 1
    assert job.result["records"] == 8
    assert {row["organisation"]: (row["records"], row["pairs"]) for row in job.result["organisations"]} == {
        "Wohlfahrt A": (4, 1),
        "Sozialamt B": (4, 1),
    }
    # Counts only: no name, reference or id of a participant, in the result or on the job page.
    page = world.client_for("coordinator").get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "participants/duplicates/network_scan_result.html" in [t.name for t in page.templates]
    result = json.dumps(job.result, ensure_ascii=False)
    everyone = [p for group in people.values() for p in group]
    for participant in everyone:
        for text in (participant.given_name, participant.family_name, participant.reference):
            assert text not in result
            assert text not in html
    # ... and nothing but counts: the shape of the result is fixed.
    assert set(job.result) == {"records", "organisations", "pairs", "new", "cross_organisation_pairs"}
    assert all(set(row) == {"organisation", "records", "pairs", "new"} for row in job.result["organisations"])


def test_scans_need_their_permission(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with scope(network=world.network.pk):
        for persona in ("assistant_a", "coordinator", "police_liaison"):
            with pytest.raises(PermissionDenied):
                start_organisation_scan(world.memberships[persona])
        for persona in ("case_manager_a", "team_lead_a", "dpo"):
            with pytest.raises(PermissionDenied):
                start_network_scan(world.memberships[persona])


def test_scan_pages_start_jobs(world: World, people, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    coordinator = world.client_for("coordinator")
    assert coordinator.get(reverse("participants:duplicates_network")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(reverse("participants:duplicates_network_start"))
    with scope(network=world.network.pk):
        job = BackgroundJob.objects.get(kind=SCAN_NETWORK)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    listing = coordinator.get(reverse("participants:duplicates_network")).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("case_manager_a").post(reverse("participants:duplicates_scan"))
    with scope(network=world.network.pk):
        job = BackgroundJob.objects.get(kind=SCAN_ORGANISATION)
    assert response.url == reverse("jobs:detail", args=[job.pk])
    page = world.client_for("case_manager_a").get(response.url).content.decode()
    assert reverse("participants:duplicates") in page


# --- decisions -----------------------------------------------------------------------------------


@pytest.fixture
def candidate(world: World) -> DuplicateCandidate:
    with scope(network=world.network.pk):
        left = _person(world, "org_a", *SAME_IN_A[0])
        right = _person(world, "org_a", *SAME_IN_A[1])
        return DuplicateCandidateFactory(left=left, right=right)


def test_confirm_and_reject_are_recorded_and_audited(world: World, candidate: DuplicateCandidate) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(reverse("participants:duplicate_confirm", args=[candidate.pk]))
    assert response.status_code == 302
    with scope(network=world.network.pk):
        candidate.refresh_from_db()
        assert candidate.status == DuplicateStatus.CONFIRMED
        assert candidate.decided_by == world.memberships["case_manager_a"].user
        confirmed = AuditEntry.objects.filter(action="duplicate.confirmed")
        assert {e.subject for e in confirmed} == {
            f"participant:{candidate.left_id}",
            f"participant:{candidate.right_id}",
        }
    # A confirmed pair stays in the queue (to be merged) until someone merges or rejects it.
    assert f"/duplicates/{candidate.pk}/merge/" in client.get(reverse("participants:duplicates")).content.decode()
    client.post(reverse("participants:duplicate_reject", args=[candidate.pk]))
    with scope(network=world.network.pk):
        candidate.refresh_from_db()
        assert candidate.status == DuplicateStatus.REJECTED
        assert AuditEntry.objects.filter(action="duplicate.rejected").count() == 2
        with pytest.raises(ParticipantError):
            confirm_candidate(world.memberships["case_manager_a"], candidate)
    assert "MS-" not in client.get(reverse("participants:duplicates")).content.decode().split("pairs to review")[-1]


@pytest.mark.parametrize(("persona", "status"), [("assistant_a", 403), ("case_manager_b", 404), ("coordinator", 403)])
@pytest.mark.parametrize("action", ["participants:duplicate_confirm", "participants:duplicate_reject"])
def test_only_reviewers_of_the_organisation_decide(  # type: ignore[no-untyped-def]
    world: World, candidate: DuplicateCandidate, persona: str, status: int, action: str
) -> None:
    response = world.client_for(persona).post(reverse(action, args=[candidate.pk]))
    assert response.status_code == status
    with scope(network=world.network.pk):
        candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.OPEN


# --- the queue page -------------------------------------------------------------------------------


def _fill_queue(world: World, pairs: int) -> list[DuplicateCandidate]:
    made = []
    with scope(network=world.network.pk):
        for n in range(pairs):
            left = _person(world, "org_a", "Yusuf", f"Queue{n}", "1999-04-07", "SY")
            right = _person(world, "org_a", "Youssef", f"Queue{n}", "1999-04-07", "SY")
            NameVariant.objects.create(network=world.network, participant=left, given_name="Jusuf", family_name="Q")
            made.append(DuplicateCandidateFactory(left=left, right=right, score=0.5 + n / 100))
    return made


def test_queue_shows_both_records_and_logs_the_read(world: World) -> None:
    made = _fill_queue(world, 2)
    user = world.memberships["assistant_a"].user
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    response = world.client_for("assistant_a").get(reverse("participants:duplicates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Queue0" in html and "Queue1" in html and "Jusuf" in html
    assert reverse("participants:detail", args=[made[0].left_id]) in html
    assert "family name: same spelling of the name" in html
    assert "/confirm/" not in html  # the read-only assistant gets no decision buttons
    with scope(network=world.network.pk):
        entry = AuditEntry.objects.get(action="participant.duplicates_viewed")
    assert entry.data["participants"] == sorted(p for c in made for p in (c.left_id, c.right_id))
    # Another organisation's staff see their own (empty) queue.
    other = world.client_for("case_manager_b").get(reverse("participants:duplicates")).content.decode()
    assert "Queue0" not in other


def test_queue_query_count_does_not_grow_with_pairs(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = world.client_for("case_manager_a")
    _fill_queue(world, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("participants:duplicates"))
    _fill_queue(world, 12)
    with django_assert_max_num_queries(22), CaptureQueriesContext(connection) as many:
        client.get(reverse("participants:duplicates"))
    assert len(many) == len(few)


def test_reasons_are_shown_with_their_direction() -> None:
    shown = reasons_for_display(
        [
            {"code": "name.variant", "text": "given name: transliteration variant (Yusuf ~ Youssef)", "weight": 9.1},
            {"code": "name.common", "text": "this combination of names is common", "weight": 12.0},
            {"code": "dob.conflict", "text": "date of birth: conflict (1990 / 1991)", "weight": -8.0},
            {"code": "new.code", "text": "something the engine learnt later", "weight": 1.0},
        ]
    )
    assert [r.kind for r in shown] == ["for", "note", "against", "for"]
    with translation.override("en"):
        texts = [r.text for r in reasons_for_display([{"code": "dob.conflict", "text": "x", "weight": -1}])]
    assert texts == ["different dates of birth"]
    assert shown[3].text == "something the engine learnt later"  # unknown codes fall back to the text
