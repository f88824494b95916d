"""The optimal allocation (OR-Tools min-cost flow) and the greedy baseline.

``allocate(problem)`` places as many participants as possible and, among all allocations that
place that many, one with the largest total score (lexicographic objective). It is a min-cost
flow on the bipartite graph

    participant (supply 1) --[capacity 1, cost -score units]--> offer (demand = its seats)

solved by OR-Tools' ``SimpleMinCostFlow.solve_max_flow_with_min_cost``: that method first
computes a *maximum* flow from the supplies to the demands (the most participants that can be
placed: an integral flow is exactly an allocation, one seat per participant at most, no offer
above its seats, only candidate pairs) and then the *cheapest* flow of that value. So the two
levels of the objective are solved as such, with no "big M" weight that would blow up the cost
range. Offer demands are capped at the offer's number of candidates (more seats cannot be used).

Why the result is exact:

1. Scores are integers of units (``Problem.score_units``, exact decimals, see ``problem``);
   dividing them by their greatest common divisor keeps every ratio, so the integer problem
   has the same optimal allocations as the decimal one.
2. The solver runs cost scaling on costs multiplied by ``n + 1`` (``n`` nodes) down to
   ε = 1, i.e. an ε-optimal flow with ε < 1/n in the original integer costs, which is optimal
   (Goldberg & Tarjan 1990, Theorem 3.4); it checks this before it reports OPTIMAL.
3. The scores are kept within ``score_unit_limit`` (checked when the problem is made), so no
   64-bit overflow can occur; if one did, the solver would report BAD_COST_RANGE and
   ``allocate`` raises ``AllocationError`` — never a wrong answer.
4. ``allocate`` checks the flow it gets: integral, each participant at most once, no offer over
   its seats, its size equal to the maximum flow and its score equal to the solver's optimal
   cost. Totals are summed as integers and shown as exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import IntArray, Problem, score_unit_limit, units_to_decimal

METHOD_OPTIMAL = "min_cost_flow"
METHOD_GREEDY_SCORE = "greedy_score"
METHOD_GREEDY_ARRIVAL = "greedy_arrival"


class AllocationError(RuntimeError):
    """The solver did not deliver a verified optimum (``status`` is its status name)."""

    def __init__(self, status: str, detail: str = "") -> None:
        self.status = status
        super().__init__(f"the solver did not find an optimal allocation ({status}){': ' + detail if detail else ''}")


@dataclass(frozen=True, eq=False)
class Result:
    """An allocation of ``problem``: the chosen candidate pairs, ordered by participant id."""

    problem: Problem = field(repr=False)
    candidates: IntArray
    """Indices into the problem's candidate arrays, one per placed participant, by participant id."""
    placed: int
    total_units: int
    method: str

    @property
    def total_score(self) -> Decimal:
        """The exact sum of the scores of the chosen pairs."""
        return units_to_decimal(self.total_units, self.problem.score_decimals)

    def pairs(self) -> list[tuple[str, str]]:
        """(participant id, offer id) of every placement, ordered by participant id."""
        pids, oids = self.problem.participant_ids, self.problem.offer_ids
        chosen = self.candidates
        participants = self.problem.candidate_participant[chosen].tolist()
        offers = self.problem.candidate_offer[chosen].tolist()
        return [(pids[p], oids[o]) for p, o in zip(participants, offers, strict=True)]

    def offer_of(self) -> IntArray:
        """For every participant the index of its offer, or -1 when not placed."""
        offer = np.full(len(self.problem.participant_ids), -1, dtype=np.int64)
        offer[self.problem.candidate_participant[self.candidates]] = self.problem.candidate_offer[self.candidates]
        return offer


