"""The demo network's needs: recorded from the demo cases and interests, enough for real gaps, the
summary in step with the raw data, and a second run adds nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from ankommen.dashboard import summary
from ankommen.dashboard.models import Need
from ankommen.network.models import Membership, Network
from ankommen.testing.personas import login


def test_demo_needs(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        network = Network.objects.get(name="Integrationsnetzwerk Münster")
        recorded = Need.objects.filter(network=network)
        assert recorded.filter(source="assessment").exists()
        assert recorded.filter(source="interest", enrolment__isnull=False).exists()  # from waiting lists
        assert recorded.count() > 150
        assert summary.verify(network.pk) == []
        before = recorded.count()
        coordinator = Membership.objects.get(
            network=network, role="coordinator", user__email__startswith="koordination"
        )
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert Need.objects.filter(network=network).count() == before
    client = Client()
    login(client, coordinator.user, coordinator)
    response = client.get(reverse("dashboard:overview"), {"rows": "age_band"})
    report = response.context["report"]
    gaps = [c for c in report.cells.values() if c.gap.value is not None and c.gap.value > 0]
    assert gaps, "the demo shows at least one gap"
