"""Screens of the offer catalogue: list, offer page, create and edit, sessions, the weekly programme
of the ZUE, the entitlement-path switch and provider reports.

Thin views: one access call, one service call, render or redirect. Offers are no personal data; the
offer page shows a case manager the own organisation's participants in the offer (logged) and
everyone else numbers only. Enrolment, attendance, cards and calendars: ``enrolment_views``,
``attendance_views``, ``feeds``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action
from ankommen.network.access import requires
from ankommen.network.models import Membership, Organisation
from ankommen.offers import services
from ankommen.offers.access import (
    enrolments_of_own_participants,
    get_offer_for,
    get_session_for,
    own_offers,
    visible_offers,
)
from ankommen.offers.choices import EnrolmentStatus, EntitlementPath, OfferStatus
from ankommen.offers.forms import CatalogueFilterForm, OfferForm, PathForm, ReportForm, SessionForm, SessionSeriesForm
from ankommen.offers.models import EntitlementPathState, Offer, Session
from ankommen.offers.reports import report_for
from ankommen.offers.rules import check_offer_rule
from ankommen.offers.schedule import iso_week, parse_week
from ankommen.offers.services import OfferError, closed_paths, waiting_positions

PAGE_SIZE = 30
SESSIONS_ON_OFFER_PAGE = 30


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _to_offer(offer: Offer, anchor: str = "") -> HttpResponse:
    url = reverse("offers:detail", kwargs={"offer_id": offer.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def path_states(actor: Membership) -> dict[str, bool]:
    """Each entitlement path: open (True) or closed network-wide (False)."""
    closed = closed_paths(actor.network_id)
    return {code: code not in closed for code in EntitlementPath.values}


def _paths_of(offer: Offer, states: dict[str, bool]) -> list[dict[str, Any]]:
    labels = dict(EntitlementPath.choices)
    return [
        {"code": code, "label": labels.get(code, code), "open": states.get(code, True)}
        for code in offer.entitlement_paths or []
    ]


def _seat_counts(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """The catalogue's numbers per offer as subqueries (no row multiplication, one query)."""
    from ankommen.offers.models import Enrolment

    def count_of(status: str) -> Subquery:
        return Subquery(
            Enrolment.objects.filter(offer=OuterRef("pk"), session__isnull=True, status=status)
            .order_by()
            .values("offer")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    next_session = (
        Session.objects.filter(offer=OuterRef("pk"), is_cancelled=False, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return offers.annotate(
        seats_taken=count_of(EnrolmentStatus.ENROLLED),
        waiting=count_of(EnrolmentStatus.WAITING),
        next_session=Subquery(next_session),
    )


# --- catalogue ---------------------------------------------------------------------------------


@requires("offers.view_catalogue")
def catalogue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    offers = visible_offers(actor)
    providers = Organisation.objects.filter(network=actor.network_id, pk__in=offers.values("organisation")).order_by(
        "name"
    )
    form = CatalogueFilterForm(request.GET or None, providers=providers)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            offers = offers.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
        if data["category"]:
            offers = offers.filter(category=data["category"])
        if data["field_of_action"]:
            offers = offers.filter(field_of_action=data["field_of_action"])
        if data["organisation"]:
            offers = offers.filter(organisation=data["organisation"])
        if data["at_zue"]:
            offers = offers.filter(at_zue=True)
    offers = _seat_counts(offers.select_related("organisation")).order_by("status", "title", "pk")
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    states = path_states(actor)
    rows = [{"offer": offer, "paths": _paths_of(offer, states)} for offer in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "may_create": actor.has_perm("offers.manage_own"),
    }
    return render(request, "offers/catalogue.html", context)


@requires("offers.view_catalogue")
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id)
    now = timezone.now()
    sessions = list(
        offer.sessions.filter(ends_at__gte=now - dt.timedelta(days=1))
        .annotate(
            seats_taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
        .order_by("starts_at", "pk")[:SESSIONS_ON_OFFER_PAGE]
    )
    for session in sessions:
        session.offer = offer
    past_sessions = offer.sessions.filter(ends_at__lt=now - dt.timedelta(days=1)).count()
    course_counts = offer.enrolments.filter(session__isnull=True).aggregate(
        taken=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
        waiting=Count("pk", filter=Q(status=EnrolmentStatus.WAITING)),
    )
    own_people: list[dict[str, Any]] = []
    if actor.has_perm("offers.enrol"):
        enrolments = list(
            enrolments_of_own_participants(actor)
            .filter(offer=offer)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .select_related("participant", "session", "offer")
            .order_by("status", "queued_at", "pk")
        )
        positions = waiting_positions(enrolments)
        own_people = [{"enrolment": e, "position": positions.get(e.pk)} for e in enrolments]
        if enrolments:
            log_action(
                actor,
                "enrolment.listed",
                offer,
                data={"offer": offer.pk, "page": "offer", "shown": [e.pk for e in enrolments]},
            )
    states = path_states(actor)
    context = {
        "offer": offer,
        "sessions": sessions,
        "past_sessions": past_sessions,
        "course_counts": course_counts,
        "paths": _paths_of(offer, states),
        "all_paths_closed": offer.is_german_course and not any(p["open"] for p in _paths_of(offer, states)),
        "own_people": own_people,
        "may_change": check_offer_rule("offers.change_offer", actor, offer),
        "may_see_names": check_offer_rule("offers.see_names", actor, offer),
        "may_record_counts": check_offer_rule("offers.record_counts", actor, offer),
        "may_enrol": actor.has_perm("offers.enrol") and offer.takes_enrolments,
        "is_draft": offer.status == OfferStatus.DRAFT,
    }
    return render(request, "offers/detail.html", context)


# --- create and edit ---------------------------------------------------------------------------


@requires("offers.manage_own")
def create_offer(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = OfferForm(request.POST or None, counts_only=services.counts_only_for(actor))
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.create_offer(actor, form.offer_values())
        except OfferError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The offer has been created. Now add its sessions."))
            return redirect("offers:add_sessions", offer_id=offer.pk)
    return render(request, "offers/offer_form.html", {"form": form, "offer": None})


@requires("offers.manage_own")
def edit_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id, write=True)
    counts_only = services.counts_only_for(actor)
    if request.method == "POST":
        form = OfferForm(request.POST, counts_only=counts_only)
        if form.is_valid():
            try:
                services.update_offer(actor, offer, form.offer_values(), version=form.cleaned_data["version"])
            except OfferError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return _to_offer(offer)
    else:
        form = OfferForm(initial=OfferForm.initial_for(offer), counts_only=counts_only)
    return render(request, "offers/offer_form.html", {"form": form, "offer": offer})


@requires("offers.manage_own")
def add_sessions(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id, write=True)
    form = SessionSeriesForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sessions = services.add_sessions(
                actor,
                offer,
                first_day=data["first_day"],
                starts=data["starts"],
                ends=data["ends"],
                recurrence=data["recurrence"],
                count=data.get("count"),
                until=data.get("until"),
                place=data.get("place", ""),
                capacity=data.get("capacity"),
            )
        except OfferError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)d session added.", "%(count)d sessions added.", len(sessions))
                % {"count": len(sessions)},
            )
            return _to_offer(offer, "sessions")
    return render(request, "offers/session_series_form.html", {"form": form, "offer": offer})


@requires("offers.manage_own")
def edit_session(request: HttpRequest, offer_id: int, session_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id, write=True)
    session = get_session_for(actor, offer, session_id)
    if request.method == "POST":
        form = SessionForm(request.POST, offer=offer)
        if form.is_valid():
            try:
                services.update_session(actor, session, form.cleaned_data)
            except OfferError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The session has been saved."))
                return _to_offer(offer, "sessions")
    else:
        form = SessionForm(instance=session, offer=offer)
    return render(request, "offers/session_form.html", {"form": form, "offer": offer, "session": session})


# --- weekly programme --------------------------------------------------------------------------


@requires("offers.view_catalogue")
def programme(request: HttpRequest) -> HttpResponse:
    """The sessions of one week, by day: the printable programme of the ZUE (all offers on request)."""
    actor = _actor(request)
    today = timezone.localdate()
    monday = parse_week(request.GET.get("week"), today)
    everything = request.GET.get("all") == "1"
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min), zone)
    offers = visible_offers(actor).exclude(status=OfferStatus.DRAFT)
    if not everything:
        offers = offers.filter(at_zue=True)
    sessions = list(
        Session.objects.filter(offer__in=offers, starts_at__gte=start, starts_at__lt=end)
        .select_related("offer__organisation")
        .order_by("starts_at", "pk")
    )
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        days.append({"day": day, "sessions": [s for s in sessions if timezone.localdate(s.starts_at) == day]})
    context = {
        "days": days,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "week": iso_week(monday),
        "previous_week": iso_week(monday - dt.timedelta(days=7)),
        "next_week": iso_week(monday + dt.timedelta(days=7)),
        "everything": everything,
        "network": actor.network,
    }
    return render(request, "offers/programme.html", context)


