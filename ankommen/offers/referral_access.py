"""Who sees which referral.

- The referring organisation: its staff who see its cases (``cases.view``) see its referrals,
  with the packet as sent (until erased); only case managers and team leads who may change the
  case withdraw them (``referrals.withdraw_referral``).
- The recipient: its staff with ``offers.receive_referrals`` see a referral sent to their
  organisation while the referral's consent is in force (valid, not revoked, its case open, and it
  still names the organisation) and the referral is not withdrawn. The consent is read on every
  request: a revocation or expiry answers 404 with the next request.

Everybody else gets 404, never a hint that the referral exists.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from ankommen.consents.models import Consent
from ankommen.consents.queries import in_force_q
from ankommen.network.models import Membership
from ankommen.offers.choices import RECIPIENT_STATUSES
from ankommen.offers.models import Referral

SENDER = "sender"
RECIPIENT = "recipient"


def sent_referrals(actor: Membership) -> QuerySet[Referral]:
    if not actor.is_active or not actor.has_perm("cases.view"):
        return Referral.objects.none()
    return Referral.objects.filter(network=actor.network_id, organisation=actor.organisation_id)


def incoming_referrals(actor: Membership) -> QuerySet[Referral]:
    if not actor.is_active or not actor.has_perm("offers.receive_referrals"):
        return Referral.objects.none()
    covering = Consent.objects.filter(in_force_q(), pk=OuterRef("consent"), recipients=actor.organisation_id)
    return Referral.objects.filter(
        Exists(covering),
        network=actor.network_id,
        recipient=actor.organisation_id,
        status__in=RECIPIENT_STATUSES,
    )


def get_referral_for(actor: Membership, referral_id: int | str) -> tuple[Referral, str]:
    """The referral and from which side the actor sees it (``SENDER`` or ``RECIPIENT``); 404 otherwise."""
    related = ("case", "participant", "recipient", "organisation", "offer", "goal", "consent", "sent_by")
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise Http404 from None
    referral = sent_referrals(actor).select_related(*related).filter(pk=pk).first()
    if referral is not None:
        return referral, SENDER
    referral = incoming_referrals(actor).select_related(*related).filter(pk=pk).first()
    if referral is not None:
        return referral, RECIPIENT
    raise Http404
