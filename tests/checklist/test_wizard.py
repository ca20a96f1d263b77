"""The wizard as a sales director uses it: lines in place, answers, resume, conflicts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.models import AnswerStatus, ChecklistAnswer, LineItem, RoiProject
from tests.conftest import add_line, bump_revision

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(world):
    call_command("load_catalogue", verbosity=0)
    world.project.catalogue = CatalogueVersion.current()
    world.project.save()
    return world.project


def subitem(project, code):
    return SubItem.objects.get(post__catalogue=project.catalogue, code=code)


def new_line_url(project, step, code):
    return reverse("checklist:line_new", args=[project.pk, step]) + (
        f"?subitem={subitem(project, code).pk}")


def line_data(**overrides):
    data = {"label": "Ligne", "amount": "1000", "quantity": "1", "recurrence": "yearly",
            "start_month": "1", "end_month": "", "assumption": "Devis de l’intégrateur"}
    data.update(overrides)
    return data


@pytest.fixture
def director(client, world):
    client.force_login(world.users["sales_director"])
    return client


APOGEA = [
    ("costs-software", "software.subscription", "12 000", "yearly"),
    ("costs-integration", "integration.configuration", "18000", "once"),
    ("costs-training", "training.user_sessions", "5 000 €", "once"),
    ("costs-support", "support.vendor_support", "3000,00", "yearly"),
    ("costs-internal", "internal.project_manager", "7000.00", "once"),
    ("gains-productivity", "productivity.manual_tasks", "18 000", "yearly"),
    ("gains-conversion", "conversion.automated_follow_ups", "22 000", "yearly"),
    ("gains-marketing", "marketing.segmentation", "6 000", "yearly"),
    ("gains-retention", "retention.interaction_history", "9 000", "yearly"),
]


def test_apogea_through_the_wizard_gives_22_percent(director, project):
    codes = {s.code for s in SubItem.objects.filter(post__catalogue=project.catalogue)}
    for step, code, amount, recurrence in APOGEA:
        assert code in codes, code
        response = director.post(new_line_url(project, step, code),
                                 line_data(amount=amount, recurrence=recurrence), **HTMX)
        assert response.status_code == 200, response.content.decode()[:2000]
        assert response["HX-Retarget"] == "#post-block"
    summary = director.get(reverse("checklist:step", args=[project.pk, "summary"]))
    body = summary.content.decode()
    assert "22,22\u00a0%" in body
    assert "9,00 mois" in body
    assert "45\u202f000,00\u00a0€" in body and "55\u202f000,00\u00a0€" in body
    assert LineItem.objects.get(category="training").amount == Decimal("5000")


@pytest.mark.parametrize("typed,stored", [("12 000,50", "12000.50"), ("12000.50", "12000.50"),
                                          ("12 000 €", "12000"), ("1.234,5", "1234.5")])
def test_french_number_input(director, project, typed, stored):
    director.post(new_line_url(project, "costs-software", "software.subscription"),
                  line_data(amount=typed), **HTMX)
    assert LineItem.objects.get().amount == Decimal(stored)


def test_invalid_amount_gets_a_field_message_and_keeps_input(director, project):
    response = director.post(new_line_url(project, "costs-software", "software.subscription"),
                             line_data(label="Licences Pro", amount="douze mille"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Saisissez un nombre, par exemple 12 000,50." in body
    assert 'value="Licences Pro"' in body and 'value="douze mille"' in body
    assert not LineItem.objects.exists()


def test_negative_amount_and_end_before_start_are_refused(director, project):
    response = director.post(new_line_url(project, "costs-software", "software.subscription"),
                             line_data(amount="-5", start_month="6", end_month="3",
                                       recurrence="monthly"), **HTMX)
    body = response.content.decode()
    assert "supérieure ou égale à 0" in body
    assert "Le mois de fin doit être postérieur ou égal au mois de début." in body
    assert not LineItem.objects.exists()


def test_gain_shows_risk_adjusted_next_to_raw(director, project):
    response = director.post(
        new_line_url(project, "gains-productivity", "productivity.manual_tasks"),
        line_data(amount="12 000", confidence="50", ramp_up_months="0"), **HTMX)
    body = response.content.decode()
    line = LineItem.objects.get()
    assert line.confidence == Decimal("0.5")
    assert "6\u202f000,00\u00a0€" in body  # risk-adjusted post total
    assert "12\u202f000,00\u00a0€" in body  # the raw figure next to it


def test_edit_and_delete_in_place(director, project):
    line = add_line(project, "cost", "software", "100", "monthly",
                    subitem=subitem(project, "software.subscription"))
    url = reverse("checklist:line_edit", args=[project.pk, line.pk])
    form = director.get(url, **HTMX)
    assert 'name="version" value="1"' in form.content.decode()
    director.post(url, line_data(amount="200", recurrence="monthly", version="1"), **HTMX)
    line.refresh_from_db()
    assert line.amount == Decimal(200) and line.version == 2
    response = director.post(reverse("checklist:line_delete", args=[project.pk, line.pk]),
                             **HTMX)
    assert response.status_code == 200 and not LineItem.objects.exists()
    assert "Ligne supprimée." in response.content.decode()


def test_two_editors_cannot_silently_overwrite_a_line(client, world, project):
    line = add_line(project, "cost", "software", "100", "monthly",
                    subitem=subitem(project, "software.subscription"))
    url = reverse("checklist:line_edit", args=[project.pk, line.pk])
    client.force_login(world.users["consultant"])
    client.post(url, line_data(amount="150", recurrence="monthly", version="1"), **HTMX)
    client.force_login(world.users["sales_director"])
    response = client.post(url, line_data(amount="175", label="Ma version",
                                          recurrence="monthly", version="1"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 422  # the form again, not the block
    assert "modifiée ou supprimée par quelqu’un d’autre" in body
    assert 'value="Ma version"' in body and 'value="175"' in body
    line.refresh_from_db()
    assert line.amount == Decimal(150)
    # The form now carries the current version: saving again, knowingly, goes through.
    assert 'name="version" value="2"' in body
    client.post(url, line_data(amount="175", label="Ma version", recurrence="monthly",
                               version="2"), **HTMX)
    line.refresh_from_db()
    assert line.amount == Decimal(175)


def test_two_editors_cannot_silently_overwrite_the_context(client, world, project):
    url = reverse("checklist:step", args=[project.pk, "context"])
    data = {"name": "Projet", "horizon_months": "24", "currency": "EUR", "discount_rate": "8",
            "language": "fr", "conservative_gains_factor": "80",
            "conservative_costs_factor": "110", "optimistic_gains_factor": "120",
            "optimistic_costs_factor": "100", "revision": str(project.revision)}
    client.force_login(world.users["consultant"])
    assert client.post(url, data).status_code == 302
    client.force_login(world.users["sales_director"])
    response = client.post(url, dict(data, name="Mon nom", horizon_months="36"))
    assert "modifié par quelqu’un d’autre" in response.content.decode()
    project.refresh_from_db()
    assert project.horizon_months == 24 and project.name == "Projet"
    assert f'name="revision" value="{project.revision}"' in response.content.decode()


def test_not_applicable_with_reason_and_completeness(director, project):
    item = subitem(project, "transition.legacy_termination")
    director.post(reverse("checklist:answer_save", args=[project.pk, item.pk]),
                  {f"na-{item.pk}": "on", f"reason-{item.pk}": "Pas d’ancien CRM"}, **HTMX)
    answer = ChecklistAnswer.objects.get(subitem=item)
    assert answer.status == AnswerStatus.NOT_APPLICABLE and answer.reason == "Pas d’ancien CRM"
    add_line(project, "cost", "software", "100", "monthly",
             subitem=subitem(project, "software.subscription"))
    summary = director.get(reverse("checklist:step", args=[project.pk, "summary"]))
    body = summary.content.decode()
    assert "1 chiffrés · 1 non applicables · 66 à faire, sur 68" in body


def test_each_item_to_do_links_to_its_own_step(director, project):
    add_line(project, "cost", "software", "100", "monthly",
             subitem=subitem(project, "software.subscription"))
    body = director.get(reverse("roi:project_detail", args=[project.pk])).content.decode()
    links = re.findall(r'<li><a href="([^"#]+)#subitem-(\d+)">', body)
    assert len(links) == 67
    by_pk = {item.pk: item for item in SubItem.objects.select_related("post").filter(
        post__catalogue=project.catalogue)}
    for href, pk in links:
        post = by_pk[int(pk)].post
        group = "costs" if post.kind == "cost" else "gains"
        assert href == reverse("checklist:step", args=[project.pk, f"{group}-{post.code}"])
    assert int(subitem(project, "software.subscription").pk) not in {int(pk) for _, pk in links}


def test_adding_a_line_to_a_not_applicable_item_counts_it(director, project):
    item = subitem(project, "software.modules")
    director.post(reverse("checklist:answer_save", args=[project.pk, item.pk]),
                  {f"na-{item.pk}": "on"}, **HTMX)
    director.post(new_line_url(project, "costs-software", "software.modules"), line_data(),
                  **HTMX)
    assert ChecklistAnswer.objects.get(subitem=item).status == AnswerStatus.OPEN


def test_resume_where_the_user_stopped(director, project):
    director.get(reverse("checklist:step", args=[project.pk, "gains-retention"]))
    response = director.get(reverse("checklist:resume", args=[project.pk]))
    assert response.url == reverse("checklist:step", args=[project.pk, "gains-retention"])


def test_next_and_previous_buttons_save_and_move(director, project):
    url = reverse("checklist:step", args=[project.pk, "costs-software"])
    assert director.post(url, {"next": ""}).url.endswith("/costs-integration/")
    assert director.post(url, {"previous": ""}).url.endswith("/context/")


def test_quantification_helper_keeps_formula_in_assumption(director, project):
    url = reverse("checklist:quantify", args=[project.pk, "gains-productivity",
                                              "time_saved"])
    director.post(url + f"?subitem={subitem(project, 'productivity.manual_tasks').pk}", {
        "hours_per_week": "2", "people": "10", "loaded_hourly_cost": "45",
        "working_weeks": "45"}, **HTMX)
    line = LineItem.objects.get()
    assert line.amount == Decimal("40500.00") and line.recurrence == "yearly"
    assert line.category == "productivity" and line.kind == "gain"
    assert "2 h/semaine × 10 personnes × 45\u00a0€/h" in line.assumption
    assert "40\u202f500\u00a0€ par an" in line.assumption


def test_revenue_helper_asks_for_a_margin(director, project):
    url = reverse("checklist:quantify", args=[project.pk, "gains-conversion",
                                              "conversion_uplift"])
    response = director.post(url, {"opportunities_per_year": "400", "uplift_rate": "5",
                                   "average_deal": "10 000", "margin_rate": ""}, **HTMX)
    assert response.status_code == 422 and "Ce champ est obligatoire" in response.content.decode()
    director.post(url, {"opportunities_per_year": "400", "uplift_rate": "5",
                        "average_deal": "10 000", "margin_rate": "30"}, **HTMX)
    line = LineItem.objects.get()
    # 400 × 5 % × 10 000 = 200 000 of revenue, at 30 % of margin: 60 000 of profit a year.
    assert (line.amount, line.margin) == (Decimal("200000.00"), Decimal("0.3"))
    assert "60\u202f000\u00a0€ de marge par an" in line.assumption


def test_benefits_and_kpis_are_saved(director, project):
    director.post(reverse("checklist:step", args=[project.pk, "benefits"]),
                  {"benefit": ["Vision client à 360°", "", "Données fiables"], "next": ""})
    assert list(project.qualitative_benefits.values_list("text", flat=True)) == [
        "Vision client à 360°", "Données fiables"]
    response = director.post(reverse("checklist:step", args=[project.pk, "kpis"]),
                             {"cac-baseline": "1 200", "cac-target": "900",
                              "ltv_cac-target": "4,5", "nps-baseline": "abc"})
    assert "Saisissez un nombre" in response.content.decode()
    assert not project.kpis.exists()
    director.post(reverse("checklist:step", args=[project.pk, "kpis"]),
                  {"cac-baseline": "1 200", "cac-target": "900", "ltv_cac-target": "4,5"})
    cac = project.kpis.get(code="cac")
    assert (cac.baseline, cac.target) == (Decimal(1200), Decimal(900))


def test_progress_marks_the_contingency_warning(director, project):
    add_line(project, "cost", "software", "100", "monthly",
             subitem=subitem(project, "software.subscription"))
    page = director.get(reverse("checklist:step", args=[project.pk, "costs-contingency"]))
    body = page.content.decode()
    assert "Coûts cachés ou imprévus" in body and "le poste le plus souvent oublié" in body
    assert "state-warning" in body


def test_read_only_roles_see_no_edit_controls(client, world, project):
    add_line(project, "cost", "software", "100", "monthly",
             subitem=subitem(project, "software.subscription"))
    for role in ("cfo", "viewer"):
        client.force_login(world.users[role])
        body = client.get(reverse("checklist:step", args=[project.pk, "costs-software"])
                          ).content.decode()
        assert "Lecture seule" in body
        assert "Ajouter une ligne" not in body and "Supprimer" not in body
        context = client.get(reverse("checklist:step", args=[project.pk, "context"]))
        assert "<fieldset disabled" in context.content.decode()


def test_a_line_of_another_project_is_not_found(director, world, project):
    other = add_line(world.other_project, "cost", "software", "100", "monthly")
    url = reverse("checklist:line_edit", args=[project.pk, other.pk])
    assert director.get(url).status_code == 404
    assert director.post(reverse("checklist:line_delete", args=[project.pk, other.pk])
                         ).status_code == 404
    assert LineItem.objects.filter(pk=other.pk).exists()


def test_unknown_step_is_404(director, project):
    assert director.get(reverse("checklist:step", args=[project.pk, "nope"])).status_code == 404


def _many_lines(project, count):
    items = list(SubItem.objects.filter(post__catalogue=project.catalogue,
                                        post__code__in=["software", "productivity"]))
    LineItem.objects.bulk_create(
        LineItem(project=project, kind="cost" if i % 2 else "gain",
                 category="software" if i % 2 else "productivity",
                 subitem=next(s for s in items if s.post.code == (
                     "software" if i % 2 else "productivity")),
                 label=f"Ligne {i}", amount=Decimal(100 + i), recurrence="monthly")
        for i in range(count)
    )
    bump_revision(project)


def _queries_at(director, url, project, lines, django_assert_max_num_queries) -> int:
    """The queries of a page that computes (a new revision), after ``lines`` more lines and a
    first visit (which records the wizard's step). Counted at once: the next request resets
    Django's query log."""
    _many_lines(project, lines)
    director.get(url)
    bump_revision(project)
    # A request that computes also stores the engine's results and the rendered figures in
    # the cache (5 queries each).
    with django_assert_max_num_queries(26) as queries:
        assert director.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("path", ["costs-software", "gains-productivity", "summary",
                                  "context", "benefits", "kpis"])
def test_wizard_pages_run_constant_queries(director, project, django_assert_max_num_queries,
                                           path):
    url = reverse("checklist:step", args=[project.pk, path])
    few = _queries_at(director, url, project, 4, django_assert_max_num_queries)
    assert _queries_at(director, url, project, 200, django_assert_max_num_queries) == few


def test_results_page_runs_constant_queries(director, project, django_assert_max_num_queries):
    url = reverse("roi:project_detail", args=[project.pk])
    few = _queries_at(director, url, project, 4, django_assert_max_num_queries)
    assert _queries_at(director, url, project, 200, django_assert_max_num_queries) == few


def test_project_without_catalogue_uses_the_current_one(director, world):
    call_command("load_catalogue", verbosity=0)
    project = RoiProject.objects.create(client=world.client, name="Ancien")
    response = director.get(reverse("checklist:step", args=[project.pk, "costs-software"]))
    assert response.status_code == 200 and "Logiciel CRM" in response.content.decode()


def test_percent_bounds_speak_in_percent(director, project):
    response = director.post(
        new_line_url(project, "gains-productivity", "productivity.manual_tasks"),
        line_data(confidence="150", margin="200"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 422
    assert "Ce nombre est trop grand : 100\u00a0% au maximum." in body
    assert not LineItem.objects.exists()


def test_quantified_amount_over_the_cap_is_a_form_error_not_a_crash(director, project):
    url = reverse("checklist:quantify", args=[project.pk, "gains-productivity", "time_saved"])
    response = director.post(url, {"hours_per_week": "80", "people": "10000000",
                                   "loaded_hourly_cost": "10000", "working_weeks": "52"},
                             **HTMX)
    assert response.status_code == 422
    assert ("dépasse le maximum d’une ligne (1\u202f000\u202f000\u202f000\u202f000\u00a0€)"
            in response.content.decode())
    assert not LineItem.objects.exists()


def test_the_largest_allowed_line_does_not_crash(director, project):
    response = director.post(new_line_url(project, "costs-software", "software.subscription"),
                             line_data(amount="1000000000000", quantity="10000000",
                                       recurrence="monthly"), **HTMX)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.net_gain == Decimal("-120000000000000000000.00")
