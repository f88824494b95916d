from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ankommen.accounts.lockout import mask_login
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
    # The attempted e-mail is personal data: only a masked form enters the log. A failed login of an
    # existing account is logged in that account's networks (as target), so their DPOs see attacks.
    from ankommen.accounts.models import User

    attempted = str(credentials.get("username", "")).strip()
    account = User.objects.filter(email__iexact=attempted).first() if attempted else None
    log_action(None, "account.login_failed", account, actor_label=mask_login(attempted))


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    from ankommen.accounts.services import record_lockout

    # Axes signals on the failure that reaches the limit and on every attempt during the lockout.
    failures = getattr(request, "axes_failures_since_start", None)
    limit = settings.AXES_FAILURE_LIMIT
    repeated = not (isinstance(failures, int) and isinstance(limit, int) and failures <= limit)
    record_lockout(str(username or ""), repeated=repeated)
