"""``make loadtest``: 50 logged-in users with no think time against gunicorn, then two faults.

Bounded and self-contained: a throwaway PostgreSQL cluster of its own (the same helpers as
``make test``, config/devdb.py), migrated and loaded with the catalogue, the demo data and N
projects; gunicorn with 3 workers on a free port of 127.0.0.1 (production settings, DEBUG=0);
one Procrastinate worker (``manage.py procrastinate worker``) when Procrastinate is installed
and configured. Loopback only; every process it starts is stopped, and the cluster removed, at
the end (Ctrl-C included).

Phases:

1. *baseline*: one user, a few seconds: the service time of each request kind.
2. *steady*: ``--users`` users, no think time, ``--duration`` seconds over the mix workspace,
   wizard step GET, line POST (CSRF, htmx), results page, dossier download (projects that are
   never edited, so their dossier is unchanged). Goals: 0 errors, p95 <= 1 s for the pages and
   for those dossier downloads.
3. *faults*, load still running: (b) the task worker is killed with SIGKILL while it renders
   (a job ``doing``), a new worker is started, and the killed job must be retried and finish;
   (a) ``pg_ctl restart`` of the cluster. Then: every line POST that was acknowledged (200)
   must be in the database, and no job of ``procrastinate_jobs`` may be lost (missing, stuck,
   or failed).

The figures go to docs/benchmarks.md between ``<!-- loadtest -->`` and ``<!-- /loadtest -->``
(only that part of the file is replaced). ``--no-write`` prints them only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import http.cookies
import importlib
import importlib.util
import os
import platform
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from config import devdb  # noqa: E402  (the project's root is on the path only now)

PYTHON = sys.executable
DOC = BASE_DIR / "docs" / "benchmarks.md"
BEGIN, END = "<!-- loadtest -->", "<!-- /loadtest -->"
KINDS = ("workspace", "wizard", "line_post", "results", "dossier")
WEIGHTS = (20, 25, 15, 20, 20)
LABELS = {
    "workspace": "Workspace (`/workspace/`)",
    "wizard": "Wizard step GET",
    "line_post": "Line POST (htmx, CSRF)",
    "results": "Results page",
    "dossier": "Dossier download, unchanged project",
}
PAGE_GOAL_S = 1.0
POST_STEPS = ("costs-software", "costs-integration", "costs-training", "gains-productivity",
              "gains-conversion", "gains-retention")
LINE_LABEL_PREFIX = "LT "


def log(message: str) -> None:
    print(f"loadtest [{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


# --- the private PostgreSQL cluster -----------------------------------------------------------


class Cluster:
    """A throwaway cluster in a temporary directory, on a free port of 127.0.0.1."""

    def __init__(self, *, durable: bool) -> None:
        self.user = devdb.server_user()
        self.durable = durable
        self.tmp = Path(tempfile.mkdtemp(prefix="roi-loadtest-"))
        self.tmp.chmod(0o755)
        self.datadir = self.tmp / "pgdata"
        self.logfile = self.tmp / "postgresql.log"
        self.port = devdb.free_port()
        self.url = f"postgres://{devdb.DB_USER}@127.0.0.1:{self.port}/{devdb.DB_NAME}"
        devdb.init_cluster(self.datadir, self.user)
        self.logfile.touch()
        if self.user is not None:
            os.chown(self.logfile, self.user.pw_uid, self.user.pw_gid)
            os.chown(self.tmp, self.user.pw_uid, self.user.pw_gid)

    @property
    def settings(self) -> str:
        if self.durable:
            return "fsync=on, synchronous_commit=on, full_page_writes=on (durable)"
        return "fsync=off, synchronous_commit=off, full_page_writes=off (as `make test`)"

    def options(self) -> str:
        flags = ("on", "on", "on") if self.durable else ("off", "off", "off")
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                f"-c max_connections=200 -c fsync={flags[0]} -c synchronous_commit={flags[1]} "
                f"-c full_page_writes={flags[2]}")

    def pg_ctl(self, *args: str) -> list[str]:
        return devdb.as_user(self.user, [str(devdb.pg_bin_dir() / "pg_ctl"), *args,
                                         "-D", str(self.datadir)])

    def start(self) -> None:
        subprocess.run(self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.logfile),
                                   "-o", self.options()),
                       check=True, stdout=subprocess.DEVNULL, start_new_session=True)
        devdb.ensure_database(self.port)

    def restart(self, mode: str) -> None:
        # pg_ctl restart has no -l: the new server writes to the stream it is given.
        with open(self.logfile, "ab") as out:
            subprocess.run(self.pg_ctl("restart", "-m", mode, "-w", "-t", "60",
                                       "-o", self.options()),
                           check=True, stdout=out, stderr=subprocess.STDOUT,
                           start_new_session=True)

    def stop(self) -> None:
        subprocess.run(self.pg_ctl("stop", "-m", "fast", "-w"), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def remove(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"),
                             connect_timeout=5, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


# --- the application's processes --------------------------------------------------------------


class Processes:
    """gunicorn and the task worker, each in a session of its own, stopped by pid."""

    def __init__(self, env: dict, logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.gunicorn: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self._logs: list = []

    def _spawn(self, argv: list[str], name: str) -> subprocess.Popen:
        out = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115  (closed in stop_all)
        self._logs.append(out)
        return subprocess.Popen(argv, cwd=BASE_DIR, env=self.env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def start_gunicorn(self, port: int, workers: int) -> None:
        self.gunicorn = self._spawn(
            [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "60", "--backlog", "2048"], "gunicorn")

    def start_worker(self) -> subprocess.Popen:
        worker = self._spawn([PYTHON, "manage.py", "procrastinate", "worker"],
                             f"worker-{len(self.workers) + 1}")
        self.workers.append(worker)
        return worker

    @property
    def worker(self) -> subprocess.Popen | None:
        return self.workers[-1] if self.workers else None

    def stop_all(self) -> None:
        procs = [p for p in [*self.workers, self.gunicorn] if p is not None]
        for proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for out in self._logs:
            out.close()

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.logdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def prepare() -> None:
    """What ``make run`` does before serving, plus the static files of production, in this
    process (one Django start-up instead of five on a busy machine)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("load_catalogue")
        call_command("load_demo")
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


