"""State changes of case conferences: schedule, participating organisations, named or anonymised,
agenda, minutes, decisions, action items, held or cancelled.

Each function takes the acting membership first, checks the object rule
(``conferences.change_conference``: an organiser of the organisation that owns the case), runs in
one transaction, writes the audit entry (subject: the case's participant or household; data: ids,
codes and changed field names only) and refuses with a translated ``ConferenceError``.
Conference-level changes lock the conference row and check its ``version`` when the form carried
one, so a stale form (two people writing the minutes) is refused instead of overwriting.

Anonymity: while a conference is shown anonymised, free text that identifies the person (names
and their variants, birth date, address, references, document numbers, contact data) is refused
with a clear error (``anonymity.Matcher``). Named mode is allowed only while consents for case
conferences in force name every participating organisation other than the case owner, and
never with an organisation that takes part in anonymised conferences only (chambers) or never
(the police); this is checked when switching to named and when an organisation is added, and
the rendering checks it again on every page and export (``presentation.py``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.cases.choices import TimelineKind
from ankommen.cases.models import Case, TimelineEntry
from ankommen.cases.rules import check_case_rule
from ankommen.conferences import presentation
from ankommen.conferences.anonymity import ADDRESS, BIRTH_DATE, CODE, NAME
from ankommen.conferences.choices import ActionStatus, Mode, Setting, Status
from ankommen.conferences.models import (
    ActionItem,
    AgendaItem,
    CasePseudonym,
    Conference,
    ConferenceOrganisation,
    Decision,
)
from ankommen.conferences.rules import check_conference_rule
from ankommen.network.models import Membership, Organisation
from ankommen.network.roles import (
    CONFERENCE_ANONYMISED_ONLY_TYPES,
    CONFERENCE_EXCLUDED_TYPES,
    ROLE_ORGANISATION_TYPES,
    ROLE_PERMISSIONS,
)


class ConferenceError(ValidationError):
    """A change to a conference that is refused. Messages are translated and shown to the user."""


STALE_VERSION = _(
    "Someone else changed this conference in the meantime. Your changes were not saved. "
    "Reload the page to see the current state, then make your change again."
)
CANCELLED = _("This conference was cancelled; it cannot be changed any more.")
KIND_LABELS = {
    NAME: _("a name"),
    BIRTH_DATE: _("a date of birth"),
    ADDRESS: _("an address"),
    CODE: _("a reference, document number or contact detail"),
}
SCHEDULE_FIELDS: tuple[str, ...] = ("scheduled_at", "setting", "place")
AGENDA_FIELDS: tuple[str, ...] = ("order", "title", "notes")
# Pseudonyms: a letter that is not an initial of the case's people (nor I or O, which read as
# digits), a dash and three digits, e.g. "K-317".
PSEUDONYM_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "IO")
PSEUDONYM_ATTEMPTS = 50


def conference_organisation_types() -> frozenset[str]:
    """Organisation types in which some role may take part in conferences (roles.py), less the
    police: only these can be invited (nobody elsewhere could see the conference)."""
    types: set[str] = set()
    for role, permissions in ROLE_PERMISSIONS.items():
        if "conferences.take_part" in permissions:
            types |= ROLE_ORGANISATION_TYPES.get(role, frozenset())
    return frozenset(types - CONFERENCE_EXCLUDED_TYPES)


# --- helpers ---------------------------------------------------------------------------------


def _locked(actor: Membership, conference: Conference) -> Conference:
    """The conference row, locked for this transaction, after the access check."""
    current = (
        Conference.objects.select_for_update(of=("self",))
        .select_related("case", "case__participant", "case__household")
        .filter(pk=conference.pk, network=actor.network_id)
        .first()
    )
    if current is None or not check_conference_rule("conferences.change_conference", actor, current):
        raise PermissionDenied
    return current


def _check_version(conference: Conference, version: int | None) -> None:
    if version is not None and version != conference.version:
        raise ConferenceError(STALE_VERSION, code="stale")


def _require_not_cancelled(conference: Conference) -> None:
    if conference.is_cancelled:
        raise ConferenceError(CANCELLED)


def _save(conference: Conference, fields: Iterable[str]) -> None:
    conference.version += 1
    conference.save(update_fields=[*fields, "version", "updated_at"])


def _audit(actor: Membership, action: str, conference: Conference, target: Model | None = None, **data: Any) -> None:
    log_action(
        actor,
        action,
        target or conference,
        subject=conference.case.audit_subject,
        data={"conference": conference.pk, "case": conference.case_id, **data},
    )


def _timeline(actor: Membership, case: Case, kind: str, key: str, /, **params: Any) -> None:
    TimelineEntry.objects.create(
        network_id=case.network_id,
        case=case,
        at=timezone.now(),
        kind=kind,
        text_key=key,
        params=params,
        actor=actor.user,
    )


def _organisations(conference: Conference) -> list[Organisation]:
    return [p.organisation for p in conference.participations.select_related("organisation").order_by("pk")]


def shown_named(conference: Conference) -> bool:
    """Whether the conference is shown with the name right now (mode and consents)."""
    return conference.mode == Mode.NAMED and not presentation.consent_problems(conference, _organisations(conference))


def check_anonymous(conference: Conference, texts: Mapping[str, str]) -> None:
    """Refuse free text that identifies the person while the conference is shown anonymised.

    The error names the kind of data found (a name, a date of birth, ...), never the data."""
    if shown_named(conference):
        return
    matcher = presentation.matcher_for(conference.case)
    errors: dict[str, Any] = {}
    for field_name, text in texts.items():
        kinds = matcher.kinds_found(text or "")
        if kinds:
            found = ", ".join(str(KIND_LABELS[kind]) for kind in kinds)
            errors[field_name] = _(
                "This conference is anonymised, but the text contains %(found)s of the person. "
                "Write %(pseudonym)s instead and leave out the identifying details."
            ) % {"found": found, "pseudonym": presentation.pseudonym_label(conference.pseudonym)}
    if errors:
        raise ConferenceError(errors)


def _pseudonym_for(case: Case) -> str:
    """The case's pseudonym, drawn on the case's first conference."""
    existing = CasePseudonym.objects.filter(case=case.pk).first()
    if existing is not None:
        return existing.code
    initials = presentation.identifying_data([case])[case.pk].initials()
    letters = [c for c in PSEUDONYM_LETTERS if c not in initials] or list(PSEUDONYM_LETTERS)
    for _attempt in range(PSEUDONYM_ATTEMPTS):
        code = f"{secrets.choice(letters)}-{secrets.randbelow(900) + 100}"
        try:
            with transaction.atomic():
                CasePseudonym.objects.create(network_id=case.network_id, case=case, code=code)
        except IntegrityError:
            continue
        return code
    raise ConferenceError(_("No free pseudonym could be found. Please try again."))


def _check_organisation(actor: Membership, conference: Conference, organisation: Organisation) -> None:
    if organisation.network_id != actor.network_id or not organisation.is_active:
        raise ConferenceError({"organisation": _("This organisation cannot be invited.")})
    if organisation.pk == conference.case.organisation_id:
        raise ConferenceError({"organisation": _("The organisation that owns the case always takes part.")})
    if organisation.type in CONFERENCE_EXCLUDED_TYPES:
        raise ConferenceError({"organisation": _("The police do not take part in case conferences.")})
    if organisation.type not in conference_organisation_types():
        raise ConferenceError(
            {"organisation": _("Nobody in an organisation of this type can take part in case conferences.")}
        )
    if conference.mode == Mode.NAMED and organisation.type in CONFERENCE_ANONYMISED_ONLY_TYPES:
        raise ConferenceError(
            {
                "organisation": _(
                    "Chambers take part in anonymised case conferences only. Switch the conference to anonymised first."
                )
            }
        )


# --- schedule --------------------------------------------------------------------------------


def schedule_conference(
    actor: Membership,
    case: Case,
    *,
    scheduled_at: dt.datetime,
    place: str,
    setting: str = Setting.IN_PERSON,
    organisations: Iterable[Organisation] = (),
) -> Conference:
    """Schedule an anonymised conference on a case of the actor's organisation."""
    if not actor.has_perm("conferences.organise") or not check_case_rule("cases.change_case", actor, case):
        raise PermissionDenied
    if case.is_closed:
        raise ConferenceError(_("This case is closed. Reopen it before scheduling a conference."))
    if setting not in Setting.values:
        raise ConferenceError({"setting": _("Please choose how the conference meets.")})
    if not place.strip():
        raise ConferenceError({"place": _("Please give the meeting room or the video room.")})
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk=case.pk, network=actor.network_id).first()
        if locked is None or locked.organisation_id != actor.organisation_id:
            raise PermissionDenied
        conference = Conference(
            network_id=case.network_id,
            case=case,
            organisation_id=actor.organisation_id,
            pseudonym=_pseudonym_for(case),
            scheduled_at=scheduled_at,
            setting=setting,
            place=place.strip(),
            mode=Mode.ANONYMISED,
            created_by=actor.user,
        )
        check_anonymous(conference, {"place": conference.place})
        conference.save()
        added = []
        for organisation in organisations:
            _check_organisation(actor, conference, organisation)
            ConferenceOrganisation.objects.create(
                network_id=case.network_id, conference=conference, organisation=organisation
            )
            added.append(organisation.pk)
        _timeline(actor, case, TimelineKind.APPOINTMENT, "conference_scheduled")
        _audit(actor, "conference.scheduled", conference, organisations=added, setting=setting)
    return conference


