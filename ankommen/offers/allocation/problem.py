"""The allocation problem: participants, offers with seats, candidate pairs with scores.

A ``Problem`` holds plain arrays (numpy) so that a problem of two million candidate pairs is
built and solved without a Python object per pair. Two ways in:

- ``parse_problem(data)`` takes the JSON shape of the command line
  (``{"participants": [{"id": ...}], "offers": [{"id": ..., "capacity": ...}],
  "candidates": [{"participant": ..., "offer": ..., "score": ...}]}``) and checks it;
- ``make_problem(...)`` takes the arrays directly (what the app's allocation job builds from
  the database) and runs the same checks on them.

Bad input raises ``ProblemError`` with a stable ``code`` (the command translates it), the
values of its message in ``params`` and an English message naming the place in the input
(``candidates[17].score``), so no half-checked problem ever reaches the solver.

Scores are exact decimals. A score is stored as an integer number of units of
``10 ** -score_decimals``: ``score_decimals`` is the largest number of decimal places of any
score, so every score is an integer number of units *exactly* (no rounding anywhere). Scores
read from JSON are taken as the decimal numbers written in the file (``0.1`` is one tenth, not
the binary double nearest to it); a Python ``float`` is taken as the shortest decimal that
reads back as the same float (``repr``), which is what ``json.dumps`` would write. The solver
works on these integers; see ``solver`` for why its optimum is then the exact optimum.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

INT64_MAX = 2**63 - 1
MAX_CAPACITY = 1_000_000_000
"""Seats of one offer; more would be a typing error (and the solver's sums must not overflow)."""
MAX_DECIMALS = 60
"""A sanity bound: far fewer places fit the solver's 64-bit integers anyway (``score_unit_limit``)."""

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.int32]

_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_ABSURD = 10**30  # a score this large is beyond any limit (checked before making integers)

# English messages of the error codes; the command translates the codes (its ERROR_TEXTS).
MESSAGES: dict[str, str] = {
    "unreadable": "cannot read %(path)s: %(reason)s",
    "not_utf8": "%(path)s is not UTF-8 text",
    "not_json": "%(path)s is not valid JSON (line %(line)s, column %(column)s): %(reason)s",
    "not_an_object": "the problem must be a JSON object with the lists “participants”, “offers” and “candidates”",
    "missing_list": "the problem lacks the list “%(key)s”",
    "not_a_list": "“%(key)s” must be a list",
    "not_an_entry": "%(where)s must be an object",
    "missing_field": "%(where)s lacks “%(field)s”",
    "bad_id": "%(where)s must be a non-empty string, not %(value)s",
    "duplicate_participant": "%(where)s: participant id %(id)s occurs twice (first at %(first)s)",
    "duplicate_offer": "%(where)s: offer id %(id)s occurs twice (first at %(first)s)",
    "bad_capacity": "%(where)s must be a whole number of seats, not %(value)s",
    "negative_capacity": "%(where)s is negative (%(value)s): an offer has 0 seats or more",
    "capacity_too_large": "%(where)s is %(value)s: more than %(limit)s seats in one offer",
    "unknown_participant": "%(where)s names participant %(id)s, which is not in “participants”",
    "unknown_offer": "%(where)s names offer %(id)s, which is not in “offers”",
    "duplicate_candidate": (
        "%(where)s repeats the pair participant %(participant)s, offer %(offer)s (first at %(first)s)"
    ),
    "bad_score": "%(where)s must be a number, not %(value)s",
    "negative_score": "%(where)s is negative (%(value)s): scores are 0 or more",
    "score_too_precise": (
        "%(where)s is %(value)s: scores with so many decimal places cannot be weighed exactly in a problem "
        "of this size with scores up to %(largest)s; round all scores to at most %(decimals)s decimal places"
    ),
    "score_too_large": (
        "%(where)s is %(value)s: in a problem of this size scores can be weighed exactly only up to %(limit)s"
    ),
}


