"""Batch search for duplicates in a whole file (``find_pairs``), vectorised where it counts.

1. **Blocks**: every record's batch keys (the kinds of ``blocking``, all in one pass, the
   codes of each distinct name computed once, the rest assembled with numpy) go into one
   flat integer array that numpy sorts; runs of equal keys are the blocks. A block within
   its kind's cap (``BATCH_CAPS``) is paired out in full (all blocks of one size at once,
   as a matrix); a block above it but within ``FILTER_CAPS`` yields only the pairs whose
   whole names are alike (``rapidfuzz.process.cdist``, one call per block). The pairs of
   all blocks are made unique as 64-bit codes. This runs in a forked process while the
   parent counts the frequencies and computes the per-record arrays of step 2.
2. **Everything but the names, for all pairs at once**: the birth-date agreement (the rules
   of ``dates.compare_dates``), sex, nationality and place weights, the prior and an upper
   bound of what the names can add (``scoring._names_bound``) are computed over the pair
   arrays with numpy, bit for bit the sums ``scoring.match_weight`` makes. Pairs whose bound
   stays below the threshold are dropped without a name comparison.
3. **Names once per pair of distinct names**: the remaining pairs are reduced to their
   distinct (name, name) combinations (the names weight depends on the names and the
   frequencies only; "Mohammad Ahmadi" against "Muhammad Ahmadi" recurs thousands of
   times in a large file). For one-token given and family names (most records) only the
   distinct pairs of *tokens* are compared (``scoring.token_agreement``), and the alignment,
   swap and cap of ``scoring._single_tokens`` are evaluated with numpy (``_Columns.names``);
   other names go through ``scoring.names_weight``. Both kinds of work are shared between
   the parent and one forked copy per further core (``_in_parallel``), in two rounds: the
   crossed (swapped) token pairs are compared only where the straight ones do not agree.
4. **Closure** in small groups of records linked by the pairs found.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations
from typing import Any

import numpy
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from .blocking import (
    _D,
    _KIND_NAMES,
    _N,
    _ND,
    _NN,
    _NNY,
    _NY,
    DEFAULT_THRESHOLD,
    _drop_key_cache,
    _lone,
    threshold_weight,
)
from .dates import DateAgreement
from .model import PersonRecord
from .normalise import TokenInfo, fold, name_tokens, name_units, token_info, unit_codes
from .scoring import (
    DATE_WEIGHTS,
    FAMILY_DISAGREE,
    GIVEN_DISAGREE,
    MAX_TOKEN_WEIGHT,
    MONTH_BONUS,
    SEX_AGREE,
    SEX_DISAGREE,
    SWAP_PENALTY,
    NameParts,
    Prepared,
    Stats,
    clear_name_parts,
    match_weight,
    names_weight,
    nationality_weight,
    place_weight,
    prepare,
    probability,
    token_agreement,
)

BATCH_CAPS = {"nn": 20, "nny": 150, "nd": 150, "ny": 12}
"""Largest block per key kind that is still paired out in full (``n`` and ``d`` keys are
used in batch mode only through ``FILTER_CAPS``)."""
FILTER_CAPS = {"ny": 400, "n": 400, "d": 400}
"""Largest block per key kind of which the pairs with alike names are still scored (blocks
above the kind's ``BATCH_CAPS`` entry are not paired out in full)."""
SIMILAR_NAMES = 80
"""Least ``fuzz.ratio`` (0-100) of two records' whole names (tokens sorted) for a pair of a
block above its cap to be scored: one typing error in a name of average length passes."""
PARALLEL_FROM = 30_000
"""Files of at least this many records are scored by several processes (one per core)."""
CLOSURE_MAX = 6
"""Largest group of records linked by pairs found in which the other pairs are inferred."""
CLOSURE_GUARD = 0.01
"""Least probability of its own that an inferred pair needs (siblings are linked through a
parent's record no more than twins are: a pair with a different given name or a conflicting
date stays apart)."""

_Ints = numpy.ndarray[Any, Any]
_BATCH_CAPS = numpy.array([BATCH_CAPS.get(k, 0) for k in _KIND_NAMES] + [0, 0], dtype=numpy.int64)
_FILTER_CAPS = numpy.array([FILTER_CAPS.get(k, 0) for k in _KIND_NAMES] + [0, 0], dtype=numpy.int64)
_FORK_FROM = 1000
"""Fewest distinct pairs of names worth forking workers for."""
_CHUNK = 2_000_000
"""Pairs weighed at once in step 2 (bounds the temporary arrays)."""

# --- 1. blocks and candidate pairs ------------------------------------------------------------


def _signatures(prepared: Sequence[Prepared]) -> list[str]:
    """Each record's name tokens, sorted and joined."""
    signatures: list[str] = []
    for p in prepared:
        given, family = p.names[0]
        signatures.append(" ".join(sorted(t.text for t in given + family)))
    return signatures


def _similar_pairs(block: list[int], signatures: list[str]) -> Iterator[tuple[int, int]]:
    """Pairs of a block whose names are alike (all compared by ``rapidfuzz`` in one call)."""
    texts = [signatures[i] for i in block]
    alike = cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAMES, dtype=numpy.uint8, workers=1)
    xs, ys = numpy.nonzero(numpy.triu(alike, 1))
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        yield block[x], block[y]