def update_conference(
    actor: Membership, conference: Conference, values: Mapping[str, Any], *, version: int | None
) -> Conference:
    """Date, time, form and place of a planned conference."""
    with transaction.atomic():
        conference = _locked(actor, conference)
        _check_version(conference, version)
        if not conference.is_planned:
            raise ConferenceError(_("Only a planned conference can be moved."))
        if "place" in values and not str(values["place"]).strip():
            raise ConferenceError({"place": _("Please give the meeting room or the video room.")})
        changed = []
        for name in SCHEDULE_FIELDS:
            if name in values and getattr(conference, name) != values[name]:
                setattr(conference, name, values[name].strip() if name == "place" else values[name])
                changed.append(name)
        if "place" in changed:
            check_anonymous(conference, {"place": conference.place})
        if changed:
            _save(conference, changed)
            _audit(actor, "conference.changed", conference, fields=changed)
    return conference


def set_mode(actor: Membership, conference: Conference, mode: str, *, version: int | None) -> Conference:
    """Switch between anonymised and named. Named needs consents for case conferences in force that
    name every participating organisation, and no chamber among them."""
    if mode not in Mode.values:
        raise ConferenceError({"mode": _("Unknown mode.")})
    with transaction.atomic():
        conference = _locked(actor, conference)
        _check_version(conference, version)
        _require_not_cancelled(conference)
        if conference.mode == mode:
            return conference
        if mode == Mode.NAMED:
            problems = presentation.consent_problems(conference, _organisations(conference))
            if problems:
                raise ConferenceError(
                    [
                        _("The conference can be named only with a consent for each participating organisation."),
                        *problems,
                    ]
                )
        conference.mode = mode
        _save(conference, ["mode"])
        _audit(actor, "conference.mode_changed", conference, mode=mode)
    return conference


