"""A sign-off a CFO can trust (issue 9, items 1–5): no false "changed", one version number,
editing a submitted or approved project asks first, the CFO's requests reach the editors, and
the review page is what the CFO signs."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.calculation import case_to_dict
from roi.demo import demo_load
from roi.models import Comment, LineItem, ProjectVersion, RoiProject
from roi.projects import services as project_services
from roi.projects.cases import project_case
from roi.projects.selectors import project_overview
from roi.review import services
from roi.review.changes import changes_since, changes_since_approval
from tests.conftest import add_line, bump_revision, download_prepared

HTMX = {"HTTP_HX_REQUEST": "true"}
LINK = "https://roi.example/review"


@pytest.fixture(autouse=True)
def cache_table(db):
    call_command("createcachetable", verbosity=0)


@pytest.fixture
def catalogue(world):
    call_command("load_catalogue", verbosity=0)
    world.project.catalogue = CatalogueVersion.current()
    world.project.save()
    return world.project.catalogue


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ",
                  " ".join(page.extract_text() or "" for page in reader.pages))


def page_text(response) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ",
                                                     response.content.decode()))


def approve(project, world, committed=None):
    """Submit and approve through the services (sub-items still to do confirmed)."""
    run = committed or (lambda action, *a, **k: action(*a, **k))
    run(services.project_submit, project=project, user=world.users["sales_director"],
        link=LINK, confirm_incomplete=True)
    return run(services.project_approve, project=project, user=world.users["cfo"], link=LINK,
               confirm_incomplete=True)


def edit_line_data(line, **overrides):
    data = {"label": line.label, "amount": str(line.amount), "quantity": "1",
            "recurrence": line.recurrence, "start_month": "1", "end_month": "",
            "assumption": line.assumption, "version": str(line.version)}
    if line.kind == "gain":
        data.update(confidence="100", margin="", ramp_up_months="0")
    data.update(overrides)
    return data


# --- 1. no false "changed" -------------------------------------------------------------------


def test_right_after_approval_nothing_is_listed_as_changed(client, world, apogea, committed):
    version = approve(apogea, world, committed)
    # PostgreSQL's jsonb reorders object keys: the stored scenarios do not read back in the
    # order they were written, and that must not count as a change.
    stored = ProjectVersion.objects.get(pk=version.pk)
    written = case_to_dict(project_case(apogea))
    assert list(stored.case["scenarios"][0]) != list(written["scenarios"][0])
    assert not changes_since_approval(apogea, lines=list(apogea.line_items.all())).any

    client.force_login(world.users["cfo"])
    page = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert "Approuvé v1" in page
    assert "Modifié depuis" not in page and "Paramètres modifiés" not in page


def test_the_demo_projects_show_no_false_change_once_approved(client, db):
    call_command("load_catalogue", verbosity=0)
    demo_load()
    daf = RoiProject.objects.get(name="CRM connecté à l’ERP").client.memberships.get(
        role="cfo").user
    for project in RoiProject.objects.all():  # the empty "Extension service client" included
        project.status = "submitted"
        project.save()
        version = services.project_approve(project=project, user=daf, link=LINK,
                                           confirm_incomplete=True)
        stored = ProjectVersion.objects.get(pk=version.pk)
        project.refresh_from_db()
        overview = project_overview(project)
        changes = changes_since(stored, project, lines=overview.lines, case=overview.case)
        assert not changes.any, (project.name, changes.setting_keys, changes.changed)
        assert changes.roi_before == changes.roi_after
    client.force_login(daf)
    project = RoiProject.objects.get(name="Extension service client")
    page = page_text(client.get(reverse("roi:project_review", args=[project.pk])))
    assert "Approuvé v1" in page and "Modifié depuis" not in page


def test_a_confidence_change_reads_as_a_confidence_change(client, world, apogea, committed):
    line = apogea.line_items.get(category="productivity")
    approve(apogea, world, committed)
    client.force_login(world.users["sales_director"])
    response = client.post(reverse("checklist:line_edit", args=[apogea.pk, line.pk]),
                           edit_line_data(line, confidence="80", reopen="approved"))
    assert response.status_code == 302
    page = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert "Modifié depuis la version approuvée v1" in page
    assert "confiance 100 % → 80 %" in page
    assert "18 000,00 € → 18 000,00 €" not in page and "montant unitaire" not in page


def test_settings_changes_read_with_their_values(client, world, apogea, committed):
    approve(apogea, world, committed)
    client.force_login(world.users["sales_director"])
    apogea.refresh_from_db()
    client.post(reverse("roi:project_edit", args=[apogea.pk]), {
        "name": apogea.name, "horizon_months": "24", "currency": "EUR", "discount_rate": "12",
        "language": "fr", "revision": apogea.revision, "reopen": "approved"})
    page = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert "Paramètres modifiés : horizon (12 mois → 24 mois) ; taux d’actualisation " \
           "(8,00 % → 12,00 %)" in page


# --- 2. one version number everywhere --------------------------------------------------------


def test_the_approved_dossier_says_v1_everywhere_and_downloads_as_v1(client, world, apogea,
                                                                      committed):
    before = apogea.revision
    project_services.project_update(project=apogea, user=world.users["sales_director"],
                                    crm_solution="Salesforce")  # the revision counter moves
    apogea.refresh_from_db()
    assert apogea.revision == before + 1
    approve(apogea, world, committed)
    client.force_login(world.users["viewer"])
    from_project = client.get(reverse("documents:project_dossier", args=[apogea.pk]))
    from_version = client.get(reverse("documents:version_pdf", args=[apogea.pk, 1]))
    assert from_project["Content-Disposition"].endswith('-v1.pdf"')
    assert from_version["Content-Disposition"] == from_project["Content-Disposition"]
    assert bytes(from_project.content) == bytes(from_version.content)
    text = text_of(bytes(from_version.content))
    assert "v1, approuvée le" in text and "ROI Checklist · v1 · édité le" in text
    assert not re.search(r"\b[Vv]ersion 2\b", text)


def test_a_draft_dossier_says_brouillon_and_is_named_so(client, world, apogea, committed):
    approve(apogea, world, committed)
    line = apogea.line_items.get(category="integration")
    project_services.line_item_update(line=line, user=world.users["sales_director"],
                                      expected_version=line.version, amount=Decimal("20000"),
                                      reopen="approved")
    client.force_login(world.users["cfo"])
    response = download_prepared(client, reverse("documents:project_dossier", args=[apogea.pk]))
    assert response["Content-Disposition"].endswith('-brouillon.pdf"')
    text = text_of(response.content)
    assert "Brouillon (dernière version approuvée : v1)" in text
    assert "ROI Checklist · Brouillon · édité le" in text
    assert not re.search(r"\b[Vv]ersion \d", text)
    # The frozen v1 is untouched and still the approved figures.
    v1 = text_of(bytes(client.get(reverse("documents:version_pdf", args=[apogea.pk, 1]))
                       .content))
    assert "45 000,00 €" in v1 and "Version v1 approuvée par" in v1


def test_a_frozen_version_renders_from_its_frozen_inputs(world, apogea, catalogue, committed):
    item = SubItem.objects.get(post__catalogue=catalogue, code="contingency.overruns")
    project_services.answer_set(project=apogea, subitem=item, status="not_applicable",
                                reason="Marge incluse au devis", user=world.users["consultant"])
    version = approve(apogea, world, committed)
    assert version.completeness == project_overview(apogea).completeness.as_dict()
    assert version.frozen["not_applicable"] == {"contingency.overruns": "Marge incluse au devis"}
    # Later, the project changes its answers, its CRM and its name: v1 renders as approved.
    project_services.answer_set(project=apogea, subitem=item, status="todo",
                                user=world.users["consultant"], reopen="approved")
    project_services.project_update(project=apogea, user=world.users["consultant"],
                                    crm_solution="Autre CRM", name="Renommé")
    from roi.documents.dossier import render_version_dossier

    text = text_of(render_version_dossier(ProjectVersion.objects.get(pk=version.pk)))
    assert "Marge incluse au devis" in text
    assert "Autre CRM" not in text and "Renommé" not in text


# --- 3. editing a submitted or approved project asks first -----------------------------------


def test_an_edit_of_an_approved_project_is_refused_until_confirmed(world, apogea, committed):
    approve(apogea, world, committed)
    line = apogea.line_items.get(category="integration")
    with pytest.raises(project_services.ReopenRequired) as refused:
        project_services.line_item_update(line=line, user=world.users["sales_director"],
                                          expected_version=line.version,
                                          amount=Decimal("20000"))
    assert "approuvé à nouveau" in str(refused.value)
    apogea.refresh_from_db()
    line.refresh_from_db()
    assert apogea.status == "approved" and line.amount == Decimal("18000")
    # Confirmed for another status than the current one: asked again.
    with pytest.raises(project_services.ReopenRequired):
        project_services.line_item_update(line=line, user=world.users["sales_director"],
                                          expected_version=line.version,
                                          amount=Decimal("20000"), reopen="submitted")
    project_services.line_item_update(line=line, user=world.users["sales_director"],
                                      expected_version=line.version, amount=Decimal("20000"),
                                      reopen="approved")
    apogea.refresh_from_db()
    assert apogea.status == "draft" and apogea.reopened_by == world.users["sales_director"]
    assert apogea.reopened_at is not None
    # The history says who reopened it.
    record = apogea.history.filter(status="draft").order_by("-history_date").first()
    assert record.history_user == world.users["sales_director"]
    # Once reopened, the next edits of that reopening do not ask again.
    line.refresh_from_db()
    project_services.line_item_update(line=line, user=world.users["sales_director"],
                                      expected_version=line.version, amount=Decimal("21000"))


def test_a_write_that_forgets_to_ask_is_rolled_back(world, apogea):
    apogea.status = "approved"
    apogea.save()
    with pytest.raises(project_services.ReopenRequired):
        project_services.project_changed(project=apogea, user=world.users["consultant"])
    apogea.refresh_from_db()
    assert apogea.status == "approved"


def _write_requests(project):
    """Every kind of write the wizard and the project pages make, posted by htmx or not."""
    software = SubItem.objects.get(post__catalogue=project.catalogue,
                                   code="software.subscription")
    training = SubItem.objects.get(post__catalogue=project.catalogue,
                                   code="training.user_sessions")
    line = LineItem.objects.create(project=project, kind="cost", category="software",
                                   subitem=software, label="Licences", amount=Decimal(1000),
                                   recurrence="yearly")
    productivity = SubItem.objects.get(post__catalogue=project.catalogue,
                                       code="productivity.manual_tasks")
    project.refresh_from_db()
    return [
        ("line_new", reverse("checklist:line_new", args=[project.pk, "costs-software"])
         + f"?subitem={software.pk}", {"label": "Add-on", "amount": "12 000", "quantity": "1",
                                       "recurrence": "yearly", "start_month": "1"}, True),
        ("line_edit", reverse("checklist:line_edit", args=[project.pk, line.pk]),
         {"label": "Licences", "amount": "20 000", "quantity": "1", "recurrence": "yearly",
          "start_month": "1", "version": "1"}, True),
        ("line_delete", reverse("checklist:line_delete", args=[project.pk, line.pk]), {},
         True),
        ("answer", reverse("checklist:answer_save", args=[project.pk, training.pk]),
         {f"na-{training.pk}": "on", f"reason-{training.pk}": "Pas de formation"}, True),
        ("post_step", reverse("checklist:step", args=[project.pk, "costs-training"]),
         {f"na-{training.pk}": "on", "next": ""}, False),
        ("context", reverse("checklist:step", args=[project.pk, "context"]),
         {"name": "Renommé", "horizon_months": "24", "currency": "EUR",
          "discount_rate": "8", "language": "fr", "conservative_gains_factor": "80",
          "conservative_costs_factor": "110", "optimistic_gains_factor": "120",
          "optimistic_costs_factor": "100", "revision": str(project.revision), "next": ""},
         False),
        ("benefits", reverse("checklist:step", args=[project.pk, "benefits"]),
         {"benefit": ["Vision 360°"], "next": ""}, False),
        ("kpis", reverse("checklist:step", args=[project.pk, "kpis"]),
         {"nps-baseline": "20", "nps-target": "40", "next": ""}, False),
        ("quantify", reverse("checklist:quantify", args=[project.pk, "gains-productivity",
                                                         "time_saved"])
         + f"?subitem={productivity.pk}", {"hours_per_week": "2", "people": "10",
                                          "loaded_hourly_cost": "45", "working_weeks": "45"},
         True),
        ("project_edit", reverse("roi:project_edit", args=[project.pk]),
         {"name": "Renommé", "horizon_months": "24", "currency": "EUR", "discount_rate": "8",
          "language": "fr", "revision": str(project.revision)}, False),
    ]


@pytest.mark.parametrize("status", ["approved", "submitted"])
@pytest.mark.parametrize("write", ["line_new", "line_edit", "line_delete", "answer",
                                   "post_step", "context", "benefits", "kpis", "quantify",
                                   "project_edit"])
def test_every_write_asks_first_then_goes_through_once_confirmed(client, world, catalogue,
                                                                 status, write):
    project = world.project
    name, url, data, htmx = next(r for r in _write_requests(project) if r[0] == write)
    RoiProject.objects.filter(pk=project.pk).update(status=status)
    before = (LineItem.objects.filter(project=project).count(),
              sorted(LineItem.objects.filter(project=project).values_list("amount",
                                                                          flat=True)))
    client.force_login(world.users["sales_director"])
    headers = HTMX if htmx else {}
    refused = client.post(url, data, **headers)
    assert refused.status_code in (200, 422), (name, refused.status_code)
    body = refused.content.decode()
    assert 'data-testid="reopen-prompt"' in body, name
    assert f'name="reopen" value="{status}"' in body, name
    project.refresh_from_db()
    assert project.status == status and project.name == "CRM connecté à l’ERP", name
    assert (LineItem.objects.filter(project=project).count(),
            sorted(LineItem.objects.filter(project=project).values_list("amount",
                                                                        flat=True))) == before
    if name in ("line_new", "line_edit", "context", "project_edit"):
        # What the user typed is still in the form.
        assert ("12 000" if name == "line_new" else "20 000" if name == "line_edit"
                else "Renommé") in body, name
    confirmed = client.post(url, {**data, "reopen": status}, **headers)
    assert confirmed.status_code in (200, 302), (name, confirmed.status_code)
    assert 'data-testid="reopen-prompt"' not in confirmed.content.decode()
    project.refresh_from_db()
    assert project.status == "draft" and project.reopened_by == world.users["sales_director"]


def test_htmx_line_edit_on_an_approved_project_asks_once_per_reopening(client, world,
                                                                       catalogue, apogea,
                                                                       committed):
    line = apogea.line_items.get(category="integration")
    approve(apogea, world, committed)
    client.force_login(world.users["sales_director"])
    url = reverse("checklist:line_edit", args=[apogea.pk, line.pk])
    asked = client.post(url, edit_line_data(line, amount="20 000"), **HTMX)
    assert asked.status_code == 422  # htmx swaps the form back in, with the question
    html = asked.content.decode()
    assert "Ce projet est approuvé. Le modifier rouvre son brouillon" in html
    assert "Rouvrir le brouillon et enregistrer" in html and 'value="20 000"' in html
    saved = client.post(url, edit_line_data(line, amount="20 000", reopen="approved"), **HTMX)
    assert saved.status_code == 200 and "Ligne enregistrée." in saved.content.decode()
    line.refresh_from_db()
    again = client.post(url, edit_line_data(line, amount="21 000"), **HTMX)
    assert again.status_code == 200 and "reopen-prompt" not in again.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("21000")


def test_rouvrir_le_brouillon_records_who_and_when(client, world, catalogue, apogea,
                                                   committed):
    approve(apogea, world, committed)
    client.force_login(world.users["sales_director"])
    wizard = reverse("checklist:step", args=[apogea.pk, "costs-software"])
    page = page_text(client.get(wizard))
    assert "Approuvé v1" in page and "Toute modification rouvre le brouillon" in page
    response = client.post(reverse("roi:project_reopen", args=[apogea.pk]),
                           {"status": "approved", "next": wizard})
    assert response.status_code == 302 and response.url == wizard
    apogea.refresh_from_db()
    assert apogea.status == "draft" and apogea.reopened_by == world.users["sales_director"]
    assert "Toute modification rouvre" not in page_text(client.get(wizard))
    review = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert "Brouillon rouvert depuis v1 par" in review
    assert "Aucune modification depuis cette version pour l’instant." in review
    # An outside redirect target is not followed.
    apogea.status = "submitted"
    apogea.save()
    response = client.post(reverse("roi:project_reopen", args=[apogea.pk]),
                           {"status": "submitted", "next": "https://evil.example/"})
    assert response.url == reverse("roi:project_review", args=[apogea.pk])


# --- 4. the CFO's requests reach the sales director ------------------------------------------


def test_the_request_and_the_comments_reach_the_wizard_and_the_editors(client, world,
                                                                      catalogue, apogea,
                                                                      committed, mailoutbox):
    users = world.users
    software = SubItem.objects.get(post__catalogue=catalogue, code="software.subscription")
    licence = apogea.line_items.get(category="software")
    licence.subitem = software
    licence.save()
    committed(services.project_submit, project=apogea, user=users["sales_director"],
              link=LINK, confirm_incomplete=True)
    client.force_login(users["cfo"])
    committed(client.post, reverse("roi:comment_add", args=[apogea.pk]),
              {"line": licence.pk, "body": "25 licences, vraiment ?"})
    comment_mail = mailoutbox[-1]
    assert set(comment_mail.to) == {"consultant@test.example", "sales_director@test.example"}
    assert "25 licences, vraiment ?" in comment_mail.body and "Nouveau commentaire" in \
        comment_mail.subject
    committed(client.post, reverse("roi:project_request_changes", args=[apogea.pk]),
              {"comment": "Justifiez le nombre de licences."})
    assert "Justifiez le nombre de licences." in mailoutbox[-1].body

    client.force_login(users["sales_director"])
    wizard = page_text(client.get(reverse("checklist:step", args=[apogea.pk,
                                                                  "costs-software"])))
    assert "Modifications demandées par" in wizard
    assert "« Justifiez le nombre de licences. »" in wizard
    assert "2 commentaires restent à traiter" in wizard  # the request and the line's comment
    html = client.get(reverse("checklist:step", args=[apogea.pk, "costs-software"])
                      ).content.decode()
    assert 'data-testid="line-comment-badge"' in html and "1 commentaire · à traiter" in html
    assert 'data-testid="post-comment-badge"' in html
    # The badge opens the review's page holding the line (the review is paged).
    assert f'/review/?line={licence.pk}#line-{licence.pk}"' in html

    # The sales director answers: the CFO is not an editor, the consultant is.
    count = len(mailoutbox)
    committed(client.post, reverse("roi:comment_add", args=[apogea.pk]),
              {"line": licence.pk, "body": "Oui : 25 commerciaux."})
    assert mailoutbox[-1].to == ["consultant@test.example"] and len(mailoutbox) == count + 1
    client.post(reverse("roi:thread_resolve", args=[apogea.pk]), {"line": licence.pk})
    client.post(reverse("roi:thread_resolve", args=[apogea.pk]), {"thread": "general"})
    assert not Comment.objects.filter(project=apogea, resolved_at__isnull=True).exists()
    html = client.get(reverse("checklist:step", args=[apogea.pk, "costs-software"])
                      ).content.decode()
    assert "2 commentaires · résolu" in html and 'data-testid="post-comment-badge"' not in html
    assert "Tous les commentaires sont résolus" in html
    review = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert "Résolu par" in review
    # A new comment opens the thread again.
    client.post(reverse("roi:comment_add", args=[apogea.pk]),
                {"line": licence.pk, "body": "Et les stagiaires ?"})
    html = client.get(reverse("checklist:step", args=[apogea.pk, "costs-software"])
                      ).content.decode()
    assert "3 commentaires · à traiter" in html


def test_no_email_for_a_comment_that_was_rolled_back(world, apogea, mailoutbox):
    from django.db import transaction
    from procrastinate.contrib.django.models import ProcrastinateJob

    with pytest.raises(RuntimeError), transaction.atomic():
        services.comment_add(project=apogea, user=world.users["cfo"], body="Source ?",
                             link=LINK)
        # Queued in the transaction, for a worker to send once it commits; not sent.
        assert ProcrastinateJob.objects.filter(task_name="roi.send_email").count() == 1
        assert mailoutbox == []
        raise RuntimeError("rolled back")
    assert not ProcrastinateJob.objects.filter(task_name="roi.send_email").exists()
    assert mailoutbox == []


def test_resolving_needs_the_comment_right(client, world, apogea):
    client.force_login(world.users["viewer"])
    assert client.post(reverse("roi:thread_resolve", args=[apogea.pk]),
                       {"thread": "general"}).status_code == 403
    client.force_login(world.users["cfo"])
    assert client.post(reverse("roi:thread_resolve", args=[apogea.pk]),
                       {"thread": "other"}).status_code == 404


# --- 5. the review page is what a CFO signs --------------------------------------------------


def test_the_review_page_shows_the_figures_and_every_assumption(client, world, apogea):
    add_line(apogea, "gain", "revenue", "100000", "yearly", label="CA export",
             margin=Decimal("0.3"), start_month=3, end_month=12, ramp_up_months=2,
             confidence=Decimal("0.8"), assumption="Pipe 2026 du distributeur")
    project_services.project_refresh_figures(apogea)
    client.force_login(world.users["cfo"])
    page = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    overview = project_overview(apogea)
    headline = overview.result.headline
    assert f"{headline.roi_percent:.2f}".replace(".", ",") + " %" in page
    for label in ("ROI", "Gain net", "Délai de retour", "VAN", "TRI annuel"):
        assert label in page, label
    for months in ("6 mois", "12 mois", "24 mois", "36 mois"):
        assert months in page
    line = apogea.line_items.get(label="CA export")
    total = overview.line_total(line)[0].quantize(Decimal("0.01"))
    card = page[page.index("CA export"):]
    assert "Marge 30 %" in card and "mois 3 à 12" in card and "Montée en charge 2 mois" in card
    assert "Confiance 80 %" in card and "Pipe 2026 du distributeur" in card
    assert f"{total:,.2f}".replace(",", " ").replace(".", ",") + " €" in card


def test_the_review_page_runs_constant_queries(client, world, catalogue,
                                               django_assert_max_num_queries):
    project = world.project
    items = list(SubItem.objects.filter(post__catalogue=catalogue, post__code="software"))

    def lines(count):
        for i in range(count):
            line = LineItem.objects.create(project=project, kind="cost", category="software",
                                           subitem=items[i % len(items)], label=f"L{i}",
                                           amount=Decimal(100 + i), recurrence="monthly")
            Comment.objects.create(project=project, line=line, body="?",
                                   author=world.users["cfo"])
        bump_revision(project)

    url = reverse("roi:project_review", args=[project.pk])
    client.force_login(world.users["cfo"])
    lines(3)
    approve(project, world)
    # Each count with the engine's results cached at the revision (approving stores them).
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    few_count = len(few.captured_queries)  # before the next request resets the query log
    lines(40)
    client.get(url)
    with django_assert_max_num_queries(few_count):
        assert client.get(url).status_code == 200


def test_submitting_or_approving_an_incomplete_checklist_asks_first(client, world, catalogue,
                                                                    apogea):
    client.force_login(world.users["sales_director"])
    refused = client.post(reverse("roi:project_submit", args=[apogea.pk]), follow=True)
    apogea.refresh_from_db()
    assert apogea.status == "draft"
    todo = project_overview(apogea).completeness.todo
    assert f"{todo} sous-éléments de la checklist sont encore « à faire »" in page_text(refused)
    assert "Soumettre quand même ce dossier incomplet" in page_text(refused)
    client.post(reverse("roi:project_submit", args=[apogea.pk]), {"confirm_incomplete": "on"})
    apogea.refresh_from_db()
    assert apogea.status == "submitted"

    client.force_login(world.users["cfo"])
    refused = client.post(reverse("roi:project_approve", args=[apogea.pk]), follow=True)
    assert "approuver maintenant, c’est approuver un dossier incomplet" in page_text(refused)
    assert not ProjectVersion.objects.exists()
    client.post(reverse("roi:project_approve", args=[apogea.pk]), {"confirm_incomplete": "on"})
    version = ProjectVersion.objects.get()
    assert version.completeness == project_overview(apogea).completeness.as_dict()
    assert version.completeness["todo"] == todo
    page = page_text(client.get(reverse("roi:project_review", args=[apogea.pk])))
    assert f"{todo} à faire" in page


def test_a_complete_checklist_submits_without_asking(client, world, catalogue):
    project = world.project
    for item in SubItem.objects.filter(post__catalogue=catalogue):
        project_services.answer_set(project=project, subitem=item, status="not_applicable",
                                    user=world.users["consultant"])
    client.force_login(world.users["sales_director"])
    page = page_text(client.get(reverse("roi:project_review", args=[project.pk])))
    assert "encore « à faire »" not in page
    client.post(reverse("roi:project_submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == "submitted"


def test_the_demo_apogea_case_is_complete_and_approves_without_confirmation(db):
    """A newcomer's CFO approves the demo case straight away: every sub-item of its checklist
    is counted or said not applicable, with a reason."""
    call_command("load_catalogue", verbosity=0)
    demo_load()
    demo_load()  # idempotent: no second set of answers
    project = RoiProject.objects.get(name="CRM connecté à l’ERP")
    completeness = project_overview(project).completeness
    assert completeness.todo == 0 and completeness.percent == 100
    assert all(answer.reason for answer in project.checklist_answers.all())
    project.status = "submitted"
    project.save()
    daf = project.client.memberships.get(role="cfo").user
    version = services.project_approve(project=project, user=daf, link=LINK)
    assert version.number == 1 and version.completeness["percent"] == 100
