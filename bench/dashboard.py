"""Needs-versus-offers dashboard benchmark ([G]): served from the summary tables against computed live.

    .venv/bin/python -m bench.dashboard                      # 1,000,000 needs, 50,000 sessions, SQLite and PostgreSQL
    .venv/bin/python -m bench.dashboard --quick              # 50,000 needs, 5,000 sessions (a few minutes)
    .venv/bin/python -m bench.dashboard --backend sqlite     # one database only
    .venv/bin/python -m bench.dashboard --combinations 60 --rounds 3 --reload

For each database (a SQLite file in bench/data/, the PostgreSQL database ``ankommen_bench_dashboard``
on 127.0.0.1:5432, user postgres; ``BENCH_DATABASE_URL`` for another) a subprocess

1. migrates the database and loads a seeded synthetic network with bulk inserts (reused when a
   marker says it holds the same data): participants, offers with sessions over 24 months (courses
   and single dates, some for an age range, some for certain statuses or one language), waiting
   lists and seats given from them, and the recorded needs with their derived fields; then builds
   the summary tables with ``summary.rebuild`` (the code the management command runs);
2. draws filter combinations (period of 1 to 24 months, field, district, age band, status group,
   language, rows of the grid; seeded) and times, per combination and round, ``report.build`` —
   every query and the suppression behind the dashboard page — **served** from the summary tables
   and **live** from the raw tables (``live=True``: the same questions as aggregates over the
   needs, the offers' seats computed from the sessions once per build); it checks that both give
   the same report;
3. times the two aggregate queries of the grid through the ORM (``queries.demand_queryset`` and
   ``queries.supply_queryset``, rows fetched) and the same queries written by hand in SQL
   (``cursor.execute`` + ``fetchall``), after checking that both return the same rows;
4. times incremental changes (recording an interest, which updates the needs' derived fields and
   the summary in the same transaction), rolled back afterwards.

Results: bench/results/dashboard-<needs>-<time>.json with ``targets`` (text → pass/fail); the
runner ``python -m bench`` calls ``lines(report)`` for its summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench import now_utc, stamp_utc

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"
GENERATOR_VERSION = 1
SEED = 20261121
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ankommen_bench_dashboard"
BATCH = 20_000
TARGET_P95_MS = 500.0
TARGET_SERVED_RATIO = 0.1
TARGET_ORM_RATIO = 1.25

DISTRICTS = [f"Bezirk {i:02d}" for i in range(1, 31)]
AGE_BANDS = (["18_26", "27_44", "under_18", "45_64", "65_plus", "unknown"], [0.35, 0.38, 0.1, 0.13, 0.02, 0.02])
STATUS_GROUPS = (
    ["asylum_procedure", "tolerated", "residence_permit", "pending", "permanent", "eu", "citizen", "none"],
    [0.25, 0.2, 0.33, 0.05, 0.08, 0.03, 0.01, 0.05],
)
LANGUAGES = (
    ["ar", "prs", "fa", "ps", "kmr", "ckb", "tr", "uk", "ru", "ti", "so", "fr", "en", "de", "ka", "ur", "other", ""],
    [0.24, 0.11, 0.05, 0.05, 0.05, 0.03, 0.08, 0.15, 0.05, 0.04, 0.02, 0.02, 0.02, 0.05, 0.01, 0.01, 0.01, 0.01],
)
FIELDS = (["education_language", "work_training", "social_participation", "housing"], [0.45, 0.3, 0.15, 0.1])
CATEGORIES = {
    "education_language": ["language", "qualification"],
    "work_training": ["vocational_orientation", "workshop", "qualification", "placement"],
    "social_participation": ["sport", "culture", "meeting_point", "counselling"],
    "housing": ["housing", "counselling"],
}
MONTHS = 24


# --- the parent: one subprocess per database -----------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 needs, 5,000 sessions, fewer combinations")
    parser.add_argument("--needs", type=int)
    parser.add_argument("--sessions", type=int)
    parser.add_argument("--combinations", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--changes", type=int, help="incremental changes to time (rolled back)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--reload", action="store_true", help="load the data again even if the marker matches")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    needs = args.needs or (50_000 if args.quick else 1_000_000)
    sessions = args.sessions or (5_000 if args.quick else 50_000)
    combinations = args.combinations or (16 if args.quick else 40)
    rounds = args.rounds or (1 if args.quick else 2)
    changes = args.changes or (15 if args.quick else 40)
    scale = {"needs": needs, "sessions": sessions, "combinations": combinations, "rounds": rounds}
    if args.worker:
        result = run_worker(args.worker, scale, reload=args.reload, changes=changes)
        Path(args.output).write_text(json.dumps(result, default=str))
        return 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    for backend in backends:
        output = DATA_DIR / f"dashboard-{backend}-partial.json"
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "bench.dashboard", "--worker", backend, "--output", str(output),
            "--needs", str(needs), "--sessions", str(sessions), "--combinations", str(combinations),
            "--rounds", str(rounds), "--changes", str(changes),
        ]  # fmt: skip
        if args.reload:
            command.append("--reload")
        print(f"== {backend}: {' '.join(command[2:])}", flush=True)
        code = subprocess.call(command, cwd=ROOT.parent)
        if code != 0 or not output.exists():
            print(f"{backend}: worker failed (exit {code})", file=sys.stderr)
            results[backend] = {"error": f"exit {code}"}
            continue
        results[backend] = json.loads(output.read_text())
        output.unlink()
    report = {
        "suite": "dashboard",
        "date": now_utc(),
        "scale": scale,
        "quick": args.quick,
        "seed": SEED,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "load": _load()},
        "backends": results,
    }
    report["targets"] = targets(report)
    path = RESULTS_DIR / f"dashboard-{needs}-{stamp_utc()}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    for line in lines(report):
        print(line)
    print(f"results: {path}")
    return 0 if all("error" not in r for r in results.values()) else 1


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def targets(report: dict[str, Any]) -> dict[str, bool]:
    scale = report["scale"]
    label = (
        ""
        if scale["needs"] >= 1_000_000 and scale["sessions"] >= 50_000
        else (f" (at {scale['needs']:,} needs, {scale['sessions']:,} sessions)")
    )
    result: dict[str, bool] = {}
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for backend, data in report["backends"].items():
        name = names[backend]
        if "error" in data:
            result[f"Dashboard measured on {name}{label}"] = False
            continue
        result[f"Dashboard p95 ≤ 500 ms with 1,000,000 needs and 50,000 sessions on {name}{label}"] = (
            data["served"]["p95_ms"] <= TARGET_P95_MS
        )
        result[f"Served from the summary ≤ 0.1× the time of computing it live on {name}{label}"] = (
            data["ratio_served_live"] <= TARGET_SERVED_RATIO
        )
        result[f"ORM aggregate queries ≤ 1.25× the same queries in raw SQL on {name}{label}"] = (
            data["orm"]["ratio"] <= TARGET_ORM_RATIO
        )
        result[f"Summary equals the live computation for every combination on {name}{label}"] = data["equal"]
    return result


def lines(report: dict[str, Any]) -> list[str]:
    scale = report["scale"]
    out = [
        f"scale: {scale['needs']:,} needs, {scale['sessions']:,} sessions; {scale['combinations']} filter "
        f"combinations × {scale['rounds']} round(s); load average at the end {report['machine'].get('load')}",
    ]
    for backend, data in report["backends"].items():
        if "error" in data:
            out.append(f"{backend}: {data['error']}")
            continue
        served, live, orm = data["served"], data["live"], data["orm"]
        out += [
            f"{backend}: {data['counts']['needs']:,} needs, {data['counts']['sessions']:,} sessions, "
            f"{data['counts']['cube_rows']:,} summary rows, {data['counts']['offer_months']:,} offer months "
            + (
                f"(load {data['load_seconds']:.0f} s, rebuild {data['rebuild_seconds']:.1f} s)"
                if data["load_seconds"]
                else "(data of an earlier run reused)"
            ),
            f"  served: p50 {served['p50_ms']:.1f} ms, p95 {served['p95_ms']:.1f} ms, max {served['max_ms']:.1f} ms",
            f"  live:   p50 {live['p50_ms']:.1f} ms, p95 {live['p95_ms']:.1f} ms, max {live['max_ms']:.1f} ms",
            f"  served / live: {data['ratio_served_live']:.3f} (sum of times; median per combination "
            f"{data['ratio_median']:.3f}); same report in every combination: {data['equal']}",
            f"  ORM / raw SQL: {orm['ratio']:.3f} (ORM {orm['orm_ms']:.1f} ms, SQL {orm['sql_ms']:.1f} ms over "
            f"{orm['queries']} queries × {orm['repeat']})",
            f"  incremental change (interest recorded, summary updated): p50 {data['changes']['p50_ms']:.1f} ms, "
            f"p95 {data['changes']['p95_ms']:.1f} ms",
        ]
    return out


# --- the worker: one database ------------------------------------------------------------------


def _setup(database_url: str) -> None:
    os.environ["ANKOMMEN_ENV"] = os.environ.get("ANKOMMEN_ENV", "test")
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    import django

    django.setup()


def _create_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_worker(backend: str, scale: dict[str, int], *, reload: bool, changes: int) -> dict[str, Any]:
    if backend == "sqlite":
        name = "dashboard-{needs}-{sessions}.sqlite3".format(**scale)
        url = f"sqlite:///{DATA_DIR / name}"
    else:
        url = os.environ.get("BENCH_DATABASE_URL", POSTGRES_URL)
        _create_postgres_database(url)
    _setup(url)
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        started = time.perf_counter()
        network_id, loaded = load(scale, reload=reload)
        load_seconds = time.perf_counter() - started if loaded else 0.0
        from ankommen.dashboard import summary

        started = time.perf_counter()
        if loaded:
            summary.rebuild(network_id, recompute_needs=False)
        rebuild_seconds = time.perf_counter() - started
        result = measure(network_id, scale, backend)
        result["changes"] = measure_changes(network_id, changes)
    result.update({"load_seconds": load_seconds, "rebuild_seconds": rebuild_seconds, "database": backend})
    if backend == "postgresql":
        from django.db import connection

        result["server"] = connection.cursor().connection.info.server_version
    return result


def _marker(scale: dict[str, int]) -> str:
    return f"bench-dashboard-v{GENERATOR_VERSION}-{SEED}-{scale['needs']}-{scale['sessions']}"


def load(scale: dict[str, int], *, reload: bool) -> tuple[int, bool]:
    """The benchmark network (created or reused); returns its id and whether it was loaded now."""
    from django.db import connection, transaction

    from ankommen.accounts.models import User
    from ankommen.dashboard.models import Need
    from ankommen.network.models import Network, Organisation

    marker = _marker(scale)
    network = Network.objects.filter(slug=marker[:50]).first()
    if network is not None and not reload and Need.objects.filter(network=network).count() == scale["needs"]:
        return network.pk, False
    if network is not None:
        _drop_network(network.pk)
    print(f"loading {scale['needs']:,} needs and {scale['sessions']:,} sessions …", flush=True)
    with transaction.atomic():
        network = Network.objects.create(slug=marker[:50], name="Bench dashboard")
        provider = Organisation.objects.create(network=network, name="Bench providers", type="education_provider")
        owner = Organisation.objects.create(network=network, name="Bench case management", type="welfare")
        user = User.objects.filter(email="bench-dashboard@example.org").first() or User.objects.create_user(
            "bench-dashboard@example.org", "bench-password-123", full_name="Bench"
        )
        rng = np.random.default_rng(SEED)
        people = _participants(network, owner, user, max(1, scale["needs"] // 3), rng)
        offers = _offers(network, provider, user, max(1, scale["sessions"] // 10), scale["sessions"], rng)
        _enrolments(network, owner, user, people, offers, rng)
        _needs(network, people, scale["needs"], rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return network.pk, True


def _drop_network(network_id: int) -> None:
    from django.db import transaction

    from ankommen.dashboard.models import Need, NeedCube, OfferMonth, OfferWaiting, SummaryState
    from ankommen.network.models import Network, Organisation
    from ankommen.offers.models import Enrolment, Offer, Session
    from ankommen.participants.models import Participant

    with transaction.atomic():
        for model in (NeedCube, OfferMonth, OfferWaiting, SummaryState):
            model.objects.filter(network=network_id)._raw_delete(model.objects.db)  # type: ignore[attr-defined]
        for model in (Need, Enrolment, Session, Offer, Participant):
            model.objects.filter(network=network_id)._raw_delete(model.objects.db)  # type: ignore[attr-defined]
        Organisation.objects.filter(network=network_id).delete()
        Network.objects.filter(pk=network_id).delete()


def _bulk(model: Any, objects: list[Any]) -> list[Any]:
    created = []
    for start in range(0, len(objects), BATCH):
        created += model.objects.bulk_create(objects[start : start + BATCH])
    return created


def _pick(rng: np.random.Generator, choices: tuple[list[str], list[float]], size: int) -> np.ndarray:
    values, weights = choices
    p = np.array(weights) / sum(weights)
    return rng.choice(np.array(values, dtype=object), size=size, p=p)


def _participants(network: Any, organisation: Any, user: Any, count: int, rng: np.random.Generator) -> dict[str, Any]:
    from ankommen.participants.models import Participant

    zipf = 1 / np.arange(1, len(DISTRICTS) + 1) ** 0.8
    districts = _pick(rng, (DISTRICTS, list(zipf)), count)
    objects = [
        Participant(
            network=network,
            organisation=organisation,
            reference=f"B-{i:07d}",
            family_name=f"Bench{i}",
            district=districts[i],
            created_by=user,
        )
        for i in range(count)
    ]
    created = _bulk(Participant, objects)
    return {
        "ids": np.array([p.pk for p in created]),
        "district": districts,
        "age_band": _pick(rng, AGE_BANDS, count),
        "status_group": _pick(rng, STATUS_GROUPS, count),
        "language": _pick(rng, LANGUAGES, count),
    }


def _offers(network: Any, provider: Any, user: Any, count: int, sessions: int, rng: np.random.Generator) -> list[Any]:
    from django.utils import timezone

    from ankommen.offers.models import Offer, Session
    from ankommen.participants.choices import StatusType

    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    fields = _pick(rng, FIELDS, count)
    zipf = 1 / np.arange(1, len(DISTRICTS) + 1) ** 0.8
    districts = _pick(rng, (DISTRICTS, list(zipf)), count)
    objects = []
    for i in range(count):
        field = str(fields[i])
        category = str(rng.choice(CATEGORIES[field]))
        restricted = rng.random() < 0.2
        objects.append(
            Offer(
                network=network,
                organisation=provider,
                title=f"Bench offer {i}",
                category=category,
                field_of_action=field,
                status="ended" if rng.random() < 0.3 else "published",
                district=districts[i],
                capacity=int(rng.integers(8, 25)),
                enrolment_unit="session" if rng.random() < 0.2 else "course",
                age_min=18 if rng.random() < 0.15 else None,
                age_max=26 if rng.random() < 0.1 else None,
                open_regardless_of_status=not restricted,
                admitted_statuses=[StatusType.RESIDENCE_PERMIT, StatusType.GESTATTUNG] if restricted else [],
                languages=[str(rng.choice(["ar", "uk", "prs", "tr"]))] if rng.random() < 0.2 else [],
                is_german_course=category == "language" and rng.random() < 0.5,
                created_by=user,
            )
        )
    offers = _bulk(Offer, objects)
    per_offer = max(1, sessions // count)
    rows = []
    for i, offer in enumerate(offers):
        first = today.replace(day=1) - dt.timedelta(days=int(rng.integers(0, 30 * MONTHS)))
        for week in range(per_offer if i < count - 1 else sessions - per_offer * (count - 1)):
            starts = dt.datetime.combine(first + dt.timedelta(weeks=week), dt.time(9), tzinfo=zone)
            rows.append(
                Session(
                    network=network,
                    offer=offer,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                    is_cancelled=rng.random() < 0.03,
                )
            )
    _bulk(Session, rows)
    return offers


def _enrolments(
    network: Any, organisation: Any, user: Any, people: dict[str, Any], offers: list[Any], rng: np.random.Generator
) -> None:
    """Waiting lists now and seats given from them: a waiting place or a promotion for 2 % of the
    people (the bench measures the dashboard, so enrolments are few and need not fill the offers)."""
    from django.utils import timezone

    from ankommen.offers.models import Enrolment

    now = timezone.now()
    ids = people["ids"]
    count = max(1, len(ids) // 50)
    chosen = rng.choice(len(ids), size=count, replace=False)
    rows = []
    for n, index in enumerate(chosen):
        offer = offers[int(rng.integers(0, len(offers)))]
        queued = now - dt.timedelta(days=int(rng.integers(1, 30 * MONTHS)))
        seated = n % 2 == 0
        rows.append(
            Enrolment(
                network=network,
                offer=offer,
                participant_id=int(ids[index]),
                organisation=organisation,
                status="enrolled" if seated else "waiting",
                queued_at=queued,
                enrolled_at=min(now, queued + dt.timedelta(days=int(rng.integers(1, 90)))) if seated else None,
                from_waiting_list=seated,
                created_by=user,
            )
        )
    _bulk(Enrolment, rows)


def need_rows(persons: int, count: int, rng: np.random.Generator, today: dt.date) -> Any:
    """``count`` needs of ``persons`` people (indices), each person 1 to 5 needs spread over 24 months;
    per person and field the earlier needs are met or withdrawn and only the last may be open (one
    open need per field); the derived fields (``prev_month``, met, open) as the recording code
    computes them. Yields (person, field, day, month, prev_month, met_on, withdrawn_on, is_open,
    source), grouped by person and field, oldest first."""
    from ankommen.dashboard.choices import FIRST

    owner = rng.integers(0, persons, size=count)
    field_names, field_weights = FIELDS
    field_index = rng.choice(len(field_names), size=count, p=np.array(field_weights) / sum(field_weights))
    days = rng.integers(0, 30 * MONTHS, size=count)
    met_after = rng.integers(1, 120, size=count)
    open_last = rng.random(size=count) < 0.45
    withdrawn = rng.random(size=count) < 0.15
    order = np.lexsort((-days, field_index, owner))  # by person, then field, then day (oldest first)
    fields = np.array(field_names, dtype=object)[field_index]
    prev: dict[tuple[int, str], dt.date] = {}
    last_of_group = np.ones(count, dtype=bool)
    keys = list(zip(owner[order].tolist(), field_index[order].tolist(), strict=True))
    for i in range(count - 1):
        last_of_group[i] = keys[i] != keys[i + 1]
    for position, index in enumerate(order.tolist()):
        person = int(owner[index])
        field = str(fields[index])
        day = today - dt.timedelta(days=int(days[index]))
        month = day.replace(day=1)
        key = (person, field)
        is_open = bool(last_of_group[position] and open_last[index])
        met_on = withdrawn_on = None
        if not is_open:
            if withdrawn[index]:
                withdrawn_on = min(today, day + dt.timedelta(days=int(met_after[index])))
            else:
                met_on = min(today, day + dt.timedelta(days=int(met_after[index])))
        source = "assessment" if index % 3 == 0 else "interest"
        yield person, field, day, month, prev.get(key, FIRST), met_on, withdrawn_on, is_open, source
        prev[key] = month


def _needs(network: Any, people: dict[str, Any], count: int, rng: np.random.Generator) -> None:
    from django.utils import timezone

    from ankommen.dashboard.models import Need

    rows: list[Any] = []
    for person, field, day, month, prev, met_on, withdrawn_on, is_open, source in need_rows(
        len(people["ids"]), count, rng, timezone.localdate()
    ):
        rows.append(
            Need(
                network=network,
                participant_id=int(people["ids"][person]),
                field=field,
                category=CATEGORIES[field][0],
                source=source,
                recorded_on=day,
                recorded_month=month,
                prev_month=prev,
                met_on=met_on,
                met_within_30=met_on is not None and (met_on - day).days <= 30,
                withdrawn_on=withdrawn_on,
                withdrawn_reason="interest_cancelled" if withdrawn_on else "",
                is_open=is_open,
                district=people["district"][person],
                age_band=people["age_band"][person],
                status_group=people["status_group"][person],
                language=people["language"][person],
            )
        )
        if len(rows) >= BATCH:
            Need.objects.bulk_create(rows)
            rows = []
    if rows:
        Need.objects.bulk_create(rows)


# --- the needs of the page benchmark's network (bench/network_data.py calls this hook) ------------

NEEDS_VERSION = "1"
NEED_COLUMNS = [
    "network", "participant", "field", "category", "source", "recorded_on", "recorded_month", "prev_month",
    "met_on", "met_within_30", "withdrawn_on", "withdrawn_reason", "is_open", "district", "age_band",
    "status_group", "language",
]  # fmt: skip


def generate_network_needs(loader: Any, info: Any, count: int, rng: Any) -> int:
    """Needs of the people 16 and older of ``bench/network_data.py``'s network, written with its
    loader (``COPY``/``executemany``): the generator above, with each person's district, status
    group and first language from the network and the age band on the day the need was recorded.
    That module rebuilds the summary tables afterwards (``rebuild_dashboard``)."""
    from ankommen.cases.choices import age_band
    from ankommen.dashboard.models import Need
    from ankommen.participants.choices import STATUS_GROUPS
    from bench.network_data import DISTRICTS as NETWORK_DISTRICTS

    adults = [i for i, year in enumerate(info.participant_birth_year) if info.anchor.year - year >= 16]
    if not adults or count <= 0:
        return 0
    table = loader.table(Need, NEED_COLUMNS)
    generator = np.random.default_rng(rng.getrandbits(64))
    written = 0
    for person, field, day, month, prev, met_on, withdrawn_on, is_open, source in need_rows(
        len(adults), count, generator, info.anchor
    ):
        i = adults[person]
        band = str(age_band(day.year - info.participant_birth_year[i]))
        table.add(
            (
                info.network_id, i + 1, field, CATEGORIES[field][0], source, day, month, prev, met_on,
                met_on is not None and (met_on - day).days <= 30, withdrawn_on,
                "interest_cancelled" if withdrawn_on else "", is_open,
                NETWORK_DISTRICTS[info.participant_district[i]], band,
                STATUS_GROUPS.get(info.participant_status[i], "none"), info.participant_language[i],
            )
        )  # fmt: skip
        written += 1
    return written


# --- measuring -----------------------------------------------------------------------------------


def combinations(network_id: int, count: int) -> list[Any]:
    """Seeded filter combinations: a period, and each filter with some probability."""
    from django.utils import timezone

    from ankommen.dashboard.forms import add_months
    from ankommen.dashboard.queries import Filters

    rng = np.random.default_rng(SEED + 1)
    this_month = timezone.localdate().replace(day=1)
    result = []
    for _ in range(count):
        length = int(rng.choice([1, 3, 6, 12, 24]))
        end = add_months(this_month, -int(rng.integers(0, 6)))
        values: dict[str, Any] = {"start": add_months(end, -(length - 1)), "end": end}
        if rng.random() < 0.3:
            values["field"] = str(_pick(rng, FIELDS, 1)[0])
        if rng.random() < 0.3:
            values["district"] = str(rng.choice(DISTRICTS[:12]))
        for name, choices in (("age_band", AGE_BANDS), ("status_group", STATUS_GROUPS), ("language", LANGUAGES)):
            if rng.random() < 0.25:
                values[name] = str(_pick(rng, choices, 1)[0])
        values["rows"] = str(rng.choice(["district", "age_band", "status_group", "language"]))
        result.append(Filters(**values))
    return result


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else 0.0


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": _percentile(values, 50),
        "p95_ms": _percentile(values, 95),
        "max_ms": max(values) if values else 0.0,
        "mean_ms": statistics.fmean(values) if values else 0.0,
    }


def measure(network_id: int, scale: dict[str, int], backend: str) -> dict[str, Any]:
    from django.db import connection

    from ankommen.dashboard.models import Need, NeedCube, OfferMonth
    from ankommen.dashboard.report import build
    from ankommen.offers.models import Session

    combos = combinations(network_id, scale["combinations"])
    build(network_id, combos[0])  # warm the connection and the caches of the database
    served: list[float] = []
    live: list[float] = []
    ratios: list[float] = []
    equal = True
    for round_ in range(scale["rounds"]):
        for i, filters in enumerate(combos):
            order = (False, True) if (i + round_) % 2 == 0 else (True, False)
            times: dict[bool, float] = {}
            reports: dict[bool, Any] = {}
            for is_live in order:
                started = time.perf_counter()
                reports[is_live] = build(network_id, filters, live=is_live)
                times[is_live] = (time.perf_counter() - started) * 1000
            served.append(times[False])
            live.append(times[True])
            ratios.append(times[False] / times[True])
            if reports[False] != reports[True]:
                equal = False
                print(f"different report for {filters}", flush=True)
        print(f"round {round_ + 1}: served p95 {_percentile(served, 95):.1f} ms, live p95 "
              f"{_percentile(live, 95):.1f} ms", flush=True)  # fmt: skip
    return {
        "counts": {
            "needs": Need.objects.filter(network=network_id).count(),
            "sessions": Session.objects.filter(network=network_id).count(),
            "cube_rows": NeedCube.objects.filter(network=network_id).count(),
            "offer_months": OfferMonth.objects.filter(network=network_id).count(),
        },
        "served": _stats(served),
        "live": _stats(live),
        "ratio_served_live": sum(served) / sum(live),
        "ratio_median": statistics.median(ratios),
        "equal": equal,
        "orm": measure_orm(network_id, combos),
        "vendor": connection.vendor,
    }


def _raw_demand(network_id: int, filters: Any) -> tuple[str, list[Any]]:
    """The dashboard's demand query on the summary (``queries.demand_queryset`` by month × rows ×
    field), written by hand."""
    from ankommen.dashboard.queries import grain_of

    by = ("month", filters.rows, "field")
    assert set(by) <= {"month", "district", "age_band", "status_group", "language", "field"}  # column names
    dims = set(filters.dimension_filters()) | {filters.rows}
    where = ["network_id = %s", "grain = %s", "month BETWEEN %s AND %s"]
    params: list[Any] = [network_id, grain_of(dims), filters.start, filters.end]
    if filters.field:
        where.append("field = %s")
        params.append(filters.field)
    for dimension, value in filters.dimension_filters().items():
        where.append(f"{dimension} = %s")
        params.append(value)
    columns = ", ".join(by)
    sql = (
        f"SELECT {columns}, SUM(needs), SUM(needs) FILTER (WHERE prev_month < %s), SUM(met_30), SUM(open), "  # noqa: S608
        f"SUM(needs) FILTER (WHERE prev_month < month) FROM dashboard_needcube WHERE {' AND '.join(where)} "
        f"GROUP BY {columns}"
    )
    return sql, [filters.start, *params]


def _raw_supply(network_id: int, filters: Any) -> tuple[str, list[Any]]:
    """The dashboard's supply query (``queries.supply_queryset``: month × rows × field), by hand."""
    from ankommen.dashboard.profiles import bit
    from ankommen.dashboard.queries import MASK_DIMENSIONS, supply_column

    column = supply_column(filters.rows)
    assert column in {"district", "age_mask", "status_mask", "language_mask"}  # a column name
    where = ["network_id = %s", "month BETWEEN %s AND %s"]
    params: list[Any] = [network_id, filters.start, filters.end]
    if filters.field:
        where.append("field = %s")
        params.append(filters.field)
    if filters.district is not None:
        where.append("district = %s")
        params.append(filters.district)
    for dimension, (mask, codes) in MASK_DIMENSIONS.items():
        value = getattr(filters, dimension)
        if value is not None:
            where.append(f"({mask} & %s) > 0")
            params.append(bit(codes, value))
    sql = (
        f"SELECT month, {column}, field, SUM(new_seats), SUM(seats), SUM(sessions), "  # noqa: S608
        f"SUM(seated_from_waiting), SUM(wait_days) FROM dashboard_offermonth WHERE {' AND '.join(where)} "
        f"GROUP BY month, {column}, field"
    )
    return sql, params


