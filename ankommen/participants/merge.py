"""Merging two records of the same person, and undoing a merge.

``merge_participants(actor, survivor, absorbed)`` moves everything that belongs to the
absorbed record to the survivor, keeps the absorbed names as variants (kind "merged"),
fills the survivor's empty fields from the absorbed record and hides the absorbed record
(``merged_into``; ``access.visible_participants`` leaves it out everywhere). The ``Merge``
row records exactly what changed, so ``undo_merge(actor, merge)`` can put it back:

``Merge.moved``
    ``{"<app.model>": [ids]}``: rows moved from the absorbed record to the survivor, plus two
    reserved keys: ``"removed"`` – ``{"<app.model>": [rows]}``, absorbed rows that were dropped
    because the survivor already had the same one (the same household, the same language;
    the rows are kept as Django's JSON serialisation and recreated on undo), and
    ``"candidates"`` – ``{"<candidate id>": {"status", "decided_by", "decided_at"}}``, review-queue
    entries the merge closed, with what they were before.
``Merge.created_variants``
    ids of the ``NameVariant`` rows the merge created from the absorbed record's names.
``Merge.survivor_before``
    ``{field: value before}`` for each survivor field the merge filled in.

Undo moves back exactly the recorded rows that still exist, deletes the created variants,
restores the filled fields that nobody changed since (a field edited after the merge keeps
its new value), recreates the dropped rows, reopens the closed queue entries and shows the
absorbed record again. Merges are undone in reverse order: a survivor that was itself merged
away later must come back first.

Other apps move their own rows through ``MERGE_HOOKS``: a list of objects with

``label``
    what the rows are called in the merge preview (e.g. "enrolments"),
``count(survivor, absorbed) -> (moving, dropped)``
    for the preview,
``merge(survivor, absorbed, merge)``
    moves the rows and records them in ``merge.moved`` (saved by the service afterwards),
``undo(survivor, absorbed, merge)``
    moves back what ``merge`` recorded.

For the common case, a model with a foreign key to the participant, one line is enough::

    # ankommen/cases/apps.py, in ready()
    from ankommen.participants.merge import MERGE_HOOKS, ChildRows
    MERGE_HOOKS.append(ChildRows(Enrolment))            # field "participant"
    MERGE_HOOKS.append(ChildRows(Referral, field="person"))

``ChildRows`` reads the model's unique constraints that include the participant: a row the
survivor already has in that sense is dropped (kept for undo) instead of moved, so such rows
must not be the target of other rows' foreign keys. Hooks run inside the merge's transaction,
after the rows of the participant record itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.audit.actions import register_actions
from ankommen.audit.services import log_action
from ankommen.network.models import Membership
from ankommen.participants.choices import NameVariantKind, Sex
from ankommen.participants.keys import refresh_name_keys
from ankommen.participants.models import (
    PARTICIPANT_CHILDREN,
    DuplicateCandidate,
    DuplicateStatus,
    Merge,
    NameVariant,
    Participant,
)
from ankommen.participants.services import ParticipantError

register_actions(
    {
        "participant.merged": _("Merged two participant records"),
        "participant.merge_undone": _("Undid a merge of two participant records"),
        "participant.merge_previewed": _("Viewed two participant records to merge them"),
        "participant.merges_viewed": _("Viewed the merge history"),
    }
)

REMOVED = "removed"
CANDIDATES = "candidates"

# Survivor fields a merge fills from the absorbed record when they are empty. Groups are filled
# together (a date of birth with its precision; the names in the original script with the script).
FILLABLE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("given_name",),
    ("given_name_original", "family_name_original", "original_script"),
    ("date_of_birth", "birth_date_precision"),
    ("sex",),
    ("nationalities",),
    ("place_of_birth",),
    ("entry_date",),
    ("interpreter_language",),
    ("accommodation",),
    ("district",),
    ("address",),
    ("interests",),
    ("strengths",),
    ("vulnerabilities",),
    ("support_note",),
)


# --- hooks: moving rows that belong to a participant -------------------------------------------


class MergeHook(Protocol):
    @property
    def label(self) -> Promise | str: ...

    def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]: ...

    def merge(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None: ...

    def undo(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None: ...


@dataclass(frozen=True)
class ChildRows:
    """The rows of ``model`` whose foreign key ``field`` points at the participant."""

    model: type[models.Model]
    field: str = "participant"

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> Promise | str:
        return self.model._meta.verbose_name_plural or self.key

    def _unique_with_participant(self) -> list[tuple[str, ...]]:
        """Other fields of each unique constraint that includes the participant."""
        groups = [
            tuple(f for f in constraint.fields if f != self.field)
            for constraint in self.model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint) and self.field in constraint.fields
        ]
        groups += [tuple(f for f in fields if f != self.field) for fields in self.model._meta.unique_together]
        return [group for group in groups if group]

    def _rows(self, participant: Participant) -> QuerySet[Any]:
        return self.model.objects.filter(**{self.field: participant})  # type: ignore[attr-defined,no-any-return]

    def _split(self, survivor: Participant, absorbed: Participant) -> tuple[list[int], list[int]]:
        """Ids of the absorbed rows that move, and of those the survivor already has."""
        groups = self._unique_with_participant()
        if not groups:
            return list(self._rows(absorbed).order_by("pk").values_list("pk", flat=True)), []
        names = sorted({name for group in groups for name in group})
        taken = {tuple(row[n] for n in group) for row in self._rows(survivor).values(*names) for group in groups}
        moving: list[int] = []
        dropped: list[int] = []
        for row in self._rows(absorbed).order_by("pk").values("pk", *names):
            clash = any((tuple(row[n] for n in group)) in taken for group in groups)
            (dropped if clash else moving).append(row["pk"])
        return moving, dropped

    def count(self, survivor: Participant, absorbed: Participant) -> tuple[int, int]:
        moving, dropped = self._split(survivor, absorbed)
        return len(moving), len(dropped)

    def merge(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        moving, dropped = self._split(survivor, absorbed)
        if dropped:
            rows = list(self.model.objects.filter(pk__in=dropped).order_by("pk"))  # type: ignore[attr-defined]
            merge.moved.setdefault(REMOVED, {})[self.key] = json.loads(serializers.serialize("json", rows))
            self.model.objects.filter(pk__in=dropped).delete()  # type: ignore[attr-defined]
        if moving:
            self._rows(absorbed).filter(pk__in=moving).update(**{self.field: survivor})
            merge.moved[self.key] = moving

    def undo(self, survivor: Participant, absorbed: Participant, merge: Merge) -> None:
        moved = merge.moved.get(self.key, [])
        if moved:
            self._rows(survivor).filter(pk__in=moved).update(**{self.field: absorbed})
        removed = merge.moved.get(REMOVED, {}).get(self.key, [])
        for restored in serializers.deserialize("json", json.dumps(removed)):
            if self.model.objects.filter(pk=restored.object.pk).exists():  # type: ignore[attr-defined]
                restored.object.pk = None
            restored.save()


MERGE_HOOKS: list[MergeHook] = [ChildRows(model) for model in PARTICIPANT_CHILDREN]
"""Everything a merge moves. Later apps append their own (see the module docstring)."""


# --- what a merge would do ---------------------------------------------------------------------


def _field(name: str) -> models.Field[Any, Any]:
    model_field = Participant._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_empty(participant: Participant, name: str) -> bool:
    value = getattr(participant, name)
    if name == "sex":
        return bool(value == Sex.UNKNOWN)
    return value in (None, "", [], ())


def _json_value(participant: Participant, name: str) -> Any:
    value = getattr(participant, name)
    if name == "nationalities":
        return [str(country.code) for country in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _fill_groups(survivor: Participant, absorbed: Participant) -> list[tuple[str, ...]]:
    """The field groups the merge fills: empty on the survivor, set on the absorbed record."""
    return [group for group in FILLABLE_GROUPS if _is_empty(survivor, group[0]) and not _is_empty(absorbed, group[0])]


def _new_variants(survivor: Participant, absorbed: Participant, filled: set[str]) -> list[tuple[str, str]]:
    """The absorbed record's names (Latin and original script) the survivor does not have yet."""
    known = {(_norm(survivor.given_name), _norm(survivor.family_name))}
    if "given_name" in filled:
        known.add((_norm(absorbed.given_name), _norm(survivor.family_name)))
    known.add((_norm(survivor.given_name_original), _norm(survivor.family_name_original)))
    if "given_name_original" in filled:
        known.add((_norm(absorbed.given_name_original), _norm(absorbed.family_name_original)))
    known |= {
        (_norm(given), _norm(family))
        for given, family in NameVariant.objects.filter(
            participant__in=[survivor.pk, absorbed.pk], network=survivor.network_id
        ).values_list("given_name", "family_name")
    }
    found: list[tuple[str, str]] = []
    for given, family in (
        (absorbed.given_name, absorbed.family_name),
        (absorbed.given_name_original, absorbed.family_name_original),
    ):
        given, family = " ".join(given.split()), " ".join(family.split())
        if (given or family) and (_norm(given), _norm(family)) not in known:
            known.add((_norm(given), _norm(family)))
            found.append((given, family))
    return found


