"""Reads of the KPI follow-up: the catalogue's KPIs of a project with their measurements."""

from __future__ import annotations

from dataclasses import dataclass

from checklist.catalogue.models import CatalogueVersion, KpiDefinition
from roi.calculation import KpiProgress
from roi.projects.models import KpiEntry, KpiMeasurement, RoiProject
from roi.projects.selectors import ProjectOverview


@dataclass(frozen=True)
class KpiTrack:
    """One KPI of the project's catalogue: its definition, its row (None before any value),
    its measurements oldest first and the engine's progress (on the latest measurement)."""

    definition: KpiDefinition
    entry: KpiEntry | None
    measurements: list[KpiMeasurement]
    progress: KpiProgress | None


def kpi_tracks(overview: ProjectOverview) -> list[KpiTrack]:
    """Every KPI of the project's catalogue, in its order (one query on top of the overview,
    whose KPIs come with their measurements)."""
    definitions = KpiDefinition.objects.filter(
        catalogue=CatalogueVersion.of(overview.project)).order_by("order")
    entries = {entry.code: entry for entry in overview.kpis}
    progress = {kpi.code: kpi for kpi in overview.result.kpis}
    tracks = []
    for definition in definitions:
        entry = entries.get(definition.code)
        measurements = (sorted(entry.measurements.all(), key=lambda m: (m.date, m.pk))
                        if entry else [])
        tracks.append(KpiTrack(definition, entry, measurements, progress.get(definition.code)))
    return tracks


def project_measurement(project: RoiProject, measurement_id: int) -> KpiMeasurement | None:
    return KpiMeasurement.objects.filter(kpi__project=project, pk=measurement_id).first()
