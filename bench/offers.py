"""Offers benchmark ([O]): the seat-allocation job end to end from the database against OR-Tools'
min-cost flow called directly, and the offer finder's latency.

    .venv/bin/python -m bench.offers                        # 100,000 × 5,000 × 20 on PostgreSQL
    .venv/bin/python -m bench.offers --quick                # 10,000 × 500 × 20 (a few minutes)
    .venv/bin/python -m bench.offers --database sqlite      # a SQLite file in bench/data/ instead
    .venv/bin/python -m bench.offers --database both        # PostgreSQL, then SQLite (subprocesses)
    .venv/bin/python -m bench.offers --rounds 5 --probes 300 --reload

**Data.** The seat-allocation benchmark's seeded instance (``bench.allocation.generate``: offers
with 8–24 seats, every participant with 20 distinct candidate offers drawn by popularity and
district) becomes a network in a database of its own: the candidate pairs are **waiting places**
(``Enrolment``, status waiting: the interest case managers registered) in course offers whose
seats are given by allocation. Around them, with a seeded generator (``GENERATOR_VERSION``): 20
case-management organisations with a case manager each, 50 provider organisations, participants
with birth date, sex, accommodation (30 % in the ZUE), district, support needs (15 %), a current
residence status, a first language and a German level, 60 % with an open case with goals and
assessed needs; offers with category and field, target groups that admit nearly everyone (a few
with an age limit, a minimum German level, admitted statuses, women only, inside the ZUE),
languages, place, two dates a week for eight weeks; and 200 further offers in which 20 % of the
participants hold a seat (their dates may clash with candidate offers). Written with bulk inserts:
``COPY`` on PostgreSQL (secondary indexes of the enrolment table dropped for the load and rebuilt),
``executemany`` on SQLite; then ``ANALYZE``. Reused while a fingerprint (generator version, sizes,
seed, every migration file) matches; otherwise the database is made anew.

**Where.** PostgreSQL: ``ankommen_bench_offers`` on 127.0.0.1:5432, user postgres
(``--database-url`` / ``BENCH_OFFERS_DATABASE_URL`` for another); a database of its own, because
``bench/participants_registration.py`` truncates the participants of ``ankommen_bench`` (with
``CASCADE``) when it reloads. SQLite: ``bench/data/offers-v<version>-<participants>-<offers>-<k>.sqlite3``.

**(a) Allocation.** An ``AllocationRun`` over all candidate offers. Each round (the order of job
and direct alternates) times **the job's build + solve** (``allocation_data.build(run)``: the
database reads, eligibility, fit and priorities, ``make_problem``; then ``allocate``) and **the
direct solver** (``bench.allocation.direct``: ``SimpleMinCostFlow`` on the built problem's arrays),
checks that both place the same number with the same total score, and reports the ratio; the
median over the rounds is compared with the target (≤ 5×). Once more, the whole job including the
preview (``reasons`` and the proposal rows written) is timed on its own.

**(b) Finder.** ``finding.find_offers`` (the page's work without rendering) for ``--probes``
random participants: p50/p95/p99, with the catalogue arrays cached as in a running server (the
first call, which builds them, is reported on its own), and without the cache; then the finder
page over HTTP (Django's test client, logged in as the person's case manager: middleware, audit
entry, rendering) for a fifth of the probes. Queries per call are counted.

Results go to bench/results/offers-<database>-<participants>-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
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
SEED = 20261201
FULL = (100_000, 5_000, 20)
QUICK = (10_000, 500, 20)
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/ankommen_bench_offers"
ORGANISATIONS = 20
PROVIDERS = 50
SEAT_OFFERS = 200
SEATED_SHARE = 0.2
WEEKS = 8
ALLOCATION_TARGET = 5.0
FINDER_TARGET_MS = 100.0
MARKER_TABLE = "bench_offers"
COPY_CHUNK = 100_000


# --- database ------------------------------------------------------------------------------------


def database_url(database: str, participants: int, offers: int, k: int, explicit: str | None) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA_DIR / f'offers-v{GENERATOR_VERSION}-{participants}-{offers}-{k}.sqlite3'}"
    return explicit or os.environ.get("BENCH_OFFERS_DATABASE_URL", POSTGRES_URL)


def setup_django(url: str) -> None:
    os.environ["ANKOMMEN_ENV"] = "test"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    sys.path.insert(0, str(ROOT.parent))
    import django

    django.setup()


def _admin(url: str) -> tuple[str, str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1), parts.path.lstrip("/")


def fingerprint(participants: int, offers: int, k: int, seed: int) -> str:
    from django.apps import apps

    digest = hashlib.sha256(f"v{GENERATOR_VERSION}-{participants}-{offers}-{k}-{seed}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _stored_fingerprint(url: str) -> str | None:
    if url.startswith("sqlite:///"):
        import sqlite3

        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return None
        with sqlite3.connect(path) as conn:
            try:
                row = conn.execute(f"SELECT value FROM {MARKER_TABLE}").fetchone()  # noqa: S608
            except sqlite3.OperationalError:
                return None
        return row[0] if row else None
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return None
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        try:
            row = conn.execute(f"SELECT value FROM {MARKER_TABLE}").fetchone()  # noqa: S608
        except psycopg.Error:
            return None
    return row[0] if row else None


def _recreate(url: str) -> None:
    from django.db import connections

    connections.close_all()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    admin, name = _admin(url)
    if not name.startswith("ankommen_bench_offers"):
        raise SystemExit(f"refusing to drop {name!r}: give a database of its own (ankommen_bench_offers…)")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Loader:
    """Bulk writes by table: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    def timestamp(self, epoch: int) -> str:
        moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S+00:00" if self.postgres else "%Y-%m-%d %H:%M:%S")

    def write(self, table: str, columns: list[str], rows: Any) -> int:
        written = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor
                chunk: list[tuple[Any, ...]] = []
                names = ", ".join(columns)
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
            else:
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                chunk = []
                for row in rows:
                    chunk.append(tuple(1 if v is True else 0 if v is False else v for v in row))
                    if len(chunk) >= COPY_CHUNK:
                        cursor.executemany(sql.replace("?", "%s"), chunk)
                        written += len(chunk)
                        chunk = []
                if chunk:
                    cursor.executemany(sql.replace("?", "%s"), chunk)
                    written += len(chunk)
        return written

    def next_id(self, table: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            return int(cursor.fetchone()[0]) + 1

    def reset_sequence(self, table: str) -> None:
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                )

    def without_indexes(self, table: str) -> list[str]:
        """Drop the secondary indexes and constraints (not the primary key); return SQL to recreate them."""
        if not self.postgres:
            return []
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype <> 'p'",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _, definition in indexes] + [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
        ]

    def execute(self, statements: list[str]) -> None:
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- generation ----------------------------------------------------------------------------------

