"""State changes of the dashboard app: the explicit "interested in" action, scenarios of planned
offers, and starting a rebuild of the summary tables.

Each function takes the acting membership first, checks its permission, runs in one transaction
and writes the audit entry; refusals are ``DashboardError`` with a translated message. Needs from
assessments and waiting lists are recorded by ``needs.py`` inside the other apps' services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.dashboard import needs
from ankommen.dashboard.models import Need, PlannedOffer, Scenario
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.services import start_job
from ankommen.network.models import Membership
from ankommen.offers.choices import FieldOfAction
from ankommen.participants.models import Participant

REBUILD_JOB = "dashboard.rebuild"
PLANNED_FIELDS = ("title", "category", "field", "district", "seats", "language", "age_min", "age_max", "status_groups")


class DashboardError(ValidationError):
    """A refused change. Messages are translated and shown to the user."""


def record_interest(
    actor: Membership, participant: Participant, field: str, *, category: str = "", day: dt.date | None = None
) -> Need | None:
    """Record that a participant of the actor's organisation is interested in offers of a field
    (None when the person already has an open need there: it is counted once)."""
    if not actor.has_perm("offers.enrol"):
        raise PermissionDenied
    if participant.network_id != actor.network_id or participant.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if participant.merged_into_id is not None:
        raise DashboardError(_("This record was merged into another one."))
    if field not in FieldOfAction.values:
        raise DashboardError({"field": _("Choose the field of the offers.")})
    with transaction.atomic():
        need = needs.record_interest(participant, field, category=category, day=day)
        log_action(
            actor,
            "dashboard.interest_recorded",
            need,
            subject=participant.audit_subject,
            data={"field": field, "category": category, "recorded": need is not None},
        )
    return need


def _require_plan(actor: Membership) -> None:
    if not actor.has_perm("dashboard.plan"):
        raise PermissionDenied


def create_scenario(actor: Membership, values: Mapping[str, Any]) -> Scenario:
    _require_plan(actor)
    title = str(values.get("title") or "").strip()
    if not title:
        raise DashboardError({"title": _("Give the scenario a title.")})
    with transaction.atomic():
        scenario = Scenario.objects.create(
            network_id=actor.network_id,
            title=title,
            cross_district=bool(values.get("cross_district")),
            created_by=actor.user,
        )
        log_action(actor, "dashboard.scenario_created", scenario, data={"scenario": scenario.pk})
    return scenario


def delete_scenario(actor: Membership, scenario: Scenario) -> None:
    _require_plan(actor)
    if scenario.network_id != actor.network_id:
        raise PermissionDenied
    with transaction.atomic():
        log_action(actor, "dashboard.scenario_deleted", scenario, data={"scenario": scenario.pk})
        scenario.delete()


def add_planned_offer(actor: Membership, scenario: Scenario, values: Mapping[str, Any]) -> PlannedOffer:
    _require_plan(actor)
    if scenario.network_id != actor.network_id:
        raise PermissionDenied
    data = {name: values.get(name) for name in PLANNED_FIELDS if name in values}
    if int(data.get("seats") or 0) < 1:
        raise DashboardError({"seats": _("A planned offer needs at least one seat.")})
    low, high = data.get("age_min"), data.get("age_max")
    if low is not None and high is not None and low > high:
        raise DashboardError({"age_max": _("The maximum age must not be below the minimum age.")})
    data["district"] = str(data.get("district") or "").strip()
    data["language"] = data.get("language") or ""
    data["status_groups"] = list(data.get("status_groups") or [])
    with transaction.atomic():
        planned = PlannedOffer.objects.create(network_id=actor.network_id, scenario=scenario, **data)
        log_action(
            actor,
            "dashboard.planned_offer_added",
            planned,
            data={"scenario": scenario.pk, "field": planned.field, "seats": planned.seats},
        )
    return planned


def remove_planned_offer(actor: Membership, planned: PlannedOffer) -> None:
    _require_plan(actor)
    if planned.network_id != actor.network_id:
        raise PermissionDenied
    with transaction.atomic():
        log_action(actor, "dashboard.planned_offer_removed", planned, data={"scenario": planned.scenario_id})
        planned.delete()


def start_rebuild(actor: Membership) -> BackgroundJob:
    """Queue a rebuild of the network's summary tables from the raw data (a background job)."""
    _require_plan(actor)
    with transaction.atomic():
        job = start_job(actor, REBUILD_JOB, {})
        log_action(actor, "dashboard.rebuild_started", job, data={"job": job.pk})
    return job
