"""The background job that rebuilds the dashboard's summary tables from the raw data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ankommen.dashboard import summary
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import Progress, job_kind


@job_kind(
    "dashboard.rebuild",
    _("Rebuild the summary tables of the needs-versus-offers dashboard"),
    "dashboard/job_result.html",
)
def rebuild_job(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    progress(0, 2, "")
    result = summary.rebuild(job.network_id)
    progress(1, 2, "")
    problems = summary.verify(job.network_id)
    progress(2, 2, "")
    return {**result, "problems": len(problems)}
