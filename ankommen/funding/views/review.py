"""The application page (shared by the applicant and the integration centre), documents, and the
integration centre's screens: inbox, verifications, completeness, questions, decision, second
approval, contract and payments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action, log_read
from ankommen.funding import forms as funding_forms
from ankommen.funding import services
from ankommen.funding.access import (
    DECIDE,
    PAY,
    REVIEW,
    SECOND,
    get_application_for,
    get_attachment_for,
    get_profile_for,
    visible_applications,
)
from ankommen.funding.budget import check_for
from ankommen.funding.calc import ZERO, money
from ankommen.funding.choices import (
    APPLICANT_EDITABLE,
    EXECUTION,
    PAYABLE,
    REVIEW_TODO,
    AttachmentKind,
    State,
    Verification,
)
from ankommen.funding.models import Attachment, ClaimLine, Material, Measure, OrganisationProfile, Session
from ankommen.funding.rules import check_funding_rule
from ankommen.funding.services import FundingError
from ankommen.funding.services.common import euro
from ankommen.funding.views.common import (
    actor_of,
    add_errors,
    error_messages,
    file_response,
    form_page,
    open_stored,
    posted,
    to_application,
)
from ankommen.network.access import object_page, requires

PAGE_SIZE = 50
PROGRESS = [
    State.DRAFT,
    State.SUBMITTED,
    State.IN_REVIEW,
    State.APPROVED,
    State.RUNNING,
    State.PROOF_SUBMITTED,
    State.CLOSED,
]
PROGRESS_OF: dict[str, str] = {
    State.INFO_REQUESTED: State.SUBMITTED,
    State.SECOND_APPROVAL: State.IN_REVIEW,
    State.PROOF_ACCEPTED: State.PROOF_SUBMITTED,
}


def _steps(state: str) -> list[dict[str, Any]]:
    if state in (State.REJECTED, State.WITHDRAWN):
        return []
    current = PROGRESS.index(PROGRESS_OF.get(state, state))  # type: ignore[arg-type]
    return [
        {"label": State(code).label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, code in enumerate(PROGRESS)
    ]


@object_page
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id)
    measures = list(
        Measure.objects.filter(application=application)
        .select_related("module")
        .prefetch_related(
            Prefetch("lines", queryset=ClaimLine.objects.select_related("flat_rate")),
            Prefetch("sessions", queryset=Session.objects.order_by("held_on", "pk")),
            Prefetch("materials", queryset=Material.objects.order_by("pk")),
        )
        .order_by("module__code", "starts_on", "pk")
    )
    attachments = list(Attachment.objects.filter(application=application).select_related("measure", "session"))
    may_work = check_funding_rule("funding.work_on_application", actor, application)
    may_review = check_funding_rule("funding.review_application", actor, application)
    may_decide = check_funding_rule("funding.decide_application", actor, application)
    profile = OrganisationProfile.objects.filter(organisation=application.organisation_id).first()
    payments = list(application.payments.order_by("booked_on", "pk"))
    paid = money(sum((p.signed_amount for p in payments), ZERO))
    proof = getattr(application, "proof", None)
    context: dict[str, Any] = {
        "application": application,
        "steps": _steps(application.state),
        "measures": measures,
        "attachments": [a for a in attachments if a.kind != AttachmentKind.SIGNATURE_LIST],
        "signature_lists": [a for a in attachments if a.kind == AttachmentKind.SIGNATURE_LIST],
        "questions": list(application.info_requests.select_related("asked_by", "answered_by")),
        "payments": payments,
        "paid": paid,
        "proof": proof,
        "profile": profile,
        "contract": services.contract_of(application),
        "may_work": may_work,
        "may_edit": may_work and application.state in APPLICANT_EDITABLE,
        "may_record": may_work and application.state in EXECUTION,
        "may_review": may_review,
        "may_decide": may_decide,
        "may_second": application.state == State.SECOND_APPROVAL
        and check_funding_rule("funding.second_approval", actor, application),
        "may_pay": check_funding_rule("funding.pay", actor, application) and application.state in PAYABLE,
        "problems": [],
    }
    if may_work and application.state == State.DRAFT:
        context["problems"] = services.submission_problems(application)
    if may_review and application.state == State.SUBMITTED:
        context["problems"] = services.completeness_problems(application)
    if may_decide and application.state == State.IN_REVIEW:
        context["budget_check"] = check_for(application.year, application.requested_total, exclude=application.pk)
    return render(request, "funding/application.html", context)


# --- documents ----------------------------------------------------------------------------------------------------


@object_page
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    actor = actor_of(request)
    attachment = get_attachment_for(actor, attachment_id)
    handle = open_stored(attachment.file)
    if attachment.kind == AttachmentKind.SIGNATURE_LIST:
        log_read(
            actor,
            attachment,
            action="funding.signature_list_viewed",
            subject=f"signature_list:{attachment.pk}",
            data={"application": attachment.application_id, "measure": attachment.measure_id},
        )
    else:
        log_action(actor, "funding.attachment_viewed", attachment, data={"kind": attachment.kind})
    return file_response(handle, filename=attachment.download_name, content_type=attachment.content_type)


@object_page
def contract_download(request: HttpRequest, application_id: int) -> FileResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id)
    document = services.contract_of(application)
    if document is None:
        raise Http404
    handle = open_stored(document.file)
    log_action(actor, "funding.contract_viewed", application, data={"document": document.pk})
    return file_response(
        handle, filename=f"Weiterleitungsvertrag-{application.reference}.pdf", content_type="application/pdf"
    )


@object_page
@require_POST
def issue_contract(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=REVIEW)
    try:
        services.issue_contract(actor, application)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The forwarding contract has been generated."))
    return to_application(application, "contract")


# --- the integration centre's lists ---------------------------------------------------------------------------


@requires("funding.review")
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    state = request.GET.get("state", "todo")
    applications = visible_applications(actor).select_related("organisation", "year", "call")
    if state == "todo":
        applications = applications.filter(state__in=REVIEW_TODO)
    elif state in State.values:
        applications = applications.filter(state=state)
    else:
        state = "all"
    paginator = Paginator(applications.order_by("-submitted_at", "-pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    pending_profiles = OrganisationProfile.objects.filter(
        network=actor.network_id, state=Verification.SUBMITTED
    ).count()
    choices = [("todo", _("to do for the integration centre")), ("all", _("all"))] + [
        (code, label) for code, label in State.choices if code != State.DRAFT
    ]
    context = {"page": page, "state": state, "choices": choices, "pending_profiles": pending_profiles}
    return render(request, "funding/inbox.html", context)


@requires("funding.review")
def verification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    profiles = (
        OrganisationProfile.objects.filter(network=actor.network_id)
        .exclude(state=Verification.NEW)
        .select_related("organisation")
        .order_by("state", "organisation__name")
    )
    paginator = Paginator(profiles, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "funding/verifications.html", {"page": page})


@object_page
def verification(request: HttpRequest, profile_id: int) -> HttpResponse:
    actor = actor_of(request)
    profile = get_profile_for(actor, profile_id, check=True)
    form = funding_forms.VerificationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.check_profile(
                actor,
                profile,
                verified=form.cleaned_data["decision"] == "verify",
                reason=form.cleaned_data["reason"],
            )
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The verification has been recorded."))
            return redirect("funding:verifications")
    context = {"profile": profile, "attachments": list(profile.attachments.all()), "form": form}
    return render(request, "funding/verification.html", context)


# --- completeness, questions, decision ----------------------------------------------------------------------------


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@object_page
@require_POST
def complete(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=REVIEW)
    try:
        services.confirm_completeness(actor, application, version=_version(request))
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The application is complete and in review."))
    return to_application(application)


@object_page
def request_info(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=REVIEW)
    initial = {"version": application.version, "due_on": timezone.localdate() + dt.timedelta(days=14)}
    form = funding_forms.InfoRequestForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_information(
                actor,
                application,
                question=form.cleaned_data["question"],
                due_on=form.cleaned_data["due_on"],
                version=form.cleaned_data.get("version"),
            )
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The question has been sent to the applicant."))
            return to_application(application, "questions")
    return form_page(
        request,
        form,
        title=_("Ask %(organisation)s for more information") % {"organisation": application.organisation},
        submit=_("Send the question"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}),
    )


def _decision_lines(application: Any) -> tuple[list[ClaimLine], list[Measure]]:
    measures = list(application.measures.select_related("module").order_by("module__code", "starts_on", "pk"))
    lines = list(
        ClaimLine.objects.filter(measure__application=application)
        .select_related("flat_rate", "measure")
        .order_by("measure__module__code", "measure__starts_on", "measure_id", "flat_rate__code")
    )
    return lines, measures


@object_page
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=DECIDE)
    lines, measures = _decision_lines(application)
    form = funding_forms.DecisionForm(
        posted(request), lines=lines, measures=measures, initial={"version": application.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "reject":
                services.reject_application(actor, application, reason=data["reason"], version=data.get("version"))
                messages.success(request, _("The application has been rejected."))
            else:
                decided = services.approve_application(
                    actor,
                    application,
                    quantities=form.quantities(),
                    reason=data["reason"],
                    signature_lists=form.signature_lists(),
                    version=data.get("version"),
                )
                if decided.state == State.SECOND_APPROVAL:
                    messages.success(
                        request,
                        _("Your approval has been recorded. A second person must approve as well (above %(amount)s).")
                        % {"amount": euro(decided.year.second_approval_above)},
                    )
                else:
                    services.issue_contract(actor, decided)
                    messages.success(request, _("The application has been approved; the contract has been generated."))
        except FundingError as exc:
            add_errors(form, exc)
        else:
            return to_application(application)
    rows = [{"line": line, "field": form.line_field(line)} for line in lines]
    context = {
        "application": application,
        "form": form,
        "rows": rows,
        "signature_fields": [form.signature_field(m) for m in measures],
        "budget_check": check_for(application.year, application.requested_total, exclude=application.pk),
    }
    return render(request, "funding/decide.html", context)


@object_page
def second_approval(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=SECOND)
    form = funding_forms.SecondApprovalForm(posted(request), initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                decided = services.confirm_second_approval(actor, application, version=form.cleaned_data.get("version"))
                services.issue_contract(actor, decided)
                messages.success(request, _("The application has been approved; the contract has been generated."))
            else:
                services.refuse_second_approval(
                    actor, application, reason=form.cleaned_data["reason"], version=form.cleaned_data.get("version")
                )
                messages.success(request, _("The application is back in review."))
        except FundingError as exc:
            add_errors(form, exc)
        else:
            return to_application(application)
    lines, _measures = _decision_lines(application)
    context = {
        "application": application,
        "form": form,
        "lines": lines,
        "budget_check": check_for(application.year, application.approved_total, exclude=application.pk),
    }
    return render(request, "funding/second_approval.html", context)


@object_page
def contract_signed(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=REVIEW)
    form = funding_forms.ContractSignedForm(
        posted(request), initial={"version": application.version, "signed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contract_signed(
                actor, application, signed_on=form.cleaned_data["signed_on"], version=form.cleaned_data.get("version")
            )
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The signed contract has been recorded: the measures can start."))
            return to_application(application, "contract")
    return form_page(
        request,
        form,
        title=_("Signed contract of %(reference)s") % {"reference": application.reference},
        submit=_("Record"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}),
    )


@object_page
def payment_new(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=PAY)
    form = funding_forms.PaymentForm(posted(request), initial={"booked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_payment(actor, application, **form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The payment has been recorded."))
            return to_application(application, "payments")
    return form_page(
        request,
        form,
        title=_("Record a payment for %(reference)s") % {"reference": application.reference},
        intro=_("Approved: %(approved)s") % {"approved": euro(application.approved_total)},
        submit=_("Record"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}),
    )
