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
``n``           ``n:tkhsnk``                                a missing name and date
``d``           ``d|1990-05-03``                            typos in both names
==============  ==========================================  ======================

Keys are independent of the order of given and family name. A date known only to the
year (or the 01.01. placeholder, or year and month) is an estimate: such a record gets
its year keys for the years before and after as well. ``n`` keys are made only of codes
of at least ``LONE_CODE_LENGTH`` letters that are not a curated group (long skeletons are
rare names: Tikhasenko, not Mohammed). ``n`` and ``d`` keys (an exact date that is not a
placeholder, alone) are for the registration-time check, where a few hundred postings are
affordable; in batch mode they would add many pairs and few duplicates. A key shared by more
records than its kind's cap is skipped in batch mode (the records under it are reached
through a more specific key), so the number of scored pairs grows linearly with the
file, not quadratically, however common "Mohammed Ahmadi" is. The same keys, stored in
an indexed table, serve the registration-time check in the database; there the
postings of all keys are read (up to a larger cap), ranked by how many and how
specific keys a candidate shares with the new record, and only the best
``QUERY_SCORED`` are scored.

Inside this module keys are integers (the same keys, compactly encoded); ``record_keys``
gives their text form for the database.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from itertools import combinations, product

from .dates import BirthDate
from .model import Candidate, PersonRecord
from .normalise import unit_codes
from .scoring import (
    NameParts,
    Prepared,
    Stats,
    match_weight,
    prepare,
    score_prepared,
)

QUERY_CAPS = {"nn": 1000, "nny": 3000, "nd": 3000, "ny": 2000, "n": 300, "d": 300}
"""Largest posting list per key kind read for one registration-time query."""
QUERY_SCORED = 400
"""Most candidates scored for one registration-time query (the best-ranked by shared keys)."""
DEFAULT_THRESHOLD = 0.8
MIN_PROBABILITY = 0.02
"""Least probability of a candidate shown at registration (the user decides; a warning
that names a 1-in-50 candidate with its reasons costs a glance, a missed one a split file)."""

LONE_CODE_LENGTH = 5
_NN, _NNY, _NY, _ND, _N, _D = 0, 1, 2, 3, 4, 5
_KIND_NAMES = ("nn", "nny", "ny", "nd", "n", "d")
_QUERY_CAPS = tuple(QUERY_CAPS[k] for k in _KIND_NAMES)
_KIND_INDEX = {name: number for number, name in enumerate(_KIND_NAMES)}
_KIND_RANK = (1.0, 3.0, 1.0, 3.0, 1.0, 0.5)
"""How much sharing a key of each kind says, for ranking candidates of a query."""


def _kind(key: str) -> str:
    if key.startswith("d|"):
        return "d"
    if key.startswith("nn:"):
        return "nny" if "|" in key else "nn"
    return "nd" if "|d" in key else "ny" if "|" in key else "n"


def _years(dob: BirthDate) -> tuple[int, ...]:
    """The years a record is indexed under: its own, and the neighbours of an estimate."""
    if dob.year is None:
        return ()
    if dob.is_exact:
        return (dob.year,)
    return (dob.year - 1, dob.year, dob.year + 1)


def _lone(code: str) -> bool:
    return len(code) >= LONE_CODE_LENGTH and code[0] != "="


# --- keys ------------------------------------------------------------------------------------


def _name_codes(parts: NameParts) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """Single codes and (ordered) code pairs of all names of a record."""
    singles: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for given, family in parts.raw:
        units = unit_codes(given, family)
        for unit in units:
            singles.update(unit)
        for a, b in combinations(units, 2):
            for x, y in product(a, b):
                if x != y:
                    pairs.add((x, y) if x < y else (y, x))
    return frozenset(singles), frozenset(pairs)


_CODE_IDS: dict[str, int] = {}
_PAIR_IDS: dict[tuple[str, str], int] = {}
_NAME_KEYS: dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {}
_NAME_KEYS_MAX = 2_000_000


