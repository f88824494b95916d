"""Changes made from the pathways page: a missing condition becomes a goal of a case plan.

The goal is created by the cases service (``cases.services.add_goal``: its checks, timeline and
audit entry); this service picks the goal text and life domain from the rule file, checks that
the case belongs to the person and is one the actor may change, refuses a second open goal with
the same text, and notes in the audit log which pathway condition the goal came from (codes and
ids only).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases import services as case_services
from ankommen.cases.choices import GoalStatus
from ankommen.cases.models import Case, Goal
from ankommen.cases.rules import check_case_rule
from ankommen.network.models import Membership
from ankommen.participants.models import HouseholdMember, Participant
from ankommen.pathways.engine import RuleSet, default_rules
from ankommen.pathways.engine.rules import CriterionRule, Rule

GOAL_TEXT_LENGTH = 300


class PathwayError(ValidationError):
    """A refused change; the message is translated and meant for the user."""


def goal_source(
    pathway_id: str, criterion_id: str, on: dt.date, rules: RuleSet | None = None
) -> tuple[Rule, CriterionRule] | None:
    """The rule and criterion a goal is made from (``aufenthg_25b.language`` for a criterion of a
    route of the § 104c transition); None if there is no such criterion or it suggests no goal."""
    rule_set = rules or default_rules()
    rule = rule_set.rule_for(pathway_id, on)
    if rule is None:
        return None
    if "." in criterion_id:
        route_id, _dot, criterion_id = criterion_id.partition(".")
        if route_id not in rule.routes:
            return None
        rule = rule_set.rule_for(route_id, on)
        if rule is None:
            return None
    criterion = rule.criterion(criterion_id)
    if criterion is None or criterion.goal is None or criterion.domain is None:
        return None
    return rule, criterion


def goal_text(rule: Rule, criterion: CriterionRule, language: str) -> str:
    assert criterion.goal is not None
    return f"{rule.source.norm}: {criterion.goal.get(language)}"[:GOAL_TEXT_LENGTH]


def _case_is_about(case: Case, participant: Participant) -> bool:
    if case.participant_id is not None:
        return case.participant_id == participant.pk
    return HouseholdMember.objects.filter(household=case.household_id, participant=participant.pk).exists()


def add_pathway_goal(
    actor: Membership,
    participant: Participant,
    case: Case,
    pathway_id: str,
    criterion_id: str,
    *,
    on: dt.date,
    language: str,
    target_date: dt.date | None = None,
) -> Goal:
    """Add the suggested goal of a missing pathway condition to the plan of ``case``."""
    if case.network_id != actor.network_id or not check_case_rule("cases.change_case", actor, case):
        raise PermissionDenied
    source = goal_source(pathway_id, criterion_id, on)
    if source is None:
        raise PathwayError(_("This condition cannot be turned into a plan goal."), code="no_goal")
    rule, criterion = source
    if not _case_is_about(case, participant):
        raise PathwayError(_("This case is not about this person."), code="other_case")
    text = goal_text(rule, criterion, language)
    with transaction.atomic():
        if case.goals.filter(text=text, status=GoalStatus.OPEN).exists():
            raise PathwayError(
                _("This goal is already an open goal of case %(reference)s."),
                code="duplicate",
                params={"reference": case.reference},
            )
        goal = case_services.add_goal(
            actor, case, {"text": text, "domain": criterion.domain, "target_date": target_date}
        )
        log_action(
            actor,
            "pathway.goal_added",
            goal,
            subject=participant.audit_subject,
            data={
                "participant": participant.pk,
                "case": case.pk,
                "goal": goal.pk,
                "pathway": pathway_id,
                "criterion": criterion_id,
                "rule_version": rule.version,
            },
        )
    return goal
