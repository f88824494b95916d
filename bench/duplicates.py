"""Duplicate detection benchmark ([P]): our engine against splink on the same synthetic file.

    .venv/bin/python -m bench.duplicates --records 100000        # default scale
    .venv/bin/python -m bench.duplicates --quick                 # 20,000 records
    .venv/bin/python -m bench.duplicates --records 1000000       # the 1M target
    .venv/bin/python -m bench.duplicates --records 100000 --no-splink --probes 2000

Each engine runs in its own subprocess on the same CSV file; wall time and peak memory
(``ru_maxrss`` of that child, from ``os.wait4``) are measured from outside. Quality is
pairwise precision/recall/F1 against the generator's ground truth. The probe benchmark
builds a ``MatchIndex`` of the file minus the probes and asks ``candidates_for`` for each
probe. Results go to bench/results/duplicates-<records>-<time>.json (git-ignored); the
generated files are cached in bench/data/ (git-ignored). The error model is documented
in bench/README.md and in ``ERROR_MODEL`` below.

splink needs ``pip install -r requirements/bench.txt``.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gc
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ankommen.participants.matching import DEFAULT_THRESHOLD
from bench import now_utc, stamp_utc
from bench import people_data as data

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"
GENERATOR_VERSION = 7
TUNING_SEED = 20260101
"""The engine's constants were tuned on files of this seed (20,000 and 100,000 records)."""
EVALUATION_SEED = 20260707
"""Reported numbers come from this seed, never used for tuning."""

# --- the generator -------------------------------------------------------------------------

POPULATION = {
    "duplicated_share": 0.20,  # persons with more than one record
    "extra_records": ((1, 0.75), (2, 0.20), (3, 0.05)),  # how many more
    "household_share": 0.35,  # persons starting a household of siblings
    "household_size": (2, 6),  # siblings share family name, origin, place; years 1-4 apart
    "twins": 0.06,  # chance that a further sibling is a twin (same birth date)
    "second_given_name": 0.08,  # a second given name (e.g. the father's)
    "given_zipf": 0.9,  # Zipf exponent of given names within an origin
    "family_zipf": 0.6,  # Zipf exponent of family names within an origin
    "tail_given_share": 0.3,  # given names drawn from the long tail of rarer names
    "tail_given": 3000,  # size of that tail per origin and sex
    "tail_family_share": 0.6,  # family names drawn from the long tail (not Eritrea, Somalia: father's name)
    "tail_family": 20000,  # size of that tail per origin
}
PATRONYMIC_ORIGINS = ("ERI", "SOM")
"""Origins whose family name is the father's given name: drawn like a male given name."""
ERROR_MODEL = {
    # names
    "spelling": 0.5,  # each name re-drawn from its real-world spellings (transliteration variant)
    "typo": 0.10,  # one typing error (substitute, delete, insert, transpose) in one name
    "second_typo": 0.02,  # a second one
    "swap": 0.06,  # given and family name swapped
    "drop_second_given": 0.3,  # the second given name left out
    "join_given": 0.2,  # two given names written as one word
    "umlaut": 0.5,  # ü/ö/ä written ue/oe/ae (or without dots: 0.2)
    "sharp_s": 0.5,  # ß written ss
    "upper_case": 0.2,  # written in capitals as in the machine-readable zone
    "family_missing": 0.03,
    # date of birth (true date exact)
    "dob_placeholder": 0.08,  # recorded as 01.01. of the year
    "dob_year_only": 0.06,
    "dob_year_month": 0.03,
    "dob_typo": 0.05,  # day and month transposed, or one digit of the day wrong
    "dob_year_off": 0.015,  # year one off (estimated age)
    "dob_missing": 0.04,
    # date of birth (true date itself a placeholder, i.e. only the year is known)
    "placeholder_year_only": 0.10,
    "placeholder_reestimated": 0.05,  # another estimate: year one off
    # other fields
    "sex_missing": 0.05,
    "sex_error": 0.003,
    "nationality_missing": 0.10,
    "nationality_other": 0.02,  # stateless/unclear (XXA/XXX) or a neighbouring country
    "place_missing": 0.35,
    "place_spelling": 0.4,
}


@dataclass
class Person:
    pid: int
    origin: str
    sex: str
    given: list[tuple[str, ...]]
    family: tuple[str, ...]
    year: int
    month: int
    day: int
    placeholder: bool
    place: str
    nationality: str
    spelling: dict[int, str] = field(default_factory=dict)


class _Zipf:
    def __init__(self, items: tuple[Any, ...], exponent: float) -> None:
        self.items = items
        weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_GERMANIZE = (("shch", "schtsch"), ("ch", "tsch"), ("kh", "ch"), ("sh", "sch"), ("zh", "sch"), ("v", "w"), ("ia", "ja"))


def _germanize(name: str) -> str:
    out = name.lower()
    for a, b in _GERMANIZE:
        out = out.replace(a, b)
    return out.capitalize()


