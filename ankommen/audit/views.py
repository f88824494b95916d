"""The data-protection officer's screens: search and export the audit log, start the integrity
check, read the records of processing activities. Every search and export is itself audited."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_POST
from django_scopes import scope

from ankommen.accounts.sudo import sudo_required
from ankommen.audit.forms import AuditSearchForm
from ankommen.audit.models import AuditEntry
from ankommen.audit.processing import COMMON_MEASURES, PROCESSING_ACTIVITIES
from ankommen.audit.services import log_action
from ankommen.jobs.services import start_job
from ankommen.network.access import requires
from ankommen.network.models import Membership

PAGE_SIZE = 50


def _entries_of(actor: Membership) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(network=actor.network_id).select_related("actor", "organisation")


@requires("audit.view_log")
def audit_log(request: HttpRequest) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = AuditSearchForm(request.GET, network=actor.network)
    page = None
    if form.is_valid():
        paginator = Paginator(form.filter(_entries_of(actor)), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read before the search's own entry is written
        log_action(
            actor,
            "audit.log_searched",
            data={"filters": form.as_audit_data(), "page": page.number, "results": paginator.count},
        )
    return render(request, "audit/log.html", {"form": form, "page": page})


@requires("audit.view_log")
@sudo_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = AuditSearchForm(request.GET, network=actor.network)
    if not form.is_valid():
        return redirect(reverse("audit:log") + "?" + request.GET.urlencode())
    entries = form.filter(_entries_of(actor))
    # Export what matched when the export was logged (not the export's own entry or later ones).
    snapshot = entries.aggregate(rows=Count("pk"), last_seq=Max("seq"))
    entries = entries.filter(seq__lte=snapshot["last_seq"] or 0)
    log_action(actor, "audit.log_exported", data={"filters": form.as_audit_data(), "rows": snapshot["rows"]})
    filename = f"audit-{actor.network.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    rows = _csv_rows(entries, actor.network_id, translation.get_language())
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = [
    "time",
    "seq",
    "actor",
    "organisation",
    "action",
    "action_text",
    "target_type",
    "target_id",
    "subject",
    "client_address",
    "data",
]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells starting like a formula; a leading apostrophe keeps them text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(entries: QuerySet[AuditEntry], network_id: int, language: str) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")  # semicolon: what German spreadsheet programs expect
    yield "\ufeff"  # byte-order mark, so spreadsheets read UTF-8
    yield writer.writerow(CSV_HEADER)
    # The response is streamed after the view (with its tenant scope and language) returned.
    with scope(network=network_id), translation.override(language):
        for entry in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    _cell(timezone.localtime(entry.created_at).isoformat()),
                    _cell(entry.seq),
                    _cell(entry.actor_label),
                    _cell(entry.organisation),
                    _cell(entry.action),
                    _cell(entry.text),
                    _cell(entry.target_type),
                    _cell(entry.target_id),
                    _cell(entry.subject),
                    _cell(entry.ip_address),
                    _cell(json.dumps(entry.data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)),
                ]
            )


@requires("audit.verify_chain")
@require_POST
def verify_chain(request: HttpRequest) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    job = start_job(actor, "audit.verify")
    return redirect("jobs:detail", job_id=job.pk)


@requires("audit.view_processing_records")
def processing_records(request: HttpRequest) -> HttpResponse:
    return render(
        request, "audit/processing.html", {"activities": PROCESSING_ACTIVITIES, "common_measures": COMMON_MEASURES}
    )
