"""Pairwise scoring: a Fellegi-Sunter style match weight with frequency-aware name weights.

Every comparison contributes log2(m/u) bits: m is how often true duplicates agree that
way, u how often unrelated people do. For names and dates u is the *frequency* of the
agreeing value (a shared "Mohammed" says little, a shared "Zubair" a lot), taken from the
data (``Stats``) and smoothed towards built-in shares so that small files behave. The
prior is the chance that a record has a duplicate among the population, so that the
same evidence counts for less in a larger population. The sum is the match weight; the
probability is its logistic. The constants are set by reasoning about m and u and then
adjusted one at a time on the benchmark's tuning seed (never on the seed that is reported;
see ADR 0007); they favour precision: a wrong merge is worse than a missed one.

Batch scoring calls ``match_weight`` with a lower limit: a pair that could not reach it
even if its names agreed as well as names can is not compared by name at all, which
skips most of the pairs a blocking key brings together by name only.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import extractOne

from .dates import BirthDate, DateAgreement, compare_dates
from .model import PersonRecord, Reason, Score
from .normalise import GROUP_FORMS, TokenInfo, name_units, place_key, token_info
from .variants import COMMON_NAME_SHARES

# --- constants (bits) ----------------------------------------------------------------------

DUPLICATES_PER_RECORD = 0.2
"""Prior: expected number of duplicates of one record in the population."""
MIN_POPULATION = 10_000
"""Population assumed at least, so that a small file is not judged too leniently."""
DEFAULT_TOKEN_SHARE = 2e-4
"""Share of a name token never seen and not known to be common."""
PSEUDO_COUNT = 2_000
"""Weight of the built-in shares against counts from the data."""
MAX_TOKEN_WEIGHT = 13.0

EXACT_PENALTY = 0.3
VARIANT_PENALTY = 0.8
FUZZY_PENALTY = 4.0
FUZZY_LONG_BONUS = 1.5
FUZZY_SHORT_PENALTY = 1.5
RARE_PAIR_COUNT = 2
PAIR_PRIOR_FACTOR = 4.0
"""Names of one origin go together: a combination is this many times as frequent as independence says."""
PREFIX_PENALTY = 1.5
FUZZY_CAP = 11.0
SWAP_PENALTY = 0.5
POOLED_PENALTY = 1.0
EXTRA_TOKEN_PENALTY = 0.5
TOKEN_CONFLICT_PENALTY = 2.5
POOLED_CONFLICT_PENALTY = 12.0
GIVEN_DISAGREE = -14.0
"""Siblings and twins share family name, place and often the birth date: a different given
name is the one thing that tells them apart, so it weighs almost as much as an exact date."""
LATER_TOKEN_PENALTY = 3.0
"""Only a later part of a multi-part name matches (Nur Mohammad / Mohammad): often another name."""
FAMILY_DISAGREE = -6.0
NAME_MISSING = 0.0
"""A name field empty on one side."""

DATE_EXACT_M = 0.85
YEAR_M = 0.9
DATE_SHARE_DEFAULT = 1 / (365.25 * 45)
YEAR_SHARE_DEFAULT = 1 / 45
DATE_WEIGHTS = {
    DateAgreement.NEAR: 6.0,
    DateAgreement.YEAR_TYPO: 5.0,
    DateAgreement.MISSING: -0.5,
    DateAgreement.YEAR_NEAR: -2.5,
    DateAgreement.CONFLICT: -10.0,
}
MONTH_BONUS = 3.0
SEX_AGREE, SEX_DISAGREE = 0.9, -5.0
NATIONALITY_DISAGREE, NATIONALITY_CAP = -2.5, 1.0
PLACE_DISAGREE, PLACE_SIMILAR, PLACE_CAP = -1.0, 1.5, 4.0


class Level(IntEnum):
    NONE = 0
    FUZZY = 1
    VARIANT = 2
    EXACT = 3


_LEVEL_TEXT = {
    Level.EXACT: "same spelling",
    Level.VARIANT: "transliteration variant",
    Level.FUZZY: "similar spelling (typo?)",
}

# --- frequencies ---------------------------------------------------------------------------


def _builtin_shares() -> dict[str, float]:
    shares: dict[str, float] = {}
    for spelling, share in COMMON_NAME_SHARES.items():
        for item in token_info(spelling).canon:
            shares[item] = max(shares.get(item, 0.0), share)
    return shares


_BUILTIN_SHARES = _builtin_shares()

_SEX = {
    "f": "f",
    "w": "f",
    "female": "f",
    "weiblich": "f",
    "m": "m",
    "male": "m",
    "maennlich": "m",
    "männlich": "m",
    "x": "x",
    "d": "x",
    "divers": "x",
}


def normalise_sex(value: str) -> str:
    return _SEX.get(value.strip().lower(), "")


@lru_cache(maxsize=4096)
def normalise_nationalities(value: str) -> frozenset[str]:
    codes = {c.strip().upper() for c in value.replace(";", ",").split(",")}
    # XXA/XXB/XXX (stateless, unclear) and empty say nothing
    return frozenset(c for c in codes if c and not c.startswith("XX"))


_Names = tuple[tuple[TokenInfo, ...], tuple[TokenInfo, ...]]


@dataclass(slots=True, eq=False)
class NameParts:
    """The normalised names of a record (its name and aliases), shared by equal names."""

    raw: tuple[tuple[str, str], ...]
    """The names as written: (given, family), then the aliases."""
    names: tuple[_Names, ...]
    sig: str
    pair_key: str
    tokens: int
    """Most tokens of any of the names: bounds how much the names can weigh (``MAX_TOKEN_WEIGHT`` each)."""
    nid: int
    """Process-local id, the cache key for comparisons of two names."""


_NAME_PARTS: dict[tuple[str, str, tuple[tuple[str, str], ...]], NameParts] = {}
_NAME_PARTS_MAX = 2_000_000
_next_nid = itertools.count(1)


def clear_name_parts() -> None:
    _NAME_PARTS.clear()


def _pair_key(names: _Names) -> str:
    given, family = names
    keys = sorted(t.key for t in (given[:1] + family[:1]))
    return "+".join(keys)


def name_parts(given: str, family: str, aliases: tuple[tuple[str, str], ...] = ()) -> NameParts:
    key = (given, family, aliases)
    parts = _NAME_PARTS.get(key)
    if parts is not None:
        return parts
    names = [name_units(given, family)]
    for alias_given, alias_family in aliases:
        units = name_units(alias_given, alias_family)
        if units not in names:
            names.append(units)
    sig = "/".join(" ".join(t.text for t in g) + "|" + " ".join(t.text for t in f) for g, f in names)
    tokens = max(len(g) + len(f) for g, f in names)
    parts = NameParts(((given, family), *aliases), tuple(names), sig, _pair_key(names[0]), tokens, next(_next_nid))
    if len(_NAME_PARTS) >= _NAME_PARTS_MAX:
        _NAME_PARTS.clear()
    _NAME_PARTS[key] = parts
    return parts


@dataclass(slots=True, eq=False)
class Prepared:
    """A record with its normalised parts, computed once."""

    record: PersonRecord
    parts: NameParts
    names: tuple[_Names, ...]
    name_sig: str
    pair_key: str
    dob: BirthDate
    dob_iso: str
    sex: str
    nationalities: frozenset[str]
    place: str

    @property
    def id(self) -> str:
        return self.record.id


@lru_cache(maxsize=200_000)
def _iso(dob: BirthDate) -> str:
    return dob.iso()


def prepare(record: PersonRecord) -> Prepared:
    parts = name_parts(record.given_name, record.family_name, record.aliases)
    dob = record.date_of_birth
    return Prepared(
        record=record,
        parts=parts,
        names=parts.names,
        name_sig=parts.sig,
        pair_key=parts.pair_key,
        dob=dob,
        dob_iso=_iso(dob),
        sex=_SEX.get(record.sex.strip().lower(), "") if record.sex else "",
        nationalities=normalise_nationalities(record.nationality) if record.nationality else frozenset(),
        place=place_key(record.place_of_birth) if record.place_of_birth else "",
    )


class Stats:
    """Frequencies of names, dates, nationalities and places in a population.

    Shares and name comparisons are cached. ``freeze()`` marks a batch population that
    will not change; an index that keeps adding records drops its caches whenever the
    population has changed by more than ``CACHE_DRIFT`` since they were filled (the
    shares of a large population hardly move with one more record, so the registration
    check need not recount them for every query).
    """

    CACHE_DRIFT = 0.01

    def __init__(self) -> None:
        self.records = 0
        self.tokens: Counter[str] = Counter()
        self.token_total = 0
        self.pairs: Counter[str] = Counter()
        self.dates: Counter[str] = Counter()
        self.years: Counter[int] = Counter()
        self.dated = 0
        self.nationalities: Counter[str] = Counter()
        self.places: Counter[str] = Counter()
        self.frozen = False
        self._token_cache: dict[str, float] = {}
        self._rarity_cache: dict[str, float] = {}
        self._name_cache: dict[int, float] = {}
        self._date_cache: dict[str, float] = {}
        self._year_cache: dict[int, float] = {}
        self._cached_at = 0
        self._prior: float | None = None

    @classmethod
    def from_prepared(cls, prepared: Iterable[Prepared]) -> Stats:
        stats = cls()
        names: Counter[int] = Counter()
        parts_of: dict[int, NameParts] = {}
        for p in prepared:
            stats._add_except_names(p, 1)
            names[p.parts.nid] += 1
            parts_of[p.parts.nid] = p.parts
        for nid, count in names.items():
            stats._add_names(parts_of[nid], count)
        stats.freeze()
        return stats

    def _add_names(self, parts: NameParts, sign: int) -> None:
        given, family = parts.names[0]
        for token in given + family:
            self.token_total += sign
            for item in token.canon:
                self.tokens[item] += sign
        if given and family:
            self.pairs[parts.pair_key] += sign

    def _add_except_names(self, p: Prepared, sign: int) -> None:
        self.records += sign
        if p.dob.year is not None:
            self.dated += sign
            self.years[p.dob.year] += sign
            if p.dob.day is not None:
                self.dates[p.dob_iso] += sign
        for code in p.nationalities:
            self.nationalities[code] += sign
        if p.place:
            self.places[p.place] += sign

    def add(self, p: Prepared, sign: int = 1) -> None:
        if self.frozen:
            raise RuntimeError("frozen statistics cannot change")
        self._add_except_names(p, sign)
        self._add_names(p.parts, sign)
        if abs(self.records - self._cached_at) > self.CACHE_DRIFT * self.records:
            self.clear_caches()

    def remove(self, p: Prepared) -> None:
        self.add(p, sign=-1)

    def freeze(self) -> None:
        """No more records will be added."""
        self.frozen = True
        self.clear_caches()

    def clear_caches(self) -> None:
        self._token_cache.clear()
        self._rarity_cache.clear()
        self._name_cache.clear()
        self._date_cache.clear()
        self._year_cache.clear()
        self._cached_at = self.records
        self._prior = None

    # shares --------------------------------------------------------------------------

    def token_share(self, token: TokenInfo) -> float:
        cached = self._token_cache.get(token.ident)
        if cached is not None:
            return cached
        count = max(self.tokens.get(item, 0) for item in token.canon)
        prior = max((_BUILTIN_SHARES.get(item, DEFAULT_TOKEN_SHARE) for item in token.canon), default=0.0)
        share = (count + PSEUDO_COUNT * max(prior, DEFAULT_TOKEN_SHARE)) / (self.token_total + PSEUDO_COUNT)
        self._token_cache[token.ident] = share
        return share

    def rarity(self, token: TokenInfo) -> float:
        """-log2 of the token's share: the most bits agreeing on it can be worth."""
        cached = self._rarity_cache.get(token.ident)
        if cached is None:
            cached = self._rarity_cache[token.ident] = -math.log2(self.token_share(token))
        return cached

    def pair_share(self, p: Prepared, exclude: int = 0) -> float:
        """Share of records with this combination of first given and first family name.

        ``exclude``: how many of the counted records are the pair being scored (they are
        evidence of nothing but themselves).
        """
        given, family = p.names[0]
        if not given or not family:
            return 1.0
        prior = PAIR_PRIOR_FACTOR * self.token_share(given[0]) * self.token_share(family[0])
        count = max(self.pairs.get(p.pair_key, 0) - exclude, 0)
        if count <= RARE_PAIR_COUNT:
            count = 0  # a few more records of a rare name are as likely the same person again
        return (count + PSEUDO_COUNT * prior) / (self.records + PSEUDO_COUNT)

    def date_weight(self, iso: str, placeholder: bool) -> float:
        """Bits for agreeing on this full date: log2(m / share of the date)."""
        cached = self._date_cache.get(iso)
        if cached is None:
            prior = DATE_SHARE_DEFAULT * (36 if placeholder else 1)
            share = (self.dates.get(iso, 0) + PSEUDO_COUNT * prior) / (self.dated + PSEUDO_COUNT)
            cached = math.log2(DATE_EXACT_M / share)
            self._date_cache[iso] = cached
        return cached

    def year_weight(self, year: int) -> float:
        """Bits for agreeing on the year of birth."""
        cached = self._year_cache.get(year)
        if cached is None:
            share = (self.years.get(year, 0) + PSEUDO_COUNT * YEAR_SHARE_DEFAULT) / (self.dated + PSEUDO_COUNT)
            cached = math.log2(YEAR_M / share)
            self._year_cache[year] = cached
        return cached

    def nationality_share(self, code: str) -> float:
        return (self.nationalities.get(code, 0) + PSEUDO_COUNT * 0.05) / (self.records + PSEUDO_COUNT)

    def place_share(self, place: str) -> float:
        return (self.places.get(place, 0) + PSEUDO_COUNT * 0.01) / (self.records + PSEUDO_COUNT)

    def prior(self) -> float:
        """Log2 prior odds that a given pair of records is a duplicate."""
        if self._prior is None:
            self._prior = math.log2(DUPLICATES_PER_RECORD / max(self.records, MIN_POPULATION))
        return self._prior


