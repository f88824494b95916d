"""The integration centre's side: completeness check, questions to the applicant, the decision
(in full, in part or not at all, with reasons), the two-person rule, the forwarding contract and
payments.

Money is committed and paid only with the funding year's row locked (``lock_year``, always
before the application's row): whatever the number of people approving at the same moment, the
approvals of a year never add up to more than its budget, and a second approval is counted once.
Above the year's ``second_approval_above`` an approval takes two different people: the first
approval reserves the amount, the second (by another user, whatever membership they act in)
makes it final. A refused approval (budget, two-person rule) is itself audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.funding.budget import committed_by_module, committed_total
from ankommen.funding.calc import ZERO, BudgetCheck, line_amount, money, quantity
from ankommen.funding.choices import PAYABLE, DocumentKind, LineDecision, PaymentKind, State, Verification
from ankommen.funding.models import (
    Application,
    ClaimLine,
    Document,
    FundingYear,
    InfoRequest,
    Module,
    OrganisationProfile,
    Payment,
)
from ankommen.funding.services.applications import submission_problems
from ankommen.funding.services.common import (
    FundingError,
    audit,
    check_version,
    euro,
    lock_application,
    lock_year,
    paid_net,
    save_application,
    year_paid_net,
)
from ankommen.network.models import Membership

REVIEW = "funding.review_application"
DECIDE = "funding.decide_application"
T = TypeVar("T")


def _audited_refusal(actor: Membership, application: Application, work: Callable[[], T]) -> T:
    """Run ``work`` in its own transaction; a refusal for the budget or the two-person rule is
    logged after the rollback, so the attempt stays on record."""
    try:
        with transaction.atomic():
            return work()
    except FundingError as exc:
        if getattr(exc, "code", None) in ("budget", "two_person"):
            with transaction.atomic():
                audit(actor, "funding.approval_refused", application, reason=exc.code)
        raise


# --- completeness and questions ---------------------------------------------------------------------


def completeness_problems(application: Application) -> list[str]:
    problems = submission_problems(application)
    profile = OrganisationProfile.objects.filter(organisation=application.organisation_id).first()
    if profile is not None and profile.state == Verification.SUBMITTED:
        problems.append(_("Verify the organisation first (statutes, representative)."))
    return problems


def confirm_completeness(actor: Membership, application: Application, version: int | None = None) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        check_version(current, version)
        if current.state != State.SUBMITTED:
            raise FundingError(_("Only a submitted application waits for the completeness check."), code="state")
        problems = completeness_problems(current)
        if problems:
            raise FundingError(problems, code="incomplete")
        current.state = State.IN_REVIEW
        current.complete_at = timezone.now()
        save_application(current, ["state", "complete_at"])
        audit(actor, "funding.completeness_confirmed", current)


def request_information(
    actor: Membership, application: Application, *, question: str, due_on: dt.date, version: int | None = None
) -> InfoRequest:
    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        check_version(current, version)
        if current.state not in (State.SUBMITTED, State.IN_REVIEW):
            raise FundingError(_("Questions can be asked until the application is decided."), code="state")
        if not question.strip():
            raise FundingError({"question": [_("Write the question.")]})
        if due_on < timezone.localdate():
            raise FundingError({"due_on": [_("The answer cannot be due in the past.")]})
        info = InfoRequest.objects.create(
            network_id=actor.network_id,
            application=current,
            question=question.strip(),
            due_on=due_on,
            asked_by_id=actor.user_id,
            asked_at=timezone.now(),
        )
        previous = current.state
        current.state = State.INFO_REQUESTED
        save_application(current, ["state"])
        audit(actor, "funding.info_requested", current, request=info.pk, due_on=due_on, previous_state=previous)
    return info


# --- decision ---------------------------------------------------------------------------------------------


def _check_budget(year: FundingYear, application: Application, amount: Decimal, by_module: dict[str, Decimal]) -> None:
    check = BudgetCheck(
        budget=year.budget,
        committed=committed_total(year.pk, exclude=application.pk),
        amount=amount,
        warning_percent=year.warning_percent,
    )
    if check.exceeds:
        raise FundingError(
            _(
                "This approval would exceed the budget of %(year)s by %(excess)s "
                "(budget %(budget)s, already committed %(committed)s)."
            )
            % {
                "year": year.year,
                "excess": euro(check.excess),
                "budget": euro(year.budget),
                "committed": euro(check.committed),
            },
            code="budget",
        )
    limits = {m.code: m.budget for m in Module.objects.filter(year=year, budget__isnull=False)}
    if limits:
        committed = committed_by_module(year.pk, exclude=application.pk)
        for code, limit in sorted(limits.items()):
            after = money(committed.get(code, ZERO) + by_module.get(code, ZERO))
            if limit is not None and by_module.get(code, ZERO) > 0 and after > limit:
                raise FundingError(
                    _("This approval would exceed the budget of module %(module)s by %(excess)s.")
                    % {"module": code, "excess": euro(after - limit)},
                    code="budget",
                )


def _lines(application: Application) -> list[ClaimLine]:
    return list(
        ClaimLine.objects.filter(measure__application=application).select_related("measure__module", "flat_rate")
    )


def _measure_decisions(lines: list[ClaimLine]) -> dict[int, str]:
    by_measure: dict[int, list[ClaimLine]] = {}
    for line in lines:
        by_measure.setdefault(line.measure_id, []).append(line)
    decisions: dict[int, str] = {}
    for measure_id, group in by_measure.items():
        if all((line.approved_quantity or ZERO) == 0 for line in group):
            decisions[measure_id] = LineDecision.REJECTED
        elif all(line.approved_quantity == line.quantity for line in group):
            decisions[measure_id] = LineDecision.APPROVED
        else:
            decisions[measure_id] = LineDecision.REDUCED
    return decisions


def _save_decisions(application: Application, decisions: Mapping[int, str], signature_lists: set[int]) -> None:
    for measure in application.measures.all():
        measure.decision = decisions.get(measure.pk, LineDecision.REJECTED)
        measure.signature_list_required = measure.pk in signature_lists
        measure.save(update_fields=["decision", "signature_list_required"])


def approve_application(
    actor: Membership,
    application: Application,
    *,
    quantities: Mapping[int, Any],
    reason: str = "",
    signature_lists: set[int] | None = None,
    version: int | None = None,
) -> Application:
    """Approve the application with the given quantity per claim line (id → quantity; a line not
    named is approved as requested; less than requested is a partial approval and needs reasons).
    Above the year's threshold this is the first of two approvals and reserves the amount."""

    def work() -> Application:
        year = lock_year(actor, application.year_id)
        current = lock_application(actor, application, DECIDE)
        check_version(current, version)
        if current.state != State.IN_REVIEW:
            raise FundingError(_("Only a complete application in review can be approved."), code="state")
        lines = _lines(current)
        by_module: dict[str, Decimal] = {}
        for line in lines:
            wanted = quantities.get(line.pk, line.quantity)
            approved = quantity(wanted if wanted not in (None, "") else ZERO)
            if approved > line.quantity:
                raise FundingError(
                    _("For %(code)s at most the requested %(quantity)s units can be approved.")
                    % {"code": line.flat_rate.code, "quantity": line.quantity},
                    code="quantity",
                )
            line.approved_quantity = approved
            line.approved_amount = line_amount(approved, line.rate)
            code = line.measure.module.code
            by_module[code] = money(by_module.get(code, ZERO) + line.approved_amount)
        total = money(sum((line.approved_amount or ZERO for line in lines), ZERO))
        if total <= 0:
            raise FundingError(_("Nothing would be approved: reject the application instead."), code="nothing")
        decisions = _measure_decisions(lines)
        partial = any(d != LineDecision.APPROVED for d in decisions.values())
        if partial and not reason.strip():
            raise FundingError({"reason": [_("Give the reasons for approving only part of the application.")]})
        _check_budget(year, current, total, by_module)
        for line in lines:
            line.save(update_fields=["approved_quantity", "approved_amount"])
        _save_decisions(current, decisions, set(signature_lists or ()))
        now = timezone.now()
        current.approved_total = total
        current.decision_reason = reason.strip()
        current.first_approver_id = actor.user_id
        current.first_approved_at = now
        current.second_approval_note = ""
        fields = ["approved_total", "decision_reason", "first_approver", "first_approved_at", "second_approval_note"]
        if total > year.second_approval_above:
            current.state = State.SECOND_APPROVAL
            save_application(current, [*fields, "state"])
            audit(actor, "funding.first_approval", current, approved=total, partial=partial)
        else:
            current.state = State.APPROVED
            current.decided_at = now
            save_application(current, [*fields, "state", "decided_at"])
            audit(actor, "funding.application_approved", current, approved=total, partial=partial, steps=1)
        return current

    return _audited_refusal(actor, application, work)


