"""Trigram indexes for the participant search on PostgreSQL (ADR 0008).

The search matches parts of names (``icontains``, which Django sends to PostgreSQL as
``UPPER(col::text) LIKE UPPER('%…%')``). GIN indexes with ``gin_trgm_ops`` on exactly those
expressions let PostgreSQL answer it from the index instead of reading every record of the
organisation. SQLite (the embedded default for small installations) has no such index: there the
search reads the organisation's records, as before. The extension ``pg_trgm`` ships with
PostgreSQL's contrib package and is "trusted" (since PostgreSQL 13): the database owner may
create it.
"""

from __future__ import annotations

from django.db import migrations

COLUMNS = {
    "participants_participant": ("given_name", "family_name", "given_name_original", "family_name_original"),
    "participants_namevariant": ("given_name", "family_name"),
}


def _index_name(table: str, column: str) -> str:
    return f"{table.removeprefix('participants_')}_{column}_trgm"[:63]


def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{_index_name(table, column)}" ON "{table}" '
                f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{_index_name(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