DEFAULT_STATS = Stats()
DEFAULT_STATS.freeze()

# --- names ---------------------------------------------------------------------------------

_pair_cache: dict[tuple[str, str], Level] = {}
_PAIR_CACHE_MAX = 1_000_000
_NAME_CACHE_MAX = 300_000


def token_level(a: TokenInfo, b: TokenInfo) -> Level:
    if a.text == b.text:
        return Level.EXACT
    key = (a.ident, b.ident) if a.ident < b.ident else (b.ident, a.ident)
    level = _pair_cache.get(key)
    if level is None:
        level = _token_level(a, b)
        if len(_pair_cache) >= _PAIR_CACHE_MAX:
            _pair_cache.clear()
        _pair_cache[key] = level
    return level


_FUZZY_FORMS = 4
"""Forms of each token compared for typing errors (the first are the most likely readings)."""
MIN_SKELETON_FUZZY = 5
"""Consonant skeletons at least this long that agree count as a similar spelling (Freshta ~
Fereshteh); shorter ones do not (Hassan/Hussein, Muhammad/Mahmoud share theirs)."""


def _token_level(a: TokenInfo, b: TokenInfo) -> Level:
    if not a.canon.isdisjoint(b.canon):
        return Level.VARIANT
    pa, pb = a.primary, b.primary
    # Karim/Karimi, Ahmad/Ahmadi, Amin/Amina are different names, not typos
    if abs(len(a.text) - len(b.text)) == 1:
        for x, y in ((pa, pb), (pb, pa)):
            if y in (x + "i", x + "a"):
                return Level.NONE
    if any(c[0] == "=" for c in a.canon) and any(c[0] == "=" for c in b.canon):
        return Level.NONE  # spellings of two different curated names: Hassan/Hussein, Mahmoud/Mohammed
    shortest = min(len(a.text), len(b.text))
    limit = 2 if shortest >= 9 else 1
    if shortest >= 3 and OSA.distance(a.text, b.text, score_cutoff=limit) <= limit:
        return Level.FUZZY
    if shortest >= 4:
        others = b.forms[:_FUZZY_FORMS]
        for x in a.forms[:_FUZZY_FORMS]:
            if extractOne(x, others, scorer=OSA.distance, score_cutoff=limit) is not None:
                return Level.FUZZY
        sa = {c for c in a.codes if len(c) >= MIN_SKELETON_FUZZY and c[0] != "="}
        if sa and not sa.isdisjoint(b.codes):
            return Level.FUZZY
    # a typing error in a spelling of a curated name: Mouhapad ~ Mhd, Mehmte ~ Mohammed
    for one, other in ((a, b), (b, a)):
        if len(other.text) < 4:
            continue
        limit = 2 if len(other.text) >= 9 else 1
        for group in one.canon:
            if group[0] == "=":
                forms = GROUP_FORMS.get(group, ())
                for y in other.forms[:_FUZZY_FORMS]:
                    if extractOne(y, forms, scorer=OSA.distance, score_cutoff=limit) is not None:
                        return Level.FUZZY
    return Level.NONE


