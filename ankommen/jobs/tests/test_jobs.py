from __future__ import annotations

from django.urls import reverse
from django_scopes import scope

from ankommen.jobs.models import BackgroundJob, JobStatus
from ankommen.jobs.registry import job_kind
from ankommen.jobs.services import start_job
from ankommen.testing.personas import World


@job_kind("test.count", "Count to three")
def _count(job, progress):  # type: ignore[no-untyped-def]
    for i in range(1, 4):
        progress(i, 3, f"step {i}")
    return {"counted": 3}


@job_kind("test.fail", "Fail")
def _fail(job, progress):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


def test_job_runs_after_commit_and_reports_progress(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk), django_capture_on_commit_callbacks(execute=True):
        job = start_job(actor, "test.count")
    with scope(network=world.network.pk):
        job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 3}
    assert (job.progress_done, job.progress_total) == (3, 3)
    page = world.client_for("case_manager_a").get(reverse("jobs:detail", args=[job.pk]))
    assert "100 %" in page.content.decode()


def test_failed_job_is_marked_failed(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    actor = world.memberships["case_manager_a"]
    with scope(network=world.network.pk), django_capture_on_commit_callbacks(execute=True):
        job = start_job(actor, "test.fail")
    with scope(network=world.network.pk):
        job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "boom" in job.error


def test_other_users_job_is_not_found(world: World) -> None:
    owner = world.memberships["case_manager_a"]
    with scope(network=world.network.pk):
        job = BackgroundJob.objects.create(
            network=world.network, organisation=owner.organisation, created_by=owner.user, kind="test.count"
        )
    assert world.client_for("case_manager_b").get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert world.client_for("outsider").get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert world.client_for("case_manager_a").get(reverse("jobs:detail", args=[job.pk])).status_code == 200
