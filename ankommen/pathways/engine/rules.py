"""Rule files: one TOML file per pathway and version, in ``ankommen/pathways/rules/``.

A rule file holds everything that changes when the law changes: the validity (``valid_from``,
optional ``valid_to``), the legal source (norm, amending act, BGBl. reference), the review, the
thresholds and dates (as criterion parameters), the deadline, and per criterion a short label,
a plain-language explanation and a suggested plan goal in German and English. The engine
(``criteria.py``) knows a fixed set of criterion *kinds*; a file combines them with parameters.

On an evaluation date the version of each pathway in force is the one with the latest
``valid_from`` on or before that date whose ``valid_to`` (if any) has not passed: a file with a
later ``valid_from`` is ignored before that day and replaces the older version from it.

Files are validated completely when loaded; ``RuleFileError`` names the file and the field.
See docs/pathways.md ("Adding a rule version") and ADR 0014.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ankommen.pathways.engine.input import FLAG_FACTS, LEVELS, STATUS_TYPES

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
LANGUAGES = ("de", "en")
# The order in which pathways are listed.
PATHWAY_ORDER = ("aufenthg_25a", "aufenthg_25b", "aufenthg_60c", "aufenthg_60d", "aufenthg_104c_transition")
# Life domains of case plans (cases.choices.LifeDomain) a suggested goal may belong to.
GOAL_DOMAINS = frozenset(
    {
        "residence",
        "language",
        "schooling",
        "training_work",
        "income",
        "housing",
        "health",
        "family",
        "participation",
        "mobility",
    }
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class RuleFileError(ValueError):
    """A rule file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Text:
    de: str
    en: str

    def get(self, language: str) -> str:
        return self.de if language.lower().startswith("de") else self.en


@dataclass(frozen=True)
class Source:
    norm: str  # "§ 25a AufenthG"
    law: str  # the act that gave the provision this version
    bgbl: str  # its BGBl. reference
    in_force: dt.date


@dataclass(frozen=True)
class CriterionRule:
    id: str
    kind: str
    paragraph: str  # where in the norm, e.g. "Abs. 1 S. 1 Nr. 1"
    label: Text
    explanation: Text
    params: Mapping[str, Any]
    goal: Text | None = None  # suggested plan goal when the criterion is missing
    domain: str | None = None  # life domain of that goal
    scope: bool = False  # decides whether the pathway applies to the person at all


@dataclass(frozen=True)
class Counting:
    credited: frozenset[str]  # status types whose time counts
    neutral: frozenset[str]  # the stay continues but the time does not count (§ 60b)
    max_gap_days: int  # a longer gap without a document interrupts the stay
    credited_for_104c_holders: frozenset[str]  # also counted on the § 104c routes


@dataclass(frozen=True)
class Deadline:
    kind: str  # "birthday" | "permit_end" | "fixed"
    age: int | None = None
    day: dt.date | None = None
    basis: str = ""
    permit_months: int | None = None


@dataclass(frozen=True)
class Rule:
    pathway: str
    valid_from: dt.date
    valid_to: dt.date | None
    title: Text
    summary: Text
    source: Source
    reviewed_by: str
    reviewed_on: dt.date
    counting: Counting
    criteria: tuple[CriterionRule, ...]
    not_checked: tuple[Text, ...]
    deadline: Deadline | None = None
    routes: tuple[str, ...] = ()
    path: str = ""

    @property
    def version(self) -> str:
        return self.valid_from.isoformat()

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def criterion(self, criterion_id: str) -> CriterionRule | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def rule_for(self, pathway: str, on: dt.date) -> Rule | None:
        """The version of ``pathway`` in force on ``on``: the latest ``valid_from`` ≤ on, unless its
        ``valid_to`` has passed."""
        candidates = [r for r in self.rules if r.pathway == pathway and r.valid_from <= on]
        if not candidates:
            return None
        latest = max(candidates, key=lambda r: r.valid_from)
        return latest if latest.in_force(on) else None

    def in_force(self, on: dt.date) -> list[Rule]:
        found = [rule for pathway in self.pathways() if (rule := self.rule_for(pathway, on)) is not None]
        return found

    def pathways(self) -> list[str]:
        ids = {r.pathway for r in self.rules}
        return [p for p in PATHWAY_ORDER if p in ids] + sorted(ids - set(PATHWAY_ORDER))


# --- parameter schemas of the criterion kinds (the evaluators live in criteria.py) -----------------

