"""``manage.py find_duplicates --input people.csv --output pairs.csv``: duplicates in a file.

Works on files only, without the database: reads people
(``id,given_name,family_name,date_of_birth,sex,nationality,place_of_birth``) and writes
one row ``id_a,id_b,score`` per pair judged to be the same person (``id_a < id_b``).
Malformed input stops with an error naming the line, exit code 1 and no output file.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ankommen.participants.matching import DEFAULT_THRESHOLD, PersonRecord, find_pairs
from ankommen.participants.matching.csvio import InputError, iter_people, write_pairs


def _probability(value: str) -> float:
    try:
        number = float(value)
    except ValueError as exc:
        raise CommandError(f"--threshold must be a number between 0 and 1, not {value!r}") from exc
    if not 0.0 < number < 1.0:
        raise CommandError(f"--threshold must be between 0 and 1 (exclusive), not {value}")
    return number


class Command(BaseCommand):
    help = "Find records of the same person in a CSV file of people (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="CSV file of people")
        parser.add_argument("--output", required=True, help="CSV file for the pairs (replaced)")
        parser.add_argument(
            "--threshold",
            default=str(DEFAULT_THRESHOLD),
            help=f"minimum match probability of a reported pair (default {DEFAULT_THRESHOLD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = _probability(options["threshold"])
        started = time.monotonic()
        count = 0

        def counted() -> Iterator[PersonRecord]:
            nonlocal count
            for record in iter_people(options["input"]):
                count += 1
                yield record

        try:
            # read as a stream: the engine keeps only what it needs of a million records
            pairs = find_pairs(counted(), threshold=threshold)
        except InputError as exc:
            raise CommandError(f"{options['input']}: {exc}") from exc
        try:
            write_pairs(options["output"], pairs)
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from exc
        if options["verbosity"] >= 1:
            elapsed = time.monotonic() - started
            self.stderr.write(f"{count} records, {len(pairs)} pairs, {elapsed:.1f} s")
