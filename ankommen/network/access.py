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
from django.http import Http404

from ankommen.network.roles import PERMISSIONS

if TYPE_CHECKING:
    from ankommen.network.models import Membership, Organisation

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


def get_organisation_for(actor: Membership, organisation_id: int, *, write: bool = False) -> Organisation:
    """An organisation of the actor's network; 404 for other networks, 403 to change without right."""
    from ankommen.network.models import Organisation

    try:
        organisation = Organisation.objects.get(network=actor.network_id, pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not actor.has_perm("network.view_directory"):
        raise Http404
    if write and not actor.has_perm("network.manage_organisations"):
        raise PermissionDenied
    return organisation
