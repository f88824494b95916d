"""Recording consents and their revocation (issue [C], DOMAIN §4.2, §4.3, §4.5).

Only staff of the organisation that owns the case (or, for a consent without a case, the
participant's record) record a consent: the role needs ``consents.record`` and may change the
case (``cases.change_case``) or the record (``participants.edit``). A consent names

- a purpose; cooperation, a case conference and a transfer need a case;
- recipient organisations: other active organisations of the same network, never the police
  (OrganisationType.POLICE); a chamber only ever receives the referral packet of DOMAIN §4.5
  (identity, contact, language, education, work, interests);
- at least one data category, the language version shown, the form (a written consent comes with
  the signed document: PDF, PNG or JPEG by content, at most 10 MB), the day it was given (not in
  the future) and the day it ends (not before it was given, not already past).

Revocation is one confirmed click: ``revoked_at``/``revoked_by`` are set, the row stays as proof.
Access is computed from the rows on every request, so the recipients' access ends with their next
request. Both changes run in one transaction with their audit entry (ids and codes only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases.models import Case
from ankommen.cases.rules import check_case_rule
from ankommen.consents.access import may_manage
from ankommen.consents.choices import (
    CASE_PURPOSES,
    CHAMBER_CATEGORIES,
    DataCategory,
    Form,
    Purpose,
    category_labels,
    ordered_categories,
)
from ankommen.consents.documents import CheckedDocument, check_document
from ankommen.consents.models import Consent
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.participants.choices import Language
from ankommen.participants.models import HouseholdMember, Participant

NOTE_LENGTH = 300


class ConsentError(ValidationError):
    """A consent that cannot be recorded or revoked. Messages are translated and meant for the user;
    field errors use the names of ``forms.ConsentForm``."""


# --- who may record ------------------------------------------------------------------------------


def _participant_of(actor: Membership, case: Case, given_by: Participant | None) -> Participant:
    """The person who gave the consent: the case's person, or a member of the case's household."""
    if case.participant_id is not None:
        return case.participant  # type: ignore[return-value]
    if given_by is None:
        raise ConsentError({"given_by": _("Choose the member of the household who gave the consent.")})
    is_member = HouseholdMember.objects.filter(
        network=actor.network_id, household=case.household_id, participant=given_by.pk
    ).exists()
    if not is_member or given_by.merged_into_id is not None:
        raise ConsentError({"given_by": _("Choose a member of the case's household.")})
    return given_by


def _subject(
    actor: Membership, subject: Case | Participant, given_by: Participant | None
) -> tuple[Case | None, Participant]:
    if not actor.is_active or not actor.has_perm("consents.record"):
        raise PermissionDenied
    if isinstance(subject, Case):
        if subject.network_id != actor.network_id or not check_case_rule("cases.change_case", actor, subject):
            raise PermissionDenied
        return subject, _participant_of(actor, subject, given_by)
    if (
        subject.network_id != actor.network_id
        or subject.organisation_id != actor.organisation_id
        or not actor.has_perm("participants.edit")
        or subject.merged_into_id is not None
    ):
        raise PermissionDenied
    return None, subject


# --- validation ----------------------------------------------------------------------------------


def _add(errors: dict[str, list[Any]], field: str, message: Any) -> None:
    errors.setdefault(field, []).append(message)


def _check_recipients(
    actor: Membership, recipients: Iterable[Organisation | int], categories: list[str], errors: dict[str, list[Any]]
) -> list[Organisation]:
    ids = {r.pk if isinstance(r, Organisation) else int(r) for r in recipients}
    if not ids:
        _add(errors, "recipients", _("Name at least one recipient organisation."))
        return []
    found = list(Organisation.objects.filter(network=actor.network_id, pk__in=ids).order_by("name"))
    if len(found) != len(ids):
        _add(errors, "recipients", _("Only organisations of your network can be recipients."))
    for organisation in found:
        if organisation.pk == actor.organisation_id:
            _add(errors, "recipients", _("Your own organisation is not a recipient: it has the data already."))
        elif not organisation.is_active:
            _add(errors, "recipients", _("%(name)s no longer takes part in the network.") % {"name": organisation.name})
        elif organisation.type == OrganisationType.POLICE:
            _add(
                errors,
                "recipients",
                _("The police never receive personal data from the platform (%(name)s).") % {"name": organisation.name},
            )
        elif organisation.type == OrganisationType.CHAMBER and not set(categories) <= CHAMBER_CATEGORIES:
            excluded = [c for c in categories if c not in CHAMBER_CATEGORIES]
            _add(
                errors,
                "data_categories",
                _(
                    "%(name)s is a chamber: it receives only the referral packet (identity, contact, languages, "
                    "schooling, work, interests). Leave out: %(excluded)s."
                )
                % {"name": organisation.name, "excluded": ", ".join(category_labels(excluded))},
            )
    return found


def _check_dates(values: Mapping[str, Any], errors: dict[str, list[Any]]) -> tuple[dt.date | None, dt.date | None]:
    today = timezone.localdate()
    given_on, valid_until = values.get("given_on"), values.get("valid_until")
    if not isinstance(given_on, dt.date):
        _add(errors, "given_on", _("Enter the day the consent was given."))
        given_on = None
    elif given_on > today:
        _add(errors, "given_on", _("The consent cannot have been given in the future."))
    if not isinstance(valid_until, dt.date):
        _add(errors, "valid_until", _("Enter the day the consent ends: sharing always has an end."))
        valid_until = None
    elif given_on is not None and valid_until < given_on:
        _add(errors, "valid_until", _("The consent cannot end before it was given."))
    elif valid_until < today:
        _add(errors, "valid_until", _("This day has passed: the consent would share nothing."))
    return given_on, valid_until


def _validate(
    actor: Membership,
    case: Case | None,
    values: Mapping[str, Any],
    recipients: Iterable[Organisation | int],
    categories: Iterable[str],
    document: Any,
) -> tuple[list[Organisation], list[str], CheckedDocument | None]:
    errors: dict[str, list[Any]] = {}
    purpose = values.get("purpose")
    if purpose not in Purpose.values:
        _add(errors, "purpose", _("Choose the purpose of the consent."))
    elif purpose in CASE_PURPOSES and case is None:
        _add(errors, "purpose", _("This purpose needs a case: record the consent on the case page."))
    wanted = [str(code) for code in categories]
    if any(code not in DataCategory.values for code in wanted):
        _add(errors, "data_categories", _("Unknown data category."))
    codes = ordered_categories(wanted)
    if not codes:
        _add(errors, "data_categories", _("Name at least one data category the recipients may see."))
    found = _check_recipients(actor, recipients, codes, errors)
    if values.get("language") not in Language.values:
        _add(errors, "language", _("Choose the language version the person was shown."))
    form = values.get("form")
    if form not in Form.values:
        _add(errors, "form", _("Choose the form of the consent."))
    checked = None
    if document:
        try:
            checked = check_document(document)
        except ValidationError as exc:
            errors.setdefault("document", []).extend(exc.error_list)
    elif form == Form.WRITTEN:
        _add(errors, "document", _("A written consent needs the signed document."))
    _check_dates(values, errors)
    if len(str(values.get("purpose_note") or "")) > NOTE_LENGTH:
        _add(errors, "purpose_note", _("At most 300 characters."))
    if errors:
        raise ConsentError(errors)
    return found, codes, checked


# --- services ------------------------------------------------------------------------------------


def _lock_open_case(actor: Membership, case: Case) -> Case:
    current = (
        Case.objects.select_for_update()
        .filter(pk=case.pk, network=actor.network_id, organisation=actor.organisation_id)
        .first()
    )
    if current is None:
        raise PermissionDenied
    if current.is_closed:
        raise ConsentError(
            _("This case is closed: it shares nothing any more. Reopen it before recording a consent."), code="closed"
        )
    return current


def record_consent(
    actor: Membership,
    subject: Case | Participant,
    values: Mapping[str, Any],
    recipients: Iterable[Organisation | int],
    categories: Iterable[str],
    document: Any = None,
) -> Consent:
    """Record a consent given for ``subject`` (a case, or a participant's record for purposes
    without a case). ``values``: purpose, purpose_note, language, form, given_on, valid_until and,
    for a household's case, given_by (the member who consented)."""
    case, participant = _subject(actor, subject, values.get("given_by"))
    found, codes, checked = _validate(actor, case, values, recipients, categories, document)
    consent = Consent(
        network_id=actor.network_id,
        organisation_id=actor.organisation_id,
        participant=participant,
        case=case,
        purpose=values["purpose"],
        purpose_note=str(values.get("purpose_note") or "").strip(),
        data_categories=codes,
        language=values["language"],
        form=values["form"],
        given_on=values["given_on"],
        valid_until=values["valid_until"],
        recorded_by=actor.user,
    )
    stored = ""
    try:
        with transaction.atomic():
            if case is not None:
                consent.case = _lock_open_case(actor, case)
            if checked is not None:
                consent.document_type = checked.content_type
                consent.document_size = checked.size
                consent.document_sha256 = checked.sha256
                consent.document.save(f"document{checked.extension}", document, save=False)
                stored = consent.document.name
            consent.save()
            consent.recipients.set(found)
            log_action(
                actor,
                "consent.recorded",
                consent,
                subject=consent.audit_subject,
                data={
                    "case": consent.case_id,
                    "purpose": consent.purpose,
                    "recipients": [o.pk for o in found],
                    "categories": codes,
                    "form": consent.form,
                    "language": consent.language,
                    "given_on": consent.given_on,
                    "valid_until": consent.valid_until,
                    "document": bool(stored),
                },
            )
    except BaseException:
        if stored:
            consent.document.storage.delete(stored)
        raise
    return consent


def revoke_consent(actor: Membership, consent: Consent, note: str = "") -> Consent:
    """Record the participant's withdrawal of ``consent``: effective at once, for the future."""
    with transaction.atomic():
        current = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("case", "participant")
            .filter(pk=consent.pk, network=actor.network_id)
            .first()
        )
        if current is None or not may_manage(actor, current):
            raise PermissionDenied
        if current.revoked_at is not None:
            raise ConsentError(_("This consent was revoked already."), code="revoked")
        current.revoked_at = timezone.now()
        current.revoked_by = actor.user
        current.revocation_note = note.strip()[:NOTE_LENGTH]
        current.save(update_fields=["revoked_at", "revoked_by", "revocation_note"])
        log_action(
            actor,
            "consent.revoked",
            current,
            subject=current.audit_subject,
            data={
                "case": current.case_id,
                "purpose": current.purpose,
                "recipients": sorted(current.recipients.values_list("pk", flat=True)),
            },
        )
    return current