CATEGORIES = [
    ("language", "education_language", 0.30),
    ("vocational_orientation", "work_training", 0.12),
    ("workshop", "work_training", 0.10),
    ("qualification", "education_language", 0.08),
    ("placement", "work_training", 0.08),
    ("sport", "social_participation", 0.08),
    ("culture", "social_participation", 0.06),
    ("counselling", "social_participation", 0.06),
    ("meeting_point", "social_participation", 0.06),
    ("daily_structure", "social_participation", 0.06),
]
DOMAINS = ["language", "schooling", "training_work", "income", "housing", "health", "family", "participation"]
STATUSES = [
    ("gestattung", "AsylG § 55", 0.40),
    ("duldung", "AufenthG § 60a Abs. 2 S. 3", 0.22),
    ("aufenthaltserlaubnis", "AufenthG § 25 Abs. 2 S. 1 Alt. 1", 0.18),
    ("aufenthaltserlaubnis", "AufenthG § 24", 0.15),
    ("duldung_60b", "AufenthG § 60b", 0.05),
]
FIRST_LANGUAGES = ["ar", "fa", "prs", "uk", "ti", "so", "tr", "kmr"]
GERMAN = ["", "pre_a1", "A1", "A2", "B1", "B2"]
SLOTS = [(8, 30), (10, 0), (13, 0), (15, 0), (17, 30)]


def _choice(rng: np.random.Generator, options: list[Any], weights: list[float], size: int) -> np.ndarray:
    p = np.array(weights, dtype=float)
    return rng.choice(len(options), size=size, p=p / p.sum())


class Template:
    """Rows of one model as tuples in column order: the model's defaults, then the values given
    (by attribute name, e.g. ``organisation_id``). ``auto_now`` fields get the load's time."""

    def __init__(self, model: Any, stamp: str, *, with_id: bool = True) -> None:
        from django.db.models import AutoField, BigAutoField

        self.table = model._meta.db_table
        fields = [
            f
            for f in model._meta.concrete_fields
            if with_id or not (f.primary_key and isinstance(f, AutoField | BigAutoField))
        ]
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.base: list[Any] = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.base.append(stamp)
            else:
                self.base.append(_plain(f.get_default()))

    def row(self, **values: Any) -> tuple[Any, ...]:
        row = list(self.base)
        for name, value in values.items():
            row[self.index[name]] = value
        return tuple(row)


