"""The huey task that runs every background job."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django_scopes import scope, scopes_disabled
from huey.contrib.djhuey import db_task

from ankommen.jobs.models import BackgroundJob, JobStatus
from ankommen.jobs.registry import JOB_KINDS

logger = logging.getLogger(__name__)


@db_task()
def run_job(job_id: int) -> None:
    with scopes_disabled():
        job = BackgroundJob.objects.select_related("network").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return
    kind = JOB_KINDS.get(job.kind)
    with scope(network=job.network_id):
        BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())

        def progress(done: int, total: int, message: str = "") -> None:
            BackgroundJob.objects.filter(pk=job.pk).update(
                progress_done=done, progress_total=total, message=message[:500]
            )

        try:
            if kind is None:
                raise LookupError(f"Unknown job kind {job.kind!r}")
            result: dict[str, Any] = kind.run(job, progress)
        except Exception as exc:
            logger.exception("Job %s failed", job.pk)
            BackgroundJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
            )
            return
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, result=result or {}, finished_at=timezone.now()
        )
