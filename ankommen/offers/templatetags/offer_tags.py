"""What the offers app adds to the case page (its referrals, finding offers) and to the participant
page (the person's offers and card, the finder). A fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template

from ankommen.cases.models import Case
from ankommen.cases.rules import check_case_rule
from ankommen.offers.referral_access import sent_referrals
from ankommen.participants.models import Participant

register = template.Library()

SHOWN = 20


@register.simple_tag(takes_context=True)
def case_referrals(context: Any, case: Case) -> dict[str, Any]:
    """The referrals of ``case`` (newest first) and what the reader may do from the case page."""
    request = context.get("request")
    actor = getattr(request, "membership", None)
    if actor is None or case.organisation_id != actor.organisation_id:
        return {"rows": [], "may_refer": False, "may_find": False}
    rows = list(
        sent_referrals(actor)
        .filter(case=case.pk)
        .select_related("recipient", "offer", "participant")
        .order_by("-sent_at", "-pk")[:SHOWN]
    )
    return {
        "rows": rows,
        "may_refer": actor.has_perm("offers.refer")
        and not case.is_closed
        and check_case_rule("cases.change_case", actor, case),
        "may_find": case.participant_id is not None
        and actor.has_perm("participants.view")
        and actor.has_perm("offers.view_catalogue"),
    }


@register.simple_tag(takes_context=True)
def participant_offer_links(context: Any, participant: Participant) -> dict[str, bool]:
    request = context.get("request")
    actor = getattr(request, "membership", None)
    own = (
        actor is not None
        and participant.organisation_id == actor.organisation_id
        and participant.merged_into_id is None
        and actor.has_perm("participants.view")
    )
    return {"offers": own, "finder": own and actor.has_perm("offers.view_catalogue")}  # type: ignore[union-attr]
