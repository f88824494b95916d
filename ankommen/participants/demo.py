"""About 300 plainly synthetic participants for the demo network (issue [P]).

Names are drawn from pools of common given and family names of Syrian, Afghan, Iraqi,
Ukrainian, Turkish and Eritrean origin (in the Latin spelling of German documents, some also
in Arabic or Cyrillic script) and combined at random: no record describes a real person;
phone numbers use the 0000 block and BAMF numbers start with 9999. Households (families with
children at school or Kita, many young single adults), residence status histories along the
usual paths (Gestattung → Duldung → § 60b/§ 104c → § 25b, recognition under § 25 Abs. 2,
§ 24 for Ukrainians; some documents expiring within 60 days), languages with CEFR levels,
schooling and work. A handful of duplicates (other transliterations, swapped names, 01.01.
placeholders) sit in the same organisation for the review queue.

Deterministic (``random.Random(SEED)``; dates relative to the day of seeding) and idempotent:
if the demo network already has participants, nothing happens. Rows are bulk-created and
the duplicate-check keys are written with them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ankommen.network.demo import DemoNetwork
from ankommen.participants.keys import person_record_for, recount_name_keys
from ankommen.participants.matching import record_keys
from ankommen.participants.models import (
    ContactChannel,
    EducationRecord,
    Household,
    HouseholdMember,
    Identifier,
    LanguageSkill,
    NameVariant,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.participants.services import network_prefix

SEED = 20260101
TARGET = 300
ORGANISATIONS = (("ggua", "fallmanagement", 2), ("sozialamt", "sozialamt", 1))  # key, creator, weight

DISTRICTS = [
    "Kinderhaus",
    "Coerde",
    "Gievenbeck",
    "Hiltrup",
    "Gremmendorf",
    "Angelmodde",
    "Wolbeck",
    "Mecklenbeck",
    "Roxel",
    "Berg Fidel",
    "Innenstadt",
    "Sprakel",
    "Handorf",
]
KITAS = ["Kita Pusteblume", "Kita Sonnenschein", "Kita Regenbogen", "Familienzentrum Lindenweg"]
SCHOOLS = ["Grundschule Lindenweg", "Grundschule Am Stadtgraben", "Gesamtschule Nord", "Realschule Süd"]
VOCATIONAL_SCHOOLS = ["Berufskolleg Süd", "Berufskolleg Nord"]
INTERESTS = [
    "Fußball",
    "Kochen",
    "Nähen",
    "Radfahren",
    "Musik",
    "Malen",
    "Gärtnern",
    "Schach",
    "Ehrenamt im Sprachcafé",
    "Computer",
    "Theater",
]
STRENGTHS = [
    "zuverlässig",
    "handwerklich geschickt",
    "spricht mehrere Sprachen",
    "gut organisiert",
    "kontaktfreudig",
    "lernt schnell",
    "Erfahrung in der Pflege von Angehörigen",
    "Führerschein Klasse B",
]
OCCUPATIONS = [
    ("Schneider/in", "Schneiderin"),
    ("Koch/Köchin", "Restaurant"),
    ("Lagerhelfer/in", "Logistik"),
    ("Elektriker/in", "Handwerksbetrieb"),
    ("Friseur/in", "Salon"),
    ("Pflegehelfer/in", "Pflegedienst"),
    ("Verkäufer/in", "Supermarkt"),
    ("Bauhelfer/in", "Baufirma"),
    ("Lehrer/in", "Schule"),
    ("Fahrer/in", "Lieferdienst"),
]


@dataclass(frozen=True)
class Origin:
    country: str
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    languages: tuple[str, ...]  # first language first
    script: str = ""
    originals: dict[str, str] = field(default_factory=dict)
    entry_years: tuple[int, int] = (2015, 2023)
    places: tuple[str, ...] = ()


ARABIC = {
    "Mohammed": "محمد",
    "Ahmad": "أحمد",
    "Omar": "عمر",
    "Khaled": "خالد",
    "Ali": "علي",
    "Yusuf": "يوسف",
    "Hassan": "حسن",
    "Ibrahim": "إبراهيم",
    "Mahmoud": "محمود",
    "Fatima": "فاطمة",
    "Aisha": "عائشة",
    "Mariam": "مريم",
    "Noor": "نور",
    "Layla": "ليلى",
    "Rania": "رانيا",
    "Haddad": "حداد",
    "Khalil": "خليل",
    "Mansour": "منصور",
    "Nasser": "ناصر",
    "Saleh": "صالح",
    "Darwish": "درويش",
    "Hamdan": "حمدان",
    "Othman": "عثمان",
    "Haider": "حيدر",
    "Zahraa": "زهراء",
    "Hussein": "حسين",
    "Kareem": "كريم",
}
CYRILLIC = {
    "Oleksandr": "Олександр",
    "Andrii": "Андрій",
    "Dmytro": "Дмитро",
    "Serhii": "Сергій",
    "Mykola": "Микола",
    "Ivan": "Іван",
    "Olena": "Олена",
    "Iryna": "Ірина",
    "Nataliia": "Наталія",
    "Oksana": "Оксана",
    "Tetiana": "Тетяна",
    "Kateryna": "Катерина",
    "Kovalenko": "Коваленко",
    "Shevchenko": "Шевченко",
    "Bondarenko": "Бондаренко",
    "Tkachenko": "Ткаченко",
    "Kravchenko": "Кравченко",
    "Melnyk": "Мельник",
    "Boiko": "Бойко",
    "Moroz": "Мороз",
    "Lysenko": "Лисенко",
}

ORIGINS = (
    Origin(
        "SY",
        26,
        ("Mohammed", "Ahmad", "Omar", "Khaled", "Mahmoud", "Ali", "Yusuf", "Ibrahim", "Hassan", "Abdulrahman"),
        ("Fatima", "Aisha", "Mariam", "Noor", "Layla", "Rania", "Huda", "Amal", "Yasmin", "Salma"),
        ("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Hamdan", "Othman", "Suleiman"),
        ("ar", "kmr"),
        "arab",
        ARABIC,
        (2015, 2019),
        ("Aleppo", "Damaskus", "Homs", "Idlib", "Deir ez-Zor", "Qamischli"),
    ),
    Origin(
        "AF",
        22,
        ("Ahmad", "Mohammad", "Abdullah", "Farid", "Jawad", "Hamid", "Nasir", "Rahmatullah", "Sayed", "Zabihullah"),
        ("Fatima", "Zahra", "Maryam", "Nilofar", "Shabnam", "Parwana", "Marzia", "Soraya"),
        ("Ahmadi", "Rahimi", "Hashimi", "Karimi", "Hakimi", "Sultani", "Noori", "Popal", "Safi", "Wardak"),
        ("prs", "ps", "fa"),
        "arab",
        {},
        (2015, 2023),
        ("Kabul", "Herat", "Mazar-e Sharif", "Kandahar", "Ghazni"),
    ),
    Origin(
        "IQ",
        12,
        ("Haider", "Ali", "Mustafa", "Ahmed", "Zaid", "Murad", "Khider"),
        ("Zahraa", "Noor", "Shaima", "Ban", "Asmaa", "Jihan"),
        ("Al-Jubouri", "Al-Obaidi", "Hussein", "Kareem", "Murad", "Khalaf", "Hasso"),
        ("ar", "ckb", "kmr"),
        "arab",
        ARABIC,
        (2015, 2019),
        ("Mossul", "Bagdad", "Sindschar", "Erbil", "Dohuk"),
    ),
    Origin(
        "UA",
        22,
        ("Oleksandr", "Andrii", "Dmytro", "Serhii", "Mykola", "Ivan", "Yurii", "Bohdan"),
        ("Olena", "Iryna", "Nataliia", "Oksana", "Tetiana", "Yuliia", "Kateryna", "Anastasiia"),
        ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boiko", "Moroz", "Lysenko"),
        ("uk", "ru"),
        "cyrl",
        CYRILLIC,
        (2022, 2024),
        ("Charkiw", "Kyjiw", "Odesa", "Dnipro", "Mariupol", "Saporischschja"),
    ),
    Origin(
        "TR",
        8,
        ("Mehmet", "Mustafa", "Emre", "Hasan", "Murat", "Serdar", "Baran"),
        ("Ayse", "Zeynep", "Elif", "Fatma", "Emine", "Rojda"),
        ("Yilmaz", "Demir", "Kaya", "Celik", "Aydin", "Dogan", "Arslan"),
        ("tr", "kmr"),
        "",
        {},
        (2022, 2025),
        ("Diyarbakır", "Mardin", "Istanbul", "Van"),
    ),
    Origin(
        "ER",
        10,
        ("Tesfay", "Yonas", "Dawit", "Filmon", "Samuel", "Mehari", "Kidane", "Habte"),
        ("Helen", "Selam", "Senait", "Mebrat", "Luwam", "Freweyni", "Saba"),
        ("Tesfamariam", "Gebremichael", "Haile", "Tekle", "Berhane", "Ghebreyesus", "Woldu", "Kahsay"),
        ("ti", "ar"),
        "",
        {},
        (2014, 2020),
        ("Asmara", "Keren", "Mendefera", "Dekemhare"),
    ),
)

# (given, family, birth date, precision, sex) of an existing person → a second registration of them.
DUPLICATES = [
    (("Mohammed", "Al-Hassan", "1995-03-12", "m", "SY"), ("Muhammad", "Alhasan", "1995-03-12", "m", "SY")),
    (("Hussein", "Rahimi", "1998-01-01", "m", "AF"), ("Rahimi", "Husain", "1998", "m", "AF")),
    (("Oleksandr", "Kovalenko", "1987-11-02", "m", "UA"), ("Aleksandr", "Kowalenko", "1987-11-02", "m", "UA")),
    (("Yusuf", "Haddad", "2001-01-01", "m", "SY"), ("Youssef", "Hadad", "2001-06-18", "m", "SY")),
    (("Tesfay", "Gebremichael", "1999-07-20", "m", "ER"), ("Tesfaye", "Gebremikael", "1999-07-20", "m", "ER")),
    (("Abdulrahman", "Saleh", "2003-04-04", "m", "SY"), ("Abd al-Rahman", "Salih", "2003-04-04", "m", "SY")),
    (("Zahra", "Hashimi", "2004-01-01", "f", "AF"), ("Zahra", "Hashemi", "2004-01-01", "f", "AF")),
]


@dataclass
class _Person:
    participant: Participant
    variants: list[tuple[str, str]] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)


class _Builder:
    def __init__(self, demo: DemoNetwork) -> None:
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.network = demo.network
        self.prefix = network_prefix(demo.network.slug)
        self.organisations = [(demo.organisations[o], demo.memberships[u].user, w) for o, u, w in ORGANISATIONS]
        self.people: list[_Person] = []
        self.households: list[tuple[Household, list[tuple[_Person, dict[str, str]]]]] = []
        self.counter = 0

    # --- people ------------------------------------------------------------------------------

    def _date(self, age: int) -> dt.date:
        born = self.today - dt.timedelta(days=age * 365 + self.rng.randrange(365))
        return born

    def person(
        self,
        organisation: Any,
        creator: Any,
        origin: Origin,
        sex: str,
        age: int,
        family: str,
        *,
        given: str | None = None,
        adult: bool = True,
        entry: dt.date | None = None,
    ) -> _Person:
        rng = self.rng
        given = given or rng.choice(origin.male if sex == "m" else origin.female)
        born = self._date(age)
        precision = "exact"
        if adult and origin.country in ("AF", "ER") and rng.random() < 0.35:
            born = born.replace(month=1, day=1)  # the 01.01. placeholder of many documents
        elif adult and rng.random() < 0.05:
            born, precision = born.replace(month=1, day=1), "year"
        self.counter += 1
        original = {}
        if origin.originals and given in origin.originals and rng.random() < 0.6:
            original = {
                "given_name_original": origin.originals[given],
                "family_name_original": origin.originals.get(family, ""),
                "original_script": origin.script,
            }
        german = rng.choice(["", "pre_a1", "A1", "A2", "B1", "B2", "C1"]) if adult else "B1"
        participant = Participant(
            network=self.network,
            organisation=organisation,
            reference=f"{self.prefix}-{self.counter:06d}",
            given_name=given,
            family_name=family,
            date_of_birth=born,
            birth_date_precision=precision,
            sex=sex,
            nationalities=[origin.country],  # type: ignore[misc]  # CountryField(multiple=True) takes a list
            place_of_birth=rng.choice(origin.places) if rng.random() < 0.7 else "",
            entry_date=entry,
            interpreter_needed=adult and german in ("", "pre_a1", "A1"),
            interpreter_language=origin.languages[0] if adult and german in ("", "pre_a1", "A1") else "",
            accommodation="",
            district=rng.choice(DISTRICTS),
            interests=", ".join(rng.sample(INTERESTS, 2)) if adult and rng.random() < 0.6 else "",
            strengths=", ".join(rng.sample(STRENGTHS, 2)) if adult and rng.random() < 0.5 else "",
            created_by=creator,
            **original,
        )
        person = _Person(participant)
        if adult:
            self._adult_details(person, origin, german, age)
        self.people.append(person)
        return person

    def _adult_details(self, person: _Person, origin: Origin, german: str, age: int) -> None:
        rng = self.rng
        p = person.participant
        first = origin.languages[0]
        person.rows.append(LanguageSkill(language=first, speaking="native", listening="native", reading="native"))
        if len(origin.languages) > 1 and rng.random() < 0.4:
            level = rng.choice(["A2", "B1", "B2"])
            person.rows.append(LanguageSkill(language=origin.languages[1], speaking=level, listening=level))
        if german:
            lower = {"pre_a1": "pre_a1", "A1": "pre_a1", "A2": "A1", "B1": "A2", "B2": "B1", "C1": "B2"}[german]
            person.rows.append(
                LanguageSkill(
                    language="de",
                    speaking=german,
                    listening=german,
                    reading=lower,
                    writing=lower,
                    certificate="DTZ B1" if german in ("B1", "B2", "C1") and rng.random() < 0.6 else "",
                )
            )
        if rng.random() < 0.3:
            person.rows.append(LanguageSkill(language="en", speaking="A2", listening="B1", reading="A2"))
        kind = rng.choices(["phone", "messenger", "none"], [5, 4, 1])[0]
        number = f"0151 0000 {rng.randrange(10000):04d}"
        person.rows.append(ContactChannel(kind=kind, value="" if kind == "none" else number, preferred=kind != "none"))
        years = rng.choice([0, 4, 6, 9, 12, 12])
        if years:
            person.rows.append(EducationRecord(kind="school", country=origin.country, years=years, certificate=""))
        if years >= 12 and rng.random() < 0.35:
            person.rows.append(
                EducationRecord(
                    kind=rng.choice(["vocational", "university"]),
                    country=origin.country,
                    certificate=rng.choice(["Bachelor Informatik", "Diplom Bauingenieurwesen", "Krankenpflege"]),
                    recognition=rng.choice(["not_started", "in_progress", "recognised", "partial"]),
                )
            )
        if age >= 20 and rng.random() < 0.5:
            occupation, employer = rng.choice(OCCUPATIONS)
            person.rows.append(WorkRecord(occupation=occupation, employer=employer, country=origin.country))
        if rng.random() < 0.08:
            p.vulnerabilities = [rng.choice(["psychosocial_support", "literacy", "disability_support", "care"])]

    # --- residence status history --------------------------------------------------------------

    def statuses(self, person: _Person, origin: Origin, entry: dt.date, age: int) -> None:
        rng, today = self.rng, self.today
        p = person.participant
        rows: list[ResidenceStatus] = []

        def add(status: str, basis: str, start: dt.date, end: dt.date | None, **extra: Any) -> None:
            rows.append(
                ResidenceStatus(
                    status=status,
                    legal_basis=basis,
                    valid_from=start,
                    valid_to=end,
                    document_number=f"Y{rng.randrange(10**7):07d}",
                    **extra,
                )
            )

        def until(start: dt.date, months: int) -> dt.date:
            return start + dt.timedelta(days=months * 30)

        # The current document expires: soon (≈ 1 in 7), already (≈ 1 in 25), or later.
        roll = rng.random()
        current_end = today + dt.timedelta(
            days=rng.randrange(5, 59)
            if roll < 0.14
            else -rng.randrange(3, 40)
            if roll < 0.18
            else rng.randrange(90, 900)
        )
        if origin.country == "UA":
            add("fiktion", "AufenthG § 81 Abs. 3", entry, until(entry, 3), employment="yes")
            add("aufenthaltserlaubnis", "AufenthG § 24", until(entry, 3), dt.date(2027, 3, 4), employment="yes")
            p.accommodation = rng.choice(["flat", "flat", "shared"])
        elif entry > today - dt.timedelta(days=400):
            add("ankunftsnachweis", "AsylG § 63a", entry, until(entry, 1), employment="no")
            add(
                "gestattung",
                "AsylG § 55",
                until(entry, 1),
                current_end,
                employment="no",
                residence_obligation=True,
                residence_obligation_place="Münster",
            )
            p.accommodation = rng.choice(["zue", "shared"])
            person.rows.append(
                Identifier(kind="bamf", value=f"9999{rng.randrange(10**3):03d}-{rng.randrange(400, 499)}")
            )
        else:
            asylum_end = until(entry, rng.randrange(6, 20))
            add("gestattung", "AsylG § 55", entry, asylum_end, employment="permission")
            person.rows.append(
                Identifier(kind="bamf", value=f"9999{rng.randrange(10**3):03d}-{rng.randrange(400, 499)}")
            )
            path = rng.random()
            if origin.country in ("SY", "ER") or path < 0.3:
                basis = rng.choice(["AufenthG § 25 Abs. 2 S. 1 Alt. 1", "AufenthG § 25 Abs. 2 S. 1 Alt. 2"])
                start = asylum_end + dt.timedelta(days=1)
                if start < today - dt.timedelta(days=5 * 365) and rng.random() < 0.5:
                    add("aufenthaltserlaubnis", basis, start, until(start, 36), employment="yes")
                    settled = until(start, 36) + dt.timedelta(days=1)
                    add("niederlassungserlaubnis", "AufenthG § 26 Abs. 3", settled, None, employment="yes")
                else:
                    add("aufenthaltserlaubnis", basis, start, current_end, employment="yes", residence_obligation=True)
            else:
                start = asylum_end + dt.timedelta(days=1)
                step = until(start, rng.randrange(12, 30))
                if rng.random() < 0.3:
                    add(
                        "duldung_60b",
                        "AufenthG § 60b",
                        start,
                        step,
                        employment="no",
                        note="Passbeschaffung läuft",
                    )
                else:
                    add("duldung", "AufenthG § 60a Abs. 2 S. 1", start, step, employment="permission")
                nxt = step + dt.timedelta(days=1)
                choice = rng.random()
                if nxt < dt.date(2023, 1, 1) and choice < 0.35:
                    add(
                        "aufenthaltserlaubnis",
                        "AufenthG § 104c",
                        dt.date(2023, 3, 1),
                        dt.date(2024, 9, 1),
                        employment="yes",
                        identity_clarified_on=dt.date(2024, 5, 2),
                    )
                    add("aufenthaltserlaubnis", "AufenthG § 25b", dt.date(2024, 9, 2), current_end, employment="yes")
                elif age <= 27 and choice < 0.6:
                    add("duldung_60c", "AufenthG § 60c", nxt, current_end, employment="yes")
                elif choice < 0.75:
                    add(
                        "duldung_60d",
                        "AufenthG § 60d",
                        nxt,
                        current_end,
                        employment="yes",
                        identity_clarified_on=nxt - dt.timedelta(days=60),
                    )
                else:
                    add(
                        "duldung",
                        "AufenthG § 60a Abs. 2 S. 1",
                        nxt,
                        current_end,
                        employment="permission",
                        identity_steps_taken_on=nxt + dt.timedelta(days=90)
                        if nxt + dt.timedelta(days=90) < today
                        else None,
                    )
            p.accommodation = rng.choice(["shared", "flat", "flat"])
        person.rows.extend(rows)

    # --- households --------------------------------------------------------------------------

    def household(self) -> None:
        rng = self.rng
        organisation, creator, _weight = rng.choices(self.organisations, [w for _o, _u, w in self.organisations])[0]
        origin = rng.choices(ORIGINS, [o.weight for o in ORIGINS])[0]
        family = rng.choice(origin.family)
        entry = dt.date(rng.randint(*origin.entry_years), rng.randint(1, 12), rng.randint(1, 28))
        entry = min(entry, self.today - dt.timedelta(days=20))
        shape = rng.choices(["single", "family", "single_parent", "couple"], [45, 35, 12, 8])[0]

        def adult(sex: str, age: int, surname: str = family) -> _Person:
            person = self.person(organisation, creator, origin, sex, age, surname, entry=entry)
            self.statuses(person, origin, entry, age)
            return person

        if shape == "single":
            age = rng.choice([18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 33, 41])
            sex = "m" if rng.random() < 0.7 else "f"
            adult(sex, age)
            return
        members: list[tuple[_Person, dict[str, str]]] = []
        mother_age = rng.randint(24, 48)
        if shape in ("family", "couple"):
            members.append((adult("m", mother_age + rng.randint(0, 6)), {"relationship": "head"}))
            members.append((adult("f", mother_age), {"relationship": "partner"}))
        else:
            head = adult("f", mother_age)
            head.participant.vulnerabilities = ["single_parent"]
            members.append((head, {"relationship": "head"}))
        if shape != "couple":
            for _child in range(rng.choice([1, 2, 2, 3, 4])):
                age = rng.randint(0, min(17, mother_age - 18))
                sex = rng.choice("mf")
                child = self.person(organisation, creator, origin, sex, age, family, adult=False, entry=entry)
                if 18 > age >= 16 and rng.random() < 0.5:
                    child.rows.append(LanguageSkill(language="de", speaking="B1", listening="B1", reading="A2"))
                self.statuses(child, origin, entry, age)
                childcare = "none"
                institution = ""
                if 1 <= age <= 5:
                    childcare, institution = "kita", rng.choice(KITAS)
                elif 6 <= age <= 15:
                    childcare, institution = "school", rng.choice(SCHOOLS)
                elif age >= 16:
                    childcare, institution = "vocational_school", rng.choice(VOCATIONAL_SCHOOLS)
                members.append(
                    (child, {"relationship": "child", "childcare": childcare, "childcare_institution": institution})
                )
        household = Household(
            network=self.network,
            organisation=organisation,
            reference=f"{self.prefix}-H{len(self.households) + 1:06d}",
            name=f"Familie {family}",
            benefit_unit=True,
        )
        self.households.append((household, members))

    def duplicates(self) -> None:
        organisation, creator, _w = self.organisations[0]
        origins = {o.country: o for o in ORIGINS}
        for first, second in DUPLICATES:
            for given, family, born, sex, country in (first, second):
                origin = origins[country]
                person = self.person(organisation, creator, origin, sex, 25, family, given=given)
                person.participant.date_of_birth = dt.date.fromisoformat(born if len(born) == 10 else f"{born}-01-01")
                person.participant.birth_date_precision = "year" if len(born) == 4 else "exact"
                entry = dt.date(origin.entry_years[0] + 1, 3, 1)
                person.participant.entry_date = entry
                self.statuses(person, origin, entry, 25)
            if second[0].startswith("Abd al"):
                self.people[-1].variants.append(("Abdul Rahman", "Saleh"))

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> int:
        participants = [person.participant for person in self.people]
        Participant.objects.bulk_create(participants)
        children: dict[Any, list[Any]] = {}
        variants = []
        for person in self.people:
            for row in person.rows:
                row.network = self.network
                row.participant = person.participant
                children.setdefault(type(row), []).append(row)
            for given, family in person.variants:
                variants.append(
                    NameVariant(
                        network=self.network, participant=person.participant, given_name=given, family_name=family
                    )
                )
        for model, rows in children.items():
            model.objects.bulk_create(rows)
        NameVariant.objects.bulk_create(variants)
        Household.objects.bulk_create([household for household, _members in self.households])
        HouseholdMember.objects.bulk_create(
            [
                HouseholdMember(network=self.network, household=household, participant=person.participant, **values)
                for household, members in self.households
                for person, values in members
            ]
        )
        keys = []
        for person in self.people:
            record = person_record_for(person.participant, variants=person.variants)
            keys += [
                ParticipantNameKey(network=self.network, participant=person.participant, key=key)
                for key in record_keys(record)
            ]
        ParticipantNameKey.objects.bulk_create(keys, batch_size=2000)
        recount_name_keys(self.network.pk)
        return len(participants)


def seed(demo: DemoNetwork) -> int:
    """Create the demo participants; returns how many were created (0 when they exist already)."""
    with transaction.atomic():
        if Participant.objects.filter(network=demo.network).exists():
            return 0
        builder = _Builder(demo)
        builder.duplicates()
        while len(builder.people) < TARGET:
            builder.household()
        return builder.save()
