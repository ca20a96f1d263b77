"""Benchmark of the pages: the results page and a wizard step with 200 line items, each
against a bare page of the same layout, measured in the same run (this machine is noisy, so
the ratio is the figure to read)."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

RUNS = 15
LINES = 200


def _median_ms(client, url: str, runs: int) -> float:
    client.get(url)  # warm-up: templates compiled, connections open
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def _project_with_lines(lines: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from checklist.models import CatalogueVersion, SubItem
    from roi.models import Client, LineItem, Membership, RoiProject

    call_command("load_catalogue", verbosity=0)
    catalogue = CatalogueVersion.current()
    user = get_user_model().objects.create_user("bench@bench.example", "bench@bench.example",
                                                "bench-password-123")
    client = Client.objects.create(name="Bench")
    Membership.objects.create(user=user, client=client, role="consultant")
    project = RoiProject.objects.create(client=client, name="Bench", horizon_months=36,
                                        catalogue=catalogue)
    items = list(SubItem.objects.filter(post__catalogue=catalogue).select_related("post"))
    LineItem.objects.bulk_create(
        LineItem(project=project, kind=item.post.kind, category=item.post.code, subitem=item,
                 label=f"Ligne {index}", amount=Decimal(1000 + index), quantity=Decimal(2),
                 recurrence=("once", "monthly", "yearly")[index % 3],
                 start_month=1 + index % 6, ramp_up_months=index % 4 if item.post.kind ==
                 "gain" else 0, confidence=Decimal("0.8") if item.post.kind == "gain" else 1)
        for index, item in ((i, items[i % len(items)]) for i in range(lines))
    )
    return user, project


def run(runs: int = RUNS) -> dict:
    from django.test import Client as TestClient
    from django.urls import reverse

    from checklist.wizard import wizard_state

    user, project = _project_with_lines(LINES)
    client = TestClient()
    client.force_login(user)
    bare = reverse("password_change")
    results = reverse("roi:project_detail", args=[project.pk])
    step = reverse("checklist:step", args=[project.pk, "costs-software"])
    figures = {"lines": LINES, "runs": runs}
    figures["bare_ms"] = _median_ms(client, bare, runs)
    figures["results_ms"] = _median_ms(client, results, runs)
    figures["step_ms"] = _median_ms(client, step, runs)
    started = time.perf_counter()
    for _ in range(runs):
        wizard_state(project)
    figures["state_ms"] = (time.perf_counter() - started) * 1000 / runs
    return figures


def markdown(f: dict) -> str:
    return "\n".join([
        f"Project with {f['lines']} line items over 36 months; median of {f['runs']} requests "
        "through Django's test client (full middleware stack, PostgreSQL), after a warm-up.",
        "",
        "| Page | Median | × bare page |",
        "|---|---:|---:|",
        f"| Bare page of the same layout (password change) | {f['bare_ms']:.1f} ms | 1.0 |",
        f"| Results page (figures, 3 SVG charts, tables) | {f['results_ms']:.1f} ms "
        f"| {f['results_ms'] / f['bare_ms']:.1f} |",
        f"| Wizard step « Logiciel CRM » (lines, totals, statuses) | {f['step_ms']:.1f} ms "
        f"| {f['step_ms'] / f['bare_ms']:.1f} |",
        f"| of which: loading and computing the project (`wizard_state`) | "
        f"{f['state_ms']:.1f} ms | |",
    ])