_YEAR_BASE = 1870
"""Years are stored in keys as eight bits above this (1879-2101 with the neighbours of estimates)."""


def _batch_keys(prepared: Sequence[Prepared]) -> tuple[numpy.ndarray[Any, Any], numpy.ndarray[Any, Any]]:
    """Every record's batch keys and, for each key, the record's position.

    The same blocks as ``blocking._int_keys`` (kinds, codes, years of estimates, exact dates),
    encoded differently: a pair of name codes is the two code ids side by side instead of an
    entry in a dictionary of pairs, and everything but the codes of each distinct name is
    assembled with numpy. A key is ``body << 3 | kind``.
    """
    code_ids: dict[str, int] = {}
    lone: list[bool] = []
    name_of: dict[int, int] = {}
    single_codes, single_end = array("q"), array("q", [0])
    lone_codes, lone_end = array("q"), array("q", [0])
    pair_x, pair_y, pair_end = array("q"), array("q"), array("q", [0])
    record_name, year, date = array("q"), array("q"), array("q")
    exact, estimated = bytearray(), bytearray()
    for p in prepared:
        parts = p.parts
        name = name_of.get(parts.nid)
        if name is None:
            name = name_of[parts.nid] = len(name_of)
            units = []
            for unit in _unit_codes(parts):
                ids = []
                for c in unit:
                    number = code_ids.get(c)
                    if number is None:
                        number = code_ids[c] = len(code_ids)
                        lone.append(_lone(c))
                    ids.append(number)
                units.append(ids)
            singles = sorted({c for unit in units for c in unit})
            single_codes.extend(singles)
            single_end.append(len(single_codes))
            lone_codes.extend(c for c in singles if lone[c])
            lone_end.append(len(lone_codes))
            pairs = {(min(x, y), max(x, y)) for a, b in combinations(units, 2) for x in a for y in b if x != y}
            for x, y in sorted(pairs):
                pair_x.append(x)
                pair_y.append(y)
            pair_end.append(len(pair_x))
        record_name.append(name)
        dob = p.dob
        if dob.year is None:
            year.append(0)
            date.append(0)
            exact.append(0)
            estimated.append(0)
        elif dob.is_exact:
            assert dob.month is not None and dob.day is not None
            year.append(dob.year)
            date.append((dob.year - 1800) * 512 + dob.month * 32 + dob.day)
            exact.append(1)
            estimated.append(0)
        else:
            year.append(dob.year)
            date.append(0)
            exact.append(0)
            estimated.append(1)
    bits = max(len(code_ids) - 1, 1).bit_length()
    if 2 * bits + 11 > 63:
        raise RuntimeError(f"too many distinct name codes for 64-bit keys: {len(code_ids)}")
    names = numpy.frombuffer(record_name, dtype=numpy.int64)
    years = numpy.frombuffer(year, dtype=numpy.int64)
    dates = numpy.frombuffer(date, dtype=numpy.int64)
    is_exact = numpy.frombuffer(bytes(exact), dtype=bool)
    is_estimate = numpy.frombuffer(bytes(estimated), dtype=bool)
    singles_ = _Ragged(single_end, numpy.frombuffer(single_codes, dtype=numpy.int64), names)
    lone_ = _Ragged(lone_end, numpy.frombuffer(lone_codes, dtype=numpy.int64), names)
    pairs_ = _Ragged(
        pair_end,
        numpy.frombuffer(pair_x, dtype=numpy.int64) << bits | numpy.frombuffer(pair_y, dtype=numpy.int64),
        names,
    )
    everyone = numpy.arange(len(prepared), dtype=numpy.int64)
    keys, owners = [], []

    def add(records: numpy.ndarray[Any, Any], values: numpy.ndarray[Any, Any]) -> None:
        keys.append(values)
        owners.append(records.astype(numpy.int32))

    owner, pair = pairs_.expand(everyone)
    add(owner, pair << 3 | _NN)
    owner, code = lone_.expand(everyone)
    add(owner, code << 3 | _N)
    for delta in (-1, 0, 1):
        dated = everyone[(years > 0) & (is_estimate if delta else True)]
        owner, pair = pairs_.expand(dated)
        add(owner, (pair << 8 | years[owner] + delta - _YEAR_BASE) << 3 | _NNY)
        owner, code = singles_.expand(dated)
        add(owner, (code << 8 | years[owner] + delta - _YEAR_BASE) << 3 | _NY)
    precise = everyone[is_exact]
    owner, code = singles_.expand(precise)
    add(owner, (code << 18 | dates[owner]) << 3 | _ND)
    add(precise, dates[precise] << 3 | _D)
    return numpy.concatenate(keys), numpy.concatenate(owners)


