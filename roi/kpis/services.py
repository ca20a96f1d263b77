"""Writes of the KPI follow-up: add and remove a dated measurement.

A measurement is a fact observed after go-live, not part of the business case the CFO
approved: it never reopens a submitted or approved project; it bumps the revision (the
engine's cached results read the latest measurement). The
documents follow it all the same (the dossier prints each KPI's latest value), through the
projects' ``inputs_changed`` signal once the transaction commits.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from roi.projects.models import KpiEntry, KpiMeasurement, RoiProject
from roi.projects.services import project_revision_bump
from roi.projects.signals import inputs_changed


def _announce(project: RoiProject) -> None:
    # The engine reads each KPI's latest measurement: a new revision (not a reopening).
    project_revision_bump(project)
    project_id = project.pk
    transaction.on_commit(lambda: inputs_changed.send(sender=RoiProject, project_id=project_id))


@transaction.atomic
def measurement_add(*, project: RoiProject, code: str, date: datetime.date, value: Decimal,
                    note: str, user) -> KpiMeasurement:
    """Record ``value`` for the KPI ``code`` on ``date`` (the KPI's row is created when it has
    no baseline nor target yet)."""
    kpi, _ = KpiEntry.objects.get_or_create(project=project, code=code)
    measurement = KpiMeasurement(kpi=kpi, date=date, value=value, note=note.strip(),
                                 created_by=user)
    measurement.full_clean()
    measurement.save()
    _announce(project)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: KpiMeasurement) -> None:
    project = measurement.kpi.project
    measurement.delete()
    _announce(project)
