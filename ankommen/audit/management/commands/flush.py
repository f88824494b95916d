"""``manage.py flush`` that also empties the audit log.

Django's ``flush`` (also run between transactional tests) deletes every row of every
table, which the append-only triggers of the audit log refuse. Emptying the whole
database is the one sanctioned way to empty the log, so this command lifts the
triggers for its duration and reinstalls them afterwards.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

from ankommen.audit.guards import guards_lifted


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with guards_lifted(connections[options.get("database") or DEFAULT_DB_ALIAS]):
            super().handle(**options)
