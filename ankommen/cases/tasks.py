"""Periodic work of case management, run by the huey consumer (``manage.py run_huey``, ADR 0003)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import periodic_task

from ankommen.cases.reminders import send_work_reminders

# The reminder looks at tomorrow, so it goes out in the afternoon: huey's crontab runs in UTC
# (its default), 15:00 UTC is 16:00 in Münster in winter and 17:00 in summer.
REMINDER_HOUR_UTC = 15


@periodic_task(crontab(hour=str(REMINDER_HOUR_UTC), minute="0"))
def daily_work_reminders() -> int:
    """Once a day: the reminder e-mails (idempotent per member and day)."""
    return send_work_reminders()
