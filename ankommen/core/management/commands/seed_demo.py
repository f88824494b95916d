"""Load the demo network. Idempotent: a second run changes nothing.

Each app that has demo data exposes ``demo.seed(...)``; they run in dependency order.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_scopes import scopes_disabled

from ankommen.cases import demo as cases_demo
from ankommen.conferences import demo as conferences_demo
from ankommen.dashboard import demo as dashboard_demo
from ankommen.funding import demo as funding_demo
from ankommen.network import demo as network_demo
from ankommen.offers import demo as offers_demo
from ankommen.participants import demo as participants_demo
from ankommen.pathways import demo as pathways_demo
from ankommen.steering import demo as steering_demo


class Command(BaseCommand):
    help = "Load the synthetic demo network (Münster). Safe to run repeatedly."

    def handle(self, *args: Any, **options: Any) -> None:
        with scopes_disabled():
            demo = network_demo.seed()
            participants = participants_demo.seed(demo)
            cases = cases_demo.seed(demo)
            conferences = conferences_demo.seed(demo)
            offers = offers_demo.seed(demo)
            needs = dashboard_demo.seed(demo)  # recorded needs from cases and interests: the dashboard's gaps
            pathways_demo.seed(demo)  # people for whom each right-to-stay pathway is met, not yet or not met
            funding = funding_demo.seed(demo)
            steering = steering_demo.seed(demo)  # agreements, bodies, events, problem reports, gaps
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network '{demo.network.name}' ready: {len(demo.organisations)} organisations, "
                f"{len(demo.memberships)} demo logins (password: {network_demo.DEMO_PASSWORD})."
            )
        )
        if participants:
            self.stdout.write(f"{participants} synthetic participants added to the demo network.")
        if cases:
            self.stdout.write(f"{cases} demo cases added (GGUA, every phase).")
        if offers:
            self.stdout.write(f"{offers} demo offers added (Modellprojekt Integration at the ZUE and more).")
        if needs:
            self.stdout.write(f"{needs} demo interests in offers recorded (needs-versus-offers dashboard).")
        if conferences:
            self.stdout.write(f"{conferences} demo case conference added (a family case, with open action items).")
        if funding:
            self.stdout.write(f"{funding} demo funding applications added (KOMM-AN, every state).")
        if steering:
            self.stdout.write(f"{steering} demo gaps added to the gap register (with agreements, bodies and events).")
