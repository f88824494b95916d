"""Funding: who reaches which page.

- Programme set-up, the budget, the year's proof of use to the state: the integration centre's
  coordinator (``funding.manage``); everyone else 403 (the outsider, a coordinator of another
  network, reaches the lists of its own network and gets 404 for this network's objects).
- The applicant's pages: staff of the applicant organisation in the ``offer_provider`` role (the
  persona works for the chamber, which applies here). The integration centre sees submitted
  applications but may not change them (403); a draft it does not see at all (404).
- Review, decision, payments: the coordinator; the applicant sees the application but may not
  decide (403). Nobody else learns that an application exists (404).
- Downloads are checked with HEAD: same view, same access checks, and the accessibility crawl
  (GET pages only) does not try to render a PDF or a spreadsheet as a page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from ankommen.funding.choices import AttachmentKind, DocumentKind, LegalForm, LineDecision, State, Verification
from ankommen.funding.models import (
    Application,
    Attachment,
    Call,
    ClaimLine,
    Document,
    FlatRate,
    FundingYear,
    InfoRequest,
    Material,
    Measure,
    Module,
    OrganisationProfile,
    Programme,
    Proof,
    Session,
)
from ankommen.testing.factories import MembershipFactory, UserFactory
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

PDF = b"%PDF-1.4\n%matrix\n%%EOF\n"
STORED = "funding/matrix/document.pdf"
SIGNED_NAME = "Matrixa Unterschriftlerin"

MANAGER = staff_with("coordinator")
APPLICANT = staff_with("offer_provider")
BOTH = staff_with("coordinator", "offer_provider")


def _stored_file() -> str:
    """One small PDF below MEDIA_ROOT shared by every matrix run (not one file per test)."""
    if not default_storage.exists(STORED):
        default_storage.save(STORED, ContentFile(PDF))
    return STORED


def _funding(world: World) -> None:
    net = world.network
    today = timezone.localdate()
    chamber = world.organisations["chamber"]
    applicant = world.memberships["offer_provider"].user
    reviewer = world.memberships["coordinator"].user
    colleague = MembershipFactory(
        organisation=world.organisations["ki"], role="coordinator", user=UserFactory(full_name="Erste Prüferin")
    )
    programme = Programme.objects.create(network=net, name="KOMM-AN NRW")
    year = FundingYear.objects.create(
        network=net,
        programme=programme,
        year=today.year,
        budget=Decimal("50000.00"),
        second_approval_above=Decimal("2500.00"),
        proof_due_on=today + dt.timedelta(days=40),
        report_due_on=today + dt.timedelta(days=80),
    )
    modules = {code: Module.objects.create(network=net, year=year, code=code) for code in "ABCD"}
    rate = FlatRate.objects.create(
        network=net,
        module=modules["B"],
        code="B1",
        title="Maßnahme je Monat",
        unit="measure_month",
        amount=Decimal("250"),
    )
    call = Call.objects.create(
        network=net,
        year=year,
        title="Aufruf",
        opens_on=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=10),
    )
    call.modules.set(modules.values())
    profile = OrganisationProfile.objects.create(
        network=net,
        organisation=chamber,
        state=Verification.SUBMITTED,
        legal_form=LegalForm.REGISTERED_CLUB,
        representative_name="Vera Vorstand",
        representative_function="Vorsitzende",
        account_holder="Handwerkskammer",
        iban="DE89370400440532013000",
        submitted_at=timezone.now(),
    )
    stored = _stored_file()

    def application(state: str, number: int, **fields: object) -> tuple[Application, Measure, ClaimLine]:
        app = Application.objects.create(
            network=net,
            year=year,
            call=call,
            organisation=chamber,
            reference=f"FA-{today.year}-9{number:03d}",
            title=f"Projekt {state}",
            summary="Sprachcafé",
            state=state,
            created_by=applicant,
            requested_total=Decimal("2500.00"),
            submitted_at=None if state == State.DRAFT else timezone.now(),
            **fields,
        )
        measure = Measure.objects.create(
            network=net,
            application=app,
            module=modules["B"],
            title="Sprachcafé",
            starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year, 12, 31),
            place="Treffpunkt",
            signature_list_required=True,
            decision=LineDecision.APPROVED if fields.get("approved_total") else LineDecision.PENDING,
        )
        approved = fields.get("approved_total")
        line = ClaimLine.objects.create(
            network=net,
            measure=measure,
            flat_rate=rate,
            quantity=Decimal("10"),
            rate=Decimal("250"),
            amount=Decimal("2500.00"),
            approved_quantity=Decimal("10") if approved else None,
            approved_amount=Decimal("2500.00") if approved else None,
        )
        return app, measure, line

    approved = {"approved_total": Decimal("2500.00"), "first_approver": reviewer, "decided_at": timezone.now()}
    draft, draft_measure, _ = application(State.DRAFT, 1)
    submitted, _, _ = application(State.SUBMITTED, 2)
    asked, _, _ = application(State.INFO_REQUESTED, 3)
    question = InfoRequest.objects.create(
        network=net,
        application=asked,
        question="Welcher Raum?",
        due_on=today,
        asked_by=reviewer,
        asked_at=timezone.now(),
    )
    reviewing, _, _ = application(State.IN_REVIEW, 4)
    second, _, _ = application(
        State.SECOND_APPROVAL, 5, approved_total=Decimal("3000.00"), first_approver=colleague.user
    )
    contracted, _, _ = application(State.APPROVED, 6, **approved)
    Document.objects.create(
        network=net,
        application=contracted,
        kind=DocumentKind.CONTRACT,
        file=stored,
        size=len(PDF),
        sha256="0" * 64,
        generated_by=reviewer,
    )
    running, running_measure, _ = application(State.RUNNING, 7, contract_signed_on=today, **approved)
    session = Session.objects.create(
        network=net, measure=running_measure, held_on=today, participants=12, volunteers=3, recorded_by=applicant
    )
    material = Material.objects.create(
        network=net, measure=running_measure, kind="print", title="Flyer", recorded_by=applicant
    )

    def attachment(kind: str, **owner: object) -> Attachment:
        return Attachment.objects.create(
            network=net,
            organisation=chamber,
            kind=kind,
            title=str(kind),
            file=stored,
            content_type="application/pdf",
            extension=".pdf",
            size=len(PDF),
            sha256="0" * 64,
            uploaded_by=applicant,
            **owner,
        )

    evidence = attachment(AttachmentKind.EVIDENCE, application=running, measure=running_measure)
    signature_list = attachment(
        AttachmentKind.SIGNATURE_LIST, application=running, measure=running_measure, session=session
    )
    annex = attachment(AttachmentKind.ANNEX, application=draft)
    statutes = attachment(AttachmentKind.STATUTES, profile=profile)
    proven, _, _ = application(State.PROOF_SUBMITTED, 8, contract_signed_on=today, **approved)
    Proof.objects.create(network=net, application=proven, narrative="Gut gelaufen.", submitted_at=timezone.now())
    settled, _, _ = application(State.PROOF_ACCEPTED, 9, contract_signed_on=today, **approved)
    Proof.objects.create(network=net, application=settled, narrative="Gut.", submitted_at=timezone.now())
    world.extra["funding"] = {
        "year": year,
        "module": modules["B"],
        "rate": rate,
        "call": call,
        "profile": profile,
        "draft": draft,
        "draft_measure": draft_measure,
        "submitted": submitted,
        "question": question,
        "reviewing": reviewing,
        "second": second,
        "contracted": contracted,
        "running": running,
        "running_measure": running_measure,
        "session": session,
        "material": material,
        "evidence": evidence,
        "signature_list": signature_list,
        "annex": annex,
        "statutes": statutes,
        "proven": proven,
        "settled": settled,
    }
    # The signature list is the only place with names; its title carries one here so the
    # no-personal-data test proves the police never see it.
    Attachment.objects.filter(pk=signature_list.pk).update(title=SIGNED_NAME)
    world.extra["pii_markers"].append(SIGNED_NAME)


EXTRAS = [_funding]


def _f(name: str, key: str = "application_id"):  # type: ignore[no-untyped-def]
    return lambda w: {key: w.extra["funding"][name].pk}


def _set_up(kwargs=None, method: str = "get", ok: int = 200, data=None):  # type: ignore[no-untyped-def]
    """Programme set-up: the coordinator; the outsider (another network's coordinator) reaches
    the pages of its own network and gets 404 for this network's objects."""
    if kwargs is None:
        return Expect(MANAGER | {"outsider"}, method=method, ok=ok, data=data)
    return Expect(MANAGER, kwargs=kwargs, method=method, ok=ok, data=data, outsider=404)


def _object(allowed, kwargs, *, method: str = "get", ok: int = 200, overrides=None, data=None):  # type: ignore[no-untyped-def]
    """A page of one funding object: ``allowed`` get ``ok``; the others who can see the object
    get 403 (``overrides``); everyone else 404."""
    return Expect(
        allowed, denied=404, outsider=404, kwargs=kwargs, method=method, ok=ok, overrides=overrides or {}, data=data
    )


def _work(name: str, **kwargs):  # type: ignore[no-untyped-def]
    """The applicant's work on a submitted application: the reviewer sees it, may not change it."""
    return _object(APPLICANT, _f(name), overrides={"coordinator": 403}, **kwargs)


def _review(name: str, **kwargs):  # type: ignore[no-untyped-def]
    """The integration centre's work: the applicant sees the application, may not decide."""
    return _object(MANAGER, _f(name), overrides={"offer_provider": 403}, **kwargs)


MATRIX = {
    # programme set-up and budget
    "funding:years": _set_up(),
    "funding:year_new": _set_up(),
    "funding:year": _set_up(_f("year", "year_id")),
    "funding:year_edit": _set_up(_f("year", "year_id")),
    "funding:budget": _object(MANAGER, _f("year", "year_id")),
    "funding:call_new": _set_up(_f("year", "year_id")),
    "funding:call_edit": _set_up(_f("call", "call_id")),
    "funding:module_edit": _set_up(_f("module", "module_id")),
    "funding:rate_new": _set_up(_f("module", "module_id")),
    "funding:rate_edit": _set_up(_f("rate", "rate_id")),
    "funding:report": _set_up(_f("year", "year_id")),
    "funding:report_submit": _set_up(_f("year", "year_id"), method="post", ok=302),
    "funding:report_pdf": _set_up(_f("year", "year_id"), method="head"),
    "funding:report_xlsx": _set_up(_f("year", "year_id"), method="head"),
    # the applicant
    "funding:applications": Expect(APPLICANT),
    "funding:profile": Expect(APPLICANT),
    "funding:profile_upload": Expect(APPLICANT, method="post", ok=302),
    "funding:profile_submit": Expect(APPLICANT, method="post", ok=302),
    "funding:application_new": Expect(APPLICANT, kwargs=_f("call", "call_id")),
    # A draft: the integration centre does not see it yet.
    "funding:application_edit": _object(APPLICANT, _f("draft")),
    "funding:measure_new": _object(APPLICANT, _f("draft")),
    "funding:measure_edit": _object(APPLICANT, _f("draft_measure", "measure_id")),
    "funding:measure_delete": _object(APPLICANT, _f("draft_measure", "measure_id")),
    "funding:submit": _object(APPLICANT, _f("draft"), method="post", ok=302),
    "funding:upload": _work("running"),
    "funding:withdraw": _work("submitted"),
    "funding:answer": _object(APPLICANT, _f("question", "request_id"), overrides={"coordinator": 403}),
    "funding:attachment": _object(BOTH, _f("evidence", "attachment_id"), method="head"),
    "funding:attachment_delete": _object(
        APPLICANT, _f("evidence", "attachment_id"), method="post", ok=302, overrides={"coordinator": 403}
    ),
    "funding:application": _object(BOTH, _f("submitted")),
    # the integration centre
    "funding:inbox": Expect(MANAGER | {"outsider"}),
    "funding:verifications": Expect(MANAGER | {"outsider"}),
    "funding:verification": _object(MANAGER, _f("profile", "profile_id"), overrides={"offer_provider": 403}),
    "funding:complete": _review("submitted", method="post", ok=302),
    "funding:request_info": _review("submitted"),
    "funding:decide": _review("reviewing"),
    "funding:second_approval": _review("second"),
    "funding:contract": _object(BOTH, _f("contracted"), method="head"),
    "funding:issue_contract": _review("contracted", method="post", ok=302),
    "funding:contract_signed": _review("contracted"),
    "funding:payment_new": _review("running"),
    # carrying out and proving the measures
    "funding:session_new": _object(APPLICANT, _f("running_measure", "measure_id"), overrides={"coordinator": 403}),
    "funding:session_edit": _object(APPLICANT, _f("session", "session_id"), overrides={"coordinator": 403}),
    "funding:session_delete": _object(
        APPLICANT, _f("session", "session_id"), method="post", ok=302, overrides={"coordinator": 403}
    ),
    "funding:material_new": _object(APPLICANT, _f("running_measure", "measure_id"), overrides={"coordinator": 403}),
    "funding:material_delete": _object(
        APPLICANT, _f("material", "material_id"), method="post", ok=302, overrides={"coordinator": 403}
    ),
    "funding:proof": _work("running"),
    "funding:proof_pdf": _object(BOTH, _f("proven"), method="head"),
    "funding:proof_check": _review("proven"),
    "funding:signature_lists_delete": _object(BOTH, _f("settled"), method="post", ok=302),
}