def _plain(value: Any) -> Any:
    import uuid

    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def load(participants: int, offers: int, k: int, seed: int) -> dict[str, Any]:
    """Write the network into the (empty, migrated) database; returns counts."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from ankommen.accounts.models import User
    from ankommen.network.models import Membership, Network, Organisation
    from ankommen.offers.models import AllocationRun
    from bench.allocation import generate

    started = time.perf_counter()
    instance = generate(participants, offers, k, seed)
    rng = np.random.default_rng(seed + 1)
    loader = Loader()
    now = int(timezone.now().timestamp())
    stamp = loader.timestamp(now)
    today = timezone.localdate()
    counts: dict[str, Any] = {}
    with transaction.atomic():
        # the 2M-row table loads without its secondary indexes and constraints (rebuilt at the end)
        recreate = loader.without_indexes("offers_enrolment")
        network = Template(Network, stamp)
        loader.write(network.table, network.columns, [network.row(id=1, name="Bench offers", slug="bench-offers")])
        orgs = [(i + 1, f"Fallmanagement {i + 1:02d}", "welfare") for i in range(ORGANISATIONS)]
        orgs += [(ORGANISATIONS + i + 1, f"Anbieter {i + 1:02d}", "education_provider") for i in range(PROVIDERS)]
        coordinator_org = ORGANISATIONS + PROVIDERS + 1
        orgs.append((coordinator_org, "Integrationszentrum", "public_authority"))
        organisation = Template(Organisation, stamp)
        loader.write(
            organisation.table,
            organisation.columns,
            [organisation.row(id=pk, network_id=1, name=name, short_name=name, type=kind) for pk, name, kind in orgs],
        )
        password = make_password("bench-password-123")
        user = Template(User, stamp)
        loader.write(
            user.table,
            user.columns,
            [
                user.row(id=i + 1, email=f"bench-{i + 1}@example.org", full_name=f"Bench {i + 1}", password=password)
                for i in range(ORGANISATIONS + 1)
            ],
        )
        membership = Template(Membership, stamp)
        rows = [
            membership.row(id=i + 1, network_id=1, organisation_id=i + 1, user_id=i + 1, role="case_manager")
            for i in range(ORGANISATIONS)
        ]
        rows.append(
            membership.row(
                id=ORGANISATIONS + 1,
                network_id=1,
                organisation_id=coordinator_org,
                user_id=ORGANISATIONS + 1,
                role="coordinator",
            )
        )
        loader.write(membership.table, membership.columns, rows)
        counts["participants"] = _participants(loader, rng, participants, today, stamp)
        counts.update(_statuses_and_languages(loader, rng, participants, today, stamp))
        counts.update(_cases(loader, rng, participants, stamp))
        counts.update(_offers(loader, rng, instance, offers, today, stamp))
        counts.update(_enrolments(loader, rng, instance, participants, offers, now))
        if loader.postgres:
            loader.execute(["SET CONSTRAINTS ALL IMMEDIATE", *recreate])
        run = Template(AllocationRun, stamp)
        loader.write(
            run.table,
            run.columns,
            [run.row(id=1, network_id=1, organisation_id=coordinator_org, created_by_id=ORGANISATIONS + 1)],
        )
        loader.write(
            "offers_allocationrun_offers",
            ["allocationrun_id", "offer_id"],
            ((1, o + 1) for o in range(offers)),
        )
        for table in (
            "network_network",
            "network_organisation",
            "accounts_user",
            "network_membership",
            "participants_participant",
            "participants_residencestatus",
            "participants_languageskill",
            "cases_casetype",
            "cases_case",
            "cases_goal",
            "cases_assessmententry",
            "offers_offer",
            "offers_session",
            "offers_enrolment",
            "offers_allocationrun",
        ):
            loader.reset_sequence(table)
    with loader.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if loader.postgres else "ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _participants(loader: Loader, rng: np.random.Generator, n: int, today: dt.date, stamp: str) -> int:
    from ankommen.participants.models import Participant

    org = rng.integers(1, ORGANISATIONS + 1, n)
    age_days = rng.integers(16 * 365, 60 * 365, n)
    sex = np.where(rng.random(n) < 0.5, "f", "m")
    accommodation = np.array(["zue", "shared", "flat"])[_choice(rng, ["zue", "shared", "flat"], [0.3, 0.4, 0.3], n)]
    district = rng.integers(1, 41, n)
    needs = rng.random(n)
    kinds = np.array(['["single_parent"]', '["disability_support"]', '["psychosocial_support"]'])[rng.integers(0, 3, n)]
    vulnerabilities = np.where(needs < 0.15, kinds, "[]")
    template = Template(Participant, stamp)

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            yield template.row(
                id=i + 1,
                network_id=1,
                organisation_id=int(org[i]),
                reference=f"B-{i + 1:07d}",
                given_name=f"Vorname{i % 997}",
                family_name=f"Bench{i + 1}",
                date_of_birth=(today - dt.timedelta(days=int(age_days[i]))).isoformat(),
                sex=str(sex[i]),
                accommodation=str(accommodation[i]),
                district=f"Bezirk {int(district[i]):02d}",
                vulnerabilities=str(vulnerabilities[i]),
                nationalities="",
                created_by_id=1,
            )

    return loader.write(template.table, template.columns, rows())


def _statuses_and_languages(
    loader: Loader, rng: np.random.Generator, n: int, today: dt.date, stamp: str
) -> dict[str, int]:
    from ankommen.participants.models import LanguageSkill, ResidenceStatus

    kind = _choice(rng, STATUSES, [s[2] for s in STATUSES], n)
    since = rng.integers(30, 700, n)
    employment = np.array(["yes", "permission", "no", "unknown"])[rng.integers(0, 4, n)]
    status = Template(ResidenceStatus, stamp, with_id=False)
    statuses = loader.write(
        status.table,
        status.columns,
        (
            status.row(
                network_id=1,
                participant_id=i + 1,
                status=STATUSES[int(kind[i])][0],
                legal_basis=STATUSES[int(kind[i])][1],
                valid_from=(today - dt.timedelta(days=int(since[i]))).isoformat(),
                employment=str(employment[i]),
            )
            for i in range(n)
        ),
    )
    first = rng.integers(0, len(FIRST_LANGUAGES), n)
    german = _choice(rng, GERMAN, [0.2, 0.2, 0.25, 0.2, 0.1, 0.05], n)
    skill = Template(LanguageSkill, stamp, with_id=False)

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            yield skill.row(
                network_id=1,
                participant_id=i + 1,
                language=FIRST_LANGUAGES[int(first[i])],
                speaking="native",
                listening="native",
            )
            level = GERMAN[int(german[i])]
            if level:
                yield skill.row(network_id=1, participant_id=i + 1, language="de", speaking=level, listening=level)

    languages = loader.write(skill.table, skill.columns, rows())
    return {"statuses": statuses, "languages": languages}


def _cases(loader: Loader, rng: np.random.Generator, n: int, stamp: str) -> dict[str, int]:
    from django.db import connection
    from django.utils import timezone

    from ankommen.cases.models import AssessmentEntry, Case, CaseType, Goal

    kind = Template(CaseType, stamp)
    loader.write(kind.table, kind.columns, [kind.row(id=1, network_id=1, name="Bench")])
    with_case = np.flatnonzero(rng.random(n) < 0.6)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, organisation_id FROM participants_participant ORDER BY id")
        organisation = dict(cursor.fetchall())
    opened = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    case = Template(Case, stamp)
    cases = loader.write(
        case.table,
        case.columns,
        (
            case.row(
                id=c + 1,
                network_id=1,
                organisation_id=organisation[int(p) + 1],
                participant_id=int(p) + 1,
                case_type_id=1,
                lead_id=organisation[int(p) + 1],
                created_by_id=organisation[int(p) + 1],
                phase="implementation",
                reference=f"B-F{c + 1:07d}",
                opened_on=opened,
                phase_started_on=opened,
            )
            for c, p in enumerate(with_case)
        ),
    )
    goals_per = rng.integers(1, 3, with_case.size)
    goal_domain = rng.integers(0, len(DOMAINS), int(goals_per.sum()))
    case_of_goal = np.repeat(np.arange(with_case.size), goals_per)
    goal = Template(Goal, stamp, with_id=False)
    goals = loader.write(
        goal.table,
        goal.columns,
        (
            goal.row(network_id=1, case_id=int(c) + 1, text="Ziel", domain=DOMAINS[int(d)], status="open")
            for c, d in zip(case_of_goal, goal_domain, strict=True)
        ),
    )
    need_domain = rng.integers(0, len(DOMAINS), with_case.size)
    entry = Template(AssessmentEntry, stamp, with_id=False)
    assessments = loader.write(
        entry.table,
        entry.columns,
        (
            entry.row(network_id=1, case_id=c + 1, domain=DOMAINS[int(d)], needs="Bedarf")
            for c, d in enumerate(need_domain)
        ),
    )
    return {"cases": cases, "goals": goals, "assessments": assessments}


def _offers(
    loader: Loader, rng: np.random.Generator, instance: Any, offers: int, today: dt.date, stamp: str
) -> dict[str, int]:
    import uuid
    import zoneinfo

    from ankommen.offers.models import Offer, Session

    total = offers + SEAT_OFFERS
    category = _choice(rng, CATEGORIES, [c[2] for c in CATEGORIES], total)
    provider = rng.integers(ORGANISATIONS + 1, ORGANISATIONS + PROVIDERS + 1, total)
    district = rng.integers(1, 41, total)
    roll = rng.random((total, 6))
    template = Template(Offer, stamp)

    def rows():  # type: ignore[no-untyped-def]
        for o in range(total):
            name, field_of_action, _weight = CATEGORIES[int(category[o])]
            is_course = name == "language" and roll[o, 0] < 0.3
            yield template.row(
                id=o + 1,
                network_id=1,
                organisation_id=int(provider[o]),
                title=f"Angebot {o + 1}",
                category=name,
                field_of_action=field_of_action,
                status="published",
                age_min=16 if roll[o, 1] < 0.5 else None,
                age_max=27 if roll[o, 1] > 0.97 else None,
                open_regardless_of_status=bool(roll[o, 2] >= 0.05),
                admitted_statuses='["gestattung", "duldung", "aufenthaltserlaubnis"]' if roll[o, 2] < 0.05 else "[]",
                gender="women" if roll[o, 3] < 0.02 else "all",
                languages=json.dumps(["de", FIRST_LANGUAGES[o % len(FIRST_LANGUAGES)]]),
                min_german_level="A1" if roll[o, 4] < 0.05 else "",
                is_german_course=is_course,
                entitlement_paths='["entitlement", "obligation", "self_payer"]' if is_course else "[]",
                district=f"Bezirk {int(district[o]):02d}",
                at_zue=bool(roll[o, 5] < 0.03),
                capacity=int(instance.capacities[o]) if o < offers else 400,
                enrolment_unit="course",
                allocates_seats=o < offers,
                feed_key=uuid.UUID(int=o + 1).hex,
                version=1,
                created_by_id=1,
            )

    written = loader.write(template.table, template.columns, rows())
    monday = today + dt.timedelta(days=7 - today.weekday())
    days = np.argsort(rng.random((total, 5)), axis=1)[:, :2]
    slot = rng.integers(0, len(SLOTS), total)
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    session = Template(Session, stamp, with_id=False)

    def sessions():  # type: ignore[no-untyped-def]
        for o in range(total):
            hour, minute = SLOTS[int(slot[o])]
            for week in range(WEEKS):
                for weekday in sorted(days[o].tolist()):
                    day = monday + dt.timedelta(weeks=week, days=int(weekday))
                    begin = int(dt.datetime.combine(day, dt.time(hour, minute), zone).timestamp())
                    yield session.row(
                        network_id=1,
                        offer_id=o + 1,
                        starts_at=loader.timestamp(begin),
                        ends_at=loader.timestamp(begin + 3 * 3600),
                    )

    session_count = loader.write(session.table, session.columns, sessions())
    return {"offers": written, "sessions": session_count}


def _enrolments(
    loader: Loader, rng: np.random.Generator, instance: Any, n: int, offers: int, now: int
) -> dict[str, int]:
    from django.db import connection

    from ankommen.offers.models import Enrolment

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, organisation_id FROM participants_participant ORDER BY id")
        organisation = np.array([row[1] for row in cursor.fetchall()], dtype=np.int64)
        cursor.execute("SELECT id FROM offers_offer WHERE is_german_course")
        german_course = {row[0] for row in cursor.fetchall()}
    stamp = loader.timestamp(now)
    template = Template(Enrolment, stamp, with_id=False)
    cp, co = instance.candidate_participant, instance.candidate_offer
    queued = now - rng.integers(0, 200 * 86400, n)  # per participant: when the interest was registered
    paths = np.array(["entitlement", "obligation", "self_payer"])[rng.integers(0, 3, n)]

    def waiting():  # type: ignore[no-untyped-def]
        for p, o in zip(cp.tolist(), co.tolist(), strict=True):
            yield template.row(
                network_id=1,
                offer_id=o + 1,
                participant_id=p + 1,
                organisation_id=int(organisation[p]),
                status="waiting",
                path=str(paths[p]) if o + 1 in german_course else "",
                queued_at=loader.timestamp(int(queued[p])),
                created_by_id=1,
            )

    count = loader.write(template.table, template.columns, waiting())
    seated = np.flatnonzero(rng.random(n) < SEATED_SHARE)
    seat_offer = offers + 1 + rng.integers(0, SEAT_OFFERS, seated.size)
    seats = loader.write(
        template.table,
        template.columns,
        (
            template.row(
                network_id=1,
                offer_id=int(o),
                participant_id=int(p) + 1,
                organisation_id=int(organisation[p]),
                status="enrolled",
                queued_at=stamp,
                enrolled_at=stamp,
                created_by_id=1,
            )
            for p, o in zip(seated, seat_offer, strict=True)
        ),
    )
    return {"waiting_places": count, "seats": seats}


# --- measuring -----------------------------------------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(int(len(ordered) * share), len(ordered) - 1)], 2)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 2), "n": len(ordered)}


def measure_allocation(rounds: int) -> dict[str, Any]:
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from ankommen.offers.allocation import allocate
    from ankommen.offers.allocation_data import build
    from ankommen.offers.allocation_runs import compute
    from ankommen.offers.models import AllocationRun
    from bench.allocation import Instance, direct

    out: dict[str, Any] = {"rounds": []}
    now = timezone.now()  # one moment for every build: the same waiting days, the same problem
    with scopes_disabled():
        run = AllocationRun.objects.get(pk=1)
        for number in range(rounds):
            measured: dict[str, Any] = {}
            order = ("job", "direct") if number % 2 == 0 else ("direct", "job")
            built = None
            for name in order:
                if name == "job":
                    gc.collect()
                    wall, cpu = time.perf_counter(), time.process_time()
                    built = build(run, now=now)
                    read = time.perf_counter()
                    result = allocate(built.problem)
                    measured["job"] = {
                        "seconds": time.perf_counter() - wall,
                        "build_seconds": read - wall,
                        "solve_seconds": time.perf_counter() - read,
                        "cpu_seconds": time.process_time() - cpu,
                        "build_phases": {k: round(v, 3) for k, v in built.seconds.items()},
                        "placed": result.placed,
                        "total_units": result.total_units,
                        "pairs": built.problem.candidate_count,
                        "candidates": built.candidates,
                        "seats": int(built.free_seats.sum()),
                        "excluded_pairs": built.excluded,
                    }
                else:
                    problem = built.problem if built is not None else build(run, now=now).problem
                    instance = Instance(
                        len(problem.participant_ids),
                        len(problem.offer_ids),
                        problem.capacities,
                        problem.candidate_participant,
                        problem.candidate_offer,
                        problem.score_units,
                        problem.score_decimals,
                    )
                    measured["direct"] = direct(instance)
                print(f"  round {number + 1} {name}: {measured[name]['seconds']:.2f} s", flush=True)
            measured["ratio"] = measured["job"]["seconds"] / measured["direct"]["seconds"]
            measured["same_optimum"] = (measured["job"]["placed"], measured["job"]["total_units"]) == (
                measured["direct"]["placed"],
                measured["direct"]["total_units"],
            )
            out["rounds"].append(measured)
        gc.collect()
        started = time.perf_counter()
        compute(run)
        out["whole_job_seconds"] = round(time.perf_counter() - started, 3)
        run.refresh_from_db()
        out["whole_job_phases"] = run.summary.get("seconds", {})
    rounds_ = out["rounds"]
    out["summary"] = {
        "job_seconds": round(statistics.median(r["job"]["seconds"] for r in rounds_), 3),
        "job_build_seconds": round(statistics.median(r["job"]["build_seconds"] for r in rounds_), 3),
        "job_solve_seconds": round(statistics.median(r["job"]["solve_seconds"] for r in rounds_), 3),
        "direct_seconds": round(statistics.median(r["direct"]["seconds"] for r in rounds_), 3),
        "ratio": round(statistics.median(r["ratio"] for r in rounds_), 3),
        "same_optimum_every_round": all(r["same_optimum"] for r in rounds_),
        "pairs": rounds_[0]["job"]["pairs"],
        "candidates": rounds_[0]["job"]["candidates"],
        "seats": rounds_[0]["job"]["seats"],
        "placed": rounds_[0]["job"]["placed"],
    }
    return out


def measure_finder(probes: int, seed: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_scopes import scope

    from ankommen.network.models import Membership
    from ankommen.offers.finding import clear_cache, find_offers
    from ankommen.participants.models import Participant
    from ankommen.testing.personas import login

    rng = np.random.default_rng(seed + 7)
    with scope(network=1):
        total = Participant.objects.count()
        ids = sorted(int(i) + 1 for i in rng.choice(total, size=min(probes, total), replace=False))
        people = list(Participant.objects.filter(pk__in=ids).order_by("pk"))
        clear_cache()
        started = time.perf_counter()
        find_offers(people[0])
        cold = (time.perf_counter() - started) * 1000
        warm: list[float] = []
        queries: list[int] = []
        shown: list[int] = []
        for person in people:
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                result = find_offers(person)
                warm.append((time.perf_counter() - t) * 1000)
            queries.append(len(captured))
            shown.append(result.eligible_total)
        uncached: list[float] = []
        for person in people[: max(10, len(people) // 4)]:
            clear_cache()
            t = time.perf_counter()
            find_offers(person)
            uncached.append((time.perf_counter() - t) * 1000)
        memberships = {
            m.organisation_id: m for m in Membership.objects.filter(role="case_manager").select_related("user")
        }
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients: dict[int, Client] = {}
    page: list[float] = []
    for person in people[: max(10, len(people) // 5)]:
        membership = memberships[person.organisation_id]
        client = clients.get(membership.pk)
        if client is None:
            client = Client()
            with scope(network=1):
                login(client, membership.user, membership)
            clients[membership.pk] = client
        url = reverse("offers:finder", args=[person.pk])
        t = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    return {
        "cold_ms": round(cold, 2),
        "function_ms": _percentiles(warm),
        "function_without_cache_ms": _percentiles(uncached),
        "page_ms": _percentiles(page),
        "queries_per_call_max": max(queries),
        "eligible_offers_mean": round(sum(shown) / len(shown), 1),
    }


def run_one(args: argparse.Namespace, database: str) -> dict[str, Any]:
    participants, offers, k = QUICK if args.quick else (args.participants, args.offers, args.candidates)
    url = database_url(database, participants, offers, k, args.database_url)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    wanted = fingerprint(participants, offers, k, args.seed)
    stored = None if args.reload else _stored_fingerprint(url)
    loaded: dict[str, Any] = {"reused": stored == wanted}
    if stored != wanted:
        print(f"building the {database} database ({participants:,} × {offers:,} × {k}) …", flush=True)
        _recreate(url)
        call_command("migrate", verbosity=0)
        loaded.update(load(participants, offers, k, args.seed))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {MARKER_TABLE} (value varchar(64))")
            cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s)", [wanted])  # noqa: S608
        print(f"  loaded in {loaded['seconds']} s: {loaded}", flush=True)
    else:
        call_command("migrate", verbosity=0)
        print(f"reusing the {database} database ({participants:,} × {offers:,} × {k})", flush=True)
    report: dict[str, Any] = {
        "benchmark": "offers",
        "date": now_utc(),
        "database": connection.vendor,
        "seed": args.seed,
        "generator_version": GENERATOR_VERSION,
        "scale": {"participants": participants, "offers": offers, "candidates_per_participant": k},
        "load": loaded,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    if not args.no_allocation:
        print("allocation …", flush=True)
        report["allocation"] = measure_allocation(args.rounds)
    if args.probes:
        print("finder …", flush=True)
        report["finder"] = measure_finder(args.probes, args.seed)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"offers-{connection.vendor}-{participants}-{stamp_utc()}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    report["result_file"] = str(out)
    return report


def targets(report: dict[str, Any]) -> dict[str, bool | None]:
    scale = report["scale"]
    at = (
        f"{scale['participants']:,} × {scale['offers']:,} × {scale['candidates_per_participant']}, {report['database']}"
    )
    out: dict[str, bool | None] = {}
    if "allocation" in report:
        s = report["allocation"]["summary"]
        out[f"Allocation end to end from the database ≤ 5× the direct solver ({at})"] = (
            s["ratio"] <= ALLOCATION_TARGET and s["same_optimum_every_round"]
        )
    if "finder" in report:
        out[f"Offer finder ≤ 100 ms p95 ({at})"] = report["finder"]["function_ms"]["p95"] <= FINDER_TARGET_MS
    return out


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The newest measurement of each database and scale (``--database both`` writes one file per
    database), from result files oldest to newest."""
    newest: dict[tuple[str, int], dict[str, Any]] = {}
    for report in reports:
        newest[(report.get("database", "?"), report.get("scale", {}).get("participants", 0))] = report
    runs = [newest[name] for name in sorted(newest)]
    merged: dict[str, Any] = {
        "benchmark": "offers",
        "date": max((r.get("date", "") for r in runs), default=""),
        "runs": runs,
        "targets": {},
        "target_dates": {},
    }
    for run in runs:
        for text, ok in run.get("targets", {}).items():
            merged["targets"][text] = ok
            merged["target_dates"][text] = run.get("date", "")
    return merged


