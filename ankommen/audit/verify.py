"""Recompute the audit chains and report the first broken entry of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django_scopes import scopes_disabled

from ankommen.audit.models import AuditChainHead, AuditEntry


@dataclass(frozen=True)
class ChainProblem:
    chain: int
    seq: int
    entry_id: int | None
    reason: str


def verify_chains(chain: int | None = None, progress: Callable[[int, int], None] | None = None) -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    with scopes_disabled():
        heads = AuditChainHead.objects.all().order_by("chain")
        if chain is not None:
            heads = heads.filter(chain=chain)
        total = AuditEntry.objects.count() if chain is None else AuditEntry.objects.filter(chain=chain).count()
        done = 0
        for head in heads:
            expected_prev = "0" * 64
            expected_seq = 1
            broken = False
            for entry in AuditEntry.objects.filter(chain=head.chain).order_by("seq").iterator(chunk_size=2000):
                done += 1
                if progress and done % 1000 == 0:
                    progress(done, total)
                if broken:
                    continue
                if entry.seq != expected_seq:
                    problems.append(ChainProblem(head.chain, expected_seq, entry.pk, "entry missing before this one"))
                    broken = True
                elif entry.prev_hash != expected_prev:
                    problems.append(ChainProblem(head.chain, entry.seq, entry.pk, "link to predecessor broken"))
                    broken = True
                elif entry.compute_hash() != entry.hash:
                    problems.append(ChainProblem(head.chain, entry.seq, entry.pk, "entry content was changed"))
                    broken = True
                expected_prev = entry.hash
                expected_seq = entry.seq + 1
            if not broken and (head.seq != expected_seq - 1 or head.hash != expected_prev):
                problems.append(ChainProblem(head.chain, expected_seq, None, "entries missing at the end"))
        if progress:
            progress(total, total)
    return problems
