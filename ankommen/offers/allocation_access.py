"""Access to seat-allocation runs and their proposals: coordinators with ``offers.allocate`` of the
run's network; another network's run answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ankommen.network.models import Membership
from ankommen.offers.models import AllocationProposal, AllocationRun


def visible_runs(actor: Membership) -> QuerySet[AllocationRun]:
    if not actor.is_active or not actor.has_perm("offers.allocate"):
        return AllocationRun.objects.none()
    return AllocationRun.objects.filter(network=actor.network_id)


def get_run_for(actor: Membership, run_id: int | str) -> AllocationRun:
    """A run of the actor's network (404 otherwise)."""
    try:
        return visible_runs(actor).select_related("job", "created_by").get(pk=int(run_id))
    except (AllocationRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def run_proposals(run: AllocationRun) -> QuerySet[AllocationProposal]:
    """The proposals of a run the actor already reached, with only what the preview shows of the
    person (the reference) and the organisation, ordered by offer and score."""
    shown = [f.name for f in AllocationProposal._meta.concrete_fields if f.name not in ("participant", "organisation")]
    return (
        AllocationProposal.objects.filter(network=run.network_id, run=run)
        .select_related("participant", "organisation")
        .only("participant__reference", "organisation__name", *shown, "participant_id", "organisation_id")
        .order_by("offer_id", "-score", "pk")
    )
