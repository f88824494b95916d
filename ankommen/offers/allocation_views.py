"""Seat allocation screens of the coordinator: the runs, starting one, the preview with the reason
for each placement, apply and discard (``allocation_runs`` does the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from ankommen.audit.services import log_action
from ankommen.network.access import requires
from ankommen.network.models import Membership
from ankommen.offers import allocation, finder
from ankommen.offers.allocation_access import get_run_for, run_proposals, visible_runs
from ankommen.offers.allocation_runs import (
    AllocationRunError,
    allocatable_offers,
    apply_allocation,
    discard_allocation,
    start_allocation,
)
from ankommen.offers.choices import AllocationStatus, EntitlementPath
from ankommen.offers.forms import AllocationForm
from ankommen.offers.models import AllocationProposal, Offer

PAGE_SIZE = 50
RUNS_SHOWN = 50
EXCLUDED_LABELS: dict[str, Any] = {
    **finder.MESSAGES,
    "path": gettext_lazy("the entitlement path asked for is closed or not accepted"),
}


def _actor(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def reason_text(proposal: AllocationProposal, offers: dict[int, Offer]) -> str:
    """The reason of a proposal (``allocation.reasons`` code) as a sentence."""

    def titles(ids: list[int]) -> str:
        return ", ".join(offers[i].display_title if i in offers else str(i) for i in ids)

    if proposal.code == allocation.FIRST_CHOICE:
        if proposal.candidate_offers > 1:
            return _("its best-fitting offer among %(count)d possible ones") % {"count": proposal.candidate_offers}
        return _("the only offer possible for this person")
    if proposal.code == allocation.BETTER_FULL:
        return _("choice %(rank)d of %(count)d: the better-fitting offers are full (%(offers)s)") % {
            "rank": proposal.rank or 0,
            "count": proposal.candidate_offers,
            "offers": titles(proposal.other_offers),
        }
    if proposal.code == allocation.OFFERS_FULL:
        return _("not placed: every possible offer is full with people of higher scores (%(offers)s)") % {
            "offers": titles(proposal.other_offers)
        }
    return _("not placed: no offer of this run fits the person (target group, entitlement path, dates)")


@requires("offers.allocate")
def runs(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = list(visible_runs(actor).select_related("created_by").order_by("-created_at", "-pk")[:RUNS_SHOWN])
    return render(request, "offers/allocation/list.html", {"runs": rows})


@requires("offers.allocate")
def new_run(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    offers = allocatable_offers(actor).select_related("organisation").order_by("title", "pk")
    form = AllocationForm(request.POST or None, offers=offers)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_allocation(
                actor, form.cleaned_data["offers"], include_parallel=form.cleaned_data["include_parallel"]
            )
        except AllocationRunError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The seat allocation is being computed."))
            return redirect("offers:allocation", run_id=run.pk)
    return render(request, "offers/allocation/form.html", {"form": form})


@requires("offers.allocate")
def run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = _actor(request)
    run = get_run_for(actor, run_id)
    offers = {o.pk: o for o in run.offers.select_related("organisation").order_by("title", "pk")}
    proposals = run_proposals(run)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    paths = dict(EntitlementPath.choices)
    rows = [
        {
            "proposal": p,
            "offer": offers.get(p.offer_id or 0),
            "reason": reason_text(p, offers),
            "path": paths.get(p.path, ""),
        }
        for p in page.object_list
    ]
    summary = run.summary or {}
    per_offer = [
        {
            "offer": offer,
            "free": summary.get("free_seats", {}).get(str(pk), 0),
            "placed": summary.get("placed", {}).get(str(pk), 0),
        }
        for pk, offer in offers.items()
    ]
    if rows:
        log_action(
            actor,
            "allocation.previewed",
            run,
            data={"run": run.pk, "shown": [row["proposal"].pk for row in rows]},
        )
    context: dict[str, Any] = {
        "run": run,
        "rows": rows,
        "page": page,
        "per_offer": per_offer,
        "fcfs": summary.get("first_come_first_served"),
        "conflicts": summary.get("conflicts") or [],
        "excluded": [
            (str(EXCLUDED_LABELS.get(code, code)), count)
            for code, count in (summary.get("excluded_pairs") or {}).items()
        ],
        "ready": run.status == AllocationStatus.READY,
        "computing": run.status == AllocationStatus.RUNNING,
    }
    return render(request, "offers/allocation/run.html", context)


@requires("offers.allocate")
@require_POST
def apply(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = _actor(request)
    run = get_run_for(actor, run_id)
    try:
        conflicts = apply_allocation(actor, run)
    except AllocationRunError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if conflicts:
            messages.error(
                request,
                ngettext(
                    "Nothing was applied: %(count)d seat can no longer be given (see the list). "
                    "Run the allocation again.",
                    "Nothing was applied: %(count)d seats can no longer be given (see the list). "
                    "Run the allocation again.",
                    len(conflicts),
                )
                % {"count": len(conflicts)},
            )
        else:
            messages.success(request, _("The seat allocation has been applied: the seats are given."))
    return redirect("offers:allocation", run_id=run.pk)


@requires("offers.allocate")
@require_POST
def discard(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = _actor(request)
    run = get_run_for(actor, run_id)
    try:
        discard_allocation(actor, run)
    except AllocationRunError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The preview has been discarded."))
    return redirect("offers:allocations")
