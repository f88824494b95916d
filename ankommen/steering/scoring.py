"""The priority of a gap, as the core group sets it (DOMAIN §7.2 step 5). Pure logic, no Django.

    priority = impact × people affected × feasibility

Each factor is scored 1 (lowest) to 5 (highest), so the priority runs from 1 to 125. Multiplying
(rather than adding) means a gap scores high only when it is high on all three: a severe gap that
hardly anybody has, or that nobody can close, does not crowd out the gaps that matter and can be
closed. The scales, as the core group reads them:

- **Impact** — what the gap does to the people who meet it: 1 an inconvenience, 2 delays the next
  step, 3 blocks one step of the plan (a course, a placement), 4 blocks the way into training or
  work, 5 endangers the stay or livelihood.
- **People affected** — how many in the target group meet it in a year (``affected_score`` turns a
  count into the score): 1 fewer than 5, 2 5–19, 3 20–49, 4 50–99, 5 100 or more.
- **Feasibility** — how readily the network can close it: 1 needs a change in law, 2 needs new
  money from outside the network, 3 needs new money within the network's budgets, 4 partners can do
  it with their means, 5 a quick win (information, coordination).

Bands (for the list): high from 60 (e.g. 4 × 4 × 4 = 64, 5 × 4 × 3 = 60), medium from 27
(3 × 3 × 3), low below.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCORE = 1
MAX_SCORE = 5
MAX_PRIORITY = MAX_SCORE**3
HIGH_FROM = 60
MEDIUM_FROM = 27
# Lower bounds of the "people affected" scores 2..5 (persons per year).
AFFECTED_STEPS = (5, 20, 50, 100)

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
BANDS = (HIGH, MEDIUM, LOW)


class ScoreError(ValueError):
    """A factor outside 1..5."""


@dataclass(frozen=True)
class Priority:
    impact: int
    affected: int
    feasibility: int

    def __post_init__(self) -> None:
        for name in ("impact", "affected", "feasibility"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
                raise ScoreError(f"{name} must be a whole number from {MIN_SCORE} to {MAX_SCORE}, not {value!r}")

    @property
    def score(self) -> int:
        return self.impact * self.affected * self.feasibility

    @property
    def band(self) -> str:
        return band_of(self.score)


def priority_score(impact: int, affected: int, feasibility: int) -> int:
    """impact × people affected × feasibility (each 1..5): 1..125."""
    return Priority(impact, affected, feasibility).score


def band_of(score: int) -> str:
    if score >= HIGH_FROM:
        return HIGH
    if score >= MEDIUM_FROM:
        return MEDIUM
    return LOW


def band_range(band: str) -> tuple[int, int]:
    """The scores (inclusive) of a band, for filtering."""
    if band == HIGH:
        return HIGH_FROM, MAX_PRIORITY
    if band == MEDIUM:
        return MEDIUM_FROM, HIGH_FROM - 1
    if band == LOW:
        return MIN_SCORE, MEDIUM_FROM - 1
    raise ValueError(f"unknown band {band!r}")


def affected_score(people: int) -> int:
    """The "people affected" score for a number of persons per year (see the scale above)."""
    if people < 0:
        raise ScoreError("a number of people cannot be negative")
    return MIN_SCORE + sum(1 for step in AFFECTED_STEPS if people >= step)
