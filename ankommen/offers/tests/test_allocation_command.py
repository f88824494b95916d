"""``manage.py allocate_seats``: file in, assignments out, clear errors, no output on failure."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from ankommen.offers.allocation import MESSAGES
from ankommen.offers.management.commands.allocate_seats import ERROR_TEXTS

GOOD: dict[str, Any] = {
    "participants": [{"id": "p2"}, {"id": "p1"}, {"id": "p3"}],
    "offers": [{"id": "o1", "capacity": 1}, {"id": "o2", "capacity": 1}],
    "candidates": [
        {"participant": "p1", "offer": "o1", "score": 0.1},
        {"participant": "p2", "offer": "o1", "score": 0.2},
        {"participant": "p2", "offer": "o2", "score": 0.1},
        {"participant": "p3", "offer": "o2", "score": 0.2},
    ],
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(tmp_path: Path, content: str | bytes | dict[str, Any], verbosity: int = 0) -> tuple[Path, str]:
    source = tmp_path / "problem.json"
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    source.write_bytes(content)
    target = tmp_path / "assignment.json"
    err = StringIO()
    call_command("allocate_seats", "--input", str(source), "--output", str(target), verbosity=verbosity, stderr=err)
    return target, err.getvalue()


def test_writes_the_assignment(tmp_path: Path) -> None:
    target, _ = run(tmp_path, GOOD)
    assert json.loads(target.read_text()) == {
        "assignments": [{"participant": "p2", "offer": "o1"}, {"participant": "p3", "offer": "o2"}],
        "placed": 2,
        "total_score": 0.4,
    }
    assert '"total_score": 0.4}' in target.read_text()


def test_the_example_of_the_issue(tmp_path: Path) -> None:
    problem = {
        "participants": [{"id": "p1"}],
        "offers": [{"id": "o1", "capacity": 12}],
        "candidates": [{"participant": "p1", "offer": "o1", "score": 0.8}],
    }
    target, _ = run(tmp_path, problem)
    assert json.loads(target.read_text()) == {
        "assignments": [{"participant": "p1", "offer": "o1"}],
        "placed": 1,
        "total_score": 0.8,
    }


def test_the_total_is_the_exact_decimal_and_pairs_are_sorted(tmp_path: Path) -> None:
    problem = {
        "participants": [{"id": p} for p in ("b", "a", "c")],
        "offers": [{"id": "o", "capacity": 3}],
        "candidates": [
            {"participant": "c", "offer": "o", "score": 0.1},
            {"participant": "a", "offer": "o", "score": 0.2},
            {"participant": "b", "offer": "o", "score": 1e-3},
        ],
    }
    target, _ = run(tmp_path, problem)
    text = target.read_text()
    assert text.rstrip().endswith('"total_score": 0.301}')  # 0.1 + 0.2 + 0.001, no binary rounding
    assert [a["participant"] for a in json.loads(text)["assignments"]] == ["a", "b", "c"]


def test_nobody_placed_and_unicode_ids(tmp_path: Path) -> None:
    problem = {"participants": [{"id": "Jürgen"}], "offers": [{"id": "Kurs ä", "capacity": 0}], "candidates": []}
    target, _ = run(tmp_path, problem)
    assert json.loads(target.read_text(encoding="utf-8")) == {"assignments": [], "placed": 0, "total_score": 0}


def test_reports_a_summary_on_stderr(tmp_path: Path) -> None:
    _, err = run(tmp_path, GOOD, verbosity=1)
    assert re.fullmatch(r"3 participants, 2 offers, 4 candidates: 2 placed, total score 0\.4 \(\d+\.\d s\)\n", err), err


def _bad(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        key, index, field = path.split("__")
        if value is ...:
            del data[key][int(index)][field]
        else:
            data[key][int(index)][field] = value
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "problem.json is not valid JSON (line 1, column 1): Expecting value"),
        ('{"participants": [}', "problem.json is not valid JSON (line 1, column 19): Expecting value"),
        (b"\xff\xfe{}", "problem.json is not UTF-8 text"),
        ("[]", "the problem must be a JSON object"),
        ('{"participants": [], "offers": []}', "the problem lacks the list “candidates”"),
        ('{"participants": [], "offers": {}, "candidates": []}', "“offers” must be a list"),
        ({**GOOD, "participants": [{"id": "p1"}, {"name": "x"}]}, "participants[1] lacks “id”"),
        ({**GOOD, "participants": [{"id": "p1"}, 5]}, "participants[1] must be an object"),
        (_bad(participants__1__id=""), 'participants[1].id must be a non-empty string, not ""'),
        (
            _bad(participants__2__id="p2"),
            'participants[2].id: participant id "p2" occurs twice (first at participants[0])',
        ),
        (_bad(offers__1__id="o1"), 'offers[1].id: offer id "o1" occurs twice (first at offers[0])'),
        (_bad(offers__1__capacity=-3), "offers[1].capacity is negative (-3): an offer has 0 seats or more"),
        (_bad(offers__1__capacity=2.5), "offers[1].capacity must be a whole number of seats, not 2.5"),
        (_bad(offers__1__capacity=None), "offers[1].capacity must be a whole number of seats, not null"),
        (_bad(offers__0__capacity=...), "offers[0] lacks “capacity”"),
        (_bad(offers__0__capacity=10**12), "offers[0].capacity is 1000000000000: more than 1000000000 seats"),
        (_bad(candidates__2__participant="p9"), 'candidates[2].participant names participant "p9", which is not in'),
        (_bad(candidates__3__offer="o3"), 'candidates[3].offer names offer "o3", which is not in “offers”'),
        (_bad(candidates__3__offer=7), "candidates[3].offer names offer 7, which is not in “offers”"),
        (_bad(candidates__1__score=-0.5), "candidates[1].score is negative (-0.5): scores are 0 or more"),
        (_bad(candidates__1__score="high"), 'candidates[1].score must be a number, not "high"'),
        (_bad(candidates__1__score=...), "candidates[1] lacks “score”"),
        (_bad(candidates__3__participant="p1", candidates__3__offer="o1"), "candidates[3] repeats the pair"),
        (json.dumps(GOOD).replace("0.2", "NaN", 1), 'candidates[1].score must be a number, not "NaN"'),
        (json.dumps(GOOD).replace("0.2", "-Infinity", 1), 'candidates[1].score must be a number, not "-Infinity"'),
        (_bad(candidates__1__score=1e40), "candidates[1].score is 1E+40: in a problem of this size scores can be"),
    ],
)
def test_bad_input_names_its_place_and_writes_nothing(tmp_path: Path, content: Any, message: str) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        run(tmp_path, content)
    assert [p.name for p in tmp_path.iterdir()] == ["problem.json"], "no output and no temporary file"


def test_failure_keeps_an_existing_output_file(tmp_path: Path) -> None:
    (tmp_path / "assignment.json").write_text("old\n")
    with pytest.raises(CommandError):
        run(tmp_path, _bad(offers__0__capacity=-1))
    assert (tmp_path / "assignment.json").read_text() == "old\n"
    run(tmp_path, GOOD)
    assert json.loads((tmp_path / "assignment.json").read_text())["placed"] == 2


def test_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"cannot read .*nope\.json: No such file or directory"):
        call_command("allocate_seats", "--input", str(tmp_path / "nope.json"), "--output", str(tmp_path / "o.json"))
    assert not (tmp_path / "o.json").exists()


def test_unwritable_output(tmp_path: Path) -> None:
    source = tmp_path / "problem.json"
    source.write_text(json.dumps(GOOD))
    with pytest.raises(CommandError, match="cannot write"):
        call_command("allocate_seats", "--input", str(source), "--output", str(tmp_path / "no" / "o.json"))


def test_every_error_code_has_a_translatable_text_equal_to_the_module_text() -> None:
    assert set(ERROR_TEXTS) == set(MESSAGES)
    for code, text in ERROR_TEXTS.items():
        assert str(text) == MESSAGES[code], code
