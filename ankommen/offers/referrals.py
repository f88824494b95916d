"""Referrals to partners with a referral packet (issue [O], DOMAIN §4.5, ADR 0012 "Referrals").

A case manager refers a participant of an open case of the own organisation to a partner – a
chamber (perspective counselling, training) or the employment agency – optionally for one of the
partner's offers and in support of one of the case's goals. The **referral packet** is a
snapshot of the fields that a consent for the purpose "referral" in force, naming the recipient,
allows; the case manager may leave categories out, never add any:

=============  ==========================================================================
identity       given and family name, date of birth
contact        phone numbers and e-mail addresses
language       languages with the CEFR level per skill and certificates
education      schooling and vocational background (kind, country, years, certificate,
               recognition)
work           work history, work permission (from the current status's conditions: yes,
               only with the foreigners' authority's permission, no, not known), availability
interests      interests and strengths
=============  ==========================================================================

Never in a packet, whatever a consent says or a request asks for: the residence status and its
history (so never the kind of Duldung), household, assessment, plan, health, support needs and
counselling notes (``NEVER_IN_PACKET``); identifiers and the case's and the person's references
neither. The internal note of the referral stays with the referring organisation.

The recipient's staff with ``offers.receive_referrals`` (partner liaisons) see the referral and
its packet only while that consent is in force (read on every request, ``referral_access``); a
revocation or expiry answers 404 at once, and the packet is erased (at the revocation, in the same
transaction, by ``signals``; at expiry by the daily ``erase_lapsed_packets``). Declining or
withdrawing a referral erases its packet too. The recipient accepts, declines (with a reason) or
completes the referral with an outcome; the outcome goes into the case: a timeline entry and,
when the referral serves a goal, a progress note on that goal.

Every function takes the acting membership first, runs in one transaction with its audit entry
(ids and codes only) and refuses with a ``ReferralError`` whose message is meant for the user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases.choices import TimelineKind
from ankommen.cases.models import Case, Goal, ProgressNote, TimelineEntry
from ankommen.cases.rules import check_case_rule
from ankommen.consents.choices import CHAMBER_CATEGORIES, DataCategory, Purpose, ordered_categories
from ankommen.consents.models import Consent
from ankommen.consents.queries import in_force_q
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import OrganisationType
from ankommen.offers.choices import (
    OPEN_REFERRAL_STATUSES,
    Availability,
    OfferStatus,
    ReferralOutcome,
    ReferralPurpose,
    ReferralStatus,
)
from ankommen.offers.models import Offer, Referral
from ankommen.participants.choices import ContactKind, EmploymentPermission
from ankommen.participants.models import HouseholdMember, Participant, ResidenceStatus

# The organisations a referral can go to: those whose partner liaisons receive referral packets.
RECIPIENT_TYPES = frozenset({OrganisationType.CHAMBER, OrganisationType.EMPLOYMENT_AGENCY})
PACKET_CATEGORIES: tuple[str, ...] = tuple(ordered_categories(CHAMBER_CATEGORIES))
NEVER_IN_PACKET = frozenset(DataCategory.values) - set(PACKET_CATEGORIES)
TEXT_LENGTH = 500
PACKET_CONTACTS = (ContactKind.PHONE, ContactKind.EMAIL)


class ReferralError(ValidationError):
    """A referral change that is refused; messages are translated and meant for the user."""


STALE = _("Someone else answered this referral in the meantime. Reload the page to see its current state.")


# --- who and what ------------------------------------------------------------------------------


def recipients_for(actor: Membership) -> QuerySet[Organisation]:
    """The organisations of the network a referral can go to (never the own one, never the police)."""
    return (
        Organisation.objects.filter(network=actor.network_id, is_active=True, type__in=RECIPIENT_TYPES)
        .exclude(pk=actor.organisation_id)
        .order_by("name")
    )


def referral_consents(
    case: Case, participant: Participant, recipient_id: int | None = None, *, day: dt.date | None = None
) -> QuerySet[Consent]:
    """Consents for a referral in force today, given by ``participant`` for this case or for the
    person's record, naming ``recipient_id`` (any recipient when None). Newest first."""
    consents = Consent.objects.filter(
        in_force_q(day),
        Q(case=case.pk) | Q(case__isnull=True),
        network=case.network_id,
        organisation=case.organisation_id,
        participant=participant.pk,
        purpose=Purpose.REFERRAL,
    )
    if recipient_id is not None:
        consents = consents.filter(recipients=recipient_id)
    return consents.distinct().order_by("-given_on", "-pk")


