"""Figures read right (issue 9, item 7): a payback without any cost, its name, the dossier's
"Décision demandée", an IRR above 1 000 %, revenue without a margin per line, and the TCO
warning that waits for the costs."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override
from pypdf import PdfReader

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.calculation import compute
from roi.documents import dossier
from roi.formats import Formatter
from roi.models import LineItem, RoiProject
from roi.projects.cases import project_case
from roi.projects.services import project_refresh_figures
from tests.conftest import add_line, bump_revision


@pytest.fixture(autouse=True)
def cache_table(db):
    call_command("createcachetable", verbosity=0)


def text(response_or_bytes) -> str:
    content = getattr(response_or_bytes, "content", response_or_bytes)
    if content[:4] == b"%PDF":
        reader = PdfReader(io.BytesIO(content))
        content = " ".join(page.extract_text() or "" for page in reader.pages)
    else:
        content = re.sub(r"<[^>]+>", " ", content.decode())
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", content)


def junto(world) -> RoiProject:
    """Seed 001 on the world's project: 50 000 € once, 250 000 € of yearly gains."""
    project = world.project
    add_line(project, "cost", "software", "50000", "once", label="Investissement CRM")
    add_line(project, "gain", "revenue", "200000", "yearly", label="Ventes supplémentaires")
    add_line(project, "gain", "steering", "30000", "yearly", label="Réduction des coûts")
    add_line(project, "gain", "productivity", "20000", "yearly", label="Productivité")
    project_refresh_figures(project)
    return project


# --- the formatter ---------------------------------------------------------------------------


def test_the_formatter_says_payback_and_irr_as_a_cfo_reads_them():
    fr, en = Formatter(lang="fr"), Formatter(lang="en")
    assert fr.payback(Decimal(0), total_costs=Decimal(0)) == "—"
    assert fr.payback(Decimal("9"), total_costs=Decimal("45000")) == "9,00 mois"
    with override("fr"):
        assert fr.payback(None, total_costs=Decimal("45000")) == "non atteint"
    assert fr.irr(Decimal("63454.24")) == ">\u00a01\u202f000\u00a0%"
    assert en.irr(Decimal("63454.24")) == ">\u00a01,000%"
    assert fr.irr(Decimal("1000")) == "1\u202f000,00\u00a0%"  # at the cap: still the figure
    assert fr.irr(Decimal("95.04"), 1) == "95,0\u00a0%" and fr.irr(None) == "n/a"


# --- 7.1 and 7.2: payback without any cost, its name ----------------------------------------


def test_a_project_without_any_cost_shows_no_payback_and_sorts_last(client, world, apogea):
    empty = RoiProject.objects.create(client=world.client, name="Projet vide")
    gains_only = RoiProject.objects.create(client=world.client, name="Gains seuls")
    add_line(gains_only, "gain", "productivity", "1000", "monthly")
    for project in (empty, gains_only):
        project_refresh_figures(project)
        project.refresh_from_db()
        assert project.payback_months is None and project.roi_percent is None
    client.force_login(world.users["consultant"])
    detail = client.get(reverse("roi:project_detail", args=[empty.pk])).content.decode()
    payback = re.search(r'data-testid="payback">([^<]*)<', detail).group(1)
    assert payback == "—" and "0,00 mois" not in detail
    assert "Délai de retour" in detail and "Retour sur investissement" not in detail
    for sort in ("payback", "-payback"):
        page = text(client.get(reverse("roi:portfolio"), {"sort": sort}))
        names = [n for n in re.findall(r"(CRM connecté à l’ERP|Projet vide|Gains seuls)", page)]
        assert names[0] == "CRM connecté à l’ERP", sort  # the one with a payback first
        assert "Délai de retour" in page and "Retour sur investissement" not in page
    assert "9,00 mois" in page and "0,00 mois" not in page


def test_the_stored_payback_of_old_empty_projects_is_cleared_by_the_migration(world):
    # What 0003 does: a project without any cost had 0.00 stored, now nothing.
    from importlib import import_module

    from django.apps import apps

    RoiProject.objects.filter(pk=world.project.pk).update(payback_months=Decimal("0.00"),
                                                          roi_percent=None)
    import_module("roi.migrations.0003_signoff").no_payback_without_cost(apps, None)
    world.project.refresh_from_db()
    assert world.project.payback_months is None


# --- 7.3: "Décision demandée" ----------------------------------------------------------------


