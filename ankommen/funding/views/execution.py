"""Carrying out and proving the measures: meetings held, material produced, the proof of use with
its reconciliation, the integration centre's check of it, and deleting signature lists."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action
from ankommen.funding import forms as funding_forms
from ankommen.funding import services
from ankommen.funding.access import (
    REVIEW,
    WORK,
    get_application_for,
    get_material_for,
    get_measure_for,
    get_session_for,
)
from ankommen.funding.choices import State
from ankommen.funding.documents import proof_data, proof_pdf
from ankommen.funding.reconciliation import rows as difference_rows
from ankommen.funding.rules import check_funding_rule
from ankommen.funding.services import FundingError, NotReconciled
from ankommen.funding.views.common import (
    actor_of,
    add_errors,
    error_messages,
    form_page,
    posted,
    to_application,
)
from ankommen.network.access import object_page


def _back(application_id: int, anchor: str = "measures") -> str:
    return reverse("funding:application", kwargs={"application_id": application_id}) + f"#{anchor}"


@object_page
def session_new(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = actor_of(request)
    measure = get_measure_for(actor, measure_id, need=WORK)
    form = funding_forms.SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_session(actor, measure, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return to_application(measure.application, f"measure-{measure.pk}")
    return form_page(
        request,
        form,
        title=_("Meeting held: %(title)s") % {"title": measure.title},
        intro=_("Numbers only: never enter names of participants."),
        submit=_("Record"),
        back=_back(measure.application_id, f"measure-{measure.pk}"),
    )


@object_page
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    session = get_session_for(actor, session_id, need=WORK)
    initial = {name: getattr(session, name) for name in services.execution.SESSION_FIELDS}
    form = funding_forms.SessionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_session(actor, session, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The meeting has been changed."))
            return to_application(session.measure.application, f"measure-{session.measure_id}")
    return form_page(
        request,
        form,
        title=_("Meeting of %(date)s") % {"date": session.held_on.strftime("%d.%m.%Y")},
        submit=_("Save"),
        back=_back(session.measure.application_id, f"measure-{session.measure_id}"),
    )


@object_page
@require_POST
def session_delete(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    session = get_session_for(actor, session_id, need=WORK)
    try:
        services.remove_session(actor, session)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The meeting has been removed."))
    return to_application(session.measure.application, f"measure-{session.measure_id}")


@object_page
def material_new(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = actor_of(request)
    measure = get_measure_for(actor, measure_id, need=WORK)
    form = funding_forms.MaterialForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_material(actor, measure, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The material has been recorded. Upload a copy as a document."))
            return to_application(measure.application, f"measure-{measure.pk}")
    return form_page(
        request,
        form,
        title=_("Material produced: %(title)s") % {"title": measure.title},
        submit=_("Record"),
        back=_back(measure.application_id, f"measure-{measure.pk}"),
    )


@object_page
@require_POST
def material_delete(request: HttpRequest, material_id: int) -> HttpResponse:
    actor = actor_of(request)
    material = get_material_for(actor, material_id, need=WORK)
    try:
        services.remove_material(actor, material)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The material has been removed."))
    return to_application(material.measure.application, f"measure-{material.measure_id}")


# --- proof of use -----------------------------------------------------------------------------------------------------


@object_page
def proof(request: HttpRequest, application_id: int) -> HttpResponse:
    """Write the proof of use: save the draft, or submit it (refused, with each difference shown,
    while its figures do not reconcile)."""
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    if application.state != State.RUNNING:
        messages.error(request, _("The proof of use is written while the contract runs."))
        return to_application(application)
    measures = list(application.measures.select_related("module").order_by("module__code", "starts_on", "pk"))
    figures = services.line_figures(application)
    current = getattr(application, "proof", None)
    initial: dict[str, Any] = {"narrative": current.narrative if current else "", "version": application.version}
    form = funding_forms.ProofForm(posted(request), figures=figures, measures=measures, initial=initial)
    differences: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_proof(
                actor,
                application,
                narrative=form.cleaned_data["narrative"],
                quantities=form.quantities(),
                not_carried_out=form.not_carried_out(),
            )
            if "submit" in request.POST:
                services.submit_proof(actor, application)
                messages.success(request, _("The proof of use has been submitted to the integration centre."))
                return to_application(application, "proof")
        except NotReconciled as exc:
            differences = difference_rows(exc.differences)
            form.add_error(None, exc.messages[0])
            application.refresh_from_db()
            figures = services.line_figures(application)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The proof of use has been saved."))
            return redirect("funding:proof", application_id=application.pk)
    data = proof_data(application)
    rows_by_measure: dict[int, list[Any]] = {}
    for item in figures:
        rows_by_measure.setdefault(item.line.measure_id, []).append(
            {"item": item, "field": form.proven_field(item.line)}
        )
    sections = [
        {"measure": m, "rows": rows_by_measure.get(m.pk, []), "flag": form.not_carried_out_field(m)} for m in measures
    ]
    context = {
        "application": application,
        "form": form,
        "sections": sections,
        "differences": differences or difference_rows(services.proof_differences(application)),
        "data": data,
        "return_reason": current.return_reason if current else "",
    }
    return render(request, "funding/proof.html", context)


@object_page
def proof_document(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id)
    content = proof_pdf(application)
    log_action(actor, "funding.proof_exported", application, data={"format": "pdf"})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Verwendungsnachweis-{application.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@object_page
def proof_check(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=REVIEW)
    form = funding_forms.ProofCheckForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                services.accept_proof(actor, application)
                messages.success(request, _("The proof of use has been accepted."))
            else:
                services.return_proof(actor, application, reason=form.cleaned_data["reason"])
                messages.success(request, _("The proof of use has been returned for correction."))
        except FundingError as exc:
            add_errors(form, exc)
        else:
            return to_application(application, "proof")
    context = {"application": application, "form": form, "data": proof_data(application)}
    return render(request, "funding/proof_check.html", context)


@object_page
@require_POST
def signature_lists_delete(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id)
    if not (
        check_funding_rule("funding.work_on_application", actor, application)
        or check_funding_rule("funding.review_application", actor, application)
    ):
        raise PermissionDenied
    try:
        count = services.delete_signature_lists(actor, application)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s signature list has been deleted.", "%(count)s signature lists have been deleted.", count
            )
            % {"count": count},
        )
    return to_application(application, "documents")
