"""Append-only at the database: triggers refuse UPDATE, DELETE and TRUNCATE of audit entries
and any move backwards or removal of a chain head (PostgreSQL and SQLite; see audit/guards.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from ankommen.audit.guards import install_guards

    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        install_guards(schema_editor.connection)


def remove(apps, schema_editor):
    from ankommen.audit.guards import remove_guards

    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
