"""State changes of participant records: register, edit, the record's lists, households.

Each function takes the acting membership first, checks that it may change records of the
owning organisation, runs in one transaction with its audit entry and refuses with a
``ParticipantError`` whose message is translated and meant for the user. Audit data holds
ids, codes and the *names of changed fields*, never names, dates of birth or other values.
After any change to names, the date of birth or name variants the duplicate-check keys are
rewritten in the same transaction (``keys.refresh_name_keys``).

(Merging and the duplicate review queue live in ``merge.py`` and ``duplicates.py``.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.core.references import highest_number, next_number
from ankommen.network.models import Membership
from ankommen.participants.choices import DatePrecision, Vulnerability
from ankommen.participants.keys import refresh_name_keys
from ankommen.participants.models import (
    ContactChannel,
    EducationRecord,
    Household,
    HouseholdMember,
    Identifier,
    LanguageSkill,
    NameVariant,
    Participant,
    ParticipantChild,
    ResidenceStatus,
    WorkRecord,
)
from ankommen.participants.sections import SECTIONS, Section


class ParticipantError(ValidationError):
    """A change to a participant record that is refused. Messages are translated and shown to
    the user; errors about one form field are given as ``{field: message}``."""


STALE_VERSION = _(
    "Someone else changed this record in the meantime. Your changes were not saved. "
    "Reload the page to see the current data, then make your change again."
)

# The editable fields of the record itself (the lists are sections, see sections.py).
PARTICIPANT_FIELDS: tuple[str, ...] = (
    "given_name",
    "family_name",
    "given_name_original",
    "family_name_original",
    "original_script",
    "date_of_birth",
    "birth_date_precision",
    "sex",
    "nationalities",
    "place_of_birth",
    "entry_date",
    "interpreter_needed",
    "interpreter_language",
    "accommodation",
    "district",
    "address",
    "interests",
    "strengths",
    "vulnerabilities",
    "support_note",
)
# Fields that feed the duplicate check: a change rewrites the name keys.
KEY_FIELDS = frozenset(
    {"given_name", "family_name", "date_of_birth", "birth_date_precision", "sex", "nationalities", "place_of_birth"}
)

REFERENCE_DIGITS = 6

# "AufenthG § 25 Abs. 2 S. 1 Alt. 2", "AsylG § 55", "StAG § 10", "AufenthG § 60a Abs. 2 S. 3"
LEGAL_BASIS = re.compile(
    r"^(AufenthG|AsylG|StAG|BeschV|AufenthV|GG|FreizügG/EU|FreizuegG/EU) (§|Art\.) \d+[a-z]?"
    r"( (Abs\.|S\.|Satz|Alt\.|Nr\.|Buchst\.) \d+[a-z]?)*$"
)


def _field_error(field: str, message: Any, code: str, **params: Any) -> ParticipantError:
    return ParticipantError({field: ValidationError(message, code=code, params=params or None)})


def _require_edit(actor: Membership, participant: Participant | Household) -> None:
    """Only editors of the owning organisation change a record (the views checked this already)."""
    if not actor.has_perm("participants.edit"):
        raise PermissionDenied
    if participant.network_id != actor.network_id or participant.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if isinstance(participant, Participant) and participant.merged_into_id is not None:
        raise ParticipantError(_("This record was merged into another one and can no longer be changed."))


def _locked(actor: Membership, participant: Participant) -> Participant:
    current = (
        Participant.objects.select_for_update()
        .filter(pk=participant.pk, network=actor.network_id, organisation=actor.organisation_id)
        .first()
    )
    if current is None:
        raise PermissionDenied
    _require_edit(actor, current)
    return current


def network_prefix(network_slug: str) -> str:
    """The letters in front of a network's references: ``ms`` → ``MS``, ``muenster`` → ``MU``."""
    letters = re.sub(r"[^a-z]", "", network_slug.lower())
    return (letters[:2] or "XX").upper()


