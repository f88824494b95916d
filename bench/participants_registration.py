"""Registration-time duplicate check against the database ([P]): latency and recall.

    .venv/bin/python -m bench.participants_registration                   # 100,000 records
    .venv/bin/python -m bench.participants_registration --records 1000000 # the 1M target (long build)
    DATABASE_URL=postgres://... .venv/bin/python -m bench.participants_registration

Takes the synthetic file of ``bench/duplicates.py`` (same generator and seed), loads all
records except the probes into a fresh database as participants of one organisation with
their ``ParticipantNameKey`` rows (bulk insert), then calls
``ankommen.participants.candidates.find_candidates`` — the code behind the register screen —
for each probe (a record whose true duplicate is in the database). Reports latency
p50/p95/p99, the share of probes whose true duplicate is among the candidates shown, the mean
number shown and the number of queries per check. SQLite by default (a file in bench/data/,
rebuilt when missing); PostgreSQL with ``DATABASE_URL``. Results go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"


def _setup(database: Path) -> None:
    os.environ.setdefault("ANKOMMEN_ENV", "test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    import django

    django.setup()


def _birth(record: Any) -> tuple[Any, str]:
    import datetime as dt

    dob = record.date_of_birth
    if dob.year is None:
        return None, "exact"
    if dob.month is None:
        return dt.date(dob.year, 1, 1), "year"
    if dob.day is None:
        return dt.date(dob.year, dob.month, 1), "month"
    return dt.date(dob.year, dob.month, dob.day), "exact"


def load(records: list[Any], batch: int = 5000) -> Any:
    """A network, an organisation and a case manager; the records as its participants."""
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    from ankommen.accounts.models import User
    from ankommen.network.models import Membership, Network, Organisation
    from ankommen.participants.matching import record_keys
    from ankommen.participants.models import Participant, ParticipantNameKey

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        network, _ = Network.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        organisation, _ = Organisation.objects.get_or_create(network=network, name="Bench", type="welfare")
        user = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
            "bench@example.org", "bench-password-123", full_name="Bench"
        )
        membership, _ = Membership.objects.get_or_create(
            network=network, organisation=organisation, user=user, role="case_manager"
        )
        if Participant.objects.filter(network=network).exists():
            return membership
        for start in range(0, len(records), batch):
            chunk = records[start : start + batch]
            people = []
            for record in chunk:
                born, precision = _birth(record)
                people.append(
                    Participant(
                        network=network,
                        organisation=organisation,
                        reference=record.id,
                        given_name=record.given_name,
                        family_name=record.family_name or "-",
                        date_of_birth=born,
                        birth_date_precision=precision,
                        sex=record.sex or "u",
                        place_of_birth=record.place_of_birth,
                        created_by=user,
                    )
                )
            Participant.objects.bulk_create(people)
            ParticipantNameKey.objects.bulk_create(
                [
                    ParticipantNameKey(network=network, participant=p, key=key)
                    for p, record in zip(people, chunk, strict=True)
                    for key in record_keys(record)
                ],
                batch_size=10_000,
            )
            print(f"\rloaded {start + len(chunk):,} records", end="", file=sys.stderr)
        print(file=sys.stderr)
    return membership


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT.parent))
    _setup(DATA_DIR / f"registration-{args.records}-{args.seed}.sqlite3")
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from ankommen.participants.candidates import find_candidates
    from ankommen.participants.matching.csvio import read_people
    from bench.duplicates import _truth, generate

    people_path, truth_path = generate(args.records, args.seed)
    records = read_people(people_path)
    person = _truth(truth_path)
    by_person: dict[str, list[str]] = {}
    for r in records:
        by_person.setdefault(person[r.id], []).append(r.id)
    rng = random.Random(args.seed)
    duplicated = [ids for ids in by_person.values() if len(ids) > 1]
    chosen = {rng.choice(ids) for ids in rng.sample(duplicated, min(args.probes, len(duplicated)))}

    started = time.perf_counter()
    membership = load([r for r in records if r.id not in chosen])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # PostgreSQL keeps statistics itself; without them SQLite picks a worse index
    build = time.perf_counter() - started
    latencies, hits, shown, queries = [], 0, [], []
    with scope(network=membership.network_id):
        for record in (r for r in records if r.id in chosen):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                found = find_candidates(membership, record)
                latencies.append((time.perf_counter() - t) * 1000)
            queries.append(len(captured))
            shown.append(len(found))
            hits += any(person[p.reference] == person[record.id] for p, _score in found)
    latencies.sort()
    n = len(latencies)
    result = {
        "records_in_database": len(records) - len(chosen),
        "database": connection.vendor,
        "load_s": round(build, 1),
        "probes": n,
        "true_duplicate_shown": round(hits / n, 4),
        "candidates_shown_mean": round(sum(shown) / n, 2),
        "queries_per_check_max": max(queries),
        "latency_ms": {
            "p50": round(latencies[n // 2], 2),
            "p95": round(latencies[int(n * 0.95)], 2),
            "p99": round(latencies[min(int(n * 0.99), n - 1)], 2),
            "max": round(latencies[-1], 2),
        },
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"registration-{args.records}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
