"""Screens of case conferences: the list, "Our action items", scheduling, the conference page with
its small forms, and the export of the minutes as PDF.

Thin views: one access call, one service call, render or redirect. Pages of one conference are
``object_page``s: whoever may not see the conference gets 404 from ``get_conference_for`` (other
organisations, the police, coordinators, the DPO, ...); participating organisations and the case
owner's assistants read (403 on every change). How a conference is shown (named or anonymised)
is decided afresh for every page and export (``presentation.present``). Every page that shows
conference content logs the read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from ankommen.audit.services import log_action, log_read
from ankommen.cases.access import get_case_for
from ankommen.conferences import forms as conference_forms
from ankommen.conferences import services
from ankommen.conferences.access import (
    RELATED,
    completable_items,
    get_action_item_for,
    get_conference_for,
    own_action_items,
    visible_conferences,
)
from ankommen.conferences.choices import ActionStatus, Mode
from ankommen.conferences.models import Conference
from ankommen.conferences.panels import ITEM_RELATED, item_rows
from ankommen.conferences.pdf import render_pdf
from ankommen.conferences.presentation import Presentation, consent_problems, present, present_one, record
from ankommen.conferences.rules import check_conference_rule
from ankommen.conferences.services import ConferenceError
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _to_conference(conference: Conference, anchor: str = "") -> HttpResponse:
    url = reverse("conferences:detail", kwargs={"conference_id": conference.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _read(actor: Membership, conference: Conference, page: str, show: Presentation | None = None) -> None:
    data: dict[str, Any] = {"page": page, "conference": conference.pk}
    if show is not None:
        data["named"] = show.named
    log_read(actor, conference, data=data)


def _error_messages(request: HttpRequest, exc: ConferenceError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_page(
    request: HttpRequest,
    conference: Conference,
    form: Any,
    *,
    title: str,
    submit: str,
    intro: str = "",
    anchor: str = "",
) -> HttpResponse:
    show = present_one(conference)
    context = {
        "conference": conference,
        "show": show,
        "form": form,
        "title": title,
        "submit": submit,
        "intro": intro,
        "anchor": anchor,
    }
    return render(request, "conferences/form.html", context)


def _handle(
    request: HttpRequest, form: Any, action: Callable[[], Any], *, conference: Conference, anchor: str, done: str
) -> HttpResponse | None:
    """Run ``action`` on a valid POST: redirect with a message, or put the domain error on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action()
    except ConferenceError as exc:
        _add_errors(form, exc)
        return None
    messages.success(request, done)
    return _to_conference(conference, anchor)


