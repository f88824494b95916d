"""The pathways page of a participant and turning a missing condition into a plan goal.

Thin views: one access call, the engine (pure) on the record's facts plus the answers of the
check form, one service call for goals. The check form is posted to the page itself and the
result rendered directly: its answers (among them the criminal-record question) live only in
that request. The audit log records that a check was run (``pathway.checked``), never the
answers or the outcomes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.audit.services import log_read
from ankommen.cases.models import Case
from ankommen.network.access import object_page
from ankommen.network.models import Membership
from ankommen.participants.models import Participant
from ankommen.pathways import services
from ankommen.pathways.access import get_participant_for_pathways, open_cases_for
from ankommen.pathways.engine import default_rules, evaluate
from ankommen.pathways.engine.evaluate import pathway_deadline
from ankommen.pathways.facts import RecordFacts, facts_for, with_facts
from ankommen.pathways.forms import CheckForm
from ankommen.pathways.presentation import evaluation_view, language


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _record(participant: Participant, on: dt.date, categories: frozenset[str] | None) -> RecordFacts:
    prefetched = with_facts(Participant.objects.filter(pk=participant.pk)).select_related("organisation").get()
    return facts_for(prefetched, on, categories)


@object_page
def participant_pathways(request: HttpRequest, participant_id: int) -> HttpResponse:
    actor = _actor(request)
    participant, categories = get_participant_for_pathways(actor, participant_id)
    today = timezone.localdate()
    record = _record(participant, today, categories)
    facts = record.facts
    answered = False
    if request.method == "POST":
        form = CheckForm(request.POST)
        if form.is_valid():
            facts = form.facts(record.facts)
            answered = True
    else:
        form = CheckForm(initial=CheckForm.initial_from(record.facts))
    log_read(actor, participant, action="pathway.checked")
    cases = open_cases_for(actor, participant) if categories is None else []
    context: dict[str, Any] = {
        "participant": participant,
        "pathways": evaluation_view(evaluate(facts, today)),
        "form": form,
        "answered": answered,
        "notes": record.notes,
        "cases": cases,
        "may_add_goals": categories is None and actor.has_perm("cases.edit"),
        "today": today,
    }
    return render(request, "pathways/participant.html", context)


def _deadline(participant: Participant, pathway: str, on: dt.date) -> dt.date | None:
    """The pathway's deadline (e.g. the end of the § 104c permit): the goal's target date."""
    rule = default_rules().rule_for(pathway, on)
    return pathway_deadline(rule, _record(participant, on, None).facts, on) if rule is not None else None


def _chosen_case(request: HttpRequest, cases: list[Case]) -> Case | None:
    if len(cases) == 1 and not request.POST.get("case"):
        return cases[0]
    wanted = request.POST.get("case", "")
    return next((case for case in cases if str(case.pk) == wanted), None)


@object_page
def add_goal(request: HttpRequest, participant_id: int, pathway: str, criterion: str) -> HttpResponse:
    """GET: what would be added, to which case (choose if several; explain if none). POST: add it."""
    actor = _actor(request)
    participant, categories = get_participant_for_pathways(actor, participant_id)
    if categories is not None or not actor.has_perm("cases.edit"):
        raise PermissionDenied  # recipients under a consent and read-only staff do not plan
    today = timezone.localdate()
    source = services.goal_source(pathway, criterion, today)
    if source is None:
        raise Http404
    rule, criterion_rule = source  # for a route criterion: the rule of the route
    cases = open_cases_for(actor, participant)
    back = reverse("pathways:participant", kwargs={"participant_id": participant.pk})
    if request.method == "POST":
        case = _chosen_case(request, cases)
        if case is None:
            messages.error(request, _("Please choose one of the open cases."))
        else:
            deadline = _deadline(participant, pathway, today)
            try:
                services.add_pathway_goal(
                    actor,
                    participant,
                    case,
                    pathway,
                    criterion,
                    on=today,
                    language=language(),
                    target_date=deadline if deadline is not None and deadline >= today else None,
                )
            except services.PathwayError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("The goal has been added to the plan of case %(reference)s.") % {"reference": case.reference},
                )
                return redirect(f"{back}#{pathway}")
    log_read(actor, participant, action="pathway.checked")
    context = {
        "participant": participant,
        "pathway_title": rule.title.get(language()),
        "criterion_label": criterion_rule.label.get(language()),
        "goal_text": services.goal_text(rule, criterion_rule, language()),
        "cases": cases,
        "pathway": pathway,
        "criterion": criterion,
        "back": back,
    }
    return render(request, "pathways/add_goal.html", context)
