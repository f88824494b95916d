"""Transliteration-aware normalisation of names (pure, no Django).

A name field goes through three stages:

1. ``fold``: Unicode to lower-case ASCII words, following German document conventions
   (ä → ae, ö → oe, ü → ue, ß → ss), dropping diacritics and the ʿayn/hamza apostrophes
   (Saʿīd → said), transliterating Cyrillic (Ukrainian or Russian table).
2. ``name_tokens``: words of one field without particles (al-, el-, bin, ibn, ould, …)
   and with "Abd al-"/"Abdul"/"Abdel"/"Abdurrahman" compounds joined into one token.
3. ``token_info``: for each token its *forms*, spellings after folding the variation of
   Latin transliterations of Arabic, Persian, Pashto, Kurdish, Tigrinya and Cyrillic names
   (kh/ch/x, sh/sch/ş, j/y/dj/dsch, ou/oo/u/o, ee/ie/i, ei/ai/ay/ey, double letters,
   final -h, and "e" standing for any short vowel), plus its *codes*: consonant skeletons
   of those forms and curated variant groups (``variants.NAME_GROUPS``), which are the
   blocking keys. Two tokens are transliteration variants when their forms or groups meet.

Everything is cached per distinct token: a file of a million people has only tens of
thousands of distinct name tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from .variants import NAME_GROUPS, PLACE_GROUPS

# --- 1. folding -------------------------------------------------------------------------

_SPECIAL = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "ş": "sh",
        "š": "sh",
        "ș": "sh",
        "ç": "tsh",
        "č": "tsh",
        "ž": "zh",
        "ğ": "g",
        "ħ": "h",
        "þ": "th",
        "ð": "dh",
        "ʿ": "",
        "ʾ": "",
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "´": "",
        "ʼ": "",
        "ʻ": "",
    }
)

_CYRILLIC_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "tsh",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ъ": "",
    "ю": "yu",
    "я": "ya",
}
_CYRILLIC_RU = str.maketrans({**_CYRILLIC_COMMON, "г": "g", "и": "i", "ы": "y", "э": "e", "ё": "yo"})
_CYRILLIC_UK = str.maketrans(
    {**_CYRILLIC_COMMON, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye", "ы": "y", "э": "e"}
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_LETTERS = re.compile(r"[іїєґ]")
_NOT_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=1_000_000)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces (German document conventions)."""
    s = unicodedata.normalize("NFC", text).casefold()
    if _CYRILLIC.search(s):
        s = s.translate(_CYRILLIC_UK if _UKRAINIAN_LETTERS.search(s) else _CYRILLIC_RU)
    s = s.translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(_NOT_LETTERS.sub(" ", s).split())


# --- 2. tokens --------------------------------------------------------------------------

