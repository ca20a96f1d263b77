"""A request that fails gets a page in the user's language: 503 with Retry-After while the
database cannot be reached (config/errors.py), 500 otherwise; never Django's bare page."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["consultant"])
    return client


def fail_session_load(monkeypatch, error: Exception) -> None:
    """The first database read of a signed-in page (its session) fails as given."""
    def load(self):
        raise error
    monkeypatch.setattr(SessionStore, "load", load)


def test_a_database_outage_is_a_503_that_says_to_try_again(signed_in, monkeypatch):
    fail_session_load(monkeypatch, OperationalError("connection refused: the server is restarting"))
    response = signed_in.get("/workspace/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "Rien de ce qui était enregistré n’est perdu" in page
    assert "connection refused" not in page and "Traceback" not in page


def test_the_outage_page_follows_the_users_language(signed_in, monkeypatch):
    fail_session_load(monkeypatch, OperationalError("down"))
    response = signed_in.get("/workspace/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_a_write_during_an_outage_is_a_503_too(signed_in, world, monkeypatch):
    fail_session_load(monkeypatch, OperationalError("down"))
    response = signed_in.post(f"/projects/{world.project.pk}/wizard/costs-software/lines/new/",
                              {"label": "x", "amount": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 503


def test_any_other_failure_is_a_500_page_of_ours(signed_in, monkeypatch):
    fail_session_load(monkeypatch, RuntimeError("a bug"))
    response = signed_in.get("/workspace/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "Une erreur est survenue" in page and "a bug" not in page
