"""Who reaches which offer, session, enrolment and card.

Offers are not personal data: the catalogue (published and ended offers) is visible to every role
with ``offers.view_catalogue``; drafts only to their own organisation. Changing an offer and its
sessions is for the provider organisation's staff (403 for other organisations' visible offers).

Enrolments are personal data. A case manager sees the enrolments of the own organisation's
participants; the provider's staff see those of their own offers with first name and initial of
the family name only (``short_name``), and nothing at all in "counts only" offers; everybody else
sees numbers. Outsiders get 404 (never a hint that the object exists).

The list functions are the query counterparts of the rules in ``rules.py``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ankommen.network.models import Membership
from ankommen.offers.choices import OfferStatus
from ankommen.offers.models import Enrolment, Offer, ParticipantCard, Session
from ankommen.offers.rules import check_offer_rule
from ankommen.participants.access import own_participants
from ankommen.participants.models import Participant


def visible_offers(actor: Membership) -> QuerySet[Offer]:
    if not actor.is_active or not actor.has_perm("offers.view_catalogue"):
        return Offer.objects.none()
    return Offer.objects.filter(network=actor.network_id).filter(
        ~Q(status=OfferStatus.DRAFT) | Q(organisation=actor.organisation_id)
    )


def own_offers(actor: Membership) -> QuerySet[Offer]:
    """The offers of the actor's organisation, for those who manage them."""
    if not actor.is_active or not actor.has_perm("offers.manage_own"):
        return Offer.objects.none()
    return Offer.objects.filter(network=actor.network_id, organisation=actor.organisation_id)


def get_offer_for(actor: Membership, offer_id: int | str, *, write: bool = False) -> Offer:
    try:
        offer = visible_offers(actor).select_related("organisation").get(pk=int(offer_id))
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_offer_rule("offers.view_offer", actor, offer):
        raise Http404
    if write and not check_offer_rule("offers.change_offer", actor, offer):
        raise PermissionDenied
    return offer


def get_session_for(actor: Membership, offer: Offer, session_id: int | str) -> Session:
    """A session of an offer the actor already reached."""
    try:
        session = offer.sessions.get(pk=int(session_id))
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    session.offer = offer
    return session


def require_offer_rule(actor: Membership, rule: str, offer: Offer) -> None:
    """403 when the actor reached the offer but may not do ``rule`` with it."""
    if not check_offer_rule(rule, actor, offer):
        raise PermissionDenied


def enrolments_of_own_participants(actor: Membership) -> QuerySet[Enrolment]:
    """The enrolments of the participants the actor's organisation owns (case managers)."""
    if not actor.is_active or not actor.has_perm("offers.enrol"):
        return Enrolment.objects.none()
    return Enrolment.objects.filter(
        network=actor.network_id,
        participant__organisation=actor.organisation_id,
        participant__merged_into__isnull=True,
    )


def get_enrolment_for(actor: Membership, enrolment_id: int | str, *, write: bool = False) -> Enrolment:
    try:
        enrolment = (
            Enrolment.objects.filter(network=actor.network_id)
            .select_related("offer__organisation", "session", "participant")
            .get(pk=int(enrolment_id))
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_offer_rule("offers.view_enrolment", actor, enrolment):
        raise Http404
    if write and not check_offer_rule("offers.cancel_enrolment", actor, enrolment):
        raise PermissionDenied
    return enrolment


def get_own_participant_for(actor: Membership, participant_id: int | str) -> Participant:
    """A participant of the actor's own organisation (enrolment, cards, the person's calendar)."""
    try:
        return own_participants(actor).get(pk=int(participant_id))
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def find_card(actor: Membership, token: str) -> ParticipantCard | None:
    """The valid card with this token in the actor's network, or None (unknown, revoked, malformed)."""
    token = normalise_token(token)
    if not token:
        return None
    return (
        ParticipantCard.objects.filter(network=actor.network_id, token=token, revoked_at__isnull=True)
        .select_related("participant")
        .first()
    )


def normalise_token(raw: str) -> str:
    """A token as typed or scanned: without separators and spaces, upper case; a scanned URL gives
    its last path segment. Anything else than the token alphabet gives ""."""
    from ankommen.offers.services import TOKEN_ALPHABET, TOKEN_LENGTH

    text = (raw or "").strip()[:300]
    if "/" in text:
        text = [part for part in text.split("/") if part][-1] if text.strip("/") else ""
    text = text.replace("-", "").replace(" ", "").upper()
    if len(text) != TOKEN_LENGTH or any(ch not in TOKEN_ALPHABET for ch in text):
        return ""
    return text


def short_name(participant: Participant) -> str:
    """What provider staff see of a person: the first given name and the family name's initial."""
    given = (participant.given_name or "").split()
    family = (participant.family_name or "").strip()
    initial = f"{family[0]}." if family else ""
    if given:
        return f"{given[0]} {initial}".strip()
    return initial
