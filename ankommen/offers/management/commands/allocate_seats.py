"""``manage.py allocate_seats --input problem.json --output assignment.json``: seats from a file.

Works on files only, without the database (batch use, benchmarks). Reads
``{"participants": [{"id": ...}], "offers": [{"id": ..., "capacity": ...}],
"candidates": [{"participant": ..., "offer": ..., "score": ...}]}`` and writes
``{"assignments": [{"participant": ..., "offer": ...}], "placed": ..., "total_score": ...}``:
the most participants that can be placed and, among such allocations, the largest total
score (``ankommen.offers.allocation``, ADR 0013). Bad input stops with an error naming its
place, exit code 1 and no output file (an existing one is left as it was).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ankommen.offers.allocation import AllocationError, ProblemError, allocate, read_problem, write_result
from ankommen.offers.allocation.jsonio import decimal_text

# The allocation module's error codes (allocation.problem.MESSAGES) in the user's language.
ERROR_TEXTS: dict[str, Promise] = {
    "unreadable": gettext_lazy("cannot read %(path)s: %(reason)s"),
    "not_utf8": gettext_lazy("%(path)s is not UTF-8 text"),
    "not_json": gettext_lazy("%(path)s is not valid JSON (line %(line)s, column %(column)s): %(reason)s"),
    "not_an_object": gettext_lazy(
        "the problem must be a JSON object with the lists “participants”, “offers” and “candidates”"
    ),
    "missing_list": gettext_lazy("the problem lacks the list “%(key)s”"),
    "not_a_list": gettext_lazy("“%(key)s” must be a list"),
    "not_an_entry": gettext_lazy("%(where)s must be an object"),
    "missing_field": gettext_lazy("%(where)s lacks “%(field)s”"),
    "bad_id": gettext_lazy("%(where)s must be a non-empty string, not %(value)s"),
    "duplicate_participant": gettext_lazy("%(where)s: participant id %(id)s occurs twice (first at %(first)s)"),
    "duplicate_offer": gettext_lazy("%(where)s: offer id %(id)s occurs twice (first at %(first)s)"),
    "bad_capacity": gettext_lazy("%(where)s must be a whole number of seats, not %(value)s"),
    "negative_capacity": gettext_lazy("%(where)s is negative (%(value)s): an offer has 0 seats or more"),
    "capacity_too_large": gettext_lazy("%(where)s is %(value)s: more than %(limit)s seats in one offer"),
    "unknown_participant": gettext_lazy("%(where)s names participant %(id)s, which is not in “participants”"),
    "unknown_offer": gettext_lazy("%(where)s names offer %(id)s, which is not in “offers”"),
    "duplicate_candidate": gettext_lazy(
        "%(where)s repeats the pair participant %(participant)s, offer %(offer)s (first at %(first)s)"
    ),
    "bad_score": gettext_lazy("%(where)s must be a number, not %(value)s"),
    "negative_score": gettext_lazy("%(where)s is negative (%(value)s): scores are 0 or more"),
    "score_too_precise": gettext_lazy(
        "%(where)s is %(value)s: scores with so many decimal places cannot be weighed exactly in a problem "
        "of this size with scores up to %(largest)s; round all scores to at most %(decimals)s decimal places"
    ),
    "score_too_large": gettext_lazy(
        "%(where)s is %(value)s: in a problem of this size scores can be weighed exactly only up to %(limit)s"
    ),
}


def error_text(error: ProblemError) -> str:
    """The error in the active language (English text of the module for an unknown code)."""
    template = ERROR_TEXTS.get(error.code)
    return str(template) % error.params if template is not None else str(error)


class Command(BaseCommand):
    help = "Allocate seats from a JSON file: most participants placed, then the largest total score (no database)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="JSON file: participants, offers, candidates")
        parser.add_argument("--output", required=True, help="JSON file for the assignments (replaced)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            problem = read_problem(options["input"])
        except ProblemError as exc:
            raise CommandError(error_text(exc)) from exc
        try:
            result = allocate(problem)
        except AllocationError as exc:
            raise CommandError(
                _("the solver did not find an optimal allocation (%(status)s); nothing was written")
                % {"status": exc.status}
            ) from exc
        try:
            write_result(options["output"], result)
        except OSError as exc:
            raise CommandError(
                _("cannot write %(path)s: %(reason)s") % {"path": options["output"], "reason": exc.strerror or exc}
            ) from exc
        if options["verbosity"] >= 1:
            self.stderr.write(
                _(
                    "%(participants)s participants, %(offers)s offers, %(candidates)s candidates: "
                    "%(placed)s placed, total score %(total)s (%(seconds).1f s)"
                )
                % {
                    "participants": len(problem.participant_ids),
                    "offers": len(problem.offer_ids),
                    "candidates": problem.candidate_count,
                    "placed": result.placed,
                    "total": decimal_text(result.total_score),
                    "seconds": time.monotonic() - started,
                }
            )
