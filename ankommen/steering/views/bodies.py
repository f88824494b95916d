"""Bodies and working groups, their members and meetings (agenda, minutes, decisions, action items,
minutes as PDF), and "Our network tasks" (the action items of the actor and the actor's organisation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ankommen.audit.services import log_action
from ankommen.conferences.pdf import render_pdf
from ankommen.network.access import object_page, requires
from ankommen.steering import forms as steering_forms
from ankommen.steering import services
from ankommen.steering.access import (
    get_action_item_for,
    get_body_for,
    get_meeting_for,
    own_action_items,
    updatable_items,
    visible_bodies,
)
from ankommen.steering.choices import OPEN_ACTION_STATUSES, ActionStatus
from ankommen.steering.models import Body, Meeting
from ankommen.steering.panels import ITEM_RELATED
from ankommen.steering.rules import check_steering_rule
from ankommen.steering.services import SteeringError
from ankommen.steering.views.common import (
    PAGE_SIZE,
    actor_of,
    confirm_page,
    error_messages,
    form_page,
    handle,
    posted,
)


def _body_url(body: Body, anchor: str = "") -> str:
    url = reverse("steering:body", kwargs={"body_id": body.pk})
    return f"{url}#{anchor}" if anchor else url


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("steering:meeting", kwargs={"meeting_id": meeting.pk})
    return f"{url}#{anchor}" if anchor else url


def _meeting_label(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.scheduled_at).strftime("%d.%m.%Y")
    return _("Meeting of %(body)s on %(date)s") % {"body": meeting.body.name, "date": when}


# --- bodies ----------------------------------------------------------------------------------


@requires("steering.take_part")
def body_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    bodies = (
        visible_bodies(actor)
        .annotate(
            member_count=Count("members", distinct=True),
            next_meeting=Max("meetings__scheduled_at", filter=Q(meetings__status="planned")),
        )
        .order_by("-is_active", "kind", "name")
    )
    context = {
        "bodies": list(bodies),
        "may_manage": actor.has_perm("steering.manage"),
        "sees_all": actor.has_perm("steering.view"),
    }
    return render(request, "steering/bodies.html", context)


@requires("steering.manage")
def body_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.BodyForm(posted(request), initial={"is_active": True})
    response = handle(
        request,
        form,
        lambda: services.create_body(actor, form.cleaned_data),
        done=_("The body has been set up. Now add its members."),
        to=lambda body: _body_url(body, "members"),
    )
    return response or form_page(
        request,
        form,
        title=_("Set up a body or working group"),
        submit=_("Save"),
        back=reverse("steering:bodies"),
        back_label=_("Back to the bodies"),
    )


@object_page
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    actor = actor_of(request)
    body = get_body_for(actor, body_id)
    members = list(body.members.select_related("organisation", "user").order_by("function", "pk"))
    meetings = list(
        body.meetings.annotate(
            open_items=Count("action_items", filter=Q(action_items__status__in=OPEN_ACTION_STATUSES))
        ).order_by("-scheduled_at", "-pk")
    )
    context = {
        "body": body,
        "members": members,
        "meetings": meetings,
        "gaps": list(body.gaps.order_by("number")) if actor.has_perm("steering.view") else [],
        "may_change": check_steering_rule("steering.change_body", actor, body),
    }
    return render(request, "steering/body.html", context)


@object_page
def body_edit(request: HttpRequest, body_id: int) -> HttpResponse:
    actor = actor_of(request)
    body = get_body_for(actor, body_id, write=True)
    initial = {name: getattr(body, name) for name in ("kind", "name", "topic", "remit", "is_active")}
    initial["version"] = body.version
    form = steering_forms.BodyForm(posted(request), initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_body(actor, body, form.cleaned_data, version=form.cleaned_data.get("version")),
        done=_("The body has been saved."),
        to=_body_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Change the body"),
        submit=_("Save"),
        back=_body_url(body),
        back_label=_("Back to the body"),
    )


@object_page
def add_member(request: HttpRequest, body_id: int) -> HttpResponse:
    actor = actor_of(request)
    body = get_body_for(actor, body_id, write=True)
    form = steering_forms.MemberForm(posted(request), actor=actor, initial={"joined_on": timezone.localdate()})
    response = handle(
        request,
        form,
        lambda: services.add_member(
            actor,
            body,
            organisation=form.cleaned_data.get("organisation"),
            user=form.cleaned_data.get("user"),
            person_name=form.cleaned_data.get("person_name") or "",
            function=form.cleaned_data["function"],
            joined_on=form.cleaned_data.get("joined_on"),
        ),
        done=_("The member has been added."),
        to=lambda _member: _body_url(body, "members"),
    )
    intro = _(
        "Choose an organisation, a person with an account (who then sees the body's meetings), or give the "
        "name of a person without an account."
    )
    return response or form_page(
        request,
        form,
        title=_("Add a member"),
        submit=_("Add"),
        back=_body_url(body, "members"),
        back_label=_("Back to the body"),
        intro=intro,
    )


@object_page
def remove_member(request: HttpRequest, body_id: int, member_id: int) -> HttpResponse:
    actor = actor_of(request)
    body = get_body_for(actor, body_id, write=True)
    member = body.members.select_related("organisation", "user").filter(pk=member_id).first()
    if member is None:
        raise Http404
    if request.method == "POST":
        try:
            services.remove_member(actor, body, member)
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The member has been removed."))
        return redirect(_body_url(body, "members"))
    who = (member.user.full_name if member.user else member.person_name) or (
        member.organisation.name if member.organisation else ""
    )
    return confirm_page(
        request,
        title=_("Remove a member"),
        question=_("Remove %(member)s from %(body)s?") % {"member": who, "body": body.name},
        submit=pgettext("steering", "Remove"),
        back=_body_url(body, "members"),
        back_label=_("Back to the body"),
    )


# --- meetings --------------------------------------------------------------------------------


@object_page
def meeting_create(request: HttpRequest, body_id: int) -> HttpResponse:
    actor = actor_of(request)
    body = get_body_for(actor, body_id, write=True)
    form = steering_forms.MeetingForm(posted(request))
    response = handle(
        request,
        form,
        lambda: services.schedule_meeting(
            actor, body, scheduled_at=form.cleaned_data["scheduled_at"], place=form.cleaned_data["place"]
        ),
        done=_("The meeting has been scheduled. Now set the agenda."),
        to=lambda meeting: _meeting_url(meeting, "agenda"),
    )
    return response or form_page(
        request,
        form,
        title=_("Schedule a meeting of %(body)s") % {"body": body.name},
        submit=_("Schedule"),
        back=_body_url(body, "meetings"),
        back_label=_("Back to the body"),
    )


def _meeting_record(actor, meeting: Meeting) -> dict:  # type: ignore[no-untyped-def]
    items = list(meeting.action_items.select_related("owner_organisation", "owner_user").order_by("due_on", "pk"))
    return {
        "meeting": meeting,
        "agenda": list(meeting.agenda.order_by("order", "pk")),
        "decisions": list(meeting.decisions.order_by("pk")),
        "action_items": items,
        "updatable": updatable_items(actor, items),
        "today": timezone.localdate(),
    }


@object_page
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id)
    context = {
        **_meeting_record(actor, meeting),
        "title": _meeting_label(meeting),
        "may_change": check_steering_rule("steering.change_body", actor, meeting),
    }
    return render(request, "steering/meeting.html", context)


@object_page
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    initial = {
        "scheduled_at": timezone.localtime(meeting.scheduled_at),
        "place": meeting.place,
        "version": meeting.version,
    }
    form = steering_forms.MeetingForm(posted(request), initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_meeting(actor, meeting, form.cleaned_data, version=form.cleaned_data.get("version")),
        done=pgettext("steering", "The meeting has been changed."),
        to=_meeting_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Change date or place"),
        submit=_("Save"),
        back=_meeting_url(meeting),
        back_label=_("Back to the meeting"),
    )


@object_page
def add_agenda_item(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    form = steering_forms.AgendaItemForm(posted(request))
    response = handle(
        request,
        form,
        lambda: services.add_agenda_item(
            actor,
            meeting,
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
            order=form.cleaned_data["order"],
        ),
        done=_("The agenda item has been added."),
        to=lambda _item: _meeting_url(meeting, "agenda"),
    )
    return response or form_page(
        request,
        form,
        title=_("Add an agenda item"),
        submit=_("Add"),
        back=_meeting_url(meeting, "agenda"),
        back_label=_("Back to the meeting"),
    )


@object_page
def meeting_minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    form = steering_forms.MinutesForm(posted(request), initial={"minutes": meeting.minutes, "version": meeting.version})
    response = handle(
        request,
        form,
        lambda: services.save_minutes(
            actor, meeting, form.cleaned_data["minutes"], version=form.cleaned_data.get("version")
        ),
        done=_("The minutes have been saved."),
        to=lambda m: _meeting_url(m, "minutes"),
    )
    return response or form_page(
        request,
        form,
        title=_("Minutes"),
        submit=_("Save the minutes"),
        back=_meeting_url(meeting, "minutes"),
        back_label=_("Back to the meeting"),
    )


@object_page
def add_decision(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    form = steering_forms.DecisionForm(posted(request))
    response = handle(
        request,
        form,
        lambda: services.add_decision(actor, meeting, form.cleaned_data["text"]),
        done=_("The decision has been recorded."),
        to=lambda _decision: _meeting_url(meeting, "decisions"),
    )
    return response or form_page(
        request,
        form,
        title=_("Record a decision"),
        submit=_("Record"),
        back=_meeting_url(meeting, "decisions"),
        back_label=_("Back to the meeting"),
    )


@object_page
def add_action_item(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    form = steering_forms.ActionItemForm(posted(request), actor=actor)
    response = handle(
        request,
        form,
        lambda: services.add_action_item(
            actor,
            meeting,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
            owner_organisation=form.cleaned_data.get("owner_organisation"),
            owner_user=form.cleaned_data.get("owner_user"),
            owner_name=form.cleaned_data.get("owner_name") or "",
        ),
        done=_("The action item has been added."),
        to=lambda _item: _meeting_url(meeting, "action-items"),
    )
    intro = _(
        "Name an organisation, a person with an account, or both. They see the action item on their start page "
        "and in “Our network tasks”."
    )
    return response or form_page(
        request,
        form,
        title=_("Add an action item"),
        submit=_("Add"),
        back=_meeting_url(meeting, "action-items"),
        back_label=_("Back to the meeting"),
        intro=intro,
    )


def _status_change(request: HttpRequest, meeting: Meeting, *, action: str) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.VersionForm(request.POST)
    if form.is_valid():
        service = services.hold_meeting if action == "hold" else services.cancel_meeting
        try:
            service(actor, meeting, version=form.cleaned_data.get("version"))
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("The meeting has been marked as held.") if action == "hold" else _("The meeting has been cancelled."),
            )
    return redirect(_meeting_url(meeting))


@object_page
def meeting_hold(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    if request.method == "POST":
        return _status_change(request, meeting, action="hold")
    blockers = []
    if not meeting.is_planned:
        blockers.append(_("Only a planned meeting can be marked as held."))
    elif timezone.localdate(meeting.scheduled_at) > timezone.localdate():
        blockers.append(_("The meeting is scheduled for a later day."))
    return confirm_page(
        request,
        title=_("Mark as held"),
        question=_("Did the meeting take place?"),
        submit=_("Mark as held"),
        back=_meeting_url(meeting),
        back_label=_("Back to the meeting"),
        blockers=blockers,
        hidden={"version": meeting.version},
    )


@object_page
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id, write=True)
    if request.method == "POST":
        return _status_change(request, meeting, action="cancel")
    return confirm_page(
        request,
        title=_("Cancel the meeting"),
        question=_("Cancel this meeting? It cannot be changed afterwards."),
        submit=_("Cancel the meeting"),
        back=_meeting_url(meeting),
        back_label=_("Back to the meeting"),
        blockers=[] if meeting.is_planned else [_("Only a planned meeting can be cancelled.")],
        hidden={"version": meeting.version},
    )


@object_page
def meeting_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: what will be exported; POST: the minutes as PDF (logged, not cached)."""
    actor = actor_of(request)
    meeting = get_meeting_for(actor, meeting_id)
    if request.method != "POST":
        return confirm_page(
            request,
            title=_("Export the minutes as PDF"),
            question=_("Download the minutes of this meeting as a PDF file?"),
            submit=_("Download PDF"),
            back=_meeting_url(meeting),
            back_label=_("Back to the meeting"),
            explanation=[
                _("The PDF holds the agenda, the minutes, the decisions and the action items."),
                _("The export is recorded in the audit log."),
            ],
        )
    context = {
        **_meeting_record(actor, meeting),
        "title": _meeting_label(meeting),
        "network": actor.network,
        "exported_at": timezone.localtime(),
        "exported_by": actor.organisation.name,
    }
    content = render_pdf("steering/pdf/minutes.html", context)
    log_action(actor, "steering.minutes_exported", meeting, data={"meeting": meeting.pk, "body": meeting.body_id})
    response = HttpResponse(content, content_type="application/pdf")
    day = timezone.localtime(meeting.scheduled_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.body_id}-{day}.pdf"'
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    return response


