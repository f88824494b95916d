"""Recompute the audit chains and report the first broken entry of each.

``check_chains`` returns one report per chain (entry count, head, first problem);
``verify_chains`` returns only the problems. Both are read-only, so they can run
against a replica or a restored backup.

What the chain detects: an entry whose content was changed, a removed entry (in
the middle: a gap in ``seq``; at the end: the chain head is ahead), an inserted
entry (a broken link, or entries beyond the chain head), an entry moved to another
network's chain, and a removed chain head. What it cannot detect alone: someone
with write access to the database who rewrites an entry *and* every later entry
*and* the chain head. Against that, compare the head hash that ``verify_audit``
prints with a copy kept outside the database (docs/adr/0004-audit-log.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Subquery
from django_scopes import scopes_disabled

from ankommen.audit.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64

# Problem codes and their (English) explanation; the screen translates them.
REASONS: dict[str, str] = {
    "missing_before": "entry missing before this one",
    "duplicate_seq": "a second entry with this sequence number (inserted?)",
    "link_broken": "link to predecessor broken",
    "content_changed": "entry content was changed",
    "wrong_chain": "entry does not belong to this chain",
    "missing_at_end": "entries missing at the end (chain head is ahead)",
    "beyond_head": "entries after the chain head (inserted?)",
    "head_mismatch": "last entry does not match the chain head",
    "head_missing": "chain head missing",
}


@dataclass(frozen=True)
class ChainProblem:
    chain: int
    seq: int
    entry_id: int | None
    code: str

    @property
    def reason(self) -> str:
        return REASONS[self.code]


@dataclass(frozen=True)
class ChainReport:
    chain: int
    entries: int
    head_seq: int | None
    head_hash: str | None
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check_one(chain: int, head: AuditChainHead | None, tick: Callable[[], None]) -> ChainReport:
    # Entries and their chain head commit together, so every entry up to the head read
    # before is visible now; later appends are left for the next run (no false alarms
    # while people keep working, and no long transaction).
    entries = AuditEntry.objects.filter(chain=chain).order_by("seq")
    if head is not None:
        entries = entries.filter(seq__lte=head.seq)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    problem: ChainProblem | None = None
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        tick()
        if problem is not None:
            continue  # keep counting; the first problem is the one to report
        if entry.seq < expected_seq:
            problem = ChainProblem(chain, entry.seq, entry.pk, "duplicate_seq")
        elif entry.seq > expected_seq:
            problem = ChainProblem(chain, expected_seq, entry.pk, "missing_before")
        elif entry.prev_hash != expected_prev:
            problem = ChainProblem(chain, entry.seq, entry.pk, "link_broken")
        elif entry.compute_hash() != entry.hash:
            problem = ChainProblem(chain, entry.seq, entry.pk, "content_changed")
        elif entry.chain != (entry.network_id or 0):
            problem = ChainProblem(chain, entry.seq, entry.pk, "wrong_chain")
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    last_seq = expected_seq - 1
    if problem is None:
        if head is None:
            problem = ChainProblem(chain, last_seq, None, "head_missing")
        elif head.seq > last_seq:
            problem = ChainProblem(chain, last_seq + 1, None, "missing_at_end")
        elif head.hash != expected_prev:
            problem = ChainProblem(chain, last_seq, None, "head_mismatch")
        else:
            # One statement, so an append committing meanwhile cannot look like an insertion.
            current_head = AuditChainHead.objects.filter(chain=chain).values("seq")
            beyond = AuditEntry.objects.filter(chain=chain, seq__gt=Subquery(current_head)).order_by("seq").first()
            if beyond is not None:
                problem = ChainProblem(chain, beyond.seq, beyond.pk, "beyond_head")
    return ChainReport(
        chain=chain,
        entries=count,
        head_seq=head.seq if head is not None else None,
        head_hash=head.hash if head is not None else None,
        problem=problem,
    )


def check_chains(chain: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[ChainReport]:
    """One report per chain (all chains, or only ``chain``), ordered by chain number.

    A chain is checked when it has a head or entries, so removing the head row does
    not hide a chain. ``progress(done, total)`` is called every 1,000 entries and
    once at the end.
    """
    with scopes_disabled():
        entries = AuditEntry.objects.all()
        heads = AuditChainHead.objects.all()
        if chain is not None:
            entries = entries.filter(chain=chain)
            heads = heads.filter(chain=chain)
        # Counts before heads: a chain started in between has a head and is checked anyway.
        counts = dict(entries.order_by().values_list("chain").annotate(n=Count("pk")).values_list("chain", "n"))
        head_by_chain = {head.chain: head for head in heads}
        total = sum(counts.values())
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done, total)

        reports = [_check_one(c, head_by_chain.get(c), tick) for c in sorted(set(head_by_chain) | set(counts))]
    if progress is not None:
        progress(done, max(total, done))
    return reports


def verify_chains(chain: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[ChainProblem]:
    """The first problem of each broken chain; an empty list means every chain is intact."""
    return [report.problem for report in check_chains(chain, progress) if report.problem is not None]
