"""The funding services: flat rates from the catalogue, submission, review, the two-person rule,
the budget, payments, carrying out, the proof of use and its reconciliation. Messages are
German, the default language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ankommen.audit.models import AuditEntry
from ankommen.funding import services
from ankommen.funding.access import visible_applications
from ankommen.funding.choices import AttachmentKind, LineDecision, PaymentKind, State, Verification
from ankommen.funding.models import Application, ClaimLine, Module, OrganisationProfile, YearReport
from ankommen.funding.rules import check_funding_rule
from ankommen.funding.services import FundingError, NotReconciled
from ankommen.funding.tests.helpers import Setup, draft, held_on, measure_values, to_state, upload
from ankommen.network.roles import Role
from ankommen.testing.factories import MembershipFactory
from ankommen.testing.personas import STAFF_PERSONAS

D = Decimal


# --- flat rates ---------------------------------------------------------------------------------------------


def test_flat_rates_are_computed_from_the_catalogue(setup: Setup) -> None:
    application = draft(setup, {"B1": "10", "B2": "7"})
    lines = {line.flat_rate.code: line for line in ClaimLine.objects.select_related("flat_rate")}
    assert (lines["B1"].rate, lines["B1"].amount) == (D("250.00"), D("2500.00"))
    assert (lines["B2"].rate, lines["B2"].amount) == (D("35.00"), D("245.00"))
    assert application.requested_total == D("2745.00")


def test_rates_of_another_module_or_above_the_maximum_are_refused(setup: Setup) -> None:
    application = draft(setup)
    with pytest.raises(FundingError) as refused:
        services.add_measure(setup.applicant, application, measure_values(setup, "A"), {setup.rates["A1"]: D("3")})
    assert "höchstens 2" in str(refused.value)
    with pytest.raises(FundingError):
        services.add_measure(setup.applicant, application, measure_values(setup, "A"), {setup.rates["B1"]: D("1")})
    with pytest.raises(FundingError):
        services.add_measure(
            setup.applicant,
            application,
            measure_values(
                setup, "B", starts_on=dt.date(setup.year.year + 1, 1, 1), ends_on=dt.date(setup.year.year + 1, 2, 1)
            ),
            {setup.rates["B1"]: D("1")},
        )


def test_changing_a_rate_changes_drafts_but_not_submitted_applications(setup: Setup) -> None:
    submitted = to_state(setup, draft(setup, title="Fahrradwerkstatt"), State.SUBMITTED)
    drafted = draft(setup, title="Sprachcafé")
    services.change_rate(setup.reviewer, setup.rates["B1"], {"amount": D("275.00")})
    drafted.refresh_from_db()
    submitted.refresh_from_db()
    assert drafted.requested_total == D("2750.00")
    assert submitted.requested_total == D("2500.00")
    assert ClaimLine.objects.get(measure__application=submitted).rate == D("250.00")


def test_submission_freezes_the_rate_of_the_day(setup: Setup) -> None:
    application = draft(setup)
    setup.rates["B1"].amount = D("300.00")  # changed behind the service's back
    setup.rates["B1"].save()
    services.submit_application(setup.applicant, application)
    application.refresh_from_db()
    assert application.requested_total == D("3000.00") and application.state == State.SUBMITTED


# --- submission and completeness ----------------------------------------------------------------------------


def test_first_time_applicants_are_verified_before_the_review(setup: Setup) -> None:
    OrganisationProfile.objects.all().delete()
    application = draft(setup)
    with pytest.raises(FundingError, match="Prüfung"):
        services.submit_application(setup.applicant, application)
    profile = services.save_profile(
        setup.applicant,
        {
            "legal_form": "ev",
            "register_entry": "VR 99",
            "representative_name": "Vera Vorstand",
            "representative_function": "Vorsitzende",
            "account_holder": "Kammer",
            "iban": "DE89 3704 0044 0532 0130 00",
        },
    )
    assert profile.iban == "DE89370400440532013000"
    with pytest.raises(FundingError, match="Satzung"):
        services.submit_profile(setup.applicant, profile)
    services.add_attachment(
        setup.applicant, upload("satzung.pdf"), kind=AttachmentKind.STATUTES, title="Satzung", profile=profile
    )
    services.submit_profile(setup.applicant, profile)
    services.submit_application(setup.applicant, application)
    with pytest.raises(FundingError, match="Bestätigen Sie zuerst"):
        services.confirm_completeness(setup.reviewer, application)
    with pytest.raises(PermissionDenied):
        services.check_profile(setup.applicant, profile, verified=True)
    services.check_profile(setup.reviewer, profile, verified=True)
    services.confirm_completeness(setup.reviewer, application)
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    profile.refresh_from_db()
    assert profile.state == Verification.VERIFIED and profile.checked_by == setup.reviewer.user


def test_no_submission_after_the_deadline(setup: Setup) -> None:
    application = draft(setup)
    setup.call.deadline = timezone.localdate() - dt.timedelta(days=1)
    setup.call.opens_on = setup.call.deadline - dt.timedelta(days=10)
    setup.call.save()
    with pytest.raises(FundingError, match="Frist"):
        services.submit_application(setup.applicant, application)


def test_questions_and_answers(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.SUBMITTED)
    info = services.request_information(
        setup.reviewer, application, question="Wie viele Räume?", due_on=timezone.localdate() + dt.timedelta(days=7)
    )
    application.refresh_from_db()
    assert application.state == State.INFO_REQUESTED
    with pytest.raises(FundingError):  # only one open question at a time
        services.request_information(setup.reviewer, application, question="Noch was?", due_on=timezone.localdate())
    # While the question is open, the applicant may change the application.
    services.change_application(setup.applicant, application, {"title": "Sprachcafé Hiltrup"})
    with pytest.raises(PermissionDenied):
        services.answer_request(setup.reviewer, info, "Ich antworte für sie")
    services.answer_request(setup.applicant, info, "Ein Raum im Gemeindehaus.")
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.title == "Sprachcafé Hiltrup"
    entry = AuditEntry.objects.get(action="funding.info_requested")
    assert "Räume" not in str(entry.data)  # no free text in the audit log


# --- decision and the two-person rule -----------------------------------------------------------------------


def test_approval_at_or_below_the_threshold_needs_one_person(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B1": "10"}), State.IN_REVIEW)  # 2,500.00 = threshold
    decided = services.approve_application(setup.reviewer, application, quantities={})
    assert decided.state == State.APPROVED and decided.approved_total == D("2500.00")
    assert decided.first_approver == setup.reviewer.user and decided.second_approver is None


def test_two_person_rule_above_the_threshold(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B1": "10", "B2": "1"}), State.IN_REVIEW)  # 2,535.00
    first = services.approve_application(setup.reviewer, application, quantities={})
    assert first.state == State.SECOND_APPROVAL
    # The same person cannot give the second approval, not even through another membership.
    with pytest.raises(FundingError) as same:
        services.confirm_second_approval(setup.reviewer, application)
    assert same.value.code == "two_person"
    other_hat = MembershipFactory(
        organisation=setup.world.organisations["org_b"], role=Role.COORDINATOR, user=setup.reviewer.user
    )
    with pytest.raises(FundingError):
        services.confirm_second_approval(other_hat, application)
    assert not check_funding_rule("funding.second_approval", setup.reviewer, first)
    assert AuditEntry.objects.filter(action="funding.approval_refused").count() == 2
    # Nor can someone without the right to decide.
    with pytest.raises(PermissionDenied):
        services.confirm_second_approval(setup.applicant, application)
    second = services.confirm_second_approval(setup.second_reviewer(), application)
    assert second.state == State.APPROVED
    assert (second.first_approver, second.second_approver) == (setup.reviewer.user, setup.second_reviewer().user)
    with pytest.raises(FundingError):  # decided once, not twice
        services.confirm_second_approval(setup.second_reviewer(), application)


def test_second_person_can_send_it_back(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B1": "12"}), State.IN_REVIEW)
    services.approve_application(setup.reviewer, application, quantities={})
    with pytest.raises(FundingError):
        services.refuse_second_approval(setup.second_reviewer(), application, reason="")
    services.refuse_second_approval(setup.second_reviewer(), application, reason="Zu viele Monate.")
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW and application.approved_total == 0
    assert application.first_approver is None and application.second_approval_note == "Zu viele Monate."
    # The reviewer now approves in part: 8 of 12 months, within the threshold.
    line = ClaimLine.objects.get(measure__application=application)
    with pytest.raises(FundingError):  # a partial approval needs reasons
        services.approve_application(setup.reviewer, application, quantities={line.pk: D("8")})
    decided = services.approve_application(
        setup.reviewer, application, quantities={line.pk: D("8")}, reason="Acht Monate bis Jahresende."
    )
    assert decided.state == State.APPROVED and decided.approved_total == D("2000.00")
    assert decided.measures.get().decision == LineDecision.REDUCED
    with pytest.raises(FundingError):
        services.approve_application(setup.reviewer, decided, quantities={})


def test_more_than_requested_cannot_be_approved_and_nothing_is_a_rejection(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.IN_REVIEW)
    line = ClaimLine.objects.get()
    with pytest.raises(FundingError):
        services.approve_application(setup.reviewer, application, quantities={line.pk: D("11")})
    with pytest.raises(FundingError, match="Lehnen Sie"):
        services.approve_application(setup.reviewer, application, quantities={line.pk: D("0")}, reason="nichts")
    with pytest.raises(FundingError):
        services.reject_application(setup.reviewer, application, reason=" ")
    services.reject_application(setup.reviewer, application, reason="Zielgruppe passt nicht.")
    application.refresh_from_db()
    assert application.state == State.REJECTED and application.decision_reason == "Zielgruppe passt nicht."


def test_approvals_never_exceed_the_budget(setup: Setup) -> None:
    setup.year.budget = D("4000.00")
    setup.year.save()
    first = to_state(setup, draft(setup, {"B1": "10"}, title="Eins"), State.IN_REVIEW)
    second = to_state(setup, draft(setup, {"B1": "8"}, title="Zwei"), State.IN_REVIEW)
    services.approve_application(setup.reviewer, first, quantities={})
    with pytest.raises(FundingError) as refused:
        services.approve_application(setup.reviewer, second, quantities={})
    assert refused.value.code == "budget" and "500,00 €" in str(refused.value)
    assert AuditEntry.objects.filter(action="funding.approval_refused", target_id=str(second.pk)).exists()
    second.refresh_from_db()
    assert second.state == State.IN_REVIEW and second.approved_total == 0
    line = ClaimLine.objects.get(measure__application=second)
    decided = services.approve_application(setup.reviewer, second, quantities={line.pk: D("6")}, reason="Restbudget")
    assert decided.approved_total == D("1500.00")


def test_a_pending_second_approval_reserves_its_amount(setup: Setup) -> None:
    setup.year.budget = D("5000.00")
    setup.year.save()
    big = to_state(setup, draft(setup, {"B1": "12"}, title="Groß"), State.IN_REVIEW)  # 3,000 > threshold
    small = to_state(setup, draft(setup, {"B1": "9"}, title="Klein"), State.IN_REVIEW)  # 2,250
    services.approve_application(setup.reviewer, big, quantities={})
    with pytest.raises(FundingError, match="überschreiten"):
        services.approve_application(setup.reviewer, small, quantities={})


def test_module_budget_is_a_limit_of_its_own(setup: Setup) -> None:
    Module.objects.filter(pk=setup.modules["B"].pk).update(budget=D("2000.00"))
    application = to_state(setup, draft(setup, {"B1": "10"}), State.IN_REVIEW)
    with pytest.raises(FundingError, match="Bausteins B"):
        services.approve_application(setup.reviewer, application, quantities={})


def test_budget_cannot_be_cut_below_what_is_committed(setup: Setup) -> None:
    to_state(setup, draft(setup, {"B1": "10"}), State.APPROVED)
    with pytest.raises(FundingError):
        services.change_year(setup.reviewer, setup.year, {"budget": D("2000.00")})
    services.change_year(setup.reviewer, setup.year, {"budget": D("2500.00")})


# --- contract and payments ------------------------------------------------------------------------------------


def test_contract_is_generated_once_as_pdf(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.APPROVED)
    document = services.issue_contract(setup.reviewer, application)
    content = document.file.read()
    assert content.startswith(b"%PDF-") and document.size == len(content)
    assert services.issue_contract(setup.reviewer, application).pk == document.pk
    with pytest.raises(PermissionDenied):
        services.issue_contract(setup.applicant, application)


def test_payments_stay_within_the_approval_and_the_budget(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.APPROVED)
    with pytest.raises(FundingError):  # not before the contract is signed
        services.record_payment(
            setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("100"), booked_on=timezone.localdate()
        )
    application = to_state(setup, application, State.RUNNING)
    pay = {"booked_on": timezone.localdate()}
    services.record_payment(setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("2000.00"), **pay)
    with pytest.raises(FundingError, match="0,01 €"):
        services.record_payment(setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("500.01"), **pay)
    with pytest.raises(FundingError):
        services.record_payment(setup.reviewer, application, kind=PaymentKind.REPAYMENT, amount=D("2000.01"), **pay)
    with pytest.raises(PermissionDenied):
        services.record_payment(setup.applicant, application, kind=PaymentKind.PAYMENT, amount=D("1"), **pay)


# --- carrying out, proof of use and reconciliation ----------------------------------------------------------------


def _running(setup: Setup, lines: dict[str, str] | None = None, **approve):  # type: ignore[no-untyped-def]
    return to_state(setup, draft(setup, lines or {"B1": "10"}), State.RUNNING, **approve)


def test_sessions_are_counts_within_the_measure(setup: Setup) -> None:
    application = _running(setup)
    measure = application.measures.get()
    session = services.record_session(
        setup.applicant, measure, {"held_on": held_on(setup), "participants": 12, "volunteers": 3}
    )
    assert session.participants == 12
    with pytest.raises(FundingError):
        services.record_session(
            setup.applicant, measure, {"held_on": timezone.localdate() + dt.timedelta(days=1), "participants": 1}
        )
    with pytest.raises(PermissionDenied):
        services.record_session(setup.reviewer, measure, {"held_on": held_on(setup), "participants": 1})


def test_signature_lists_only_where_the_contract_requires_them(setup: Setup) -> None:
    application = _running(setup)
    measure = application.measures.get()
    with pytest.raises(FundingError, match="verlangt"):
        services.add_attachment(
            setup.applicant,
            upload(),
            kind=AttachmentKind.SIGNATURE_LIST,
            title="Liste",
            application=application,
            measure=measure,
        )


def test_proof_of_use_refuses_figures_that_do_not_reconcile(setup: Setup) -> None:
    application = _running(setup, {"B1": "10", "B2": "10"})
    measure = application.measures.get()
    for days in (0, 40):  # two months at most (or one, early in January)
        services.record_session(
            setup.applicant, measure, {"held_on": held_on(setup, days), "participants": 10, "volunteers": 2}
        )
    lines = {line.flat_rate.code: line for line in ClaimLine.objects.select_related("flat_rate")}
    months = len({held_on(setup, 0).month, held_on(setup, 40).month})
    # Claim 10 months and 10 accompaniments although the records prove fewer.
    services.save_proof(
        setup.applicant,
        application,
        narrative="Das Sprachcafé fand regelmäßig statt.",
        quantities={lines["B1"].pk: D("10"), lines["B2"].pk: D("10")},
        not_carried_out=set(),
    )
    with pytest.raises(NotReconciled) as refused:
        services.submit_proof(setup.applicant, application)
    found = {(d.code, d.subject): d for d in refused.value.differences}
    assert found[("proof.above_records", "Sprachcafé · B1")].difference == D(10 - months)
    assert found[("proof.above_records", "Sprachcafé · B2")].difference == D("6.00")
    assert AuditEntry.objects.filter(action="funding.proof_refused").exists()
    application.refresh_from_db()
    assert application.state == State.RUNNING
    # Correct figures: what the records prove.
    services.save_proof(
        setup.applicant,
        application,
        narrative="Das Sprachcafé fand regelmäßig statt.",
        quantities={lines["B1"].pk: D(months), lines["B2"].pk: D("4")},
        not_carried_out=set(),
    )
    proof = services.submit_proof(setup.applicant, application)
    assert proof.proven_total == D(months) * D("250.00") + D("140.00")


def test_proof_reconciles_with_approvals_and_payments(setup: Setup) -> None:
    """The full money trail: approved 2,500, paid 2,500, proven less → repayment → settled →
    the year's proof of use to the state reconciles and is submitted."""
    application = _running(setup, {"B2": "20"})  # 20 accompaniments × 35 € = 700 €
    today = timezone.localdate()
    services.record_payment(setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("700.00"), booked_on=today)
    measure = application.measures.get()
    services.record_session(setup.applicant, measure, {"held_on": held_on(setup), "participants": 9, "volunteers": 6})
    services.record_session(
        setup.applicant, measure, {"held_on": held_on(setup, 1), "participants": 7, "volunteers": 6}
    )
    line = ClaimLine.objects.get()
    services.save_proof(
        setup.applicant,
        application,
        narrative="Begleitungen zu Ämtern.",
        quantities={line.pk: D("12")},
        not_carried_out=set(),
    )
    services.submit_proof(setup.applicant, application)
    # The state report is refused while the proof is not accepted and the money not settled.
    with pytest.raises(NotReconciled) as early:
        services.save_report(setup.reviewer, setup.year, narrative="Ein gutes Jahr.")
        services.submit_report(setup.reviewer, setup.year)
    assert {d.code for d in early.value.differences} == {"proof.missing"}
    services.accept_proof(setup.reviewer, application)
    application.refresh_from_db()
    assert application.state == State.PROOF_ACCEPTED  # 700 paid, 420 proven
    with pytest.raises(NotReconciled) as unsettled:
        services.submit_report(setup.reviewer, setup.year)
    [open_repayment] = unsettled.value.differences
    assert (open_repayment.code, open_repayment.difference) == ("settlement.repayment_open", D("280.00"))
    with pytest.raises(FundingError):  # no payment beyond the proven amount any more
        services.record_payment(
            setup.reviewer, application, kind=PaymentKind.PAYMENT, amount=D("1.00"), booked_on=today
        )
    services.record_payment(
        setup.reviewer, application, kind=PaymentKind.REPAYMENT, amount=D("280.00"), booked_on=today
    )
    application.refresh_from_db()
    assert application.state == State.CLOSED
    assert services.year_differences(setup.year) == []
    report = services.submit_report(setup.reviewer, setup.year)
    assert report.totals["total"] == {"planned": "700.00", "approved": "700.00", "paid": "420.00", "proven": "420.00"}
    assert report.totals["B"]["proven"] == "420.00"
    assert YearReport.objects.get().submitted_at is not None


