"""Bridge between participant rows and the pure matching engine."""

from __future__ import annotations

from ankommen.participants.choices import DatePrecision
from ankommen.participants.matching import BirthDate, PersonRecord, parse_birth_date, record_keys
from ankommen.participants.models import Participant, ParticipantNameKey


def birth_date_of(participant: Participant) -> BirthDate:
    born = participant.date_of_birth
    if born is None:
        return parse_birth_date("")
    if participant.birth_date_precision == DatePrecision.YEAR:
        return parse_birth_date(f"{born:%Y}")
    if participant.birth_date_precision == DatePrecision.MONTH:
        return parse_birth_date(f"{born:%Y-%m}")
    return parse_birth_date(born.isoformat())


def person_record_for(participant: Participant, variants: list[tuple[str, str]] | None = None) -> PersonRecord:
    """The engine's view of a participant. ``variants`` defaults to the stored name variants."""
    if variants is None:
        variants = [(v.given_name, v.family_name) for v in participant.name_variants.all()]
    return PersonRecord(
        id=str(participant.pk),
        given_name=participant.given_name,
        family_name=participant.family_name,
        date_of_birth=birth_date_of(participant),
        sex=participant.sex if participant.sex != "u" else "",
        nationality=",".join(str(c) for c in participant.nationalities),
        place_of_birth=participant.place_of_birth,
        aliases=tuple(variants),
    )


def refresh_name_keys(participant: Participant) -> None:
    """Rewrite the blocking keys of one participant (call inside the service's transaction)."""
    keys = record_keys(person_record_for(participant)) if participant.merged_into_id is None else set()
    ParticipantNameKey.objects.filter(participant=participant).exclude(key__in=keys).delete()
    existing = set(ParticipantNameKey.objects.filter(participant=participant).values_list("key", flat=True))
    ParticipantNameKey.objects.bulk_create(
        [ParticipantNameKey(network_id=participant.network_id, participant=participant, key=k) for k in keys - existing]
    )
