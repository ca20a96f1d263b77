"""Forecasts that learn (issue 12, item 7): realisation and overrun rates over a workspace's
tracked projects, on the portfolio and as the wizard's default."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from django.core.management import call_command
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.learning.selectors import workspace_rates
from roi.projects.models import LineItem, ProjectStatus
from roi.tracking.models import LineActual
from tests.roi.learning.factories import tracked_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    """Two tracked projects of the world's client: productivity planned 1 000 a month
    (before its 50 % confidence) realised 700 over 3 months, and 200 realised 200 over 6;
    integration 10 000 invoiced 11 500 on the first, 5 000 as planned on the second."""
    first = tracked_project(world.client, "Premier suivi")
    second = tracked_project(world.client, "Second suivi", months=6, productivity="2400",
                             productivity_actual="200", integration="5000",
                             integration_actual="5000")
    return first, second


def test_rates_pool_the_closed_months_of_the_tracked_projects(world, history):
    rates = workspace_rates(world.users["viewer"]).rates("EUR")
    assert rates.projects == 2
    (productivity,) = rates.gains
    # (3 × 700 + 6 × 200) / (3 × 1 000 + 6 × 200): the plan before confidence.
    assert (productivity.actual, productivity.planned_unadjusted) == (Decimal(3300),
                                                                      Decimal(4200))
    with localcontext(prec=40):  # the engine keeps 40 significant digits
        assert productivity.realisation_rate == Decimal(3300) / Decimal(4200)
    (integration,) = rates.costs
    assert integration.overrun_rate == Decimal("16500") / Decimal("15000") - 1  # +10 %


def test_only_tracked_projects_with_three_closed_months_of_the_users_clients_count(
        world, history):
    tracked_project(world.client, "Trop récent", months=2, productivity_actual="0")
    deleted = tracked_project(world.client, "Supprimé", productivity_actual="0")
    deleted.deleted_at = deleted.created_at
    deleted.save()
    approved = tracked_project(world.client, "Pas encore suivi", productivity_actual="0")
    approved.status = ProjectStatus.APPROVED
    approved.save()
    tracked_project(world.other_client, "Chez un autre client", productivity_actual="0")
    assert workspace_rates(world.users["viewer"]).rates("EUR").projects == 2
    # The outsider learns from their own client's project only.
    assert workspace_rates(world.users["outsider"]).gain("EUR", "productivity") \
        .realisation_rate == 0


def test_currencies_are_not_pooled(world, history):
    tracked_project(world.client, "En dollars", currency="USD", productivity_actual="1000")
    workspace = workspace_rates(world.users["viewer"])
    assert workspace.rates("EUR").projects == 2
    assert workspace.gain("USD", "productivity").realisation_rate == 1


def test_an_actual_after_the_last_closed_month_is_not_counted(world, history):
    first, _ = history
    gain = LineItem.objects.get(project=first, kind="gain")
    LineActual.objects.create(line=gain, month=4, amount=Decimal("99999"))
    rates = workspace_rates(world.users["viewer"]).rates("EUR")
    assert rates.gains[0].actual == Decimal(3300)


def test_rates_take_three_queries_whatever_the_number_of_projects(
        world, history, django_assert_num_queries):
    with django_assert_num_queries(3):
        workspace_rates(world.users["viewer"])
    for index in range(6):
        tracked_project(world.client, f"Projet {index}", months=4)
    with django_assert_num_queries(3):
        workspace_rates(world.users["viewer"])


def test_the_portfolio_shows_the_rates(client, world, history):
    client.force_login(world.users["cfo"])
    html = client.get(reverse("roi:portfolio")).content.decode()
    # 3 300 / 4 200 = 78.57 %.
    assert "Productivité commerciale : 79\u00a0% réalisé sur 2 projets" in html
    assert "Intégration et déploiement : +10\u00a0% par rapport au plan sur 2 projets" in html
    assert "contingence suggérée : 10\u00a0%" in html


def test_the_portfolio_says_nothing_without_tracked_projects(client, world):
    client.force_login(world.users["cfo"])
    assert "learned-rates" not in client.get(reverse("roi:portfolio")).content.decode()


@pytest.fixture
def project(world):
    call_command("load_catalogue", verbosity=0)
    world.project.catalogue = CatalogueVersion.current()
    world.project.save()
    return world.project


def new_line_url(project, step, code):
    subitem = SubItem.objects.get(post__catalogue=project.catalogue, code=code)
    return reverse("checklist:line_new", args=[project.pk, step]) + f"?subitem={subitem.pk}"


def test_a_new_gain_line_is_offered_the_learned_confidence_with_its_evidence(
        client, world, history, project):
    client.force_login(world.users["sales_director"])
    url = new_line_url(project, "gains-productivity", "productivity.manual_tasks")
    html = client.get(url).content.decode()
    assert 'name="confidence" value="79"' in html
    assert "Confiance proposée : 79\u00a0%, le taux de réalisation des gains « Productivité " \
           "commerciale » sur 2 projets suivis" in html
    assert "3\u202f300\u00a0€ pour 4\u202f200\u00a0€ prévus avant confiance" in html
    # Accepted as offered…
    data = {"label": "Relances", "amount": "12000", "quantity": "1", "recurrence": "yearly",
            "start_month": "1", "confidence": "79",
            "assumption": "Confiance proposée : 79 % (2 projets suivis)."}
    assert client.post(url, data).status_code == 302
    # …or overridden.
    assert client.post(url, {**data, "label": "Autre", "confidence": "95"}).status_code == 302
    confidences = dict(LineItem.objects.filter(project=project).values_list("label",
                                                                             "confidence"))
    assert confidences == {"Relances": Decimal("0.79"), "Autre": Decimal("0.95")}


def test_a_post_nobody_tracked_keeps_the_usual_default(client, world, history, project):
    client.force_login(world.users["sales_director"])
    html = client.get(new_line_url(project, "gains-conversion",
                                   "conversion.automated_follow_ups")).content.decode()
    assert 'name="confidence" value="100"' in html
    assert "learned-suggestion" not in html


def test_a_new_cost_line_is_shown_the_suggested_contingency(client, world, history, project):
    client.force_login(world.users["sales_director"])
    html = client.get(new_line_url(project, "costs-integration",
                                   "integration.configuration")).content.decode()
    assert "a coûté 16\u202f500\u00a0€ pour 15\u202f000\u00a0€ prévus (+10\u00a0%)" in html
    assert "Contingence suggérée : 10\u00a0% de ce poste" in html
