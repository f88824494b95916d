"""The key counts of the registration-time check stay equal to the keys through every change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from ankommen.participants import services
from ankommen.participants.keys import count_name_keys, recount_name_keys, stale_key_counts
from ankommen.participants.merge import merge_participants, undo_merge
from ankommen.participants.models import NameKeyCount, Participant, ParticipantNameKey
from ankommen.testing.personas import World


@pytest.fixture
def actor(world: World):
    with scope(network=world.network.pk):
        yield world.memberships["case_manager_a"]


def _register(actor, **values) -> Participant:  # type: ignore[no-untyped-def]
    return services.register_participant(
        actor, {"given_name": "Mohammed", "family_name": "Al-Hassan", "date_of_birth": dt.date(1999, 4, 2)} | values
    )


def _count(network_id: int, key: str) -> int:
    row = NameKeyCount.objects.filter(network_id=network_id, key=key).first()
    return row.count if row else 0


def test_counts_follow_registration_edits_and_merges(world: World, actor) -> None:  # type: ignore[no-untyped-def]
    network_id = world.network.pk
    first = _register(actor)
    second = _register(actor, given_name="Muhammad", family_name="Alhasan")
    shared = set(ParticipantNameKey.objects.filter(participant=first).values_list("key", flat=True)) & set(
        ParticipantNameKey.objects.filter(participant=second).values_list("key", flat=True)
    )
    assert shared, "two spellings of one name share keys"
    assert all(_count(network_id, key) == 2 for key in shared)
    assert stale_key_counts(network_id) == []

    services.update_participant(
        actor,
        second,
        {"given_name": "Yusuf", "family_name": "Rahimi", "date_of_birth": dt.date(2001, 1, 1)},
        version=second.version,
    )
    assert all(_count(network_id, key) == 1 for key in shared)
    assert stale_key_counts(network_id) == []

    merge = merge_participants(actor, first, Participant.objects.get(pk=second.pk))
    assert stale_key_counts(network_id) == []
    undo_merge(actor, merge)
    assert stale_key_counts(network_id) == []


def test_recount_repairs_and_the_command_checks(world: World, actor, capsys) -> None:  # type: ignore[no-untyped-def]
    network_id = world.network.pk
    person = _register(actor)
    key = ParticipantNameKey.objects.filter(participant=person).values_list("key", flat=True).first()
    count_name_keys(network_id, added=[key])  # a drifted count
    assert stale_key_counts(network_id) == [(key, 2, 1)]
    with pytest.raises(CommandError):
        call_command("recount_name_keys", "--check")
    assert "1 difference(s)" in capsys.readouterr().out
    call_command("recount_name_keys")
    assert stale_key_counts(network_id) == []
    assert recount_name_keys(network_id) == NameKeyCount.objects.filter(network_id=network_id).count()


def test_counts_never_go_below_zero(world: World, actor) -> None:  # type: ignore[no-untyped-def]
    """A count is a PositiveIntegerField: a double decrement fails instead of drifting silently."""
    from django.db import IntegrityError, transaction

    person = _register(actor)
    key = ParticipantNameKey.objects.filter(participant=person).values_list("key", flat=True).first()
    count_name_keys(world.network.pk, removed=[key])
    with pytest.raises(IntegrityError), transaction.atomic():
        count_name_keys(world.network.pk, removed=[key])
    with pytest.raises(IntegrityError), transaction.atomic():
        count_name_keys(world.network.pk, removed=["n:never-seen"])
