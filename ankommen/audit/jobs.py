"""The integrity check of a network's audit log, as a background job.

Started from the audit screen (``audit:verify``); the job page shows its progress and,
when done, ``audit/_verify_result.html``. The outcome is itself audited.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.audit.verify import check_chains
from ankommen.jobs.models import BackgroundJob
from ankommen.jobs.registry import Progress, job_kind


@job_kind("audit.verify", _("Integrity check of the audit log"), result_template="audit/_verify_result.html")
def verify_network_chain(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    reports = check_chains(job.network_id, progress=lambda done, total: progress(done, total))
    report = reports[0] if reports else None
    problem = report.problem if report is not None else None
    result: dict[str, Any] = {
        "ok": problem is None,
        "entries": report.entries if report is not None else 0,
        "head_seq": report.head_seq if report is not None else 0,
        "head_hash": report.head_hash if report is not None else "",
        "problem": (
            {"seq": problem.seq, "entry_id": problem.entry_id, "code": problem.code, "reason": problem.reason}
            if problem is not None
            else None
        ),
    }
    log_action(
        job.created_by,
        "audit.chain_verified",
        job,
        network=job.network,
        organisation=job.organisation,
        data={k: result[k] for k in ("ok", "entries", "head_seq", "problem")},
    )
    return result
