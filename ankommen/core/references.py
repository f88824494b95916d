"""Human-readable references per network (``MS-000123``), allocated without races."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from ankommen.core.models import ReferenceCounter


def next_number(network_id: int, kind: str, *, start: Callable[[], int]) -> int:
    """The next number of ``kind`` in the network. Call inside the caller's transaction: the
    counter row stays locked until it commits, so numbers are unique and gap-free per commit.
    ``start()`` gives the highest number already in use when the counter does not exist yet
    (records created before the counter, e.g. by an import)."""
    counter = ReferenceCounter.objects.select_for_update().filter(network_id=network_id, kind=kind).first()
    if counter is None:
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(network_id=network_id, kind=kind, last=start())
        except IntegrityError:
            pass  # created concurrently
        counter = ReferenceCounter.objects.select_for_update().get(network_id=network_id, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def highest_number(references: list[str] | None, prefix: str) -> int:
    """The highest number among existing references with ``prefix`` (0 if none)."""
    numbers = [int(r[len(prefix) :]) for r in references or [] if r.startswith(prefix) and r[len(prefix) :].isdigit()]
    return max(numbers, default=0)
