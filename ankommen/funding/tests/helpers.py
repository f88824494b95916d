"""Building blocks of the funding tests: a funding year with the catalogue of DOMAIN §6 (Kreis
Mettmann's flat rates), an open call, a verified applicant, and applications walked through the
real services to any state."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ankommen.funding import services
from ankommen.funding.choices import DocumentKind, LegalForm, State, Verification
from ankommen.funding.models import (
    Application,
    Call,
    Document,
    FlatRate,
    FundingYear,
    Module,
    OrganisationProfile,
    Programme,
)
from ankommen.network.models import Membership
from ankommen.testing.factories import MembershipFactory, UserFactory
from ankommen.testing.personas import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

# code, module, title, unit, amount, max quantity
CATALOGUE = [
    ("A1", "A", "Renovierung und Ausstattung je Raum", "room", "1000.00", "2"),
    ("A2", "A", "Laufende Kosten je Monat", "month", "400.00", None),
    ("B1", "B", "Maßnahme je Monat", "measure_month", "250.00", None),
    ("B2", "B", "Ehrenamtliche Begleitung", "accompaniment", "35.00", None),
    ("C1", "C", "Print- oder Internetprodukt", "product", "500.00", None),
    ("C2", "C", "Übersetzte Seite", "translated_page", "50.00", None),
    ("D1", "D", "Referentenstunde", "trainer_hour", "100.00", None),
    ("D2", "D", "Austauschtreffen Ehrenamtliche", "session", "50.00", None),
]


@dataclass
class Setup:
    world: World
    year: FundingYear
    modules: dict[str, Module]
    rates: dict[str, FlatRate]
    call: Call
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def applicant(self) -> Membership:
        return self.world.memberships["offer_provider"]

    @property
    def reviewer(self) -> Membership:
        return self.world.memberships["coordinator"]

    def second_reviewer(self) -> Membership:
        """Another coordinator of the integration centre (the second person of the two-person rule)."""
        if "second" not in self.extra:
            self.extra["second"] = MembershipFactory(
                organisation=self.world.organisations["ki"],
                role="coordinator",
                user=UserFactory(full_name="Zweite Koordinatorin"),
            )
        return self.extra["second"]  # type: ignore[no-any-return]


def build(world: World, *, budget: str = "10000.00", threshold: str = "2500.00", verified: bool = True) -> Setup:
    today = timezone.localdate()
    programme = Programme.objects.create(network=world.network, name="KOMM-AN NRW – Programmteil II")
    year = FundingYear.objects.create(
        network=world.network,
        programme=programme,
        year=today.year,
        budget=Decimal(budget),
        second_approval_above=Decimal(threshold),
        proof_due_on=dt.date(today.year + 1, 1, 31),
        report_due_on=dt.date(today.year + 1, 3, 31),
    )
    modules = {code: Module.objects.create(network=world.network, year=year, code=code) for code in "ABCD"}
    rates = {
        code: FlatRate.objects.create(
            network=world.network,
            module=modules[module],
            code=code,
            title=title,
            unit=unit,
            amount=Decimal(amount),
            max_quantity=Decimal(maximum) if maximum else None,
        )
        for code, module, title, unit, amount, maximum in CATALOGUE
    }
    call = Call.objects.create(
        network=world.network,
        year=year,
        title=f"Förderaufruf KOMM-AN {today.year}",
        opens_on=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=30),
    )
    call.modules.set(modules.values())
    if verified:
        OrganisationProfile.objects.create(
            network=world.network,
            organisation=world.organisations["chamber"],
            state=Verification.VERIFIED,
            legal_form=LegalForm.REGISTERED_CLUB,
            register_entry="VR 1234",
            representative_name="Vera Vorstand",
            representative_function="Vorsitzende",
            account_holder="Handwerkskammer",
            iban="DE89370400440532013000",
        )
    return Setup(world, year, modules, rates, call)


def measure_values(setup: Setup, module: str = "B", **overrides: Any) -> dict[str, Any]:
    year = setup.year.year
    return {
        "module": setup.modules[module],
        "title": overrides.pop("title", f"Sprachcafé ({module})"),
        "description": "",
        "starts_on": dt.date(year, 1, 1),
        "ends_on": dt.date(year, 12, 31),
        "frequency": "weekly",
        "place": "Ankommenstreffpunkt Hiltrup, Marktallee 40",
        "expected_participants": 12,
        "expected_volunteers": 3,
        **overrides,
    }


def draft(
    setup: Setup, lines: dict[str, Any] | None = None, *, module: str = "B", title: str = "Sprachcafé"
) -> Application:
    """A draft with one measure claiming ``lines`` (rate code → quantity; default B1 × 10)."""
    lines = lines or {"B1": "10"}
    application = services.create_application(
        setup.applicant, setup.call, {"title": title, "summary": "Wöchentliches Sprachcafé für Neuzugewanderte."}
    )
    services.add_measure(
        setup.applicant,
        application,
        measure_values(setup, module, title=title),
        {setup.rates[code]: Decimal(str(qty)) for code, qty in lines.items()},
    )
    application.refresh_from_db()
    return application


def to_state(setup: Setup, application: Application, state: str, **approve: Any) -> Application:
    """Walk ``application`` through the services up to ``state`` (submitted … running)."""
    steps = [State.SUBMITTED, State.IN_REVIEW, State.APPROVED, State.RUNNING]
    for step in steps[: steps.index(state) + 1]:  # type: ignore[arg-type]
        application.refresh_from_db()
        if application.state in steps and steps.index(application.state) >= steps.index(step):  # type: ignore[arg-type]
            continue
        if step == State.SUBMITTED:
            services.submit_application(setup.applicant, application)
        elif step == State.IN_REVIEW:
            services.confirm_completeness(setup.reviewer, application)
        elif step == State.APPROVED:
            decided = services.approve_application(setup.reviewer, application, quantities={}, **approve)
            if decided.state == State.SECOND_APPROVAL:
                services.confirm_second_approval(setup.second_reviewer(), decided)
        else:
            fake_contract(setup, application)
            services.record_contract_signed(setup.reviewer, application, signed_on=timezone.localdate())
    application.refresh_from_db()
    return application


def fake_contract(setup: Setup, application: Application) -> Document:
    """A stored contract without rendering a PDF (the rendering has its own test)."""
    document = Document(
        network=setup.world.network,
        application=application,
        kind=DocumentKind.CONTRACT,
        size=len(PDF),
        sha256="0" * 64,
        generated_by=setup.reviewer.user,
    )
    document.file.save("contract.pdf", ContentFile(PDF), save=True)
    return document


def upload(name: str = "nachweis.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def office_document(main_part: str = "word/document.xml", *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as container:
        container.writestr("[Content_Types].xml", "<Types/>")
        container.writestr(main_part, "<document/>")
        if macros:
            container.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


def held_on(setup: Setup, days_ago: int = 0) -> dt.date:
    """A day this year, ``days_ago`` before today (but not before 1 January)."""
    today = timezone.localdate()
    return max(today - dt.timedelta(days=days_ago), dt.date(setup.year.year, 1, 1))
