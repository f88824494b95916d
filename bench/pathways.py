"""Pathways benchmark ([R] via [BENCH]): how many persons per second the right-to-stay evaluation
handles.

    .venv/bin/python -m bench.pathways              # 100,000 generated persons; the database part on the
                                                    # pages network of 100,000 participants (PostgreSQL)
    .venv/bin/python -m bench.pathways --quick      # 10,000 persons, the network of 10,000 (SQLite)
    .venv/bin/python -m bench.pathways --no-database

**(a) The engine** (``ankommen.pathways.engine``, pure): persons with seeded facts of every kind the
rules read – birth dates from 14 to 45 years, entry dates, one to four residence periods (Duldung,
Gestattung, § 104c and other permits, with gaps), identity clarified or steps taken, German level,
schooling and qualifications, employment periods with hours and social insurance, livelihood share,
children, convictions – are evaluated on one day against every rule in force
(``evaluate(facts, on)``), single-threaded; persons per second over the whole set, best of
``--rounds``. Outcomes are counted per pathway so that a change of the rules shows in the result.

**(b) From the database**: the people of the generated network (``bench/network_data.py``, the
same data as the page benchmark) are read in chunks of 1,000 with ``facts.with_facts`` (a fixed
number of queries per chunk) and evaluated as the participant's pathways page and "my work" do;
persons per second including the reads.

There is no numeric target in [R]; the report shows the rate. Results:
``bench/results/pathways-<persons>-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import now_utc, stamp_utc

ROOT = Path(__file__).resolve().parent
RESULTS_DIR = ROOT / "results"
SEED = 20261121
DAY = dt.date(2026, 11, 21)
STATUSES = ("duldung", "duldung", "aufenthaltsgestattung", "aufenthaltserlaubnis", "duldung_60b")
PERMIT_BASES = ("AufenthG § 104c", "AufenthG § 25 Abs. 5", "AufenthG § 25a", "AufenthG § 25 Abs. 2 S. 1 Alt. 2")


def generate(count: int, seed: int = SEED) -> list[Any]:
    """``count`` persons' facts, seeded."""
    sys.path.insert(0, str(ROOT.parent))
    from ankommen.pathways.engine.input import EmploymentPeriod, Facts, StatusPeriod, Training

    rng = random.Random(seed)
    people = []
    for _ in range(count):
        born = DAY - dt.timedelta(days=rng.randint(14 * 365, 45 * 365))
        entry = DAY - dt.timedelta(days=rng.randint(100, 12 * 365))
        periods = []
        start = entry
        for _period in range(rng.randint(1, 4)):
            kind = rng.choice(STATUSES)
            end = start + dt.timedelta(days=rng.randint(90, 3 * 365))
            basis = rng.choice(PERMIT_BASES) if kind == "aufenthaltserlaubnis" else ""
            periods.append(StatusPeriod(type=kind, start=start, end=None if end > DAY else end, basis=basis))
            if end > DAY:
                break
            start = end + dt.timedelta(days=rng.choice((1, 1, 1, 30, 120)))
        jobs = []
        if rng.random() < 0.5:
            job_start = entry + dt.timedelta(days=rng.randint(0, max(1, (DAY - entry).days)))
            jobs.append(
                EmploymentPeriod(
                    start=job_start,
                    end=None if rng.random() < 0.7 else job_start + dt.timedelta(days=rng.randint(30, 700)),
                    hours_per_week=rng.choice((10.0, 20.0, 30.0, 39.0)),
                    social_insurance=rng.random() < 0.8,
                )
            )
        people.append(
            Facts(
                date_of_birth=born,
                entry_date=entry,
                statuses=tuple(periods),
                identity_clarified_on=entry + dt.timedelta(days=rng.randint(0, 900)) if rng.random() < 0.6 else None,
                identity_steps_taken_on=entry + dt.timedelta(days=rng.randint(0, 400)) if rng.random() < 0.3 else None,
                german_oral_level=rng.choice((None, "A1", "A2", "B1", "B2")),
                knowledge_of_legal_order=rng.choice((None, True, False)),
                fdgo_commitment=rng.choice((None, True)),
                school_years_in_germany=rng.choice((None, 0.0, 2.0, 4.0)),
                german_school_or_vocational_qualification=rng.choice((None, True, False)),
                in_school_or_training=rng.choice((None, True, False)),
                employment=tuple(jobs) if jobs or rng.random() < 0.5 else None,
                livelihood_share_secured=rng.choice((None, 0.0, 0.5, 1.0)),
                minor_children_in_household=rng.choice((None, 0, 1, 3)),
                school_age_children_attend_school=rng.choice((None, True)),
                training=Training(qualified=rng.choice((None, True, False))) if rng.random() < 0.3 else None,
                convictions_above_threshold=rng.choice((None, False, False, True)),
                measures_to_end_stay=rng.choice((None, False, False, True)),
                safe_country_rejected=rng.choice((None, False, False, False, True)),
            )
        )
    return people


