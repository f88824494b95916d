"""Access to the dashboard's objects: scenarios and their planned offers (coordinators with
``dashboard.plan``). Another network's scenario answers 404, never a hint that it exists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from ankommen.dashboard.models import PlannedOffer, Scenario
from ankommen.network.models import Membership


def visible_scenarios(actor: Membership) -> QuerySet[Scenario]:
    """The scenarios of the actor's network (none without ``dashboard.plan``)."""
    if not actor.has_perm("dashboard.plan"):
        return Scenario.objects.none()
    return Scenario.objects.filter(network=actor.network_id)


def get_scenario_for(actor: Membership, scenario_id: int | str) -> Scenario:
    if not actor.has_perm("dashboard.plan"):
        raise PermissionDenied
    try:
        return visible_scenarios(actor).get(pk=int(scenario_id))
    except (Scenario.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_planned_offer_for(actor: Membership, scenario: Scenario, planned_id: int | str) -> PlannedOffer:
    try:
        return scenario.planned_offers.get(network=actor.network_id, pk=int(planned_id))
    except (PlannedOffer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