def _token_weight(level: Level, token: TokenInfo, stats: Stats) -> float:
    rarity = stats.rarity(token)
    if level == Level.EXACT:
        return min(rarity - EXACT_PENALTY, MAX_TOKEN_WEIGHT)
    if level == Level.VARIANT:
        return min(rarity - VARIANT_PENALTY, MAX_TOKEN_WEIGHT)
    length = len(token.text)
    penalty = FUZZY_PENALTY + (FUZZY_SHORT_PENALTY if length < 6 else -FUZZY_LONG_BONUS if length >= 8 else 0.0)
    return min(rarity, FUZZY_CAP) - penalty


def _longer(x: TokenInfo, y: TokenInfo) -> TokenInfo:
    """The token whose weight a match of the two carries: the longer (the same either way round)."""
    return max(x, y, key=lambda t: (len(t.text), t.text))


def _carrier(level: Level, x: TokenInfo, y: TokenInfo, stats: Stats) -> TokenInfo:
    """The token whose rarity a match of ``x`` and ``y`` at ``level`` carries. A typing error
    makes a spelling that nobody else has: "Rohammad" ~ "Mohammad" is as telling as
    "Mohammad", not as the unique typo, so a fuzzy match carries the commoner of the two."""
    return _commoner(x, y, stats) if level == Level.FUZZY else _longer(x, y)