PARTICLES = frozenset(
    {"al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "ash", "ed", "es", "bin", "ben", "ibn", "bint", "ould"}
)
"""Articles and patronymic particles dropped from names (kept if nothing else remains)."""

_ABD_PREFIX_TOKEN = re.compile(r"^abd(?:[aeiou]{1,2}[lrsdtzn]|[aeiou]?l)?$")
_ABU_TOKENS = frozenset({"abu", "abou", "abo"})
_ABDULLAH = re.compile(r"^abd[aeiou]*ll?ah?$")
_VOWELS = "aeiou"


def _join_abd(token: str) -> str:
    """Canonical spelling of an ʿAbd compound: abdulrahman, abdurrahman, abd al-rahman → abdrahman."""
    if not token.startswith("abd") or len(token) < 6:
        return token
    if _ABDULLAH.match(token):
        return "abdullah"
    rest = token[3:].lstrip(_VOWELS)
    if len(rest) >= 2 and rest[0] == rest[1]:
        rest = rest[1:]  # assimilated article: abdur-rahman, abdus-salam, abdul-latif
    if rest.startswith("l") and len(rest) >= 4:
        rest = rest[1:]  # abdul-aziz, abdel-kader
    rest = rest.lstrip(_VOWELS)
    return "abd" + rest if len(rest) >= 2 else token


@lru_cache(maxsize=1_000_000)
def name_tokens(text: str) -> tuple[str, ...]:
    """Words of one name field, without particles and with compounds joined."""
    words = fold(text).split()
    kept = [w for w in words if w not in PARTICLES] or words
    tokens: list[str] = []
    i = 0
    while i < len(kept):
        word = kept[i]
        if i + 1 < len(kept) and _ABD_PREFIX_TOKEN.match(word):
            tokens.append(_join_abd(word + kept[i + 1]))
            i += 2
            continue
        if i + 1 < len(kept) and word in _ABU_TOKENS:
            tokens.append("abu" + kept[i + 1])
            i += 2
            continue
        tokens.append(_join_abd(word))
        i += 1
    return tuple(tokens)


# --- 3. forms and codes -------------------------------------------------------------------

# Deterministic rewrites: (pattern, replacement). Capitals mark merged sounds:
# S = sh/sch/ş/zh, C = ch as in Chechen (tsch, č), J = dj/dsch/English j.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"dsch|dzh|dj", "J"),
        (r"tsch|tch|tsh", "C"),  # before "sch": Schewtschenko = Shevchenko
        (r"shch|sch|sh|zh", "S"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"ck|q", "k"),
        (r"w", "v"),
        (r"^x", "h"),  # Kurmanji and Somali: Xalid = Khalid, Xasan = Hassan
        (r"tz|ts", "z"),
    )
)
# Ambiguous spellings get every reading: (pattern, alternatives).
_AMBIGUOUS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"ch"), ("h", "S", "C")),  # German Chalid = Khalid, French Chadi = Shadi, Slavic Korych
    (re.compile(r"th"), ("t", "s")),  # Othman = Osman
    (re.compile(r"dh"), ("d", "z")),  # Dhia = Zia
    (re.compile(r"j"), ("y", "J")),  # German/Turkish Jusuf = Yusuf, English Jamal = Djamal
    (re.compile(r"x"), ("ks", "h")),  # Alexander = Aleksandr; Somali Maxamed = Mohamed
    (re.compile(r"^c(?=[aeiou])"), ("k", "")),  # Somali c = ʿayn: Cali = Ali, Cumar = Umar
)
_C_AS_K = re.compile(r"c")
_VOWEL_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"(?<=[ae])y(?![aeiou])", "i"),  # Husayn, Zaynab
        (r"ei|ai", "ai"),
        (r"ie|ee|ii|iy|ij", "i"),
        (r"(?<=.)y", "i"),  # Ilya = Ilia, Maryam = Mariam
        (r"ue|oe|ou|oo|o", "u"),
        (r"aa", "a"),
        (r"(?<=[aeiu])h$", ""),  # Fatemeh, Abdullah, Sarah
    )
)
_FINAL_E = re.compile(r"(?<=[^aeiu])e$")
_E = re.compile(r"e")
_DOUBLE = re.compile(r"(.)\1+")
_FINAL_D = re.compile(r"d$")
_MAX_FORMS = 12


@lru_cache(maxsize=1_000_000)
def token_forms(token: str) -> tuple[str, ...]:
    """Folded spellings of one token; the first is the primary form."""
    s = token
    for pattern, replacement in _REWRITES:
        s = pattern.sub(replacement, s)
    variants = [s]
    for pattern, alternatives in _AMBIGUOUS:
        if pattern.search(variants[0]) or any(pattern.search(v) for v in variants[1:]):
            variants = [pattern.sub(alt, v) for v in variants for alt in alternatives]
    forms: list[str] = []
    for v in variants:
        v = _C_AS_K.sub("k", v)
        for pattern, replacement in _VOWEL_REWRITES:
            v = pattern.sub(replacement, v)
        endings = ("", "a") if len(v) > 3 and _FINAL_E.search(v) else (None,)
        for ending in endings:
            w = v if ending is None else v[:-1] + ending
            for vowel in ("a", "i", "u") if "e" in w else ("",):
                x = _E.sub(vowel, w) if vowel else w
                x = _FINAL_D.sub("t", _DOUBLE.sub(r"\1", x))
                if x and x not in forms:
                    forms.append(x)
    return tuple(forms[:_MAX_FORMS]) or (token,)


_SKELETON_DROP = re.compile(r"[aeiu]")


def skeleton(form: str) -> str:
    """Consonant skeleton of a form; an initial vowel is kept as ``a``."""
    head = "a" if form[:1] in "aeiu" else ""
    return head + _DOUBLE.sub(r"\1", _SKELETON_DROP.sub("", form))


def _group_index(groups: tuple[tuple[str, ...], ...], splitter: bool) -> dict[str, str]:
    index: dict[str, str] = {}
    for group in groups:
        gid = "=" + group[0].replace(" ", "")
        for spelling in group:
            tokens = name_tokens(spelling) if splitter else (fold(spelling).replace(" ", ""),)
            for token in tokens[:1]:
                for form in token_forms(token):
                    index.setdefault(form, gid)
    return index


