"""Screens of the steering app. Thin views: one access call, one service call, render or redirect.
Pages of one object are ``object_page``s: whoever may not see the object gets 404 from its
``get_*_for`` helper; visible but not changeable: 403."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ankommen.network.access import requires
from ankommen.steering.access import visible_bodies, visible_events, visible_gaps, visible_reports
from ankommen.steering.choices import GapStatus
from ankommen.steering.panels import open_items_for, renewals_due
from ankommen.steering.views.common import actor_of


@requires("steering.take_part")
def overview(request: HttpRequest) -> HttpResponse:
    """What is going on: upcoming events, the bodies one sees, one's tasks and, for those who see the
    steering data, the gap register in figures."""
    actor = actor_of(request)
    today = timezone.localdate()
    sees_all = actor.has_perm("steering.view")
    context = {
        "events": list(visible_events(actor).filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")[:5]),
        "bodies": list(visible_bodies(actor).filter(is_active=True).order_by("kind", "name")),
        "items": open_items_for(actor, today),
        "renewals": renewals_due(actor, today),
        "sees_all": sees_all,
        "may_report": actor.has_perm("steering.report_problem"),
        "may_manage": actor.has_perm("steering.manage"),
    }
    if sees_all:
        gaps = visible_gaps(actor)
        counts = {row["status"]: row["n"] for row in gaps.values("status").order_by("status").annotate(n=Count("pk"))}
        context["gap_counts"] = [(label, counts.get(value, 0)) for value, label in GapStatus.choices]
        context["reports_open"] = visible_reports(actor).filter(gaps__isnull=True).count()
    return render(request, "steering/overview.html", context)