def add_organisation(actor: Membership, conference: Conference, organisation: Organisation) -> ConferenceOrganisation:
    with transaction.atomic():
        conference = _locked(actor, conference)
        if not conference.is_planned:
            raise ConferenceError(_("Organisations are invited while the conference is planned."))
        _check_organisation(actor, conference, organisation)
        if conference.participations.filter(organisation=organisation.pk).exists():
            raise ConferenceError({"organisation": _("This organisation already takes part.")})
        if conference.mode == Mode.NAMED:
            problems = presentation.consent_problems(conference, [*_organisations(conference), organisation])
            if problems:
                raise ConferenceError(
                    {
                        "organisation": [
                            _(
                                "This conference is named: a consent for case conferences in force must name the "
                                "organisation first, or the conference must be anonymised."
                            ),
                            *problems,
                        ]
                    }
                )
        participation = ConferenceOrganisation.objects.create(
            network_id=conference.network_id, conference=conference, organisation=organisation
        )
        _audit(actor, "conference.organisation_added", conference, participation, organisation=organisation.pk)
    return participation


def remove_organisation(actor: Membership, conference: Conference, organisation: Organisation) -> None:
    with transaction.atomic():
        conference = _locked(actor, conference)
        if not conference.is_planned:
            raise ConferenceError(_("Organisations are removed while the conference is planned."))
        if conference.action_items.filter(owner=organisation.pk).exists():
            raise ConferenceError(_("This organisation is responsible for action items of the conference."))
        deleted, _rows = conference.participations.filter(organisation=organisation.pk).delete()
        if not deleted:
            raise ConferenceError(_("This organisation does not take part."))
        _audit(actor, "conference.organisation_removed", conference, organisation=organisation.pk)


# --- agenda, minutes, decisions, action items ------------------------------------------------


def add_agenda_item(
    actor: Membership, conference: Conference, *, title: str, notes: str = "", order: int | None = None
) -> AgendaItem:
    with transaction.atomic():
        conference = _locked(actor, conference)
        _require_not_cancelled(conference)
        check_anonymous(conference, {"title": title, "notes": notes})
        if order is None:
            order = (conference.agenda.aggregate(last=Max("order"))["last"] or 0) + 1
        item = AgendaItem.objects.create(
            network_id=conference.network_id, conference=conference, order=order, title=title.strip(), notes=notes
        )
        _audit(actor, "conference.agenda_item_added", conference, item)
    return item


