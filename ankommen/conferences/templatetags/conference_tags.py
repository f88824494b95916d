"""The case page's section on its case conferences (``conferences/includes/case_section.html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ankommen.cases.models import Case
from ankommen.cases.rules import check_case_rule
from ankommen.conferences.access import RELATED, visible_conferences
from ankommen.conferences.choices import ActionStatus
from ankommen.conferences.models import ActionItem
from ankommen.conferences.presentation import Row, present

register = template.Library()

SHOWN = 10


@register.simple_tag(takes_context=True)
def case_conferences(context: Any, case: Case) -> dict[str, Any]:
    """The conferences of ``case`` the reader may see (latest first) with their open action items,
    and whether the reader may schedule one. A fixed number of queries."""
    request = context.get("request")
    actor = getattr(request, "membership", None)
    if actor is None:
        return {"rows": [], "may_schedule": False}
    conferences = list(
        visible_conferences(actor)
        .filter(case=case.pk)
        .select_related(*RELATED)
        .order_by("-scheduled_at", "-pk")[:SHOWN]
    )
    shows = present(conferences)
    today = timezone.localdate()
    items: dict[int, list[Row]] = {c.pk: [] for c in conferences}
    if conferences:
        open_items = (
            ActionItem.objects.filter(conference__in=list(items), status=ActionStatus.OPEN)
            .select_related("owner")
            .order_by("due_on", "pk")
        )
        for item in open_items:
            show = shows[item.conference_id]
            items[item.conference_id].append(Row(item, text=show.text(item.text), overdue=item.is_overdue(today)))
    may_schedule = (
        actor.has_perm("conferences.organise")
        and not case.is_closed
        and check_case_rule("cases.change_case", actor, case)
    )
    rows = [{"show": shows[c.pk], "items": items[c.pk]} for c in conferences]
    return {"rows": rows, "may_schedule": may_schedule}
