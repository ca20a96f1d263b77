"""What every benchmark shares: a real server over HTTP, the projects it serves, and pairs.

- :class:`Server` starts gunicorn (one sync worker, as a small production) on 127.0.0.1 on a
  free port, against the benchmark's throwaway database, and stops it afterwards.
- :func:`bench_projects` imports a 200-line and a 2 000-line case (``case_import``, as the
  web import does) into a fresh client, with a consultant signed in (a session cookie).
- :func:`pairs` measures A B A B … in one run: each pair is a bare measure then ours, so that
  a noisy neighbour weighs on both alike. The figure is the ratio of the medians of the pairs
  (median of B / median of A); the median of the per-pair ratios is given beside it.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on 127.0.0.1:<free port>, serving ``config.wsgi`` against ``database_url``."""

    def __init__(self, database_url: str):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings",
                   PYTHONUNBUFFERED="1")
        self.log = open(BASE_DIR / "var" / "bench-server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "1",
             "--timeout", "300", "--log-level", "warning"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the bench server stopped; see var/bench-server.log")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the bench server did not start")

    def get(self, path: str, cookie: str = "") -> tuple[int, bytes, float]:
        """One GET on a new connection: (status, body, milliseconds)."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        return response.status, body, elapsed

    def timed_get(self, path: str, cookie: str) -> Callable[[], float]:
        def measure() -> float:
            status, _body, elapsed = self.get(path, cookie)
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status}")
            return elapsed
        return measure

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@dataclass(frozen=True)
class Pairs:
    bare_ms: list[float]
    ours_ms: list[float]

    @property
    def bare(self) -> float:
        return statistics.median(self.bare_ms)

    @property
    def ours(self) -> float:
        return statistics.median(self.ours_ms)

    @property
    def ratio(self) -> float:
        """Median of ours / median of bare, over pairs measured A B A B."""
        return self.ours / self.bare

    @property
    def pair_ratio(self) -> float:
        """The median of each pair's own ratio."""
        return statistics.median(b / a for a, b in zip(self.bare_ms, self.ours_ms, strict=True))

    def document(self) -> dict:
        return {"bare_ms": self.bare, "ours_ms": self.ours, "ratio": self.ratio,
                "pair_ratio": self.pair_ratio, "pairs": len(self.bare_ms)}


def wall_ms(function: Callable[[], object]) -> Callable[[], float]:
    def measure() -> float:
        started = time.perf_counter()
        function()
        return (time.perf_counter() - started) * 1000
    return measure


def pairs(bare: Callable[[], float], ours: Callable[[], float], count: int,
          warmup: int = 2) -> Pairs:
    """``count`` pairs, bare then ours, after ``warmup`` unrecorded pairs."""
    for _ in range(warmup):
        bare()
        ours()
    a, b = [], []
    for _ in range(count):
        a.append(bare())
        b.append(ours())
    return Pairs(a, b)


def verdict(value: float, goal: float) -> str:
    return "ok" if value <= goal else "not ok"


# --- the data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchProjects:
    user: object
    cookie: str
    projects: dict[int, object]  # lines -> RoiProject


def bench_case(lines: int):
    """The engine benchmark's case (60 months), each line on a sub-item of its post."""
    from bench_calculation import build_case

    from checklist.catalogue.models import CatalogueVersion, SubItem

    case = build_case(lines)
    catalogue = CatalogueVersion.current()
    by_post: dict[str, list[str]] = {}
    for code, post in SubItem.objects.filter(post__catalogue=catalogue).values_list(
            "code", "post__code").order_by("post__order", "order", "pk"):
        by_post.setdefault(post, []).append(code)

    def placed(items):
        return tuple(replace(item, subitem=by_post[item.category][index % len(
            by_post[item.category])]) if by_post.get(item.category) else item
            for index, item in enumerate(items))

    return replace(case, costs=placed(case.costs), gains=placed(case.gains),
                   name=f"Benchmark {lines} lignes")


def bench_projects(sizes: tuple[int, ...] = (200, 2000)) -> BenchProjects:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client as TestClient

    from roi.projects.services import case_import
    from roi.tenancy.models import Client, Membership, Role

    user = get_user_model().objects.create_user("bench@bench.example", "bench@bench.example",
                                                "bench-password-123")
    client = Client.objects.create(name="Bench")
    Membership.objects.create(user=user, client=client, role=Role.CONSULTANT)
    projects = {size: case_import(case=bench_case(size), client=client, user=user)
                for size in sizes}
    browser = TestClient()
    browser.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    return BenchProjects(user, cookie, projects)
