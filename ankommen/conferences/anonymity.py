"""Does a text identify the person? Finding and blanking identifying data in free text.

Pure logic, no Django: plain data in (``IdentifyingData``: the names, birth dates, addresses and
codes of the people of one case), a ``Matcher`` out that says which kinds of identifying data
a text contains and can blank them.

Used twice by case conferences: services refuse minutes, agenda items, decisions and action
items of an anonymised conference that contain identifying data (the writer gets a clear error),
and the anonymised rendering blanks whatever is left (texts written while the conference was
named, before its consent lapsed).

How it matches:
- Names (document names, original script, recorded name variants), split into parts. Latin parts
  match case-insensitively at the start of a word, with or without diacritics and with German
  transliterations (ü = ue = u, ß = ss), so "Müller", "MUELLER", "Mullers" all match "Müller";
  parts shorter than four letters match only as whole words (fewer false alarms on "Ali").
  Parts in other scripts match anywhere (Arabic attaches prefixes to words).
- Birth dates in the usual German and ISO spellings (17.5.2001, 17.05.01, 2001-05-17), as
  precise as the record knows them.
- Addresses: each comma-separated part with at least five characters, and the street without
  its house number.
- Codes (references, document numbers, identifiers, phone numbers and e-mail addresses):
  case-insensitive, ignoring spaces, dashes, dots and slashes inside.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

NAME = "name"
BIRTH_DATE = "birth_date"
ADDRESS = "address"
CODE = "code"
KINDS = (NAME, BIRTH_DATE, ADDRESS, CODE)

PREFIX_MATCH_LENGTH = 4
MIN_NAME_PART = 2
MIN_ADDRESS_PART = 5
MIN_CODE = 5
BLANK = "[…]"

_DIGRAPHS = {"ae": "(?:ae|ä|a)", "oe": "(?:oe|ö|o)", "ue": "(?:ue|ü|u)", "ss": "(?:ss|ß)"}
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NAME_SEPARATORS = re.compile(r"[\s\-‐‑'’.,/()]+")
_CODE_SEPARATORS = r"[\s\-‐‑./()]*"


@dataclass(frozen=True)
class BirthDate:
    day: dt.date
    precision: str = "exact"  # "exact", "estimated", "month" or "year" (participants.DatePrecision)


@dataclass
class IdentifyingData:
    """What identifies the people of one case."""

    names: list[str] = field(default_factory=list)
    birth_dates: list[BirthDate] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def initials(self) -> set[str]:
        """First letters of every name part (upper case, without diacritics)."""
        letters = set()
        for part in _name_parts(self.names):
            base = _fold(part)[:1].upper()
            if base.isascii() and base.isalpha():
                letters.add(base)
        return letters


def _fold(text: str) -> str:
    """Lower case, German transliteration, other diacritics removed."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_TRANSLITERATION)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_latin(text: str) -> bool:
    return all(c.isascii() for c in text)


# Name particles and the words of household working names ("Familie Haddad") are not matched on
# their own: "bin", "van", "de" and "Familie" are ordinary words too.
NOT_NAMES = frozenset(
    {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "del", "van", "von", "der", "den"}
    | {"familie", "family", "fam", "haushalt", "household", "eheleute", "geschwister"}
)


def _name_parts(names: Iterable[str]) -> set[str]:
    parts: set[str] = set()
    for name in names:
        for part in _NAME_SEPARATORS.split(name or ""):
            if len(part) >= MIN_NAME_PART and _fold(part) not in NOT_NAMES:
                parts.add(part)
    return parts


