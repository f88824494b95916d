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


def _my_work(request: HttpRequest) -> dict[str, Any]:
    from ankommen.cases.my_work import my_work_panel

    return my_work_panel(request)


PANELS: list[Panel] = [
    Panel("core/panels/welcome.html"),
    Panel("core/panels/quick_links.html"),
    # Case management (issue [C]): due tasks, appointments, expiring documents, age limits.
    Panel("cases/panels/my_work.html", _my_work, frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD})),
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
