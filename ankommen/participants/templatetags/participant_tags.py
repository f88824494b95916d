"""Small display helpers for participant pages."""

from __future__ import annotations

from typing import Any

from django import template

from ankommen.participants.choices import CEFR, Vulnerability

register = template.Library()

# BCP 47 tags for names in an original script: the language is not known, the script is.
SCRIPT_LANG = {"arab": "und-Arab", "cyrl": "und-Cyrl", "ethi": "und-Ethi", "latn": "und-Latn"}


@register.filter
def script_lang(script: str) -> str:
    """The ``lang`` value for a name written in ``script`` ("" if unknown)."""
    return SCRIPT_LANG.get(script or "", "")


@register.filter
def cefr(level: str) -> str:
    return str(CEFR(level).label) if level in CEFR.values and level else "–"


@register.filter
def vulnerability_labels(codes: Any) -> list[str]:
    return [str(Vulnerability(code).label) for code in codes or [] if code in Vulnerability.values]
