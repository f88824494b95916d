"""``manage.py check_pathways``: the issue's JSON out, clear errors naming the field, no database.

These tests have no ``db`` fixture: pytest-django refuses any database access, so a command
that touched the database would fail here. One test runs the command in a fresh process with an
unreachable database configured.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from ankommen.pathways.management.commands.check_pathways import Command

ISSUE_EXAMPLE = {
    "date_of_birth": "2001-04-30",
    "entry_date": "2016-02-01",
    "statuses": [
        {"type": "gestattung", "basis": "", "from": "2016-02-03", "to": "2018-03-31"},
        {"type": "duldung", "basis": "", "from": "2018-04-01", "to": None},
    ],
    "identity_clarified_on": "2023-05-10",
    "identity_steps_taken_on": None,
    "german_oral_level": "A2",
    "knowledge_of_legal_order": True,
    "fdgo_commitment": True,
    "school_years_in_germany": 3.5,
    "german_school_or_vocational_qualification": False,
    "in_school_or_training": False,
    "employment": [{"from": "2024-01-01", "to": None, "hours_per_week": 25, "social_insurance": True}],
    "livelihood_share_secured": 0.6,
    "minor_children_in_household": 1,
    "school_age_children_attend_school": True,
    "training": {"qualified": True, "start": "2026-08-01"},
    "convictions_above_threshold": False,
    "measures_to_end_stay": False,
    "safe_country_rejected": False,
}
PATHWAY_IDS = ["aufenthg_25a", "aufenthg_25b", "aufenthg_60c", "aufenthg_60d", "aufenthg_104c_transition"]


def run(tmp_path: Path, facts: Any, *extra: str) -> dict[str, Any]:
    source = tmp_path / "facts.json"
    source.write_text(json.dumps(facts) if not isinstance(facts, str) else facts, encoding="utf-8")
    out = io.StringIO()
    call_command("check_pathways", "--input", str(source), *extra, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_issue_json(tmp_path: Path) -> None:
    result = run(tmp_path, ISSUE_EXAMPLE, "--on", "2026-11-21")
    assert result["evaluated_on"] == "2026-11-21"
    assert [p["id"] for p in result["pathways"]] == PATHWAY_IDS
    for pathway in result["pathways"]:
        assert pathway["outcome"] in {"met", "not_yet", "not_met", "unknown"}
        assert set(pathway) >= {"id", "outcome", "earliest_date", "deadline", "criteria"}
        for criterion in pathway["criteria"]:
            assert set(criterion) >= {"id", "met", "detail", "earliest_date"}
            assert criterion["met"] in (True, False, None)
            assert criterion["detail"]
    by_id = {p["id"]: p for p in result["pathways"]}
    assert by_id["aufenthg_25b"]["outcome"] == "met"
    assert by_id["aufenthg_25a"]["deadline"] == "2028-04-29"  # the day before the 27th birthday
    assert by_id["aufenthg_25a"]["outcome"] == "not_met"  # livelihood 60 % while not in school
    discretionary = [c for p in result["pathways"] for c in p["criteria"] if c.get("discretionary")]
    assert discretionary and all(c["met"] is None for c in discretionary)


def test_not_yet_with_an_earliest_date(tmp_path: Path) -> None:
    facts = {**ISSUE_EXAMPLE, "statuses": [{"type": "duldung", "from": "2024-03-01"}], "minor_children_in_household": 1}
    result = run(tmp_path, facts, "--on", "2026-11-21")
    pathway = next(p for p in result["pathways"] if p["id"] == "aufenthg_25b")
    assert pathway["outcome"] == "not_yet"
    assert pathway["earliest_date"] == "2028-03-01"
    residence = next(c for c in pathway["criteria"] if c["id"] == "residence_time")
    assert residence == {**residence, "met": False, "earliest_date": "2028-03-01"}


def test_every_field_is_optional(tmp_path: Path) -> None:
    result = run(tmp_path, {}, "--on", "2026-11-21")
    assert {p["outcome"] for p in result["pathways"]} == {"unknown"}


def test_evaluates_on_today_by_default(tmp_path: Path) -> None:
    assert run(tmp_path, {})["evaluated_on"] == dt.date.today().isoformat()


def test_the_rules_in_force_on_the_date_are_used(tmp_path: Path) -> None:
    result = run(tmp_path, ISSUE_EXAMPLE, "--on", "2019-06-01")
    assert [p["id"] for p in result["pathways"]] == ["aufenthg_25a", "aufenthg_25b"]
    assert {p["rule_version"] for p in result["pathways"]} == {"2015-08-01"}


def test_german_explanations(tmp_path: Path) -> None:
    result = run(tmp_path, ISSUE_EXAMPLE, "--on", "2026-11-21", "--language", "de")
    details = [c["detail"] for p in result["pathways"] for c in p["criteria"]]
    assert any("Jahre" in d for d in details)
    assert not any("years of counted stay" in d for d in details)


def test_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(ISSUE_EXAMPLE)))
    out = io.StringIO()
    call_command("check_pathways", "--input", "-", "--on", "2026-11-21", stdout=out)
    assert json.loads(out.getvalue())["evaluated_on"] == "2026-11-21"


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"date_of_birth": "30.04.2001"}, "date_of_birth: expected a date as YYYY-MM-DD"),
        ({"date_of_brith": "2001-04-30"}, "date_of_brith: unknown field"),
        ({"statuses": [{"type": "duldung"}]}, "statuses[0].from: required"),
        ({"statuses": [{"type": "visa", "from": "2020-01-01"}]}, "statuses[0].type: expected one of"),
        (
            {"statuses": [{"type": "duldung", "from": "2020-01-01", "to": "2019-01-01"}]},
            "statuses[0].to: 2019-01-01 is before",
        ),
        ({"statuses": [{"type": "duldung", "from": "2020-01-01", "until": None}]}, "statuses[0].until: unknown field"),
        ({"statuses": {"type": "duldung"}}, "statuses: expected a list"),
        ({"german_oral_level": "A3"}, "german_oral_level: expected one of"),
        ({"fdgo_commitment": "yes"}, "fdgo_commitment: expected true, false or null"),
        ({"livelihood_share_secured": 60}, "livelihood_share_secured: must be between 0 and 1"),
        ({"school_years_in_germany": -1}, "school_years_in_germany: must be between 0 and 30"),
        ({"minor_children_in_household": 1.5}, "minor_children_in_household: expected a whole number"),
        ({"minor_children_in_household": True}, "minor_children_in_household: expected a whole number"),
        (
            {"employment": [{"from": "2024-01-01", "hours_per_week": "20"}]},
            "employment[0].hours_per_week: expected a number",
        ),
        ({"training": {"start": "2026-8-1"}}, "training.start: expected a date"),
        ({"entry_date": "2000-01-01", "date_of_birth": "2001-01-01"}, "entry_date: is before the date of birth"),
        ([], "expected an object"),
    ],
)
def test_bad_input_names_the_field(tmp_path: Path, facts: Any, message: str) -> None:
    with pytest.raises(CommandError) as error:
        run(tmp_path, facts)
    assert message in str(error.value)
    assert str(error.value).startswith(str(tmp_path / "facts.json"))


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "not valid JSON (line 1, column 2"), ("", "not valid JSON"), ("\xff", None)],
)
def test_unreadable_input(tmp_path: Path, content: str, message: str | None) -> None:
    source = tmp_path / "facts.json"
    if message is None:
        source.write_bytes(b"\xff\xfe{")
        message = "not UTF-8"
    else:
        source.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("check_pathways", "--input", str(source))


def test_missing_file_and_bad_date(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("check_pathways", "--input", str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="--on: expected a date as YYYY-MM-DD"):
        run(tmp_path, {}, "--on", "21.11.2026")


def test_bad_rules_directory(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"rule file: .*no rule files"):
        run(tmp_path, {}, "--rules", str(tmp_path))


def test_declares_no_system_checks() -> None:
    assert Command.requires_system_checks == []
    assert Command.requires_migrations_checks is False


def test_runs_without_a_database(tmp_path: Path) -> None:
    source = tmp_path / "facts.json"
    source.write_text(json.dumps(ISSUE_EXAMPLE), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none",
        "ANKOMMEN_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "ankommen.settings",
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_pathways", "--input", str(source), "--on", "2026-11-21"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["evaluated_on"] == "2026-11-21"
    bad = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check_pathways", "--input", str(tmp_path / "missing.json")],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 1
    assert "cannot read" in bad.stderr