def _next_reference(model: type[Participant] | type[Household], network_id: int, prefix: str) -> str:
    """The next reference of the network, from its locked counter (``core.references``)."""

    def current_max() -> int:
        existing = model.objects.filter(network=network_id, reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        return highest_number(list(existing), prefix)

    number = next_number(network_id, f"{model._meta.label_lower}:{prefix}", start=current_max)
    return f"{prefix}{number:0{REFERENCE_DIGITS}d}"


def _create_with_reference(
    model: type[Participant] | type[Household], network_id: int, prefix: str, values: dict[str, Any]
) -> Any:
    """Insert with the next reference of the network; the counter row serialises concurrent inserts."""
    return model.objects.create(network_id=network_id, reference=_next_reference(model, network_id, prefix), **values)


# --- the record itself --------------------------------------------------------------------------


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The record's fields from ``values`` (unknown keys ignored), normalised and validated."""
    cleaned = {name: values[name] for name in PARTICIPANT_FIELDS if name in values}
    for name in ("given_name", "family_name", "given_name_original", "family_name_original", "district"):
        if name in cleaned:
            cleaned[name] = " ".join(str(cleaned[name] or "").split())
    if "family_name" in cleaned and not cleaned["family_name"]:
        raise _field_error("family_name", _("Please enter the family name as written on the document."), "required")
    if "nationalities" in cleaned:
        cleaned["nationalities"] = sorted({str(code) for code in cleaned["nationalities"] or []})
    if "vulnerabilities" in cleaned:
        chosen = list(dict.fromkeys(cleaned["vulnerabilities"] or []))
        if set(chosen) - set(Vulnerability.values):
            raise _field_error("vulnerabilities", _("Please choose support needs from the list."), "invalid")
        cleaned["vulnerabilities"] = chosen
    born = cleaned.get("date_of_birth")
    if born is not None:
        if born > timezone.localdate():
            raise _field_error("date_of_birth", _("The date of birth cannot be in the future."), "future")
        if born.year < 1900:
            raise _field_error("date_of_birth", _("Please check the year of birth."), "too_old")
        # Only as precise as known: a year-only date is stored as 1 January, month-only as the 1st.
        precision = cleaned.get("birth_date_precision", DatePrecision.EXACT)
        if precision == DatePrecision.YEAR:
            cleaned["date_of_birth"] = born.replace(month=1, day=1)
        elif precision == DatePrecision.MONTH:
            cleaned["date_of_birth"] = born.replace(day=1)
    entry = cleaned.get("entry_date")
    if entry is not None and entry > timezone.localdate():
        raise _field_error("entry_date", _("The date of entry cannot be in the future."), "future")
    if "interpreter_needed" in cleaned and not cleaned["interpreter_needed"]:
        cleaned["interpreter_language"] = ""
    return cleaned


def _current_value(participant: Participant, name: str) -> Any:
    value = getattr(participant, name)
    if name == "nationalities":
        return sorted(str(country.code) for country in value)
    return value


def register_participant(actor: Membership, values: Mapping[str, Any]) -> Participant:
    """Register a new person, owned by the actor's organisation, with the next reference of the
    network (e.g. ``MS-000123``). The duplicate check happens before (``candidates.py``)."""
    if not actor.has_perm("participants.edit"):
        raise PermissionDenied
    cleaned = _clean_values(values)
    if "family_name" not in cleaned:
        raise _field_error("family_name", _("Please enter the family name as written on the document."), "required")
    with transaction.atomic():
        participant: Participant = _create_with_reference(
            Participant,
            actor.network_id,
            network_prefix(actor.network.slug) + "-",
            {**cleaned, "organisation_id": actor.organisation_id, "created_by": actor.user},
        )
        refresh_name_keys(participant)
        log_action(
            actor,
            "participant.registered",
            participant,
            subject=participant.audit_subject,
            data={
                "participant": participant.pk,
                "fields": sorted(k for k, v in cleaned.items() if v not in ("", None, [])),
            },
        )
    return participant


def update_participant(
    actor: Membership, participant: Participant, values: Mapping[str, Any], *, version: int
) -> Participant:
    """Save the edit form. ``version`` is the version the form showed: if someone else saved in
    between, the change is refused and nothing is overwritten."""
    cleaned = _clean_values(values)
    with transaction.atomic():
        current = _locked(actor, participant)
        if current.version != version:
            raise ParticipantError(STALE_VERSION, code="stale")
        changed = [name for name, value in cleaned.items() if _current_value(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, cleaned[name])
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        if KEY_FIELDS.intersection(changed):
            refresh_name_keys(current)
        log_action(
            actor,
            "participant.updated",
            current,
            subject=current.audit_subject,
            data={"participant": current.pk, "fields": changed, "version": current.version},
        )
    return current


# --- the record's lists (name variants, identifiers, languages, contacts, statuses, ...) ------


def _check_row(section: Section, participant: Participant, values: dict[str, Any], row_pk: int | None) -> None:
    model = section.model
    if model is NameVariant:
        if not (values.get("given_name") or values.get("family_name")):
            raise ParticipantError(_("Please enter at least one name."), code="required")
    elif model is Identifier:
        if not values.get("value"):
            raise _field_error("value", _("Please enter the number."), "required")
    elif model is LanguageSkill:
        others = LanguageSkill.objects.filter(participant=participant, language=values.get("language"))
        if row_pk is not None:
            others = others.exclude(pk=row_pk)
        if others.exists():
            raise _field_error("language", _("This language is already recorded; change that entry instead."), "dup")
    elif model is ContactChannel:
        if values.get("kind") != "none" and not values.get("value"):
            raise _field_error("value", _("Please enter the number or address."), "required")
    elif model is ResidenceStatus:
        valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise _field_error("valid_to", _("The end of validity cannot be before its start."), "order")
        basis = values.get("legal_basis") or ""
        if basis and not LEGAL_BASIS.match(basis):
            raise _field_error(
                "legal_basis",
                _('Please give the legal basis to paragraph level, e.g. "AufenthG § 25 Abs. 2 S. 1 Alt. 2".'),
                "format",
            )
    elif model is EducationRecord:
        start, end = values.get("from_year"), values.get("to_year")
        if start and end and end < start:
            raise _field_error("to_year", _("The end cannot be before the start."), "order")
        years = values.get("years")
        if years is not None and not 0 <= years <= 30:
            raise _field_error("years", _("Please enter between 0 and 30 years."), "range")
    elif model is WorkRecord:
        start, end = values.get("from_date"), values.get("to_date")
        if start and end and end < start:
            raise _field_error("to_date", _("The end cannot be before the start."), "order")
        hours = values.get("hours_per_week")
        if hours is not None and not 0 <= hours <= 80:
            raise _field_error("hours_per_week", _("Please enter between 0 and 80 hours."), "range")


def _section_values(section: Section, values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in section.fields if name in values}
    for name, value in cleaned.items():
        if isinstance(value, str):
            cleaned[name] = value.strip()
    return cleaned


def _after_row_change(actor: Membership, section: Section, participant: Participant, row: ParticipantChild) -> None:
    if section.refresh_keys:
        refresh_name_keys(participant)
    if isinstance(row, ContactChannel) and row.preferred:
        ContactChannel.objects.filter(participant=participant, preferred=True).exclude(pk=row.pk).update(
            preferred=False
        )


def add_detail(
    actor: Membership, participant: Participant, section: str, values: Mapping[str, Any]
) -> ParticipantChild:
    """Add a row to one of the record's lists (``section`` as in ``sections.SECTIONS``)."""
    spec = SECTIONS[section]
    with transaction.atomic():
        current = _locked(actor, participant)
        cleaned = _section_values(spec, values)
        _check_row(spec, current, cleaned, None)
        row = spec.model.objects.create(network_id=current.network_id, participant=current, **cleaned)
        _after_row_change(actor, spec, current, row)
        log_action(
            actor,
            "participant.detail_added",
            row,
            subject=current.audit_subject,
            data={
                "participant": current.pk,
                "section": section,
                "row": row.pk,
                "fields": sorted(k for k, v in cleaned.items() if v not in ("", None, False)),
            },
        )
    return row


def _row_section(row: ParticipantChild) -> str:
    return next(slug for slug, spec in SECTIONS.items() if isinstance(row, spec.model))


def update_detail(actor: Membership, row: ParticipantChild, values: Mapping[str, Any]) -> ParticipantChild:
    section = _row_section(row)
    spec = SECTIONS[section]
    with transaction.atomic():
        current = _locked(actor, row.participant)
        locked_row = spec.model.objects.select_for_update().filter(pk=row.pk, participant=current).first()
        if locked_row is None:
            raise ParticipantError(_("This entry no longer exists; someone may have removed it."), code="gone")
        cleaned = _section_values(spec, values)
        merged = {name: getattr(locked_row, name) for name in spec.fields} | cleaned
        _check_row(spec, current, merged, locked_row.pk)
        changed = [name for name, value in cleaned.items() if getattr(locked_row, name) != value]
        if not changed:
            return locked_row
        for name in changed:
            setattr(locked_row, name, cleaned[name])
        locked_row.save(update_fields=changed)
        _after_row_change(actor, spec, current, locked_row)
        log_action(
            actor,
            "participant.detail_changed",
            locked_row,
            subject=current.audit_subject,
            data={"participant": current.pk, "section": section, "row": locked_row.pk, "fields": changed},
        )
    return locked_row


def remove_detail(actor: Membership, row: ParticipantChild) -> None:
    section = _row_section(row)
    spec = SECTIONS[section]
    with transaction.atomic():
        current = _locked(actor, row.participant)
        deleted, _rows = spec.model.objects.filter(pk=row.pk, participant=current).delete()
        if not deleted:
            return
        if spec.refresh_keys:
            refresh_name_keys(current)
        log_action(
            actor,
            "participant.detail_removed",
            current,
            subject=current.audit_subject,
            data={"participant": current.pk, "section": section, "row": row.pk},
        )


# Named forms of the above, one per list, for callers that know what they change.


def add_name_variant(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> NameVariant:
    row = add_detail(actor, participant, "variants", values)
    assert isinstance(row, NameVariant)
    return row


def add_identifier(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> Identifier:
    row = add_detail(actor, participant, "identifiers", values)
    assert isinstance(row, Identifier)
    return row


def add_language_skill(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> LanguageSkill:
    row = add_detail(actor, participant, "languages", values)
    assert isinstance(row, LanguageSkill)
    return row


def add_contact_channel(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> ContactChannel:
    row = add_detail(actor, participant, "contacts", values)
    assert isinstance(row, ContactChannel)
    return row


def add_residence_status(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> ResidenceStatus:
    row = add_detail(actor, participant, "statuses", values)
    assert isinstance(row, ResidenceStatus)
    return row


def add_education_record(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> EducationRecord:
    row = add_detail(actor, participant, "education", values)
    assert isinstance(row, EducationRecord)
    return row


def add_work_record(actor: Membership, participant: Participant, values: Mapping[str, Any]) -> WorkRecord:
    row = add_detail(actor, participant, "work", values)
    assert isinstance(row, WorkRecord)
    return row


# --- households ---------------------------------------------------------------------------------

MEMBER_FIELDS = ("relationship", "childcare", "childcare_institution")


def create_household(
    actor: Membership, name: str, *, benefit_unit: bool = True, first_member: Participant | None = None
) -> Household:
    """A household of the actor's organisation, optionally with its first member (as head)."""
    if not actor.has_perm("participants.edit"):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise _field_error("name", _("Please enter a working name for the household."), "required")
    with transaction.atomic():
        household: Household = _create_with_reference(
            Household,
            actor.network_id,
            network_prefix(actor.network.slug) + "-H",
            {"organisation_id": actor.organisation_id, "name": name, "benefit_unit": benefit_unit},
        )
        log_action(actor, "household.created", household, data={"household": household.pk})
        if first_member is not None:
            add_household_member(actor, household, first_member, {"relationship": "head"})
    return household


def add_household_member(
    actor: Membership, household: Household, participant: Participant, values: Mapping[str, Any]
) -> HouseholdMember:
    """Add a person to a household; both must belong to the actor's organisation."""
    _require_edit(actor, household)
    cleaned = {name: values[name] for name in MEMBER_FIELDS if name in values}
    if not cleaned.get("relationship"):
        raise _field_error("relationship", _("Please choose the relationship."), "required")
    with transaction.atomic():
        current = _locked(actor, participant)
        if current.organisation_id != household.organisation_id:
            raise PermissionDenied
        if HouseholdMember.objects.filter(household=household, participant=current).exists():
            raise ParticipantError(_("This person already belongs to the household."), code="duplicate")
        member = HouseholdMember.objects.create(
            network_id=household.network_id, household=household, participant=current, **cleaned
        )
        log_action(
            actor,
            "household.member_added",
            member,
            subject=current.audit_subject,
            data={"household": household.pk, "participant": current.pk, "relationship": member.relationship},
        )
    return member


def update_household_member(actor: Membership, member: HouseholdMember, values: Mapping[str, Any]) -> HouseholdMember:
    _require_edit(actor, member.household)
    cleaned = {name: values[name] for name in MEMBER_FIELDS if name in values}
    if "relationship" in cleaned and not cleaned["relationship"]:
        raise _field_error("relationship", _("Please choose the relationship."), "required")
    with transaction.atomic():
        current = HouseholdMember.objects.select_for_update().filter(pk=member.pk, household=member.household).first()
        if current is None:
            raise ParticipantError(_("This entry no longer exists; someone may have removed it."), code="gone")
        changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, cleaned[name])
        current.save(update_fields=changed)
        log_action(
            actor,
            "household.member_changed",
            current,
            subject=f"participant:{current.participant_id}",
            data={"household": current.household_id, "participant": current.participant_id, "fields": changed},
        )
    return current


def remove_household_member(actor: Membership, member: HouseholdMember) -> None:
    _require_edit(actor, member.household)
    with transaction.atomic():
        deleted, _rows = HouseholdMember.objects.filter(pk=member.pk, household=member.household).delete()
        if deleted:
            log_action(
                actor,
                "household.member_removed",
                member.household,
                subject=f"participant:{member.participant_id}",
                data={"household": member.household_id, "participant": member.participant_id},
            )