# --- entitlement paths -------------------------------------------------------------------------


@requires("offers.manage_paths")
def paths(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    states = {
        s.path: s for s in EntitlementPathState.objects.filter(network=actor.network_id).select_related("changed_by")
    }
    offers_by_path: dict[str, int] = {}
    for accepted in (
        visible_offers(actor)
        .filter(is_german_course=True, status=OfferStatus.PUBLISHED)
        .values_list("entitlement_paths", flat=True)
    ):
        for code in accepted or []:
            offers_by_path[code] = offers_by_path.get(code, 0) + 1
    rows = []
    for code, label in EntitlementPath.choices:
        state = states.get(code)
        is_open = state is None or state.is_open
        form = PathForm(
            initial={"is_open": "1" if is_open else "0", "reason": state.reason if state else ""}, prefix=code
        )
        rows.append(
            {
                "code": code,
                "label": label,
                "state": state,
                "open": is_open,
                "form": form,
                "offers": offers_by_path.get(code, 0),
            }
        )
    return render(request, "offers/paths.html", {"rows": rows})


@requires("offers.manage_paths")
@require_POST
def set_path(request: HttpRequest, path: str) -> HttpResponse:
    actor = _actor(request)
    if path not in EntitlementPath.values:
        raise Http404
    form = PathForm(request.POST, prefix=path)
    if not form.is_valid():
        messages.error(request, _("Choose open or closed."))
        return redirect("offers:paths")
    try:
        state = services.set_entitlement_path(
            actor, path, is_open=form.cleaned_data["is_open"], reason=form.cleaned_data["reason"]
        )
    except OfferError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        label = EntitlementPath(path).label
        if state.is_open:
            messages.success(request, _("“%(path)s” is open again in the whole network.") % {"path": label})
        else:
            messages.success(
                request, _("“%(path)s” is closed in the whole network: no new enrolments by it.") % {"path": label}
            )
    return redirect("offers:paths")


# --- reports -----------------------------------------------------------------------------------


@requires("offers.view_reports")
def reports(request: HttpRequest) -> HttpResponse:
    """Providers: their own offers. Coordinators: every published or ended offer of the network."""
    actor = _actor(request)
    form = ReportForm(request.GET or None)
    date_from, date_to = form.period(timezone.localdate())
    if not form.is_bound:
        form = ReportForm(initial={"date_from": date_from, "date_to": date_to})
    if actor.has_perm("offers.manage_own"):
        offers = own_offers(actor)
    else:
        offers = visible_offers(actor).exclude(status=OfferStatus.DRAFT)
    report = report_for(offers, date_from, date_to)
    context = {
        "form": form,
        "report": report,
        "date_from": date_from,
        "date_to": date_to,
        "network_wide": not actor.has_perm("offers.manage_own"),
    }
    return render(request, "offers/reports.html", context)