def packet_categories(consent: Consent) -> list[str]:
    """What a packet under this consent may hold: its categories that belong in a packet at all."""
    return [code for code in ordered_categories(consent.data_categories) if code in PACKET_CATEGORIES]


def people_of(case: Case) -> list[Participant]:
    """Who can be referred from a case: its person, or the members of its household."""
    if case.participant_id is not None:
        return [case.participant]  # type: ignore[list-item]
    return [
        member.participant
        for member in HouseholdMember.objects.filter(household=case.household_id, participant__merged_into__isnull=True)
        .select_related("participant")
        .order_by("pk")
    ]


# --- the packet --------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def work_permission(participant: Participant, day: dt.date) -> str:
    """The work permission of the current status's conditions: an ``EmploymentPermission`` code."""
    row = (
        ResidenceStatus.objects.filter(participant=participant.pk, valid_from__lte=day)
        .order_by("-valid_from", "-pk")
        .values_list("employment", "valid_to")
        .first()
    )
    if row is None or (row[1] is not None and row[1] < day):
        return EmploymentPermission.UNKNOWN
    return str(row[0])


def build_packet(participant: Participant, categories: Iterable[str], *, availability: str = "") -> dict[str, Any]:
    """The snapshot of the person's fields in ``categories`` (packet categories only), as codes
    and plain values."""
    wanted = set(categories) & set(PACKET_CATEGORIES)
    packet: dict[str, Any] = {}
    if DataCategory.IDENTITY in wanted:
        packet["identity"] = {
            "given_name": participant.given_name,
            "family_name": participant.family_name,
            "date_of_birth": _iso(participant.date_of_birth),
            "birth_date_shown": participant.birth_date_display,
        }
    if DataCategory.CONTACT in wanted:
        packet["contact"] = [
            {"kind": kind, "value": value, "preferred": preferred}
            for kind, value, preferred in participant.contacts.filter(kind__in=PACKET_CONTACTS)
            .exclude(value="")
            .order_by("-preferred", "pk")
            .values_list("kind", "value", "preferred")
        ]
    if DataCategory.LANGUAGE in wanted:
        packet["language"] = [
            dict(zip(("language", "speaking", "listening", "reading", "writing", "certificate"), row, strict=True))
            for row in participant.languages.order_by("pk").values_list(
                "language", "speaking", "listening", "reading", "writing", "certificate"
            )
        ]
    if DataCategory.EDUCATION in wanted:
        packet["education"] = [
            {
                "kind": row.kind,
                "country": str(row.country.code or ""),
                "institution": row.institution,
                "from_year": row.from_year,
                "to_year": row.to_year,
                "years": str(row.years) if row.years is not None else "",
                "certificate": row.certificate,
                "recognition": row.recognition,
            }
            for row in participant.education.order_by("-from_year", "pk")
        ]
    if DataCategory.WORK in wanted:
        packet["work"] = {
            "history": [
                {
                    "occupation": row.occupation,
                    "employer": row.employer,
                    "country": str(row.country.code or ""),
                    "from": _iso(row.from_date),
                    "to": _iso(row.to_date),
                    "hours_per_week": str(row.hours_per_week) if row.hours_per_week is not None else "",
                }
                for row in participant.work.order_by("-from_date", "pk")
            ],
            "permission": work_permission(participant, timezone.localdate()),
            "availability": availability,
        }
    if DataCategory.INTERESTS in wanted:
        packet["interests"] = {"interests": participant.interests, "strengths": participant.strengths}
    return packet


# --- helpers -----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _timeline(actor: Membership, referral: Referral, key: str, **params: Any) -> None:
    TimelineEntry.objects.create(
        network_id=referral.network_id,
        case_id=referral.case_id,
        at=_now(),
        kind=TimelineKind.PLAN,
        text_key=key,
        params={"organisation": referral.recipient.name, **params},
        actor=actor.user,
    )


def _audit(actor: Membership, action: str, referral: Referral, **data: Any) -> None:
    log_action(
        actor,
        action,
        referral,
        subject=referral.audit_subject,
        data={"referral": referral.pk, "case": referral.case_id, "recipient": referral.recipient_id, **data},
    )


