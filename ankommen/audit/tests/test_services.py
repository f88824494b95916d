from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from rest_framework import generics, serializers
from rest_framework.test import APIRequestFactory

from ankommen.audit.actions import register_actions
from ankommen.audit.api import AuditedRetrieveMixin
from ankommen.audit.context import client_address
from ankommen.audit.models import AppendOnlyError, AuditEntry
from ankommen.audit.services import MASK, log_action, log_read, log_reads, mask
from ankommen.audit.verify import verify_chains
from ankommen.jobs.models import BackgroundJob
from ankommen.testing.personas import World

register_actions({"backgroundjob.viewed": "Viewed a background job (test)", "backgroundjob.exported": "Exported"})


def _job(world: World) -> BackgroundJob:
    owner = world.memberships["coordinator"]
    with scope(network=world.network.pk):
        return BackgroundJob.objects.create(
            network=world.network, organisation=owner.organisation, created_by=owner.user, kind="audit.verify"
        )


def _entries(world: World, **filters: object) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(network=world.network, **filters).order_by("seq"))


def test_sensitive_values_are_masked_recursively() -> None:
    data = {
        "given_name": "Amina",
        "participant_date_of_birth": "2001-02-03",
        "contacts": [{"email": "a@example.org", "kind": "work"}],
        "changed": ["family_name"],
        "comment": "personal story",
        "language": "ar",
    }
    assert mask(data) == {
        "given_name": MASK,
        "participant_date_of_birth": MASK,
        "contacts": [{"email": MASK, "kind": "work"}],
        "changed": ["family_name"],
        "comment": MASK,
        "language": "ar",
    }


def test_entries_are_chained_and_stored_exactly_as_hashed(world: World) -> None:
    actor = world.memberships["case_manager_a"]
    first = log_action(actor, "account.language_changed", actor.user, data={"when": dt.date(2026, 1, 2)})
    second = log_action(actor, "account.language_changed", data={"amount": Decimal("1.50"), "ids": (1, 2)})
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.data == {"when": "2026-01-02"}
    assert (first.organisation, first.target_type, first.target_id) == (
        actor.organisation,
        "accounts.user",
        str(actor.user.pk),
    )
    assert verify_chains() == []


def test_reads_of_several_records_are_chained_like_single_reads(world: World) -> None:
    actor = world.memberships["case_manager_a"]
    before = log_action(actor, "account.language_changed")
    jobs = [_job(world), _job(world)]
    log_reads(actor, jobs, data={"page": "household", "comment": "masked"})
    after = log_read(actor, jobs[0])
    entries = _entries(world, seq__gt=before.seq)
    assert [(e.action, e.target_id) for e in entries] == [
        ("backgroundjob.viewed", str(jobs[0].pk)),
        ("backgroundjob.viewed", str(jobs[1].pk)),
        ("backgroundjob.viewed", str(jobs[0].pk)),
    ]
    assert entries[0].prev_hash == before.hash and entries[1].prev_hash == entries[0].hash
    assert entries[2] == after and after.prev_hash == entries[1].hash
    assert entries[0].data == {"page": "household", "comment": MASK}
    assert verify_chains() == []


def test_unknown_action_code_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="Unknown audit action"):
        log_action(world.memberships["coordinator"], "case.teleported")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(world: World) -> None:
    entry = log_action(world.memberships["coordinator"], "account.language_changed")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with scopes_disabled(), pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="account.logged_out")
    with scopes_disabled(), pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_log_read_uses_the_model_code_and_the_target_subject(world: World) -> None:
    actor = world.memberships["coordinator"]
    job = _job(world)
    job.audit_subject = "participant:7"  # type: ignore[attr-defined]
    entry = log_read(actor, job)
    assert (entry.action, entry.subject, entry.target_id) == ("backgroundjob.viewed", "participant:7", str(job.pk))
    exported = log_read(actor, job, action="backgroundjob.exported", subject="participant:8", data={"format": "pdf"})
    assert (exported.action, exported.subject, exported.data) == (
        "backgroundjob.exported",
        "participant:8",
        {"format": "pdf"},
    )


def test_log_read_without_target_needs_a_code(world: World) -> None:
    with pytest.raises(ValueError, match="explicit action"):
        log_read(world.memberships["coordinator"], None)


def test_entries_outside_a_request_have_no_client_address(world: World) -> None:
    assert client_address.get() is None
    assert log_action(world.memberships["coordinator"], "account.language_changed").ip_address is None


@pytest.mark.parametrize(
    ("remote_addr", "stored"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("bogus", None),
    ],
)
def test_entries_written_during_a_request_carry_the_client_address(
    world: World, remote_addr: str, stored: str | None
) -> None:
    client = world.client_for("dpo")
    assert client.get(reverse("audit:log"), REMOTE_ADDR=remote_addr).status_code == 200
    entry = _entries(world, action="audit.log_searched")[-1]
    assert entry.ip_address == stored
    # The database may print an address differently from how it was written; the chain does not care.
    assert verify_chains() == []
    assert client_address.get() is None  # reset after the request


class _JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = BackgroundJob
        fields = ["id", "kind"]


class _JobDetail(AuditedRetrieveMixin, generics.RetrieveAPIView):
    serializer_class = _JobSerializer
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return BackgroundJob.objects.all()


def test_audited_retrieve_mixin_logs_api_reads(world: World) -> None:
    actor = world.memberships["coordinator"]
    job = _job(world)
    request = APIRequestFactory().get(f"/api/v1/jobs/{job.pk}/")
    request.membership = actor  # type: ignore[attr-defined]
    with scope(network=world.network.pk):
        response = _JobDetail.as_view()(request, pk=job.pk)
        missing = _JobDetail.as_view()(request, pk=job.pk + 1000)
    assert response.status_code == 200
    assert response.data == {"id": job.pk, "kind": "audit.verify"}
    assert missing.status_code == 404
    reads = _entries(world, action="backgroundjob.viewed")
    assert [(e.actor_id, e.organisation_id, e.target_id) for e in reads] == [
        (actor.user_id, actor.organisation_id, str(job.pk))
    ]


def test_account_events_are_logged_in_the_accounts_networks(world: World) -> None:
    from ankommen.audit.services import log_action as log

    user = world.memberships["case_manager_a"].user
    entry = log(user, "account.language_changed", user)
    assert entry.network_id == world.network.pk
    assert entry.organisation_id == world.memberships["case_manager_a"].organisation_id


def test_failed_login_of_a_known_account_is_visible_to_its_network(world: World, client) -> None:  # type: ignore[no-untyped-def]
    from ankommen.audit.models import AuditEntry

    client.post(reverse("accounts:login"), {"username": "case_manager_a@example.org", "password": "wrong"})
    client.post(reverse("accounts:login"), {"username": "nobody@example.org", "password": "wrong"})
    with scopes_disabled():
        failures = list(AuditEntry.objects.filter(action="account.login_failed").values_list("chain", "actor_label"))
    chains = {chain for chain, _ in failures}
    assert chains == {world.network.pk, 0}  # the known account's network; the unknown one installation-wide
    assert all("case_manager_a@" not in label and "nobody@" not in label for _, label in failures)
