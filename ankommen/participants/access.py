"""Who may see and change which participant records.

A participant is visible to the staff of the owning organisation whose role has
``participants.view`` (case managers, team leads, read-only assistants). Sharing
with other organisations happens only under a valid consent (issue [C]); until
then nobody outside the owning organisation sees a record. Coordinators, the DPO,
the platform administrator, the police and the chambers see none.

Merged-away records are hidden everywhere except in merge/undo views.
Outsiders get 404 (never a hint that the record exists); visible but read-only: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ankommen.network.models import Membership
from ankommen.participants.models import Household, Participant


def visible_participants(actor: Membership, *, include_merged: bool = False) -> QuerySet[Participant]:
    if not actor.has_perm("participants.view"):
        return Participant.objects.none()
    records = Participant.objects.filter(network=actor.network_id, organisation=actor.organisation_id)
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
    if write and not actor.has_perm("participants.edit"):
        raise PermissionDenied
    return participant


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
