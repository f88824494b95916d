"""Views of the network app. Thin: one access call, one service call, render or redirect.

Domain errors (``NetworkError``) become form errors or messages. Role changes, invitations
and (de)activations need a fresh re-authentication (``sudo_required``).
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ankommen.accounts.models import User
from ankommen.accounts.sudo import sudo_required
from ankommen.network import services
from ankommen.network.access import (
    get_invitation_by_token,
    get_invitation_for,
    get_membership_for,
    get_organisation_for,
    get_own_membership_for,
    get_user_for,
    invitations_visible_to,
    login_only,
    memberships_visible_to,
    public,
    requires,
)
from ankommen.network.forms import AcceptInvitationForm, AssignRoleForm, ConfirmForm, InviteForm, OrganisationForm
from ankommen.network.models import Invitation, InvitationState, Membership, Organisation
from ankommen.network.roles import ROLE_ORGANISATION_TYPES, OrganisationType, Role
from ankommen.network.rules import check_rule
from ankommen.network.services import NetworkError


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _posted(request: HttpRequest) -> QueryDict | None:
    """Form data for a POST (even an empty one, e.g. a confirmation), None for a GET."""
    return request.POST if request.method == "POST" else None


def _error_messages(request: HttpRequest, exc: NetworkError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _role_overview() -> list[tuple[str, list[str]]]:
    """Which role fits which organisation type (from roles.py), shown next to role forms."""
    return [
        (str(Role(role).label), sorted(str(OrganisationType(t).label) for t in ROLE_ORGANISATION_TYPES[role]))
        for role in Role.values
    ]


def _active_organisations(actor: Membership) -> QuerySet[Organisation]:
    return Organisation.objects.filter(network=actor.network_id, is_active=True).order_by("name")


# --- directory (every member) ---------------------------------------------------------


@requires("network.view_directory")
def directory(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    organisations = Organisation.objects.filter(network=actor.network_id, is_active=True).order_by("name")
    return render(request, "network/directory.html", {"organisations": organisations})


@requires("network.view_directory")
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = _actor(request)
    organisation = get_organisation_for(actor, organisation_id)
    may_change = check_rule("network.change_organisation", actor, organisation)
    return render(request, "network/organisation_detail.html", {"organisation": organisation, "may_change": may_change})


# --- managing organisations -----------------------------------------------------------


@requires("network.manage_organisations")
def manage_organisations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    organisations = (
        Organisation.objects.filter(network=actor.network_id)
        .annotate(active_members=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("-is_active", "name")
    )
    return render(request, "network/organisation_manage.html", {"organisations": organisations})


@requires("network.manage_organisations")
def create_organisation(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(actor, form.organisation_data())
        except NetworkError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The organisation “%(name)s” has been added.") % {"name": organisation.name})
            return redirect("network:manage_organisations")
    return render(request, "network/organisation_form.html", {"form": form, "organisation": None})


@requires("network.manage_organisations")
def edit_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = _actor(request)
    organisation = get_organisation_for(actor, organisation_id, write=True)
    if request.method == "POST":
        form = OrganisationForm(request.POST, with_version=True)
        if form.is_valid():
            try:
                services.update_organisation(
                    actor, organisation, form.organisation_data(), version=form.cleaned_data["version"]
                )
            except NetworkError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The changes have been saved."))
                return redirect("network:manage_organisations")
    else:
        form = OrganisationForm(initial=OrganisationForm.initial_for(organisation), with_version=True)
    return render(request, "network/organisation_form.html", {"form": form, "organisation": organisation})


@requires("network.manage_organisations")
@require_POST
@sudo_required
def deactivate_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = _actor(request)
    organisation = get_organisation_for(actor, organisation_id, write=True)
    try:
        services.deactivate_organisation(actor, organisation)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("“%(name)s” has been deactivated. Its members can no longer work in the network.")
            % {"name": organisation.name},
        )
    return redirect("network:manage_organisations")


@requires("network.manage_organisations")
@require_POST
@sudo_required
def reactivate_organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = _actor(request)
    organisation = get_organisation_for(actor, organisation_id, write=True)
    try:
        services.reactivate_organisation(actor, organisation)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("“%(name)s” is active again.") % {"name": organisation.name})
    return redirect("network:manage_organisations")


# --- members, invitations and roles ---------------------------------------------------


MEMBERS_PAGE_SIZE = 50


@requires("network.view_members")
def members(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    memberships = (
        memberships_visible_to(actor)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "role")
    )
    invitations = (
        invitations_visible_to(actor)
        .filter(accepted_at=None, revoked_at=None)
        .select_related("organisation")
        .order_by("-created_at")
    )
    page = Paginator(memberships, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "memberships": page,
        "page": page,
        "invitations": [
            (invitation, invitation.state_at(now) == InvitationState.EXPIRED) for invitation in invitations
        ],
        "may_manage": actor.has_perm("network.manage_members"),
    }
    return render(request, "network/members.html", context)


@requires("network.manage_members")
@sudo_required
def invite(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = InviteForm(
        _posted(request),
        organisations=_active_organisations(actor),
        initial={"language": translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_user(
                actor,
                organisation=form.cleaned_data["organisation"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                language=form.cleaned_data["language"],
            )
        except NetworkError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The invitation has been sent to %(email)s.") % form.cleaned_data)
            return redirect("network:members")
    context = {"form": form, "role_overview": _role_overview(), "invitation_days": settings.INVITATION_DAYS}
    return render(request, "network/invite.html", context)


@requires("network.manage_members")
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = _actor(request)
    invitation = get_invitation_for(actor, invitation_id, write=True)
    try:
        services.revoke_invitation(actor, invitation)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("The invitation has been withdrawn; its link no longer works."))
    return redirect("network:members")


@requires("network.view_members")
def member_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    person = get_user_for(actor, user_id)
    memberships = (
        memberships_visible_to(actor)
        .filter(user=person)
        .select_related("organisation")
        .order_by("-is_active", "organisation__name", "role")
    )
    may_manage = check_rule("network.manage_user", actor, person)
    services.log_user_viewed(actor, person)
    context = {
        "person": person,
        "memberships": memberships,
        "may_manage": may_manage,
        "form": AssignRoleForm(organisations=_active_organisations(actor)) if may_manage else None,
        "role_overview": _role_overview() if may_manage else None,
    }
    return render(request, "network/member_detail.html", context)


@requires("network.manage_members")
@require_POST
@sudo_required
def assign_role(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    person = get_user_for(actor, user_id, write=True)
    form = AssignRoleForm(request.POST, organisations=_active_organisations(actor))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("network:member", user_id=person.pk)
    try:
        membership = services.assign_role(
            actor, person, organisation=form.cleaned_data["organisation"], role=form.cleaned_data["role"]
        )
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Role “%(role)s” at %(organisation)s assigned.")
            % {"role": membership.get_role_display(), "organisation": membership.organisation},
        )
    return redirect("network:member", user_id=person.pk)


@requires("network.manage_members")
@require_POST
@sudo_required
def revoke_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _actor(request)
    membership = get_membership_for(actor, membership_id, write=True)
    try:
        services.revoke_role(actor, membership)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Role “%(role)s” at %(organisation)s revoked.")
            % {"role": membership.get_role_display(), "organisation": membership.organisation},
        )
    return redirect("network:member", user_id=membership.user_id)


@requires("network.manage_members")
@require_POST
@sudo_required
def deactivate_user(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    person = get_user_for(actor, user_id, write=True)
    try:
        services.deactivate_user(actor, person)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("The account has been deactivated and its sessions have been ended."))
    return redirect("network:member", user_id=person.pk)


@requires("network.manage_members")
@require_POST
@sudo_required
@never_cache
def reset_second_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    """Reset a lost second factor and show the one-time reset code once (not stored anywhere readable)."""
    actor = _actor(request)
    person = get_user_for(actor, user_id, write=True)
    try:
        code = services.reset_second_factor(actor, person)
    except NetworkError as exc:
        _error_messages(request, exc)
        return redirect("network:member", user_id=person.pk)
    return render(request, "network/second_factor_reset.html", {"person": person, "code": code})


@requires("network.manage_members")
@require_POST
@sudo_required
def reactivate_user(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    person = get_user_for(actor, user_id, write=True)
    try:
        services.reactivate_user(actor, person)
    except NetworkError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, _("The account is active again."))
    return redirect("network:member", user_id=person.pk)


# --- the invitee's page (public) and the membership switcher ---------------------------


def _invalid_invitation(request: HttpRequest) -> HttpResponse:
    """Unknown, expired, used or withdrawn: one answer for all, so the page reveals nothing."""
    return render(request, "network/invitation_invalid.html", {"message": services.INVALID_INVITATION}, status=404)


@public
@never_cache
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_invitation_by_token(token)
    if invitation is None or not invitation.is_open or not invitation.organisation.is_active:
        return _invalid_invitation(request)
    # The page speaks the language chosen for the invitee, unless they picked one themselves.
    chosen = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.user.is_authenticated
    with translation.override(translation.get_language() if chosen else invitation.language):
        return _accept_invitation(request, token, invitation)


def _accept_invitation(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    has_account = services.account_exists_for(invitation)
    form_class = ConfirmForm if has_account else AcceptInvitationForm
    form = form_class(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.accept_invitation(
                token,
                full_name=form.cleaned_data.get("full_name", ""),
                password=form.cleaned_data.get("password", ""),
            )
        except NetworkError as exc:
            if getattr(exc, "code", None) == "invalid_invitation":
                return _invalid_invitation(request)
            form.add_error(None, exc)
        else:
            if request.user.is_authenticated and request.user.pk == membership.user_id:
                messages.success(request, _("Your new role has been added. You can switch to it at the top."))
                return redirect("core:home")
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request,
                _("Welcome! Your access has been set up. Please log in now; then set up two-factor authentication."),
            )
            return redirect("accounts:login")
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    return render(request, "network/accept_invitation.html", context)


@login_only
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    try:
        membership_id = int(request.POST.get("membership", ""))
    except ValueError:
        raise Http404 from None
    membership = get_own_membership_for(cast(User, request.user), membership_id)  # login_only: a User
    services.switch_membership(membership, request.session)
    messages.success(
        request,
        _("You are now working as %(role)s at %(organisation)s.")
        % {"role": membership.get_role_display(), "organisation": membership.organisation},
    )
    return redirect("core:home")
