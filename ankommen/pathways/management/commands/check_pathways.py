"""``manage.py check_pathways --input facts.json [--on YYYY-MM-DD]``: a person's pathways as JSON.

Works on a file only, without the database (no system checks, no model imports): reads the facts
(the JSON format of issue [R], every field optional; ``-`` reads standard input), evaluates the
rules in force on ``--on`` (default: today) and prints the result. Bad input stops with an error
naming the field and exit code 1. ``--language de`` gives the explanations in German;
``--rules DIR`` evaluates another directory of rule files (for drafting a new rule version).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from ankommen.pathways.engine import FactsError, RuleFileError, default_rules, evaluate, load_rules, parse_facts
from ankommen.pathways.engine.dates import parse_iso_date


class Command(BaseCommand):
    help = "Evaluate the right-to-stay pathways for the facts in a JSON file (no database needed)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="JSON file with the person's facts ('-': standard input)")
        parser.add_argument("--on", help="evaluation date YYYY-MM-DD (default: today)")
        parser.add_argument("--language", choices=["en", "de"], default="en", help="language of the explanations")
        parser.add_argument("--rules", help="directory of rule files (default: the repository's)")

    def handle(self, *args: Any, **options: Any) -> None:
        on = self._date(options["on"]) if options["on"] else dt.date.today()
        source = options["input"]
        data = self._read(source)
        try:
            facts = parse_facts(data)
        except FactsError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        try:
            rules = load_rules(options["rules"]) if options["rules"] else default_rules()
        except RuleFileError as exc:
            raise CommandError(f"rule file: {exc}") from exc
        result = evaluate(facts, on, rules)
        with translation.override(options["language"]):
            payload = result.to_json(translate=gettext)
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    @staticmethod
    def _date(value: str) -> dt.date:
        try:
            return parse_iso_date(value)
        except ValueError:
            raise CommandError(f"--on: expected a date as YYYY-MM-DD, got {value!r}") from None

    @staticmethod
    def _read(source: str) -> Any:
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source}: not UTF-8 text ({exc.reason})") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
