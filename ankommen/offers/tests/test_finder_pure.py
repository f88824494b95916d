"""The offer finder's rules without a database: exclusions with their reasons, the fit and its
parts, the suggested entitlement path, and the numpy version equal to the one-pair version."""

from __future__ import annotations

import random

import numpy as np
import pytest

from ankommen.offers import eligibility, finder
from ankommen.offers.finder import OfferFacts, Person, Schedule, assess

COURSE = OfferFacts(id=1, category="language", field_of_action="education_language")


def offer(**values) -> OfferFacts:  # type: ignore[no-untyped-def]
    values.setdefault("id", 7)
    values.setdefault("category", "workshop")
    values.setdefault("field_of_action", "work_training")
    return OfferFacts(**values)


def target(**values) -> eligibility.TargetGroup:  # type: ignore[no-untyped-def]
    return eligibility.TargetGroup(**values)


@pytest.mark.parametrize(
    ("person", "facts", "schedule", "code"),
    [
        (Person(age=15), offer(target=target(age_min=16)), None, eligibility.TOO_YOUNG),
        (Person(age=30), offer(target=target(age_max=27)), None, eligibility.TOO_OLD),
        (
            Person(status="duldung_60b"),
            offer(target=target(open_regardless_of_status=False, admitted_statuses=frozenset({"gestattung"}))),
            None,
            eligibility.STATUS_NOT_ADMITTED,
        ),
        (Person(sex="m"), offer(target=target(gender="women")), None, eligibility.GENDER),
        (Person(german_level="A1"), offer(target=target(min_german_level="B1")), None, eligibility.GERMAN_LEVEL),
        (Person(), offer(is_german_course=True, paths=("admission",)), None, finder.PATHS_CLOSED),
        (Person(at_zue=False), offer(at_zue=True), None, finder.ZUE_ONLY),
        (Person(enrolled_offers=frozenset({7})), offer(), None, finder.ALREADY_ENROLLED),
        (Person(), offer(), Schedule(has_sessions=True, upcoming=0), finder.NO_DATES),
        (Person(), offer(), Schedule(upcoming=10, clashes=1, free_seats=3), finder.TIME_CONFLICT),
        (Person(), offer(per_session=True), Schedule(upcoming=2, clashes=2, free_seats=3), finder.TIME_CONFLICT),
    ],
)
def test_each_known_mismatch_excludes_with_its_reason(person, facts, schedule, code) -> None:  # type: ignore[no-untyped-def]
    result = assess(person, facts, closed={"admission"}, schedule=schedule)
    assert result.problems == (code,)
    assert not result.eligible
    assert str(finder.MESSAGES[code])


def test_unknown_facts_do_not_exclude() -> None:
    strict = offer(
        target=target(
            age_min=18,
            age_max=27,
            open_regardless_of_status=False,
            admitted_statuses=frozenset({"gestattung"}),
            gender="women",
            min_german_level="A2",
        ),
        at_zue=True,
    )
    assert assess(Person(), strict).eligible  # age, status, sex, German and accommodation not known
    # a course not yet scheduled is not excluded; single dates with only some clashes are not either
    assert assess(Person(), offer(), schedule=Schedule(has_sessions=False, upcoming=0)).eligible
    some = Schedule(upcoming=4, clashes=1, free_seats=2)
    assert assess(Person(), offer(per_session=True), schedule=some).eligible


def test_plan_goals_rank_above_assessed_needs_above_nothing() -> None:
    person = Person(goal_domains=frozenset({"training_work"}), need_domains=frozenset({"participation"}))
    workshop = assess(person, offer(id=1, category="vocational_orientation"))
    sport = assess(person, offer(id=2, category="sport", field_of_action="social_participation"))
    housing = assess(person, offer(id=3, category="housing", field_of_action="housing"))
    assert workshop.parts["need"] == 1.0 and sport.parts["need"] == pytest.approx(0.7)
    assert housing.parts["need"] == 0.0
    assert workshop.score > sport.score > housing.score
    assert finder.Reason("goal", "training_work") in workshop.reasons
    assert finder.Reason("need", "participation") in sport.reasons


def test_field_alone_counts_less_than_the_category() -> None:
    person = Person(goal_domains=frozenset({"language"}))
    language = assess(person, offer(category="language", field_of_action="education_language"))
    qualification = assess(person, offer(category="qualification", field_of_action="education_language"))
    assert language.parts["need"] == 1.0
    assert qualification.parts["need"] == finder.FIELD_ONLY


def test_a_beginners_course_helps_little_when_the_german_is_good() -> None:
    wants = frozenset({"language"})
    beginner = Person(goal_domains=wants, german_level="A1")
    advanced = Person(goal_domains=wants, german_level="B2")
    assert assess(beginner, COURSE).parts["need"] == 1.0
    assert assess(advanced, COURSE).parts["need"] == pytest.approx(0.2)
    b2_course = OfferFacts(
        id=2, category="language", field_of_action="education_language", target=target(min_german_level="B1")
    )
    assert assess(advanced, b2_course).parts["need"] == 1.0


def test_language_place_and_practical_parts() -> None:
    person = Person(
        languages=frozenset({"ar", "en"}), at_zue=True, needs_childcare=True, needs_step_free=True, district="Mitte"
    )
    good = assess(person, offer(languages=frozenset({"ar"}), at_zue=True, childcare=True, step_free=True))
    poor = assess(person, offer(id=8, languages=frozenset({"ti"}), is_free=False))
    assert good.parts == {"need": 0.0, "language": 1.0, "place": 1.0, "practical": 1.0, "seats": 0.5}
    assert poor.parts["language"] == 0.0 and poor.parts["place"] == finder.ZUE_ELSEWHERE
    assert poor.parts["practical"] == pytest.approx(finder.NOT_FREE / 3)
    codes = {r.code for r in good.reasons}
    assert {"language", "zue", "childcare", "step_free", "free"} <= codes
    outside = Person(district="Hiltrup", at_zue=False)
    assert assess(outside, offer(district=" hiltrup ")).parts["place"] == 1.0
    assert assess(outside, offer(district="Gievenbeck")).parts["place"] == finder.OTHER_DISTRICT