def confirm_second_approval(actor: Membership, application: Application, version: int | None = None) -> Application:
    """The second approval, by a person other than the first approver."""

    def work() -> Application:
        year = lock_year(actor, application.year_id)
        current = lock_application(actor, application, DECIDE)
        check_version(current, version)
        if current.state != State.SECOND_APPROVAL:
            raise FundingError(_("This application is not waiting for a second approval (any more)."), code="state")
        if current.first_approver_id == actor.user_id:
            raise FundingError(
                _("The second approval must come from another person than the first approval."), code="two_person"
            )
        by_module: dict[str, Decimal] = {}
        for line in _lines(current):
            code = line.measure.module.code
            by_module[code] = money(by_module.get(code, ZERO) + (line.approved_amount or ZERO))
        _check_budget(year, current, current.approved_total, by_module)
        now = timezone.now()
        current.second_approver_id = actor.user_id
        current.second_approved_at = now
        current.decided_at = now
        current.state = State.APPROVED
        save_application(current, ["second_approver", "second_approved_at", "decided_at", "state"])
        audit(actor, "funding.application_approved", current, approved=current.approved_total, steps=2)
        return current

    return _audited_refusal(actor, application, work)


def refuse_second_approval(
    actor: Membership, application: Application, *, reason: str, version: int | None = None
) -> None:
    """The second person does not agree: the application goes back to review and the reserved
    amount is released."""

    def work() -> None:
        lock_year(actor, application.year_id)
        current = lock_application(actor, application, DECIDE)
        check_version(current, version)
        if current.state != State.SECOND_APPROVAL:
            raise FundingError(_("This application is not waiting for a second approval (any more)."), code="state")
        if current.first_approver_id == actor.user_id:
            raise FundingError(
                _("The second approval must come from another person than the first approval."), code="two_person"
            )
        if not reason.strip():
            raise FundingError({"reason": [_("Say why you do not approve.")]})
        ClaimLine.objects.filter(measure__application=current).update(approved_quantity=None, approved_amount=None)
        current.measures.update(decision=LineDecision.PENDING)
        current.state = State.IN_REVIEW
        current.approved_total = ZERO
        current.first_approver = None
        current.first_approved_at = None
        current.second_approval_note = reason.strip()
        save_application(
            current, ["state", "approved_total", "first_approver", "first_approved_at", "second_approval_note"]
        )
        audit(actor, "funding.second_approval_refused", current)

    _audited_refusal(actor, application, work)


