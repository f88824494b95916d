"""What a recipient organisation sees of a case or a participant record shared under a consent.

The owner's pages call these instead of rendering their own template when
``shared_categories(actor, obj)`` is not ``None``. Only the data categories named by the consents
in force are queried and rendered (a separate template, so a section added to the owner's page
is not shared by accident), never an edit link, always the banner saying under which consent and
until when. The read is logged like every read of case content, with the categories shown.

Category → what is shown:
- identity: names (also in the original script and their variants), date of birth, sex, place of
  birth, nationalities (without it: the pseudonymous reference only);
- contact: contact channels, accommodation, district, address;
- language: languages with CEFR levels, interpreter need;
- education / work: schooling and training / work history and the current work permission;
- interests: interests and strengths (never support needs);
- residence: residence status history, entry date;
- household: household members (relationship and age; names only with identity);
- assessment: needs, resources, risks and deadlines per life domain;
- plan: goals, measures, tasks, appointments, the re-assessment date;
- notes: progress notes.
Never shared: identifiers, support needs, approvals, co-workers, intake checklist, the timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ankommen.audit.services import log_read
from ankommen.cases.choices import PHASE_ORDER, LifeDomain, Phase
from ankommen.cases.models import Case, ProgressNote
from ankommen.consents.access import cooperation_consents_for
from ankommen.consents.choices import DataCategory, category_labels
from ankommen.consents.models import Consent
from ankommen.network.models import Membership
from ankommen.participants.models import HouseholdMember, Participant, ResidenceStatus


def shown(categories: frozenset[str]) -> dict[str, bool]:
    return {code: code in categories for code in DataCategory.values}


def _banner(consents: list[Consent], categories: frozenset[str]) -> dict[str, Any]:
    ends = [c.valid_until for c in consents if c.valid_until is not None]
    return {
        "consents": consents,
        "until": max(ends) if ends else None,
        "labels": category_labels(categories),
    }


def _steps(case: Case) -> list[dict[str, Any]]:
    current = PHASE_ORDER.index(case.phase)
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, (_code, label) in enumerate(Phase.choices)
    ]


def _age(person: Participant, today: dt.date) -> int | None:
    return person.age_on(today)


def shared_case_page(request: HttpRequest, actor: Membership, case: Case, categories: frozenset[str]) -> HttpResponse:
    show = shown(categories)
    log_read(actor, case, data={"page": "detail", "shared": sorted(categories)})
    today = timezone.localdate()
    context: dict[str, Any] = {
        "case": case,
        "show": show,
        "steps": _steps(case),
        "banner": _banner(cooperation_consents_for(actor, case=case), categories),
    }
    if show[DataCategory.HOUSEHOLD] and case.household_id is not None:
        members = list(
            HouseholdMember.objects.filter(household=case.household_id, participant__merged_into__isnull=True)
            .select_related("participant")
            .order_by("pk")
        )
        context["members"] = [{"member": m, "age": _age(m.participant, today)} for m in members]
    if show[DataCategory.ASSESSMENT]:
        entries = {entry.domain: entry for entry in case.assessment.all()}
        context["assessment"] = [(code, label, entries.get(code)) for code, label in LifeDomain.choices]
    if show[DataCategory.PLAN]:
        goals = case.goals.prefetch_related("measures").order_by("pk")
        if show[DataCategory.NOTES]:
            goals = goals.prefetch_related(Prefetch("notes", queryset=ProgressNote.objects.select_related("author")))
        context["goals"] = list(goals)
        context["tasks"] = [{"task": t, "overdue": t.is_overdue(today)} for t in case.tasks.select_related("assignee")]
        context["appointments"] = list(case.appointments.all())
    elif show[DataCategory.NOTES]:
        context["notes"] = list(
            ProgressNote.objects.filter(goal__case=case.pk).select_related("author").order_by("-written_on", "-pk")
        )
    return render(request, "consents/shared_case.html", context)


def _current_status(statuses: list[ResidenceStatus], today: dt.date) -> ResidenceStatus | None:
    return next((s for s in statuses if s.valid_from <= today), None)


def shared_participant_page(
    request: HttpRequest, actor: Membership, participant: Participant, categories: frozenset[str]
) -> HttpResponse:
    show = shown(categories)
    lists = {
        "name_variants": DataCategory.IDENTITY,
        "contacts": DataCategory.CONTACT,
        "languages": DataCategory.LANGUAGE,
        "education": DataCategory.EDUCATION,
        "work": DataCategory.WORK,
    }
    prefetch: list[Any] = [name for name, code in lists.items() if show[code]]
    with_statuses = show[DataCategory.RESIDENCE] or show[DataCategory.WORK]
    if with_statuses:
        prefetch.append(Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("-valid_from", "-pk")))
    if show[DataCategory.HOUSEHOLD]:
        prefetch.append(
            Prefetch(
                "household_memberships",
                queryset=HouseholdMember.objects.select_related("household").order_by("pk"),
            )
        )
    participant = (
        Participant.objects.filter(pk=participant.pk).select_related("organisation").prefetch_related(*prefetch).get()
    )
    log_read(actor, participant, data={"page": "detail", "shared": sorted(categories)})
    today = timezone.localdate()
    statuses = list(participant.statuses.all()) if with_statuses else []
    context = {
        "participant": participant,
        "show": show,
        "age": participant.age_on(today) if show[DataCategory.IDENTITY] else None,
        "statuses": statuses if show[DataCategory.RESIDENCE] else [],
        "current_status": _current_status(statuses, today) if show[DataCategory.WORK] else None,
        "today": today,
        "banner": _banner(cooperation_consents_for(actor, participant=participant), categories),
    }
    return render(request, "consents/shared_participant.html", context)