def lines(report: dict[str, Any]) -> list[str]:
    if "runs" in report:  # merged (one run per database)
        return [line for run in report["runs"] for line in lines(run)]
    scale = report["scale"]
    out = [
        f"offers benchmark on {report['database']}: {scale['participants']:,} participants × {scale['offers']:,} "
        f"offers × {scale['candidates_per_participant']} candidates (seed {report['seed']}; load average "
        f"{report['load_average_before'][0]} before, {report['load_average_after'][0]} after)"
    ]
    if "allocation" in report:
        a = report["allocation"]
        s = a["summary"]
        out += [
            f"  allocation: {s['candidates']:,} candidates, {s['pairs']:,} eligible pairs, {s['seats']:,} free seats, "
            f"{s['placed']:,} placed; {len(a['rounds'])} rounds (medians)",
            f"    job build (database → problem)   {s['job_build_seconds']:8.2f} s",
            f"    job solve (allocate)              {s['job_solve_seconds']:8.2f} s",
            f"    job build + solve                 {s['job_seconds']:8.2f} s",
            f"    direct SimpleMinCostFlow          {s['direct_seconds']:8.2f} s",
            f"    ratio job / direct                {s['ratio']:8.2f}   (target ≤ {ALLOCATION_TARGET:g})",
            f"    whole job with the preview stored {a['whole_job_seconds']:8.2f} s",
            f"    same optimum every round: {s['same_optimum_every_round']}",
        ]
    if "finder" in report:
        f = report["finder"]
        fn, nc, pg = f["function_ms"], f["function_without_cache_ms"], f["page_ms"]
        out += [
            f"  finder ({fn['n']} probes): p50 {fn['p50']} ms, p95 {fn['p95']} ms, p99 {fn['p99']} ms; "
            f"first call {f['cold_ms']} ms; at most {f['queries_per_call_max']} queries",
            f"    without the catalogue cache ({nc['n']}): p50 {nc['p50']} ms, p95 {nc['p95']} ms",
            f"    the page over HTTP ({pg['n']}): p50 {pg['p50']} ms, p95 {pg['p95']} ms",
        ]
    for name, ok in report.get("targets", {}).items():
        out.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.offers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("postgresql", "sqlite", "both"), default="postgresql")
    parser.add_argument("--database-url", help=f"PostgreSQL database (default {POSTGRES_URL})")
    parser.add_argument("--participants", type=int, default=FULL[0])
    parser.add_argument("--offers", type=int, default=FULL[1])
    parser.add_argument("--candidates", type=int, default=FULL[2])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK[0]:,} × {QUICK[1]:,} × {QUICK[2]}")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probes", type=int, default=200, help="finder probes (0: skip the finder)")
    parser.add_argument("--no-allocation", action="store_true")
    parser.add_argument("--reload", action="store_true", help="rebuild the database even if it is current")
    args = parser.parse_args(argv)
    if args.database == "both":
        given = list(argv if argv is not None else sys.argv[1:])
        rest: list[str] = []
        skip = False
        for arg in given:
            if skip:
                skip = False
            elif arg == "--database":
                skip = True
            elif not arg.startswith("--database="):
                rest.append(arg)
        code = 0
        for database in ("postgresql", "sqlite"):
            command = [sys.executable, "-m", "bench.offers", *rest, "--database", database]
            code |= subprocess.call(command, cwd=ROOT.parent)
        return code
    report = run_one(args, args.database)
    print(f"results: {report['result_file']}")
    for line in lines(report):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
