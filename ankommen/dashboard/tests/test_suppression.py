"""The small-cell rule (no Django): primary, secondary and exact-disclosure suppression."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ankommen.dashboard.suppression import is_small, protect_column, protect_grid, share_hidden


def test_primary_rule() -> None:
    assert [is_small(n) for n in (0, 1, 4, 5, 100)] == [False, True, True, False, False]
    assert share_hidden(3, 20) and share_hidden(17, 20) and not share_hidden(10, 20) and not share_hidden(0, 20)


def test_a_lone_suppressed_part_takes_the_smallest_other_part_with_it() -> None:
    hidden = protect_column([3, 10, 7])
    assert hidden == {0, 2}  # 3 is small; 7 (the smallest other part) hides it from the total 20


def test_a_column_without_small_counts_is_shown_whole() -> None:
    assert protect_column([5, 10, 0]) == set()


def test_the_total_is_hidden_when_it_is_small_itself() -> None:
    assert protect_column([2, 0, 0]) == {0, 3}


def _solvable(values: list[list[int]], hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hidden cells an attacker can compute exactly from the shown margins and cells."""
    rows, cols = len(values), len(values[0])
    unknown = sorted(hidden)
    index = {p: i for i, p in enumerate(unknown)}
    equations = []
    for i in range(rows + 1):
        equations.append([(i, j) for j in range(cols)] + [(i, cols)])
    for j in range(cols + 1):
        equations.append([(i, j) for i in range(rows)] + [(rows, j)])
    matrix = []
    for equation in equations:
        row = np.zeros(len(unknown))
        for p in equation[:-1]:
            if p in index:
                row[index[p]] += 1
        if equation[-1] in index:
            row[index[equation[-1]]] -= 1
        matrix.append(row)
    a = np.array(matrix)
    rank = np.linalg.matrix_rank(a)
    solved = []
    for p, i in index.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            solved.append(p)
    return solved


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_of_a_grid_can_be_worked_out(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(1, 7)), int(rng.integers(1, 5))
    values = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30], size=(rows, cols)).tolist()
    hidden = protect_grid(values)
    # every small count (cells and margins) is hidden ...
    table = {(i, j): values[i][j] for i, j in itertools.product(range(rows), range(cols))}
    for i in range(rows):
        table[(i, cols)] = sum(values[i])
    for j in range(cols + 1):
        table[(rows, j)] = sum(table[(i, j)] for i in range(rows))
    assert {p for p, v in table.items() if is_small(v)} <= hidden
    # ... and no hidden value follows from the shown ones by the row and column equations.
    assert _solvable(values, hidden) == []


def test_an_extra_primary_total_is_protected_too() -> None:
    # Row totals over fields may count a person twice: the caller marks them, the rest follows.
    values = [[4, 4], [10, 12]]
    hidden = protect_grid(values, primary={(0, 2)})
    assert {(0, 0), (0, 1), (0, 2)} <= hidden
    assert _solvable(values, hidden) == []
