"""The CODIR dossier and the checklist PDFs: figures read back from the PDF, safe rendering,
cache, downloads and command line."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override
from pypdf import PdfReader

from checklist.catalogue.loader import CATALOGUE_FILE
from checklist.catalogue.models import SubItem
from roi.calculation import CaseWarning
from roi.documents import checklist as checklist_pdf
from roi.documents import dossier, pdf
from roi.documents import fetcher as locked_fetcher
from roi.models import (
    AnswerStatus,
    ChecklistAnswer,
    KpiEntry,
    QualitativeBenefit,
    RoiProject,
    Role,
)
from roi.projects import selectors
from roi.review import services as review_services
from roi.texts import warning_text
from tests.conftest import add_line, bump_revision

CATALOGUE = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
ROLES = [role.value for role in Role]

HOSTILE_LABEL = "<img src=file:///etc/passwd>"
HOSTILE_ATTACHMENT = '<link rel=attachment href="file:///etc/passwd">'
HOSTILE_CSS = "<style>@import url(http://evil.example/x.css); body{display:none}</style>"


@pytest.fixture(autouse=True)
def cache_table(db):
    # Django's test database creation normally makes it; be explicit, the cache is under test.
    call_command("createcachetable", verbosity=0)


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", stdout=io.StringIO())


class RecordingFetcher(locked_fetcher.StaticOnlyFetcher):
    """The locked fetcher, recording every URL WeasyPrint asks for and what happened."""

    def __init__(self):
        self.requests: list[tuple[str, str]] = []

    def fetch(self, url, headers=None):
        try:
            response = super().fetch(url, headers)
        except Exception:
            self.requests.append((url, "refused"))
            raise
        self.requests.append((url, "served"))
        return response


@pytest.fixture
def recording(monkeypatch) -> list[RecordingFetcher]:
    fetchers: list[RecordingFetcher] = []

    def make():
        fetcher = RecordingFetcher()
        fetchers.append(fetcher)
        return fetcher

    monkeypatch.setattr(pdf, "StaticOnlyFetcher", make)
    return fetchers


def pdf_text(content: bytes) -> str:
    """The PDF's text with every kind of space (thin, no-break, line breaks) as one space."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


