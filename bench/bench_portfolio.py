"""Benchmark of the consultant portfolio: 500 projects over 5 clients, one page of 25,
sorted by ROI, against a bare page of the same layout, in the same run."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

RUNS = 15
PROJECTS = 500


def _median_ms(client, url: str, runs: int) -> float:
    client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


def run(runs: int = RUNS) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from roi.models import Client, Membership, RoiProject

    user = get_user_model().objects.create_user("portfolio@bench.example",
                                                "portfolio@bench.example", "bench-pass-123")
    clients = [Client.objects.create(name=f"Client {i}") for i in range(5)]
    for client in clients:
        Membership.objects.create(user=user, client=client, role="consultant")
    RoiProject.objects.bulk_create(
        RoiProject(client=clients[i % 5], name=f"Projet {i:03}", roi_percent=Decimal(i),
                   payback_months=Decimal(i % 30), net_gain=Decimal(i * 1000), updated_by=user)
        for i in range(PROJECTS))
    browser = TestClient()
    browser.force_login(user)
    url = reverse("roi:portfolio") + "?sort=-roi&page=3"
    with CaptureQueriesContext(connection) as queries:
        browser.get(url)
    return {
        "projects": PROJECTS, "runs": runs, "queries": len(queries.captured_queries),
        "bare_ms": _median_ms(browser, reverse("password_change"), runs),
        "portfolio_ms": _median_ms(browser, url, runs),
        "search_ms": _median_ms(browser, reverse("roi:portfolio") + "?q=Projet+4&status=draft",
                                runs),
    }


def markdown(f: dict) -> str:
    return "\n".join([
        f"{f['projects']} projects over 5 clients; median of {f['runs']} requests; "
        f"{f['queries']} SQL queries per page whatever the number of projects (asserted in "
        "`tests/roi/test_project_life.py`).",
        "",
        "| Page | Median | × bare page |",
        "|---|---:|---:|",
        f"| Bare page of the same layout | {f['bare_ms']:.1f} ms | 1.0 |",
        f"| Portfolio, page 3 of 20, sorted by ROI | {f['portfolio_ms']:.1f} ms "
        f"| {f['portfolio_ms'] / f['bare_ms']:.1f} |",
        f"| Portfolio, search + status filter | {f['search_ms']:.1f} ms "
        f"| {f['search_ms'] / f['bare_ms']:.1f} |",
    ])
