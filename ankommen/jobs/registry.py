"""Job kinds: a name, a label, and the function that does the work.

A job function receives the job and a ``progress(done, total, message="")``
callback and returns a JSON-serialisable result. It runs inside the job's
network scope, in the worker process (or immediately in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from ankommen.jobs.models import BackgroundJob

Progress = Callable[..., None]
JobFunction = Callable[["BackgroundJob", Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Promise | str
    run: JobFunction
    result_template: str = ""


JOB_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, label: Promise | str, result_template: str = "") -> Callable[[JobFunction], JobFunction]:
    def decorator(func: JobFunction) -> JobFunction:
        if name in JOB_KINDS and JOB_KINDS[name].run is not func:
            raise ValueError(f"Job kind {name!r} registered twice")
        JOB_KINDS[name] = JobKind(name, label, func, result_template)
        return func

    return decorator
