"""Identifiers in problem reports: refused (dates, phone numbers, e-mail addresses, reference and
document numbers), warned about (names after a form of address, street addresses), and what stays
allowed (pure, no database)."""

from __future__ import annotations

import pytest

from ankommen.steering import vignette

REFUSED = [
    ("geboren am 17.05.2001", vignette.DATE),
    ("seit dem 17.5.01 ohne Termin", vignette.DATE),
    ("Termin am 17.05. verpasst", vignette.DATE),
    ("2001-05-17", vignette.DATE),
    ("kam am 3. März 2024 an", vignette.DATE),
    ("Tel. +49 171 5550199", vignette.PHONE),
    ("erreichbar unter 0251/492-1301", vignette.PHONE),
    ("Mail an a.haddad@example.org", vignette.EMAIL),
    ("Aktenzeichen MS-770001", vignette.REFERENCE),
    ("Pass PX4471928", vignette.REFERENCE),
    ("BAMF-Az. 7731994-475", vignette.REFERENCE),
    ("Az. 12-345/24", vignette.REFERENCE),
    ("IBAN DE89 3704 0044 0532 0130 00", vignette.REFERENCE),
]
WARNED = [
    ("Frau Haddad hat keinen Kitaplatz", vignette.NAME),
    ("Herr M. wartet seit Monaten", vignette.NAME),
    ("wohnt in der Hafenstraße 30", vignette.ADDRESS),
    ("Unterkunft 48155 Münster", vignette.ADDRESS),
]
ALLOWED = [
    "Junge Geduldete (18–27) finden keinen Platz im Berufssprachkurs B1/B2.",
    "Seit März 2024 ist der Kurs voll; 40 Fälle in 2023, Zeitraum 2019-2022.",
    "Antrag nach § 60c AufenthG und § 25 Abs. 2 S. 1 AufenthG; Leistungen nach SGB II.",
    "Kita-Plätze fehlen, Buslinie 6 fährt nur stündlich; 49-Euro-Ticket zu teuer.",
    "U25-Team des Jobcenters, Modul 1-3, 50 % Abbruch, 13.2 Mio, 2.500 Euro, 1.500 junge Geflüchtete.",
    "Ein junger Mann, 19, Gestattung, besucht das Berufskolleg; Termine 10-12 Uhr, KW 12.",
    "E-Mail an den Träger bleibt unbeantwortet.",
]


@pytest.mark.parametrize(("text", "kind"), REFUSED)
def test_obvious_identifiers_are_refused_and_blanked(text: str, kind: str) -> None:
    assert kind in vignette.refused(text)
    redacted = vignette.redact(text)
    assert vignette.kinds_found(redacted) == []
    assert vignette.BLANK in redacted


@pytest.mark.parametrize(("text", "kind"), WARNED)
def test_names_and_addresses_are_warned_about(text: str, kind: str) -> None:
    assert vignette.refused(text) == []
    assert vignette.warned(text) == [kind]
    assert vignette.kinds_found(vignette.redact(text)) == []


@pytest.mark.parametrize("text", ALLOWED)
def test_descriptions_of_barriers_pass(text: str) -> None:
    assert vignette.kinds_found(text) == []
    assert vignette.redact(text) == text


def test_kinds_are_named_in_a_fixed_order_never_the_data() -> None:
    text = "Frau Haddad, geboren 17.05.2001, Tel. 0171 5550199"
    found = vignette.kinds_found(text)
    assert {vignette.DATE, vignette.PHONE, vignette.NAME} <= set(found)
    assert found == sorted(found, key=vignette.KINDS.index)
    assert "Haddad" not in vignette.redact(text) and "5550199" not in vignette.redact(text)
