from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ankommen.audit.models import AuditEntry
from ankommen.network.access import requires


@requires("audit.view_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    entries = AuditEntry.objects.filter(network=actor.network_id).select_related("actor", "organisation")[:100]
    return render(request, "audit/log.html", {"entries": entries})
