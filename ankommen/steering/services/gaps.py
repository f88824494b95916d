"""The gap register (Lückenregister, DOMAIN §7.2): a gap links problem reports to the offers checked,
is classified, analysed for its root cause, gets a proposed measure, an owner, a priority set by the
core group and a funding source, and moves through open → analysed → measure agreed → in
implementation → closed.

Guards (``status_blockers``): analysed needs a type of gap, a root cause, a problem report and, unless
no offer exists at all, an offer checked; measure agreed needs the measure, the responsible
organisation, the priority and a target date; in implementation needs the funding source; closing
needs the evidence of closure and a review date. Every change of status is kept
(``GapStatusChange``) and audited. The priority (impact × people affected × feasibility, see
``scoring.py``) is set by coordinators and the named members of the core group only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.network.models import Membership
from ankommen.offers.choices import OfferStatus
from ankommen.offers.models import Offer
from ankommen.participants.choices import Language
from ankommen.steering import scoring
from ankommen.steering.choices import (
    GAP_TRANSITIONS,
    AccessBarrier,
    BenefitSystem,
    Field,
    FundingSource,
    GapStatus,
    GapType,
)
from ankommen.steering.models import Body, Gap, GapOffer, GapStatusChange, ProblemReport
from ankommen.steering.services.common import (
    SteeringError,
    apply_values,
    audit,
    check_version,
    locked,
    network_organisation,
    number_for,
    require,
    save_versioned,
)

NUMBER_KIND = "steering_gap"
BASE_FIELDS = ("title", "field", "age_band", "status_group", "benefit_system", "language", "description")
ANALYSIS_FIELDS = (
    "gap_type",
    "access_barriers",
    "root_cause",
    "proposed_measure",
    "owner",
    "body",
    "target_on",
    "funding_source",
    "funding_note",
)
GAP_FIELDS = BASE_FIELDS + ANALYSIS_FIELDS
CLOSED = _("This gap is closed. Reopen it before changing it.")


def _validate(actor: Membership, values: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Please give the gap a title.")
    if not str(values.get("description") or "").strip():
        errors["description"] = _("Please describe the gap.")
    for name, choices in (
        ("field", Field.values),
        ("age_band", AgeBand.values),
        ("status_group", StatusGroup.values),
        ("benefit_system", BenefitSystem.values),
    ):
        if values.get(name) not in choices:
            errors[name] = _("Please choose from the list.")
    if values.get("language") and values["language"] not in Language.values:
        errors["language"] = _("Please choose from the list.")
    gap_type = values.get("gap_type") or ""
    if gap_type and gap_type not in GapType.values:
        errors["gap_type"] = _("Please choose the type of gap.")
    barriers = list(values.get("access_barriers") or [])
    if any(code not in AccessBarrier.values for code in barriers):
        errors["access_barriers"] = _("Please choose from the list.")
    elif barriers and gap_type != GapType.ACCESS:
        errors["access_barriers"] = _("Access barriers belong to gaps of the type “access”.")
    if (values.get("funding_source") or "") not in FundingSource.values:
        errors["funding_source"] = _("Please choose from the list.")
    body = values.get("body")
    if body is not None and (not isinstance(body, Body) or body.network_id != actor.network_id):
        errors["body"] = _("Please choose from the list.")
    if errors:
        raise SteeringError(errors)
    network_organisation(actor, values.get("owner"), "owner")


def _reports(actor: Membership, reports: Iterable[ProblemReport]) -> list[ProblemReport]:
    found = list(reports)
    if any(report.network_id != actor.network_id for report in found):
        raise SteeringError({"problem_reports": _("Please choose problem reports of the network.")})
    return found


def create_gap(actor: Membership, values: Mapping[str, Any], *, reports: Iterable[ProblemReport] = ()) -> Gap:
    """A new, open gap (usually from one or more problem reports)."""
    require(actor, "steering.change_gap", Gap(network_id=actor.network_id))
    merged = {name: values.get(name, "") for name in BASE_FIELDS}
    merged.update({name: values[name] for name in ANALYSIS_FIELDS if name in values})
    _validate(actor, merged)
    linked = _reports(actor, reports)
    with transaction.atomic():
        now = timezone.now()
        gap = Gap(
            network_id=actor.network_id,
            number=number_for(actor.network_id, NUMBER_KIND, Gap),
            created_by=actor.user,
            status=GapStatus.OPEN,
            status_changed_at=now,
        )
        apply_values(gap, merged, GAP_FIELDS)
        gap.save()
        gap.problem_reports.set(linked)
        GapStatusChange.objects.create(
            network_id=actor.network_id,
            gap=gap,
            from_status="",
            to_status=GapStatus.OPEN,
            changed_by=actor.user,
            changed_at=now,
        )
        audit(actor, "steering.gap_created", gap, field=gap.field, reports=[r.pk for r in linked])
    return gap


def _locked_gap(actor: Membership, gap: Gap, version: int | None, *, rule: str = "steering.change_gap") -> Gap:
    current = locked(actor, Gap, gap.pk, rule)
    check_version(current, version)
    return current


def update_gap(actor: Membership, gap: Gap, values: Mapping[str, Any], *, version: int | None) -> Gap:
    """Description, sub-group and analysis (type, root cause, measure, owner, funding); not the
    status, not the priority."""
    with transaction.atomic():
        current = _locked_gap(actor, gap, version)
        if current.status == GapStatus.CLOSED:
            raise SteeringError(CLOSED)
        merged = {name: values.get(name, getattr(current, name)) for name in GAP_FIELDS}
        _validate(actor, merged)
        changed = apply_values(current, merged, GAP_FIELDS)
        if changed:
            save_versioned(current, changed)
            audit(actor, "steering.gap_changed", current, fields=changed)
    return current


def set_gap_reports(actor: Membership, gap: Gap, reports: Iterable[ProblemReport]) -> Gap:
    """The problem reports the gap stands on (replaces the selection)."""
    linked = _reports(actor, reports)
    with transaction.atomic():
        current = locked(actor, Gap, gap.pk, "steering.change_gap")
        if current.status == GapStatus.CLOSED:
            raise SteeringError(CLOSED)
        before = set(current.problem_reports.values_list("pk", flat=True))
        after = {report.pk for report in linked}
        if before != after:
            current.problem_reports.set(linked)
            audit(
                actor,
                "steering.gap_reports_linked",
                current,
                added=sorted(after - before),
                removed=sorted(before - after),
            )
    return current


def check_offer(actor: Membership, gap: Gap, offer: Offer, *, finding: str = "") -> GapOffer:
    """Record an offer of the catalogue checked against the gap, with what was found."""
    with transaction.atomic():
        current = locked(actor, Gap, gap.pk, "steering.change_gap")
        if current.status == GapStatus.CLOSED:
            raise SteeringError(CLOSED)
        if offer.network_id != actor.network_id or offer.status == OfferStatus.DRAFT:
            raise SteeringError({"offer": _("Please choose an offer of the catalogue.")})
        existing = current.offer_checks.filter(offer=offer.pk).first()
        if existing is not None:
            if existing.finding != finding.strip():
                existing.finding = finding.strip()
                existing.save(update_fields=["finding"])
                audit(actor, "steering.gap_offer_checked", current, offer=offer.pk, updated=True)
            return existing
        check = GapOffer.objects.create(network_id=actor.network_id, gap=current, offer=offer, finding=finding.strip())
        audit(actor, "steering.gap_offer_checked", current, offer=offer.pk)
    return check


def remove_offer_check(actor: Membership, gap: Gap, offer_id: int) -> None:
    with transaction.atomic():
        current = locked(actor, Gap, gap.pk, "steering.change_gap")
        if current.status == GapStatus.CLOSED:
            raise SteeringError(CLOSED)
        deleted, _rows = current.offer_checks.filter(offer=offer_id).delete()
        if not deleted:
            raise SteeringError(_("This offer was not checked for the gap."))
        audit(actor, "steering.gap_offer_removed", current, offer=offer_id)


def set_priority(
    actor: Membership, gap: Gap, *, impact: int, affected: int, feasibility: int, version: int | None
) -> Gap:
    """The core group's priority: impact × people affected × feasibility (each 1–5)."""
    try:
        priority = scoring.Priority(impact, affected, feasibility)
    except scoring.ScoreError:
        raise SteeringError(_("Each factor is scored from 1 to 5.")) from None
    with transaction.atomic():
        current = _locked_gap(actor, gap, version, rule="steering.prioritise_gap")
        if current.status == GapStatus.CLOSED:
            raise SteeringError(CLOSED)
        previous = current.priority
        current.impact, current.affected, current.feasibility = impact, affected, feasibility
        current.priority = priority.score
        current.prioritised_at = timezone.now()
        current.prioritised_by = actor.user
        save_versioned(current, ["impact", "affected", "feasibility", "priority", "prioritised_at", "prioritised_by"])
        audit(
            actor,
            "steering.gap_prioritised",
            current,
            impact=impact,
            affected=affected,
            feasibility=feasibility,
            priority=priority.score,
            previous=previous,
        )
    return current


