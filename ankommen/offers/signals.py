"""Erase referral packets the moment their consent is revoked (ADR 0012, "Referrals").

The revocation service of the consents app saves ``revoked_at``; this receiver runs inside that
save's transaction, so the revocation and the erasure commit together. (The recipient's access
ends with the same commit anyway: ``referral_access`` reads the consent on every request.)
Expiry needs no event: the daily ``tasks.erase_lapsed_referral_packets`` erases those packets.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from ankommen.consents.models import Consent


@receiver(post_save, sender=Consent, dispatch_uid="offers.erase_packets_on_revocation")
def erase_packets_on_revocation(sender: type[Consent], instance: Consent, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.revoked_at is None or (update_fields is not None and "revoked_at" not in update_fields):
        return
    from ankommen.offers.referrals import erase_packets_of

    erase_packets_of(instance, by=instance.revoked_by)
