"""The page "Dossier en préparation" in Chromium: it polls (htmx, under the strict CSP), and
the file arrives by itself once a real worker has rendered it, without a reload."""

from __future__ import annotations

import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dossier_arrives_without_a_reload(browser, live_server, e2e_world, run_worker,
                                              width):
    project = e2e_world.project
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
    url = f"/projects/{project.pk}/dossier.pdf"
    page.goto(live_server.url + url)
    expect(page.get_by_role("heading", name="Dossier en préparation")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("En file d’attente")
    page.wait_for_timeout(1500)  # a few polls: still waiting, no worker yet
    expect(page.get_by_role("status")).to_contain_text("En file d’attente")
    violations = [v["id"] for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == []
    shot(page, f"preparing-{width}")
    with page.expect_download() as download_info:
        worker = threading.Thread(target=run_worker)
        worker.start()
        worker.join(timeout=120)
    download = download_info.value
    assert download.suggested_filename.endswith("-brouillon.pdf")
    with open(download.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    expect(page.get_by_role("status")).to_contain_text("Le fichier est prêt")
    assert page.url == live_server.url + url  # no reload: the same page, the file downloaded
    assert not [e for e in errors if "Permissions-Policy" not in e], errors
    context.close()