@dataclass
class MergePlan:
    """What merging ``absorbed`` into ``survivor`` would do (the confirmation page shows it)."""

    survivor: Participant
    absorbed: Participant
    rows: list[tuple[Promise | str, int, int]] = field(default_factory=list)  # (label, moving, dropped)
    variants: list[tuple[str, str]] = field(default_factory=list)
    fields: list[Promise | str] = field(default_factory=list)  # verbose names of filled fields


def plan_merge(survivor: Participant, absorbed: Participant) -> MergePlan:
    groups = _fill_groups(survivor, absorbed)
    filled = {name for group in groups for name in group}
    plan = MergePlan(survivor, absorbed)
    for hook in MERGE_HOOKS:
        moving, dropped = hook.count(survivor, absorbed)
        if moving or dropped:
            plan.rows.append((hook.label, moving, dropped))
    plan.variants = _new_variants(survivor, absorbed, filled)
    plan.fields = [_field(group[0]).verbose_name for group in groups]
    return plan


# --- access ------------------------------------------------------------------------------------


def visible_merges(actor: Membership) -> QuerySet[Merge]:
    """Merges of the actor's organisation, for those who see its records."""
    if not actor.has_perm("participants.view"):
        return Merge.objects.none()
    return Merge.objects.filter(network=actor.network_id, organisation=actor.organisation_id)


