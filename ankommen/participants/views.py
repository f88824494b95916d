"""Screens of participant records: search, register (with the duplicate check), view, edit,
the record's lists, households and the residence status history.

Thin views: one access call, one service call, render or redirect. Pages of one record are
declared ``object_page``: whoever may not see the record (staff of another organisation, the
police, the DPO, ...) gets 404 from the access helper; read-only colleagues get 403 on every
change. Every page that shows a person's data logs the read (``log_read``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action, log_read, log_reads
from ankommen.consents.access import consents_of_participant
from ankommen.consents.sharing import shared_participant_page
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.participants import services
from ankommen.participants.access import get_household_for, get_participant_for, own_participants, shared_categories
from ankommen.participants.candidates import find_candidates, shown_reasons
from ankommen.participants.choices import LEGAL_BASES
from ankommen.participants.forms import (
    AddMemberForm,
    HouseholdForm,
    MemberForm,
    ParticipantForm,
    RegisterForm,
    SearchForm,
    section_form_class,
    section_initial,
)
from ankommen.participants.models import HouseholdMember, Participant, ParticipantChild, ResidenceStatus
from ankommen.participants.sections import SECTIONS, Section
from ankommen.participants.services import ParticipantError

PAGE_SIZE = 50
EXPIRY_WARNING_DAYS = 60


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _section(slug: str) -> Section:
    try:
        return SECTIONS[slug]
    except KeyError:
        raise Http404 from None


def _row(participant: Participant, spec: Section, row_id: int) -> ParticipantChild:
    """A row of one of the record's lists, reached only through the (already checked) record."""
    row = spec.model.objects.filter(participant=participant, pk=row_id).first()
    if row is None:
        raise Http404
    row.participant = participant
    return row


def _statuses_with_state(statuses: list[ResidenceStatus], today: dt.date) -> list[dict[str, Any]]:
    """Each period with its state: current, expiring (≤ 60 days), expired (the latest period has
    ended: no valid document), ended (superseded by a later one) or future."""
    latest_start = max((s.valid_from for s in statuses), default=None)
    rows = []
    for status in statuses:
        if status.valid_from > today:
            state = "future"
        elif status.valid_to is not None and status.valid_to < today:
            state = "expired" if status.valid_from == latest_start else "ended"
        elif status.expires_within(today, EXPIRY_WARNING_DAYS):
            state = "expiring"
        else:
            state = "current"
        days_left = (status.valid_to - today).days if status.valid_to is not None else None
        rows.append({"status": status, "state": state, "days_left": days_left})
    return rows


def current_status(statuses: list[ResidenceStatus], today: dt.date) -> ResidenceStatus | None:
    return next((s for s in statuses if s.valid_from <= today), None)


# --- list and search ---------------------------------------------------------------------------


@requires("participants.view")
def participant_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = SearchForm(request.GET or None)
    # Own records only: records other organisations share are listed under consents:shared, with
    # what they share (a search here would show names a consent may not cover).
    records = own_participants(actor)
    filters: list[str] = []
    if form.is_bound:
        if form.is_valid():
            records = form.filter(records, actor.network_id)
            filters = form.used_filters()
        else:
            records = records.none()
    records = records.order_by("family_name", "given_name", "pk").prefetch_related(
        Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("-valid_from", "-pk"))
    )
    paginator = Paginator(records, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"participant": p, "status": current_status(list(p.statuses.all()), today)} for p in page.object_list]
    # One entry per page shown: which filters were used (never what was searched for) and whose
    # records appeared.
    log_action(
        actor,
        "participant.searched",
        data={
            "filters": filters,
            "page": page.number,
            "results": paginator.count,
            "shown": [row["participant"].pk for row in rows],
        },
    )
    context = {"form": form, "page": page, "rows": rows, "may_edit": actor.has_perm("participants.edit")}
    return render(request, "participants/list.html", context)


# --- register (two steps: data, then the duplicate check) ---------------------------------------


