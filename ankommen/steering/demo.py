"""Demo of steering the network (issue [G]), from the seed documents: the Münster declaration of intent
of the Modellprojekt Integration (31 October 2024: Bezirksregierung, Polizei, IHK, Agentur für Arbeit,
SC Preußen, Cactus Theater), the Kreishandwerkerschaft joining later with its kick-off at the
Lehrbauhof, the "Gemeinsam klappt's" alliance of 2019 with its core group (Bündniskerngruppe), the
working groups on school, the school-to-work transition and employment (the Münster project groups
of "Einwanderung gestalten") with a meeting and action items, a working group with the police,
problem reports from a STARTER workshop (the practice problems the Steinfurt workshop named: missing
tutoring, mobility, opaque procedures, employers not informed) and a prioritised gap register with
gaps in every state. People are synthetic (the functions are real).

Everything goes through the services. Idempotent: if the network already has an agreement, only the
system barriers of case closures not yet reported are taken up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ankommen.network.demo import DemoNetwork
from ankommen.network.models import Membership
from ankommen.offers.models import Offer
from ankommen.steering import services
from ankommen.steering.models import Agreement, Body, Event, Gap, ProblemReport

LOI_DAY = dt.date(2024, 10, 31)
KHW_DAY = dt.date(2025, 10, 20)
GK_DAY = dt.date(2019, 2, 1)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _agreements(actor: Membership, demo: DemoNetwork) -> tuple[Agreement, Agreement]:
    orgs = demo.organisations
    today = timezone.localdate()
    loi = services.create_agreement(
        actor,
        {
            "kind": "declaration",
            "title": "Absichtserklärung Modellprojekt Integration in der ZUE Münster",
            "purpose": (
                "Die Partner unterstützen gemeinsam die Integration der Bewohnerinnen und Bewohner der ZUE Münster: "
                "Sprachförderung, Tagesstruktur, Berufsorientierung und berufsbezogene Qualifizierung, "
                "gesellschaftliche Teilhabe durch Sport und Kultur."
            ),
            "signed_on": LOI_DAY,
            "renewal_on": dt.date(2026, 10, 31) if dt.date(2026, 10, 31) > today else today + dt.timedelta(days=365),
        },
    )
    for key, role in (("bezreg", "lead"), ("police", "lead"), ("ihk", "partner"), ("aa", "partner")):
        services.add_partner(actor, loi, orgs[key], role=role, joined_on=LOI_DAY)
    for key in ("scp", "cactus"):
        services.add_partner(actor, loi, orgs[key], role="associated", joined_on=LOI_DAY)
    services.add_partner(
        actor, loi, orgs["khw"], role="partner", joined_on=KHW_DAY, note="Beitritt mit der Auftaktveranstaltung"
    )
    for key, name, function, day in (
        ("bezreg", "Dr. Rita Regierung", "Regierungspräsidentin", LOI_DAY),
        ("police", "Petra Präsidium", "Polizeipräsidentin", LOI_DAY),
        ("khw", "Hans Handwerk", "Hauptgeschäftsführer", KHW_DAY),
    ):
        services.add_signatory(actor, loi, organisation=orgs[key], name=name, function=function, signed_on=day)
    alliance = services.create_agreement(
        actor,
        {
            "kind": "cooperation",
            "title": "Kooperationsvereinbarung „Gemeinsam klappt's“ – Bündnis für junge Geflüchtete (18–27)",
            "purpose": (
                "Angebotslücken für junge volljährige Geflüchtete finden und schließen: Problemanzeigen aus der "
                "Praxis sammeln, die Bündniskerngruppe setzt Prioritäten, Maßnahmen werden gemeinsam umgesetzt."
            ),
            "signed_on": GK_DAY,
            # Due within the reminder window, so the coordinators' start page shows it.
            "renewal_on": today + dt.timedelta(days=45),
        },
    )
    services.add_partner(actor, alliance, orgs["ki"], role="coordination", joined_on=GK_DAY)
    for key in ("sozialamt", "abh", "ggua", "aa"):
        services.add_partner(actor, alliance, orgs[key], role="partner", joined_on=GK_DAY)
    services.add_partner(actor, alliance, orgs["sprachcafe"], role="associated", joined_on=dt.date(2021, 3, 1))
    services.add_signatory(
        actor, alliance, organisation=orgs["ki"], name="Kim Koordination", function="Leitung KI", signed_on=GK_DAY
    )
    return loi, alliance


def _bodies(actor: Membership, demo: DemoNetwork) -> dict[str, Body]:
    orgs, people = demo.organisations, demo.memberships
    since = dt.date(2019, 2, 1)
    specs: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
        (
            "steering",
            {
                "kind": "steering",
                "name": "Lenkungsgruppe KIM Münster",
                "remit": "Steuert das Kommunale Integrationsmanagement; nimmt die Berichte aus dem Lückenregister entgegen.",
            },
            [{"organisation": orgs[k]} for k in ("ki", "sozialamt", "abh", "aa", "bezreg")],
        ),
        (
            "core",
            {
                "kind": "core",
                "name": "Bündniskerngruppe „Gemeinsam klappt's“",
                "remit": "Rechtskreisübergreifend: setzt die Prioritäten im Lückenregister und steuert die Umsetzung.",
            },
            [
                {"user": people["koordination"].user, "organisation": orgs["ki"], "function": "chair"},
                {"user": people["fallmanagement"].user, "organisation": orgs["ggua"]},
                {"organisation": orgs["sozialamt"]},
                {"organisation": orgs["abh"]},
                {"organisation": orgs["aa"]},
                {"person_name": "Bernd Berufskolleg", "function": "guest"},
            ],
        ),
        (
            "school",
            {
                "kind": "working",
                "name": "AG Schule",
                "topic": "school",
                "remit": "Schulzugang und Nachhilfe für junge Neuzugewanderte.",
            },
            [{"organisation": orgs[k]} for k in ("ki", "sozialamt", "ggua")] + [{"person_name": "Sabine Schulamt"}],
        ),
        (
            "transition",
            {
                "kind": "working",
                "name": "AG Übergang Schule–Beruf",
                "topic": "transition",
                "remit": "Praktika, Ausbildung, Ausbildungsduldung; Zusammenarbeit mit Kammern und Betrieben.",
            },
            [
                {"user": people["koordination"].user, "organisation": orgs["ki"], "function": "chair"},
                {"user": people["angebote"].user, "organisation": orgs["khw"]},
                {"user": people["kammer"].user, "organisation": orgs["ihk"]},
                {"organisation": orgs["aa"]},
                {"organisation": orgs["ggua"]},
            ],
        ),
        (
            "employment",
            {
                "kind": "working",
                "name": "AG Erwerbstätigkeit",
                "topic": "employment",
                "remit": "Arbeitsmarktzugang, Beschäftigungserlaubnis, Anerkennung.",
            },
            [{"organisation": orgs[k]} for k in ("aa", "ihk", "khw", "abh")],
        ),
        (
            "prevention",
            {
                "kind": "project",
                "name": "Projektgruppe Prävention und Teilhabe in der ZUE",
                "topic": "participation",
                "remit": "Informationsabende der Polizei, Sport und Kultur in der ZUE.",
            },
            [{"organisation": orgs[k]} for k in ("police", "bezreg", "scp", "cactus")],
        ),
    ]
    bodies: dict[str, Body] = {}
    for key, values, members in specs:
        body = services.create_body(actor, values)
        for member in members:
            services.add_member(actor, body, joined_on=since if key != "prevention" else LOI_DAY, **member)
        bodies[key] = body
    return bodies


def _meetings(actor: Membership, demo: DemoNetwork, bodies: dict[str, Body]) -> None:
    orgs, people = demo.organisations, demo.memberships
    today = timezone.localdate()
    week_ago = today - dt.timedelta(days=7)
    meeting = services.schedule_meeting(
        actor, bodies["transition"], scheduled_at=_at(week_ago, 14), place="Handwerkskammer, Bildungszentrum, Raum 2"
    )
    for title, notes in (
        ("Ergebnisse des STARTER-Workshops", "Problemanzeigen zu Praktikum und Ausbildung."),
        ("Mitmachangebote am Lehrbauhof", "Erfahrungen aus den ersten Terminen."),
        ("Arbeitgeber informieren", "Ausbildungsduldung und Beschäftigungserlaubnis erklären."),
    ):
        services.add_agenda_item(actor, meeting, title=title, notes=notes)
    meeting = services.hold_meeting(actor, meeting, version=meeting.version)
    meeting = services.save_minutes(
        actor,
        meeting,
        "1. Aus dem STARTER-Workshop kamen mehrere Problemanzeigen zum Übergang in Ausbildung; die wichtigste: "
        "Betriebe wissen zu wenig über Ausbildungsduldung und Beschäftigungserlaubnis.\n"
        "2. Die Mitmachangebote am Lehrbauhof sind gut besucht; der Weg von der ZUE dorthin ist ohne Ticket "
        "schwierig.\n"
        "3. Die Kreishandwerkerschaft lädt Betriebe zu einem Infoabend ein; die Agentur für Arbeit stellt die "
        "Regeln zur Beschäftigungserlaubnis vor.",
        version=meeting.version,
    )
    services.add_decision(actor, meeting, "Infoabend für Handwerksbetriebe im nächsten Quartal.")
    services.add_decision(actor, meeting, "Die Fahrtkosten zum Lehrbauhof gehen als Lücke an die Bündniskerngruppe.")
    services.add_action_item(
        actor,
        meeting,
        text="Handwerksbetriebe zum Infoabend einladen (Ausbildungsduldung, Beschäftigungserlaubnis)",
        owner_organisation=orgs["khw"],
        owner_user=people["angebote"].user,
        due_on=today + dt.timedelta(days=21),
    )
    services.add_action_item(
        actor,
        meeting,
        text="Kurzinformation zur Beschäftigungserlaubnis für Betriebe vorbereiten",
        owner_organisation=orgs["aa"],
        due_on=today + dt.timedelta(days=14),
    )
    services.add_action_item(
        actor,
        meeting,
        text="Praktikumsplätze im Handwerk für junge Geduldete sammeln",
        owner_organisation=orgs["ihk"],
        owner_user=people["kammer"].user,
        due_on=today - dt.timedelta(days=2),
    )
    done = services.add_action_item(
        actor,
        meeting,
        text="Problemanzeigen des Workshops in das Lückenregister übernehmen",
        owner_user=people["koordination"].user,
        owner_organisation=orgs["ki"],
        due_on=today - dt.timedelta(days=1),
    )
    services.update_action_item(actor, done, "done")
    services.schedule_meeting(
        actor, bodies["employment"], scheduled_at=_at(today + dt.timedelta(days=20), 10), place="Agentur für Arbeit"
    )
    prevention = services.schedule_meeting(
        actor, bodies["prevention"], scheduled_at=_at(today - dt.timedelta(days=3), 16), place="ZUE Münster, Casino"
    )
    prevention = services.hold_meeting(actor, prevention, version=prevention.version)
    services.add_action_item(
        actor,
        prevention,
        text="Informationsabend „Sicher unterwegs mit dem Fahrrad“ in der ZUE anbieten",
        owner_organisation=orgs["police"],
        due_on=today + dt.timedelta(days=30),
    )


def _events(actor: Membership, demo: DemoNetwork, loi: Agreement, bodies: dict[str, Body]) -> Event:
    orgs, people = demo.organisations, demo.memberships
    today = timezone.localdate()
    kick_off = services.create_event(
        actor,
        {
            "kind": "kick_off",
            "title": "Auftakt: Die Kreishandwerkerschaft im Modellprojekt Integration",
            "description": "Mitmachangebote im Maurer- und Straßenbau am Lehrbauhof; Vorstellung der Berufe im Handwerk.",
            "starts_at": _at(KHW_DAY, 10),
            "ends_at": _at(KHW_DAY, 14),
            "place": "Lehrbauhof der Kreishandwerkerschaft Münster",
            "organiser": orgs["khw"],
            "agreement": loi,
        },
        hosts=[orgs["bezreg"], orgs["police"]],
    )
    services.record_event_counts(
        actor, kick_off, registered_count=40, attendance_count=46, status="held", version=kick_off.version
    )
    starter_day = today - dt.timedelta(days=21)
    starter = services.create_event(
        actor,
        {
            "kind": "starter",
            "title": "STARTER-Workshop „Gemeinsam klappt's“: Probleme aus der Praxis",
            "description": (
                "Fachkräfte und Ehrenamtliche aus Bildung, Arbeit und Sozialem melden Probleme aus der Praxis zurück; "
                "am Nachmittag legt die Bündniskerngruppe die Schwerpunkte fest."
            ),
            "starts_at": _at(starter_day, 9),
            "ends_at": _at(starter_day, 16),
            "place": "Stadthaus 1, Festsaal",
            "organiser": orgs["ki"],
            "body": bodies["core"],
            "capacity": 70,
        },
        hosts=[orgs["sozialamt"]],
    )
    services.record_event_counts(
        actor, starter, registered_count=36, attendance_count=41, status="held", version=starter.version
    )
    info_day = services.create_event(
        actor,
        {
            "kind": "information",
            "title": "Infotag Ausbildung im Handwerk",
            "description": "Betriebe, Kammern und die Agentur für Arbeit informieren über Ausbildung und Praktika.",
            "starts_at": _at(today + dt.timedelta(days=24), 15),
            "ends_at": _at(today + dt.timedelta(days=24), 18),
            "place": "Lehrbauhof der Kreishandwerkerschaft Münster",
            "organiser": orgs["khw"],
            "body": bodies["transition"],
            "capacity": 60,
        },
        hosts=[orgs["ihk"], orgs["aa"]],
    )
    services.record_event_counts(
        actor, info_day, registered_count=12, attendance_count=None, status="planned", version=info_day.version
    )
    for key in ("fallmanagement", "sozialamt", "polizei"):
        services.register_for_event(people[key], info_day)
    return starter


STARTER_REPORTS: list[dict[str, Any]] = [
    {
        "key": "tutoring",
        "field": "education_language",
        "age_band": "18_26",
        "status_group": "asylum_procedure",
        "benefit_system": "asylblg",
        "language": "",
        "title": "Keine Nachhilfe für junge Erwachsene in der Berufsschule",
        "description": "Junge Erwachsene in der Internationalen Förderklasse bräuchten Nachhilfe in Deutsch und "
        "Mathematik; die Angebote der Schulen richten sich an Minderjährige, ehrenamtliche Nachhilfe fehlt.",
        "case_count": 9,
        "vignette": "Ein junger Mann, 19, Gestattung, besucht das Berufskolleg; er versteht den Fachunterricht nicht "
        "und droht die Klasse zu verlassen.",
    },
    {
        "key": "mobility",
        "field": "work_training",
        "age_band": "18_26",
        "status_group": "asylum_procedure",
        "benefit_system": "asylblg",
        "language": "",
        "title": "Mobilität: kein Ticket für den Weg von der ZUE zum Lehrbauhof",
        "description": "Die Mitmachangebote am Lehrbauhof sind mit Bus und Bahn 50 Minuten entfernt; die Fahrtkosten "
        "werden nicht übernommen, viele kommen deshalb nicht.",
        "case_count": 14,
        "vignette": "",
    },
    {
        "key": "procedures",
        "field": "social_participation",
        "age_band": "18_26",
        "status_group": "tolerated",
        "benefit_system": "asylblg",
        "language": "ar",
        "title": "Intransparente Verfahren bei der Beschäftigungserlaubnis",
        "description": "Junge Geduldete und ihre Begleitenden verstehen nicht, welche Unterlagen für die "
        "Beschäftigungserlaubnis nötig sind und wie lange die Prüfung dauert; Ausbildungsplätze verfallen.",
        "case_count": 6,
        "vignette": "Eine junge Frau, 23, Duldung, hatte eine Zusage für einen Ausbildungsplatz; die Erlaubnis kam "
        "nach Beginn der Ausbildung.",
    },
    {
        "key": "employers",
        "field": "work_training",
        "age_band": "18_26",
        "status_group": "tolerated",
        "benefit_system": "unknown",
        "language": "",
        "title": "Arbeitgeber kennen die Ausbildungsduldung nicht",
        "description": "Betriebe lehnen Praktikums- und Ausbildungsanfragen ab, weil sie fürchten, die "
        "Auszubildenden würden abgeschoben; Ausbildungsduldung und Beschäftigungsduldung sind kaum bekannt.",
        "case_count": 11,
        "vignette": "",
    },
]
OTHER_REPORTS: list[tuple[str, dict[str, Any]]] = [
    (
        "fallmanagement",
        {
            "key": "bsk",
            "source": "case_management",
            "field": "education_language",
            "age_band": "18_26",
            "status_group": "asylum_procedure",
            "benefit_system": "asylblg",
            "language": "prs",
            "title": "Berufssprachkurs für Gestattete kaum erreichbar",
            "description": "Seit dem Zulassungsstopp für Integrationskurse finden Gestattete keinen Weg in einen "
            "Berufssprachkurs; Wartelisten bei den Trägern.",
            "case_count": 7,
            "vignette": "",
        },
    ),
    (
        "sozialamt",
        {
            "key": "childcare",
            "source": "case_management",
            "field": "education_language",
            "age_band": "27_44",
            "status_group": "residence_permit",
            "benefit_system": "sgb2",
            "language": "",
            "title": "Keine Kinderbetreuung während des Sprachkurses",
            "description": "Mütter brechen den Integrationskurs ab, weil es keine Kinderbetreuung während des "
            "Kurses gibt.",
            "case_count": 5,
            "vignette": "",
        },
    ),
]


def _reports(demo: DemoNetwork, starter: Event) -> dict[str, ProblemReport]:
    people = demo.memberships
    reports: dict[str, ProblemReport] = {}
    for values in STARTER_REPORTS:
        reports[str(values["key"])] = services.file_problem_report(
            people["koordination"], {**values, "source": "workshop", "event": starter}
        )
    for login, values in OTHER_REPORTS:
        reports[str(values["key"])] = services.file_problem_report(people[login], values)
    return reports


def _offer(demo: DemoNetwork, prefix: str) -> Offer | None:
    return Offer.objects.filter(network=demo.network, title__startswith=prefix).exclude(status="draft").first()


def _check(actor: Membership, gap: Gap, demo: DemoNetwork, prefix: str, finding: str) -> None:
    offer = _offer(demo, prefix)
    if offer is not None:
        services.check_offer(actor, gap, offer, finding=finding)


def _move(actor: Membership, gap: Gap, *targets: str, **closing: Any) -> Gap:
    for target in targets:
        gap = services.change_gap_status(
            actor, gap, target, version=gap.version, **(closing if target == "closed" else {})
        )
    return gap


def _gaps(actor: Membership, demo: DemoNetwork, reports: dict[str, ProblemReport], bodies: dict[str, Body]) -> int:
    orgs = demo.organisations
    core_member = demo.memberships["fallmanagement"]  # a named member of the core group
    today = timezone.localdate()

    def gap_from(key: str, **values: Any) -> Gap:
        report = reports[key]
        base = {
            "title": report.title,
            "field": report.field,
            "age_band": report.age_band,
            "status_group": report.status_group,
            "benefit_system": report.benefit_system,
            "language": report.language,
            "description": report.description,
        }
        return services.create_gap(actor, {**base, **values}, reports=[report])

    # In implementation: employers are informed by the chambers (a quick win).
    employers = gap_from(
        "employers",
        gap_type="information",
        root_cause="Betriebe kennen die aufenthaltsrechtlichen Wege in Ausbildung nicht; niemand erklärt sie ihnen.",
        proposed_measure="Infoabende der Kreishandwerkerschaft und der IHK für Betriebe, mit der Agentur für Arbeit.",
        owner=orgs["khw"],
        body=bodies["transition"],
        target_on=today + dt.timedelta(days=90),
        funding_source="partner",
        funding_note="Räume und Personal der Kammern",
    )
    _check(actor, employers, demo, "Perspektivberatung", "berät Geflüchtete, nicht die Betriebe")
    services.set_priority(core_member, employers, impact=4, affected=4, feasibility=5, version=employers.version)
    _move(actor, Gap.objects.get(pk=employers.pk), "analysed", "measure_agreed", "in_implementation")

    # Measure agreed: tickets for the way to the Lehrbauhof.
    mobility = gap_from(
        "mobility",
        gap_type="access",
        access_barriers=["distance", "cost"],
        root_cause="AsylbLG-Leistungen decken die Fahrtkosten zu freiwilligen Angeboten nicht.",
        proposed_measure="Monatstickets für Teilnehmende der Mitmachangebote aus Mitteln des Modellprojekts.",
        owner=orgs["bezreg"],
        body=bodies["transition"],
        target_on=today + dt.timedelta(days=60),
    )
    _check(actor, mobility, demo, "Mitmachangebot", "am Lehrbauhof, 50 Minuten von der ZUE")
    services.set_priority(core_member, mobility, impact=4, affected=3, feasibility=4, version=mobility.version)
    _move(actor, Gap.objects.get(pk=mobility.pk), "analysed", "measure_agreed")

    # Analysed: tutoring for young adults at the Berufskolleg.
    tutoring = gap_from(
        "tutoring",
        gap_type="no_offer",
        root_cause="Nachhilfeangebote enden mit der Volljährigkeit; Ehrenamtliche sind nicht an die Berufskollegs "
        "angebunden.",
        body=bodies["school"],
    )
    services.set_priority(actor, tutoring, impact=3, affected=3, feasibility=3, version=tutoring.version)
    _move(actor, Gap.objects.get(pk=tutoring.pk), "analysed")

    # Open: status excludes Gestattete from the job-related German course.
    bsk = gap_from("bsk")
    _check(actor, bsk, demo, "Integrationskurs", "Zulassung für Gestattete ausgesetzt")
    services.set_gap_reports(actor, bsk, [reports["bsk"], reports["procedures"]])

    # Closed: childcare during the language course (a course with childcare was opened).
    childcare = gap_from(
        "childcare",
        gap_type="access",
        access_barriers=["childcare"],
        root_cause="Kurse ohne Kinderbetreuung; Kita-Plätze fehlen im Stadtteil.",
        proposed_measure="Integrationskurs mit Kinderbetreuung am Vormittag bei der Volkshochschule.",
        owner=orgs["sozialamt"],
        target_on=today - dt.timedelta(days=10),
        funding_source="municipal",
    )
    _check(actor, childcare, demo, "Integrationskurs", "keine Kinderbetreuung")
    services.set_priority(core_member, childcare, impact=4, affected=2, feasibility=4, version=childcare.version)
    _move(
        actor,
        Gap.objects.get(pk=childcare.pk),
        "analysed",
        "measure_agreed",
        "in_implementation",
        "closed",
        evidence="Seit dem letzten Kursbeginn läuft ein Integrationskurs mit Kinderbetreuung; 12 Mütter nehmen teil.",
        review_on=today + dt.timedelta(days=180),
    )
    return 5


def seed(demo: DemoNetwork) -> int:
    """Create the demo's steering data; returns how many gaps were created (0 on a second run)."""
    with transaction.atomic():
        services.report_new_barriers(demo.network.pk)
        if Agreement.objects.filter(network=demo.network).exists():
            return 0
        actor = demo.memberships["koordination"]
        loi, _alliance = _agreements(actor, demo)
        bodies = _bodies(actor, demo)
        _meetings(actor, demo, bodies)
        starter = _events(actor, demo, loi, bodies)
        reports = _reports(demo, starter)
        return _gaps(actor, demo, reports, bodies)
