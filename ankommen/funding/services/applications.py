"""The applicant's side: the organisation's verification, applications with their measures and
flat rates, attachments, submission, withdrawal and answers to questions.

Every function takes the acting membership first, checks the object rule (``rules.py``), runs in
one transaction and writes the audit entry (ids, codes, amounts; never free text). Flat rates
are computed from the catalogue (``calc.line_amount``), never typed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ankommen.core.references import highest_number, next_number
from ankommen.funding.calc import ZERO, line_amount, money, quantity
from ankommen.funding.choices import (
    APPLICANT_EDITABLE,
    EXECUTION,
    PROFILE_KINDS,
    AttachmentKind,
    LegalForm,
    State,
    Verification,
)
from ankommen.funding.files import check_upload
from ankommen.funding.models import (
    Application,
    Attachment,
    Call,
    ClaimLine,
    FlatRate,
    InfoRequest,
    Measure,
    OrganisationProfile,
    Session,
)
from ankommen.funding.services.common import (
    FundingError,
    audit,
    changed_fields,
    check_version,
    lock_application,
    require,
    save_application,
)
from ankommen.network.models import Membership

PROFILE_FIELDS = (
    "legal_form",
    "is_migrant_organisation",
    "register_entry",
    "representative_name",
    "representative_function",
    "account_holder",
    "iban",
)
# A change of these sends a verified organisation back to the integration centre's check.
PROFILE_CHECKED_FIELDS = frozenset({"legal_form", "register_entry", "representative_name", "account_holder", "iban"})
APPLICATION_FIELDS = ("title", "summary", "target_group")
MEASURE_FIELDS = (
    "module",
    "title",
    "description",
    "starts_on",
    "ends_on",
    "frequency",
    "place",
    "expected_participants",
    "expected_volunteers",
)
NOT_EDITABLE = gettext_lazy(
    "The application can only be changed while it is a draft or while the integration centre waits for "
    "more information."
)
WORK = "funding.work_on_application"


def _editable(application: Application) -> None:
    if application.state not in APPLICANT_EDITABLE:
        raise FundingError(NOT_EDITABLE, code="state")


# --- organisation verification --------------------------------------------------------------------


def save_profile(actor: Membership, values: Mapping[str, Any]) -> OrganisationProfile:
    """Create or change the own organisation's details for funding. A change of the legal details
    of a verified organisation sends it back for verification."""
    if not actor.has_perm("funding.apply"):
        raise PermissionDenied
    iban = "".join(str(values.get("iban", "")).split()).upper()
    values = {**values, "iban": iban}
    with transaction.atomic():
        profile = (
            OrganisationProfile.objects.select_for_update()
            .filter(network=actor.network_id, organisation=actor.organisation_id)
            .first()
        )
        if profile is None:
            profile = OrganisationProfile.objects.create(
                network_id=actor.network_id,
                organisation_id=actor.organisation_id,
                **{k: values[k] for k in PROFILE_FIELDS if k in values},
            )
            changed = [k for k in PROFILE_FIELDS if k in values]
        else:
            require(actor, "funding.edit_profile", profile)
            changed = changed_fields(profile, values, PROFILE_FIELDS)
            if not changed:
                return profile
            update = [*changed, "version"]
            if profile.state == Verification.VERIFIED and PROFILE_CHECKED_FIELDS & set(changed):
                profile.state = Verification.SUBMITTED
                profile.submitted_at = timezone.now()
                update += ["state", "submitted_at"]
            profile.version += 1
            profile.save(update_fields=update)
        audit(actor, "funding.profile_saved", profile, fields=changed, state=profile.state)
    return profile


def profile_problems(profile: OrganisationProfile) -> list[str]:
    kinds = set(profile.attachments.values_list("kind", flat=True))
    problems = []
    if profile.legal_form in (LegalForm.INITIATIVE, LegalForm.MUNICIPALITY):
        if not kinds & PROFILE_KINDS:
            problems.append(_("Upload a document that names who is responsible for the initiative."))
    elif AttachmentKind.STATUTES not in kinds:
        problems.append(_("Upload the statutes of the organisation."))
    if profile.legal_form == LegalForm.REGISTERED_CLUB and not profile.register_entry:
        problems.append(_("Enter the register entry of the club."))
    return problems


def submit_profile(actor: Membership, profile: OrganisationProfile) -> None:
    require(actor, "funding.edit_profile", profile)
    with transaction.atomic():
        profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.state not in (Verification.NEW, Verification.REJECTED):
            raise FundingError(_("The organisation has already been submitted for verification."), code="state")
        problems = profile_problems(profile)
        if problems:
            raise FundingError(problems, code="incomplete")
        profile.state = Verification.SUBMITTED
        profile.submitted_at = timezone.now()
        profile.version += 1
        profile.save(update_fields=["state", "submitted_at", "version"])
        audit(actor, "funding.profile_submitted", profile)


def check_profile(actor: Membership, profile: OrganisationProfile, *, verified: bool, reason: str = "") -> None:
    """The integration centre verifies the organisation (statutes, representative) or says why not."""
    require(actor, "funding.check_profile", profile)
    with transaction.atomic():
        profile = OrganisationProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.state != Verification.SUBMITTED:
            raise FundingError(_("Only a submitted organisation can be checked."), code="state")
        if not verified and not reason.strip():
            raise FundingError(_("Say why the organisation cannot be verified."), code="reason")
        profile.state = Verification.VERIFIED if verified else Verification.REJECTED
        profile.checked_by_id = actor.user_id
        profile.checked_at = timezone.now()
        profile.check_reason = reason.strip()
        profile.version += 1
        profile.save(update_fields=["state", "checked_by", "checked_at", "check_reason", "version"])
        audit(actor, "funding.profile_verified" if verified else "funding.profile_rejected", profile)


# --- applications ------------------------------------------------------------------------------------


def _next_reference(network_id: int, year: int) -> str:
    prefix = f"FA-{year}-"

    def current_max() -> int:
        existing = Application.objects.filter(network=network_id, reference__startswith=prefix)
        return highest_number(list(existing.values_list("reference", flat=True)), prefix)

    return f"{prefix}{next_number(network_id, f'funding.application:{year}', start=current_max):04d}"


def create_application(actor: Membership, call: Call, values: Mapping[str, Any]) -> Application:
    if not actor.has_perm("funding.apply") or call.network_id != actor.network_id:
        raise PermissionDenied
    today = timezone.localdate()
    if not call.is_open_on(today):
        raise FundingError(_("This call is not open for applications."), code="closed")
    with transaction.atomic():
        application = Application.objects.create(
            network_id=actor.network_id,
            year=call.year,
            call=call,
            organisation_id=actor.organisation_id,
            reference=_next_reference(actor.network_id, call.year.year),
            created_by_id=actor.user_id,
            **{k: values[k] for k in APPLICATION_FIELDS if k in values},
        )
        audit(actor, "funding.application_created", application, call=call.pk, reference=application.reference)
    return application


def change_application(
    actor: Membership, application: Application, values: Mapping[str, Any], version: int | None = None
) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, WORK)
        check_version(current, version)
        _editable(current)
        changed = changed_fields(current, values, APPLICATION_FIELDS)
        if changed:
            save_application(current, changed)
            audit(actor, "funding.application_changed", current, fields=changed)


def recompute_requested(application: Application) -> Decimal:
    total = money(
        ClaimLine.objects.filter(measure__application=application).aggregate(total=Sum("amount"))["total"] or ZERO
    )
    if application.requested_total != total:
        application.requested_total = total
        Application.objects.filter(pk=application.pk).update(requested_total=total)
    return total


def _check_measure(application: Application, values: Mapping[str, Any], lines: Mapping[FlatRate, Any]) -> None:
    module = values["module"]
    errors: dict[str, list[str]] = {}
    if module.year_id != application.year_id:
        raise PermissionDenied
    if not application.call.modules.filter(pk=module.pk).exists():
        errors.setdefault("module", []).append(_("The call does not fund this module."))
    year = application.year.year
    if values["starts_on"].year != year or values["ends_on"].year != year:
        errors.setdefault("starts_on", []).append(_("The measure must take place in %(year)s.") % {"year": year})
    if values["ends_on"] < values["starts_on"]:
        errors.setdefault("ends_on", []).append(_("The end cannot be before the start."))
    if not any(qty and quantity(qty) > 0 for qty in lines.values()):
        errors.setdefault("__all__", []).append(_("Claim at least one flat rate for the measure."))
    for rate, qty in lines.items():
        if rate.module_id != module.pk or not rate.is_active:
            errors.setdefault("__all__", []).append(
                _("The flat rate %(code)s does not belong to the chosen module.") % {"code": rate.code}
            )
        elif qty and rate.max_quantity is not None and quantity(qty) > rate.max_quantity:
            errors.setdefault("__all__", []).append(
                _("At most %(max)s units of the flat rate %(code)s can be claimed per measure.")
                % {"max": rate.max_quantity, "code": rate.code}
            )
    if errors:
        raise FundingError(errors)


def _write_lines(actor: Membership, measure: Measure, lines: Mapping[FlatRate, Any]) -> None:
    existing = {line.flat_rate_id: line for line in measure.lines.all()}
    for rate, qty in lines.items():
        amount_qty = quantity(qty) if qty else ZERO
        line = existing.pop(rate.pk, None)
        if amount_qty <= 0:
            if line is not None:
                line.delete()
            continue
        if line is None:
            ClaimLine.objects.create(
                network_id=actor.network_id,
                measure=measure,
                flat_rate=rate,
                quantity=amount_qty,
                rate=rate.amount,
                amount=line_amount(amount_qty, rate.amount),
            )
        else:
            line.quantity = amount_qty
            line.rate = rate.amount
            line.amount = line_amount(amount_qty, rate.amount)
            line.save(update_fields=["quantity", "rate", "amount"])
    for line in existing.values():  # rates of another module after a module change
        line.delete()


def add_measure(
    actor: Membership, application: Application, values: Mapping[str, Any], lines: Mapping[FlatRate, Any]
) -> Measure:
    with transaction.atomic():
        current = lock_application(actor, application, WORK)
        _editable(current)
        _check_measure(current, values, lines)
        measure = Measure.objects.create(
            network_id=actor.network_id, application=current, **{k: values[k] for k in MEASURE_FIELDS}
        )
        _write_lines(actor, measure, lines)
        total = recompute_requested(current)
        save_application(current, [])
        audit(
            actor,
            "funding.measure_added",
            measure,
            application=current.pk,
            module=measure.module.code,
            requested=total,
        )
    return measure


def change_measure(
    actor: Membership, measure: Measure, values: Mapping[str, Any], lines: Mapping[FlatRate, Any]
) -> None:
    with transaction.atomic():
        current = lock_application(actor, measure.application, WORK)
        _editable(current)
        _check_measure(current, values, lines)
        changed = changed_fields(measure, values, MEASURE_FIELDS)
        if changed:
            measure.save(update_fields=changed)
        _write_lines(actor, measure, lines)
        total = recompute_requested(current)
        save_application(current, [])
        audit(actor, "funding.measure_changed", measure, application=current.pk, fields=changed, requested=total)


def remove_measure(actor: Membership, measure: Measure) -> None:
    with transaction.atomic():
        current = lock_application(actor, measure.application, WORK)
        _editable(current)
        files = [(a.file.storage, a.file.name) for a in measure.attachments.all()]
        measure_id = measure.pk
        measure.delete()
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
        total = recompute_requested(current)
        save_application(current, [])
        audit(actor, "funding.measure_removed", current, measure=measure_id, requested=total)


def submission_problems(application: Application) -> list[str]:
    """What keeps an application from being submitted or found complete (translated)."""
    problems: list[str] = []
    measures = list(application.measures.select_related("module").prefetch_related("lines__flat_rate"))
    if not measures:
        problems.append(_("Add at least one measure."))
    call_modules = set(application.call.modules.values_list("pk", flat=True))
    for measure in measures:
        if not measure.lines.all():
            problems.append(_("Claim a flat rate for the measure “%(title)s”.") % {"title": measure.title})
        if measure.module_id not in call_modules:
            problems.append(_("The call does not fund the module of “%(title)s”.") % {"title": measure.title})
        for line in measure.lines.all():
            if not line.flat_rate.is_active:
                problems.append(
                    _("The flat rate %(code)s can no longer be applied for.") % {"code": line.flat_rate.code}
                )
    profile = OrganisationProfile.objects.filter(organisation=application.organisation_id).first()
    if profile is None or profile.state in (Verification.NEW, Verification.REJECTED):
        problems.append(
            _("First-time applicants submit their organisation for verification (statutes, representative).")
        )
    return problems


def submit_application(actor: Membership, application: Application, version: int | None = None) -> None:
    """Submit a draft (freezing the flat rates as they are now) or resubmit after questions."""
    with transaction.atomic():
        current = lock_application(actor, application, WORK)
        check_version(current, version)
        if current.state != State.DRAFT:
            raise FundingError(_("Only a draft can be submitted."), code="state")
        if not current.call.is_open_on(timezone.localdate()):
            raise FundingError(
                _("The deadline of the call (%(date)s) has passed.")
                % {"date": current.call.deadline.strftime("%d.%m.%Y")},
                code="deadline",
            )
        problems = submission_problems(current)
        if problems:
            raise FundingError(problems, code="incomplete")
        for line in ClaimLine.objects.filter(measure__application=current).select_related("flat_rate"):
            line.rate = line.flat_rate.amount
            line.amount = line_amount(line.quantity, line.rate)
            line.save(update_fields=["rate", "amount"])
        total = recompute_requested(current)
        current.state = State.SUBMITTED
        current.submitted_at = timezone.now()
        save_application(current, ["state", "submitted_at"])
        audit(actor, "funding.application_submitted", current, requested=total)


def withdraw_application(actor: Membership, application: Application) -> None:
    with transaction.atomic():
        current = lock_application(actor, application, WORK)
        if current.state not in (State.DRAFT, State.SUBMITTED, State.INFO_REQUESTED, State.IN_REVIEW):
            raise FundingError(_("A decided application can no longer be withdrawn."), code="state")
        before = current.state
        current.state = State.WITHDRAWN
        save_application(current, ["state"])
        audit(actor, "funding.application_withdrawn", current, previous_state=before)


def answer_request(actor: Membership, info: InfoRequest, answer: str) -> None:
    """The applicant's answer; the application goes back to the integration centre's completeness check."""
    with transaction.atomic():
        current = lock_application(actor, info.application, WORK)
        info = InfoRequest.objects.select_for_update().get(pk=info.pk)
        if current.state != State.INFO_REQUESTED or not info.is_open:
            raise FundingError(_("This question has already been answered."), code="state")
        if not answer.strip():
            raise FundingError({"answer": [_("Write an answer.")]})
        info.answer = answer.strip()
        info.answered_by_id = actor.user_id
        info.answered_at = timezone.now()
        info.save(update_fields=["answer", "answered_by", "answered_at"])
        current.state = State.SUBMITTED
        save_application(current, ["state"])
        audit(actor, "funding.info_answered", current, request=info.pk)


# --- attachments -------------------------------------------------------------------------------------


def _attachment_allowed(
    actor: Membership,
    kind: str,
    application: Application | None,
    profile: OrganisationProfile | None,
    measure: Measure | None,
) -> None:
    if profile is not None:
        require(actor, "funding.edit_profile", profile)
        if kind not in PROFILE_KINDS:
            raise PermissionDenied
        return
    if application is None:
        raise PermissionDenied
    require(actor, WORK, application)
    if measure is not None and measure.application_id != application.pk:
        raise PermissionDenied
    if kind == AttachmentKind.ANNEX:
        _editable(application)
    elif kind in (AttachmentKind.EVIDENCE, AttachmentKind.MATERIAL, AttachmentKind.SIGNATURE_LIST):
        if application.state not in EXECUTION:
            raise FundingError(
                _("Evidence is uploaded while the measures are carried out (after the contract is signed)."),
                code="state",
            )
        if kind == AttachmentKind.SIGNATURE_LIST and (measure is None or not measure.signature_list_required):
            raise FundingError(
                _("Signature lists are only kept for measures whose contract requires one."), code="signature"
            )
    else:
        raise PermissionDenied


def add_attachment(
    actor: Membership,
    upload: Any,
    *,
    kind: str,
    title: str,
    application: Application | None = None,
    profile: OrganisationProfile | None = None,
    measure: Measure | None = None,
    session: Session | None = None,
) -> Attachment:
    """Store an uploaded document after checking it by content and size (``files.check_upload``)."""
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise FundingError({"file": exc.messages}) from None
    if session is not None and (measure is None or session.measure_id != measure.pk):
        raise PermissionDenied
    with transaction.atomic():
        if application is not None:
            application = lock_application(actor, application, WORK)
        if measure is not None:  # re-read: the decision may have changed what the contract requires
            measure = Measure.objects.filter(pk=measure.pk, application=application).first()
            if measure is None:
                raise PermissionDenied
        _attachment_allowed(actor, kind, application, profile, measure)
        attachment = Attachment(
            network_id=actor.network_id,
            organisation_id=actor.organisation_id,
            profile=profile,
            application=application,
            measure=measure,
            session=session,
            kind=kind,
            title=title.strip() or str(AttachmentKind(kind).label),
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by_id=actor.user_id,
        )
        attachment.file.save(f"upload{checked.extension}", upload, save=False)
        stored = attachment.file.name
        try:
            attachment.save()
            audit(
                actor,
                "funding.attachment_added",
                attachment,
                kind=kind,
                application=application.pk if application else None,
                measure=measure.pk if measure else None,
                size=checked.size,
                sha256=checked.sha256,
            )
        except Exception:
            attachment.file.storage.delete(stored)
            raise
    return attachment


def remove_attachment(actor: Membership, attachment: Attachment) -> None:
    with transaction.atomic():
        application = attachment.application
        if application is not None:
            application = lock_application(actor, application, WORK)
        _attachment_allowed(actor, attachment.kind, application, attachment.profile, attachment.measure)
        if attachment.profile is not None and attachment.profile.state not in (Verification.NEW, Verification.REJECTED):
            raise FundingError(_("Documents of a submitted verification cannot be removed."), code="state")
        stored, storage = attachment.file.name, attachment.file.storage
        attachment_id, kind = attachment.pk, attachment.kind
        attachment.delete()
        audit(
            actor,
            "funding.attachment_removed",
            application or attachment.profile,
            attachment=attachment_id,
            kind=kind,
        )
        transaction.on_commit(lambda: storage.delete(stored))
