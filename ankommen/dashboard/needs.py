"""Recording needs (issue [G], ADR 0017).

A need is recorded for a person and a field of offers from two sources:

- **the case assessment**: a life domain with needs written maps to a field
  (``choices.FIELD_OF_LIFE_DOMAIN``: language and schooling → education and language; training and
  work, income → work and training; social participation, family → social participation; housing →
  housing). ``cases.services.save_assessment`` calls ``record_from_assessment`` in its transaction.
  A household's case records the need for the head of the household (a household counts as one
  person). Emptying the needs of a domain withdraws the open need recorded from it; closing the case
  withdraws its open needs, reopening it restores them.
- **expressed interest**: a place on a waiting list (``sync_enrolment``, run after the enrolment's
  transaction has committed) or the explicit "interested in" action (``services.record_interest``).
  Cancelling the waiting place withdraws the need, unless the person still waits for another offer
  of the field.

At most one open need per person and field: a further source of the same need records nothing (the
need is counted per person). The grouping attributes are taken when the need is recorded: district
of the accommodation, age band on that day, residence status group on that day, and the language of
instruction the person can follow (German from B1 in speaking or listening, otherwise the first
language, otherwise the best other language, otherwise the interpreter language).

Every change goes through ``summary.update_needs``, which keeps the summary tables in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from ankommen.cases.choices import Phase, StatusGroup, age_band
from ankommen.cases.models import AssessmentEntry, Case
from ankommen.dashboard import summary
from ankommen.dashboard.choices import (
    ALL,
    FIELD_OF_LIFE_DOMAIN,
    GERMAN_INSTRUCTION_LEVEL,
    NOT_KNOWN,
    NeedSource,
    WithdrawnReason,
)
from ankommen.dashboard.models import Need
from ankommen.dashboard.profiles import month_of
from ankommen.offers.choices import EnrolmentStatus, FieldOfAction
from ankommen.offers.models import Enrolment
from ankommen.participants.choices import CEFR_ORDER, STATUS_GROUPS, Relationship
from ankommen.participants.models import Participant

# --- the person's attributes when the need is recorded ----------------------------------------------


def instruction_language(person: Participant) -> str:
    skills = list(person.languages.values_list("language", "speaking", "listening").order_by("pk"))

    def level(speaking: str, listening: str) -> int:
        return max(CEFR_ORDER.get(speaking or "", 0), CEFR_ORDER.get(listening or "", 0))

    german = max((level(s, li) for code, s, li in skills if code == "de"), default=0)
    if german >= CEFR_ORDER[GERMAN_INSTRUCTION_LEVEL]:
        return "de"
    others = [(code, s, li) for code, s, li in skills if code != "de"]
    for code, speaking, listening in others:
        if "native" in (speaking, listening):
            return str(code)
    if others:
        best = max(others, key=lambda skill: level(skill[1], skill[2]))
        return str(best[0])
    return str(person.interpreter_language or NOT_KNOWN)


def snapshot(person: Participant, day: dt.date) -> dict[str, str]:
    """The grouping attributes of a need of ``person`` recorded on ``day``."""
    status = (
        person.statuses.filter(valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    district = (person.district or "").strip()[:100]
    return {
        "district": NOT_KNOWN if district == ALL else district,
        "age_band": age_band(person.age_on(day)),
        "status_group": STATUS_GROUPS.get(status, StatusGroup.NONE) if status else StatusGroup.NONE,
        "language": instruction_language(person),
    }


def people_of_case(case: Case) -> list[Participant]:
    """The person a case's needs are recorded for: its participant, or the head of its household
    (the first member when no head is named)."""
    if case.participant_id is not None:
        return [case.participant]  # type: ignore[list-item]
    if case.household_id is None:
        return []
    members = list(case.household.members.select_related("participant").order_by("pk"))  # type: ignore[union-attr]
    head = next((m for m in members if m.relationship == Relationship.HEAD), members[0] if members else None)
    return [head.participant] if head is not None and head.participant.merged_into_id is None else []


def _has_open_need(person: Participant, field: str) -> bool:
    return Need.objects.filter(network=person.network_id, participant=person.pk, field=field, is_open=True).exists()


def _create(person: Participant, field: str, source: str, day: dt.date, **links: Any) -> Need:
    return Need.objects.create(
        network_id=person.network_id,
        participant=person,
        field=field,
        source=source,
        recorded_on=day,
        recorded_month=month_of(day),
        **snapshot(person, day),
        **links,
    )


def _withdraw(needs: Iterable[Need], day: dt.date, reason: str) -> None:
    for need in needs:
        if need.is_open:
            need.withdrawn_on = day
            need.withdrawn_reason = reason
            need.save(update_fields=["withdrawn_on", "withdrawn_reason"])


# --- from the case assessment ---------------------------------------------------------------------


def record_from_assessment(case: Case, entry: AssessmentEntry, *, renewed: bool) -> None:
    """Record (or withdraw) the need written in one life domain of a case's assessment.

    ``renewed``: the needs text was just written or changed; a need is then recorded unless the
    person already has an open need in the field. Without it (a backfill) a need is recorded only
    once per assessment entry."""
    field = FIELD_OF_LIFE_DOMAIN.get(entry.domain)
    if field is None:
        return
    people = [p for p in people_of_case(case) if p.merged_into_id is None]
    if not people:
        return
    day = timezone.localdate(entry.updated_at) if entry.updated_at else timezone.localdate()

    def mutate() -> None:
        linked = Need.objects.filter(network=case.network_id, assessment=entry.pk)
        if not entry.needs.strip():
            if renewed:
                _withdraw(linked.filter(is_open=True), day, WithdrawnReason.ASSESSMENT_CLEARED)
            return
        for person in people:
            if not renewed and linked.filter(participant=person.pk).exists():
                continue
            if _has_open_need(person, field):
                continue
            _create(person, field, NeedSource.ASSESSMENT, day, case=case, assessment=entry)

    summary.update_needs(case.network_id, {(p.pk, field) for p in people}, mutate)


def sync_case(case: Case) -> None:
    """Record the needs of every assessed life domain of a case that has none yet (backfill, demo)."""
    for entry in case.assessment.all():
        record_from_assessment(case, entry, renewed=False)


def case_closed_or_reopened(case: Case) -> None:
    """Closing a case withdraws its open needs; reopening it restores the needs its closure withdrew."""
    if case.phase == Phase.CLOSED:
        needs = Need.objects.filter(network=case.network_id, case=case.pk, is_open=True)
        day = case.closed_on or timezone.localdate()
        reason = WithdrawnReason.CASE_CLOSED
    else:
        needs = Need.objects.filter(network=case.network_id, case=case.pk, withdrawn_reason=WithdrawnReason.CASE_CLOSED)
        day = None
        reason = WithdrawnReason.NONE
    groups = set(needs.values_list("participant_id", "field"))
    if not groups:
        return

    def mutate() -> None:
        if day is not None:
            _withdraw(needs, day, reason)
        else:
            needs.update(withdrawn_on=None, withdrawn_reason=reason)

    summary.update_needs(case.network_id, groups, mutate)


# --- expressed interest ---------------------------------------------------------------------------


def record_interest(person: Participant, field: str, *, category: str = "", day: dt.date | None = None) -> Need | None:
    """Record that the person is interested in offers of a field (None: an open need exists)."""
    if field not in FieldOfAction.values:
        raise ValueError(f"unknown field {field!r}")
    created: list[Need] = []
    day = day or timezone.localdate()

    def mutate() -> None:
        if not _has_open_need(person, field):
            created.append(_create(person, field, NeedSource.INTEREST, day, category=category))

    summary.update_needs(person.network_id, {(person.pk, field)}, mutate)
    return created[0] if created else None


def sync_enrolment(enrolment_id: int) -> None:
    """Bring the needs and the offer's summary rows in step with one enrolment. Idempotent.

    A place on the waiting list records an interest (unless the person has an open need in the
    field); a seat meets open needs of the field; cancelling a waiting place withdraws the interest
    it recorded (unless the person still waits for another offer of the field)."""
    enrolment = _enrolment(enrolment_id)
    if enrolment is None:
        return
    network_id = enrolment.network_id
    with scope(network=network_id), transaction.atomic():
        enrolment = Enrolment.objects.select_related("offer", "participant").filter(pk=enrolment_id).first()
        if enrolment is None:
            return
        person = enrolment.participant
        field = enrolment.offer.field_of_action

        def mutate() -> None:
            if enrolment.status == EnrolmentStatus.WAITING:
                if person.merged_into_id is not None:
                    return
                if Need.objects.filter(network=network_id, enrolment=enrolment.pk).exists():
                    return
                if _has_open_need(person, field):
                    return
                _create(
                    person,
                    field,
                    NeedSource.INTEREST,
                    summary.local_day(enrolment.queued_at),
                    category=enrolment.offer.category,
                    enrolment=enrolment,
                )
            elif enrolment.status == EnrolmentStatus.CANCELLED and enrolment.enrolled_at is None:
                for need in Need.objects.filter(network=network_id, enrolment=enrolment.pk, is_open=True):
                    other = (
                        Enrolment.objects.filter(
                            network=network_id,
                            participant=need.participant_id,
                            offer__field_of_action=field,
                            status=EnrolmentStatus.WAITING,
                        )
                        .order_by("queued_at", "pk")
                        .first()
                    )
                    if other is not None:
                        need.enrolment = other
                        need.save(update_fields=["enrolment"])
                    else:
                        cancelled = enrolment.cancelled_at or timezone.now()
                        _withdraw([need], summary.local_day(cancelled), WithdrawnReason.INTEREST_CANCELLED)

        summary.update_needs(network_id, {(person.pk, field)}, mutate)
        summary.refresh_offers(network_id, {enrolment.offer_id})


def _enrolment(enrolment_id: int) -> Enrolment | None:
    from django_scopes import scopes_disabled

    with scopes_disabled():
        return Enrolment.objects.filter(pk=enrolment_id).only("pk", "network_id").first()


# --- merging two records of the same person ---------------------------------------------------------

MERGE_KEY = "dashboard.need"


class NeedRows:
    """Merge hook (``participants.merge.MERGE_HOOKS``): the absorbed record's needs move to the
    survivor, and back on undo; the summary follows."""

    @property
    def label(self) -> Promise:
        return _("recorded needs")

    def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]:
        return Need.objects.filter(network=absorbed.network_id, participant=absorbed.pk).count(), 0

    def _move(self, source: Participant, target: Participant, ids: list[int]) -> None:
        groups = {(person.pk, field) for person in (source, target) for field in FieldOfAction.values}

        def mutate() -> None:
            Need.objects.filter(pk__in=ids, participant=source.pk).update(participant=target)

        summary.update_needs(source.network_id, groups, mutate)

    def merge(self, survivor: Participant, absorbed: Participant, merge: Any) -> None:
        ids = list(
            Need.objects.filter(network=absorbed.network_id, participant=absorbed.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Even without needs to move: the survivor's needs may now be met by seats that came over
        # with the enrolments (the offers' hook runs before this one).
        self._move(absorbed, survivor, ids)
        if ids:
            merge.moved[MERGE_KEY] = ids

    def undo(self, survivor: Participant, absorbed: Participant, merge: Any) -> None:
        self._move(survivor, absorbed, list(merge.moved.get(MERGE_KEY, [])))
