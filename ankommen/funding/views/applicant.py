"""The applicant's screens (``funding.apply``): the organisation's applications and the open calls,
the verification, writing an application with its measures, attachments, submitting,
withdrawing and answering questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankommen.funding import forms as funding_forms
from ankommen.funding import services
from ankommen.funding.access import (
    WORK,
    get_application_for,
    get_attachment_for,
    get_call_for,
    get_measure_for,
    get_request_for,
    own_profile,
    visible_applications,
)
from ankommen.funding.choices import APPLICATION_KINDS, EXECUTION, EXECUTION_KINDS, PROFILE_KINDS
from ankommen.funding.models import Application, Call, FlatRate, InfoRequest, Measure, Module, Session
from ankommen.funding.services import FundingError
from ankommen.funding.views.common import (
    actor_of,
    add_errors,
    error_messages,
    files_of,
    form_page,
    posted,
    to_application,
)
from ankommen.network.access import object_page, requires


@requires("funding.apply")
def application_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    applications = list(
        visible_applications(actor)
        .filter(organisation=actor.organisation_id)
        .select_related("year", "call")
        .prefetch_related(Prefetch("info_requests", queryset=InfoRequest.objects.filter(answered_at__isnull=True)))
        .order_by("-created_at", "-pk")
    )
    calls = list(
        Call.objects.filter(network=actor.network_id, opens_on__lte=today, deadline__gte=today)
        .select_related("year__programme")
        .prefetch_related("modules")
        .order_by("deadline")
    )
    context = {"applications": applications, "calls": calls, "profile": own_profile(actor), "today": today}
    return render(request, "funding/applications.html", context)


# --- verification ---------------------------------------------------------------------------------------------


@requires("funding.apply")
def profile(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = own_profile(actor)
    initial = {name: getattr(current, name) for name in services.applications.PROFILE_FIELDS} if current else {}
    form = funding_forms.ProfileForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profile(actor, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The details of your organisation have been saved."))
            return redirect("funding:profile")
    context: dict[str, Any] = {
        "form": form,
        "profile": current,
        "attachments": list(current.attachments.all()) if current else [],
        "upload_form": funding_forms.UploadForm(kinds=sorted(PROFILE_KINDS)) if current else None,
        "problems": services.profile_problems(current) if current else [],
    }
    return render(request, "funding/profile.html", context)


@requires("funding.apply")
@require_POST
def profile_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = own_profile(actor)
    if current is None:
        messages.error(request, _("Save the details of your organisation first."))
        return redirect("funding:profile")
    form = funding_forms.UploadForm(request.POST, request.FILES, kinds=sorted(PROFILE_KINDS))
    if form.is_valid():
        try:
            services.add_attachment(
                actor,
                form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                profile=current,
            )
        except FundingError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The document has been uploaded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect(reverse("funding:profile") + "#documents")


@requires("funding.apply")
@require_POST
def profile_submit(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = own_profile(actor)
    if current is None:
        messages.error(request, _("Save the details of your organisation first."))
        return redirect("funding:profile")
    try:
        services.submit_profile(actor, current)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your organisation has been submitted for verification."))
    return redirect("funding:profile")


# --- applications ---------------------------------------------------------------------------------------------


@requires("funding.apply")
def application_new(request: HttpRequest, call_id: int) -> HttpResponse:
    actor = actor_of(request)
    call = get_call_for(actor, call_id)
    form = funding_forms.ApplicationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(actor, call, form.cleaned_data)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("The application %(reference)s has been started. Now add its measures.")
                % {"reference": application.reference},
            )
            return to_application(application, "measures")
    return form_page(
        request,
        form,
        title=_("Apply: %(call)s") % {"call": call.title},
        intro=_("Deadline: %(date)s") % {"date": call.deadline.strftime("%d.%m.%Y")},
        submit=_("Start the application"),
        back=reverse("funding:applications"),
    )


@object_page
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    initial = {"title": application.title, "summary": application.summary, "target_group": application.target_group}
    form = funding_forms.ApplicationForm(posted(request), initial={**initial, "version": application.version})
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.change_application(actor, application, values, version=form.cleaned_data.get("version"))
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The application has been saved."))
            return to_application(application)
    return form_page(
        request,
        form,
        title=_("Application %(reference)s") % {"reference": application.reference},
        submit=_("Save"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}),
    )


def _measure_form(request: HttpRequest, application: Application, measure: Measure | None) -> Any:
    modules = Module.objects.filter(pk__in=application.call.modules.values("pk")).order_by("code")
    rates = list(
        FlatRate.objects.filter(module__in=modules, is_active=True)
        .select_related("module")
        .order_by("module__code", "code")
    )
    return funding_forms.MeasureForm(posted(request), modules=modules, rates=rates, measure=measure)


def _measure_page(request: HttpRequest, application: Application, form: Any, title: str, submit: str) -> HttpResponse:
    context = {"application": application, "form": form, "title": title, "submit": submit}
    return render(request, "funding/measure_form.html", context)


@object_page
def measure_new(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    form = _measure_form(request, application, None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_measure(actor, application, form.values(), form.quantities())
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The measure has been added."))
            return to_application(application, "measures")
    return _measure_page(request, application, form, _("Add a measure"), _("Add"))


@object_page
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = actor_of(request)
    measure = get_measure_for(actor, measure_id, need=WORK)
    application = measure.application
    form = _measure_form(request, application, measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_measure(actor, measure, form.values(), form.quantities())
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The measure has been changed."))
            return to_application(application, "measures")
    return _measure_page(request, application, form, measure.title, _("Save"))


@object_page
def measure_delete(request: HttpRequest, measure_id: int) -> HttpResponse:
    actor = actor_of(request)
    measure = get_measure_for(actor, measure_id, need=WORK)
    if request.method == "POST":
        try:
            services.remove_measure(actor, measure)
        except FundingError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The measure has been removed."))
        return to_application(measure.application, "measures")
    context = {
        "title": _("Remove the measure “%(title)s”?") % {"title": measure.title},
        "text": _("The measure and its flat rates are removed from the application."),
        "submit": _("Remove"),
        "back": reverse("funding:application", kwargs={"application_id": measure.application_id}),
    }
    return render(request, "funding/confirm.html", context)


@object_page
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    """Annexes while the application is written; evidence, copies of material and signature lists
    while the measures are carried out."""
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    running = application.state in EXECUTION
    kinds = sorted(EXECUTION_KINDS) if running else sorted(APPLICATION_KINDS)
    measures = application.measures.order_by("module__code", "starts_on", "pk")
    sessions = Session.objects.filter(measure__application=application).order_by("held_on") if running else None
    form = funding_forms.UploadForm(
        posted(request), files_of(request), kinds=kinds, measures=measures, sessions=sessions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(
                actor,
                form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                application=application,
                measure=form.cleaned_data.get("measure"),
                session=form.cleaned_data.get("session"),
            )
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The document has been uploaded."))
            return to_application(application, "documents")
    return form_page(
        request,
        form,
        title=_("Upload a document"),
        intro=_(
            "Signature lists are the only documents with names of participants: upload them only for measures "
            "whose contract requires one. They are deleted after the proof of use."
        )
        if running
        else "",
        submit=_("Upload"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}) + "#documents",
        multipart=True,
    )


@object_page
@require_POST
def attachment_delete(request: HttpRequest, attachment_id: int) -> HttpResponse:
    actor = actor_of(request)
    attachment = get_attachment_for(actor, attachment_id, delete=True)
    try:
        services.remove_attachment(actor, attachment)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The document has been removed."))
    if attachment.application_id:
        return to_application(attachment.application, "documents")  # type: ignore[arg-type]
    return redirect(reverse("funding:profile") + "#documents")


@object_page
@require_POST
def submit(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    version = request.POST.get("version")
    try:
        services.submit_application(actor, application, version=int(version) if version and version.isdigit() else None)
    except FundingError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The application has been submitted to the integration centre."))
    return to_application(application)


@object_page
def withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    actor = actor_of(request)
    application = get_application_for(actor, application_id, need=WORK)
    form = funding_forms.WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(actor, application)
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The application has been withdrawn."))
            return to_application(application)
    return form_page(
        request,
        form,
        title=_("Withdraw the application %(reference)s?") % {"reference": application.reference},
        submit=_("Withdraw"),
        back=reverse("funding:application", kwargs={"application_id": application.pk}),
    )


@object_page
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    info = get_request_for(actor, request_id, need=WORK)
    form = funding_forms.AnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(actor, info, form.cleaned_data["answer"])
        except FundingError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Your answer has been sent. The integration centre checks the application again.")
            )
            return to_application(info.application, "questions")
    return form_page(
        request,
        form,
        title=_("Answer the integration centre"),
        quote=info.question,
        intro=_("Please answer by %(date)s.") % {"date": info.due_on.strftime("%d.%m.%Y")},
        submit=_("Send the answer"),
        back=reverse("funding:application", kwargs={"application_id": info.application_id}),
    )
