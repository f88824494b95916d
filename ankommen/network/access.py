"""Declaring and checking access.

Every view declares who may call it with exactly one of the decorators below.
``AccessMiddleware`` refuses any view without a declaration (deny by default),
and the permission-matrix test fails for a URL without an expectation.

Protected objects are fetched only through ``get_*_for`` helpers: an object of
another network or outside the caller's reach answers 404, a visible object the
caller may not change answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django_scopes import scopes_disabled

from ankommen.network.roles import PERMISSIONS

if TYPE_CHECKING:
    from ankommen.accounts.models import User
    from ankommen.network.models import Invitation, Membership, Organisation

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    public: bool = False  # no login needed (login page, health check, static pages)
    login_only: bool = False  # logged in, no membership needed (language, own profile, 2FA set-up)
    permission: str | None = None  # membership with this permission
    allow_unverified: bool = False  # reachable before the second factor is verified


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        view_class = getattr(view, "view_class", None)
        if view_class is not None:
            view_class.access_rule = rule
        return view

    return decorator


def public(view: F) -> F:
    return _declare(AccessRule(public=True))(view)


def login_only(view: F | None = None, *, allow_unverified: bool = False) -> Any:
    rule = AccessRule(login_only=True, allow_unverified=allow_unverified)
    if view is None:
        return _declare(rule)
    return _declare(rule)(view)


def requires(permission: str) -> Callable[[F], F]:
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: add it to ankommen/network/roles.py")
    return _declare(AccessRule(permission=permission))


def object_page(view: F) -> F:
    """Any membership reaches the view; its ``get_*_for`` helper then answers 404 for whoever may
    not see the object. For pages of one protected object (a participant), so that roles without
    the right get the same 404 as staff of another organisation: no hint which pages exist."""
    return _declare(AccessRule())(view)


def access_rule_of(view_func: Callable[..., Any]) -> AccessRule | None:
    for candidate in (
        view_func,
        getattr(view_func, "view_class", None),
        getattr(view_func, "cls", None),  # Django REST framework
    ):
        rule = getattr(candidate, "access_rule", None)
        if isinstance(rule, AccessRule):
            return rule
    return None


def require_perm(actor: Membership, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied


def _deny(actor: Membership, rule: str, obj: Any, *, write_rule: str | None) -> None:
    """404 if the actor may not see ``obj``; 403 if it may see but not change it."""
    from ankommen.network.rules import check_rule

    if not check_rule(rule, actor, obj):
        raise Http404
    if write_rule is not None and not check_rule(write_rule, actor, obj):
        raise PermissionDenied


def get_organisation_for(actor: Membership, organisation_id: int, *, write: bool = False) -> Organisation:
    """An organisation of the actor's network; 404 for other networks, 403 to change without right."""
    from ankommen.network.models import Organisation

    try:
        organisation = Organisation.objects.get(network=actor.network_id, pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny(
        actor,
        "network.view_organisation",
        organisation,
        write_rule="network.change_organisation" if write else None,
    )
    return organisation


def get_membership_for(actor: Membership, membership_id: int, *, write: bool = False) -> Membership:
    """A membership the actor may see (team leads: own organisation only); 403 to change without right."""
    from ankommen.network.models import Membership

    try:
        membership = Membership.objects.select_related("user", "organisation").get(
            network=actor.network_id, pk=membership_id
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny(actor, "network.view_membership", membership, write_rule="network.manage_membership" if write else None)
    return membership


def get_user_for(actor: Membership, user_id: int, *, write: bool = False) -> User:
    """A user who holds (or held) a membership in the actor's network and whom the actor may see."""
    from ankommen.accounts.models import User

    try:
        user = User.objects.filter(pk=user_id, memberships__network=actor.network_id).distinct().get()
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny(actor, "network.view_user", user, write_rule="network.manage_user" if write else None)
    return user


def get_invitation_for(actor: Membership, invitation_id: int, *, write: bool = False) -> Invitation:
    """An invitation of the actor's network; only those who manage members see invitations."""
    from ankommen.network.models import Invitation

    try:
        invitation = Invitation.objects.select_related("organisation").get(network=actor.network_id, pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny(actor, "network.view_invitation", invitation, write_rule="network.manage_invitation" if write else None)
    return invitation


def get_own_membership_for(user: User, membership_id: int) -> Membership:
    """One of the user's own usable memberships (any network), for switching; 404 otherwise."""
    from ankommen.network.models import Membership

    with scopes_disabled():
        try:
            return Membership.objects.select_related("network", "organisation").get(
                pk=membership_id, user=user.pk, is_active=True, organisation__is_active=True
            )
        except (Membership.DoesNotExist, ValueError, TypeError):
            raise Http404 from None


def get_invitation_by_token(token: str) -> Invitation | None:
    """The invitation a one-time link points to, in whatever state; None for an unknown token.

    Public: the invitee has no membership yet, so the lookup runs outside the tenant scope
    and matches only the hash of the token.
    """
    from ankommen.network.models import Invitation
    from ankommen.network.tokens import hash_token

    if not token or len(token) > 200:
        return None
    with scopes_disabled():
        return Invitation.objects.select_related("network", "organisation").filter(token_hash=hash_token(token)).first()


def memberships_visible_to(actor: Membership) -> QuerySet[Membership]:
    """The list counterpart of the rule ``network.view_membership`` (kept in step by a test)."""
    from ankommen.network.models import Membership
    from ankommen.network.rules import is_team_lead, may_view_members, sees_all_members

    memberships = Membership.objects.filter(network=actor.network_id)
    if not may_view_members.test(actor):
        return memberships.none()
    if sees_all_members.test(actor):
        return memberships
    if is_team_lead.test(actor):
        return memberships.filter(organisation=actor.organisation_id)
    return memberships.none()


def invitations_visible_to(actor: Membership) -> QuerySet[Invitation]:
    """The list counterpart of the rule ``network.view_invitation``."""
    from ankommen.network.models import Invitation
    from ankommen.network.rules import may_manage_members

    invitations = Invitation.objects.filter(network=actor.network_id)
    return invitations if may_manage_members.test(actor) else invitations.none()
