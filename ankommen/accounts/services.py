from __future__ import annotations

from django.conf import settings
from django.db import transaction

from ankommen.accounts.models import User
from ankommen.audit.services import log_action


def change_language(user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")
    if user.preferred_language == language:
        return
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        log_action(user, "account.language_changed", user, data={"language": language})
