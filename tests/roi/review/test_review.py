"""Sign-off: submit, request changes, approve with a frozen version; comments; what changed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from roi.models import Comment, ProjectVersion
from tests.conftest import add_line, download_prepared


@pytest.fixture(autouse=True)
def cache_table(db):
    call_command("createcachetable", verbosity=0)


@pytest.fixture
def post(client, committed):
    """A reviewer's POST, and what it does once committed (emails, the frozen PDF)."""

    def send(client_, user, name, project, data=None):
        client_.force_login(user)
        if name in ("roi:project_submit", "roi:project_approve"):
            # The world's project has sub-items still to do: say so knowingly.
            data = {"confirm_incomplete": "on", **(data or {})}
        return committed(client_.post, reverse(name, args=[project.pk]), data or {})

    return send


def test_the_sign_off_loop(client, world, apogea, mailoutbox, post):
    project, users = apogea, world.users
    post(client, users["sales_director"], "roi:project_submit", project)
    project.refresh_from_db()
    assert project.status == "submitted"
    assert mailoutbox[-1].to == ["cfo@test.example"]
    assert "À valider" in mailoutbox[-1].subject

    post(client, users["cfo"], "roi:project_request_changes", project,
         {"comment": "Sourcez le gain de conversion."})
    project.refresh_from_db()
    assert project.status == "changes_requested"
    assert set(mailoutbox[-1].to) == {"consultant@test.example", "sales_director@test.example"}
    assert "Sourcez le gain de conversion." in mailoutbox[-1].body

    post(client, users["sales_director"], "roi:project_submit", project)
    post(client, users["cfo"], "roi:project_approve", project, {"comment": "OK pour le CODIR"})
    project.refresh_from_db()
    assert project.status == "approved"
    version = ProjectVersion.objects.get(project=project)
    assert version.number == 1 and version.approved_by == users["cfo"]
    assert version.results["roi_percent"] == "22.22"
    assert version.case["format"] == "roi-case/1" and len(version.lines) == 9
    assert bytes(version.pdf).startswith(b"%PDF")
    assert "Approuvé (v1)" in mailoutbox[-1].subject

    client.force_login(users["viewer"])
    download = client.get(reverse("documents:version_pdf", args=[project.pk, 1]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert bytes(download.content) == bytes(version.pdf)


def test_a_change_after_approval_starts_a_new_draft_and_is_listed(client, world, apogea, post):
    project, users = apogea, world.users
    post(client, users["sales_director"], "roi:project_submit", project)
    post(client, users["cfo"], "roi:project_approve", project)
    line = project.line_items.get(category="integration")
    client.force_login(users["sales_director"])
    client.post(reverse("checklist:line_edit", args=[project.pk, line.pk]), {
        "label": line.label, "amount": "20 000", "quantity": "1", "recurrence": "once",
        "start_month": "1", "end_month": "", "assumption": "", "version": str(line.version),
        "reopen": "approved"})
    project.refresh_from_db()
    assert project.status == "draft"
    assert ProjectVersion.objects.get(project=project).results["roi_percent"] == "22.22"
    page = client.get(reverse("roi:project_review", args=[project.pk])).content.decode()
    assert "Modifié depuis la version approuvée v1" in page
    assert "22,22\u00a0%" in page and "17,02\u00a0%" in page  # ROI before → after
    assert "18\u202f000,00\u00a0€ → 20\u202f000,00\u00a0€" in page
    # The second approval is v2; v1 stays as it was.
    post(client, users["sales_director"], "roi:project_submit", project)
    post(client, users["cfo"], "roi:project_approve", project)
    assert list(ProjectVersion.objects.filter(project=project).values_list(
        "number", "results__roi_percent")) == [(2, "17.02"), (1, "22.22")]


def test_illegal_transitions_are_refused_with_a_message(client, world, apogea, post):
    response = post(client, world.users["cfo"], "roi:project_approve", apogea)
    assert response.status_code == 302
    apogea.refresh_from_db()
    assert apogea.status == "draft" and not ProjectVersion.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Seul un projet soumis peut être approuvé." in page


def test_request_changes_needs_a_comment(client, world, apogea, post):
    post(client, world.users["sales_director"], "roi:project_submit", apogea)
    post(client, world.users["cfo"], "roi:project_request_changes", apogea, {"comment": " "})
    apogea.refresh_from_db()
    assert apogea.status == "submitted"


def test_comment_thread_stays_with_the_line(client, world, apogea, post):
    line = apogea.line_items.get(category="conversion")
    post(client, world.users["cfo"], "roi:comment_add", apogea,
         {"line": line.pk, "body": "D’où vient +10 % ?"})
    post(client, world.users["sales_director"], "roi:comment_add", apogea,
         {"line": line.pk, "body": "Historique CRM 2025, voir annexe."})
    assert list(line.comments.values_list("body", flat=True)) == [
        "D’où vient +10 % ?", "Historique CRM 2025, voir annexe."]
    page = client.get(reverse("roi:project_review", args=[apogea.pk])).content.decode()
    assert "D’où vient +10 % ?" in page and "2 commentaires" in page
    # A line of another project cannot be commented through this one.
    other = add_line(world.other_project, "cost", "software", "1", "once")
    response = post(client, world.users["cfo"], "roi:comment_add", apogea,
                    {"line": other.pk, "body": "x"})
    assert response.status_code == 404
    # Deleting the line keeps the thread, under the line's label.
    line.delete()
    assert Comment.objects.filter(line_label=line.label).count() == 2


def test_viewer_cannot_comment(client, world, apogea, post):
    assert post(client, world.users["viewer"], "roi:comment_add", apogea,
                {"body": "x"}).status_code == 403


def test_history_keeps_deleted_lines_and_who(client, world, apogea):
    line = add_line(apogea, "cost", "contingency", "5000", "once", label="Réserve imprévus")
    client.force_login(world.users["sales_director"])
    client.post(reverse("checklist:line_delete", args=[apogea.pk, line.pk]))
    page = client.get(reverse("roi:project_history", args=[apogea.pk])).content.decode()
    assert "Réserve imprévus" in page and "suppression" in page
    assert "Sales" in page or "sales_director@test.example" in page or "Directeur" in page


def test_the_next_dossier_lists_what_changed_since_v1(client, world, apogea, post):
    import io
    import re

    from pypdf import PdfReader

    post(client, world.users["sales_director"], "roi:project_submit", apogea)
    post(client, world.users["cfo"], "roi:project_approve", apogea)
    v1 = PdfReader(io.BytesIO(bytes(ProjectVersion.objects.get().pdf)))
    v1_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in v1.pages))
    assert "v1" in v1_text and "Modifications depuis" not in v1_text
    line = apogea.line_items.get(category="integration")
    client.force_login(world.users["sales_director"])
    client.post(reverse("checklist:line_edit", args=[apogea.pk, line.pk]), {
        "label": line.label, "amount": "20000", "quantity": "1", "recurrence": "once",
        "start_month": "1", "end_month": "", "assumption": "", "version": str(line.version),
        "reopen": "approved"})
    pdf = download_prepared(client, reverse("documents:project_dossier", args=[apogea.pk]))
    text = re.sub(r"\s+", " ", " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "Modifications depuis la version approuvée v1" in text
    assert "22,22 % → 17,02 %" in text.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_change_during_review_sends_it_back_to_draft(client, world, apogea, post):
    post(client, world.users["sales_director"], "roi:project_submit", apogea)
    add = apogea.line_items.get(category="training")
    client.force_login(world.users["sales_director"])
    client.post(reverse("checklist:line_delete", args=[apogea.pk, add.pk]),
                {"reopen": "submitted"})
    apogea.refresh_from_db()
    assert apogea.status == "draft"  # the CFO cannot approve figures they have not seen
    response = post(client, world.users["cfo"], "roi:project_approve", apogea)
    assert not ProjectVersion.objects.exists() and response.status_code == 302


def test_changed_settings_are_listed_since_approval(client, world, apogea, post):
    post(client, world.users["sales_director"], "roi:project_submit", apogea)
    post(client, world.users["cfo"], "roi:project_approve", apogea)
    client.force_login(world.users["sales_director"])
    apogea.refresh_from_db()
    client.post(reverse("roi:project_edit", args=[apogea.pk]), {
        "name": apogea.name, "horizon_months": "12", "currency": "EUR", "discount_rate": "12",
        "language": "fr", "revision": apogea.revision, "reopen": "approved"})
    page = client.get(reverse("roi:project_review", args=[apogea.pk])).content.decode()
    assert "Paramètres modifiés : taux d’actualisation (8,00\u00a0% → 12,00\u00a0%)" in page


def test_history_shows_values_in_words(client, world, apogea):
    line = apogea.line_items.get(category="software")
    client.force_login(world.users["sales_director"])
    client.post(reverse("checklist:line_edit", args=[apogea.pk, line.pk]), {
        "label": line.label, "amount": "12500,5", "quantity": "1", "recurrence": "monthly",
        "start_month": "1", "end_month": "", "assumption": "", "version": str(line.version)})
    page = client.get(reverse("roi:project_history", args=[apogea.pk])).content.decode()
    assert "12000 → 12500,5" in page and "Annuel → Mensuel" in page
