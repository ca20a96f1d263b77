"""Long texts as a person (or a fuzzer) types them: nothing is cut without a word, and a
label of one long word never pushes a page or a table past the screen."""

from __future__ import annotations

import pytest

from roi.models import Client, Comment, LineItem, RoiProject
from roi.projects.services import project_refresh_figures
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

WORD = "Intégration" * 120  # 1 320 characters, not one space


def _widths(page) -> tuple[int, int]:
    """The page's width and its widest table's, in pixels."""
    return tuple(page.evaluate("""() => [
        document.documentElement.scrollWidth,
        Math.max(0, ...Array.from(document.querySelectorAll('table'),
                                   t => Math.round(t.getBoundingClientRect().width)))]"""))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_label_of_one_long_word_stays_on_screen(browser, live_server, e2e_world, width):
    """Every page that shows a label, a name or a comment is no wider with a 1 320-character
    word in them than with ordinary words (and, on a desktop screen, fits the window)."""
    project = e2e_world.project
    line = add_line(project, "cost", "software", "1000", "yearly", label="Licences",
                    assumption="Devis")
    gain = add_line(project, "gain", "productivity", "5000", "yearly", label="Relances")
    comment = Comment.objects.create(project=project, line=line,
                                     author=e2e_world.users["cfo"], body="Source ?")
    project_refresh_figures(project)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    login(page, "consultant@test.example", PASSWORD)
    pages = {
        "wizard": f"/projects/{project.pk}/wizard/costs-software/",
        "review": f"/projects/{project.pk}/review/",
        "project": f"/projects/{project.pk}/",
        "portfolio": "/portfolio/",
        "client": f"/clients/{e2e_world.client.pk}/",
        "workspace": "/workspace/",
        "history": f"/projects/{project.pk}/history/",
    }

    def measure(tag):
        widths = {}
        for name, path in pages.items():
            page.goto(live_server.url + path)
            shot(page, f"{tag}-{name}-{width}")
            widths[name] = _widths(page)
        return widths

    ordinary = measure("ordinary")
    RoiProject.objects.filter(pk=project.pk).update(name=WORD[:200], crm_solution=WORD[:200])
    Client.objects.filter(pk=e2e_world.client.pk).update(name=WORD[:200], sector=WORD[:200])
    LineItem.objects.filter(pk=line.pk).update(label=WORD[:200], assumption=WORD)
    LineItem.objects.filter(pk=gain.pk).update(label=WORD[:200])
    LineItem.objects.get(pk=line.pk).save()  # a history entry with the long label
    Comment.objects.filter(pk=comment.pk).update(body=WORD)
    long = measure("long-word")
    context.close()
    wider = {name: (ordinary[name], long[name]) for name in pages
             if long[name][0] > max(ordinary[name][0], width)
             or long[name][1] > max(ordinary[name][1], width)}
    assert not wider, wider
    if width >= 1280:
        assert all(page_width <= width and table <= width for page_width, table in long.values())


def test_a_pasted_label_over_the_limit_is_not_cut_and_gets_a_message(page, e2e_world):
    project = e2e_world.project
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    page.get_by_role("button", name="+ Ajouter une ligne").first.click()
    label = page.locator(".line-form input[name=label]")
    label.fill("x" * 190)
    counter = page.locator(".line-form .char-count")
    assert counter.inner_text() == "190 / 200"
    label.fill("Licences " + "y" * 241)  # 250 characters, pasted at once
    assert len(label.input_value()) == 250  # the browser did not cut it
    assert counter.inner_text() == "250 / 200"
    assert "text-danger" in counter.get_attribute("class")
    page.locator(".line-form input[name=amount]").fill("1000")
    page.get_by_role("button", name="Enregistrer la ligne").click()
    message = page.locator(".line-form .invalid-feedback").first
    message.wait_for()
    assert "au plus 200 caractères" in message.inner_text()
    assert len(page.locator(".line-form input[name=label]").input_value()) == 250
    shot(page, "label-over-the-limit")
    assert not LineItem.objects.filter(project=project).exists()
