"""A deterministic synthetic network at a chosen scale, written with bulk inserts ([BENCH]).

    .venv/bin/python -m bench.network_data --participants 10000 --database sqlite
    .venv/bin/python -m bench.network_data --participants 100000 --database postgresql
    .venv/bin/python -m bench.network_data --participants 100000 --database postgresql --force

Entry point for other code: ``ensure(participants, database=..., seed=...)`` makes sure the
database holds the network of that scale (generating it when needed) and returns its
``NetworkInfo`` (ids the page benchmark needs, counts, the anchor day, whether it was built now).

**Where.** SQLite: a file ``bench/data/network-v<version>-<participants>.sqlite3`` of its own.
PostgreSQL: ``DATABASE_URL`` / ``--database-url`` (default
``postgres://postgres@127.0.0.1:5432/ankommen_bench_pages_<participants>``), created when missing.
Each scale lives in a database of its own, so that 10k, 100k and 1M stay side by side.

**Reuse.** A fingerprint (generator version, seed, scale, the content of every migration file and
the version of the needs hook) is kept in the table ``bench_network`` of the database. When it
matches, nothing is done; when it differs, the database is dropped and made anew: migrations run
first, then the data is loaded. The dates are relative to the *anchor*, the day of generation
(stored with the fingerprint), so that "my work" has due tasks and this week's appointments on
the day it was made; a database reused later shows the same data a little older.

**How.** Rows are made in Python (``random.Random(seed)``, no time or hash randomness involved)
and written by table in large batches, never through models or services: ``COPY`` on PostgreSQL
(with the secondary indexes and constraints of every loaded table dropped for the load and
recreated afterwards, which also checks every foreign key once), ``executemany`` in one
transaction per batch on SQLite. Then ``VACUUM ANALYZE`` / ``ANALYZE``. **No audit entries**
are written: the generated data did not pass through services, and the audit chains of the
network stay empty (``verify_audit`` passes); whatever the benchmark then does through the real
server (logins, reads) is audited by the application as usual.

**Shape** (``shape()``; per 100,000 participants, proportional at other scales): 250,000 cases
and household members (about 180,000 cases and 70,000 members of 20,000 households), 2,000,000
timeline entries, 5,000 offers with 50,000 sessions and their enrolments, 1,000,000 recorded
needs (see "needs" below). One network; case-management organisations grow with the square root
of the scale (6 at 10k, 20 at 100k, 63 at 1M: a bigger network has more organisations, and the
biggest organisation also grows), each with a team lead and case managers at about 40 open cases
each; offer providers with one member of staff each; an integration centre with eight
coordinators (funding programme; one per load client of the coordinators' pages). Participants:
names from ``bench/people_data.py`` (ten origins, Zipf-distributed head plus a long tail of
pseudo-names), birth dates with precision, nationality, place of birth, district,
accommodation, residence status history (1–3 periods, some ending within 60 days), languages
with CEFR levels, contacts, identifiers, spelling variants, schooling and work history, the
duplicate-check keys (``record_keys``). 35 % of people start a household of 2–6. Cases in every
phase (most closed: history), with tasks, appointments, assessment, goals, measures, progress
notes, co-workers and cooperation consents. Offers of every category with weekly sessions,
seats and waiting lists. One funding year with modules, flat rates, calls, verified applicant
organisations, applications in every state with measures, claim lines and payments.

**Needs.** The needs-versus-offers dashboard ([G], ``ankommen/dashboard``) records needs in its
own model. When ``bench/dashboard.py`` provides ``generate_network_needs(loader, network, count,
rng) -> int``, it is called with the loader of this module (``loader.table(Model, columns)`` →
``add(row)``), the ``NetworkInfo`` so far (ids and per-participant arrays) and the number the
scale asks for, and returns the rows it wrote; its ``NEEDS_VERSION`` enters the fingerprint.
Without it no needs are generated and ``NetworkInfo.counts["needs"]`` says 0. Last, the dashboard's
summary tables are rebuilt from the loaded rows with its own ``manage.py rebuild_dashboard``
(its services keep them current, and a bulk load bypasses services).

**Logins.** Every generated member of staff has the same password (``BENCH_PASSWORD``, hashed
once with Argon2 as in production) and a confirmed TOTP device whose key is derived from the
seed and the user id (``totp_key``), so the page benchmark can log in through the real login and
second-factor screens.
"""

from __future__ import annotations

import argparse
import array
import bisect
import datetime as dt
import hashlib
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
GENERATOR_VERSION = 2
DEFAULT_SEED = 20261201
BENCH_PASSWORD = "bench-Passwort-2026-lang"  # noqa: S105 (synthetic accounts of a benchmark database)
BATCH = 20_000
META_TABLE = "bench_network"

PER_100K = {
    "participants": 100_000,
    "cases_and_household_members": 250_000,
    "timeline_entries": 2_000_000,
    "offers": 5_000,
    "sessions": 50_000,
    "needs": 1_000_000,
}
"""The issue's default scale; every other scale is proportional to the participants."""

OPEN_CASES_PER_CASE_MANAGER = 40
COORDINATORS = 8
"""Coordinators of the integration centre: one per load client of the coordinators' pages."""
LOGIN_POOL = 300
"""Extra case managers without cases, for the login benchmark (a TOTP code can be used once per
30-second step and user, so a run of logins needs many accounts)."""

DISTRICTS = (
    "Mitte",
    "Nord",
    "Ost",
    "West",
    "Süd-Ost",
    "Hiltrup",
    "Kinderhaus",
    "Coerde",
    "Gievenbeck",
    "Roxel",
    "Wolbeck",
    "Handorf",
    "Angelmodde",
    "Amelsbüren",
)
STREETS = ("Hafenweg", "Bahnhofstraße", "Kanalstraße", "Grevener Straße", "Wolbecker Straße", "Gartenstraße")
ISO2 = {"SYR": "SY", "IRQ": "IQ", "KUR": "SY", "AFG": "AF", "AFP": "AF", "IRN": "IR", "UKR": "UA"}
ISO2 |= {"RUS": "RU", "ERI": "ER", "SOM": "SO"}
MOTHER_TONGUE = {"SYR": "ar", "IRQ": "ar", "KUR": "kmr", "AFG": "prs", "AFP": "ps", "IRN": "fa", "UKR": "uk"}
MOTHER_TONGUE |= {"RUS": "ru", "ERI": "ti", "SOM": "so"}
PHASES = ("intake", "assessment", "planning", "implementation", "monitoring", "closed")
OPEN_PHASE_WEIGHTS = (10, 15, 15, 40, 20)
DOMAINS: tuple[str, ...] = ("residence", "language", "schooling", "training_work", "income", "housing", "health")
DOMAINS += ("family", "participation", "mobility")
OFFER_TITLES = {
    "language": ("Deutschkurs {level}", "Sprachcafé", "Alphabetisierungskurs", "Berufssprachkurs {level}"),
    "daily_structure": ("Frühstückstreff", "Tagesstruktur am Vormittag"),
    "vocational_orientation": ("Berufsorientierung", "Ausbildungsmesse-Vorbereitung", "Bewerbungstraining"),
    "workshop": ("Fahrradwerkstatt", "Holzwerkstatt", "Nähwerkstatt"),
    "qualification": ("Pflegebasiskurs", "Staplerschein", "Computerkurs"),
    "placement": ("Einstiegsqualifizierung – Vermittlung", "Jobcoaching"),
    "sport": ("Fußball für alle", "Schwimmkurs für Frauen", "Laufgruppe"),
    "culture": ("Theatergruppe", "Stadtführung", "Chor"),
    "counselling": ("Sozialberatung", "Migrationsberatung", "Familienberatung"),
    "legal_information": ("Asylverfahrensberatung", "Infoabend Aufenthaltsrecht"),
    "health": ("Gesundheitslotsen", "Erste-Hilfe-Kurs"),
    "housing": ("Wohnungssuche-Sprechstunde", "Mietführerschein"),
    "meeting_point": ("Begegnungscafé", "Elterncafé"),
}
FIELD_OF = {"language": "education_language", "qualification": "work_training", "placement": "work_training"}
FIELD_OF |= {"vocational_orientation": "work_training", "workshop": "work_training", "housing": "housing"}
TIMELINE_KEYS = (
    ("intake_updated", "intake", None),
    ("assessment_saved", "assessment", "domain"),
    ("goal_added", "plan", "domain"),
    ("goal_changed", "plan", "domain"),
    ("measure_added", "plan", None),
    ("note_added", "note", None),
    ("task_added", "task", "title"),
    ("task_done", "task", "title"),
    ("appointment_added", "appointment", None),
)
TASK_TITLES: tuple[str, ...] = (
    "Termin bei der Ausländerbehörde",
    "Antrag Jobcenter",
    "Anmeldung Sprachkurs",
    "Kita-Platz suchen",
)
TASK_TITLES += ("Unterlagen Anerkennung", "Rückruf Schule", "Wohnungsbewerbung", "Beratungstermin vereinbaren")


