"""Demo of the funding programme (issue [K]): KOMM-AN NRW Programmteil II for this year with the
four modules, Kreis Mettmann's flat rates (DOMAIN §6), an open call, and applications of the
Münster volunteer initiatives, clubs and a migrant organisation in every state, from the draft to
the closed proof of use, walked through the services so that decisions, contracts (PDF),
payments, meetings and audit entries look as they would in use.

Logins (password: the demo password): ``foerderung@…`` is a second coordinator of the integration
centre (the second person of the two-person rule); ``fahrradwerkstatt@…``, ``sprachcafe@…`` and
``zeitung@…`` apply for their organisations. Idempotent: nothing happens when the demo network
already has a funding programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from ankommen.accounts.models import User
from ankommen.funding import services
from ankommen.funding.choices import AttachmentKind, LegalForm, PaymentKind, State
from ankommen.funding.models import Application, Call, FlatRate, FundingYear, Module, Programme
from ankommen.network.demo import DEMO_DOMAIN, DEMO_PASSWORD, DemoNetwork
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType, Role

PROGRAMME = "KOMM-AN NRW – Programmteil II"
MODULES = {
    "A": "Renovierung, Ausstattung und Betrieb von Ankommenstreffpunkten, Digitalisierung des Ehrenamts.",
    "B": "Sprach- und Lesegruppen, praktische Angebote wie Fahrradwerkstätten, Freizeit, interreligiöser Dialog, "
    "Begleitung.",
    "C": "Informations- und Wissensvermittlung, Gewinnung neuer Ehrenamtlicher: Print, Internet, Übersetzungen.",
    "D": "Qualifizierung von Ehrenamtlichen und Unterstützung ihrer Arbeit: Referierende, Supervision, Austausch.",
}
# code, module, title, unit, amount, at most per measure, proven by
CATALOGUE = [
    ("A1", "A", "Renovierung und Ausstattung je Raum", "room", "1000.00", "2", "Rechnungen, Belegungsplan"),
    ("A2", "A", "Laufende Kosten Ankommenstreffpunkt je Monat", "month", "400.00", "12", "Belegungsplan"),
    ("B1", "B", "Maßnahme je Monat", "measure_month", "250.00", "12", "Termine mit Teilnehmendenzahlen"),
    ("B2", "B", "Ehrenamtliche Begleitung", "accompaniment", "35.00", None, "Termine mit Zahl der Ehrenamtlichen"),
    ("C1", "C", "Print- oder Internetprodukt", "product", "500.00", None, "Belegexemplar"),
    ("C2", "C", "Übersetzte Seite", "translated_page", "50.00", None, "Belegexemplar der Übersetzung"),
    ("D1", "D", "Referentenstunde", "trainer_hour", "100.00", None, "Honorarvertrag, Termine"),
    ("D2", "D", "Austauschtreffen Ehrenamtliche", "session", "50.00", None, "Termine"),
]
APPLICANTS = [
    # key, login, name, organisation (existing key or new: name, short name, type, street, postal code)
    ("fahrrad", "fahrradwerkstatt", "Frank Fahrrad", None),
    ("sprachcafe", "sprachcafe", "Sina Sprachcafé", None),
    (
        "zeitung",
        "zeitung",
        "Yasmin Zeitung",
        ("Deutsch-Arabische Zeitung Münster e.V.", "Deutsch-Arabische Zeitung", "Königsstraße 12", "48143"),
    ),
    ("cactus", "theater", "Tilo Theater", None),
]


@dataclass
class Actors:
    reviewer: Membership
    second: Membership
    applicants: dict[str, Membership]


def _user(local: str, name: str) -> User:
    email = f"{local}@{DEMO_DOMAIN}"
    return User.objects.filter(email=email).first() or User.objects.create_user(email, DEMO_PASSWORD, full_name=name)


def _actors(demo: DemoNetwork) -> Actors:
    ki = demo.organisations["ki"]
    second, _ = Membership.objects.get_or_create(
        network=demo.network,
        organisation=ki,
        user=_user("foerderung", "Fenja Förderung"),
        role=Role.COORDINATOR,
        is_active=True,
    )
    applicants = {}
    for key, login, full_name, new in APPLICANTS:
        organisation = demo.organisations.get(key)
        if organisation is None and new is not None:
            name, short, street, postal = new
            organisation, _ = Organisation.objects.get_or_create(
                network=demo.network,
                name=name,
                defaults={
                    "short_name": short,
                    "type": OrganisationType.CLUB,
                    "street": street,
                    "postal_code": postal,
                    "city": "Münster",
                },
            )
        assert organisation is not None
        applicants[key], _ = Membership.objects.get_or_create(
            network=demo.network,
            organisation=organisation,
            user=_user(login, full_name),
            role=Role.OFFER_PROVIDER,
            is_active=True,
        )
    return Actors(demo.memberships["koordination"], second, applicants)


def _year(demo: DemoNetwork, actors: Actors, today: dt.date) -> tuple[FundingYear, dict[str, FlatRate], Call]:
    year = services.create_year(
        actors.reviewer,
        programme_name=PROGRAMME,
        year=today.year,
        budget=Decimal("70289.82"),
        second_approval_above=Decimal("2500.00"),
        proof_due_on=dt.date(today.year + 1, 1, 31),
        report_due_on=dt.date(today.year + 1, 3, 31),
    )
    for each in Module.objects.filter(year=year):
        services.change_module(actors.reviewer, each, {"description": MODULES[each.code]})
    modules = {m.code: m for m in Module.objects.filter(year=year)}
    rates = {}
    for code, module_code, title, unit, amount, maximum, evidence in CATALOGUE:
        rates[code] = services.add_rate(
            actors.reviewer,
            modules[module_code],
            {
                "code": code,
                "title": title,
                "unit": unit,
                "amount": Decimal(amount),
                "max_quantity": Decimal(maximum) if maximum else None,
                "evidence": evidence,
                "is_active": True,
            },
        )
    call = services.add_call(
        actors.reviewer,
        year,
        {
            "title": f"Förderaufruf KOMM-AN {today.year}",
            "description": "Schwerpunkt: niedrigschwellige Angebote, die den Gebrauch der deutschen Sprache fördern.",
            "opens_on": max(today - dt.timedelta(days=60), dt.date(today.year, 1, 1)),
            "deadline": today + dt.timedelta(days=21),
        },
        modules.values(),
    )
    return year, rates, call


def _demo_pdf(organisation: str) -> bytes:
    from ankommen.funding.pdf import html_to_pdf

    return html_to_pdf(f"<h1>{escape(organisation)}</h1><p>Satzung bzw. Vertretungsnachweis (Demo-Dokument).</p>")


def _profile(actors: Actors, key: str, legal_form: str, representative: str, mso: bool = False) -> None:
    actor = actors.applicants[key]
    profile = services.save_profile(
        actor,
        {
            "legal_form": legal_form,
            "is_migrant_organisation": mso,
            "register_entry": "VR 4711, Amtsgericht Münster" if legal_form == LegalForm.REGISTERED_CLUB else "",
            "representative_name": representative,
            "representative_function": "Vorsitz" if legal_form == LegalForm.REGISTERED_CLUB else "Sprecherin",
            "account_holder": str(actor.organisation),
            "iban": "DE89370400440532013000",
        },
    )
    kind = AttachmentKind.STATUTES if legal_form == LegalForm.REGISTERED_CLUB else AttachmentKind.REPRESENTATION
    document = SimpleUploadedFile("dokument.pdf", _demo_pdf(str(actor.organisation)), content_type="application/pdf")
    services.add_attachment(actor, document, kind=kind, title=str(AttachmentKind(kind).label), profile=profile)
    services.submit_profile(actor, profile)
    services.check_profile(actors.reviewer, profile, verified=True)


def _measure(year: FundingYear, module: str, title: str, place: str) -> dict[str, object]:
    return {
        "module": Module.objects.get(year=year, code=module),
        "title": title,
        "description": "",
        "starts_on": dt.date(year.year, 1, 1),
        "ends_on": dt.date(year.year, 12, 31),
        "frequency": "weekly",
        "place": place,
        "expected_participants": 12,
        "expected_volunteers": 3,
    }


def _application(
    actors: Actors, call: Call, key: str, title: str, measures: list[tuple[dict[str, object], dict[FlatRate, str]]]
) -> Application:
    actor = actors.applicants[key]
    application = services.create_application(
        actor,
        call,
        {"title": title, "summary": f"{title}: offen für Neuzugewanderte und Ehrenamtliche.", "target_group": ""},
    )
    for values, lines in measures:
        services.add_measure(actor, application, values, {rate: Decimal(q) for rate, q in lines.items()})
    application.refresh_from_db()
    return application


def _approve(actors: Actors, application: Application, signature_lists: set[int] | None = None) -> Application:
    decided = services.approve_application(actors.reviewer, application, quantities={}, signature_lists=signature_lists)
    if decided.state == State.SECOND_APPROVAL:
        decided = services.confirm_second_approval(actors.second, decided)
    services.issue_contract(actors.reviewer, decided)
    return decided


def _sessions(actors: Actors, key: str, application: Application, today: dt.date, count: int) -> None:
    actor = actors.applicants[key]
    for measure in application.measures.all():
        for i in range(count):
            held = max(min(today, measure.ends_on) - dt.timedelta(days=7 * i), measure.starts_on)
            if held > today:
                continue
            services.record_session(
                actor,
                measure,
                {"held_on": held, "participants": 8 + i % 5, "volunteers": 2 + i % 2, "volunteer_hours": Decimal("4")},
            )


def _proof(actors: Actors, key: str, application: Application) -> None:
    actor = actors.applicants[key]
    figures = services.line_figures(application)
    quantities = {
        f.line.pk: min(f.evidenced, f.line.approved_quantity or Decimal(0)) if f.evidenced is not None else Decimal(0)
        for f in figures
    }
    services.save_proof(
        actor,
        application,
        narrative="Die Treffen fanden regelmäßig statt; viele Teilnehmende kamen mehrfach. Ehrenamtliche wurden gewonnen.",
        quantities=quantities,
        not_carried_out=set(),
    )
    services.submit_proof(actor, application)


def seed(demo: DemoNetwork) -> int:
    """Create the funding demo; returns how many applications were created (0 if it exists)."""
    if Programme.objects.filter(network=demo.network).exists():
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        actors = _actors(demo)
        year, rates, call = _year(demo, actors, today)
        _profile(actors, "fahrrad", LegalForm.INITIATIVE, "Frank Fahrrad")
        _profile(actors, "sprachcafe", LegalForm.INITIATIVE, "Sina Sprachcafé")
        _profile(actors, "zeitung", LegalForm.REGISTERED_CLUB, "Yasmin Zeitung", mso=True)
        _profile(actors, "cactus", LegalForm.REGISTERED_CLUB, "Tilo Theater")
        rec = _application

        def b(title: str, place: str, lines: dict[FlatRate, str]) -> tuple[dict[str, object], dict[FlatRate, str]]:
            return _measure(year, "B", title, place), lines

        # Closed: approved, paid, proven, repaid.
        closed = rec(
            actors,
            call,
            "fahrrad",
            "Offene Fahrradwerkstatt",
            [b("Fahrradwerkstatt", "Heidegrund 1", {rates["B2"]: "30"})],
        )
        services.submit_application(actors.applicants["fahrrad"], closed)
        services.confirm_completeness(actors.reviewer, closed)
        closed = _approve(actors, closed)
        services.record_contract_signed(actors.reviewer, closed, signed_on=today)
        services.record_payment(
            actors.reviewer, closed, kind=PaymentKind.PAYMENT, amount=closed.approved_total, booked_on=today
        )
        _sessions(actors, "fahrrad", closed, today, 4)
        _proof(actors, "fahrrad", closed)
        services.accept_proof(actors.reviewer, closed)
        closed.refresh_from_db()
        proven = closed.proof.proven_total
        if closed.state == State.PROOF_ACCEPTED:
            services.record_payment(
                actors.reviewer,
                closed,
                kind=PaymentKind.REPAYMENT,
                amount=closed.approved_total - proven,
                booked_on=today,
            )

        # Proof accepted, repayment still open.
        settling = rec(
            actors, call, "sprachcafe", "Sprachcafé Hiltrup", [b("Sprachcafé", "Marktallee 40", {rates["B2"]: "40"})]
        )
        services.submit_application(actors.applicants["sprachcafe"], settling)
        services.confirm_completeness(actors.reviewer, settling)
        settling = _approve(actors, settling)
        services.record_contract_signed(actors.reviewer, settling, signed_on=today)
        services.record_payment(
            actors.reviewer, settling, kind=PaymentKind.PAYMENT, amount=settling.approved_total, booked_on=today
        )
        _sessions(actors, "sprachcafe", settling, today, 3)
        _proof(actors, "sprachcafe", settling)
        services.accept_proof(actors.reviewer, settling)

        # Proof submitted.
        proving = rec(
            actors,
            call,
            "zeitung",
            "Zeitung für Neuzugewanderte",
            [(_measure(year, "C", "Zeitung, vier Ausgaben", "Königsstraße 12"), {rates["C1"]: "4", rates["C2"]: "12"})],
        )
        services.submit_application(actors.applicants["zeitung"], proving)
        services.confirm_completeness(actors.reviewer, proving)
        proving = _approve(actors, proving)
        services.record_contract_signed(actors.reviewer, proving, signed_on=today)
        services.record_payment(
            actors.reviewer, proving, kind=PaymentKind.PAYMENT, amount=Decimal("1000.00"), booked_on=today
        )
        for number in range(1, 3):
            services.add_material(
                actors.applicants["zeitung"],
                proving.measures.get(),
                {"kind": "print", "title": f"Ausgabe {number}", "pages": 8},
            )
        services.add_material(
            actors.applicants["zeitung"],
            proving.measures.get(),
            {"kind": "translation", "title": "Ausgabe 1 arabisch", "pages": 8},
        )
        _proof(actors, "zeitung", proving)

        # Running, with a signature list required and meetings recorded.
        running = rec(
            actors,
            call,
            "cactus",
            "Theaterwerkstatt Ankommen",
            [
                (
                    _measure(year, "D", "Schulung Theaterpädagogik für Ehrenamtliche", "Bismarckallee 28"),
                    {rates["D1"]: "20", rates["D2"]: "6"},
                )
            ],
        )
        services.submit_application(actors.applicants["cactus"], running)
        services.confirm_completeness(actors.reviewer, running)
        measure = running.measures.get()
        running = _approve(actors, running, signature_lists={measure.pk})
        services.record_contract_signed(actors.reviewer, running, signed_on=today)
        services.record_payment(
            actors.reviewer, running, kind=PaymentKind.PAYMENT, amount=Decimal("1500.00"), booked_on=today
        )
        _sessions(actors, "cactus", running, today, 2)

        # Approved, contract waiting for the signature (two-person rule: above 2,500 €).
        approved = rec(
            actors,
            call,
            "fahrrad",
            "Ankommenstreffpunkt Gremmendorf",
            [
                (
                    _measure(year, "A", "Treffpunkt einrichten und betreiben", "Heidegrund 1"),
                    {rates["A1"]: "2", rates["A2"]: "10"},
                )
            ],
        )
        services.submit_application(actors.applicants["fahrrad"], approved)
        services.confirm_completeness(actors.reviewer, approved)
        _approve(actors, approved)

        # Waiting for the second approval.
        second = rec(
            actors,
            call,
            "sprachcafe",
            "Lesegruppe für Frauen",
            [b("Lesegruppe", "Marktallee 40", {rates["B1"]: "11", rates["B2"]: "20"})],
        )
        services.submit_application(actors.applicants["sprachcafe"], second)
        services.confirm_completeness(actors.reviewer, second)
        services.approve_application(actors.reviewer, second, quantities={})

        # In review.
        review = rec(
            actors,
            call,
            "zeitung",
            "Informationsabende",
            [b("Informationsabende", "Königsstraße 12", {rates["B1"]: "6"})],
        )
        services.submit_application(actors.applicants["zeitung"], review)
        services.confirm_completeness(actors.reviewer, review)

        # More information requested.
        asked = rec(
            actors, call, "cactus", "Sommerfest der Kulturen", [b("Sommerfest", "Bismarckallee 28", {rates["B1"]: "1"})]
        )
        services.submit_application(actors.applicants["cactus"], asked)
        services.request_information(
            actors.reviewer,
            asked,
            question="Wie viele Ehrenamtliche helfen beim Fest, und gibt es einen Ausweichtermin bei Regen?",
            due_on=today + dt.timedelta(days=10),
        )

        # Submitted, waiting for the completeness check.
        submitted = rec(
            actors,
            call,
            "fahrrad",
            "Radfahrkurs für Frauen",
            [b("Radfahrkurs", "Heidegrund 1", {rates["B1"]: "4", rates["B2"]: "12"})],
        )
        services.submit_application(actors.applicants["fahrrad"], submitted)

        # Rejected, with reasons.
        rejected = rec(
            actors,
            call,
            "zeitung",
            "Büroausstattung",
            [(_measure(year, "A", "Büroausstattung", "Königsstraße 12"), {rates["A1"]: "1"})],
        )
        services.submit_application(actors.applicants["zeitung"], rejected)
        services.confirm_completeness(actors.reviewer, rejected)
        services.reject_application(
            actors.reviewer,
            rejected,
            reason="Büroausstattung ohne Ankommenstreffpunkt ist nach der Förderkonzeption nicht förderfähig.",
        )

        # Withdrawn.
        withdrawn = rec(actors, call, "sprachcafe", "Ausflug an den Aasee", [b("Ausflug", "Aasee", {rates["B1"]: "1"})])
        services.submit_application(actors.applicants["sprachcafe"], withdrawn)
        services.withdraw_application(actors.applicants["sprachcafe"], withdrawn)

        # Draft.
        rec(
            actors,
            call,
            "cactus",
            "Theaterabend mit Neuzugewanderten",
            [b("Theaterabend", "Bismarckallee 28", {rates["B1"]: "2"})],
        )
        return Application.objects.filter(network=demo.network).count()
