"""Append-only at the database: triggers that refuse to change or remove audit entries.

The model and queryset already refuse updates and deletes; these triggers also stop
raw SQL, a database console and other programs using the application's database
account. Audit entries cannot be updated, deleted or truncated; a chain head can
only move forward and cannot be removed (so removing the last entries and winding
the head back needs DDL rights too). Someone who may drop triggers can still
tamper; ``manage.py verify_audit`` then detects it through the hash chain.

Installed by migration ``0002_append_only_triggers``. The only code that lifts them
is ``manage.py flush`` (which empties the whole database, e.g. between
transactional tests) and tests that play an attacker.

Note for later migrations: on SQLite, altering ``AuditEntry`` or ``AuditChainHead``
rebuilds the table and drops its triggers. Such a migration must call
``install_guards`` again (``test_guards_are_installed`` fails otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "audit log is append-only"
TRIGGERS = (
    "audit_entry_no_update",
    "audit_entry_no_delete",
    "audit_entry_no_truncate",
    "audit_head_forward_only",
    "audit_head_no_delete",
    "audit_head_no_truncate",
)
_PG_FUNCTION = "ankommen_audit_append_only"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON audit_auditchainhead
        WHEN NEW.seq <= OLD.seq OR NEW.chain <> OLD.chain
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete", "audit_head_forward_only", "audit_head_no_delete")

# restrict_violation (SQLSTATE 23001) arrives in Django as IntegrityError, as on SQLite.
_PG_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END $$"""
# trigger name -> (table, "BEFORE ... FOR EACH ... [WHEN ...]")
_PG_TRIGGERS = {
    "audit_entry_no_update": ("audit_auditentry", "BEFORE UPDATE ON {table} FOR EACH ROW"),
    "audit_entry_no_delete": ("audit_auditentry", "BEFORE DELETE ON {table} FOR EACH ROW"),
    "audit_entry_no_truncate": ("audit_auditentry", "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT"),
    "audit_head_forward_only": (
        "audit_auditchainhead",
        "BEFORE UPDATE ON {table} FOR EACH ROW WHEN (NEW.seq <= OLD.seq OR NEW.chain <> OLD.chain)",
    ),
    "audit_head_no_delete": ("audit_auditchainhead", "BEFORE DELETE ON {table} FOR EACH ROW"),
    "audit_head_no_truncate": ("audit_auditchainhead", "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT"),
}
_PG_INSTALL = [_PG_FUNCTION_SQL] + [
    sql
    for name, (table, when) in _PG_TRIGGERS.items()
    for sql in (
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} {when.format(table=table)} EXECUTE FUNCTION {_PG_FUNCTION}()",
    )
]


def _supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def expected_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    if connection.vendor == "postgresql":
        return set(_PG_TRIGGERS)
    if connection.vendor == "sqlite":
        return set(_SQLITE_TRIGGERS)
    return set()


def install_guards(connection: BaseDatabaseWrapper) -> None:
    statements = {"postgresql": _PG_INSTALL, "sqlite": _SQLITE_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def remove_guards(connection: BaseDatabaseWrapper) -> None:
    if not _supported(connection):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for trigger, (table, _when) in _PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
        else:
            for trigger in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def installed_guards(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the guard triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
                " AND tgrelid IN ('audit_auditentry'::regclass, 'audit_auditchainhead'::regclass)"
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name IN ('audit_auditentry', 'audit_auditchainhead')"
            )
        else:
            return set()
        return {row[0] for row in cursor.fetchall()} & set(TRIGGERS)


def missing_guards(connection: BaseDatabaseWrapper | None = None) -> set[str]:
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return expected_triggers(connection) - installed_guards(connection)


@contextmanager
def guards_lifted(connection: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Remove the triggers for the duration of the block and reinstall them afterwards."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    remove_guards(connection)
    try:
        yield
    finally:
        install_guards(connection)