@requires("participants.edit")
def register(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    candidates: list[dict[str, Any]] = []
    form = RegisterForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        fingerprint = form.fingerprint()
        decided = request.POST.get("decision") == "new" and form.cleaned_data.get("checked") == fingerprint
        found = [] if decided else find_candidates(actor, form.person_record())
        if found:
            for participant, _score in found:
                log_read(actor, participant, action="participant.candidate_shown")
            candidates = [
                {"participant": p, "probability": round(score.probability * 100), "reasons": shown_reasons(score)}
                for p, score in found
            ]
            data = request.POST.copy()
            data["checked"] = fingerprint
            form = RegisterForm(data)
            form.is_valid()
        else:
            try:
                participant = services.register_participant(actor, form.record_values())
            except ParticipantError as exc:
                form.add_error(None, exc)
            else:
                # Only the reference: messages may travel in a cookie, names must not.
                messages.success(
                    request,
                    _("The person has been registered with the reference %(reference)s.")
                    % {"reference": participant.reference},
                )
                return redirect("participants:detail", participant_id=participant.pk)
    return render(request, "participants/register.html", {"form": form, "candidates": candidates})


# --- one record ----------------------------------------------------------------------------------


@object_page
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_participant_for(actor, participant_id, shared=True)
    categories = shared_categories(actor, participant)
    if categories is not None:  # another organisation's record, shared under a consent
        return shared_participant_page(request, actor, participant, categories)
    records = (
        Participant.objects.filter(pk=participant.pk)
        .select_related("organisation", "created_by")
        .prefetch_related(
            "name_variants",
            "identifiers",
            "languages",
            "contacts",
            Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("-valid_from", "-pk")),
            "education",
            "work",
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.select_related("household").order_by("pk"),
            ),
        )
    )
    participant = records.get()
    log_read(actor, participant)
    today = timezone.localdate()
    statuses = list(participant.statuses.all())
    context = {
        "participant": participant,
        "statuses": _statuses_with_state(statuses, today),
        "current_status": current_status(statuses, today),
        "age": participant.age_on(today),
        "may_edit": actor.has_perm("participants.edit"),
        "sections": SECTIONS,
        "consents": consents_of_participant(actor, participant),
        "may_record_consent": actor.has_perm("consents.record") and actor.has_perm("participants.edit"),
    }
    return render(request, "participants/detail.html", context)


