"""Registration-time duplicate check against the database ([P]): latency and recall.

    .venv/bin/python -m bench.participants_registration                      # 1M records, PostgreSQL
    .venv/bin/python -m bench.participants_registration --records 100000     # smaller
    .venv/bin/python -m bench.participants_registration --sqlite             # SQLite file instead
    .venv/bin/python -m bench.participants_registration --reload             # rebuild the database

Entry point for other code: ``run(records=..., probes=..., seed=..., database_url=...)``
returns the result as a dictionary (``main(argv)`` is the command line).

Takes the synthetic file of ``bench/duplicates.py`` (same generator, evaluation seed), loads
all records except the probes into a separate database as participants of one organisation
with their ``ParticipantNameKey`` rows, then calls
``ankommen.participants.candidates.find_candidates`` — the code behind the register screen —
for each probe (a record whose true duplicate is in the database). Reports latency
p50/p95/p99, the share of probes whose true duplicate is among the candidates shown, the mean
number shown and the number of queries per check.

PostgreSQL by default: the database ``ankommen_bench`` on 127.0.0.1:5432 (``--database-url``
or ``BENCH_DATABASE_URL`` for another), created when missing and loaded with ``COPY`` (the
secondary indexes and constraints of the two tables are dropped during the load and
recreated afterwards, then ``ANALYZE``). A database that already holds the same file (the
same number of participants and a marker with file name and key version) is reused. SQLite
(``--sqlite``, a file in bench/data/) is loaded with ``bulk_create``. Results go to
bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import now_utc, stamp_utc

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ankommen_bench"
COPY_CHUNK = 50_000
PROBE_POOL = 1000
"""Records held back from the database as probes (a run may use fewer of them)."""


def _setup(database_url: str) -> None:
    os.environ["ANKOMMEN_ENV"] = os.environ.get("ANKOMMEN_ENV", "test")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    import django

    django.setup()


def _create_postgres_database(url: str) -> None:
    """Create the benchmark's database when it does not exist (connecting to ``postgres``)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _birth(record: Any) -> tuple[dt.date | None, str]:
    dob = record.date_of_birth
    if dob.year is None:
        return None, "exact"
    if dob.month is None:
        return dt.date(dob.year, 1, 1), "year"
    if dob.day is None:
        return dt.date(dob.year, dob.month, 1), "month"
    return dt.date(dob.year, dob.month, dob.day), "exact"


def _nationalities(value: str) -> list[str]:
    from django_countries import countries

    codes = []
    for code in value.replace(";", ",").split(","):
        alpha2 = countries.alpha2(code.strip()) if code.strip() else ""
        if alpha2:
            codes.append(alpha2)
    return codes


def _participant(record: Any, network: Any, organisation: Any, user: Any) -> Any:
    from ankommen.participants.models import Participant

    born, precision = _birth(record)
    return Participant(
        network=network,
        organisation=organisation,
        reference=record.id,
        given_name=record.given_name,
        family_name=record.family_name,
        date_of_birth=born,
        birth_date_precision=precision,
        sex=record.sex or "u",
        nationalities=_nationalities(record.nationality),  # type: ignore[misc]  # CountryField(multiple=True) takes a list
        place_of_birth=record.place_of_birth,
        created_by=user,
    )


def _marker(people_name: str) -> str:
    """What the loaded database must match: the file and the engine's key scheme (the keys of
    a few fixed records), so that a changed ``record_keys`` forces a reload."""
    from ankommen.participants.matching import BirthDate, PersonRecord, record_keys

    sample = PersonRecord("x", "Mohammed Ali", "Al-Hassan", BirthDate(1990, 1, 1), place_of_birth="Aleppo")
    keys = hashlib.sha256("\n".join(sorted(record_keys(sample))).encode()).hexdigest()[:12]
    return f"{people_name}:{keys}"


def _bench_objects() -> tuple[Any, Any, Any, Any]:
    from django_scopes import scopes_disabled

    from ankommen.accounts.models import User
    from ankommen.network.models import Membership, Network, Organisation

    with scopes_disabled():
        network, _ = Network.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
        organisation, _ = Organisation.objects.get_or_create(network=network, name="Bench", type="welfare")
        user = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
            "bench@example.org", "bench-password-123", full_name="Bench"
        )
        membership, _ = Membership.objects.get_or_create(
            network=network, organisation=organisation, user=user, role="case_manager"
        )
    return network, organisation, user, membership


def _loaded(network: Any, expected: int, marker: str) -> bool:
    from django_scopes import scopes_disabled

    from ankommen.participants.models import Participant

    with scopes_disabled():
        if Participant.objects.filter(network=network).count() != expected:
            return False
    return network.name == f"Bench {marker}"


