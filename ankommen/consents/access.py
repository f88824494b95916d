"""Who may see and manage which consents.

- The **owning organisation** (the one that owns the consent's case, or for a consent without a
  case the participant's record; the controller) sees all consents of its participants, in every
  state, with ``consents.view`` (case managers, team leads, assistants); with ``consents.record``
  (case managers, team leads) it records and revokes them.
- A **recipient organisation** named in a consent sees that consent only while it is in force
  (not revoked, not expired, its case open), with ``consents.view``. It never changes it: the
  participant withdraws consent through the organisation that recorded it.
- Everybody else (other organisations, coordinators, the police, the DPO, other networks) gets 404.

The signed document names the person: recipients may download it only when the consent shares the
person's identity. Rows are read on every request; nothing is cached, so a revocation or an expiry
ends the recipients' access with their next request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ankommen.cases.models import Case
from ankommen.consents.choices import DataCategory, Purpose
from ankommen.consents.models import Consent
from ankommen.consents.queries import in_force_q
from ankommen.network.models import Membership
from ankommen.participants.models import Participant

RELATED = ("case", "case__case_type", "participant", "organisation", "recorded_by", "revoked_by")


def owned_q(organisation_id: int) -> Q:
    """Consents whose subject the organisation owns (follows a transfer of the case)."""
    return Q(case__organisation=organisation_id) | Q(case__isnull=True, participant__organisation=organisation_id)


def _names(organisation_id: int) -> Exists:
    return Exists(Consent.recipients.through.objects.filter(consent=OuterRef("pk"), organisation=organisation_id))


def owner_organisation_id(consent: Consent) -> int:
    if consent.case_id is not None:
        return consent.case.organisation_id  # type: ignore[union-attr]
    return consent.participant.organisation_id


def is_owner(actor: Membership, consent: Consent) -> bool:
    return consent.network_id == actor.network_id and owner_organisation_id(consent) == actor.organisation_id


def may_manage(actor: Membership, consent: Consent) -> bool:
    """Record the revocation: staff of the owning organisation with ``consents.record``."""
    return actor.is_active and actor.has_perm("consents.record") and is_owner(actor, consent)


def may_download(actor: Membership, consent: Consent) -> bool:
    """The signed document shows the person's name and signature: the owner, or a recipient of a
    consent in force that shares the person's identity."""
    if not consent.document:
        return False
    return is_owner(actor, consent) or DataCategory.IDENTITY in (consent.data_categories or ())


def visible_consents(actor: Membership) -> QuerySet[Consent]:
    if not actor.is_active or not actor.has_perm("consents.view"):
        return Consent.objects.none()
    return Consent.objects.filter(network=actor.network_id).filter(
        owned_q(actor.organisation_id) | (in_force_q() & Q(_names(actor.organisation_id)))
    )


def get_consent_for(actor: Membership, consent_id: int | str, *, write: bool = False) -> Consent:
    """A consent the actor may see (404 otherwise); with ``write`` one it may revoke (403 otherwise)."""
    try:
        consent = visible_consents(actor).select_related(*RELATED).get(pk=int(consent_id))
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not may_manage(actor, consent):
        raise PermissionDenied
    return consent


def consents_of_case(actor: Membership, case: Case) -> list[Consent]:
    """All consents of a case of the actor's organisation, newest first (the case page)."""
    if case.organisation_id != actor.organisation_id or not actor.has_perm("consents.view"):
        return []
    rows = list(
        Consent.objects.filter(network=actor.network_id, case=case.pk)
        .select_related("participant")
        .prefetch_related("recipients")
    )
    for row in rows:
        row.case = case
    return rows


def consents_of_participant(actor: Membership, participant: Participant) -> list[Consent]:
    """All consents a participant of the actor's organisation gave, newest first (the record page)."""
    if participant.organisation_id != actor.organisation_id or not actor.has_perm("consents.view"):
        return []
    rows = list(
        Consent.objects.filter(network=actor.network_id, participant=participant.pk)
        .select_related("case")
        .prefetch_related("recipients")
    )
    for row in rows:
        row.participant = participant
    return rows


def shared_with(actor: Membership) -> QuerySet[Consent]:
    """Consents in force that name the actor's organisation (the "shared with my organisation"
    page), of records that are not merged away, soonest ending first."""
    if not actor.is_active or not actor.has_perm("consents.view"):
        return Consent.objects.none()
    return (
        Consent.objects.filter(in_force_q(), network=actor.network_id, participant__merged_into__isnull=True)
        .filter(_names(actor.organisation_id))
        .exclude(owned_q(actor.organisation_id))
        .select_related("case", "case__case_type", "participant", "organisation")
        .order_by("valid_until", "pk")
    )


def cooperation_consents_for(
    actor: Membership, *, case: Case | None = None, participant: Participant | None = None
) -> list[Consent]:
    """The consents for cooperation in force that share ``case`` or ``participant`` with the
    actor's organisation (the banner on the shared pages)."""
    rows = shared_with(actor).filter(purpose=Purpose.COOPERATION)
    if case is not None:
        rows = rows.filter(case=case.pk)
    if participant is not None:
        rows = rows.filter(participant=participant.pk)
    return list(rows)
