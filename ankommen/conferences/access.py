"""Who may see and change which case conferences.

A conference is visible to the staff of the organisation that owns its case who see cases
(``cases.view``: case managers, team leads, assistants), and to the members of each participating
organisation whose role takes part in conferences (``conferences.take_part``: case managers,
team leads, partner liaisons of e.g. the foreigners' authority or the employment agency). The
police never take part; chambers see anonymised conferences only. Participating organisations see
the conference, never the case behind it (the case's own access rules decide that).

Only the case owner's organisers (``conferences.organise``) change a conference. Outsiders get
404 (never a hint that the conference exists); visible but read-only: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from ankommen.conferences.choices import Mode
from ankommen.conferences.models import ActionItem, Conference, ConferenceOrganisation
from ankommen.conferences.rules import check_conference_rule
from ankommen.network.models import Membership
from ankommen.network.roles import CONFERENCE_ANONYMISED_ONLY_TYPES, CONFERENCE_EXCLUDED_TYPES

RELATED = ("case", "case__participant", "case__household", "organisation")


def visible_conferences(actor: Membership) -> QuerySet[Conference]:
    """The list counterpart of the rule ``conferences.view_conference``."""
    conferences = Conference.objects.filter(network=actor.network_id)
    if not actor.is_active:
        return conferences.none()
    condition = Q(pk__in=[])
    if actor.has_perm("cases.view"):
        condition |= Q(case__organisation=actor.organisation_id)
    kind = actor.organisation.type
    if actor.has_perm("conferences.take_part") and kind not in CONFERENCE_EXCLUDED_TYPES:
        taking_part = Q(
            Exists(ConferenceOrganisation.objects.filter(conference=OuterRef("pk"), organisation=actor.organisation_id))
        )
        if kind in CONFERENCE_ANONYMISED_ONLY_TYPES:
            taking_part &= Q(mode=Mode.ANONYMISED)
        condition |= taking_part
    return conferences.filter(condition)


def get_conference_for(actor: Membership, conference_id: int | str, *, write: bool = False) -> Conference:
    try:
        conference = visible_conferences(actor).select_related(*RELATED).get(pk=int(conference_id))
    except (Conference.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_conference_rule("conferences.view_conference", actor, conference):
        raise Http404
    if write and not check_conference_rule("conferences.change_conference", actor, conference):
        raise PermissionDenied
    return conference


def get_action_item_for(actor: Membership, conference: Conference, item_id: int | str) -> ActionItem:
    """An action item of a conference the actor already reached; 403 unless the actor may mark
    it done (the organisers, and the responsible organisation's members who take part)."""
    try:
        item = conference.action_items.select_related("owner").get(pk=int(item_id))
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    item.conference = conference
    if not check_conference_rule("conferences.complete_action_item", actor, item):
        raise PermissionDenied
    return item


def own_action_items(actor: Membership) -> QuerySet[ActionItem]:
    """Action items for which the actor's organisation is responsible, of conferences it sees."""
    if not actor.is_active or not actor.has_perm("conferences.take_part"):
        return ActionItem.objects.none()
    return ActionItem.objects.filter(
        network=actor.network_id,
        owner=actor.organisation_id,
        conference__in=visible_conferences(actor).values("pk"),
    )


def completable_items(actor: Membership, conference: Conference, items: list[ActionItem]) -> set[int]:
    """The open items of a conference the actor already reached that the actor may mark done: all
    for its organisers, the own organisation's for members who take part (the rule
    ``conferences.complete_action_item`` for a visible conference, without a query per item)."""
    if check_conference_rule("conferences.change_conference", actor, conference):
        return {item.pk for item in items if not item.is_done}
    if not actor.has_perm("conferences.take_part"):
        return set()
    return {item.pk for item in items if not item.is_done and item.owner_id == actor.organisation_id}