class _Ragged:
    """Lists of integers per name (``values[end[k - 1]:end[k]]`` for name k) and which name
    each record has."""

    def __init__(self, end: array[int], values: numpy.ndarray[Any, Any], names: numpy.ndarray[Any, Any]) -> None:
        ends = numpy.frombuffer(end, dtype=numpy.int64)
        self.values, self.first, self.count = values, ends[:-1][names], numpy.diff(ends)[names]

    def expand(self, records: numpy.ndarray[Any, Any]) -> tuple[numpy.ndarray[Any, Any], numpy.ndarray[Any, Any]]:
        """For every value of every record's name: the record and the value."""
        counts = self.count[records]
        total = int(counts.sum())
        offsets = numpy.repeat(self.first[records] - (numpy.cumsum(counts) - counts), counts)
        return numpy.repeat(records, counts), self.values[offsets + numpy.arange(total, dtype=numpy.int64)]


def _unit_codes(parts: NameParts) -> list[frozenset[str]]:
    """``normalise.unit_codes`` of every name of a record, from its normalised tokens."""
    units: list[frozenset[str]] = []
    for given, family in parts.names:
        for field in (given, family):
            units.extend(frozenset(t.codes) for t in field)
            if len(field) > 1:
                units.append(frozenset(token_info("".join(t.text for t in field)).codes))
    return units


def _candidate_pairs(prepared: Sequence[Prepared]) -> tuple[array[int], array[int]]:
    """Every pair of records sharing a block worth pairing out, once: (i, j), i < j, sorted."""
    flat, owners = _batch_keys(prepared)
    if not len(flat):
        return array("i"), array("i")
    order = numpy.argsort(flat, kind="stable")
    flat, owners = flat[order], owners[order]
    del order
    edges = numpy.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts = numpy.concatenate((numpy.zeros(1, dtype=numpy.int64), edges))
    sizes = numpy.diff(numpy.concatenate((starts, numpy.array([len(flat)], dtype=numpy.int64))))
    kinds = flat[starts] & 7
    del flat, edges
    caps, filter_caps = _BATCH_CAPS[kinds], _FILTER_CAPS[kinds]
    full = (sizes >= 2) & (sizes <= caps)
    filtered = (sizes >= 2) & (sizes > caps) & (sizes <= filter_caps)
    codes: list[numpy.ndarray[Any, Any]] = []
    full_starts, full_sizes = starts[full], sizes[full]
    for size in numpy.unique(full_sizes).tolist():
        # all blocks of this size at once: a matrix of their members, one row per block
        rows = owners[full_starts[full_sizes == size][:, None] + numpy.arange(size)].astype(numpy.int64)
        first, second = numpy.triu_indices(size, 1)
        a, b = rows[:, first].ravel(), rows[:, second].ravel()
        codes.append(numpy.minimum(a, b) << 32 | numpy.maximum(a, b))
    if filtered.any():
        signatures = _signatures(prepared)
        similar = array("q")
        for start, size in zip(starts[filtered].tolist(), sizes[filtered].tolist(), strict=True):
            for i, j in _similar_pairs(owners[start : start + size].tolist(), signatures):
                similar.append(min(i, j) << 32 | max(i, j))
        codes.append(numpy.frombuffer(similar, dtype=numpy.int64))
    if not codes:
        return array("i"), array("i")
    pairs = numpy.concatenate(codes)
    del codes
    pairs.sort()
    pairs = pairs[numpy.concatenate((numpy.ones(1, dtype=bool), pairs[1:] != pairs[:-1]))]
    return _int_array(pairs >> 32), _int_array(pairs & 0xFFFFFFFF)


def _int_array(values: numpy.ndarray[Any, Any]) -> array[int]:
    result = array("i")
    result.frombytes(values.astype(numpy.int32).tobytes())
    return result


# --- 2. all but the names, vectorised ----------------------------------------------------------


