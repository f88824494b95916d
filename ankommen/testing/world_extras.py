"""Objects that permission tests act on, added to the standard world.

Each app may define ``EXTRAS = [function, ...]`` in its ``tests/matrix.py``; each
function takes the world and stores what it creates in ``world.extra`` (e.g. a job
of the coordinator, a participant of org A).
Functions that create personal data also add the identifying strings to
``world.extra["pii_markers"]`` so the no-personal-data tests can look for them.
"""

from __future__ import annotations

from collections.abc import Callable

from django_scopes import scope

from ankommen.testing.personas import World


def _job(world: World) -> None:
    from ankommen.jobs.models import BackgroundJob

    coordinator = world.memberships["coordinator"]
    world.extra["job"] = BackgroundJob.objects.create(
        network=world.network, organisation=coordinator.organisation, created_by=coordinator.user, kind="audit.verify"
    )


def all_extras() -> list[Callable[[World], None]]:
    extras: list[Callable[[World], None]] = [_job]
    from ankommen.testing.matrix import matrix_modules

    for module in matrix_modules():
        extras.extend(getattr(module, "EXTRAS", []))
    return extras


def enrich_world(world: World) -> None:
    if world.extra.get("_enriched"):
        return
    with scope(network=world.network.pk):
        world.extra.setdefault("pii_markers", [])
        for extra in all_extras():
            extra(world)
    world.extra["_enriched"] = True