def decision_of(project) -> str:
    full = text(dossier.render_dossier(project))
    start = full.casefold().index("décision demandée")  # printed in small capitals
    return full[start:start + 700]


def test_the_decision_asks_for_approval_when_the_case_pays_back(world, apogea):
    words = decision_of(apogea)
    assert "Approuver un investissement de 45 000,00 € sur 12 mois" in words
    assert "L’investissement est remboursé en 9,00 mois" in words


def test_the_decision_says_when_the_case_does_not_pay_back_within_the_horizon(world, apogea):
    apogea.horizon_months = 6
    apogea.save()
    bump_revision(apogea)  # what the services do on every change (project_changed)
    words = decision_of(apogea)
    assert "Approuver un investissement" not in words
    assert "alors que l’investissement n’est pas remboursé sur cet horizon" in words
    assert "le résultat net est de −10 000,00 €, soit un ROI de −26,67 %" in words
    assert "serait atteint au bout de 9,00 mois, au-" in words  # au-delà, cut at the line end


def test_the_decision_says_when_the_roi_is_negative_although_paid_back_once(world):
    project = world.project
    add_line(project, "cost", "integration", "10000", "once")
    add_line(project, "cost", "evolution", "20000", "once", start_month=10)
    add_line(project, "gain", "productivity", "2000", "monthly")
    words = decision_of(project)
    assert "alors que le ROI sur cet horizon est négatif" in words
    assert "des coûts ultérieurs font repasser le cumul sous zéro" in words


def test_the_decision_without_any_cost_or_line(world):
    assert "ne demande pas encore de décision" in decision_of(world.project)
    add_line(world.project, "gain", "productivity", "1000", "monthly")
    words = decision_of(world.project)
    assert "Aucun coût n’a été saisi : le ROI et le délai de retour ne sont pas définis" in words


# --- 7.4: an IRR above 1 000 % ---------------------------------------------------------------


def test_junto_irr_is_shown_above_1000_percent_with_the_exact_figure_in_the_appendix(
        client, world):
    project = junto(world)
    exact = compute(project_case(project)).headline.irr_percent
    assert exact > 63454
    client.force_login(world.users["cfo"])
    for url in (reverse("roi:project_detail", args=[project.pk]),
                reverse("roi:project_review", args=[project.pk])):
        page = client.get(url).content.decode()
        assert "&gt;\u00a01\u202f000\u00a0%" in page
        assert "63\u202f454,2\u00a0%" not in re.sub(r'title="[^"]*"', "", page)
    pdf = text(dossier.render_dossier(project))
    assert "> 1 000 %" in pdf
    start = pdf.casefold().index("tri au-delà de 1 000 %")
    assert "63 454" not in pdf[:start]
    appendix = pdf[start:]
    assert "sur 12 mois : 63 454,24 % par an (horizon du dossier)" in appendix


# --- 7.5 and 7.6: warnings as the wizard and the pages show them -----------------------------


def test_junto_sales_without_a_margin_are_pointed_out(client, world):
    project = junto(world)
    client.force_login(world.users["sales_director"])
    page = text(client.get(reverse("roi:project_detail", args=[project.pk])))
    assert "La ligne « Ventes supplémentaires » compte du chiffre d’affaires sans marge" in page
    LineItem.objects.filter(label="Ventes supplémentaires").update(margin=Decimal("0.3"))
    bump_revision(project)
    page = text(client.get(reverse("roi:project_detail", args=[project.pk])))
    assert "Ventes supplémentaires » compte du chiffre d’affaires" not in page


def test_the_tco_warning_waits_until_the_costs_have_been_entered(client, world):
    call_command("load_catalogue", verbosity=0)
    project = world.project
    project.catalogue = CatalogueVersion.current()
    project.save()
    client.force_login(world.users["sales_director"])
    subscription = SubItem.objects.get(post__catalogue=project.catalogue,
                                       code="software.subscription")
    client.post(reverse("checklist:line_new", args=[project.pk, "costs-software"])
                + f"?subitem={subscription.pk}",
                {"label": "Licences", "amount": "1 000", "quantity": "1",
                 "recurrence": "monthly", "start_month": "1"})
    step = reverse("checklist:step", args=[project.pk, "costs-software"])
    assert "fois le coût des licences" not in text(client.get(step))
    add_line(project, "gain", "productivity", "500", "monthly")
    assert "Le coût total ne représente que 1,00 fois le coût des licences" in text(
        client.get(step))
