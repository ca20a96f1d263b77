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
from tests.e2e.test_pages_a11y import DESKTOP, PHONE, new_page, problems

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


def _mobile(browser, page):
    """The same user's session on a 390 px wide phone."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                  storage_state=page.context.storage_state())
    phone = context.new_page()
    phone.base_url = page.base_url
    return phone


def test_cfo_requests_changes_the_director_answers_and_the_cfo_approves_v1(
        page, browser, live_server, e2e_world, apogea_live, run_worker):
    project = apogea_live
    review_url = f"{page.base_url}/projects/{project.pk}/review/"
    # The sales director submits; the checklist still has sub-items to do: asked, confirmed.
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(review_url)
    expect(page.get_by_test_id("incomplete-warning")).to_contain_text("« à faire »")
    page.get_by_label("Soumettre quand même ce dossier incomplet").check()
    page.get_by_role("button", name="Soumettre au DAF").click()
    expect(page.get_by_text("Projet soumis au DAF pour validation.")).to_be_visible()

    cfo = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    cfo_page = cfo.new_page()
    cfo_page.base_url = page.base_url
    login(cfo_page, "cfo@test.example", PASSWORD)
    cfo_page.goto(review_url)
    # What the CFO signs: the figures at the horizon and at 6/12/24/36 months.
    expect(cfo_page.get_by_test_id("review-roi")).to_have_text("22,22\u00a0%")
    expect(cfo_page.get_by_test_id("review-payback")).to_have_text("9,00 mois")
    expect(cfo_page.get_by_test_id("review-horizons")).to_contain_text("36 mois")
    line = cfo_page.locator("article", has_text="Conversion Apogea")
    line.get_by_role("button", name="Commenter").click()  # the form comes on demand
    line.get_by_label("Votre commentaire").fill("D’où vient le +10 % de conversion ?")
    line.get_by_role("button", name="Envoyer").click()
    expect(cfo_page.get_by_text("D’où vient le +10 % de conversion ?")).to_be_visible()
    cfo_page.get_by_label("Ce qui doit être modifié").fill("Sourcez la conversion.")
    cfo_page.get_by_role("button", name="Demander des modifications").click()
    expect(cfo_page.get_by_text("Modifications demandées.").first).to_be_visible()

    # The sales director opens the wizard: the request in a banner, badges where it matters.
    page.goto(f"{page.base_url}/projects/{project.pk}/wizard/gains-conversion/")
    banner = page.get_by_test_id("changes-banner")
    expect(banner).to_contain_text("Modifications demandées par")
    expect(banner).to_contain_text("« Sourcez la conversion. »")
    expect(banner).to_contain_text("2 commentaires restent à traiter")
    expect(page.get_by_test_id("post-comment-badge")).to_have_count(1)
    badge = page.get_by_test_id("line-comment-badge")
    expect(badge).to_have_text("1 commentaire · à traiter")
    shot(page, "13-wizard-banner-1280")
    phone = _mobile(browser, page)
    phone.goto(f"{page.base_url}/projects/{project.pk}/wizard/gains-conversion/")
    expect(phone.get_by_test_id("changes-banner")).to_be_visible()
    shot(phone, "13-wizard-banner-390")
    phone.context.close()

    # The badge leads to the thread: the director answers and resolves it, and the request.
    badge.click()
    answer = page.locator("article", has_text="Conversion Apogea")
    answer.get_by_role("button", name="Répondre").click()
    answer.get_by_label("Votre commentaire").fill("Historique CRM 2025.")
    answer.get_by_role("button", name="Envoyer").click()
    answer = page.locator("article", has_text="Conversion Apogea")
    answer.get_by_role("button", name="Marquer comme résolu").click()
    expect(page.locator("article", has_text="Conversion Apogea").get_by_test_id(
        "thread-resolved")).to_contain_text("Résolu par")
    page.locator("#general").get_by_role("button", name="Marquer comme résolu").click()
    page.goto(f"{page.base_url}/projects/{project.pk}/wizard/gains-conversion/")
    expect(page.get_by_test_id("changes-banner")).to_contain_text(
        "Tous les commentaires sont résolus")
    expect(page.get_by_test_id("line-comment-badge")).to_have_text("2 commentaires · résolu")
    page.get_by_role("link", name="Soumettre à nouveau au DAF").click()
    page.get_by_label("Soumettre quand même ce dossier incomplet").check()
    page.get_by_role("button", name="Soumettre au DAF").click()
    expect(page.get_by_text("Projet soumis au DAF pour validation.")).to_be_visible()

    # The CFO sees the answer and approves: "Approuvé v1", nothing listed as changed.
    cfo_page.goto(review_url)
    expect(cfo_page.get_by_text("Historique CRM 2025.")).to_be_visible()
    # Resolved threads stay readable: the review page passes axe at both widths.
    for width in (DESKTOP, PHONE):
        audit = new_page(browser, live_server, width)
        audit.context.add_cookies(cfo_page.context.cookies())
        audit.goto(review_url)
        expect(audit.get_by_test_id("thread-resolved").first).to_be_visible()
        assert problems(audit, width) == []
        audit.context.close()
    approve_form = cfo_page.locator("form", has=cfo_page.get_by_role(
        "button", name="Approuver et figer une version"))
    approve_form.get_by_label("Approuver quand même ce dossier incomplet").check()
    cfo_page.get_by_role("button", name="Approuver et figer une version").click()
    expect(cfo_page.get_by_text("Projet approuvé : la version est figée.")).to_be_visible()
    expect(cfo_page.get_by_test_id("review-status")).to_have_text("Approuvé v1")
    expect(cfo_page.get_by_test_id("approved-banner")).to_contain_text("Approuvé v1")
    expect(cfo_page.get_by_test_id("changes")).to_have_count(0)
    expect(cfo_page.locator("main")).not_to_contain_text("Modifié depuis")
    expect(cfo_page.get_by_test_id("version-completeness")).to_contain_text("à faire")
    run_worker()  # the frozen version's PDF, rendered by a worker after the approval
    with cfo_page.expect_download() as info:
        cfo_page.get_by_role("link", name=re.compile("v1 — dossier PDF")).click()
    assert info.value.suggested_filename == "dossier-codir-crm-connecte-a-lerp-v1.pdf"
    pdf = open(info.value.path(), "rb").read()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "22,22" in text and "v1, approuvée le" in text
    shot(cfo_page, "11-approved-1280")
    phone = _mobile(browser, cfo_page)
    phone.goto(review_url)
    expect(phone.get_by_test_id("review-status")).to_have_text("Approuvé v1")
    shot(phone, "11-approved-390")
    phone.context.close()

    # A change after approval asks first, then reopens the draft; it is listed against v1.
    integration = project.line_items.get(category="integration")
    page.goto(f"{page.base_url}/projects/{project.pk}/wizard/costs-integration/")
    expect(page.get_by_test_id("reopen-banner")).to_contain_text("Approuvé v1")
    page.get_by_role("button", name=f"Modifier « {integration.label} »").click()
    page.locator("form.line-form").get_by_label("Montant unitaire").fill("20 000")
    page.locator("form.line-form").get_by_role("button", name="Enregistrer la ligne").click()
    prompt = page.get_by_test_id("reopen-prompt")
    expect(prompt).to_contain_text("Ce projet est approuvé. Le modifier rouvre son brouillon")
    expect(page.locator("form.line-form").get_by_label("Montant unitaire")).to_have_value(
        "20 000")
    prompt.get_by_role("button", name="Rouvrir le brouillon et enregistrer").click()
    expect(page.locator(".flash")).to_have_text("Ligne enregistrée.")
    expect(page.get_by_test_id("reopen-banner")).to_have_count(0)
    cfo_page.goto(review_url)
    changes = cfo_page.get_by_test_id("changes")
    expect(changes).to_contain_text("Modifié depuis la version approuvée v1")
    expect(changes).to_contain_text("22,22\u00a0%")
    expect(changes).to_contain_text("17,02\u00a0%")
    expect(changes).to_contain_text(
        "montant unitaire 18\u202f000,00\u00a0€ → 20\u202f000,00\u00a0€")
    shot(cfo_page, "12-changes-since-v1")
    assert ProjectVersion.objects.get(project=project).number == 1
    cfo.close()
