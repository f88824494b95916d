"""Count the blocking keys of the registration-time duplicate check afresh (or --check them).

The counts (``NameKeyCount``) are kept current with every change of a record; this command is
for bulk loads that write ``ParticipantNameKey`` rows directly, and for repairs.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_scopes import scopes_disabled

from ankommen.core.management.networks import add_network_option, chosen_networks
from ankommen.participants.keys import recount_name_keys, stale_key_counts


class Command(BaseCommand):
    help = "Count the name keys of the duplicate check afresh (or --check the stored counts)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_network_option(parser)
        parser.add_argument("--check", action="store_true", help="only compare, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            failed = False
            for network in chosen_networks(options["network"]):
                if options["check"]:
                    stale = stale_key_counts(network.pk)
                    for key, stored, actual in stale[:20]:
                        self.stdout.write(f"{network.slug}: {key}: stored {stored}, actual {actual}")
                    self.stdout.write(f"{network.slug}: {len(stale)} difference(s)")
                    failed = failed or bool(stale)
                else:
                    with transaction.atomic():
                        keys = recount_name_keys(network.pk)
                    self.stdout.write(f"{network.slug}: {keys} keys counted")
        if failed:
            raise CommandError("the key counts differ from the keys: run recount_name_keys")
