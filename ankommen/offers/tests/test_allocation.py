"""The seat-allocation module: exact lexicographic optimum, checked input, greedy baselines, reasons.

The optimum is checked against exhaustive search on tiny random instances and against two
other solvers on medium ones: CP-SAT (exact integer arithmetic) and the GLOP linear program
(the LP of this problem has an integral optimum: its constraint matrix is totally unimodular).
"""

from __future__ import annotations

import itertools
import random
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ankommen.offers.allocation import (
    BETTER_FULL,
    FIRST_CHOICE,
    NO_CANDIDATES,
    OFFERS_FULL,
    Problem,
    ProblemError,
    allocate,
    greedy,
    make_problem,
    parse_problem,
    read_problem,
    reasons,
    score_unit_limit,
)


def problem_of(
    capacities: dict[str, int], candidates: list[tuple[str, str, Any]], extra_participants: tuple[str, ...] = ()
) -> Problem:
    participants = list(dict.fromkeys([p for p, _, _ in candidates] + list(extra_participants)))
    return parse_problem(
        {
            "participants": [{"id": p} for p in participants],
            "offers": [{"id": o, "capacity": c} for o, c in capacities.items()],
            "candidates": [{"participant": p, "offer": o, "score": s} for p, o, s in candidates],
        }
    )


def random_problem(rng: random.Random, participants: int, offers: int, most: int, scores: int) -> Problem:
    """Small integer scores (many ties), capacities 0..2, 0..``most`` candidates each."""
    candidates = []
    for p in range(participants):
        for o in rng.sample(range(offers), rng.randint(0, min(most, offers))):
            candidates.append((f"p{p}", f"o{o}", Decimal(rng.randint(0, scores)) / 4))
    capacities = {f"o{o}": rng.randint(0, 2) for o in range(offers)}
    return problem_of(capacities, candidates, tuple(f"p{p}" for p in range(participants)))


def brute_force(problem: Problem) -> tuple[int, int]:
    """(placed, total units) of the lexicographic optimum, by trying every allocation."""
    by_participant: dict[int, list[int]] = {}
    for i, p in enumerate(problem.candidate_participant.tolist()):
        by_participant.setdefault(p, []).append(i)
    options = [[None, *choices] for choices in by_participant.values()]
    best = (0, 0)
    for choice in itertools.product(*options):
        taken = [i for i in choice if i is not None]
        seats = np.bincount(problem.candidate_offer[taken], minlength=len(problem.offer_ids))
        if np.any(seats > problem.capacities):
            continue
        best = max(best, (len(taken), int(problem.score_units[taken].sum())))
    return best


def cp_sat(problem: Problem) -> tuple[int, int]:
    """(placed, total units) of the lexicographic optimum by CP-SAT with one exact objective."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(problem.candidate_count)]
    cp, co = problem.candidate_participant.tolist(), problem.candidate_offer.tolist()
    for p in range(len(problem.participant_ids)):
        model.add(sum(x[i] for i in range(len(x)) if cp[i] == p) <= 1)
    for o, capacity in enumerate(problem.capacities.tolist()):
        model.add(sum(x[i] for i in range(len(x)) if co[i] == o) <= capacity)
    units = problem.score_units.tolist()
    big = sum(units) + 1  # one more placement outweighs any difference in score
    model.maximize(sum((big + u) * xi for u, xi in zip(units, x, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    chosen = [i for i in range(len(x)) if solver.value(x[i])]
    return len(chosen), sum(units[i] for i in chosen)


def glop(problem: Problem) -> tuple[float, float]:
    """(placed, total units) from two linear programs: the most placements, then the best total."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0, 1, f"x{i}") for i in range(problem.candidate_count)]
    cp, co = problem.candidate_participant.tolist(), problem.candidate_offer.tolist()
    for p in range(len(problem.participant_ids)):
        solver.Add(sum(x[i] for i in range(len(x)) if cp[i] == p) <= 1)
    for o, capacity in enumerate(problem.capacities.tolist()):
        solver.Add(sum(x[i] for i in range(len(x)) if co[i] == o) <= capacity)
    solver.Maximize(sum(x))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    placed = solver.Objective().Value()
    solver.Add(sum(x) >= round(placed))
    solver.Maximize(sum(float(u) * xi for u, xi in zip(problem.score_units.tolist(), x, strict=True)))
    assert solver.Solve() == pywraplp.Solver.OPTIMAL
    return placed, solver.Objective().Value()