def _commoner(x: TokenInfo, y: TokenInfo, stats: Stats) -> TokenInfo:
    return max(x, y, key=lambda t: (stats.token_share(t), t.text))


def _rarer(x: TokenInfo, y: TokenInfo, stats: Stats) -> TokenInfo:
    return min(x, y, key=lambda t: (stats.token_share(t), t.text))


@dataclass(slots=True)
class _FieldMatch:
    weight: float
    matches: list[tuple[TokenInfo, TokenInfo, Level]]
    conflict: bool = False
    compound: bool = False


def _concat(tokens: tuple[TokenInfo, ...]) -> TokenInfo:
    return token_info("".join(t.text for t in tokens))


def _compare_field(
    xs: tuple[TokenInfo, ...], ys: tuple[TokenInfo, ...], stats: Stats, conflict_penalty: float = TOKEN_CONFLICT_PENALTY
) -> _FieldMatch | None:
    """Best alignment of two token lists; None if either is empty."""
    if not xs or not ys:
        return None
    if len(xs) == 1 and len(ys) == 1:
        x, y = xs[0], ys[0]
        level = token_level(x, y)
        if level == Level.NONE:
            # two given names written as one word on one side only: Susakynbylutur / Susakyn
            short, long_ = (x, y) if len(x.text) < len(y.text) else (y, x)
            if len(short.text) >= 3 and len(long_.text) >= len(short.text) + 3 and long_.text.startswith(short.text):
                weight = _token_weight(Level.EXACT, short, stats) - PREFIX_PENALTY
                return _FieldMatch(weight, [(x, y, Level.VARIANT)], compound=True)
            return _FieldMatch(0.0, [], conflict=True)
        return _FieldMatch(_token_weight(level, _carrier(level, x, y, stats), stats), [(x, y, level)])
    scored = []
    for x in xs:
        for y in ys:
            level = token_level(x, y)
            if level != Level.NONE:
                # the rarer spelling carries a variant; a typo the commoner (``_carrier``)
                carrier = _commoner(x, y, stats) if level == Level.FUZZY else _rarer(x, y, stats)
                scored.append((_token_weight(level, carrier, stats), x, y, level))
    scored.sort(key=lambda item: (-item[0], min(item[1].text, item[2].text), max(item[1].text, item[2].text)))
    used_x: set[int] = set()
    used_y: set[int] = set()
    best = _FieldMatch(0.0, [])
    for weight, x, y, level in scored:
        if id(x) in used_x or id(y) in used_y:
            continue
        used_x.add(id(x))
        used_y.add(id(y))
        best.weight += weight
        best.matches.append((x, y, level))
    extra_x, extra_y = len(xs) - len(best.matches), len(ys) - len(best.matches)
    if best.matches:
        if extra_x and extra_y:
            best.weight -= conflict_penalty
            best.conflict = True
        elif extra_x or extra_y:
            first_matched = any(x is xs[0] or y is ys[0] for x, y, _ in best.matches)
            best.weight -= EXTRA_TOKEN_PENALTY if first_matched else LATER_TOKEN_PENALTY
    # compound names written together or apart: Mohammad Reza / Mohammadreza
    cx = _concat(xs) if len(xs) > 1 else xs[0]
    cy = _concat(ys) if len(ys) > 1 else ys[0]
    level = token_level(cx, cy)
    if level >= Level.VARIANT:
        weight = _token_weight(level, cx, stats)
        if weight > best.weight or not best.matches:
            return _FieldMatch(weight, [(cx, cy, level)], compound=True)
    if not best.matches:
        best.conflict = True
    return best


