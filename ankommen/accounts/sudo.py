"""Sudo mode (healthchecks): dangerous actions need a fresh re-authentication.

Decorate a view with ``@sudo_required`` (below its access declaration). If the
user has not re-entered their password (and, where enforced, a current second
factor) within ``SUDO_MODE_SECONDS``, they are sent to the re-authentication page
and come back afterwards. Used before exports, erasure and role changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SUDO_SESSION_KEY = "sudo_until"
F = TypeVar("F", bound=Callable[..., Any])


def is_sudo(request: HttpRequest) -> bool:
    until = request.session.get(SUDO_SESSION_KEY)
    return isinstance(until, int | float) and until > time.time()


def grant_sudo(request: HttpRequest) -> None:
    request.session[SUDO_SESSION_KEY] = time.time() + settings.SUDO_MODE_SECONDS


def revoke_sudo(request: HttpRequest) -> None:
    request.session.pop(SUDO_SESSION_KEY, None)


def sudo_required(view: F) -> F:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_sudo(request):
            return view(request, *args, **kwargs)
        # For a POST the form is re-displayed after re-authentication (the user submits again).
        next_url = request.get_full_path() if request.method == "GET" else request.META.get("HTTP_REFERER", "/")
        return redirect(reverse("accounts:reauthenticate") + "?" + urlencode({"next": next_url}))

    wrapper.sudo_required = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