def reject_application(actor: Membership, application: Application, *, reason: str, version: int | None = None) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, DECIDE)
        check_version(current, version)
        if current.state not in (State.SUBMITTED, State.IN_REVIEW):
            raise FundingError(_("Only an application under review can be rejected."), code="state")
        if not reason.strip():
            raise FundingError({"reason": [_("Give the reasons for the rejection.")]})
        ClaimLine.objects.filter(measure__application=current).update(approved_quantity=ZERO, approved_amount=ZERO)
        current.measures.update(decision=LineDecision.REJECTED)
        current.state = State.REJECTED
        current.approved_total = ZERO
        current.decision_reason = reason.strip()
        current.decided_at = timezone.now()
        save_application(current, ["state", "approved_total", "decision_reason", "decided_at"])
        audit(actor, "funding.application_rejected", current)


# --- contract and payments --------------------------------------------------------------------------------


def contract_of(application: Application) -> Document | None:
    return application.documents.filter(kind=DocumentKind.CONTRACT).first()


def issue_contract(actor: Membership, application: Application) -> Document:
    """Generate the forwarding contract of an approved application once and keep it as issued."""
    from ankommen.funding.documents import contract_pdf

    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        existing = contract_of(current)
        if existing is not None:
            return existing
        if current.state != State.APPROVED:
            raise FundingError(_("The contract is issued once the application is approved."), code="state")
        content = contract_pdf(current, issuer=actor.organisation)
        document = Document(
            network_id=actor.network_id,
            application=current,
            kind=DocumentKind.CONTRACT,
            extension=".pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            generated_by_id=actor.user_id,
        )
        document.file.save("contract.pdf", ContentFile(content), save=False)
        stored, storage = document.file.name, document.file.storage
        try:
            document.save()
            audit(actor, "funding.contract_generated", current, document=document.pk, sha256=document.sha256)
        except Exception:
            storage.delete(stored)
            raise
    return document