# --- the data ---------------------------------------------------------------------------------


@dataclass
class World:
    users: list[tuple[str, int]]  # (email, client index)
    sessions: dict[str, str]  # email -> session key, for the users not logged in by the form
    projects: dict[int, list[int]]  # client index -> every project id
    hot: dict[int, list[int]]  # client index -> projects that get line POSTs
    cold: dict[int, list[int]]  # client index -> projects never edited (dossier downloads)
    password: str
    lines: int


def build_world(*, users: int, clients: int, projects: int, lines: int,
                form_logins: int, cold_per_client: int) -> World:
    """Clients, consultants and projects with `lines` line items each, in this process."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.db import connections

    from checklist.catalogue.models import CatalogueVersion, SubItem
    from roi.models import Client, LineItem, Membership, RoiProject
    from roi.projects.services import project_refresh_figures

    password = "loadtest-" + secrets.token_hex(8)
    encoded = make_password(password)  # one hash for all: setting up 50 PBKDF2s is not the test
    catalogue = CatalogueVersion.current()
    items = list(SubItem.objects.filter(post__catalogue=catalogue).select_related("post"))
    User = get_user_model()
    world = World(users=[], sessions={}, projects=defaultdict(list), hot=defaultdict(list),
                  cold=defaultdict(list), password=password, lines=lines)
    client_rows = [Client.objects.create(name=f"Charge {c + 1}", sector="Industrie",
                                         headcount=50 + c) for c in range(clients)]
    for index in range(users):
        c = index % clients
        email = f"charge{index + 1}@loadtest.example"
        user = User.objects.create(username=email, email=email, password=encoded,
                                   first_name="Charge", last_name=str(index + 1))
        Membership.objects.create(user=user, client=client_rows[c], role="consultant")
        world.users.append((email, c))
        if index >= form_logins:
            # Logged in as Django's own login() would: one PBKDF2 per user through the form is
            # a minute of this machine's two cores, before the test even starts.
            session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            world.sessions[email] = session.session_key
    per_client = max(cold_per_client + 1, projects // clients)
    for c, client in enumerate(client_rows):
        for p in range(per_client):
            project = RoiProject.objects.create(
                client=client, name=f"Projet {c + 1}.{p + 1}", crm_solution="HubSpot",
                users_count=20, horizon_months=36, discount_rate=Decimal("0.08"),
                catalogue=catalogue)
            LineItem.objects.bulk_create(
                LineItem(project=project, kind=item.post.kind, category=item.post.code,
                         subitem=item, label=f"Ligne {i + 1}", amount=Decimal(1000 + 10 * i),
                         quantity=Decimal(2), recurrence=("once", "monthly", "yearly")[i % 3],
                         start_month=1 + i % 6, position=i,
                         confidence=Decimal("0.8") if item.post.kind == "gain" else 1)
                for i, item in ((i, items[i % len(items)]) for i in range(lines)))
            project_refresh_figures(project)
            world.projects[c].append(project.pk)
            (world.cold if p < cold_per_client else world.hot)[c].append(project.pk)
    connections.close_all()
    return world


def procrastinate_configured() -> tuple[bool, str]:
    """Procrastinate installed and its Django app in INSTALLED_APPS (django is set up)."""
    from django.apps import apps

    if importlib.util.find_spec("procrastinate") is None:
        return False, "not installed"
    if not apps.is_installed("procrastinate.contrib.django"):
        return False, "installed but procrastinate.contrib.django is not in INSTALLED_APPS"
    from importlib.metadata import version

    return True, version("procrastinate")


# --- the users --------------------------------------------------------------------------------


@dataclass
class Bucket:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    started: float = 0.0
    ended: float = 0.0

    @property
    def seconds(self) -> float:
        return max(self.ended - self.started, 1e-9)

    def count(self, kind: str | None = None) -> int:
        kinds = [kind] if kind else list(self.latencies)
        return sum(len(self.latencies[k]) for k in kinds)

    def error_count(self, kind: str | None = None) -> int:
        kinds = [kind] if kind else list(self.errors)
        return sum(sum(self.errors[k].values()) for k in kinds)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


class User:
    """One logged-in browser: its own connection and cookies (kept by hand: the cookies are
    Secure, as in production, and this client speaks plain HTTP to the loopback)."""

    def __init__(self, run: Run, index: int, email: str, client: int) -> None:
        self.run = run
        self.index = index
        self.email = email
        self.client = client
        self.cookies: dict[str, str] = {}
        self.seq = 0
        self.http = httpx.AsyncClient(base_url=run.base, timeout=run.timeout,
                                      follow_redirects=False)

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def keep_cookies(self, response: httpx.Response) -> None:
        for raw in response.headers.get_list("set-cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    async def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        response = await self.http.request(method, url, headers=self.headers(
            kwargs.pop("headers", None)), **kwargs)
        self.keep_cookies(response)
        return response

    def post_headers(self) -> dict:
        return {"Origin": self.run.origin, "Referer": self.run.origin + "/",
                "X-CSRFToken": self.cookies.get("csrftoken", "")}

    async def login(self) -> None:
        session = self.run.world.sessions.get(self.email)
        if session:
            self.cookies["sessionid"] = session
            await self.request("GET", "/workspace/")  # the CSRF cookie, as a browser gets it
            if "csrftoken" not in self.cookies:
                raise RuntimeError(f"no CSRF cookie for {self.email}")
            return
        page = await self.request("GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = await self.request("POST", "/accounts/login/", data={
            "csrfmiddlewaretoken": match.group(1) if match else "",
            "username": self.email, "password": self.run.world.password,
        }, headers=self.post_headers())
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {self.email} failed: {response.status_code}")

    async def one(self, kind: str) -> tuple[bool, str]:
        world, rng = self.run.world, self.run.rng
        if kind == "workspace":
            r = await self.request("GET", "/workspace/")
            return r.status_code == 200, str(r.status_code)
        if kind == "wizard":
            pid = rng.choice(world.projects[self.client])
            r = await self.request("GET", f"/projects/{pid}/wizard/{rng.choice(POST_STEPS)}/")
            return r.status_code == 200, str(r.status_code)
        if kind == "results":
            pid = rng.choice(world.projects[self.client])
            r = await self.request("GET", f"/projects/{pid}/")
            return r.status_code == 200, str(r.status_code)
        if kind == "dossier":
            pid = rng.choice(world.cold[self.client])
            r = await self.request("GET", f"/projects/{pid}/dossier.pdf")
            ok = r.status_code == 200 and r.headers.get("content-type", "").startswith(
                "application/pdf")
            return ok, (str(r.status_code) if r.status_code != 200 else
                        f"200 {r.headers.get('content-type', '?').split(';')[0]} (not ready)")
        # line_post
        pid = rng.choice(world.hot[self.client])
        self.seq += 1
        label = f"{LINE_LABEL_PREFIX}{self.index + 1}-{self.seq}"
        step = rng.choice(POST_STEPS)
        self.run.attempted_writes.add(label)
        r = await self.request("POST", f"/projects/{pid}/wizard/{step}/lines/new/", data={
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "label": label,
            "amount": str(100 + self.seq), "quantity": "1", "recurrence": "once",
            "start_month": "1", "end_month": "", "ramp_up_months": "0",
            "confidence": "100", "margin": "", "assumption": "Charge de test",
        }, headers={**self.post_headers(), "HX-Request": "true"})
        if r.status_code == 200:
            self.run.acked_writes[label] = pid
            self.run.edited_projects.add(pid)
            return True, "200"
        return False, str(r.status_code)

    async def loop(self) -> None:
        run = self.run
        while not run.stopping:
            if self.index >= run.active:
                await asyncio.sleep(0.05)
                continue
            kind = run.rng.choices(KINDS, WEIGHTS)[0]
            bucket = run.bucket
            started = time.monotonic()
            try:
                ok, reason = await self.one(kind)
            except httpx.HTTPError as error:
                ok, reason = False, type(error).__name__
            ended = time.monotonic()
            elapsed = ended - started
            run.timeline.append((started, ended, ok))
            if bucket is None:
                continue
            bucket.latencies[kind].append(elapsed)
            if not ok:
                bucket.errors[kind][reason] += 1


class Run:
    def __init__(self, base: str, world: World, timeout: float) -> None:
        self.base = base
        self.origin = base.replace("http://", "https://")
        self.world = world
        self.timeout = timeout
        self.rng = random.Random(20261202)
        self.active = 0
        self.stopping = False
        self.bucket: Bucket | None = None
        self.acked_writes: dict[str, int] = {}
        self.attempted_writes: set[str] = set()
        self.edited_projects: set[int] = set()
        self.users: list[User] = []
        self.timeline: list[tuple[float, float, bool]] = []  # (started, ended, ok)

    def user_for(self, project: int) -> User:
        """A user who is a member of the project's client."""
        client = next(c for c, pids in self.world.projects.items() if project in pids)
        return next(u for u in self.users if u.client == client)

    def phase(self, users: int) -> Bucket:
        if self.bucket is not None:
            self.bucket.ended = time.monotonic()
        self.active = users
        self.bucket = Bucket(started=time.monotonic())
        return self.bucket

    def end_phase(self) -> None:
        if self.bucket is not None:
            self.bucket.ended = time.monotonic()
        self.active = 0
        self.bucket = None


