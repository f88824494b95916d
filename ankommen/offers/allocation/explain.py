"""Why each participant got the seat they got, or none: the facts a coordinator checks in the preview.

For every placement: the pair's score, its rank among the participant's own candidates (1 =
the best-scored; equal scores share a rank), how many candidates the participant had, how many
seats of the offer this allocation fills, and the offers the participant would have preferred
(a higher score). For every participant left out: the candidate offers, all full.

The codes are stable (the app translates them):

- ``placed.first_choice``: placed in a best-scored candidate offer;
- ``placed.better_full``: placed lower; every better-scored candidate offer is full. In an
  optimal allocation this is always so: moving the participant to a free better offer would
  raise the total score and place as many (the same holds for the greedy baselines, since an
  offer once full stays full);
- ``unplaced.offers_full``: not placed; every candidate offer is full (else placing the
  participant there would place one more);
- ``unplaced.no_candidates``: not placed; the participant has no candidate offer.

The code follows from the rank (and, for those left out, from having candidates); the fact
that the other offers are full is computed from the allocation itself, not assumed
(``Reason.other_offers_full``), so a test can check the claims above.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .problem import units_to_decimal
from .solver import Result

FIRST_CHOICE = "placed.first_choice"
BETTER_FULL = "placed.better_full"
OFFERS_FULL = "unplaced.offers_full"
NO_CANDIDATES = "unplaced.no_candidates"
CODES = (FIRST_CHOICE, BETTER_FULL, OFFERS_FULL, NO_CANDIDATES)


@dataclass(frozen=True)
class Reason:
    participant: str
    offer: str | None
    """The offer the participant is placed in (None: not placed)."""
    code: str
    score: Decimal | None
    """The score of the placement."""
    rank: int | None
    """1 + the number of the participant's candidates with a strictly higher score."""
    candidates: int
    """How many candidate offers the participant has."""
    seats_taken: int | None
    """Placements in this offer by this allocation."""
    capacity: int | None
    """The offer's seats."""
    other_offers: tuple[str, ...]
    """Placed: the better-scored candidate offers; not placed: all candidate offers (best first)."""
    other_offers_full: bool
    """Whether every offer in ``other_offers`` is full in this allocation."""


def reasons(result: Result) -> list[Reason]:
    """One reason per participant: the placed ones by id, then those not placed by id."""
    problem = result.problem
    pids, oids = problem.participant_ids, problem.offer_ids
    cp, co, units = problem.candidate_participant, problem.candidate_offer, problem.score_units
    chosen = result.candidates
    count = np.bincount(cp, minlength=len(pids))
    taken = np.bincount(co[chosen], minlength=len(oids))
    full = taken >= problem.capacities
    placed = np.zeros(len(pids), dtype=bool)
    placed[cp[chosen]] = True
    own_score = np.full(len(pids), -1, dtype=np.int64)
    own_score[cp[chosen]] = units[chosen]

    # The "other" offers: better-scored ones for the placed, all candidates for the others.
    better = placed[cp] & (units > own_score[cp])
    rank = 1 + np.bincount(cp[better], minlength=len(pids))
    listed = np.flatnonzero(better | ~placed[cp])
    listed = listed[np.lexsort((-units[listed], cp[listed]))]
    others: dict[int, tuple[str, ...]] = {}
    others_full: dict[int, bool] = {}
    if listed.size:
        owners = cp[listed]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        ends = np.r_[starts[1:], listed.size]
        listed_offers = co[listed]
        listed_full = full[listed_offers]
        offers_list = listed_offers.tolist()
        for owner, start, end in zip(owners[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
            others[owner] = tuple(oids[o] for o in offers_list[start:end])
            others_full[owner] = bool(listed_full[start:end].all())

    out: list[Reason] = []
    decimals = problem.score_decimals
    for p, o, score in zip(cp[chosen].tolist(), co[chosen].tolist(), units[chosen].tolist(), strict=True):
        first = int(rank[p]) == 1
        out.append(
            Reason(
                participant=pids[p],
                offer=oids[o],
                code=FIRST_CHOICE if first else BETTER_FULL,
                score=units_to_decimal(score, decimals),
                rank=int(rank[p]),
                candidates=int(count[p]),
                seats_taken=int(taken[o]),
                capacity=int(problem.capacities[o]),
                other_offers=others.get(p, ()),
                other_offers_full=others_full.get(p, True),
            )
        )
    for p in problem.participant_order.tolist():
        if placed[p]:
            continue
        out.append(
            Reason(
                participant=pids[p],
                offer=None,
                code=OFFERS_FULL if count[p] else NO_CANDIDATES,
                score=None,
                rank=None,
                candidates=int(count[p]),
                seats_taken=None,
                capacity=None,
                other_offers=others.get(p, ()),
                other_offers_full=others_full.get(p, True),
            )
        )
    return out
