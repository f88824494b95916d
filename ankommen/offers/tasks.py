"""Periodic work of the offers app, run by the huey consumer (``manage.py run_huey``, ADR 0003)."""

from __future__ import annotations

from django_scopes import scopes_disabled
from huey import crontab
from huey.contrib.djhuey import periodic_task

from ankommen.offers.referrals import erase_lapsed_packets


@periodic_task(crontab(hour="1", minute="30"))
def erase_lapsed_referral_packets() -> int:
    """Once a night: erase referral packets whose consent expired (or whose case was closed)."""
    with scopes_disabled():
        return erase_lapsed_packets()