async def wait_http(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited")
            with contextlib.suppress(httpx.HTTPError):
                r = await http.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
                if r.status_code == 200:
                    return
            await asyncio.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


async def warm_dossiers(run: Run, projects: list[int], *, wait_ready: float) -> dict:
    """Download every dossier once (3 at a time, as many as web workers); with a task worker,
    poll until the PDF is served (the product may answer "en préparation" first)."""
    timings: dict[int, float] = {}
    semaphore = asyncio.Semaphore(3)
    last: dict[int, str] = {}

    async def one(pid: int) -> None:
        user = run.user_for(pid)
        async with semaphore:
            started = time.monotonic()
            deadline = started + wait_ready
            while True:
                try:
                    r = await user.request("GET", f"/projects/{pid}/dossier.pdf")
                    if r.status_code == 200 and r.headers.get("content-type", "").startswith(
                            "application/pdf"):
                        timings[pid] = time.monotonic() - started
                        return
                    last[pid] = f"{r.status_code} {r.headers.get('content-type')}"
                except httpx.HTTPError as error:
                    last[pid] = repr(error)
                if time.monotonic() > deadline:
                    timings[pid] = float("nan")
                    log(f"dossier of project {pid} not served as a PDF: {last.get(pid)}")
                    return
                await asyncio.sleep(0.5)

    await asyncio.gather(*(one(pid) for pid in projects))
    return timings


# --- the faults -------------------------------------------------------------------------------


JOB_STATUSES_OPEN = ("todo", "doing")


def jobs(cluster: Cluster) -> dict[int, tuple[str, str, int]]:
    rows = cluster.query("SELECT id, status::text, task_name, attempts FROM procrastinate_jobs")
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def queue_idle(cluster: Cluster) -> bool:
    (count,) = cluster.query(
        "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing' OR (status = 'todo' "
        "AND (scheduled_at IS NULL OR scheduled_at <= now()))")[0]
    return count == 0


async def kill_worker_mid_render(procs: Processes, cluster: Cluster, pattern: str,
                                 report: dict, timeout: float = 25) -> None:
    """SIGKILL the task worker while a render job is ``doing``, then start a new worker."""
    deadline = time.monotonic() + timeout
    report.update(killed_job=None)
    while time.monotonic() < deadline:
        try:
            rows = await asyncio.to_thread(
                cluster.query, "SELECT id, task_name FROM procrastinate_jobs WHERE status = "
                "'doing' AND task_name ILIKE %s ORDER BY id LIMIT 1", (f"%{pattern}%",))
        except Exception:  # noqa: BLE001  (the database may be restarting)
            rows = []
        if rows:
            worker = procs.worker
            # The whole process group, as a crash would: the worker and any render child.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
            await asyncio.to_thread(worker.wait)
            (status,) = (await asyncio.to_thread(
                cluster.query, "SELECT status::text FROM procrastinate_jobs WHERE id = %s",
                (rows[0][0],)))[0]
            procs.start_worker()
            if status == "doing":  # it really was killed mid-render
                report.update(killed_job=rows[0][0], task=rows[0][1], killed_at=time.monotonic())
                log(f"fault: task worker killed (SIGKILL) during job {rows[0][0]} "
                    f"({rows[0][1]}); a new worker started")
                return
            log(f"fault: job {rows[0][0]} finished just before the kill; again")
            continue
        await asyncio.sleep(0.1)
    log("fault: no render job seen 'doing' to kill")


async def restart_postgres(run: Run, cluster: Cluster, mode: str, report: dict,
                           with_jobs: bool) -> None:
    if with_jobs:
        report["jobs_before"] = await asyncio.to_thread(jobs, cluster)
    report["acked_before"] = len(run.acked_writes)
    started = time.monotonic()
    await asyncio.to_thread(cluster.restart, mode)
    report["restart_s"] = time.monotonic() - started
    report["restarted_at"] = time.monotonic()
    log(f"fault: PostgreSQL restarted (pg_ctl restart -m {mode}) in {report['restart_s']:.2f} s")
    report["timeline_from"] = len(run.timeline)


# --- the report -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def secs(seconds: float) -> str:
    return "–" if seconds != seconds else f"{seconds:.1f} s"


def kind_table(bucket: Bucket, goals: bool) -> list[str]:
    head = "| Request | Requests | Errors | p50 | p95 | max |" + (" Goal p95 |" if goals else "")
    rows = [head, "|---|---:|---:|---:|---:|---:|" + ("---|" if goals else "")]
    for kind in KINDS:
        values = bucket.latencies.get(kind, [])
        errors = bucket.error_count(kind)
        row = (f"| {LABELS[kind]} | {len(values)} | {errors} | {ms(percentile(values, 50))} | "
               f"{ms(percentile(values, 95))} | {ms(max(values) if values else float('nan'))} |")
        if goals:
            if kind == "line_post":
                row += " (write) |"
            else:
                p95 = percentile(values, 95)
                row += f" ≤ 1 s: {'ok' if p95 <= PAGE_GOAL_S else 'not ok'} |"
        rows.append(row)
    every = [v for k in KINDS for v in bucket.latencies.get(k, [])]
    rows.append(f"| **All** | {len(every)} | {bucket.error_count()} | "
                f"{ms(percentile(every, 50))} | {ms(percentile(every, 95))} | "
                f"{ms(max(every) if every else float('nan'))} |" + (" |" if goals else ""))
    return rows


def error_lines(bucket: Bucket) -> list[str]:
    lines = []
    for kind in KINDS:
        if bucket.errors.get(kind):
            detail = ", ".join(f"{reason} × {n}" for reason, n in bucket.errors[kind].most_common())
            lines.append(f"- {LABELS[kind]}: {detail}")
    return lines


def verdict(ok: bool) -> str:
    return "ok" if ok else "**not ok**"


def markdown(r: dict) -> str:
    steady: Bucket = r["steady"]
    baseline: Bucket = r["baseline"]
    fault: Bucket | None = r.get("fault")
    pages = [k for k in KINDS if k != "line_post"]
    p95_ok = all(percentile(steady.latencies.get(k, []), 95) <= PAGE_GOAL_S for k in pages)
    worst = max(pages, key=lambda k: percentile(steady.latencies.get(k, []), 95))
    out = [
        "## Load test",
        "",
        f"Written by `make loadtest` on {r['date']}: Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, `{platform.machine()}`; the load generator runs on the same "
        "machine as the servers (loopback only), so it takes part of the same two cores. "
        f"Load average (1 min) at the start and end of the {r['n_users']}-user run: "
        f"{r['loadavg'][0]:.1f} and {r['loadavg'][1]:.1f}, of which this run's own processes "
        "(the web workers, the load generator and the task worker if any) make at most 2 on "
        "these 2 cores: the rest is other work on the shared machine.",
        "",
        f"Set-up: a throwaway PostgreSQL {r['pg_version']} ({r['pg_settings']}); gunicorn "
        f"{r['gunicorn_version']} with {r['web_workers']} sync workers, production settings "
        f"(`DEBUG=0`); task worker: {r['worker_line']}. Data: the catalogue, the demo data "
        f"and {r['n_projects']} projects of {r['lines']} lines over {r['n_clients']} clients, "
        f"{r['n_users']} consultants (each a member of one client). Each user logs in through "
        "the login form (or a session made as Django's login does), then loops with no think time over the mix "
        + ", ".join(f"{LABELS[k].split(' (')[0].lower()} {w} %" for k, w in zip(KINDS, WEIGHTS,
                                                                                strict=True))
        + f". Line POSTs go to {r['n_hot']} projects; dossier downloads to the {r['n_cold']} "
        "others, which nobody edits (their dossier is unchanged and was downloaded once "
        "before the measure).",
        "",
        "### Goals",
        "",
        "| Goal | Measured | Result |",
        "|---|---|---|",
        f"| 0 errors under {r['n_users']} users | {steady.error_count()} errors in "
        f"{steady.count()} requests | {verdict(steady.error_count() == 0)} |",
        f"| p95 ≤ 1 s, pages and dossier downloads of unchanged projects | worst p95: "
        f"{LABELS[worst].split(' (')[0].lower()} {ms(percentile(steady.latencies[worst], 95))}"
        f" | {verdict(p95_ok)} |",
    ]
    pg = r.get("pg_fault")
    if pg:
        out.append(f"| PostgreSQL restart: no acknowledged write lost | "
                   f"{pg['acked_found']} of {pg['acked']} acknowledged line POSTs in the "
                   f"database | {verdict(pg['acked_found'] == pg['acked'])} |")
        if pg.get("jobs_checked"):
            out.append(f"| PostgreSQL restart: no queued task lost | {pg['jobs_line']} | "
                       f"{verdict(pg['jobs_ok'])} |")
        else:
            out.append("| PostgreSQL restart: no queued task lost | no task queue "
                       f"({r['worker_line']}) | not measured |")
    wk = r.get("worker_fault")
    if wk:
        out.append(f"| Task worker killed mid-render: task retried and finished | "
                   f"{wk['line']} | {verdict(wk['ok'])} |")
    else:
        out.append("| Task worker killed mid-render: task retried and finished | no task "
                   f"worker ({r['worker_line']}) | not measured |")
    out += [
        "",
        f"### {r['n_users']} users, {steady.seconds:.0f} s, no think time",
        "",
        f"{steady.count()} requests, **{steady.count() / steady.seconds:.1f} requests/s**, "
        f"{steady.error_count()} errors.",
        "",
        *kind_table(steady, goals=True),
        "",
    ]
    if steady.error_count():
        out += ["Errors:", "", *error_lines(steady), ""]
    out += [
        f"For comparison, **one user** alone for {baseline.seconds:.0f} s (the service time "
        f"of each request, {baseline.count() / baseline.seconds:.1f} requests/s):",
        "",
        *kind_table(baseline, goals=False),
        "",
        f"Before the measure: {r['form_logins']} users logged in through the login form, "
        f"the {r['n_users'] - r['form_logins']} others with a session made as Django's "
        f"`login()` makes it (all {r['n_users']} ready in {r['login_s']:.1f} s); first download "
        f"of the {len(r['warm'])} unchanged dossiers: median {ms(r['warm_median'])}"
        + (f", {r['warm_failed']} not served as a PDF within 120 s" if r["warm_failed"] else "")
        + ".",
        "",
    ]
    if fault is not None:
        out += [
            f"### Faults under load ({r['n_users']} users, {fault.seconds:.0f} s)",
            "",
        ]
        if wk:
            out += [f"- **Task worker killed** with SIGKILL {wk['at']}: {wk['detail']}"]
        if pg:
            out += [
                f"- **PostgreSQL restarted** (`pg_ctl restart -m {pg['mode']}`) "
                f"{pg['at']}; the restart took {pg['restart_s']:.2f} s. {pg['errors_around']} "
                "requests failed from the shutdown on (cut, or refused while the database was "
                f"down), the last one {secs(pg['last_error_s'])} after the restart had "
                "completed; the first request sent after it succeeded in "
                f"{ms(pg['first_ok_s'])} (queued behind the others), with no restart of "
                "gunicorn or of the task worker. "
                f"{pg['acked']} line POSTs were acknowledged over the whole run "
                f"({pg['acked_before']} before the restart), **{pg['acked_found']} are in the "
                f"database**; {pg['unacked_stored']} more were stored whose answer did not "
                "arrive (an error or a cut connection after the commit), which is allowed.",
            ]
            if pg.get("jobs_checked"):
                out += [f"- **Queued tasks**: {pg['jobs_detail']}"]
            if pg.get("worker_exits"):
                out += [f"- The task worker exited during the restart: {pg['worker_exits']}"]
        if r.get("edited_ready"):
            out += [f"- **Dossiers of edited projects** (up to 5) after the load: "
                    f"{r['edited_ready']}"]
        out += [
            "",
            f"Errors while the faults were injected: {fault.error_count()} of "
            f"{fault.count()} requests (the requests cut by the restart; not part of the "
            "0-error goal, which is the steady run's).",
            "",
            *kind_table(fault, goals=False),
            "",
        ]
        if fault.error_count():
            out += ["Errors:", "", *error_lines(fault), ""]
    out += [
        f"Total run time {r['total_s']:.0f} s. Repeat with `make loadtest` "
        "(options: `.venv/bin/python bench/loadtest.py --help`); the servers' logs of the "
        "last run are kept in `var/loadtest/`.",
    ]
    return "\n".join(out)


def write_section(text: str) -> None:
    block = f"{BEGIN}\n{text}\n{END}"
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        updated = head + block + tail
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(updated)


# --- the whole run ----------------------------------------------------------------------------


async def load(args, cluster: Cluster, procs: Processes, world: World, port: int,
               with_worker: bool, r: dict) -> None:
    base = f"http://127.0.0.1:{port}"
    await wait_http(base, procs.gunicorn)
    run = Run(base, world, timeout=args.request_timeout)
    run.users = [User(run, i, email, c) for i, (email, c) in enumerate(world.users)]
    tasks = []
    try:
        started = time.monotonic()
        semaphore = asyncio.Semaphore(10)

        async def login(user: User) -> None:
            async with semaphore:
                await user.login()

        await asyncio.gather(*(login(u) for u in run.users))
        r["login_s"] = time.monotonic() - started
        log(f"{len(run.users)} users logged in in {r['login_s']:.1f} s")
        cold = [pid for c in sorted(world.cold) for pid in world.cold[c]]
        r["warm"] = await warm_dossiers(run, cold, wait_ready=120)
        served = [t for t in r["warm"].values() if t == t]
        r["warm_failed"] = len(r["warm"]) - len(served)
        r["warm_median"] = statistics.median(served) if served else float("nan")
        log(f"{len(cold)} unchanged dossiers downloaded once (median {ms(r['warm_median'])})")
        if with_worker:
            await wait_queue_idle(cluster, 60)
        tasks = [asyncio.create_task(u.loop()) for u in run.users]
        r["baseline"] = run.phase(1)
        log(f"baseline: 1 user for {args.baseline:.0f} s")
        await asyncio.sleep(args.baseline)
        r["steady"] = run.phase(args.users)
        log(f"steady: {args.users} users for {args.duration:.0f} s")
        load_before = os.getloadavg()[0]
        await asyncio.sleep(args.duration)
        r["loadavg"] = (load_before, os.getloadavg()[0])
        b = r["steady"]
        b.ended = time.monotonic()
        log(f"steady: {b.count()} requests, {b.count() / b.seconds:.1f}/s, "
            f"{b.error_count()} errors")
        if not args.no_faults:
            r["fault"] = run.phase(args.users)
            log(f"faults: {args.users} users for {args.fault_duration:.0f} s")
            fault_started = time.monotonic()
            wk: dict = {}
            if with_worker:
                await kill_worker_mid_render(procs, cluster, args.render_task, wk)
            pg: dict = {"mode": args.pg_restart_mode}
            wait = fault_started + args.fault_duration / 3 - time.monotonic()
            await asyncio.sleep(max(0, wait))
            worker_before = procs.worker
            await restart_postgres(run, cluster, args.pg_restart_mode, pg, with_worker)
            remaining = fault_started + args.fault_duration - time.monotonic()
            await asyncio.sleep(max(0, remaining))
            r["fault"].ended = time.monotonic()
            run.stopping = True
            await asyncio.gather(*tasks)
            tasks = []
            if with_worker and worker_before is not None and worker_before.poll() is not None:
                pg["worker_exits"] = (f"exit code {worker_before.returncode}; a new one was "
                                      "started to finish the queue")
                procs.start_worker()
            r["fault_started"] = fault_started
            await finish_faults(run, cluster, procs, r, wk, pg, with_worker, args)
        run.stopping = True
        if tasks:
            await asyncio.gather(*tasks)
        await check_edited_dossiers(run, r, with_worker)
    finally:
        run.stopping = True
        for task in tasks:
            task.cancel()
        for user in run.users:
            await user.http.aclose()


async def wait_queue_idle(cluster: Cluster, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        try:
            quiet = quiet + 1 if await asyncio.to_thread(queue_idle, cluster) else 0
        except Exception:  # noqa: BLE001
            quiet = 0
        if quiet >= 3:
            return True
        await asyncio.sleep(0.5)
    return False


async def finish_faults(run: Run, cluster: Cluster, procs: Processes, r: dict, wk: dict,
                        pg: dict, with_worker: bool, args) -> None:
    t0 = r["fault_started"]
    if with_worker:
        # The killed job: retried (stalled-job recovery) and finished?
        if wk.get("killed_job"):
            job_id = wk["killed_job"]
            deadline = wk["killed_at"] + args.retry_timeout
            status, attempts = "doing", 0
            while time.monotonic() < deadline:
                row = await asyncio.to_thread(
                    cluster.query, "SELECT status::text, attempts FROM procrastinate_jobs "
                    "WHERE id = %s", (job_id,))
                status, attempts = row[0] if row else ("missing", 0)
                if status in ("succeeded", "failed", "cancelled", "aborted", "missing"):
                    break
                await asyncio.sleep(0.5)
            took = time.monotonic() - wk["killed_at"]
            wk["ok"] = status == "succeeded"
            wk["at"] = f"{wk['killed_at'] - t0:.1f} s into the faults"
            wk["line"] = (f"job {job_id}: {status} after {took:.0f} s ({attempts} attempts)"
                          if status != "doing" else
                          f"job {job_id} still `doing` {took:.0f} s after the kill")
            wk["detail"] = (f"job {job_id} (`{wk['task']}`) was `doing`; a new worker was "
                            f"started at once. The job ended `{status}` "
                            f"{took:.0f} s after the kill ({attempts} attempts)."
                            if status != "doing" else
                            f"job {job_id} (`{wk['task']}`) was `doing`; a new worker was "
                            f"started at once, and {took:.0f} s later the job was still "
                            "`doing`: it was never retried (stalled jobs are not recovered).")
        else:
            wk.update(ok=False, at="–", line="no render job was seen running to kill",
                      detail="no render job was seen `doing` within 25 s, nothing was killed.")
        r["worker_fault"] = wk
        idle = await wait_queue_idle(cluster, 30)
        after = await asyncio.to_thread(jobs, cluster)
        before = pg.get("jobs_before", {})
        missing = [j for j in before if j not in after]
        final = Counter(after[j][0] for j in before if j in after)
        stuck = [j for j in before if j in after and after[j][0] in JOB_STATUSES_OPEN]
        failed = [j for j in before if j in after and after[j][0] == "failed"]
        pg["jobs_checked"] = True
        pg["jobs_ok"] = not missing and not stuck and not failed
        pg["jobs_line"] = (f"{len(before)} jobs before the restart: {len(missing)} missing, "
                           f"{len(stuck)} unfinished, {len(failed)} failed")
        pg["jobs_detail"] = (
            f"{len(before)} jobs were in `procrastinate_jobs` just before the restart "
            f"({sum(1 for v in before.values() if v[0] in JOB_STATUSES_OPEN)} of them waiting "
            "or running); after the load and the queue's drain "
            f"({'idle' if idle else 'NOT idle'}), their statuses are "
            + ", ".join(f"{s} {n}" for s, n in sorted(final.items()))
            + f"; {len(missing)} missing. All jobs at the end: "
            + ", ".join(f"{s} {n}" for s, n in sorted(Counter(v[0] for v in after.values())
                                                    .items())) + ".")
    # Acknowledged writes
    import django.db

    from roi.models import LineItem

    def stored_labels() -> set[str]:
        django.db.connections.close_all()
        try:
            return set(LineItem.objects.filter(label__startswith=LINE_LABEL_PREFIX)
                       .values_list("label", flat=True))
        finally:
            django.db.connections.close_all()

    stored = await asyncio.to_thread(stored_labels)
    acked = set(run.acked_writes)
    pg["acked"] = len(acked)
    pg["acked_found"] = len(acked & stored)
    pg["unacked_stored"] = len((stored - acked) & run.attempted_writes)
    pg["at"] = f"{pg['restarted_at'] - pg['restart_s'] - t0:.1f} s into the faults"
    # The application's recovery, from the users' requests: the last one to fail, and the
    # first one sent after the restart to succeed.
    down_from = pg["restarted_at"] - pg["restart_s"]
    failed = [e for s_, e, ok in run.timeline if not ok and e >= down_from]
    pg["last_error_s"] = (max(failed) - pg["restarted_at"]) if failed else float("nan")
    pg["errors_around"] = len(failed)
    after = [e for s_, e, ok in run.timeline if ok and s_ >= pg["restarted_at"]]
    pg["first_ok_s"] = (min(after) - pg["restarted_at"]) if after else float("nan")
    r["pg_fault"] = pg


async def check_edited_dossiers(run: Run, r: dict, with_worker: bool) -> None:
    """After the load: the dossier of each edited project, downloaded once. With a task
    worker, it should be a cache hit (pre-rendered after the last change)."""
    edited = sorted(run.edited_projects)[:5]  # without a task worker each one is a render
    if not edited:
        return
    timings, ready = [], 0
    for pid in edited:
        user = run.user_for(pid)
        started = time.monotonic()
        with contextlib.suppress(httpx.HTTPError):
            resp = await user.request("GET", f"/projects/{pid}/dossier.pdf")
            if resp.status_code == 200 and resp.headers.get("content-type", "").startswith(
                    "application/pdf"):
                ready += 1
        timings.append(time.monotonic() - started)
    fast = sum(1 for t in timings if t <= PAGE_GOAL_S)
    how = ("with a task worker, a dossier should be rendered after each change and served "
           "from the cache" if with_worker else "no task worker: rendered inside the request")
    r["edited_ready"] = (f"{ready} of {len(edited)} served as a PDF at the first request, "
                         f"{fast} of them within 1 s (a cache hit); median "
                         f"{ms(statistics.median(timings))}, max {ms(max(timings))} ({how}).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="steady phase, seconds")
    parser.add_argument("--baseline", type=float, default=10, help="one-user phase, seconds")
    parser.add_argument("--fault-duration", type=float, default=30)
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--lines", type=int, default=40, help="line items per project")
    parser.add_argument("--cold-per-client", type=int, default=1,
                        help="projects per client never edited (their dossier is downloaded)")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--form-logins", type=int, default=5,
                        help="users who log in through the login form (the others get a "
                             "session made as login() makes it)")
    parser.add_argument("--request-timeout", type=float, default=60)
    parser.add_argument("--retry-timeout", type=float, default=180,
                        help="seconds for the killed job to be retried and finish")
    parser.add_argument("--render-task", default="render",
                        help="a part of the render task's name (procrastinate_jobs.task_name)")
    parser.add_argument("--pg-restart-mode", choices=("smart", "fast", "immediate"),
                        default="fast")
    parser.add_argument("--fast-db", action="store_true",
                        help="fsync=off, synchronous_commit=off (as make test) instead of the "
                             "durable defaults")
    parser.add_argument("--no-worker", action="store_true", help="no task worker")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not touch the docs")
    args = parser.parse_args(argv)
    started = time.monotonic()
    r: dict = {"date": f"{datetime.date.today():%Y-%m-%d}", "web_workers": args.web_workers,
               "n_users": args.users, "n_clients": args.clients, "lines": args.lines}
    cluster = Cluster(durable=not args.fast_db)
    procs = None
    try:
        log(f"PostgreSQL: throwaway cluster on 127.0.0.1:{cluster.port} ({cluster.settings})")
        cluster.start()
        r["pg_settings"] = cluster.settings
        r["pg_version"] = cluster.query("SHOW server_version")[0][0].split()[0]
        env = dict(os.environ, DATABASE_URL=cluster.url, DEBUG="0",
                   SECRET_KEY="loadtest-" + secrets.token_hex(24), ALLOWED_HOSTS="127.0.0.1",
                   BEHIND_TLS_PROXY="1", LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE=
                   "config.settings")
        env.pop("EMAIL_HOST", None)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "DEBUG", "SECRET_KEY",
                                               "ALLOWED_HOSTS", "BEHIND_TLS_PROXY",
                                               "LOG_LEVEL", "DJANGO_SETTINGS_MODULE")})
        log("migrate, cache table, catalogue, demo data, static files")
        prepare()
        world = build_world(users=args.users, clients=args.clients, projects=args.projects,
                            lines=args.lines, form_logins=args.form_logins,
                            cold_per_client=args.cold_per_client)
        r["form_logins"] = min(args.form_logins, args.users)
        r["n_projects"] = sum(len(v) for v in world.projects.values())
        r["n_hot"] = sum(len(v) for v in world.hot.values())
        r["n_cold"] = sum(len(v) for v in world.cold.values())
        log(f"{r['n_projects']} projects of {args.lines} lines, {args.users} users")
        configured, detail = procrastinate_configured()
        with_worker = configured and not args.no_worker
        from importlib.metadata import version

        r["gunicorn_version"] = version("gunicorn")
        r["worker_line"] = (f"1 Procrastinate {detail} worker (`manage.py procrastinate "
                            "worker`)" if with_worker else
                            f"none (Procrastinate {detail})" if not configured else
                            "none (--no-worker)")
        procs = Processes(env, cluster.tmp)
        port = devdb.free_port()
        procs.start_gunicorn(port, args.web_workers)
        if with_worker:
            procs.start_worker()
        log(f"gunicorn ({args.web_workers} workers) on 127.0.0.1:{port}; task worker: "
            f"{r['worker_line']}")
        asyncio.run(load(args, cluster, procs, world, port, with_worker, r))
    except BaseException:
        if procs is not None:
            for name in ("gunicorn", "worker-1"):
                tail = procs.tail(name)
                if tail:
                    print(f"--- {name}.log (end) ---\n{tail}", file=sys.stderr)
        raise
    finally:
        if procs is not None:
            procs.stop_all()
        cluster.stop()
        # The servers' logs outlive the cluster: var/loadtest/ (not versioned).
        keep = BASE_DIR / "var" / "loadtest"
        shutil.rmtree(keep, ignore_errors=True)
        keep.mkdir(parents=True, exist_ok=True)
        for logfile in cluster.tmp.glob("*.log"):
            shutil.copy(logfile, keep / logfile.name)
        cluster.remove()
    r["total_s"] = time.monotonic() - started
    text = markdown(r)
    print(text)
    if not args.no_write:
        write_section(text)
        log(f"written to {DOC.relative_to(BASE_DIR)} between {BEGIN} and {END}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
