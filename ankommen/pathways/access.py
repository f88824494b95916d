"""Who may see a participant's right-to-stay pathways, and in which cases goals can be added.

The pathways page shows an assessment built from the residence status history, so it is shown
to whoever may see the full record of their own organisation (``participants.view``), and to
staff of another organisation only while a consent for cooperation in force covers the data
category "residence status history" (``shared_categories``). Such recipients see the check
built from the categories they may see; everything else counts as not known. Everyone else
gets 404, as for the record itself.

Goals are added only to open cases of the actor's own organisation for the person (or for a
household the person belongs to) that the actor may change (``cases.change_case``).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from ankommen.cases.access import own_cases
from ankommen.cases.choices import Phase
from ankommen.cases.models import Case
from ankommen.cases.rules import check_case_rule
from ankommen.consents.choices import DataCategory
from ankommen.network.models import Membership
from ankommen.participants.access import get_participant_for, shared_categories
from ankommen.participants.models import HouseholdMember, Participant


def pathway_categories(actor: Membership, participant: Participant) -> frozenset[str] | None:
    """``None``: the actor sees the whole record; a set: the categories shared with the actor.
    Raises 404 when the actor may not see the pathways."""
    categories = shared_categories(actor, participant)
    if categories is not None and DataCategory.RESIDENCE not in categories:
        raise Http404
    return categories


def may_see_pathways(actor: Membership, participant: Participant) -> bool:
    try:
        pathway_categories(actor, participant)
    except Http404:
        return False
    return True


def get_participant_for_pathways(
    actor: Membership, participant_id: int | str
) -> tuple[Participant, frozenset[str] | None]:
    # shared=True: a record shared under a consent is used with its shared categories only (facts.py).
    participant = get_participant_for(actor, participant_id, shared=True)
    return participant, pathway_categories(actor, participant)


def open_cases_for(actor: Membership, participant: Participant) -> list[Case]:
    """Open cases of the actor's organisation for the person or one of their households, which the
    actor may change (the cases a goal can be added to)."""
    if not actor.has_perm("cases.edit"):
        return []
    households = HouseholdMember.objects.filter(participant=participant.pk).values("household")
    cases = (
        own_cases(actor)
        .exclude(phase=Phase.CLOSED)
        .filter(Q(participant=participant.pk) | Q(household__in=households))
        .select_related("case_type")
        .order_by("opened_on", "pk")
    )
    return [case for case in cases if check_case_rule("cases.change_case", actor, case)]
