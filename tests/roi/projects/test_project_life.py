"""Duplicate, delete with a grace period, restore, import and export from the UI; portfolio."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from roi.models import Client, Membership, RoiProject
from roi.projects import services
from tests.conftest import add_line


def test_consultant_duplicates_into_another_client(client, world, apogea):
    other = Client.objects.create(name="Deuxième client")
    Membership.objects.create(user=world.users["consultant"], client=other, role="consultant")
    client.force_login(world.users["consultant"])
    response = client.post(reverse("roi:project_duplicate", args=[apogea.pk]),
                           {"client": other.pk, "name": "Modèle PME"})
    copy = RoiProject.objects.get(name="Modèle PME")
    assert response.url == reverse("roi:project_detail", args=[copy.pk])
    assert copy.client == other and copy.status == "draft"
    assert copy.line_items.count() == 9 and copy.roi_percent == apogea.roi_percent
    assert apogea.line_items.count() == 9  # the original is untouched
    history = client.get(reverse("roi:project_history", args=[copy.pk])).content.decode()
    assert history.count("création") >= 9  # the copy's lines start its history


def test_duplicate_refuses_a_client_the_user_cannot_edit(client, world, apogea):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("roi:project_duplicate", args=[apogea.pk]),
                           {"client": world.other_client.pk, "name": "Fuite"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not RoiProject.objects.filter(name="Fuite").exists()


def test_delete_restore_and_purge_after_the_grace_period(client, world, apogea):
    client.force_login(world.users["sales_director"])
    confirm = client.get(reverse("roi:project_delete", args=[apogea.pk]))
    assert "30 jours" in confirm.content.decode()
    client.post(reverse("roi:project_delete", args=[apogea.pk]))
    assert client.get(reverse("roi:project_detail", args=[apogea.pk])).status_code == 404
    listing = client.get(reverse("roi:client_detail", args=[world.client.pk])).content.decode()
    assert "Projets supprimés (restaurables)" in listing
    client.post(reverse("roi:project_restore", args=[apogea.pk]))
    assert client.get(reverse("roi:project_detail", args=[apogea.pk])).status_code == 200
    services.project_delete(project=apogea, user=None)
    assert services.projects_purge() == 0
    RoiProject.objects.filter(pk=apogea.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    call_command("purge_deleted")
    assert not RoiProject.objects.filter(pk=apogea.pk).exists()


CASE = {"format": "roi-case/1", "name": "Import UI", "horizon_months": 24,
        "costs": [{"category": "software", "amount": "1000", "recurrence": "monthly"}],
        "gains": [{"category": "productivity", "amount": "30000", "recurrence": "yearly"}]}


def test_import_and_export_from_the_ui(client, world):
    client.force_login(world.users["sales_director"])
    upload = SimpleUploadedFile("case.json", json.dumps(CASE).encode(), "application/json")
    response = client.post(reverse("roi:project_import", args=[world.client.pk]),
                           {"file": upload})
    project = RoiProject.objects.get(name="Import UI")
    assert response.url == reverse("roi:project_detail", args=[project.pk])
    assert project.roi_percent == Decimal("150.00")
    exported = client.get(reverse("documents:project_export", args=[project.pk]))
    assert exported["Content-Disposition"].startswith("attachment")
    assert json.loads(exported.content)["gains"][0]["amount"] == "30000"


def test_import_shows_the_format_rules_in_french(client, world):
    client.force_login(world.users["sales_director"])
    bad = dict(CASE, costs=[{"category": "software", "amount": "-3", "recurrence": "daily"}])
    upload = SimpleUploadedFile("case.json", json.dumps(bad).encode(), "application/json")
    response = client.post(reverse("roi:project_import", args=[world.client.pk]),
                           {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "costs[0].amount : doit être supérieur ou égal à 0" in body
    assert "costs[0].recurrence : doit être l’une des valeurs once, monthly, yearly" in body
    assert "must be" not in body
    assert not RoiProject.objects.filter(name="Import UI").exists()


def test_portfolio_lists_filters_and_sorts(client, world, apogea):
    client.force_login(world.users["consultant"])
    page = client.get(reverse("roi:portfolio")).content.decode()
    assert "CRM connecté à l’ERP" in page and "22,22\u00a0%" in page and "9,00 mois" in page
    assert "Projet concurrent" not in page
    RoiProject.objects.create(client=world.client, name="Autre projet", status="approved")
    filtered = client.get(reverse("roi:portfolio"), {"status": "approved"}).content.decode()
    assert "Autre projet" in filtered and "CRM connecté à l’ERP" not in filtered
    searched = client.get(reverse("roi:portfolio"), {"q": "erp"}).content.decode()
    assert "CRM connecté à l’ERP" in searched and "Autre projet" not in searched
    by_roi = client.get(reverse("roi:portfolio"), {"sort": "-roi"}).content.decode()
    assert by_roi.index("CRM connecté à l’ERP") < by_roi.index("Autre projet")


@pytest.mark.django_db
def test_portfolio_of_500_projects_runs_constant_queries(client, world,
                                                         django_assert_max_num_queries):
    clients = [world.client] + [Client.objects.create(name=f"Client {i}") for i in range(4)]
    for extra in clients[1:]:
        Membership.objects.create(user=world.users["consultant"], client=extra,
                                  role="consultant")
    RoiProject.objects.bulk_create(
        RoiProject(client=clients[i % 5], name=f"Projet {i:03}", roi_percent=Decimal(i),
                   net_gain=Decimal(i * 100), updated_by=world.users["consultant"])
        for i in range(500))
    client.force_login(world.users["consultant"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("roi:portfolio"), {"sort": "-roi", "page": "2"})
    body = response.content.decode()
    assert "Projet 474" in body and "Page 2 sur 21" in body


def test_line_changes_refresh_the_portfolio_figures(client, world, apogea):
    apogea.refresh_from_db()
    assert apogea.roi_percent == Decimal("22.22")
    add_line(apogea, "cost", "contingency", "5000", "once")
    services.line_item_create(project=apogea, user=world.users["consultant"], kind="cost",
                              category="contingency", label="x", amount=Decimal(0),
                              recurrence="once")
    apogea.refresh_from_db()
    assert apogea.roi_percent == Decimal("10.00")  # 55 000 / 50 000 − 1


def test_import_refuses_an_unsupported_currency(client, world):
    client.force_login(world.users["sales_director"])
    upload = SimpleUploadedFile("case.json", json.dumps(dict(CASE, currency="JPY")).encode(),
                                "application/json")
    response = client.post(reverse("roi:project_import", args=[world.client.pk]),
                           {"file": upload})
    assert "currency" in response.content.decode()
    assert not RoiProject.objects.filter(name="Import UI").exists()
