"""Screens of consents: record (on a case or a participant's record), the consent page, revoke
(one click and a confirmation), the signed document, and what is shared with my organisation.

Thin views: one access call, one service call, render or redirect. Outsiders get 404 from the
access helpers; staff who may see but not change get 403. Every page that shows a consent or the
data it covers logs the read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action, log_read
from ankommen.cases.access import get_case_for
from ankommen.consents import services
from ankommen.consents.access import get_consent_for, is_owner, may_download, may_manage, shared_with
from ankommen.consents.choices import DataCategory, Purpose
from ankommen.consents.forms import ConsentForm, RevokeForm
from ankommen.consents.models import Consent
from ankommen.consents.services import ConsentError
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.participants.access import get_participant_for

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _back_url(consent: Consent) -> str:
    if consent.case_id is not None:
        return reverse("cases:detail", kwargs={"case_id": consent.case_id}) + "#consents"
    return reverse("participants:detail", kwargs={"participant_id": consent.participant_id}) + "#consents"


def _record(request: HttpRequest, actor: Membership, subject: Any, *, case: Any, back: str) -> HttpResponse:
    if not actor.has_perm("consents.record"):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ConsentForm(request.POST if posted else None, request.FILES if posted else None, actor=actor, case=case)
    if posted and form.is_valid():
        try:
            consent = services.record_consent(
                actor,
                subject,
                form.values(),
                form.cleaned_data["recipients"],
                form.cleaned_data["data_categories"],
                form.cleaned_data.get("document"),
            )
        except ConsentError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The consent has been recorded. It is in force from now on."))
            return redirect(_back_url(consent))
    if not posted:
        log_read(actor, subject, data={"page": "record_consent"})
    return render(request, "consents/form.html", {"form": form, "case": case, "subject": subject, "back": back})


@object_page
def record_for_case(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    back = reverse("cases:detail", kwargs={"case_id": case.pk}) + "#consents"
    return _record(request, actor, case, case=case, back=back)


@object_page
def record_for_participant(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_participant_for(actor, participant_id, write=True)
    back = reverse("participants:detail", kwargs={"participant_id": participant.pk}) + "#consents"
    return _record(request, actor, participant, case=None, back=back)


@object_page
def consent_detail(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = _actor(request)
    consent = get_consent_for(actor, consent_id)
    log_read(actor, consent)
    owner = is_owner(actor, consent)
    context = {
        "consent": consent,
        "owner": owner,
        "show_name": owner or DataCategory.IDENTITY in consent.data_categories,
        "recipients": list(consent.recipients.order_by("name")),
        "may_revoke": consent.revoked_at is None and may_manage(actor, consent),
        "may_download": may_download(actor, consent),
        "back": _back_url(consent) if owner else reverse("consents:shared"),
    }
    return render(request, "consents/detail.html", context)


@object_page
def revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    actor = _actor(request)
    consent = get_consent_for(actor, consent_id, write=True)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_consent(actor, consent, form.cleaned_data["note"])
        except ConsentError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The revocation has been recorded. Nothing is shared under this consent any more.")
            )
        return redirect(_back_url(consent))
    if request.method != "POST":
        log_read(actor, consent, data={"page": "revoke"})
    context = {"consent": consent, "form": form, "recipients": list(consent.recipients.order_by("name"))}
    return render(request, "consents/revoke.html", context)


@object_page
def document(request: HttpRequest, consent_id: int) -> FileResponse:
    actor = _actor(request)
    consent = get_consent_for(actor, consent_id)
    if not may_download(actor, consent):
        raise Http404
    try:
        handle = consent.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_read(actor, consent, action="consent.document_viewed")
    response = FileResponse(
        handle, as_attachment=True, filename=consent.download_name, content_type=consent.document_type or None
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires("consents.view")
def shared_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    paginator = Paginator(shared_with(actor), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "consent": consent,
            "show_name": DataCategory.IDENTITY in consent.data_categories,
            "linked": consent.purpose == Purpose.COOPERATION,
        }
        for consent in page.object_list
    ]
    log_action(
        actor,
        "consent.shared_listed",
        data={"page": page.number, "results": paginator.count, "shown": [row["consent"].pk for row in rows]},
    )
    return render(request, "consents/shared_list.html", {"page": page, "rows": rows})
