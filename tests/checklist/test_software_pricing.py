"""Seed 002 next to the software post: the price tiers, the 10–300 warning and the licence
model the lines follow, in the project's currency."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from tests.checklist.test_wizard import HTMX, director, line_data, new_line_url, project, subitem
from tests.conftest import add_line
from tests.roi.documents.test_pdf import normalise

__all__ = ["director", "project"]  # fixtures


def software_page(client, project) -> str:
    response = client.get(reverse("checklist:step", args=[project.pk, "costs-software"]))
    assert response.status_code == 200
    return normalise(response.content.decode())


def test_the_software_step_shows_the_tiers_and_the_saas_model(director, project):
    add_line(project, "cost", "software", "65", "monthly", quantity=Decimal(25),
             label="Abonnement Sales Hub", subitem=subitem(project, "software.user_pricing"))
    page = software_page(director, project)
    assert 'data-testid="software-pricing"' in page
    for tier in ("économique : 10 € à 30 € par utilisateur et par mois",
                 "milieu de gamme : 30 € à 100 € par utilisateur et par mois",
                 "haut de gamme : 100 € à 300 € par utilisateur et par mois"):
        assert tier in page, tier
    assert "Hors de 10 € à 300 € par utilisateur et par mois, le prix est signalé" in page
    assert "SaaS : abonnement par utilisateur" in page
    assert "Abonnement Sales Hub : 65,00 € par utilisateur et par mois · milieu de gamme" in page
    assert "hors de la fourchette habituelle" not in page


def test_a_price_outside_10_to_300_is_warned_about(director, project):
    # A whole yearly invoice typed as a per-user monthly price.
    add_line(project, "cost", "software", "1500", "monthly", quantity=Decimal(25),
             label="Abonnement", subitem=subitem(project, "software.user_pricing"))
    page = software_page(director, project)
    assert "hors de la fourchette habituelle" in page
    assert "revient à 1 500,00 € par utilisateur et par mois" in page  # the engine’s warning


def test_the_on_premise_pattern_is_recognised_in_the_projects_currency(director, project):
    project.currency = "USD"
    project.save()
    add_line(project, "cost", "software", "40000", "once", label="Licence perpétuelle",
             subitem=subitem(project, "software.specific_licences"))
    add_line(project, "cost", "support", "8000", "yearly", label="Maintenance")
    page = software_page(director, project)
    assert "On-premise : licence perpétuelle + maintenance annuelle" in page
    assert "économique : 10 $ à 30 $ par utilisateur et par mois" in page


def test_the_box_follows_a_line_saved_in_place(director, project):
    response = director.post(new_line_url(project, "costs-software", "software.user_pricing"),
                             line_data(label="Sièges", amount="20", quantity="10",
                                       recurrence="monthly"), **HTMX)
    body = normalise(response.content.decode())
    assert "Sièges : 20,00 € par utilisateur et par mois · économique" in body