def record_contract_signed(
    actor: Membership, application: Application, *, signed_on: dt.date, version: int | None = None
) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        check_version(current, version)
        if current.state != State.APPROVED:
            raise FundingError(_("Only the contract of an approved application can be signed."), code="state")
        if contract_of(current) is None:
            raise FundingError(_("Generate the contract first."), code="contract")
        if signed_on > timezone.localdate():
            raise FundingError({"signed_on": [_("The date cannot be in the future.")]})
        current.contract_signed_on = signed_on
        current.state = State.RUNNING
        save_application(current, ["contract_signed_on", "state"])
        audit(actor, "funding.contract_signed", current, signed_on=signed_on)


def record_payment(
    actor: Membership,
    application: Application,
    *,
    kind: str,
    amount: Decimal,
    booked_on: dt.date,
    booking_reference: str = "",
) -> Payment:
    """Book a payment to the organisation or a repayment by it against the year's budget. Payments
    never exceed the approval (after an accepted proof: the proven amount) nor the budget."""
    amount = money(amount)
    if amount <= 0:
        raise FundingError({"amount": [_("The amount must be more than 0 €.")]})
    with transaction.atomic():
        year = lock_year(actor, application.year_id)
        current = lock_application(actor, application, "funding.pay")
        if current.state not in PAYABLE:
            raise FundingError(
                _("Payments are recorded once the contract is signed and until the proof of use is settled."),
                code="state",
            )
        net = paid_net(current.pk)
        proof = getattr(current, "proof", None)
        if kind == PaymentKind.PAYMENT:
            limit = proof.proven_total if current.state == State.PROOF_ACCEPTED and proof else current.approved_total
            if net + amount > limit:
                raise FundingError(
                    _("This payment would exceed the amount due (%(limit)s) by %(excess)s.")
                    % {"limit": euro(limit), "excess": euro(net + amount - limit)},
                    code="limit",
                )
            year_net = year_paid_net(year.pk)
            if year_net + amount > year.budget:
                raise FundingError(
                    _("This payment would exceed the budget of the year by %(excess)s.")
                    % {"excess": euro(year_net + amount - year.budget)},
                    code="budget",
                )
        elif kind == PaymentKind.REPAYMENT:
            if amount > net:
                raise FundingError(
                    _("Only %(net)s have been paid; a repayment cannot be more.") % {"net": euro(net)}, code="limit"
                )
        else:
            raise FundingError(_("Unknown kind of payment."), code="kind")
        payment = Payment.objects.create(
            network_id=actor.network_id,
            application=current,
            year=year,
            kind=kind,
            amount=amount,
            booked_on=booked_on,
            booking_reference=booking_reference.strip(),
            recorded_by_id=actor.user_id,
        )
        new_net = paid_net(current.pk)
        if current.state == State.PROOF_ACCEPTED and proof is not None and new_net == proof.proven_total:
            current.state = State.CLOSED
            save_application(current, ["state"])
        audit(
            actor,
            "funding.payment_recorded",
            current,
            payment=payment.pk,
            kind=kind,
            amount=amount,
            paid_net=new_net,
            state=current.state,
        )
    return payment
