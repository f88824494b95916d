"""The funding demo: every state of an application, and a second run changes nothing."""

from __future__ import annotations

from django.core.management import call_command
from django_scopes import scopes_disabled

from ankommen.funding.choices import State
from ankommen.funding.models import Application, Payment
from ankommen.funding.services import year_differences


def test_demo_has_applications_in_every_state_and_is_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        states = set(Application.objects.filter(network__slug="muenster").values_list("state", flat=True))
        counts = (Application.objects.count(), Payment.objects.count())
        assert states == set(State.values)
        year = Application.objects.filter(network__slug="muenster").first().year  # type: ignore[union-attr]
        codes = {d.code for d in year_differences(year)}
        assert "settlement.repayment_open" in codes and "application.undecided" in codes
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert (Application.objects.count(), Payment.objects.count()) == counts
