"""KPIs over time (issue 12, item 4): dated measurements, their page, chart and reading."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from roi.calculation import compute, parse_case
from roi.documents.kpi_charts import kpi_svg
from roi.kpis import services
from roi.projects.cases import project_case
from roi.projects.models import KpiEntry, KpiMeasurement, ProjectStatus
from roi.projects.services import case_import, project_duplicate
from tests.checklist.matrix import _catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    _catalogue(world.project)
    return world.project


@pytest.fixture
def director(client, world):
    client.force_login(world.users["sales_director"])
    return client


def page(project):
    return reverse("roi:project_kpis", args=[project.pk])


def measure(project, code, day, value, **extra):
    return services.measurement_add(project=project, code=code, date=day,
                                    value=Decimal(value), note=extra.get("note", ""), user=None)


def test_a_measurement_is_entered_in_french_and_listed(director, project):
    KpiEntry.objects.create(project=project, code="cac", baseline=Decimal(1200),
                            target=Decimal(900))
    response = director.post(page(project), {"code": "cac", "date": "2026-10-31",
                                             "value": "1 050,5", "note": "Après 3 mois"})
    assert response.status_code == 302
    assert response.url.endswith("#kpi-cac")
    (measurement,) = KpiMeasurement.objects.all()
    assert (measurement.kpi.code, measurement.date, measurement.value, measurement.note) == (
        "cac", datetime.date(2026, 10, 31), Decimal("1050.5"), "Après 3 mois")
    html = director.get(page(project)).content.decode()
    assert "1\u202f050,50\u00a0€" in html  # the CAC is an amount, in the project's currency
    assert "Après 3 mois" in html
    assert 'class="kpi-measurement"' in html  # on the chart
    assert "50\u00a0% du chemin parcouru" in html  # 1 200 → 1 050,5 of a planned 1 200 → 900


def test_bad_measurement_is_refused_on_its_field_with_the_values_kept(director, project):
    response = director.post(page(project), {"code": "cac", "date": "31/02/2026",
                                             "value": "abc", "note": "à revoir"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez un nombre" in html
    assert "Saisissez une date valide" in html
    assert 'value="à revoir"' in html and 'value="abc"' in html
    assert not KpiMeasurement.objects.exists()
    response = director.post(page(project), {"code": "nope", "date": "2026-10-31",
                                             "value": "1"})
    assert response.status_code == 400
    assert not KpiMeasurement.objects.exists()


def test_the_latest_measurement_by_date_is_the_actual_the_engine_reads(project):
    measure(project, "ltv_cac", datetime.date(2026, 12, 31), "2.5")
    measure(project, "ltv_cac", datetime.date(2026, 6, 30), "6")  # entered later, older
    (kpi,) = compute(project_case(project)).kpis
    assert kpi.actual == Decimal("2.5")
    assert kpi.assessment == "risk"  # seed 003: below 3
    measure(project, "ltv_cac", datetime.date(2027, 3, 31), "4")
    (kpi,) = compute(project_case(project)).kpis
    assert (kpi.actual, kpi.assessment) == (Decimal(4), "healthy")


def test_the_page_reads_ltv_cac_on_the_latest_measurement(director, project):
    KpiEntry.objects.create(project=project, code="ltv_cac", baseline=Decimal("2.1"),
                            target=Decimal("3.5"))
    measure(project, "ltv_cac", datetime.date(2026, 9, 30), "2.4")
    measure(project, "ltv_cac", datetime.date(2026, 12, 31), "5.6")
    html = director.get(page(project)).content.decode()
    assert 'data-assessment="underinvested"' in html
    assert "Dernière mesure du ratio LTV/CAC" in html


def test_measuring_an_approved_project_does_not_reopen_it(director, project):
    project.status = ProjectStatus.APPROVED
    project.save(update_fields=["status"])
    response = director.post(page(project), {"code": "nps", "date": "2026-11-30",
                                             "value": "42"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    assert KpiEntry.objects.get(project=project, code="nps").actual == Decimal(42)


def test_saving_baselines_and_targets_keeps_the_measurements(director, project):
    measure(project, "cac", datetime.date(2026, 11, 30), "950")
    director.post(reverse("checklist:step", args=[project.pk, "kpis"]),
                  {"cac-baseline": "1 200", "cac-target": "900"})
    kpi = KpiEntry.objects.get(project=project, code="cac")
    assert (kpi.baseline, kpi.target, kpi.actual) == (Decimal(1200), Decimal(900),
                                                       Decimal(950))
    # Emptied baseline and target: the KPI stays while it has measurements.
    director.post(reverse("checklist:step", args=[project.pk, "kpis"]), {})
    assert KpiEntry.objects.get(project=project, code="cac").measurements.count() == 1
    html = director.get(reverse("checklist:step", args=[project.pk, "kpis"])).content.decode()
    assert "Saisir les mesures" in html


def test_a_measurement_is_deleted_by_an_editor(director, project):
    measurement = measure(project, "cac", datetime.date(2026, 11, 30), "950")
    response = director.post(reverse("roi:kpi_measurement_delete",
                                     args=[project.pk, measurement.pk]))
    assert response.status_code == 302
    assert not KpiMeasurement.objects.exists()


def test_another_projects_measurement_is_not_found(director, project, world):
    _catalogue(world.other_project)
    other = measure(world.other_project, "cac", datetime.date(2026, 11, 30), "1")
    response = director.post(reverse("roi:kpi_measurement_delete", args=[project.pk, other.pk]))
    assert response.status_code == 404
    assert KpiMeasurement.objects.filter(pk=other.pk).exists()


def test_a_duplicate_keeps_the_measurements(project, world):
    measure(project, "cac", datetime.date(2026, 11, 30), "950", note="n")
    copy = project_duplicate(project=project, client=world.client,
                             user=world.users["consultant"], name="Copie")
    kpi = KpiEntry.objects.get(project=copy, code="cac")
    assert [(m.date, m.value, m.note) for m in kpi.measurements.all()] == [
        (datetime.date(2026, 11, 30), Decimal(950), "n")]


def test_the_page_makes_a_constant_number_of_queries(director, project,
                                                     django_assert_max_num_queries):
    def count():
        with django_assert_max_num_queries(40) as captured:
            assert director.get(page(project)).status_code == 200
        return len(captured)

    measure(project, "cac", datetime.date(2026, 9, 30), "1000")
    few = count()
    for code in ("cac", "nps", "ltv", "churn"):
        for month in range(1, 7):
            measure(project, code, datetime.date(2026, month, 28), str(month))
    assert count() == few


def test_the_chart_shows_baseline_target_and_each_measurement():
    points = [(datetime.date(2026, 3, 31), Decimal(1100)), (datetime.date(2026, 1, 31),
                                                            Decimal(1180))]
    svg = kpi_svg(name="CAC", baseline=Decimal(1200), target=Decimal(900), measurements=points,
                  label=lambda v: f"{v} €")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'class="kpi-baseline"' in svg and 'class="kpi-target"' in svg
    assert svg.count('class="kpi-measurement"') == 2
    # Sorted by date: the first dot is January's, at the left edge of the plot.
    assert svg.index('data-date="2026-01-31"') < svg.index('data-date="2026-03-31"')
    assert "Dernière mesure (31/03/2026) : 1100 €" in svg
    empty = kpi_svg(name="NPS", baseline=None, target=None, measurements=[], label=str,
                    compact=True)
    assert "Aucune mesure" in empty and "roi-chart-compact" in empty


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_each_actual_into_a_measurement():
    executor = MigrationExecutor(connection)
    executor.migrate([("roi", "0005_tracking")])
    apps = executor.loader.project_state([("roi", "0005_tracking")]).apps
    Client = apps.get_model("roi", "Client")
    Project = apps.get_model("roi", "RoiProject")
    Kpi = apps.get_model("roi", "KpiEntry")
    client = Client.objects.create(name="C")
    dated = Project.objects.create(client=client, name="P", start_date=datetime.date(2026, 1, 1))
    Kpi.objects.create(project=dated, code="nps", actual=Decimal(40))
    Kpi.objects.create(project=dated, code="cac", baseline=Decimal(1))
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    (measurement,) = KpiMeasurement.objects.all()
    assert (measurement.kpi.code, measurement.date, measurement.value) == (
        "nps", datetime.date(2026, 1, 1), Decimal(40))


def test_an_imported_actual_becomes_a_measurement_and_is_exported_back(world):
    case = parse_case({"format": "roi-case/1", "horizon_months": 12, "costs": [], "gains": [],
                       "kpis": [{"code": "nps", "baseline": "20", "target": "40",
                                 "actual": "35"}]})
    project = case_import(case=case, client=world.client, user=world.users["consultant"])
    kpi = KpiEntry.objects.get(project=project, code="nps")
    (measurement,) = kpi.measurements.all()
    assert measurement.value == Decimal(35) and measurement.note == "Valeur importée"
    assert project_case(project).kpis[0].actual == Decimal(35)