def shape(participants: int) -> dict[str, int]:
    """The target sizes at a scale (proportional to the issue's default of 100,000 participants)."""
    return {name: round(value * participants / PER_100K["participants"]) for name, value in PER_100K.items()}


def totp_key(seed: int, user_id: int) -> str:
    """The hex key of a generated user's TOTP device (20 bytes), derived from seed and user id."""
    return hashlib.sha256(f"bench-totp-{seed}-{user_id}".encode()).hexdigest()[:40]


# --- settings and databases ------------------------------------------------------------------


def database_url(participants: int, database: str, url: str | None = None) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA_DIR / f'network-v{GENERATOR_VERSION}-{participants}.sqlite3'}"
    if url:
        return url
    return f"postgres://postgres@127.0.0.1:5432/ankommen_bench_pages_{participants}"


def setup_django(url: str) -> None:
    """Configure Django for the benchmark database (test environment: no debug query log)."""
    import dj_database_url

    os.environ["ANKOMMEN_ENV"] = "test"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ankommen.settings")
    sys.path.insert(0, str(ROOT.parent))
    import django
    from django.conf import settings

    if settings.configured:
        # Set up earlier for another database: reading the marker there and rebuilding here would
        # drop this database and load the data into the other one.
        wanted = dj_database_url.parse(url)
        current = settings.DATABASES["default"]
        if (current.get("ENGINE"), str(current.get("NAME"))) != (wanted["ENGINE"], str(wanted["NAME"])):
            raise RuntimeError(f"Django is already configured for {current.get('NAME')}, not {url}")
    django.setup()


def _admin_url(url: str) -> tuple[str, str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return admin, parts.path.lstrip("/")


def _recreate_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _postgres_exists(url: str) -> bool:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _migrations_digest() -> str:
    from django.apps import apps

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _needs_hook() -> tuple[Callable[..., int] | None, str]:
    """``bench.dashboard.generate_network_needs`` and its version, when the dashboard provides them."""
    from django.apps import apps

    if not apps.is_installed("ankommen.dashboard"):
        return None, "no dashboard app"
    try:
        import importlib

        module = importlib.import_module("bench.dashboard")
    except ModuleNotFoundError:
        return None, "no bench/dashboard.py"
    hook = getattr(module, "generate_network_needs", None)
    if hook is None:
        return None, "bench/dashboard.py has no generate_network_needs"
    return hook, str(getattr(module, "NEEDS_VERSION", "0"))


def fingerprint(participants: int, seed: int) -> str:
    hook, needs_version = _needs_hook()
    parts = [
        f"generator {GENERATOR_VERSION}",
        f"seed {seed}",
        f"participants {participants}",
        f"migrations {_migrations_digest()}",
        f"needs {needs_version if hook else 'none'}",
    ]
    return "; ".join(parts)


def _read_meta() -> dict[str, Any] | None:
    from django.db import connection

    if META_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = 'info'")  # noqa: S608 (constant)
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _write_meta(info: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name varchar(40) PRIMARY KEY, value text)")
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608 (constant)
        cursor.execute(f"INSERT INTO {META_TABLE} (name, value) VALUES ('info', %s)", [json.dumps(info)])  # noqa: S608


# --- the loader ------------------------------------------------------------------------------


class TableWriter:
    """Rows of one table: ``add(row)`` with the values of ``columns`` (field names) in order;
    the other columns get their field's default. Flushed in batches of ``BATCH`` rows."""

    def __init__(self, loader: Loader, model: Any, columns: Sequence[str]) -> None:
        self.loader = loader
        self.model = model
        self.table = model._meta.db_table
        by_name = {f.name: f for f in model._meta.concrete_fields}
        by_name |= {f.attname: f for f in model._meta.concrete_fields}
        given = [by_name[name] for name in columns]
        # the other columns, but an automatic primary key (the database numbers those rows)
        rest = [
            f
            for f in model._meta.concrete_fields
            if f not in given and not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))
        ]
        constants = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = loader.now if f.get_internal_type() == "DateTimeField" else loader.now.date()
            elif f.has_default() and callable(f.default) and f.unique:
                raise ValueError(f"{self.table}.{f.column}: unique with a callable default, give it")
            else:
                value = f.get_default()  # "" for text fields without a default, None otherwise
                if value is None and not f.null:
                    raise ValueError(f"{self.table}.{f.column} has no default: give it")
            constants.append(self._convert(f, value))
        self.fields = given + rest
        self.constants = tuple(constants)
        self.converters = [(i, conv) for i, f in enumerate(given) if (conv := self._converter(f)) is not None]
        self.columns = [f.column for f in self.fields]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        loader.touched.add(self.table)

    def _converter(self, f: Any) -> Callable[[Any], Any] | None:
        kind = f.get_internal_type()
        sqlite = self.loader.vendor == "sqlite"
        if kind == "JSONField":
            return _json
        if kind == "DateTimeField":
            return _sqlite_datetime if sqlite else _aware
        if kind == "DateField" and sqlite:
            return _iso
        if kind == "UUIDField":
            return (lambda v: v.hex) if sqlite else str
        return None

    def _convert(self, f: Any, value: Any) -> Any:
        conv = self._converter(f)
        return value if value is None or conv is None else conv(value)

    def add(self, row: Sequence[Any]) -> None:
        values = list(row)
        for i, conv in self.converters:
            if values[i] is not None:
                values[i] = conv(values[i])
        self.rows.append((*values, *self.constants))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.loader.write(self.table, self.columns, self.rows)
            self.count += len(self.rows)
            self.rows = []


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _sqlite_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return str(value)


def _iso(value: dt.date) -> str:
    return value.isoformat()