# name -> (type, required). Types: int, number, bool, date, str, level, statuses, fact, bands, choice:a|b
KIND_PARAMS: dict[str, dict[str, tuple[str, bool]]] = {
    "tolerated_status": {
        "min_months": ("int", True),
        "statuses": ("statuses", True),
        "excluded": ("statuses", False),
        "accept_104c_permit": ("bool", False),
        "gestattung_with_training": ("bool", False),
    },
    "age_limit": {"max_age": ("int", True), "min_age": ("int", False)},
    "residence_time": {"years": ("int", True), "years_with_minor_child": ("int", False)},
    "school": {"years": ("number", True)},
    "language": {"min_level": ("level", True)},
    "flag": {
        "fact": ("fact", True),
        "met_when": ("bool", True),
        "otherwise": ("choice:not_met|unknown", False),
        "not_applicable_without_minor_children": ("bool", False),
    },
    "livelihood": {"min_share": ("number", True), "school_or_training_suffices": ("bool", True)},
    "entry_by": {"date": ("date", True)},
    "identity_deadline": {"bands": ("bands", True)},
    "identity_clarified": {},
    "employment_time": {"months": ("int", True), "min_hours": ("number", True), "max_gap_days": ("int", False)},
    "training_window": {"months_before": ("int", True)},
    "holds_permit": {"basis": ("str", True), "permit_months": ("int", True)},
    "route": {},
    "discretionary": {},
}
BAND_RULES = {
    "by_application": (),
    "fixed_latest": ("date",),
    "months_after_entry": ("months",),
    "by_application_if_employed_on": ("employed_on", "date"),
}