def test_signature_lists_are_deleted_after_the_proof(setup: Setup) -> None:
    application = to_state(setup, draft(setup, {"B2": "4"}), State.IN_REVIEW)
    measure = application.measures.get()
    services.approve_application(setup.reviewer, application, quantities={}, signature_lists={measure.pk})
    application = to_state(setup, application, State.RUNNING)
    session = services.record_session(
        setup.applicant, measure, {"held_on": held_on(setup), "participants": 5, "volunteers": 4}
    )
    line = ClaimLine.objects.get()
    services.save_proof(
        setup.applicant, application, narrative="Ok.", quantities={line.pk: D("4")}, not_carried_out=set()
    )
    with pytest.raises(NotReconciled) as missing:
        services.submit_proof(setup.applicant, application)
    assert [d.code for d in missing.value.differences] == ["proof.signature_list_missing"]
    services.add_attachment(
        setup.applicant,
        upload("liste.pdf"),
        kind=AttachmentKind.SIGNATURE_LIST,
        title="Unterschriftenliste",
        application=application,
        measure=measure,
        session=session,
    )
    services.submit_proof(setup.applicant, application)
    with pytest.raises(FundingError):
        services.delete_signature_lists(setup.applicant, application)
    services.accept_proof(setup.reviewer, application)
    assert services.delete_signature_lists(setup.applicant, application) == 1
    assert not application.attachments.filter(kind=AttachmentKind.SIGNATURE_LIST).exists()