def _wipe(network: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE participants_participantnamekey, participants_participant CASCADE")
        else:
            cursor.execute("DELETE FROM participants_participantnamekey")
            cursor.execute("DELETE FROM participants_participant")


def _load_sqlite(records: list[Any], network: Any, organisation: Any, user: Any, batch: int = 5000) -> None:
    from ankommen.participants.matching import record_keys
    from ankommen.participants.models import Participant, ParticipantNameKey

    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        people = [_participant(r, network, organisation, user) for r in chunk]
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


def _secondary_objects(cursor: Any, table: str) -> tuple[list[str], list[str]]:
    """SQL to recreate the constraints (but the primary key) and the other indexes of ``table``."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype <> 'p'",
        [table],
    )
    constraints = [(name, definition) for name, definition in cursor.fetchall()]
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    drop = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _ in constraints]
    drop += [f'DROP INDEX "{name}"' for name, _ in indexes]
    create = [definition for _, definition in indexes]
    create += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
    return drop, create


def _load_postgres(records: list[Any], network: Any, organisation: Any, user: Any) -> None:
    """``COPY`` the records and their keys; indexes and constraints rebuilt once at the end."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ankommen.participants.matching import record_keys
    from ankommen.participants.models import Participant, ParticipantNameKey

    people_table, keys_table = Participant._meta.db_table, ParticipantNameKey._meta.db_table
    fields = list(Participant._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {people_table}")  # noqa: S608 (table names only)
        next_id = cursor.fetchone()[0] + 1
        recreate: list[str] = []
        for table in (keys_table, people_table):
            drop, create = _secondary_objects(cursor, table)
            for statement in drop:
                cursor.execute(statement)
            recreate = create + recreate
        raw = cursor.cursor  # psycopg's cursor, for COPY
        for start in range(0, len(records), COPY_CHUNK):
            chunk = records[start : start + COPY_CHUNK]
            keys: list[tuple[int, int, str]] = []
            with raw.copy(f"COPY {people_table} ({columns}) FROM STDIN") as copy:
                for record in chunk:
                    participant = _participant(record, network, organisation, user)
                    participant.pk = next_id
                    participant.created_at = participant.updated_at = now
                    copy.write_row([f.get_db_prep_save(getattr(participant, f.attname), connection) for f in fields])
                    keys.extend((network.pk, next_id, key) for key in record_keys(record))
                    next_id += 1
            with raw.copy(f"COPY {keys_table} (network_id, participant_id, key) FROM STDIN") as copy:
                for row in keys:
                    copy.write_row(row)
            print(f"\rloaded {start + len(chunk):,} records", end="", file=sys.stderr)
        print("\nrebuilding indexes …", file=sys.stderr)
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in recreate:
            cursor.execute(statement)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{people_table}', 'id'), (SELECT max(id) FROM {people_table}))"  # noqa: S608
        )
    with connection.cursor() as cursor:
        # statistics for the planner, and the visibility map that index-only scans need
        cursor.execute(f"VACUUM ANALYZE {people_table}")
        cursor.execute(f"VACUUM ANALYZE {keys_table}")


def _probes(records: list[Any], person: dict[str, str], probes: int, seed: int) -> set[str]:
    """One record each of ``probes`` persons with several records (as ``bench.duplicates`` picks them)."""
    by_person: dict[str, list[str]] = {}
    for r in records:
        by_person.setdefault(person[r.id], []).append(r.id)
    rng = random.Random(seed)
    duplicated = [ids for ids in by_person.values() if len(ids) > 1]
    return {rng.choice(ids) for ids in rng.sample(duplicated, min(probes, len(duplicated)))}


def _percentile(values: list[float], share: float) -> float:
    return round(values[min(int(len(values) * share), len(values) - 1)], 2)


def run(
    records: int = 1_000_000,
    probes: int = 1000,
    seed: int | None = None,
    database_url: str | None = None,
    *,
    sqlite: bool = False,
    reload: bool = False,
) -> dict[str, Any]:
    """Load (or reuse) the database, run the probes; the result as a dictionary (also saved)."""
    sys.path.insert(0, str(ROOT.parent))
    from bench.duplicates import EVALUATION_SEED, _truth, generate

    seed = EVALUATION_SEED if seed is None else seed
    if sqlite:
        database_url = f"sqlite:///{DATA_DIR / f'registration-{records}-{seed}.sqlite3'}"
    else:
        database_url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
        _create_postgres_database(database_url)
    _setup(database_url)
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    from ankommen.participants.candidates import find_candidates
    from ankommen.participants.matching.csvio import read_people

    people_path, truth_path = generate(records, seed)
    people = read_people(people_path)
    person = _truth(truth_path)
    # the database always lacks the same PROBE_POOL probes, so that it can be reused with fewer
    chosen = _probes(people, person, max(probes, PROBE_POOL), seed)
    stored = [r for r in people if r.id not in chosen]

    call_command("migrate", verbosity=0)
    network, organisation, user, membership = _bench_objects()
    marker = _marker(people_path.name)
    started = time.perf_counter()
    reloaded = reload or not _loaded(network, len(stored), marker)
    if reloaded:
        with scopes_disabled():
            _wipe(network)
            if connection.vendor == "postgresql":
                _load_postgres(stored, network, organisation, user)
            else:
                _load_sqlite(stored, network, organisation, user)
            from ankommen.participants.keys import recount_name_keys

            recount_name_keys(network.pk)  # NameKeyCount, as after any bulk load
            with connection.cursor() as cursor:
                # statistics for the planner (without them SQLite picks a worse index); PostgreSQL's
                # loader analysed the two loaded tables already, the counts are new
                cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE participants_namekeycount")
        network.name = f"Bench {marker}"
        network.save(update_fields=["name"])
    load = time.perf_counter() - started
    del stored

    latencies: list[float] = []
    hits, shown, queries = 0, [], []
    probe_records = [r for r in people if r.id in chosen][:probes]
    with scope(network=membership.network_id):
        find_candidates(membership, probe_records[0])  # warm up: connection, caches
        for record in probe_records:
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
    with connection.cursor() as cursor, scopes_disabled():
        from ankommen.participants.models import ParticipantNameKey

        key_rows = ParticipantNameKey.objects.filter(network=network).count()
    result = {
        "benchmark": "participants_registration",
        "date": now_utc(),
        "seed": seed,
        "file": people_path.name,
        "database": connection.vendor,
        "records_in_database": len(people) - len(chosen),  # the probes are not in it
        "key_rows": key_rows,
        "loaded_now": reloaded,
        "load_s": round(load, 1),
        "probes": n,
        "true_duplicate_shown": round(hits / n, 4),
        "candidates_shown_mean": round(sum(shown) / n, 2),
        "queries_per_check_max": max(queries),
        "latency_ms": {
            "p50": _percentile(latencies, 0.5),
            "p95": _percentile(latencies, 0.95),
            "p99": _percentile(latencies, 0.99),
            "max": round(latencies[-1], 2),
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result["targets"] = targets(result)
    stamp = stamp_utc()
    out = RESULTS_DIR / f"participants_registration-{records}-{connection.vendor}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2))
    result["result_file"] = str(out)
    return result


P99_LIMIT_MS = 50
SHOWN_TARGET = 0.98


def targets(result: dict[str, Any]) -> dict[str, bool]:
    at = f"{result['records_in_database']:,} participants, {result['database']}"
    return {
        f"Registration-time check: p99 ≤ {P99_LIMIT_MS} ms ({at})": result["latency_ms"]["p99"] <= P99_LIMIT_MS,
        f"Registration-time check: true duplicate among the shown candidates in ≥ 98 % of probes ({at})": (
            result["true_duplicate_shown"] >= SHOWN_TARGET
        ),
    }


def lines(result: dict[str, Any]) -> list[str]:
    """Summary lines for the report (``python -m bench``)."""
    return list(_iter_lines(result))


def _iter_lines(result: dict[str, Any]) -> Iterator[str]:
    latency = result["latency_ms"]
    yield (
        f"{result['probes']} probes against {result['records_in_database']:,} participants in {result['database']}: "
        f"true duplicate shown {result['true_duplicate_shown']:.1%}, p50 {latency['p50']} ms, "
        f"p95 {latency['p95']} ms, p99 {latency['p99']} ms"
    )
    yield (
        f"  {result['candidates_shown_mean']} candidates shown on average, at most {result['queries_per_check_max']} "
        f"queries per check; load average {result['load_average'][0]}"
    )
    yield f"  {'PASS' if latency['p99'] <= P99_LIMIT_MS else 'FAIL'}  p99 <= {P99_LIMIT_MS} ms"
    yield f"  {'PASS' if result['true_duplicate_shown'] >= SHOWN_TARGET else 'FAIL'}  true duplicate shown >= 98%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.participants_registration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--seed", type=int, help="generator seed (default: the evaluation seed)")
    parser.add_argument("--database-url", help=f"PostgreSQL database (default {DEFAULT_DATABASE_URL})")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file in bench/data/ instead")
    parser.add_argument("--reload", action="store_true", help="rebuild the database even if it is current")
    args = parser.parse_args(argv)
    result = run(args.records, args.probes, args.seed, args.database_url, sqlite=args.sqlite, reload=args.reload)
    print(json.dumps(result, indent=2))
    for line in _iter_lines(result):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
