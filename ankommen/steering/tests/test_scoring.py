"""The priority of a gap: impact × people affected × feasibility, each 1–5 (pure, no database)."""

from __future__ import annotations

import pytest

from ankommen.steering import scoring


def test_priority_is_the_product_of_the_three_factors() -> None:
    assert scoring.priority_score(1, 1, 1) == 1
    assert scoring.priority_score(5, 5, 5) == scoring.MAX_PRIORITY == 125
    assert scoring.priority_score(4, 4, 5) == 80
    assert scoring.priority_score(3, 3, 3) == 27
    # Multiplying: a severe gap nobody can close ranks below a moderate one the partners can close.
    assert scoring.priority_score(5, 5, 1) < scoring.priority_score(3, 3, 4)


@pytest.mark.parametrize("factors", [(0, 3, 3), (3, 6, 3), (3, 3, -1), (2.5, 3, 3), ("3", 3, 3), (True, 3, 3)])
def test_factors_outside_one_to_five_are_refused(factors: tuple[object, object, object]) -> None:
    with pytest.raises(scoring.ScoreError):
        scoring.priority_score(*factors)  # type: ignore[arg-type]


def test_bands_and_their_ranges() -> None:
    assert scoring.band_of(125) == scoring.band_of(60) == scoring.HIGH
    assert scoring.band_of(59) == scoring.band_of(27) == scoring.MEDIUM
    assert scoring.band_of(26) == scoring.band_of(1) == scoring.LOW
    assert scoring.Priority(5, 4, 3).band == scoring.HIGH  # 60
    covered = set()
    for band in scoring.BANDS:
        low, high = scoring.band_range(band)
        assert all(scoring.band_of(score) == band for score in range(low, high + 1))
        covered |= set(range(low, high + 1))
    assert covered == set(range(1, 126))
    with pytest.raises(ValueError):
        scoring.band_range("urgent")


@pytest.mark.parametrize(
    ("people", "score"), [(0, 1), (4, 1), (5, 2), (19, 2), (20, 3), (49, 3), (50, 4), (99, 4), (100, 5), (4600, 5)]
)
def test_people_affected_scale(people: int, score: int) -> None:
    assert scoring.affected_score(people) == score


def test_negative_people_are_refused() -> None:
    with pytest.raises(scoring.ScoreError):
        scoring.affected_score(-1)
