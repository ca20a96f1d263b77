"""Tracked projects to learn from: plans and monthly actuals entered as the grid stores them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from roi.projects.models import ProjectStatus, RoiProject
from roi.tracking.models import LineActual
from tests.conftest import add_line


def tracked_project(client, name: str, *, months: int = 3, currency: str = "EUR",
                    productivity: str = "12000", productivity_actual: str = "700",
                    confidence: str = "0.5", integration: str = "10000",
                    integration_actual: str | None = "11500") -> RoiProject:
    """A project tracked for ``months`` closed months: a yearly productivity gain (its
    monthly actual ``productivity_actual``) and a one-off integration cost in month 1."""
    project = RoiProject.objects.create(
        client=client, name=name, currency=currency, status=ProjectStatus.TRACKING,
        go_live_date=datetime.date(2026, 1, 1), as_of_month=months)
    gain = add_line(project, "gain", "productivity", productivity, "yearly",
                    label="Relances automatisées", confidence=Decimal(confidence))
    cost = add_line(project, "cost", "integration", integration, "once",
                    label="Intégrateur")
    LineActual.objects.bulk_create(
        LineActual(line=gain, month=month, amount=Decimal(productivity_actual))
        for month in range(1, months + 1))
    if integration_actual is not None:
        LineActual.objects.create(line=cost, month=1, amount=Decimal(integration_actual))
    return project
