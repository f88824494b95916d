"""Who may see and change which participant records.

A participant is visible to the staff of the owning organisation whose role has
``participants.view`` (case managers, team leads, read-only assistants). Staff of
another organisation see a record only while a consent in force for cooperation
given by the person names their organisation, and then only the data categories it
names (``shared_categories``); they never change it. Consents are read on every
request, so a revocation ends access at once. Coordinators, the DPO, the platform
administrator, the police and the chambers see none.

Merged-away records are hidden everywhere except in merge/undo views.
Outsiders get 404 (never a hint that the record exists); visible but read-only: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ankommen.consents.choices import Purpose
from ankommen.consents.models import Consent
from ankommen.consents.queries import valid_consents, valid_q
from ankommen.network.models import Membership
from ankommen.participants.models import Household, Participant


def visible_participants(actor: Membership, *, include_merged: bool = False) -> QuerySet[Participant]:
    if not actor.has_perm("participants.view"):
        return Participant.objects.none()
    shared = Consent.objects.filter(
        valid_q(), participant=OuterRef("pk"), purpose=Purpose.COOPERATION, recipients=actor.organisation_id
    )
    records = Participant.objects.filter(network=actor.network_id).filter(
        Q(organisation=actor.organisation_id) | Q(Exists(shared))
    )
    if not include_merged:
        records = records.filter(merged_into__isnull=True)
    return records


def get_participant_for(
    actor: Membership, participant_id: int | str, *, write: bool = False, include_merged: bool = False
) -> Participant:
    try:
        participant = visible_participants(actor, include_merged=include_merged).get(pk=int(participant_id))
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and (not actor.has_perm("participants.edit") or participant.organisation_id != actor.organisation_id):
        raise PermissionDenied
    return participant


def own_participants(actor: Membership, *, include_merged: bool = False) -> QuerySet[Participant]:
    """The records of the actor's own organisation (search, duplicate checks, merges)."""
    return visible_participants(actor, include_merged=include_merged).filter(organisation=actor.organisation_id)


def shared_categories(actor: Membership, participant: Participant) -> frozenset[str] | None:
    """What the actor may see of a record: ``None`` for everything (own organisation), otherwise
    the data categories of the consents for cooperation in force that name the actor's organisation."""
    if participant.organisation_id == actor.organisation_id:
        return None
    categories: set[str] = set()
    for row in valid_consents(
        network_id=actor.network_id,
        purpose=Purpose.COOPERATION,
        recipient_id=actor.organisation_id,
        participant_id=participant.pk,
    ).values_list("data_categories", flat=True):
        categories.update(row or ())
    return frozenset(categories)


def visible_households(actor: Membership) -> QuerySet[Household]:
    if not actor.has_perm("participants.view"):
        return Household.objects.none()
    return Household.objects.filter(network=actor.network_id, organisation=actor.organisation_id)


def get_household_for(actor: Membership, household_id: int | str, *, write: bool = False) -> Household:
    try:
        household = visible_households(actor).get(pk=int(household_id))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not actor.has_perm("participants.edit"):
        raise PermissionDenied
    return household
