from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The integrity check's problem codes (ankommen.audit.verify.REASONS), for the screen.
PROBLEM_TEXT = {
    "missing_before": _("An entry is missing before this one."),
    "duplicate_seq": _("A second entry carries this sequence number (inserted)."),
    "link_broken": _("The link to the previous entry is broken."),
    "content_changed": _("The content of this entry was changed."),
    "wrong_chain": _("The entry does not belong to this network's chain."),
    "missing_at_end": _("Entries are missing at the end of the log."),
    "beyond_head": _("There are entries after the recorded end of the log (inserted)."),
    "head_mismatch": _("The last entry does not match the recorded end of the log."),
    "head_missing": _("The recorded end of the log is missing."),
}


@register.filter
def problem_text(code: str) -> str:
    return str(PROBLEM_TEXT.get(code, code))


@register.filter
def data_items(data: Any) -> list[tuple[str, str]]:
    """The (masked) data of an entry as key/value pairs; nested values as compact JSON."""
    if not isinstance(data, dict):
        return []
    return [
        (str(key), value if isinstance(value, str) else json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))
        for key, value in sorted(data.items())
    ]
