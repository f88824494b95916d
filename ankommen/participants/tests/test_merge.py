"""Merging two records and undoing the merge (services and HTTP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.participants import merge as merge_module
from ankommen.participants.access import visible_participants
from ankommen.participants.keys import refresh_name_keys
from ankommen.participants.merge import ChildRows, merge_participants, plan_merge, undo_merge
from ankommen.participants.models import (
    PARTICIPANT_CHILDREN,
    ContactChannel,
    DuplicateCandidate,
    DuplicateStatus,
    EducationRecord,
    Household,
    HouseholdMember,
    Identifier,
    LanguageSkill,
    Merge,
    NameVariant,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.participants.services import ParticipantError
from ankommen.testing.factories import DuplicateCandidateFactory, HouseholdFactory, ParticipantFactory
from ankommen.testing.personas import World


def _person(world: World, org: str = "org_a", **values: Any) -> Participant:
    participant = ParticipantFactory(
        network=world.network,
        organisation=world.organisations[org],
        created_by=world.memberships["case_manager_a"].user,
        **values,
    )
    refresh_name_keys(participant)
    return participant


def _fill(world: World, person: Participant, household: Household, *, language: str, identifier: str) -> None:
    """One row in every list of the record."""
    common = {"network": world.network, "participant": person}
    NameVariant.objects.create(**common, given_name=f"{person.given_name}a", family_name=person.family_name)
    Identifier.objects.create(**common, kind="bamf", value=identifier)
    LanguageSkill.objects.create(**common, language=language, speaking="B1")
    LanguageSkill.objects.create(**common, language="ar", speaking="native")
    ContactChannel.objects.create(**common, kind="phone", value="+49 251 000000", preferred=True)
    ResidenceStatus.objects.create(
        **common, status="gestattung", legal_basis="AsylG § 55", valid_from=dt.date(2024, 1, 1)
    )
    EducationRecord.objects.create(**common, kind="school", country="SY", years=Decimal("9.0"))
    WorkRecord.objects.create(**common, occupation="Tischler", country="SY")
    HouseholdMember.objects.create(network=world.network, household=household, participant=person, relationship="head")


@pytest.fixture
def pair(world: World) -> tuple[Participant, Participant, Household]:
    """Two records of the same man in org A; they share a household and Arabic as a language."""
    with scope(network=world.network.pk):
        shared = HouseholdFactory(network=world.network, organisation=world.organisations["org_a"])
        survivor = _person(
            world,
            reference="MS-000010",
            given_name="Mohammed",
            family_name="Al-Hassan",
            given_name_original="مُحَمَّد",
            family_name_original="الحسن",
            original_script="arab",
            date_of_birth=None,
            sex="u",
            nationalities=["SY"],
        )
        absorbed = _person(
            world,
            reference="MS-000011",
            given_name="Muhammad",
            family_name="Alhasan",
            given_name_original="محمد",
            family_name_original="الحسن",
            original_script="arab",
            date_of_birth=dt.date(1990, 5, 3),
            birth_date_precision="exact",
            sex="m",
            nationalities=["SY"],
            place_of_birth="Aleppo",
        )
        _fill(world, survivor, shared, language="de", identifier="1111111-475")
        _fill(world, absorbed, shared, language="en", identifier="2222222-475")
        other_household = HouseholdFactory(network=world.network, organisation=world.organisations["org_a"])
        HouseholdMember.objects.create(
            network=world.network, household=other_household, participant=absorbed, relationship="child"
        )
        refresh_name_keys(survivor)
        refresh_name_keys(absorbed)
    return survivor, absorbed, shared


def snapshot(*participants: Participant) -> dict[str, Any]:
    """Everything a merge may touch, by participant: fields, child rows, name keys, queue entries."""
    state: dict[str, Any] = {}
    for participant in participants:
        fresh = Participant.objects.get(pk=participant.pk)
        fields = model_to_dict(fresh, exclude=["version"])
        fields["nationalities"] = [str(c) for c in fresh.nationalities]
        state[f"participant:{participant.pk}"] = fields
        for model in PARTICIPANT_CHILDREN:
            rows = list(model.objects.filter(participant=participant).order_by("pk").values())
            state[f"{model._meta.label_lower}:{participant.pk}"] = rows
        state[f"keys:{participant.pk}"] = sorted(
            ParticipantNameKey.objects.filter(participant=participant).values_list("key", flat=True)
        )
    state["candidates"] = list(DuplicateCandidate.objects.order_by("pk").values())
    return state


def test_merge_moves_everything_and_keeps_the_names(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, shared = pair
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        candidate = DuplicateCandidateFactory(left=survivor, right=absorbed)
        absorbed_rows = {
            model: set(model.objects.filter(participant=absorbed).values_list("pk", flat=True))
            for model in PARTICIPANT_CHILDREN
        }
        absorbed_keys = set(ParticipantNameKey.objects.filter(participant=absorbed).values_list("key", flat=True))
        merge = merge_participants(actor, survivor, absorbed)

        # Every row moved, except the two the survivor already had (same household, same language).
        for model in PARTICIPANT_CHILDREN:
            assert not model.objects.filter(participant=absorbed).exists(), model
        shared_member = HouseholdMember.objects.get(household=shared, participant=survivor)
        assert shared_member.relationship == "head"
        assert HouseholdMember.objects.filter(participant=survivor).count() == 2
        assert LanguageSkill.objects.filter(participant=survivor).count() == 3  # de, ar (survivor's), en
        assert set(merge.moved["participants.identifier"]) == absorbed_rows[Identifier]
        assert len(merge.moved["participants.householdmember"]) == 1
        assert len(merge.moved["participants.languageskill"]) == 1
        removed = merge.moved["removed"]
        assert len(removed["participants.householdmember"]) == 1
        assert len(removed["participants.languageskill"]) == 1

        # The absorbed names (Latin and original script) are variants of the survivor now.
        created = NameVariant.objects.filter(pk__in=merge.created_variants).order_by("pk")
        assert [(v.given_name, v.family_name, v.kind, v.note) for v in created] == [
            ("Muhammad", "Alhasan", "merged", "MS-000011"),
            ("محمد", "الحسن", "merged", "MS-000011"),
        ]
        # Empty survivor fields were filled; what the survivor had stays.
        survivor.refresh_from_db()
        assert survivor.date_of_birth == dt.date(1990, 5, 3)
        assert survivor.sex == "m"
        assert survivor.place_of_birth == "Aleppo"
        assert survivor.given_name == "Mohammed"
        assert survivor.given_name_original == "مُحَمَّد"
        assert merge.survivor_before["date_of_birth"] is None
        assert merge.survivor_before["sex"] == "u"

        # The absorbed record is hidden and has no keys; the survivor is found under its names.
        absorbed.refresh_from_db()
        assert absorbed.merged_into_id == survivor.pk
        assert list(visible_participants(actor)) == [survivor]
        assert not ParticipantNameKey.objects.filter(participant=absorbed).exists()
        survivor_keys = set(ParticipantNameKey.objects.filter(participant=survivor).values_list("key", flat=True))
        assert absorbed_keys <= survivor_keys

        candidate.refresh_from_db()
        assert candidate.status == DuplicateStatus.MERGED
        entries = AuditEntry.objects.filter(action="participant.merged").order_by("pk")
        assert [e.subject for e in entries] == [f"participant:{survivor.pk}", f"participant:{absorbed.pk}"]
        assert entries[0].data["moved"]["participants.identifier"] == 1
        assert entries[0].data["dropped"] == {"participants.householdmember": 1, "participants.languageskill": 1}


def test_undo_restores_the_exact_prior_state(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        DuplicateCandidateFactory(left=survivor, right=absorbed, status=DuplicateStatus.CONFIRMED)
        third = _person(world, given_name="Mohamad", family_name="Alhassan")
        DuplicateCandidateFactory(left=absorbed, right=third)
        before = snapshot(survivor, absorbed, third)
        merge = merge_participants(actor, survivor, absorbed)
        assert snapshot(survivor, absorbed, third) != before
        undo_merge(actor, merge)
        assert snapshot(survivor, absorbed, third) == before
        merge.refresh_from_db()
        assert merge.undone_by == actor.user
        assert merge.undone_at is not None
        assert set(visible_participants(actor)) == {survivor, absorbed, third}
        entries = AuditEntry.objects.filter(action="participant.merge_undone")
        assert {e.subject for e in entries} == {f"participant:{survivor.pk}", f"participant:{absorbed.pk}"}


def test_undo_keeps_what_changed_after_the_merge(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        merge = merge_participants(actor, survivor, absorbed)
        moved_identifier = Identifier.objects.get(pk=merge.moved["participants.identifier"][0])
        added_later = Identifier.objects.create(network=world.network, participant=survivor, kind="abh", value="ABH-77")
        Participant.objects.filter(pk=survivor.pk).update(place_of_birth="Halab")
        undo_merge(actor, merge)
        moved_identifier.refresh_from_db()
        added_later.refresh_from_db()
        survivor.refresh_from_db()
        assert moved_identifier.participant_id == absorbed.pk
        assert added_later.participant_id == survivor.pk
        assert survivor.place_of_birth == "Halab"  # edited since the merge: kept
        assert survivor.date_of_birth is None  # untouched since the merge: emptied again
        entry = AuditEntry.objects.filter(action="participant.merge_undone").first()
        assert entry is not None and entry.data["kept_fields"] == ["place_of_birth"]


def test_plan_shows_what_will_move(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk), translation.override("en"):
        plan = plan_merge(survivor, absorbed)
        rows = {str(label): (moving, dropped) for label, moving, dropped in plan.rows}
        fields = {str(f) for f in plan.fields}
    assert rows["household members"] == (1, 1)
    assert rows["language skills"] == (1, 1)
    assert rows["identifiers"] == (1, 0)
    assert plan.variants == [("Muhammad", "Alhasan"), ("محمد", "الحسن")]
    assert fields >= {"date of birth", "sex", "place of birth"}


# --- guards -------------------------------------------------------------------------------------


def test_a_record_cannot_be_merged_with_itself_or_twice(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        with pytest.raises(ParticipantError):
            merge_participants(actor, survivor, survivor)
        merge = merge_participants(actor, survivor, absorbed)
        third = _person(world)
        with pytest.raises(ParticipantError):
            merge_participants(actor, third, absorbed)
        with pytest.raises(ParticipantError):
            merge_participants(actor, absorbed, third)
        undo_merge(actor, merge)
        with pytest.raises(ParticipantError):
            undo_merge(actor, merge)


def test_pairs_marked_as_different_people_are_not_merged(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        DuplicateCandidateFactory(left=survivor, right=absorbed, status=DuplicateStatus.REJECTED)
        with pytest.raises(ParticipantError):
            merge_participants(world.memberships["case_manager_a"], survivor, absorbed)
        assert not Merge.objects.exists()


def test_merges_are_undone_in_reverse_order(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        first = merge_participants(actor, survivor, absorbed)
        final = _person(world, given_name="Mohammad", family_name="Al Hassan")
        second = merge_participants(actor, final, survivor)
        with pytest.raises(ParticipantError):
            undo_merge(actor, first)
        undo_merge(actor, second)
        undo_merge(actor, first)
        assert Identifier.objects.get(value="2222222-475").participant_id == absorbed.pk
        assert Identifier.objects.get(value="1111111-475").participant_id == survivor.pk


@pytest.mark.parametrize("persona", ["assistant_a", "case_manager_b", "coordinator"])
def test_only_mergers_of_the_owning_organisation_merge(world: World, pair, persona: str) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk), pytest.raises(PermissionDenied):
        merge_participants(world.memberships[persona], survivor, absorbed)


def test_records_of_different_organisations_are_not_merged(world: World) -> None:
    with scope(network=world.network.pk):
        mine = _person(world, org="org_a")
        theirs = _person(world, org="org_b")
        with pytest.raises(PermissionDenied):
            merge_participants(world.memberships["case_manager_a"], mine, theirs)


def test_undo_of_another_organisations_merge_is_refused(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        merge = merge_participants(world.memberships["case_manager_a"], survivor, absorbed)
        with pytest.raises(PermissionDenied):
            undo_merge(world.memberships["case_manager_b"], merge)
        with pytest.raises(PermissionDenied):
            undo_merge(world.memberships["assistant_a"], merge)


def test_hooks_move_other_apps_rows(world: World, pair, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A later app registers its rows once; merge and undo call it in the same transaction."""
    survivor, absorbed, _shared = pair
    calls: list[tuple[str, int, int]] = []

    class Recorder:
        label = "enrolments"

        def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]:
            return 2, 0

        def merge(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
            calls.append(("merge", survivor.pk, absorbed.pk))
            merge.moved["cases.enrolment"] = [7, 8]

        def undo(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
            calls.append(("undo", survivor.pk, absorbed.pk))
            assert merge.moved["cases.enrolment"] == [7, 8]

    monkeypatch.setattr(merge_module, "MERGE_HOOKS", [*merge_module.MERGE_HOOKS, Recorder()])
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        assert ("enrolments", 2, 0) in plan_merge(survivor, absorbed).rows
        merge = merge_participants(actor, survivor, absorbed)
        undo_merge(actor, Merge.objects.get(pk=merge.pk))
    assert calls == [("merge", survivor.pk, absorbed.pk), ("undo", survivor.pk, absorbed.pk)]


def test_child_rows_reads_unique_constraints() -> None:
    assert ChildRows(HouseholdMember)._unique_with_participant() == [("household",)]
    assert ChildRows(LanguageSkill)._unique_with_participant() == [("language",)]
    assert ChildRows(Identifier)._unique_with_participant() == []


# --- HTTP ---------------------------------------------------------------------------------------


def test_merge_page_previews_and_merges(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        candidate = DuplicateCandidateFactory(left=survivor, right=absorbed)
    user = world.memberships["case_manager_a"].user
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = world.client_for("case_manager_a")
    url = reverse("participants:duplicate_merge", args=[candidate.pk])
    page = client.get(url, {"survivor": absorbed.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "What merging MS-000010 into MS-000011 changes" in body
    with scope(network=world.network.pk):
        reads = AuditEntry.objects.filter(action="participant.merge_previewed")
        assert {e.subject for e in reads} == {f"participant:{survivor.pk}", f"participant:{absorbed.pk}"}
    response = client.post(url, {"survivor": survivor.pk})
    assert response.status_code == 302
    assert response.url == reverse("participants:merges")
    with scope(network=world.network.pk):
        merge = Merge.objects.get()
    assert (merge.survivor_id, merge.absorbed_id) == (survivor.pk, absorbed.pk)
    history = client.get(reverse("participants:merges"))
    assert "MS-000011" in history.content.decode()
    undo = client.post(reverse("participants:merge_undo", args=[merge.pk]))
    assert undo.status_code == 302
    with scope(network=world.network.pk):
        merge.refresh_from_db()
    assert merge.undone_at is not None


def test_merge_page_refuses_a_survivor_outside_the_pair(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        candidate = DuplicateCandidateFactory(left=survivor, right=absorbed)
        stranger = _person(world)
    client = world.client_for("case_manager_a")
    response = client.post(reverse("participants:duplicate_merge", args=[candidate.pk]), {"survivor": stranger.pk})
    assert response.status_code == 200
    with scope(network=world.network.pk):
        assert not Merge.objects.exists()


def test_merge_page_guards(world: World, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        candidate = DuplicateCandidateFactory(left=survivor, right=absorbed)
    url = reverse("participants:duplicate_merge", args=[candidate.pk])
    data = {"survivor": survivor.pk}
    assert world.client_for("assistant_a").post(url, data).status_code == 403
    assert world.client_for("case_manager_b").post(url, data).status_code == 404
    assert world.client_for("outsider").post(url, data).status_code == 403
    with scope(network=world.network.pk):
        assert not Merge.objects.exists()


def test_merge_history_query_count_is_bounded(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        for _ in range(6):
            merge_participants(actor, _person(world), _person(world))
    client = world.client_for("case_manager_a")
    # Login and membership (4), the page (2 + a user), the audit entry (6), the session (3): not per row.
    with django_assert_max_num_queries(16):
        page = client.get(reverse("participants:merges"))
    assert page.content.decode().count("participants/duplicates/merges/") >= 6
    with scope(network=world.network.pk):
        entry = AuditEntry.objects.filter(action="participant.merges_viewed").get()
    assert entry.data["count"] == 12


def test_merge_page_query_count_is_bounded(world: World, pair, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    survivor, absorbed, _shared = pair
    with scope(network=world.network.pk):
        candidate = DuplicateCandidateFactory(left=survivor, right=absorbed)
    client = world.client_for("case_manager_a")
    # A fixed number per kind of entry (the preview counts) and per record (two reads logged).
    with django_assert_max_num_queries(40):
        page = client.get(reverse("participants:duplicate_merge", args=[candidate.pk]))
    assert page.status_code == 200