def get_merge_for(actor: Membership, merge_id: int | str, *, write: bool = False) -> Merge:
    """A merge of the actor's organisation (404 otherwise); 403 to undo without the right."""
    try:
        merge = visible_merges(actor).select_related("survivor", "absorbed").get(pk=int(merge_id))
    except (Merge.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not actor.has_perm("participants.merge"):
        raise PermissionDenied
    return merge


# --- services ----------------------------------------------------------------------------------


def _require_merge(actor: Membership, *participants: Participant) -> None:
    if not actor.has_perm("participants.merge"):
        raise PermissionDenied
    for participant in participants:
        if participant.network_id != actor.network_id or participant.organisation_id != actor.organisation_id:
            raise PermissionDenied


def _lock(actor: Membership, *ids: int) -> dict[int, Participant]:
    locked = {
        p.pk: p
        for p in Participant.objects.select_for_update()
        .filter(pk__in=ids, network=actor.network_id, organisation=actor.organisation_id)
        .order_by("pk")
    }
    if len(locked) != len(set(ids)):
        raise PermissionDenied
    return locked


def _pair(a: Participant | int, b: Participant | int) -> Q:
    return Q(left=a, right=b) | Q(left=b, right=a)


def _log_both(actor: Membership, action: str, merge: Merge, data: dict[str, Any]) -> None:
    for role, participant_id in (("survivor", merge.survivor_id), ("absorbed", merge.absorbed_id)):
        log_action(actor, action, merge, subject=f"participant:{participant_id}", data={**data, "role": role})


def merge_participants(actor: Membership, survivor: Participant, absorbed: Participant) -> Merge:
    """Merge ``absorbed`` into ``survivor`` (two records of the actor's organisation)."""
    _require_merge(actor, survivor, absorbed)
    if survivor.pk == absorbed.pk:
        raise ParticipantError(_("A record cannot be merged with itself."), code="same")
    with transaction.atomic():
        locked = _lock(actor, survivor.pk, absorbed.pk)
        survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
        if survivor.merged_into_id is not None or absorbed.merged_into_id is not None:
            raise ParticipantError(_("One of the two records has already been merged into another one."), code="merged")
        if DuplicateCandidate.objects.filter(_pair(survivor, absorbed), status=DuplicateStatus.REJECTED).exists():
            raise ParticipantError(
                _("These two records were marked as different people. They cannot be merged."), code="rejected"
            )
        merge = Merge(
            network_id=actor.network_id,
            organisation_id=actor.organisation_id,
            survivor=survivor,
            absorbed=absorbed,
            performed_by=actor.user,
        )
        # 1. Everything that belongs to the absorbed record moves (or is dropped as already there).
        for hook in MERGE_HOOKS:
            hook.merge(survivor, absorbed, merge)
        # 2. Empty survivor fields are filled in; 3. the absorbed names become variants.
        groups = _fill_groups(survivor, absorbed)
        filled = [name for group in groups for name in group]
        merge.survivor_before = {name: _json_value(survivor, name) for name in filled}
        variants = _new_variants(survivor, absorbed, set(filled))
        for name in filled:
            setattr(survivor, name, getattr(absorbed, name))
        created = NameVariant.objects.bulk_create(
            [
                NameVariant(
                    network_id=survivor.network_id,
                    participant=survivor,
                    given_name=given,
                    family_name=family,
                    kind=NameVariantKind.MERGED,
                    note=absorbed.reference,
                )
                for given, family in variants
            ]
        )
        merge.created_variants = [variant.pk for variant in created]
        # 4. The queue entries about the absorbed record are settled by the merge.
        now = timezone.now()
        closed = DuplicateCandidate.objects.select_for_update().filter(
            Q(left=absorbed) | Q(right=absorbed), status__in=[DuplicateStatus.OPEN, DuplicateStatus.CONFIRMED]
        )
        merge.moved[CANDIDATES] = {
            str(c.pk): {
                "status": c.status,
                "decided_by": c.decided_by_id,
                "decided_at": c.decided_at.isoformat() if c.decided_at else None,
            }
            for c in closed
        }
        closed.update(status=DuplicateStatus.MERGED, decided_by=actor.user, decided_at=now)
        merge.save()
        survivor.version += 1
        survivor.save(update_fields=[*filled, "version", "updated_at"])
        absorbed.merged_into = survivor
        absorbed.version += 1
        absorbed.save(update_fields=["merged_into", "version", "updated_at"])
        refresh_name_keys(survivor)
        refresh_name_keys(absorbed)
        _log_both(
            actor,
            "participant.merged",
            merge,
            {
                "merge": merge.pk,
                "survivor": survivor.pk,
                "absorbed": absorbed.pk,
                "moved": {k: len(v) for k, v in merge.moved.items() if k not in (REMOVED, CANDIDATES)},
                "dropped": {k: len(v) for k, v in merge.moved.get(REMOVED, {}).items()},
                "variants": len(created),
                "fields": filled,
                "candidates": sorted(int(pk) for pk in merge.moved[CANDIDATES]),
            },
        )
    return merge


def undo_merge(actor: Membership, merge: Merge) -> Merge:
    """Put back what ``merge`` changed (see the module docstring for what "exactly" means)."""
    if not actor.has_perm("participants.merge") or merge.organisation_id != actor.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        current = (
            Merge.objects.select_for_update()
            .filter(pk=merge.pk, network=actor.network_id, organisation=actor.organisation_id)
            .first()
        )
        if current is None:
            raise PermissionDenied
        if current.undone_at is not None:
            raise ParticipantError(_("This merge has already been undone."), code="undone")
        locked = _lock(actor, current.survivor_id, current.absorbed_id)
        survivor, absorbed = locked[current.survivor_id], locked[current.absorbed_id]
        if survivor.merged_into_id is not None:
            raise ParticipantError(
                _("The remaining record was itself merged into another one later. Undo that later merge first."),
                code="later_merge",
            )
        if absorbed.merged_into_id != survivor.pk:
            raise ParticipantError(_("This merge can no longer be undone."), code="inconsistent")
        for hook in reversed(MERGE_HOOKS):
            hook.undo(survivor, absorbed, current)
        NameVariant.objects.filter(pk__in=current.created_variants, participant=survivor).delete()
        restored, kept = _restore_fields(survivor, absorbed, current.survivor_before)
        for pk, before in current.moved.get(CANDIDATES, {}).items():
            DuplicateCandidate.objects.filter(pk=int(pk), status=DuplicateStatus.MERGED).update(
                status=before["status"],
                decided_by=before["decided_by"],
                decided_at=parse_datetime(before["decided_at"]) if before["decided_at"] else None,
            )
        survivor.version += 1
        survivor.save(update_fields=[*restored, "version", "updated_at"])
        absorbed.merged_into = None
        absorbed.version += 1
        absorbed.save(update_fields=["merged_into", "version", "updated_at"])
        refresh_name_keys(survivor)
        refresh_name_keys(absorbed)
        current.undone_by = actor.user
        current.undone_at = timezone.now()
        current.save(update_fields=["undone_by", "undone_at"])
        _log_both(
            actor,
            "participant.merge_undone",
            current,
            {
                "merge": current.pk,
                "survivor": survivor.pk,
                "absorbed": absorbed.pk,
                "fields": restored,
                "kept_fields": kept,
            },
        )
    return current


def _restore_fields(
    survivor: Participant, absorbed: Participant, before: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Set the filled fields back, group by group, unless someone changed them since the merge."""
    restored: list[str] = []
    kept: list[str] = []
    for group in FILLABLE_GROUPS:
        names = [name for name in group if name in before]
        if not names:
            continue
        untouched = all(_json_value(survivor, name) == _json_value(absorbed, name) for name in names)
        if not untouched:
            kept.extend(names)
            continue
        for name in names:
            value = before[name]
            setattr(survivor, name, _field(name).to_python(value))
        restored.extend(names)
    return restored, kept