# Long tail of names: curated real names are the head (and carry the hard cases such as
# Mohammed/Muhammad); real populations also have thousands of rarer names. The tail is
# made of pseudo-names following each language's sound patterns, each with spelling
# variants from the same kinds of transliteration differences (vowels, doubled letters,
# kh/ch, sh/sch, j/dsch, q/k, w/v, y/i) -- some of which the engine folds and some not.
_TAIL_SOUNDS = {
    "arabic": (
        ("b", "t", "th", "j", "h", "kh", "d", "r", "z", "s", "sh", "f", "q", "k", "l", "m", "n", "w", "y", "gh"),
        ("a", "i", "u", "aa", "ee", "oo"),
    ),
    "persian": (
        ("b", "p", "t", "j", "ch", "h", "kh", "d", "r", "z", "s", "sh", "f", "gh", "k", "g", "l", "m", "n", "v", "y"),
        ("a", "e", "i", "o", "u", "aa"),
    ),
    "slavic": (
        ("b", "v", "h", "g", "d", "z", "k", "l", "m", "n", "p", "r", "s", "t", "f", "kh", "ts", "ch", "sh"),
        ("a", "e", "i", "o", "u", "y"),
    ),
    "ethiopic": (
        ("b", "t", "d", "g", "h", "k", "l", "m", "n", "r", "s", "sh", "ts", "w", "y", "z", "f"),
        ("a", "e", "i", "o", "u"),
    ),
}
_TAIL_LANGUAGE = {"SYR": "arabic", "IRQ": "arabic", "KUR": "arabic", "SOM": "arabic", "AFG": "persian"}
_TAIL_LANGUAGE |= {"AFP": "persian", "IRN": "persian", "UKR": "slavic", "RUS": "slavic", "ERI": "ethiopic"}
_VARIATIONS = (
    ("kh", "ch"),
    ("sh", "sch"),
    ("j", "dsch"),
    ("q", "k"),
    ("w", "v"),
    ("aa", "a"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("u", "o"),
    ("i", "e"),
    ("a", "e"),
    ("y", "i"),
    ("ts", "z"),
    ("ch", "tsch"),
    ("gh", "g"),
    ("th", "s"),
    ("e", "a"),
    ("o", "u"),
    ("ii", "i"),
)


def _tail_name(rng: random.Random, language: str, suffix: str = "") -> tuple[str, ...]:
    consonants, vowels = _TAIL_SOUNDS[language]
    syllables = rng.choice((2, 2, 3))
    name = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables))
    if rng.random() < 0.6:
        name += rng.choice(consonants)
    name = (name + suffix).capitalize()
    spellings = [name]
    for _ in range(rng.randint(0, 3)):
        a, b = rng.choice(_VARIATIONS)
        variant = spellings[0].lower().replace(a, b, 1).capitalize()
        if variant not in spellings:
            spellings.append(variant)
    if rng.random() < 0.3:  # doubled consonant
        i = rng.randrange(1, len(name) - 1)
        if name[i] not in "aeiouy":
            spellings.append(name[:i] + name[i] + name[i:])
    return tuple(spellings)


def _tail(origin: str, count: int, seed: int, suffixes: tuple[str, ...] = ("",)) -> tuple[tuple[str, ...], ...]:
    rng = random.Random(f"{origin}-{seed}")
    return tuple(_tail_name(rng, _TAIL_LANGUAGE[origin], rng.choice(suffixes)) for _ in range(count))


_FAMILY_SUFFIXES = {
    "AFG": ("i", "i", "zada", "yar", ""),
    "AFP": ("zai", "zai", "khel", "i"),
    "IRN": ("i", "i", "pour", "nejad", "ian"),
    "UKR": ("enko", "enko", "uk", "chuk", "ych", "iak", "sky"),
    "RUS": ("ov", "ov", "ev", "in", "aev"),
    "SYR": ("", "", "i", "a"),
    "IRQ": ("", "i", "awi"),
    "KUR": ("", "i", "o"),
}


