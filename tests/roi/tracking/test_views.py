"""The tracking pages: the grid's one POST (French numbers, errors keep what was typed),
read-only roles, constant queries, the dashboard, a review, the Bilan PDF and the dossier."""

import datetime
import io
import re
from decimal import Decimal

from django.urls import reverse
from pypdf import PdfReader

from roi.projects.models import LineItem
from roi.tenancy.models import Membership, Role
from roi.tracking import services
from roi.tracking.models import LineActual, TrackingReview
from tests.conftest import add_line, download_prepared


def _cell(line, month):
    return f"a-{line.pk}-{month}"


def test_grid_saves_french_numbers_in_one_post(client, world, tracked):
    client.force_login(world.users["sales_director"])
    integration = LineItem.objects.get(project=tracked, category="integration")
    software = LineItem.objects.get(project=tracked, category="software")
    url = reverse("roi:project_actuals", args=[tracked.pk])
    response = client.post(url, {_cell(integration, 1): "21 500,00",
                                 _cell(software, 1): "1\u202f000,50", _cell(software, 2): ""})
    assert response.status_code == 302
    assert {(a.line_id, a.month): a.amount for a in LineActual.objects.all()} == {
        (integration.pk, 1): Decimal("21500.00"), (software.pk, 1): Decimal("1000.50")}
    page = client.get(url).content.decode()
    assert 'value="21500"' in page and 'value="1000,5"' in page


