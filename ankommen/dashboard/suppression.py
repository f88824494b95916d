"""Small-cell suppression: no figure about fewer than five persons, and none that can be worked out.

Plain data in, plain data out (no Django). The rule (ADR 0017):

1. **Primary suppression.** A count of persons from 1 to 4 is not shown ("<5"). Zero is shown (an
   empty group identifies nobody). A figure that belongs to a suppressed group (its needs, gap,
   share met) is not shown either; a share is not shown when its numerator or the rest of its base
   is 1 to 4 (the share would give it away).
2. **Secondary suppression.** Where a total is shown with its parts (a row, a column, the grand
   total), a suppressed part could be worked out as the total minus the other parts. So every such
   equation must hold no suppressed member or at least two: when only one is suppressed, the
   smallest other member is suppressed too (a part before the total). This repeats until no
   equation has exactly one.
3. **No exact disclosure.** A suppressed value is also exposed when some combination of the
   equations determines it (e.g. across rows and columns). For every suppressed value we check
   whether it is determined by the equations (its unit vector lies in the row space of their
   coefficient matrix restricted to the suppressed values); if so, a further member of one of its
   equations is suppressed, and the check runs again.

The positions are (row, column) pairs; ``table`` gives every position's value, ``equations`` the
lists of positions whose first ``len - 1`` members sum to the last (parts, then the total).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

THRESHOLD = 5
Position = tuple[int, int]


def is_small(count: int | None) -> bool:
    """A count of persons that must not be shown (1 to 4)."""
    return count is not None and 0 < count < THRESHOLD


def share_hidden(part: int, base: int) -> bool:
    """A share ``part / base`` that would give away a small group: the part or the rest is 1 to 4."""
    return is_small(part) or is_small(base - part)


def protect(
    table: Mapping[Position, int], primary: Iterable[Position], equations: Sequence[Sequence[Position]]
) -> set[Position]:
    """The positions to suppress: the primary ones and as few others as needed (rules 2 and 3)."""
    suppressed = set(primary)
    totals = {equation[-1] for equation in equations}

    def partner(equation: Sequence[Position]) -> Position | None:
        candidates = [p for p in equation if p not in suppressed]
        if not candidates:
            return None
        return min(candidates, key=lambda p: (table[p] == 0, p in totals, table[p], p))

    while True:
        changed = False
        for equation in equations:
            hidden = [p for p in equation if p in suppressed]
            if len(hidden) == 1:
                extra = partner(equation)
                if extra is not None:
                    suppressed.add(extra)
                    changed = True
        if changed:
            continue
        determined = _determined(suppressed, equations)
        for position in determined:
            for equation in equations:
                if position in equation:
                    extra = partner(equation)
                    if extra is not None:
                        suppressed.add(extra)
                        changed = True
                        break
            if changed:
                break
        if not changed:
            return suppressed


def _determined(suppressed: set[Position], equations: Sequence[Sequence[Position]]) -> list[Position]:
    """Suppressed positions whose value the equations fix exactly."""
    unknowns = sorted(suppressed)
    if not unknowns:
        return []
    index = {p: i for i, p in enumerate(unknowns)}
    rows = []
    for equation in equations:
        row = np.zeros(len(unknowns))
        for p in equation[:-1]:
            if p in index:
                row[index[p]] += 1.0
        if equation[-1] in index:
            row[index[equation[-1]]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return []
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    result = []
    for p, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            result.append(p)
    return result


def protect_grid(values: Sequence[Sequence[int]], primary: Iterable[Position] = ()) -> set[Position]:
    """A grid with row totals (last column), column totals (last row) and the grand total (the
    corner). ``values`` holds the inner cells; the totals are computed. Positions refer to the full
    grid with margins; primary suppression is added for small counts everywhere."""
    rows = len(values)
    cols = len(values[0]) if rows else 0
    table: dict[Position, int] = {}
    for i in range(rows):
        for j in range(cols):
            table[(i, j)] = values[i][j]
        table[(i, cols)] = sum(values[i])
    for j in range(cols + 1):
        table[(rows, j)] = sum(table[(i, j)] for i in range(rows))
    equations: list[list[Position]] = []
    for i in range(rows + 1):
        equations.append([(i, j) for j in range(cols)] + [(i, cols)])
    for j in range(cols + 1):
        equations.append([(i, j) for i in range(rows)] + [(rows, j)])
    first = {p for p, v in table.items() if is_small(v)} | set(primary)
    return protect(table, first, equations)


def protect_column(values: Sequence[int], primary: Iterable[int] = ()) -> set[int]:
    """A list of counts with their total after them (index ``len(values)``)."""
    table = {(i, 0): v for i, v in enumerate(values)}
    table[(len(values), 0)] = sum(values)
    first = {p for p, v in table.items() if is_small(v)} | {(i, 0) for i in primary}
    equation = [(i, 0) for i in range(len(values) + 1)]
    return {i for i, _ in protect(table, first, [equation])}
