"""The duplicate check at registration: existing records that may be the same person.

Before a new person is saved, the form's data is turned into the engine's ``PersonRecord``;
its blocking keys and those of the usual typing errors in its birth date
(``matching.blocking.query_keys``) are looked up in ``ParticipantNameKey`` within the records
the actor may see, and the few records found are weighed with the engine's fast path
(``match_weight``); those shown get a full score with reasons (``score_prepared``).
Four queries whatever the size of the database:

1. how many records each key has in the network (``NameKeyCount``, kept with the keys; keys
   above their kind's cap are skipped, as in the engine's in-memory index: "Mohammad" alone
   says nothing in a network of 10,000 Mohammads; the more specific keys with the birth year
   find the record);
2. the records under the remaining keys, ranked in the database by the keys they share,
   each weighed by its rarity (``query_gain``);
3. and 4. the best-ranked of them that the actor may see, as plain values (model instances
   only for the few shown), and their name variants (at most ``MAX_CANDIDATES`` are scored).

The reasons of each score are shown with the translated texts of ``REASON_TEXTS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Field
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.network.models import Membership
from ankommen.participants.access import own_participants
from ankommen.participants.keys import RECORD_FIELDS, person_record_from_values
from ankommen.participants.matching import PersonRecord, Reason, Score
from ankommen.participants.matching.blocking import query_cap, query_gain, query_keys, threshold_weight
from ankommen.participants.matching.scoring import DEFAULT_STATS, match_weight, prepare, score_prepared
from ankommen.participants.models import NameKeyCount, NameVariant, Participant, ParticipantNameKey

MAX_CANDIDATES = 200
"""Most records scored for one registration (the best-connected ones by shared keys)."""
POSTINGS_BUDGET = 6000
"""Most postings summed for the ranking of one registration: the most telling keys first, the
commonest left out once the budget is spent (the work per check stays bounded however many
namesakes a network has; at 1,000,000 records it cost no recall on the benchmark's probes)."""
DISPLAY_THRESHOLD = 0.05
"""Lowest probability shown as a possible duplicate (recall matters more here than in a merge;
the same as the engine's ``candidates_for``)."""

# What the check and the candidate list need of a record.
LOADED_FIELDS = (
    "id",
    "network",
    "organisation",
    "reference",
    "given_name",
    "family_name",
    "given_name_original",
    "family_name_original",
    "original_script",
    "date_of_birth",
    "birth_date_precision",
    "sex",
    "nationalities",
    "place_of_birth",
    "merged_into",
)

# The engine's reason codes (matching.scoring) in the user's language.
REASON_TEXTS: dict[str, Promise] = {
    "name.exact": _("same spelling of the name"),
    "name.variant": _("another transliteration of the same name"),
    "name.fuzzy": _("similar spelling of the name (typing error?)"),
    "name.compound": _("name parts written together or apart"),
    "name.swapped": _("given and family name swapped"),
    "name.pooled": _("name parts split differently between given and family name"),
    "name.missing": _("a name is missing on one side"),
    "name.different": _("a name is different"),
    "name.common": _("this combination of names is common"),
    "dob.exact": _("same date of birth"),
    "dob.near": _("nearly the same date of birth (typing error?)"),
    "dob.month": _("same month and year of birth"),
    "dob.year_typo": _("same day of birth, the year differs slightly"),
    "dob.placeholder": _("same year of birth, 01.01. counted as a placeholder"),
    "dob.year": _("same year of birth, one side known to the year only"),
    "dob.missing": _("date of birth missing on one side"),
    "dob.year_near": _("estimated years of birth one apart"),
    "dob.conflict": _("different dates of birth"),
    "sex.different": _("different sex"),
    "nationality.same": _("same nationality"),
    "nationality.different": _("different nationality"),
    "place.same": _("same place of birth"),
    "place.similar": _("similar place of birth"),
    "place.different": _("different place of birth"),
}
NAME_FIELDS = {"given name": _("given name"), "family name": _("family name")}


@dataclass(frozen=True)
class ShownReason:
    code: str
    text: str
    supports: bool  # evidence for a match (False: against)


def reason_text(reason: Reason) -> str:
    """The translated text of one reason; for names with the field and the spellings compared."""
    text = REASON_TEXTS.get(reason.code)
    if text is None:
        return reason.text
    label, sep, detail = reason.text.partition(": ")
    if reason.code.startswith("name.") and sep and label in NAME_FIELDS:
        spellings = detail[detail.find("(") + 1 : detail.rfind(")")] if "(" in detail else ""
        shown = f"{NAME_FIELDS[label]}: {text}"
        return f"{shown} ({spellings})" if spellings else shown
    return str(text)


def shown_reasons(score: Score) -> list[ShownReason]:
    return [ShownReason(r.code, reason_text(r), r.weight >= 0) for r in score.reasons]


def _key_counts(network_id: int, keys: list[str]) -> dict[str, int]:
    """How many records each key has (kept with the keys in ``NameKeyCount``; a key above its
    kind's cap is skipped whatever its size)."""
    return dict(NameKeyCount.objects.filter(network_id=network_id, key__in=keys).values_list("key", "count"))


def _candidate_ids(actor: Membership, keys: dict[str, float]) -> list[int]:
    """Records sharing keys with the new one, the best-connected first (at most ``2 * MAX_CANDIDATES``).

    A key counts the more the rarer it is (``query_gain``); keys with more postings than their
    kind's cap are skipped. The ranking is summed up in the database: only the best ids leave it.
    """
    counts = _key_counts(actor.network_id, list(keys))
    usable = {key: query_gain(keys[key], n) for key, n in counts.items() if 0 < n <= query_cap(key)}
    gains: dict[str, float] = {}
    postings = 0
    # the most telling keys first, until the postings to be summed reach the budget
    for key in sorted(usable, key=lambda k: (-usable[k], k)):
        if postings + counts[key] <= POSTINGS_BUDGET:
            gains[key] = usable[key]
            postings += counts[key]
    if not gains:
        return []
    # Only the (network, key, participant) index is read here (an index-only scan); which of
    # these records the actor may see is decided when they are loaded (a join here would let
    # SQLite pick a worse index). The gains come as a derived table (faster than a CASE per
    # row): on PostgreSQL two arrays unnested (two parameters, and a row estimate that does not
    # tempt the planner into a parallel plan whose start costs more than the query), elsewhere
    # a UNION ALL of rows. Only the table name and placeholders are formatted in; all values
    # are parameters.
    table = connection.ops.quote_name(ParticipantNameKey._meta.db_table)
    params: list[Any] = []
    if connection.vendor == "postgresql":
        gain_rows = "SELECT * FROM unnest(%s::text[], %s::float8[]) AS g(k, g)"
        params += [list(gains), list(gains.values())]
    else:
        gain_rows = " UNION ALL ".join(["SELECT %s AS k, %s AS g"] * len(gains))
        for key, gain in gains.items():
            params += [key, gain]
    joined = f"FROM {table} AS t JOIN ({gain_rows}) AS gains ON t.key = gains.k"
    order = "ORDER BY SUM(gains.g) DESC, t.participant_id LIMIT %s"
    sql = f"SELECT t.participant_id {joined} WHERE t.network_id = %s GROUP BY t.participant_id {order}"
    params += [actor.network_id, 2 * MAX_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _attname(field_name: str) -> str:
    field = Participant._meta.get_field(field_name)
    assert isinstance(field, Field)
    return field.attname


def find_candidates(
    actor: Membership, record: PersonRecord, limit: int = 5, *, exclude: int | None = None
) -> list[tuple[Participant, Score]]:
    """Visible records that may be the same person as ``record``, most likely first."""
    keys = query_keys(record)
    if not keys or not actor.has_perm("participants.view"):
        return []
    ids = [pk for pk in _candidate_ids(actor, keys) if pk != exclude]
    if not ids:
        return []
    rank = {pk: i for i, pk in enumerate(ids)}
    # plain values (model instances for hundreds of rows would cost more than the scoring)
    columns = [_attname(name) for name in LOADED_FIELDS]
    rows = own_participants(actor).filter(pk__in=ids).values_list(*columns)
    visible = sorted(rows, key=lambda row: rank[row[0]])[:MAX_CANDIDATES]
    variants: dict[int, list[tuple[str, str]]] = {row[0]: [] for row in visible}
    names = NameVariant.objects.filter(participant__in=list(variants)).order_by("pk")
    for participant_id, given, family in names.values_list("participant_id", "given_name", "family_name"):
        variants[participant_id].append((given, family))
    # The engine's fast path first (weight only), full scores with reasons for the few shown.
    probe = prepare(record)
    at_least = threshold_weight(DISPLAY_THRESHOLD)
    weighed = []
    for row in visible:
        values = dict(zip(LOADED_FIELDS, row, strict=True))
        pk = values["id"]
        prepared = prepare(person_record_from_values(pk, *(values[f] for f in RECORD_FIELDS), variants=variants[pk]))
        weight = match_weight(probe, prepared, DEFAULT_STATS, at_least)
        if weight >= at_least:
            weighed.append((-weight, pk, prepared, row))
    weighed.sort(key=lambda item: item[:2])
    found = []
    for _weight, pk, prepared, row in weighed[:limit]:
        # the record as ``.only(*LOADED_FIELDS)`` would have loaded it
        participant = Participant.from_db(connection.alias, columns, row)
        participant.known_variants = variants[pk]  # type: ignore[attr-defined]  # shown with it
        found.append((participant, score_prepared(probe, prepared, DEFAULT_STATS)))
    return found