class _Reader:
    """Typed access to one TOML table with error messages that name the file and the field."""

    def __init__(self, path: str, data: Mapping[str, Any], where: str = "") -> None:
        self.path, self.data, self.where = path, data, where

    def fail(self, key: str, message: str) -> RuleFileError:
        return RuleFileError(f"{self.path}: {self.where}{key}: {message}")

    def child(self, key: str, *, required: bool = True) -> _Reader | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing table")
            return None
        if not isinstance(value, Mapping):
            raise self.fail(key, "expected a table")
        return _Reader(self.path, value, f"{self.where}{key}.")

    def get(self, key: str, kind: str, *, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                raise self.fail(key, "missing")
            return None
        value = self.data[key]
        checks = {
            "str": lambda v: isinstance(v, str) and v.strip(),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
            "bool": lambda v: isinstance(v, bool),
            "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
            "level": lambda v: v in LEVELS,
            "fact": lambda v: v in FLAG_FACTS,
            "statuses": lambda v: isinstance(v, list) and all(s in STATUS_TYPES for s in v),
        }
        if kind == "statuses" and isinstance(value, list):
            unknown = [s for s in value if s not in STATUS_TYPES]
            if unknown:
                raise self.fail(key, f"unknown status type {unknown[0]!r} (known: {', '.join(sorted(STATUS_TYPES))})")
        if kind.startswith("choice:"):
            choices = kind.removeprefix("choice:").split("|")
            if value not in choices:
                raise self.fail(key, f"expected one of {', '.join(choices)}, got {value!r}")
            return value
        if not checks[kind](value):
            expected = {
                "str": "a non-empty text",
                "int": "a whole number ≥ 0",
                "number": "a number ≥ 0",
                "bool": "true or false",
                "date": "a date (YYYY-MM-DD, unquoted)",
                "level": f"one of {', '.join(LEVELS)}",
                "fact": f"one of {', '.join(sorted(FLAG_FACTS))}",
                "statuses": f"a list of status types ({', '.join(sorted(STATUS_TYPES))})",
            }[kind]
            raise self.fail(key, f"expected {expected}, got {value!r}")
        return frozenset(value) if kind == "statuses" else value

    def text(self, key: str, *, required: bool = True) -> Text | None:
        table = self.child(key, required=required)
        if table is None:
            return None
        unknown = set(table.data) - set(LANGUAGES)
        if unknown:
            raise table.fail(sorted(unknown)[0], "unknown language (use de and en)")
        return Text(de=table.get("de", "str"), en=table.get("en", "str"))

    def required_text(self, key: str) -> Text:
        text = self.text(key)
        assert text is not None  # text() raises for a missing required table
        return text

    def only(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise self.fail(unknown[0], "unknown field")


def _bands(reader: _Reader, key: str) -> tuple[Mapping[str, Any], ...]:
    value = reader.data.get(key)
    if not isinstance(value, list) or not value:
        raise reader.fail(key, "expected a non-empty list of bands")
    bands = []
    for index, raw in enumerate(value):
        if not isinstance(raw, Mapping):
            raise reader.fail(f"{key}[{index}]", "expected a table")
        band = _Reader(reader.path, raw, f"{reader.where}{key}[{index}].")
        band.only({"entry_from", "entry_to", "rule", "date", "months", "employed_on"})
        rule = band.get("rule", f"choice:{'|'.join(BAND_RULES)}")
        entry_from = band.get("entry_from", "date", required=False)
        entry_to = band.get("entry_to", "date", required=False)
        if entry_from and entry_to and entry_to < entry_from:
            raise band.fail("entry_to", "is before entry_from")
        parsed: dict[str, Any] = {"rule": rule, "entry_from": entry_from, "entry_to": entry_to}
        for name in BAND_RULES[rule]:
            parsed[name] = band.get(name, "int" if name == "months" else "date")
        bands.append(parsed)
    return tuple(bands)


def _criterion(path: str, raw: Any, index: int) -> CriterionRule:
    if not isinstance(raw, Mapping):
        raise RuleFileError(f"{path}: criteria[{index}]: expected a table")
    reader = _Reader(path, raw, f"criteria[{index}].")
    reader.only({"id", "kind", "paragraph", "label", "explanation", "goal", "domain", "scope", "params"})
    criterion_id = reader.get("id", "str")
    if not _ID.match(criterion_id):
        raise reader.fail("id", "use lower-case letters, digits and _")
    kind = reader.get("kind", f"choice:{'|'.join(KIND_PARAMS)}")
    params_reader = reader.child("params", required=False) or _Reader(path, {}, f"criteria[{index}].params.")
    schema = KIND_PARAMS[kind]
    params_reader.only(set(schema))
    params: dict[str, Any] = {}
    for name, (kind_of_value, required) in schema.items():
        if kind_of_value == "bands":
            params[name] = _bands(params_reader, name)
        else:
            value = params_reader.get(name, kind_of_value, required=required)
            if value is not None:
                params[name] = value
    if kind == "livelihood" and params["min_share"] > 1:
        raise params_reader.fail("min_share", "is a share between 0 and 1")
    goal = reader.text("goal", required=False)
    domain = reader.get("domain", f"choice:{'|'.join(sorted(GOAL_DOMAINS))}", required=goal is not None)
    return CriterionRule(
        id=criterion_id,
        kind=kind,
        paragraph=reader.get("paragraph", "str"),
        label=reader.required_text("label"),
        explanation=reader.required_text("explanation"),
        params=params,
        goal=goal,
        domain=domain,
        scope=bool(reader.get("scope", "bool", required=False)),
    )


def parse_rule(path: str, data: Mapping[str, Any]) -> Rule:
    reader = _Reader(path, data)
    reader.only(
        {
            "pathway",
            "valid_from",
            "valid_to",
            "title",
            "summary",
            "source",
            "review",
            "counting",
            "deadline",
            "routes",
            "not_checked",
            "criteria",
        }
    )
    pathway = reader.get("pathway", "str")
    if not _ID.match(pathway):
        raise reader.fail("pathway", "use lower-case letters, digits and _")
    valid_from = reader.get("valid_from", "date")
    valid_to = reader.get("valid_to", "date", required=False)
    if valid_to is not None and valid_to < valid_from:
        raise reader.fail("valid_to", "is before valid_from")
    source_reader = reader.child("source")
    assert source_reader is not None
    source_reader.only({"norm", "law", "bgbl", "in_force"})
    source = Source(
        norm=source_reader.get("norm", "str"),
        law=source_reader.get("law", "str"),
        bgbl=source_reader.get("bgbl", "str"),
        in_force=source_reader.get("in_force", "date"),
    )
    review = reader.child("review")
    assert review is not None
    review.only({"by", "on"})
    counting_reader = reader.child("counting")
    assert counting_reader is not None
    counting_reader.only({"credited", "neutral", "max_gap_days", "credited_for_104c_holders"})
    counting = Counting(
        credited=counting_reader.get("credited", "statuses"),
        neutral=counting_reader.get("neutral", "statuses", required=False) or frozenset(),
        max_gap_days=counting_reader.get("max_gap_days", "int"),
        credited_for_104c_holders=counting_reader.get("credited_for_104c_holders", "statuses", required=False)
        or frozenset(),
    )
    if counting.credited & counting.neutral:
        raise counting_reader.fail("neutral", "a status type cannot be credited and neutral")
    deadline = None
    deadline_reader = reader.child("deadline", required=False)
    if deadline_reader is not None:
        deadline_reader.only({"kind", "age", "date", "basis", "permit_months"})
        kind = deadline_reader.get("kind", "choice:birthday|permit_end|fixed")
        deadline = Deadline(
            kind=kind,
            age=deadline_reader.get("age", "int", required=kind == "birthday"),
            day=deadline_reader.get("date", "date", required=kind == "fixed"),
            basis=deadline_reader.get("basis", "str", required=kind == "permit_end") or "",
            permit_months=deadline_reader.get("permit_months", "int", required=kind == "permit_end"),
        )
    routes_value = data.get("routes", [])
    if not isinstance(routes_value, list) or not all(isinstance(r, str) and _ID.match(r) for r in routes_value):
        raise reader.fail("routes", "expected a list of pathway ids")
    not_checked_value = data.get("not_checked", [])
    if not isinstance(not_checked_value, list):
        raise reader.fail("not_checked", "expected a list of tables with de and en")
    not_checked = tuple(
        _Reader(path, {"item": item}, f"not_checked[{index}].").required_text("item")
        for index, item in enumerate(not_checked_value)
    )
    criteria_value = data.get("criteria")
    if not isinstance(criteria_value, list) or not criteria_value:
        raise reader.fail("criteria", "expected at least one [[criteria]] table")
    criteria = tuple(_criterion(path, raw, index) for index, raw in enumerate(criteria_value))
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.id in seen:
            raise RuleFileError(f"{path}: criteria: the id {criterion.id!r} is used twice")
        seen.add(criterion.id)
    kinds = [c.kind for c in criteria]
    if ("route" in kinds) != bool(routes_value):
        raise reader.fail("routes", "a file has routes if and only if it has a criterion of kind 'route'")
    if kinds.count("route") > 1:
        raise reader.fail("criteria", "at most one criterion of kind 'route'")
    return Rule(
        pathway=pathway,
        valid_from=valid_from,
        valid_to=valid_to,
        title=reader.required_text("title"),
        summary=reader.required_text("summary"),
        source=source,
        reviewed_by=review.get("by", "str"),
        reviewed_on=review.get("on", "date"),
        counting=counting,
        criteria=criteria,
        not_checked=not_checked,
        deadline=deadline,
        routes=tuple(routes_value),
        path=path,
    )


def load_rule_file(path: Path) -> Rule:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(f"{path.name}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path.name}: not valid TOML: {exc}") from exc
    return parse_rule(path.name, data)


def build_rule_set(rules: Sequence[Rule]) -> RuleSet:
    """Checks across files: one version per pathway and day, routes that exist and have no routes."""
    seen: dict[tuple[str, dt.date], str] = {}
    for rule in rules:
        key = (rule.pathway, rule.valid_from)
        if key in seen:
            raise RuleFileError(
                f"{rule.path}: valid_from: {rule.pathway} already has a version from {rule.version} ({seen[key]})"
            )
        seen[key] = rule.path
    pathways = {r.pathway: r for r in rules}
    for rule in rules:
        for route in rule.routes:
            if route not in pathways:
                raise RuleFileError(f"{rule.path}: routes: no rule file for the pathway {route!r}")
            if any(r.routes for r in rules if r.pathway == route):
                raise RuleFileError(f"{rule.path}: routes: {route!r} has routes itself")
    return RuleSet(tuple(sorted(rules, key=lambda r: (r.pathway, r.valid_from))))


def load_rules(directory: Path | str = RULES_DIR) -> RuleSet:
    """Every ``*.toml`` file of ``directory``, validated; ``RuleFileError`` on the first bad one."""
    folder = Path(directory)
    if not folder.is_dir():
        raise RuleFileError(f"{folder}: not a directory of rule files")
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise RuleFileError(f"{folder}: no rule files (*.toml)")
    return build_rule_set([load_rule_file(path) for path in files])


@lru_cache(maxsize=8)
def _cached(directory: str) -> RuleSet:
    return load_rules(directory)


def default_rules() -> RuleSet:
    """The rule files of the repository, loaded once per process."""
    return _cached(str(RULES_DIR))
