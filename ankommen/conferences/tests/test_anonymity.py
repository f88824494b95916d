"""The pure matcher: which texts identify a person, and blanking them."""

from __future__ import annotations

import datetime as dt

import pytest

from ankommen.conferences.anonymity import (
    ADDRESS,
    BIRTH_DATE,
    BLANK,
    CODE,
    NAME,
    BirthDate,
    IdentifyingData,
    Matcher,
)

DATA = IdentifyingData(
    names=["Zarghuna", "Müller-Sánchez", "زرغونه", "Li", "Mohammed bin Salem", "Familie Haddad"],
    birth_dates=[BirthDate(dt.date(1994, 3, 17))],
    addresses=["Quellenkampweg 47, 48155 Münster"],
    codes=["MS-770001", "PX4471928", "+49 171 5550199"],
)
MATCHER = Matcher(DATA)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Frau Zarghuna kommt", [NAME]),
        ("ZARGHUNAS Antrag", [NAME]),
        ("Herr Mueller", [NAME]),
        ("Herr Muller", [NAME]),
        ("Sanchez", [NAME]),
        ("سلام زرغونه", [NAME]),
        ("Li kommt morgen", [NAME]),
        ("Haddads Kinder", [NAME]),
        ("geboren am 17.03.1994", [BIRTH_DATE]),
        ("geboren am 17.3.94", [BIRTH_DATE]),
        ("1994-03-17", [BIRTH_DATE]),
        ("wohnt im Quellenkampweg 47", [ADDRESS]),
        ("wohnt im Quellenkampweg", [ADDRESS]),
        ("48155 Münster", [ADDRESS]),
        ("Az. ms 770001", [CODE]),
        ("Pass px-447-1928", [CODE]),
        ("Tel. 0171 5550199", [CODE]),
        ("Tel. (0171) 555 01 99", [CODE]),
    ],
)
def test_identifying_text_is_found(text: str, kinds: list[str]) -> None:
    assert MATCHER.kinds_found(text) == kinds
    assert MATCHER.redact(text) != text


@pytest.mark.parametrize(
    "text",
    [
        "Fall K-317: Die Familie lebt in Münster.",
        "Lieferung der Unterlagen",  # "Li" only as a whole word
        "ich bin da",  # name particles alone are ordinary words
        "Ausländerbehörde, Termin 17.04.1994",  # another date
        "Sprachkurs B1 ab 2025-03-17",
        "Salam",  # not "Salem"
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    assert MATCHER.kinds_found(text) == []
    assert MATCHER.redact(text) == text


def test_redaction_blanks_whole_words_and_keeps_the_rest() -> None:
    text = "Zarghunas Termin am 17.03.1994 im Quellenkampweg 47; Pass PX4471928."
    assert MATCHER.redact(text) == f"{BLANK} Termin am {BLANK} im {BLANK}; Pass {BLANK}."


def test_kinds_never_carry_the_data() -> None:
    assert MATCHER.kinds_found("Zarghuna, 17.03.1994, MS-770001") == [NAME, BIRTH_DATE, CODE]


def test_month_precision_and_year_only() -> None:
    month = Matcher(IdentifyingData(birth_dates=[BirthDate(dt.date(2001, 5, 1), "month")]))
    assert month.kinds_found("geboren 05.2001") == [BIRTH_DATE]
    assert month.kinds_found("05.2002") == []
    year = Matcher(IdentifyingData(birth_dates=[BirthDate(dt.date(2001, 1, 1), "year")]))
    assert year.kinds_found("seit 2001") == []


def test_initials_of_every_name_part() -> None:
    assert DATA.initials() == {"Z", "M", "S", "L", "H"}


def test_empty_data_finds_nothing() -> None:
    matcher = Matcher(IdentifyingData())
    assert matcher.kinds_found("Zarghuna") == []
    assert matcher.redact("Zarghuna") == "Zarghuna"
