"""Every main page as a person sees it, on a desktop (1280 px) and a phone (390 px).

On each page: no serious or critical accessibility violation (axe-core), no Content-Security-
Policy violation and no console error (the CSP really holds: no inline script or style, htmx
without eval), and on the phone nothing wider than the screen. Then the phone's own promises:
the wizard's navigation folds into a button that opens from the keyboard, a line's total and
actions are in view, the charts' text stays readable; and htmx's swaps work under the CSP.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from checklist.catalogue.models import SubItem
from roi.models import Comment, Invitation, LineItem, Role
from roi.projects.services import project_refresh_figures
from roi.tenancy.services import invitation_token
from tests.conftest import PASSWORD, add_line
from tests.e2e.conftest import login, shot

pytestmark = pytest.mark.browser

DESKTOP, PHONE = 1280, 390
AXE = Axe()

# Installed before any page script: every CSP violation of the document is kept.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`);
});
"""

# Elements that stick out of the viewport, unless a scrolling box of theirs holds them.
OVERFLOW = """
() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit) continue;
    let held = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") { held = true; break; }
    }
    if (!held) out.push(`${el.tagName.toLowerCase()}.${el.className} → ${Math.round(box.right)}`);
  }
  return out.slice(0, 5);
}
"""

# The smallest rendered size (px) of the text of the charts shown.
CHART_TEXT = """
() => {
  const sizes = [];
  for (const svg of document.querySelectorAll(".chart svg")) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const scale = box.width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
    }
  }
  return sizes.length ? Math.min(...sizes) : null;
}
"""


def new_page(browser, live_server, width: int):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.base_url = live_server.url
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def problems(page, width: int) -> list[str]:
    """What is wrong with the page as it stands (an empty list when nothing is)."""
    found = []
    # Audit the page at rest: the pointer off every control and no colour transition
    # half-way (axe would read a hover fade's intermediate colour as the page's).
    page.mouse.move(0, 0)
    page.wait_for_function("() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')")
    for violation in AXE.run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    found += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations")]
    expected = getattr(page, "expected_status", None)
    found += [f"console: {e}" for e in page.errors
              if not (expected and f"responded with a status of {expected}" in e)]
    page.errors.clear()
    page.expected_status = None
    if width == PHONE:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE:
            found.append(f"page {scroll_width} px wide")
        found += [f"sticks out: {e}" for e in page.evaluate(OVERFLOW)]
    return found


def walk(page, width: int, pages: list[tuple[str, Callable]], prefix: str) -> None:
    failures = []
    for name, open_page in pages:
        open_page(page)
        page.wait_for_load_state("load")
        failures += [f"{name} @ {width}: {p}" for p in problems(page, width)]
        shot(page, f"{prefix}-{name}-{width}")
    assert not failures, "\n".join(failures)


def goto(path: str, status: int = 200) -> Callable:
    def open_page(page):
        response = page.goto(page.base_url + path)
        assert response.status == status, (path, response.status)
        # The browser logs an error status; it is the one this page is meant to answer.
        page.expected_status = status if status != 200 else None
    return open_page


def then_click(path: str, button: str, wait_for: str = "form.line-form") -> Callable:
    """Open a page, press one of its htmx buttons, wait for what it swaps in."""
    def open_page(page):
        page.goto(page.base_url + path)
        page.get_by_role("button", name=re.compile(button)).first.click()
        page.locator(wait_for).first.wait_for()
    return open_page


