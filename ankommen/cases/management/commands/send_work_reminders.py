"""Send today's reminder e-mails of case staff by hand (the huey worker sends them daily).

    ./manage.py send_work_reminders                 # today
    ./manage.py send_work_reminders --date 2026-03-02

A second run on the same day sends nothing more (see ``cases/reminders.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ankommen.cases.reminders import send_work_reminders


class Command(BaseCommand):
    help = "Send the daily reminder e-mails (counts only, no personal data) to case managers and team leads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to send for (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Not a date: {options['date']!r} (use YYYY-MM-DD)") from exc
        sent = send_work_reminders(day)
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")
