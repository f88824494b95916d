"""The demo offers: the Modellprojekt's partners with sessions, full offers with waiting lists,
counts-only police sessions as in the one-year report, a closed entitlement path; idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ankommen.network.models import Network
from ankommen.offers.choices import AttendanceMode
from ankommen.offers.models import Enrolment, EntitlementPathState, Offer, ParticipantCard, Session
from ankommen.offers.reports import report_for


def test_demo_offers_of_the_modellprojekt_and_idempotent(db) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        network = Network.objects.get(slug="muenster")
        counts = (
            Offer.objects.count(),
            Session.objects.count(),
            Enrolment.objects.count(),
            ParticipantCard.objects.count(),
        )
        providers = set(Offer.objects.values_list("organisation__short_name", flat=True))
        assert {"Kreishandwerkerschaft", "Polizei Münster", "IHK", "Agentur für Arbeit", "Preußen Münster",
                "Cactus Theater"} <= providers  # fmt: skip
        assert Offer.objects.filter(title__contains="Maurer- und Straßenbau").exists()
        police = Offer.objects.filter(organisation__type="police")
        assert police.count() == 3 and set(police.values_list("attendance_mode", flat=True)) == {AttendanceMode.COUNTS}
        assert Enrolment.objects.filter(status="waiting").exists()
        assert Enrolment.objects.filter(from_waiting_list=True).exists()
        assert EntitlementPathState.objects.get(path="admission").is_open is False
        assert Session.objects.filter(starts_at__gt=timezone.now()).exists()
        assert Session.objects.filter(starts_at__lt=timezone.now() - dt.timedelta(days=7)).exists()
        assert counts[3] >= 5
    with scope(network=network.pk):
        today = timezone.localdate()
        report = report_for(
            Offer.objects.filter(title__startswith="Rechtsstaat"), today - dt.timedelta(days=365), today
        )
        assert (report[0].held, report[0].minimum, report[0].maximum) == (7, 12, 30)
        aa = report_for(
            Offer.objects.filter(organisation__short_name="Agentur für Arbeit"), today - dt.timedelta(days=365), today
        )
        assert (aa[0].held, aa[0].total) == (6, 125)
        ihk = report_for(Offer.objects.filter(organisation__short_name="IHK"), today - dt.timedelta(days=365), today)
        assert (ihk[0].held, ihk[0].total) == (4, 74)
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert (
            Offer.objects.count(),
            Session.objects.count(),
            Enrolment.objects.count(),
            ParticipantCard.objects.count(),
        ) == counts


def test_demo_referrals_and_allocation_preview(db) -> None:  # type: ignore[no-untyped-def]
    from ankommen.offers.choices import AllocationStatus, ReferralStatus
    from ankommen.offers.models import AllocationProposal, AllocationRun, Referral

    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        referrals = list(Referral.objects.select_related("recipient"))
        states = {(r.recipient.short_name, r.status) for r in referrals}
        assert {
            ("IHK", ReferralStatus.COMPLETED),
            ("IHK", ReferralStatus.ACCEPTED),
            ("IHK", ReferralStatus.REQUESTED),
        } <= states
        assert {
            ("Agentur für Arbeit", ReferralStatus.DECLINED),
            ("Agentur für Arbeit", ReferralStatus.REQUESTED),
        } <= states
        assert all("residence" not in r.packet for r in referrals)
        erased = [r for r in referrals if r.packet_erased_at is not None]
        assert any(r.status == ReferralStatus.REQUESTED for r in erased)  # the one whose consent was revoked
        run = AllocationRun.objects.get()
        assert run.status == AllocationStatus.READY and run.seats == 24
        assert run.candidates > run.seats and run.placed == run.seats
        assert AllocationProposal.objects.filter(run=run).count() == run.candidates
    call_command("seed_demo", verbosity=0)
    with scopes_disabled():
        assert Referral.objects.count() == len(referrals) and AllocationRun.objects.count() == 1
