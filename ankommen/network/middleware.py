"""Deny by default, and activate the tenant scope for the request.

For every request the active membership (user × organisation × role) is resolved
and the network's scope is activated with django-scopes, so that a query on a
network table that forgets the tenant raises instead of leaking. Every view must
carry an access declaration (``ankommen.network.access``); undeclared views
answer 403.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from ankommen.network.access import access_rule_of
from ankommen.network.models import Membership

logger = logging.getLogger(__name__)

SESSION_MEMBERSHIP_KEY = "active_membership_id"


def usable_memberships_for(request: HttpRequest) -> list[Membership]:
    """The user's memberships that grant access now (active, in an active organisation)."""
    user = request.user
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation", "network")
            .order_by("pk")
        )


def active_membership_for(request: HttpRequest, memberships: list[Membership] | None = None) -> Membership | None:
    """The membership chosen in this session (switcher), else the user's first usable one."""
    if memberships is None:
        memberships = usable_memberships_for(request)
    wanted = request.session.get(SESSION_MEMBERSHIP_KEY) if memberships else None
    if wanted is not None:
        chosen = next((m for m in memberships if m.pk == wanted), None)
        if chosen is not None:
            return chosen
    return memberships[0] if memberships else None


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        memberships = usable_memberships_for(request)
        membership = active_membership_for(request, memberships)
        # All usable memberships, for the switcher in the header (shown when there are several).
        request.usable_memberships = memberships  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        request.network = membership.network if membership else None  # type: ignore[attr-defined]
        if membership is not None:
            with scope(network=membership.network_id):
                return self.get_response(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        rule = access_rule_of(view_func)
        is_api = request.path.startswith("/api/")
        if rule is None:
            logger.error("Denied %s: view %r declares no access rule", request.path, view_func)
            raise PermissionDenied
        if rule.public:
            return None
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": "Authentication required."}, status=401)
            return redirect_to_login(request.get_full_path())
        if settings.OTP_REQUIRED and not rule.allow_unverified and not getattr(user, "is_verified", lambda: False)():
            if is_api:
                return JsonResponse({"detail": "Two-factor authentication required."}, status=403)
            return redirect(reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()}))
        if rule.login_only:
            return None
        membership: Membership | None = request.membership  # type: ignore[attr-defined]
        if membership is None:
            raise PermissionDenied
        if rule.permission and not membership.has_perm(rule.permission):
            raise PermissionDenied
        return None
