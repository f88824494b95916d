"""The engine's facts, built from a participant's record.

From the record: date of birth and entry, the residence status history (with the dates of
identity clarification), spoken German, schooling and qualifications in Germany, work in
Germany, and the minor children of the households in which the person is head or partner.
What the record does not hold (the commitment to the fdGO, the share of the livelihood secured,
a training place) and the criminal-record question are answered on the check form, for that
check only (``CheckForm.facts``). Nothing is guessed: what the record does not say stays
"not known" (``None``), except where the record lists something explicitly (German schooling
without a certificate: no German qualification).

Staff of another organisation see the facts of the data categories their consent names only;
everything else is treated as not known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.consents.choices import DataCategory
from ankommen.participants.choices import Childcare, DatePrecision, EducationKind, Relationship
from ankommen.participants.models import (
    EducationRecord,
    HouseholdMember,
    LanguageSkill,
    Participant,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.pathways.engine import Facts
from ankommen.pathways.engine.input import EmploymentPeriod, StatusPeriod

GERMANY = "DE"
ADULT_AGE = 18
SCHOOL_AGE = 6  # compulsory schooling in NRW starts at about six
# CEFR codes of the record -> the engine's codes.
LEVEL_CODES = {
    "pre_a1": "pre_A1",
    "A1": "A1",
    "A2": "A2",
    "B1": "B1",
    "B2": "B2",
    "C1": "C1",
    "C2": "C2",
    "native": "native",
}
# Certificates that prove basic knowledge of the legal and social order (§ 25b Abs. 1 S. 2 Nr. 2).
LEGAL_ORDER_PHRASES = ("leben in deutschland", "orientierungskurs", "einbürgerungstest")


@dataclass
class RecordFacts:
    facts: Facts
    notes: list[Promise] = field(default_factory=list)  # what the reader should know about the facts


def with_facts(records: QuerySet[Participant]) -> QuerySet[Participant]:
    """Prefetch everything ``facts_for`` reads: a fixed number of queries for any number of people."""
    members = HouseholdMember.objects.select_related("participant")
    return records.prefetch_related(
        Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("valid_from", "pk"), to_attr="pathway_statuses"),
        Prefetch("languages", queryset=LanguageSkill.objects.filter(language="de"), to_attr="pathway_german"),
        Prefetch("education", queryset=EducationRecord.objects.order_by("pk"), to_attr="pathway_education"),
        Prefetch("work", queryset=WorkRecord.objects.order_by("pk"), to_attr="pathway_work"),
        Prefetch(
            "household_memberships",
            queryset=HouseholdMember.objects.select_related("household").prefetch_related(
                Prefetch("household__members", queryset=members)
            ),
            to_attr="pathway_memberships",
        ),
    )


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _statuses(rows: list[ResidenceStatus]) -> tuple[StatusPeriod, ...] | None:
    periods = tuple(
        StatusPeriod(type=row.status, start=row.valid_from, end=row.valid_to, basis=row.legal_basis or "")
        for row in rows
        if row.valid_to is None or row.valid_to >= row.valid_from
    )
    return periods or None


def _first(days: list[dt.date | None]) -> dt.date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def _in_germany(row: EducationRecord | WorkRecord) -> bool:
    return str(row.country or "") == GERMANY


def _school_years(rows: list[EducationRecord]) -> float | None:
    german = [r for r in rows if r.kind == EducationKind.SCHOOL and _in_germany(r)]
    if not german:
        return None
    total = Decimal(0)
    for row in german:
        if row.years is not None:
            total += row.years
        elif row.from_year and row.to_year:
            total += Decimal(row.to_year - row.from_year)
        else:
            return None
    return float(total)


def _qualification(rows: list[EducationRecord]) -> bool | None:
    german = [r for r in rows if r.kind in (EducationKind.SCHOOL, EducationKind.VOCATIONAL) and _in_germany(r)]
    if not german:
        return None
    return any(r.certificate.strip() for r in german)


def _knows_legal_order(rows: list[EducationRecord]) -> bool | None:
    """True when a certificate proves it (LiD test, orientation course, German school-leaving
    certificate); otherwise not known."""
    for row in rows:
        words = re.findall(r"[a-zäöüß]+", row.certificate.lower())
        if "lid" in words or any(phrase in " ".join(words) for phrase in LEGAL_ORDER_PHRASES):
            return True
        if row.kind == EducationKind.SCHOOL and _in_germany(row) and row.certificate.strip():
            return True
    return None


def _in_school(rows: list[EducationRecord], memberships: list[HouseholdMember], on: dt.date) -> bool | None:
    if any(m.childcare in (Childcare.SCHOOL, Childcare.VOCATIONAL_SCHOOL) for m in memberships):
        return True
    for row in rows:
        if row.kind not in (EducationKind.SCHOOL, EducationKind.VOCATIONAL, EducationKind.UNIVERSITY):
            continue
        if _in_germany(row) and (row.from_year or 0) <= on.year and (row.to_year is None or row.to_year >= on.year):
            return True
    return None


def _employment(rows: list[WorkRecord], entry: dt.date | None) -> tuple[EmploymentPeriod, ...] | None:
    periods = []
    for row in rows:
        if row.from_date is None:
            continue
        if not _in_germany(row) and (row.country or entry is None or row.from_date < entry):
            continue  # abroad, or not known to be in Germany
        periods.append(
            EmploymentPeriod(
                start=row.from_date,
                end=row.to_date if row.to_date is None or row.to_date >= row.from_date else row.from_date,
                hours_per_week=float(row.hours_per_week) if row.hours_per_week is not None else None,
                social_insurance=row.social_insurance,
            )
        )
    return tuple(periods) or None


def _children(memberships: list[HouseholdMember], person_id: int, on: dt.date) -> tuple[int | None, bool | None]:
    """(minor children, school-age children attend school) of the households in which the person
    is head or partner; (None, None) when that is not known."""
    households = [m.household for m in memberships if m.relationship in (Relationship.HEAD, Relationship.PARTNER)]
    if not households:
        return None, None
    minors, unknown_age = [], False
    for household in households:
        for member in household.members.all():
            if member.participant_id == person_id or member.relationship != Relationship.CHILD:
                continue
            age = _age(member.participant.date_of_birth, on)
            if age is None:
                unknown_age = True
            elif age < ADULT_AGE:
                minors.append((member, age))
    count: int | None = len(minors)
    if not minors and unknown_age:
        count = None
    school_age = [member for member, age in minors if age >= SCHOOL_AGE]
    if count is None:
        attends = None
    elif all(m.childcare in (Childcare.SCHOOL, Childcare.VOCATIONAL_SCHOOL) for m in school_age):
        attends = True  # also when no child is of school age
    else:
        attends = None  # "none" may only mean not recorded
    return count, attends


def facts_for(participant: Participant, on: dt.date, categories: frozenset[str] | None = None) -> RecordFacts:
    """The facts of ``participant`` (prefetched with ``with_facts``) as known on ``on``.
    ``categories``: the data categories the reader may see (``None``: all)."""

    def sees(category: str) -> bool:
        return categories is None or category in categories

    statuses: list[ResidenceStatus] = getattr(participant, "pathway_statuses", None) or list(
        participant.statuses.order_by("valid_from", "pk")
    )
    german = getattr(participant, "pathway_german", None)
    if german is None:
        german = list(participant.languages.filter(language="de"))
    education = getattr(participant, "pathway_education", None)
    if education is None:
        education = list(participant.education.all())
    work = getattr(participant, "pathway_work", None)
    if work is None:
        work = list(participant.work.all())
    memberships = getattr(participant, "pathway_memberships", None)
    if memberships is None:
        memberships = list(participant.household_memberships.select_related("household"))
    notes: list[Promise] = []
    values: dict[str, object] = {}
    if sees(DataCategory.IDENTITY) and participant.date_of_birth is not None:
        values["date_of_birth"] = participant.date_of_birth
        if participant.birth_date_precision != DatePrecision.EXACT:
            notes.append(
                _("The date of birth is not exactly known: dates that depend on it (the 27th birthday) are uncertain.")
            )
    if sees(DataCategory.RESIDENCE):
        values["entry_date"] = participant.entry_date
        values["statuses"] = _statuses(statuses)
        values["identity_clarified_on"] = _first([s.identity_clarified_on for s in statuses])
        values["identity_steps_taken_on"] = _first([s.identity_steps_taken_on for s in statuses])
    if sees(DataCategory.LANGUAGE):
        speaking = german[0].speaking if german else ""
        values["german_oral_level"] = LEVEL_CODES.get(speaking)
    if sees(DataCategory.EDUCATION):
        values["school_years_in_germany"] = _school_years(education)
        values["german_school_or_vocational_qualification"] = _qualification(education)
        values["knowledge_of_legal_order"] = _knows_legal_order(education)
    values["in_school_or_training"] = _in_school(
        education if sees(DataCategory.EDUCATION) else [], memberships if sees(DataCategory.HOUSEHOLD) else [], on
    )
    if sees(DataCategory.WORK):
        values["employment"] = _employment(work, participant.entry_date)
    if sees(DataCategory.HOUSEHOLD):
        minors, attends = _children(memberships, participant.pk, on)
        values["minor_children_in_household"] = minors
        values["school_age_children_attend_school"] = attends
    if categories is not None:
        notes.append(
            _("Only the data categories shared with your organisation are used; everything else counts as not known.")
        )
    return RecordFacts(Facts(**values), notes)  # type: ignore[arg-type]
