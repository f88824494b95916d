"""The audit log is append-only at the database, and ``verify_audit`` names the first entry that
was changed, removed or inserted by someone who got past that (here: with the rights to drop the
triggers, as a database administrator would have)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django_scopes import scopes_disabled

from ankommen.audit.guards import guards_lifted, missing_guards
from ankommen.audit.management.commands.verify_audit import Command as VerifyCommand
from ankommen.audit.models import AuditChainHead, AuditEntry
from ankommen.audit.services import log_action
from ankommen.audit.verify import REASONS, check_chains, verify_chains
from ankommen.testing.personas import World


def _fill(world: World, n: int = 5) -> list[AuditEntry]:
    actor = world.memberships["case_manager_a"]
    return [
        log_action(actor, "account.language_changed", actor.user, data={"language": "en", "i": i}) for i in range(n)
    ]


def _verify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _verify_fails(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", *args, stdout=out, stderr=err)
    return err.getvalue()


def _raw(sql: str, params: list[object]) -> None:
    """What an attacker with database rights does: lift the triggers, change rows, put them back."""
    with guards_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- append-only at the database ---------------------------------------------------------------


def test_guards_are_installed(db: None) -> None:
    assert missing_guards() == set()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET action = 'account.logged_out' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_database_refuses_to_change_or_delete_entries(world: World, sql: str) -> None:
    entry = _fill(world, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    with scopes_disabled():
        assert AuditEntry.objects.get(pk=entry.pk).action == "account.language_changed"


def test_database_refuses_to_wind_back_or_remove_a_chain_head(world: World) -> None:
    _fill(world, 3)
    chain = world.network.pk
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditchainhead SET seq = 2 WHERE chain = %s", [chain])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain])
    assert AuditChainHead.objects.get(chain=chain).seq == 3


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_reinstalls_the_guards() -> None:
    log_action(None, "account.login_failed", actor_label="…")
    call_command("flush", interactive=False, verbosity=0)
    with scopes_disabled():
        assert not AuditEntry.objects.exists()
    assert missing_guards() == set()


# --- verify_audit --------------------------------------------------------------------------------


def test_untouched_log_verifies(world: World) -> None:
    _fill(world, 5)
    log_action(None, "account.login_failed", actor_label="…")  # installation-wide chain 0
    out, err = _verify()
    assert "chain 0 (installation): OK, 1 entries" in out
    assert f"chain {world.network.pk} (ms): OK, 5 entries" in out
    head = AuditChainHead.objects.get(chain=world.network.pk)
    assert head.hash in out
    assert "OK: 2 chain(s), 6 entries verified." in out
    assert err == ""
    assert verify_chains() == []


def test_empty_log_verifies(db: None) -> None:
    out, _ = _verify()
    assert "no entries yet" in out


def test_changed_action_is_named(world: World) -> None:
    entries = _fill(world, 5)
    _raw("UPDATE audit_auditentry SET action = 'account.logged_out' WHERE id = %s", [entries[2].pk])
    err = _verify_fails()
    assert (
        f"chain {world.network.pk} (ms): BROKEN at seq 3 (entry id {entries[2].pk}): entry content was changed" in err
    )
    assert [(p.seq, p.entry_id, p.code) for p in verify_chains()] == [(3, entries[2].pk, "content_changed")]


def test_changed_data_is_named(world: World) -> None:
    entries = _fill(world, 4)
    sql = "UPDATE audit_auditentry SET data = %s WHERE id = %s"
    if connection.vendor == "postgresql":
        sql = "UPDATE audit_auditentry SET data = %s::jsonb WHERE id = %s"
    _raw(sql, [json.dumps({"language": "de"}), entries[1].pk])
    err = _verify_fails()
    assert f"BROKEN at seq 2 (entry id {entries[1].pk}): entry content was changed" in err


def test_changed_client_address_is_named(world: World) -> None:
    entries = _fill(world, 2)
    _raw("UPDATE audit_auditentry SET ip_address = %s WHERE id = %s", ["198.51.100.9", entries[0].pk])
    assert [(p.seq, p.code) for p in verify_chains()] == [(1, "content_changed")]


def test_deleted_middle_entry_is_detected(world: World) -> None:
    entries = _fill(world, 5)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    err = _verify_fails()
    # The gap is named by its sequence number and the entry that follows it.
    assert f"BROKEN at seq 3 (entry id {entries[3].pk}): entry missing before this one" in err


def test_deleted_first_entry_is_detected(world: World) -> None:
    entries = _fill(world, 3)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    assert [(p.seq, p.entry_id, p.code) for p in verify_chains()] == [(1, entries[1].pk, "missing_before")]


def test_deleted_last_entry_is_detected_by_the_chain_head(world: World) -> None:
    entries = _fill(world, 5)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[4].pk])
    err = _verify_fails()
    assert "BROKEN at seq 5 (no entry): entries missing at the end (chain head is ahead)" in err


def test_forged_entry_appended_without_moving_the_head_is_detected(world: World) -> None:
    entries = _fill(world, 3)
    last = entries[-1]
    forged = AuditEntry(
        chain=last.chain,
        seq=last.seq + 1,
        prev_hash=last.hash,
        network=world.network,
        actor_label="someone@example.org",
        action="account.logged_in",
    )
    forged.hash = forged.compute_hash()  # a careful forger computes a valid hash
    forged.save(force_insert=True)
    err = _verify_fails()
    assert f"BROKEN at seq 4 (entry id {forged.pk}): entries after the chain head (inserted?)" in err


def test_forged_entry_replacing_a_deleted_one_is_detected(world: World) -> None:
    entries = _fill(world, 4)
    victim = entries[1]
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    forged = AuditEntry(
        chain=victim.chain,
        seq=victim.seq,
        prev_hash=victim.prev_hash,
        created_at=victim.created_at,
        network=world.network,
        actor_label=victim.actor_label,
        action="account.logged_in",
    )
    forged.hash = forged.compute_hash()
    forged.save(force_insert=True)
    # The forgery itself is consistent; the next entry no longer links to it.
    assert [(p.seq, p.entry_id, p.code) for p in verify_chains()] == [(3, entries[2].pk, "link_broken")]


def test_entry_moved_to_another_chain_is_detected(world: World) -> None:
    entries = _fill(world, 2)
    _raw("UPDATE audit_auditentry SET network_id = %s WHERE id = %s", [world.other_network.pk, entries[1].pk])
    assert [p.code for p in verify_chains()] == ["content_changed"]


def test_removed_chain_head_does_not_hide_the_chain(world: World) -> None:
    _fill(world, 2)
    _raw("DELETE FROM audit_auditchainhead WHERE chain = %s", [world.network.pk])
    err = _verify_fails()
    assert "BROKEN at seq 2 (no entry): chain head missing" in err


def test_only_the_broken_chain_is_reported_and_network_option_limits_the_check(world: World) -> None:
    entries = _fill(world, 3)
    other = log_action(world.memberships["outsider"], "account.language_changed", data={"language": "de"})
    _raw("UPDATE audit_auditentry SET subject = 'participant:1' WHERE id = %s", [entries[0].pk])
    err = _verify_fails()
    assert f"chain {world.network.pk} (ms): BROKEN" in err
    assert f"chain {other.chain} (st)" not in err
    out, _ = _verify("--network", "st")
    assert f"chain {other.chain} (st): OK, 1 entries" in out
    assert "ms" not in out
    _verify_fails("--network", "ms")


def test_unknown_network_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="No network"):
        call_command("verify_audit", "--network", "nowhere", stdout=io.StringIO())


def test_broken_log_exits_with_status_1(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    entries = _fill(world, 2)
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(SystemExit) as exit_info:
        VerifyCommand().run_from_argv(["manage.py", "verify_audit"])
    assert exit_info.value.code == 1
    assert "BROKEN at seq 2" in capsys.readouterr().err


def test_missing_triggers_are_reported(world: World) -> None:
    _fill(world, 1)
    with guards_lifted():
        _, err = _verify()
    assert "append-only triggers missing" in err


def test_progress_is_reported(world: World) -> None:
    _fill(world, 3)
    calls: list[tuple[int, int]] = []
    reports = check_chains(world.network.pk, progress=lambda done, total: calls.append((done, total)))
    assert [(r.chain, r.entries, r.ok) for r in reports] == [(world.network.pk, 3, True)]
    assert calls[-1] == (3, 3)


def test_every_problem_has_a_text_on_the_screen() -> None:
    from ankommen.audit.templatetags.audit_tags import PROBLEM_TEXT

    assert set(PROBLEM_TEXT) == set(REASONS)
