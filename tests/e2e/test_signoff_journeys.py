"""The consultant's portfolio and duplication; the CFO's sign-off loop, in Chromium."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from roi.models import Client, Membership, ProjectVersion, RoiProject
from roi.projects.services import project_refresh_figures
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

APOGEA = [("cost", "software", "12000", "yearly"), ("cost", "integration", "18000", "once"),
          ("cost", "training", "5000", "once"), ("cost", "support", "3000", "yearly"),
          ("cost", "internal", "7000", "once"), ("gain", "productivity", "18000", "yearly"),
          ("gain", "conversion", "22000", "yearly"), ("gain", "marketing", "6000", "yearly"),
          ("gain", "retention", "9000", "yearly")]


@pytest.fixture
def apogea_live(e2e_world):
    call_command("createcachetable", verbosity=0)
    project = e2e_world.project
    for kind, category, amount, recurrence in APOGEA:
        add_line(project, kind, category, amount, recurrence,
                 label=f"{category.capitalize()} Apogea")
    project_refresh_figures(project)
    return project


def test_consultant_portfolio_and_duplicate_into_another_client(page, e2e_world, apogea_live):
    second = Client.objects.create(name="Junto Services")
    Membership.objects.create(user=e2e_world.users["consultant"], client=second,
                              role="consultant")
    login(page, "consultant@test.example", PASSWORD)
    page.get_by_role("link", name="Portefeuille").click()
    row = page.locator("table.portfolio tbody tr", has_text="CRM connecté à l’ERP")
    expect(row).to_contain_text("22,22\u00a0%")
    expect(row).to_contain_text("9,00 mois")
    expect(page.locator("table.portfolio")).not_to_contain_text("Projet concurrent")
    page.get_by_label("Rechercher").fill("ERP")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("table.portfolio tbody tr")).to_have_count(1)
    shot(page, "10-portfolio")
    row.get_by_role("link", name="CRM connecté à l’ERP").click()
    page.get_by_role("button", name="Projet").click()
    page.get_by_role("link", name="Dupliquer").click()
    page.get_by_label("Client de destination").select_option(label="Junto Services")
    page.get_by_label("Nom du nouveau projet").fill("Modèle PME industrielle")
    page.get_by_role("button", name="Dupliquer").click()
    expect(page.get_by_text("Projet dupliqué dans « Junto Services ».")).to_be_visible()
    expect(page.get_by_test_id("roi")).to_have_text("22,22\u00a0%")
    copy = RoiProject.objects.get(name="Modèle PME industrielle")
    assert copy.client == second and copy.line_items.count() == 9


def test_cfo_comments_requests_changes_approves_and_sees_v2_changes(page, browser, live_server,
                                                                    e2e_world, apogea_live):
    project = apogea_live
    review_url = f"{page.base_url}/projects/{project.pk}/review/"
    # The sales director submits.
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(review_url)
    page.get_by_role("button", name="Soumettre au DAF").click()
    expect(page.get_by_text("Projet soumis au DAF pour validation.")).to_be_visible()

    cfo = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    cfo_page = cfo.new_page()
    cfo_page.base_url = page.base_url
    login(cfo_page, "cfo@test.example", PASSWORD)
    cfo_page.goto(review_url)
    line = cfo_page.locator("article", has_text="Conversion Apogea")
    line.get_by_label("Votre commentaire").fill("D’où vient le +10 % de conversion ?")
    line.get_by_role("button", name="Envoyer").click()
    expect(cfo_page.get_by_text("D’où vient le +10 % de conversion ?")).to_be_visible()
    cfo_page.get_by_label("Ce qui doit être modifié").fill("Sourcez la conversion.")
    cfo_page.get_by_role("button", name="Demander des modifications").click()
    expect(cfo_page.get_by_text("Modifications demandées.").first).to_be_visible()

    # The sales director answers on the line, and submits again.
    page.goto(review_url)
    answer = page.locator("article", has_text="Conversion Apogea")
    answer.get_by_label("Votre commentaire").fill("Historique CRM 2025.")
    answer.get_by_role("button", name="Envoyer").click()
    page.get_by_role("button", name="Soumettre au DAF").click()

    cfo_page.goto(review_url)
    expect(cfo_page.get_by_text("Historique CRM 2025.")).to_be_visible()
    cfo_page.get_by_role("button", name="Approuver et figer une version").click()
    expect(cfo_page.get_by_text("Projet approuvé : la version est figée.")).to_be_visible()
    with cfo_page.expect_download() as info:
        cfo_page.get_by_role("link", name=re.compile("v1 — dossier PDF")).click()
    pdf = open(info.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "22,22" in re.sub(r"\s+", " ", text)
    shot(cfo_page, "11-approved")

    # A change after approval: a new draft whose changes are listed against v1.
    integration = project.line_items.get(category="integration")
    page.goto(f"{page.base_url}/projects/{project.pk}/wizard/costs-integration/")
    page.get_by_role("button", name=f"Modifier « {integration.label} »").click()
    page.locator("form.line-form").get_by_label("Montant unitaire").fill("20 000")
    page.locator("form.line-form").get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.locator(".flash")).to_have_text("Ligne enregistrée.")
    cfo_page.goto(review_url)
    changes = cfo_page.locator("section", has_text="Modifié depuis la version approuvée v1")
    expect(changes).to_contain_text("22,22\u00a0%")
    expect(changes).to_contain_text("17,02\u00a0%")
    expect(changes).to_contain_text("18\u202f000,00\u00a0€ → 20\u202f000,00\u00a0€")
    shot(cfo_page, "12-changes-since-v1")
    assert ProjectVersion.objects.get(project=project).number == 1
    cfo.close()
