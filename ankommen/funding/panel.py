"""The "funding deadlines" panel of the start page, with a fixed number of queries.

Applicants (``funding.apply``) see open calls closing soon, their drafts, questions to answer,
contracts to sign and proofs of use due. The integration centre (``funding.review``) sees what
waits for it: completeness checks, decisions, second approvals (not the ones it gave the first
approval for), signed contracts, proofs of use and settlements, verifications, overdue answers,
and the year's proof of use to the state coming due. No personal data: references, titles,
organisations and dates only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from ankommen.funding.access import is_applicant, is_reviewer
from ankommen.funding.choices import State, Verification
from ankommen.funding.models import Application, Call, FundingYear, InfoRequest, OrganisationProfile
from ankommen.network.models import Membership

CALL_HORIZON_DAYS = 30
PROOF_HORIZON_DAYS = 60
REPORT_HORIZON_DAYS = 90
LIMIT = 10


def _applicant(actor: Membership, today: dt.date) -> dict[str, Any]:
    calls = list(
        Call.objects.filter(
            network=actor.network_id,
            opens_on__lte=today,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=CALL_HORIZON_DAYS),
        ).order_by("deadline")[:LIMIT]
    )
    mine = list(
        Application.objects.filter(
            network=actor.network_id,
            organisation=actor.organisation_id,
            state__in=(State.DRAFT, State.APPROVED, State.RUNNING),
        )
        .select_related("call", "year")
        .order_by("pk")[: LIMIT * 3]
    )
    questions = list(
        InfoRequest.objects.filter(
            network=actor.network_id,
            application__organisation=actor.organisation_id,
            application__state=State.INFO_REQUESTED,
            answered_at__isnull=True,
        )
        .select_related("application")
        .order_by("due_on")[:LIMIT]
    )
    horizon = today + dt.timedelta(days=PROOF_HORIZON_DAYS)
    return {
        "calls": calls,
        "drafts": [a for a in mine if a.state == State.DRAFT and a.call.deadline >= today][:LIMIT],
        "contracts": [a for a in mine if a.state == State.APPROVED][:LIMIT],
        "proofs": [a for a in mine if a.state == State.RUNNING and a.year.proof_due_on <= horizon][:LIMIT],
        "questions": [{"question": q, "overdue": q.due_on < today} for q in questions],
    }


def _reviewer(actor: Membership, today: dt.date) -> dict[str, Any]:
    counts = Application.objects.filter(network=actor.network_id).aggregate(
        submitted=Count("pk", distinct=True, filter=Q(state=State.SUBMITTED)),
        in_review=Count("pk", distinct=True, filter=Q(state=State.IN_REVIEW)),
        second=Count("pk", distinct=True, filter=Q(state=State.SECOND_APPROVAL) & ~Q(first_approver=actor.user_id)),
        contracts=Count("pk", distinct=True, filter=Q(state=State.APPROVED)),
        proofs=Count("pk", distinct=True, filter=Q(state=State.PROOF_SUBMITTED)),
        settlements=Count("pk", distinct=True, filter=Q(state=State.PROOF_ACCEPTED)),
        overdue_answers=Count(
            "info_requests",
            distinct=True,
            filter=Q(
                state=State.INFO_REQUESTED, info_requests__answered_at__isnull=True, info_requests__due_on__lt=today
            ),
        ),
    )
    counts["verifications"] = OrganisationProfile.objects.filter(
        network=actor.network_id, state=Verification.SUBMITTED
    ).count()
    reports = list(
        FundingYear.objects.filter(
            network=actor.network_id,
            report_due_on__lte=today + dt.timedelta(days=REPORT_HORIZON_DAYS),
            report_due_on__gte=today - dt.timedelta(days=365),
        )
        .filter(Q(report__isnull=True) | Q(report__submitted_at__isnull=True))
        .select_related("programme")
        .order_by("report_due_on")[:LIMIT]
    )
    return {"counts": counts, "reports": [{"year": y, "overdue": y.report_due_on < today} for y in reports]}


def funding_panel(request: HttpRequest) -> dict[str, Any]:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    today = timezone.localdate()
    panel: dict[str, Any] = {"today": today}
    if is_applicant(actor):
        panel["applicant"] = _applicant(actor, today)
    if is_reviewer(actor):
        panel["reviewer"] = _reviewer(actor, today)
    return {"funding": panel}
