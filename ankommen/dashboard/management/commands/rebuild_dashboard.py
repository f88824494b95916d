"""Rebuild the dashboard's summary tables of one network (or all) from the raw data, or check them.

manage.py rebuild_dashboard                 # every network
manage.py rebuild_dashboard --network ms    # one network, by slug
manage.py rebuild_dashboard --check         # only compare with a fresh computation (exit 1 on differences)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_scopes import scopes_disabled

from ankommen.core.management.networks import add_network_option, chosen_networks
from ankommen.dashboard import summary


class Command(BaseCommand):
    help = "Rebuild (or --check) the summary tables of the needs-versus-offers dashboard."

    def add_arguments(self, parser: CommandParser) -> None:
        add_network_option(parser)
        parser.add_argument("--check", action="store_true", help="only compare, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            failed = False
            for network in chosen_networks(options["network"]):
                if options["check"]:
                    problems = summary.verify(network.pk)
                    for problem in problems[:20]:
                        self.stdout.write(f"{network.slug}: {problem}")
                    self.stdout.write(f"{network.slug}: {len(problems)} difference(s)")
                    failed = failed or bool(problems)
                else:
                    result = summary.rebuild(network.pk)
                    self.stdout.write(f"{network.slug}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
        if failed:
            raise CommandError("the summary tables differ from the raw data: run rebuild_dashboard")