def normalise(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()


def assert_no_embedded_files(content: bytes) -> None:
    reader = PdfReader(io.BytesIO(content))
    assert reader.attachments == {}
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    assert b"/EmbeddedFile" not in content and b"/FileAttachment" not in content


# --- the dossier's figures --------------------------------------------------------------------


def test_dossier_of_apogea_carries_the_reference_figures(apogea, catalogue):
    text = pdf_text(dossier.render_dossier(apogea))
    for figure in ("45 000,00 €", "55 000,00 €", "10 000,00 €", "22,22 %", "9,00 mois"):
        assert figure in text, figure
    # Cover, running header, status, version, page numbers.
    assert "CRM connecté à l’ERP" in text
    assert "Durand Industrie" in text
    assert "Brouillon" in text
    assert "Page 2 / " in text
    # Every section a CFO expects.
    for title in ("Synthèse", "Décision demandée", "Par année", "Valeur actuelle", "Scénarios",
                  "Coûts par poste et par ligne", "Gains : bruts et ajustés du risque",
                  "Bénéfices qualitatifs", "Indicateurs de suivi", "Sensibilité du ROI",
                  "Complétude de la checklist", "Points d’attention", "Hypothèses",
                  "Annexe : méthode de calcul", "Approbation", "Signature"):
        assert title.casefold() in text.casefold(), title  # some are in small capitals
    # Catalogue titles of the posts, and the method's own warning about hidden costs.
    assert "Intégration et déploiement" in text
    with override("fr"):
        assert normalise(warning_text(CaseWarning("no_contingency"))) in text
    assert "ROI = (Gains − Coûts) / Coûts × 100" in text


def test_dossier_of_junto_reads_back_its_roi(world, catalogue):
    project = world.project
    add_line(project, "cost", "integration", "50000", "once")
    add_line(project, "gain", "revenue", "200000", "yearly", margin=None)
    add_line(project, "gain", "productivity", "30000", "yearly")
    add_line(project, "gain", "productivity", "20000", "yearly")
    text = pdf_text(dossier.render_dossier(project))
    assert "250 000,00 €" in text
    assert "400,00 %" in text
    assert "200 000,00 €" in text


def test_undefined_figures_are_said_in_words(world, catalogue):
    project = world.project
    project.horizon_months = 6
    project.save()
    add_line(project, "cost", "integration", "18000", "once")
    add_line(project, "gain", "productivity", "1200", "yearly")
    text = pdf_text(dossier.render_dossier(project))
    assert "non atteint" in text
    assert "n’est pas remboursé" in text

    # No cost at all: the ROI is "n/a", never infinity nor a crash.
    project.line_items.filter(kind="cost").delete()
    bump_revision(project)
    text = pdf_text(dossier.render_dossier(project))
    assert "n/a" in text
    assert "ROI non calculable sans coût" in text


def test_dossier_is_in_english_when_the_project_is(apogea, catalogue):
    apogea.language = "en"
    apogea.save()
    text = pdf_text(dossier.render_dossier(apogea))
    assert "€45,000.00" in text
    assert "22.22%" in text
    assert "CRM software" in text  # the catalogue's English titles


def test_dossier_shows_assumptions_benefits_kpis_and_completeness(apogea, catalogue):
    subscription = SubItem.objects.get(code="software.subscription")
    line = apogea.line_items.get(category="software")
    line.subitem = subscription
    line.assumption = "Devis éditeur du 12 janvier, engagement annuel."
    line.save()
    legacy = SubItem.objects.get(code="transition.legacy_termination")
    ChecklistAnswer.objects.create(project=apogea, subitem=legacy, status=AnswerStatus
                                   .NOT_APPLICABLE, reason="Aucun outil existant à résilier")
    QualitativeBenefit.objects.create(project=apogea, text="Vision client à 360°")
    KpiEntry.objects.create(project=apogea, code="ltv_cac", baseline=Decimal("2.1"),
                            target=Decimal("3.4"))
    text = pdf_text(dossier.render_dossier(apogea))
    assert "Devis éditeur du 12 janvier, engagement annuel." in text
    assert "Vision client à 360°" in text
    assert "Ratio LTV/CAC" in text and "sain (de 3 à 5)" in text
    assert "Aucun outil existant à résilier" in text
    assert normalise(subscription.title) in text
    # 1 counted + 1 not applicable out of the catalogue's sub-items.
    total = sum(len(post["items"]) for post in CATALOGUE["posts"])
    assert f"des {total} sous-éléments traités".casefold() in text.casefold()
    assert "2 %" in text  # 2 of 68 addressed, rounded down


def test_dossier_context_takes_a_constant_number_of_queries(apogea, catalogue):
    dossier.dossier_context(apogea)  # the catalogue version, read once then from the cache
    add_line(apogea, "cost", "support", "100", "once")  # a new revision: the engine runs again
    with CaptureQueriesContext(connection) as few:
        dossier.dossier_context(apogea)
    for month in range(1, 31):
        add_line(apogea, "cost", "support", "100", "once", start_month=month % 12 + 1)
    with CaptureQueriesContext(connection) as many:
        context = dossier.dossier_context(apogea)
    # 12, and the engine's results stored in the cache on a miss (6 with the look-up).
    assert len(many) == len(few) <= 18
    assert context["headline"]["costs"] == "48\u202f100,00\u00a0€"


# --- safe rendering ---------------------------------------------------------------------------


def test_hostile_text_stays_inert_and_nothing_is_fetched(world, catalogue, recording):
    project = world.project
    project.name = f"<script>alert(1)</script>{HOSTILE_ATTACHMENT}"
    project.save()
    world.client.name = f"</title>{HOSTILE_ATTACHMENT}"
    world.client.save()
    add_line(project, "cost", "integration", "18000", "once", label=HOSTILE_LABEL,
             assumption=HOSTILE_ATTACHMENT + HOSTILE_CSS)
    add_line(project, "gain", "productivity", "30000", "yearly", label=HOSTILE_CSS[:200])
    QualitativeBenefit.objects.create(project=project, text=HOSTILE_CSS)
    content = dossier.render_dossier(project)
    text = pdf_text(content)
    # The labels are printed as the text the user typed...
    assert HOSTILE_LABEL in text
    assert normalise(HOSTILE_ATTACHMENT) in text
    assert "@import url(http://evil.example/x.css)" in text
    # ... and WeasyPrint never asked for any of those URLs (our HTML needs no fetch at all).
    assert [fetcher.requests for fetcher in recording] == [[]]
    assert_no_embedded_files(content)
    assert "root:" not in text
    # The checklist prints the same labels: same guarantees.
    checklist = checklist_pdf.render_checklist(project)
    assert HOSTILE_LABEL in pdf_text(checklist)
    assert all(not fetcher.requests for fetcher in recording)
    assert_no_embedded_files(checklist)


def test_raw_hostile_html_cannot_fetch_or_embed_anything(recording):
    """Defence in depth: even HTML that escaped the templates' escaping leaks nothing."""
    html = """<html><head>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="data:text/plain,secret-attachment">
      <link rel="stylesheet" href="http://127.0.0.1:9/x.css">
      <style>@import url(http://127.0.0.1:9/y.css); @import url(file:///etc/passwd);</style>
      </head><body>
      <p>visible</p>
      <img src="file:///etc/passwd"><img src="https://example.com/pixel.png">
      <img src="/static/../../config/settings.py"><img src="/static/%2e%2e/%2e%2e/manage.py">
      <a rel="attachment" href="data:text/plain,secret-link">attached</a>
      <img src="/static/img/favicon.svg">
      </body></html>"""
    content = pdf.html_to_pdf(html, url_fetcher=(fetcher := RecordingFetcher()))
    outcomes = dict(fetcher.requests)
    for url, outcome in outcomes.items():
        if url.endswith("/static/img/favicon.svg"):
            assert outcome == "served"  # our own static file is fine
        else:
            assert outcome == "refused", url
    assert any("etc/passwd" in url for url in outcomes)
    assert any(url.startswith("http://127.0.0.1:9/") for url in outcomes)
    assert_no_embedded_files(content)
    text = pdf_text(content)
    assert "visible" in text and "secret" not in text and "root:" not in text


@pytest.mark.parametrize("url", [
    "http://example.com/x.css",
    "https://roi-checklist.invalid.example.com/static/css/pdf.css",
    "ftp://example.com/x",
    "file:///etc/passwd",
    "file://remote-host/static/css/pdf.css",
    f"{locked_fetcher.INTERNAL_ORIGIN}/etc/passwd",
    f"{locked_fetcher.INTERNAL_ORIGIN}/static/../config/settings.py",
    f"{locked_fetcher.INTERNAL_ORIGIN}/static/%2e%2e/config/settings.py",
    f"{locked_fetcher.INTERNAL_ORIGIN}/static/css/..%2f..%2fconfig/settings.py",
    f"{locked_fetcher.INTERNAL_ORIGIN}/static//etc/passwd",
    f"{locked_fetcher.INTERNAL_ORIGIN}/static/css/missing.css",
    "javascript:alert(1)",
    "relative/path.css",
])
def test_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ValueError):
        locked_fetcher.StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_uris(settings):
    fetcher = locked_fetcher.StaticOnlyFetcher()
    css = fetcher.fetch(f"{locked_fetcher.INTERNAL_ORIGIN}/static/css/pdf.css")
    assert b"@page" in css.read()
    static_file = Path(settings.BASE_DIR) / "static" / "css" / "pdf.css"
    assert b"@page" in fetcher.fetch(static_file.as_uri()).read()
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"


