"""Demo people for the right-to-stay pathways (issue [R]).

Twenty plainly synthetic people of the GGUA in the demo network, registered through the
participant and case services like everyone else, with status histories chosen so that every
pathway is met for someone, not yet met (with a date) for someone and not met for someone.
Dates are relative to the day of seeding. Several have open cases of the demo case manager, so
their deadlines show on "my work" and missing conditions can be turned into goals.

Some facts are not part of the record and the criminal-record question is asked at each check
(never stored): ``CHECKS`` lists, per person, the answers to give on the check form and the
outcome they lead to (docs/pathways.md walks through them; ``tests/test_demo.py`` keeps it true).

Idempotent: if Dawit Kidane exists in the demo network, nothing happens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ankommen.cases import services as case_services
from ankommen.cases.models import CaseType
from ankommen.network.demo import DemoNetwork
from ankommen.participants import services as participant_services
from ankommen.participants.models import Household, Participant
from ankommen.pathways.engine.dates import add_months, add_years

ORGANISATION, CASE_MANAGER = "ggua", "fallmanagement"
MARKER = ("Dawit", "Kidane")
FAMILY_CASE_TYPE = "Langzeitgeduldete Familie – Bleiberecht"
YOUNG_CASE_TYPE = "Junge Volljährige 18–27 – Ausbildung"

# The answers that are never in the record, given on the check form for every demo person.
STANDARD_ANSWERS = {
    "convictions_above_threshold": "no",
    "measures_to_end_stay": "no",
    "safe_country_rejected": "no",
    "fdgo_commitment": "yes",
}


@dataclass
class Check:
    """What to answer on the check form for a person, and the outcomes that follows."""

    answers: dict[str, str]
    outcomes: dict[str, str]


def _ago(today: dt.date, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    return add_months(add_years(today, -years), -months) - dt.timedelta(days=days)


def _ahead(today: dt.date, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    return add_months(add_years(today, years), months) + dt.timedelta(days=days)


@dataclass
class Person:
    given: str
    family: str
    sex: str
    nationality: str
    born: dt.date
    entry: dt.date
    statuses: list[dict[str, Any]]
    german: str = ""
    languages: list[dict[str, Any]] = field(default_factory=list)
    education: list[dict[str, Any]] = field(default_factory=list)
    work: list[dict[str, Any]] = field(default_factory=list)


def _status(kind: str, basis: str, start: dt.date, end: dt.date | None, **extra: Any) -> dict[str, Any]:
    employment = {"duldung_60b": "no", "gestattung": "permission", "duldung": "permission"}.get(kind, "yes")
    return {
        "status": kind,
        "legal_basis": basis,
        "valid_from": start,
        "valid_to": end,
        "employment": employment,
        **extra,
    }


GESTATTUNG = ("gestattung", "AsylG § 55")
DULDUNG = ("duldung", "AufenthG § 60a Abs. 2 S. 1")
DULDUNG_60B = ("duldung_60b", "AufenthG § 60b")
PERMIT_104C = ("aufenthaltserlaubnis", "AufenthG § 104c")
LID = {"kind": "language", "country": "DE", "certificate": "Test Leben in Deutschland"}


def _people(today: dt.date) -> dict[str, Person]:
    t = today
    renewal = _ahead(t, months=5)  # current Duldung documents run for some months more
    people: dict[str, Person] = {}

    def add(person: Person) -> None:
        people[f"{person.given} {person.family}"] = person

    # Family Kidane (ER): the father meets § 25b; the mother lacks spoken German A2.
    entry = _ago(t, years=7, months=2)
    family_statuses = [
        _status(*GESTATTUNG, entry, add_months(entry, 14)),
        _status(
            *DULDUNG, add_months(entry, 14) + dt.timedelta(days=1), renewal, identity_clarified_on=add_months(entry, 3)
        ),
    ]
    add(
        Person(
            "Dawit",
            "Kidane",
            "m",
            "ER",
            _ago(t, years=38, days=40),
            entry,
            family_statuses,
            "A2",
            education=[LID],
            work=[
                {
                    "occupation": "Lagerhelfer",
                    "employer": "Logistik Hafen",
                    "from_date": _ago(t, years=2),
                    "hours_per_week": 30,
                    "social_insurance": True,
                }
            ],
        )
    )
    add(Person("Senait", "Kidane", "f", "ER", _ago(t, years=35, days=100), entry, family_statuses, "A1"))
    add(Person("Luwam", "Kidane", "f", "ER", _ago(t, years=9, days=20), entry, family_statuses))

    # Selam Tesfamariam (ER), single mother: four years with a minor child complete in seven months.
    entry = _ago(t, years=3, months=5)
    add(
        Person(
            "Selam",
            "Tesfamariam",
            "f",
            "ER",
            _ago(t, years=31, days=10),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=2, months=1, days=1)),
                _status(*DULDUNG, _ago(t, years=2, months=1), renewal, identity_clarified_on=add_months(entry, 2)),
            ],
            "A2",
            education=[LID],
            work=[
                {
                    "occupation": "Reinigungskraft",
                    "employer": "Gebäudeservice",
                    "from_date": _ago(t, years=1),
                    "hours_per_week": 20,
                    "social_insurance": True,
                }
            ],
        )
    )
    add(
        Person(
            "Saba",
            "Tesfamariam",
            "f",
            "ER",
            _ago(t, years=5, days=30),
            entry,
            [_status(*DULDUNG, _ago(t, years=2, months=1), renewal)],
        )
    )

    # Jawad Hakimi (AF): a § 60b Duldung for two years – § 25b and § 60d are closed while it lasts.
    entry = _ago(t, years=8, months=3)
    add(
        Person(
            "Jawad",
            "Hakimi",
            "m",
            "AF",
            _ago(t, years=44, days=70),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=6, days=1)),
                _status(*DULDUNG, _ago(t, years=6), _ago(t, years=2, days=1)),
                _status(*DULDUNG_60B, _ago(t, years=2), _ahead(t, months=3), note="Passbeschaffung läuft"),
            ],
            "B1",
        )
    )

    # Nilofar Sultani (AF), 19, in vocational school: § 25a met.
    entry = _ago(t, years=5)
    sultani = [
        _status(*GESTATTUNG, entry, _ago(t, years=3, days=1)),
        _status(*DULDUNG, _ago(t, years=3), renewal, identity_clarified_on=add_months(entry, 6)),
    ]
    add(Person("Marzia", "Sultani", "f", "AF", _ago(t, years=45, days=5), entry, sultani, "A1"))
    add(
        Person(
            "Nilofar",
            "Sultani",
            "f",
            "AF",
            _ago(t, years=19, days=150),
            entry,
            sultani,
            "B1",
            education=[
                {
                    "kind": "school",
                    "country": "DE",
                    "institution": "Gesamtschule Nord",
                    "years": 4,
                    "certificate": "Hauptschulabschluss nach Klasse 10",
                }
            ],
        )
    )

    # Farid Noori (AF), 20: three years of stay complete in four months (§ 25a not yet met).
    entry = _ago(t, years=2, months=8)
    add(
        Person(
            "Farid",
            "Noori",
            "m",
            "AF",
            _ago(t, years=20, days=60),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=1, months=8, days=1)),
                _status(*DULDUNG, _ago(t, years=1, months=8), renewal),
            ],
            "B1",
            education=[
                {
                    "kind": "school",
                    "country": "DE",
                    "institution": "Internationale Förderklasse",
                    "years": 2.5,
                    "certificate": "Hauptschulabschluss",
                },
                {
                    "kind": "vocational",
                    "country": "DE",
                    "institution": "Berufskolleg Süd",
                    "from_year": t.year,
                    "certificate": "",
                },
            ],
        )
    )

    # Mehari Habte (ER): turns 27 in three months, three years of stay only in six – § 25a not met.
    entry = _ago(t, years=2, months=6)
    add(
        Person(
            "Mehari",
            "Habte",
            "m",
            "ER",
            _ago(t, years=27) + dt.timedelta(days=90),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=1, months=3, days=1)),
                _status(*DULDUNG, _ago(t, years=1, months=3), renewal),
            ],
            "A2",
            education=[
                {
                    "kind": "school",
                    "country": "DE",
                    "institution": "Berufskolleg Nord",
                    "years": 3,
                    "certificate": "Berufsorientierungsjahr",
                    "from_year": t.year - 2,
                }
            ],
        )
    )

    # Ahmad Safi (AF): training place from three months on, Duldung for ten months – § 60c met.
    entry = _ago(t, years=4)
    add(
        Person(
            "Ahmad",
            "Safi",
            "m",
            "AF",
            _ago(t, years=22, days=30),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, months=10, days=1)),
                _status(*DULDUNG, _ago(t, months=10), renewal, identity_clarified_on=add_months(entry, 4)),
            ],
            "B1",
        )
    )
    # Zabihullah Wardak (AF): Duldung only since a month – § 60c from the third month on.
    entry = _ago(t, years=3)
    add(
        Person(
            "Zabihullah",
            "Wardak",
            "m",
            "AF",
            _ago(t, years=24, days=200),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, months=1, days=1)),
                _status(*DULDUNG, _ago(t, months=1), renewal, identity_clarified_on=add_months(entry, 2)),
            ],
            "A2",
        )
    )
    # Filmon Tekle (ER): entered in March 2020, identity clarified only in 2022 – § 60c not met.
    entry = dt.date(2020, 3, 10)
    add(
        Person(
            "Filmon",
            "Tekle",
            "m",
            "ER",
            _ago(t, years=23, days=77),
            entry,
            [
                _status(*GESTATTUNG, entry, dt.date(2022, 2, 28), identity_steps_taken_on=dt.date(2021, 8, 2)),
                _status(*DULDUNG, dt.date(2022, 3, 1), renewal, identity_clarified_on=dt.date(2022, 5, 2)),
            ],
            "B1",
        )
    )
    # Murat Demir (TR): entered after 31.12.2022 – § 60d is not open to him.
    entry = max(_ago(t, years=2, months=11), dt.date(2023, 1, 15))
    add(
        Person(
            "Murat",
            "Demir",
            "m",
            "TR",
            _ago(t, years=29, days=12),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=1, days=1)),
                _status(*DULDUNG, _ago(t, years=1), renewal, identity_clarified_on=add_months(entry, 1)),
            ],
            "A2",
            work=[
                {
                    "occupation": "Koch",
                    "employer": "Restaurant",
                    "from_date": _ago(t, months=14),
                    "hours_per_week": 39,
                    "social_insurance": True,
                }
            ],
        )
    )
    # Nasir Rahimi (AF): § 60d met. Hamid Popal (AF): twelve months of work complete in four months.
    for given, family, born, job_start, hours in (
        ("Nasir", "Rahimi", _ago(t, years=33, days=80), _ago(t, years=3), 38),
        ("Hamid", "Popal", _ago(t, years=35, days=33), _ago(t, months=8), 25),
    ):
        entry = min(_ago(t, years=6, months=2), dt.date(2022, 6, 1))  # § 60d: entry by 31.12.2022
        add(
            Person(
                given,
                family,
                "m",
                "AF",
                born,
                entry,
                [
                    _status(*GESTATTUNG, entry, _ago(t, years=4, days=1)),
                    _status(*DULDUNG, _ago(t, years=4), renewal, identity_clarified_on=add_months(entry, 12)),
                ],
                "A2",
                work=[
                    {
                        "occupation": "Produktionshelfer",
                        "employer": "Metallbau",
                        "from_date": job_start,
                        "hours_per_week": hours,
                        "social_insurance": True,
                    }
                ],
            )
        )

    # § 104c holders: Khaled Mansour meets § 25b in time; Yusuf Othman will have three school years
    # before his permit ends (§ 25a); Rania Darwish cannot meet either before her permit ends.
    entry = _ago(t, years=10, months=1)
    mansour = [
        _status(*GESTATTUNG, entry, _ago(t, years=9, days=1)),
        _status(*DULDUNG_60B, _ago(t, years=9), _ago(t, years=1, days=1)),
        _status(*PERMIT_104C, _ago(t, years=1), _ahead(t, months=6), identity_clarified_on=_ago(t, months=3)),
    ]
    add(
        Person(
            "Khaled",
            "Mansour",
            "m",
            "SY",
            _ago(t, years=41, days=3),
            entry,
            mansour,
            "A2",
            education=[LID],
            work=[
                {
                    "occupation": "Bäckereihelfer",
                    "employer": "Bäckerei",
                    "from_date": _ago(t, years=2),
                    "hours_per_week": 25,
                    "social_insurance": True,
                }
            ],
        )
    )
    add(Person("Omar", "Mansour", "m", "SY", _ago(t, years=12, days=44), entry, mansour))
    entry = _ago(t, years=9, months=2)
    add(
        Person(
            "Yusuf",
            "Othman",
            "m",
            "SY",
            _ago(t, years=20, days=100),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=8, days=1)),
                _status(*DULDUNG, _ago(t, years=8), _ago(t, years=1, days=1)),
                _status(*PERMIT_104C, _ago(t, years=1), _ahead(t, months=7), identity_clarified_on=_ago(t, months=6)),
            ],
            "A1",
            education=[
                {
                    "kind": "school",
                    "country": "DE",
                    "institution": "Berufskolleg Süd",
                    "years": 2.5,
                    "from_year": t.year - 2,
                }
            ],
        )
    )
    entry = _ago(t, years=9)
    add(
        Person(
            "Rania",
            "Darwish",
            "f",
            "SY",
            _ago(t, years=50, days=9),
            entry,
            [
                _status(*GESTATTUNG, entry, _ago(t, years=7, days=1)),
                _status(*DULDUNG, _ago(t, years=7), _ago(t, years=1, months=3, days=1)),
                _status(
                    *PERMIT_104C,
                    _ago(t, years=1, months=3),
                    _ahead(t, days=80),
                    identity_clarified_on=_ago(t, months=8),
                ),
            ],
            "A1",
        )
    )
    return people


# name -> (check form answers beyond STANDARD_ANSWERS, expected outcomes on the seeding day)
CHECKS: dict[str, Check] = {
    "Dawit Kidane": Check({"livelihood_percent": "60"}, {"aufenthg_25b": "met", "aufenthg_25a": "not_met"}),
    "Senait Kidane": Check(
        {"livelihood_percent": "60", "knowledge_of_legal_order": "yes"}, {"aufenthg_25b": "not_met"}
    ),
    "Selam Tesfamariam": Check({"livelihood_percent": "55"}, {"aufenthg_25b": "not_yet"}),
    "Jawad Hakimi": Check(
        {"livelihood_percent": "0"}, {"aufenthg_25b": "not_met", "aufenthg_60d": "not_met", "aufenthg_60c": "not_met"}
    ),
    "Nilofar Sultani": Check({}, {"aufenthg_25a": "met"}),
    "Farid Noori": Check({}, {"aufenthg_25a": "not_yet"}),
    "Mehari Habte": Check({}, {"aufenthg_25a": "not_met"}),
    "Ahmad Safi": Check({"training_qualified": "yes", "training_start": "+3m"}, {"aufenthg_60c": "met"}),
    "Zabihullah Wardak": Check({"training_qualified": "yes", "training_start": "+4m"}, {"aufenthg_60c": "not_yet"}),
    "Filmon Tekle": Check({"training_qualified": "yes", "training_start": "+2m"}, {"aufenthg_60c": "not_met"}),
    "Murat Demir": Check(
        {"livelihood_percent": "100", "minor_children_in_household": "0"}, {"aufenthg_60d": "not_met"}
    ),
    "Nasir Rahimi": Check({"livelihood_percent": "100"}, {"aufenthg_60d": "met"}),
    "Hamid Popal": Check({"livelihood_percent": "100"}, {"aufenthg_60d": "not_yet"}),
    "Khaled Mansour": Check({"livelihood_percent": "60"}, {"aufenthg_104c_transition": "met"}),
    "Yusuf Othman": Check({}, {"aufenthg_104c_transition": "not_yet"}),
    "Rania Darwish": Check(
        {"livelihood_percent": "20", "knowledge_of_legal_order": "no"}, {"aufenthg_104c_transition": "not_met"}
    ),
}

# Households: (working name, [(name, relationship, childcare, institution)])
HOUSEHOLDS = [
    (
        "Familie Kidane",
        [
            ("Dawit Kidane", "head", "none", ""),
            ("Senait Kidane", "partner", "none", ""),
            ("Luwam Kidane", "child", "school", "Grundschule Lindenweg"),
        ],
    ),
    (
        "Familie Tesfamariam",
        [("Selam Tesfamariam", "head", "none", ""), ("Saba Tesfamariam", "child", "kita", "Kita Regenbogen")],
    ),
    (
        "Familie Sultani",
        [("Marzia Sultani", "head", "none", ""), ("Nilofar Sultani", "child", "vocational_school", "Berufskolleg Süd")],
    ),
    ("Haushalt Rahimi", [("Nasir Rahimi", "head", "none", "")]),
    ("Haushalt Popal", [("Hamid Popal", "head", "none", "")]),
    ("Haushalt Hakimi", [("Jawad Hakimi", "head", "none", "")]),
    (
        "Familie Mansour",
        [("Khaled Mansour", "head", "none", ""), ("Omar Mansour", "child", "school", "Realschule Süd")],
    ),
]
# Open cases of the demo case manager: households (family case type) and young adults.
FAMILY_CASES = ["Familie Kidane", "Familie Tesfamariam", "Familie Mansour"]
PERSON_CASES = ["Mehari Habte", "Farid Noori", "Yusuf Othman", "Rania Darwish", "Ahmad Safi"]


def training_start(answer: str, today: dt.date) -> str:
    """ "+3m" in ``CHECKS`` means three months after the day of the check."""
    return add_months(today, int(answer[1:-1])).isoformat() if answer.startswith("+") else answer


def form_answers(name: str, today: dt.date) -> dict[str, str]:
    """The full check form input for a demo person (as a case manager would enter it)."""
    answers = {**STANDARD_ANSWERS, **CHECKS[name].answers}
    if "training_start" in answers:
        answers["training_start"] = training_start(answers["training_start"], today)
    return answers


def seed(demo: DemoNetwork) -> int:
    """Create the demo people, households and cases; returns how many people were created."""
    actor = demo.memberships[CASE_MANAGER]
    with transaction.atomic():
        if Participant.objects.filter(
            network=demo.network,
            organisation=demo.organisations[ORGANISATION],
            given_name=MARKER[0],
            family_name=MARKER[1],
        ).exists():
            return 0
        today = timezone.localdate()
        created: dict[str, Participant] = {}
        for name, person in _people(today).items():
            participant = participant_services.register_participant(
                actor,
                {
                    "given_name": person.given,
                    "family_name": person.family,
                    "date_of_birth": person.born,
                    "sex": person.sex,
                    "nationalities": [person.nationality],
                    "entry_date": person.entry,
                    "district": "Coerde",
                },
            )
            for row in person.statuses:
                participant_services.add_detail(actor, participant, "statuses", row)
            if person.german:
                level = person.german
                participant_services.add_detail(
                    actor, participant, "languages", {"language": "de", "speaking": level, "listening": level}
                )
            for row in person.education:
                participant_services.add_detail(actor, participant, "education", row)
            for row in person.work:
                participant_services.add_detail(actor, participant, "work", {"country": "DE", **row})
            created[name] = participant
        households: dict[str, Household] = {}
        for working_name, members in HOUSEHOLDS:
            household = participant_services.create_household(actor, working_name)
            for name, relationship, childcare, institution in members:
                participant_services.add_household_member(
                    actor,
                    household,
                    created[name],
                    {"relationship": relationship, "childcare": childcare, "childcare_institution": institution},
                )
            households[working_name] = household
        family_type = CaseType.objects.filter(network=demo.network, name=FAMILY_CASE_TYPE, is_active=True).first()
        young_type = CaseType.objects.filter(network=demo.network, name=YOUNG_CASE_TYPE, is_active=True).first()
        if family_type is not None:
            for working_name in FAMILY_CASES:
                case_services.open_case(
                    actor,
                    case_type=family_type,
                    household=households[working_name],
                    referral_source="Bleiberechtsberatung",
                )
        if young_type is not None and family_type is not None:
            for name in PERSON_CASES:
                kind = young_type if (created[name].age_on(today) or 0) < 27 else family_type
                case_services.open_case(
                    actor, case_type=kind, participant=created[name], referral_source="Bleiberechtsberatung"
                )
        return len(created)
