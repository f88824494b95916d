"""What a merge of two participant records does to enrolments and participant cards (the hooks of
``participants.merge.MERGE_HOOKS``, registered in ``apps.py``).

**Enrolments** all move to the surviving record (attendance stays with them). Where both records
hold an active enrolment for the same seats (the same course, or the same single date), the person
would have two: the better one stays – a seat before a waiting place, else the earlier request –
and the other is cancelled with the reason "records merged"; a seat freed that way goes to the
next person waiting, as after any cancellation. Undo moves the rows back and reactivates what the
merge cancelled: with a seat if one is free, otherwise on the waiting list at its old place
(``queued_at`` is kept), so undoing never overbooks.

**Cards** all move to the survivor; when both records have a valid card, the absorbed record's
card is revoked (one valid card per person). Undo moves them back and makes that card valid
again.

What was done is recorded in ``Merge.moved`` under ``offers.enrolment`` (moved ids),
``offers.enrolment.cancelled`` ({id: state before}), ``offers.participantcard`` and
``offers.participantcard.revoked``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.network.models import Membership
from ankommen.offers.choices import ACTIVE_STATUSES, CancellationReason, EnrolmentStatus
from ankommen.offers.models import Enrolment, Offer, ParticipantCard, Session
from ankommen.participants.models import Merge, Participant

ENROLMENTS = "offers.enrolment"
CANCELLED = "offers.enrolment.cancelled"
CARDS = "offers.participantcard"
REVOKED = "offers.participantcard.revoked"


def _key(enrolment: Enrolment) -> tuple[int, int | None]:
    return (enrolment.offer_id, enrolment.session_id)


def _better(a: Enrolment, b: Enrolment) -> Enrolment:
    """A seat beats a waiting place; otherwise the earlier request (then the lower id)."""
    rank: dict[str, int] = {EnrolmentStatus.ENROLLED: 0, EnrolmentStatus.WAITING: 1}
    return min(a, b, key=lambda e: (rank.get(e.status, 2), e.queued_at, e.pk))


def _performer(merge: Merge) -> Membership | None:
    """The membership that performs the merge (for moving up waiting people, which is logged)."""
    return (
        Membership.objects.filter(
            network=merge.network_id, organisation=merge.organisation_id, user=merge.performed_by_id, is_active=True
        )
        .select_related("network", "organisation", "user")
        .first()
    )


def _lock_holder(enrolment: Enrolment) -> tuple[Offer, Session | None]:
    offer = Offer.objects.select_for_update().get(pk=enrolment.offer_id)
    session = None
    if enrolment.session_id is not None:
        session = Session.objects.select_for_update().get(pk=enrolment.session_id)
        session.offer = offer
    return offer, session


class EnrolmentRows:
    label: Promise = _("enrolments")

    def _clashes(self, survivor: Participant, absorbed: Participant) -> list[tuple[Enrolment, Enrolment]]:
        mine = {_key(e): e for e in Enrolment.objects.filter(participant=survivor, status__in=ACTIVE_STATUSES)}
        return [
            (mine[_key(e)], e)
            for e in Enrolment.objects.filter(participant=absorbed, status__in=ACTIVE_STATUSES).order_by("pk")
            if _key(e) in mine
        ]

    def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]:
        """(enrolments that move, those cancelled as double) – one query, for the merge preview."""
        rows = list(
            Enrolment.objects.filter(participant__in=[survivor.pk, absorbed.pk]).values_list(
                "participant_id", "offer_id", "session_id", "status"
            )
        )
        mine = {(o, s) for p, o, s, status in rows if p == survivor.pk and status in ACTIVE_STATUSES}
        moving = [(o, s, status) for p, o, s, status in rows if p == absorbed.pk]
        return len(moving), sum(1 for o, s, status in moving if status in ACTIVE_STATUSES and (o, s) in mine)

    def merge(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        from ankommen.offers.services import _fill_seats

        cancelled: dict[str, dict[str, Any]] = {}
        freed: list[Enrolment] = []
        now = timezone.now()
        for kept_candidate, other in self._clashes(survivor, absorbed):
            drop = other if _better(kept_candidate, other) is kept_candidate else kept_candidate
            _lock_holder(drop)
            cancelled[str(drop.pk)] = {
                "status": drop.status,
                "enrolled_at": drop.enrolled_at.isoformat() if drop.enrolled_at else None,
            }
            if drop.status == EnrolmentStatus.ENROLLED:
                freed.append(drop)
            drop.status = EnrolmentStatus.CANCELLED
            drop.cancelled_at = now
            drop.cancelled_by_id = merge.performed_by_id
            drop.cancellation_reason = CancellationReason.MERGED
            drop.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason", "updated_at"])
        moving = list(Enrolment.objects.filter(participant=absorbed).order_by("pk"))
        for enrolment in moving:  # row by row: receivers of post_save (dashboard) see each move
            enrolment.participant = survivor
            enrolment.save(update_fields=["participant", "updated_at"])
        if moving:
            merge.moved[ENROLMENTS] = [e.pk for e in moving]
        if cancelled:
            merge.moved[CANCELLED] = cancelled
        actor = _performer(merge) if freed else None
        for enrolment in freed:
            if actor is not None:
                offer, session = _lock_holder(enrolment)
                _fill_seats(actor, offer, session)

    def undo(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        for moved in Enrolment.objects.filter(pk__in=merge.moved.get(ENROLMENTS, []), participant=survivor):
            moved.participant = absorbed
            moved.save(update_fields=["participant", "updated_at"])
        for pk, before in merge.moved.get(CANCELLED, {}).items():
            enrolment = Enrolment.objects.filter(
                pk=int(pk), status=EnrolmentStatus.CANCELLED, cancellation_reason=CancellationReason.MERGED
            ).first()
            if enrolment is None:
                continue
            offer, session = _lock_holder(enrolment)
            same_seats = Enrolment.objects.filter(offer=offer, session=session)
            if same_seats.filter(participant=enrolment.participant_id, status__in=ACTIVE_STATUSES).exists():
                continue  # the person has such a place again: leave this one cancelled
            status = EnrolmentStatus.WAITING
            if before["status"] == EnrolmentStatus.ENROLLED:
                limit = session.seat_limit if session is not None else offer.capacity
                if same_seats.filter(status=EnrolmentStatus.ENROLLED).count() < limit:
                    status = EnrolmentStatus.ENROLLED
            enrolment.status = status
            enrolment.enrolled_at = (
                parse_datetime(before["enrolled_at"])
                if status == EnrolmentStatus.ENROLLED and before["enrolled_at"]
                else None
            )
            enrolment.cancelled_at = None
            enrolment.cancelled_by = None
            enrolment.cancellation_reason = ""
            enrolment.save(
                update_fields=[
                    "status",
                    "enrolled_at",
                    "cancelled_at",
                    "cancelled_by",
                    "cancellation_reason",
                    "updated_at",
                ]
            )


class CardRows:
    label: Promise = _("participant cards")

    def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]:
        """(cards that move, valid cards revoked) – one query, for the merge preview."""
        rows = list(
            ParticipantCard.objects.filter(participant__in=[survivor.pk, absorbed.pk]).values_list(
                "participant_id", "revoked_at"
            )
        )
        valid = {p for p, revoked in rows if revoked is None}
        moving = sum(1 for p, _revoked in rows if p == absorbed.pk)
        return moving, int(survivor.pk in valid and absorbed.pk in valid)

    def merge(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        if ParticipantCard.objects.filter(participant=survivor, revoked_at__isnull=True).exists():
            revoked = list(
                ParticipantCard.objects.filter(participant=absorbed, revoked_at__isnull=True).values_list(
                    "pk", flat=True
                )
            )
            if revoked:
                ParticipantCard.objects.filter(pk__in=revoked).update(
                    revoked_at=timezone.now(), revoked_by=merge.performed_by_id
                )
                merge.moved[REVOKED] = revoked
        moving = list(ParticipantCard.objects.filter(participant=absorbed).order_by("pk").values_list("pk", flat=True))
        if moving:
            ParticipantCard.objects.filter(pk__in=moving).update(participant=survivor)
            merge.moved[CARDS] = moving

    def undo(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        moved = merge.moved.get(CARDS, [])
        if moved:
            ParticipantCard.objects.filter(pk__in=moved, participant=survivor).update(participant=absorbed)
        revoked = merge.moved.get(REVOKED, [])
        if revoked and not ParticipantCard.objects.filter(participant=absorbed, revoked_at__isnull=True).exists():
            ParticipantCard.objects.filter(pk__in=revoked[:1], participant=absorbed).update(
                revoked_at=None, revoked_by=None
            )


def register() -> None:
    from ankommen.participants.merge import MERGE_HOOKS

    for hook in (EnrolmentRows(), CardRows()):
        if not any(type(existing) is type(hook) for existing in MERGE_HOOKS):
            MERGE_HOOKS.append(hook)
