from __future__ import annotations

from typing import Any

from django.db import transaction

from ankommen.audit.services import log_action
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import JOB_KINDS
from ankommen.network.models import Membership


def start_job(actor: Membership, kind: str, params: dict[str, Any] | None = None) -> BackgroundJob:
    """Record a job and queue it once the surrounding transaction has committed."""
    from ankommen.jobs.tasks import run_job

    if kind not in JOB_KINDS:
        raise ValueError(f"Unknown job kind {kind!r}")
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            network=actor.network,
            organisation=actor.organisation,
            created_by=actor.user,
            kind=kind,
            params=params or {},
        )
        log_action(actor, "job.started", job, data={"kind": kind})
        transaction.on_commit(lambda: run_job(job.pk))
    return job
