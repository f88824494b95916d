"""The batch search (``find_pairs``): its vectorised weights are those of ``match_weight``."""

from __future__ import annotations

import itertools
import random

import numpy
import pytest

from ankommen.participants.matching import PersonRecord, batch, find_pairs, parse_birth_date
from ankommen.participants.matching.batch import _Columns
from ankommen.participants.matching.scoring import Stats, match_weight, names_weight, prepare

DATES = (
    "1990-05-03",
    "1990-03-05",  # day and month transposed
    "1990-05-04",  # day one off
    "1990-05-13",  # one digit of the day
    "1990-07-03",  # one digit of the month
    "1991-05-03",  # year one off
    "1980-05-03",  # one digit of the year
    "1990-01-01",  # placeholder
    "1991-01-01",
    "1990",
    "1989",
    "1990-05",
    "1990-06",
    "2004-11-23",
    "",
)


def _crowd() -> list[PersonRecord]:
    rng = random.Random(7)
    names = [
        ("Mohammad", "Ahmadi"),
        ("Muhammad", "Ahmadi"),
        ("Ahmadi", "Mohammed"),
        ("Hossein", "Rezaei"),
        ("Mohammad Reza", "Rezai"),
        ("Fatima", ""),
        ("Oleksandr", "Kovalenko"),
    ]
    records = []
    for number, (dob, (given, family)) in enumerate(itertools.product(DATES, names)):
        records.append(
            PersonRecord(
                f"r{number:03d}",
                given,
                family,
                parse_birth_date(dob),
                rng.choice(["f", "m", "x", ""]),
                rng.choice(["SYR", "IRQ", "SYR,IRQ", "XXA", ""]),
                rng.choice(["Aleppo", "Halab", "Damaskus", "Damascus", ""]),
                aliases=(("Mhd", "Ahmadi"),) if number % 17 == 0 else (),
            )
        )
    return records


def test_vectorised_weights_are_those_of_match_weight() -> None:
    prepared = [prepare(record) for record in _crowd()]
    stats = Stats.from_prepared(prepared)
    columns = _Columns(prepared, stats)
    first, second = (
        numpy.array(side, dtype=numpy.int64)
        for side in zip(*itertools.combinations(range(len(prepared)), 2), strict=True)
    )
    weights = columns.weights(first, second)
    bounds = columns.bounds(first, second)
    for i, j, weight, bound in zip(first.tolist(), second.tolist(), weights.tolist(), bounds.tolist(), strict=True):
        a, b = prepared[i], prepared[j]
        assert weight + names_weight(a, b, stats) == match_weight(a, b, stats)
        assert weight + bound == match_weight(a, b, stats, at_least=float("inf"))
    simple = columns.simple(first, second)
    assert simple.sum() > 1000
    agreement = batch._Agreement()
    codes = numpy.unique(columns.sides(first[simple], second[simple], (0, 1, 2, 3)))
    empty = numpy.zeros(0, dtype=numpy.int64)
    agreement.add(codes, *batch._in_parallel(prepared, stats, empty, empty, columns.token_infos, codes, 1)[1:])
    names = columns.names(first[simple], second[simple], agreement)
    for i, j, weight in zip(first[simple].tolist(), second[simple].tolist(), names.tolist(), strict=True):
        assert weight == names_weight(prepared[i], prepared[j], stats)


def test_find_pairs_in_one_and_in_several_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_FORK_FROM", 1)
    records = _crowd()
    pairs = find_pairs(records, workers=1)
    assert pairs == find_pairs(records, workers=2)
    assert all(a < b and 0.8 <= score <= 1.0 for a, b, score in pairs)


def test_find_pairs_in_files_without_pairs() -> None:
    assert find_pairs([]) == []
    assert find_pairs([PersonRecord("a", "Ali", "Khan")]) == []
    assert find_pairs([PersonRecord("a"), PersonRecord("b")], workers=2) == []