_LEVEL_PENALTY = {Level.EXACT: EXACT_PENALTY, Level.VARIANT: VARIANT_PENALTY, Level.FUZZY: FUZZY_PENALTY}


@dataclass(slots=True)
class _NameMatch:
    weight: float
    orientation: str
    given: _FieldMatch | None
    family: _FieldMatch | None
    capped: bool = False


def _field_weight(match: _FieldMatch | None, disagree: float) -> float:
    if match is None:
        return NAME_MISSING
    if not match.matches:
        return disagree
    return match.weight


def _compare_names(a: _Names, b: _Names, stats: Stats) -> _NameMatch:
    (ga, fa), (gb, fb) = a, b
    g, f = _compare_field(ga, gb, stats), _compare_field(fa, fb, stats)
    best = _NameMatch(_field_weight(g, GIVEN_DISAGREE) + _field_weight(f, FAMILY_DISAGREE), "straight", g, f)
    if g is not None and f is not None and g.matches and f.matches and not g.conflict and not f.conflict:
        return best
    # swapped: a's family field holds the given name, compared with b's given name. If only
    # one part agrees, it may as well be the family name (b swapped, not a): the other part
    # then is a different given name, as between siblings.
    g, f = _compare_field(fa, gb, stats), _compare_field(ga, fb, stats)
    if g is not None or f is not None:
        weight = _field_weight(g, GIVEN_DISAGREE) + _field_weight(f, GIVEN_DISAGREE) - SWAP_PENALTY
        if weight > best.weight:
            best = _NameMatch(weight, "swapped", g, f)
    if (len(ga), len(fa)) in ((len(gb), len(fb)), (len(fb), len(gb))):
        return best
    # the name parts are split differently between given and family name (or one is missing)
    pooled = _compare_field(ga + fa, gb + fb, stats, POOLED_CONFLICT_PENALTY)
    if pooled is not None and pooled.matches:
        weight = pooled.weight - POOLED_PENALTY
        if weight > best.weight:
            best = _NameMatch(weight, "pooled", pooled, None)
    return best