_NAME_GROUP_OF_FORM = _group_index(NAME_GROUPS, splitter=True)
GROUP_FORMS: dict[str, tuple[str, ...]] = {}
"""Every form of every spelling of a curated variant group, by group id (for typos of variants)."""
for _form, _gid in _NAME_GROUP_OF_FORM.items():
    GROUP_FORMS[_gid] = (*GROUP_FORMS.get(_gid, ()), _form)
_PLACE_GROUP_OF_FORM = _group_index(PLACE_GROUPS, splitter=False)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """One name token with everything comparisons and blocking need (cached per text)."""

    text: str
    forms: tuple[str, ...]
    canon: frozenset[str]
    """Forms and variant-group ids: two tokens are variants when these meet."""
    codes: tuple[str, ...]
    """Blocking codes: skeletons of the forms and variant-group ids."""
    key: str
    """One code standing for the name when counting frequencies (group id or primary form)."""
    ident: str
    """Identifies the info for caches: the text, plus the bare name of a family name with its article."""

    @property
    def primary(self) -> str:
        return self.forms[0]


@lru_cache(maxsize=1_000_000)
def token_info(token: str) -> TokenInfo:
    forms = token_forms(token)
    groups = {_NAME_GROUP_OF_FORM[f] for f in forms if f in _NAME_GROUP_OF_FORM}
    codes = {skeleton(f) for f in forms} | groups
    key = min(groups) if groups else forms[0]
    return TokenInfo(
        text=token, forms=forms, canon=frozenset(forms) | groups, codes=tuple(sorted(codes)), key=key, ident=token
    )


_ATTACHED_ARTICLE = re.compile(r"^(?:[aeu]l|[aeu]([sdtznr])(?=\1))(?=[a-z]{4,}$)")


@lru_cache(maxsize=1_000_000)
def family_token_info(token: str) -> TokenInfo:
    """Like ``token_info``, but a family name written with its article (Alhassan, Assaleh)
    is also a variant of the name without it (Hassan, Saleh)."""
    info = token_info(token)
    match = _ATTACHED_ARTICLE.match(token)
    if not match:
        return info
    bare = token_info(token[match.end() :])
    return TokenInfo(
        text=info.text,
        forms=info.forms,
        canon=info.canon | bare.canon,
        codes=tuple(sorted(set(info.codes) | set(bare.codes))),
        key=bare.key,
        ident=f"{token}/{bare.text}",
    )


@lru_cache(maxsize=100_000)
def place_key(text: str) -> str:
    """One comparable key for a place of birth (exonyms and transliterations folded)."""
    folded = fold(text).replace(" ", "")
    if not folded:
        return ""
    forms = token_forms(folded)
    for form in forms:
        if form in _PLACE_GROUP_OF_FORM:
            return _PLACE_GROUP_OF_FORM[form]
    return forms[0]


# --- blocking keys for names ----------------------------------------------------------------


@lru_cache(maxsize=1_000_000)
def name_units(given: str, family: str) -> tuple[tuple[TokenInfo, ...], tuple[TokenInfo, ...]]:
    """Token infos of the given and family name (at most four tokens each)."""
    return (
        tuple(token_info(t) for t in name_tokens(given)[:4]),
        tuple(family_token_info(t) for t in name_tokens(family)[:4]),
    )


@lru_cache(maxsize=1_000_000)
def unit_codes(given: str, family: str) -> tuple[frozenset[str], ...]:
    """Blocking codes per name unit: each token, plus each multi-token field run together."""
    units: list[frozenset[str]] = []
    for field, info in (name_tokens(given)[:4], token_info), (name_tokens(family)[:4], family_token_info):
        units.extend(frozenset(info(t).codes) for t in field)
        if len(field) > 1:
            units.append(frozenset(token_info("".join(field)).codes))
    return tuple(units)


def name_keys(given: str, family: str) -> set[str]:
    """Transliteration-aware keys of a name, independent of order (swaps) and spelling.

    ``n:<code>`` for every name unit and ``nn:<code>+<code>`` for every pair of units. The
    pair keys are what makes a key selective for common names: "Mohammed Ahmadi" has
    ``nn:ahmt+mhmt`` whichever way it is spelled or ordered. Record keys (``record_keys``)
    add the birth year or date to these.
    """
    units = unit_codes(given, family)
    keys = {f"n:{code}" for unit in units for code in unit}
    for a, b in combinations(units, 2):
        for x, y in product(a, b):
            if x != y:
                keys.add(f"nn:{min(x, y)}+{max(x, y)}")
    return keys
