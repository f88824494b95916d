"""Who may see and change which participant records.

A participant is visible to the staff of the owning organisation whose role has
``participants.view`` (case managers, team leads, read-only assistants). Staff of
another organisation see a record only while a consent in force for cooperation
given by the person names their organisation, and then only the data categories it
names (``shared_categories``); they never change it. Consents are read on every
request, so a revocation ends access at once (closing the consent's case too).
Coordinators, the DPO, the platform administrator, the police and the chambers see none.

``get_participant_for`` hands a shared record only to pages that ask with ``shared=True``
and then show no more than ``shared_categories`` allows (the record page); every other page
and the API answer 404 to recipients (403 when they change the record).

Merged-away records are hidden everywhere except in merge/undo views.
Outsiders get 404 (never a hint that the record exists); visible but read-only: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ankommen.consents.queries import participant_categories, shared_participants_q
from ankommen.network.models import Membership
from ankommen.participants.models import Household, Participant


def visible_participants(actor: Membership, *, include_merged: bool = False) -> QuerySet[Participant]:
    if not actor.is_active or not actor.has_perm("participants.view"):
        return Participant.objects.none()
    records = Participant.objects.filter(network=actor.network_id).filter(
        Q(organisation=actor.organisation_id) | shared_participants_q(actor.organisation_id)
    )
    if not include_merged:
        records = records.filter(merged_into__isnull=True)
    return records


def get_participant_for(
    actor: Membership,
    participant_id: int | str,
    *,
    write: bool = False,
    include_merged: bool = False,
    shared: bool = False,
) -> Participant:
    """A record the actor may see (404 otherwise); with ``write`` one it may change (403
    otherwise). A record of another organisation shared under a consent only with
    ``shared=True``: the caller then shows no more than ``shared_categories(actor, record)``."""
    try:
        participant = visible_participants(actor, include_merged=include_merged).get(pk=int(participant_id))
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    own = participant.organisation_id == actor.organisation_id
    if write and (not actor.has_perm("participants.edit") or not own):
        raise PermissionDenied
    if not shared and not own:
        raise Http404
    return participant


def own_participants(actor: Membership, *, include_merged: bool = False) -> QuerySet[Participant]:
    """The records of the actor's own organisation (search, duplicate checks, merges).

    Not ``visible_participants`` narrowed down: its ``OR`` with the consents' ``EXISTS`` would be
    evaluated for every record of the network (a search's count took seconds at 100,000)."""
    if not actor.is_active or not actor.has_perm("participants.view"):
        return Participant.objects.none()
    records = Participant.objects.filter(network=actor.network_id, organisation=actor.organisation_id)
    if not include_merged:
        records = records.filter(merged_into__isnull=True)
    return records


def shared_categories(actor: Membership, participant: Participant) -> frozenset[str] | None:
    """What the actor may see of a record: ``None`` for everything (own organisation), otherwise
    the data categories of the consents for cooperation in force that name the actor's organisation."""
    if participant.organisation_id == actor.organisation_id:
        return None
    return participant_categories(participant.pk, actor.organisation_id, network_id=actor.network_id)


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