def status_blockers(gap: Gap, to_status: str, *, evidence: str = "", review_on: dt.date | None = None) -> list[str]:
    """Why the gap cannot move to ``to_status`` now (empty: it can). Reads the gap's reports and
    offers checked (two queries)."""
    problems: list[str] = []
    if to_status not in GAP_TRANSITIONS.get(gap.status, ()):
        return [str(_("A gap cannot move from this status to the one chosen."))]
    forward = GapStatus.values.index(to_status) > GapStatus.values.index(gap.status)
    if not forward:
        return problems
    if to_status == GapStatus.ANALYSED:
        if not gap.gap_type:
            problems.append(str(_("Classify the gap: choose its type.")))
        if not gap.root_cause.strip():
            problems.append(str(_("Write down the root cause.")))
        if not gap.problem_reports.exists():
            problems.append(str(_("Link at least one problem report.")))
        if gap.gap_type != GapType.NO_OFFER and not gap.offer_checks.exists():
            problems.append(str(_("Record the offers checked (unless there is no offer at all).")))
    elif to_status == GapStatus.MEASURE_AGREED:
        if not gap.proposed_measure.strip():
            problems.append(str(_("Write down the measure agreed.")))
        if gap.owner_id is None:
            problems.append(str(_("Name the responsible organisation.")))
        if gap.priority is None:
            problems.append(str(_("The core group sets the priority first.")))
        if gap.target_on is None:
            problems.append(str(_("Set a target date.")))
    elif to_status == GapStatus.IN_IMPLEMENTATION:
        if not gap.funding_source:
            problems.append(str(_("Choose the funding source (or “no extra cost”).")))
    elif to_status == GapStatus.CLOSED:
        if not evidence.strip():
            problems.append(str(_("Describe the evidence that the gap is closed.")))
        if review_on is None:
            problems.append(str(_("Set a date to review whether the gap stays closed.")))
        elif review_on <= timezone.localdate():
            problems.append(str(_("The review date lies in the future.")))
    return problems


def change_gap_status(
    actor: Membership,
    gap: Gap,
    to_status: str,
    *,
    note: str = "",
    evidence: str = "",
    review_on: dt.date | None = None,
    version: int | None,
) -> Gap:
    if to_status not in GapStatus.values:
        raise SteeringError({"to_status": _("Please choose a status.")})
    with transaction.atomic():
        current = _locked_gap(actor, gap, version)
        problems = status_blockers(current, to_status, evidence=evidence, review_on=review_on)
        if problems:
            raise SteeringError(problems)
        previous = current.status
        now = timezone.now()
        current.status = to_status
        current.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to_status == GapStatus.CLOSED:
            current.closure_evidence = evidence.strip()
            current.review_on = review_on
            fields += ["closure_evidence", "review_on"]
        save_versioned(current, fields)
        GapStatusChange.objects.create(
            network_id=actor.network_id,
            gap=current,
            from_status=previous,
            to_status=to_status,
            note=note.strip(),
            changed_by=actor.user,
            changed_at=now,
        )
        audit(actor, "steering.gap_status_changed", current, from_status=previous, to_status=to_status)
    return current
