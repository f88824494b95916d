"""The registration-time duplicate check against the database (candidates.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scope

from ankommen.participants.candidates import REASON_TEXTS, find_candidates, shown_reasons
from ankommen.participants.keys import refresh_name_keys
from ankommen.participants.matching import PersonRecord, parse_birth_date
from ankommen.participants.models import Participant
from ankommen.testing.factories import ParticipantFactory
from ankommen.testing.personas import World


@pytest.fixture
def org_a(world: World):
    with scope(network=world.network.pk):
        yield world.organisations["org_a"]


def _person(organisation, given: str, family: str, born: str = "", **extra) -> Participant:
    precision = "year" if len(born) == 4 else "exact"
    date = dt.date.fromisoformat(born if len(born) == 10 else f"{born}-01-01") if born else None
    participant = ParticipantFactory(
        organisation=organisation,
        given_name=given,
        family_name=family,
        date_of_birth=date,
        birth_date_precision=precision,
        **extra,
    )
    refresh_name_keys(participant)
    return participant


def _probe(given: str, family: str, born: str = "") -> PersonRecord:
    return PersonRecord(id="new", given_name=given, family_name=family, date_of_birth=parse_birth_date(born))


def test_finds_transliteration_and_swapped_names_with_reasons(world: World, org_a) -> None:
    hussein = _person(org_a, "Hussein", "Rahimi", "1997-06-14")
    _person(org_a, "Hassan", "Rahimi", "1997-06-14")  # his brother? a different given name
    found = find_candidates(world.memberships["case_manager_a"], _probe("Rahimi", "Husain", "1997-06-14"))
    assert found[0][0] == hussein
    codes = {r.code for r in shown_reasons(found[0][1])}
    assert {"name.swapped", "name.variant", "dob.exact"} <= codes
    assert all(r.code in REASON_TEXTS for r in found[0][1].reasons)


def test_only_records_the_actor_may_see(world: World, org_a) -> None:
    _person(world.organisations["org_b"], "Oleksandr", "Kovalenko", "2001-05-03")
    merged_into = _person(org_a, "Olena", "Shevchenko", "1980-02-02")
    merged = _person(org_a, "Oleksandr", "Kovalenko", "2001-05-03", merged_into=merged_into)
    refresh_name_keys(merged)
    probe = _probe("Aleksandr", "Kowalenko", "2001-05-03")
    assert find_candidates(world.memberships["case_manager_a"], probe) == []
    assert find_candidates(world.memberships["police_liaison"], probe) == []
    assert len(find_candidates(world.memberships["case_manager_b"], probe)) == 1


def test_query_count_is_constant(world: World, org_a, django_assert_max_num_queries) -> None:
    actor = world.memberships["case_manager_a"]
    for i in range(60):
        _person(org_a, "Mohammad", "Ahmadi", f"{1980 + i % 20}-01-01")
        _person(org_a, "Yusuf", f"Nachname{i}", "2000")
    with django_assert_max_num_queries(4):
        found = find_candidates(actor, _probe("Muhammad", "Ahmadi", "1985"), limit=5)
    assert 1 <= len(found) <= 5
    assert all(p.family_name == "Ahmadi" for p, _score in found)
    with django_assert_max_num_queries(1):
        assert find_candidates(actor, _probe("Zzyzx", "Qwrtp", "1990")) == []
