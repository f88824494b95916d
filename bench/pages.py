"""Page latency under load ([BENCH]): the main screens on a production-style server, against the
synthetic network of ``bench/network_data.py``, each figure also as a ratio to a "hello" view.

    .venv/bin/python -m bench.pages                                   # 10k, 100k, 1M on SQLite (long)
    .venv/bin/python -m bench.pages --quick                           # 10k, short runs (minutes)
    .venv/bin/python -m bench.pages --scales 100000 --database postgresql
    .venv/bin/python -m bench.pages --scales 10000,100000 --duration 20 --clients 8

**Server.** gunicorn with ``--workers 2`` (sync workers, as the issue's reference figures) on
127.0.0.1, started with the production environment: ``ANKOMMEN_ENV=production`` (debug off,
two-factor login required, Argon2, the manifest static files served by WhiteNoise, secure cookies,
HSTS and the HTTPS redirect all left on), a random ``SECRET_KEY``, ``ALLOWED_HOSTS=127.0.0.1``,
``DATABASE_URL`` of the generated network, ``ANKOMMEN_VAR_DIR=bench/data/pages-var`` (its own
static files, task queue and media) and ``ANKOMMEN_BENCH_HELLO=1``. Nothing is relaxed: the load
clients play the TLS-terminating reverse proxy of docs/deploy.md and send
``X-Forwarded-Proto: https`` (the setting ``SECURE_PROXY_SSL_HEADER`` trusts it), and the
``Origin`` of the site on the login forms (CSRF). ``collectstatic`` runs first, as in a deployment.

**Logins.** Every load client logs in through the real screens: the login form (e-mail and
password, checked against the Argon2 hash), then the second-factor form with the current code of
the user's TOTP device (computed from the device key the generator derived, with django-otp's own
``TOTP``). No session is made behind the application's back; the audit log records those logins
as it records any.

**Load.** ``--clients`` (8) concurrent clients, each with its own session and its own list of
addresses, for ``--duration`` seconds per page, closed loop (a client sends its next request when
the answer came). With ``wrk`` on the path (Debian package ``wrk``) it generates the load: 8
threads with one connection each, a Lua script gives each its cookie and addresses, counts every
answer that is not 200, and prints the latency percentiles; otherwise a Python client (threads,
``http.client``) does the same. The result names which was used. Every page's latency is measured
from the client: p50, p95, p99, mean and max, throughput (requests per second), and errors
(answers other than 200, connection errors and time-outs; all must be zero).

**Pages.** The start page ("my work") of a case manager; the participant search (a family name,
given and family name, a reference, a family name with the year of birth); the participant page;
the case page; the offer finder and the needs-versus-offers dashboard when their URLs exist
(``PAGES``: both are being built); the funding overview (a coordinator's budget page of the
year); the login page (the form, as a browser first sees it). Case managers use addresses of their
own organisation, drawn with a fixed seed from its participants and cases. The whole login (login
page, password, second-factor page, code) is measured apart, by the Python client, as logins per
second and time per login: it includes an Argon2 hash (deliberately slow, ADR 0005), so no page
target applies to it.

**Hello.** ``GET /bench-hello/`` (``ankommen.core.views.bench_hello``: a public view returning
"hello", routed only under ``ANKOMMEN_BENCH_HELLO=1``) through the same server, middleware and
load generator, without a session, before and after the pages; the mean of the two is the floor.
Every page is reported as ``throughput / hello throughput`` and ``p95 / hello p95``.

**Targets** (the issue's): every page at 100,000 participants p95 ≤ 150 ms with 8 clients, no
errors, throughput ≥ 10 % of hello's; from 10k to 1M participants the p95 of search, participant
page, case page and "my work" grows less than 2×. A target whose scale was not measured is "not
measured" in the report (``merge_reports`` combines the newest figures of every scale and
database from all result files).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import now_utc, stamp_utc

ROOT = Path(__file__).resolve().parent
RESULTS_DIR = ROOT / "results"
VAR_DIR = ROOT / "data" / "pages-var"
HOST = "127.0.0.1"
SCALES = (10_000, 100_000, 1_000_000)
TARGET_SCALE = 100_000
P95_LIMIT_MS = 150.0
HELLO_SHARE = 0.10
GROWTH_LIMIT = 2.0
GROWTH_PAGES = ("search", "participant", "case", "my_work")
ADDRESSES_PER_CLIENT = 200
SEED = 20261202


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    who: str  # "case_manager", "coordinator" or "anonymous"
    url_names: tuple[str, ...] = ()  # candidates; the page is measured when one of them exists


PAGES: tuple[Page, ...] = (
    Page("login", "login page", "anonymous", ("accounts:login",)),
    Page("my_work", 'start page "my work"', "case_manager", ("core:home",)),
    Page("search", "participant search", "case_manager", ("participants:list",)),
    Page("participant", "participant page", "case_manager", ("participants:detail",)),
    Page("case", "case page", "case_manager", ("cases:detail",)),
    Page("offer_finder", "offer finder", "case_manager", ("offers:finder", "offers:find", "offers:participant_finder")),
    Page("dashboard", "needs-versus-offers dashboard", "coordinator", ("dashboard:overview", "dashboard:index")),
    Page("funding", "funding overview (budget)", "coordinator", ("funding:budget",)),
)
PLOTTED = ("my_work", "search", "participant", "case", "offer_finder", "dashboard", "funding")


# --- the server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """The production environment of the benchmark's server (nothing relaxed, see the docstring)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ANKOMMEN_", "DEBUG"))}
    env.update(
        {
            "ANKOMMEN_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "ANKOMMEN_VAR_DIR": str(VAR_DIR),
            "ANKOMMEN_BENCH_HELLO": "1",
            "DJANGO_SETTINGS_MODULE": "ankommen.settings",
        }
    )
    return env