@pytest.fixture
def filled(e2e_world):
    """The world's project with lines under their sub-items, a risk-adjusted gain, a comment,
    a pending invitation: every block of every page has something to show."""
    project = e2e_world.project
    project.crm_solution, project.users_count, project.horizon_months = (
        "Salesforce Sales Cloud", 25, 12)
    project.save()

    def subitem(code):
        return SubItem.objects.get(post__catalogue=project.catalogue, code=code)

    add_line(project, "cost", "software", "12000", "yearly", subitem=subitem(
        "software.subscription"), label="Abonnement annuel 25 utilisateurs",
        assumption="Devis éditeur du 12 mars, 25 licences Enterprise à 40 € par mois")
    add_line(project, "cost", "integration", "18000", "once", subitem=subitem(
        "integration.configuration"), label="Intégration, paramétrage, connecteurs ERP")
    add_line(project, "gain", "productivity", "1500", "yearly", quantity=Decimal(12),
             confidence=Decimal("0.8"), subitem=subitem("productivity.manual_tasks"),
             label="Relances automatisées, tâches manuelles supprimées")
    add_line(project, "gain", "conversion", "22000", "yearly", label="Taux de transformation")
    project_refresh_figures(project)
    line = LineItem.objects.filter(project=project).first()
    Comment.objects.create(project=project, line=line, author=e2e_world.users["cfo"],
                           line_label=line.label, body="D’où vient ce devis ?")
    Comment.objects.create(project=project, author=e2e_world.users["cfo"], body="Bien lisible.")
    Invitation.objects.create(client=e2e_world.client, email="attente@test.example",
                              role=Role.VIEWER)
    return e2e_world


