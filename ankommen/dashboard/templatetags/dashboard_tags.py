"""Template filters of the dashboard: labels of codes and looking up a cell by key."""

from __future__ import annotations

from typing import Any

from django import template

from ankommen.dashboard.choices import value_label

register = template.Library()


@register.filter
def dictget(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def field_label(code: str) -> str:
    return value_label("field", code) if code else ""


@register.filter
def row_label(report: Any, value: str) -> str:
    return str(report.row_label(value))


@register.filter
def language_label(code: str) -> str:
    return value_label("language", code)


@register.filter
def status_group_label(code: str) -> str:
    return value_label("status_group", code)