def test_grid_errors_keep_every_value_and_save_nothing(client, world, tracked):
    client.force_login(world.users["consultant"])
    integration = LineItem.objects.get(project=tracked, category="integration")
    software = LineItem.objects.get(project=tracked, category="software")
    response = client.post(reverse("roi:project_actuals", args=[tracked.pk]), {
        _cell(integration, 1): "21 500", _cell(software, 1): "douze", _cell(software, 2): "-5"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="21 500"' in page and 'value="douze"' in page and 'value="-5"' in page
    assert page.count('aria-invalid="true"') == 2
    assert "2 cellules ne sont pas des montants valables" in page
    assert not LineActual.objects.exists()


def test_read_only_roles_see_the_grid_but_cannot_write(client, world, tracked):
    line = LineItem.objects.filter(project=tracked).first()
    LineActual.objects.create(line=line, month=1, amount=Decimal("1234.56"))
    for role in ("cfo", "viewer"):
        client.force_login(world.users[role])
        url = reverse("roi:project_actuals", args=[tracked.pk])
        page = client.get(url).content.decode()
        assert "actual-input" not in page and "1\u202f234,56" in page
        assert client.post(url, {_cell(line, 1): "1"}).status_code == 403
        assert client.post(reverse("roi:project_unplanned_add", args=[tracked.pk]),
                           {"post": "cost:support", "label": "x"}).status_code == 403
    assert LineActual.objects.get().amount == Decimal("1234.56")


def test_missing_actuals_at_a_glance(client, world, tracked):
    client.force_login(world.users["consultant"])
    page = client.get(reverse("roi:project_actuals", args=[tracked.pk])).content.decode()
    # Apogea: 3 one-off costs in month 1 + 6 yearly lines × 6 months = 39 missing.
    assert "39 réels manquants" in page
    assert page.count("is-missing") == 39


def test_grid_and_dashboard_queries_do_not_grow_with_lines(client, world, tracked,
                                                           django_assert_max_num_queries):
    client.force_login(world.users["consultant"])
    urls = [reverse("roi:project_actuals", args=[tracked.pk]),
            reverse("roi:project_tracking", args=[tracked.pk])]
    counts = []
    for _ in range(2):
        for url in urls:
            with django_assert_max_num_queries(30) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        for i in range(15):
            line = add_line(tracked, "cost", "support", "10", "monthly", label=f"L{i}")
            LineActual.objects.create(line=line, month=2, amount=5)
    assert counts[:2] == counts[2:]


def test_unplanned_line_from_the_grid(client, world, tracked):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("roi:project_unplanned_add", args=[tracked.pk]),
                           {"post": "gain:retention", "label": "Contrat signé grâce au CRM"})
    assert response.status_code == 302
    line = LineItem.objects.get(project=tracked, planned=False)
    assert (line.kind, line.category, line.amount) == ("gain", "retention", 0)
    page = client.get(reverse("roi:project_actuals", args=[tracked.pk])).content.decode()
    assert "Contrat signé grâce au CRM" in page and "non prévue" in page
    bad = client.post(reverse("roi:project_unplanned_add", args=[tracked.pk]),
                      {"post": "gain:retention", "label": ""})
    assert bad.status_code == 422


def test_dashboard_shows_plan_actual_reforecast_and_warnings(client, world, tracked):
    integration = LineItem.objects.get(project=tracked, category="integration")
    services.actuals_save(project=tracked, user=world.users["consultant"],
                          values={(integration.pk, 1): Decimal("30000")})
    client.force_login(world.users["cfo"])
    page = client.get(reverse("roi:project_tracking", args=[tracked.pk])).content.decode()
    assert 'data-testid="reforecast-roi">' in page
    assert "les coûts réels dépassent le plan" in page  # 12 000 over on 6 months' plan
    assert "roi-chart-tracking" in page and "approved-payback" in page
    assert "Clore le mois" not in page  # the CFO reads


def test_close_month_from_the_dashboard(client, world, tracked):
    client.force_login(world.users["consultant"])
    url = reverse("roi:project_tracking_month", args=[tracked.pk])
    assert client.post(url, {"expected": "6"}).status_code == 302
    assert client.post(url, {"expected": "6"}).status_code == 302  # double click: no-op
    tracked.refresh_from_db()
    assert tracked.as_of_month == 7
    client.post(url, {"as_of_month": "99"})
    tracked.refresh_from_db()
    assert tracked.as_of_month == 7


def test_start_tracking_form(client, world, approved):
    client.force_login(world.users["consultant"])
    url = reverse("roi:project_tracking_start", args=[approved.pk])
    response = client.post(url, {"go_live_date": "2026-01-01", "as_of_month": "40"})
    assert response.status_code == 200 and "40" in response.content.decode()
    response = client.post(url, {"go_live_date": "2026-01-01", "as_of_month": "2"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "tracking" and approved.as_of_month == 2


def test_record_a_review_and_read_its_pdf(client, world, tracked):
    integration = LineItem.objects.get(project=tracked, category="integration")
    services.actuals_save(project=tracked, user=world.users["consultant"],
                          values={(integration.pk, 1): Decimal("21500")})
    owner = Membership.objects.get(client=world.client, role=Role.SALES_DIRECTOR)
    client.force_login(world.users["consultant"])
    url = reverse("roi:project_tracking_review", args=[tracked.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"months_after_go_live": "3", "held_on": "2026-04-02",
                            "decision": "corrective", "comment": "Dérive",
                            "action_0_description": "Renégocier"})
    assert bad.status_code == 422 and "Choisissez le responsable" in bad.content.decode()
    response = client.post(url, {
        "months_after_go_live": "3", "held_on": "2026-04-02", "decision": "corrective",
        "comment": "L’intégration a coûté plus que le devis.",
        "action_0_description": "Renégocier le forfait", "action_0_owner": str(owner.pk),
        "action_0_due_date": "2026-05-15"})
    assert response.status_code == 302
    review = TrackingReview.objects.get()
    assert review.reviewer == world.users["consultant"]
    client.force_login(world.users["viewer"])
    pdf = download_prepared(client, reverse("documents:tracking_review_pdf",
                                            args=[tracked.pk, 3]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(
        b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)).pages)
    for expected in ("Bilan à 3 mois", "Actions correctives", "Renégocier le forfait",
                     "Prévision révisée", "13,40", "3 500,00", "Indicateurs"):
        assert expected in text.replace("\u202f", " ").replace("\xa0", " "), expected
    assert client.get(reverse("documents:tracking_review_pdf",
                              args=[tracked.pk, 6])).status_code == 404


def test_dossier_has_a_tracking_section_once_a_month_is_closed(client, world, tracked):
    from roi.documents.dossier import project_dossier

    integration = LineItem.objects.get(project=tracked, category="integration")
    services.actuals_save(project=tracked, user=world.users["consultant"],
                          values={(integration.pk, 1): Decimal("21500")})
    content, _ = project_dossier(tracked)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    text = text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Suivi après la mise en service" in text and "13,40" in text
    # The optional sections follow each other: the register 08, the tracking 09.
    assert re.search(r"08\s*Registre des hypothèses", text)
    assert re.search(r"09\s*Suivi après la mise en service", text)
    services.tracking_set_month(project=tracked, user=world.users["consultant"], as_of_month=0)
    content, _ = project_dossier(tracked)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Suivi après la mise en service" not in text
    assert datetime.date.today()  # the dossier is today's edition, not the frozen v1


def test_a_tracked_projects_plan_asks_before_reopening(client, world, tracked):
    client.force_login(world.users["consultant"])
    page = client.get(f"/projects/{tracked.pk}/wizard/context/").content.decode()
    assert "En suivi après la mise en service" in page and "rouvre le brouillon" in page
    review = client.get(reverse("roi:project_review", args=[tracked.pk])).content.decode()
    assert "Rouvrir le brouillon" in review and "Approuvé v1" in review
    detail = client.get(reverse("roi:project_detail", args=[tracked.pk])).content.decode()
    assert 'data-testid="tracking-link"' in detail


def test_tracking_with_no_closed_month_yet(client, world, approved):
    services.tracking_start(project=approved, user=world.users["consultant"],
                            go_live_date=datetime.date(2026, 11, 1), as_of_month=0)
    client.force_login(world.users["consultant"])
    page = client.get(reverse("roi:project_tracking", args=[approved.pk])).content.decode()
    assert "Clore le mois 1" in page and "roi-chart-tracking" in page
    grid = client.get(reverse("roi:project_actuals", args=[approved.pk])).content.decode()
    assert "Aucun mois n’est encore clos" in grid
    not_yet = client.get(reverse("roi:project_tracking", args=[world.other_project.pk]))
    assert not_yet.status_code == 404
