"""Recompute the hash chains of the audit log.

    manage.py verify_audit                # every chain
    manage.py verify_audit --network ms   # the chain of one network

Prints, per chain, the number of entries and the chain head (sequence number and
hash; keep a copy outside the database to detect a rewritten tail later). Exits
with status 1 and names the first broken entry of each broken chain if any chain
does not verify. Read-only: safe against a replica or a restored backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ankommen.audit.guards import missing_guards
from ankommen.audit.verify import ChainReport, check_chains
from ankommen.network.models import Network


class Command(BaseCommand):
    help = "Verify the hash chains of the audit log; exit status 1 names the first broken entry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", metavar="SLUG", help="only the chain of this network (short name)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.get("network")
        names = {0: "installation"}
        if slug:
            network = Network.objects.filter(slug=slug).first()
            if network is None:
                raise CommandError(f"No network with the short name {slug!r}.")
            names[network.pk] = network.slug
            reports = check_chains(network.pk)
        else:
            names.update(Network.objects.values_list("pk", "slug"))
            reports = check_chains()
        missing = missing_guards()
        if missing:
            self.stderr.write(f"Warning: append-only triggers missing in the database: {', '.join(sorted(missing))}")
        if not reports:
            self.stdout.write(self.style.SUCCESS("OK: the audit log has no entries yet."))
            return
        broken = [report for report in reports if not report.ok]
        for report in reports:
            label = f"chain {report.chain} ({names.get(report.chain, 'unknown network')})"
            if report.ok:
                self.stdout.write(f"{label}: OK, {report.entries} entries, head {_head(report)}")
            else:
                problem = report.problem
                assert problem is not None
                entry = f"entry id {problem.entry_id}" if problem.entry_id is not None else "no entry"
                self.stderr.write(
                    self.style.ERROR(
                        f"{label}: BROKEN at seq {problem.seq} ({entry}): {problem.reason}"
                        f" [{report.entries} entries, head {_head(report)}]"
                    )
                )
        if broken:
            raise CommandError(f"The audit log does not verify: {len(broken)} of {len(reports)} chain(s) broken.")
        total = sum(report.entries for report in reports)
        self.stdout.write(self.style.SUCCESS(f"OK: {len(reports)} chain(s), {total} entries verified."))


def _head(report: ChainReport) -> str:
    if report.head_seq is None:
        return "missing"
    return f"{report.head_seq} {report.head_hash}"
