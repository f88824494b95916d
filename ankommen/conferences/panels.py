"""The owner organisation's action items: the start-page panel "Action items from case
conferences" and the rows of the list "Our action items". A fixed number of queries whatever the
number of items; what is shown is logged once (ids only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ankommen.audit.services import log_action
from ankommen.conferences.access import own_action_items
from ankommen.conferences.choices import ActionStatus
from ankommen.conferences.models import ActionItem
from ankommen.conferences.presentation import present
from ankommen.network.models import Membership

PANEL_LIMIT = 8
ITEM_RELATED = (
    "conference",
    "conference__organisation",
    "conference__case",
    "conference__case__participant",
    "conference__case__household",
)


def item_rows(items: Iterable[ActionItem], today: dt.date) -> list[dict[str, Any]]:
    """Rows with each item's text as its conference is shown now (named or blanked)."""
    items = list(items)
    shows = present({item.conference_id: item.conference for item in items}.values())
    rows = []
    for item in items:
        show = shows[item.conference_id]
        rows.append({"item": item, "show": show, "text": show.text(item.text), "overdue": item.is_overdue(today)})
    return rows


def open_items_for(actor: Membership, today: dt.date, limit: int = PANEL_LIMIT) -> dict[str, Any]:
    items = own_action_items(actor).filter(status=ActionStatus.OPEN).select_related(*ITEM_RELATED)
    shown = list(items.order_by("due_on", "pk")[: limit + 1])
    more = 0
    if len(shown) > limit:
        more = items.count() - limit
        shown = shown[:limit]
    return {"rows": item_rows(shown, today), "more": more}


def action_items_panel(request: HttpRequest) -> dict[str, Any]:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    panel = open_items_for(actor, timezone.localdate())
    shown = [row["item"].pk for row in panel["rows"]]
    if shown:
        log_action(actor, "conference.action_items_listed", data={"shown": shown, "where": "start_page"})
    return {"conference_items": panel}