class ProblemError(ValueError):
    """Bad input. ``code`` is a key of ``MESSAGES`` (stable, for translation); ``params`` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(MESSAGES[code] % params)


class NumberText(str):
    """A JSON number with a fraction or exponent, as written (``read_problem`` reads them so).

    Kept as text, scores are converted exactly and in bulk (see ``_score_units``)."""

    __slots__ = ()


def shown(value: Any, limit: int = 60) -> str:
    """A value as it would be written in JSON, shortened for a message."""
    if isinstance(value, NumberText):
        return str.__str__(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # circular structure
        text = repr(value)
    if isinstance(value, Decimal):
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def score_unit_limit(participants: int, offers: int) -> int:
    """The largest score (in units) the solver weighs exactly in a problem of this size.

    OR-Tools' cost-scaling min-cost flow multiplies every cost by ``n + 1`` (``n`` nodes:
    participants, offers and the source and sink it adds) and refuses costs above
    ``INT64_MAX / (2 (n + 1))``; node potentials then fall to at most about
    ``3.75 n (n + 1) C`` for the largest cost ``C`` (the Goldberg–Tarjan bound summed over the
    ε-phases). Keeping ``8 (n + 1)² C`` within int64 leaves room for both. (Were it ever
    exceeded, the solver would report BAD_COST_RANGE, never a wrong answer.)
    """
    nodes = participants + offers + 2
    return INT64_MAX // (8 * (nodes + 1) ** 2)


@dataclass(frozen=True, eq=False)
class Problem:
    """A checked allocation problem; make it with ``parse_problem`` or ``make_problem``.

    Candidate ``i`` is the pair (``participant_ids[candidate_participant[i]]``,
    ``offer_ids[candidate_offer[i]]``) with score ``score_units[i] / 10 ** score_decimals``.
    """

    participant_ids: tuple[str, ...]
    offer_ids: tuple[str, ...]
    capacities: IntArray
    candidate_participant: IndexArray
    candidate_offer: IndexArray
    score_units: IntArray
    score_decimals: int

    @property
    def candidate_count(self) -> int:
        return int(self.candidate_participant.size)

    def score(self, candidate: int) -> Decimal:
        """The exact score of one candidate pair."""
        return units_to_decimal(int(self.score_units[candidate]), self.score_decimals)

    @cached_property
    def score_divisor(self) -> int:
        """The greatest common divisor of the score units (1 if there are none or all are 0)."""
        return (int(np.gcd.reduce(self.score_units)) or 1) if self.score_units.size else 1

    @cached_property
    def participant_order(self) -> IndexArray:
        """Participant indices sorted by id (how results are ordered)."""
        ids = self.participant_ids
        return np.fromiter(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int32, count=len(ids))

    @cached_property
    def participant_rank(self) -> IndexArray:
        """Position of each participant in ``participant_order``."""
        rank = np.empty(len(self.participant_ids), dtype=np.int32)
        rank[self.participant_order] = np.arange(len(self.participant_ids), dtype=np.int32)
        return rank


def units_to_decimal(units: int, decimals: int) -> Decimal:
    """``units / 10 ** decimals`` as an exact decimal without needless trailing zeros."""
    value = Decimal(units).scaleb(-decimals, _EXACT)
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize(_EXACT)


# --- from arrays -----------------------------------------------------------------------------


def make_problem(
    participant_ids: Sequence[str],
    offer_ids: Sequence[str],
    capacities: Sequence[int] | npt.ArrayLike,
    candidate_participant: Sequence[int] | npt.ArrayLike,
    candidate_offer: Sequence[int] | npt.ArrayLike,
    score_units: Sequence[int] | npt.ArrayLike,
    score_decimals: int = 0,
) -> Problem:
    """A checked problem from arrays: indices into the id lists, integer scores in units.

    A score is ``score_units[i] / 10 ** score_decimals``. Raises ``ProblemError`` (places are
    given as ``participants[i]``, ``offers[i]``, ``candidates[i]`` in the order passed in).
    """
    pids = tuple(participant_ids)
    oids = tuple(offer_ids)
    for kind, ids in (("participants", pids), ("offers", oids)):
        for i, value in enumerate(ids):
            if type(value) is not str or not value:
                raise ProblemError("bad_id", where=f"{kind}[{i}].id", value=shown(value))
    _check_unique(pids, "participants", "duplicate_participant")
    _check_unique(oids, "offers", "duplicate_offer")

    caps = _int_array(capacities, "offers", "capacity")
    if caps.shape != (len(oids),):
        raise ValueError(f"{len(oids)} offers but {caps.size} capacities")
    if caps.size:
        low, high = int(np.argmin(caps)), int(np.argmax(caps))
        if caps[low] < 0:
            raise ProblemError("negative_capacity", where=f"offers[{low}].capacity", value=int(caps[low]))
        if caps[high] > MAX_CAPACITY:
            where = f"offers[{high}].capacity"
            raise ProblemError("capacity_too_large", where=where, value=int(caps[high]), limit=MAX_CAPACITY)

    cp = _int_array(candidate_participant, "candidates", "participant")
    co = _int_array(candidate_offer, "candidates", "offer")
    units = _int_array(score_units, "candidates", "score")
    if not cp.shape == co.shape == units.shape or cp.ndim != 1:
        raise ValueError("candidate arrays differ in length")
    _check_range(cp, len(pids), "participant", "unknown_participant")
    _check_range(co, len(oids), "offer", "unknown_offer")
    if units.size:
        low = int(np.argmin(units))
        if units[low] < 0:
            negative = units_to_decimal(int(units[low]), score_decimals)
            raise ProblemError("negative_score", where=f"candidates[{low}].score", value=str(negative))
    if not 0 <= score_decimals <= MAX_DECIMALS:
        raise ValueError(f"score_decimals must be between 0 and {MAX_DECIMALS}")
    _check_score_limit(units, score_decimals, len(pids), len(oids))
    _check_pairs(cp, co, len(oids), pids, oids)

    return Problem(
        participant_ids=pids,
        offer_ids=oids,
        capacities=caps,
        candidate_participant=cp.astype(np.int32),
        candidate_offer=co.astype(np.int32),
        score_units=units,
        score_decimals=score_decimals,
    )


def _int_array(values: Any, kind: str, field: str) -> IntArray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{kind} {field} must be an integer array, not {array.dtype}")
    return array.astype(np.int64, copy=False)


def _check_unique(ids: tuple[str, ...], kind: str, code: str) -> None:
    if len(set(ids)) == len(ids):
        return
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value in first:
            raise ProblemError(code, where=f"{kind}[{i}].id", id=shown(value), first=f"{kind}[{first[value]}]")
        first[value] = i


def _check_range(index: IntArray, size: int, field: str, code: str) -> None:
    if index.size == 0:
        return
    bad = np.flatnonzero((index < 0) | (index >= size))
    if bad.size:
        i = int(bad[0])
        raise ProblemError(code, where=f"candidates[{i}].{field}", id=shown(int(index[i])))


def _check_pairs(cp: IntArray, co: IntArray, offers: int, pids: tuple[str, ...], oids: tuple[str, ...]) -> None:
    """Each (participant, offer) pair at most once; names the first repetition in input order."""
    if cp.size < 2:
        return
    key = cp * max(offers, 1) + co
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    if repeated.size == 0:
        return
    # order[k + 1] repeats order[k] (the stable sort keeps input order within equal keys)
    k = int(repeated[np.argmin(order[repeated + 1])])
    later, first = int(order[k + 1]), int(np.min(order[np.flatnonzero(ordered == ordered[k])]))
    raise ProblemError(
        "duplicate_candidate",
        where=f"candidates[{later}]",
        participant=shown(pids[int(cp[later])]),
        offer=shown(oids[int(co[later])]),
        first=f"candidates[{first}]",
    )


def _check_score_limit(units: IntArray, decimals: int, participants: int, offers: int) -> None:
    """The largest score, in units divided by their common divisor, must be within the limit."""
    if units.size == 0:
        return
    limit = score_unit_limit(participants, offers)
    largest = int(units.max())
    divisor = int(np.gcd.reduce(units)) or 1
    if largest // divisor > limit:
        # name a score with the most decimal places (its last place is not 0), else the largest
        finest = np.flatnonzero(units % 10) if decimals else np.zeros(0, dtype=np.int64)
        at_largest = int(np.argmax(units))
        index = int(finest[0]) if finest.size else at_largest
        value = units_to_decimal(int(units[index]), decimals)
        _score_limit_error(index, value, at_largest, units_to_decimal(largest, decimals), decimals, limit)


def _score_limit_error(
    index: int, value: Decimal, at_largest: int, largest: Decimal, decimals: int, limit: int
) -> None:
    """Raise the error for scores beyond what can be weighed exactly: too many places, or too large.

    ``index``/``value``: a score with the most decimal places; ``at_largest``/``largest``: the largest score.
    """
    # decimal places that would fit: largest * 10**d <= limit
    allowed = math.floor(math.log10(limit) - math.log10(largest)) if largest > 0 else decimals
    if allowed < 0:
        raise ProblemError("score_too_large", where=f"candidates[{at_largest}].score", value=str(largest), limit=limit)
    raise ProblemError(
        "score_too_precise",
        where=f"candidates[{index}].score",
        value=str(value),
        largest=str(largest),
        decimals=max(0, min(allowed, decimals - 1)),
    )


# --- from the JSON shape -----------------------------------------------------------------------


def parse_problem(data: Any) -> Problem:
    """A checked problem from the JSON shape (numbers as ``int``, ``Decimal`` or ``float``)."""
    if not isinstance(data, Mapping):
        raise ProblemError("not_an_object")
    lists = {}
    for key in ("participants", "offers", "candidates"):
        if key not in data:
            raise ProblemError("missing_list", key=key)
        if not isinstance(data[key], list):
            raise ProblemError("not_a_list", key=key)
        lists[key] = data[key]
    participants, offers, candidates = lists["participants"], lists["offers"], lists["candidates"]

    pids = _fields(participants, "participants", "id")
    oids = _fields(offers, "offers", "id")
    for kind, ids in (("participants", pids), ("offers", oids)):
        if not all(type(value) is str and value for value in ids):
            i = next(i for i, value in enumerate(ids) if type(value) is not str or not value)
            raise ProblemError("bad_id", where=f"{kind}[{i}].id", value=shown(ids[i]))
    pids_t, oids_t = tuple(pids), tuple(oids)
    _check_unique(pids_t, "participants", "duplicate_participant")
    _check_unique(oids_t, "offers", "duplicate_offer")

    caps = _fields(offers, "offers", "capacity")
    for i, value in enumerate(caps):
        if type(value) is not int:
            raise ProblemError("bad_capacity", where=f"offers[{i}].capacity", value=shown(value))
        if not 0 <= value <= MAX_CAPACITY:  # checked here: a huge int does not fit an array
            code = "negative_capacity" if value < 0 else "capacity_too_large"
            raise ProblemError(code, where=f"offers[{i}].capacity", value=value, limit=MAX_CAPACITY)

    cp = _references(_fields(candidates, "candidates", "participant"), pids_t, "participant", "unknown_participant")
    co = _references(_fields(candidates, "candidates", "offer"), oids_t, "offer", "unknown_offer")
    units, decimals = _score_units(_fields(candidates, "candidates", "score"), len(pids_t), len(oids_t))
    return make_problem(pids_t, oids_t, np.array(caps, dtype=np.int64), cp, co, units, decimals)


def _fields(entries: list[Any], kind: str, name: str) -> list[Any]:
    """``entry[name]`` of every entry (one fast pass; on a bad entry, find and name it)."""
    try:
        return list(map(operator.itemgetter(name), entries))
    except (TypeError, KeyError, IndexError):
        pass
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ProblemError("not_an_entry", where=f"{kind}[{i}]")
        if name not in entry:
            raise ProblemError("missing_field", where=f"{kind}[{i}]", field=name)
    raise AssertionError("unreachable")  # pragma: no cover


def _references(values: list[Any], ids: tuple[str, ...], field: str, code: str) -> IndexArray:
    index = {value: i for i, value in enumerate(ids)}
    if set(map(type, values)) <= {str}:
        found = list(map(index.get, values, itertools.repeat(-1)))
    else:  # only strings are ids (a number 1.5 is not the id "1.5"; a list is no id at all)
        found = [index.get(value, -1) if type(value) is str else -1 for value in values]
    array = np.array(found, dtype=np.int32) if found else np.zeros(0, dtype=np.int32)
    missing = np.flatnonzero(array < 0)
    if missing.size:
        i = int(missing[0])
        raise ProblemError(code, where=f"candidates[{i}].{field}", id=shown(values[i]))
    return array


def _score_units(values: list[Any], participants: int, offers: int) -> tuple[IntArray, int]:
    """Exact integer units and the number of decimal places (see the module docstring)."""
    kinds = set(map(type, values))
    if values and kinds <= {NumberText, int}:
        fast = _plain_decimal_units(values, kinds)
        if fast is not None:
            return fast
    if not kinds <= {int, Decimal, float, NumberText}:
        i = next(i for i, value in enumerate(values) if type(value) not in (int, Decimal, float, NumberText))
        raise ProblemError("bad_score", where=f"candidates[{i}].score", value=shown(values[i]))
    if float in kinds or NumberText in kinds:
        values = [
            Decimal(repr(value)) if type(value) is float else Decimal(value) if type(value) is NumberText else value
            for value in values
        ]
        kinds = (kinds - {float, NumberText}) | {Decimal}
    if Decimal in kinds:
        mixed = int in kinds
        bad = [i for i, value in enumerate(values) if (not mixed or type(value) is Decimal) and not value.is_finite()]
        if bad:
            raise ProblemError("bad_score", where=f"candidates[{bad[0]}].score", value=shown(str(values[bad[0]])))
    if not values:
        return np.zeros(0, dtype=np.int64), 0
    if min(values) < 0:
        i = next(i for i, value in enumerate(values) if value < 0)
        raise ProblemError("negative_score", where=f"candidates[{i}].score", value=str(values[i]))
    limit = score_unit_limit(participants, offers)
    largest = max(values)
    if largest >= _ABSURD:  # 1E+999999 must not become a huge int
        i = values.index(largest)
        _score_limit_error(i, Decimal(largest), i, Decimal(largest), 0, limit)
    decimals = 0
    if Decimal in kinds:
        # (finite values: the exponent is an int)
        exponents: list[Any] = [value.as_tuple().exponent if type(value) is Decimal else 0 for value in values]
        decimals = max(0, -min(exponents))
        if decimals > MAX_DECIMALS:
            i = exponents.index(-decimals)
            _score_limit_error(i, Decimal(values[i]), values.index(largest), Decimal(largest), decimals, limit)
    if decimals == 0:
        units = [int(value) for value in values]
    else:
        scale = 10**decimals
        units = [int(value.scaleb(decimals, _EXACT)) if type(value) is Decimal else value * scale for value in values]
        # Trailing zeros shared by all scores (0.50, 1.250) are no precision: drop them.
        common = math.gcd(*units)
        shift = 0
        while shift < decimals and common and common % 10 ** (shift + 1) == 0:
            shift += 1
        if shift:
            decimals -= shift
            units = [unit // 10**shift for unit in units]
    if max(units) > INT64_MAX:
        i = next(i for i, unit in enumerate(units) if unit % 10) if decimals else units.index(max(units))
        _score_limit_error(i, Decimal(values[i]), values.index(largest), Decimal(largest), decimals, limit)
    return np.array(units, dtype=np.int64), decimals


_FAST_UNITS_BELOW = 2**50


def _plain_decimal_units(values: list[Any], kinds: set[type]) -> tuple[IntArray, int] | None:
    """Exact units of plain decimal literals (``0.8125``, ``3``), vectorised; None: use the general path.

    A literal with ``d <= D`` decimal places and no exponent is ``k / 10**D`` for an integer
    ``k``. ``float()`` rounds it correctly (relative error at most 2**-53), and multiplying by
    ``10.0**D`` (exact for D <= 22) adds at most as much again, so ``x * 10**D`` is within
    ``k * 2**-51.9`` of ``k``: less than 0.5 while ``k < 2**50``, and rounding gives ``k`` exactly.
    """
    texts: list[str] = values if int not in kinds else [v if type(v) is NumberText else str(v) for v in values]
    blob = "".join(texts)
    if "e" in blob or "E" in blob:
        return None
    count = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    dots = np.fromiter(map(str.find, texts, itertools.repeat(".")), dtype=np.int64, count=count)
    decimals = int(np.where(dots >= 0, lengths - dots - 1, 0).max())
    if decimals > 15:
        return None
    numbers = np.fromiter(map(float, texts), dtype=np.float64, count=count)
    if not np.all(np.isfinite(numbers)):
        return None  # a literal with hundreds of digits: the general path names it
    negative = np.flatnonzero(numbers < 0)
    if negative.size:
        i = int(negative[0])
        raise ProblemError("negative_score", where=f"candidates[{i}].score", value=shown(values[i]))
    scaled = numbers * 10.0**decimals
    if scaled.max() >= _FAST_UNITS_BELOW - 1:
        return None
    units = np.rint(scaled).astype(np.int64)
    # Trailing zeros shared by all scores (0.50, 1.250) are no precision: drop them.
    common = int(np.gcd.reduce(units))
    while decimals and common and common % 10 == 0:
        common //= 10
        decimals -= 1
        units //= 10
    return units, decimals
