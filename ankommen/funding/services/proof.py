"""Proof of use (Verwendungsnachweis): the organisation's proof to the integration centre, and the
integration centre's proof of the whole year to the state.

The organisation's proof is a narrative report plus, per approved flat rate, the quantity that
was delivered. It can only be submitted when its figures reconcile (``calc.check_proof``): no
quantity above the approval, none above what the recorded meetings and materials prove, a
document for flat rates that documents prove (rooms), signature lists where the contract
requires them. The proven amounts are then frozen; the settlement with the payments (final
payment or repayment) follows once the integration centre accepts the proof.

The year's proof to the state can only be submitted when every figure reconciles
(``calc.reconcile``): all applications decided, all proofs accepted, payments less repayments
equal to the proven amounts, stored totals equal to the flat rates of the measures, everything
within the budget. A refused submission is audited and shows each difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ankommen.funding.calc import (
    ZERO,
    ApplicationFigures,
    Difference,
    MaterialFigures,
    MeasureRecords,
    ProofLine,
    SessionFigures,
    check_proof,
    evidenced_quantity,
    line_amount,
    money,
    quantity,
    reconcile,
    total,
)
from ankommen.funding.choices import COMMITTED, PLANNED, AttachmentKind, PaymentKind, State
from ankommen.funding.models import (
    Application,
    Attachment,
    ClaimLine,
    FundingYear,
    Material,
    Payment,
    Proof,
    Session,
    YearReport,
)
from ankommen.funding.rules import check_funding_rule
from ankommen.funding.services.common import (
    FundingError,
    audit,
    check_version,
    lock_application,
    lock_year,
    paid_net,
    save_application,
)
from ankommen.network.models import Membership

WORK = "funding.work_on_application"
REVIEW = "funding.review_application"


class NotReconciled(FundingError):
    """A proof of use whose figures do not add up; ``differences`` says where and by how much."""

    def __init__(self, message: str, differences: list[Difference]) -> None:
        super().__init__(message, code="reconcile")
        self.differences = differences


# --- the figures of one application -------------------------------------------------------------------------


@dataclass
class LineFigures:
    line: ClaimLine
    evidenced: Decimal | None
    proof: ProofLine


def line_figures(application: Application) -> list[LineFigures]:
    """Each approved flat rate with what the records of its measure prove (four queries)."""
    lines = list(
        ClaimLine.objects.filter(measure__application=application)
        .select_related("measure__module", "flat_rate")
        .order_by("measure__module__code", "measure__starts_on", "measure_id", "flat_rate__code")
    )
    sessions: dict[int, list[SessionFigures]] = defaultdict(list)
    for s in Session.objects.filter(measure__application=application).order_by("held_on"):
        sessions[s.measure_id].append(
            SessionFigures(s.held_on, s.participants, s.volunteers, s.volunteer_hours, s.trainer_hours)
        )
    materials: dict[int, list[MaterialFigures]] = defaultdict(list)
    for m in Material.objects.filter(measure__application=application):
        materials[m.measure_id].append(MaterialFigures(m.kind, m.pages))
    documents = set(
        Attachment.objects.filter(
            application=application, kind__in=(AttachmentKind.EVIDENCE, AttachmentKind.MATERIAL)
        ).values_list("measure_id", flat=True)
    )
    result = []
    for line in lines:
        measure = line.measure
        records = MeasureRecords(sessions.get(measure.pk, ()), materials.get(measure.pk, ()))
        evidenced = ZERO if measure.not_carried_out else evidenced_quantity(line.flat_rate.unit, records)
        proven = line.proven_quantity
        if proven is None:
            proven = min(evidenced, line.approved_quantity or ZERO) if evidenced is not None else ZERO
        proof = ProofLine(
            measure=measure.title,
            rate_code=line.flat_rate.code,
            unit=line.flat_rate.unit,
            rate=line.rate,
            approved_quantity=line.approved_quantity or ZERO,
            proven_quantity=ZERO if measure.not_carried_out else proven,
            evidenced_quantity=evidenced,
            has_document=measure.pk in documents,
        )
        result.append(LineFigures(line, evidenced, proof))
    return result


def missing_signature_lists(application: Application) -> list[str]:
    """Measures whose contract requires a signature list, held, but without one uploaded."""
    measures = (
        application.measures.filter(signature_list_required=True, not_carried_out=False)
        .annotate(held=Count("sessions", distinct=True))
        .filter(held__gt=0)
    )
    with_lists = set(
        Attachment.objects.filter(application=application, kind=AttachmentKind.SIGNATURE_LIST).values_list(
            "measure_id", flat=True
        )
    )
    return [m.title for m in measures if m.pk not in with_lists]


# --- the organisation's proof of use ------------------------------------------------------------------------


def _proof_of(actor: Membership, application: Application) -> Proof:
    proof, _created = Proof.objects.select_for_update().get_or_create(
        application=application, defaults={"network_id": actor.network_id}
    )
    return proof


def save_proof(
    actor: Membership,
    application: Application,
    *,
    narrative: str,
    quantities: Mapping[int, Any],
    not_carried_out: set[int],
) -> Proof:
    """Save the draft of the proof: the narrative report, the proven quantity per approved flat
    rate and the measures that did not take place."""
    with transaction.atomic():
        current = lock_application(actor, application, WORK)
        if current.state != State.RUNNING:
            raise FundingError(_("The proof of use is written after the contract is signed."), code="state")
        proof = _proof_of(actor, current)
        for measure in current.measures.all():
            flag = measure.pk in not_carried_out
            if measure.not_carried_out != flag:
                measure.not_carried_out = flag
                measure.save(update_fields=["not_carried_out"])
        for line in ClaimLine.objects.filter(measure__application=current).select_related("measure"):
            if line.pk not in quantities:
                continue
            value = quantities[line.pk]
            proven = ZERO if line.measure.not_carried_out else quantity(value if value not in (None, "") else ZERO)
            line.proven_quantity = proven
            line.proven_amount = line_amount(proven, line.rate)
            line.save(update_fields=["proven_quantity", "proven_amount"])
        proof.narrative = narrative.strip()
        proof.version += 1
        proof.save(update_fields=["narrative", "version"])
        audit(actor, "funding.proof_saved", current, not_carried_out=sorted(not_carried_out))
    return proof


def proof_differences(application: Application) -> list[Difference]:
    figures = line_figures(application)
    found = check_proof([f.proof for f in figures])
    for title in missing_signature_lists(application):
        found.append(Difference("proof.signature_list_missing", title, ZERO, ZERO))
    return found


def submit_proof(actor: Membership, application: Application, version: int | None = None) -> Proof:
    def work() -> Proof:
        current = lock_application(actor, application, WORK)
        check_version(current, version)
        if current.state != State.RUNNING:
            raise FundingError(_("Only a running project can submit its proof of use."), code="state")
        proof = _proof_of(actor, current)
        if not proof.narrative.strip():
            raise FundingError(
                {"narrative": [_("Write the narrative report: what took place, with whom, what worked.")]}
            )
        figures = line_figures(current)
        differences = check_proof([f.proof for f in figures])
        differences += [
            Difference("proof.signature_list_missing", title, ZERO, ZERO) for title in missing_signature_lists(current)
        ]
        if differences:
            raise NotReconciled(_("The figures of the proof of use do not reconcile."), differences)
        for item in figures:
            item.line.proven_quantity = item.proof.proven_quantity
            item.line.proven_amount = item.proof.proven_amount
            item.line.save(update_fields=["proven_quantity", "proven_amount"])
        proof.proven_total = total(item.proof.proven_amount for item in figures)
        proof.submitted_at = timezone.now()
        proof.submitted_by_id = actor.user_id
        proof.return_reason = ""
        proof.version += 1
        proof.save(update_fields=["proven_total", "submitted_at", "submitted_by", "return_reason", "version"])
        current.state = State.PROOF_SUBMITTED
        save_application(current, ["state"])
        audit(
            actor,
            "funding.proof_submitted",
            current,
            proven=proof.proven_total,
            approved=current.approved_total,
            paid_net=paid_net(current.pk),
        )
        return proof

    try:
        with transaction.atomic():
            return work()
    except NotReconciled as exc:
        with transaction.atomic():
            audit(actor, "funding.proof_refused", application, differences=len(exc.differences))
        raise


def return_proof(actor: Membership, application: Application, *, reason: str) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        if current.state != State.PROOF_SUBMITTED:
            raise FundingError(_("Only a submitted proof of use can be returned."), code="state")
        if not reason.strip():
            raise FundingError({"reason": [_("Say what needs correcting.")]})
        proof = _proof_of(actor, current)
        proof.return_reason = reason.strip()
        proof.submitted_at = None
        proof.version += 1
        proof.save(update_fields=["return_reason", "submitted_at", "version"])
        current.state = State.RUNNING
        save_application(current, ["state"])
        audit(actor, "funding.proof_returned", current)


def accept_proof(actor: Membership, application: Application) -> None:
    """Accept the proof; settled at once when payments less repayments equal the proven amount,
    otherwise the final payment or the repayment is open."""
    with transaction.atomic():
        current = lock_application(actor, application, REVIEW)
        if current.state != State.PROOF_SUBMITTED:
            raise FundingError(_("Only a submitted proof of use can be accepted."), code="state")
        proof = _proof_of(actor, current)
        lines_total = money(
            ClaimLine.objects.filter(measure__application=current).aggregate(t=Sum("proven_amount"))["t"] or ZERO
        )
        if lines_total != proof.proven_total:
            raise NotReconciled(
                _("The figures of the proof of use do not reconcile."),
                [Difference("proven.lines", current.reference, lines_total, proof.proven_total)],
            )
        proof.checked_by_id = actor.user_id
        proof.checked_at = timezone.now()
        proof.version += 1
        proof.save(update_fields=["checked_by", "checked_at", "version"])
        net = paid_net(current.pk)
        current.state = State.CLOSED if net == proof.proven_total else State.PROOF_ACCEPTED
        save_application(current, ["state"])
        audit(actor, "funding.proof_accepted", current, proven=proof.proven_total, paid_net=net, state=current.state)


def delete_signature_lists(actor: Membership, application: Application) -> int:
    """Delete every signature list of the project once its proof of use is accepted (the counts stay)."""
    if not (check_funding_rule(WORK, actor, application) or check_funding_rule(REVIEW, actor, application)):
        raise PermissionDenied
    with transaction.atomic():
        rule = WORK if check_funding_rule(WORK, actor, application) else REVIEW
        current = lock_application(actor, application, rule)
        if current.state not in (State.PROOF_ACCEPTED, State.CLOSED):
            raise FundingError(_("Signature lists are deleted once the proof of use has been accepted."), code="state")
        lists = list(Attachment.objects.filter(application=current, kind=AttachmentKind.SIGNATURE_LIST))
        files = [(a.file.storage, a.file.name) for a in lists]
        for attachment in lists:
            attachment.delete()
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
        proof = _proof_of(actor, current)
        proof.signature_lists_deleted_at = timezone.now()
        proof.save(update_fields=["signature_lists_deleted_at"])
        audit(actor, "funding.signature_lists_deleted", current, count=len(lists))
    return len(lists)


# --- the year's proof of use to the state --------------------------------------------------------------------


def year_figures(year: FundingYear) -> list[ApplicationFigures]:
    """Per application of the year that was submitted and not rejected or withdrawn (four queries)."""
    applications = list(
        Application.objects.filter(year=year, state__in=PLANNED).select_related("proof").order_by("reference")
    )
    ids = [a.pk for a in applications]
    lines = {
        row["measure__application"]: row
        for row in ClaimLine.objects.filter(measure__application__in=ids)
        .values("measure__application")
        .annotate(approved=Sum("approved_amount"), proven=Sum("proven_amount"))
    }
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    payments = Payment.objects.filter(application__in=ids).values("application", "kind").annotate(total=Sum("amount"))
    for row in payments:
        net[row["application"]] += (row["total"] or ZERO) * (1 if row["kind"] == PaymentKind.PAYMENT else -1)
    figures = []
    for app in applications:
        proof = getattr(app, "proof", None)
        accepted = app.state in (State.PROOF_ACCEPTED, State.CLOSED)
        row = lines.get(app.pk, {})
        figures.append(
            ApplicationFigures(
                reference=app.reference,
                approved_total=app.approved_total,
                approved_lines=money(row.get("approved") or ZERO),
                paid_net=money(net[app.pk]),
                proof_accepted=accepted,
                proven_total=proof.proven_total if proof is not None and accepted else ZERO,
                proven_lines=money(row.get("proven") or ZERO) if accepted else ZERO,
                undecided=app.state not in COMMITTED or app.state == State.SECOND_APPROVAL,
                requested_total=app.requested_total,
            )
        )
    return figures


def year_differences(year: FundingYear) -> list[Difference]:
    return reconcile(year_figures(year), year.budget)


def _report_of(actor: Membership, year: FundingYear) -> YearReport:
    report, _created = YearReport.objects.select_for_update().get_or_create(
        year=year, defaults={"network_id": actor.network_id}
    )
    return report


def save_report(actor: Membership, year: FundingYear, *, narrative: str) -> YearReport:
    if not actor.has_perm("funding.manage"):
        raise PermissionDenied
    with transaction.atomic():
        lock_year(actor, year.pk)
        report = _report_of(actor, year)
        if report.submitted_at is not None:
            raise FundingError(_("The proof of use of this year has already been submitted."), code="state")
        report.narrative = narrative.strip()
        report.version += 1
        report.save(update_fields=["narrative", "version"])
        audit(actor, "funding.report_saved", report, year=year.year)
    return report


def submit_report(actor: Membership, year: FundingYear) -> YearReport:
    """Submit the year's proof of use to the state; refused (and audited) unless every figure reconciles."""
    from ankommen.funding.budget import overview

    if not actor.has_perm("funding.manage"):
        raise PermissionDenied

    def work() -> YearReport:
        locked = lock_year(actor, year.pk)
        report = _report_of(actor, locked)
        if report.submitted_at is not None:
            raise FundingError(_("The proof of use of this year has already been submitted."), code="state")
        if not report.narrative.strip():
            raise FundingError({"narrative": [_("Write the narrative report of the year.")]})
        differences = year_differences(locked)
        if differences:
            raise NotReconciled(_("The figures of the year do not reconcile."), differences)
        figures = overview(locked)
        report.totals = {
            row.code: {
                "planned": str(row.planned),
                "approved": str(row.approved),
                "paid": str(row.paid),
                "proven": str(row.proven),
            }
            for row in [*figures.modules, figures.total]
        }
        report.submitted_at = timezone.now()
        report.submitted_by_id = actor.user_id
        report.version += 1
        report.save(update_fields=["totals", "submitted_at", "submitted_by", "version"])
        audit(
            actor,
            "funding.report_submitted",
            report,
            year=locked.year,
            approved=figures.total.approved,
            paid=figures.total.paid,
            proven=figures.total.proven,
        )
        return report

    try:
        with transaction.atomic():
            return work()
    except NotReconciled as exc:
        with transaction.atomic():
            audit(actor, "funding.report_refused", year, year=year.year, differences=len(exc.differences))
        raise