class Loader:
    """Writes rows with ``COPY`` (PostgreSQL) or ``executemany`` (SQLite)."""

    def __init__(self, now: dt.datetime) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.now = now
        self.touched: set[str] = set()
        self.writers: list[TableWriter] = []

    def table(self, model: Any, columns: Sequence[str]) -> TableWriter:
        writer = TableWriter(self, model, columns)
        self.writers.append(writer)
        return writer

    def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        names = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def flush(self) -> None:
        for writer in self.writers:
            writer.flush()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for writer in self.writers:
            out[writer.table] = out.get(writer.table, 0) + writer.count
        return out


def _secondary_objects(cursor: Any, tables: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """SQL to drop and recreate the constraints (but primary keys) and indexes of ``tables``:
    (drop, create indexes and unique/check constraints, create foreign keys)."""
    drop: list[str] = []
    create: list[str] = []
    foreign: list[str] = []
    for table in sorted(tables):
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
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
        drop += [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _, kind in constraints if kind == "f"]
        drop += [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for name, _, kind in constraints if kind != "f"]
        drop += [f'DROP INDEX "{name}"' for name, _ in indexes]
        create += [definition for _, definition in indexes]
        for name, definition, kind in constraints:
            statement = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            (foreign if kind == "f" else create).append(statement)
    return drop, create, foreign


# --- names -----------------------------------------------------------------------------------


class _Zipf:
    def __init__(self, items: Sequence[Any], exponent: float = 1.0) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(len(items))))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_SOUNDS = {
    "arabic": (
        ["b", "t", "d", "r", "z", "s", "f", "q", "k", "l", "m", "n", "w", "y", "h", "j", "sh", "kh", "gh"],
        ("a", "i", "u", "aa", "ee"),
    ),
    "persian": (
        ["b", "p", "t", "j", "d", "r", "z", "s", "f", "k", "g", "l", "m", "n", "v", "y", "h", "sh", "kh", "ch"],
        ("a", "e", "i", "o", "u"),
    ),
    "slavic": (
        ["b", "v", "h", "g", "d", "z", "k", "l", "m", "n", "p", "r", "s", "t", "f", "ch", "sh", "ts"],
        ("a", "e", "i", "o", "u", "y"),
    ),
    "ethiopic": (
        ["b", "t", "d", "g", "h", "k", "l", "m", "n", "r", "s", "w", "y", "z", "f", "ts"],
        ("a", "e", "i", "o", "u"),
    ),
}
_LANGUAGE = {"SYR": "arabic", "IRQ": "arabic", "KUR": "arabic", "SOM": "arabic", "AFG": "persian"}
_LANGUAGE |= {"AFP": "persian", "IRN": "persian", "UKR": "slavic", "RUS": "slavic", "ERI": "ethiopic"}
_SUFFIX = {"AFG": "i", "AFP": "zai", "IRN": "i", "UKR": "enko", "RUS": "ov"}


class Names:
    """Given and family names per origin: the curated head of ``bench/people_data.py`` (Zipf) and a
    tail of pseudo-names (40 % of family names, 20 % of given names), so that common names are
    common and a family name search finds tens, not thousands, of people at 100k."""

    def __init__(self, seed: int) -> None:
        from bench import people_data

        self.origins = list(people_data.ORIGINS)
        self.origin_weights = list(itertools.accumulate(float(people_data.ORIGINS[o]["weight"]) for o in self.origins))  # type: ignore[arg-type]
        self.spec = people_data.ORIGINS
        self.places = people_data.PLACE_SPELLINGS
        self.given: dict[tuple[str, str], _Zipf] = {}
        self.family: dict[str, _Zipf] = {}
        self.tail_given: dict[tuple[str, str], list[str]] = {}
        self.tail_family: dict[str, list[str]] = {}
        for origin, spec in people_data.ORIGINS.items():
            self.given[origin, "m"] = _Zipf(spec["male"])  # type: ignore[arg-type]
            self.given[origin, "f"] = _Zipf(spec["female"])  # type: ignore[arg-type]
            self.family[origin] = _Zipf(spec["family"])  # type: ignore[arg-type]
            rng = random.Random(f"{seed}-{origin}")
            self.tail_given[origin, "m"] = [self._pseudo(rng, origin, "") for _ in range(2000)]
            self.tail_given[origin, "f"] = [self._pseudo(rng, origin, "a") for _ in range(2000)]
            self.tail_family[origin] = [self._pseudo(rng, origin, _SUFFIX.get(origin, "")) for _ in range(20000)]

    @staticmethod
    def _pseudo(rng: random.Random, origin: str, suffix: str) -> str:
        consonants, vowels = _SOUNDS[_LANGUAGE[origin]]
        name = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.choice((2, 2, 3))))
        if rng.random() < 0.6:
            name += rng.choice(consonants)
        return (name + suffix).capitalize()

    def origin(self, rng: random.Random) -> str:
        return self.origins[bisect.bisect(self.origin_weights, rng.random() * self.origin_weights[-1])]

    def given_name(self, rng: random.Random, origin: str, sex: str) -> tuple[str, ...]:
        if rng.random() < 0.2:
            return (rng.choice(self.tail_given[origin, sex]),)
        return self.given[origin, sex].draw(rng)  # type: ignore[no-any-return]

    def family_name(self, rng: random.Random, origin: str) -> tuple[str, ...]:
        if rng.random() < 0.4:
            return (rng.choice(self.tail_family[origin]),)
        return self.family[origin].draw(rng)  # type: ignore[no-any-return]

    def place(self, rng: random.Random, origin: str) -> str:
        key: str = rng.choice(self.spec[origin]["places"])  # type: ignore[arg-type]
        return self.places.get(key, (key.title(),))[0]


# --- the network -----------------------------------------------------------------------------


@dataclass
class NetworkInfo:
    """What was generated: ids for the page benchmark and the needs hook, and the counts."""

    participants: int
    seed: int
    anchor: dt.date
    network_id: int = 0
    centre_id: int = 0
    case_organisations: list[int] = field(default_factory=list)
    providers: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    team_leads: dict[int, int] = field(default_factory=dict)  # organisation → user
    case_managers: dict[int, list[int]] = field(default_factory=dict)  # organisation → users
    login_pool: list[int] = field(default_factory=list)
    funding_year_id: int = 0
    emails: dict[int, str] = field(default_factory=dict)  # user → e-mail (staff used by the benchmark)
    counts: dict[str, int] = field(default_factory=dict)
    built_now: bool = False
    build_seconds: float = 0.0
    needs_note: str = ""
    # per participant (index = id − 1), for the needs hook
    participant_organisation: array.array = field(default_factory=lambda: array.array("i"))
    participant_birth_year: array.array = field(default_factory=lambda: array.array("h"))
    participant_district: array.array = field(default_factory=lambda: array.array("b"))
    participant_status: list[str] = field(default_factory=list)
    participant_language: list[str] = field(default_factory=list)
    case_participant: array.array = field(default_factory=lambda: array.array("i"))  # 0: household case
    case_organisation: array.array = field(default_factory=lambda: array.array("i"))
    case_open: array.array = field(default_factory=lambda: array.array("b"))

    def public(self) -> dict[str, Any]:
        """The JSON-safe part, stored with the fingerprint and reused by the page benchmark."""
        return {
            "participants": self.participants,
            "seed": self.seed,
            "anchor": self.anchor.isoformat(),
            "network_id": self.network_id,
            "centre_id": self.centre_id,
            "case_organisations": self.case_organisations,
            "providers": self.providers,
            "coordinators": self.coordinators,
            "team_leads": {str(k): v for k, v in self.team_leads.items()},
            "case_managers": {str(k): v for k, v in self.case_managers.items()},
            "login_pool": self.login_pool,
            "funding_year_id": self.funding_year_id,
            "emails": {str(k): v for k, v in self.emails.items()},
            "counts": self.counts,
            "build_seconds": self.build_seconds,
            "needs_note": self.needs_note,
        }

    @classmethod
    def from_public(cls, data: dict[str, Any]) -> NetworkInfo:
        info = cls(participants=data["participants"], seed=data["seed"], anchor=dt.date.fromisoformat(data["anchor"]))
        info.network_id, info.centre_id = data["network_id"], data["centre_id"]
        info.case_organisations, info.providers = data["case_organisations"], data["providers"]
        info.coordinators, info.login_pool = data["coordinators"], data["login_pool"]
        info.team_leads = {int(k): v for k, v in data["team_leads"].items()}
        info.case_managers = {int(k): v for k, v in data["case_managers"].items()}
        info.funding_year_id = data["funding_year_id"]
        info.emails = {int(k): v for k, v in data["emails"].items()}
        info.counts, info.build_seconds = data["counts"], data["build_seconds"]
        info.needs_note = data.get("needs_note", "")
        return info