def test_free_seats_rank_above_the_waiting_list() -> None:
    person = Person()
    free = assess(person, offer(), schedule=Schedule(upcoming=3, free_seats=2))
    full = assess(person, offer(), schedule=Schedule(upcoming=3, free_seats=0))
    allocated = assess(person, offer(allocates_seats=True), schedule=Schedule(upcoming=3, free_seats=0))
    assert free.score > allocated.score > full.score
    assert finder.Reason("free_seats", "2") in free.reasons and finder.Reason("waiting_list") in full.reasons
    assert finder.Reason("allocation") in allocated.reasons


def test_score_is_the_weighted_sum_rounded_to_four_places() -> None:
    result = assess(Person(goal_domains=frozenset({"training_work"})), offer(category="workshop"))
    expected = 0.45 * 0.9 + 0.15 * 0.5 + 0.15 * 0.5 + 0.10 * 1.0 + 0.15 * 0.5
    assert result.score == round(expected, 4)
    assert sum(finder.WEIGHTS.values()) == pytest.approx(1.0)


def test_open_and_suggested_paths() -> None:
    course = offer(is_german_course=True, paths=("entitlement", "obligation", "admission"))
    recognised = Person(entitlement_likely=True)
    assert assess(recognised, course, closed={"admission"}).open_paths == ("entitlement", "obligation")
    assert assess(recognised, course, closed={"admission"}).suggested_path == "entitlement"
    assert assess(Person(), course, closed={"admission"}).suggested_path == "obligation"
    assert assess(Person(), course, closed={"admission"}, named_path="entitlement").suggested_path == "entitlement"
    assert assess(Person(), offer()).open_paths == ()


# --- the numpy version -------------------------------------------------------------------------


def _random_person(rng: random.Random, i: int) -> Person:
    def some(values, k: int) -> frozenset[str]:  # type: ignore[no-untyped-def]
        return frozenset(rng.sample(list(values), rng.randint(0, k)))

    return Person(
        age=rng.choice([None, rng.randint(10, 70)]),
        status=rng.choice([None, *finder.STATUSES]),
        sex=rng.choice(["f", "m", "x", "u"]),
        german_level=rng.choice(["", "pre_a1", "A1", "A2", "B1", "B2", "C1", "native"]),
        languages=some(finder.LANGUAGES, 3),
        at_zue=rng.choice([None, True, False]),
        district=rng.choice(["", "Mitte", "Hiltrup", "Kinderhaus"]),
        goal_domains=some(finder.DOMAINS, 3),
        need_domains=some(finder.DOMAINS, 3),
        needs_childcare=rng.random() < 0.3,
        needs_step_free=rng.random() < 0.2,
    )


def _random_offer(rng: random.Random, i: int) -> OfferFacts:
    age_min = rng.choice([None, rng.randint(14, 30)])
    age_max = rng.choice([None, (age_min or 14) + rng.randint(0, 40)])
    open_status = rng.random() < 0.6
    return OfferFacts(
        id=i,
        category=rng.choice(finder.CATEGORIES),
        field_of_action=rng.choice(finder.FIELDS),
        target=target(
            age_min=age_min,
            age_max=age_max,
            open_regardless_of_status=open_status,
            admitted_statuses=frozenset() if open_status else frozenset(rng.sample(finder.STATUSES, 3)),
            gender=rng.choice(["all", "all", "women", "men"]),
            min_german_level=rng.choice(["", "", "A1", "A2", "B1"]),
        ),
        languages=frozenset(rng.sample(finder.LANGUAGES, rng.randint(0, 3))),
        is_german_course=rng.random() < 0.3,
        paths=tuple(rng.sample(finder.PATHS, rng.randint(1, 3))),
        at_zue=rng.random() < 0.3,
        district=rng.choice(["", "Mitte", "hiltrup", "Gievenbeck"]),
        childcare=rng.random() < 0.5,
        step_free=rng.random() < 0.5,
        is_free=rng.random() < 0.7,
    )


def test_score_pairs_equals_assess_on_random_pairs() -> None:
    rng = random.Random(20261201)
    people = [_random_person(rng, i) for i in range(60)]
    offers = [_random_offer(rng, i) for i in range(80)]
    closed = {"admission"}
    districts = finder.Districts()
    people_table = finder.people_table(people, districts)
    offers_table = finder.offers_table(offers, districts)
    pairs_p = np.repeat(np.arange(len(people)), len(offers))
    pairs_o = np.tile(np.arange(len(offers)), len(people))
    enrolled = np.array([rng.random() < 0.05 for _ in range(pairs_p.size)])
    problems, scores = finder.score_pairs(
        people_table, offers_table, pairs_p, pairs_o, closed=closed, enrolled=enrolled
    )
    for k in range(pairs_p.size):
        person = people[int(pairs_p[k])]
        facts = offers[int(pairs_o[k])]
        if enrolled[k]:
            person = Person(**{**person.__dict__, "enrolled_offers": frozenset({facts.id})})
        expected = assess(person, facts, closed=closed)
        assert finder.problem_codes(int(problems[k])) == expected.problems, (person, facts)
        assert scores[k] == expected.score, (person, facts)
    assert (problems == 0).any() and (problems != 0).any()
