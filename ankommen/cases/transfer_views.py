"""Screens of case transfers: request (owning organisation), the list of requests in and out,
one request with what the consent lets the target see, accept, decline and withdraw.

Transfer pages are reached through ``transfers.get_transfer_for``: only case managers and team
leads of the two organisations see a request (404 for everyone else); the receiving side acts on
it, the sending side withdraws it (403 the other way round). Before accepting, the target sees
the case reference and type and exactly the data categories the consent to the transfer names;
that read is logged with the categories shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.audit.services import log_read
from ankommen.cases import forms as case_forms
from ankommen.cases import transfers
from ankommen.cases.access import get_case_for
from ankommen.cases.choices import LifeDomain, TransferStatus
from ankommen.cases.models import Case, CaseTransfer, ProgressNote
from ankommen.cases.services import CaseError
from ankommen.consents.choices import DataCategory
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.participants.models import HouseholdMember, Participant, ResidenceStatus

LIST_LIMIT = 50


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _to_transfer(transfer: CaseTransfer) -> HttpResponse:
    return redirect(reverse("cases:transfer", kwargs={"transfer_id": transfer.pk}))


@object_page
def request_transfer(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    form = case_forms.TransferRequestForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["proposed_lead"]
        try:
            transfer = transfers.request_transfer(
                actor,
                case,
                to_organisation=form.cleaned_data["to_organisation"],
                reason=form.cleaned_data["reason"],
                proposed_lead=lead.user if lead is not None else None,
            )
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The transfer has been requested. The other organisation will answer."))
            return _to_transfer(transfer)
    elif request.method != "POST":
        log_read(actor, case, data={"page": "request_transfer"})
    context = {
        "case": case,
        "form": form,
        "blockers": transfers.transfer_blockers(case, None),
        "has_targets": form.fields["to_organisation"].queryset.exists(),  # type: ignore[attr-defined]
    }
    return render(request, "cases/transfer_request.html", context)


@requires("cases.edit")
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Requests to and from the actor's organisation: references, types and organisations only."""
    actor = _actor(request)
    rows = transfers.visible_transfers(actor).select_related("case__case_type", "from_organisation", "to_organisation")
    incoming = list(rows.filter(to_organisation=actor.organisation_id).order_by("status", "-requested_at")[:LIST_LIMIT])
    outgoing = list(
        rows.filter(from_organisation=actor.organisation_id).order_by("status", "-requested_at")[:LIST_LIMIT]
    )
    return render(request, "cases/transfers.html", {"incoming": incoming, "outgoing": outgoing})


def packet_for(transfer: CaseTransfer, categories: frozenset[str]) -> dict[str, Any]:
    """What the target organisation sees of the case before it accepts (the consent's categories)."""
    case: Case = transfer.case
    show = {code: code in categories for code in DataCategory.values}
    if case.participant_id is not None:
        person_ids = [case.participant_id]
    else:
        person_ids = list(
            HouseholdMember.objects.filter(household=case.household_id, participant__merged_into__isnull=True)
            .order_by("pk")
            .values_list("participant", flat=True)
        )
    prefetch: list[Any] = []
    if show[DataCategory.CONTACT]:
        prefetch.append("contacts")
    if show[DataCategory.LANGUAGE]:
        prefetch.append("languages")
    if show[DataCategory.EDUCATION]:
        prefetch.append("education")
    if show[DataCategory.WORK]:
        prefetch.append("work")
    if show[DataCategory.RESIDENCE]:
        prefetch.append(Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("-valid_from", "-pk")))
    if show[DataCategory.HOUSEHOLD]:
        prefetch.append(Prefetch("household_memberships", queryset=HouseholdMember.objects.select_related("household")))
    people = list(Participant.objects.filter(pk__in=person_ids).prefetch_related(*prefetch).order_by("pk"))
    packet: dict[str, Any] = {"show": show, "people": people, "today": timezone.localdate()}
    if case.household_id is not None and show[DataCategory.HOUSEHOLD]:
        packet["members"] = list(
            HouseholdMember.objects.filter(household=case.household_id).select_related("participant").order_by("pk")
        )
    if show[DataCategory.ASSESSMENT]:
        entries = {entry.domain: entry for entry in case.assessment.all()}
        packet["assessment"] = [(label, entries[code]) for code, label in LifeDomain.choices if code in entries]
    if show[DataCategory.PLAN]:
        goals = case.goals.prefetch_related("measures").order_by("pk")
        if show[DataCategory.NOTES]:
            goals = goals.prefetch_related(Prefetch("notes", queryset=ProgressNote.objects.order_by("-written_on")))
        packet["goals"] = list(goals)
        packet["tasks"] = list(case.tasks.filter(done_at__isnull=True).order_by("due_on", "pk"))
        packet["appointments"] = list(case.appointments.filter(starts_at__gte=timezone.now()).order_by("starts_at"))
    elif show[DataCategory.NOTES]:
        packet["notes"] = list(ProgressNote.objects.filter(goal__case=case.pk).order_by("-written_on", "-pk"))
    return packet


