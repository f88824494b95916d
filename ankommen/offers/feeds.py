"""iCalendar feeds of sessions (RFC 5545, the ``icalendar`` package).

- A participant's sessions, for the case manager to hand over (logged in, own organisation's
  participants only; the download is logged). The events name the offer, its provider, place and
  contact; the calendar carries no name, date of birth or reference of the person.
- An offer's sessions: for logged-in staff who see the offer, and without login for offers marked
  public (``Offer.is_public``), found by a random key rather than the id. Offer feeds never hold
  personal data: no enrolments, no attendance, no names.

Cancelled sessions stay in the feeds with ``STATUS:CANCELLED`` so subscribed calendars update.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_scopes import scope, scopes_disabled
from icalendar import Calendar, Event

from ankommen.audit.services import log_read
from ankommen.network.access import public, requires
from ankommen.network.models import Membership
from ankommen.offers.access import get_offer_for, get_own_participant_for
from ankommen.offers.choices import EnrolmentStatus, OfferStatus
from ankommen.offers.models import Enrolment, Offer, Session

PRODID = "-//ankommen//offers//DE"


def _location(session: Session) -> str:
    offer = session.offer
    parts = [session.place, offer.address, offer.district]
    if offer.at_zue and not any(parts):
        parts = [_("ZUE (on site)")]
    return ", ".join(part for part in parts if part)


def _event(session: Session, network_slug: str, stamp: dt.datetime) -> Event:
    offer = session.offer
    event = Event()
    event.add("uid", f"session-{session.pk}@{network_slug}.ankommen")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    event.add("summary", offer.display_title)
    location = _location(session)
    if location:
        event.add("location", location)
    lines = [_("Provider: %(provider)s") % {"provider": offer.organisation.name}]
    if offer.contact:
        lines.append(_("Contact: %(contact)s") % {"contact": offer.contact})
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def calendar_response(name: str, sessions: Iterable[Session], network_slug: str, filename: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for session in sessions:
        calendar.add_component(_event(session, network_slug, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _offer_sessions(offer: Offer) -> list[Session]:
    sessions = list(offer.sessions.order_by("starts_at", "pk"))
    for session in sessions:
        session.offer = offer
    return sessions


@requires("participants.view")
@require_safe
def participant_calendar(request: HttpRequest, participant_id: int) -> HttpResponse:
    """The sessions in which the person has a seat (course offers: all their sessions)."""
    actor: Membership = request.membership  # type: ignore[attr-defined]
    participant = get_own_participant_for(actor, participant_id)
    seated = Enrolment.objects.filter(participant=participant, status=EnrolmentStatus.ENROLLED)
    sessions = list(
        Session.objects.filter(
            Q(offer__in=seated.filter(session__isnull=True).values("offer"))
            | Q(pk__in=seated.filter(session__isnull=False).values("session"))
        )
        .select_related("offer__organisation")
        .order_by("starts_at", "pk")
    )
    log_read(actor, participant, action="enrolment.calendar_exported", data={"sessions": len(sessions)})
    return calendar_response(_("Dates of my offers"), sessions, actor.network.slug, "termine.ics")


@requires("offers.view_catalogue")
@require_safe
def offer_calendar(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    offer = get_offer_for(actor, offer_id)
    return calendar_response(offer.display_title, _offer_sessions(offer), actor.network.slug, f"angebot-{offer.pk}.ics")


@public
@require_safe
def public_offer_calendar(request: HttpRequest, feed_key: uuid.UUID) -> HttpResponse:
    """No login: only offers marked public and published (or ended), found by their random key."""
    with scopes_disabled():
        offer = (
            Offer.objects.select_related("organisation", "network")
            .filter(feed_key=feed_key, is_public=True)
            .exclude(status=OfferStatus.DRAFT)
            .first()
        )
    if offer is None:
        raise Http404
    with scope(network=offer.network_id):
        sessions = _offer_sessions(offer)
    return calendar_response(offer.display_title, sessions, offer.network.slug, f"angebot-{offer.pk}.ics")
