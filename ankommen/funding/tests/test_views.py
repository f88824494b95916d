"""Funding screens over HTTP: forms in the German locale, documents, audit of reads, query counts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ankommen.audit.models import AuditEntry
from ankommen.funding import services
from ankommen.funding.choices import AttachmentKind, PaymentKind, State
from ankommen.funding.files import check_upload
from ankommen.funding.models import Application, Attachment, ClaimLine, FundingYear
from ankommen.funding.pdf import render_pdf
from ankommen.funding.tests.helpers import PDF, PNG, Setup, draft, held_on, office_document, to_state, upload

D = Decimal


def test_applicant_writes_an_application_in_german(setup: Setup) -> None:
    client = setup.world.client_for("offer_provider")
    page = client.get(reverse("funding:applications")).content.decode()
    assert setup.call.title in page
    response = client.post(
        reverse("funding:application_new", args=[setup.call.pk]),
        {"title": "Fahrradwerkstatt", "summary": "Reparieren mit Neuzugewanderten", "target_group": ""},
    )
    application = Application.objects.get()
    assert response.status_code == 302 and application.reference == f"FA-{setup.year.year}-0001"
    year = setup.year.year
    response = client.post(
        reverse("funding:measure_new", args=[application.pk]),
        {
            "module": setup.modules["D"].pk,
            "title": "Schulung Ehrenamtliche",
            "starts_on": f"{year}-03-01",
            "ends_on": f"{year}-06-30",
            "frequency": "monthly",
            "place": "Heidegrund 1",
            "expected_participants": "10",
            "expected_volunteers": "2",
            f"rate_{setup.rates['D1'].pk}": "12,5",  # German decimal comma
            f"rate_{setup.rates['D2'].pk}": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.requested_total == D("1450.00")  # 12.5 × 100 + 4 × 50
    page = client.get(reverse("funding:application", args=[application.pk])).content.decode()
    assert "1.450,00 €" in page and "12,5" in page
    client.post(reverse("funding:submit", args=[application.pk]), {"version": application.version})
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_decision_form_approves_in_part_and_issues_the_contract(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B1": "10", "B2": "10"}), State.IN_REVIEW)  # 2,850 > threshold
    lines = {line.flat_rate.code: line for line in ClaimLine.objects.select_related("flat_rate")}
    client = setup.world.client_for("coordinator")
    page = client.get(reverse("funding:decide", args=[application.pk])).content.decode()
    assert "Budget" in page
    data = {
        "version": application.version,
        "decision": "approve",
        "reason": "Acht Monate",
        f"line_{lines['B1'].pk}": "8",
        f"line_{lines['B2'].pk}": "10",
        f"signature_{application.measures.get().pk}": "on",
    }
    response = client.post(reverse("funding:decide", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.APPROVED and application.approved_total == D("2350.00")
    assert application.measures.get().signature_list_required
    contract = services.contract_of(application)
    assert contract is not None
    response = client.get(reverse("funding:contract", args=[application.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="funding.contract_viewed").exists()


def test_contract_pdf_names_the_parties_and_amounts(setup: Setup) -> None:
    from pypdf import PdfReader

    application = to_state(setup, draft(setup, {"B1": "10"}), State.APPROVED)
    document = services.issue_contract(setup.reviewer, application)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages)
    assert "Weiterleitungsvertrag" in text and "2.500,00 €" in text and "Vera Vorstand" in text


def test_pdf_documents_render_with_their_stylesheet() -> None:
    assert render_pdf("funding/pdf/proof.html", {"title": "x", "measures": [], "modules": []}).startswith(b"%PDF-")


def test_uploads_are_checked_by_content() -> None:
    assert check_upload(upload(content=PDF)).content_type == "application/pdf"
    assert check_upload(upload("bild.png", PNG)).extension == ".png"
    docx = check_upload(upload("plan.docx", office_document()))
    assert docx.extension == ".docx"
    assert check_upload(upload("plan.xlsx", office_document("xl/workbook.xml"))).extension == ".xlsx"
    for bad in (b"not a pdf at all", office_document(macros=True), b"PK\x03\x04garbage", b""):
        with pytest.raises(Exception):  # noqa: B017 - ValidationError with a translated message
            check_upload(upload("x.pdf", bad))


def test_upload_and_download_are_audited(setup: Setup) -> None:
    application = draft(setup)
    client = setup.world.client_for("offer_provider")
    response = client.post(
        reverse("funding:upload", args=[application.pk]),
        {"kind": AttachmentKind.ANNEX, "title": "Belegungsplan", "file": upload("belegungsplan.pdf")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert not attachment.file.name.endswith("belegungsplan.pdf")  # stored under a random name
    response = client.post(
        reverse("funding:upload", args=[application.pk]),
        {"kind": AttachmentKind.ANNEX, "title": "Fake", "file": upload("fake.pdf", b"<html>hi</html>")},
    )
    assert response.status_code == 200 and Attachment.objects.count() == 1
    download = client.get(reverse("funding:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action="funding.attachment_viewed", target_id=str(attachment.pk)).exists()
    # Another organisation's staff learn nothing.
    assert (
        setup.world.client_for("case_manager_a").get(reverse("funding:attachment", args=[attachment.pk])).status_code
        == 404
    )


def test_signature_list_reads_are_logged_with_a_subject(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B2": "3"}), State.IN_REVIEW)
    measure = application.measures.get()
    services.approve_application(setup.reviewer, application, quantities={}, signature_lists={measure.pk})
    application = to_state(setup, application, State.RUNNING)
    attachment = services.add_attachment(
        setup.applicant,
        upload(),
        kind=AttachmentKind.SIGNATURE_LIST,
        title="Liste",
        application=application,
        measure=measure,
    )
    setup.world.client_for("coordinator").get(reverse("funding:attachment", args=[attachment.pk]))
    entry = AuditEntry.objects.get(action="funding.signature_list_viewed")
    assert entry.subject == f"signature_list:{attachment.pk}"


def test_year_report_as_xlsx_and_pdf(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B1": "4"}), State.RUNNING)
    services.record_payment(
        setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("1000.00"), booked_on=timezone.localdate()
    )
    services.record_session(
        setup.applicant, application.measures.get(), {"held_on": held_on(setup), "participants": 11, "volunteers": 2}
    )
    client = setup.world.client_for("coordinator")
    response = client.get(reverse("funding:report_xlsx", args=[setup.year.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Module", "Maßnahmen", "Zahlungen", "Abgleich"]
    modules = list(workbook["Module"].iter_rows(values_only=True))
    total = modules[-1]
    assert total[0] == "Summe" and total[3] == 1000 and total[4] == 1000
    measures = list(workbook["Maßnahmen"].iter_rows(values_only=True))
    assert measures[1][0] == application.reference and measures[1][8] == 11
    checks = [row[0] for row in workbook["Abgleich"].iter_rows(min_row=2, values_only=True)]
    assert "Der Verwendungsnachweis wurde noch nicht angenommen" in checks
    pdf = client.get(reverse("funding:report_pdf", args=[setup.year.pk]))
    assert pdf.content.startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action="funding.report_exported").count() == 2
    # The submission is refused and the page shows the differences.
    client.post(reverse("funding:report", args=[setup.year.pk]), {"narrative": "Gutes Jahr"})
    page = client.post(reverse("funding:report_submit", args=[setup.year.pk]), follow=True).content.decode()
    assert "nicht eingereicht" in page.lower() or "Nicht eingereicht" in page
    assert "1.000,00 €" in page


def test_start_page_panel_shows_deadlines(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.SUBMITTED)
    services.request_information(setup.reviewer, application, question="?", due_on=timezone.localdate())
    page = setup.world.client_for("offer_provider").get(reverse("core:home")).content.decode()
    assert "Förderung: Fristen" in page and application.reference in page
    draft(setup, title="Zweiter Entwurf")
    to_state(setup, draft(setup, title="Dritter"), State.SUBMITTED)
    page = setup.world.client_for("coordinator").get(reverse("core:home")).content.decode()
    assert "1 Antrag wartet auf die Vollständigkeitsprüfung" in page


# --- query counts -------------------------------------------------------------------------------------------------


def _many(setup: Setup, count: int) -> None:
    for i in range(count):
        to_state(setup, draft(setup, {"B1": "1", "B2": "2"}, title=f"Projekt {i}"), State.SUBMITTED)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("coordinator", "funding:inbox"),
        ("offer_provider", "funding:applications"),
        ("coordinator", "funding:years"),
        ("coordinator", "funding:verifications"),
        ("coordinator", "core:home"),
        ("offer_provider", "core:home"),
    ],
)
def test_lists_have_bounded_query_counts(setup: Setup, persona: str, url: str, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = setup.world.client_for(persona)
    _many(setup, 2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse(url)).status_code == 200
    _many(setup, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url)).status_code == 200


def test_budget_and_report_pages_have_bounded_query_counts(setup: Setup, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = setup.world.client_for("coordinator")
    year: FundingYear = setup.year
    _many(setup, 2)
    counts = {}
    for name in ("funding:budget", "funding:report", "funding:year"):
        with django_assert_max_num_queries(40) as few:
            assert client.get(reverse(name, args=[year.pk])).status_code == 200
        counts[name] = len(few.captured_queries)
    _many(setup, 6)
    for name, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(reverse(name, args=[year.pk])).status_code == 200


def test_application_page_has_a_bounded_query_count(setup: Setup, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    application = to_state(setup, draft(setup, {"B1": "10"}), State.RUNNING)
    measure = application.measures.get()
    client = setup.world.client_for("offer_provider")
    services.record_session(setup.applicant, measure, {"held_on": held_on(setup), "participants": 3, "volunteers": 1})
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse("funding:application", args=[application.pk])).status_code == 200
    for days in range(1, 6):
        services.record_session(
            setup.applicant, measure, {"held_on": held_on(setup, days), "participants": 3, "volunteers": 1}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("funding:application", args=[application.pk])).status_code == 200