def _cap_by_pair(match: _NameMatch, a: Prepared, b: Prepared, stats: Stats) -> _NameMatch:
    """Given and family name both agree: count the *combination* no rarer than it is.

    Token weights assume that given and family names are independent, but "Malalai Khan"
    or "Mohammad Ahmadi" are far more frequent than the product of their shares.
    """
    if match.orientation == "pooled" or match.given is None or match.family is None:
        return match
    if not match.given.matches or not match.family.matches:
        return match
    same = a.pair_key == b.pair_key
    counted = 1 if stats.frozen else 0  # batch statistics include both records, an index only the older one
    share = max(stats.pair_share(a, exclude=counted + same), stats.pair_share(b, exclude=counted + same))
    penalty = sum(_LEVEL_PENALTY[level] for fm in (match.given, match.family) for _, _, level in fm.matches[:1])
    cap = -math.log2(share) - penalty - (SWAP_PENALTY if match.orientation == "swapped" else 0.0)
    if match.weight > cap:
        return _NameMatch(cap, match.orientation, match.given, match.family, capped=True)
    return match


def _best_names_one_way(a: Prepared, b: Prepared, stats: Stats) -> _NameMatch:
    best: _NameMatch | None = None
    for x in a.names:
        for y in b.names:
            match = _cap_by_pair(_compare_names(x, y, stats), a, b, stats)
            if best is None or match.weight > best.weight:
                best = match
    assert best is not None
    return best


def _flipped(field: _FieldMatch | None) -> _FieldMatch | None:
    if field is None:
        return None
    return _FieldMatch(field.weight, [(y, x, level) for x, y, level in field.matches], field.conflict, field.compound)


def _best_names(a: Prepared, b: Prepared, stats: Stats) -> _NameMatch:
    """The best alignment of the names of ``a`` and ``b``, the same either way round: a swap
    is tried both ways (which record's name parts count as given and which as family
    matters for family names with an article), and the better kept."""
    best = _best_names_one_way(a, b, stats)
    if best.orientation == "straight":
        return best
    other = _best_names_one_way(b, a, stats)
    if other.weight <= best.weight:
        return best
    return _NameMatch(other.weight, other.orientation, _flipped(other.given), _flipped(other.family), other.capped)


def _one(x: TokenInfo, y: TokenInfo, stats: Stats) -> tuple[float, Level] | None:
    """``_compare_field`` of two one-token fields: (weight, level) if they agree, else None."""
    level = token_level(x, y)
    if level != Level.NONE:
        return _token_weight(level, _carrier(level, x, y, stats), stats), level
    short, long_ = (x, y) if len(x.text) < len(y.text) else (y, x)
    if len(short.text) >= 3 and len(long_.text) >= len(short.text) + 3 and long_.text.startswith(short.text):
        return _token_weight(Level.EXACT, short, stats) - PREFIX_PENALTY, Level.VARIANT
    return None


def token_agreement(x: TokenInfo, y: TokenInfo, stats: Stats) -> tuple[float, float] | None:
    """What one-token fields ``x`` and ``y`` add if they agree, and the penalty of their level
    in the cap by the combination (``_single_tokens``, vectorised in batch mode); None if they
    do not agree."""
    agree = _one(x, y, stats)
    return None if agree is None else (agree[0], _LEVEL_PENALTY[agree[1]])


def _single_tokens(a: Prepared, b: Prepared, stats: Stats) -> float | None:
    """Names weight of two records with one given and one family token each and no aliases
    (most records), computed without the general alignment; the result is the same. None
    for other records."""
    if len(a.names) != 1 or len(b.names) != 1:
        return None
    (ga, fa), (gb, fb) = a.names[0], b.names[0]
    if len(ga) != 1 or len(fa) != 1 or len(gb) != 1 or len(fb) != 1:
        return None
    given, family = _one(ga[0], gb[0], stats), _one(fa[0], fb[0], stats)
    if given is not None and family is not None:
        return _capped(given[0] + family[0], _LEVEL_PENALTY[given[1]] + _LEVEL_PENALTY[family[1]], a, b, stats)
    straight = (given[0] if given else GIVEN_DISAGREE) + (family[0] if family else FAMILY_DISAGREE)
    best = straight
    for x, y, u, v in ((fa[0], gb[0], ga[0], fb[0]), (fb[0], ga[0], gb[0], fa[0])):  # swapped, both ways
        given, family = _one(x, y, stats), _one(u, v, stats)
        swapped = (given[0] if given else GIVEN_DISAGREE) + (family[0] if family else GIVEN_DISAGREE) - SWAP_PENALTY
        if swapped <= straight:
            continue
        if given is not None and family is not None:
            penalty = _LEVEL_PENALTY[given[1]] + _LEVEL_PENALTY[family[1]] + SWAP_PENALTY
            swapped = _capped(swapped, penalty, a, b, stats)
        best = max(best, swapped)
    return best