@object_page
def status_history(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_participant_for(actor, participant_id)
    log_read(actor, participant, data={"page": "statuses"})
    today = timezone.localdate()
    statuses = list(participant.statuses.order_by("-valid_from", "-pk"))
    context = {
        "participant": participant,
        "statuses": _statuses_with_state(statuses, today),
        "may_edit": actor.has_perm("participants.edit"),
        "warning_days": EXPIRY_WARNING_DAYS,
    }
    return render(request, "participants/statuses.html", context)


@object_page
def edit_participant(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_participant_for(actor, participant_id, write=True)
    if request.method == "POST":
        form = ParticipantForm(request.POST, with_version=True)
        if form.is_valid():
            try:
                services.update_participant(
                    actor, participant, form.record_values(), version=form.cleaned_data["version"]
                )
            except ParticipantError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("participants:detail", participant_id=participant.pk)
    else:
        log_read(actor, participant, data={"page": "edit"})
        form = ParticipantForm(initial=ParticipantForm.initial_for(participant), with_version=True)
    return render(request, "participants/edit.html", {"form": form, "participant": participant})


# --- the record's lists: one generic add / edit / remove ----------------------------------------


def _detail_context(participant: Participant, spec: Section, form: Any, row: Any = None) -> dict[str, Any]:
    return {
        "participant": participant,
        "section": spec,
        "form": form,
        "row": row,
        "legal_bases": LEGAL_BASES if "legal_basis" in spec.fields else [],
    }


@object_page
def add_detail(request: HttpRequest, participant_id: int, section: str) -> HttpResponse:
    actor = _actor(request)
    spec = _section(section)
    participant = get_participant_for(actor, participant_id, write=True)
    form = section_form_class(spec)(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_detail(actor, participant, spec.slug, form.cleaned_data)
        except ParticipantError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The entry has been added."))
            return redirect(_back_to(participant, spec))
    return render(request, "participants/detail_form.html", _detail_context(participant, spec, form))


@object_page
def edit_detail(request: HttpRequest, participant_id: int, section: str, row_id: int) -> HttpResponse:
    actor = _actor(request)
    spec = _section(section)
    participant = get_participant_for(actor, participant_id, write=True)
    row = _row(participant, spec, row_id)
    form_class = section_form_class(spec)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.update_detail(actor, row, form.cleaned_data)
            except ParticipantError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect(_back_to(participant, spec))
    else:
        log_read(actor, participant, data={"page": f"edit_{spec.slug}"})
        form = form_class(initial=section_initial(spec, row))
    return render(request, "participants/detail_form.html", _detail_context(participant, spec, form, row))


@object_page
def remove_detail(request: HttpRequest, participant_id: int, section: str, row_id: int) -> HttpResponse:
    actor = _actor(request)
    spec = _section(section)
    participant = get_participant_for(actor, participant_id, write=True)
    row = _row(participant, spec, row_id)
    if request.method == "POST":
        try:
            services.remove_detail(actor, row)
        except ParticipantError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The entry has been removed."))
        return redirect(_back_to(participant, spec))
    log_read(actor, participant, data={"page": f"remove_{spec.slug}"})
    return render(request, "participants/detail_remove.html", {"participant": participant, "section": spec, "row": row})


def _back_to(participant: Participant, spec: Section) -> str:
    from django.urls import reverse

    if spec.slug == "statuses":
        return reverse("participants:statuses", kwargs={"participant_id": participant.pk})
    return reverse("participants:detail", kwargs={"participant_id": participant.pk}) + f"#{spec.slug}"


# --- households ----------------------------------------------------------------------------------


@object_page
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = _actor(request)
    household = get_household_for(actor, household_id)
    members = list(
        household.members.select_related("participant").filter(participant__merged_into__isnull=True).order_by("pk")
    )
    log_reads(actor, [member.participant for member in members], data={"page": "household", "household": household.pk})
    today = timezone.localdate()
    ages = [m.participant.age_on(today) for m in members]
    rows = [{"member": m, "age": age} for m, age in zip(members, ages, strict=True)]
    context = {
        "household": household,
        "rows": rows,
        "minors": [row for row, age in zip(rows, ages, strict=True) if age is not None and age < 18],
        "may_edit": actor.has_perm("participants.edit"),
    }
    return render(request, "participants/household.html", context)


@object_page
def create_household(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_participant_for(actor, participant_id, write=True)
    form = HouseholdForm(_posted(request), initial={"name": _("Family %(name)s") % {"name": participant.family_name}})
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(
                actor,
                form.cleaned_data["name"],
                benefit_unit=form.cleaned_data["benefit_unit"],
                first_member=participant,
            )
        except ParticipantError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The household has been created."))
            return redirect("participants:household", household_id=household.pk)
    return render(request, "participants/household_form.html", {"form": form, "participant": participant})


@object_page
def add_member(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = _actor(request)
    household = get_household_for(actor, household_id, write=True)
    form = AddMemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        participant = own_participants(actor).filter(reference__iexact=form.cleaned_data["reference"].strip()).first()
        if participant is None:
            form.add_error("reference", _("Your organisation has no record with this reference."))
        else:
            try:
                services.add_household_member(actor, household, participant, form.member_values())
            except ParticipantError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The person has been added to the household."))
                return redirect("participants:household", household_id=household.pk)
    return render(request, "participants/member_form.html", {"form": form, "household": household, "member": None})


def _member(household_id: int, member_id: int, actor: Membership) -> HouseholdMember:
    household = get_household_for(actor, household_id, write=True)
    member = household.members.select_related("participant").filter(pk=member_id).first()
    if member is None:
        raise Http404
    member.household = household
    return member


@object_page
def edit_member(request: HttpRequest, household_id: int, member_id: int) -> HttpResponse:
    actor = _actor(request)
    member = _member(household_id, member_id, actor)
    if request.method == "POST":
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                services.update_household_member(actor, member, form.member_values())
            except ParticipantError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("participants:household", household_id=member.household_id)
    else:
        log_read(actor, member.participant, data={"page": "household_member", "household": member.household_id})
        form = MemberForm(
            initial={
                "relationship": member.relationship,
                "childcare": member.childcare,
                "childcare_institution": member.childcare_institution,
            }
        )
    context = {"form": form, "household": member.household, "member": member}
    return render(request, "participants/member_form.html", context)


@object_page
def remove_member(request: HttpRequest, household_id: int, member_id: int) -> HttpResponse:
    actor = _actor(request)
    member = _member(household_id, member_id, actor)
    if request.method == "POST":
        try:
            services.remove_household_member(actor, member)
        except ParticipantError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The person has been removed from the household."))
        return redirect("participants:household", household_id=member.household_id)
    log_read(actor, member.participant, data={"page": "household_member", "household": member.household_id})
    return render(request, "participants/member_remove.html", {"household": member.household, "member": member})
