"""``{% case_contribution case %}``: what a co-worker of another organisation may add to a shared
case (see ``cases/contribute.py``), for the read-only page of a shared case.

Renders nothing for anyone without a contribution (readers without a role, lapsed consents), so the
page of a shared case can include it unconditionally. It lists the co-worker's own open tasks (with
"Mark as done") and links to add a task, an appointment or a progress note per goal, as far as the
consent covers them; it shows no other case content.
"""

from __future__ import annotations

from typing import Any

from django import template

from ankommen.cases.contribute import contribution_for
from ankommen.cases.models import Case

register = template.Library()


@register.inclusion_tag("cases/includes/contribution.html", takes_context=True)
def case_contribution(context: template.Context, case: Case) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "membership", None)
    if actor is None or case.organisation_id == actor.organisation_id or case.is_closed:
        return {"contribution": None}
    contribution = contribution_for(actor, case)
    if not contribution.any:
        return {"contribution": None}
    tasks = list(case.tasks.filter(assignee=actor.user_id, done_at__isnull=True).order_by("due_on", "pk"))
    goals = list(case.goals.order_by("pk")) if contribution.notes else []
    return {
        "contribution": contribution,
        "case": case,
        "tasks": tasks,
        "goals": goals,
        "csrf_token": context.get("csrf_token"),
    }