def assert_feasible(problem: Problem, chosen: np.ndarray) -> None:
    assert (
        np.bincount(problem.candidate_participant[chosen], minlength=len(problem.participant_ids)).max(initial=0) <= 1
    )
    seats = np.bincount(problem.candidate_offer[chosen], minlength=len(problem.offer_ids))
    assert np.all(seats <= problem.capacities)


# --- the optimum -----------------------------------------------------------------------------


def test_the_example_of_the_issue() -> None:
    result = allocate(problem_of({"o1": 12}, [("p1", "o1", Decimal("0.8"))]))
    assert result.pairs() == [("p1", "o1")]
    assert result.placed == 1
    assert result.total_score == Decimal("0.8")


def test_more_placements_come_before_a_higher_total() -> None:
    # p1 would score 10 in o1, but then p2 (only o1) stays out: two placements win over 10.
    problem = problem_of({"o1": 1, "o2": 1}, [("p1", "o1", 10), ("p1", "o2", 1), ("p2", "o1", 1)])
    result = allocate(problem)
    assert result.pairs() == [("p1", "o2"), ("p2", "o1")]
    assert (result.placed, result.total_score) == (2, Decimal(2))
    assert result.offer_of().tolist() == [1, 0]


def test_among_equal_placements_the_highest_total() -> None:
    problem = problem_of(
        {"a": 1, "b": 1},
        [
            ("x", "a", Decimal("0.9")),
            ("x", "b", Decimal("0.6")),
            ("y", "a", Decimal("0.8")),
            ("y", "b", Decimal("0.1")),
        ],
    )
    result = allocate(problem)
    assert result.pairs() == [("x", "b"), ("y", "a")]  # 1.4 beats 1.0
    assert result.total_score == Decimal("1.4")


def test_totals_are_exact_decimals() -> None:
    problem = problem_of({"o1": 2}, [("p1", "o1", 0.1), ("p2", "o1", 0.2)])
    assert problem.score_decimals == 1
    result = allocate(problem)
    assert result.total_score == Decimal("0.3")  # not 0.30000000000000004
    assert str(result.total_score) == "0.3"


def test_floats_are_read_as_their_shortest_decimal_and_trailing_zeros_are_dropped() -> None:
    problem = problem_of({"o": 3}, [("a", "o", 0.5), ("b", "o", Decimal("1.250")), ("c", "o", 2)])
    assert problem.score_decimals == 2
    assert problem.score_units.tolist() == [50, 125, 200]
    assert [problem.score(i) for i in range(3)] == [Decimal("0.5"), Decimal("1.25"), Decimal(2)]
    assert allocate(problem).total_score == Decimal("3.75")


def test_results_are_ordered_by_participant_id_and_deterministic() -> None:
    problem = problem_of({"o": 5}, [(p, "o", 1) for p in ("zed", "Ali", "b2", "b10", "émile")])
    result = allocate(problem)
    assert [p for p, _ in result.pairs()] == ["Ali", "b10", "b2", "zed", "émile"]
    assert allocate(problem).pairs() == result.pairs()


def test_empty_problems_and_unusable_offers() -> None:
    empty = parse_problem({"participants": [], "offers": [], "candidates": []})
    assert (allocate(empty).placed, allocate(empty).total_score, allocate(empty).pairs()) == (0, Decimal(0), [])
    closed = problem_of({"o1": 0}, [("p1", "o1", 1)], ("p2",))
    assert allocate(closed).placed == 0
    zeros = problem_of({"o1": 1}, [("p1", "o1", 0), ("p2", "o1", 0)])
    assert allocate(zeros).placed == 1


def test_capacities_above_the_demand_are_fine() -> None:
    problem = problem_of({"o1": 1_000_000_000}, [("p1", "o1", 1), ("p2", "o1", 2)])
    assert allocate(problem).placed == 2


