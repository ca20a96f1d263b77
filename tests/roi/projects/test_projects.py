"""Projects: create, rename, archive, list per client, optimistic locking; demo data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from roi.calculation import compute
from roi.models import Client, Membership, RoiProject
from roi.projects import services
from roi.projects.cases import project_case

FORM = {"name": "CRM service client", "crm_solution": "HubSpot", "users_count": "25",
        "start_date": "2027-01-01", "horizon_months": "24", "currency": "EUR",
        "discount_rate": "8,5", "language": "fr"}


def test_sales_director_creates_a_project(client, world):
    client.force_login(world.users["sales_director"])
    response = client.post(reverse("roi:project_create", args=[world.client.pk]), FORM)
    project = RoiProject.objects.get(name="CRM service client")
    assert response.url == reverse("roi:project_detail", args=[project.pk])
    assert project.discount_rate == Decimal("0.085")
    assert project.created_by == world.users["sales_director"]
    assert project.client == world.client


def test_bad_input_keeps_values_and_says_why_in_french(client, world):
    client.force_login(world.users["sales_director"])
    data = dict(FORM, horizon_months="0", discount_rate="huit")
    response = client.post(reverse("roi:project_create", args=[world.client.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un nombre" in body
    assert "supérieure ou égale à 1" in body
    assert 'value="CRM service client"' in body and 'value="huit"' in body


def test_rename_and_archive_and_restore(client, world):
    client.force_login(world.users["consultant"])
    project = world.project
    client.post(reverse("roi:project_edit", args=[project.pk]),
                dict(FORM, name="Nouveau nom", revision=project.revision))
    project.refresh_from_db()
    assert project.name == "Nouveau nom" and project.revision == 2
    client.post(reverse("roi:project_archive", args=[project.pk]))
    project.refresh_from_db()
    assert project.is_archived
    listing = client.get(reverse("roi:client_detail", args=[world.client.pk])).content.decode()
    assert "Nouveau nom" not in listing
    archived = client.get(reverse("roi:client_detail", args=[world.client.pk]) + "?archived=1")
    assert "Nouveau nom" in archived.content.decode()
    client.post(reverse("roi:project_archive", args=[project.pk]))
    project.refresh_from_db()
    assert not project.is_archived


def test_stale_form_is_refused_with_input_kept(client, world):
    project = world.project
    stale_revision = project.revision
    services.project_update(project=project, user=world.users["consultant"], name="Par un autre")
    client.force_login(world.users["sales_director"])
    response = client.post(reverse("roi:project_edit", args=[project.pk]),
                           dict(FORM, name="Ma version", revision=stale_revision))
    body = response.content.decode()
    assert response.status_code == 200
    assert "modifié par quelqu’un d’autre" in body
    assert 'value="Ma version"' in body
    project.refresh_from_db()
    assert project.name == "Par un autre"


def test_workspace_lists_projects_per_client_in_constant_queries(
        client, world, django_assert_max_num_queries):
    for index in range(30):
        RoiProject.objects.create(client=world.client, name=f"Projet {index}")
    other = Client.objects.create(name="Deuxième client")
    Membership.objects.create(user=world.users["consultant"], client=other, role="consultant")
    RoiProject.objects.create(client=other, name="Projet du deuxième client")
    client.force_login(world.users["consultant"])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("roi:workspace"))
    body = response.content.decode()
    assert "Projet 29" in body and "Projet du deuxième client" in body
    assert "Projet concurrent" not in body  # another client's project never shows


def test_consultant_creates_a_client_workspace(client, world):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("roi:client_create"),
                           {"name": "Nouveau client", "sector": "Retail", "headcount": "12"})
    created = Client.objects.get(name="Nouveau client")
    assert response.url == reverse("roi:client_detail", args=[created.pk])
    assert Membership.objects.get(client=created).role == "consultant"


def test_only_consultants_create_client_workspaces(client, world):
    client.force_login(world.users["sales_director"])
    assert client.post(reverse("roi:client_create"), {"name": "X"}).status_code == 403


@pytest.mark.django_db
def test_load_demo_is_idempotent(capsys):
    call_command("load_catalogue")
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "consultant@demo.example" in out and "local use only" in out
    assert Client.objects.count() == 2
    assert RoiProject.objects.count() == 4
    tracked = RoiProject.objects.get(status="tracking")  # a newcomer sees tracking at work
    assert tracked.as_of_month == 6
    assert compute(project_case(tracked)).tracking.cost_variance == Decimal("5100")
    consultant = Membership.objects.filter(user__username="consultant@demo.example")
    assert consultant.count() == 2
    apogea = RoiProject.objects.get(name="CRM connecté à l’ERP")
    assert apogea.line_items.count() == 9
    assert not apogea.line_items.filter(subitem__isnull=True).exists()  # each answers an item
    assert apogea.roi_percent == Decimal("22.22")
