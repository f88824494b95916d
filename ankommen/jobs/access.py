from __future__ import annotations

from django.http import Http404

from ankommen.jobs.models import BackgroundJob
from ankommen.network.models import Membership


def get_job_for(actor: Membership, job_id: int) -> BackgroundJob:
    """Own jobs; all jobs of the network for roles with ``jobs.view_all``. Others: 404."""
    jobs = BackgroundJob.objects.filter(network=actor.network_id)
    if not actor.has_perm("jobs.view_all"):
        jobs = jobs.filter(created_by=actor.user_id)
    try:
        return jobs.get(pk=job_id)
    except BackgroundJob.DoesNotExist:
        raise Http404 from None
