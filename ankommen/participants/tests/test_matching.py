"""The matching engine (pure module): names, dates, scores with reasons, batch and index."""

from __future__ import annotations

import random

import pytest

from ankommen.participants.matching import (
    DateAgreement,
    MatchIndex,
    PersonRecord,
    candidates_for,
    compare_dates,
    find_pairs,
    name_keys,
    parse_birth_date,
    record_keys,
    score_pair,
)


def person(record_id: str, given: str, family: str, dob: str = "", sex: str = "", **extra: str) -> PersonRecord:
    return PersonRecord(record_id, given, family, parse_birth_date(dob), sex, **extra)


@pytest.mark.parametrize(
    "spellings",
    [
        ("Mohammed", "Muhammad", "Mohamad", "Mohamed", "Mohammad", "Muhammed"),
        ("Hussein", "Husain", "Hossein", "Hussain", "Husayn", "Hüseyin"),
        ("Oleksandr", "Aleksandr", "Alexander", "Олександр"),
        ("Yusuf", "Youssef", "Jusuf", "Yousef"),
        ("Khalid", "Khaled", "Chalid", "Xalid"),
        ("Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdel Rahman", "Abdurrahman"),
        ("Fatemeh", "Fatima"),
        ("Serhii", "Sergei", "Sergej"),
    ],
)
def test_transliteration_variants_share_a_name_key(spellings: tuple[str, ...]) -> None:
    keys = [name_keys(spelling, "") for spelling in spellings]
    common = set.intersection(*keys)
    assert common, f"no common key for {spellings}: {keys}"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mohammed", "Al-Hassan"), ("Muhammad", "Alhasan")),
        (("Hussein", "Ahmadi"), ("Hossein", "Ahmady")),
        (("Oleksandr", "Shevchenko"), ("Alexander", "Schewtschenko")),
        (("Yusuf", "Müller"), ("Jusuf", "Mueller")),
        (("Abd al-Rahman", "Khalil"), ("Abdulrahman", "Chalil")),
        (("Mohammad Reza", "Karimi"), ("Mohammadreza", "Karimi")),
    ],
)
def test_spelling_variants_with_the_same_birth_date_match(a: tuple[str, str], b: tuple[str, str]) -> None:
    score = score_pair(person("1", *a, "1990-05-03", "m"), person("2", *b, "1990-05-03", "m"))
    assert score.probability >= 0.9, score.explain()
    assert any(r.code in ("name.variant", "name.exact", "name.compound") for r in score.reasons)


def test_reasons_name_the_variant_and_the_date() -> None:
    score = score_pair(person("1", "Mohammed", "Karimi", "1990-05-03"), person("2", "Muhammad", "Karimi", "1990-05-03"))
    text = score.explain()
    assert "transliteration variant (Mohammed ~ Muhammad)" in text
    assert "date of birth: same (1990-05-03)" in text


def test_swapped_given_and_family_name() -> None:
    score = score_pair(person("1", "Yusuf", "Karimi", "1999-03-02", "m"), person("2", "Karimi", "Jusuf", "1999-03-02"))
    assert score.probability >= 0.9
    assert "name.swapped" in {r.code for r in score.reasons}


def test_twins_with_other_given_names_are_not_merged() -> None:
    a = person("1", "Hassan", "Ahmadi", "2001-03-04", "m", nationality="AFG", place_of_birth="Herat")
    b = person("2", "Hussein", "Ahmadi", "2001-03-04", "m", nationality="AFG", place_of_birth="Herat")
    score = score_pair(a, b)
    assert score.probability < 0.5, score.explain()
    assert "name.different" in {r.code for r in score.reasons}


def test_conflicting_birth_dates_are_not_merged() -> None:
    score = score_pair(person("1", "Zubair", "Noorzai", "1990-05-03"), person("2", "Zubair", "Noorzai", "1984-11-20"))
    assert score.probability < 0.5
    assert "dob.conflict" in {r.code for r in score.reasons}


