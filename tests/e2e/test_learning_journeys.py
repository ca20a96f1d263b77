"""A consultant reads what the tracked projects teach, then works the assumption register and
the KPI measurements, on a desktop and on a phone (issue 12, items 4, 6 and 7).

On each page: axe-clean, no CSP violation, no console error, nothing wider than a phone."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roi.assumptions.models import AssumptionRecord
from roi.projects.models import KpiEntry, KpiMeasurement, LineItem
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot
from tests.e2e.test_pages_a11y import DESKTOP, PHONE, new_page, problems
from tests.roi.learning.factories import tracked_project

pytestmark = pytest.mark.browser


@pytest.fixture
def learned(e2e_world):
    client = e2e_world.client
    for index in range(3):
        tracked_project(client, f"Suivi {index + 1}", months=3 + index,
                        productivity_actual="680")  # 68 % of 1 000 a month
    project = e2e_world.project
    add_line(project, "gain", "productivity", "18000", "yearly", confidence=Decimal("0.5"),
             label="Relances automatisées", assumption="2 h par semaine et par commercial")
    add_line(project, "gain", "conversion", "22000", "yearly", confidence=Decimal("0.8"),
             label="Taux de transformation")
    add_line(project, "cost", "software", "12000", "yearly", label="Abonnement")
    KpiEntry.objects.create(project=project, code="ltv_cac", baseline=Decimal("2.1"),
                            target=Decimal("3.5"))
    return e2e_world


def check(page, width, name):
    page.wait_for_load_state("load")
    found = problems(page, width)
    shot(page, f"learning-{name}-{width}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_portfolio_rates_register_and_kpis(browser, live_server, learned, width):
    project = learned.project
    page = new_page(browser, live_server, width)
    login(page, "consultant@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))

    # The portfolio: what three tracked projects realised.
    page.goto(page.base_url + "/portfolio/")
    rates = page.locator(".learned-rates")
    expect(rates).to_contain_text("Productivité commerciale : 68 % réalisé sur 3 projets")
    expect(rates).to_contain_text("Intégration et déploiement : +15 % par rapport au plan sur "
                                  "3 projets — contingence suggérée : 15 %")
    check(page, width, "portfolio")

    # The register, riskiest first, then validated from its row.
    page.goto(page.base_url + f"/projects/{project.pk}/assumptions/")
    rows = page.locator("tr.register-row")
    expect(rows.first).to_contain_text("Relances automatisées")
    expect(rows.first.locator(".register-exposure")).to_have_text("9 000 €")
    expect(page.locator(".register-flag")).to_have_count(3)
    check(page, width, "register")
    page.get_by_role("link", name=re.compile("Source et responsable — Relances")).click()
    page.get_by_label("Source").fill("Mesure interne sur 4 commerciaux")
    page.get_by_label("Responsable").select_option(label="Directeur commercial "
                                                         "(Directeur commercial)")
    check(page, width, "assumption-form")
    page.get_by_role("button", name="Enregistrer").click()
    first = page.locator("tr.register-row").first
    expect(first).to_contain_text("Mesure interne sur 4 commerciaux")
    first.get_by_role("button", name=re.compile("Valider")).click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "validée aujourd’hui")
    expect(page.locator(".register-flag")).to_have_count(2)
    line = LineItem.objects.get(project=project, label="Relances automatisées")
    assert AssumptionRecord.objects.get(line=line).last_validated_on is not None

    # KPIs over time: two measurements of LTV/CAC, read on the latest.
    page.goto(page.base_url + f"/projects/{project.pk}/kpis/")
    card = page.locator("#kpi-ltv_cac")
    for day, value in (("2026-09-30", "2,6"), ("2026-12-31", "3,8")):
        card.get_by_label("Date de la mesure").fill(day)
        card.get_by_label("Valeur").fill(value)
        card.get_by_role("button", name="Ajouter la mesure").click()
        card = page.locator("#kpi-ltv_cac")
    expect(card.locator(".kpi-assessment")).to_contain_text("sain")
    expect(card.locator("svg.roi-chart-kpi circle.kpi-measurement").first).to_be_attached()
    assert KpiMeasurement.objects.filter(kpi__project=project).count() == 2
    check(page, width, "kpis")

    # The wizard offers the learned confidence to a new productivity line.
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/gains-productivity/")
    page.get_by_role("button", name=re.compile("Ajouter une ligne")).first.click()
    form = page.locator("form.line-form").first
    expect(form.locator(".learned-suggestion")).to_contain_text("confiance proposée 68 %")
    expect(form.get_by_label("Confiance (%)")).to_have_value("68")
    # Off the button just pressed, once its colour transition is over (axe reads colours).
    page.mouse.move(0, 0)
    page.locator("body").focus()
    page.wait_for_timeout(400)
    check(page, width, "line-form-learned")
