"""Response headers: who may cache a page, the Content-Security-Policy, the Permissions-Policy.

Every URL of the access matrix, answered to a member allowed there, is ``private, no-store``
(pages, form posts and downloads alike); so is every other signed-in page and the invitation
page. The public landing page and the blank checklist stay cacheable.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from roi.models import Invitation, Role
from roi.tenancy.services import invitation_token
from tests.conftest import make_user
from tests.roi.test_access import MATRIX, call, url_for

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def assert_private(response, what: str) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, f"{what}: {response.get('Cache-Control')!r}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_tenant_url_is_private_no_store(client, world, name, mailoutbox):
    # The consultant may do everything, so every row answers 200 or 302, never an error page.
    client.force_login(world.users[Role.CONSULTANT])
    response = call(client, name, url_for(name, world))
    assert response.status_code in (200, 302)
    assert_private(response, name)


@pytest.mark.parametrize("url_name", ["roi:landing", "roi:workspace", "roi:portfolio",
                                      "roi:client_create", "password_change"])
def test_every_signed_in_page_is_private_no_store(client, world, url_name):
    client.force_login(world.users[Role.SALES_DIRECTOR])
    response = client.get(reverse(url_name))
    assert response.status_code in (200, 403)
    assert_private(response, url_name)


def test_the_invitation_page_is_private_before_signing_in(client, world):
    invitation = Invitation.objects.create(client=world.client, email="new@test.example",
                                           role=Role.VIEWER)
    page = client.get(reverse("invitation_accept", args=[invitation_token(invitation)]))
    assert page.status_code == 200 and "Durand Industrie" in page.content.decode()
    assert_private(page, "invitation")
    forged = client.get(reverse("invitation_accept", args=["forged-token"]))
    assert forged.status_code == 400
    assert_private(forged, "invalid invitation")


def test_public_pages_stay_cacheable(client, db):
    call_command("load_catalogue", stdout=io.StringIO())
    landing = client.get(reverse("roi:landing"))
    assert landing.status_code == 200
    assert "no-store" not in landing.get("Cache-Control", "")
    checklist = client.get(reverse("documents:checklist_blank"))
    assert checklist["Cache-Control"] == "public, max-age=3600"
    # Signed in, the public checklist is still the same public file.
    client.force_login(make_user("someone@test.example"))
    assert client.get(reverse("documents:checklist_blank"))["Cache-Control"] == (
        "public, max-age=3600")


def test_permissions_policy_turns_off_what_no_page_uses(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    for url in (reverse("roi:landing"), reverse("roi:workspace"),
                reverse("roi:project_detail", args=[world.project.pk]),
                reverse("documents:project_export", args=[world.project.pk])):
        policy = client.get(url)["Permissions-Policy"]
        features = dict(part.strip().split("=") for part in policy.split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (url, feature)
    client.logout()
    assert "camera=()" in client.get(reverse("login"))["Permissions-Policy"]


def test_content_security_policy_allows_only_our_own_files(client, world):
    client.force_login(world.users[Role.CONSULTANT])
    for url in (reverse("roi:landing"), reverse("roi:project_detail", args=[world.project.pk])):
        header = client.get(url)["Content-Security-Policy"]
        policy = {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "unsafe" not in header


def test_htmx_is_told_not_to_eval_nor_inject_a_style(client, db):
    body = client.get(reverse("roi:landing")).content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)[1])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False


def test_no_template_carries_an_inline_script_handler_or_style():
    """What the CSP would block in a browser, caught in every page template (the PDF
    templates are WeasyPrint's, not a browser's)."""
    offences = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "pdf":
            continue
        text = path.read_text()
        for pattern, what in ((r"<script(?![^>]*\bsrc=)[^>]*>", "inline script"),
                              (r"\son[a-z]+\s*=", "event handler attribute"),
                              (r"\sstyle\s*=", "style attribute"), (r"<style\b", "style element")):
            offences += [f"{path.relative_to(TEMPLATES)}: {what}"
                         for _ in re.finditer(pattern, text)]
    assert not offences
