"""Access-matrix rows for the KPI follow-up (read by tests/roi/test_access.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from roi.access import Action
from roi.projects.models import KpiEntry, KpiMeasurement
from tests.checklist.matrix import _catalogue


def kpi_page_url(project) -> str:
    _catalogue(project)
    return reverse("roi:project_kpis", args=[project.pk])


def measurement_delete_url(project) -> str:
    kpi, _ = KpiEntry.objects.get_or_create(project=project, code="cac")
    measurement = KpiMeasurement.objects.create(kpi=kpi, date=datetime.date(2026, 11, 30),
                                                value=Decimal(900))
    return reverse("roi:kpi_measurement_delete", args=[project.pk, measurement.pk])


MATRIX: dict = {
    "roi:project_kpis": (kpi_page_url, "get", Action.VIEW, None),
    "roi:project_kpis#post": (kpi_page_url, "post", Action.EDIT,
                              {"code": "cac", "date": "2026-11-30", "value": "900"}),
    "roi:kpi_measurement_delete": (measurement_delete_url, "post", Action.EDIT, {}),
}
