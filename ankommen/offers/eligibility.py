"""Does a person fit an offer's target group? Plain data in, reasons out (no database).

The rule is "a known mismatch blocks, an unknown fact does not": a person without a recorded
birth date, residence status, sex or German level is not refused for it (the provider can check
on the day), but a person who is known to be too old, to hold a status the offer does not admit,
or whose German is known to be below the offer's minimum is. Entitlement paths of German courses
are checked separately (``path_problem``), because they close network-wide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.participants.choices import CEFR_ORDER

TOO_YOUNG = "too_young"
TOO_OLD = "too_old"
STATUS_NOT_ADMITTED = "status_not_admitted"
GENDER = "gender"
GERMAN_LEVEL = "german_level"
PATH_MISSING = "path_missing"
PATH_NOT_ACCEPTED = "path_not_accepted"
PATH_CLOSED = "path_closed"
PATH_NOT_APPLICABLE = "path_not_applicable"

MESSAGES: dict[str, Promise] = {
    TOO_YOUNG: _("The person is younger than this offer's minimum age."),
    TOO_OLD: _("The person is older than this offer's maximum age."),
    STATUS_NOT_ADMITTED: _("This offer does not admit the person's current residence status."),
    GENDER: _("This offer is for another gender."),
    GERMAN_LEVEL: _("The person's German is below this offer's minimum level."),
    PATH_MISSING: _("Choose the entitlement path by which the person comes to this German course."),
    PATH_NOT_ACCEPTED: _("This German course does not take participants by this entitlement path."),
    PATH_CLOSED: _("This entitlement path is closed in the network at the moment: no new enrolments by it."),
    PATH_NOT_APPLICABLE: _("Only German courses have entitlement paths."),
}


@dataclass(frozen=True)
class TargetGroup:
    age_min: int | None = None
    age_max: int | None = None
    open_regardless_of_status: bool = True
    admitted_statuses: frozenset[str] = frozenset()
    gender: str = "all"  # "all", "women", "men"
    min_german_level: str = ""  # a CEFR code or "" for none


@dataclass(frozen=True)
class PersonFacts:
    age: int | None = None
    status: str | None = None  # the current residence status type, None if not recorded
    sex: str = "u"  # "f", "m", "x", "u"
    german_level: str = ""  # the highest CEFR level recorded for German, "" if none


def best_level(levels: Iterable[str]) -> str:
    """The highest of several CEFR codes ("" when none is known)."""
    known = [level for level in levels if level]
    return max(known, key=lambda level: CEFR_ORDER.get(level, 0), default="")


def target_group_problems(target: TargetGroup, person: PersonFacts) -> list[str]:
    """The reasons (codes of ``MESSAGES``) why the person does not fit; empty if they do."""
    problems: list[str] = []
    if person.age is not None:
        if target.age_min is not None and person.age < target.age_min:
            problems.append(TOO_YOUNG)
        if target.age_max is not None and person.age > target.age_max:
            problems.append(TOO_OLD)
    if not target.open_regardless_of_status and person.status and person.status not in target.admitted_statuses:
        problems.append(STATUS_NOT_ADMITTED)
    if (target.gender == "women" and person.sex == "m") or (target.gender == "men" and person.sex == "f"):
        problems.append(GENDER)
    if (
        target.min_german_level
        and person.german_level
        and CEFR_ORDER.get(person.german_level, 0) < CEFR_ORDER.get(target.min_german_level, 0)
    ):
        problems.append(GERMAN_LEVEL)
    return problems


def path_problem(
    *, is_german_course: bool, accepted: Collection[str], closed: Collection[str], path: str
) -> str | None:
    """Why enrolling by ``path`` is not possible (a code of ``MESSAGES``), or None."""
    if not is_german_course:
        return PATH_NOT_APPLICABLE if path else None
    if not path:
        return PATH_MISSING
    if path not in accepted:
        return PATH_NOT_ACCEPTED
    if path in closed:
        return PATH_CLOSED
    return None
