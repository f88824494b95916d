"""Network events: list, page, registration of staff, counts of registrations and attendance."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.network.access import object_page, requires
from ankommen.steering import forms as steering_forms
from ankommen.steering import services
from ankommen.steering.access import get_event_for, visible_events
from ankommen.steering.models import Event
from ankommen.steering.rules import check_steering_rule
from ankommen.steering.services import SteeringError
from ankommen.steering.views.common import actor_of, confirm_page, error_messages, form_page, handle, posted

EVENT_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "place", "organiser", "agreement", "body")


def _url(event: Event, anchor: str = "") -> str:
    url = reverse("steering:event", kwargs={"event_id": event.pk})
    return f"{url}#{anchor}" if anchor else url


@requires("steering.take_part")
def event_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    now = timezone.now()
    events = (
        visible_events(actor)
        .select_related("organiser")
        .annotate(named=Count("registrations", distinct=True), reports=Count("problem_reports", distinct=True))
    )
    upcoming = list(events.filter(starts_at__gte=now).order_by("starts_at", "pk"))
    past = list(events.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:50])
    own = set(visible_events(actor).filter(registrations__user=actor.user_id).values_list("pk", flat=True))
    context = {
        "upcoming": upcoming,
        "past": past,
        "own": own,
        "may_manage": actor.has_perm("steering.manage"),
    }
    return render(request, "steering/events.html", context)


@requires("steering.manage")
def event_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = steering_forms.EventForm(posted(request), actor=actor, initial={"organiser": actor.organisation_id})
    response = handle(
        request,
        form,
        lambda: services.create_event(actor, form.cleaned_data, hosts=form.cleaned_data.get("hosts") or []),
        done=_("The event has been created."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Create a network event"),
        submit=_("Save"),
        back=reverse("steering:events"),
        back_label=_("Back to the events"),
    )


@object_page
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = get_event_for(actor, event_id)
    registrations = list(event.registrations.select_related("user", "organisation").order_by("registered_at", "pk"))
    registered = any(r.user_id == actor.user_id for r in registrations)
    reports = list(event.problem_reports.order_by("number")) if actor.has_perm("steering.view") else []
    context = {
        "event": event,
        "hosts": list(event.hosts.order_by("name")),
        "registrations": registrations,
        "total": event.registered_count + len(registrations),
        "registered": registered,
        "open_for_registration": event.is_planned and event.starts_at > timezone.now(),
        "reports": reports,
        "may_change": check_steering_rule("steering.change_event", actor, event),
        "may_report": actor.has_perm("steering.report_problem"),
    }
    return render(request, "steering/event.html", context)


@object_page
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = get_event_for(actor, event_id, write=True)
    initial = {name: getattr(event, name) for name in EVENT_FIELDS}
    initial.update(
        starts_at=timezone.localtime(event.starts_at),
        ends_at=timezone.localtime(event.ends_at) if event.ends_at else None,
        hosts=list(event.hosts.all()),
        capacity=event.capacity,
        version=event.version,
    )
    form = steering_forms.EventForm(posted(request), actor=actor, initial=initial)
    response = handle(
        request,
        form,
        lambda: services.update_event(
            actor,
            event,
            form.cleaned_data,
            hosts=form.cleaned_data.get("hosts") or [],
            version=form.cleaned_data.get("version"),
        ),
        done=_("The event has been saved."),
        to=_url,
    )
    return response or form_page(
        request,
        form,
        title=_("Change the event"),
        submit=_("Save"),
        back=_url(event),
        back_label=_("Back to the event"),
    )


@object_page
def event_counts(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = get_event_for(actor, event_id, write=True)
    initial = {
        "registered_count": event.registered_count,
        "attendance_count": event.attendance_count,
        "status": event.status,
        "version": event.version,
    }
    form = steering_forms.EventCountsForm(posted(request), initial=initial)
    response = handle(
        request,
        form,
        lambda: services.record_event_counts(
            actor,
            event,
            registered_count=form.cleaned_data["registered_count"],
            attendance_count=form.cleaned_data.get("attendance_count"),
            status=form.cleaned_data["status"],
            version=form.cleaned_data.get("version"),
        ),
        done=_("The figures have been saved."),
        to=lambda e: _url(e, "figures"),
    )
    return response or form_page(
        request,
        form,
        title=_("Registrations and attendance"),
        submit=_("Save"),
        back=_url(event, "figures"),
        back_label=_("Back to the event"),
        intro=_("Numbers only: no names of participants are recorded for network events."),
    )


@object_page
def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    """Register oneself (or withdraw one's registration)."""
    actor = actor_of(request)
    event = get_event_for(actor, event_id)
    registered = event.registrations.filter(user=actor.user_id).exists()
    if request.method == "POST":
        try:
            if registered:
                services.unregister_from_event(actor, event)
            else:
                services.register_for_event(actor, event)
        except SteeringError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("Your registration has been withdrawn.") if registered else _("You are registered for the event."),
            )
        return redirect(_url(event, "registrations"))
    blockers = []
    if not event.is_planned or event.starts_at <= timezone.now():
        blockers.append(_("Registration is closed: the event has started, ended or was cancelled."))
    return confirm_page(
        request,
        title=_("Withdraw the registration") if registered else _("Register for the event"),
        question=(
            _("Withdraw your registration for “%(title)s”?")
            if registered
            else _("Register for “%(title)s”? Your name and organisation are shown to the network's staff.")
        )
        % {"title": event.title},
        submit=_("Withdraw") if registered else _("Register"),
        back=_url(event),
        back_label=_("Back to the event"),
        blockers=blockers,
    )
