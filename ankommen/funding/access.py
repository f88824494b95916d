"""Who may see and change which funding records.

Applicants (``funding.apply``: staff of clubs, migrant organisations, volunteer initiatives)
see their own organisation's applications and verification; the integration centre's staff
(``funding.review``) see every submitted application of the network, never the drafts. Anyone
else, inside the network or not, gets 404 for an application's pages (never a hint that it
exists); a visible application answers 403 to a change the actor may not make (a reviewer
editing the applicant's measures, an applicant deciding).

``visible_applications`` is the list counterpart of the rule ``funding.view_application`` (kept
in step by a test). Programme set-up (years, modules, flat rates, calls) belongs to
``funding.manage``; applicants see the calls and the flat rates of the years they can apply in.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ankommen.funding.choices import State
from ankommen.funding.models import (
    Application,
    Attachment,
    Call,
    FlatRate,
    FundingYear,
    InfoRequest,
    Material,
    Measure,
    Module,
    OrganisationProfile,
    Payment,
    Session,
)
from ankommen.funding.rules import check_funding_rule
from ankommen.network.models import Membership

REVIEW = "review"
WORK = "work"
DECIDE = "decide"
SECOND = "second"
PAY = "pay"
_RULES = {
    REVIEW: "funding.review_application",
    WORK: "funding.work_on_application",
    DECIDE: "funding.decide_application",
    SECOND: "funding.second_approval",
    PAY: "funding.pay",
}


def is_reviewer(actor: Membership) -> bool:
    return actor.is_active and actor.has_perm("funding.review")


def is_applicant(actor: Membership) -> bool:
    return actor.is_active and actor.has_perm("funding.apply")


def visible_applications(actor: Membership) -> QuerySet[Application]:
    applications = Application.objects.filter(network=actor.network_id)
    condition = Q(pk__in=[])
    if is_applicant(actor):
        condition |= Q(organisation=actor.organisation_id)
    if is_reviewer(actor):
        condition |= ~Q(state=State.DRAFT)
    return applications.filter(condition)


def get_application_for(actor: Membership, application_id: int | str, *, need: str | None = None) -> Application:
    """An application the actor may see (404 otherwise); with ``need`` (``WORK``, ``REVIEW``,
    ``DECIDE``, ``SECOND``, ``PAY``) one the actor may act on that way (403 otherwise)."""
    try:
        application = (
            visible_applications(actor)
            .select_related("organisation", "year__programme", "call", "first_approver", "second_approver")
            .get(pk=int(application_id))
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_funding_rule("funding.view_application", actor, application):
        raise Http404
    if need is not None and not check_funding_rule(_RULES[need], actor, application):
        raise PermissionDenied
    return application


def _child_application(actor: Membership, application: Application, need: str | None) -> Application:
    if not check_funding_rule("funding.view_application", actor, application):
        raise Http404
    if need is not None and not check_funding_rule(_RULES[need], actor, application):
        raise PermissionDenied
    return application


def get_measure_for(actor: Membership, measure_id: int | str, *, need: str | None = None) -> Measure:
    try:
        measure = (
            Measure.objects.filter(network=actor.network_id, application__in=visible_applications(actor))
            .select_related("application__organisation", "application__year", "module")
            .get(pk=int(measure_id))
        )
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _child_application(actor, measure.application, need)
    return measure


def get_session_for(actor: Membership, session_id: int | str, *, need: str | None = None) -> Session:
    try:
        session = (
            Session.objects.filter(network=actor.network_id, measure__application__in=visible_applications(actor))
            .select_related("measure__application__organisation")
            .get(pk=int(session_id))
        )
    except (Session.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _child_application(actor, session.measure.application, need)
    return session


def get_material_for(actor: Membership, material_id: int | str, *, need: str | None = None) -> Material:
    try:
        material = (
            Material.objects.filter(network=actor.network_id, measure__application__in=visible_applications(actor))
            .select_related("measure__application__organisation")
            .get(pk=int(material_id))
        )
    except (Material.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _child_application(actor, material.measure.application, need)
    return material


def get_request_for(actor: Membership, request_id: int | str, *, need: str | None = None) -> InfoRequest:
    try:
        info = (
            InfoRequest.objects.filter(network=actor.network_id, application__in=visible_applications(actor))
            .select_related("application__organisation")
            .get(pk=int(request_id))
        )
    except (InfoRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _child_application(actor, info.application, need)
    return info


def get_payment_for(actor: Membership, payment_id: int | str) -> Payment:
    try:
        payment = Payment.objects.select_related("application").get(network=actor.network_id, pk=int(payment_id))
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _child_application(actor, payment.application, PAY)
    return payment


# --- organisation verification --------------------------------------------------------------------


def visible_profiles(actor: Membership) -> QuerySet[OrganisationProfile]:
    profiles = OrganisationProfile.objects.filter(network=actor.network_id)
    if is_reviewer(actor):
        return profiles
    if is_applicant(actor):
        return profiles.filter(organisation=actor.organisation_id)
    return profiles.none()


def get_profile_for(actor: Membership, profile_id: int | str, *, check: bool = False) -> OrganisationProfile:
    """An organisation's verification the actor may see; with ``check`` one it may verify (403)."""
    try:
        profile = visible_profiles(actor).select_related("organisation").get(pk=int(profile_id))
    except (OrganisationProfile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_funding_rule("funding.view_profile", actor, profile):
        raise Http404
    if check and not check_funding_rule("funding.check_profile", actor, profile):
        raise PermissionDenied
    return profile


def own_profile(actor: Membership) -> OrganisationProfile | None:
    return OrganisationProfile.objects.filter(network=actor.network_id, organisation=actor.organisation_id).first()


# --- attachments ----------------------------------------------------------------------------------


def get_attachment_for(actor: Membership, attachment_id: int | str, *, delete: bool = False) -> Attachment:
    """An attachment of a visible application or verification; with ``delete`` one the actor may
    remove (the applicant's own organisation only; 403 for reviewers)."""
    try:
        attachment = (
            Attachment.objects.select_related("application", "profile", "measure", "session")
            .filter(network=actor.network_id)
            .get(pk=int(attachment_id))
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if attachment.application_id is not None:
        _child_application(actor, attachment.application, WORK if delete else None)  # type: ignore[arg-type]
    else:
        profile = attachment.profile
        if profile is None or not check_funding_rule("funding.view_profile", actor, profile):
            raise Http404
        if delete and not check_funding_rule("funding.edit_profile", actor, profile):
            raise PermissionDenied
    return attachment


# --- programme set-up -----------------------------------------------------------------------------


def may_manage(actor: Membership) -> bool:
    return actor.is_active and actor.has_perm("funding.manage")


def get_year_for(actor: Membership, year_id: int | str) -> FundingYear:
    """A funding year of the actor's network (its set-up pages need ``funding.manage``)."""
    if not (may_manage(actor) or is_reviewer(actor)):
        raise Http404
    try:
        return FundingYear.objects.select_related("programme").get(network=actor.network_id, pk=int(year_id))
    except (FundingYear.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_module_for(actor: Membership, module_id: int | str) -> Module:
    if not may_manage(actor):
        raise Http404
    try:
        return Module.objects.select_related("year").get(network=actor.network_id, pk=int(module_id))
    except (Module.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_rate_for(actor: Membership, rate_id: int | str) -> FlatRate:
    if not may_manage(actor):
        raise Http404
    try:
        return FlatRate.objects.select_related("module__year").get(network=actor.network_id, pk=int(rate_id))
    except (FlatRate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_call_for(actor: Membership, call_id: int | str, *, manage: bool = False) -> Call:
    """A call of the network: to apply (applicants) or to change (``manage``: set-up staff)."""
    if manage and not may_manage(actor):
        raise Http404
    if not manage and not is_applicant(actor):
        raise Http404
    try:
        return Call.objects.select_related("year__programme").get(network=actor.network_id, pk=int(call_id))
    except (Call.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
