"""Bridge between participant rows and the pure matching engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count

from ankommen.participants.choices import DatePrecision
from ankommen.participants.matching import BirthDate, PersonRecord, parse_birth_date, record_keys
from ankommen.participants.models import NameKeyCount, Participant, ParticipantNameKey


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
    """Rewrite the blocking keys of one participant and their counts (call inside the service's
    transaction)."""
    keys = record_keys(person_record_for(participant)) if participant.merged_into_id is None else set()
    rows = ParticipantNameKey.objects.filter(participant=participant)
    existing = set(rows.values_list("key", flat=True))
    stale, added = existing - keys, keys - existing
    if stale:
        rows.filter(key__in=stale).delete()
    ParticipantNameKey.objects.bulk_create(
        [ParticipantNameKey(network_id=participant.network_id, participant=participant, key=k) for k in added]
    )
    count_name_keys(participant.network_id, added, stale)


def count_name_keys(network_id: int, added: Iterable[str] = (), removed: Iterable[str] = ()) -> None:
    """Count one more record for each key in ``added`` and one fewer for each in ``removed``.

    The first statement upserts the rows of all these keys in sorted order (``+ 0`` for the
    removed ones, which only locks them), so two transactions counting the same keys lock
    their rows in the same order and wait for each other instead of deadlocking; the second
    lowers the removed ones, rows this transaction holds already. A count that would fall
    below zero fails the column's check instead of drifting silently.
    """
    changes = dict.fromkeys(removed, 0) | dict.fromkeys(added, 1)
    if not changes:
        return
    table = connection.ops.quote_name(NameKeyCount._meta.db_table)
    params: list[int | str] = []
    for key, change in sorted(changes.items()):
        params += [network_id, key, change]
    values = ", ".join(["(%s, %s, %s)"] * len(changes))
    lowered = sorted(key for key, change in changes.items() if change == 0)
    with connection.cursor() as cursor:
        cursor.execute(  # only the table name is formatted in; the values are parameters
            f"INSERT INTO {table} (network_id, key, count) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (network_id, key) DO UPDATE SET count = {table}.count + excluded.count",
            params,
        )
        if lowered:
            marks = ", ".join(["%s"] * len(lowered))
            cursor.execute(
                f"UPDATE {table} SET count = count - 1 WHERE network_id = %s AND key IN ({marks})",  # noqa: S608
                [network_id, *lowered],
            )


def recount_name_keys(network_id: int) -> int:
    """Count every key of a network afresh (after bulk loads, or to repair); returns the number
    of distinct keys."""
    counts = NameKeyCount.objects.filter(network_id=network_id)
    counts.delete()
    keys = connection.ops.quote_name(ParticipantNameKey._meta.db_table)
    table = connection.ops.quote_name(NameKeyCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (network_id, key, count) "  # noqa: S608 (table names only)
            f"SELECT network_id, key, COUNT(*) FROM {keys} WHERE network_id = %s GROUP BY network_id, key",
            [network_id],
        )
    return counts.count()


def stale_key_counts(network_id: int) -> list[tuple[str, int, int]]:
    """Keys whose stored count differs from their postings: (key, stored, actual)."""
    actual = dict(
        ParticipantNameKey.objects.filter(network_id=network_id)
        .values_list("key")
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )
    stored = dict(NameKeyCount.objects.filter(network_id=network_id).values_list("key", "count"))
    return sorted(
        (key, stored.get(key, 0), actual.get(key, 0))
        for key in stored.keys() | actual.keys()
        if stored.get(key, 0) != actual.get(key, 0)
    )
