"""The start-page panel for case managers and team leads: their own people in a measure career
(``careers.mine``). Bounded queries whatever the number of cases; what is shown is logged as a read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ankommen.audit.services import log_action
from ankommen.dashboard import careers
from ankommen.offers.choices import Category

LIMIT = 5


def careers_panel(request: HttpRequest) -> dict[str, Any]:
    actor = request.membership  # type: ignore[attr-defined]
    found = careers.mine(actor)
    shown = found[:LIMIT]
    if shown:
        log_action(
            actor,
            "dashboard.careers_listed",
            data={"participants": sorted({person.pk for _case, person, _career in shown}), "panel": True},
        )
    labels = dict(Category.choices)
    return {
        "careers": [
            (case, person, career, labels.get(career.category, career.category)) for case, person, career in shown
        ],
        "careers_more": max(0, len(found) - LIMIT),
        "careers_minimum": careers.MINIMUM_OFFERS,
    }