def _name_key_ids(parts: NameParts) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Integer ids of the single codes, the lone (long) codes and the code pairs of a record's names."""
    cached = _NAME_KEYS.get(parts.nid)
    if cached is not None:
        return cached
    singles, pairs = _name_codes(parts)
    code_ids = tuple(_CODE_IDS.setdefault(c, len(_CODE_IDS)) for c in sorted(singles))
    lone_ids = tuple(_CODE_IDS[c] for c in sorted(singles) if _lone(c))
    pair_ids = tuple(_PAIR_IDS.setdefault(p, len(_PAIR_IDS)) for p in sorted(pairs))
    if len(_NAME_KEYS) >= _NAME_KEYS_MAX:
        _NAME_KEYS.clear()
    cached = _NAME_KEYS[parts.nid] = (code_ids, lone_ids, pair_ids)
    return cached


def _int_keys(p: Prepared, kinds: int = 0b111111) -> list[int]:
    """The record's keys as integers, (id << 20 | year or date) << 3 | kind; ``kinds``: a bit per kind."""
    code_ids, lone_ids, pair_ids = _name_key_ids(p.parts)
    dob = p.dob
    keys = [pair << 23 | _NN for pair in pair_ids] if kinds & 1 << _NN else []
    if kinds & 1 << _N:
        keys.extend(code << 23 | _N for code in lone_ids)
    if kinds & (1 << _NNY | 1 << _NY):
        for year in _years(dob):
            if kinds & 1 << _NNY:
                keys.extend((pair << 20 | year) << 3 | _NNY for pair in pair_ids)
            if kinds & 1 << _NY:
                keys.extend((code << 20 | year) << 3 | _NY for code in code_ids)
    if kinds & (1 << _ND | 1 << _D) and dob.is_exact:
        assert dob.year is not None and dob.month is not None and dob.day is not None
        date = (dob.year - 1800) * 512 + dob.month * 32 + dob.day
        if kinds & 1 << _ND:
            keys.extend((code << 20 | date) << 3 | _ND for code in code_ids)
        if kinds & 1 << _D:
            keys.append(date << 3 | _D)
    return keys


def _near_keys(p: Prepared) -> list[int]:
    """Keys a query looks up besides the record's own, to find records whose birth date has
    a typing error: the years before and after an exact date, the day and month
    transposed, the day one off. (The index stores only each record's own keys.)"""
    dob = p.dob
    if not dob.is_exact:
        return []
    assert dob.year is not None and dob.month is not None and dob.day is not None
    code_ids, _, pair_ids = _name_key_ids(p.parts)
    keys: list[int] = []
    for year in (dob.year - 1, dob.year + 1):
        keys.extend((pair << 20 | year) << 3 | _NNY for pair in pair_ids)
        keys.extend((code << 20 | year) << 3 | _NY for code in code_ids)
    dates = {(dob.day, dob.month), (dob.month, dob.day - 1), (dob.month, dob.day + 1)} - {(dob.month, dob.day)}
    for month, day in dates:
        if 1 <= month <= 12 and 1 <= day <= 31 and (month, day) != (1, 1):
            date = (dob.year - 1800) * 512 + month * 32 + day
            keys.extend((code << 20 | date) << 3 | _ND for code in code_ids)
            keys.append(date << 3 | _D)
    return keys


def record_keys(record: PersonRecord | Prepared) -> set[str]:
    """Blocking keys of a record (of its name and every alias), as stored in an index."""
    p = record if isinstance(record, Prepared) else prepare(record)
    singles, pairs = _name_codes(p.parts)
    dob = p.dob
    years = [f"|y{year}" for year in _years(dob)]
    date = f"|d{dob.iso()}" if dob.is_exact else ""
    keys: set[str] = {f"d|{dob.iso()}"} if dob.is_exact else set()
    for code in singles:
        keys.update(f"n:{code}{year}" for year in years)
        if date:
            keys.add(f"n:{code}{date}")
        if _lone(code):
            keys.add(f"n:{code}")
    for x, y in pairs:
        pair = f"nn:{x}+{y}"
        keys.add(pair)
        keys.update(pair + year for year in years)
    return keys


