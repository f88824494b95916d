"""Start-page panels: the open action items of the actor and the actor's organisation (every role
that takes part in steering), and the agreements due for renewal within 60 days (coordinators).
A fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ankommen.network.models import Membership
from ankommen.steering.access import own_action_items, visible_agreements
from ankommen.steering.choices import OPEN_ACTION_STATUSES

PANEL_LIMIT = 8
RENEWAL_DAYS = 60
ITEM_RELATED = ("meeting", "meeting__body", "owner_organisation", "owner_user")


def open_items_for(actor: Membership, today: dt.date, limit: int = PANEL_LIMIT) -> dict[str, Any]:
    items = own_action_items(actor).filter(status__in=OPEN_ACTION_STATUSES).select_related(*ITEM_RELATED)
    shown = list(items.order_by("due_on", "pk")[: limit + 1])
    more = 0
    if len(shown) > limit:
        more = items.count() - limit
        shown = shown[:limit]
    return {"rows": [{"item": item, "overdue": item.is_overdue(today)} for item in shown], "more": more}


def renewals_due(actor: Membership, today: dt.date) -> list[dict[str, Any]]:
    """Agreements whose renewal is due within ``RENEWAL_DAYS`` days (or overdue)."""
    if not actor.has_perm("steering.manage"):
        return []
    agreements = visible_agreements(actor).filter(
        renewal_on__isnull=False, renewal_on__lte=today + dt.timedelta(days=RENEWAL_DAYS)
    )
    return [{"agreement": a, "days": a.renewal_days(today)} for a in agreements.order_by("renewal_on", "pk")]


def steering_panel(request: HttpRequest) -> dict[str, Any]:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    today = timezone.localdate()
    return {"steering": {"items": open_items_for(actor, today), "renewals": renewals_due(actor, today)}}