def update_agenda_item(actor: Membership, item: AgendaItem, values: Mapping[str, Any]) -> AgendaItem:
    with transaction.atomic():
        conference = _locked(actor, item.conference)
        _require_not_cancelled(conference)
        current = AgendaItem.objects.filter(pk=item.pk, conference=conference.pk).first()
        if current is None:
            raise PermissionDenied
        changed = []
        for name in AGENDA_FIELDS:
            if name in values and getattr(current, name) != values[name]:
                setattr(current, name, values[name])
                changed.append(name)
        check_anonymous(conference, {"title": current.title, "notes": current.notes})
        if changed:
            current.save(update_fields=changed)
            _audit(actor, "conference.agenda_item_changed", conference, current, fields=changed)
    return current


def save_minutes(actor: Membership, conference: Conference, minutes: str, *, version: int | None) -> Conference:
    with transaction.atomic():
        conference = _locked(actor, conference)
        _check_version(conference, version)
        _require_not_cancelled(conference)
        check_anonymous(conference, {"minutes": minutes})
        if conference.minutes != minutes:
            conference.minutes = minutes
            _save(conference, ["minutes"])
            _audit(actor, "conference.minutes_saved", conference, length=len(minutes))
    return conference


def add_decision(actor: Membership, conference: Conference, text: str) -> Decision:
    with transaction.atomic():
        conference = _locked(actor, conference)
        _require_not_cancelled(conference)
        if not text.strip():
            raise ConferenceError({"text": _("Please write down the decision.")})
        check_anonymous(conference, {"text": text})
        decision = Decision.objects.create(
            network_id=conference.network_id, conference=conference, text=text.strip(), created_by=actor.user
        )
        _audit(actor, "conference.decision_added", conference, decision)
    return decision


def add_action_item(
    actor: Membership, conference: Conference, *, text: str, owner: Organisation, due_on: dt.date
) -> ActionItem:
    """An action item for the case owner or a participating organisation."""
    with transaction.atomic():
        conference = _locked(actor, conference)
        _require_not_cancelled(conference)
        if not text.strip():
            raise ConferenceError({"text": _("Please write down what is to be done.")})
        taking_part = owner.pk == conference.case.organisation_id or (
            conference.participations.filter(organisation=owner.pk).exists()
        )
        if owner.network_id != actor.network_id or not taking_part:
            raise ConferenceError({"owner": _("Action items go to organisations that take part in the conference.")})
        check_anonymous(conference, {"text": text})
        item = ActionItem.objects.create(
            network_id=conference.network_id,
            conference=conference,
            text=text.strip(),
            owner=owner,
            due_on=due_on,
            created_by=actor.user,
        )
        _audit(actor, "conference.action_item_added", conference, item, owner=owner.pk, due_on=due_on)
    return item


def complete_action_item(actor: Membership, item: ActionItem) -> ActionItem:
    """Mark an action item done: an organiser, or a member of the responsible organisation who
    takes part. Noted in the case's timeline."""
    with transaction.atomic():
        current = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("conference", "conference__case", "owner")
            .filter(pk=item.pk, network=actor.network_id)
            .first()
        )
        if current is None or not check_conference_rule("conferences.complete_action_item", actor, current):
            raise PermissionDenied
        if current.is_done:
            raise ConferenceError(_("This action item is already done."))
        conference = current.conference
        current.status = ActionStatus.DONE
        current.done_at = timezone.now()
        current.done_by = actor.user
        current.save(update_fields=["status", "done_at", "done_by"])
        _timeline(actor, conference.case, TimelineKind.TASK, "conference_action_done", organisation=str(current.owner))
        _audit(actor, "conference.action_item_done", conference, current, owner=current.owner_id)
    return current


# --- held, cancelled -------------------------------------------------------------------------


def hold_conference(actor: Membership, conference: Conference, *, version: int | None = None) -> Conference:
    """The conference took place (not before its date). Noted in the case's timeline."""
    with transaction.atomic():
        conference = _locked(actor, conference)
        _check_version(conference, version)
        if not conference.is_planned:
            raise ConferenceError(_("Only a planned conference can be marked as held."))
        now = timezone.now()
        if timezone.localdate(conference.scheduled_at) > timezone.localdate(now):
            raise ConferenceError(_("The conference is scheduled for a later day."))
        conference.status = Status.HELD
        conference.held_at = now
        _save(conference, ["status", "held_at"])
        _timeline(actor, conference.case, TimelineKind.APPOINTMENT, "conference_held")
        _audit(actor, "conference.held", conference)
    return conference


def cancel_conference(actor: Membership, conference: Conference, *, version: int | None = None) -> Conference:
    with transaction.atomic():
        conference = _locked(actor, conference)
        _check_version(conference, version)
        if not conference.is_planned:
            raise ConferenceError(_("Only a planned conference can be cancelled."))
        conference.status = Status.CANCELLED
        conference.cancelled_at = timezone.now()
        _save(conference, ["status", "cancelled_at"])
        _audit(actor, "conference.cancelled", conference)
    return conference
