"""The review page of the largest allowed project (limits.MAX_LINES_PER_PROJECT lines): its
weight guarded, in a constant number of queries.

Measured on 2026-12-02: 1 000 lines weigh about 2.1 MB (the 4 000 lines the import allowed
before weighed 4.3 MB). Every line carries its assumptions and its comment form, since the
page is what the CFO signs; paginating or loading the forms on demand would lighten it further
(not done yet). The guard keeps it from growing."""

from __future__ import annotations

import time
from decimal import Decimal

from django.urls import reverse

from roi.calculation import limits
from roi.projects.models import LineItem
from roi.projects.services import project_refresh_figures

MAX_BYTES = 2_300_000


def test_the_review_page_of_the_largest_project_stays_light(client, world,
                                                           django_assert_max_num_queries):
    project = world.project
    half = limits.MAX_LINES_PER_PROJECT // 2
    LineItem.objects.bulk_create(
        [LineItem(project=project, kind="cost", category="software", position=i,
                  label=f"Licence {i}", amount=Decimal("100"), recurrence="yearly",
                  assumption="Devis éditeur") for i in range(half)]
        + [LineItem(project=project, kind="gain", category="productivity", position=i,
                    label=f"Gain {i}", amount=Decimal("300"), recurrence="yearly",
                    assumption="Mesuré sur 3 mois") for i in range(half)])
    project_refresh_figures(project)
    client.force_login(world.users["cfo"])
    started = time.perf_counter()
    with django_assert_max_num_queries(40):
        response = client.get(reverse("roi:project_review", args=[project.pk]))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    size = len(response.content)
    print(f"review page, {limits.MAX_LINES_PER_PROJECT} lines: {size} bytes, {elapsed:.2f} s")
    assert size < MAX_BYTES, size