@object_page
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = _actor(request)
    transfer = transfers.get_transfer_for(actor, transfer_id)
    incoming = transfer.to_organisation_id == actor.organisation_id
    context: dict[str, Any] = {"transfer": transfer, "incoming": incoming, "case": transfer.case}
    if incoming and transfer.is_pending:
        categories = transfers.transfer_categories(transfer)
        context["categories"] = sorted(str(dict(DataCategory.choices)[code]) for code in categories)
        context["packet"] = packet_for(transfer, categories)
        log_read(
            actor,
            transfer,
            action="case.transfer_viewed",
            subject=transfer.case.audit_subject,
            data={"case": transfer.case_id, "transfer": transfer.pk, "categories": sorted(categories)},
        )
    return render(request, "cases/transfer.html", context)


def _answer_page(request: HttpRequest, transfer: CaseTransfer, form: Any, **context: Any) -> HttpResponse:
    return render(request, "cases/transfer_form.html", {"transfer": transfer, "form": form, **context})


@object_page
def accept_transfer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = _actor(request)
    transfer = transfers.get_transfer_for(actor, transfer_id, side="target")
    initial = {"new_lead": transfer.proposed_lead_id or actor.user_id}
    form = case_forms.AcceptTransferForm(
        request.POST if request.method == "POST" else None, actor=actor, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            transfers.accept_transfer(actor, transfer, new_lead=form.cleaned_data["new_lead"])
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your organisation has taken the case over."))
            return redirect(reverse("cases:detail", kwargs={"case_id": transfer.case_id}))
    return _answer_page(
        request,
        transfer,
        form,
        title=_("Take the case over"),
        intro=_(
            "The case, its open tasks and the person's record move to your organisation. The other "
            "organisation loses access unless a consent to cooperation names it."
        ),
        submit=_("Take the case over"),
        blockers=transfers.record_blockers(transfer.case) if transfer.is_pending else [],
    )


@object_page
def decline_transfer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = _actor(request)
    transfer = transfers.get_transfer_for(actor, transfer_id, side="target")
    form = case_forms.DeclineTransferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            transfers.decline_transfer(actor, transfer, reason=form.cleaned_data["reason"])
        except CaseError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The transfer has been declined."))
            return redirect(reverse("cases:transfers"))
    return _answer_page(request, transfer, form, title=_("Decline the transfer"), submit=_("Decline"), blockers=[])


@object_page
def withdraw_transfer(request: HttpRequest, transfer_id: int) -> HttpResponse:
    actor = _actor(request)
    transfer = transfers.get_transfer_for(actor, transfer_id, side="source")
    if request.method == "POST":
        try:
            transfers.withdraw_transfer(actor, transfer)
        except CaseError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The transfer request has been withdrawn."))
        return _to_transfer(transfer)
    return _answer_page(
        request,
        transfer,
        None,
        title=_("Withdraw the transfer request"),
        intro=_("The other organisation can then no longer take the case over."),
        submit=_("Withdraw"),
        blockers=[] if transfer.status == TransferStatus.PENDING else [_("This request is no longer pending.")],
    )
