"""Transfer of a case to another organisation: request, accept, decline, withdraw (issue [C]).

The owning organisation asks; the target organisation's case managers and team leads answer.
A transfer is possible only while a consent for the transfer (``Purpose.TRANSFER``) in force for
this case names the target organisation; before accepting, the target sees the case reference,
the case type and exactly the data categories that consent names (``transfer_categories``).

On acceptance, in one transaction: the case's organisation and lead change, its open tasks go to
the new lead, pending approval requests lapse (the target's team leads decide under its own
settings), and the person record – the participant, or the household with its members – moves to
the target organisation together with records merged into it, the merges and the review-queue
entries about it. The record can belong to one organisation only, so a transfer is refused while
another open case of the source organisation or one of its households still refers to it. The
source organisation loses access with the next request (``access.visible_cases`` asks for the
owning organisation), unless a consent for cooperation names it.

Answering is a contested state change: every answer first claims the pending row with a
conditional ``UPDATE … WHERE status = 'pending'`` after locking it, so of two answers given at
the same time (two accepts, or an accept and a withdrawal) exactly one succeeds.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.accounts.models import User
from ankommen.audit.services import log_action
from ankommen.cases.choices import Decision, Phase, ResponsibleParty, TimelineKind, TransferStatus
from ankommen.cases.models import Approval, Case, CaseRole, CaseTransfer, Task
from ankommen.cases.services import CaseError, _audit, _locked, _require_open, _save_case, _staff_of, _timeline
from ankommen.consents.choices import Purpose
from ankommen.consents.models import Consent
from ankommen.consents.queries import valid_consents
from ankommen.network.models import Membership, Organisation
from ankommen.participants.models import DuplicateCandidate, Household, HouseholdMember, Merge, Participant

ALREADY_ANSWERED = _("This transfer request has already been answered or withdrawn.")
MAX_MERGE_DEPTH = 20


# --- access ----------------------------------------------------------------------------------


def visible_transfers(actor: Membership) -> QuerySet[CaseTransfer]:
    """Transfer requests of the actor's organisation, outgoing and incoming, for its case
    managers and team leads (``cases.edit``)."""
    if not actor.is_active or not actor.has_perm("cases.edit"):
        return CaseTransfer.objects.none()
    return CaseTransfer.objects.filter(network=actor.network_id).filter(
        Q(from_organisation=actor.organisation_id) | Q(to_organisation=actor.organisation_id)
    )


def incoming_transfers(actor: Membership) -> QuerySet[CaseTransfer]:
    return visible_transfers(actor).filter(to_organisation=actor.organisation_id, status=TransferStatus.PENDING)


def get_transfer_for(actor: Membership, transfer_id: int | str, *, side: str | None = None) -> CaseTransfer:
    """A transfer request of the actor's organisation (404 otherwise). ``side="target"``: only the
    receiving organisation may act (403 for the sender); ``side="source"``: only the sender."""
    try:
        transfer = (
            visible_transfers(actor)
            .select_related("case__case_type", "from_organisation", "to_organisation", "requested_by", "proposed_lead")
            .get(pk=int(transfer_id))
        )
    except (CaseTransfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if side == "target" and transfer.to_organisation_id != actor.organisation_id:
        raise PermissionDenied
    if side == "source" and transfer.from_organisation_id != actor.organisation_id:
        raise PermissionDenied
    return transfer


# --- consent and the person record -----------------------------------------------------------


def transfer_consents(case: Case, organisation_id: int) -> QuerySet[Consent]:
    """Consents for the transfer in force for this case that name the organisation."""
    return valid_consents(
        network_id=case.network_id, purpose=Purpose.TRANSFER, recipient_id=organisation_id, case_id=case.pk
    )


def transfer_categories(transfer: CaseTransfer) -> frozenset[str]:
    """What the target organisation may see of a pending request: the data categories of the
    consents for the transfer in force (none once they lapsed, and none after the answer)."""
    if not transfer.is_pending:
        return frozenset()
    categories: set[str] = set()
    for row in transfer_consents(transfer.case, transfer.to_organisation_id).values_list("data_categories", flat=True):
        categories.update(row or ())
    return frozenset(categories)


def transfer_targets(case: Case) -> QuerySet[Organisation]:
    """Organisations a consent for the transfer in force for this case names (not the owner)."""
    named = valid_consents(network_id=case.network_id, purpose=Purpose.TRANSFER, case_id=case.pk).values("recipients")
    return (
        Organisation.objects.filter(network=case.network_id, is_active=True, pk__in=named)
        .exclude(pk=case.organisation_id)
        .order_by("name")
    )


def _record_people(case: Case) -> tuple[list[int], list[int]]:
    """(participant ids, household ids) of the record that moves with the case."""
    if case.participant_id is not None:
        return [case.participant_id], []
    members = HouseholdMember.objects.filter(household=case.household_id).values_list("participant", flat=True)
    return list(members), [case.household_id]  # type: ignore[list-item]


def record_blockers(case: Case) -> list[str]:
    """Why the person record cannot move to another organisation with this case (empty: it can)."""
    people, households = _record_people(case)
    problems: list[str] = []
    others = (
        Case.objects.filter(network=case.network_id, organisation=case.organisation_id)
        .exclude(pk=case.pk)
        .exclude(phase=Phase.CLOSED)
        .filter(Q(participant__in=people) | Q(household__in=households) | Q(household__members__participant__in=people))
        .values_list("reference", flat=True)
        .distinct()
    )
    references = sorted(set(others))
    if references:
        problems.append(
            str(
                _(
                    "Another open case of your organisation concerns this person or household (%(references)s). "
                    "The record can belong to one organisation only: close or transfer that case first."
                )
                % {"references": ", ".join(references)}
            )
        )
    staying = (
        Household.objects.filter(
            network=case.network_id, organisation=case.organisation_id, members__participant__in=people
        )
        .exclude(pk__in=households)
        .values_list("reference", flat=True)
        .distinct()
    )
    households_left = sorted(set(staying))
    if households_left:
        problems.append(
            str(
                _(
                    "The person belongs to a household of your organisation (%(references)s) that would stay "
                    "behind. Take the person out of that household, or transfer the household's case instead."
                )
                % {"references": ", ".join(households_left)}
            )
        )
    return problems


def transfer_blockers(case: Case, organisation: Organisation | None) -> list[str]:
    """Everything that stands in the way of a transfer to ``organisation``, for the request page."""
    problems: list[str] = []
    if case.is_closed:
        problems.append(str(_("A closed case cannot be transferred.")))
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        problems.append(str(_("A transfer of this case is already waiting for an answer.")))
    if organisation is not None and not transfer_consents(case, organisation.pk).exists():
        problems.append(
            str(_("No consent to the transfer in force names this organisation. Record the consent first."))
        )
    problems.extend(record_blockers(case))
    return problems


def _absorbed_into(ids: list[int]) -> list[int]:
    """Records merged into these (and into those, …): they move with the record."""
    found: list[int] = []
    frontier = list(ids)
    for _depth in range(MAX_MERGE_DEPTH):
        frontier = list(Participant.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        found.extend(frontier)
    return found


def _move_record(actor: Membership, case: Case, to_organisation_id: int) -> list[int]:
    """Move the participant (or household and members) with their merged records, merges and
    queue entries to the target organisation; one audit entry per person. Returns the ids."""
    source = case.organisation_id
    people, households = _record_people(case)
    moving = people + _absorbed_into(people)
    Participant.objects.filter(network=case.network_id, pk__in=moving, organisation=source).update(
        organisation=to_organisation_id, version=F("version") + 1, updated_at=timezone.now()
    )
    Household.objects.filter(network=case.network_id, pk__in=households, organisation=source).update(
        organisation=to_organisation_id
    )
    Merge.objects.filter(network=case.network_id, organisation=source).filter(
        Q(survivor__in=moving) | Q(absorbed__in=moving)
    ).update(organisation=to_organisation_id)
    # The source organisation's review queue must not keep pointing at a record it no longer holds.
    removed, _counts = (
        DuplicateCandidate.objects.filter(network=case.network_id, organisation=source)
        .filter(Q(left__in=moving) | Q(right__in=moving))
        .delete()
    )
    for participant_id in people:
        log_action(
            actor,
            "case.record_moved",
            case,
            subject=f"participant:{participant_id}",
            data={
                "case": case.pk,
                "participant": participant_id,
                "from_organisation": source,
                "to_organisation": to_organisation_id,
                "merged_records": [pk for pk in moving if pk not in people],
                "queue_entries_removed": removed,
            },
        )
    return moving


# --- services --------------------------------------------------------------------------------


def request_transfer(
    actor: Membership,
    case: Case,
    *,
    to_organisation: Organisation,
    reason: str,
    proposed_lead: User | None = None,
) -> CaseTransfer:
    """The owning organisation asks another organisation to take the case over."""
    reason = reason.strip()
    with transaction.atomic():
        case = _locked(actor, case)
        _require_open(case)
        if (
            to_organisation.network_id != actor.network_id
            or to_organisation.pk == case.organisation_id
            or not to_organisation.is_active
        ):
            raise CaseError({"to_organisation": _("Please choose another organisation of the network.")})
        if not reason:
            raise CaseError({"reason": _("Please give a reason for the transfer.")})
        consent = transfer_consents(case, to_organisation.pk).order_by("-given_on", "-pk").first()
        if consent is None:
            raise CaseError(
                {
                    "to_organisation": _(
                        "No consent to the transfer in force names this organisation. Record the consent first."
                    )
                }
            )
        if proposed_lead is not None and not _staff_of(actor, proposed_lead, "cases.edit", to_organisation.pk):
            raise CaseError(
                {"proposed_lead": _("The proposed lead must be a case manager or team lead of that organisation.")}
            )
        if not Membership.objects.filter(
            network=actor.network_id, organisation=to_organisation.pk, is_active=True, role__in=_editor_roles()
        ).exists():
            raise CaseError({"to_organisation": _("This organisation has nobody who could take the case over.")})
        if case.transfers.filter(status=TransferStatus.PENDING).exists():
            raise CaseError(_("A transfer of this case is already waiting for an answer."))
        problems = record_blockers(case)
        if problems:
            raise CaseError(problems)
        transfer = CaseTransfer.objects.create(
            network_id=case.network_id,
            case=case,
            from_organisation_id=case.organisation_id,
            to_organisation=to_organisation,
            consent=consent,
            reason=reason,
            proposed_lead=proposed_lead,
            requested_by=actor.user,
            requested_at=timezone.now(),
        )
        _timeline(actor, case, TimelineKind.TRANSFER, "transfer_requested", organisation=to_organisation.name)
        _audit(
            actor,
            "case.transfer_requested",
            case,
            transfer,
            transfer=transfer.pk,
            from_organisation=case.organisation_id,
            to_organisation=to_organisation.pk,
            consent=consent.pk,
        )
    return transfer


def _editor_roles() -> list[str]:
    from ankommen.network.roles import ROLE_PERMISSIONS

    return [role for role, perms in ROLE_PERMISSIONS.items() if "cases.edit" in perms]


def _claim(actor: Membership, transfer: CaseTransfer, status: str, **fields: Any) -> CaseTransfer:
    """Lock the request and move it out of "pending"; refuses if someone answered first."""
    current = (
        CaseTransfer.objects.select_for_update()
        .filter(pk=transfer.pk, network=actor.network_id)
        .select_related("case", "to_organisation", "from_organisation")
        .first()
    )
    if current is None:
        raise PermissionDenied
    claimed = CaseTransfer.objects.filter(pk=current.pk, status=TransferStatus.PENDING).update(
        status=status, decided_by=actor.user, decided_at=timezone.now(), **fields
    )
    if not claimed:
        raise CaseError(ALREADY_ANSWERED, code="answered")
    current.refresh_from_db()
    return current


def _require_target(actor: Membership, transfer: CaseTransfer) -> None:
    if (
        not actor.is_active
        or not actor.has_perm("cases.edit")
        or transfer.network_id != actor.network_id
        or transfer.to_organisation_id != actor.organisation_id
    ):
        raise PermissionDenied


def accept_transfer(actor: Membership, transfer: CaseTransfer, *, new_lead: User) -> CaseTransfer:
    """The target organisation takes the case over with ``new_lead`` as lead case manager."""
    _require_target(actor, transfer)
    with transaction.atomic():
        current = _claim(actor, transfer, TransferStatus.ACCEPTED, new_lead=new_lead)
        _require_target(actor, current)
        case = Case.objects.select_for_update(of=("self",)).select_related("case_type").get(pk=current.case_id)
        source = case.organisation_id
        if source != current.from_organisation_id or case.is_closed:
            raise CaseError(_("The case has changed since the request: it can no longer be transferred."))
        if not transfer_consents(case, actor.organisation_id).exists():
            raise CaseError(_("The consent to the transfer is no longer in force. The case cannot be taken over."))
        if not _staff_of(actor, new_lead, "cases.edit"):
            raise CaseError({"new_lead": _("The new lead must be a case manager or team lead of your organisation.")})
        problems = record_blockers(case)
        if problems:
            raise CaseError(problems)
        moved = _move_record(actor, case, actor.organisation_id)
        case.organisation_id = actor.organisation_id
        case.lead = new_lead
        _save_case(case, ["organisation", "lead"])
        reassigned = Task.objects.filter(case=case.pk, done_at__isnull=True).filter(
            Q(assignee__isnull=False) | Q(responsible=ResponsibleParty.CASE_MANAGER)
        )
        task_ids = list(reassigned.values_list("pk", flat=True))
        reassigned.update(assignee=new_lead)
        lapsed = Approval.objects.filter(case=case.pk, decision=Decision.PENDING, superseded=False).update(
            superseded=True
        )
        CaseRole.objects.filter(case=case.pk, user=new_lead.pk).delete()
        _timeline(
            actor,
            case,
            TimelineKind.TRANSFER,
            "transfer_accepted",
            from_organisation=current.from_organisation.name,
            organisation=current.to_organisation.name,
        )
        _audit(
            actor,
            "case.transfer_accepted",
            case,
            current,
            transfer=current.pk,
            from_organisation=source,
            to_organisation=actor.organisation_id,
            new_lead=new_lead.pk,
            tasks=task_ids,
            approvals_lapsed=lapsed,
            records=moved,
        )
    return current


def decline_transfer(actor: Membership, transfer: CaseTransfer, *, reason: str) -> CaseTransfer:
    """The target organisation declines; the case stays where it is."""
    _require_target(actor, transfer)
    reason = reason.strip()
    if not reason:
        raise CaseError({"reason": _("Please give a reason for declining.")})
    with transaction.atomic():
        current = _claim(actor, transfer, TransferStatus.DECLINED, decline_reason=reason)
        _require_target(actor, current)
        case = current.case
        _timeline(actor, case, TimelineKind.TRANSFER, "transfer_declined", organisation=current.to_organisation.name)
        _audit(
            actor,
            "case.transfer_declined",
            case,
            current,
            transfer=current.pk,
            from_organisation=current.from_organisation_id,
            to_organisation=current.to_organisation_id,
        )
    return current


def withdraw_transfer(actor: Membership, transfer: CaseTransfer) -> CaseTransfer:
    """The owning organisation takes a pending request back."""
    with transaction.atomic():
        current = _claim(actor, transfer, TransferStatus.WITHDRAWN)
        case = _locked(actor, current.case)  # only case staff of the owning organisation
        if case.organisation_id != current.from_organisation_id:
            raise PermissionDenied
        _timeline(actor, case, TimelineKind.TRANSFER, "transfer_withdrawn", organisation=current.to_organisation.name)
        _audit(
            actor,
            "case.transfer_withdrawn",
            case,
            current,
            transfer=current.pk,
            from_organisation=current.from_organisation_id,
            to_organisation=current.to_organisation_id,
        )
    return current