def _letter_pattern(folded: str) -> str:
    """A regex for a folded Latin name part that also matches its spellings with diacritics."""
    out = []
    i = 0
    while i < len(folded):
        pair = folded[i : i + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        char = folded[i]
        if char.isalpha():
            # The letter itself or any letter that folds to it (é, è, ê → e; ç → c; ...).
            out.append(f"(?:{re.escape(char)}[\\u0300-\\u036f]*|{_accented(char)})")
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


_ACCENTED: dict[str, str] = {}


def _accented(base: str) -> str:
    if not _ACCENTED:
        table: dict[str, list[str]] = {}
        for code in range(0xC0, 0x250):
            char = chr(code)
            if not char.isalpha() or not char.islower():
                continue
            folded = _fold(char)
            if len(folded) == 1 and folded != char:
                table.setdefault(folded, []).append(char)
        for letter, umlaut in (("a", "ä"), ("o", "ö"), ("u", "ü")):
            table.setdefault(letter, []).append(umlaut)  # "Mader" also matches "Mäder"
        for letter, chars in table.items():
            _ACCENTED[letter] = "[" + "".join(re.escape(c) for c in chars) + "]"
    return _ACCENTED.get(base, "(?!)")


def _name_regex(part: str) -> str:
    if not _is_latin(_fold(part)):
        return re.escape(unicodedata.normalize("NFC", part))
    folded = _fold(part)
    pattern = _letter_pattern(folded)
    if len(folded) >= PREFIX_MATCH_LENGTH:
        return rf"(?<!\w){pattern}"
    return rf"(?<!\w){pattern}(?!\w)"


def _date_regexes(birth: BirthDate) -> list[str]:
    day, month, year = birth.day.day, birth.day.month, birth.day.year
    sep = r"\s?[./-]\s?"
    years = rf"(?:{year}|{year % 100:02d})"
    if birth.precision == "year":
        return []  # a year alone is not identifying enough to refuse every "2001"
    month_part = rf"0?{month}"
    if birth.precision == "month":
        return [rf"(?<!\d){month_part}{sep}{year}(?!\d)", rf"(?<!\d){year}-{month:02d}(?!\d)"]
    return [
        rf"(?<!\d)0?{day}{sep}{month_part}{sep}{years}(?!\d)",
        rf"(?<!\d){year}-{month:02d}-{day:02d}(?!\d)",
    ]


def _code_regexes(code: str) -> list[str]:
    compact = re.sub(r"[\s\-‐‑./()]+", "", code)
    if len(compact) < MIN_CODE:
        return []
    variants = [compact]
    for prefix in ("+49", "0049"):
        if compact.startswith(prefix):  # a German phone number is also written nationally: 0170 …
            variants.append("0" + compact[len(prefix) :])
    return [r"(?<!\w)" + _CODE_SEPARATORS.join(re.escape(c) for c in variant) for variant in variants]


def _words_regex(words: list[str]) -> str:
    return r"\s+".join(_letter_pattern(_fold(w)) if _is_latin(_fold(w)) else re.escape(w) for w in words)


def _address_regexes(address: str) -> list[str]:
    """Parts that hold a number ("Hafenweg 12", "48155 Münster"), and the street of the first part
    without its number. A part without a number ("Münster", "ZUE") identifies nobody."""
    regexes = []
    for position, segment in enumerate(address.split(",")):
        words = segment.split()
        has_number = any(any(c.isdigit() for c in w) for w in words)
        if len(" ".join(words)) >= MIN_ADDRESS_PART and has_number:
            regexes.append(r"(?<!\w)" + _words_regex(words))
        street = [w for w in words if not any(c.isdigit() for c in w)]
        if position == 0 and has_number and street and len(" ".join(street)) >= MIN_ADDRESS_PART:
            regexes.append(r"(?<!\w)" + _words_regex(street))
    return regexes


class Matcher:
    """Finds and blanks the identifying data of one case in free text."""

    def __init__(self, data: IdentifyingData) -> None:
        patterns: list[tuple[str, str]] = []
        for part in sorted(_name_parts(data.names), key=len, reverse=True):
            patterns.append((NAME, _name_regex(part)))
        for birth in data.birth_dates:
            patterns.extend((BIRTH_DATE, regex) for regex in _date_regexes(birth))
        for address in data.addresses:
            patterns.extend((ADDRESS, regex) for regex in _address_regexes(address or ""))
        for code in data.codes:
            patterns.extend((CODE, regex) for regex in _code_regexes(code or ""))
        self._patterns = [(kind, re.compile(regex, re.IGNORECASE)) for kind, regex in patterns]
        combined = "|".join(f"(?:{regex})" for _, regex in patterns)
        self._combined = re.compile(combined, re.IGNORECASE) if combined else None

    def kinds_found(self, text: str) -> list[str]:
        """The kinds of identifying data in ``text`` (in the order of ``KINDS``), never the data."""
        text = unicodedata.normalize("NFC", text or "")
        found = {kind for kind, pattern in self._patterns if pattern.search(text)}
        return [kind for kind in KINDS if kind in found]

    def redact(self, text: str, blank: str = BLANK) -> str:
        """``text`` with every identifying part replaced by ``blank`` (the whole word for names)."""
        text = unicodedata.normalize("NFC", text or "")
        if self._combined is None or not text:
            return text

        def replace(match: re.Match[str]) -> str:
            return blank

        # Names match at the start of a word: blank the rest of that word too ("Müllers" → "[…]").
        return re.sub(rf"(?:{self._combined.pattern})\w*", replace, text, flags=re.IGNORECASE)
