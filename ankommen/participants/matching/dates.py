"""Birth dates with their precision, placeholders and how two of them agree (pure)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

PLACEHOLDER_DAYS: frozenset[tuple[int, int]] = frozenset({(1, 1)})
"""(month, day) that authorities enter when only the year is known ("01.01.")."""

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MIN_YEAR, MAX_YEAR = 1880, 2100


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A date of birth as precise as it is known: year, year-month or full date."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def known(self) -> bool:
        return self.year is not None

    @property
    def is_placeholder(self) -> bool:
        """A full date that is most likely a stand-in for "only the year is known"."""
        return self.day is not None and (self.month, self.day) in PLACEHOLDER_DAYS

    @property
    def is_exact(self) -> bool:
        """A full date that is not a placeholder."""
        return self.day is not None and not self.is_placeholder

    def iso(self) -> str:
        if self.year is None:
            return ""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso() or "unknown"


UNKNOWN = BirthDate()


@lru_cache(maxsize=200_000)
def parse_birth_date(text: str) -> BirthDate:
    """``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or empty; raises ``ValueError`` otherwise."""
    text = text.strip()
    if not text:
        return UNKNOWN
    match = _ISO.match(text)
    if not match:
        raise ValueError(f"not a date of the form YYYY-MM-DD, YYYY-MM or YYYY: {text!r}")
    year = int(match.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range {MIN_YEAR}-{MAX_YEAR}: {text!r}")
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"no such month: {text!r}")
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(f"no such day: {text!r}")
    return BirthDate(year, month, day)


class DateAgreement(StrEnum):
    """How two birth dates agree, from strongest evidence for to strongest against."""

    EXACT = "exact"
    """Same full date, not a placeholder."""
    NEAR = "near"
    """Same year, day and month transposed or one digit off (a typing error)."""
    MONTH = "month"
    """Same year and month, at least one side without a day."""
    YEAR_TYPO = "year_typo"
    """Same day and month (not a placeholder), year one digit or one year off."""
    PLACEHOLDER = "placeholder"
    """Same year, at least one side a placeholder date such as 01.01."""
    YEAR = "year"
    """Same year, at least one side known to the year only."""
    MISSING = "missing"
    """At least one side unknown."""
    YEAR_NEAR = "year_near"
    """Years one apart and at least one side only a year or placeholder (an estimate)."""
    CONFLICT = "conflict"


def _one_digit_apart(a: int, b: int, width: int) -> bool:
    sa, sb = f"{a:0{width}d}", f"{b:0{width}d}"
    return sum(x != y for x, y in zip(sa, sb, strict=True)) == 1


def _close(a: int, b: int, width: int) -> bool:
    return abs(a - b) == 1 or _one_digit_apart(a, b, width)


def compare_dates(a: BirthDate, b: BirthDate) -> DateAgreement:
    if a.year is None or b.year is None:
        return DateAgreement.MISSING
    if a.is_exact and b.is_exact:
        assert a.month is not None and a.day is not None and b.month is not None and b.day is not None
        if a.year == b.year:
            if a.month == b.month and a.day == b.day:
                return DateAgreement.EXACT
            if (a.month, a.day) == (b.day, b.month):
                return DateAgreement.NEAR
            if a.month == b.month and _close(a.day, b.day, 2):
                return DateAgreement.NEAR
            if a.day == b.day and _close(a.month, b.month, 2):
                return DateAgreement.NEAR
            return DateAgreement.CONFLICT
        if (a.month, a.day) == (b.month, b.day) and _close(a.year, b.year, 4):
            return DateAgreement.YEAR_TYPO
        return DateAgreement.CONFLICT
    if a.year != b.year:
        estimated = not a.is_exact or not b.is_exact
        return DateAgreement.YEAR_NEAR if estimated and abs(a.year - b.year) == 1 else DateAgreement.CONFLICT
    if a.is_placeholder or b.is_placeholder:
        return DateAgreement.PLACEHOLDER
    # same year, at least one side year or year-month only
    if a.month is not None and b.month is not None:
        return DateAgreement.MONTH if a.month == b.month else DateAgreement.CONFLICT
    return DateAgreement.YEAR
