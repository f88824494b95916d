"""The start page is assembled from panels, per role.

A panel is a template plus an optional function that supplies its context.
Later issues register their panels (e.g. "my work" for case managers) here.
Panels must keep their query count bounded (asserted in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from ankommen.network.roles import Role


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest], dict[str, Any]] | None = None
    roles: frozenset[str] = field(default_factory=lambda: frozenset(Role.values))


PANELS: list[Panel] = [
    Panel("core/panels/welcome.html"),
    Panel("core/panels/quick_links.html"),
]


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    membership = request.membership  # type: ignore[attr-defined]
    result = []
    for panel in PANELS:
        if membership.role not in panel.roles:
            continue
        context = panel.context(request) if panel.context else {}
        result.append({"template": panel.template, **context})
    return result
