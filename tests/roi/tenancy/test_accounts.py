"""Login, logout, password change and reset, brute-force lock-out, language switch."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, run_jobs_in_this_transaction


def test_login_lands_in_workspace(client, world):
    response = client.post(reverse("login"), {"username": "consultant@test.example",
                                              "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("roi:workspace")
    assert "Durand Industrie" in response.content.decode()


def test_login_is_case_insensitive_on_email(client, world):
    response = client.post(reverse("login"), {"username": "  Consultant@Test.example ",
                                              "password": PASSWORD})
    assert response.status_code == 302


def test_bad_password_is_refused_in_french(client, world):
    response = client.post(reverse("login"), {"username": "consultant@test.example",
                                              "password": "wrong"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_brute_force_locks_the_pair_out(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "cfo@test.example", "password": "wrong"})
    # Even the right password is refused now, with a page that says why.
    response = client.post(reverse("login"), {"username": "cfo@test.example",
                                              "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, world):
    client.force_login(world.users["viewer"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("roi:workspace")).status_code == 302


def test_password_change(client, world):
    client.force_login(world.users["viewer"])
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "another-Long-passphrase-77",
        "new_password2": "another-Long-passphrase-77"})
    assert response.status_code == 302
    world.users["viewer"].refresh_from_db()
    assert world.users["viewer"].check_password("another-Long-passphrase-77")


def test_password_reset_does_not_reveal_accounts(client, world, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": "viewer@test.example"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@test.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert mailoutbox == []  # queued: a worker sends it
    assert run_jobs_in_this_transaction() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["viewer@test.example"]


def test_password_reset_link_sets_a_new_password(client, world, mailoutbox):
    client.post(reverse("password_reset"), {"email": "viewer@test.example"})
    run_jobs_in_this_transaction()
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "brand-New-passphrase-91",
                                      "new_password2": "brand-New-passphrase-91"})
    assert response.status_code == 302
    world.users["viewer"].refresh_from_db()
    assert world.users["viewer"].check_password("brand-New-passphrase-91")


@pytest.mark.parametrize("language,text", [("fr", "Mon espace"), ("en", "My workspace")])
def test_language_switch(client, world, language, text):
    client.force_login(world.users["viewer"])
    client.post(reverse("set_language"), {"language": language, "next": "/workspace/"})
    assert text in client.get(reverse("roi:workspace")).content.decode()
