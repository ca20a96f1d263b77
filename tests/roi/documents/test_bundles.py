"""The portfolio's "Télécharger les dossiers": one zip of the filtered projects' dossiers,
built by a real worker with its progress, downloaded by its owner only."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from roi.documents.bundles import MAX_PROJECTS, member_name
from roi.models import BundleStatus, DossierBundle, ProjectStatus, RoiProject
from tests.conftest import add_line


def _lines(project: RoiProject) -> None:
    add_line(project, "cost", "software", "12000", "yearly")
    add_line(project, "gain", "productivity", "30000", "yearly")


def _ask(django_client, **filters):
    return django_client.post(reverse("documents:bundle_create"), filters)


@pytest.mark.django_db(transaction=True)
def test_a_worker_zips_the_dossiers_of_the_filter_and_only_the_owner_downloads_it(
        world, run_worker, client):
    second = RoiProject.objects.create(client=world.client, name="Portail client",
                                       created_by=world.users["consultant"])
    _lines(world.project)
    _lines(second)
    client.force_login(world.users["cfo"])
    response = _ask(client)
    bundle = DossierBundle.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("documents:bundle_detail", args=[bundle.pk])
    # The projects the cfo may view, fixed now: the outsider's project is not there.
    assert sorted(bundle.project_ids) == sorted([world.project.pk, second.pk])
    assert (bundle.user, bundle.total, bundle.status) == (world.users["cfo"], 2, "queued")
    page = client.get(response.url).content.decode()
    assert "Dossiers en préparation" in page and "0 / 2 dossiers" in page
    assert "En file d’attente" in page
    assert "<progress" in page and 'max="2" value="0"' in page
    # The zip link waits for the worker.
    zip_url = reverse("documents:bundle_zip", args=[bundle.pk])
    assert client.get(zip_url).url == response.url
    # A project created after the request is not in the zip.
    RoiProject.objects.create(client=world.client, name="Arrivé ensuite")

    run_worker()

    bundle.refresh_from_db()
    assert (bundle.status, bundle.done, bundle.total) == (BundleStatus.DONE, 2, 2)
    status = client.get(reverse("documents:bundle_status", args=[bundle.pk])).content.decode()
    assert f'data-download="{zip_url}"' in status and "2 / 2 dossiers" in status
    assert "hx-get" not in status  # the polling stops
    download = client.get(zip_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="dossiers-codir.zip"'
    assert download["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["durand-industrie-crm-connecte-a-lerp-brouillon.pdf",
                                          "durand-industrie-portail-client-brouillon.pdf"]
    for name in archive.namelist():
        content = archive.read(name)
        assert content.startswith(b"%PDF")
        assert len(PdfReader(io.BytesIO(content)).pages) >= 1
    # The dossiers went through the cache: the same bytes as the project's own download.
    single = client.get(reverse("documents:project_dossier", args=[second.pk]))
    assert single["Content-Type"] == "application/pdf"
    assert single.content == archive.read("durand-industrie-portail-client-brouillon.pdf")

    # Anybody else, a member of the same client included, gets a 404.
    for other in ("consultant", "viewer", "outsider"):
        client.force_login(world.users[other])
        for name in ("bundle_zip", "bundle_status", "bundle_detail"):
            assert client.get(reverse(f"documents:{name}", args=[bundle.pk])).status_code == 404


@pytest.mark.django_db
def test_the_filter_is_honoured_and_nobody_gets_others_projects(world, client):
    second = RoiProject.objects.create(client=world.client, name="Portail client",
                                       status=ProjectStatus.APPROVED)
    client.force_login(world.users["viewer"])
    _ask(client, q="portail")
    assert DossierBundle.objects.get().project_ids == [second.pk]
    DossierBundle.objects.all().delete()
    _ask(client, status=ProjectStatus.DRAFT, client=str(world.client.pk))
    assert DossierBundle.objects.get().project_ids == [world.project.pk]
    DossierBundle.objects.all().delete()
    # Another client's id in the filter: nothing of theirs, a message, no bundle.
    response = _ask(client, client=str(world.other_client.pk))
    assert response.status_code == 302
    assert response.url == reverse("roi:portfolio") + f"?client={world.other_client.pk}"
    page = client.get(response.url).content.decode()
    assert "Aucun projet ne correspond au filtre" in page
    assert not DossierBundle.objects.exists()
    # The outsider's own zip holds only their client's project.
    client.force_login(world.users["outsider"])
    _ask(client)
    assert DossierBundle.objects.get().project_ids == [world.other_project.pk]


@pytest.mark.django_db
def test_too_many_projects_are_refused_with_a_clear_message(world, client):
    RoiProject.objects.bulk_create(RoiProject(client=world.client, name=f"Projet {i}")
                                   for i in range(MAX_PROJECTS + 1))
    client.force_login(world.users["consultant"])
    response = _ask(client, q="projet")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"Ce filtre retient plus de {MAX_PROJECTS} projets" in page
    assert "Affinez la recherche" in page
    assert not DossierBundle.objects.exists()
    # Narrowed to the cap, it is accepted.
    RoiProject.objects.filter(name="Projet 0").delete()
    _ask(client, q="projet")
    assert DossierBundle.objects.get().total == MAX_PROJECTS


@pytest.mark.django_db
def test_the_portfolio_button_carries_the_current_filter(world, client):
    client.force_login(world.users["consultant"])
    page = client.get(reverse("roi:portfolio"), {"q": "crm", "status": "draft"}).content.decode()
    assert "Télécharger les dossiers" in page
    assert f'action="{reverse("documents:bundle_create")}"' in page
    assert '<input type="hidden" name="q" value="crm">' in page
    assert '<input type="hidden" name="status" value="draft">' in page
    empty = client.get(reverse("roi:portfolio"), {"q": "introuvable"}).content.decode()
    assert "Télécharger les dossiers" not in empty


def test_file_names_inside_the_zip_are_unique():
    class Named:
        def __init__(self, client, name):
            self.client = type("C", (), {"name": client})()
            self.name = name

    taken: set[str] = set()
    names = [member_name(Named("Durand", "CRM"), "dossier-codir-crm-v2.pdf", taken),
             member_name(Named("Durand", "CRM"), "dossier-codir-crm-brouillon.pdf", taken),
             member_name(Named("Durand", "CRM"), "dossier-codir-crm-brouillon.pdf", taken),
             member_name(Named("Durand", "CRM!"), "dossier-codir-crm-brouillon.pdf", taken)]
    assert names == ["durand-crm-v2.pdf", "durand-crm-brouillon.pdf",
                     "durand-crm-brouillon-2.pdf", "durand-crm-brouillon-3.pdf"]