def test_placeholder_birth_date_counts_as_the_year_only() -> None:
    assert parse_birth_date("1995-01-01").is_placeholder
    assert compare_dates(parse_birth_date("1995-01-01"), parse_birth_date("1995-07-14")) == DateAgreement.PLACEHOLDER
    assert compare_dates(parse_birth_date("1995-01-01"), parse_birth_date("1997-07-14")) == DateAgreement.CONFLICT
    rare = score_pair(person("1", "Zubair", "Noorzai", "1995-01-01"), person("2", "Zubair", "Noorzai", "1995-07-14"))
    assert rare.probability >= 0.9
    assert "dob.placeholder" in {r.code for r in rare.reasons}


def test_partial_dates() -> None:
    assert parse_birth_date("1995").month is None
    assert parse_birth_date("1995-07").day is None
    assert compare_dates(parse_birth_date("1995"), parse_birth_date("1995-07-14")) == DateAgreement.YEAR
    assert compare_dates(parse_birth_date("1995-07"), parse_birth_date("1995-07-14")) == DateAgreement.MONTH
    assert compare_dates(parse_birth_date("1995-08"), parse_birth_date("1995-07-14")) == DateAgreement.CONFLICT
    assert compare_dates(parse_birth_date("1995-07-04"), parse_birth_date("1995-04-07")) == DateAgreement.NEAR
    assert compare_dates(parse_birth_date(""), parse_birth_date("1995")) == DateAgreement.MISSING
    score = score_pair(person("1", "Zubair", "Noorzai", "1995"), person("2", "Zubair", "Noorzai", "1995-07-14"))
    assert score.probability >= 0.9
    assert "dob.year" in {r.code for r in score.reasons}


@pytest.mark.parametrize("text", ["1995-13-01", "1995-02-30", "95-01-01", "01.01.1995", "1995-1-1", "abcd"])
def test_bad_dates_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_birth_date(text)


def _common_name_crowd(count: int) -> list[PersonRecord]:
    """Many *different* people called Mohammad Ahmadi born 2000, most with the 01.01. placeholder."""
    rng = random.Random(4)
    people = []
    for i in range(count):
        dob = "2000-01-01" if i % 3 else f"2000-{rng.randint(2, 12):02d}-{rng.randint(1, 28):02d}"
        given = rng.choice(["Mohammad", "Mohammed", "Muhammad"])
        people.append(person(f"c{i:03d}", given, "Ahmadi", dob, "m", nationality="AFG"))
    return people


def test_many_people_with_common_names_are_not_duplicates() -> None:
    crowd = _common_name_crowd(60)
    assert find_pairs(crowd) == []


def test_find_pairs_finds_the_duplicates_among_the_crowd() -> None:
    crowd = _common_name_crowd(60)
    crowd += [
        person("d1", "Hossein", "Rezaei", "1987-06-12", "m", nationality="IRN", place_of_birth="Teheran"),
        person("d2", "Hussein", "Rezai", "1987-06-12", "m", nationality="IRN", place_of_birth="Tehran"),
        person("d3", "Tetiana", "Kovalenko", "1979-02-28", "f", nationality="UKR"),
        person("d4", "Kowalenko", "Tatjana", "1979-02-28", "f"),
    ]
    pairs = find_pairs(crowd)
    assert [(a, b) for a, b, _ in pairs] == [("d1", "d2"), ("d3", "d4")]
    assert all(0.8 <= score <= 1.0 for _, _, score in pairs)


def test_record_keys_are_selective_for_common_names() -> None:
    a = person("1", "Mohammad", "Ahmadi", "2000-01-01")
    b = person("2", "Ahmadi", "Muhammad", "2000")
    assert record_keys(a) & record_keys(b), "swapped spelling variants must share a key"
    assert all("|" in key or key.startswith("nn:") for key in record_keys(a)), "no key of one name part alone"