def query_keys(record: PersonRecord | Prepared) -> dict[str, float]:
    """The keys a registration-time query looks up, with the rank a shared key gives a
    candidate before its block size is taken into account: the record's own keys
    (``record_keys``) and, at half weight, the keys of the usual typing errors in its date
    (the years before and after, day and month transposed, the day one off)."""
    p = record if isinstance(record, Prepared) else prepare(record)
    keys = {key: _KIND_RANK[_KIND_INDEX[_kind(key)]] for key in record_keys(p)}
    dob = p.dob
    if not dob.is_exact:
        return keys
    assert dob.year is not None and dob.month is not None and dob.day is not None
    singles, pairs = _name_codes(p.parts)
    near: list[str] = []
    for year in (dob.year - 1, dob.year + 1):
        near.extend(f"nn:{x}+{y}|y{year}" for x, y in pairs)
        near.extend(f"n:{code}|y{year}" for code in singles)
    dates = {(dob.day, dob.month), (dob.month, dob.day - 1), (dob.month, dob.day + 1)} - {(dob.month, dob.day)}
    for month, day in sorted(dates):
        if 1 <= month <= 12 and 1 <= day <= 31 and (month, day) != (1, 1):
            iso = f"{dob.year:04d}-{month:02d}-{day:02d}"
            near.extend(f"n:{code}|d{iso}" for code in singles)
            near.append(f"d|{iso}")
    for key in near:
        keys.setdefault(key, _KIND_RANK[_KIND_INDEX[_kind(key)]] / 2)
    return keys


def query_cap(key: str) -> int:
    """Largest posting list of this key read by a registration-time query."""
    return QUERY_CAPS[_kind(key)]


def query_gain(rank: float, postings: int) -> float:
    """What sharing a key of this ``rank`` (``query_keys``) with ``postings`` records adds to a
    candidate's rank: the more records share it, the less."""
    return rank / math.log2(postings + 1)


def _parse_key(key: str) -> int | None:
    """The integer form of a key as ``record_keys`` writes it (None: no record has it)."""
    if key.startswith("d|"):
        year, month, day = (int(part) for part in key[2:].split("-"))
        return ((year - 1800) * 512 + month * 32 + day) << 3 | _D
    if key.startswith("nn:"):
        body, _, suffix = key[3:].partition("|")
        x, _, y = body.partition("+")
        pair = _PAIR_IDS.get((x, y))
        if pair is None:
            return None
        return pair << 23 | _NN if not suffix else (pair << 20 | int(suffix[1:])) << 3 | _NNY
    body, _, suffix = key.removeprefix("n:").partition("|")
    code = _CODE_IDS.get(body)
    if code is None:
        return None
    if not suffix:
        return code << 23 | _N
    if suffix[0] == "y":
        return (code << 20 | int(suffix[1:])) << 3 | _NY
    year, month, day = (int(part) for part in suffix[1:].split("-"))
    return (code << 20 | (year - 1800) * 512 + month * 32 + day) << 3 | _ND