# --- action items ----------------------------------------------------------------------------


@requires("steering.take_part")
def action_items(request: HttpRequest) -> HttpResponse:
    """The action items of the actor and the actor's organisation."""
    actor = actor_of(request)
    form = steering_forms.ActionItemFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_bound and form.is_valid() else ""
    items = own_action_items(actor).select_related(*ITEM_RELATED)
    if state == "closed":
        items = items.exclude(status__in=OPEN_ACTION_STATUSES).order_by("-due_on", "-pk")
    elif state == "all":
        items = items.order_by("due_on", "pk")
    else:
        items = items.filter(status__in=OPEN_ACTION_STATUSES).order_by("due_on", "pk")
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    return render(request, "steering/action_items.html", context)


@object_page
def action_item_status(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_action_item_for(actor, item_id)
    form = steering_forms.ActionStatusForm(posted(request), initial={"status": item.status})
    back = request.POST.get("next") or request.GET.get("next")
    target = reverse("steering:action_items") if back == "list" else _meeting_url(item.meeting, "action-items")
    response = handle(
        request,
        form,
        lambda: services.update_action_item(actor, item, form.cleaned_data["status"]),
        done=_("The action item has been updated."),
        to=lambda _item: target,
    )
    return response or render(
        request,
        "steering/action_item_status.html",
        {"form": form, "item": item, "back": target, "next": back or "", "statuses": ActionStatus},
    )