def consultant_pages(world) -> list[tuple[str, Callable]]:
    p, c = f"/projects/{world.project.pk}", f"/clients/{world.client.pk}"
    wizard = p + "/wizard"
    return [
        ("workspace", goto("/workspace/")),
        ("client", goto(c + "/")),
        ("portfolio", goto("/portfolio/")),
        ("project", goto(p + "/")),
        ("step-context", goto(wizard + "/context/")),
        ("step-costs", goto(wizard + "/costs-software/")),
        ("step-gains", goto(wizard + "/gains-productivity/")),
        ("step-benefits", goto(wizard + "/benefits/")),
        ("step-kpis", goto(wizard + "/kpis/")),
        ("step-summary", goto(wizard + "/summary/")),
        ("line-form-new", then_click(wizard + "/costs-software/", "Ajouter une ligne")),
        ("line-form-edit", then_click(wizard + "/costs-software/", "^Modifier")),
        ("quantify-form", then_click(wizard + "/gains-productivity/", "Assistant")),
        ("review", goto(p + "/review/")),
        ("history", goto(p + "/history/")),
        ("project-edit", goto(p + "/edit/")),
        ("project-new", goto(c + "/projects/new/")),
        ("project-duplicate", goto(p + "/duplicate/")),
        ("project-delete", goto(p + "/delete/")),
        ("import", goto(c + "/import/")),
        ("invitation-form", goto(c + "/invitations/new/")),
        ("client-form", goto(c + "/edit/")),
        ("password-change", goto("/accounts/password/change/")),
    ]


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_public_pages(browser, live_server, filled, width):
    invitation = Invitation.objects.get(email="attente@test.example")
    page = new_page(browser, live_server, width)
    walk(page, width, [
        ("landing", goto("/")),
        ("login", goto("/accounts/login/")),
        ("password-reset", goto("/accounts/password/reset/")),
        ("invitation", goto(f"/accounts/invitations/{invitation_token(invitation)}/")),
        ("invitation-invalid", goto("/accounts/invitations/forged/", status=400)),
    ], "public")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_consultant_pages(browser, live_server, filled, width):
    page = new_page(browser, live_server, width)
    login(page, "consultant@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    walk(page, width, consultant_pages(filled), "consultant")


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_cfo_pages_of_a_submitted_project(browser, live_server, filled, width):
    project = filled.project
    project.status = "submitted"
    project.save()
    page = new_page(browser, live_server, width)
    login(page, "cfo@test.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    p = f"/projects/{project.pk}"
    walk(page, width, [
        ("review", goto(p + "/review/")),
        ("review-comment-form", then_click(p + "/review/", "^Commenter",
                                           wait_for="textarea[autofocus]")),
        ("project", goto(p + "/")),
        ("step-costs-read-only", goto(p + "/wizard/costs-software/")),
        ("step-context-read-only", goto(p + "/wizard/context/")),
    ], "cfo")
    expect(page.get_by_text("Lecture seule")).to_be_visible()


def test_the_watch_sees_a_violation_when_there_is_one(browser, live_server, filled):
    """The CSP checks above can fail: an inline script and an inline style are refused and
    reported."""
    page = new_page(browser, live_server, DESKTOP)
    page.goto(page.base_url + "/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
    }""")
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert page.evaluate("window.ran") is None
    found = problems(page, DESKTOP)
    assert any("CSP: script-src-elem" in p for p in found)
    assert any("CSP: style-src-attr" in p for p in found)


def test_on_a_phone_the_wizard_navigation_folds_and_opens_from_the_keyboard(
        browser, live_server, filled):
    project = filled.project
    page = new_page(browser, live_server, PHONE)
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    steps = page.locator("#wizard-steps")
    toggle = page.locator("button[aria-controls='wizard-steps']")
    expect(steps).to_be_hidden()
    expect(toggle).to_contain_text("Coûts")
    expect(toggle).to_contain_text("étape 2 sur 6")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(steps).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(steps.get_by_role("link", name=re.compile("Gains"))).to_be_visible()
    # The posts fold the same way, and a post opens from the list.
    posts = page.locator("#post-nav-list")
    post_toggle = page.locator("button[aria-controls='post-nav-list']")
    expect(posts).to_be_hidden()
    expect(post_toggle).to_contain_text("1. Logiciel CRM")
    post_toggle.focus()
    page.keyboard.press("Space")
    expect(posts).to_be_visible()
    shot(page, "phone-wizard-navigation-open")
    posts.get_by_role("link", name=re.compile("Intégration")).click()
    expect(page).to_have_url(re.compile(r"/wizard/costs-integration/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    # On a desktop both lists are simply there, without a button.
    desktop = new_page(browser, live_server, DESKTOP)
    login(desktop, "sales_director@test.example", PASSWORD)
    desktop.goto(desktop.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    expect(desktop.locator("#wizard-steps")).to_be_visible()
    expect(desktop.locator("#post-nav-list")).to_be_visible()
    expect(desktop.locator("button[aria-controls='wizard-steps']")).to_be_hidden()


def test_on_a_phone_a_line_shows_its_total_and_actions_without_sideways_scrolling(
        browser, live_server, filled):
    project = filled.project
    page = new_page(browser, live_server, PHONE)
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/gains-productivity/")
    row = page.get_by_test_id("line-row").first
    for part in (row.locator("td.fw-semibold"), row.get_by_role("button", name=re.compile(
            "^Modifier")), row.get_by_role("button", name=re.compile("^Supprimer"))):
        expect(part).to_be_visible()
        box = part.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE, box
    # Each figure is labelled on the card (drawn by CSS from data-label).
    labels = row.locator("td[data-label]").evaluate_all(
        "cells => cells.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ['"Montant" / ""', '"Récurrence" / ""', '"Mois" / ""',
                      '"Confiance" / ""', '"Total 12 mois" / ""']
    expect(row).to_contain_text("1\u202f500,00\u00a0€ × 12")
    expect(row).to_contain_text("14\u202f400,00\u00a0€")  # 1 500 × 12 a year, × 80 %
    expect(row).to_contain_text("brut 18\u202f000,00\u00a0€")
    shot(page, "phone-line-card")


@pytest.mark.parametrize(("width", "smallest"), [(PHONE, 9.5), (DESKTOP, 9)])
def test_chart_text_stays_readable(browser, live_server, filled, width, smallest):
    """The wide charts on a phone drew their text about 4–5 px high; the compact ones are
    shown there instead, and every text stays inside its chart."""
    page = new_page(browser, live_server, width)
    login(page, "consultant@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{filled.project.pk}/")
    assert page.evaluate(CHART_TEXT) >= smallest
    outside = page.evaluate("""() => [...document.querySelectorAll(".chart svg")]
        .filter((svg) => svg.getBoundingClientRect().width > 0)
        .flatMap((svg) => [...svg.querySelectorAll("text")].filter((t) => {
            const box = t.getBBox();
            return box.x < -1 || box.x + box.width > svg.viewBox.baseVal.width + 1;
        }).map((t) => t.textContent))""")
    assert outside == []
    if width == PHONE:
        assert page.locator(".chart svg.roi-chart-compact:visible").count() == 3
        assert page.locator(".chart svg.roi-chart-wide:visible").count() == 0


def test_htmx_swaps_work_under_the_csp(browser, live_server, filled):
    project = filled.project
    page = new_page(browser, live_server, PHONE)
    login(page, "sales_director@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/wizard/costs-software/")
    # Add a line (htmx GET of the form, htmx POST of the line, the block swapped back).
    page.locator("article.subitem").nth(1).get_by_role("button", name="Ajouter une ligne").click()
    form = page.locator("form.line-form")
    form.get_by_label("Libellé").fill("Module marketing")
    form.get_by_label("Montant unitaire").fill("2 400")
    form.get_by_label("Récurrence").select_option("yearly")
    form.get_by_role("button", name="Enregistrer la ligne").click()
    expect(page.locator(".flash")).to_have_text("Ligne ajoutée.")
    expect(page.get_by_test_id("post-total")).to_have_text("14\u202f400,00\u00a0€")
    # Mark a sub-item not applicable (htmx on change), then delete a line (hx-confirm).
    page.locator("article.subitem").nth(2).get_by_label("Non applicable").check()
    expect(page.locator("article.subitem").nth(2)).to_contain_text("Non applicable")
    expect(page.get_by_label("Pourquoi ?")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Supprimer « Module marketing »").click()
    expect(page.get_by_test_id("post-total")).to_have_text("12\u202f000,00\u00a0€")
    assert not LineItem.objects.filter(label="Module marketing").exists()
    assert problems(page, PHONE) == []


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_long_review_pages_its_lines_and_comments_from_the_keyboard(
        browser, live_server, filled, width):
    """150 lines: the review shows them by pages (axe-clean, nothing sticking out), a page
    is reached from the keyboard, and a line's comment form comes on demand, focused."""
    project = filled.project
    LineItem.objects.bulk_create(
        LineItem(project=project, kind="gain", category="productivity", position=10 + i,
                 label=f"Gain d’équipe {i}", amount=Decimal("300"), recurrence="yearly",
                 assumption="Mesuré sur 3 mois") for i in range(146))
    project_refresh_figures(project)
    page = new_page(browser, live_server, width)
    login(page, "cfo@test.example", PASSWORD)
    page.goto(page.base_url + f"/projects/{project.pk}/review/")
    expect(page.get_by_test_id("line-range")).to_have_text("Lignes 1 à 100 sur 150")
    expect(page.get_by_test_id("review-line")).to_have_count(100)
    assert problems(page, width) == []
    shot(page, f"review-long-{width}")
    # The second page, from the keyboard.
    page.get_by_role("navigation", name="Pages des lignes", exact=True).get_by_role(
        "link", name="101–150").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("line-range")).to_have_text("Lignes 101 à 150 sur 150")
    line = page.locator("article", has_text="Gain d’équipe 140")
    line.get_by_role("button", name="Commenter").focus()
    page.keyboard.press("Enter")
    box = line.get_by_label("Votre commentaire")
    expect(box).to_be_focused()
    page.keyboard.type("Sur quelle équipe ?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Commentaire ajouté.")).to_be_visible()
    # Back on the line's page, its thread shown; that page's open comment in the navigation.
    line = page.locator("article", has_text="Gain d’équipe 140")
    expect(line).to_contain_text("Sur quelle équipe ?")
    expect(page.get_by_test_id("line-range")).to_have_text("Lignes 101 à 150 sur 150")
    expect(page.get_by_test_id("line-pages").first.get_by_role(
        "link", name="101–150")).to_contain_text("1 commentaire à traiter")
    line.get_by_role("button", name="Répondre").click()
    expect(line.get_by_placeholder("Répondre…")).to_be_focused()
    assert problems(page, width) == []
    shot(page, f"review-long-comment-{width}")