def allocate(problem: Problem) -> Result:
    """The most placements possible and, among those, the largest total score (exact optimum)."""
    participants, offers = len(problem.participant_ids), len(problem.offer_ids)
    cp, co = problem.candidate_participant, problem.candidate_offer
    units = problem.score_units
    if cp.size == 0:
        return _result(problem, np.zeros(0, dtype=np.int64), METHOD_OPTIMAL)
    divisor = problem.score_divisor
    costs = -(units // divisor) if divisor > 1 else -units
    if -int(costs.min()) > score_unit_limit(participants, offers):
        raise AllocationError("BAD_COST_RANGE", "scores beyond score_unit_limit")  # make_problem prevents this

    # Node numbers: participants 0..P-1, offers P..P+O-1. Supplies only where arcs are.
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        cp, (co + participants).astype(np.int32), np.ones(cp.size, dtype=np.int64), costs
    )
    wanted = np.bincount(cp, minlength=participants) > 0
    demand = np.minimum(np.bincount(co, minlength=offers), problem.capacities)
    nodes = np.concatenate([np.flatnonzero(wanted), participants + np.flatnonzero(demand)]).astype(np.int32)
    supplies = np.concatenate([np.ones(int(wanted.sum()), dtype=np.int64), -demand[demand > 0]])
    flow.set_nodes_supplies(nodes, supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != min_cost_flow.SimpleMinCostFlow.Status.OPTIMAL:
        raise AllocationError(status.name)
    flows = flow.flows(arcs)
    chosen = np.flatnonzero(flows)
    # Verify what we got (cheap next to the solve; a failure here is a solver or binding bug).
    if chosen.size and int(flows[chosen].max()) != 1:
        raise AllocationError("BAD_RESULT", "non-unit flow on an arc")
    if chosen.size != flow.maximum_flow():
        raise AllocationError("BAD_RESULT", "flow value differs from the maximum flow")
    if int(costs[chosen].sum()) != flow.optimal_cost():
        raise AllocationError("BAD_RESULT", "total score differs from the optimal cost")
    _check_feasible(problem, chosen)
    return _result(problem, chosen, METHOD_OPTIMAL)


def greedy(problem: Problem, order: Literal["score", "arrival"] = "score") -> Result:
    """A greedy allocation, the baseline that the optimum is measured against.

    ``score``: candidate pairs from the highest score down, each taken if the participant is
    still unplaced and the offer has a free seat (ties in input order). ``arrival``: participants
    in input order ("first come, first served"), each given the best-scored of its candidate
    offers that still has a seat.
    """
    cp, co, units = problem.candidate_participant, problem.candidate_offer, problem.score_units
    if order == "score":
        sequence = np.argsort(-units, kind="stable")
        method = METHOD_GREEDY_SCORE
    elif order == "arrival":
        sequence = np.lexsort((-units, cp))
        method = METHOD_GREEDY_ARRIVAL
    else:
        raise ValueError(f"unknown greedy order {order!r}")
    seats = problem.capacities.tolist()
    placed = [False] * len(problem.participant_ids)
    participant, offer = cp.tolist(), co.tolist()
    taken = []
    for i in sequence.tolist():
        p = participant[i]
        if placed[p]:
            continue
        o = offer[i]
        if seats[o] > 0:
            seats[o] -= 1
            placed[p] = True
            taken.append(i)
    chosen = np.array(taken, dtype=np.int64)
    _check_feasible(problem, chosen)
    return _result(problem, chosen, method)


def _check_feasible(problem: Problem, chosen: IntArray) -> None:
    if chosen.size == 0:
        return
    per_participant = np.bincount(problem.candidate_participant[chosen], minlength=len(problem.participant_ids))
    per_offer = np.bincount(problem.candidate_offer[chosen], minlength=len(problem.offer_ids))
    if per_participant.max() > 1 or np.any(per_offer > problem.capacities):
        raise AllocationError("BAD_RESULT", "the allocation is not feasible")


def _result(problem: Problem, chosen: IntArray, method: str) -> Result:
    chosen = chosen.astype(np.int64, copy=False)
    if chosen.size:
        chosen = chosen[np.argsort(problem.participant_rank[problem.candidate_participant[chosen]])]
    # summed in units divided by their common divisor: within score_unit_limit * participants, no overflow
    divisor = problem.score_divisor
    total = int((problem.score_units[chosen] // divisor).sum()) * divisor if chosen.size else 0
    return Result(problem=problem, candidates=chosen, placed=int(chosen.size), total_units=total, method=method)
