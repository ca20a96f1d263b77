"""What people type, one rule at a time: numbers and their bounds, text hygiene, the horizon,
the optimistic locks, positions of lines created at once, the search, the helpers' currency,
and roi_import on hostile files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import translation

from checklist.catalogue.models import CatalogueVersion, SubItem
from roi.accounts.lockout import axes_username
from roi.fields import LocalizedDecimalField, PercentField, TextField, WholeNumberField
from roi.formats import NumberTooLarge, format_limit, parse_decimal
from roi.models import LineItem, RoiProject
from roi.projects import services
from roi.text_input import (
    clean_multiline,
    clean_single_line,
    has_control_characters,
    has_line_break,
)
from tests.conftest import add_line
from tests.roi.documents.test_pdf import normalise

HTMX = {"HTTP_HX_REQUEST": "true"}
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(world):
    call_command("load_catalogue", verbosity=0)
    world.project.catalogue = CatalogueVersion.current()
    world.project.save()
    return world.project


def subitem(project, code):
    return SubItem.objects.get(post__catalogue=project.catalogue, code=code)


LINE = {"label": "Licences", "amount": "1000", "quantity": "1", "recurrence": "yearly",
        "start_month": "1", "end_month": "", "assumption": ""}


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["€", "%", " € ", "EUR", "$"])
def test_a_sign_alone_is_not_a_number(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed, lang="fr")


@pytest.mark.parametrize("typed,lang,expected", [
    ("0.001", "fr", "0.001"), ("0.0001", "fr", "0.0001"), ("0,001", "en", "0.001"),
    ("1.500", "fr", "1500"), ("1,500", "en", "1500"),
])
def test_a_leading_zero_never_groups_thousands(typed, lang, expected):
    assert parse_decimal(typed, lang=lang) == Decimal(expected)


@pytest.mark.parametrize("typed", ["9" * 40, "1" + "0" * 5000, "-" + "9" * 61])
def test_a_number_far_too_large_says_so(typed):
    with pytest.raises(NumberTooLarge):
        parse_decimal(typed, lang="fr")


def test_limits_are_written_the_readers_way():
    assert format_limit(Decimal("1000000000000"), lang="fr") == "1\u202f000\u202f000\u202f000\u202f000"
    assert format_limit(Decimal("0.5"), lang="fr") == "0,5"
    assert format_limit(Decimal("10000000"), lang="en") == "10,000,000"
    assert format_limit(Decimal("100.00"), lang="fr") == "100"


def _errors(field, value):
    try:
        field.clean(value)
    except forms.ValidationError as error:
        return error.messages
    return []


def test_decimal_field_messages():
    field = LocalizedDecimalField(greater_than=Decimal(0), max_value=Decimal("10000000"),
                                  decimal_places=6)
    assert _errors(field, "0") == ["La valeur doit être supérieure à 0."]
    assert _errors(field, "20000000") == [
        "Ce nombre est trop grand : 10\u202f000\u202f000 au maximum."]
    assert _errors(field, "9" * 80) == [
        "Ce nombre est trop grand : 10\u202f000\u202f000 au maximum."]
    assert _errors(field, "0,0000001") == ["Saisissez au plus 6 chiffres après la virgule."]
    assert _errors(field, "€") == ["Saisissez un nombre, par exemple 12 000,50."]
    assert _errors(field, "0.000001") == []
    percent = PercentField(greater_than=Decimal(0), max_value=Decimal(100))
    assert _errors(percent, "%") == ["Saisissez un nombre, par exemple 12 000,50."]
    assert _errors(percent, "0") == ["La valeur doit être supérieure à 0\u00a0%."]
    assert percent.clean("0.0001") == Decimal("0.000001")
    with translation.override("en"):
        # The limit is written the English way in an English page.
        assert _errors(field, "20000000") == [
            "This number is too large: the maximum is 10,000,000."]


def test_whole_number_field_messages():
    field = WholeNumberField(min_value=1, max_value=600)
    assert _errors(field, "0") == ["La valeur doit être supérieure ou égale à 1."]
    assert _errors(field, "601") == ["Ce nombre est trop grand : 600 au maximum."]
    assert _errors(field, "9" * 5000) == ["Ce nombre est trop grand : 600 au maximum."]
    assert _errors(field, "€") == ["Saisissez un nombre entier, par exemple 12."]


# --- text ------------------------------------------------------------------------------------

def test_text_hygiene():
    assert has_control_characters("a\x00b") and has_control_characters("\x1b[31m")
    assert has_control_characters("\x9b") and not has_control_characters("a\tb\nc\r\n")
    assert has_line_break("a\r\nb") and has_line_break("a\u2028b") and not has_line_break("a b")
    assert clean_single_line("Licences\x00 CRM\r\nBcc:\tx") == "Licences CRM Bcc: x"
    assert clean_multiline("Ligne 1\r\nLigne 2\x00\rLigne 3") == "Ligne 1\nLigne 2\nLigne 3"
    assert clean_single_line("Intégration — « CRM » €") == "Intégration — « CRM » €"


def test_text_field_refuses_and_shows_back_cleaned():
    field = TextField(max_length=10)
    assert _errors(field, "a\x00b") == [
        "Ce texte contenait un caractère invisible non autorisé (caractère de contrôle) : il a "
        "été retiré. Vérifiez puis enregistrez à nouveau."]
    assert "une seule ligne" in _errors(field, "a\r\nb")[0]
    assert field.clean("a\tb") == "a b"
    assert field.bound_data("a\x00b\r\nc", None) == "ab c"
    assert "au plus 10 caractères" in _errors(field, "x" * 11)[0]
    # The limit is for the counter; no maxlength for the browser to cut a paste at.
    attrs = field.widget_attrs(field.widget)
    assert attrs == {"data-maxlength": "10"}
    multiline = TextField(single_line=False)
    assert multiline.clean("Ligne 1\r\nLigne 2") == "Ligne 1\nLigne 2"
    assert _errors(multiline, "a\x00") and not _errors(multiline, "a\nb")


def test_axes_never_gets_a_username_too_long_for_its_column():
    assert len(axes_username(None, {"username": "a" * 1000})) == 254
    assert axes_username(None, {"username": "x\x00y"}) == "xy"
    assert axes_username(None, {}) is None


# --- the wizard's line form: horizon, optimistic lock, positions -----------------------------

def test_a_start_month_past_the_horizon_is_refused_with_the_horizon(client, world, project):
    client.force_login(world.users["sales_director"])
    url = (reverse("checklist:line_new", args=[project.pk, "costs-software"])
           + f"?subitem={subitem(project, 'software.subscription').pk}")
    response = client.post(url, dict(LINE, start_month="13"), **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert ("Le mois 13 est après l’horizon du projet (12 mois) : cette ligne n’y compterait "
            "pour rien.") in body
    assert reverse("checklist:step", args=[project.pk, "context"]) in body
    assert "Allonger l’horizon du projet (aujourd’hui 12 mois)" in body
    assert 'value="13"' in body
    assert not LineItem.objects.exists()
    assert client.post(url, dict(LINE, start_month="12"), **HTMX).status_code == 200


def test_a_line_stored_past_the_horizon_can_still_be_edited(client, world, project):
    """An imported line may start after the horizon (the format allows it for the 24- and
    36-month views): editing something else keeps it; moving it further is refused."""
    line = add_line(project, "cost", "software", "1000", "yearly", start_month=30)
    client.force_login(world.users["sales_director"])
    url = reverse("checklist:line_edit", args=[project.pk, line.pk])
    response = client.post(url, dict(LINE, start_month="30", amount="2000",
                                     version=str(line.version)), **HTMX)
    assert response.status_code == 200
    line.refresh_from_db()
    assert (line.amount, line.start_month) == (Decimal("2000"), 30)
    response = client.post(url, dict(LINE, start_month="31", version=str(line.version)), **HTMX)
    assert response.status_code == 422 and "après l’horizon" in response.content.decode()


def test_a_shorter_horizon_says_which_lines_start_after_it(client, world, project):
    """Shortening the horizon keeps the lines (they count in the longer views) and says which
    of them no longer count in the figures at the horizon."""
    add_line(project, "cost", "software", "1000", "yearly", label="Licences", start_month=1)
    add_line(project, "gain", "productivity", "500", "monthly", label="Gain tardif",
             start_month=9)
    client.force_login(world.users["sales_director"])
    url = reverse("checklist:step", args=[project.pk, "context"])
    data = {"name": project.name, "horizon_months": "6", "currency": "EUR",
            "discount_rate": "8", "language": "fr", "conservative_gains_factor": "80",
            "conservative_costs_factor": "110", "optimistic_gains_factor": "120",
            "optimistic_costs_factor": "100", "revision": str(project.revision)}
    body = normalise(client.post(url, data, follow=True).content.decode())
    project.refresh_from_db()
    assert project.horizon_months == 6 and project.line_items.count() == 2
    assert ("La ligne « Gain tardif » commence au mois 9, après l’horizon de 6 mois : elle ne "
            "compte pas dans les chiffres à l’horizon") in body
    # Lengthening it again says nothing more.
    data.update(horizon_months="12", revision=str(project.revision))
    assert "après l’horizon" not in client.post(url, data, follow=True).content.decode()


def test_an_import_says_which_lines_start_after_the_horizon(client, world, project, tmp_path,
                                                           capsys):
    case = {"format": "roi-case/1", "name": "Tardif", "horizon_months": 12,
            "costs": [{"category": "software", "amount": "100", "recurrence": "monthly"}],
            "gains": [{"category": "productivity", "label": "Plus tard", "amount": "500",
                       "recurrence": "monthly", "start_month": 20},
                      {"category": "marketing", "label": "Encore", "amount": "50",
                       "recurrence": "monthly", "start_month": 30}]}
    client.force_login(world.users["sales_director"])
    upload = SimpleUploadedFile("case.json", json.dumps(case).encode(), "application/json")
    body = normalise(client.post(reverse("roi:project_import", args=[world.client.pk]),
                                 {"file": upload}, follow=True).content.decode())
    assert "Projet « Tardif » importé." in body
    assert ("2 lignes commencent après l’horizon de 12 mois (dont « Plus tard », au mois 20)"
            in body)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    call_command("roi_import", str(path), "--client", str(world.client.pk))
    assert "2 lignes commencent après l’horizon de 12 mois" in capsys.readouterr().err


def test_an_import_names_the_line_of_a_too_precise_amount(client, world, project):
    case = {"format": "roi-case/1", "name": "Précis", "horizon_months": 12,
            "costs": [{"category": "software", "amount": "100", "recurrence": "monthly"},
                      {"category": "training", "amount": "0.0000001", "recurrence": "once"}],
            "gains": []}
    client.force_login(world.users["sales_director"])
    upload = SimpleUploadedFile("case.json", json.dumps(case).encode(), "application/json")
    body = normalise(client.post(reverse("roi:project_import", args=[world.client.pk]),
                                 {"file": upload}).content.decode())
    assert "costs[1].amount :" in body
    assert not RoiProject.objects.filter(name="Précis").exists()


def test_a_line_edit_without_its_version_overwrites_nothing(client, world, project):
    line = add_line(project, "cost", "software", "1000", "yearly", label="Licences")
    client.force_login(world.users["sales_director"])
    url = reverse("checklist:line_edit", args=[project.pk, line.pk])
    for version in (None, "", "abc"):
        data = dict(LINE, label="Écrasé", amount="9")
        if version is not None:
            data["version"] = version
        response = client.post(url, data, **HTMX)
        assert response.status_code == 422
        body = response.content.decode()
        assert "rechargez la page" in body and 'value="Écrasé"' in body
        line.refresh_from_db()
        assert (line.label, line.amount, line.version) == ("Licences", Decimal("1000"), 1)


@pytest.mark.parametrize("url_name,extra", [
    ("roi:project_edit", {}),
    ("checklist:step", {"conservative_gains_factor": "80", "conservative_costs_factor": "110",
                        "optimistic_gains_factor": "120", "optimistic_costs_factor": "100"}),
])
def test_a_project_form_without_its_revision_overwrites_nothing(client, world, project,
                                                                 url_name, extra):
    client.force_login(world.users["sales_director"])
    args = [project.pk, "context"] if url_name == "checklist:step" else [project.pk]
    data = {"name": "Écrasé", "horizon_months": "36", "currency": "EUR",
            "discount_rate": "8", "language": "fr", **extra}
    response = client.post(reverse(url_name, args=args), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "rechargez la page" in body and 'value="Écrasé"' in body
    project.refresh_from_db()
    assert (project.name, project.horizon_months, project.revision) == (
        "CRM connecté à l’ERP", 12, 1)
    # With it, the same form saves.
    response = client.post(reverse(url_name, args=args), dict(data, revision="1"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.horizon_months) == ("Écrasé", 36)


def test_positions_follow_the_last_line_not_the_count(world):
    project = world.project
    kept = [services.line_item_create(project=project, user=None, kind="cost",
                                      category="software", label=f"L{i}", amount=Decimal(1),
                                      recurrence="once") for i in range(3)]
    services.line_item_delete(line=kept[0], user=None)
    new = services.line_item_create(project=project, user=None, kind="cost",
                                    category="software", label="L3", amount=Decimal(1),
                                    recurrence="once")
    assert [line.position for line in kept[1:]] == [1, 2] and new.position == 3


@pytest.mark.django_db(transaction=True)
def test_two_lines_created_at_the_same_moment_get_distinct_positions(world):
    """Two requests adding a line to the same post at once: each waits for the other's lock,
    so they never share a position."""
    project = world.project
    barrier = threading.Barrier(4)
    errors = []

    def create(index):
        try:
            barrier.wait()
            services.line_item_create(project=RoiProject.objects.get(pk=project.pk),
                                      user=None, kind="cost", category="software",
                                      label=f"Ligne {index}", amount=Decimal(1),
                                      recurrence="once")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    positions = sorted(LineItem.objects.filter(project=project).values_list("position",
                                                                            flat=True))
    assert positions == [0, 1, 2, 3]


# --- the quantification helpers speak the project's currency ---------------------------------

def test_helpers_use_the_projects_currency(client, world, project):
    RoiProject.objects.filter(pk=project.pk).update(currency="USD")
    client.force_login(world.users["sales_director"])
    url = reverse("checklist:quantify", args=[project.pk, "gains-productivity", "time_saved"])
    form = client.get(url, **HTMX).content.decode()
    assert "Coût horaire chargé ($/h)" in form and "€" not in form
    client.post(url, {"hours_per_week": "2", "people": "10", "loaded_hourly_cost": "45",
                      "working_weeks": "45"}, **HTMX)
    line = LineItem.objects.get()
    assert "45\u00a0$/h" in line.assumption and "40\u202f500\u00a0$ par an" in line.assumption
    assert "€" not in line.assumption + line.label
    url = reverse("checklist:quantify", args=[project.pk, "gains-marketing",
                                              "acquisition_cost_reduction"])
    assert "Baisse du coût d’acquisition par client ($)" in client.get(url, **HTMX).content.decode()
    client.post(url, {"new_customers_per_year": "100", "cac_drop": "150"}, **HTMX)
    line = LineItem.objects.get(category="marketing")
    assert line.label == "Coût d’acquisition −150\u00a0$ sur 100 nouveaux clients/an"
    RoiProject.objects.filter(pk=project.pk).update(currency="GBP")
    client.post(reverse("checklist:quantify", args=[project.pk, "gains-retention",
                                                    "churn_reduction"]),
                {"customers": "500", "churn_drop_rate": "2",
                 "annual_revenue_per_customer": "3000", "margin_rate": "40"},
                HTTP_ACCEPT_LANGUAGE="en", **HTMX)
    line = LineItem.objects.get(category="retention")
    # In English the symbol leads: "£3,000".
    assert "£3,000" in line.assumption and "€" not in line.assumption


# --- the portfolio search ignores accents and case -------------------------------------------

@pytest.mark.parametrize("query", ["connecte", "CONNECTE", "Connecté", "erp", "DURAND",
                                   "integration", "a l'erp"])
def test_search_ignores_accents_and_case(client, world, query):
    RoiProject.objects.filter(pk=world.project.pk).update(crm_solution="Intégration Sellsy")
    RoiProject.objects.create(client=world.client, name="Autre projet")
    client.force_login(world.users["consultant"])
    body = client.get(reverse("roi:portfolio"), {"q": query}).content.decode()
    assert "CRM connecté à l’ERP" in body
    if query != "DURAND":
        assert "Autre projet" not in body


def test_the_unaccent_extension_is_installed(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT unaccent('Connecté à l’ERP')")
        # unaccent also folds the typographic apostrophe: "l'erp" finds "l’ERP".
        assert cursor.fetchone()[0] == "Connecte a l'ERP"


# --- roi_import on hostile files: a clear message, a non-zero exit, no traceback -------------

CASE = {"format": "roi-case/1", "name": "Importé", "currency": "EUR", "horizon_months": 12,
        "costs": [{"category": "software", "label": "Licences", "amount": "1000",
                   "recurrence": "yearly"}], "gains": []}
ITEM = CASE["costs"][0]


def _database_url() -> str:
    settings = connection.settings_dict
    return (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@"
            f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("label,content,expected", [
    ("nul in a label", json.dumps(dict(CASE, costs=[dict(ITEM, label="a\x00b")])),
     "costs[0].label: must not contain control characters"),
    ("nul in the name", json.dumps(dict(CASE, name="\x00")),
     "name: must not contain control characters"),
    ("escape sequence", json.dumps(dict(CASE, costs=[dict(ITEM, assumption="\x1b[2J")])),
     "costs[0].assumption: must not contain control characters"),
    ("10 000-character label", json.dumps(dict(CASE, costs=[dict(ITEM, label="L" * 10_000)])),
     "costs[0].label: must be at most 200 characters"),
    ("huge amount", json.dumps(dict(CASE, costs=[dict(ITEM, amount="9" * 39)])),
     "costs[0].amount: must be <= 1000000000000"),
    ("euro sign", json.dumps(dict(CASE, costs=[dict(ITEM, amount="€")])),
     'costs[0].amount: must be a decimal number written like "1234.56"'),
    ("percent sign", json.dumps(dict(CASE, gains=[dict(ITEM, category="productivity",
                                                      confidence="%")])),
     'gains[0].confidence: must be a decimal number written like "1234.56"'),
    ("NUL in a key", json.dumps(dict(CASE, **{"nom\x00": "x"})), "nom?: unknown key"),
    ("raw NUL byte", '{"format": "roi-case/1",\x00}', "invalid JSON at line 1"),
    ("not UTF-8", "\udcff", "not UTF-8"),
    ("empty", "", "invalid JSON at line 1, column 1"),
    ("deep nesting", "[" * 200_000, "invalid JSON"),
])
def test_roi_import_refuses_hostile_files_without_a_traceback(world, tmp_path, label, content,
                                                              expected):
    path = tmp_path / "case.json"
    path.write_bytes(content.encode("utf-8", errors="surrogateescape"))
    result = subprocess.run(
        [sys.executable, "manage.py", "roi_import", str(path), "--client", str(world.client.pk)],
        cwd=BASE_DIR, capture_output=True, text=True, check=False,
        env=dict(os.environ, DATABASE_URL=_database_url()))
    assert result.returncode != 0, label
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not RoiProject.objects.filter(client=world.client).exclude(
        pk=world.project.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_roi_import_makes_a_name_with_line_breaks_one_line(world, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(dict(CASE, name="Projet\r\nBcc: pirate@evil.example")),
                    encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "roi_import", str(path), "--client", str(world.client.pk)],
        cwd=BASE_DIR, capture_output=True, text=True, check=False,
        env=dict(os.environ, DATABASE_URL=_database_url()))
    assert result.returncode == 0, result.stderr
    assert RoiProject.objects.filter(client=world.client,
                                     name="Projet Bcc: pirate@evil.example").exists()