def threshold_weight(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


def _drop_key_cache() -> None:
    """Forget the cached name keys (``batch.find_pairs`` does, with the other name caches)."""
    _NAME_KEYS.clear()


# --- registration-time index -------------------------------------------------------------------


class MatchIndex:
    """In-memory index of records by blocking key, for the registration-time check.

    The database version stores ``record_keys(record)`` in an indexed table
    (key, participant) and the frequencies of ``Stats`` in a small table; the query is the
    same: read the postings of the record's keys, rank the candidates by the keys they
    share, score the best few.
    """

    def __init__(self, records: Iterable[PersonRecord] = ()) -> None:
        self._position: dict[str, int] = {}
        self._prepared: list[Prepared | None] = []
        self._free: list[int] = []
        self._postings: dict[int, int | list[int]] = {}
        self.stats = Stats()
        enabled = gc.isenabled()
        gc.disable()
        try:
            for record in records:
                self.add(record)
        finally:
            if enabled:
                gc.enable()

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._position

    def add(self, record: PersonRecord) -> None:
        if record.id in self._position:
            self.remove(record.id)
        prepared = prepare(record)
        if self._free:
            position = self._free.pop()
            self._prepared[position] = prepared
        else:
            position = len(self._prepared)
            self._prepared.append(prepared)
        self._position[record.id] = position
        self.stats.add(prepared)
        postings = self._postings
        for key in _int_keys(prepared):
            block = postings.get(key)
            if block is None:
                postings[key] = position
            elif block.__class__ is int:
                postings[key] = [block, position]  # type: ignore[list-item]
            else:
                block.append(position)  # type: ignore[union-attr]

    def remove(self, record_id: str) -> None:
        position = self._position.pop(record_id)
        prepared = self._prepared[position]
        assert prepared is not None
        self._prepared[position] = None
        self._free.append(position)
        self.stats.remove(prepared)
        for key in _int_keys(prepared):
            block = self._postings.get(key)
            if block is None:
                continue
            if block.__class__ is int or len(block) == 1:  # type: ignore[arg-type]
                del self._postings[key]
            else:
                block.remove(position)  # type: ignore[union-attr]
                if len(block) == 1:  # type: ignore[arg-type]
                    self._postings[key] = block[0]  # type: ignore[index]

    def _members(self, key: int) -> list[int]:
        block = self._postings.get(key)
        if block is None:
            return []
        return [block] if block.__class__ is int else block  # type: ignore[list-item,return-value]

    def postings(self, key: str) -> set[str]:
        """Ids of the records indexed under ``key`` (a key as ``record_keys`` writes it)."""
        number = _parse_key(key)
        if number is None:
            return set()
        return {self._id(position) for position in self._members(number)}

    def _id(self, position: int) -> str:
        prepared = self._prepared[position]
        assert prepared is not None
        return prepared.id

    def candidate_ids(self, record: PersonRecord | Prepared, limit: int = QUERY_SCORED) -> list[str]:
        """Records sharing keys with ``record``, the most promising first, at most ``limit``."""
        p = record if isinstance(record, Prepared) else prepare(record)
        return [self._id(position) for position in self._ranked(p, limit)]

    def _ranked(self, p: Prepared, limit: int) -> list[int]:
        rank: dict[int, float] = {}
        get = rank.get
        own = _int_keys(p)
        for number, key in enumerate(own + _near_keys(p)):
            members = self._members(key)
            kind = key & 7
            size = len(members)
            if not size or size > _QUERY_CAPS[kind]:
                continue
            gain = _KIND_RANK[kind] / math.log2(size + 1) / (1 if number < len(own) else 2)
            for position in members:
                rank[position] = get(position, 0.0) + gain
        itself = self._position.get(p.id)
        if itself is not None:
            rank.pop(itself, None)
        if len(rank) <= limit:
            return list(rank)
        return sorted(rank, key=rank.__getitem__, reverse=True)[:limit]

    def get(self, record_id: str) -> PersonRecord:
        return self.prepared(record_id).record

    def prepared(self, record_id: str) -> Prepared:
        prepared = self._prepared[self._position[record_id]]
        assert prepared is not None
        return prepared


def candidates_for(
    record: PersonRecord, index: MatchIndex, *, limit: int = 10, min_probability: float = MIN_PROBABILITY
) -> list[Candidate]:
    """Existing records that may be the same person as ``record``, most likely first.

    At most ``QUERY_SCORED`` records are scored: those sharing the most and the most
    specific keys with ``record``. Frequencies come from the index (``index.stats``).
    """
    probe = prepare(record)
    stats = index.stats
    at_least = threshold_weight(min_probability)
    weighed = []
    for position in index._ranked(probe, QUERY_SCORED):
        other = index._prepared[position]
        assert other is not None
        weight = match_weight(probe, other, stats, at_least)
        if weight >= at_least:
            weighed.append((-weight, other.id, other))
    weighed.sort(key=lambda item: (item[0], item[1]))
    found = [Candidate(other.id, score_prepared(probe, other, stats)) for _, _, other in weighed[:limit]]
    found.sort(key=lambda c: (-c.score.weight, c.id))
    return found
