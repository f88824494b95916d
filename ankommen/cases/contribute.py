"""What a co-worker of another organisation may add to a case, and which case roles are in force.

The owning organisation's case staff change the case (rule ``cases.change_case``). A case
manager or team lead of another organisation who was added as a co-worker (``CaseRole``) may
contribute to the case while a consent for cooperation in force names their organisation:

- tasks and appointments assigned to themselves, if the consent covers the plan
  (``DataCategory.PLAN``: goals, measures, tasks and appointments);
- progress notes, if it covers the notes (``DataCategory.NOTES``) and the plan (a note belongs
  to a goal, which is plan data).

They never change the case itself (intake, phases, assessment, goals, closure). When the
consent lapses (revoked, expired) the role stays listed as inactive and grants nothing; the
consents are read on every call, so this takes effect with the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ankommen.cases.models import Case, CaseRole
from ankommen.cases.rules import check_case_rule
from ankommen.consents.choices import DataCategory, Purpose
from ankommen.consents.queries import case_categories, valid_consents
from ankommen.network.models import Membership


@dataclass(frozen=True)
class Contribution:
    """What the actor may do on a case page: ``owner`` changes everything; otherwise the parts."""

    owner: bool = False
    tasks: bool = False
    appointments: bool = False
    notes: bool = False

    @property
    def any(self) -> bool:
        return self.owner or self.tasks or self.appointments or self.notes


NOTHING = Contribution()


def co_worker_categories(actor: Membership, case: Case) -> frozenset[str]:
    """The data categories an active co-worker of another organisation may contribute to (empty:
    not a co-worker, no consent in force, no right to work on cases)."""
    if (
        not actor.is_active
        or not actor.has_perm("cases.edit")
        or case.network_id != actor.network_id
        or case.organisation_id == actor.organisation_id
        or case.is_closed
    ):
        return frozenset()
    if not CaseRole.objects.filter(case=case.pk, user=actor.user_id, organisation=actor.organisation_id).exists():
        return frozenset()
    return case_categories(case.pk, actor.organisation_id, network_id=actor.network_id)


def contribution_for(actor: Membership, case: Case) -> Contribution:
    if check_case_rule("cases.change_case", actor, case):
        return Contribution(owner=True, tasks=True, appointments=True, notes=True)
    categories = co_worker_categories(actor, case)
    plan = DataCategory.PLAN in categories
    return Contribution(tasks=plan, appointments=plan, notes=plan and DataCategory.NOTES in categories)


def may_contribute(actor: Membership, case: Case, part: str) -> bool:
    """``part``: "tasks", "appointments" or "notes"."""
    return bool(getattr(contribution_for(actor, case), part))


def consented_organisations(case: Case) -> set[int]:
    """Organisations named by a consent for cooperation in force for this case."""
    return set(
        valid_consents(network_id=case.network_id, purpose=Purpose.COOPERATION, case_id=case.pk).values_list(
            "recipients", flat=True
        )
    )


def role_rows(case: Case) -> list[dict[str, Any]]:
    """The case's roles with whether each is in force (two queries whatever the number of roles).

    A role of the owning organisation is in force; a role of another organisation only while a
    consent for cooperation in force names that organisation."""
    roles = list(case.roles.select_related("user", "organisation").order_by("pk"))
    external = any(r.organisation_id != case.organisation_id for r in roles)
    # A closed case shares nothing any more (the occasion of the consent is over).
    consented = consented_organisations(case) if external and not case.is_closed else set()
    rows = []
    for role in roles:
        own = role.organisation_id == case.organisation_id
        rows.append({"role": role, "own": own, "active": own or role.organisation_id in consented})
    return rows