def _add_errors(form: Any, exc: ConferenceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _confirm(request: HttpRequest, conference: Conference, **context: Any) -> HttpResponse:
    return render(
        request, "conferences/confirm.html", {"conference": conference, "show": present_one(conference), **context}
    )


# --- lists -----------------------------------------------------------------------------------


@requires("conferences.take_part")
def conference_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    conferences = (
        visible_conferences(actor)
        .select_related(*RELATED)
        .annotate(open_items=Count("action_items", filter=Q(action_items__status=ActionStatus.OPEN)))
        .order_by("-scheduled_at", "-pk")
    )
    paginator = Paginator(conferences, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    shows = present(page.object_list)
    rows = [{"show": shows[c.pk], "open_items": c.open_items} for c in page.object_list]  # type: ignore[attr-defined]
    log_action(actor, "conference.listed", data={"page": page.number, "results": paginator.count, "shown": list(shows)})
    return render(request, "conferences/list.html", {"rows": rows, "page": page})


@requires("conferences.take_part")
def action_items(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = conference_forms.ActionItemFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_bound and form.is_valid() else ""
    items = own_action_items(actor).select_related(*ITEM_RELATED)
    if state == "done":
        items = items.filter(status=ActionStatus.DONE).order_by("-done_at", "-pk")
    elif state == "all":
        items = items.order_by("status", "due_on", "pk")
    else:
        items = items.filter(status=ActionStatus.OPEN).order_by("due_on", "pk")
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = item_rows(page.object_list, timezone.localdate())
    log_action(
        actor,
        "conference.action_items_listed",
        data={"where": "list", "state": state or "open", "shown": [row["item"].pk for row in rows]},
    )
    return render(request, "conferences/action_items.html", {"form": form, "rows": rows, "page": page})


# --- schedule and the conference page ----------------------------------------------------------


@object_page
def schedule(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    if not actor.has_perm("conferences.organise"):
        raise Http404
    form = conference_forms.ScheduleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            conference = services.schedule_conference(
                actor,
                case,
                scheduled_at=form.cleaned_data["scheduled_at"],
                setting=form.cleaned_data["setting"],
                place=form.cleaned_data["place"],
            )
        except ConferenceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The case conference has been scheduled. Now invite the organisations."))
            return _to_conference(conference, "organisations")
    return render(request, "conferences/schedule.html", {"case": case, "form": form})


@object_page
def detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id)
    show = present_one(conference)
    _read(actor, conference, "detail", show)
    may_change = check_conference_rule("conferences.change_conference", actor, conference)
    shown = record(show, timezone.localdate())
    context = {
        "conference": conference,
        "show": show,
        "record": shown,
        "place": shown["place"],
        "may_change": may_change,
        "may_complete": completable_items(actor, conference, [row.obj for row in shown["action_items"]]),
        "is_case_staff": actor.has_perm("cases.view") and conference.case.organisation_id == actor.organisation_id,
        "may_list": actor.has_perm("conferences.take_part"),
    }
    return render(request, "conferences/detail.html", context)


@object_page
def export(request: HttpRequest, conference_id: int) -> HttpResponse:
    """GET: what will be exported; POST: the minutes as PDF (logged, not cached)."""
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id)
    show = present_one(conference)
    if request.method != "POST":
        _read(actor, conference, "export", show)
        explanation = [
            _("The PDF shows the pseudonym only: no name, date of birth, address or reference.")
            if not show.named
            else _("The conference is named: the PDF shows the person's name."),
            _("The export is recorded in the audit log. Keep the file confidential."),
        ]
        return _confirm(
            request,
            conference,
            title=_("Export the minutes as PDF"),
            question=_("Download the minutes of this case conference as a PDF file?"),
            explanation=explanation,
            blockers=[],
            submit=_("Download PDF"),
        )
    shown = record(show, timezone.localdate())
    context = {
        "show": show,
        "record": shown,
        "place": shown["place"],
        "network": actor.network,
        "exported_at": timezone.localtime(),
        "exported_by": actor.organisation.name,
    }
    content = render_pdf("conferences/pdf/minutes.html", context)
    log_read(actor, conference, action="conference.exported", data={"conference": conference.pk, "named": show.named})
    response = HttpResponse(content, content_type="application/pdf")
    day = timezone.localtime(conference.scheduled_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="case-conference-{conference.pseudonym}-{day}.pdf"'
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    return response


# --- the conference itself -------------------------------------------------------------------


@object_page
def edit(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    initial = {
        "scheduled_at": timezone.localtime(conference.scheduled_at),
        "setting": conference.setting,
        "place": conference.place,
        "version": conference.version,
    }
    if request.method != "POST":
        _read(actor, conference, "edit")
    form = conference_forms.ChangeConferenceForm(_posted(request), initial=initial)
    response = _handle(
        request,
        form,
        lambda: services.update_conference(actor, conference, form.cleaned_data, version=form.cleaned_data["version"]),
        conference=conference,
        anchor="",
        done=_("The conference has been changed."),
    )
    return response or _form_page(request, conference, form, title=_("Change date or place"), submit=_("Save"))


@object_page
def switch_mode(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    target = Mode.ANONYMISED if conference.mode == Mode.NAMED else Mode.NAMED
    if request.method == "POST":
        form = conference_forms.VersionForm(request.POST)
        if form.is_valid():
            try:
                services.set_mode(actor, conference, target, version=form.cleaned_data["version"])
            except ConferenceError as exc:
                _error_messages(request, exc)
            else:
                messages.success(
                    request,
                    _("The conference is now named.")
                    if target == Mode.NAMED
                    else _("The conference is now anonymised."),
                )
        return _to_conference(conference)
    _read(actor, conference, "mode")
    show = present_one(conference)
    if target == Mode.NAMED:
        problems = consent_problems(conference, show.organisations)
        explanation = [
            _(
                "Named: every participating organisation sees the person's name in the conference, its minutes "
                "and the PDF. Allowed only while consents for case conferences (Schweigepflichtentbindungen) in "
                "force name every participating organisation; if one lapses, the conference is shown anonymised "
                "again at once."
            )
        ]
        return _confirm(
            request,
            conference,
            title=_("Switch to named"),
            question=_("Show the person's name in this conference?"),
            explanation=explanation,
            blockers=problems,
            submit=_("Switch to named"),
            with_version=True,
        )
    return _confirm(
        request,
        conference,
        title=_("Switch to anonymised"),
        question=_("Show only the pseudonym in this conference?"),
        explanation=[_("Names and other identifying details in the texts are blanked from now on.")],
        blockers=[],
        submit=_("Switch to anonymised"),
        with_version=True,
    )


@object_page
def add_organisation(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method != "POST":
        _read(actor, conference, "add_organisation")
    form = conference_forms.InviteForm(_posted(request), actor=actor, conference=conference)
    response = _handle(
        request,
        form,
        lambda: services.add_organisation(actor, conference, form.cleaned_data["organisation"]),
        conference=conference,
        anchor="organisations",
        done=_("The organisation has been invited."),
    )
    intro = _(
        "Only organisations whose staff can take part in case conferences are listed; the police never take "
        "part, and chambers only in anonymised conferences."
    )
    return response or _form_page(
        request, conference, form, title=_("Invite an organisation"), submit=_("Invite"), intro=intro
    )


@object_page
def remove_organisation(request: HttpRequest, conference_id: int, organisation_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    participation = (
        conference.participations.select_related("organisation").filter(organisation=organisation_id).first()
    )
    if participation is None:
        raise Http404
    organisation = participation.organisation
    if request.method == "POST":
        try:
            services.remove_organisation(actor, conference, organisation)
        except ConferenceError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The organisation no longer takes part."))
        return _to_conference(conference, "organisations")
    _read(actor, conference, "remove_organisation")
    return _confirm(
        request,
        conference,
        title=_("Remove an organisation"),
        question=_("Remove %(organisation)s from the conference?") % {"organisation": organisation.name},
        blockers=[],
        submit=_("Remove"),
    )


# --- agenda, minutes, decisions, action items ------------------------------------------------


@object_page
def add_agenda_item(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method != "POST":
        _read(actor, conference, "add_agenda_item")
    form = conference_forms.AgendaItemForm(_posted(request))
    response = _handle(
        request,
        form,
        lambda: services.add_agenda_item(
            actor,
            conference,
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
            order=form.cleaned_data["order"],
        ),
        conference=conference,
        anchor="agenda",
        done=_("The agenda item has been added."),
    )
    return response or _form_page(
        request, conference, form, title=_("Add an agenda item"), submit=_("Add"), anchor="agenda"
    )


@object_page
def edit_agenda_item(request: HttpRequest, conference_id: int, item_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    item = conference.agenda.filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.conference = conference
    if request.method == "POST":
        form = conference_forms.AgendaItemForm(request.POST)
    else:
        _read(actor, conference, "edit_agenda_item")
        show = present_one(conference)
        form = conference_forms.AgendaItemForm(
            initial={"order": item.order, "title": show.text(item.title), "notes": show.text(item.notes)}
        )
    response = _handle(
        request,
        form,
        lambda: services.update_agenda_item(
            actor,
            item,
            {
                "order": form.cleaned_data["order"] or item.order,
                "title": form.cleaned_data["title"],
                "notes": form.cleaned_data["notes"],
            },
        ),
        conference=conference,
        anchor="agenda",
        done=_("The agenda item has been saved."),
    )
    return response or _form_page(
        request, conference, form, title=_("Change an agenda item"), submit=_("Save"), anchor="agenda"
    )


@object_page
def minutes(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method == "POST":
        form = conference_forms.MinutesForm(request.POST)
    else:
        _read(actor, conference, "minutes")
        show = present_one(conference)
        form = conference_forms.MinutesForm(
            initial={"minutes": show.text(conference.minutes), "version": conference.version}
        )
    response = _handle(
        request,
        form,
        lambda: services.save_minutes(
            actor, conference, form.cleaned_data["minutes"], version=form.cleaned_data["version"]
        ),
        conference=conference,
        anchor="minutes",
        done=_("The minutes have been saved."),
    )
    return response or _form_page(
        request, conference, form, title=_("Minutes"), submit=_("Save the minutes"), anchor="minutes"
    )


@object_page
def add_decision(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method != "POST":
        _read(actor, conference, "add_decision")
    form = conference_forms.DecisionForm(_posted(request))
    response = _handle(
        request,
        form,
        lambda: services.add_decision(actor, conference, form.cleaned_data["text"]),
        conference=conference,
        anchor="decisions",
        done=_("The decision has been recorded."),
    )
    return response or _form_page(
        request, conference, form, title=_("Record a decision"), submit=_("Record"), anchor="decisions"
    )


@object_page
def add_action_item(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method != "POST":
        _read(actor, conference, "add_action_item")
    form = conference_forms.ActionItemForm(_posted(request), conference=conference)
    response = _handle(
        request,
        form,
        lambda: services.add_action_item(
            actor,
            conference,
            text=form.cleaned_data["text"],
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
        ),
        conference=conference,
        anchor="action-items",
        done=_("The action item has been added."),
    )
    intro = _("The responsible organisation sees the action item in its list and on its start page.")
    return response or _form_page(
        request,
        conference,
        form,
        title=_("Add an action item"),
        submit=_("Add"),
        intro=intro,
        anchor="action-items",
    )


@object_page
def complete_action_item(request: HttpRequest, conference_id: int, item_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id)
    item = get_action_item_for(actor, conference, item_id)
    if request.method == "POST":
        try:
            services.complete_action_item(actor, item)
        except ConferenceError as exc:
            _error_messages(request, exc)
        else:
            messages.success(request, _("The action item has been marked as done."))
        if request.POST.get("next") == "list":
            return redirect("conferences:action_items")
        return _to_conference(conference, "action-items")
    _read(actor, conference, "complete_action_item")
    show = present_one(conference)
    return _confirm(
        request,
        conference,
        title=_("Mark an action item as done"),
        question=_("Mark the action item “%(text)s” as done?") % {"text": show.text(item.text)},
        blockers=[] if not item.is_done else [_("This action item is already done.")],
        submit=_("Done"),
    )


# --- held, cancelled -------------------------------------------------------------------------


@object_page
def hold(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method == "POST":
        form = conference_forms.VersionForm(request.POST)
        if form.is_valid():
            try:
                services.hold_conference(actor, conference, version=form.cleaned_data["version"])
            except ConferenceError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("The conference has been marked as held."))
        return _to_conference(conference)
    _read(actor, conference, "hold")
    blockers = []
    if not conference.is_planned:
        blockers.append(_("Only a planned conference can be marked as held."))
    elif timezone.localdate(conference.scheduled_at) > timezone.localdate():
        blockers.append(_("The conference is scheduled for a later day."))
    return _confirm(
        request,
        conference,
        title=_("Mark as held"),
        question=_("Did the conference take place?"),
        explanation=[_("The case's timeline notes that the conference was held.")],
        blockers=blockers,
        submit=_("Mark as held"),
        with_version=True,
    )


@object_page
def cancel(request: HttpRequest, conference_id: int) -> HttpResponse:
    actor = _actor(request)
    conference = get_conference_for(actor, conference_id, write=True)
    if request.method == "POST":
        form = conference_forms.VersionForm(request.POST)
        if form.is_valid():
            try:
                services.cancel_conference(actor, conference, version=form.cleaned_data["version"])
            except ConferenceError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, _("The conference has been cancelled."))
        return _to_conference(conference)
    _read(actor, conference, "cancel")
    return _confirm(
        request,
        conference,
        title=_("Cancel the conference"),
        question=_("Cancel this conference? It cannot be changed afterwards."),
        blockers=[] if conference.is_planned else [_("Only a planned conference can be cancelled.")],
        submit=_("Cancel the conference"),
        with_version=True,
    )
