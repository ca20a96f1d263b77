"""The portfolio's "Télécharger les dossiers" in Chromium: the button takes the current
filter, the page shows the progress (htmx, under the strict CSP), and the zip arrives by itself
once a real worker has built it, without a reload."""

from __future__ import annotations

import threading
import zipfile

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from roi.models import RoiProject
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_zip_of_the_filtered_dossiers_arrives_without_a_reload(
        browser, live_server, e2e_world, run_worker, width):
    second = RoiProject.objects.create(client=e2e_world.client, name="Portail client")
    RoiProject.objects.create(client=e2e_world.client, name="Hors filtre",
                              status="approved")
    for project in (e2e_world.project, second):
        add_line(project, "cost", "software", "12000", "yearly")
        add_line(project, "gain", "productivity", "30000", "yearly")
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "cfo@test.example", PASSWORD)
    page.goto(live_server.url + "/portfolio/?status=draft")
    shot(page, f"bundle-portfolio-{width}")
    page.get_by_role("button", name="Télécharger les dossiers").click()
    expect(page.get_by_role("heading", name="Dossiers en préparation")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("0 / 2 dossiers")
    expect(page.get_by_role("status")).to_contain_text("En file d’attente")
    bundle_url = page.url
    page.wait_for_timeout(1500)  # a few polls: still waiting, no worker yet
    expect(page.get_by_role("status")).to_contain_text("En file d’attente")
    violations = [v["id"] for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == []
    shot(page, f"bundle-preparing-{width}")
    with page.expect_download(timeout=120_000) as download_info:
        worker = threading.Thread(target=run_worker)
        worker.start()
        worker.join(timeout=120)
    download = download_info.value
    assert download.suggested_filename == "dossiers-codir.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = sorted(archive.namelist())
        assert names == ["durand-industrie-crm-connecte-a-lerp-brouillon.pdf",
                         "durand-industrie-portail-client-brouillon.pdf"]
        assert all(archive.read(name).startswith(b"%PDF") for name in names)
    expect(page.get_by_role("status")).to_contain_text("2 / 2 dossiers")
    expect(page.get_by_role("status")).to_contain_text("Le fichier est prêt")
    assert page.url == bundle_url  # no reload: the same page, the zip downloaded
    shot(page, f"bundle-done-{width}")
    assert not [e for e in errors if "Permissions-Policy" not in e], errors
    context.close()
