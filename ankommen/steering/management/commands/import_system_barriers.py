"""Turn the system barriers of case closures that have no problem report yet into problem reports.

Idempotent (one report per barrier, one-to-one): a second run adds nothing. New barriers arrive on
their own when a case is closed; the data migration ``steering.0002`` imported the existing ones
once. This command is for checking that nothing was left behind (e.g. after restoring a backup).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from ankommen.network.models import Network
from ankommen.steering.services import report_new_barriers


class Command(BaseCommand):
    help = "Create problem reports for system barriers of case closures that have none yet (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--network", help="Short name (slug) of one network; default: every network.")

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            networks = Network.objects.order_by("pk")
            if options.get("network"):
                networks = networks.filter(slug=options["network"])
            total = 0
            for network in networks:
                added = report_new_barriers(network.pk)
                total += added
                if added:
                    self.stdout.write(f"{network.slug}: {added} problem report(s) from system barriers.")
        self.stdout.write(self.style.SUCCESS(f"{total} problem report(s) added."))