def _normal(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Dates as text (SQLite's cursor returns them so), for comparing ORM and SQL rows."""
    return tuple(value.isoformat() if isinstance(value, dt.date) else value for value in row)


def measure_orm(network_id: int, combos: list[Any], repeat: int = 5) -> dict[str, Any]:
    """The dashboard's two aggregate queries through the ORM and by hand: the same rows, timed
    alternately (query built, run and every row fetched)."""
    from django.db import connection

    from ankommen.dashboard.queries import demand_queryset, supply_queryset

    orm_total = sql_total = 0.0
    queries = 0
    for filters in combos:
        pairs = [
            (
                lambda f=filters: demand_queryset(network_id, f, ("month", f.rows, "field")),
                lambda f=filters: _raw_demand(network_id, f),
            ),
            (lambda f=filters: supply_queryset(network_id, f, f.rows), lambda f=filters: _raw_supply(network_id, f)),
        ]
        for make, write in pairs:
            with connection.cursor() as cursor:
                cursor.execute(*write())
                raw_rows = sorted(_normal(tuple(r)) for r in cursor.fetchall())
            orm_rows = sorted(_normal(tuple(r)) for r in make())
            if raw_rows != orm_rows:
                raise AssertionError(f"ORM and SQL differ for {filters}")
            for r in range(repeat):
                for which in ("orm", "sql") if r % 2 == 0 else ("sql", "orm"):
                    # Both build their query on every call (the ORM its queryset, SQL its string).
                    started = time.perf_counter()
                    if which == "orm":
                        list(make())
                        orm_total += time.perf_counter() - started
                    else:
                        with connection.cursor() as cursor:
                            cursor.execute(*write())
                            cursor.fetchall()
                        sql_total += time.perf_counter() - started
            queries += 1
    return {
        "orm_ms": orm_total * 1000,
        "sql_ms": sql_total * 1000,
        "ratio": orm_total / sql_total if sql_total else 0.0,
        "queries": queries,
        "repeat": repeat,
    }


def measure_changes(network_id: int, count: int) -> dict[str, float]:
    """Recording an interest (needs and summary updated in the transaction), rolled back."""
    from django.db import transaction
    from django_scopes import scope

    from ankommen.dashboard import needs
    from ankommen.participants.models import Participant

    times: list[float] = []
    rng = np.random.default_rng(SEED + 2)
    ids = list(Participant.objects.filter(network=network_id).values_list("pk", flat=True)[:5000])
    with scope(network=network_id):
        for _ in range(count):
            person = Participant.objects.get(pk=int(rng.choice(ids)))
            field = str(_pick(rng, FIELDS, 1)[0])
            with transaction.atomic():
                started = time.perf_counter()
                needs.record_interest(person, field)
                times.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
    return _stats(times)


if __name__ == "__main__":
    sys.exit(main())
