"""How django-axes sees our logins (throttling and temporary lockout).

Axes counts failed logins per (e-mail address, client address) and locks the pair
for ``AXES_COOLOFF_TIME`` after ``AXES_FAILURE_LIMIT`` failures. The hooks below
are wired in settings:

- ``username_for_axes``: e-mail addresses are case-insensitive logins, so the
  attempted address is normalised; otherwise ``Alice@…`` and ``alice@…`` would
  count separately and the limit could be walked around.
- ``client_str_for_axes``: what axes writes to the application log. The e-mail
  address is personal data and appears only masked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def normalise_login(value: object) -> str:
    return str(value or "").strip().lower()


def mask_login(value: object) -> str:
    """``alice@example.org`` → ``al…@example.org``; never the full address."""
    attempted = normalise_login(value)
    if "@" not in attempted:
        return "…"
    return attempted[:2] + "…@" + attempted.rsplit("@", 1)[-1]


def username_for_axes(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    if credentials:
        return normalise_login(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    data = getattr(request, "POST", None) or {}
    return normalise_login(data.get(settings.AXES_USERNAME_FORM_FIELD))


def client_str_for_axes(username: str, ip_address: str, user_agent: str, path_info: Any, request: Any) -> str:
    if isinstance(path_info, tuple | list):
        path_info = path_info[0] if path_info else ""
    return f'{{username: "{mask_login(username)}", ip_address: "{ip_address}", path_info: "{path_info}"}}'