def _locked(referral: Referral) -> Referral:
    current = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("recipient", "case", "consent", "goal")
        .get(pk=referral.pk, network=referral.network_id)
    )
    return current


def _check_version(current: Referral, version: int | None) -> None:
    if version is not None and version != current.version:
        raise ReferralError(STALE, code="stale")


def _erase(referral: Referral) -> None:
    referral.packet = {}
    referral.packet_erased_at = _now()


def _save(referral: Referral, fields: Iterable[str]) -> None:
    referral.version += 1
    referral.save(update_fields=[*fields, "version"])


def consent_in_force(referral: Referral) -> bool:
    """Whether the referral's consent shares its packet today (read afresh)."""
    return Consent.objects.filter(in_force_q(), pk=referral.consent_id, recipients=referral.recipient_id).exists()


# --- the referring organisation ----------------------------------------------------------------


def _require_sender(actor: Membership, case: Case) -> None:
    if not actor.is_active or not actor.has_perm("offers.refer"):
        raise PermissionDenied
    if case.network_id != actor.network_id or not check_case_rule("cases.change_case", actor, case):
        raise PermissionDenied


def send_referral(actor: Membership, case: Case, values: Mapping[str, Any]) -> Referral:
    """Refer a person of ``case`` to a partner. ``values``: recipient (an organisation), categories
    (of the packet), purpose, and optionally participant (household cases), offer, goal,
    availability, note."""
    _require_sender(actor, case)
    errors: dict[str, list[Any]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    if case.is_closed:
        raise ReferralError(_("This case is closed. Reopen it before referring the person."), code="closed")
    people = people_of(case)
    participant = values.get("participant") or (people[0] if case.participant_id is not None else None)
    if participant is None or participant.pk not in {p.pk for p in people}:
        add("participant", _("Choose the person of this case who is referred."))
    recipient = values.get("recipient")
    if not isinstance(recipient, Organisation) or recipient.network_id != actor.network_id:
        add("recipient", _("Choose the partner organisation."))
        recipient = None
    elif recipient.type == OrganisationType.POLICE:
        add("recipient", _("The police never receive personal data from the platform."))
    elif recipient.pk == actor.organisation_id:
        add("recipient", _("Your own organisation cannot be the recipient."))
    elif recipient.type not in RECIPIENT_TYPES or not recipient.is_active:
        add("recipient", _("Referral packets go to chambers and the employment agency only."))
    purpose = str(values.get("purpose") or "")
    if purpose not in ReferralPurpose.values:
        add("purpose", _("Choose what the referral is for."))
    availability = values.get("availability") or ""
    if availability not in Availability.values:
        add("availability", _("Choose the availability."))
    note = str(values.get("note") or "").strip()
    if len(note) > TEXT_LENGTH:
        add("note", _("At most 500 characters."))
    wanted = [str(code) for code in values.get("categories") or []]
    never = [code for code in wanted if code in NEVER_IN_PACKET]
    if never:
        add(
            "categories",
            _("Residence, household, assessment, plan and counselling notes are never part of a referral packet."),
        )
    if any(code not in DataCategory.values for code in wanted):
        add("categories", _("Unknown data category."))
    categories = [code for code in PACKET_CATEGORIES if code in wanted]
    offer = values.get("offer")
    if offer is not None and (
        not isinstance(offer, Offer)
        or offer.network_id != actor.network_id
        or recipient is None
        or offer.organisation_id != recipient.pk
        or offer.status != OfferStatus.PUBLISHED
    ):
        add("offer", _("Choose a published offer of the recipient, or none."))
    goal = values.get("goal")
    if goal is not None and (not isinstance(goal, Goal) or goal.case_id != case.pk):
        add("goal", _("Choose a goal of this case, or none."))
    consent = None
    if recipient is not None and participant is not None and not errors.get("recipient"):
        consents = list(referral_consents(case, participant, recipient.pk))
        if not consents:
            add(
                "recipient",
                _("No consent for a referral to %(name)s is in force. Record the person's consent first.")
                % {"name": recipient.name},
            )
        else:
            consent = next((c for c in consents if set(categories) <= set(packet_categories(c))), None)
            if consent is None:
                allowed = sorted({code for c in consents for code in packet_categories(c)})
                extra = [code for code in categories if code not in allowed]
                add(
                    "categories",
                    _("The consent does not allow these categories: %(categories)s.")
                    % {"categories": ", ".join(str(DataCategory(code).label) for code in extra)},
                )
    if errors:
        raise ReferralError(errors)
    assert recipient is not None and participant is not None and consent is not None
    with transaction.atomic():
        current_case = Case.objects.select_for_update().get(pk=case.pk, network=actor.network_id)
        if current_case.is_closed:
            raise ReferralError(_("This case is closed. Reopen it before referring the person."), code="closed")
        if Referral.objects.filter(
            case=case.pk,
            participant=participant.pk,
            recipient=recipient.pk,
            purpose=purpose,
            status__in=OPEN_REFERRAL_STATUSES,
        ).exists():
            raise ReferralError(
                _("This person already has an open referral to %(name)s for this purpose.") % {"name": recipient.name},
                code="duplicate",
            )
        referral = Referral.objects.create(
            network_id=actor.network_id,
            organisation_id=actor.organisation_id,
            case=current_case,
            participant=participant,
            recipient=recipient,
            offer=offer,
            goal=goal,
            consent=consent,
            purpose=purpose,
            availability=availability,
            note=note,
            packet=build_packet(participant, categories, availability=availability),
            packet_categories=categories,
            sent_at=_now(),
            sent_by=actor.user,
        )
        _timeline(actor, referral, "referral_sent")
        _audit(
            actor,
            "referral.sent",
            referral,
            consent=consent.pk,
            purpose=purpose,
            categories=categories,
            offer=offer.pk if offer else None,
            goal=goal.pk if goal else None,
        )
    return referral


def withdraw_referral(actor: Membership, referral: Referral, *, version: int | None = None) -> Referral:
    """Take an open referral back: the recipient no longer sees it, its packet is erased."""
    _require_sender(actor, referral.case)
    if referral.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(referral)
        _check_version(current, version)
        if current.status not in OPEN_REFERRAL_STATUSES:
            raise ReferralError(_("Only an open referral can be withdrawn."), code="state")
        current.status = ReferralStatus.WITHDRAWN
        current.withdrawn_at = _now()
        _erase(current)
        _save(current, ["status", "withdrawn_at", "packet", "packet_erased_at"])
        _timeline(actor, current, "referral_withdrawn")
        _audit(actor, "referral.withdrawn", current)
    return current


# --- the recipient -----------------------------------------------------------------------------


def _require_recipient(actor: Membership, referral: Referral) -> None:
    if not actor.is_active or not actor.has_perm("offers.receive_referrals"):
        raise PermissionDenied
    if referral.network_id != actor.network_id or referral.recipient_id != actor.organisation_id:
        raise PermissionDenied


def _recipient_locked(actor: Membership, referral: Referral, version: int | None) -> Referral:
    _require_recipient(actor, referral)
    current = _locked(referral)
    if not consent_in_force(current):
        raise PermissionDenied  # the consent ended: the referral is gone for the recipient
    _check_version(current, version)
    return current


def accept_referral(actor: Membership, referral: Referral, *, version: int | None = None) -> Referral:
    with transaction.atomic():
        current = _recipient_locked(actor, referral, version)
        if current.status != ReferralStatus.REQUESTED:
            raise ReferralError(_("Only a new referral can be accepted."), code="state")
        current.status = ReferralStatus.ACCEPTED
        current.answered_at = _now()
        current.answered_by = actor.user
        _save(current, ["status", "answered_at", "answered_by"])
        _timeline(actor, current, "referral_accepted")
        _audit(actor, "referral.accepted", current)
    return current


def decline_referral(actor: Membership, referral: Referral, *, reason: str, version: int | None = None) -> Referral:
    """Decline with a reason (shown to the referring organisation); the packet is erased."""
    reason = (reason or "").strip()
    if not reason:
        raise ReferralError({"reason": _("Say why the referral is declined.")})
    if len(reason) > TEXT_LENGTH:
        raise ReferralError({"reason": _("At most 500 characters.")})
    with transaction.atomic():
        current = _recipient_locked(actor, referral, version)
        if current.status not in OPEN_REFERRAL_STATUSES:
            raise ReferralError(_("Only an open referral can be declined."), code="state")
        current.status = ReferralStatus.DECLINED
        current.answered_at = _now()
        current.answered_by = actor.user
        current.decline_reason = reason
        _erase(current)
        _save(current, ["status", "answered_at", "answered_by", "decline_reason", "packet", "packet_erased_at"])
        _timeline(actor, current, "referral_declined")
        _audit(actor, "referral.declined", current)
    return current


def _outcome_text(referral: Referral, outcome: str, outcome_on: dt.date | None, note: str) -> str:
    """The progress note on the goal, in the network's main language (a note is stored text)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(_("Outcome of the referral to %(organisation)s: %(outcome)s.")) % {
            "organisation": referral.recipient.name,
            "outcome": str(ReferralOutcome(outcome).label),
        }
        if outcome_on is not None:
            text += " " + str(_("From %(date)s.")) % {"date": formats.date_format(outcome_on, "SHORT_DATE_FORMAT")}
    return f"{text} {note}".strip()


def complete_referral(
    actor: Membership,
    referral: Referral,
    *,
    outcome: str,
    outcome_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> Referral:
    """Close the referral with its outcome; the outcome goes into the case (timeline, and a
    progress note on the goal the referral serves)."""
    if outcome not in ReferralOutcome.values:
        raise ReferralError({"outcome": _("Choose the outcome.")})
    note = (note or "").strip()
    if len(note) > TEXT_LENGTH:
        raise ReferralError({"note": _("At most 500 characters.")})
    with transaction.atomic():
        current = _recipient_locked(actor, referral, version)
        if current.status not in OPEN_REFERRAL_STATUSES:
            raise ReferralError(_("Only an open referral can be completed."), code="state")
        now = _now()
        if current.answered_at is None:
            current.answered_at = now
            current.answered_by = actor.user
        current.status = ReferralStatus.COMPLETED
        current.outcome = outcome
        current.outcome_on = outcome_on
        current.outcome_note = note
        current.completed_at = now
        current.completed_by = actor.user
        _save(
            current,
            [
                "status",
                "answered_at",
                "answered_by",
                "outcome",
                "outcome_on",
                "outcome_note",
                "completed_at",
                "completed_by",
            ],
        )
        _timeline(actor, current, "referral_completed", outcome=outcome)
        progress = None
        if current.goal is not None:
            progress = ProgressNote.objects.create(
                network_id=current.network_id,
                goal=current.goal,
                written_on=timezone.localdate(),
                text=_outcome_text(current, outcome, outcome_on, note),
                author=actor.user,
            )
        _audit(actor, "referral.completed", current, outcome=outcome, progress_note=progress.pk if progress else None)
    return current


# --- erasure when the consent ends -------------------------------------------------------------


def erase_packets_of(consent: Consent, *, by: Any = None) -> int:
    """Erase the packets shared under ``consent`` (its revocation; called in that transaction)."""
    count = 0
    for referral in Referral.objects.select_for_update().filter(
        network=consent.network_id, consent=consent.pk, packet_erased_at__isnull=True
    ):
        _erase(referral)
        _save(referral, ["packet", "packet_erased_at"])
        log_action(
            by,
            "referral.packet_erased",
            referral,
            subject=referral.audit_subject,
            network=consent.network,
            organisation=consent.organisation,
            actor_label="" if by is not None else "system",
            data={"referral": referral.pk, "consent": consent.pk, "reason": "consent_revoked"},
        )
        count += 1
    return count


def erase_lapsed_packets(network_id: int | None = None) -> int:
    """Erase the packets whose consent no longer shares anything (expired, revoked, its case
    closed). Idempotent; run daily (``tasks.py``). Returns how many were erased."""
    referrals = Referral.objects.filter(packet_erased_at__isnull=True).exclude(
        consent__in=Consent.objects.filter(in_force_q())
    )
    if network_id is not None:
        referrals = referrals.filter(network=network_id)
    count = 0
    for referral in referrals.select_related("network", "organisation").order_by("pk"):
        with transaction.atomic():
            current = Referral.objects.select_for_update().get(pk=referral.pk)
            if current.packet_erased_at is not None:
                continue
            _erase(current)
            _save(current, ["packet", "packet_erased_at"])
            log_action(
                None,
                "referral.packet_erased",
                current,
                subject=current.audit_subject,
                network=referral.network,
                organisation=referral.organisation,
                actor_label="system",
                data={"referral": current.pk, "consent": current.consent_id, "reason": "consent_ended"},
            )
            count += 1
    return count
