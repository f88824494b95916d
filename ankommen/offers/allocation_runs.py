"""Seat allocation runs: started by a coordinator, computed by a background job, previewed, then
applied or discarded (issue [O], ADR 0013 "The allocation job").

- ``start_allocation(actor, offers, include_parallel=...)`` records an ``AllocationRun`` over
  published offers with one seat for all dates and queues the job ``offers.allocation``.
- The job (``compute``) builds the problem from the database (``allocation_data.build``), calls
  ``allocation.allocate`` and stores one ``AllocationProposal`` per candidate with the reason from
  ``allocation.reasons`` – the preview. Nothing else changes.
- ``apply_allocation(actor, run)`` gives every proposed seat through
  ``services.enrol_participant(..., allocation=run)``, which locks the offer row while it counts
  the seats, in **one transaction**: if any seat cannot be given any more (seats taken or reduced
  in the meantime, the person no longer eligible, merged, …) nothing is applied and the conflicts
  are returned and recorded on the run. The people placed leave the waiting lists of the run's
  other offers (cancelled with the reason "seat given by the allocation").
- ``discard_allocation(actor, run)`` drops a preview.

The preview is pseudonymous: the coordinator sees references, organisations, offers, scores,
waiting days and whether further priority (an age-limit deadline or a support need – not which)
counted; never names or support needs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import Progress, job_kind
from ankommen.jobs.services import start_job
from ankommen.network.models import Membership
from ankommen.offers import allocation, finder
from ankommen.offers.allocation_data import MAX_PARALLEL_OFFERS, build
from ankommen.offers.choices import (
    AllocationStatus,
    CancellationReason,
    EnrolmentStatus,
    EnrolmentUnit,
    OfferStatus,
)
from ankommen.offers.models import AllocationProposal, AllocationRun, Enrolment, Offer
from ankommen.offers.services import OfferError, closed_paths, enrol_participant

JOB_KIND = "offers.allocation"
MAX_OFFERS = 10_000
STORE_BATCH = 5_000
OTHER_OFFERS_KEPT = 20


class AllocationRunError(OfferError):
    """A refused start, apply or discard (message for the user)."""


# --- start -------------------------------------------------------------------------------------


def _require(actor: Membership) -> None:
    if not actor.is_active or not actor.has_perm("offers.allocate"):
        raise PermissionDenied


def allocatable_offers(actor: Membership) -> Any:
    """Offers a run can include: published, one seat for all dates."""
    return Offer.objects.filter(
        network=actor.network_id, status=OfferStatus.PUBLISHED, enrolment_unit=EnrolmentUnit.COURSE
    )


def start_allocation(actor: Membership, offers: Iterable[Offer], *, include_parallel: bool = False) -> AllocationRun:
    """Record a run over ``offers`` and queue its computation."""
    _require(actor)
    chosen = {offer.pk for offer in offers}
    if not chosen:
        raise AllocationRunError({"offers": _("Choose at least one offer.")})
    if len(chosen) > MAX_OFFERS:
        raise AllocationRunError({"offers": _("At most %(count)d offers in one run.") % {"count": MAX_OFFERS}})
    found = set(allocatable_offers(actor).filter(pk__in=chosen).values_list("pk", flat=True))
    if found != chosen:
        raise AllocationRunError({"offers": _("Only published offers with one seat for all dates can be allocated.")})
    if include_parallel and len(chosen) > MAX_PARALLEL_OFFERS:
        raise AllocationRunError(
            {
                "include_parallel": _("Parallel offers can be considered in runs of at most %(count)d offers.")
                % {"count": MAX_PARALLEL_OFFERS}
            }
        )
    with transaction.atomic():
        run = AllocationRun.objects.create(
            network_id=actor.network_id,
            organisation_id=actor.organisation_id,
            include_parallel=include_parallel,
            created_by=actor.user,
        )
        run.offers.set(sorted(chosen))
        run.job = start_job(actor, JOB_KIND, {"run": run.pk})
        run.save(update_fields=["job"])
        log_action(
            actor,
            "allocation.started",
            run,
            data={"run": run.pk, "offers": len(chosen), "include_parallel": include_parallel, "job": run.job.pk},
        )
    return run


# --- the job -----------------------------------------------------------------------------------


def preview_rows(run: AllocationRun, built: Any, result: allocation.Result) -> list[AllocationProposal]:
    """One proposal per candidate from ``allocation.reasons`` (placed first, by participant id)."""
    problem = result.problem
    index = {pid: i for i, pid in enumerate(problem.participant_ids)}
    chosen_pair = {int(problem.candidate_participant[c]): int(c) for c in result.candidates.tolist()}
    rows = []
    for reason in allocation.reasons(result):
        p = index[reason.participant]
        pair = chosen_pair.get(p)
        rows.append(
            AllocationProposal(
                network_id=run.network_id,
                run=run,
                participant_id=int(built.participant_ids[p]),
                organisation_id=int(built.organisation_ids[p]),
                offer_id=int(reason.offer) if reason.offer is not None else None,
                path=finder.PATHS[built.pair_path[pair]] if pair is not None and built.pair_path[pair] >= 0 else "",
                score=reason.score,
                fit=Decimal(str(built.fit[pair])) if pair is not None else None,
                priority=Decimal(str(built.priority[pair])) if pair is not None else None,
                waiting_days=int(built.waiting_days[p]),
                further_priority=bool(built.further[pair]) if pair is not None else False,
                preferred=bool(built.asked_for[pair]) if pair is not None else False,
                code=reason.code,
                rank=reason.rank,
                candidate_offers=min(reason.candidates, 32767),
                seats_taken=reason.seats_taken,
                capacity=reason.capacity,
                other_offers=[int(o) for o in reason.other_offers[:OTHER_OFFERS_KEPT]],
                other_offers_full=reason.other_offers_full,
            )
        )
    return rows


def compute(run: AllocationRun, progress: Progress | None = None) -> dict[str, Any]:
    """Build, solve and store the preview of ``run`` (the job's work; callable directly)."""

    def step(done: int, message: str) -> None:
        if progress is not None:
            progress(done, 4, message)

    started = time.perf_counter()
    step(0, str(_("Reading offers, waiting lists and the people's facts")))
    built = build(run, closed=frozenset(closed_paths(run.network_id)))
    read = time.perf_counter()
    step(1, str(_("Computing the allocation")))
    result = allocation.allocate(built.problem)
    greedy = allocation.greedy(built.problem, "arrival")
    solved = time.perf_counter()
    step(2, str(_("Storing the preview")))
    rows = preview_rows(run, built, result)
    with transaction.atomic():
        AllocationProposal.objects.filter(run=run).delete()
        AllocationProposal.objects.bulk_create(rows, batch_size=STORE_BATCH)
        placed_per_offer: dict[int, int] = {}
        for row in rows:
            if row.offer_id is not None:
                placed_per_offer[row.offer_id] = placed_per_offer.get(row.offer_id, 0) + 1
        run.candidates = built.candidates
        run.pairs = built.problem.candidate_count
        run.seats = int(built.free_seats.sum())
        run.placed = result.placed
        run.total_score = str(result.total_score)
        run.summary = {
            "free_seats": {
                str(o): int(s) for o, s in zip(built.offer_ids.tolist(), built.free_seats.tolist(), strict=True)
            },
            "placed": {str(o): n for o, n in placed_per_offer.items()},
            "excluded_pairs": built.excluded,
            "first_come_first_served": {"placed": greedy.placed, "total_score": str(greedy.total_score)},
            "seconds": {
                "build": round(read - started, 3),
                "solve": round(solved - read, 3),
                "store": round(time.perf_counter() - solved, 3),
                **{f"build_{k}": round(v, 3) for k, v in built.seconds.items()},
            },
        }
        run.status = AllocationStatus.READY
        run.save(update_fields=["candidates", "pairs", "seats", "placed", "total_score", "summary", "status"])
    step(4, str(_("Preview ready")))
    return {"run": run.pk, "candidates": built.candidates, "placed": result.placed, "seats": run.seats}


@job_kind(JOB_KIND, _("Seat allocation"), "offers/allocation/job_result.html")
def allocation_job(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    run = AllocationRun.objects.get(pk=job.params["run"], network=job.network_id)
    language = getattr(job.created_by, "preferred_language", "") or None
    try:
        with translation.override(language):
            result = compute(run, progress)
    except Exception:
        AllocationRun.objects.filter(pk=run.pk).update(status=AllocationStatus.FAILED)
        raise
    log_action(
        job.created_by,
        "allocation.computed",
        run,
        network=job.network,
        organisation=job.organisation,
        data={k: v for k, v in result.items() if isinstance(v, int)},
    )
    return result


# --- apply and discard -------------------------------------------------------------------------


class _Refused(Exception):
    """Rolls the whole application back."""


def _locked_run(actor: Membership, run: AllocationRun) -> AllocationRun:
    current = AllocationRun.objects.select_for_update().filter(pk=run.pk, network=actor.network_id).first()
    if current is None:
        raise PermissionDenied
    if current.status != AllocationStatus.READY:
        raise AllocationRunError(_("Only a preview that is ready can be applied or discarded."), code="state")
    return current


def apply_allocation(actor: Membership, run: AllocationRun) -> list[dict[str, Any]]:
    """Give every proposed seat, all or nothing. Returns the conflicts (empty: applied)."""
    _require(actor)
    conflicts: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            current = _locked_run(actor, run)
            proposals = list(
                AllocationProposal.objects.filter(run=current, offer__isnull=False)
                .select_related("offer", "participant")
                .order_by("offer_id", "participant_id")
            )
            for proposal in proposals:
                try:
                    with transaction.atomic():
                        enrol_participant(
                            actor,
                            proposal.offer,  # type: ignore[arg-type]
                            proposal.participant,
                            path=proposal.path,
                            allocation=current,
                        )
                except OfferError as exc:
                    conflicts.append(
                        {
                            "proposal": proposal.pk,
                            "participant": proposal.participant.reference,
                            "offer": proposal.offer_id,
                            "code": exc.code or "",
                            "messages": [str(m) for m in exc.messages],
                        }
                    )
            if conflicts:
                raise _Refused
            placed = [p.participant_id for p in proposals]
            now = timezone.now()
            others = Enrolment.objects.filter(
                network=actor.network_id,
                participant__in=placed,
                offer__in=current.offers.values("pk"),
                session__isnull=True,
                status=EnrolmentStatus.WAITING,
            )
            left = list(others.order_by("pk"))
            for enrolment in left:  # row by row: receivers of post_save (dashboard) see each change
                enrolment.status = EnrolmentStatus.CANCELLED
                enrolment.cancelled_at = now
                enrolment.cancelled_by = actor.user
                enrolment.cancellation_reason = CancellationReason.ALLOCATED
                enrolment.save(
                    update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason", "updated_at"]
                )
            for enrolment in left:
                log_action(
                    actor,
                    "enrolment.cancelled",
                    enrolment,
                    subject=enrolment.audit_subject,
                    data={
                        "offer": enrolment.offer_id,
                        "had_seat": False,
                        "reason": CancellationReason.ALLOCATED,
                        "allocation": current.pk,
                    },
                )
            current.status = AllocationStatus.APPLIED
            current.decided_at = now
            current.decided_by = actor.user
            current.summary = {**current.summary, "conflicts": [], "left_waiting_lists": len(left)}
            current.save(update_fields=["status", "decided_at", "decided_by", "summary"])
            log_action(
                actor,
                "allocation.applied",
                current,
                data={"run": current.pk, "seats": len(proposals), "left_waiting_lists": len(left)},
            )
    except _Refused:
        with transaction.atomic():
            AllocationRun.objects.filter(pk=run.pk).update(summary={**run.summary, "conflicts": conflicts})
            log_action(
                actor,
                "allocation.apply_refused",
                run,
                data={"run": run.pk, "conflicts": len(conflicts), "codes": sorted({c["code"] for c in conflicts})},
            )
    return conflicts


def discard_allocation(actor: Membership, run: AllocationRun) -> AllocationRun:
    _require(actor)
    with transaction.atomic():
        current = _locked_run(actor, run)
        current.status = AllocationStatus.DISCARDED
        current.decided_at = timezone.now()
        current.decided_by = actor.user
        current.save(update_fields=["status", "decided_at", "decided_by"])
        AllocationProposal.objects.filter(run=current).delete()
        log_action(actor, "allocation.discarded", current, data={"run": current.pk})
    return current
