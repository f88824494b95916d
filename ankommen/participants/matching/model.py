"""Plain data in and out of the matching engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import UNKNOWN, BirthDate


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One registration of a person, names as written on the German document (Latin script)."""

    id: str
    given_name: str = ""
    family_name: str = ""
    date_of_birth: BirthDate = UNKNOWN
    sex: str = ""
    """f, m, x or empty; German w/d and English words are understood too."""
    nationality: str = ""
    """ISO 3166 alpha-3 (or alpha-2) codes, several separated by comma or semicolon."""
    place_of_birth: str = ""
    aliases: tuple[tuple[str, str], ...] = ()
    """Other known spellings as (given, family), e.g. names absorbed by a merge."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for or against a match."""

    code: str
    """Stable code for translation and filtering, e.g. ``name.variant`` or ``dob.placeholder``."""
    text: str
    """English explanation, e.g. "given name: transliteration variant (Mohammed ~ Muhammad)"."""
    weight: float
    """Contribution to the match weight in bits (positive: for a match)."""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Score:
    """How likely two records describe the same person, with the reasons."""

    probability: float
    """Posterior probability of a match (0..1) under the model's assumptions."""
    weight: float
    """Log2 odds of a match (prior included)."""
    reasons: tuple[Reason, ...] = field(default=())

    def __float__(self) -> float:
        return self.probability

    def explain(self) -> str:
        return "; ".join(r.text for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possibly identical record found for a new registration."""

    id: str
    score: Score
