"""Registry of audit action codes and their human-readable text.

Codes are namespaced (``case.closed``). Each app declares its codes in its own
``audit_actions.py`` as ``ACTIONS = {code: gettext_lazy(text)}``; an unknown code
passed to ``log_action`` raises, so the DPO's screen never shows an unexplained code.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise

_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
ACTIONS: dict[str, Promise | str] = {}


def register_actions(actions: dict[str, Promise | str]) -> None:
    for code, text in actions.items():
        if not _CODE.match(code):
            raise ValueError(f"Audit action code {code!r} is not namespaced like 'case.closed'")
        if code in ACTIONS and ACTIONS[code] != text:
            raise ValueError(f"Audit action code {code!r} is registered twice")
        ACTIONS[code] = text


def action_text(code: str) -> str:
    return str(ACTIONS.get(code, code))