def _capped(weight: float, penalty: float, a: Prepared, b: Prepared, stats: Stats) -> float:
    """``_cap_by_pair`` for a weight alone."""
    exclude = (1 if stats.frozen else 0) + (a.pair_key == b.pair_key)
    share = max(stats.pair_share(a, exclude=exclude), stats.pair_share(b, exclude=exclude))
    return min(weight, -math.log2(share) - penalty)


def names_weight(a: Prepared, b: Prepared, stats: Stats) -> float:
    """The names' part of the match weight of ``a`` and ``b`` (not cached: it depends on
    their ``NameParts`` and the frequencies only, so batch use computes it once per pair
    of distinct names)."""
    weight = _single_tokens(a, b, stats)
    return _best_names(a, b, stats).weight if weight is None else weight


def _names_weight(a: Prepared, b: Prepared, stats: Stats) -> float:
    x, y = a.parts.nid, b.parts.nid
    key = (x << 32 | y) if x < y else (y << 32 | x)
    cached = stats._name_cache.get(key)
    if cached is None:
        cached = names_weight(a, b, stats)
        if len(stats._name_cache) > _NAME_CACHE_MAX:
            stats._name_cache.clear()
        stats._name_cache[key] = cached
    return cached


def _display(token: TokenInfo) -> str:
    return token.text.capitalize()


def _name_reasons(match: _NameMatch) -> list[Reason]:
    reasons: list[Reason] = []
    if match.orientation == "swapped":
        reasons.append(Reason("name.swapped", "given and family name swapped", -SWAP_PENALTY))
    elif match.orientation == "pooled":
        reasons.append(Reason("name.pooled", "name parts split differently between given and family name", 0.0))
    labels = ("name", "") if match.orientation == "pooled" else ("given name", "family name")
    disagree = (GIVEN_DISAGREE, GIVEN_DISAGREE if match.orientation == "swapped" else FAMILY_DISAGREE)
    for label, field_match, penalty in zip(labels, (match.given, match.family), disagree, strict=True):
        if not label:
            continue
        if field_match is None:
            reasons.append(Reason("name.missing", f"{label}: missing on one side", 0.0))
            continue
        if not field_match.matches:
            reasons.append(Reason("name.different", f"{label}: different", penalty))
            continue
        parts = []
        for x, y, level in field_match.matches:
            shown = _display(x) if x.text == y.text else f"{_display(x)} ~ {_display(y)}"
            parts.append(f"{_LEVEL_TEXT[level]} ({shown})")
        if field_match.compound:
            parts.append("written together/apart")
        if field_match.conflict:
            parts.append("other parts differ")
        level = min(level for _, _, level in field_match.matches)
        code = "name.compound" if field_match.compound else f"name.{level.name.lower()}"
        reasons.append(Reason(code, f"{label}: " + ", ".join(parts), round(field_match.weight, 2)))
    if match.capped:
        reasons.append(Reason("name.common", "this combination of names is common", round(match.weight, 2)))
    return reasons


# --- dates and other fields -------------------------------------------------------------------


def _date_weight(a: Prepared, b: Prepared, stats: Stats) -> tuple[DateAgreement, float]:
    agreement = compare_dates(a.dob, b.dob)
    if agreement == DateAgreement.EXACT:
        return agreement, stats.date_weight(a.dob_iso, False)
    if agreement in (DateAgreement.YEAR, DateAgreement.MONTH, DateAgreement.PLACEHOLDER):
        assert a.dob.year is not None
        weight = stats.year_weight(a.dob.year)
        if agreement == DateAgreement.MONTH:
            weight += MONTH_BONUS
        elif a.dob.is_placeholder and b.dob.is_placeholder:
            weight = max(weight, stats.date_weight(a.dob_iso, True))
        return agreement, weight
    return agreement, DATE_WEIGHTS[agreement]


def _date_reason(a: BirthDate, b: BirthDate, agreement: DateAgreement, weight: float) -> Reason:
    text = {
        DateAgreement.EXACT: f"date of birth: same ({a})",
        DateAgreement.MONTH: f"date of birth: same year and month ({a} / {b})",
        DateAgreement.PLACEHOLDER: f"date of birth: same year {a.year}, 01.01. counted as placeholder ({a} / {b})",
        DateAgreement.YEAR: f"date of birth: same year {a.year}, one side known to the year only ({a} / {b})",
        DateAgreement.MISSING: "date of birth: missing on one side",
        DateAgreement.NEAR: f"date of birth: nearly the same, typing error? ({a} / {b})",
        DateAgreement.YEAR_TYPO: f"date of birth: same day, year differs slightly ({a} / {b})",
        DateAgreement.YEAR_NEAR: f"date of birth: estimated years one apart ({a} / {b})",
        DateAgreement.CONFLICT: f"date of birth: conflict ({a} / {b})",
    }[agreement]
    return Reason(f"dob.{agreement.value}", text, round(weight, 2))