def measure_engine(count: int, rounds: int) -> dict[str, Any]:
    from ankommen.pathways.engine import default_rules, evaluate

    people = generate(count)
    rules = default_rules()
    outcomes: Counter[str] = Counter()
    best = float("inf")
    for number in range(rounds):
        started = time.perf_counter()
        for facts in people:
            evaluation = evaluate(facts, DAY, rules)
            if number == 0:
                for pathway in evaluation.pathways:
                    outcomes[f"{pathway.id}: {pathway.outcome}"] += 1
        best = min(best, time.perf_counter() - started)
    return {
        "persons": count,
        "rounds": rounds,
        "seconds": round(best, 3),
        "persons_per_second": round(count / best),
        "outcomes": dict(sorted(outcomes.items())),
    }


def measure_database(participants: int, database: str, limit: int) -> dict[str, Any]:
    from bench import network_data

    info, _url = network_data.ensure(participants, database=database)
    from django.db import connection
    from django_scopes import scopes_disabled

    from ankommen.participants.models import Participant
    from ankommen.pathways.engine import evaluate
    from ankommen.pathways.facts import facts_for, with_facts

    with scopes_disabled():
        ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True)[:limit])
        started = time.perf_counter()
        evaluated = 0
        for first in range(0, len(ids), 1000):
            chunk = with_facts(Participant.objects.filter(pk__in=ids[first : first + 1000]))
            for person in chunk:
                evaluate(facts_for(person, DAY).facts, DAY)
                evaluated += 1
        seconds = time.perf_counter() - started
    return {
        "database": connection.vendor,
        "network_participants": info.counts.get("participants_participant", participants),
        "persons": evaluated,
        "seconds": round(seconds, 3),
        "persons_per_second": round(evaluated / seconds) if seconds else 0,
    }


def targets(report: dict[str, Any]) -> dict[str, bool | None]:
    # [R] names no number; the rate is reported ("measured" when both parts ran).
    rate = report["engine"]["persons_per_second"]
    return {f"Pathways evaluation: persons per second (engine {rate:,}/s; no numeric target in [R])": True}


def lines(report: dict[str, Any]) -> list[str]:
    engine = report["engine"]
    out = [
        f"pathways benchmark, evaluation day {report['day']}, seed {report['seed']} "
        f"(load average {report['load_average_before'][0]} before, {report['load_average_after'][0]} after)",
        f"  engine: {engine['persons']:,} generated persons in {engine['seconds']:.2f} s "
        f"(best of {engine['rounds']}): {engine['persons_per_second']:,} persons/s",
    ]
    if "database" in report:
        db = report["database"]
        out.append(
            f"  from the database ({db['database']}, network of {db['network_participants']:,}): {db['persons']:,} "
            f"persons read and evaluated in {db['seconds']:.2f} s: {db['persons_per_second']:,} persons/s"
        )
    outcomes = engine["outcomes"]
    out.append("  outcomes: " + ", ".join(f"{k} {v:,}" for k, v in outcomes.items()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pathways", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 persons; the database part on 10,000 (SQLite)")
    parser.add_argument("--persons", type=int, help="generated persons for the engine (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), help="default: postgresql (quick: sqlite)")
    parser.add_argument("--no-database", action="store_true", help="only the engine")
    args = parser.parse_args(argv)
    persons = args.persons or (10_000 if args.quick else 100_000)
    scale = 10_000 if args.quick else 100_000
    database = args.database or ("sqlite" if args.quick else "postgresql")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    report: dict[str, Any] = {
        "benchmark": "pathways",
        "date": now_utc(),
        "day": DAY.isoformat(),
        "seed": SEED,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    if not args.no_database:
        # Django is set up for the network's database first (the engine itself needs no settings).
        report["database"] = measure_database(scale, database, limit=min(scale, 20_000))
        print(f"from the database: {report['database']['persons_per_second']:,} persons/s", flush=True)
    else:
        import django

        sys.path.insert(0, str(ROOT.parent))
        os.environ.setdefault("ANKOMMEN_ENV", "test")
        django.setup()
    report["engine"] = measure_engine(persons, args.rounds)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"pathways-{persons}-{stamp_utc()}.json"
    path.write_text(json.dumps(report, indent=2))
    print("\n".join(lines(report)))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
