"""Bridge between participant rows and the pure matching engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ankommen.participants.choices import DatePrecision
from ankommen.participants.matching import BirthDate, PersonRecord, parse_birth_date, record_keys
from ankommen.participants.models import Participant, ParticipantNameKey


def _birth_date(born: dt.date | None, precision: str) -> BirthDate:
    if born is None:
        return parse_birth_date("")
    if precision == DatePrecision.YEAR:
        return parse_birth_date(f"{born:%Y}")
    if precision == DatePrecision.MONTH:
        return parse_birth_date(f"{born:%Y-%m}")
    return parse_birth_date(born.isoformat())


def birth_date_of(participant: Participant) -> BirthDate:
    return _birth_date(participant.date_of_birth, participant.birth_date_precision)


RECORD_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "birth_date_precision",
    "sex",
    "nationalities",
    "place_of_birth",
)
"""The fields of a participant the engine compares (``person_record_from_values`` takes them in this order)."""


def person_record_from_values(
    pk: int,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    birth_date_precision: str,
    sex: str,
    nationalities: str | Iterable[object],
    place_of_birth: str,
    *,
    variants: list[tuple[str, str]],
) -> PersonRecord:
    """The engine's view of a participant read as plain values (``RECORD_FIELDS``)."""
    return PersonRecord(
        id=str(pk),
        given_name=given_name,
        family_name=family_name,
        date_of_birth=_birth_date(date_of_birth, birth_date_precision),
        sex=sex if sex != "u" else "",
        nationality=nationalities if isinstance(nationalities, str) else ",".join(str(c) for c in nationalities),
        place_of_birth=place_of_birth,
        aliases=tuple(variants),
    )


def person_record_for(participant: Participant, variants: list[tuple[str, str]] | None = None) -> PersonRecord:
    """The engine's view of a participant. ``variants`` defaults to the stored name variants."""
    if variants is None:
        variants = [(v.given_name, v.family_name) for v in participant.name_variants.all()]
    return person_record_from_values(
        participant.pk,
        *(getattr(participant, field) for field in RECORD_FIELDS),
        variants=variants,
    )


def refresh_name_keys(participant: Participant) -> None:
    """Rewrite the blocking keys of one participant (call inside the service's transaction)."""
    keys = record_keys(person_record_for(participant)) if participant.merged_into_id is None else set()
    ParticipantNameKey.objects.filter(participant=participant).exclude(key__in=keys).delete()
    existing = set(ParticipantNameKey.objects.filter(participant=participant).values_list("key", flat=True))
    ParticipantNameKey.objects.bulk_create(
        [ParticipantNameKey(network_id=participant.network_id, participant=participant, key=k) for k in keys - existing]
    )