@pytest.mark.parametrize("seed", range(4))
def test_exhaustive_search_agrees_on_tiny_random_problems(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        problem = random_problem(rng, rng.randint(1, 6), rng.randint(1, 4), 3, 4)
        result = allocate(problem)
        assert_feasible(problem, result.candidates)
        assert (result.placed, result.total_units) == brute_force(problem)
        assert sum(problem.score(i) for i in result.candidates) == result.total_score


@pytest.mark.parametrize("seed", range(3))
def test_cp_sat_agrees_on_medium_random_problems(seed: int) -> None:
    rng = random.Random(100 + seed)
    problem = random_problem(rng, 80, 12, 5, 40)
    result = allocate(problem)
    assert_feasible(problem, result.candidates)
    assert (result.placed, result.total_units) == cp_sat(problem)


def test_linear_programming_agrees_on_a_larger_problem() -> None:
    rng = np.random.default_rng(7)
    participants, offers, each = 400, 30, 6
    cp = np.repeat(np.arange(participants), each)
    co = np.concatenate([rng.choice(offers, each, replace=False) for _ in range(participants)])
    units = rng.integers(0, 10_000, cp.size)
    problem = make_problem(
        [f"p{i}" for i in range(participants)],
        [f"o{i}" for i in range(offers)],
        rng.integers(0, 15, offers),
        cp,
        co,
        units,
        4,
    )
    result = allocate(problem)
    placed, total = glop(problem)
    assert result.placed == round(placed)
    assert abs(result.total_units - total) < 1e-6 * max(total, 1)


def test_scores_up_to_the_limit_are_solved_exactly() -> None:
    limit = score_unit_limit(3, 2)
    problem = make_problem(
        ["a", "b", "c"], ["x", "y"], [1, 1], [0, 0, 1, 2], [0, 1, 0, 1], [limit, limit - 1, limit - 2, 1]
    )
    result = allocate(problem)
    assert (result.placed, result.total_units) == brute_force(problem)


# --- greedy ------------------------------------------------------------------------------------


def test_greedy_baselines_are_feasible_and_never_better() -> None:
    rng = random.Random(5)
    for _ in range(40):
        problem = random_problem(rng, rng.randint(1, 8), rng.randint(1, 4), 3, 6)
        best = allocate(problem)
        for order in ("score", "arrival"):
            result = greedy(problem, order)  # type: ignore[arg-type]
            assert_feasible(problem, result.candidates)
            assert (result.placed, result.total_units) <= (best.placed, best.total_units)
            assert result.method == f"greedy_{order}"


def test_greedy_by_score_can_lose_placements_and_score() -> None:
    # x takes the single seat of a (0.9) although x could go to b; y (only a) stays out.
    problem = problem_of({"a": 1, "b": 1}, [("x", "a", 0.9), ("x", "b", 0.5), ("y", "a", 0.8)])
    assert greedy(problem, "score").pairs() == [("x", "a")]
    assert allocate(problem).pairs() == [("x", "b"), ("y", "a")]
    with pytest.raises(ValueError, match="unknown greedy order"):
        greedy(problem, "random")  # type: ignore[arg-type]


def test_greedy_by_arrival_serves_in_input_order() -> None:
    problem = problem_of({"a": 1, "b": 1}, [("y", "a", 0.2), ("x", "a", 0.9), ("x", "b", 0.1)])
    assert greedy(problem, "arrival").pairs() == [("x", "b"), ("y", "a")]


# --- reasons -------------------------------------------------------------------------------------


def test_reasons_name_score_rank_and_seats() -> None:
    problem = problem_of(
        {"a": 1, "b": 2, "c": 1},
        [("x", "a", 0.9), ("x", "b", 0.5), ("y", "a", 0.8), ("z", "a", 0.3), ("z", "c", 0.1)],
        ("w",),
    )
    result = allocate(problem)
    # a can take one of x, y, z; z can go to c and x to b: all three placed, a to the best (x 0.9 vs y 0.8)
    assert result.pairs() == [("x", "a"), ("y", "b")] or result.placed == 3
    by_participant = {r.participant: r for r in reasons(result)}
    assert [r.participant for r in reasons(result)] == [*sorted(p for p, _ in result.pairs()), "w"]
    w = by_participant["w"]
    assert (w.code, w.offer, w.candidates, w.other_offers) == (NO_CANDIDATES, None, 0, ())
    for reason in by_participant.values():
        if reason.offer is not None:
            assert reason.code == (FIRST_CHOICE if reason.rank == 1 else BETTER_FULL)
            assert reason.seats_taken is not None and reason.capacity is not None
            assert 1 <= reason.seats_taken <= reason.capacity


def test_reasons_for_a_lower_choice_and_for_those_left_out() -> None:
    problem = problem_of(
        {"a": 1, "b": 1}, [("x", "a", 0.9), ("x", "b", 0.5), ("y", "a", 0.95), ("z", "b", 0.2), ("z", "a", 0.1)]
    )
    result = allocate(problem)
    assert result.pairs() == [("x", "b"), ("y", "a")]
    x, y, z = reasons(result)
    assert (x.code, x.offer, x.score, x.rank, x.candidates) == (BETTER_FULL, "b", Decimal("0.5"), 2, 2)
    assert (x.seats_taken, x.capacity, x.other_offers, x.other_offers_full) == (1, 1, ("a",), True)
    assert (y.code, y.rank, y.other_offers) == (FIRST_CHOICE, 1, ())
    assert (z.participant, z.code, z.offer, z.score, z.rank) == ("z", OFFERS_FULL, None, None, None)
    assert (z.candidates, z.other_offers, z.other_offers_full) == (2, ("b", "a"), True)


def test_equal_scores_share_the_first_rank() -> None:
    problem = problem_of({"a": 1, "b": 1}, [("x", "a", 1), ("x", "b", 1), ("y", "a", 1)])
    x, y = reasons(allocate(problem))
    assert (x.offer, x.rank, x.code) == ("b", 1, FIRST_CHOICE)
    assert (y.offer, y.rank, y.code) == ("a", 1, FIRST_CHOICE)


@pytest.mark.parametrize("method", ["optimal", "score", "arrival"])
def test_better_offers_and_offers_of_those_left_out_are_always_full(method: str) -> None:
    rng = random.Random(11)
    for _ in range(40):
        problem = random_problem(rng, rng.randint(1, 30), rng.randint(1, 6), 4, 8)
        result = allocate(problem) if method == "optimal" else greedy(problem, method)  # type: ignore[arg-type]
        explained = reasons(result)
        assert len(explained) == len(problem.participant_ids)
        assert sum(r.offer is not None for r in explained) == result.placed
        for reason in explained:
            assert reason.other_offers_full, reason
            if reason.offer is not None:
                assert reason.score is not None
                assert len(reason.other_offers) == (reason.rank or 0) - 1


# --- checked input ----------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "participants": [{"id": "p1"}, {"id": "p2"}],
    "offers": [{"id": "o1", "capacity": 1}],
    "candidates": [{"participant": "p1", "offer": "o1", "score": 1}],
}


