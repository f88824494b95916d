from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ankommen.audit.services import log_action


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_action(user, "account.logged_in", user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_action(user, "account.logged_out", user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted e-mail is personal data: only a masked form enters the log.
    attempted = str(credentials.get("username", ""))
    masked = (attempted[:2] + "…@" + attempted.split("@")[-1]) if "@" in attempted else "…"
    log_action(None, "account.login_failed", actor_label=masked)
