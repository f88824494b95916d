from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ankommen.jobs.access import get_job_for
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import JOB_KINDS
from ankommen.network.access import requires


@requires("jobs.view_own")
def job_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    jobs = BackgroundJob.objects.filter(network=actor.network_id).select_related("created_by")
    if not actor.has_perm("jobs.view_all"):
        jobs = jobs.filter(created_by=actor.user_id)
    return render(request, "jobs/job_list.html", {"jobs": jobs[:100], "kinds": JOB_KINDS})


@requires("jobs.view_own")
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = get_job_for(request.membership, job_id)  # type: ignore[attr-defined]
    kind = JOB_KINDS.get(job.kind)
    context = {"job": job, "kind": kind}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "jobs/_progress.html", context)
    return render(request, "jobs/job_detail.html", context)