def changed(**changes: Any) -> dict[str, Any]:
    data = {key: [dict(entry) for entry in value] for key, value in GOOD.items()}
    for path, value in changes.items():
        key, index, field = path.split("__")
        if value is ...:
            del data[key][int(index)][field]
        else:
            data[key][int(index)][field] = value
    return data


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        ([], "not_an_object", "must be a JSON object"),
        ({"participants": [], "offers": []}, "missing_list", "lacks the list “candidates”"),
        ({"participants": {}, "offers": [], "candidates": []}, "not_a_list", "“participants” must be a list"),
        ({**GOOD, "offers": ["o1"]}, "not_an_entry", "offers[0] must be an object"),
        (changed(participants__1__id=...), "missing_field", "participants[1] lacks “id”"),
        (changed(participants__1__id=""), "bad_id", 'participants[1].id must be a non-empty string, not ""'),
        (changed(participants__1__id=7), "bad_id", "participants[1].id must be a non-empty string, not 7"),
        (changed(participants__1__id="p1"), "duplicate_participant", 'participants[1].id: participant id "p1"'),
        ({**GOOD, "offers": [{"id": "o1", "capacity": 1}] * 2}, "duplicate_offer", "(first at offers[0])"),
        (changed(offers__0__capacity=-1), "negative_capacity", "offers[0].capacity is negative (-1)"),
        (changed(offers__0__capacity=Decimal("1.5")), "bad_capacity", "not 1.5"),
        (
            changed(offers__0__capacity="12"),
            "bad_capacity",
            'offers[0].capacity must be a whole number of seats, not "12"',
        ),
        (changed(offers__0__capacity=True), "bad_capacity", "not true"),
        (changed(offers__0__capacity=10**10), "capacity_too_large", "more than 1000000000 seats"),
        (changed(offers__0__capacity=...), "missing_field", "offers[0] lacks “capacity”"),
        (changed(candidates__0__participant="p9"), "unknown_participant", 'names participant "p9", which is not in'),
        (changed(candidates__0__participant=["p1"]), "unknown_participant", "candidates[0].participant names"),
        (changed(candidates__0__offer="o9"), "unknown_offer", 'candidates[0].offer names offer "o9"'),
        (changed(candidates__0__score=-1), "negative_score", "candidates[0].score is negative (-1)"),
        (changed(candidates__0__score=Decimal("-0.5")), "negative_score", "is negative (-0.5)"),
        (changed(candidates__0__score="0.8"), "bad_score", 'candidates[0].score must be a number, not "0.8"'),
        (changed(candidates__0__score=None), "bad_score", "must be a number, not null"),
        (changed(candidates__0__score=float("nan")), "bad_score", 'must be a number, not "NaN"'),
        (changed(candidates__0__score=float("inf")), "bad_score", 'must be a number, not "Infinity"'),
        (changed(candidates__0__score=False), "bad_score", "must be a number, not false"),
        (changed(candidates__0__score=...), "missing_field", "candidates[0] lacks “score”"),
        (changed(candidates__0__score=Decimal("1E+40")), "score_too_large", "candidates[0].score is 1E+40"),
    ],
)
def test_bad_input_is_named_precisely(data: Any, code: str, message: str) -> None:
    with pytest.raises(ProblemError, match=re.escape(message)) as caught:
        parse_problem(data)
    assert caught.value.code == code