# --- cache ----------------------------------------------------------------------------------


@pytest.fixture
def count_renders(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = pdf.html_to_pdf

    def counting(html, **kwargs):
        calls.append(1)
        return real(html, **kwargs)

    monkeypatch.setattr(dossier, "html_to_pdf", counting)
    monkeypatch.setattr(checklist_pdf, "html_to_pdf", counting)
    return calls


def test_unchanged_dossier_comes_from_the_cache(apogea, catalogue, count_renders):
    first = dossier.render_dossier(apogea)
    second = dossier.render_dossier(apogea)
    assert second == first
    assert len(count_renders) == 1

    line = apogea.line_items.get(category="software")
    line.amount = Decimal("13000")
    line.save()
    bump_revision(apogea)  # what the services do on every change (project_changed)
    third = dossier.render_dossier(apogea)
    assert len(count_renders) == 2
    assert third != first
    assert "46 000,00 €" in pdf_text(third)

    apogea.status = "submitted"
    apogea.save()
    dossier.render_dossier(apogea)
    assert len(count_renders) == 3


def test_cache_key_is_cheap_and_follows_answers(apogea, catalogue, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("computing the key must not compute nor render")

    monkeypatch.setattr(selectors, "compute", forbidden)
    monkeypatch.setattr(dossier, "compute", forbidden)
    monkeypatch.setattr(dossier, "html_to_pdf", forbidden)
    key = dossier.dossier_cache_key(apogea)
    # Worked out once per revision: asked again, the key reads no line, answer nor benefit.
    with CaptureQueriesContext(connection) as queries:
        assert key == dossier.dossier_cache_key(apogea)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert not re.search(r"FROM \"roi_(lineitem|checklistanswer|qualitativebenefit)\"", read)
    # The last approved version, the register, the catalogue, the memo (in a savepoint).
    assert len(queries) <= 6
    ChecklistAnswer.objects.create(project=apogea,
                                   subitem=SubItem.objects.get(code="contingency.overruns"),
                                   status=AnswerStatus.NOT_APPLICABLE, reason="Forfait ferme")
    bump_revision(apogea)  # what the services do on every change (project_changed)
    assert dossier.dossier_cache_key(apogea) != key
    # What the dossier shows beyond the inputs is read each time: the client's name...
    key = dossier.dossier_cache_key(apogea)
    apogea.client.name = "Apogea Industries"
    apogea.client.save()
    assert dossier.dossier_cache_key(apogea) != key
    # ... and the status (written as the sign-off writes it, without touching updated_at).
    key = dossier.dossier_cache_key(apogea)
    RoiProject.objects.filter(pk=apogea.pk).update(status="submitted")
    apogea.refresh_from_db()
    assert dossier.dossier_cache_key(apogea) != key


def test_blank_checklist_is_cached(catalogue, count_renders):
    assert checklist_pdf.render_checklist() == checklist_pdf.render_checklist()
    assert len(count_renders) == 1


# --- the checklist --------------------------------------------------------------------------


def checklist_titles(lang: str = "fr") -> list[str]:
    titles = []
    for post in CATALOGUE["posts"]:
        titles.append(post[f"title_{lang}"])
        titles.extend(item[f"title_{lang}"] for item in post["items"])
    return titles


def test_blank_checklist_carries_every_post_and_sub_item(catalogue):
    text = pdf_text(checklist_pdf.render_checklist())
    for title in checklist_titles():
        assert normalise(title) in text, title
    assert "ROI = (Gains − Coûts) / Coûts × 100" in text
    assert "Chiffré" in text and "N/A" in text


def test_blank_checklist_without_a_loaded_catalogue_uses_the_file(db):
    with override("en"):
        text = pdf_text(checklist_pdf.render_checklist())
    for title in checklist_titles("en"):
        assert normalise(title) in text, title


def test_prefilled_checklist_shows_amounts_and_statuses(apogea, catalogue):
    line = apogea.line_items.get(category="software")
    line.subitem = SubItem.objects.get(code="software.subscription")
    line.save()
    ChecklistAnswer.objects.create(project=apogea,
                                   subitem=SubItem.objects.get(code="contingency.overruns"),
                                   status=AnswerStatus.NOT_APPLICABLE,
                                   reason="Contrat au forfait, dépassements à la charge de "
                                          "l’intégrateur")
    text = pdf_text(checklist_pdf.render_checklist(apogea))
    assert "12 000,00 €" in text
    assert "Contrat au forfait, dépassements à la charge de l’intégrateur" in text
    assert "= (55 000,00 € − 45 000,00 €) / 45 000,00 € × 100 = 22,22 %" in text
    assert "Ligne hors checklist : integration 18000" in text


# --- downloads ----------------------------------------------------------------------------------


def test_anyone_can_download_the_blank_checklist(client, catalogue):
    response = client.get(reverse("documents:checklist_blank"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="checklist-roi-crm.pdf"'
    assert "Logiciel CRM" in pdf_text(response.content)
    assert client.post(reverse("documents:checklist_blank")).status_code == 405


def test_every_member_downloads_the_dossier_and_the_checklist(client, world, apogea, catalogue,
                                                              run_worker):
    """Nothing is rendered in the request: the first download shows the page "en
    préparation" and queues the render; a worker renders it; the page's poll then sends the
    browser to the file, and every member gets it from the cache."""
    dossier = reverse("documents:project_dossier", kwargs={"project_id": apogea.pk})
    checklist = reverse("documents:project_checklist", kwargs={"project_id": apogea.pk})
    client.force_login(world.users["viewer"])
    for url in (dossier, checklist):
        page = client.get(url)
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
        assert "Dossier en préparation" in page.content.decode()
        assert f'hx-get="{url}/status"' in page.content.decode()
        poll = client.get(f"{url}/status")
        assert "data-download" not in poll.content.decode()
        assert "En file d’attente" in poll.content.decode()
    run_worker()
    for url in (dossier, checklist):
        poll = client.get(f"{url}/status")
        assert f'data-download="{url}"' in poll.content.decode()
        assert "Le fichier est prêt" in poll.content.decode()
    for role in ROLES:
        client.force_login(world.users[role])
        response = client.get(dossier)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="dossier-codir-crm-connecte-a-lerp-brouillon.pdf"')
        assert "private" in response["Cache-Control"]
        assert "22,22 %" in pdf_text(response.content)
        response = client.get(checklist)
        assert response.status_code == 200, role
        assert response["Content-Disposition"] == (
            'attachment; filename="checklist-roi-crm-connecte-a-lerp.pdf"')
        assert "22,22 %" in pdf_text(response.content)


def test_a_failed_render_says_so_and_is_tried_again(client, world, apogea, catalogue,
                                                    run_worker, monkeypatch):
    from procrastinate.contrib.django.models import ProcrastinateJob

    from roi.documents import prepared

    def broken(kind, target_id):
        raise RuntimeError("WeasyPrint a planté")

    monkeypatch.setattr("roi.tasks.documents.render", broken)
    url = reverse("documents:project_dossier", kwargs={"project_id": apogea.pk})
    client.force_login(world.users["cfo"])
    client.get(url)
    run_worker()  # first attempt fails, the job waits for its retry
    job = ProcrastinateJob.objects.get(task_name="roi.render_document")
    assert job.status == "todo" and job.attempts == 1
    assert "nouvel essai" in client.get(f"{url}/status").content.decode()
    # Out of attempts: the page says it failed, and asks for a new render.
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = %s",
                       [job.id])
    poll = client.get(f"{url}/status").content.decode()
    assert "La préparation du fichier a échoué" in poll
    assert ProcrastinateJob.objects.filter(status="todo").count() == 1
    monkeypatch.setattr("roi.tasks.documents.render", prepared.render)
    run_worker()
    assert f'data-download="{url}"' in client.get(f"{url}/status").content.decode()


def test_outsiders_and_anonymous_get_no_dossier(client, world, apogea):
    url = reverse("documents:project_dossier", kwargs={"project_id": apogea.pk})
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("documents:project_checklist",
                              kwargs={"project_id": apogea.pk})).status_code == 404


# --- command line -----------------------------------------------------------------------------


def apogea_file(tmp_path: Path) -> Path:
    case = {
        "format": "roi-case/1", "name": "Apogea PME", "horizon_months": 12,
        "costs": [
            {"category": "software", "amount": "12000", "recurrence": "yearly"},
            {"category": "integration", "amount": "18000", "recurrence": "once"},
            {"category": "training", "amount": "5000", "recurrence": "once"},
            {"category": "support", "amount": "3000", "recurrence": "yearly"},
            {"category": "internal", "amount": "7000", "recurrence": "once"},
        ],
        "gains": [
            {"category": "productivity", "amount": "18000", "recurrence": "yearly"},
            {"category": "conversion", "amount": "22000", "recurrence": "yearly"},
            {"category": "marketing", "amount": "6000", "recurrence": "yearly"},
            {"category": "retention", "amount": "9000", "recurrence": "yearly"},
        ],
    }
    path = tmp_path / "apogea.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def test_roi_dossier_command_renders_a_case_file(tmp_path):
    output = tmp_path / "dossier.pdf"
    call_command("roi_dossier", str(apogea_file(tmp_path)), "-o", str(output),
                 "--client", "Apogea", stdout=io.StringIO())
    text = pdf_text(output.read_bytes())
    for figure in ("45 000,00 €", "55 000,00 €", "10 000,00 €", "22,22 %", "9,00 mois"):
        assert figure in text, figure
    assert "Apogea PME" in text


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid roi-case/1 document"),
    ('{"format": "roi-case/1", "horizon_months": 0, "costs": [], "gains": []}',
     "horizon_months"),
    ('{"format": "roi-case/1", "horizon_months": 12, "costs": [{"category": "software", '
     '"amount": "-1", "recurrence": "once"}], "gains": []}', "costs[0].amount"),
])
def test_roi_dossier_command_refuses_a_bad_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("roi_dossier", str(path), "-o", str(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()


def test_roi_dossier_command_reports_missing_file_and_unwritable_output(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("roi_dossier", str(tmp_path / "missing.json"), "-o",
                     str(tmp_path / "out.pdf"))
    with pytest.raises(CommandError, match="cannot write the file"):
        call_command("roi_dossier", str(apogea_file(tmp_path)), "-o",
                     str(tmp_path / "no-such-dir" / "out.pdf"), stdout=io.StringIO())


def test_checklist_pdf_command(tmp_path, catalogue):
    output = tmp_path / "checklist.pdf"
    call_command("checklist_pdf", "-o", str(output), stdout=io.StringIO())
    text = pdf_text(output.read_bytes())
    for title in checklist_titles():
        assert normalise(title) in text, title


# --- approval ----------------------------------------------------------------------------------


def test_approved_dossier_carries_its_approval_until_the_figures_change(world, apogea,
                                                                         catalogue):
    apogea.status = "submitted"
    apogea.save()
    version = review_services.project_approve(project=apogea, user=world.users["cfo"],
                                       link="https://roi.example/p/1",
                                       comment="Go, sous réserve du devis final.",
                                       confirm_incomplete=True)
    assert version.number == 1
    apogea.refresh_from_db()
    text = pdf_text(dossier.render_dossier(apogea))
    assert "Version v1 approuvée par DAF le" in text
    assert "« Go, sous réserve du devis final. »" in text
    assert "Approuvé" in text

    # A change after approval: the dossier no longer vouches for it.
    line = apogea.line_items.get(category="software")
    line.amount = Decimal("14000")
    line.save()
    apogea.status = "draft"
    apogea.save()
    text = pdf_text(dossier.render_dossier(apogea))
    assert "Version v1 approuvée par" not in text
    assert "Dernière version approuvée : v1, par DAF le" in text
    assert "cette édition n’est pas approuvée" in text


def test_a_frozen_version_is_rendered_from_its_own_inputs(world, apogea, catalogue):
    apogea.status = "submitted"
    apogea.save()
    version = review_services.project_approve(project=apogea, user=world.users["cfo"],
                                              link="https://roi.example/p/1",
                                              confirm_incomplete=True)
    # The figures change after approval; the frozen dossier still shows what was approved.
    line = apogea.line_items.get(category="software")
    line.amount = Decimal("24000")
    line.save()
    text = pdf_text(dossier.render_version_dossier(version))
    assert "Version v1 approuvée par DAF le" in text
    assert normalise("45 000,00 €") in text


# --- warnings in words ----------------------------------------------------------------------


def test_every_engine_warning_has_its_own_sentence():
    warnings = [
        CaseWarning("no_contingency", {}),
        CaseWarning("tco_below_licences", {"ratio": Decimal("1.25"),
                                           "total_costs": Decimal("15000"),
                                           "software_costs": Decimal("12000")}),
        CaseWarning("revenue_without_margin", {}),
        CaseWarning("horizon_shorter_than_payback", {"horizon_months": 6,
                                                     "payback_months": Decimal("9"),
                                                     "checked_horizon_months": 120}),
        CaseWarning("horizon_shorter_than_payback", {"horizon_months": 6,
                                                     "payback_months": None,
                                                     "checked_horizon_months": 120}),
        CaseWarning("licence_price_out_of_range", {"line_index": 0, "label": "Licences",
                                                   "price_per_user_month": Decimal("1200.5"),
                                                   "users": Decimal(25),
                                                   "minimum": Decimal(10),
                                                   "maximum": Decimal(300)}),
    ]
    with override("fr"):
        texts = [warning_text(w) for w in warnings]
    assert all(len(text) > 40 and text != w.code for text, w in zip(texts, warnings,
                                                                       strict=True))
    assert len(set(texts)) == len(texts)
    assert "1,25" in texts[1]
    assert "« Licences » revient à 1\u202f200,50 par utilisateur et par mois" in texts[5]
    with override("en"):
        assert "“Licences” comes to 1,200.50 per user per month" in warning_text(
            warnings[5])
    # With the case's currency, the amounts are money.
    with override("fr"):
        assert ("« Licences » revient à 1\u202f200,50\u00a0€ par utilisateur et par mois, hors "
                "de la fourchette habituelle des CRM (10\u00a0€ à 300\u00a0€"
                in warning_text(warnings[5], currency="EUR"))
    with override("en"):
        assert "comes to €1,200.50 per user per month" in warning_text(warnings[5],
                                                                       currency="EUR")


def test_edits_do_not_cull_the_cached_dossiers(db):
    """Every revision caches the engine's results; hundreds of edits must not push the
    rendered documents out of the shared cache (Django's default bound is 300 entries)."""
    from django.core.cache import cache
    from django.core.management import call_command

    from roi.documents.cache import cache_get, cache_set

    call_command("createcachetable", verbosity=0)
    cache_set("roi:doc:dossier:kept", b"%PDF-1.7 kept")
    cache.set_many({f"roi:engine:2:{n}:1:1": b"x" for n in range(400)})
    for n in range(400, 450):  # a set counts the entries and culls past the bound
        cache.set(f"roi:engine:2:{n}:1:1", b"x")
    assert cache_get("roi:doc:dossier:kept") == b"%PDF-1.7 kept"


def test_a_drafts_approval_page_says_brouillon_once(apogea, catalogue):
    text = " ".join(pdf_text(dossier.render_dossier(apogea)).split())
    assert "Statut du dossier à l’édition : Brouillon ·" in text
    assert "Brouillon · Brouillon" not in text
