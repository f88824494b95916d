"""Referral screens: sending a referral from a case (case managers), the referral page for both
sides, the partner's inbox and its answers (accept, decline, complete), withdrawal.

Thin views: one access call (``referral_access``, ``cases.access``), one service call
(``referrals``). The recipient's pages show the packet only while the consent is in force – the
access helper answers 404 otherwise – and every page showing a packet logs the read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from ankommen.audit.services import log_action, log_read
from ankommen.cases.access import get_case_for
from ankommen.consents.choices import DataCategory, category_labels
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership
from ankommen.offers import referrals
from ankommen.offers.choices import Availability, ReferralStatus
from ankommen.offers.models import Referral
from ankommen.offers.referral_access import RECIPIENT, SENDER, get_referral_for, incoming_referrals
from ankommen.offers.referral_forms import CompleteForm, DeclineForm, ReferralForm
from ankommen.offers.referrals import ReferralError
from ankommen.participants.choices import CEFR, ContactKind, EducationKind, EmploymentPermission, Language, Recognition

PAGE_SIZE = 30


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _date(value: str) -> dt.date | None:
    return parse_date(value) if value else None


def _country(code: str) -> str:
    return str(countries.name(code)) if code else ""


def packet_view(packet: dict[str, Any]) -> dict[str, Any]:
    """The packet's codes as labels in the reader's language (what the templates show)."""
    cefr = dict(CEFR.choices)
    shown: dict[str, Any] = {}
    if "identity" in packet:
        identity = packet["identity"]
        shown["identity"] = {
            "name": " ".join(part for part in (identity.get("given_name"), identity.get("family_name")) if part),
            "born": identity.get("birth_date_shown") or "",
        }
    if "contact" in packet:
        kinds = dict(ContactKind.choices)
        shown["contact"] = [
            {"kind": kinds.get(row["kind"], row["kind"]), "value": row["value"], "preferred": row.get("preferred")}
            for row in packet["contact"]
        ]
    if "language" in packet:
        names = dict(Language.choices)
        shown["language"] = [
            {
                "language": names.get(row["language"], row["language"]),
                "levels": [
                    cefr.get(row[skill], row[skill]) or "–" for skill in ("speaking", "listening", "reading", "writing")
                ],
                "certificate": row.get("certificate", ""),
            }
            for row in packet["language"]
        ]
    if "education" in packet:
        kinds, recognition = dict(EducationKind.choices), dict(Recognition.choices)
        shown["education"] = [
            {
                "kind": kinds.get(row["kind"], row["kind"]),
                "country": _country(row.get("country", "")),
                "institution": row.get("institution", ""),
                "period": "–".join(str(y) for y in (row.get("from_year"), row.get("to_year")) if y),
                "years": row.get("years", ""),
                "certificate": row.get("certificate", ""),
                "recognition": recognition.get(row.get("recognition", ""), ""),
            }
            for row in packet["education"]
        ]
    if "work" in packet:
        work = packet["work"]
        shown["work"] = {
            "history": [
                {
                    "occupation": row["occupation"],
                    "employer": row.get("employer", ""),
                    "country": _country(row.get("country", "")),
                    "from": _date(row.get("from", "")),
                    "to": _date(row.get("to", "")),
                    "hours": row.get("hours_per_week", ""),
                }
                for row in work.get("history", [])
            ],
            "permission": dict(EmploymentPermission.choices).get(work.get("permission", ""), ""),
            "availability": dict(Availability.choices).get(work.get("availability", ""), ""),
        }
    if "interests" in packet:
        shown["interests"] = packet["interests"]
    return shown


# --- the referring organisation ----------------------------------------------------------------


@requires("offers.refer")
def refer(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = _actor(request)
    case = get_case_for(actor, case_id, write=True)
    form = ReferralForm(request.POST or None, actor=actor, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referrals.send_referral(actor, case, form.referral_values())
        except ReferralError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The referral has been sent to %(name)s.") % {"name": referral.recipient.name})
            return redirect("offers:referral", referral_id=referral.pk)
    consents = []
    for person in referrals.people_of(case):
        for consent in referrals.referral_consents(case, person).prefetch_related("recipients"):
            consents.append(
                {
                    "consent": consent,
                    "person": person,
                    "recipients": [o.name for o in consent.recipients.all()],
                    "categories": category_labels(referrals.packet_categories(consent)),
                }
            )
    context = {"form": form, "case": case, "consents": consents, "household": case.household_id is not None}
    return render(request, "offers/referrals/form.html", context)


@requires("offers.refer")
@require_POST
def withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = _actor(request)
    referral, side = get_referral_for(actor, referral_id)
    if side != SENDER:
        return redirect("offers:referral", referral_id=referral.pk)
    try:
        referrals.withdraw_referral(actor, referral, version=_version(request))
    except ReferralError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The referral has been withdrawn; the partner no longer sees it."))
    return redirect("offers:referral", referral_id=referral.pk)


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


# --- both sides --------------------------------------------------------------------------------


@object_page
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = _actor(request)
    referral, side = get_referral_for(actor, referral_id)
    erased = referral.packet_erased_at is not None
    if not erased:
        log_read(actor, referral, data={"side": side, "categories": referral.packet_categories})
    may_answer = side == RECIPIENT and actor.has_perm("offers.receive_referrals")
    context = {
        "referral": referral,
        "side": side,
        "is_sender": side == SENDER,
        "packet": packet_view(referral.packet) if not erased else {},
        "categories": category_labels(referral.packet_categories),
        "erased": erased,
        "may_withdraw": side == SENDER and referral.is_open and actor.has_perm("offers.refer"),
        "may_accept": may_answer and referral.status == ReferralStatus.REQUESTED,
        "may_decline": may_answer and referral.is_open,
        "may_complete": may_answer and referral.is_open,
        "DataCategory": DataCategory,
    }
    return render(request, "offers/referrals/detail.html", context)


# --- the recipient -----------------------------------------------------------------------------


@requires("offers.receive_referrals")
def inbox(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", "")
    rows = incoming_referrals(actor).select_related("organisation", "offer")
    if status in ReferralStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows.order_by("-sent_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "referral": r,
            "name": packet_view({"identity": r.packet["identity"]})["identity"]["name"]
            if "identity" in r.packet
            else "",
        }
        for r in page.object_list
    ]
    log_action(actor, "referral.listed", data={"status": status, "shown": [r.pk for r in page.object_list]})
    statuses = [(code, label) for code, label in ReferralStatus.choices if code != ReferralStatus.WITHDRAWN]
    return render(
        request, "offers/referrals/inbox.html", {"page": page, "items": items, "status": status, "statuses": statuses}
    )


def _recipient_referral(request: HttpRequest, referral_id: int) -> Referral:
    referral, side = get_referral_for(_actor(request), referral_id)
    if side != RECIPIENT:
        from django.http import Http404

        raise Http404
    return referral


@requires("offers.receive_referrals")
@require_POST
def accept(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _recipient_referral(request, referral_id)
    try:
        referrals.accept_referral(_actor(request), referral, version=_version(request))
    except ReferralError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The referral has been accepted; the referring case manager sees it."))
    return redirect("offers:referral", referral_id=referral.pk)


@requires("offers.receive_referrals")
def decline(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _recipient_referral(request, referral_id)
    form = DeclineForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            referrals.decline_referral(
                _actor(request), referral, reason=form.cleaned_data["reason"], version=form.cleaned_data["version"]
            )
        except ReferralError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The referral has been declined; its packet has been erased."))
            return redirect("offers:referral_inbox")
    return render(request, "offers/referrals/answer.html", {"form": form, "referral": referral, "decline": True})


@requires("offers.receive_referrals")
def complete(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _recipient_referral(request, referral_id)
    form = CompleteForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referrals.complete_referral(
                _actor(request),
                referral,
                outcome=data["outcome"],
                outcome_on=data.get("outcome_on"),
                note=data.get("note", ""),
                version=data["version"],
            )
        except ReferralError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The outcome has been recorded; it goes back into the case."))
            return redirect("offers:referral", referral_id=referral.pk)
    return render(request, "offers/referrals/answer.html", {"form": form, "referral": referral, "decline": False})
