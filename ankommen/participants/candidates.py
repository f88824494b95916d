"""The duplicate check at registration: existing records that may be the same person.

Before a new person is saved, the form's data is turned into the engine's ``PersonRecord``;
its blocking keys (``matching.record_keys``) are looked up in ``ParticipantNameKey`` within
the records the actor may see, and the few records found are weighed with the engine's fast
path (``match_weight``); those shown get a full score with reasons (``score_prepared``).
Four queries whatever the size of the database:

1. how many records each key has in the network (keys above their kind's cap are skipped,
   as in the engine's in-memory index: "Mohammad" alone says nothing in a network of 10,000
   Mohammads; the more specific keys with the birth year find the record);
2. the records under the remaining keys, ranked by the number of keys they share;
3. and 4. the best-ranked of them that the actor may see, with their name variants (at most
   ``MAX_CANDIDATES`` are scored).

The reasons of each score are shown with the translated texts of ``REASON_TEXTS``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.network.models import Membership
from ankommen.participants.access import own_participants
from ankommen.participants.keys import person_record_for
from ankommen.participants.matching import PersonRecord, Reason, Score, record_keys
from ankommen.participants.matching.blocking import QUERY_CAPS, threshold_weight
from ankommen.participants.matching.scoring import DEFAULT_STATS, match_weight, prepare, score_prepared
from ankommen.participants.models import NameVariant, Participant, ParticipantNameKey

SMALLEST_CAP = min(QUERY_CAPS.values())
MAX_CANDIDATES = 200
"""Most records scored for one registration (the best-connected ones by shared keys)."""
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


def _candidate_ids(actor: Membership, keys: set[str]) -> list[int]:
    rows = (
        ParticipantNameKey.objects.filter(network=actor.network_id, key__in=keys)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    usable = [key for key, n in rows if n <= QUERY_CAPS.get(_kind(key), SMALLEST_CAP)]
    if not usable:
        return []
    # Only the (network, key) index is read here; which of these records the actor may see is
    # decided when they are loaded (a join here would let SQLite pick a worse index).
    postings = ParticipantNameKey.objects.filter(network=actor.network_id, key__in=usable).values_list(
        "participant_id", flat=True
    )
    shared = Counter(postings)
    return [pk for pk, _n in sorted(shared.items(), key=lambda item: (-item[1], item[0]))[: 2 * MAX_CANDIDATES]]


def _kind(key: str) -> str:
    if key.startswith("nn:"):
        return "nny" if "|" in key else "nn"
    return "nd" if "|d" in key else "ny"


def find_candidates(
    actor: Membership, record: PersonRecord, limit: int = 5, *, exclude: int | None = None
) -> list[tuple[Participant, Score]]:
    """Visible records that may be the same person as ``record``, most likely first."""
    keys = record_keys(record)
    if not keys or not actor.has_perm("participants.view"):
        return []
    ids = [pk for pk in _candidate_ids(actor, keys) if pk != exclude]
    if not ids:
        return []
    rank = {pk: i for i, pk in enumerate(ids)}
    loaded = own_participants(actor).filter(pk__in=ids).only(*LOADED_FIELDS)
    participants = sorted(loaded, key=lambda p: rank[p.pk])[:MAX_CANDIDATES]
    variants: dict[int, list[tuple[str, str]]] = {p.pk: [] for p in participants}
    rows = NameVariant.objects.filter(participant__in=list(variants)).order_by("pk")
    for participant_id, given, family in rows.values_list("participant_id", "given_name", "family_name"):
        variants[participant_id].append((given, family))
    # The engine's fast path first (weight only), full scores with reasons for the few shown.
    probe = prepare(record)
    at_least = threshold_weight(DISPLAY_THRESHOLD)
    weighed = []
    for participant in participants:
        prepared = prepare(person_record_for(participant, variants=variants[participant.pk]))
        weight = match_weight(probe, prepared, DEFAULT_STATS)
        if weight >= at_least:
            weighed.append((-weight, participant.pk, participant, prepared))
    weighed.sort(key=lambda item: item[:2])
    found = []
    for _weight, _pk, participant, prepared in weighed[:limit]:
        participant.known_variants = variants[participant.pk]  # type: ignore[attr-defined]  # shown with it
        found.append((participant, score_prepared(probe, prepared, DEFAULT_STATS)))
    return found