def test_candidates_for_ranks_the_true_duplicate_first() -> None:
    index = MatchIndex(_common_name_crowd(60))
    index.add(person("x1", "Abdulrahman", "Al-Khatib", "1992-04-17", "m", nationality="SYR"))
    index.add(person("x2", "Abdulaziz", "Al-Khatib", "1994-09-02", "m", nationality="SYR"))
    found = candidates_for(person("new", "Abd al-Rahman", "Alkhatib", "1992-04-17", "m"), index)
    assert found[0].id == "x1"
    assert found[0].score.probability >= 0.9
    assert all(c.id != "x2" or c.score.probability < 0.5 for c in found)
    index.remove("x1")
    assert all(c.id != "x1" for c in candidates_for(person("new", "Abdulrahman", "Alkhatib", "1992-04-17"), index))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Maxamed", "Faarax"), ("Mohamed", "Farah")),  # Somali orthography: x = ḥ
        (("Cumar", "Xasan"), ("Umar", "Hassan")),  # Somali c = ʿayn
        (("Oleksandr", "Weiß"), ("Aleksandr", "Weiss")),  # ß written ss
        (("Mouhapad", "Karimi"), ("Mhd", "Karimi")),  # a typo in a spelling of a curated name
        (("Freshta", "Karimi"), ("Fereshteh", "Kareemi")),  # vowels left out
        (("Alexey", "Korytsch"), ("Oleksii", "Korych")),  # German tsch, English ch
    ],
)
def test_more_spelling_variants_match(a: tuple[str, str], b: tuple[str, str]) -> None:
    score = score_pair(person("1", *a, "1990-05-03", "m"), person("2", *b, "1990-05-03", "m"))
    assert score.probability >= 0.9, score.explain()


def test_a_name_shared_across_a_swap_is_not_enough() -> None:
    """Haqaz Qaathaay and a swapped record of her twin Ghigheeka Qaathaay share the family
    name only: whichever record is swapped, the given names differ."""
    a = person("1", "Haqaz", "Qaathaay", "1989-06-23", "f", nationality="SYR")
    b = person("2", "Qaathaay", "Ghigheeka", "1989-06-23", "f", nationality="SYR")
    score = score_pair(a, b)
    assert score.probability < 0.5, score.explain()


def test_scores_do_not_depend_on_the_order_of_the_pair() -> None:
    a = person("1", "Habotm", "Meharie", "1991-07-18", "m", nationality="ERI")
    b = person("2", "Meharie", "Habtom", "1991-07-18", "m", nationality="ERI")
    assert score_pair(a, b).weight == score_pair(b, a).weight


def test_forked_workers_find_the_same_pairs() -> None:
    crowd = [
        *_common_name_crowd(60),
        person("d1", "Hossein", "Rezaei", "1987-06-12", "m", nationality="IRN"),
        person("d2", "Hussein", "Rezai", "1987-06-12", "m", nationality="IRN"),
        person("d3", "Jaanaya", "Kassab", "1967-10-22", "f"),
        person("d4", "Jaanaya", "", "1967-10-22", "f"),
    ]
    assert find_pairs(crowd, workers=2) == find_pairs(crowd, workers=1)
    assert {(a, b) for a, b, _ in find_pairs(crowd)} == {("d1", "d2"), ("d3", "d4")}


def test_registration_check_finds_a_duplicate_with_a_date_typo_and_no_family_name() -> None:
    index = MatchIndex(_common_name_crowd(60))
    index.add(person("x1", "Baafush", "Moorur", "1979-11-10", "m", nationality="SYR"))
    found = candidates_for(person("new", "Baafush", "", "1980-11-10", "m", nationality="SYR"), index)
    assert [c.id for c in found][:1] == ["x1"]


def test_keys_of_an_exact_date_and_their_postings() -> None:
    record = person("1", "Zubair", "Noorzai", "1990-05-03")
    keys = record_keys(record)
    assert "d|1990-05-03" in keys
    assert not any(k.startswith("d|") for k in record_keys(person("2", "Zubair", "Noorzai", "1990-01-01")))
    index = MatchIndex([record])
    assert all(index.postings(key) == {"1"} for key in keys)
