"""Does a problem report's text carry obvious identifiers? Pure logic, no Django.

A problem report (Problemanzeige) describes a barrier with a short vignette, never a person. Unlike
a case conference (``conferences/anonymity.py``, which knows the case's names, birth date and
references and looks for exactly those), a report belongs to no case: nothing is known about whom
the writer might be thinking of. So this matcher looks for the *shape* of identifying data.

Refused (``REFUSED_KINDS``; the text cannot be saved):
- **dates** of a day (17.05.2001, 17.5.01, 2001-05-17, 17. Mai 2001): a date of birth, arrival or
  appointment picks one person out; months and years ("seit März 2024", "2023") stay allowed;
- **phone numbers** (+49 171 5550199, 0251/492-1301): seven or more digits, starting with + or 0;
- **e-mail addresses**;
- **reference and document numbers**: a letter-and-digit code ("MS-770001", "PX4471928",
  "AZ 12-345/24") or a run of six or more digits ("7731994-475"), and IBANs.

Warned about (``WARNED_KINDS``; saved only once the writer confirms that nobody is identified):
- **names after a form of address** ("Frau Haddad", "Herr M.", "Mr Ahmadi");
- **street addresses** (a word ending in -straße/-weg/-platz/... followed by a house number, or a
  five-digit postal code followed by a place name).

``redact`` blanks every refused and warned match; it cleans texts that arrive without a writer to
ask (system barriers from case closures, already checked by the cases app).
"""

from __future__ import annotations

import re
import unicodedata

DATE = "date"
PHONE = "phone"
EMAIL = "email"
REFERENCE = "reference"
NAME = "name"
ADDRESS = "address"
REFUSED_KINDS = (DATE, PHONE, EMAIL, REFERENCE)
WARNED_KINDS = (NAME, ADDRESS)
KINDS = (*REFUSED_KINDS, *WARNED_KINDS)
BLANK = "[…]"

_MONTHS = (
    "januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember"
    "|january|february|march|may|june|july|october|december"
    "|jan|feb|mär|mrz|apr|jun|jul|aug|sep|sept|okt|oct|nov|dez|dec"
)
_PATTERNS: tuple[tuple[str, str], ...] = (
    (EMAIL, r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # A day: 17.05.2001, 17.5.01, 17/05/2001, 2001-05-17, 17. Mai 2001, 17 May 2001.
    (DATE, r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\s?[./]\s?(?:0?[1-9]|1[0-2])\s?[./]\s?(?:\d{4}|\d{2})(?![\d])"),
    (DATE, r"(?<!\d)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"),
    (DATE, rf"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.?\s+(?:{_MONTHS})\.?\s+\d{{4}}(?!\d)"),
    # A day without the year: "am 17.05." (a date of birth or an appointment all the same).
    (DATE, r"(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?![\d])"),
    (PHONE, r"(?<![\w+])(?:\+|00|0)[1-9](?:[\s/().-]?\d){6,}"),
    (REFERENCE, r"(?<!\w)[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?(?!\w)"),  # IBAN
    # A code of letters and at least four digits with dashes or slashes inside ("MS-770001", not "B1/B2").
    (
        REFERENCE,
        r"(?<![\w-])(?=[A-Za-z0-9/-]*[A-Za-z])(?=(?:[A-Za-z/-]*\d){4})[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)+(?![\w-])",
    ),
    # Digit groups joined by dashes or slashes, three groups and five digits or more ("12-345/24").
    (REFERENCE, r"(?<![\w,./-])(?=(?:[-/]?\d){5})\d+(?:[-/]\d+){2,}(?![\w,./-])"),
    (REFERENCE, r"(?<![\w-])(?=\w*[A-Za-z])(?=\w*\d\w*\d\w*\d)[A-Za-z]{1,4}\d[A-Za-z0-9]{4,}(?![\w-])"),
    (REFERENCE, r"(?<![\w,.])\d{6,}(?:[-/]\d+)*(?![\w,])"),
    (NAME, r"(?<!\w)(?:Frau|Herrn?|Fr\.|Hr\.|Mr\.?|Mrs\.?|Ms\.?|Familie|Fam\.)\s+[A-ZÄÖÜ][\w'-]*\.?"),
    (
        ADDRESS,
        r"(?<!\w)[A-ZÄÖÜ][\w.-]*(?:straße|strasse|str\.|weg|platz|allee|ring|gasse|damm|ufer|kamp|pfad)"
        r"\s+\d+\s?[a-z]?(?!\w)",
    ),
    (ADDRESS, r"(?<!\d)\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+"),
)
_COMPILED = tuple(
    (kind, re.compile(pattern, re.IGNORECASE if kind in (DATE, EMAIL) else 0)) for kind, pattern in _PATTERNS
)
# Legal references are not identifiers: "§ 60c AufenthG", "§ 25 Abs. 2", "SGB II". Blanked before matching.
_LEGAL = re.compile(r"§+\s*\d+[a-z]?(?:\s*(?:Abs\.|Absatz|S\.|Satz|Nr\.|Alt\.)\s*\d+[a-z]?)*", re.IGNORECASE)


def _normalised(text: str) -> str:
    return _LEGAL.sub(lambda m: " " * len(m.group(0)), unicodedata.normalize("NFC", text or ""))


def kinds_found(text: str) -> list[str]:
    """The kinds of identifiers in ``text`` (in the order of ``KINDS``), never the data itself."""
    clean = _normalised(text)
    found = {kind for kind, pattern in _COMPILED if pattern.search(clean)}
    return [kind for kind in KINDS if kind in found]


def refused(text: str) -> list[str]:
    return [kind for kind in kinds_found(text) if kind in REFUSED_KINDS]


def warned(text: str) -> list[str]:
    return [kind for kind in kinds_found(text) if kind in WARNED_KINDS]


def redact(text: str, blank: str = BLANK) -> str:
    """``text`` with every match (refused or warned) replaced by ``blank``."""
    original = unicodedata.normalize("NFC", text or "")
    clean = _normalised(original)
    spans: list[tuple[int, int]] = []
    for _kind, pattern in _COMPILED:
        spans.extend(match.span() for match in pattern.finditer(clean))
    if not spans:
        return original
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(original[position:start])
        out.append(blank)
        position = end
    out.append(original[position:])
    return "".join(out)
