"""Problem reports (Problemanzeigen, DOMAIN §7.2 step 1) from workshops, case management, volunteers
and other professionals, and from case closures' system barriers.

A report describes a barrier for a sub-group with anonymous evidence: a number of cases and a short
vignette. Texts with obvious identifiers (dates of a day, phone numbers, e-mail addresses, reference
and document numbers) are refused; texts that look like they name someone (a form of address with a
name, a street address) are saved only once the writer confirms that nobody is identified
(``vignette.py``).

System barriers (``cases.SystemBarrier``) arrive on their own: ``report_new_barriers`` runs in the
transaction that closes a case and turns each barrier not yet reported into a report (one-to-one,
so a second run adds nothing). The report has no reporter and no organisation, only the barrier's
month; the audit entry counts the reports and names none, so nothing links a report to the closure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases.choices import AgeBand, StatusGroup
from ankommen.cases.models import SystemBarrier
from ankommen.network.models import Membership, Network
from ankommen.participants.choices import Language
from ankommen.steering import vignette
from ankommen.steering.choices import (
    FIELD_OF_LIFE_DOMAIN,
    FILED_SOURCES,
    BenefitSystem,
    EventKind,
    Field,
    ReportSource,
)
from ankommen.steering.models import Event, ProblemReport
from ankommen.steering.services.common import (
    SteeringError,
    apply_values,
    audit,
    check_version,
    locked,
    number_for,
    require,
    save_versioned,
)

REPORT_FIELDS = (
    "source",
    "event",
    "field",
    "age_band",
    "status_group",
    "benefit_system",
    "language",
    "title",
    "description",
    "case_count",
    "vignette",
)
TEXT_FIELDS = ("title", "description", "vignette")
VIGNETTE_MAX = 1500
NUMBER_KIND = "steering_report"
KIND_LABELS = {
    vignette.DATE: _("a date"),
    vignette.PHONE: _("a phone number"),
    vignette.EMAIL: _("an e-mail address"),
    vignette.REFERENCE: _("a reference or document number"),
    vignette.NAME: _("what looks like a name"),
    vignette.ADDRESS: _("what looks like an address"),
}
WORKSHOP_KINDS = (EventKind.STARTER_WORKSHOP, EventKind.WORKSHOP, EventKind.INFORMATION_DAY, EventKind.KICK_OFF)
CONFIRM_FIELD = "confirm_anonymous"


def _labels(kinds: list[str]) -> str:
    return ", ".join(str(KIND_LABELS[kind]) for kind in kinds)


def check_texts(texts: Mapping[str, str], *, confirmed: bool) -> None:
    """Refuse identifiers; ask for a confirmation where a text looks like it names someone.

    The error names the kind of data found, never the data."""
    errors: dict[str, Any] = {}
    warnings: list[str] = []
    for name, text in texts.items():
        refused = vignette.refused(text or "")
        if refused:
            errors[name] = _(
                "This text contains %(found)s. Problem reports are anonymous: describe the barrier, not the "
                "person, and leave out dates, phone numbers, e-mail addresses and reference numbers."
            ) % {"found": _labels(refused)}
        warned = vignette.warned(text or "")
        if warned and name not in errors:
            warnings.extend(warned)
    if not errors and warnings and not confirmed:
        errors[CONFIRM_FIELD] = _(
            "The text contains %(found)s. Check that nobody can be identified, remove names and addresses, "
            "then confirm below."
        ) % {"found": _labels(sorted(set(warnings), key=vignette.KINDS.index))}
    if errors:
        raise SteeringError(errors)


def _validate(actor: Membership, values: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if values.get("source") not in {value for value, _label in FILED_SOURCES}:
        errors["source"] = _("Please choose where the report comes from.")
    if values.get("field") not in Field.values:
        errors["field"] = _("Please choose the field.")
    for name, choices in (
        ("age_band", AgeBand.values),
        ("status_group", StatusGroup.values),
        ("benefit_system", BenefitSystem.values),
    ):
        if values.get(name) not in choices:
            errors[name] = _("Please choose from the list.")
    if values.get("language") and values["language"] not in Language.values:
        errors["language"] = _("Please choose from the list.")
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Please give the report a short title.")
    if not str(values.get("description") or "").strip():
        errors["description"] = _("Please describe the problem.")
    if len(str(values.get("vignette") or "")) > VIGNETTE_MAX:
        errors["vignette"] = _("Keep the vignette short: at most %(limit)d characters.") % {"limit": VIGNETTE_MAX}
    case_count = values.get("case_count")
    if not isinstance(case_count, int) or case_count < 0:
        errors["case_count"] = _("Please give the number of cases (0 if none).")
    event: Event | None = values.get("event")
    if event is not None and (event.network_id != actor.network_id or event.kind not in WORKSHOP_KINDS):
        errors["event"] = _("Please choose a workshop or event of the network.")
    if values.get("source") == ReportSource.WORKSHOP and event is None:
        errors["event"] = _("Please choose the workshop the report comes from.")
    if errors:
        raise SteeringError(errors)


def file_problem_report(actor: Membership, values: Mapping[str, Any], *, confirmed: bool = False) -> ProblemReport:
    """A problem report by the actor's organisation."""
    require(actor, "steering.view_report", ProblemReport(network_id=actor.network_id))
    if not actor.has_perm("steering.report_problem"):
        raise PermissionDenied
    _validate(actor, values)
    check_texts({name: values.get(name) or "" for name in TEXT_FIELDS}, confirmed=confirmed)
    with transaction.atomic():
        report = ProblemReport(
            network_id=actor.network_id,
            number=number_for(actor.network_id, NUMBER_KIND, ProblemReport),
            reported_on=timezone.localdate(),
            organisation_id=actor.organisation_id,
            reported_by=actor.user,
        )
        apply_values(report, values, REPORT_FIELDS)
        report.save()
        audit(
            actor,
            "steering.problem_reported",
            report,
            source=report.source,
            field=report.field,
            event=report.event_id,
            cases=report.case_count,
        )
    return report


