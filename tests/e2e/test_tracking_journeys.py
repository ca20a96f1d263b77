"""Tracking in a real browser: the pages on a desktop and a phone (axe, CSP, console, width),
then an editor types six months of actuals with the keyboard, pastes a column copied from a
spreadsheet, saves, and records the 3-month review."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roi.models import LineActual, LineItem, TrackingReview
from roi.projects.services import project_refresh_figures
from roi.review import services as review
from roi.tracking import services as tracking
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot
from tests.e2e.test_pages_a11y import DESKTOP, PHONE, goto, new_page, walk

pytestmark = pytest.mark.browser


@pytest.fixture
def tracked_world(e2e_world):
    """The world's project: Apogea's lines, approved v1, in tracking since 1 January 2026
    with six closed months and no actual yet."""
    project = e2e_world.project
    for kind, category, amount, recurrence, label in [
        ("cost", "software", "12000", "yearly", "Abonnement CRM annuel"),
        ("cost", "integration", "18000", "once", "Intégration et connecteurs ERP"),
        ("cost", "support", "3000", "yearly", "Support et TMA"),
        ("gain", "productivity", "18000", "yearly", "Gain de temps des commerciaux"),
        ("gain", "conversion", "22000", "yearly", "Taux de transformation"),
    ]:
        add_line(project, kind, category, amount, recurrence, label=label)
    project_refresh_figures(project)
    users = e2e_world.users
    review.project_submit(project=project, user=users["consultant"], link="/",
                          confirm_incomplete=True)
    review.project_approve(project=project, user=users["cfo"], link="/",
                           confirm_incomplete=True)
    tracking.tracking_start(project=project, user=users["consultant"],
                            go_live_date=datetime.date(2026, 1, 1), as_of_month=6)
    return e2e_world


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_tracking_pages(browser, live_server, tracked_world, width):
    project = tracked_world.project
    line = LineItem.objects.get(project=project, category="integration")
    tracking.actuals_save(project=project, user=tracked_world.users["consultant"],
                          values={(line.pk, 1): Decimal("21500")})
    page = new_page(browser, live_server, width)
    login(page, "consultant@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    p = f"/projects/{project.pk}"
    walk(page, width, [
        ("project", goto(p + "/")),
        ("tracking", goto(p + "/tracking/")),
        ("actuals", goto(p + "/tracking/actuals/")),
        ("review", goto(p + "/tracking/review/")),
    ], "tracking")
    page = new_page(browser, live_server, width)
    login(page, "cfo@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    walk(page, width, [("tracking", goto(p + "/tracking/")),
                       ("actuals", goto(p + "/tracking/actuals/"))], "tracking-cfo")


PASTE = """([selector, text]) => {
  const input = document.querySelector(selector);
  input.focus();
  const data = new DataTransfer();
  data.setData("text/plain", text);
  input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                   cancelable: true}));
}"""


def test_six_months_by_keyboard_a_pasted_column_and_a_review(browser, live_server,
                                                             tracked_world):
    project = tracked_world.project
    software = LineItem.objects.get(project=project, category="software")
    productivity = LineItem.objects.get(project=project, category="productivity")
    conversion = LineItem.objects.get(project=project, category="conversion")
    page = new_page(browser, live_server, DESKTOP)
    login(page, "sales_director@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    page.get_by_test_id("tracking-link").click()
    page.get_by_test_id("actuals-link").click()
    expect(page.get_by_test_id("missing-count")).to_have_text(re.compile("^2[0-9] réels"))
    before = page.get_by_test_id("missing-count").inner_text()

    # Six months of the software line, French numbers, moving right with the arrow key.
    page.locator(f"#a-{software.pk}-1").click()
    for amount in ["1 000", "1 000", "1 050,50", "1 000", "980", "1 000"]:
        page.keyboard.type(amount)
        page.keyboard.press("ArrowRight")
    expect(page.locator(f"#a-{software.pk}-6")).to_be_focused()
    # Enter moves down the month's column: the next line's month 6.
    page.keyboard.press("Enter")
    expect(page.locator(f"#a-{software.pk}-6")).not_to_be_focused()
    expect(page.get_by_test_id("missing-count")).not_to_have_text(before)

    # A column of a spreadsheet pasted into the productivity line's month 1 fills its row
    # downwards: productivity then conversion (the next gain line) for month 1.
    page.evaluate(PASTE, [f"#a-{productivity.pk}-1", "1 200,00\n1 500\n"])
    expect(page.locator(f"#a-{productivity.pk}-1")).to_have_value("1 200,00")
    expect(page.locator(f"#a-{conversion.pk}-1")).to_have_value("1 500")
    # A block (tabs between months) fills rightwards too.
    page.evaluate(PASTE, [f"#a-{productivity.pk}-2", "1 300\t1 400\n1 600\t1 700"])
    expect(page.locator(f"#a-{conversion.pk}-3")).to_have_value("1 700")
    shot(page, "journey-grid-typed")
    page.get_by_test_id("save-actuals").click()
    expect(page.get_by_text("Réels enregistrés")).to_be_visible()

    stored = {(a.line_id, a.month): a.amount for a in LineActual.objects.all()}
    assert [stored[(software.pk, m)] for m in range(1, 7)] == [
        Decimal("1000"), Decimal("1000"), Decimal("1050.50"), Decimal("1000"),
        Decimal("980"), Decimal("1000")]
    assert stored[(productivity.pk, 1)] == Decimal("1200")
    assert stored[(conversion.pk, 1)] == Decimal("1500")
    assert stored[(productivity.pk, 3)] == Decimal("1400")
    assert stored[(conversion.pk, 3)] == Decimal("1700")
    # What was saved is shown back the French way.
    expect(page.locator(f"#a-{software.pk}-3")).to_have_value("1050,5")

    # A bad cell: a French message, every value kept, nothing saved.
    page.locator(f"#a-{software.pk}-2").fill("mille")
    page.get_by_test_id("save-actuals").click()
    expect(page.get_by_test_id("grid-errors")).to_be_visible()
    expect(page.locator(f"#a-{software.pk}-2")).to_have_value("mille")
    expect(page.locator(f"#a-{software.pk}-3")).to_have_value("1050,5")
    page.locator(f"#a-{software.pk}-2").fill("1 000")
    page.get_by_test_id("save-actuals").click()
    expect(page.get_by_text("Réels enregistrés")).to_be_visible()

    # The 3-month review, with a corrective action owned by a member.
    page.goto(f"{page.base_url}/projects/{project.pk}/tracking/")
    expect(page.get_by_test_id("reforecast-roi")).to_be_visible()
    page.get_by_test_id("review-link").click()
    page.get_by_label("Date de la revue").fill("2026-04-02")
    page.get_by_label("Actions correctives").check()
    page.get_by_label("Commentaire").fill("Les gains arrivent plus lentement que prévu.")
    page.get_by_label("Action 1", exact=True).fill("Deux ateliers d’adoption par équipe")
    page.get_by_label("Responsable de l’action 1").select_option(label="Directeur commercial")
    page.get_by_role("button", name="Enregistrer la revue").click()
    expect(page.get_by_text("Revue à 3 mois enregistrée")).to_be_visible()
    expect(page.get_by_test_id("milestones")).to_contain_text("Bilan à 3 mois (PDF)")
    shot(page, "journey-tracking-after-review")
    saved = TrackingReview.objects.get()
    assert saved.decision == "corrective" and saved.actions.get().owner.role == "sales_director"
