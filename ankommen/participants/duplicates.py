"""The duplicate review queue of an organisation and the batch scans that fill it.

Two background job kinds (``ankommen.jobs``) run the pure matching engine
(``matching.find_pairs``) over participant records:

``participants.scan_organisation``
    the records of the starting member's organisation; each pair found goes into that
    organisation's review queue (``DuplicateCandidate``) with its reasons (code, English text,
    weight). A pair somebody already decided (same person, different people, merged) is left
    alone; an open one gets the new score and reasons.
``participants.scan_network``
    started by the network coordinator, who sees no personal data: the records of every
    organisation of the network. Pairs within one organisation go to that organisation's queue
    as above; pairs *across* organisations are only counted (nobody may learn who is a client
    where). The job's result holds counts per organisation and the number of cross-organisation
    pairs, never a name, a reference or an id of a participant.

Both job results hold counts only, because the job page is also open to roles that see all
jobs of the network (coordinator, platform administrator).

Reviewers decide on a pair with ``confirm_candidate`` (same person, merge later),
``reject_candidate`` (different people: the pair is never suggested again) or merge it
(``merge.merge_participants``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Prefetch, QuerySet, When, prefetch_related_objects
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ankommen.audit.actions import register_actions
from ankommen.audit.services import log_action, log_read
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import Progress, job_kind
from ankommen.jobs.services import start_job
from ankommen.network.models import Membership, Organisation
from ankommen.participants.candidates import reason_text
from ankommen.participants.keys import person_record_for
from ankommen.participants.matching import DEFAULT_THRESHOLD, PersonRecord, Reason, find_pairs
from ankommen.participants.matching.scoring import Stats, prepare, score_prepared
from ankommen.participants.models import (
    DuplicateCandidate,
    DuplicateStatus,
    NameVariant,
    Participant,
    ResidenceStatus,
)
from ankommen.participants.services import ParticipantError

register_actions(
    {
        "duplicate.confirmed": _("Confirmed that two participant records are the same person"),
        "duplicate.rejected": _("Marked two participant records as different people"),
        "duplicate.scan_finished": _("Finished a duplicate scan"),
        "participant.duplicates_viewed": _("Viewed the duplicate review queue"),
    }
)

SCAN_ORGANISATION = "participants.scan_organisation"
SCAN_NETWORK = "participants.scan_network"
SCAN_THRESHOLD = DEFAULT_THRESHOLD
"""Pairs at or above this probability enter the review queue (the engine's tuned default)."""
CHUNK_SIZE = 2000
"""Participants read per query by a scan (with their name variants)."""
WRITE_BATCH = 500

# Reasons that qualify the evidence rather than add to it (their weight is the capped name weight).
NOTE_CODES = frozenset({"name.common"})


@dataclass(frozen=True)
class ReasonView:
    text: str  # in the user's language (the texts of the registration-time check)
    kind: str  # "for" or "against" a match, or "note"


def reasons_for_display(reasons: list[dict[str, Any]]) -> list[ReasonView]:
    """The stored reasons of a queue entry (code, English text, weight) for reviewers."""
    views = []
    for stored in reasons:
        reason = Reason(str(stored.get("code", "")), str(stored.get("text", "")), float(stored.get("weight", 0)))
        direction = "for" if reason.weight > 0 else "against"
        kind = "note" if reason.code in NOTE_CODES or reason.weight == 0 else direction
        views.append(ReasonView(text=reason_text(reason), kind=kind))
    return views


# --- access ------------------------------------------------------------------------------------


def visible_candidates(actor: Membership) -> QuerySet[DuplicateCandidate]:
    """The review queue entries of the actor's organisation, for those who see its records."""
    if not actor.has_perm("participants.view"):
        return DuplicateCandidate.objects.none()
    return DuplicateCandidate.objects.filter(network=actor.network_id, organisation=actor.organisation_id)


def get_candidate_for(actor: Membership, candidate_id: int | str, *, write: bool = False) -> DuplicateCandidate:
    """A queue entry of the actor's organisation (404 otherwise); 403 to decide without the right."""
    try:
        candidate = visible_candidates(actor).select_related("left", "right").get(pk=int(candidate_id))
    except (DuplicateCandidate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not actor.has_perm("participants.merge"):
        raise PermissionDenied
    return candidate


def queue_candidates(actor: Membership) -> QuerySet[DuplicateCandidate]:
    """Entries still to be handled, both records still there: pairs confirmed as the same person
    (waiting for the merge) first, then open ones, most likely first."""
    return (
        visible_candidates(actor)
        .filter(
            status__in=[DuplicateStatus.CONFIRMED, DuplicateStatus.OPEN],
            left__merged_into__isnull=True,
            right__merged_into__isnull=True,
        )
        .select_related("left", "right")
        .annotate(confirmed_first=Case(When(status=DuplicateStatus.CONFIRMED, then=0), default=1))
        .order_by("confirmed_first", "-score", "pk")
    )


# --- what reviewers see of a record -------------------------------------------------------------


@dataclass(frozen=True)
class RecordSummary:
    participant: Participant
    variants: list[str]
    nationalities: list[str]
    identifiers: list[str]
    status: ResidenceStatus | None  # the current one, else the latest


def summarise(participants: list[Participant], today: dt.date | None = None) -> dict[int, RecordSummary]:
    """Side-by-side summaries; three queries for any number of records."""
    today = today or timezone.localdate()
    prefetch_related_objects(participants, "name_variants", "identifiers", "statuses")
    summaries: dict[int, RecordSummary] = {}
    for p in participants:
        statuses = list(p.statuses.all())  # newest first (model ordering)
        current = next((s for s in statuses if s.is_current(today)), statuses[0] if statuses else None)
        summaries[p.pk] = RecordSummary(
            participant=p,
            variants=[str(v) for v in p.name_variants.all()],
            nationalities=[str(c.name) for c in p.nationalities],
            identifiers=[str(i) for i in p.identifiers.all()],
            status=current,
        )
    return summaries


def log_shown(actor: Membership, action: str, participants: list[Participant]) -> None:
    """One audit entry per page that shows records, listing the data subjects shown."""
    if participants:
        ids = sorted({p.pk for p in participants})
        log_read(actor, None, action=action, data={"participants": ids, "count": len(ids)})


# --- decisions ---------------------------------------------------------------------------------


def _decide(
    actor: Membership, candidate: DuplicateCandidate, status: str, allowed_from: set[str], action: str
) -> DuplicateCandidate:
    if not actor.has_perm("participants.merge"):
        raise PermissionDenied
    with transaction.atomic():
        current = (
            DuplicateCandidate.objects.select_for_update()
            .select_related("left", "right")
            .filter(pk=candidate.pk, network=actor.network_id, organisation=actor.organisation_id)
            .first()
        )
        if current is None:
            raise PermissionDenied
        if current.status == status:
            return current
        if current.status not in allowed_from:
            raise ParticipantError(_("This pair has already been decided."), code="decided")
        if current.left.merged_into_id is not None or current.right.merged_into_id is not None:
            raise ParticipantError(_("One of the two records has been merged in the meantime."), code="merged")
        previous = current.status
        current.status = status
        current.decided_by = actor.user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        for participant_id in (current.left_id, current.right_id):
            log_action(
                actor,
                action,
                current,
                subject=f"participant:{participant_id}",
                data={
                    "candidate": current.pk,
                    "left": current.left_id,
                    "right": current.right_id,
                    "previous": previous,
                },
            )
    return current


def confirm_candidate(actor: Membership, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Same person; the records stay apart until someone merges them."""
    return _decide(actor, candidate, DuplicateStatus.CONFIRMED, {DuplicateStatus.OPEN}, "duplicate.confirmed")


def reject_candidate(actor: Membership, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Different people: the pair is never suggested again (scans skip decided pairs)."""
    return _decide(
        actor,
        candidate,
        DuplicateStatus.REJECTED,
        {DuplicateStatus.OPEN, DuplicateStatus.CONFIRMED},
        "duplicate.rejected",
    )


# --- starting scans ----------------------------------------------------------------------------


def start_organisation_scan(actor: Membership) -> BackgroundJob:
    if not actor.has_perm("participants.scan_duplicates"):
        raise PermissionDenied
    return start_job(actor, SCAN_ORGANISATION, {})


def start_network_scan(actor: Membership) -> BackgroundJob:
    if not actor.has_perm("participants.scan_network"):
        raise PermissionDenied
    return start_job(actor, SCAN_NETWORK, {})


def recent_scans(actor: Membership, kind: str, limit: int = 5) -> list[BackgroundJob]:
    """The latest scans of this kind the actor may follow (own, or all with ``jobs.view_all``)."""
    jobs = BackgroundJob.objects.filter(network=actor.network_id, kind=kind)
    if kind == SCAN_ORGANISATION:
        jobs = jobs.filter(organisation=actor.organisation_id)
    if not actor.has_perm("jobs.view_all"):
        jobs = jobs.filter(created_by=actor.user_id)
    return list(jobs.order_by("-created_at")[:limit])


# --- the scan jobs -----------------------------------------------------------------------------

_RECORD_FIELDS = (
    "network",
    "organisation",
    "given_name",
    "family_name",
    "date_of_birth",
    "birth_date_precision",
    "sex",
    "nationalities",
    "place_of_birth",
)


def _records(participants: QuerySet[Participant]) -> Iterator[tuple[PersonRecord, int]]:
    """(engine record, organisation id) per participant, read in chunks by id."""
    variants = Prefetch("name_variants", queryset=NameVariant.objects.only("participant", "given_name", "family_name"))
    last = 0
    while True:
        chunk = list(
            participants.filter(pk__gt=last)
            .order_by("pk")
            .only(*_RECORD_FIELDS)
            .prefetch_related(variants)[:CHUNK_SIZE]
        )
        if not chunk:
            return
        for participant in chunk:
            yield person_record_for(participant), participant.organisation_id
        last = chunk[-1].pk


@dataclass
class _Tally:
    pairs: int = 0
    new: int = 0
    updated: int = 0
    decided: int = 0


class _Scan:
    """One scan: read the records, find pairs, score same-organisation pairs, fill the queues."""

    def __init__(self, job: BackgroundJob, progress: Progress, participants: QuerySet[Participant]) -> None:
        self.job = job
        self.progress = progress
        self.participants = participants.filter(merged_into__isnull=True)
        self.records: list[PersonRecord] = []
        self.organisation_of: dict[str, int] = {}
        self.tallies: dict[int, _Tally] = {}
        self.records_per_organisation: Counter[int] = Counter()
        self.cross_organisation = 0

    def _step(self, percent: int, message: str) -> None:
        self.progress(percent, 100, message)

    def read(self) -> None:
        total = self.participants.count()
        for record, organisation_id in _records(self.participants):
            self.records.append(record)
            self.organisation_of[record.id] = organisation_id
            self.records_per_organisation[organisation_id] += 1
            if len(self.records) % CHUNK_SIZE == 0:
                self._step(
                    int(40 * len(self.records) / max(total, 1)),
                    gettext("Read %(done)s of %(total)s records.")
                    % {"done": number_format(len(self.records)), "total": number_format(total)},
                )

    def run(self) -> None:
        self._step(0, gettext("Reading the records …"))
        self.read()
        self._step(40, gettext("Comparing %(total)s records …") % {"total": number_format(len(self.records))})
        pairs = find_pairs(self.records, threshold=SCAN_THRESHOLD)
        same: list[tuple[str, str]] = []
        for id_a, id_b, _probability in pairs:
            if self.organisation_of[id_a] == self.organisation_of[id_b]:
                same.append((id_a, id_b))
            else:
                self.cross_organisation += 1
        self._step(80, gettext("Writing %(count)s possible duplicates to the review queue …") % {"count": len(same)})
        self.write(same)
        self._step(100, gettext("Done."))

    def write(self, pairs: list[tuple[str, str]]) -> None:
        if not pairs:
            return
        # Weights as in find_pairs: frequencies from the whole scanned population.
        stats = Stats.from_prepared(prepare(r) for r in self.records)
        wanted = {i for pair in pairs for i in pair}
        prepared = {r.id: prepare(r) for r in self.records if r.id in wanted}
        organisations = {self.organisation_of[a] for a, _b in pairs}
        existing = {
            (left, right): (pk, status)
            for pk, left, right, status in DuplicateCandidate.objects.filter(
                network=self.job.network_id, organisation__in=organisations
            ).values_list("pk", "left_id", "right_id", "status")
        }
        new: list[DuplicateCandidate] = []
        changed: list[DuplicateCandidate] = []
        for id_a, id_b in pairs:
            left, right = sorted((int(id_a), int(id_b)))
            organisation_id = self.organisation_of[id_a]
            tally = self.tallies.setdefault(organisation_id, _Tally())
            tally.pairs += 1
            known = existing.get((left, right))
            if known is not None and known[1] != DuplicateStatus.OPEN:
                tally.decided += 1
                continue
            score = score_prepared(prepared[str(left)], prepared[str(right)], stats)
            reasons = [{"code": r.code, "text": r.text, "weight": r.weight} for r in score.reasons]
            row = DuplicateCandidate(
                network_id=self.job.network_id,
                organisation_id=organisation_id,
                left_id=left,
                right_id=right,
                score=round(score.probability, 4),
                reasons=reasons,
                job=self.job,
            )
            if known is None:
                new.append(row)
                tally.new += 1
            else:
                row.pk = known[0]
                changed.append(row)
                tally.updated += 1
        with transaction.atomic():
            # A scan running at the same time may have added the same pair: keep the first.
            DuplicateCandidate.objects.bulk_create(new, batch_size=WRITE_BATCH, ignore_conflicts=True)
            DuplicateCandidate.objects.bulk_update(changed, ["score", "reasons", "job"], batch_size=WRITE_BATCH)

    def total(self) -> _Tally:
        total = _Tally()
        for tally in self.tallies.values():
            total.pairs += tally.pairs
            total.new += tally.new
            total.updated += tally.updated
            total.decided += tally.decided
        return total


def _in_creators_language(job: BackgroundJob) -> str:
    language = getattr(job.created_by, "preferred_language", "") or settings.LANGUAGE_CODE
    return str(language)


def _finish(job: BackgroundJob, result: dict[str, Any]) -> dict[str, Any]:
    log_action(
        job.created_by,
        "duplicate.scan_finished",
        job,
        network=job.network,
        organisation=job.organisation,
        data={"job": job.pk, "kind": job.kind, **{k: v for k, v in result.items() if isinstance(v, int)}},
    )
    return result


@job_kind(SCAN_ORGANISATION, _("Duplicate scan of the organisation"), "participants/duplicates/scan_result.html")
def scan_organisation(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """Pairs within the job's organisation, into its review queue. The result holds counts only."""
    with translation.override(_in_creators_language(job)):
        participants = Participant.objects.filter(network=job.network_id, organisation=job.organisation_id)
        scan = _Scan(job, progress, participants)
        scan.run()
        total = scan.total()
        return _finish(
            job,
            {
                "records": len(scan.records),
                "pairs": total.pairs,
                "new": total.new,
                "updated": total.updated,
                "decided": total.decided,
            },
        )


@job_kind(SCAN_NETWORK, _("Duplicate scan of the network"), "participants/duplicates/network_scan_result.html")
def scan_network(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """All organisations of the network. Pairs across organisations are counted, nothing else."""
    with translation.override(_in_creators_language(job)):
        scan = _Scan(job, progress, Participant.objects.filter(network=job.network_id))
        scan.run()
        names = dict(
            Organisation.objects.filter(network=job.network_id, pk__in=scan.records_per_organisation).values_list(
                "pk", "name"
            )
        )
        per_organisation = []
        for organisation_id, records in scan.records_per_organisation.items():
            tally = scan.tallies.get(organisation_id, _Tally())
            per_organisation.append(
                {
                    "organisation": names.get(organisation_id, ""),
                    "records": records,
                    "pairs": tally.pairs,
                    "new": tally.new,
                }
            )
        per_organisation.sort(key=lambda row: str(row["organisation"]).casefold())
        total = scan.total()
        return _finish(
            job,
            {
                "records": len(scan.records),
                "organisations": per_organisation,
                "pairs": total.pairs,
                "new": total.new,
                "cross_organisation_pairs": scan.cross_organisation,
            },
        )
