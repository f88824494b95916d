"""``manage.py find_duplicates``: file in, pairs out, clear errors, no output on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = "id,given_name,family_name,date_of_birth,sex,nationality,place_of_birth\n"


def run(tmp_path: Path, content: str, *extra: str) -> Path:
    source = tmp_path / "people.csv"
    source.write_text(content, encoding="utf-8")
    target = tmp_path / "pairs.csv"
    call_command("find_duplicates", "--input", str(source), "--output", str(target), *extra, verbosity=0)
    return target


def test_writes_pairs_with_the_smaller_id_first(tmp_path: Path) -> None:
    content = HEADER + (
        "b7,Mohammed,Al-Hassan,1990-05-03,m,SYR,Aleppo\n"
        "a2,Muhammad,Alhasan,1990-05-03,m,SYR,Halab\n"
        "c1,Oleksandr,Shevchenko,1985-07-12,m,UKR,\n"
        "z9,Schewtschenko,Alexander,1985-07,m,,Kiew\n"
        "q5,Fatima,Rahimi,2001,f,AFG,\n"
    )
    target = run(tmp_path, content)
    lines = target.read_text().splitlines()
    assert lines[0] == "id_a,id_b,score"
    rows = [line.split(",") for line in lines[1:]]
    assert [(a, b) for a, b, _ in rows] == [("a2", "b7"), ("c1", "z9")]
    assert all(0.0 <= float(score) <= 1.0 for _, _, score in rows)


def test_no_pairs_gives_only_the_header(tmp_path: Path) -> None:
    target = run(tmp_path, HEADER + "1,Zubair,Noorzai,1990,m,AFG,\n2,Olena,Melnyk,1970-03-02,f,UKR,\n")
    assert target.read_text() == "id_a,id_b,score\n"


def test_threshold_option(tmp_path: Path) -> None:
    content = HEADER + "1,Zubair,Noorzai,1990-05-03,m,,\n2,Zubair,Noorzai,1990-05-03,m,,\n"
    assert len(run(tmp_path, content, "--threshold", "0.5").read_text().splitlines()) == 2
    with pytest.raises(CommandError, match="between 0 and 1"):
        run(tmp_path, content, "--threshold", "1.5")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,given_name,family_name\n1,A,B\n", "line 1: header lacks column(s) date_of_birth, sex"),
        (HEADER + "1,Ali,Karimi,1990-13-01,m,,\n", "line 2: bad date_of_birth"),
        (HEADER + "1,Ali,Karimi,01.01.1990,m,,\n", "line 2: bad date_of_birth"),
        (HEADER + "1,Ali,Karimi,1990,m,,\n2,Ali,Karimi,1990,m,,\n1,Omar,Said,,,,\n", "line 4: duplicate id '1'"),
        (HEADER + "1,Ali,Karimi,1990,m,,\n,Omar,Said,,,,\n", "line 3: empty id"),
        (HEADER + "1,Ali,Karimi,1990,m\n", "line 2: expected 7 columns, found 5"),
        ("", "line 1: the file is empty"),
    ],
)
def test_malformed_input_names_the_line_and_writes_nothing(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(tmp_path, content)
    assert not (tmp_path / "pairs.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["people.csv"], "no temporary file left behind"


def test_failure_keeps_an_existing_output_file(tmp_path: Path) -> None:
    (tmp_path / "pairs.csv").write_text("old\n")
    with pytest.raises(CommandError):
        run(tmp_path, HEADER + "1,Ali,Karimi,19xx,m,,\n")
    assert (tmp_path / "pairs.csv").read_text() == "old\n"


def test_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        call_command("find_duplicates", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))
    assert not (tmp_path / "o.csv").exists()


def test_exit_code_is_not_zero(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "people.csv"
    source.write_text(HEADER + "1,Ali,Karimi,1990-02-30,m,,\n")
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "find_duplicates", "--input", str(source), "--output", str(tmp_path / "o.csv")],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "line 2: bad date_of_birth" in result.stderr
    assert not (tmp_path / "o.csv").exists()
