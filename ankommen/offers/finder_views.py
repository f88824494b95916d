"""The offer finder of a case manager: one participant of the own organisation, the eligible offers
ranked by fit with the reasons, the others with why not; enrolment from a row through
``services.enrol_participant``. The read of the person's facts is logged."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_read
from ankommen.cases.choices import LifeDomain
from ankommen.network.access import requires
from ankommen.network.models import Membership
from ankommen.offers import finder, services
from ankommen.offers.access import get_offer_for, get_own_participant_for, get_session_for
from ankommen.offers.choices import EnrolmentStatus, EntitlementPath
from ankommen.offers.finding import find_offers
from ankommen.offers.forms import FinderEnrolForm, FinderFilterForm
from ankommen.offers.services import OfferError, waiting_position
from ankommen.participants.choices import CEFR, Language, StatusType


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def reason_text(reason: finder.Reason) -> str:
    """A fit reason as a short phrase in the reader's language."""
    domains = dict(LifeDomain.choices)
    if reason.code == "goal":
        return _("fits the plan's goal in %(domain)s") % {"domain": domains.get(reason.value, reason.value)}
    if reason.code == "need":
        return _("fits the assessed need in %(domain)s") % {"domain": domains.get(reason.value, reason.value)}
    if reason.code == "language":
        return _("taught in %(language)s") % {"language": dict(Language.choices).get(reason.value, reason.value)}
    if reason.code == "zue":
        return _("on site at the ZUE, where the person lives")
    if reason.code == "district":
        return _("in the person's district (%(district)s)") % {"district": reason.value}
    if reason.code == "childcare":
        return _("childcare available")
    if reason.code == "step_free":
        return _("step-free access")
    if reason.code == "free":
        return _("free of charge")
    if reason.code == "free_seats":
        count = int(reason.value)
        return ngettext("%(count)d seat free", "%(count)d seats free", count) % {"count": count}
    if reason.code == "waiting_list":
        return _("all seats taken: waiting list")
    if reason.code == "allocation":
        return _("seats given by the coordinator's allocation")
    return reason.code


def _person_summary(person: finder.Person) -> list[tuple[str, str]]:
    domains = dict(LifeDomain.choices)
    languages = dict(Language.choices)
    rows = [
        (_("Age"), str(person.age) if person.age is not None else _("not known")),
        (
            _("Current residence status"),
            str(dict(StatusType.choices).get(person.status, person.status)) if person.status else _("not recorded"),
        ),
        (_("German"), str(dict(CEFR.choices).get(person.german_level, "")) if person.german_level else _("not known")),
        (
            _("Can follow a course in"),
            ", ".join(str(languages.get(code, code)) for code in sorted(person.languages)) or _("not known"),
        ),
        (
            _("Place"),
            _("lives in the ZUE")
            if person.at_zue
            else (person.district or (_("not known") if person.at_zue is None else _("outside the ZUE"))),
        ),
        (
            _("Goals of the plan"),
            ", ".join(str(domains.get(d, d)) for d in sorted(person.goal_domains)) or _("none open"),
        ),
        (
            _("Needs from the assessment"),
            ", ".join(str(domains.get(d, d)) for d in sorted(person.need_domains)) or _("none recorded"),
        ),
    ]
    return rows


def _path_choices(assessment: finder.Assessment) -> list[tuple[str, str]]:
    labels = dict(EntitlementPath.choices)
    return [(code, str(labels.get(code, code))) for code in assessment.open_paths]


@requires("participants.view")
def finder_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    form = FinderFilterForm(request.GET or None)
    category = field_of_action = ""
    if form.is_bound and form.is_valid():
        category = form.cleaned_data["category"]
        field_of_action = form.cleaned_data["field_of_action"]
    result = find_offers(participant, category=category, field_of_action=field_of_action)
    may_enrol = actor.has_perm("offers.enrol")
    eligible = [
        {
            "row": row,
            "reasons": [reason_text(r) for r in row.assessment.reasons],
            "paths": _path_choices(row.assessment),
            "percent": round(row.assessment.score * 100),
        }
        for row in result.eligible
    ]
    excluded = [
        {
            "row": row,
            "problems": [str(finder.MESSAGES[code]) for code in row.assessment.problems],
            "percent": round(row.assessment.score * 100),
        }
        for row in result.excluded
    ]
    log_read(
        actor,
        participant,
        action="offer.finder_used",
        data={
            "category": category,
            "field": field_of_action,
            "eligible": result.eligible_total,
            "excluded": result.excluded_total,
            "shown": [row.offer.pk for row in result.eligible],
        },
    )
    context: dict[str, Any] = {
        "participant": participant,
        "form": form,
        "person": _person_summary(result.person),
        "has_plan": bool(result.person.goal_domains or result.person.need_domains),
        "eligible": eligible,
        "excluded": excluded,
        "eligible_total": result.eligible_total,
        "excluded_total": result.excluded_total,
        "may_enrol": may_enrol,
        "back": request.get_full_path(),
    }
    return render(request, "offers/finder.html", context)


@requires("offers.enrol")
@require_POST
def finder_enrol(request: HttpRequest, participant_id: int, offer_id: int) -> HttpResponse:
    actor = _actor(request)
    participant = get_own_participant_for(actor, participant_id)
    offer = get_offer_for(actor, offer_id)
    form = FinderEnrolForm(request.POST)
    back = reverse("offers:finder", kwargs={"participant_id": participant.pk})
    if not form.is_valid():
        messages.error(request, _("The enrolment could not be read. Please try again."))
        return redirect(back)
    wanted = form.cleaned_data.get("back") or ""
    if (
        wanted
        and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        and wanted.startswith(back)
    ):
        back = wanted
    session = None
    if offer.is_per_session:
        if not form.cleaned_data.get("session"):
            messages.error(request, _("Choose the date."))
            return redirect(back)
        session = get_session_for(actor, offer, form.cleaned_data["session"])
    try:
        enrolment = services.enrol_participant(
            actor, offer, participant, session=session, path=form.cleaned_data.get("path") or ""
        )
    except OfferError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    title = offer.display_title
    if enrolment.status == EnrolmentStatus.ENROLLED:
        messages.success(
            request, _("%(name)s has a seat in “%(title)s”.") % {"name": participant.full_name, "title": title}
        )
    elif offer.allocates_seats:
        messages.info(
            request,
            _("%(name)s is registered for the seat allocation of “%(title)s”.")
            % {"name": participant.full_name, "title": title},
        )
    else:
        messages.warning(
            request,
            _("All seats of “%(title)s” are taken: %(name)s is number %(position)d on the waiting list.")
            % {"name": participant.full_name, "title": title, "position": waiting_position(enrolment) or 0},
        )
    return redirect(back)
