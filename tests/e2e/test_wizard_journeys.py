"""A sales director enters the seed's Apogea case through the wizard; a CFO reads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from roi.models import LineItem
from tests.conftest import PASSWORD
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

# (step, line label, amount as typed, recurrence)
APOGEA = [
    ("costs-software", "Abonnement annuel 25 utilisateurs", "12 000", "yearly"),
    ("costs-integration", "Intégration, paramétrage, connecteurs ERP", "18 000", "once"),
    ("costs-training", "Formation & accompagnement", "5 000 €", "once"),
    ("costs-support", "Support et TMA (1 an)", "3000,00", "yearly"),
    ("costs-internal", "Temps projet interne mobilisé", "7000.00", "once"),
    ("gains-productivity", "Gain de temps des commerciaux", "18 000", "yearly"),
    ("gains-conversion", "Taux de transformation +10 %", "22 000", "yearly"),
    ("gains-marketing", "Réduction du coût d’acquisition", "6 000", "yearly"),
    ("gains-retention", "Meilleure fidélisation", "9 000", "yearly"),
]


def add_line(page, label: str, amount: str, recurrence: str) -> None:
    page.locator("article.subitem").first.get_by_role("button", name="Ajouter une ligne").click()
    form = page.locator("form.line-form")
    form.get_by_label("Libellé").fill(label)
    form.get_by_label("Montant unitaire").fill(amount)
    form.get_by_label("Récurrence").select_option(recurrence)
    form.get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.locator(".flash")).to_have_text("Ligne ajoutée.")
    expect(page.locator("form.line-form")).to_have_count(0)


def test_sales_director_enters_apogea_and_reads_22_percent(page, e2e_world):
    project = e2e_world.project
    login(page, "sales_director@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.get_by_role("link", name=project.name).click()
    page.get_by_role("link", name="Reprendre la checklist").click()
    expect(page.get_by_role("heading", name="1. Contexte du projet")).to_be_visible()
    page.get_by_label("CRM envisagé").fill("Salesforce Sales Cloud")
    page.get_by_label("Nombre d’utilisateurs").fill("25")
    page.get_by_label("Date de démarrage").fill("2027-01-04")
    page.get_by_label("Horizon (mois)").fill("12")
    shot(page, "01-context")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page).to_have_url(re.compile(r"/wizard/costs-software/$"))
    for step, label, amount, recurrence in APOGEA:
        if not page.url.endswith(f"/wizard/{step}/"):
            page.goto(page.base_url + f"/projects/{project.pk}/wizard/{step}/")
        add_line(page, label, amount, recurrence)
        shot(page, f"02-{step}")
    # The live total of the last post, in French format.
    expect(page.get_by_test_id("post-total")).to_have_text("9\u202f000,00\u00a0€")
    page.get_by_role("link", name=re.compile("Synthèse")).click()
    expect(page.get_by_test_id("roi")).to_have_text("22,22\u00a0%")
    expect(page.get_by_test_id("payback")).to_have_text("9,00 mois")
    expect(page.get_by_test_id("net-gain")).to_have_text("10\u202f000,00\u00a0€")
    expect(page.get_by_test_id("roi-24")).to_have_text("83,33\u00a0%")
    shot(page, "03-summary")
    assert LineItem.objects.filter(project=project).count() == 9


def test_leave_and_resume_where_they_stopped(page, e2e_world):
    project = e2e_world.project
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-training/")
    add_line(page, "Sessions de formation", "5 000", "once")
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/")
    page.get_by_role("link", name="Reprendre la checklist").click()
    expect(page).to_have_url(re.compile(r"/wizard/costs-training/$"))
    expect(page.get_by_test_id("line-row")).to_contain_text("Sessions de formation")


def test_invalid_amount_gets_a_clear_message(page, e2e_world):
    project = e2e_world.project
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    page.locator("article.subitem").first.get_by_role("button", name="Ajouter une ligne").click()
    form = page.locator("form.line-form")
    form.get_by_label("Libellé").fill("Licences")
    form.get_by_label("Montant unitaire").fill("douze mille")
    form.get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.locator("form.line-form .invalid-feedback")).to_contain_text(
        "Saisissez un nombre, par exemple 12 000,50.")
    # What was typed is still there.
    expect(page.locator("form.line-form").get_by_label("Libellé")).to_have_value("Licences")
    expect(page.locator("form.line-form").get_by_label("Montant unitaire")).to_have_value(
        "douze mille")
    shot(page, "04-invalid-amount")
    assert not LineItem.objects.exists()


def test_cfo_opens_the_project_read_only(page, e2e_world):
    from tests.conftest import add_line as add_row

    project = e2e_world.project
    add_row(project, "cost", "software", "12000", "yearly", label="Abonnement CRM")
    login(page, "cfo@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/")
    page.get_by_role("link", name="Voir la checklist").click()
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    expect(page.get_by_text("Lecture seule")).to_be_visible()
    expect(page.get_by_text("Abonnement CRM")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter une ligne")).to_have_count(0)
    expect(page.get_by_role("button", name="Supprimer")).to_have_count(0)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/context/")
    expect(page.get_by_label("Nom du projet")).to_be_disabled()
    shot(page, "05-cfo-read-only")


def test_a_save_the_server_cannot_answer_keeps_the_input_and_says_so(page, e2e_world):
    project = e2e_world.project
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    notice = page.locator("#request-error")
    expect(notice).to_be_hidden()
    page.locator("article.subitem").first.get_by_role("button", name="Ajouter une ligne").click()
    form = page.locator("form.line-form")
    form.get_by_label("Libellé").fill("Abonnement annuel")
    form.get_by_label("Montant unitaire").fill("12 000")
    # The database restarting: the app answers 503 (config/errors.py).
    page.route("**/lines/new/", lambda route: route.fulfill(
        status=503, headers={"Retry-After": "10"}, body="")
        if route.request.method == "POST" else route.continue_())
    form.get_by_role("button", name="Enregistrer la ligne").click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("votre saisie est toujours à l’écran")
    expect(form.get_by_label("Libellé")).to_have_value("Abonnement annuel")
    expect(form.get_by_label("Montant unitaire")).to_have_value("12 000")
    shot(page, "09-request-error")
    # Back up: the same click saves the line and the notice goes.
    page.unroute("**/lines/new/")
    form.get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.locator(".flash")).to_have_text("Ligne ajoutée.")
    expect(notice).to_be_hidden()
    assert LineItem.objects.filter(project=project, label="Abonnement annuel").count() == 1
