"""Calendar arithmetic for legal periods (§§ 187, 188 BGB), without Django.

A period that starts at the beginning of a day (the first day of a status, a birthday) and
lasts *n* years ends at the end of the day before the corresponding day: a stay that began on
03.02.2016 has lasted three years at the end of 02.02.2019, so the condition "three years" is
met on 03.02.2019 (``add_years(start, 3)``). When the corresponding day does not exist in the
target month (29 February, 31 April), the period ends with the last day of that month and the
condition is met on the first day of the next month (§ 188 Abs. 3 BGB).
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The day ``months`` calendar months after ``day`` (negative: before); a day that the target
    month lacks becomes the first day of the following month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return dt.date(year, month, day.day)
    return dt.date(year, month, last) + dt.timedelta(days=1)


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def birthday(born: dt.date, age: int) -> dt.date:
    """The day on which a person born on ``born`` reaches ``age`` (born 29.02.: 01.03. in common years)."""
    return add_years(born, age)


def parse_iso_date(value: object) -> dt.date:
    """A date written as ``YYYY-MM-DD``; ``ValueError`` otherwise (also for ``2016-2-3``)."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError(value)
    return dt.date.fromisoformat(value)
