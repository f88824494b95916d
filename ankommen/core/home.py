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

from ankommen.network.roles import ROLE_PERMISSIONS, Role


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest], dict[str, Any]] | None = None
    roles: frozenset[str] = field(default_factory=lambda: frozenset(Role.values))


def _my_work(request: HttpRequest) -> dict[str, Any]:
    from ankommen.cases.my_work import my_work_panel

    return my_work_panel(request)


def _todays_sessions(request: HttpRequest) -> dict[str, Any]:
    from ankommen.offers.panels import todays_sessions_panel

    return todays_sessions_panel(request)


def _referrals(request: HttpRequest) -> dict[str, Any]:
    from ankommen.offers.panels import new_referrals_panel

    return new_referrals_panel(request)


def _conference_items(request: HttpRequest) -> dict[str, Any]:
    from ankommen.conferences.panels import action_items_panel

    return action_items_panel(request)


def _funding(request: HttpRequest) -> dict[str, Any]:
    from ankommen.funding.panel import funding_panel

    return funding_panel(request)


def _measure_careers(request: HttpRequest) -> dict[str, Any]:
    from ankommen.dashboard.panels import careers_panel

    return careers_panel(request)


def _steering(request: HttpRequest) -> dict[str, Any]:
    from ankommen.steering.panels import steering_panel

    return steering_panel(request)


PANELS: list[Panel] = [
    Panel("core/panels/welcome.html"),
    Panel("core/panels/quick_links.html"),
    # Case management (issue [C]): due tasks, appointments, expiring documents, age limits.
    Panel("cases/panels/my_work.html", _my_work, frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD})),
    # Case conferences (issue [C]): open action items of the own organisation.
    Panel(
        "conferences/panels/action_items.html",
        _conference_items,
        frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD, Role.PARTNER_LIAISON}),
    ),
    # Offers (issue [O]): today's sessions of the own organisation's offers, for recording attendance.
    Panel("offers/panels/today.html", _todays_sessions, frozenset({Role.OFFER_PROVIDER, Role.POLICE_LIAISON})),
    # Referrals (issue [O]): new referrals to the own organisation, for partner liaisons.
    Panel("offers/panels/referrals.html", _referrals, frozenset({Role.PARTNER_LIAISON})),
    # Funding programme (issue [K]): calls, questions, contracts, proofs of use, reviews due.
    Panel("funding/panels/deadlines.html", _funding, frozenset({Role.COORDINATOR, Role.OFFER_PROVIDER})),
    # Needs dashboard (issue [G]): the own people who completed several offers of one kind without progress.
    Panel(
        "dashboard/panels/measure_careers.html",
        _measure_careers,
        frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD}),
    ),
    # Steering the network (issue [G]): own network action items; agreements due for renewal (coordinators).
    Panel(
        "steering/panels/steering.html",
        _steering,
        frozenset(role for role, perms in ROLE_PERMISSIONS.items() if "steering.take_part" in perms),
    ),
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