def test_a_repeated_pair_names_both_places() -> None:
    data = changed()
    data["candidates"] = [
        {"participant": "p2", "offer": "o1", "score": 1},
        {"participant": "p1", "offer": "o1", "score": 1},
        {"participant": "p2", "offer": "o1", "score": 2},
        {"participant": "p1", "offer": "o1", "score": 3},
    ]
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    assert caught.value.code == "duplicate_candidate"
    assert str(caught.value) == 'candidates[2] repeats the pair participant "p2", offer "o1" (first at candidates[0])'


def test_precision_is_limited_by_the_size_of_the_problem() -> None:
    # 100,000 participants and 5,000 offers: scores up to 1 with 8 decimal places are exact ...
    limit = score_unit_limit(100_000, 5_000)
    assert 10**8 <= limit < 10**9
    # A small problem weighs 0.1 + 0.2 = 0.30000000000000004 exactly (17 places) ...
    small = problem_of({"o": 1}, [("a", "o", 0.1 + 0.2), ("b", "o", 0.3)])
    assert allocate(small).total_score == Decimal("0.30000000000000004")
    # ... a large one does not, and the message says how far to round.
    data = {
        "participants": [{"id": f"p{i}"} for i in range(100_000)],
        "offers": [{"id": "o", "capacity": 1}],
        "candidates": [
            {"participant": "p0", "offer": "o", "score": 0.1 + 0.2},
            {"participant": "p1", "offer": "o", "score": 1},
        ],
    }
    with pytest.raises(ProblemError) as caught:
        parse_problem(data)
    assert caught.value.code == "score_too_precise"
    assert str(caught.value) == (
        "candidates[0].score is 0.30000000000000004: scores with so many decimal places cannot be weighed "
        "exactly in a problem of this size with scores up to 1; round all scores to at most 8 decimal places"
    )
    # a single score (or scores with a large common divisor) needs no rounding
    single = make_problem(["a", "b"], ["o"], [1], [0, 1], [0, 0], [3 * 10**17, 6 * 10**17], 17)
    assert allocate(single).total_score == Decimal(6)