class Builder:
    def __init__(self, participants: int, seed: int, anchor: dt.date) -> None:
        from django.utils import timezone

        self.size = shape(participants)
        self.rng = random.Random(seed)
        self.seed = seed
        self.anchor = anchor
        self.now = timezone.make_aware(dt.datetime.combine(anchor, dt.time(8, 0)))
        self.loader = Loader(self.now)
        self.info = NetworkInfo(participants=participants, seed=seed, anchor=anchor)
        self.names = Names(seed)
        self.ids: dict[str, itertools.count[int]] = {}

    def next_id(self, table: str) -> int:
        return next(self.ids.setdefault(table, itertools.count(1)))

    def day(self, offset: int) -> dt.date:
        return self.anchor + dt.timedelta(days=offset)

    def moment(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)

    # -- organisations and staff --------------------------------------------------------------

    def staff(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from ankommen.accounts.models import User
        from ankommen.network.models import Membership, Network, Organisation

        rng, info, P = self.rng, self.info, self.info.participants
        network = self.loader.table(Network, ["id", "name", "slug", "region"])
        info.network_id = self.next_id("network")
        network.add((info.network_id, "Bench-Netzwerk", "bench", "Münster (synthetisch)"))
        orgs = self.loader.table(Organisation, ["id", "network", "name", "short_name", "type", "city", "joined_on"])
        n_case = max(6, round(P**0.5 / 16))
        n_providers = max(5, self.size["offers"] // 40)
        info.centre_id = self.next_id("org")
        orgs.add(
            (
                info.centre_id,
                info.network_id,
                "Kommunales Integrationszentrum",
                "KI",
                "public_authority",
                "Münster",
                self.day(-2000),
            )
        )
        kinds = ("welfare", "welfare", "public_authority", "employment_agency", "welfare")
        for n in range(n_case):
            oid = self.next_id("org")
            info.case_organisations.append(oid)
            name = f"Beratungsstelle {n + 1:03d}"
            orgs.add((oid, info.network_id, name, f"BS{n + 1}", kinds[n % len(kinds)], "Münster", self.day(-1500)))
        provider_kinds = ("education_provider", "club", "volunteer_initiative", "chamber", "education_provider")
        for n in range(n_providers):
            oid = self.next_id("org")
            info.providers.append(oid)
            name = f"Anbieter {n + 1:04d}"
            kind = provider_kinds[n % len(provider_kinds)]
            orgs.add((oid, info.network_id, name, f"A{n + 1}", kind, "Münster", self.day(-1000)))
        # sizes of the case-management organisations: uneven (Zipf 0.6)
        weights = [1 / (rank + 1) ** 0.6 for rank in range(n_case)]
        total = sum(weights)
        self.org_share = [w / total for w in weights]
        self.org_cumulative = list(itertools.accumulate(self.org_share))

        password = make_password(BENCH_PASSWORD, hasher="argon2")
        users = self.loader.table(User, ["id", "email", "full_name", "password", "date_joined"])
        members = self.loader.table(Membership, ["id", "network", "organisation", "user", "role"])
        devices = self.loader.table(TOTPDevice, ["user", "name", "confirmed", "key"])
        joined = self.moment(self.day(-900))

        def person(org: int, role: str, label: str) -> int:
            uid = self.next_id("user")
            email = f"{label}-{uid}@bench.invalid"
            users.add((uid, email, f"{label.replace('-', ' ').title()} {uid}", password, joined))
            members.add((self.next_id("membership"), info.network_id, org, uid, role))
            devices.add((uid, "Authenticator", True, totp_key(self.seed, uid)))
            return uid

        for _ in range(COORDINATORS):
            uid = person(info.centre_id, "coordinator", "koordination")
            info.coordinators.append(uid)
            info.emails[uid] = f"koordination-{uid}@bench.invalid"
        expected_open = 0.36 * P
        for share, oid in zip(self.org_share, info.case_organisations, strict=True):
            lead = person(oid, "team_lead", "teamleitung")
            info.team_leads[oid] = lead
            managers = max(2, round(expected_open * share / OPEN_CASES_PER_CASE_MANAGER))
            info.case_managers[oid] = [person(oid, "case_manager", "fallmanagement") for _ in range(managers)]
            for uid in info.case_managers[oid][:2]:
                info.emails[uid] = f"fallmanagement-{uid}@bench.invalid"
        self.provider_staff: dict[int, int] = {}
        for oid in info.providers:
            self.provider_staff[oid] = person(oid, "offer_provider", "anbieter")
        for _ in range(LOGIN_POOL):
            uid = person(info.case_organisations[0], "case_manager", "anmeldung")
            info.login_pool.append(uid)
            info.emails[uid] = f"anmeldung-{uid}@bench.invalid"
        self.loader.flush()
        _ = rng

    # -- case types ------------------------------------------------------------------------------

    def case_types(self) -> None:
        from ankommen.cases.models import CaseType, CaseTypeTask

        types = self.loader.table(CaseType, ["id", "network", "name", "target_group"])
        tasks = self.loader.table(CaseTypeTask, ["network", "case_type", "title", "phase", "offset_days"])
        names = (
            ("Junge Erwachsene 18–27 – Ausbildung", "18 bis 27 Jahre"),
            ("Erwachsene – Arbeit", "ab 27 Jahren"),
            ("Familie", "Haushalte mit Kindern"),
            ("Aufenthaltssicherung", "Geduldete"),
        )
        self.case_type_ids = []
        for name, group in names:
            tid = self.next_id("case_type")
            self.case_type_ids.append(tid)
            types.add((tid, self.info.network_id, name, group))
            for n, title in enumerate(TASK_TITLES[:3]):
                tasks.add((self.info.network_id, tid, title, PHASES[n], 7 * (n + 1)))
        self.loader.flush()

    # -- participants, households and cases ------------------------------------------------------

    def people_and_cases(self) -> None:
        from ankommen.cases import models as cm
        from ankommen.consents.models import Consent
        from ankommen.participants import models as pm
        from ankommen.participants.keys import person_record_from_values
        from ankommen.participants.matching import record_keys

        L, info = self.loader, self.info
        self.t_participant = L.table(
            pm.Participant,
            [
                "id", "network", "organisation", "reference", "given_name", "family_name", "date_of_birth",
                "birth_date_precision", "sex", "nationalities", "place_of_birth", "entry_date",
                "interpreter_needed", "interpreter_language", "accommodation", "district", "address",
                "interests", "vulnerabilities", "created_by", "created_at",
            ],
        )  # fmt: skip
        self.t_variant = L.table(pm.NameVariant, ["network", "participant", "given_name", "family_name", "kind"])
        self.t_identifier = L.table(pm.Identifier, ["network", "participant", "kind", "value"])
        self.t_language = L.table(
            pm.LanguageSkill, ["network", "participant", "language", "speaking", "listening", "reading", "writing"]
        )
        self.t_contact = L.table(pm.ContactChannel, ["network", "participant", "kind", "value", "preferred"])
        self.t_status = L.table(
            pm.ResidenceStatus,
            ["network", "participant", "status", "legal_basis", "valid_from", "valid_to", "employment"],
        )
        self.t_education = L.table(
            pm.EducationRecord, ["network", "participant", "kind", "country", "from_year", "to_year", "years"]
        )
        self.t_work = L.table(
            pm.WorkRecord, ["network", "participant", "occupation", "country", "from_date", "to_date"]
        )
        self.t_household = L.table(
            pm.Household, ["id", "network", "organisation", "reference", "name", "benefit_unit", "created_at"]
        )
        self.t_member = L.table(
            pm.HouseholdMember, ["network", "participant", "household", "relationship", "childcare"]
        )
        self.t_key = L.table(pm.ParticipantNameKey, ["network", "participant", "key"])
        self.t_case = L.table(
            cm.Case,
            [
                "id", "network", "organisation", "participant", "household", "case_type", "lead", "phase",
                "reference", "opened_on", "phase_started_on", "closed_on", "reassessment_due_on",
                "complex_needs", "several_providers", "consent_recorded", "closure_reason", "goal_attainment",
                "created_by", "created_at",
            ],
        )  # fmt: skip
        self.t_timeline = L.table(cm.TimelineEntry, ["network", "case", "at", "kind", "text_key", "params", "actor"])
        self.t_task = L.table(
            cm.Task,
            ["network", "case", "title", "due_on", "responsible", "assignee", "done_at", "done_by", "created_at"],
        )
        self.t_appointment = L.table(
            cm.Appointment, ["network", "case", "starts_at", "place", "kind", "assignee", "created_by"]
        )
        self.t_assessment = L.table(cm.AssessmentEntry, ["network", "case", "domain", "needs", "resources"])
        self.t_goal = L.table(
            cm.Goal, ["id", "network", "case", "text", "domain", "target_date", "status", "created_at"]
        )
        self.t_measure = L.table(cm.Measure, ["network", "goal", "text", "responsible", "due_on", "status"])
        self.t_note = L.table(cm.ProgressNote, ["network", "goal", "written_on", "text", "author"])
        self.t_role = L.table(cm.CaseRole, ["network", "case", "user", "organisation", "kind", "added_on"])
        self.t_consent = L.table(
            Consent,
            [
                "id", "network", "organisation", "participant", "case", "purpose", "data_categories",
                "language", "form", "given_on", "valid_until", "recorded_by", "created_at",
            ],
        )  # fmt: skip
        self.t_recipients = L.table(Consent.recipients.through, ["consent_id", "organisation_id"])
        self.record_keys = record_keys
        self.person_record = person_record_from_values
        self.expected_cases = 0.0
        self.timeline_mean = self.size["timeline_entries"] / max(1, self.size["cases_and_household_members"] * 0.72)

        rng, P = self.rng, info.participants
        pid = 0
        started = time.monotonic()
        while pid < P:
            org_index = bisect.bisect(self.org_cumulative, rng.random() * self.org_cumulative[-1])
            org_index = min(org_index, len(info.case_organisations) - 1)
            org = info.case_organisations[org_index]
            origin = self.names.origin(rng)
            family = self.names.family_name(rng, origin)
            district = rng.randrange(len(DISTRICTS))
            accommodation = rng.choices(("zue", "shared", "flat", "other"), (10, 35, 50, 5))[0]
            size = rng.randint(2, 6) if rng.random() < 0.35 else 1
            size = min(size, P - pid)
            head_year = min(max(int(rng.gauss(1988, 10)), 1950), 2006)
            members: list[tuple[int, str, int]] = []  # id, relationship, birth year
            for n in range(size):
                pid += 1
                if n == 0:
                    relationship, year = "head", head_year
                elif n == 1 and rng.random() < 0.7:
                    relationship, year = "partner", head_year + rng.randint(-4, 4)
                else:
                    relationship, year = "child", min(head_year + rng.randint(18, 35), self.anchor.year - 1)
                self._participant(pid, org, origin, family, district, accommodation, year)
                members.append((pid, relationship, year))
            household = 0
            if size > 1:
                household = self._household(org, family, members)
            for member_id, _relationship, year in members:
                if self.anchor.year - year >= 16:
                    self._person_cases(member_id, org, year)
            if household and rng.random() < 0.5:
                self._case(org, None, household, rng.random() < 0.5, self.day(-rng.randint(30, 1500)))
            if pid % 50_000 < size:
                rate = pid / max(time.monotonic() - started, 1e-6)
                print(f"\r  participants {pid:,} ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        L.flush()

    def _participant(
        self, pid: int, org: int, origin: str, family: tuple[str, ...], district: int, accommodation: str, year: int
    ) -> None:
        rng, info, net = self.rng, self.info, self.info.network_id
        sex = "m" if rng.random() < 0.55 else "f"
        given = self.names.given_name(rng, origin, sex)
        given_name, family_name = given[0], family[0]
        precision = rng.choices(("exact", "year", "estimated", "month"), (80, 12, 5, 3))[0]
        born = dt.date(year, 1, 1) if precision == "year" else dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        nationality = ISO2[origin]
        place = self.names.place(rng, origin)
        entry = self.day(-rng.randint(60, 3000))
        tongue = MOTHER_TONGUE[origin]
        interpreter = rng.random() < 0.4
        vulnerabilities = ["single_parent"] if rng.random() < 0.05 else []
        creator = info.team_leads[org]
        info.participant_organisation.append(org)
        info.participant_birth_year.append(year)
        info.participant_district.append(district)
        info.participant_language.append(tongue)
        self.t_participant.add(
            (
                pid, net, org, f"P-{pid:07d}", given_name, family_name, born, precision, sex, nationality, place,
                entry, interpreter, tongue if interpreter else "", accommodation, DISTRICTS[district],
                f"{rng.choice(STREETS)} {rng.randint(1, 120)}", "", vulnerabilities, creator,
                self.moment(entry, 9),
            )
        )  # fmt: skip
        variants: list[tuple[str, str]] = []
        if len(given) > 1 and rng.random() < 0.3:
            variants.append((rng.choice(given[1:]), family_name))
        if len(family) > 1 and rng.random() < 0.3:
            variants.append((given_name, rng.choice(family[1:])))
        for variant_given, variant_family in variants:
            self.t_variant.add((net, pid, variant_given, variant_family, "spelling"))
        if rng.random() < 0.6:
            self.t_identifier.add(
                (net, pid, rng.choice(("bamf", "azr", "abh")), f"{rng.randint(1000000, 9999999)}-{pid % 1000:03d}")
            )
        self.t_language.add((net, pid, tongue, "native", "native", rng.choice(("", "native")), ""))
        if rng.random() < 0.7:
            level = rng.choice(("pre_a1", "A1", "A2", "B1", "B2"))
            self.t_language.add((net, pid, "de", level, level, level, level))
        self.t_contact.add((net, pid, "phone", f"+49 15{rng.randint(10, 99)} {rng.randint(1000000, 9999999)}", True))
        # residence status history, the last period current (some ending within 60 days)
        periods = rng.choices((1, 2, 3), (30, 45, 25))[0]
        start = entry
        status = "none"
        for n in range(periods):
            last = n == periods - 1
            if n == 0:
                status = "ankunftsnachweis" if periods > 1 else rng.choice(("gestattung", "duldung"))
            else:
                status = rng.choice(("gestattung", "aufenthaltserlaubnis", "duldung", "aufenthaltserlaubnis"))
            if last:
                end = self.day(rng.randint(-20, 700)) if status != "ankunftsnachweis" else None
                if end is not None and end < start:
                    end = start + dt.timedelta(days=30)
            else:
                end = start + dt.timedelta(days=rng.randint(60, 400))
            basis = {
                "aufenthaltserlaubnis": "AufenthG § 25 Abs. 2 S. 1 Alt. 2",
                "duldung": "AufenthG § 60a Abs. 2 S. 1",
            }
            self.t_status.add(
                (net, pid, status, basis.get(status, ""), start, end, rng.choice(("yes", "permission", "unknown")))
            )
            start = (end or start) + dt.timedelta(days=1)
        info.participant_status.append(status)
        if rng.random() < 0.3:
            first = year + 6
            self.t_education.add((net, pid, "school", nationality, first, first + 9, Decimal("9.0")))
        if rng.random() < 0.2 and year < self.anchor.year - 20:
            begun = dt.date(year + 20, rng.randint(1, 12), 1)
            occupation = rng.choice(("Schneider", "Elektriker", "Lehrerin", "Fahrer", "Koch", "Verkäuferin"))
            self.t_work.add(
                (net, pid, occupation, nationality, begun, begun + dt.timedelta(days=rng.randint(200, 2000)))
            )
        record = self.person_record(
            pid, given_name, family_name, born, precision, sex, nationality, place, variants=variants
        )
        for key in self.record_keys(record):
            self.t_key.add((net, pid, key))

    def _household(self, org: int, family: tuple[str, ...], members: list[tuple[int, str, int]]) -> int:
        rng, net = self.rng, self.info.network_id
        hid = self.next_id("household")
        self.t_household.add((hid, net, org, f"H-{hid:07d}", f"Familie {family[0]}", True, self.now))
        for member_id, relationship, year in members:
            age = self.anchor.year - year
            childcare = "kita" if age < 6 else "school" if age < 16 else "none"
            self.t_member.add((self.info.network_id, member_id, hid, relationship, childcare))
        _ = rng
        return hid

    def _person_cases(self, pid: int, org: int, year: int) -> None:
        rng = self.rng
        k = rng.choices((1, 2, 3, 4), (25, 35, 25, 15))[0]
        opened = self.day(-rng.randint(1800, 2200))
        for n in range(k):
            last = n == k - 1
            is_open = last and rng.random() < 0.4
            opened = opened + dt.timedelta(days=rng.randint(30, 400))
            if opened > self.day(-10):
                opened = self.day(-rng.randint(10, 300))
            self._case(org, pid, None, is_open, opened)

    def _case(self, org: int, pid: int | None, household: int | None, is_open: bool, opened: dt.date) -> None:
        rng, info, net = self.rng, self.info, self.info.network_id
        cid = self.next_id("case")
        managers = info.case_managers[org]
        lead = managers[cid % len(managers)] if is_open else rng.choice(managers)
        phase_index = rng.choices(range(5), OPEN_PHASE_WEIGHTS)[0] if is_open else 5
        phase = PHASES[phase_index]
        span = max(1, (self.anchor - opened).days)
        closed_on = opened + dt.timedelta(days=rng.randint(1, span)) if not is_open else None
        last_day = closed_on or self.anchor
        phase_started = opened + dt.timedelta(days=min(span, 20 * phase_index)) if is_open else closed_on
        reassessment = self.day(rng.randint(-5, 60)) if is_open and phase_index >= 3 and rng.random() < 0.3 else None
        case_type = self.case_type_ids[cid % len(self.case_type_ids)]
        self.t_case.add(
            (
                cid, net, org, pid, household, case_type, lead, phase, f"C-{cid:07d}", opened, phase_started,
                closed_on, reassessment, rng.random() < 0.5, rng.random() < 0.4, True,
                "goals_reached" if closed_on else "", rng.choice(("fully", "mostly", "partly")) if closed_on else "",
                lead, self.moment(opened, 9),
            )
        )  # fmt: skip
        info.case_participant.append(pid or 0)
        info.case_organisation.append(org)
        info.case_open.append(1 if is_open else 0)
        # timeline: opened, the phase changes, work in between; the total follows the scale's target
        entries = max(2, round(rng.gauss(self.timeline_mean, self.timeline_mean / 3)))
        days = sorted(rng.randint(0, span if is_open else (last_day - opened).days) for _ in range(entries - 1))
        self.t_timeline.add((net, cid, self.moment(opened, 9), "phase", "opened", {}, lead))
        changes = set(rng.sample(range(len(days)), min(phase_index, len(days))))
        phase_now = 0
        for n, offset in enumerate(days):
            at = self.moment(opened + dt.timedelta(days=offset), 9 + n % 8, n % 60)
            if n in changes and phase_now < phase_index:
                if phase_now + 1 == 5:
                    self.t_timeline.add((net, cid, at, "phase", "closed", {"reason": "goals_reached"}, lead))
                else:
                    params = {"from_phase": PHASES[phase_now], "to_phase": PHASES[phase_now + 1]}
                    self.t_timeline.add((net, cid, at, "phase", "phase_changed", params, lead))
                phase_now += 1
                continue
            key, kind, param = TIMELINE_KEYS[rng.randrange(len(TIMELINE_KEYS))]
            value = (
                {} if param is None else {param: rng.choice(DOMAINS) if param == "domain" else rng.choice(TASK_TITLES)}
            )
            self.t_timeline.add((net, cid, at, kind, key, value, lead))
        # tasks: one done, one due around today (open cases) or done (closed)
        for n in range(2):
            title = TASK_TITLES[(cid + n) % len(TASK_TITLES)]
            if is_open and n == 1:
                due = self.day(rng.randint(-10, 25))
                self.t_task.add((net, cid, title, due, "case_manager", lead, None, None, self.moment(opened, 10)))
            else:
                due = opened + dt.timedelta(days=7 * (n + 1))
                done = self.moment(min(due, last_day), 15)
                self.t_task.add((net, cid, title, due, "case_manager", lead, done, lead, self.moment(opened, 10)))
        # an appointment: this or next week for open cases, in the past for closed ones
        when = self.day(rng.randint(-3, 10)) if is_open else opened + dt.timedelta(days=rng.randint(1, 30))
        kind = rng.choice(("counselling", "authority", "referral", "interpreter"))
        self.t_appointment.add((net, cid, self.moment(when, 8 + cid % 8), "Beratungsstelle", kind, lead, lead))
        if phase_index >= 1:
            for domain in rng.sample(DOMAINS, 2):
                self.t_assessment.add((net, cid, domain, "Unterstützung nötig", "motiviert"))
        if phase_index >= 2:
            for domain in rng.sample(DOMAINS, 2):
                gid = self.next_id("goal")
                status = "open" if is_open else rng.choice(("achieved", "partly", "not_achieved"))
                target = opened + dt.timedelta(days=180)
                self.t_goal.add(
                    (gid, net, cid, f"Ziel im Bereich {domain}", domain, target, status, self.moment(opened, 11))
                )
                self.t_measure.add(
                    (net, gid, "Maßnahme vereinbaren", "case_manager", target, "done" if not is_open else "open")
                )
                if phase_index >= 3:
                    written = min(opened + dt.timedelta(days=60), last_day)
                    self.t_note.add((net, gid, written, "Fortschritt besprochen", lead))
        if is_open and rng.random() < 0.03 and len(info.case_managers[org]) > 1:
            colleague = next(u for u in info.case_managers[org] if u != lead)
            self.t_role.add((net, cid, colleague, org, "co_worker", opened))
        if is_open and pid is not None and rng.random() < 0.05 and len(info.case_organisations) > 1:
            consent_id = self.next_id("consent")
            given_on = opened + dt.timedelta(days=1)
            self.t_consent.add(
                (consent_id, net, org, pid, cid, "cooperation", ["identity", "contact"], "de", "written", given_on,
                 given_on + dt.timedelta(days=730), lead, self.moment(given_on, 12))
            )  # fmt: skip
            other = info.case_organisations[(info.case_organisations.index(org) + 1) % len(info.case_organisations)]
            self.t_recipients.add((consent_id, other))

    # -- offers ------------------------------------------------------------------------------------

    def offers(self) -> None:
        import uuid

        from ankommen.offers.models import Enrolment, Offer, Session

        L, rng, info, net = self.loader, self.rng, self.info, self.info.network_id
        t_offer = L.table(
            Offer,
            [
                "id", "network", "organisation", "title", "description", "category", "field_of_action", "status",
                "age_min", "languages", "min_german_level", "is_german_course", "entitlement_paths", "address",
                "district", "capacity", "childcare", "is_public", "feed_key", "created_by", "created_at",
            ],
        )  # fmt: skip
        t_session = L.table(Session, ["id", "network", "offer", "starts_at", "ends_at", "created_at"])
        t_enrolment = L.table(
            Enrolment,
            [
                "network", "offer", "participant", "organisation", "status", "path", "queued_at", "enrolled_at",
                "created_by",
            ],
        )  # fmt: skip
        categories = list(OFFER_TITLES)
        sessions_per_offer = self.size["sessions"] / max(1, self.size["offers"])
        participants = info.participants
        feed = random.Random(self.seed + 1)
        for n in range(self.size["offers"]):
            oid = self.next_id("offer")
            provider = info.providers[n % len(info.providers)]
            category = categories[n % len(categories)]
            title = rng.choice(OFFER_TITLES[category]).format(level=rng.choice(("A1", "A2", "B1", "B2")))
            status = rng.choices(("published", "draft", "ended"), (85, 5, 10))[0]
            german = category == "language" and rng.random() < 0.5
            capacity = rng.randint(8, 24)
            district = rng.choice(DISTRICTS)
            t_offer.add(
                (
                    oid, net, provider, f"{title} ({district}, Nr. {n + 1})", "Offenes Angebot für Geflüchtete.",
                    category, FIELD_OF.get(category, "social_participation"), status,
                    16 if rng.random() < 0.3 else None,
                    [rng.choice(("de", "ar", "uk", "fa"))], "", german, ["entitlement", "obligation"] if german else [],
                    f"{rng.choice(STREETS)} {rng.randint(1, 80)}", district, capacity, rng.random() < 0.2,
                    rng.random() < 0.3, uuid.UUID(int=feed.getrandbits(128), version=4), self.provider_staff[provider],
                    self.moment(self.day(-rng.randint(30, 400)), 9),
                )
            )  # fmt: skip
            count = max(1, round(rng.gauss(sessions_per_offer, 2)))
            first = self.day(rng.randint(-60, 30))
            for week in range(count):
                day = first + dt.timedelta(days=7 * week)
                start = self.moment(day, 15)
                t_session.add((self.next_id("session"), net, oid, start, start + dt.timedelta(hours=2), self.now))
            if status == "draft":
                continue
            taken = max(1, round(capacity * rng.uniform(0.5, 1.0)))
            waiting = rng.randint(0, 6) if taken == capacity else 0
            chosen: set[int] = set()
            while len(chosen) < taken + waiting:
                chosen.add(rng.randint(1, participants))
            for k, participant in enumerate(sorted(chosen)):
                org = info.participant_organisation[participant - 1]
                queued = self.moment(first - dt.timedelta(days=rng.randint(1, 60)), 10, k % 60)
                state = "enrolled" if k < taken else "waiting"
                path = "entitlement" if german else ""
                t_enrolment.add(
                    (net, oid, participant, org, state, path, queued, queued if state == "enrolled" else None,
                     info.team_leads[org])
                )  # fmt: skip
        L.flush()

    # -- funding -----------------------------------------------------------------------------------

    def funding(self) -> None:
        from ankommen.funding import models as fm

        L, rng, info, net = self.loader, self.rng, self.info, self.info.network_id
        year = self.anchor.year
        coordinator = info.coordinators[0]
        programme = L.table(fm.Programme, ["id", "network", "name"])
        programme.add((1, net, "KOMM-AN NRW Programmteil II"))
        t_year = L.table(
            fm.FundingYear,
            ["id", "network", "programme", "year", "budget", "second_approval_above", "proof_due_on", "report_due_on"],
        )
        applications = max(20, info.participants // 500)
        budget = Decimal(applications * 6000)
        info.funding_year_id = 1
        t_year.add((1, net, 1, year, budget, Decimal("5000.00"), dt.date(year + 1, 3, 31), dt.date(year + 1, 6, 30)))
        t_module = L.table(fm.Module, ["id", "network", "year", "code"])
        t_rate = L.table(fm.FlatRate, ["id", "network", "module", "code", "title", "unit", "amount"])
        rates: list[tuple[int, int, Decimal]] = []  # rate id, module id, amount
        units = ("month", "session", "accompaniment")
        for m, code in enumerate("ABCD", start=1):
            t_module.add((m, net, 1, code))
            for r in range(3):
                rid = 3 * (m - 1) + r + 1
                amount = Decimal(rng.choice((35, 50, 120, 250, 400)))
                t_rate.add((rid, net, m, f"{code}{r + 1}", f"Pauschale {code}{r + 1}", units[r], amount))
                rates.append((rid, m, amount))
        t_call = L.table(fm.Call, ["id", "network", "year", "title", "opens_on", "deadline"])
        t_call_modules = L.table(fm.Call.modules.through, ["call_id", "module_id"])
        for c in (1, 2):
            opens = dt.date(year, 1 if c == 1 else 6, 1)
            t_call.add((c, net, 1, f"Förderaufruf {year}/{c}", opens, opens + dt.timedelta(days=60)))
            for m in range(1, 5):
                t_call_modules.add((c, m))
        applicants = [oid for oid in info.providers if oid % 5 in (1, 2, 3)] or info.providers
        t_profile = L.table(
            fm.OrganisationProfile,
            [
                "network", "organisation", "state", "legal_form", "representative_name", "representative_function",
                "account_holder", "iban", "checked_by",
            ],
        )  # fmt: skip
        for oid in applicants:
            t_profile.add(
                (
                    net,
                    oid,
                    "verified",
                    "ev",
                    "Vorstand",
                    "Vorsitz",
                    f"Verein {oid}",
                    "DE02120300000000202051",
                    coordinator,
                )
            )
        t_app = L.table(
            fm.Application,
            [
                "id", "network", "year", "call", "organisation", "reference", "title", "summary", "state",
                "requested_total", "approved_total", "created_by", "created_at", "submitted_at", "decided_at",
                "first_approver",
            ],
        )  # fmt: skip
        t_measure = L.table(
            fm.Measure, ["id", "network", "application", "module", "title", "starts_on", "ends_on", "place", "decision"]
        )
        t_line = L.table(
            fm.ClaimLine,
            ["network", "measure", "flat_rate", "quantity", "rate", "amount", "approved_quantity", "approved_amount"],
        )
        t_payment = L.table(
            fm.Payment, ["network", "application", "year", "kind", "amount", "booked_on", "recorded_by"]
        )
        states = ("draft", "submitted", "in_review", "approved", "running", "rejected", "proof_submitted")
        for a in range(1, applications + 1):
            org = applicants[a % len(applicants)]
            state = states[a % len(states)]
            decided = state in ("approved", "running", "rejected", "proof_submitted")
            approved = state in ("approved", "running", "proof_submitted")
            requested = Decimal("0.00")
            granted = Decimal("0.00")
            measures = []
            for m in range(2):
                mid = self.next_id("funding_measure")
                rid, module, amount = rates[(a + m) % len(rates)]
                quantity = Decimal(rng.randint(2, 12))
                line = amount * quantity
                requested += line
                ok_quantity = quantity if approved else None
                granted += line if approved else Decimal("0.00")
                measures.append((mid, module, rid, quantity, amount, line, ok_quantity))
            created = self.moment(dt.date(year, 1, 1) + dt.timedelta(days=a % 150), 10)
            submitted = created + dt.timedelta(days=3) if state != "draft" else None
            t_app.add(
                (a, net, 1, 1 + a % 2, org, f"F-{year}-{a:05d}", f"Projekt {a}", "Begegnung und Begleitung.", state,
                 requested, granted, self.provider_staff[org], created, submitted,
                 created + dt.timedelta(days=20) if decided else None, coordinator if decided else None)
            )  # fmt: skip
            for mid, module, rid, quantity, amount, line, ok_quantity in measures:
                decision = "approved" if approved else "rejected" if state == "rejected" else "pending"
                t_measure.add(
                    (
                        mid,
                        net,
                        a,
                        module,
                        f"Maßnahme {mid}",
                        dt.date(year, 2, 1),
                        dt.date(year, 11, 30),
                        "Treffpunkt",
                        decision,
                    )
                )
                t_line.add(
                    (net, mid, rid, quantity, amount, line, ok_quantity, line if ok_quantity is not None else None)
                )
            if state in ("running", "proof_submitted"):
                t_payment.add((net, a, 1, "payment", granted, dt.date(year, 3, 1), coordinator))
        L.flush()

    # -- needs (the dashboard's hook) ----------------------------------------------------------------

    def needs(self) -> None:
        hook, note = _needs_hook()
        if hook is None:
            self.info.needs_note = f"not generated ({note})"
            self.info.counts["needs"] = 0
            return
        written = hook(self.loader, self.info, self.size["needs"], random.Random(self.seed + 2))
        self.loader.flush()
        self.info.counts["needs"] = int(written)
        self.info.needs_note = "bench.dashboard.generate_network_needs"

    def dashboard_summaries(self) -> None:
        """The dashboard's summary tables are kept current by its services, which a bulk load
        bypasses: rebuild them from the loaded rows with the dashboard's own command."""
        from django.apps import apps
        from django.core.management import call_command, get_commands

        if apps.is_installed("ankommen.dashboard") and "rebuild_dashboard" in get_commands():
            call_command("rebuild_dashboard", network="bench", verbosity=0)


def _finish_postgres(loader: Loader, drop_create: tuple[list[str], list[str], list[str]]) -> None:
    from django.db import connection

    _, create, foreign = drop_create
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in create + foreign:
            cursor.execute(statement)
        for table in sorted(loader.touched):
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, 'id')",
                [table],
            )
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT setval(%s, coalesce((SELECT max(id) FROM {table}), 0) + 1, false)", [sequence])  # noqa: S608
    with connection.cursor() as cursor:
        for table in sorted(loader.touched):
            cursor.execute(f"VACUUM ANALYZE {table}")


def build(participants: int, seed: int, anchor: dt.date) -> NetworkInfo:
    """Load the whole network into the (empty, migrated) database."""
    from django.db import connection, transaction

    started = time.monotonic()
    builder = Builder(participants, seed, anchor)
    postgres = connection.vendor == "postgresql"
    drop_create: tuple[list[str], list[str], list[str]] = ([], [], [])
    if postgres:
        from django.apps import apps

        tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
        tables = [t for t in tables if t in connection.introspection.table_names()]
        with connection.cursor() as cursor:
            drop_create = _secondary_objects(cursor, tables)
            for statement in drop_create[0]:
                cursor.execute(statement)
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    steps: list[tuple[str, Callable[[], None]]] = [
        ("staff", builder.staff),
        ("case types", builder.case_types),
        ("participants and cases", builder.people_and_cases),
        ("offers", builder.offers),
        ("funding", builder.funding),
        ("needs", builder.needs),
    ]
    for name, step in steps:
        t = time.monotonic()
        with transaction.atomic():
            step()
        print(f"  {name}: {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    t = time.monotonic()
    if postgres:
        _finish_postgres(builder.loader, drop_create)
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  indexes and statistics: {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    t = time.monotonic()
    with transaction.atomic():
        builder.dashboard_summaries()
    print(f"  dashboard summaries: {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
    info = builder.info
    info.counts = {**builder.loader.counts(), **{k: v for k, v in info.counts.items() if k == "needs"}}
    info.counts["cases_and_household_members"] = info.counts.get("cases_case", 0) + info.counts.get(
        "participants_householdmember", 0
    )
    info.built_now = True
    info.build_seconds = round(time.monotonic() - started, 1)
    return info


def ensure(
    participants: int,
    *,
    database: str = "sqlite",
    url: str | None = None,
    seed: int = DEFAULT_SEED,
    force: bool = False,
) -> tuple[NetworkInfo, str]:
    """Make sure the database of this scale holds the current network; (info, database URL).

    Configures Django for that database (call once per process)."""
    url = database_url(participants, database, url)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection, connections

    wanted = fingerprint(participants, seed)
    meta = None
    exists = Path(url.removeprefix("sqlite:///")).exists() if database == "sqlite" else _postgres_exists(url)
    if exists and not force:
        meta = _read_meta()
    if meta is not None and meta.get("fingerprint") == wanted:
        return NetworkInfo.from_public(meta["info"]), url
    print(f"generating the network of {participants:,} participants in {url} …", file=sys.stderr, flush=True)
    connections.close_all()
    if database == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        _recreate_postgres(url)
    call_command("migrate", verbosity=0)
    anchor = dt.date.today()
    info = build(participants, seed, anchor)
    _write_meta({"fingerprint": wanted, "info": info.public(), "vendor": connection.vendor})
    print(f"generated in {info.build_seconds:.0f} s", file=sys.stderr, flush=True)
    return info, url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.network_data", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=PER_100K["participants"])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL database (default: ankommen_bench_pages_<participants>)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even if the fingerprint matches")
    args = parser.parse_args(argv)
    info, url = ensure(
        args.participants, database=args.database, url=args.database_url, seed=args.seed, force=args.force
    )
    print(json.dumps({"database": url, "built_now": info.built_now, **info.public()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
