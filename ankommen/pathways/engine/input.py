"""A person's facts as the engine reads them, and the parser of the JSON input format (issue [R]).

Every field is optional. A missing field, or ``null``, means "not known": criteria that need it
come out ``unknown``, never "not met". The criminal-record answer (``convictions_above_threshold``)
is an input only: nothing here or in the engine stores or logs it (DOMAIN §2.7).

``parse_facts`` rejects unknown fields and wrong types with a ``FactsError`` naming the field
(``statuses[1].from``), so a typo does not silently make a criterion "unknown".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ankommen.pathways.engine.dates import parse_iso_date

# Status types of the residence status history (the same codes as the participant record).
STATUS_TYPES: frozenset[str] = frozenset(
    {
        "ankunftsnachweis",
        "gestattung",
        "duldung",
        "duldung_60b",
        "duldung_60c",
        "duldung_60d",
        "fiktion",
        "aufenthaltserlaubnis",
        "niederlassungserlaubnis",
        "daueraufenthalt_eu",
        "freizuegigkeit",
        "eingebuergert",
        "none",
    }
)
DULDUNG_TYPES: frozenset[str] = frozenset({"duldung", "duldung_60b", "duldung_60c", "duldung_60d"})
# CEFR levels in order; "pre_A1" (below A1) and "native" (first language) as in the record.
LEVELS: tuple[str, ...] = ("pre_A1", "A1", "A2", "B1", "B2", "C1", "C2", "native")


class FactsError(ValueError):
    """Bad input: ``field`` names the offending field (``statuses[0].from``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class StatusPeriod:
    type: str
    start: dt.date
    end: dt.date | None = None  # None: open-ended / still valid
    basis: str = ""  # the legal basis, e.g. "104c" or "25(5)"; matters for § 104c permits

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class EmploymentPeriod:
    start: dt.date
    end: dt.date | None = None
    hours_per_week: float | None = None
    social_insurance: bool | None = None


@dataclass(frozen=True)
class Training:
    qualified: bool | None = None
    start: dt.date | None = None


@dataclass(frozen=True)
class Facts:
    date_of_birth: dt.date | None = None
    entry_date: dt.date | None = None
    statuses: tuple[StatusPeriod, ...] | None = None
    identity_clarified_on: dt.date | None = None
    identity_steps_taken_on: dt.date | None = None
    german_oral_level: str | None = None
    knowledge_of_legal_order: bool | None = None
    fdgo_commitment: bool | None = None
    school_years_in_germany: float | None = None
    german_school_or_vocational_qualification: bool | None = None
    in_school_or_training: bool | None = None
    employment: tuple[EmploymentPeriod, ...] | None = None
    livelihood_share_secured: float | None = None
    minor_children_in_household: int | None = None
    school_age_children_attend_school: bool | None = None
    training: Training | None = None
    convictions_above_threshold: bool | None = None
    measures_to_end_stay: bool | None = None
    safe_country_rejected: bool | None = None

    def flag(self, name: str) -> bool | None:
        """A yes/no fact by name (``training_qualified`` reads ``training.qualified``)."""
        if name == "training_qualified":
            return self.training.qualified if self.training is not None else None
        value = getattr(self, name)
        return value if isinstance(value, bool) else None


# Yes/no facts a rule's "flag" criterion may name.
FLAG_FACTS: frozenset[str] = frozenset(
    {
        "knowledge_of_legal_order",
        "fdgo_commitment",
        "school_age_children_attend_school",
        "convictions_above_threshold",
        "measures_to_end_stay",
        "safe_country_rejected",
        "training_qualified",
    }
)

# --- parsing --------------------------------------------------------------------------------------

T = TypeVar("T")


def _date(value: Any, field: str) -> dt.date:
    try:
        return parse_iso_date(value)
    except ValueError:
        raise FactsError(field, f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise FactsError(field, f"expected true, false or null, got {value!r}")
    return value


def _number(value: Any, field: str, *, minimum: float = 0.0, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FactsError(field, f"expected a number, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"at least {minimum:g}"
        raise FactsError(field, f"must be {bounds}, got {value!r}")
    return float(value)


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FactsError(field, f"expected a whole number of at least 0, got {value!r}")
    return value


def _level(value: Any, field: str) -> str:
    if value not in LEVELS:
        raise FactsError(field, f"expected one of {', '.join(LEVELS)}, got {value!r}")
    return str(value)


def _object(value: Any, field: str, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FactsError(field, f"expected an object, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        where = f"{field}." if field else ""
        raise FactsError(f"{where}{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(allowed))})")
    return value


def _list(value: Any, field: str, item: Callable[[Any, str], T]) -> tuple[T, ...]:
    if not isinstance(value, list):
        raise FactsError(field, f"expected a list, got {type(value).__name__}")
    return tuple(item(entry, f"{field}[{index}]") for index, entry in enumerate(value))


def _optional(data: Mapping[str, Any], key: str, parse: Callable[[Any, str], T], field: str = "") -> T | None:
    value = data.get(key)
    return None if value is None else parse(value, f"{field}{key}")


def _status(value: Any, field: str) -> StatusPeriod:
    data = _object(value, field, frozenset({"type", "basis", "from", "to"}))
    kind = data.get("type")
    if kind not in STATUS_TYPES:
        raise FactsError(f"{field}.type", f"expected one of {', '.join(sorted(STATUS_TYPES))}, got {kind!r}")
    if "from" not in data or data["from"] is None:
        raise FactsError(f"{field}.from", "required: the first day of the status")
    start = _date(data["from"], f"{field}.from")
    end = _optional(data, "to", _date, f"{field}.")
    if end is not None and end < start:
        raise FactsError(f"{field}.to", f"{end.isoformat()} is before the start {start.isoformat()}")
    basis = data.get("basis") or ""
    if not isinstance(basis, str):
        raise FactsError(f"{field}.basis", f'expected a text such as "104c", got {basis!r}')
    return StatusPeriod(type=str(kind), start=start, end=end, basis=basis.strip())


def _employment(value: Any, field: str) -> EmploymentPeriod:
    data = _object(value, field, frozenset({"from", "to", "hours_per_week", "social_insurance"}))
    if "from" not in data or data["from"] is None:
        raise FactsError(f"{field}.from", "required: the first day of the employment")
    start = _date(data["from"], f"{field}.from")
    end = _optional(data, "to", _date, f"{field}.")
    if end is not None and end < start:
        raise FactsError(f"{field}.to", f"{end.isoformat()} is before the start {start.isoformat()}")
    hours = _optional(data, "hours_per_week", lambda v, f: _number(v, f, maximum=80), f"{field}.")
    insured = _optional(data, "social_insurance", _bool, f"{field}.")
    return EmploymentPeriod(start=start, end=end, hours_per_week=hours, social_insurance=insured)


def _training(value: Any, field: str) -> Training:
    data = _object(value, field, frozenset({"qualified", "start"}))
    return Training(
        qualified=_optional(data, "qualified", _bool, f"{field}."),
        start=_optional(data, "start", _date, f"{field}."),
    )


_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "date_of_birth": _date,
    "entry_date": _date,
    "statuses": lambda v, f: _list(v, f, _status),
    "identity_clarified_on": _date,
    "identity_steps_taken_on": _date,
    "german_oral_level": _level,
    "knowledge_of_legal_order": _bool,
    "fdgo_commitment": _bool,
    "school_years_in_germany": lambda v, f: _number(v, f, maximum=30),
    "german_school_or_vocational_qualification": _bool,
    "in_school_or_training": _bool,
    "employment": lambda v, f: _list(v, f, _employment),
    "livelihood_share_secured": lambda v, f: _number(v, f, maximum=1),
    "minor_children_in_household": _count,
    "school_age_children_attend_school": _bool,
    "training": _training,
    "convictions_above_threshold": _bool,
    "measures_to_end_stay": _bool,
    "safe_country_rejected": _bool,
}
FIELDS: frozenset[str] = frozenset(_PARSERS)


def parse_facts(data: Any) -> Facts:
    """The facts of the JSON input (an object); ``FactsError`` names the first bad field."""
    fields = _object(data, "", FIELDS)
    values = {name: _optional(fields, name, parse) for name, parse in _PARSERS.items()}
    born, entry = values["date_of_birth"], values["entry_date"]
    if born is not None and entry is not None and entry < born:
        raise FactsError("entry_date", "is before the date of birth")
    return Facts(**values)
