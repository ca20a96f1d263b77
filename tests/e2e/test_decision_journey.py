"""A decision of three options built from the UI, compared side by side and one chosen by the
CFO, in Chromium; the decision page axe-clean at 1280 and 390 px."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from checklist.catalogue.models import SubItem
from roi.models import Decision, ProjectVersion, RoiProject
from roi.projects.services import project_refresh_figures
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot
from tests.e2e.test_pages_a11y import PHONE, new_page, problems
from tests.e2e.test_signoff_journeys import APOGEA

pytestmark = pytest.mark.browser


@pytest.fixture
def two_projects(e2e_world):
    apogea = e2e_world.project
    for kind, category, amount, recurrence in APOGEA:
        add_line(apogea, kind, category, amount, recurrence, label=f"{category.capitalize()}")
    project_refresh_figures(apogea)
    current = RoiProject.objects.create(client=e2e_world.client, name="Garder l’outil actuel",
                                        catalogue=apogea.catalogue)
    add_line(current, "cost", "software", "25", "monthly", quantity=Decimal(20),
             label="Licences actuelles")
    add_line(current, "gain", "productivity", "9000", "yearly")
    project_refresh_figures(current)
    return current, apogea


def test_three_options_built_from_the_ui_and_the_cfo_chooses_one(browser, live_server,
                                                                  e2e_world, two_projects,
                                                                  run_worker):
    current, apogea = two_projects
    page = new_page(browser, live_server, 1280)
    login(page, "consultant@test.example", PASSWORD)
    page.goto(page.base_url + f"/clients/{e2e_world.client.pk}/")
    page.get_by_role("link", name="Comparer des options").click()
    page.get_by_label("Nom de la décision").fill("Choix du CRM 2027")
    page.get_by_label("Option de référence").select_option(label="Garder l’outil actuel")
    page.get_by_label("CRM connecté à l’ERP").check()
    page.get_by_role("button", name="Créer la décision").click()
    expect(page.get_by_text("Décision « Choix du CRM 2027 » créée.")).to_be_visible()
    expect(page.get_by_test_id("option-card")).to_have_count(2)

    # "Nouvelle option" from Apogea's lines, then its licence made a per-user subscription.
    page.get_by_role("link", name="Nouvelle option").click()
    page.get_by_label("Partir des lignes de").select_option(label="CRM connecté à l’ERP")
    page.get_by_label("Nom de la nouvelle option").fill("CRM SaaS haut de gamme")
    page.get_by_role("button", name="Créer l’option").click()
    expect(page.get_by_text("Option « CRM SaaS haut de gamme » ajoutée")).to_be_visible()
    cards = page.get_by_test_id("option-card")
    expect(cards).to_have_count(3)
    expect(page.get_by_test_id("verdict")).to_contain_text("crée le plus de valeur")
    expect(page.get_by_test_id("verdict")).to_contain_text("un ROI élevé sur une petite base")
    expect(cards.nth(0)).to_contain_text("SaaS : abonnement par utilisateur")
    expect(page.get_by_test_id("less-reliable")).to_have_count(3)
    assert page.locator(".chart .option-line").count() == 6  # three lines, wide and compact
    assert not problems(page, 1280)
    shot(page, "decision-1280")

    # The same page on a phone: no sideways scrolling, axe-clean.
    decision = Decision.objects.get(name="Choix du CRM 2027")
    url = page.base_url + f"/clients/{e2e_world.client.pk}/decisions/{decision.pk}/"
    phone = new_page(browser, live_server, PHONE)
    login(phone, "cfo@test.example", PASSWORD)
    phone.goto(url)
    expect(phone.get_by_test_id("option-card")).to_have_count(3)
    assert not problems(phone, PHONE)
    shot(phone, "decision-390")

    # The CFO chooses Apogea (confirming its incomplete checklist).
    phone.get_by_test_id("option-card").nth(1).get_by_role(
        "button", name="Choisir et approuver").click()
    expect(phone.get_by_test_id("approve-confirm")).to_contain_text("à faire")
    phone.get_by_role("button", name="Approuver « CRM connecté à l’ERP » quand même").click()
    expect(phone.get_by_text("Option « CRM connecté à l’ERP » choisie et approuvée (v1).")
           ).to_be_visible()
    expect(phone.get_by_test_id("decision-chosen")).to_be_visible()
    expect(phone.get_by_role("button", name="Choisir et approuver")).to_have_count(0)
    shot(phone, "decision-chosen-390")

    version = ProjectVersion.objects.get(project=apogea)
    assert version.choice["chosen"] == 1
    assert [o["name"] for o in version.choice["options"]] == [
        "Garder l’outil actuel", "CRM connecté à l’ERP", "CRM SaaS haut de gamme"]
    # Its frozen dossier, rendered by a worker after the approval, downloaded from the page,
    # has the options studied.
    run_worker()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Dossier v1 (PDF)").click()
    content = open(download.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Options étudiées" in text
    assert "CRM SaaS haut de gamme" in text


@pytest.mark.parametrize("width", [1280, PHONE])
def test_the_software_step_shows_price_tiers_and_model(browser, live_server, e2e_world, width):
    project = e2e_world.project
    add_line(project, "cost", "software", "1500", "monthly", quantity=Decimal(25),
             label="Abonnement", subitem=SubItem.objects.get(
                 post__catalogue=project.catalogue, code="software.user_pricing"))
    page = new_page(browser, live_server, width)
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    box = page.get_by_test_id("software-pricing")
    expect(box).to_contain_text("milieu de gamme : 30\u00a0€ à 100\u00a0€")
    expect(box).to_contain_text("hors de la fourchette habituelle")
    expect(page.get_by_test_id("licence-model")).to_have_text("SaaS : abonnement par utilisateur")
    assert not problems(page, width)
    shot(page, f"software-step-{width}")
