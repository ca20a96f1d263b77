"""Benchmark of the consultant portfolio over HTTP: 500 projects over 5 clients, one page of
25 sorted by ROI, and a search, each paired A B A B with the bare page of the same layout."""

from __future__ import annotations

from decimal import Decimal

from harness import pairs

PAIRS = 25
PROJECTS = 500


def run(context, count: int = PAIRS) -> dict:
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from roi.models import Client, Membership, RoiProject

    user = context.data.user
    clients = [Client.objects.create(name=f"Client {i}") for i in range(5)]
    for client in clients:
        Membership.objects.create(user=user, client=client, role="consultant")
    RoiProject.objects.bulk_create(
        RoiProject(client=clients[i % 5], name=f"Projet {i:03}", roi_percent=Decimal(i),
                   payback_months=Decimal(i % 30), net_gain=Decimal(i * 1000), updated_by=user)
        for i in range(PROJECTS))
    url = reverse("roi:portfolio") + "?sort=-roi&page=3"
    search = reverse("roi:portfolio") + "?q=Projet+4&status=draft"
    browser = TestClient(HTTP_HOST="localhost")  # a host the settings allow
    browser.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    if response.status_code != 200:  # a count of a refused request would be no figure
        raise RuntimeError(f"portfolio: HTTP {response.status_code}")
    server, cookie = context.server, context.data.cookie
    bare = server.timed_get(context.bare_path, cookie)
    return {
        "projects": PROJECTS, "pairs": count, "queries": len(queries.captured_queries),
        "sorted": pairs(bare, server.timed_get(url, cookie), count).document(),
        "search": pairs(bare, server.timed_get(search, cookie), count).document(),
    }


def markdown(f: dict) -> str:
    lines = [
        f"{f['projects']} projects over 5 clients (and the bench's own); {f['pairs']} pairs "
        f"per page; {f['queries']} SQL queries per page whatever the number of projects "
        "(asserted in tests/roi/projects).",
        "",
        "| Page | Bare page (median) | Page (median) | × bare (ratio of medians) "
        "| Median of pair ratios |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in (("sorted", "Portfolio, page 3 of 21, sorted by ROI"),
                       ("search", "Portfolio, search + status filter")):
        row = f[key]
        lines.append(f"| {label} | {row['bare_ms']:.1f} ms | {row['ours_ms']:.1f} ms "
                     f"| {row['ratio']:.2f} | {row['pair_ratio']:.2f} |")
    return "\n".join(lines)
