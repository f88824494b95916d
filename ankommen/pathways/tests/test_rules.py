"""The rule files: all load, versions follow each other by date, a new version with a later
valid_from is ignored before that day and used from it, bad files fail with the file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ankommen.pathways.engine import default_rules, load_rules
from ankommen.pathways.engine.rules import RULES_DIR, RuleFileError
from ankommen.pathways.tests.helpers import PARENT, YOUNG, D, criterion, run, state, status

RULE_FILES = sorted(RULES_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_rule_file_loads_and_is_complete(path: Path) -> None:
    rules = load_rules(RULES_DIR)
    rule = next(r for r in rules.rules if r.path == path.name)
    assert path.name == f"{rule.pathway}-{rule.version}.toml", "file names are <pathway>-<valid_from>.toml"
    assert rule.source.norm and rule.source.bgbl and rule.source.law
    for c in rule.criteria:
        assert c.label.de and c.label.en and c.explanation.de and c.explanation.en
        assert (c.goal is None) == (c.domain is None) or c.kind == "route"


def test_the_rule_set_covers_every_pathway_today() -> None:
    rules = default_rules()
    assert [r.pathway for r in rules.in_force(D("2026-11-21"))] == [
        "aufenthg_25a",
        "aufenthg_25b",
        "aufenthg_60c",
        "aufenthg_60d",
        "aufenthg_104c_transition",
    ]


@pytest.mark.parametrize(
    ("on", "version"),
    [
        ("2015-07-31", None),
        ("2015-08-01", "2015-08-01"),
        ("2022-12-30", "2015-08-01"),
        ("2022-12-31", "2022-12-31"),
        ("2025-12-31", "2022-12-31"),
        ("2026-01-01", "2026-01-01"),
    ],
)
def test_25b_versions_follow_each_other(on: str, version: str | None) -> None:
    rule = default_rules().rule_for("aufenthg_25b", D(on))
    assert (rule.version if rule else None) == version


@pytest.mark.parametrize(("on", "years"), [("2022-12-30", 8), ("2022-12-31", 6)])
def test_the_law_change_of_31_12_2022_changes_the_years(on: str, years: int) -> None:
    data = {**PARENT, "minor_children_in_household": 0, "statuses": [status("duldung", "2010-01-01")]}
    result = criterion(data, on, "aufenthg_25b", "residence_time")
    assert f"{years} years of counted stay" in result.message.text % dict(result.message.params)


def test_60c_and_60d_did_not_exist_before_2020() -> None:
    assert [p.id for p in run(PARENT, "2019-12-31").pathways] == ["aufenthg_25a", "aufenthg_25b"]


# --- a new version with a later valid_from ---------------------------------------------------------

NEW_25A = "aufenthg_25a-2030-01-01.toml"


@pytest.fixture
def rules_with_a_future_version(tmp_path: Path) -> Path:
    for path in RULE_FILES:
        shutil.copy(path, tmp_path / path.name)
    current = (RULES_DIR / "aufenthg_25a-2026-01-01.toml").read_text(encoding="utf-8")
    future = current.replace("valid_from = 2026-01-01", "valid_from = 2030-01-01").replace(
        'params = { years = 3 }\n[criteria.label]\nde = "Drei Jahre ununterbrochener Aufenthalt"',
        'params = { years = 2 }\n[criteria.label]\nde = "Zwei Jahre ununterbrochener Aufenthalt"',
    )
    assert future.count("years = 2") == 1
    (tmp_path / NEW_25A).write_text(future, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("on", "version", "expected"),
    [("2029-12-31", "2026-01-01", "waiting"), ("2030-01-01", "2030-01-01", "met"), ("2030-01-02", "2030-01-01", "met")],
)
def test_a_later_version_is_ignored_before_its_date_and_used_from_it(
    rules_with_a_future_version: Path, on: str, version: str, expected: str
) -> None:
    from ankommen.pathways.engine import evaluate, parse_facts

    rules = load_rules(rules_with_a_future_version)
    data = {**YOUNG, "date_of_birth": "2012-01-01", "statuses": [status("duldung", "2027-06-01")]}
    result = evaluate(parse_facts(data), D(on), rules).pathway("aufenthg_25a")
    assert result is not None
    assert result.rule.version == version
    residence = next(c for c in result.criteria if c.id == "residence_time")
    assert state(residence) == expected  # two years from 2027-06-01 are complete, three are not


def test_a_version_whose_valid_to_has_passed_leaves_a_gap(tmp_path: Path) -> None:
    text = (RULES_DIR / "aufenthg_60c-2020-01-01.toml").read_text(encoding="utf-8")
    (tmp_path / "aufenthg_60c-2020-01-01.toml").write_text(
        text.replace("valid_from = 2020-01-01", "valid_from = 2020-01-01\nvalid_to = 2026-06-30"), encoding="utf-8"
    )
    rules = load_rules(tmp_path)
    assert rules.rule_for("aufenthg_60c", D("2026-06-30")) is not None
    assert rules.rule_for("aufenthg_60c", D("2026-07-01")) is None


# --- bad files ----------------------------------------------------------------------------------

BASE = "aufenthg_25b-2026-01-01.toml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("valid_from = 2026-01-01", 'valid_from = "2026-01-01"', "valid_from: expected a date"),
        ("valid_from = 2026-01-01", "valid_from = 2026-01-01\nvalid_to = 2025-01-01", "valid_to: is before valid_from"),
        ('norm = "§ 25b AufenthG"\n', "", "source.norm: missing"),
        ("max_gap_days = 90", "max_gap_days = -1", "counting.max_gap_days: expected a whole number"),
        ('"duldung", "duldung_60c"', '"duldung", "tolerated"', "counting.credited: unknown status type 'tolerated'"),
        (
            "params = { years = 6, years_with_minor_child = 4 }",
            "params = { yeers = 6 }",
            "criteria[1].params.yeers: unknown field",
        ),
        ("params = { years = 6, years_with_minor_child = 4 }", "", "criteria[1].params.years: missing"),
        ('kind = "language"', 'kind = "lingo"', "criteria[5].kind: expected one of"),
        ('params = { min_level = "A2" }', 'params = { min_level = "A3" }', "criteria[5].params.min_level"),
        ('id = "language"', 'id = "fdgo"', "the id 'fdgo' is used twice"),
        ("min_share = 0.51", "min_share = 51", "min_share: is a share between 0 and 1"),
        ('en = "Spoken German at level A2"\n', "", "criteria[5].label.en: missing"),
        (
            '[criteria.goal]\nde = "Deutschkenntnisse',
            '[criteria.goal]\nfr = "x"\nde = "Deutschkenntnisse',
            "goal.fr: unknown language",
        ),
        ('domain = "language"', 'domain = "lingo"', "criteria[5].domain"),
        ("[review]", "[review]\nextra = 1", "review.extra: unknown field"),
        (
            'pathway = "aufenthg_25b"',
            'pathway = "aufenthg_25b"\nroutes = ["aufenthg_25a"]',
            "routes: a file has routes if and only if",
        ),
        ("[title]", "[title", "not valid TOML"),
    ],
)
def test_a_bad_rule_file_names_the_file_and_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = (RULES_DIR / BASE).read_text(encoding="utf-8")
    assert old in text, old
    (tmp_path / BASE).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as error:
        load_rules(tmp_path)
    assert str(error.value).startswith(BASE)
    assert message in str(error.value)


def test_two_versions_of_a_pathway_from_the_same_day_are_refused(tmp_path: Path) -> None:
    shutil.copy(RULES_DIR / BASE, tmp_path / BASE)
    shutil.copy(RULES_DIR / BASE, tmp_path / "aufenthg_25b-copy.toml")
    with pytest.raises(RuleFileError, match="already has a version from 2026-01-01"):
        load_rules(tmp_path)


def test_a_route_to_a_missing_pathway_is_refused(tmp_path: Path) -> None:
    name = "aufenthg_104c_transition-2022-12-31.toml"
    shutil.copy(RULES_DIR / name, tmp_path / name)
    with pytest.raises(RuleFileError, match="no rule file for the pathway 'aufenthg_25a'"):
        load_rules(tmp_path)


def test_an_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no rule files"):
        load_rules(tmp_path)


def test_manage_py_check_reports_a_bad_rule_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from ankommen.pathways import checks

    assert checks.rule_files_load() == []

    def broken() -> None:
        raise RuleFileError("aufenthg_25b-2026-01-01.toml: valid_from: missing")

    monkeypatch.setattr(checks, "load_rules", broken)
    [error] = checks.rule_files_load()
    assert error.id == "pathways.E001"
    assert "aufenthg_25b-2026-01-01.toml: valid_from: missing" in error.msg