class _Columns:
    """Per-record values of everything ``match_weight`` compares besides the names, as arrays."""

    def __init__(self, prepared: Sequence[Prepared], stats: Stats) -> None:
        # per record only ids (of its birth date, names, nationalities, place); the values
        # are computed once per distinct one and spread with numpy
        dob_ids: dict[Any, int] = {}
        name_ids: dict[int, int] = {}
        nationalities: dict[frozenset[str], int] = {frozenset(): 0}
        places: dict[str, int] = {"": 0}
        sexes = {"f": 1, "m": 2}
        of_dob, of_name, of_nationality, of_place, of_sex = array("q"), array("q"), array("q"), array("q"), array("q")
        dob_rows: list[tuple[int, int, int, bool, bool, float, float]] = []
        name_rows: list[Prepared] = []
        for p in prepared:
            dob = p.dob
            number = dob_ids.get(dob)
            if number is None:
                number = dob_ids[dob] = len(dob_rows)
                dob_rows.append(self._dob_row(p, stats))
            of_dob.append(number)
            number = name_ids.get(p.parts.nid)
            if number is None:
                number = name_ids[p.parts.nid] = len(name_rows)
                name_rows.append(p)
            of_name.append(number)
            of_sex.append(sexes.get(p.sex, 0))
            of_nationality.append(nationalities.setdefault(p.nationalities, len(nationalities)))
            of_place.append(places.setdefault(p.place, len(places)))
        dobs = numpy.frombuffer(of_dob, dtype=numpy.int64)
        year, month, day, exact, placeholder, date_w, year_w = zip(*dob_rows, strict=True) if dob_rows else ((),) * 7
        self.year = numpy.array(year, dtype=numpy.int64)[dobs]
        self.month = numpy.array(month, dtype=numpy.int64)[dobs]
        self.day = numpy.array(day, dtype=numpy.int64)[dobs]
        self.exact = numpy.array(exact, dtype=bool)[dobs]
        self.placeholder = numpy.array(placeholder, dtype=bool)[dobs]
        self.date_w = numpy.array(date_w, dtype=numpy.float64)[dobs]
        self.year_w = numpy.array(year_w, dtype=numpy.float64)[dobs]
        self.sex = numpy.frombuffer(of_sex, dtype=numpy.int64)
        self.nationality = numpy.frombuffer(of_nationality, dtype=numpy.int64)
        self.place = numpy.frombuffer(of_place, dtype=numpy.int64)
        self.nationalities = list(nationalities)
        self.places = list(places)
        # names: one-token names get token ids, the pair key and -log2 of the combination's
        # share (counted without the pair itself: once, or twice if both records have it)
        token_ids: dict[str, int] = {}
        texts: dict[str, int] = {}
        pair_keys: dict[str, int] = {}
        self.token_infos: list[TokenInfo] = []
        token_text = array("q")
        rows = []
        for p in name_rows:
            given, family = p.names[0]
            if len(p.names) == 1 and len(given) == 1 and len(family) == 1:
                ids = []
                for token in (given[0], family[0]):
                    number = token_ids.get(token.ident)
                    if number is None:
                        number = token_ids[token.ident] = len(token_ids)
                        self.token_infos.append(token)
                        token_text.append(texts.setdefault(token.text, len(texts)))
                    ids.append(number)
                rows.append(
                    (
                        p.parts.nid,
                        p.parts.tokens,
                        True,
                        stats.rarity(given[0]),
                        stats.rarity(family[0]),
                        ids[0],
                        ids[1],
                        pair_keys.setdefault(p.pair_key, len(pair_keys)),
                        -math.log2(stats.pair_share(p, exclude=1)),
                        -math.log2(stats.pair_share(p, exclude=2)),
                    )
                )
            else:
                rows.append((p.parts.nid, p.parts.tokens, False, 0.0, 0.0, -1, -1, -1, 0.0, 0.0))
        names = numpy.frombuffer(of_name, dtype=numpy.int64)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 10
        types = (numpy.int64, numpy.int64, bool) + (numpy.float64,) * 2 + (numpy.int64,) * 3 + (numpy.float64,) * 2
        (
            self.nid,
            self.tokens,
            self.single,
            self.given_rarity,
            self.family_rarity,
            self.given_token,
            self.family_token,
            self.pair_key,
            self.cap_other,
            self.cap_same,
        ) = (numpy.array(column, dtype=kind)[names] for column, kind in zip(columns, types, strict=True))
        self.token_text = numpy.frombuffer(token_text, dtype=numpy.int64) if token_text else numpy.zeros(1, numpy.int64)
        self.stats = stats

    @staticmethod
    def _dob_row(p: Prepared, stats: Stats) -> tuple[int, int, int, bool, bool, float, float]:
        """Year (-1: none), month and day (0: none), exact, placeholder, the weight of agreeing
        on the full date and on the year."""
        dob = p.dob
        if dob.year is None:
            return (-1, 0, 0, False, False, 0.0, 0.0)
        year_w = stats.year_weight(dob.year)
        if dob.month is None:
            return (dob.year, 0, 0, False, False, 0.0, year_w)
        if dob.day is None:
            return (dob.year, dob.month, 0, False, False, 0.0, year_w)
        held = dob.is_placeholder
        return (dob.year, dob.month, dob.day, not held, held, stats.date_weight(p.dob_iso, held), year_w)

    def simple(self, a: _Ints, b: _Ints) -> _Ints:
        """Which pairs ``names`` can weigh: both names of one token each, and no two of the
        tokens compared with the same spelling but different infos (a family name with an
        attached article against the same word as a given name: ``scoring._one`` is
        symmetric except there)."""
        ga, fa, gb, fb = self.given_token[a], self.family_token[a], self.given_token[b], self.family_token[b]
        simple = self.single[a] & self.single[b]
        text = self.token_text
        for x, y in ((ga, gb), (fa, fb), (fa, gb), (ga, fb)):
            simple &= (x == y) | (text[numpy.maximum(x, 0)] != text[numpy.maximum(y, 0)])
        return simple

    def sides(self, a: _Ints, b: _Ints, which: tuple[int, ...]) -> _Ints:
        """The pairs of tokens ``names`` compares, as codes (smaller id << 32 | larger id), one
        row per side: 0 given-given, 1 family-family, 2 and 3 the two crossed (swapped)."""
        ga, fa, gb, fb = self.given_token[a], self.family_token[a], self.given_token[b], self.family_token[b]
        pairs = ((ga, gb), (fa, fb), (fa, gb), (ga, fb))
        return numpy.stack([numpy.minimum(*pairs[k]) << 32 | numpy.maximum(*pairs[k]) for k in which])

    def names(self, a: _Ints, b: _Ints, agreement: _Agreement) -> _Ints:
        """``scoring._single_tokens`` of ``simple`` pairs, from the agreement of each pair of
        their tokens (``token_agreement`` by code, see ``sides``), summed as there, in its order.
        ``agreement`` must hold the swapped sides of the pairs whose straight sides do not
        both agree."""
        ok, w, lp = agreement.look_up(self.sides(a, b, (0, 1)))
        same = self.pair_key[a] == self.pair_key[b]
        cap_a = numpy.where(same, self.cap_same[a], self.cap_other[a])
        cap = numpy.minimum(cap_a, numpy.where(same, self.cap_same[b], self.cap_other[b]))
        both = ok[0] & ok[1]
        result = numpy.minimum(w[0] + w[1], cap - (lp[0] + lp[1]))
        rest = ~both
        straight = numpy.where(ok[0], w[0], GIVEN_DISAGREE) + numpy.where(ok[1], w[1], FAMILY_DISAGREE)
        straight = straight[rest]
        ok, w, lp = agreement.look_up(self.sides(a[rest], b[rest], (2, 3)))
        cap = cap[rest]
        swapped = numpy.where(ok[0], w[0], GIVEN_DISAGREE) + numpy.where(ok[1], w[1], GIVEN_DISAGREE) - SWAP_PENALTY
        capped = numpy.where(ok[0] & ok[1], numpy.minimum(swapped, cap - ((lp[0] + lp[1]) + SWAP_PENALTY)), swapped)
        # tried both ways round in scoring, with the same result (symmetric agreement)
        result[rest] = numpy.where(swapped > straight, numpy.maximum(straight, capped), straight)
        return result

    def weights(self, a: numpy.ndarray[Any, Any], b: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        """``match_weight`` of the pairs (a[k], b[k]) without the names' part, summed in its order."""
        stats = self.stats
        return (stats.prior() + self._dates(a, b)) + self._others(a, b)

    def bounds(self, a: numpy.ndarray[Any, Any], b: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        """``scoring._names_bound`` of the pairs."""
        top = MAX_TOKEN_WEIGHT
        ga, fa, gb, fb = self.given_rarity[a], self.family_rarity[a], self.given_rarity[b], self.family_rarity[b]
        straight = numpy.minimum(numpy.maximum(ga, gb), top) + numpy.minimum(numpy.maximum(fa, fb), top)
        swapped = numpy.minimum(numpy.maximum(fa, gb), top) + numpy.minimum(numpy.maximum(ga, fb), top)
        general = top * numpy.minimum(self.tokens[a], self.tokens[b])
        return numpy.where(self.single[a] & self.single[b], numpy.maximum(straight, swapped), general)

    def _dates(self, a: numpy.ndarray[Any, Any], b: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        """The date weight of ``scoring._date_weight`` (agreement as ``dates.compare_dates``)."""
        ya, yb, ma, mb, da, db = self.year[a], self.year[b], self.month[a], self.month[b], self.day[a], self.day[b]
        missing = (ya < 0) | (yb < 0)
        both_exact = self.exact[a] & self.exact[b]
        same_year = ya == yb
        same_day = (ma == mb) & (da == db)
        weight = numpy.full(len(a), DATE_WEIGHTS[DateAgreement.CONFLICT])
        exact = both_exact & same_year & same_day
        near = (
            both_exact
            & same_year
            & ~same_day
            & (((ma == db) & (da == mb)) | ((ma == mb) & _close(da, db, 2)) | ((da == db) & _close(ma, mb, 2)))
        )
        year_typo = both_exact & ~same_year & same_day & _close(ya, yb, 4)
        estimated = ~both_exact & ~missing
        year_near = estimated & ~same_year & (numpy.abs(ya - yb) == 1)
        same = estimated & same_year
        pa, pb = self.placeholder[a], self.placeholder[b]
        place_held = same & (pa | pb)
        months = same & ~(pa | pb) & (ma > 0) & (mb > 0)
        month = months & (ma == mb)
        year_only = same & ~(pa | pb) & ((ma == 0) | (mb == 0))
        year_w = self.year_w[a]
        weight[missing] = DATE_WEIGHTS[DateAgreement.MISSING]
        weight[near] = DATE_WEIGHTS[DateAgreement.NEAR]
        weight[year_typo] = DATE_WEIGHTS[DateAgreement.YEAR_TYPO]
        weight[year_near] = DATE_WEIGHTS[DateAgreement.YEAR_NEAR]
        weight[exact] = self.date_w[a][exact]
        weight[year_only] = year_w[year_only]
        weight[month] = year_w[month] + MONTH_BONUS
        both_held = place_held & pa & pb
        weight[place_held] = year_w[place_held]
        weight[both_held] = numpy.maximum(year_w[both_held], self.date_w[a][both_held])
        return weight

    def _others(self, a: numpy.ndarray[Any, Any], b: numpy.ndarray[Any, Any]) -> numpy.ndarray[Any, Any]:
        """``scoring._other_parts``: sex, nationality, place, added in that order."""
        sa, sb = self.sex[a], self.sex[b]
        sex = numpy.where((sa > 0) & (sb > 0), numpy.where(sa == sb, SEX_AGREE, SEX_DISAGREE), 0.0)
        stats = self.stats
        nationalities, places = self.nationalities, self.places
        nationality = _by_combination(
            self.nationality[a],
            self.nationality[b],
            lambda x, y: nationality_weight(nationalities[x], nationalities[y], stats),
        )
        place = _by_combination(self.place[a], self.place[b], lambda x, y: place_weight(places[x], places[y], stats))
        return ((0.0 + sex) + nationality) + place


def _close(x: numpy.ndarray[Any, Any], y: numpy.ndarray[Any, Any], width: int) -> numpy.ndarray[Any, Any]:
    """``dates._close``: one apart, or one digit (of ``width``) different."""
    differing = numpy.zeros(len(x), dtype=numpy.int64)
    for power in range(width):
        unit = 10**power
        differing += (x // unit % 10) != (y // unit % 10)
    return (numpy.abs(x - y) == 1) | (differing == 1)


def _by_combination(
    x: numpy.ndarray[Any, Any], y: numpy.ndarray[Any, Any], weigh: Callable[[int, int], float]
) -> numpy.ndarray[Any, Any]:
    """``weigh(x[k], y[k])`` where both ids are set (0: the field is empty), else 0; computed
    once per distinct combination."""
    result = numpy.zeros(len(x))
    both = (x > 0) & (y > 0)
    if not both.any():
        return result
    combined = x[both] << 32 | y[both]
    distinct, inverse = numpy.unique(combined, return_inverse=True)
    values = numpy.array([weigh(code >> 32, code & 0xFFFFFFFF) for code in distinct.tolist()])
    result[both] = values[inverse]
    return result


# --- 3. names, in forked workers ---------------------------------------------------------------


class _Forked:
    """A function run in a forked process whose result, a tuple of arrays, comes back as bytes.

    Its temporary objects die with it instead of leaving holes in this process's memory
    (which later forked workers would fill, and so copy).
    """

    def __init__(self, function: Callable[..., tuple[array[Any], ...]], *args: Any) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)

        def work() -> None:
            gc.disable()
            result = function(*args)
            sender.send([a.typecode for a in result])
            for a in result:
                sender.send_bytes(a.tobytes())
            sender.close()

        self._process = context.Process(target=work, daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> tuple[array[Any], ...]:
        try:
            typecodes = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"a forked worker failed (exit code {self._process.exitcode})") from None
        result = []
        for typecode in typecodes:
            a = array(typecode)
            a.frombytes(self._receiver.recv_bytes())
            result.append(a)
        self._process.join()
        return tuple(result)


_JOB: dict[str, Any] = {}
"""What the forked workers work on (inherited, never pickled)."""


def _share(share: int) -> tuple[array[float], array[float], array[float]]:
    """Every ``workers``-th task, from ``share``: the names weights of the pairs of records,
    and the agreement of the pairs of tokens (weight, or NaN if they do not agree; penalty)."""
    prepared: Sequence[Prepared] = _JOB["prepared"]
    stats: Stats = _JOB["stats"]
    step: int = _JOB["workers"]
    firsts, seconds = _JOB["first"], _JOB["second"]
    names = array(
        "d", (names_weight(prepared[firsts[k]], prepared[seconds[k]], stats) for k in range(share, len(firsts), step))
    )
    infos: list[TokenInfo] = _JOB["infos"]
    codes: list[int] = _JOB["codes"]
    weights, penalties = array("d"), array("d")
    for k in range(share, len(codes), step):
        code = codes[k]
        found = token_agreement(infos[code >> 32], infos[code & 0xFFFFFFFF], stats)
        weights.append(math.nan if found is None else found[0])
        penalties.append(0.0 if found is None else found[1])
    return names, weights, penalties


def _in_parallel(
    prepared: Sequence[Prepared],
    stats: Stats,
    first: _Ints,
    second: _Ints,
    infos: list[TokenInfo],
    codes: _Ints,
    workers: int,
) -> tuple[_Ints, _Ints, _Ints]:
    """``names_weight`` of each pair of records (first[k], second[k]) and ``token_agreement``
    of each pair of tokens (``codes``: see ``_Columns.sides``), shared among ``workers``
    processes: the names weights, the agreement weights (NaN: none) and penalties."""
    _JOB.update(
        prepared=prepared,
        stats=stats,
        first=first.tolist(),
        second=second.tolist(),
        infos=infos,
        codes=codes.tolist(),
        workers=workers,
    )
    try:
        gc.freeze()  # forked copies share this process's memory until they touch it
        many = len(first) + len(codes) >= _FORK_FROM
        helpers = [_Forked(_share, share) for share in range(1, workers)] if many else []
        if not helpers:
            _JOB["workers"] = 1
        parts = [_share(0), *(helper.result() for helper in helpers)]
    finally:
        _JOB.clear()
        gc.unfreeze()
    results = []
    for column, size in enumerate((len(first), len(codes), len(codes))):
        values = numpy.empty(size)
        for share, part in enumerate(parts):
            values[share :: len(parts)] = numpy.frombuffer(part[column], dtype=numpy.float64)
        results.append(values)
    return results[0], results[1], results[2]


class _Agreement:
    """The agreement of pairs of tokens computed so far, by code (``_Columns.sides``)."""

    def __init__(self) -> None:
        self.codes = numpy.zeros(0, dtype=numpy.int64)
        self.weight = numpy.zeros(0)
        self.penalty = numpy.zeros(0)

    def add(self, codes: _Ints, weight: _Ints, penalty: _Ints) -> None:
        codes = numpy.concatenate((self.codes, codes))
        order = numpy.argsort(codes, kind="stable")
        self.codes = codes[order]
        self.weight = numpy.concatenate((self.weight, weight))[order]
        self.penalty = numpy.concatenate((self.penalty, penalty))[order]

    def unknown(self, codes: _Ints) -> _Ints:
        """The distinct codes not added yet."""
        return numpy.setdiff1d(codes, self.codes)

    def look_up(self, codes: _Ints) -> tuple[_Ints, _Ints, _Ints]:
        """Whether the pairs agree, their weights and penalties, shaped like ``codes``."""
        where = numpy.searchsorted(self.codes, codes)
        weight = self.weight[where]
        agree = ~numpy.isnan(weight)
        return agree, numpy.where(agree, weight, 0.0), self.penalty[where]


def _workers(records: int, workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    if records < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def find_pairs(
    records: Iterable[PersonRecord], threshold: float = DEFAULT_THRESHOLD, *, workers: int | None = None
) -> list[tuple[str, str, float]]:
    """Pairs of records judged to be the same person: (id_a, id_b, probability), id_a < id_b.

    Sorted by id_a, id_b. Frequencies are taken from ``records`` themselves. ``records``
    is read once and not kept (pass an iterator to keep memory low). Large files use one
    process per core (``workers`` overrides the number).
    """
    enabled = gc.isenabled()
    gc.disable()  # millions of long-lived objects: collections would only cost time
    try:
        ids: list[str] = []
        prepared: list[Prepared] = []
        for record in records:
            ids.append(record.id)
            p = prepare(record)
            p.record = _NO_RECORD  # scoring needs the normalised parts only
            prepared.append(p)
        count = _workers(len(prepared), workers)
        if count == 1:
            stats = Stats.from_prepared(prepared)
            columns = _Columns(prepared, stats)
            first, second = (numpy.frombuffer(a, dtype=numpy.int32) for a in _candidate_pairs(prepared))
        else:
            _drop_name_caches()  # what is left is referenced by the prepared records
            finder = _Forked(_candidate_pairs, prepared)
            stats = Stats.from_prepared(prepared)  # meanwhile
            columns = _Columns(prepared, stats)
            first, second = (numpy.frombuffer(a, dtype=numpy.int32) for a in finder.result())
        found = _weigh(prepared, stats, columns, first, second, threshold_weight(threshold), count)
        found.update(_closure(found, prepared, stats))
        result = []
        for (i, j), chance in found.items():
            ida, idb = ids[i], ids[j]
            result.append((ida, idb, chance) if ida < idb else (idb, ida, chance))
        result.sort()
        return result
    finally:
        if enabled:
            gc.enable()


def _weigh(
    prepared: Sequence[Prepared],
    stats: Stats,
    columns: _Columns,
    first: numpy.ndarray[Any, Any],
    second: numpy.ndarray[Any, Any],
    limit: float,
    workers: int,
) -> dict[tuple[int, int], float]:
    """The candidate pairs whose match weight reaches ``limit``, with their probability."""
    kept_a, kept_b, kept_w = [], [], []
    for start in range(0, len(first), _CHUNK):
        a = first[start : start + _CHUNK].astype(numpy.int64)
        b = second[start : start + _CHUNK].astype(numpy.int64)
        weight = columns.weights(a, b)
        hopeful = weight + columns.bounds(a, b) >= limit
        kept_a.append(a[hopeful])
        kept_b.append(b[hopeful])
        kept_w.append(weight[hopeful])
    if not kept_a:
        return {}
    a, b, weight = numpy.concatenate(kept_a), numpy.concatenate(kept_b), numpy.concatenate(kept_w)
    na, nb = columns.nid[a], columns.nid[b]
    names = numpy.minimum(na, nb) << 32 | numpy.maximum(na, nb)
    distinct, where, inverse = numpy.unique(names, return_index=True, return_inverse=True)
    del distinct
    x, y = a[where], b[where]
    simple = columns.simple(x, y)
    xs, ys, others = x[simple], y[simple], ~simple
    # round one: the names of all other pairs, the straight sides of the simple ones
    agreement = _Agreement()
    straight = columns.sides(xs, ys, (0, 1))
    codes = agreement.unknown(straight)
    names_o, weights, penalties = _in_parallel(
        prepared, stats, x[others], y[others], columns.token_infos, codes, workers
    )
    agreement.add(codes, weights, penalties)
    # round two: the swapped sides of simple pairs whose straight sides do not both agree
    agree = agreement.look_up(straight)[0]
    rest = ~(agree[0] & agree[1])
    codes = agreement.unknown(columns.sides(xs[rest], ys[rest], (2, 3)))
    empty = numpy.zeros(0, dtype=numpy.int64)
    _, weights, penalties = _in_parallel(prepared, stats, empty, empty, columns.token_infos, codes, workers)
    agreement.add(codes, weights, penalties)
    names_w = numpy.empty(len(x))
    names_w[simple] = columns.names(xs, ys, agreement)
    names_w[others] = names_o
    weight = weight + names_w[inverse]
    match = weight >= limit
    return {
        (i, j): probability(w)
        for i, j, w in zip(a[match].tolist(), b[match].tolist(), weight[match].tolist(), strict=True)
    }


# --- 4. closure --------------------------------------------------------------------------------


def _closure(
    found: dict[tuple[int, int], float], prepared: Sequence[Prepared], stats: Stats
) -> dict[tuple[int, int], float]:
    """Pairs implied by the pairs found: if a ~ b and b ~ c, then a ~ c, unless a and c
    themselves say otherwise (``CLOSURE_GUARD``). Only within groups of at most
    ``CLOSURE_MAX`` records (a larger group is more likely a chain of errors than one
    person). An inferred pair gets the weakest probability of the pairs of its group."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while (up := parent.get(x, x)) != x:
            parent[x] = parent.get(up, up)
            x = up
        return x

    for i, j in found:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[ri] = rj
    groups: dict[int, list[int]] = {}
    for x in {x for pair in found for x in pair}:
        groups.setdefault(root(x), []).append(x)
    guard = threshold_weight(CLOSURE_GUARD)
    inferred: dict[tuple[int, int], float] = {}
    for group in groups.values():
        if not 3 <= len(group) <= CLOSURE_MAX:
            continue
        group.sort()
        weakest = min(found[pair] for pair in combinations(group, 2) if pair in found)
        for pair in combinations(group, 2):
            if pair not in found and match_weight(prepared[pair[0]], prepared[pair[1]], stats) >= guard:
                inferred[pair] = weakest
    return inferred


_NO_RECORD = PersonRecord("")


def _drop_name_caches() -> None:
    """Empty the per-name caches a large file has filled (a million records leave about a
    gigabyte there); the names of the file stay reachable from its prepared records."""
    for cached in (fold, name_tokens, name_units, unit_codes):
        cached.cache_clear()
    clear_name_parts()
    _drop_key_cache()
