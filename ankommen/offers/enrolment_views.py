"""Enrolment screens for case managers (enrol, cancel, the organisation's enrolments, a person's
offers) and participant cards (print, revoke, reissue).

Case managers work with the participants of their own organisation only; the provider's staff
reach an enrolment of their own offer for cancelling it, seeing first name and initial only.
Every page that shows who is enrolled logs the read.
"""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action, log_read
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.offers import services
from ankommen.offers.access import (
    enrolments_of_own_participants,
    get_enrolment_for,
    get_offer_for,
    get_own_participant_for,
    short_name,
)
from ankommen.offers.choices import EnrolmentStatus
from ankommen.offers.forms import CancelForm, EnrolForm
from ankommen.offers.models import ParticipantCard
from ankommen.offers.services import OfferError, closed_paths, waiting_position, waiting_positions
from ankommen.participants.access import own_participants

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


# --- enrol and cancel --------------------------------------------------------------------------


@requires("offers.enrol")
def enrol(request: HttpRequest, offer_id: int) -> HttpResponse:
    actor = _actor(request)
    offer = get_offer_for(actor, offer_id)
    closed = closed_paths(actor.network_id)
    initial = {"reference": request.GET.get("reference", "")[:20]}
    form = EnrolForm(request.POST or None, actor=actor, offer=offer, closed=closed, initial=initial)
    if request.method == "POST" and form.is_valid() and form.participant is not None:
        try:
            enrolment = services.enrol_participant(
                actor,
                offer,
                form.participant,
                session=form.cleaned_data.get("session"),
                path=form.cleaned_data.get("path", ""),
            )
        except OfferError as exc:
            form.add_error(None, exc)
        else:
            name = form.participant.full_name
            if enrolment.status == EnrolmentStatus.ENROLLED:
                messages.success(request, _("%(name)s has a seat.") % {"name": name})
            elif offer.allocates_seats:
                messages.info(
                    request,
                    _("%(name)s is registered for the seat allocation of this offer.") % {"name": name},
                )
            else:
                messages.warning(
                    request,
                    _("All seats are taken: %(name)s is number %(position)d on the waiting list.")
                    % {"name": name, "position": waiting_position(enrolment) or 0},
                )
            return redirect("offers:participant", participant_id=form.participant.pk)
    context = {"form": form, "offer": offer, "takes_enrolments": offer.takes_enrolments}
    return render(request, "offers/enrol.html", context)


@object_page
def cancel_enrolment(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    actor = _actor(request)
    enrolment = get_enrolment_for(actor, enrolment_id, write=True)
    # The case manager of the person sees the name; the provider's staff first name and initial only.
    own_person = actor.has_perm("offers.enrol") and enrolment.participant.organisation_id == actor.organisation_id
    back = (
        reverse("offers:participant", kwargs={"participant_id": enrolment.participant_id})
        if own_person
        else reverse("offers:participants", kwargs={"offer_id": enrolment.offer_id})
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            promoted = services.cancel_enrolment(actor, enrolment, reason=form.cleaned_data["reason"])
        except OfferError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The enrolment has been cancelled."))
            if promoted:
                messages.info(
                    request,
                    _("The freed seat went to the next person on the waiting list."),
                )
            return redirect(back)
    else:
        log_read(actor, enrolment, data={"page": "cancel"})
    context = {
        "form": form,
        "enrolment": enrolment,
        "person": enrolment.participant.full_name if own_person else short_name(enrolment.participant),
        "back": back,
    }
    return render(request, "offers/cancel.html", context)


# --- the organisation's enrolments and a person's offers ----------------------------------------


@requires("offers.enrol")
def enrolments(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    reference = request.GET.get("reference", "").strip().upper()[:20]
    if reference:
        # Look up one of the organisation's people by reference: their offers and card.
        person = own_participants(actor).filter(reference__iexact=reference).first()
        if person is not None:
            return redirect("offers:participant", participant_id=person.pk)
        messages.error(request, _("Your organisation has no person with this reference."))
    status = request.GET.get("status", "")
    rows = enrolments_of_own_participants(actor).select_related("participant", "offer__organisation", "session")
    if status in EnrolmentStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
        rows = rows.exclude(status=EnrolmentStatus.CANCELLED)
    page = Paginator(rows.order_by("-queued_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    log_action(
        actor,
        "enrolment.listed",
        data={"page": "organisation", "status": status, "shown": [e.pk for e in page.object_list]},
    )
    context = {"page": page, "status": status, "statuses": EnrolmentStatus.choices}
    return render(request, "offers/enrolments.html", context)


@requires("participants.view")
def participant_offers(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    rows = list(participant.enrolments.select_related("offer__organisation", "session").order_by("-queued_at", "-pk"))
    positions = waiting_positions(rows)
    entries: list[dict[str, Any]] = [{"enrolment": e, "position": positions.get(e.pk)} for e in rows]
    card = ParticipantCard.objects.filter(participant=participant, revoked_at__isnull=True).first()
    log_read(
        actor,
        participant,
        action="enrolment.participant_listed",
        data={"enrolments": [e.pk for e in rows]},
    )
    context = {
        "participant": participant,
        "entries": entries,
        "card": card,
        "may_enrol": actor.has_perm("offers.enrol"),
        "may_issue_cards": actor.has_perm("offers.issue_cards"),
    }
    return render(request, "offers/participant.html", context)


# --- participant cards -------------------------------------------------------------------------


def card_url(request: HttpRequest, card: ParticipantCard) -> str:
    """What the QR code holds: the check-in address with the random token, nothing about the person."""
    return request.build_absolute_uri(reverse("offers:card_checkin", kwargs={"token": card.token}))


def qr_svg(data: str) -> SafeString:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Path data generated by qrcode from a URL we built: no user-controlled markup.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308


@requires("offers.issue_cards")
def card(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    cards = list(ParticipantCard.objects.filter(participant=participant).order_by("-issued_at", "-pk"))
    valid = next((c for c in cards if c.is_valid), None)
    context: dict[str, Any] = {"participant": participant, "card": valid, "history": cards}
    if valid is not None:
        context["qr"] = qr_svg(card_url(request, valid))
        log_read(actor, valid, data={"page": "card"})
    return render(request, "offers/card.html", context)


@requires("offers.issue_cards")
@require_POST
def issue_card(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    try:
        new = services.issue_card(actor, participant)
    except OfferError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if new.pk and ParticipantCard.objects.filter(participant=participant).count() > 1:
            messages.success(request, _("A new card has been issued; the previous card no longer works."))
        else:
            messages.success(request, _("The card has been issued. Print it and hand it over."))
    return redirect("offers:card", participant_id=participant.pk)


@requires("offers.issue_cards")
@require_POST
def revoke_card(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    try:
        services.revoke_card(actor, participant)
    except OfferError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The card has been revoked: scanning it no longer works."))
    return redirect("offers:card", participant_id=participant.pk)