def test_make_problem_checks_the_arrays() -> None:
    def make(**changes: Any) -> Problem:
        arrays: dict[str, Any] = {
            "participant_ids": ["a", "b"],
            "offer_ids": ["x"],
            "capacities": [1],
            "candidate_participant": [0, 1],
            "candidate_offer": [0, 0],
            "score_units": [5, 7],
            "score_decimals": 1,
        }
        arrays.update(changes)
        return make_problem(**arrays)

    problem = make()
    assert allocate(problem).total_score == Decimal("0.7")
    for changes, code in [
        ({"candidate_participant": [0, 2]}, "unknown_participant"),
        ({"candidate_offer": [0, -1]}, "unknown_offer"),
        ({"score_units": [5, -7]}, "negative_score"),
        ({"capacities": [-1]}, "negative_capacity"),
        ({"participant_ids": ["a", "a"]}, "duplicate_participant"),
        ({"offer_ids": [""]}, "bad_id"),
        ({"candidate_participant": [1, 1]}, "duplicate_candidate"),
        ({"score_units": [2**62, 1]}, "score_too_large"),
        ({"score_units": [2**56, 1], "score_decimals": 5}, "score_too_precise"),
    ]:
        with pytest.raises(ProblemError) as caught:
            make(**changes)
        assert caught.value.code == code, changes
    with pytest.raises(ProblemError) as caught:
        make(score_units=[3, 2**62])
    assert caught.value.code == "score_too_large"
    assert str(caught.value).startswith("candidates[1].score is 461168601842738790.4: in a problem of this size")
    with pytest.raises(ValueError, match="capacities"):
        make(capacities=[1, 2])
    with pytest.raises(ValueError, match="integer array"):
        make(score_units=[0.5, 0.7])


# --- reading JSON ---------------------------------------------------------------------------------


def read_text(tmp_path: Path, text: str) -> Problem:
    path = tmp_path / "problem.json"
    path.write_text(text, encoding="utf-8")
    return read_problem(path)


def scores_json(*scores: str) -> str:
    participants = ", ".join(f'{{"id": "p{i}"}}' for i in range(len(scores)))
    candidates = ", ".join(f'{{"participant": "p{i}", "offer": "o", "score": {s}}}' for i, s in enumerate(scores))
    return (
        f'{{"participants": [{participants}], "offers": [{{"id": "o", "capacity": 9}}], "candidates": [{candidates}]}}'
    )


def test_json_numbers_are_read_exactly(tmp_path: Path) -> None:
    rng = random.Random(3)
    literals = [f"{rng.randint(0, 10**6)}.{rng.randint(0, 999):03d}" for _ in range(200)] + ["0", "7", "-0.0", "0.5"]
    fast = read_text(tmp_path, scores_json(*literals))
    exact = parse_problem(
        {
            "participants": [{"id": f"p{i}"} for i in range(len(literals))],
            "offers": [{"id": "o", "capacity": 9}],
            "candidates": [{"participant": f"p{i}", "offer": "o", "score": Decimal(s)} for i, s in enumerate(literals)],
        }
    )
    assert fast.score_decimals == exact.score_decimals == 3
    assert fast.score_units.tolist() == exact.score_units.tolist()
    assert [fast.score(i) for i in range(len(literals))] == [Decimal(s) for s in literals]


@pytest.mark.parametrize(
    ("literals", "decimals", "total"),
    [
        (("1E-3", "2.5e1"), 3, "25.001"),  # exponents: the general path
        (("1234567890123456.5", "0.25"), 2, "1234567890123456.75"),  # beyond 2**50 units: the general path
        (("0.10", "0.20", "1"), 1, "1.3"),  # shared trailing zeros dropped
        (("3", "4"), 0, "7"),
    ],
)
def test_json_numbers_of_every_form(tmp_path: Path, literals: tuple[str, ...], decimals: int, total: str) -> None:
    problem = read_text(tmp_path, scores_json(*literals))
    assert problem.score_decimals == decimals
    assert allocate(problem).total_score == Decimal(total)


def test_a_number_is_no_id_even_if_it_reads_like_one(tmp_path: Path) -> None:
    text = (
        '{"participants": [{"id": "1.5"}], "offers": [{"id": "o", "capacity": 1}],'
        ' "candidates": [{"participant": 1.5, "offer": "o", "score": 1}]}'
    )
    with pytest.raises(ProblemError, match=re.escape("candidates[0].participant names participant 1.5")):
        read_text(tmp_path, text)


def test_reading_json_reports_numbers_as_written(tmp_path: Path) -> None:
    text = '{"participants": [], "offers": [{"id": "o", "capacity": 12.0}], "candidates": []}'
    with pytest.raises(ProblemError, match=re.escape("offers[0].capacity must be a whole number of seats, not 12.0")):
        read_text(tmp_path, text)
    with pytest.raises(ProblemError, match=re.escape("candidates[1].score is negative (-0.25)")):
        read_text(tmp_path, scores_json("0.5", "-0.25"))