def _family_pool(origin: str, spec: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    pool = list(spec["family"])
    male = spec["male"]
    if origin in ("SYR", "IRQ"):
        pool += [tuple(f"Al-{s}" for s in n if " " not in s) for n in male[:30]]
        for root in data.ARABIC_FAMILY_ROOTS:
            simple = root.replace("ou", "u").replace("kh", "ch")
            pool.append((root, f"Al-{root}", f"Al{root.lower()}", f"El-{root}", simple))
    if origin in ("AFG", "IRN"):
        for suffix in ("i", "zada", "yar"):
            pool += [tuple(s + suffix for s in n if " " not in s) for n in male[:25]]
    if origin == "AFP":
        pool += [tuple(s + "zai" for s in n if " " not in s) for n in male[:20]]
    if origin == "UKR":
        for root in data.UKRAINIAN_FAMILY_ROOTS:
            for suffix in ("enko", "uk", "chuk", "ych", "iak"):
                name = root + suffix
                pool.append((name, _germanize(name)))
    return tuple(n for n in pool if n)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        origins = list(data.ORIGINS)
        self.origin_zipf = list(itertools.accumulate(float(data.ORIGINS[o]["weight"]) for o in origins))  # type: ignore[arg-type]
        self.origins = origins
        self.given: dict[tuple[str, str], _Zipf] = {}
        self.family: dict[str, _Zipf] = {}
        self.given_tail: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {}
        self.family_tail: dict[str, tuple[tuple[str, ...], ...]] = {}
        for origin, spec in data.ORIGINS.items():
            self.given[origin, "m"] = _Zipf(spec["male"], POPULATION["given_zipf"])  # type: ignore[arg-type]
            self.given[origin, "f"] = _Zipf(spec["female"], POPULATION["given_zipf"])  # type: ignore[arg-type]
            self.family[origin] = _Zipf(_family_pool(origin, spec), POPULATION["family_zipf"])  # type: ignore[arg-type]
            self.given_tail[origin, "m"] = _tail(origin, POPULATION["tail_given"], 1)
            self.given_tail[origin, "f"] = _tail(origin, POPULATION["tail_given"], 2, ("", "a"))
            if origin in _FAMILY_SUFFIXES:
                self.family_tail[origin] = _tail(origin, POPULATION["tail_family"], 3, _FAMILY_SUFFIXES[origin])

    def _given(self, origin: str, sex: str) -> tuple[str, ...]:
        if self.rng.random() < POPULATION["tail_given_share"]:
            return self.rng.choice(self.given_tail[origin, sex])
        return self.given[origin, sex].draw(self.rng)  # type: ignore[no-any-return]

    def _family(self, origin: str) -> tuple[str, ...]:
        if origin in PATRONYMIC_ORIGINS:
            return self._given(origin, "m")  # the father's given name, as common or rare as given names are
        if origin in self.family_tail and self.rng.random() < POPULATION["tail_family_share"]:
            return self.rng.choice(self.family_tail[origin])
        return self.family[origin].draw(self.rng)  # type: ignore[no-any-return]

    def _origin(self) -> str:
        return self.origins[bisect.bisect(self.origin_zipf, self.rng.random() * self.origin_zipf[-1])]

    def _birth(self, origin: str, year: int | None = None) -> tuple[int, int, int, bool]:
        rng = self.rng
        if year is None:
            # many young adults: a mixture around 1998 and a long tail 1950-2024
            year = int(rng.gauss(1997, 7)) if rng.random() < 0.6 else rng.randint(1950, 2024)
            year = min(max(year, 1950), 2024)
        if rng.random() < float(data.ORIGINS[origin]["placeholder"]):  # type: ignore[arg-type]
            return year, 1, 1, True
        month = rng.randint(1, 12)
        day = rng.randint(1, 28 if month == 2 else 30)
        if (month, day) == (1, 1):
            day = 2
        return year, month, day, False

    def _person(
        self,
        pid: int,
        origin: str,
        family: tuple[str, ...] | None,
        place: str | None,
        year: int | None,
        taken: set[tuple[str, ...]] | None = None,
    ) -> Person:
        rng = self.rng
        sex = "m" if rng.random() < 0.55 else "f"
        given = [self._given(origin, sex)]
        for _ in range(20):  # siblings do not share a first name
            if not taken or given[0] not in taken:
                break
            given = [self._given(origin, sex)]
        if rng.random() < POPULATION["second_given_name"]:
            second = self._given(origin, "m")
            if second != given[0]:
                given.append(second)
        year_, month, day, placeholder = self._birth(origin, year)
        places = data.ORIGINS[origin]["places"]
        return Person(
            pid=pid,
            origin=origin,
            sex=sex,
            given=given,
            family=family or self._family(origin),
            year=year_,
            month=month,
            day=day,
            placeholder=placeholder,
            place=place or rng.choice(places),  # type: ignore[arg-type]
            nationality=data.NATIONALITY[origin],
        )

    def people(self, count: int) -> list[Person]:
        rng = self.rng
        persons: list[Person] = []
        while len(persons) < count:
            origin = self._origin()
            first = self._person(len(persons), origin, None, None, None)
            persons.append(first)
            if rng.random() < POPULATION["household_share"]:
                size = rng.randint(*POPULATION["household_size"])
                year = first.year
                previous = first
                taken = {first.given[0]}
                for _ in range(size - 1):
                    if len(persons) >= count:
                        break
                    sibling = self._person(len(persons), origin, first.family, first.place, None, taken)
                    taken.add(sibling.given[0])
                    if rng.random() < POPULATION["twins"]:
                        sibling.year, sibling.month, sibling.day = previous.year, previous.month, previous.day
                        sibling.placeholder = previous.placeholder
                    else:
                        year = min(year + rng.randint(1, 4), 2024)
                        sibling.year = year
                    persons.append(sibling)
                    previous = sibling
        return persons

    # rendering ---------------------------------------------------------------------------------

    def _spelling(self, person: Person, key: int, name: tuple[str, ...], first: bool) -> str:
        rng = self.rng
        if first or key not in person.spelling:
            choice = name[0] if rng.random() < 0.5 or len(name) == 1 else rng.choice(name[1:])
            person.spelling[key] = choice
            return choice
        if rng.random() < ERROR_MODEL["spelling"]:
            return rng.choice(name)
        return person.spelling[key]

    def _typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        i = rng.randint(1, len(text) - 1) if rng.random() < 0.85 else 0
        op = rng.random()
        letters = "abcdefghijklmnoprstuvwyz"
        if op < 0.35:
            return text[:i] + rng.choice(letters) + text[i + 1 :]
        if op < 0.6:
            return text[:i] + text[i + 1 :]
        if op < 0.8:
            return text[:i] + rng.choice((text[i], rng.choice(letters))) + text[i:]
        if i < len(text) - 1:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text

    def _umlauts(self, text: str) -> str:
        rng = self.rng
        if "ß" in text and rng.random() < ERROR_MODEL["sharp_s"]:
            text = text.replace("ß", "ss")
        if not any(c in text for c in "äöüÄÖÜ"):
            return text
        r = rng.random()
        if r < ERROR_MODEL["umlaut"]:
            for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue")):
                text = text.replace(a, b)
        elif r < ERROR_MODEL["umlaut"] + 0.2:
            for a, b in (("ä", "a"), ("ö", "o"), ("ü", "u"), ("Ä", "A"), ("Ö", "O"), ("Ü", "U")):
                text = text.replace(a, b)
        return text

    def render(self, person: Person, first: bool) -> dict[str, str]:
        rng = self.rng
        e = ERROR_MODEL
        given_parts = [self._spelling(person, i, n, first) for i, n in enumerate(person.given)]
        if len(given_parts) > 1 and not first and rng.random() < e["drop_second_given"]:
            given_parts = given_parts[:1]
        given = ("" if len(given_parts) > 1 and rng.random() < e["join_given"] else " ").join(given_parts)
        family = self._spelling(person, 99, person.family, first)
        if rng.random() < e["family_missing"]:
            family = ""
        given, family = self._umlauts(given), self._umlauts(family)
        typos = (rng.random() < e["typo"]) + (rng.random() < e["second_typo"])
        for _ in range(typos):
            if family and rng.random() < 0.5:
                family = self._typo(family)
            else:
                given = self._typo(given)
        if family and rng.random() < e["swap"]:
            given, family = family, given
        if rng.random() < e["upper_case"]:
            given, family = given.upper(), family.upper()
        return {
            "given_name": given,
            "family_name": family,
            "date_of_birth": self._dob(person),
            "sex": self._sex(person),
            "nationality": self._nationality(person),
            "place_of_birth": self._place(person),
        }

    def _dob(self, p: Person) -> str:
        rng = self.rng
        e = ERROR_MODEL
        r = rng.random()
        if p.placeholder:
            if r < e["placeholder_year_only"]:
                return f"{p.year:04d}"
            if r < e["placeholder_year_only"] + e["placeholder_reestimated"]:
                return f"{p.year + rng.choice((-1, 1)):04d}-01-01"
            return f"{p.year:04d}-01-01"
        year, month, day = p.year, p.month, p.day
        for name in ("dob_placeholder", "dob_year_only", "dob_year_month", "dob_typo", "dob_year_off", "dob_missing"):
            if r < e[name]:
                break
            r -= e[name]
        else:
            name = "exact"
        if name == "dob_placeholder":
            return f"{year:04d}-01-01"
        if name == "dob_year_only":
            return f"{year:04d}"
        if name == "dob_year_month":
            return f"{year:04d}-{month:02d}"
        if name == "dob_missing":
            return ""
        if name == "dob_typo":
            if day <= 12 and day != month and rng.random() < 0.5:
                month, day = day, month
            else:
                delta = rng.choice((-1, 1, 10, -10))
                last = 28 if month == 2 else 30
                day = day + delta if 1 <= day + delta <= last else day - delta
        if name == "dob_year_off":
            year += rng.choice((-1, 1))
        return f"{year:04d}-{month:02d}-{day:02d}"

    def _sex(self, p: Person) -> str:
        r = self.rng.random()
        if r < ERROR_MODEL["sex_missing"]:
            return ""
        if r < ERROR_MODEL["sex_missing"] + ERROR_MODEL["sex_error"]:
            return "f" if p.sex == "m" else "m"
        return p.sex

    def _nationality(self, p: Person) -> str:
        r = self.rng.random()
        if r < ERROR_MODEL["nationality_missing"]:
            return ""
        if r < ERROR_MODEL["nationality_missing"] + ERROR_MODEL["nationality_other"]:
            return self.rng.choice(("XXA", "XXX", "IRQ", "TUR", "IRN", "PAK"))
        return p.nationality

    def _place(self, p: Person) -> str:
        rng = self.rng
        if rng.random() < ERROR_MODEL["place_missing"]:
            return ""
        spellings = data.PLACE_SPELLINGS[p.place]
        key = -1
        if key not in p.spelling or rng.random() < ERROR_MODEL["place_spelling"]:
            p.spelling[key] = rng.choice(spellings)
        return p.spelling[key]


COLUMNS = ("id", "given_name", "family_name", "date_of_birth", "sex", "nationality", "place_of_birth")


def generate(records: int, seed: int) -> tuple[Path, Path]:
    """Write (or reuse) people-<records>-<seed>.csv and its ground truth; return both paths."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"people-v{GENERATOR_VERSION}-{records}-{seed}"
    people_path, truth_path = DATA_DIR / f"{stem}.csv", DATA_DIR / f"{stem}.truth.csv"
    if people_path.exists() and truth_path.exists():
        return people_path, truth_path
    gen = Generator(seed)
    rng = gen.rng
    extras, weights = zip(*POPULATION["extra_records"], strict=True)  # type: ignore[call-overload]
    mean_extra = sum(x * w for x, w in zip(extras, weights, strict=True)) * POPULATION["duplicated_share"]
    persons = gen.people(int(records / (1 + mean_extra)))
    rows: list[tuple[int, dict[str, str]]] = []
    for person in persons:
        rows.append((person.pid, gen.render(person, first=True)))
        if rng.random() < POPULATION["duplicated_share"]:
            for _ in range(rng.choices(extras, weights)[0]):
                rows.append((person.pid, gen.render(person, first=False)))
    rows = rows[:records]
    rng.shuffle(rows)
    ids = rng.sample(range(10_000_000, 100_000_000), len(rows))
    with open(people_path, "w", newline="", encoding="utf-8") as people, open(truth_path, "w", newline="") as truth:
        pw, tw = csv.writer(people, lineterminator="\n"), csv.writer(truth, lineterminator="\n")
        pw.writerow(COLUMNS)
        tw.writerow(("id", "person"))
        for record_id, (pid, row) in zip(ids, rows, strict=True):
            pw.writerow((f"P{record_id}", *(row[c] for c in COLUMNS[1:])))
            tw.writerow((f"P{record_id}", pid))
    return people_path, truth_path


# --- engines (each runs in its own subprocess) ---------------------------------------------


def engine_ours(input_path: str, output_path: str) -> None:
    from ankommen.participants.matching import find_pairs
    from ankommen.participants.matching.csvio import iter_people, write_pairs

    # what ``manage.py find_duplicates`` does, without Django's start-up
    write_pairs(output_path, find_pairs(iter_people(input_path)))


def _splink_columns(input_path: str) -> dict[str, list[Any]]:
    """Input table for splink, with our transliteration-aware normalisation as extra columns."""
    from ankommen.participants.matching.dates import parse_birth_date
    from ankommen.participants.matching.normalise import name_tokens, place_key, skeleton, token_info

    def key(tokens: tuple[str, ...]) -> str | None:
        if not tokens:
            return None
        info = token_info(tokens[0])
        groups = [c for c in info.codes if c.startswith("=")]
        return groups[0] if groups else skeleton(info.primary)

    def norm(tokens: tuple[str, ...]) -> str | None:
        return " ".join(token_info(t).primary for t in tokens) or None

    fields: dict[str, tuple[str | None, str | None]] = {}

    def field(text: str) -> tuple[str | None, str | None]:
        """(blocking key, normalised spelling) of a name field, computed once per distinct text."""
        known = fields.get(text)
        if known is None:
            tokens = name_tokens(text)
            known = fields[text] = (key(tokens), norm(tokens))
        return known

    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            *("unique_id", "given_norm", "family_norm", "full_norm", "given_key", "family_key", "name_pair_key"),
            *("dob", "dob_full", "dob_year", "sex", "nationality", "place"),
        )
    }
    with open(input_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            (gk, gn), (fk, fn) = field(row["given_name"]), field(row["family_name"])
            dob = parse_birth_date(row["date_of_birth"])
            cols["unique_id"].append(row["id"])
            cols["given_norm"].append(gn)
            cols["family_norm"].append(fn)
            cols["full_norm"].append(f"{gn} {fn}" if gn and fn else None)
            cols["given_key"].append(gk)
            cols["family_key"].append(fk)
            cols["name_pair_key"].append("+".join(sorted(k for k in (gk, fk) if k)) or None)
            cols["dob"].append(dob.iso() or None)
            cols["dob_full"].append(dob.iso() if dob.day is not None else None)
            cols["dob_year"].append(str(dob.year) if dob.year else None)
            cols["sex"].append(row["sex"] or None)
            cols["nationality"].append(row["nationality"] or None)
            cols["place"].append(place_key(row["place_of_birth"]) or None)
    return cols


def engine_splink(input_path: str, output_path: str) -> None:
    import logging

    import pyarrow as pa
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.WARNING)
    table = pa.table(_splink_columns(input_path))
    records = table.num_rows
    db_api = DuckDBAPI()
    people = db_api.register(table, dataset_display_name="people")
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob_full").configure(tf_adjustment_column="dob_full"),
            cll.DamerauLevenshteinLevel("dob_full", 1),
            cll.ExactMatchLevel("dob_year"),
            cll.CustomLevel("abs(try_cast(dob_year_l as int) - try_cast(dob_year_r as int)) <= 1"),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.ForenameSurnameComparison("given_norm", "family_norm", forename_surname_concat_col_name="full_norm"),
            dob,
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
            cl.ExactMatch("place").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_pair_key", "dob_year"),
            block_on("given_key", "dob_full"),
            block_on("family_key", "dob_full"),
            block_on("name_pair_key", "place"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(people, settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_norm", "family_norm", "dob_full")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max(5e6, records * 50), seed=1)
    # EM sessions as splink's tutorials set them up (one blocked on the date trains the names,
    # one blocked on the names trains the date); on large files each limited to 2e7 pairs,
    # since the 01.01. placeholder makes the date blocks huge (5.6e8 pairs at 1M records)
    em_pairs = 2e7 if records > 200_000 else None
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob_full"), max_pairs=em_pairs)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_pair_key"), max_pairs=em_pairs)
    predictions = linker.inference.predict(threshold_match_probability=0.1)
    rel = predictions.as_duckdbpyrelation().project(
        "least(unique_id_l, unique_id_r) AS id_a, greatest(unique_id_l, unique_id_r) AS id_b, "
        "match_probability AS score"
    )
    rel.order("id_a, id_b").write_csv(output_path, header=True)


def engine_probe(input_path: str, output_path: str, truth_path: str, probes: int, seed: int) -> None:
    from ankommen.participants.matching import MatchIndex, candidates_for
    from ankommen.participants.matching.csvio import read_people

    records = read_people(input_path)
    person = _truth(Path(truth_path))
    by_person: dict[str, list[str]] = {}
    for r in records:
        by_person.setdefault(person[r.id], []).append(r.id)
    rng = random.Random(seed)
    duplicated = [ids for ids in by_person.values() if len(ids) > 1]
    chosen = {rng.choice(ids) for ids in rng.sample(duplicated, min(probes, len(duplicated)))}
    started = time.perf_counter()
    index = MatchIndex(r for r in records if r.id not in chosen)
    build = time.perf_counter() - started
    # The index stands for a database table: its million objects are long-lived, and a
    # server would not have the garbage collector scan them again and again (which would
    # stop a query for a second or two now and then, whatever the query does).
    gc.freeze()
    latencies, hits, shown = [], 0, []
    for record in (r for r in records if r.id in chosen):
        t = time.perf_counter()
        found = candidates_for(record, index)
        latencies.append((time.perf_counter() - t) * 1000)
        shown.append(len(found))
        hits += any(person[c.id] == person[record.id] for c in found)
    latencies.sort()
    result = {
        "index_records": len(index),
        "index_build_s": round(build, 1),
        "probes": len(latencies),
        "true_duplicate_shown": round(hits / len(latencies), 4),
        "candidates_shown_mean": round(statistics.mean(shown), 2),
        "latency_ms": {
            "p50": round(latencies[len(latencies) // 2], 2),
            "p95": round(latencies[int(len(latencies) * 0.95)], 2),
            "p99": round(latencies[min(int(len(latencies) * 0.99), len(latencies) - 1)], 2),
            "max": round(latencies[-1], 2),
        },
    }
    Path(output_path).write_text(json.dumps(result))


# --- measuring -----------------------------------------------------------------------------------


def _tree_memory_kb(root: int, pss: bool) -> tuple[int, int]:
    """Resident and proportional set size (kB) of a process and all its descendants, from /proc.

    RSS counts a page shared by several processes (such as a forked worker's copy-on-write
    view of its parent) once per process; PSS divides it among them, so that the sum over
    the processes is the memory they use together.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    rss = proportional = 0
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    todo = [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                rss += int(handle.read().split()[1]) * page_kb
            if pss:  # walks the page tables: costly, so less often
                with open(f"/proc/{pid}/smaps_rollup") as handle:
                    proportional += next(int(line.split()[1]) for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return rss, proportional


def measured(args: list[str], timeout: float) -> dict[str, Any]:
    """Run ``python -m bench.duplicates <args>``; wall time and peak memory of that child.

    Memory is sampled over the child and all its descendants (RSS every 0.2 s, PSS every 2 s) (an engine that
    forks workers is charged for all of them): ``peak_memory_mb`` is the largest sum of
    their proportional set sizes (shared pages divided among the sharers, so the memory
    the tree really uses), at least the child's own ``ru_maxrss``; ``peak_tree_rss_mb`` is
    the largest sum of resident sizes, which counts pages a forked worker shares with its
    parent twice and so errs against such an engine.
    """
    cmd = [sys.executable, "-m", "bench.duplicates", *args]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT.parent)
    deadline = started + timeout
    tree_rss = tree_pss = samples = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"error": f"timeout after {timeout:.0f} s"}
        if os.path.isdir("/proc"):
            rss, pss = _tree_memory_kb(proc.pid, pss=samples % 10 == 0)  # PSS every 2 s
            tree_rss, tree_pss = max(tree_rss, rss), max(tree_pss, pss)
            samples += 1
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    result: dict[str, Any] = {
        "wall_s": round(wall, 2),
        "peak_memory_mb": round(max(usage.ru_maxrss, tree_pss) / 1024, 1),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(tree_rss / 1024, 1),
        "peak_tree_pss_mb": round(tree_pss / 1024, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        # the machine may be shared: the 1-minute load average before and after the run
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if proc.returncode:
        result["error"] = f"exit code {proc.returncode}"
    return result


def _truth(path: Path) -> dict[str, str]:
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return {row[0]: row[1] for row in reader}


def true_pairs(truth: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for record_id, person in truth.items():
        groups.setdefault(person, []).append(record_id)
    return {tuple(sorted(p)) for ids in groups.values() for p in itertools.combinations(ids, 2)}  # type: ignore[misc]


def read_pairs(path: Path) -> list[tuple[str, str, float]]:
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(a, b, float(s)) if a < b else (b, a, float(s)) for a, b, s in reader]


def quality(predicted: list[tuple[str, str, float]], truth: set[tuple[str, str]], threshold: float) -> dict[str, Any]:
    chosen = {(a, b) for a, b, s in predicted if s >= threshold}
    tp = len(chosen & truth)
    precision = tp / len(chosen) if chosen else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "pairs": len(chosen),
        "true_positives": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        info["memory_gb"] = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    for package in ("rapidfuzz", "jellyfish", "splink", "duckdb"):
        try:
            from importlib.metadata import version

            info[package] = version(package)
        except Exception:
            info[package] = None
    return info


SPLINK_THRESHOLD = 0.9
"""splink's match probability threshold as its tutorials use it; the best of a grid is reported too."""
SPLINK_GRID = (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


def run_scale(records: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Both engines on one generated file of ``records`` records."""
    print(f"generating {records} records (seed {args.seed}) …", flush=True)
    t = time.perf_counter()
    people, truth_path = generate(records, args.seed)
    print(f"  {people} ({time.perf_counter() - t:.1f} s)", flush=True)
    truth = true_pairs(_truth(truth_path))
    report: dict[str, Any] = {"records": records, "true_pairs": len(truth), "file": people.name}
    engines = ["ours"] + ([] if args.no_splink else ["splink"])
    for engine in engines:
        out = work / f"{engine}-{records}-{args.seed}.csv"
        out.unlink(missing_ok=True)
        print(f"running {engine} on {records} records …", flush=True)
        result = measured(["--engine", engine, "--input", str(people), "--output", str(out)], args.timeout)
        if "error" not in result:
            predicted = read_pairs(out)
            # ours writes the pairs at or above its default threshold, splink all above 0.1
            result["quality"] = quality(predicted, truth, 0.0 if engine == "ours" else SPLINK_THRESHOLD)
            if engine == "splink":
                grid = [quality(predicted, truth, t) for t in SPLINK_GRID]
                result["quality_best_threshold"] = max(grid, key=lambda q: q["f1"])
                result["quality_by_threshold"] = grid
        report[engine] = result
        print(f"  {json.dumps(result)}", flush=True)
    if "splink" in report and "error" not in report["splink"] and "error" not in report["ours"]:
        ours, theirs = report["ours"], report["splink"]
        report["ratios"] = {
            "time": round(ours["wall_s"] / theirs["wall_s"], 3),
            "memory": round(ours["peak_memory_mb"] / theirs["peak_memory_mb"], 3),
        }
    return report


def run_probe(records: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    people, truth_path = generate(records, args.seed)
    out = work / f"probe-{records}-{args.seed}.json"
    print(f"probing candidates_for with {args.probes} probes over {records} records …", flush=True)
    probe = measured(
        [
            *("--engine", "probe", "--input", str(people), "--output", str(out), "--truth", str(truth_path)),
            *("--probes", str(args.probes), "--seed", str(args.seed)),
        ],
        args.timeout,
    )
    if "error" not in probe:
        probe.update(json.loads(out.read_text()))
    print(f"  {json.dumps(probe)}", flush=True)
    return probe


def run(args: argparse.Namespace) -> dict[str, Any]:
    scales = [20_000] if args.quick else [int(r) for r in str(args.records).split(",")]
    work = DATA_DIR / "runs"
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "benchmark": "duplicates",
        "date": now_utc(),
        "seed": args.seed,
        "tuning_seed": TUNING_SEED,
        "generator_version": GENERATOR_VERSION,
        "threshold": {"ours": DEFAULT_THRESHOLD, "splink": SPLINK_THRESHOLD},
        "machine": _machine(),
        "population": POPULATION,
        "error_model": ERROR_MODEL,
        "scales": {},
    }
    for records in scales:
        report["scales"][str(records)] = run_scale(records, args, work)
    if args.probes:
        report["probe"] = run_probe(args.probe_records or max(scales), args, work)
    report["targets"] = targets(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    label = "-".join(str(r) for r in scales)
    path = RESULTS_DIR / f"duplicates-{label}-{stamp_utc()}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"results: {path}")
    for line in summary(report):
        print(line)
    return report


def targets(report: dict[str, Any]) -> dict[str, Any]:
    """The targets of [P], per scale."""
    out: dict[str, Any] = {}
    for records, scale in report["scales"].items():
        ours = scale.get("ours", {}).get("quality")
        if ours:
            out[f"{records}: f1 >= 0.95"] = ours["f1"] >= 0.95
            out[f"{records}: precision >= 0.97"] = ours["precision"] >= 0.97
        splink = scale.get("splink", {})
        if ours and "quality" in splink:
            out[f"{records}: f1 >= splink f1 ({SPLINK_THRESHOLD})"] = ours["f1"] >= splink["quality"]["f1"]
            out[f"{records}: f1 >= splink f1 (best threshold)"] = ours["f1"] >= splink["quality_best_threshold"]["f1"]
        if "ratios" in scale:
            out[f"{records}: time <= 0.5x splink"] = scale["ratios"]["time"] <= 0.5
            out[f"{records}: memory <= 0.5x splink"] = scale["ratios"]["memory"] <= 0.5
    probe = report.get("probe", {})
    if "latency_ms" in probe:
        out[f"probe {probe['index_records']}: p99 <= 50 ms"] = probe["latency_ms"]["p99"] <= 50
        out[f"probe {probe['index_records']}: true duplicate shown >= 98%"] = probe["true_duplicate_shown"] >= 0.98
    return out


def summary(report: dict[str, Any]) -> list[str]:
    lines = [f"duplicates benchmark, seed {report['seed']} (constants tuned on seed {report['tuning_seed']})"]
    for records, scale in report["scales"].items():
        lines.append(f"{records} records, {scale['true_pairs']} true pairs")
        for engine in ("ours", "splink"):
            r = scale.get(engine)
            if not r:
                continue
            if "error" in r:
                lines.append(f"  {engine:7} {r['error']}")
                continue
            q = r["quality"]
            lines.append(
                f"  {engine:7} P {q['precision']:.4f}  R {q['recall']:.4f}  F1 {q['f1']:.4f}  "
                f"{r['wall_s']:8.1f} s  {r['peak_memory_mb']:8.0f} MB"
            )
            if "quality_best_threshold" in r:
                b = r["quality_best_threshold"]
                best = f"best threshold {b['threshold']}: P {b['precision']} R {b['recall']} F1 {b['f1']}"
                lines.append(f"  {'':7} {best}")
    if "probe" in report and "latency_ms" in report["probe"]:
        p = report["probe"]
        lines.append(
            f"probe: {p['probes']} probes over {p['index_records']} records: shown {p['true_duplicate_shown']:.2%}, "
            f"p50 {p['latency_ms']['p50']} ms, p95 {p['latency_ms']['p95']} ms, p99 {p['latency_ms']['p99']} ms"
        )
    for name, ok in report["targets"].items():
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.duplicates", description=__doc__.split("\n")[0])
    parser.add_argument("--records", default="100000,1000000", help="comma-separated scales (default: 100k and 1M)")
    parser.add_argument("--quick", action="store_true", help="20,000 records")
    parser.add_argument("--seed", type=int, default=EVALUATION_SEED)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--probes", type=int, default=1000, help="registration-time probes (0: none)")
    parser.add_argument("--probe-records", type=int, help="file size for the probes (default: the largest scale)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--generate-only", action="store_true")
    # internal: run one engine in this process
    parser.add_argument("--engine", choices=("ours", "splink", "probe"), help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--truth", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine == "ours":
        engine_ours(args.input, args.output)
    elif args.engine == "splink":
        engine_splink(args.input, args.output)
    elif args.engine == "probe":
        engine_probe(args.input, args.output, args.truth, args.probes, args.seed)
    elif args.generate_only:
        for records in [20_000] if args.quick else [int(r) for r in str(args.records).split(",")]:
            print(generate(records, args.seed))
    else:
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
