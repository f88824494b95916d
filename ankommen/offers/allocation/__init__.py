"""Seat allocation: a pure module, no Django (STYLE rule 2).

When more participants want seats than there are, place as many as possible and, among the
allocations that place that many, take one with the largest total score (fit and priority:
waiting time, age-limit deadlines, vulnerability raise a participant's scores), within the
offers' seats and only in a participant's candidate offers (those it is eligible for).
Plain data in, plain results out. The app's allocation job, the ``allocate_seats`` command
and ``bench/allocation.py`` all call this API:

- ``make_problem(...)`` (arrays, for the job) or ``parse_problem(data)`` (the JSON shape) or
  ``read_problem(path)``: a checked ``Problem``; bad input raises ``ProblemError`` (stable
  ``code`` for translation, ``params``, the place in the input);
- ``allocate(problem) -> Result``: the exact optimum, by OR-Tools' min-cost flow;
- ``greedy(problem, order)``: the greedy baselines for comparison;
- ``reasons(result)``: why each participant got its seat, or none;
- ``write_result(path, result)``: the JSON output, written atomically.

See docs/adr/0013-seat-allocation.md for the choice of solver and its measurements.
"""

from .explain import BETTER_FULL, CODES, FIRST_CHOICE, NO_CANDIDATES, OFFERS_FULL, Reason, reasons
from .jsonio import read_problem, result_document, write_result
from .problem import MAX_CAPACITY, MESSAGES, Problem, ProblemError, make_problem, parse_problem, score_unit_limit
from .solver import AllocationError, Result, allocate, greedy

__all__ = [
    "BETTER_FULL",
    "CODES",
    "FIRST_CHOICE",
    "MAX_CAPACITY",
    "MESSAGES",
    "NO_CANDIDATES",
    "OFFERS_FULL",
    "AllocationError",
    "Problem",
    "ProblemError",
    "Reason",
    "Result",
    "allocate",
    "greedy",
    "make_problem",
    "parse_problem",
    "read_problem",
    "reasons",
    "result_document",
    "score_unit_limit",
    "write_result",
]