def nationality_weight(a: frozenset[str], b: frozenset[str], stats: Stats) -> float:
    """Bits for two non-empty sets of nationalities: the rarest shared one (capped), or the
    disagreement."""
    common = a & b
    if common:
        return min(max(math.log2(0.9 / stats.nationality_share(c)) for c in common), NATIONALITY_CAP)
    return NATIONALITY_DISAGREE


def place_weight(a: str, b: str, stats: Stats) -> float:
    """Bits for two non-empty places of birth (``place_key``): the same, similar or different."""
    if a == b:
        return min(math.log2(0.8 / stats.place_share(a)), PLACE_CAP)
    if JaroWinkler.normalized_similarity(a, b) >= 0.9:
        return PLACE_SIMILAR
    return PLACE_DISAGREE


def _other_parts(a: Prepared, b: Prepared, stats: Stats, reasons: list[Reason] | None = None) -> float:
    weight = 0.0
    if a.sex and b.sex and a.sex != "x" and b.sex != "x":
        if a.sex == b.sex:
            weight += SEX_AGREE
        else:
            weight += SEX_DISAGREE
            if reasons is not None:
                reasons.append(Reason("sex.different", "sex: different", SEX_DISAGREE))
    if a.nationalities and b.nationalities:
        w = nationality_weight(a.nationalities, b.nationalities, stats)
        weight += w
        if reasons is not None:
            common = a.nationalities & b.nationalities
            if common:
                text = f"nationality: same ({', '.join(sorted(common))})"
                reasons.append(Reason("nationality.same", text, round(w, 2)))
            else:
                reasons.append(Reason("nationality.different", "nationality: different", NATIONALITY_DISAGREE))
    if a.place and b.place:
        w = place_weight(a.place, b.place, stats)
        weight += w
        if reasons is not None:
            if a.place == b.place:
                text = f"place of birth: same ({a.record.place_of_birth} ~ {b.record.place_of_birth})"
                reasons.append(Reason("place.same", text, round(w, 2)))
            elif w == PLACE_SIMILAR:
                reasons.append(Reason("place.similar", "place of birth: similar", PLACE_SIMILAR))
            else:
                reasons.append(Reason("place.different", "place of birth: different", PLACE_DISAGREE))
    return weight


# --- public ----------------------------------------------------------------------------------


def probability(weight: float) -> float:
    """The posterior probability of a match weight (log2 odds)."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-weight))


def match_weight(a: Prepared, b: Prepared, stats: Stats, at_least: float | None = None) -> float:
    """The match weight alone (the fast path for batch use).

    With ``at_least``, a pair whose names could not lift it to that weight even if they
    agreed as well as names can (``MAX_TOKEN_WEIGHT`` per token) is not compared by name:
    the weight returned is then that upper bound, still below ``at_least``.
    """
    weight = stats.prior() + _date_weight(a, b, stats)[1] + _other_parts(a, b, stats)
    if at_least is not None:
        bound = weight + _names_bound(a, b, stats)
        if bound < at_least:
            return bound
    return weight + _names_weight(a, b, stats)


def _names_bound(a: Prepared, b: Prepared, stats: Stats) -> float:
    """At least the names weight of ``a`` and ``b``, cheaply.

    A matched pair of tokens weighs at most the rarity of one of them (and at most
    ``MAX_TOKEN_WEIGHT``): for one-token names the bound is the better of the two
    alignments by rarity, for others ``MAX_TOKEN_WEIGHT`` per token.
    """
    if len(a.names) == 1 and len(b.names) == 1:
        (ga, fa), (gb, fb) = a.names[0], b.names[0]
        if len(ga) == 1 and len(fa) == 1 and len(gb) == 1 and len(fb) == 1:
            rga, rfa, rgb, rfb = (stats.rarity(t[0]) for t in (ga, fa, gb, fb))
            straight = min(max(rga, rgb), MAX_TOKEN_WEIGHT) + min(max(rfa, rfb), MAX_TOKEN_WEIGHT)
            swapped = min(max(rfa, rgb), MAX_TOKEN_WEIGHT) + min(max(rga, rfb), MAX_TOKEN_WEIGHT)
            return max(straight, swapped)
    return MAX_TOKEN_WEIGHT * min(a.parts.tokens, b.parts.tokens)


def score_prepared(a: Prepared, b: Prepared, stats: Stats) -> Score:
    names = _best_names(a, b, stats)
    agreement, date_weight = _date_weight(a, b, stats)
    reasons = _name_reasons(names)
    reasons.append(_date_reason(a.dob, b.dob, agreement, date_weight))
    other = _other_parts(a, b, stats, reasons)
    weight = stats.prior() + names.weight + date_weight + other
    return Score(probability=probability(weight), weight=round(weight, 3), reasons=tuple(reasons))


def score_pair(a: PersonRecord, b: PersonRecord, stats: Stats | None = None) -> Score:
    """Score two records; without ``stats`` built-in name frequencies and a population of 10,000."""
    return score_prepared(prepare(a), prepare(b), stats or DEFAULT_STATS)