def test_measure_not_carried_out_proves_nothing(setup: Setup) -> None:
    application = _running(setup)
    measure = application.measures.get()
    line = ClaimLine.objects.get()
    services.save_proof(
        setup.applicant,
        application,
        narrative="Raum fiel weg.",
        quantities={line.pk: D("5")},
        not_carried_out={measure.pk},
    )
    proof = services.submit_proof(setup.applicant, application)
    assert proof.proven_total == D("0.00")
    services.accept_proof(setup.reviewer, application)
    application.refresh_from_db()
    assert application.state == State.CLOSED  # nothing paid, nothing proven: settled


# --- access ------------------------------------------------------------------------------------------------------


def test_visible_applications_match_the_rule(setup: Setup) -> None:
    applications = [draft(setup, title="Entwurf"), to_state(setup, draft(setup, title="Eingereicht"), State.SUBMITTED)]
    for persona in STAFF_PERSONAS:
        actor = setup.world.memberships[persona]
        listed = (
            set(visible_applications(actor).values_list("pk", flat=True))
            if actor.network_id == setup.world.network.pk
            else set()
        )
        allowed = {a.pk for a in applications if check_funding_rule("funding.view_application", actor, a)}
        assert listed == allowed, persona
    reviewer_sees = set(visible_applications(setup.reviewer).values_list("title", flat=True))
    assert reviewer_sees == {"Eingereicht"}  # drafts stay with the applicant


def test_the_applicant_cannot_decide_and_the_reviewer_cannot_edit(setup: Setup) -> None:
    application = to_state(setup, draft(setup), State.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        services.approve_application(setup.applicant, application, quantities={})
    drafted = draft(setup, title="Zwei")
    with pytest.raises(PermissionDenied):
        services.change_application(setup.reviewer, drafted, {"title": "x"})
    assert Application.objects.count() == 2
