"""Demo offers (issue [O]): the offers the seed documents name for the Modellprojekt Integration at
the ZUE Münster, plus the network's German courses and meeting points, with sessions from ten weeks
ago to eight weeks ahead, enrolments of GGUA's and the Sozialamt's demo participants (some offers
full, with waiting lists), attendance of past sessions and participant cards; referrals to the IHK
and the employment agency and a seat-allocation preview for a new German course (``demo_flows``).

- Kreishandwerkerschaft Münster: hands-on workshop "Maurer- und Straßenbau" at the Lehrbauhof,
  vocational orientation in the crafts.
- Polizei Münster (counts only): legal system, traffic education, victim protection – seven past
  sessions with 12 to 30 participants each, as in the one-year report.
- Agentur für Arbeit: information on work and training at the ZUE (six dates, 125 participants).
- IHK Nord Westfalen: perspective counselling on training (four dates, 74 participants).
- SC Preußen Münster (FANport) football, Cactus Junges Theater workshop, language support and daily
  structure at the ZUE, Sprachcafé Hiltrup, Fahrradwerkstatt Gremmendorf, and two German courses
  of the Volkshochschule (added as a demo organisation) with entitlement paths. The "admission"
  path is closed network-wide, as by the BAMF's stop for the 2026 budget year (DOMAIN §3.2).

Enrolments go through the services (so waiting lists, promotions and the audit log look as they
would in use). Deterministic; idempotent: nothing happens if the demo network already has offers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ankommen.accounts.models import User
from ankommen.network.demo import DemoNetwork
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.offers import services
from ankommen.offers.choices import AttendanceMethod, EnrolmentStatus, OfferStatus
from ankommen.offers.models import Attendance, Enrolment, EntitlementPathState, Offer, Session
from ankommen.offers.services import OfferError
from ankommen.participants.models import Participant

SEED = 20261031
WEEKS_BACK = 10
WEEKS_AHEAD = 8
VHS = ("Volkshochschule Münster", "VHS Münster", "Aegidiimarkt 3", "48143")
ZUE_ADDRESS = "ZUE Münster, Albersloher Weg 250"


@dataclass
class Plan:
    """One demo offer: catalogue fields, its dates and how full it gets."""

    org: str
    values: dict[str, Any]
    weekdays: tuple[int, ...]  # 0 = Monday
    start: tuple[int, int]
    minutes: int
    weeks_back: int = WEEKS_BACK
    weeks_ahead: int = WEEKS_AHEAD
    every: int = 1  # every n-th week
    requests: int = 0  # people to enrol (beyond capacity: waiting list)
    past_counts: list[int] = field(default_factory=list)  # counts-only offers: people per past session
    path: str = ""


def _plans() -> list[Plan]:
    zue = {"at_zue": True, "address": ZUE_ADDRESS, "district": "Gremmendorf"}
    return [
        Plan(
            "khw",
            {
                "title": "Mitmachangebot Maurer- und Straßenbau am Lehrbauhof",
                "description": (
                    "Praktisch ausprobieren: Mauern, Pflastern, Vermessen. Ausbilderinnen und Ausbilder der "
                    "Kreishandwerkerschaft zeigen, wie der Berufsalltag im Bauhandwerk aussieht. "
                    "Arbeitskleidung und Sicherheitsschuhe werden gestellt."
                ),
                "translations": {
                    "en": {
                        "title": "Hands-on bricklaying and road building at the Lehrbauhof",
                        "description": "Try it out: bricklaying, paving, surveying. Work clothes and safety shoes provided.",
                    }
                },
                "category": "workshop",
                "field_of_action": "work_training",
                "age_min": 16,
                "age_max": 35,
                "languages": ["de", "ar", "en"],
                "address": "Lehrbauhof, Kesslerweg 38",
                "district": "Gievenbeck",
                "step_free": False,
                "accessibility_note": "Baustellengelände, festes Schuhwerk nötig",
                "contact": "Kreishandwerkerschaft Münster, Ausbildungsberatung",
                "capacity": 8,
                "enrolment_unit": "course",
                "is_public": True,
            },
            (2,),
            (9, 0),
            240,
            weeks_back=3,
            weeks_ahead=3,
            requests=11,
        ),
        Plan(
            "khw",
            {
                "title": "Berufsorientierung im Handwerk",
                "description": "Welche Handwerksberufe gibt es, wie läuft eine Ausbildung, was verdient man? Mit Betriebsbesuch.",
                "category": "vocational_orientation",
                "field_of_action": "work_training",
                "age_min": 16,
                "languages": ["de", "en"],
                "min_german_level": "A2",
                **zue,
                "capacity": 15,
                "enrolment_unit": "session",
            },
            (0,),
            (13, 0),
            120,
            weeks_back=4,
            weeks_ahead=6,
            every=2,
            requests=9,
        ),
        Plan(
            "police",
            {
                "title": "Rechtsstaat und Zusammenleben in Deutschland",
                "description": "Offene Informationsveranstaltung der Polizei Münster: Grundrechte, Gleichberechtigung, Umgang mit Behörden. Mit Dolmetschung.",
                "category": "legal_information",
                "field_of_action": "social_participation",
                "languages": ["de", "ar", "fa", "ps"],
                **zue,
                "capacity": 40,
                "enrolment_unit": "session",
                "is_public": True,
            },
            (3,),
            (17, 0),
            90,
            weeks_back=7,
            weeks_ahead=4,
            past_counts=[12, 18, 30, 22, 15, 27, 19],
        ),
        Plan(
            "police",
            {
                "title": "Verkehrserziehung: Sicher unterwegs mit dem Fahrrad",
                "description": "Verkehrsregeln, Licht und Bremsen, Fahrübungen im Schonraum. Zusammen mit der Verkehrswacht.",
                "category": "legal_information",
                "field_of_action": "social_participation",
                "languages": ["de", "ar", "ti"],
                **zue,
                "capacity": 20,
                "enrolment_unit": "session",
            },
            (4,),
            (10, 0),
            120,
            weeks_back=4,
            weeks_ahead=4,
            every=2,
            past_counts=[14, 20],
        ),
        Plan(
            "police",
            {
                "title": "Opferschutz: Hilfe bei Gewalt und Bedrohung",
                "description": "Wo gibt es Hilfe, wie erstattet man Anzeige, welche Rechte haben Betroffene? Auch in getrennten Gruppen für Frauen.",
                "category": "legal_information",
                "field_of_action": "social_participation",
                "languages": ["de", "ar", "fa", "uk"],
                **zue,
                "capacity": 25,
                "enrolment_unit": "session",
            },
            (1,),
            (15, 0),
            90,
            weeks_back=6,
            weeks_ahead=6,
            every=3,
            past_counts=[16, 21],
        ),
        Plan(
            "aa",
            {
                "title": "Arbeit und Ausbildung in Deutschland – Informationsveranstaltung",
                "description": "Die Agentur für Arbeit Ahlen-Münster informiert über Arbeitserlaubnis, Anerkennung von Abschlüssen und Wege in Ausbildung.",
                "category": "placement",
                "field_of_action": "work_training",
                "languages": ["de", "ar", "en", "uk"],
                **zue,
                "capacity": 30,
                "enrolment_unit": "session",
                "attendance_mode": "counts",
            },
            (1,),
            (10, 0),
            120,
            weeks_back=6,
            weeks_ahead=2,
            past_counts=[18, 24, 19, 22, 20, 22],
        ),
        Plan(
            "ihk",
            {
                "title": "Perspektivberatung Ausbildung (IHK und HWK)",
                "description": "Einzel- und Gruppenberatung zu Ausbildungsberufen in Industrie, Handel und Handwerk.",
                "category": "counselling",
                "field_of_action": "work_training",
                "age_min": 16,
                "age_max": 30,
                "languages": ["de", "en"],
                **zue,
                "capacity": 25,
                "enrolment_unit": "session",
                "attendance_mode": "counts",
            },
            (2,),
            (14, 0),
            150,
            weeks_back=8,
            weeks_ahead=4,
            every=2,
            past_counts=[17, 21, 16, 20],
        ),
        Plan(
            "scp",
            {
                "title": "Fußballtraining mit dem FANport",
                "description": "Offenes Training mit SC Preußen Münster und der Outlaw gGmbH. Sportkleidung wird gestellt.",
                "category": "sport",
                "field_of_action": "social_participation",
                "age_min": 14,
                "gender": "all",
                "languages": ["de", "ar", "fa"],
                "address": "Sportpark Preußen, Hammer Straße 302",
                "district": "Geist",
                "step_free": True,
                "capacity": 20,
                "enrolment_unit": "course",
                "is_public": True,
            },
            (1, 3),
            (16, 30),
            90,
            requests=14,
        ),
        Plan(
            "cactus",
            {
                "title": "Theaterwerkstatt „Ankommen“",
                "description": "Junge Menschen entwickeln gemeinsam ein Theaterstück. Keine Vorkenntnisse nötig.",
                "category": "culture",
                "field_of_action": "social_participation",
                "age_min": 14,
                "age_max": 27,
                "languages": ["de", "en"],
                "address": "Cactus Junges Theater, Bismarckallee 28",
                "district": "Innenstadt",
                "step_free": True,
                "capacity": 12,
                "enrolment_unit": "course",
            },
            (4,),
            (15, 0),
            150,
            requests=12,
        ),
        Plan(
            "bezreg",
            {
                "title": "Deutsch-Einstieg in der ZUE",
                "description": "Erste Wörter und Sätze für den Alltag: Einkaufen, Arzt, Behörden. Täglich am Vormittag.",
                "category": "language",
                "field_of_action": "education_language",
                "languages": ["de"],
                **zue,
                "step_free": True,
                "childcare": True,
                "capacity": 18,
                "enrolment_unit": "course",
            },
            (0, 1, 2, 3, 4),
            (9, 30),
            90,
            weeks_back=2,
            weeks_ahead=4,
            requests=20,
        ),
        Plan(
            "bezreg",
            {
                "title": "Tagesstruktur: Gemeinschaftsgarten und Werkraum",
                "description": "Gemeinsam gärtnern, reparieren und kochen: ein fester Rhythmus für die Woche.",
                "category": "daily_structure",
                "field_of_action": "social_participation",
                "languages": ["de", "ar", "fa"],
                **zue,
                "capacity": 15,
                "enrolment_unit": "course",
            },
            (0, 2),
            (14, 0),
            120,
            requests=8,
        ),
        Plan(
            "sprachcafe",
            {
                "title": "Sprachcafé – Deutsch sprechen bei Kaffee und Kuchen",
                "description": "Ehrenamtliche sprechen mit Ihnen Deutsch, ganz ohne Druck. Kinder sind willkommen.",
                "category": "meeting_point",
                "field_of_action": "social_participation",
                "languages": ["de"],
                "address": "Marktallee 40",
                "district": "Hiltrup",
                "step_free": True,
                "childcare": True,
                "capacity": 25,
                "enrolment_unit": "course",
                "is_public": True,
            },
            (3,),
            (15, 0),
            120,
            requests=6,
        ),
        Plan(
            "fahrrad",
            {
                "title": "Offene Fahrradwerkstatt",
                "description": "Räder reparieren lernen und ein gespendetes Rad fit machen.",
                "category": "workshop",
                "field_of_action": "social_participation",
                "languages": ["de", "ar", "ti"],
                "address": "Heidegrund 1",
                "district": "Gremmendorf",
                "capacity": 10,
                "enrolment_unit": "session",
            },
            (5,),
            (10, 0),
            180,
            weeks_back=3,
            weeks_ahead=4,
            requests=7,
        ),
        Plan(
            "vhs",
            {
                "title": "Integrationskurs (allgemein), Module 1–3",
                "description": "Allgemeiner Integrationskurs mit Ziel B1 (DTZ), vormittags, vier Tage pro Woche.",
                "category": "language",
                "field_of_action": "education_language",
                "age_min": 18,
                "languages": ["de"],
                "is_german_course": True,
                "entitlement_paths": ["entitlement", "obligation", "admission", "self_payer"],
                "address": "Aegidiimarkt 3",
                "district": "Innenstadt",
                "step_free": True,
                "childcare": True,
                "is_free": False,
                "cost_note": "Kostenbeitrag nach BAMF-Regeln (Befreiung möglich)",
                "capacity": 20,
                "enrolment_unit": "course",
            },
            (0, 1, 2, 3),
            (8, 30),
            225,
            weeks_back=3,
            weeks_ahead=WEEKS_AHEAD,
            requests=16,
            path="obligation",
        ),
        Plan(
            "vhs",
            {
                "title": "Jugendintegrationskurs (bis 27 Jahre)",
                "description": "Integrationskurs für junge Erwachsene mit Berufsorientierung, Ziel B1.",
                "category": "language",
                "field_of_action": "education_language",
                "age_min": 16,
                "age_max": 27,
                "languages": ["de"],
                "is_german_course": True,
                "entitlement_paths": ["entitlement", "obligation", "admission"],
                "address": "Aegidiimarkt 3",
                "district": "Innenstadt",
                "step_free": True,
                "capacity": 16,
                "enrolment_unit": "course",
            },
            (0, 2, 4),
            (13, 0),
            180,
            weeks_back=1,
            weeks_ahead=WEEKS_AHEAD,
            requests=6,
            path="entitlement",
        ),
    ]


def _organisations(demo: DemoNetwork) -> dict[str, Organisation]:
    organisations = dict(demo.organisations)
    name, short, street, postal = VHS
    organisations["vhs"], _ = Organisation.objects.get_or_create(
        network=demo.network,
        name=name,
        defaults={
            "short_name": short,
            "type": OrganisationType.EDUCATION_PROVIDER,
            "street": street,
            "postal_code": postal,
            "city": "Münster",
            "joined_on": dt.date(2019, 2, 1),
        },
    )
    return organisations


def _dates(plan: Plan, today: dt.date) -> list[dt.date]:
    """The plan's dates; offers with reported past figures have this week's dates from tomorrow
    on only, so their past sessions are exactly the reported ones."""
    monday = today - dt.timedelta(days=today.weekday())
    days = []
    for week in range(-plan.weeks_back, plan.weeks_ahead + 1):
        if week % plan.every:
            continue
        for weekday in plan.weekdays:
            day = monday + dt.timedelta(weeks=week, days=weekday)
            if plan.past_counts and week == 0 and day <= today:
                continue
            days.append(day)
    return sorted(days)


def _sessions(offer: Offer, plan: Plan, today: dt.date) -> list[Session]:
    zone = timezone.get_current_timezone()
    rows = []
    for day in _dates(plan, today):
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(*plan.start)), zone)
        rows.append(
            Session(
                network=offer.network, offer=offer, starts_at=start, ends_at=start + dt.timedelta(minutes=plan.minutes)
            )
        )
    return Session.objects.bulk_create(rows)


def _record_past_counts(sessions: list[Session], counts: list[int], user: User) -> None:
    past = [s for s in sessions if s.starts_at < timezone.now()]
    for session, count in zip(reversed(past), reversed(counts), strict=False):
        session.counted_attendance = count
        session.attendance_recorded_at = session.ends_at
        session.attendance_recorded_by = user
        session.save(update_fields=["counted_attendance", "attendance_recorded_at", "attendance_recorded_by"])


def _record_past_attendance(offer: Offer, sessions: list[Session], rng: random.Random, user: User) -> None:
    """Named attendance of the past sessions of a course offer: most people came most of the time."""
    seated = list(Enrolment.objects.filter(offer=offer, session__isnull=True, status=EnrolmentStatus.ENROLLED))
    rows = []
    for session in sessions:
        if session.starts_at >= timezone.now() - dt.timedelta(hours=3):
            continue
        for enrolment in seated:
            rows.append(
                Attendance(
                    network=offer.network,
                    session=session,
                    enrolment=enrolment,
                    present=rng.random() < 0.85,
                    method=rng.choice([AttendanceMethod.LIST, AttendanceMethod.CARD]),
                    recorded_by=user,
                    recorded_at=session.ends_at,
                )
            )
        session.attendance_recorded_at = session.ends_at
        session.attendance_recorded_by = user
        session.save(update_fields=["attendance_recorded_at", "attendance_recorded_by"])
    Attendance.objects.bulk_create(rows)


def _candidates(demo: DemoNetwork) -> list[tuple[Membership, Participant]]:
    """Adult participants of GGUA and the Sozialamt, each with the case manager who enrols them."""
    people = []
    for org_key, login in (("ggua", "fallmanagement"), ("sozialamt", "sozialamt")):
        actor = demo.memberships[login]
        for person in Participant.objects.filter(
            network=demo.network, organisation=demo.organisations[org_key], merged_into__isnull=True
        ).order_by("pk"):
            age = person.age_on(timezone.localdate())
            if age is not None and 16 <= age <= 45:
                people.append((actor, person))
    return people


def _enrol(
    plan: Plan, offer: Offer, sessions: list[Session], people: list[tuple[Membership, Participant]], rng: random.Random
) -> int:
    if not plan.requests or not people:
        return 0
    upcoming = [s for s in sessions if s.starts_at > timezone.now()]
    done = 0
    for actor, person in rng.sample(people, min(len(people), plan.requests * 3)):
        if done >= plan.requests:
            break
        session = rng.choice(upcoming[:3]) if offer.is_per_session and upcoming else None
        if offer.is_per_session and session is None:
            break
        try:
            services.enrol_participant(actor, offer, person, session=session, path=plan.path)
        except OfferError:
            continue  # does not fit the target group: the next person
        done += 1
    return done


def seed(demo: DemoNetwork) -> int:
    """Create the demo offers, then the demo referrals and the seat-allocation preview
    (``demo_flows``); returns how many offers were created (0 if there were offers already)."""
    from ankommen.offers.demo_flows import seed_allocation, seed_referrals

    created = 0 if Offer.objects.filter(network=demo.network).exists() else _seed_offers(demo)
    seed_referrals(demo)
    seed_allocation(demo, _organisations(demo)["vhs"])
    return created


def _seed_offers(demo: DemoNetwork) -> int:
    rng = random.Random(SEED)
    today = timezone.localdate()
    coordinator = demo.memberships["koordination"]
    with transaction.atomic():
        organisations = _organisations(demo)
        people = _candidates(demo)
        created = 0
        for plan in _plans():
            organisation = organisations[plan.org]
            values = {"status": OfferStatus.PUBLISHED, **plan.values}
            if organisation.type == OrganisationType.POLICE:
                values["attendance_mode"] = "counts"
            offer = Offer.objects.create(
                network=demo.network, organisation=organisation, created_by=coordinator.user, **values
            )
            sessions = _sessions(offer, plan, today)
            for session in sessions:
                session.offer = offer
            enrolled = _enrol(plan, offer, sessions, people, rng)
            if plan.past_counts:
                _record_past_counts(sessions, plan.past_counts, coordinator.user)
            elif enrolled and not offer.is_per_session:
                _record_past_attendance(offer, sessions, rng, coordinator.user)
            created += 1
        # One person cancels from the full workshop: the first eligible on the waiting list moves up.
        workshop = Offer.objects.get(network=demo.network, title__startswith="Mitmachangebot")
        first = workshop.enrolments.filter(status=EnrolmentStatus.ENROLLED).order_by("queued_at", "pk").first()
        if first is not None:
            owner = demo.memberships[
                "fallmanagement" if first.organisation_id == demo.organisations["ggua"].pk else "sozialamt"
            ]
            services.cancel_enrolment(owner, first, reason="participant")
        # The BAMF's stop of voluntary admissions (DOMAIN §3.2) closes the "admission" path.
        if not EntitlementPathState.objects.filter(network=demo.network, path="admission").exists():
            services.set_entitlement_path(
                coordinator,
                "admission",
                is_open=False,
                reason="BAMF: keine Zulassungen nach § 44 Abs. 4 AufenthG im Haushaltsjahr 2026 (Februar 2026)",
            )
        # Participant cards for a few GGUA participants with a seat.
        ggua = demo.memberships["fallmanagement"]
        seated = (
            Enrolment.objects.filter(
                network=demo.network, organisation=demo.organisations["ggua"], status=EnrolmentStatus.ENROLLED
            )
            .values_list("participant", flat=True)
            .distinct()
        )
        for person in Participant.objects.filter(pk__in=list(seated)[:10]).order_by("pk"):
            services.issue_card(ggua, person)
    return created