def update_problem_report(
    actor: Membership,
    report: ProblemReport,
    values: Mapping[str, Any],
    *,
    confirmed: bool = False,
    version: int | None,
) -> ProblemReport:
    if report.system_barrier_id is not None:
        raise SteeringError(_("A report from a case closure cannot be changed."))
    with transaction.atomic():
        current = locked(actor, ProblemReport, report.pk, "steering.change_report")
        check_version(current, version)
        merged = {name: values.get(name, getattr(current, name)) for name in REPORT_FIELDS}
        _validate(actor, merged)
        check_texts({name: merged.get(name) or "" for name in TEXT_FIELDS}, confirmed=confirmed)
        changed = apply_values(current, merged, REPORT_FIELDS)
        if changed:
            save_versioned(current, changed)
            audit(actor, "steering.problem_report_changed", current, fields=changed)
    return current


# --- system barriers from case closures --------------------------------------------------------


def _title_of(description: str) -> str:
    first = description.strip().splitlines()[0] if description.strip() else ""
    return first if len(first) <= 120 else first[:119].rstrip() + "…"


def report_from_system_barrier(barrier: SystemBarrier) -> ProblemReport:
    """The problem report of an anonymous system barrier (created once; idempotent).

    Runs inside the caller's transaction. The description is the barrier's, with any identifier
    blanked (the cases app already refused names and dates of the case's people)."""
    existing = ProblemReport.objects.filter(system_barrier=barrier.pk).first()
    if existing is not None:
        return existing
    description = vignette.redact(barrier.description)
    report = ProblemReport.objects.create(
        network_id=barrier.network_id,
        number=number_for(barrier.network_id, NUMBER_KIND, ProblemReport),
        source=ReportSource.CASE_CLOSURE,
        field=FIELD_OF_LIFE_DOMAIN.get(barrier.field, Field.SOCIAL_PARTICIPATION),
        life_domain=barrier.field,
        age_band=barrier.age_band,
        status_group=barrier.status_group,
        benefit_system=BenefitSystem.UNKNOWN,
        title=_title_of(description),
        description=description,
        case_count=1,
        reported_on=barrier.created_on,
        system_barrier=barrier,
    )
    return report


def report_new_barriers(network_id: int) -> int:
    """Turn every system barrier of the network that has no report yet into one; how many were
    added. One audit entry with the count, no ids (nothing may link a report to a closure)."""
    with transaction.atomic():
        reported = ProblemReport.objects.filter(network=network_id, system_barrier__isnull=False).values(
            "system_barrier"
        )
        barriers = list(SystemBarrier.objects.filter(network=network_id).exclude(pk__in=reported).order_by("pk"))
        for barrier in barriers:
            report_from_system_barrier(barrier)
        if barriers:
            network = Network.objects.get(pk=network_id)
            log_action(None, "steering.barriers_reported", None, network=network, data={"count": len(barriers)})
    return len(barriers)
