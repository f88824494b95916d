"""Who may see and change which cases.

A case is visible to the staff of the owning organisation whose role has ``cases.view`` (case
managers, team leads, read-only assistants); nobody else sees case content (coordinators, the
DPO, the platform administrator, the police, the chambers). Staff of another organisation with
``cases.view`` see a case only while a consent for cooperation (``consents``) names their
organisation, and then only the data categories it names (``shared_categories``); they never
change it (write access stays with the owning organisation, see ``rules.py``). Consents are read
on every request, so a revocation ends the recipient's access with the next request; closing the
case ends it too.

Outsiders get 404 (never a hint that the case exists); visible but read-only: 403.
``visible_cases`` is the list counterpart of the rule ``cases.view_case`` (kept in step by a test).

``get_case_for`` hands a recipient's shared case only to pages that ask for it with
``shared=True`` and then show no more than ``shared_categories`` allows (the case page). Every
other page of a case answers 404 to recipients by default (403 when it changes the case), so a
new page cannot leak case content to another organisation by forgetting the categories.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from ankommen.cases.choices import Phase
from ankommen.cases.models import Approval, Case, CaseRole
from ankommen.cases.rules import check_case_rule
from ankommen.consents.queries import case_categories, shared_cases_q
from ankommen.network.models import Membership
from ankommen.participants.models import HouseholdMember


def visible_cases(actor: Membership) -> QuerySet[Case]:
    if not actor.is_active or not actor.has_perm("cases.view"):
        return Case.objects.none()
    return Case.objects.filter(network=actor.network_id).filter(
        Q(organisation=actor.organisation_id) | shared_cases_q(actor.organisation_id)
    )


def own_cases(actor: Membership) -> QuerySet[Case]:
    """The cases of the actor's own organisation (lists, the start page)."""
    return visible_cases(actor).filter(organisation=actor.organisation_id)


def own_case_q(actor: Membership, *, through: str = "case") -> Q:
    """For querysets of a case's rows (tasks, appointments): the case is one of ``own_cases(actor)``,
    as conditions on the joined case (``through``), for queries that start from another index.
    Kept in step with ``own_cases`` (tests/test_views.py)."""
    if not actor.is_active or not actor.has_perm("cases.view"):
        return Q(pk__in=[])
    return Q(**{f"{through}__network": actor.network_id, f"{through}__organisation": actor.organisation_id})


def my_cases(actor: Membership) -> QuerySet[Case]:
    """Open visible cases the user leads or works on (a role for the actor's organisation).

    The cases led and the cases with a role are found through their own indexes and united in
    a subquery: an ``OR`` across the join to the roles would make the database walk every case
    of the network (seconds at 100,000 participants, bench/pages.py)."""
    led = Case.objects.filter(network=actor.network_id, lead=actor.user_id).exclude(phase=Phase.CLOSED)
    worked = (
        CaseRole.objects.filter(network=actor.network_id, user=actor.user_id, organisation=actor.organisation_id)
        .order_by()
        .values("case")
    )
    return visible_cases(actor).exclude(phase=Phase.CLOSED).filter(pk__in=led.order_by().values("pk").union(worked))


def people_of(cases: QuerySet[Case]) -> list[int]:
    """The ids of the persons of these cases: the case's participant or the members of its
    household. Two queries; meant for a user's own cases (a few dozen), not for whole lists."""
    rows = list(cases.values_list("participant_id", "household_id"))
    people = {person for person, _household in rows if person is not None}
    households = {household for _person, household in rows if household is not None}
    if households:
        people.update(HouseholdMember.objects.filter(household__in=households).values_list("participant_id", flat=True))
    return sorted(people)


def shared_categories(actor: Membership, case: Case) -> frozenset[str] | None:
    """What the actor may see of a case: ``None`` for everything (own organisation), otherwise
    the data categories of the consents in force that name the actor's organisation."""
    if case.organisation_id == actor.organisation_id:
        return None
    return case_categories(case.pk, actor.organisation_id, network_id=actor.network_id)


def get_case_for(actor: Membership, case_id: int | str, *, write: bool = False, shared: bool = False) -> Case:
    """A case the actor may see (404 otherwise); with ``write`` one it may change (403 otherwise).
    A case of another organisation shared under a consent only with ``shared=True``: the caller
    then shows no more than ``shared_categories(actor, case)``."""
    try:
        case = visible_cases(actor).select_related("case_type", "participant", "household", "lead").get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not check_case_rule("cases.view_case", actor, case):
        raise Http404
    if write and not check_case_rule("cases.change_case", actor, case):
        raise PermissionDenied
    if not shared and case.organisation_id != actor.organisation_id:
        raise Http404
    return case


def get_approval_for(actor: Membership, case: Case, approval_id: int | str) -> Approval:
    """An approval request of a case the actor already reached; 403 unless the actor may decide it."""
    try:
        approval = case.approvals.get(pk=int(approval_id))
    except (Approval.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    approval.case = case
    if not check_case_rule("cases.decide_approval", actor, approval):
        raise PermissionDenied
    return approval
