"""Small helpers for the network tests."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from django.core import mail
from django.test import Client
from django_scopes import scopes_disabled

from ankommen.accounts.sudo import SUDO_SESSION_KEY
from ankommen.audit.models import AuditEntry

_TOKEN = re.compile(r"/network/invitation/([A-Za-z0-9_\-]+)/")


def grant_sudo(client: Client) -> Client:
    """As if the user had just re-entered their password (the re-auth page is another app's)."""
    session = client.session
    session[SUDO_SESSION_KEY] = time.time() + 600
    session.save()
    return client


def audit(action: str, **filters: Any) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def audit_text(entry: AuditEntry) -> str:
    """Everything an entry stores, as one string (to assert that no name or e-mail is in it)."""
    return json.dumps([entry.data, entry.subject, entry.target_id, entry.target_type])


def token_from_last_mail() -> str:
    match = _TOKEN.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)
