"""Benchmarks of ankommen (see bench/README.md)."""

from __future__ import annotations

import datetime as dt


def now_utc() -> str:
    """The time a result is recorded, in UTC (suites that set up Django would otherwise write the
    local time of ``TIME_ZONE``, and the report would mix both)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def stamp_utc() -> str:
    """The same moment for result file names."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
