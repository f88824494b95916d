"""Cooperation agreements, their partners, signatories and document, and the partner map."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ankommen.audit.services import log_action
from ankommen.network.access import object_page, requires
from ankommen.steering import forms as steering_forms
from ankommen.steering import services
from ankommen.steering.access import get_agreement_for, visible_agreements
from ankommen.steering.models import Agreement, AgreementPartner
from ankommen.steering.partner_map import group_by_day, growth_chart
from ankommen.steering.rules import check_steering_rule
from ankommen.steering.services import SteeringError
from ankommen.steering.views.common import (
    actor_of,
    confirm_page,
    error_messages,
    form_page,
    handle,
    posted,
)


def _url(agreement: Agreement, anchor: str = "") -> str:
    url = reverse("steering:agreement", kwargs={"agreement_id": agreement.pk})
    return f"{url}#{anchor}" if anchor else url


@requires("steering.view")
def agreement_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    agreements = visible_agreements(actor).annotate(partner_count=Count("partners")).order_by("-signed_on", "-pk")
    today = timezone.localdate()
    rows = [{"agreement": a, "renewal_days": a.renewal_days(today)} for a in agreements]
    context = {"rows": rows, "may_manage": actor.has_perm("steering.manage")}
    return render(request, "steering/agreements.html", context)


@requires("steering.manage")
def agreement_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.AgreementForm(posted(request), request.FILES or None)
    response = handle(
        request,
        form,
        lambda: services.create_agreement(actor, form.cleaned_data, document=form.cleaned_data.get("document")),
        done=_("The agreement has been recorded. Now add the partners."),
        to=lambda agreement: _url(agreement, "partners"),
    )
    return response or form_page(
        request,
        form,
        title=_("Record an agreement"),
        submit=_("Save"),
        back=reverse("steering:agreements"),
        back_label=_("Back to the agreements"),
        multipart=True,
    )


@object_page
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id)
    partners = list(agreement.partners.select_related("organisation").order_by("joined_on", "organisation__name"))
    signatories = list(agreement.signatories.select_related("organisation").order_by("signed_on", "pk"))
    events = list(agreement.events.order_by("starts_at"))
    context = {
        "agreement": agreement,
        "partners": partners,
        "signatories": signatories,
        "events": events,
        "renewal_days": agreement.renewal_days(timezone.localdate()),
        "may_change": check_steering_rule("steering.change_agreement", actor, agreement),
    }
    return render(request, "steering/agreement.html", context)


@object_page
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id, write=True)
    initial = {name: getattr(agreement, name) for name in ("kind", "title", "purpose", "signed_on", "renewal_on")}
    initial["version"] = agreement.version
    form = steering_forms.AgreementForm(posted(request), request.FILES or None, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_agreement(
            actor,
            agreement,
            form.cleaned_data,
            document=form.cleaned_data.get("document"),
            version=form.cleaned_data.get("version"),
        ),
        done=_("The agreement has been saved."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Change the agreement"),
        submit=_("Save"),
        back=_url(agreement),
        back_label=_("Back to the agreement"),
        multipart=True,
    )


@object_page
def agreement_document(request: HttpRequest, agreement_id: int) -> HttpResponse | FileResponse:
    """GET: what the stored document is; POST: the file itself, for those who see the agreement
    (every download is logged, nothing is cached)."""
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id)
    if not agreement.document:
        raise Http404
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Document of the agreement"),
            question=_("Download the document of “%(title)s” (%(size)s)?")
            % {"title": agreement.title, "size": filesizeformat(agreement.document_size or 0)},
            submit=_("Download"),
            back=_url(agreement),
            back_label=_("Back to the agreement"),
            explanation=[_("The download is recorded in the audit log.")],
        )
    try:
        handle_ = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_action(actor, "steering.agreement_document_viewed", agreement, data={"agreement": agreement.pk})
    response: HttpResponse | FileResponse = FileResponse(
        handle_, as_attachment=True, filename=agreement.download_name, content_type=agreement.document_type or None
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@object_page
def add_partner(request: HttpRequest, agreement_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id, write=True)
    form = steering_forms.PartnerForm(
        posted(request), actor=actor, agreement=agreement, initial={"joined_on": agreement.signed_on}
    )
    response = handle(
        request,
        form,
        lambda: services.add_partner(
            actor,
            agreement,
            form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            joined_on=form.cleaned_data["joined_on"],
            note=form.cleaned_data["note"],
        ),
        done=_("The partner has been added."),
        to=lambda _partner: _url(agreement, "partners"),
    )
    return response or form_page(
        request,
        form,
        title=_("Add a partner"),
        submit=_("Add"),
        back=_url(agreement, "partners"),
        back_label=_("Back to the agreement"),
        intro=_("A partner that joins later (with its own kick-off) gets its own day of joining."),
    )


@object_page
def remove_partner(request: HttpRequest, agreement_id: int, partner_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id, write=True)
    partner = agreement.partners.select_related("organisation").filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    if request.method == "POST":
        try:
            services.remove_partner(actor, agreement, partner)
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The partner has been removed."))
        return redirect(_url(agreement, "partners"))
    return confirm_page(
        request,
        title=_("Remove a partner"),
        question=_("Remove %(organisation)s from the agreement?") % {"organisation": partner.organisation.name},
        submit=pgettext("steering", "Remove"),
        back=_url(agreement, "partners"),
        back_label=_("Back to the agreement"),
    )


@object_page
def add_signatory(request: HttpRequest, agreement_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id, write=True)
    form = steering_forms.SignatoryForm(
        posted(request), agreement=agreement, initial={"signed_on": agreement.signed_on}
    )
    response = handle(
        request,
        form,
        lambda: services.add_signatory(
            actor,
            agreement,
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            function=form.cleaned_data["function"],
            signed_on=form.cleaned_data["signed_on"],
        ),
        done=_("The signatory has been added."),
        to=lambda _signatory: _url(agreement, "signatories"),
    )
    return response or form_page(
        request,
        form,
        title=_("Add a signatory"),
        submit=_("Add"),
        back=_url(agreement, "signatories"),
        back_label=_("Back to the agreement"),
    )


@object_page
def remove_signatory(request: HttpRequest, agreement_id: int, signatory_id: int) -> HttpResponse:
    actor = actor_of(request)
    agreement = get_agreement_for(actor, agreement_id, write=True)
    signatory = agreement.signatories.filter(pk=signatory_id).first()
    if signatory is None:
        raise Http404
    if request.method == "POST":
        try:
            services.remove_signatory(actor, agreement, signatory)
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The signatory has been removed."))
        return redirect(_url(agreement, "signatories"))
    return confirm_page(
        request,
        title=_("Remove a signatory"),
        question=_("Remove %(name)s from the signatories?") % {"name": signatory.name},
        submit=pgettext("steering", "Remove"),
        back=_url(agreement, "signatories"),
        back_label=_("Back to the agreement"),
    )


@requires("steering.view")
def partner_map(request: HttpRequest) -> HttpResponse:
    """Who joined when, in which role: a timeline, a growth chart and the table, filterable."""
    actor = actor_of(request)
    form = steering_forms.PartnerMapFilterForm(request.GET or None, actor=actor)
    partners = AgreementPartner.objects.filter(
        network=actor.network_id, agreement__in=visible_agreements(actor).values("pk")
    ).select_related("organisation", "agreement")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("agreement"):
            partners = partners.filter(agreement=data["agreement"].pk)
        if data.get("role"):
            partners = partners.filter(role=data["role"])
        if data.get("type"):
            partners = partners.filter(organisation__type=data["type"])
        if data.get("year"):
            partners = partners.filter(joined_on__year=data["year"])
    rows = list(partners.order_by("joined_on", "organisation__name", "pk"))
    context = {
        "form": form,
        "rows": rows,
        "groups": group_by_day(rows),
        "chart": growth_chart(rows, timezone.localdate()),
        "organisation_count": len({row.organisation_id for row in rows}),
    }
    return render(request, "steering/partner_map.html", context)