class Server:
    """gunicorn with ``workers`` sync workers on a free loopback port."""

    def __init__(self, database_url: str, workers: int) -> None:
        self.env = server_env(database_url)
        self.workers = workers
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def collectstatic(self) -> None:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT.parent,
            env=self.env,
            check=True,
        )

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "ankommen.wsgi:application", "--bind", f"{HOST}:{self.port}"]
        command += ["--workers", str(self.workers), "--worker-class", "sync", "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT.parent, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                status, _, _ = Client(self.port).get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def errors_logged(self) -> str:
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(line for line in text.splitlines() if "ERROR" in line or "Traceback" in line)[-4000:]


# --- a small HTTP client (logins, warm-up, the Python load generator) ---------------------------


class Client:
    """One browser-like client: cookies, the proxy's ``X-Forwarded-Proto``, a fresh connection per
    request when the server closes it (gunicorn's sync workers do)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.origin = f"https://{HOST}:{port}"

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers | (extra or {})

    def request(
        self, method: str, path: str, body: str | None = None, extra: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=self._headers(extra))
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, data.decode("utf-8", errors="replace")
        raise RuntimeError("unreachable")

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return self.request("POST", path, urllib.parse.urlencode(fields), extra)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(port: int, email: str, password: str, key_hex: str) -> tuple[Client, dict[str, float]]:
    """Log in through the login and the second-factor screens; the client and the time per step."""
    from django_otp.oath import TOTP

    client = Client(port)
    steps: dict[str, float] = {}
    t = time.perf_counter()
    status, _, body = client.get("/accounts/login/")
    steps["login_page"] = time.perf_counter() - t
    token = _CSRF.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"login page: {status}")
    t = time.perf_counter()
    status, headers, _ = client.post(
        "/accounts/login/", {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
    )
    steps["password"] = time.perf_counter() - t
    location = headers.get("location", "")
    if status != 302 or "two-factor" not in location:
        raise RuntimeError(f"password step: {status} {location}")
    path = urllib.parse.urlsplit(location)
    second = path.path + (f"?{path.query}" if path.query else "")
    t = time.perf_counter()
    status, _, body = client.get(second)
    steps["second_factor_page"] = time.perf_counter() - t
    token = _CSRF.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"second-factor page: {status}")
    code = TOTP(bytes.fromhex(key_hex)).token()
    t = time.perf_counter()
    status, headers, _ = client.post(
        second, {"csrfmiddlewaretoken": token.group(1), "code": f"{code:06d}", "next": "/"}
    )
    steps["code"] = time.perf_counter() - t
    if status != 302 or "two-factor" in headers.get("location", ""):
        raise RuntimeError(f"second-factor step: {status} {headers.get('location', '')}")
    return client, steps


# --- load generation ----------------------------------------------------------------------------

WRK_SCRIPT = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  local f = assert(io.open(args[1] .. "/client-" .. id .. ".txt"))
  cookie = f:read("*l")
  paths = {}
  for line in f:lines() do table.insert(paths, line) end
  f:close()
  index = 0
  non200 = 0
  statuses = ""
end
function request()
  index = index % #paths + 1
  local headers = {["X-Forwarded-Proto"] = "https", ["Accept-Language"] = "de"}
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[index], headers)
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if #statuses < 200 then statuses = statuses .. status .. " " .. paths[index] .. ";" end
  end
end
function done(summary, latency, requests)
  local non = 0
  local seen = ""
  for _, thread in ipairs(threads) do
    non = non + thread:get("non200")
    seen = seen .. thread:get("statuses")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "non200": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
    '"examples": "%s"}\n',
    summary.requests, summary.duration, non, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    seen:gsub('"', "'")))
end
"""


def load_wrk(port: int, clients: list[tuple[str, list[str]]], duration: float) -> dict[str, Any]:
    """``clients``: (cookie header, paths) per client. One wrk thread and connection per client."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as work:
        folder = Path(work)
        (folder / "script.lua").write_text(WRK_SCRIPT)
        for n, (cookie, paths) in enumerate(clients):
            (folder / f"client-{n}.txt").write_text("\n".join([cookie, *paths]) + "\n")
        n = len(clients)
        command = ["wrk", "-t", str(n), "-c", str(n), "-d", f"{duration:g}s", "--timeout", "30s"]
        command += ["-s", str(folder / "script.lua"), f"http://{HOST}:{port}", "--", str(folder)]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK-RESULT "))
    raw = json.loads(line.removeprefix("WRK-RESULT "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "throughput": round(raw["requests"] / seconds, 1),
        "latency_ms": {k: round(raw[f"{k}_us"] / 1000, 2) for k in ("p50", "p95", "p99", "mean", "max")},
        "errors": {k: raw[k] for k in ("non200", "connect", "read", "write", "timeout")},
        "error_examples": raw["examples"][:300],
    }


def _summary(latencies: list[float], requests: int, seconds: float, errors: dict[str, int]) -> dict[str, Any]:
    values = sorted(latencies) or [0.0]

    def pick(share: float) -> float:
        return round(values[min(int(len(values) * share), len(values) - 1)] * 1000, 2)

    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "throughput": round(requests / seconds, 1) if seconds else 0.0,
        "latency_ms": {
            "p50": pick(0.50),
            "p95": pick(0.95),
            "p99": pick(0.99),
            "mean": round(statistics.fmean(values) * 1000, 2),
            "max": round(values[-1] * 1000, 2),
        },
        "errors": errors,
    }


def load_python(port: int, clients: list[tuple[str, list[str]]], duration: float) -> dict[str, Any]:
    """The same load with threads and ``http.client`` (when wrk is not installed)."""
    latencies: list[float] = []
    errors = {"non200": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0}
    lock = threading.Lock()
    stop = time.monotonic() + duration
    examples: list[str] = []

    def run(cookie: str, paths: list[str]) -> None:
        client = Client(port)
        if cookie:
            client.cookies = dict(part.split("=", 1) for part in cookie.split("; "))
        own: list[float] = []
        index = 0
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += 1
            t = time.perf_counter()
            try:
                status, _, _ = client.get(path)
            except TimeoutError:
                with lock:
                    errors["timeout"] += 1
                continue
            except OSError:
                with lock:
                    errors["connect"] += 1
                continue
            own.append(time.perf_counter() - t)
            if status != 200:
                with lock:
                    errors["non200"] += 1
                    if len(examples) < 5:
                        examples.append(f"{status} {path}")
        with lock:
            latencies.extend(own)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = _summary(latencies, len(latencies), time.monotonic() - started, errors)
    result["error_examples"] = "; ".join(examples)
    return result


def drain(port: int, timeout: float = 120.0) -> float:
    """Wait until the server has finished what the last load left behind: a load generator stops
    at the end of its time, but the requests it had sent (and the connections queued in the
    listen backlog) are still served. Idle = two hello requests in a row answered within 0.3 s."""
    started = time.monotonic()
    quick = 0
    while quick < 2 and time.monotonic() - started < timeout:
        t = time.monotonic()
        try:
            client = Client(port)
            client.get("/bench-hello/")
            client.close()
        except OSError:
            time.sleep(0.5)
            continue
        quick = quick + 1 if time.monotonic() - t < 0.3 else 0
    return round(time.monotonic() - started, 1)


def load(port: int, clients: list[tuple[str, list[str]]], duration: float) -> dict[str, Any]:
    """One measurement, after the server drained the previous one."""
    drained = drain(port)
    result = load_wrk(port, clients, duration) if shutil.which("wrk") else load_python(port, clients, duration)
    if result["requests"] == 0:  # not a single answer within the time: every client failed
        result["errors"]["none_completed"] = len(clients)
    result["drained_before_s"] = drained
    return result


def load_generator() -> str:
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).splitlines()[0].split(" [")[0]
    return "python http.client threads"


def measure_logins(
    port: int, users: list[tuple[str, str]], password: str, clients: int, duration: float
) -> dict[str, Any]:
    """Whole logins (login page, password, second-factor page, code), ``clients`` at a time.
    A user's code is valid once per 30-second step: users are taken in turn, never twice in 31 s."""
    queue = list(users)
    last_used: dict[str, float] = {}
    lock = threading.Lock()
    flows: list[float] = []
    steps: dict[str, list[float]] = {}
    errors = {"non200": 0, "connect": 0, "read": 0, "write": 0, "timeout": 0}
    examples: list[str] = []
    stop = time.monotonic() + duration

    def next_user() -> tuple[str, str] | None:
        with lock:
            for _ in range(len(queue)):
                email, key = queue.pop(0)
                queue.append((email, key))
                if time.monotonic() - last_used.get(email, -1e9) > 31:
                    last_used[email] = time.monotonic()
                    return email, key
        return None

    def run() -> None:
        while time.monotonic() < stop:
            user = next_user()
            if user is None:
                time.sleep(0.2)
                continue
            t = time.perf_counter()
            try:
                client, timed = login(port, user[0], password, user[1])
                client.close()
            except (RuntimeError, OSError) as exc:
                with lock:
                    errors["non200"] += 1
                    if len(examples) < 5:
                        examples.append(str(exc)[:120])
                continue
            with lock:
                flows.append(time.perf_counter() - t)
                for name, seconds in timed.items():
                    steps.setdefault(name, []).append(seconds)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = _summary(flows, len(flows), time.monotonic() - started, errors)
    result["steps_p95_ms"] = {
        name: round(sorted(v)[min(int(len(v) * 0.95), len(v) - 1)] * 1000, 2) for name, v in steps.items()
    }
    result["error_examples"] = "; ".join(examples)
    return result


# --- one scale ----------------------------------------------------------------------------------


def _url(page: Page, **kwargs: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in page.url_names:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


def _addresses(info: Any, page: Page, client: int, rng: random.Random) -> list[str] | None:
    """The addresses one client requests for ``page`` (``None``: the page does not exist)."""
    from django.urls import NoReverseMatch, reverse
    from django_scopes import scopes_disabled

    from ankommen.cases.models import Case
    from ankommen.participants.models import Participant

    if page.key in ("login", "my_work"):
        url = _url(page)
        return None if url is None else [url]
    if page.key == "funding":
        url = _url(page, year_id=info.funding_year_id)
        return None if url is None else [url]
    if page.key == "dashboard":
        url = _url(page)
        return None if url is None else [url]
    organisations = info.case_organisations
    org = organisations[client % len(organisations)]
    with scopes_disabled():
        if page.key == "case":
            cases = list(Case.objects.filter(organisation=org).values_list("pk", "phase"))
            open_ids = [pk for pk, phase in cases if phase != "closed"]
            closed_ids = [pk for pk, phase in cases if phase == "closed"]
            chosen = rng.sample(open_ids, min(len(open_ids), ADDRESSES_PER_CLIENT * 4 // 5))
            chosen += rng.sample(closed_ids, min(len(closed_ids), ADDRESSES_PER_CLIENT - len(chosen)))
            rng.shuffle(chosen)
            return [reverse("cases:detail", kwargs={"case_id": pk}) for pk in chosen]
        people = list(
            Participant.objects.filter(organisation=org).values_list(
                "pk", "given_name", "family_name", "date_of_birth", "reference"
            )
        )
    sample = rng.sample(people, min(len(people), ADDRESSES_PER_CLIENT))
    if page.key == "participant":
        return [reverse("participants:detail", kwargs={"participant_id": p[0]}) for p in sample]
    if page.key == "offer_finder":
        for name in page.url_names:
            try:
                return [reverse(name, kwargs={"participant_id": p[0]}) for p in sample]
            except NoReverseMatch:
                continue
        return None
    base = reverse("participants:list")
    out = []
    for n, (_pk, given, family, born, reference) in enumerate(sample):
        kind = n % 10
        if kind < 5:
            query = {"q": family}
        elif kind < 8:
            query = {"q": f"{given} {family}"}
        elif kind < 9:
            query = {"q": reference}
        else:
            query = {"q": family, "birth_year": str(born.year if born else 1990)}
        out.append(f"{base}?{urllib.parse.urlencode(query)}")
    return out


def run_scale(
    participants: int, database: str, url: str | None, duration: float, clients: int, workers: int
) -> dict[str, Any]:
    """Generate or reuse the network, start the server, measure every page; the result of one scale."""
    from bench import network_data

    info, database_url = network_data.ensure(participants, database=database, url=url)
    from django.db import connection

    vendor = connection.vendor
    rng = random.Random(SEED + participants)
    addresses: dict[str, list[list[str]]] = {}
    missing: dict[str, str] = {}
    for page in PAGES:
        lists = [_addresses(info, page, n, rng) for n in range(clients)]
        if any(x is None for x in lists):
            missing[page.key] = "URL not there (" + ", ".join(page.url_names) + ")"
        else:
            addresses[page.key] = [x for x in lists if x is not None]
    connection.close()

    server = Server(database_url, workers)
    result: dict[str, Any] = {
        "participants": participants,
        "database": vendor,
        "network": {k: v for k, v in info.public().items() if k in ("anchor", "counts", "build_seconds", "needs_note")},
        "generated_now": info.built_now,
        "clients": clients,
        "workers": workers,
        "duration_s": duration,
        "load_generator": load_generator(),
        "pages": {},
        "missing_pages": missing,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"[{participants:,} {vendor}] collectstatic, starting gunicorn …", file=sys.stderr, flush=True)
    server.collectstatic()
    server.start()
    try:
        from bench.network_data import BENCH_PASSWORD, totp_key

        sessions: dict[int, str] = {}

        def session_of(uid: int) -> str:
            # one login per user (a TOTP code counts once per 30 s): clients of the same user share it
            if uid in sessions:
                return sessions[uid]
            email = info.emails[uid]
            client, _ = login(server.port, email, BENCH_PASSWORD, totp_key(info.seed, uid))
            sessions[uid] = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            client.close()
            return sessions[uid]

        organisations = info.case_organisations
        case_managers = [
            info.case_managers[organisations[n % len(organisations)]][n // len(organisations)] for n in range(clients)
        ]
        cookies = {
            "case_manager": [session_of(uid) for uid in case_managers],
            "coordinator": [session_of(info.coordinators[n % len(info.coordinators)]) for n in range(clients)],
            "anonymous": [""] * clients,
        }
        hello = [("", ["/bench-hello/"])] * clients
        # warm-up: every address kind once per client, each must answer 200
        warm = Client(server.port)
        for page in PAGES:
            if page.key not in addresses:
                continue
            for n in range(clients):
                warm.cookies = (
                    dict(p.split("=", 1) for p in cookies[page.who][n].split("; ")) if cookies[page.who][n] else {}
                )
                for path in addresses[page.key][n][:3]:
                    status, _, _ = warm.get(path)
                    if status != 200:
                        print(f"  warm-up: {status} for {page.key} {path}", file=sys.stderr)
        warm.close()
        print(f"[{participants:,} {vendor}] hello …", file=sys.stderr, flush=True)
        hello_before = load(server.port, hello, duration)
        for page in PAGES:
            if page.key not in addresses:
                continue
            print(f"[{participants:,} {vendor}] {page.title} …", file=sys.stderr, flush=True)
            clients_of = list(zip(cookies[page.who], addresses[page.key], strict=True))
            result["pages"][page.key] = {"title": page.title, **load(server.port, clients_of, duration)}
        hello_after = load(server.port, hello, duration)
        print(f"[{participants:,} {vendor}] whole logins …", file=sys.stderr, flush=True)
        pool = [(info.emails[uid], totp_key(info.seed, uid)) for uid in info.login_pool]
        drain(server.port)
        result["login_flow"] = measure_logins(server.port, pool, BENCH_PASSWORD, clients, duration)
    finally:
        server.stop()
    result["server_errors"] = server.errors_logged()
    result["hello"] = {
        "before": hello_before,
        "after": hello_after,
        "throughput": round((hello_before["throughput"] + hello_after["throughput"]) / 2, 1),
        "p95_ms": round((hello_before["latency_ms"]["p95"] + hello_after["latency_ms"]["p95"]) / 2, 3),
    }
    for figures in result["pages"].values():
        figures["ratio"] = {
            "throughput": round(figures["throughput"] / result["hello"]["throughput"], 4),
            "p95": round(figures["latency_ms"]["p95"] / max(result["hello"]["p95_ms"], 0.001), 1),
        }
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


# --- report ---------------------------------------------------------------------------------------


def _errors(figures: dict[str, Any]) -> int:
    return int(sum(figures["errors"].values()))


def targets(report: dict[str, Any]) -> dict[str, bool | None]:
    """The issue's targets over the measurements of a (merged) report: ``None`` = not measured."""
    out: dict[str, bool | None] = {}
    dates: dict[str, str] = report.setdefault("target_dates", {})
    by_scale: dict[tuple[str, int], dict[str, Any]] = {(r["database"], r["participants"]): r for r in report["runs"]}
    databases = sorted({db for db, _ in by_scale})
    for database in databases or ["postgresql"]:
        run = by_scale.get((database, TARGET_SCALE))
        for page in PAGES:
            text = (
                f"{page.title} at {TARGET_SCALE:,} participants ({database}): p95 ≤ {P95_LIMIT_MS:.0f} ms with 8 "
                f"clients, no errors, ≥ {HELLO_SHARE:.0%} of hello's throughput"
            )
            if run is None or page.key not in run["pages"]:
                out[text] = None
                continue
            f = run["pages"][page.key]
            dates[text] = run.get("date", report.get("date", ""))
            out[text] = (
                f["latency_ms"]["p95"] <= P95_LIMIT_MS and _errors(f) == 0 and f["ratio"]["throughput"] >= HELLO_SHARE
            )
        small, large = by_scale.get((database, SCALES[0])), by_scale.get((database, SCALES[-1]))
        text = (
            f"Growth {SCALES[0] // 1000}k → {SCALES[-1] // 1_000_000}M participants ({database}): p95 of search, "
            f"participant page, case page and my work grows < {GROWTH_LIMIT:g}×"
        )
        if small is None or large is None:
            out[text] = None
        else:
            dates[text] = max(small.get("date", ""), large.get("date", ""))
            out[text] = all(
                large["pages"][key]["latency_ms"]["p95"] < GROWTH_LIMIT * small["pages"][key]["latency_ms"]["p95"]
                for key in GROWTH_PAGES
            )
    return out


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The newest measurement of every (database, scale) from result files oldest to newest."""
    newest: dict[tuple[str, int], dict[str, Any]] = {}
    dates: dict[tuple[str, int], str] = {}
    for report in reports:
        for run in report.get("runs", []):
            key = (run["database"], run["participants"])
            newest[key] = run
            dates[key] = report.get("date", "")
    runs = [dict(newest[key], date=dates[key]) for key in sorted(newest)]
    merged: dict[str, Any] = {"benchmark": "pages", "date": max(dates.values(), default=""), "runs": runs}
    merged["targets"] = targets(merged)
    return merged


def lines(report: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for run in report["runs"]:
        hello = run["hello"]
        out.append(
            f"{run['participants']:,} participants, {run['database']}, {run.get('date', '')[:16]}: "
            f"{run['clients']} clients × {run['duration_s']:g} s per page, gunicorn {run['workers']} sync workers, "
            f"load by {run['load_generator']}; "
            f"load average {run['load_average_before'][0]} → {run['load_average_after'][0]}"
        )
        out.append(
            f"  hello: {hello['throughput']:,.0f} req/s, p95 {hello['p95_ms']:.2f} ms "
            f"(before {hello['before']['throughput']:,.0f}, after {hello['after']['throughput']:,.0f} req/s)"
        )
        out.append(
            "  page                                   req/s  ×hello    p50 ms    p95 ms    p99 ms  ×hello p95  errors"
        )
        for f in run["pages"].values():
            lat = f["latency_ms"]
            out.append(
                f"  {f['title'][:36]:36} {f['throughput']:8.1f}  {f['ratio']['throughput']:6.1%}"
                f" {lat['p50']:9.1f} {lat['p95']:9.1f} {lat['p99']:9.1f} {f['ratio']['p95']:11.1f}  {_errors(f):6d}"
            )
        flow = run.get("login_flow")
        if flow:
            lat = flow["latency_ms"]
            out.append(
                f"  whole login (password + code)        {flow['throughput']:8.1f}  logins/s"
                f" {lat['p50']:8.1f} {lat['p95']:9.1f} {lat['p99']:9.1f}              {_errors(flow):6d}"
            )
        for key, why in run.get("missing_pages", {}).items():
            out.append(f"  {key}: not measured: {why}")
        counts = run["network"]["counts"]
        out.append(
            f"  data: {counts.get('participants_participant', 0):,} participants, "
            f"{counts.get('cases_case', 0):,} cases, "
            f"{counts.get('participants_householdmember', 0):,} household members, "
            f"{counts.get('cases_timelineentry', 0):,} timeline entries, {counts.get('offers_offer', 0):,} offers, "
            f"{counts.get('offers_session', 0):,} sessions, {counts.get('needs', 0):,} needs "
            f"({run['network'].get('needs_note', '')}); generated on {run['network']['anchor']}"
        )
    for text, ok in report["targets"].items():
        out.append(f"  {'PASS' if ok else 'not measured' if ok is None else 'FAIL'}  {text}")
    return out


def latency_series(report: dict[str, Any]) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """p95 per page against scale, per database: {database: {page title: [(participants, ms)]}}."""
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    titles = {p.key: p.title for p in PAGES}
    for run in sorted(report["runs"], key=lambda r: r["participants"]):
        for key in PLOTTED:
            if key in run["pages"]:
                series = out.setdefault(run["database"], {}).setdefault(titles[key], [])
                series.append((run["participants"], run["pages"][key]["latency_ms"]["p95"]))
    return out


# --- command line ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 participants, 10 s per page")
    parser.add_argument("--scales", help="comma-separated numbers of participants (default 10000,100000,1000000)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL database of a single scale (default: one per scale)")
    parser.add_argument("--duration", type=float, help="seconds of load per page (default 20, quick 10)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    duration = args.duration or (10.0 if args.quick else 20.0)
    if args.one_scale:
        # one scale in a process of its own (Django is configured for one database per process);
        # a SIGTERM still stops the server (the ``finally`` in run_scale)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        result = run_scale(args.one_scale, args.database, args.database_url, duration, args.clients, args.workers)
        Path(args.output).write_text(json.dumps(result, indent=2))
        return 0
    scales = [10_000] if args.quick else [int(x) for x in (args.scales or ",".join(map(str, SCALES))).split(",")]
    runs = []
    for participants in scales:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            path = Path(handle.name)
        command = [sys.executable, "-m", "bench.pages", "--one-scale", str(participants), "--database", args.database]
        command += ["--duration", str(duration), "--clients", str(args.clients), "--workers", str(args.workers)]
        command += ["--output", str(path)] + (["--database-url", args.database_url] if args.database_url else [])
        code = subprocess.call(command, cwd=ROOT.parent)
        if code != 0:
            print(f"scale {participants:,}: exit {code}", file=sys.stderr)
            return code
        runs.append(json.loads(path.read_text()))
        path.unlink()
    report: dict[str, Any] = {
        "benchmark": "pages",
        "date": now_utc(),
        "runs": runs,
    }
    report["targets"] = targets(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    name = "-".join(str(s) for s in scales)
    out = RESULTS_DIR / f"pages-{name}-{runs[0]['database']}-{stamp_utc()}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    for line in lines(report):
        print(line)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
