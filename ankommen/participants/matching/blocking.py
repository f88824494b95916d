"""Blocking: which pairs are worth scoring, for a whole file and for one new registration.

A record gets a handful of keys made of transliteration-aware name codes
(``normalise.name_keys``) and its birth date:

==============  ==========================================  ======================
kind            example                                     rescues
==============  ==========================================  ======================
``nn``          ``nn:ahmt+mhmt``                            missing or wrong dates
``nn|y``        ``nn:ahmt+mhmt|y1990``                      common names
``n|d``         ``n:mhmt|d1990-05-03``                      a typo in the other name
``n|y``         ``n:zbr|y1990``                             a typo, rare names
==============  ==========================================  ======================

Keys are independent of the order of given and family name. A key shared by more
records than its kind's cap is skipped (the records under it are reached through a
more specific key), so the number of scored pairs grows linearly with the file, not
quadratically, however common "Mohammed Ahmadi" is. The same keys, stored in an
indexed table, serve the registration-time check in the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations, product

from .model import Candidate, PersonRecord
from .normalise import unit_codes
from .scoring import Prepared, Stats, match_weight, prepare, score_prepared

BATCH_CAPS = {"nn": 40, "nny": 150, "nd": 150, "ny": 40}
"""Largest block per key kind that is still paired out in batch mode."""
QUERY_CAPS = {"nn": 300, "nny": 1000, "nd": 1000, "ny": 300}
"""Largest posting list per key kind read for one registration-time query."""
DEFAULT_THRESHOLD = 0.8


def _kind(key: str) -> str:
    if key.startswith("nn:"):
        return "nny" if "|" in key else "nn"
    return "nd" if "|d" in key else "ny"


def record_keys(record: PersonRecord | Prepared) -> set[str]:
    """Blocking keys of a record (of its name and every alias), as stored in an index."""
    if isinstance(record, Prepared):
        record = record.record
    dob = record.date_of_birth
    year = f"|y{dob.year}" if dob.year is not None else ""
    date = f"|d{dob.iso()}" if dob.is_exact else ""
    keys: set[str] = set()
    for given, family in ((record.given_name, record.family_name), *record.aliases):
        units = unit_codes(given, family)
        for unit in units:
            for code in unit:
                if year:
                    keys.add(f"n:{code}{year}")
                if date:
                    keys.add(f"n:{code}{date}")
        for a, b in combinations(units, 2):
            for x, y in product(a, b):
                if x != y:
                    pair = f"nn:{min(x, y)}+{max(x, y)}"
                    keys.add(pair)
                    if year:
                        keys.add(pair + year)
    return keys


def threshold_weight(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


# --- batch ----------------------------------------------------------------------------------


def _candidate_pairs(prepared: Sequence[Prepared]) -> Iterator[tuple[int, int]]:
    """Each pair of record positions sharing a small enough block, once, i < j."""
    index: dict[int, int | list[int]] = {}
    for i, p in enumerate(prepared):
        for key in record_keys(p):
            h = hash(key)
            seen = index.get(h)
            if seen is None:
                index[h] = i
            elif isinstance(seen, int):
                index[h] = [seen, i]
            else:
                seen.append(i)
    for i, p in enumerate(prepared):
        candidates: set[int] = set()
        for key in record_keys(p):
            block = index[hash(key)]
            if isinstance(block, int) or len(block) > BATCH_CAPS[_kind(key)]:
                continue
            candidates.update(j for j in block if j > i)
        for j in sorted(candidates):
            yield i, j


def find_pairs(records: Iterable[PersonRecord], threshold: float = DEFAULT_THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs of records judged to be the same person: (id_a, id_b, probability), id_a < id_b.

    Sorted by id_a, id_b. Frequencies are taken from ``records`` themselves.
    """
    prepared = [prepare(r) for r in records]
    stats = Stats.from_prepared(prepared)
    limit = threshold_weight(threshold)
    result: list[tuple[str, str, float]] = []
    for i, j in _candidate_pairs(prepared):
        a, b = prepared[i], prepared[j]
        weight = match_weight(a, b, stats)
        if weight >= limit:
            probability = score_prepared(a, b, stats).probability
            ida, idb = sorted((a.id, b.id))
            result.append((ida, idb, probability))
    result.sort()
    return result


# --- registration-time index -------------------------------------------------------------------


class MatchIndex:
    """In-memory index of records by blocking key, for the registration-time check.

    The database version stores ``record_keys(record)`` in an indexed table
    (key, participant) and the frequencies of ``Stats`` in a small table; the query is the
    same: read the postings of the record's keys, skip keys with too many postings, score.
    """

    def __init__(self, records: Iterable[PersonRecord] = ()) -> None:
        self._records: dict[str, Prepared] = {}
        self._postings: dict[str, set[str]] = {}
        self.stats = Stats()
        for record in records:
            self.add(record)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._records

    def add(self, record: PersonRecord) -> None:
        if record.id in self._records:
            self.remove(record.id)
        prepared = prepare(record)
        self._records[record.id] = prepared
        self.stats.add(prepared)
        for key in record_keys(record):
            self._postings.setdefault(key, set()).add(record.id)

    def remove(self, record_id: str) -> None:
        prepared = self._records.pop(record_id)
        self.stats.remove(prepared)
        for key in record_keys(prepared):
            postings = self._postings.get(key)
            if postings is not None:
                postings.discard(record_id)
                if not postings:
                    del self._postings[key]

    def postings(self, key: str) -> set[str]:
        return self._postings.get(key, set())

    def candidate_ids(self, record: PersonRecord) -> set[str]:
        found: set[str] = set()
        for key in record_keys(record):
            postings = self._postings.get(key)
            if postings and len(postings) <= QUERY_CAPS[_kind(key)]:
                found |= postings
        found.discard(record.id)
        return found

    def get(self, record_id: str) -> PersonRecord:
        return self._records[record_id].record


def candidates_for(
    record: PersonRecord, index: MatchIndex, *, limit: int = 10, min_probability: float = 0.05
) -> list[Candidate]:
    """Existing records that may be the same person as ``record``, most likely first."""
    probe = prepare(record)
    scored = []
    for record_id in index.candidate_ids(record):
        score = score_prepared(probe, index._records[record_id], index.stats)
        if score.probability >= min_probability:
            scored.append(Candidate(record_id, score))
    scored.sort(key=lambda c: (-c.score.weight, c.id))
    return scored[:limit]
