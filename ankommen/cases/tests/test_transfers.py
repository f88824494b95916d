"""Transfer of a case to another organisation: consent, the person record, accept, decline,
withdraw, races, and what each side sees."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django_scopes import scope

from ankommen.audit.models import AuditEntry
from ankommen.cases import services, transfers
from ankommen.cases.access import visible_cases
from ankommen.cases.models import Approval, Case, CaseTransfer, CaseType, Task
from ankommen.cases.services import CaseError
from ankommen.cases.tests.conftest import give_consent, revoke
from ankommen.network.models import Membership
from ankommen.network.roles import Role
from ankommen.participants.models import DuplicateCandidate, Household, HouseholdMember, Participant
from ankommen.testing.factories import MembershipFactory
from ankommen.testing.personas import World


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def case(world: World, actor: Membership, case_type: CaseType, person: Participant) -> Case:
    case = services.open_case(actor, case_type=case_type, participant=person)
    services.add_task(actor, case, title="Bescheid anfordern", due_on=timezone.localdate(), assignee=actor.user)
    return case


def _request(world: World, actor: Membership, case: Case, **kwargs) -> CaseTransfer:  # type: ignore[no-untyped-def]
    return transfers.request_transfer(
        actor, case, to_organisation=world.organisations["org_b"], reason="Umzug nach Hiltrup", **kwargs
    )


def test_a_transfer_needs_a_consent_naming_the_target(world: World, actor, case) -> None:
    with pytest.raises(CaseError, match="No consent to the transfer"):
        _request(world, actor, case)
    # A consent for cooperation is not one for the transfer, and one naming someone else does not count.
    give_consent(world, case, "cooperation", ["org_b"], ["identity"])
    give_consent(world, case, "transfer", ["chamber"], ["identity"])
    with pytest.raises(CaseError, match="No consent to the transfer"):
        _request(world, actor, case)
    revoked = give_consent(world, case, "transfer", ["org_b"], ["identity"])
    revoke(revoked)
    expired = give_consent(
        world, case, "transfer", ["org_b"], ["identity"], valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert expired
    with pytest.raises(CaseError, match="No consent to the transfer"):
        _request(world, actor, case)
    consent = give_consent(world, case, "transfer", ["org_b"], ["identity"])
    transfer = _request(world, actor, case)
    assert (transfer.status, transfer.consent, transfer.from_organisation) == (
        "pending",
        consent,
        world.organisations["org_a"],
    )
    with pytest.raises(CaseError, match="already waiting"):
        _request(world, actor, case)


def test_only_the_owners_case_staff_request_and_not_to_themselves(world: World, actor, case) -> None:
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    for persona in ("assistant_a", "case_manager_b"):
        with pytest.raises(PermissionDenied):
            _request(world, world.memberships[persona], case)
    with pytest.raises(CaseError, match="another organisation"):
        transfers.request_transfer(actor, case, to_organisation=actor.organisation, reason="x")
    with pytest.raises(CaseError, match="reason"):
        transfers.request_transfer(actor, case, to_organisation=world.organisations["org_b"], reason="  ")
    with pytest.raises(CaseError, match="proposed lead"):
        _request(world, actor, case, proposed_lead=world.memberships["team_lead_a"].user)


def test_accept_moves_case_tasks_record_and_cuts_the_source_off(world: World, actor, case, person) -> None:
    give_consent(world, case, "transfer", ["org_b"], ["identity", "residence"])
    case_type = case.case_type
    case_type.requires_plan_approval = True
    case_type.save()
    services.update_intake(actor, case, {"consent_recorded": True}, version=None)
    case = services.advance_phase(actor, case)
    services.save_assessment(actor, case, "housing", {"needs": "Wohnung"})
    case = services.advance_phase(actor, case)
    approval = services.request_approval(actor, case, "plan")
    services.add_case_role(actor, case, world.memberships["assistant_a"].user)
    # A possible duplicate of org A about this person must not stay in A's queue.
    other = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference="MS-000778",
        family_name="Haddadin",
        created_by=actor.user,
    )
    DuplicateCandidate.objects.create(
        network=world.network, organisation=actor.organisation, left=person, right=other, score=0.8
    )
    transfer = _request(world, actor, case)
    manager_b = world.memberships["case_manager_b"]
    with pytest.raises(PermissionDenied):  # the sender cannot accept its own request
        transfers.accept_transfer(actor, transfer, new_lead=actor.user)
    with pytest.raises(CaseError, match="new lead"):
        transfers.accept_transfer(manager_b, transfer, new_lead=actor.user)
    assert CaseTransfer.objects.get(pk=transfer.pk).status == "pending"  # the refusal rolled back

    done = transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
    assert (done.status, done.decided_by, done.new_lead) == ("accepted", manager_b.user, manager_b.user)
    case = Case.objects.get(pk=case.pk)
    assert (case.organisation, case.lead) == (world.organisations["org_b"], manager_b.user)
    open_tasks = Task.objects.filter(case=case, done_at__isnull=True)
    assert open_tasks.exists() and {t.assignee_id for t in open_tasks if t.responsible == "case_manager"} == {
        manager_b.user_id
    }
    assert Participant.objects.get(pk=person.pk).organisation == world.organisations["org_b"]
    assert not DuplicateCandidate.objects.filter(organisation=actor.organisation, left=person).exists()
    assert Approval.objects.get(pk=approval.pk).superseded
    # The source loses access at once; the target has it, and works under its own rules.
    assert not visible_cases(actor).filter(pk=case.pk).exists()
    assert world.client_for("case_manager_a").get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert world.client_for("case_manager_b").get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert visible_cases(manager_b).filter(pk=case.pk).exists()
    # Timeline and audit on both sides.
    keys = list(case.timeline.values_list("text_key", flat=True))
    assert "transfer_requested" in keys and "transfer_accepted" in keys
    requested = AuditEntry.objects.get(action="case.transfer_requested")
    accepted = AuditEntry.objects.get(action="case.transfer_accepted")
    assert requested.organisation == world.organisations["org_a"]
    assert accepted.organisation == world.organisations["org_b"]
    assert accepted.data["from_organisation"] == world.organisations["org_a"].pk
    assert accepted.subject == f"participant:{person.pk}"
    assert AuditEntry.objects.filter(action="case.record_moved", subject=f"participant:{person.pk}").exists()
    assert "Umzug" not in str(requested.data)
    # Answered requests cannot be answered again.
    with translation.override("en"), pytest.raises(CaseError, match="already been answered"):
        transfers.decline_transfer(manager_b, transfer, reason="doch nicht")


def test_a_cooperation_consent_keeps_the_source_in(world: World, actor, case) -> None:
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    give_consent(world, case, "cooperation", ["org_a"], ["identity", "plan"])
    transfer = _request(world, actor, case)
    manager_b = world.memberships["case_manager_b"]
    transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
    assert visible_cases(actor).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):  # reading, not changing
        services.update_intake(actor, case, {"referral_source": "x"}, version=None)


def test_the_record_cannot_be_split_between_organisations(world: World, actor, case_type, case, person) -> None:
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    second_type = CaseType.objects.create(network=world.network, name="ZUE")
    other_case = services.open_case(actor, case_type=second_type, participant=person)
    with pytest.raises(CaseError, match=other_case.reference):
        _request(world, actor, case)
    services.close_case(actor, other_case, reason="moved_away")
    household = Household.objects.create(
        network=world.network, organisation=actor.organisation, reference="MS-H000010", name="Familie H."
    )
    HouseholdMember.objects.create(network=world.network, household=household, participant=person, relationship="head")
    with pytest.raises(CaseError, match="household of your organisation"):
        _request(world, actor, case)
    HouseholdMember.objects.filter(household=household).delete()
    transfer = _request(world, actor, case)
    # Between request and answer someone opens another case: the answer is refused, nothing moves.
    third = services.open_case(
        actor, case_type=CaseType.objects.create(network=world.network, name="X"), participant=person
    )
    manager_b = world.memberships["case_manager_b"]
    with pytest.raises(CaseError, match=third.reference):
        transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
    assert CaseTransfer.objects.get(pk=transfer.pk).status == "pending"
    assert Participant.objects.get(pk=person.pk).organisation == actor.organisation
    # The closed case of A stays with A, but cannot be reopened once the record has moved.
    services.close_case(actor, third, reason="moved_away")
    transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
    with pytest.raises(CaseError, match="now belongs to another organisation"):
        services.reopen_case(actor, other_case)


def test_a_household_moves_with_its_members(world: World, actor, case_type, person) -> None:
    household = Household.objects.create(
        network=world.network, organisation=actor.organisation, reference="MS-H000011", name="Familie Haddadin"
    )
    child = Participant.objects.create(
        network=world.network,
        organisation=actor.organisation,
        reference="MS-000779",
        family_name="Haddadin",
        given_name="Lina",
        created_by=actor.user,
    )
    for member, relation in ((person, "head"), (child, "child")):
        HouseholdMember.objects.create(
            network=world.network, household=household, participant=member, relationship=relation
        )
    case = services.open_case(actor, case_type=case_type, household=household)
    give_consent(world, case, "transfer", ["org_b"], ["household"])
    manager_b = world.memberships["case_manager_b"]
    transfers.accept_transfer(manager_b, _request(world, actor, case), new_lead=manager_b.user)
    household.refresh_from_db()
    assert household.organisation == world.organisations["org_b"]
    assert set(Participant.objects.filter(pk__in=[person.pk, child.pk]).values_list("organisation", flat=True)) == {
        world.organisations["org_b"].pk
    }
    assert AuditEntry.objects.filter(action="case.record_moved").count() == 2


def test_decline_and_withdraw(world: World, actor, case) -> None:
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    manager_b = world.memberships["case_manager_b"]
    transfer = _request(world, actor, case)
    with pytest.raises(CaseError, match="reason"):
        transfers.decline_transfer(manager_b, transfer, reason="")
    with pytest.raises(PermissionDenied):
        transfers.decline_transfer(actor, transfer, reason="nein")
    declined = transfers.decline_transfer(manager_b, transfer, reason="Keine Kapazität")
    assert declined.status == "declined" and declined.decline_reason == "Keine Kapazität"
    assert Case.objects.get(pk=case.pk).organisation == actor.organisation
    assert case.timeline.filter(text_key="transfer_declined").exists()
    second = _request(world, actor, case)
    with pytest.raises(PermissionDenied):  # only the owner withdraws
        transfers.withdraw_transfer(manager_b, second)
    assert transfers.withdraw_transfer(actor, second).status == "withdrawn"
    assert AuditEntry.objects.filter(action="case.transfer_withdrawn").exists()


def test_answers_do_not_race(world: World, actor, case) -> None:
    """The service re-reads the request under a lock and claims it: a stale copy loses."""
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    manager_b = world.memberships["case_manager_b"]
    lead_b = MembershipFactory(organisation=world.organisations["org_b"], role=Role.TEAM_LEAD)
    transfer = _request(world, actor, case)
    stale = CaseTransfer.objects.get(pk=transfer.pk)
    transfers.withdraw_transfer(actor, transfer)
    with pytest.raises(CaseError, match="already been answered"):
        transfers.accept_transfer(manager_b, stale, new_lead=manager_b.user)
    assert Case.objects.get(pk=case.pk).organisation == actor.organisation

    again = _request(world, actor, case)
    stale = CaseTransfer.objects.get(pk=again.pk)
    transfers.accept_transfer(manager_b, again, new_lead=manager_b.user)
    with pytest.raises(CaseError, match="already been answered"):
        transfers.accept_transfer(lead_b, stale, new_lead=lead_b.user)
    assert Case.objects.get(pk=case.pk).lead == manager_b.user
    assert CaseTransfer.objects.filter(case=case, status="accepted").count() == 1


def test_a_revoked_consent_stops_the_acceptance(world: World, actor, case) -> None:
    consent = give_consent(world, case, "transfer", ["org_b"], ["identity"])
    transfer = _request(world, actor, case)
    revoke(consent)
    manager_b = world.memberships["case_manager_b"]
    assert transfers.transfer_categories(transfer) == frozenset()
    with pytest.raises(CaseError, match="no longer in force"):
        transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
    assert CaseTransfer.objects.get(pk=transfer.pk).status == "pending"


# --- over HTTP ---------------------------------------------------------------------------------


def test_the_target_sees_reference_type_and_the_consented_categories_only(world: World, actor, case, person) -> None:
    services.save_assessment(actor, case, "housing", {"needs": "Wohnung in Hiltrup gesucht"})
    give_consent(world, case, "transfer", ["org_b"], ["residence"])
    transfer = _request(world, actor, case)
    client_b = world.client_for("case_manager_b")
    page = client_b.get(reverse("cases:transfer", args=[transfer.pk])).content.decode()
    assert case.reference in page and case.case_type.name in page and "Umzug nach Hiltrup" in page
    assert "Haddadin" not in page and "Rania" not in page  # no identity in the consent
    assert "Wohnung in Hiltrup" not in page  # no assessment either
    entry = AuditEntry.objects.filter(action="case.transfer_viewed").latest("seq")
    assert entry.subject == f"participant:{person.pk}" and entry.data["categories"] == ["residence"]
    # The incoming request shows on B's start page; A's assistant and C see nothing of it.
    assert reverse("cases:transfer", args=[transfer.pk]) in client_b.get(reverse("core:home")).content.decode()
    assert world.client_for("assistant_a").get(reverse("cases:transfer", args=[transfer.pk])).status_code == 404
    assert world.client_for("police_liaison").get(reverse("cases:transfer", args=[transfer.pk])).status_code == 404
    # B takes over with a new lead; the page of the case is now B's.
    response = client_b.post(
        reverse("cases:accept_transfer", args=[transfer.pk]), {"new_lead": world.memberships["case_manager_b"].user_id}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client_b.get(response["Location"]).content.decode()
    assert "Haddadin" in page and "Wohnung in Hiltrup" in page
    assert world.client_for("case_manager_a").get(reverse("cases:detail", args=[case.pk])).status_code == 404
    # A still sees its request, answered, with the reference only.
    listing = world.client_for("case_manager_a").get(reverse("cases:transfers")).content.decode()
    assert case.reference in listing and "Haddadin" not in listing


def test_request_and_withdraw_over_http(world: World, actor, case) -> None:
    client = world.client_for("case_manager_a")
    page = client.get(reverse("cases:request_transfer", args=[case.pk])).content.decode()
    assert "No consent to a transfer" in page or "keine Einwilligung in eine Übergabe" in page
    give_consent(world, case, "transfer", ["org_b"], ["identity"])
    response = client.post(
        reverse("cases:request_transfer", args=[case.pk]),
        {"to_organisation": world.organisations["org_b"].pk, "reason": "Wohnortwechsel"},
    )
    transfer = CaseTransfer.objects.get()
    assert response["Location"] == reverse("cases:transfer", args=[transfer.pk])
    assert (
        world.client_for("case_manager_b").post(reverse("cases:withdraw_transfer", args=[transfer.pk])).status_code
        == 403
    )
    assert client.post(reverse("cases:accept_transfer", args=[transfer.pk]), {}).status_code == 403
    client.post(reverse("cases:withdraw_transfer", args=[transfer.pk]))
    assert CaseTransfer.objects.get().status == "withdrawn"
    declined = world.client_for("case_manager_b").post(
        reverse("cases:decline_transfer", args=[transfer.pk]), {"reason": "zu spät"}
    )
    assert declined.status_code == 200 and CaseTransfer.objects.get().status == "withdrawn"


def test_transfer_pages_have_bounded_queries(world: World, actor, case_type, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    def make(count: int, start: int) -> None:
        for i in range(count):
            person = Participant.objects.create(
                network=world.network,
                organisation=actor.organisation,
                reference=f"MS-{600000 + start + i}",
                family_name=f"Test{start + i}",
                created_by=actor.user,
            )
            case = services.open_case(actor, case_type=case_type, participant=person)
            give_consent(world, case, "transfer", ["org_b"], ["identity"])
            _request(world, actor, case)

    make(2, 0)
    client = world.client_for("case_manager_b")
    client.get(reverse("cases:transfers"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("cases:transfers"))
    make(6, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:transfers")).status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_withdraw_on_postgres(transactional_db: None, world: World, case_type) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite's test database is one in-memory connection)")
    actor = world.memberships["case_manager_a"]
    manager_b = world.memberships["case_manager_b"]
    with scope(network=world.network.pk):
        person = Participant.objects.create(
            network=world.network,
            organisation=actor.organisation,
            reference="MS-000801",
            family_name="Parallel",
            created_by=actor.user,
        )
        case = services.open_case(actor, case_type=case_type, participant=person)
        give_consent(world, case, "transfer", ["org_b"], ["identity"])
        transfer = _request(world, actor, case)

    def answer(kind: str) -> str:
        from django.db import connection

        try:
            with scope(network=world.network.pk):
                if kind == "accept":
                    transfers.accept_transfer(manager_b, transfer, new_lead=manager_b.user)
                else:
                    transfers.withdraw_transfer(actor, transfer)
                return "ok"
        except CaseError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(answer, ["accept", "withdraw", "accept"]))
    assert results.count("ok") == 1
    with scope(network=world.network.pk):
        assert CaseTransfer.objects.get(pk=transfer.pk).status in {"accepted", "withdrawn"}
