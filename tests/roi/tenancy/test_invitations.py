"""Invitations: signed, expiring links; re-sending works; accepting twice is harmless."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse

from roi.errors import ServiceError
from roi.models import Invitation, Membership, Role
from roi.tenancy import services


def invite(client, world, mailoutbox, email="nouvelle.daf@test.example", role="cfo", *,
           committed):
    client.force_login(world.users["consultant"])
    response = committed(client.post, reverse("roi:invitation_create", args=[world.client.pk]),
                         {"email": email, "role": role})
    assert response.status_code == 302
    return re.search(r"https?://[^/]+(/accounts/invitations/\S+/)", mailoutbox[-1].body).group(1)


def test_invitee_sets_password_and_joins_with_role(client, world, mailoutbox, committed):
    link = invite(client, world, mailoutbox, committed=committed)
    assert "Durand Industrie" in mailoutbox[0].subject
    client.logout()
    page = client.get(link)
    assert "nouvelle.daf@test.example" in page.content.decode()
    response = client.post(link, {"first_name": "Nina", "last_name": "Roy",
                                  "password1": "Un-mot-de-passe-solide-2026",
                                  "password2": "Un-mot-de-passe-solide-2026"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nouvelle.daf@test.example")
    assert membership.role == Role.CFO and membership.client == world.client
    # Logged in straight away, and the client is in the workspace.
    assert "Durand Industrie" in client.get(reverse("roi:workspace")).content.decode()


def test_weak_password_is_refused_and_form_kept(client, world, mailoutbox, committed):
    link = invite(client, world, mailoutbox, committed=committed)
    client.logout()
    response = client.post(link, {"first_name": "Nina", "last_name": "Roy",
                                  "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "Nina" in response.content.decode()
    assert not Membership.objects.filter(user__email="nouvelle.daf@test.example").exists()


def test_an_accepted_link_is_dead(client, world, mailoutbox, committed):
    link = invite(client, world, mailoutbox, committed=committed)
    client.logout()
    data = {"password1": "Un-mot-de-passe-solide-2026", "password2": "Un-mot-de-passe-solide-2026"}
    assert client.post(link, data).status_code == 302
    membership = Membership.objects.get(user__email="nouvelle.daf@test.example")
    client.logout()
    second = client.get(link)
    assert second.status_code == 400 and "déjà été acceptée" in second.content.decode()
    # The consultant removes the member: the old link must not bring the membership back,
    # neither opened anonymously nor by the member signed in (GET or POST).
    membership.delete()
    assert client.post(link, data).status_code == 400
    client.force_login(membership.user)
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    assert not Membership.objects.filter(user__email="nouvelle.daf@test.example").exists()


def test_an_accepted_link_whose_account_changed_email_gets_a_clear_page(
        client, world, mailoutbox, committed):
    link = invite(client, world, mailoutbox, committed=committed)
    client.logout()
    client.post(link, {"password1": "Un-mot-de-passe-solide-2026",
                       "password2": "Un-mot-de-passe-solide-2026"})
    user = Membership.objects.get(user__email="nouvelle.daf@test.example").user
    user.email = user.username = "nina.roy@test.example"
    user.save()
    client.logout()
    for response in (client.get(link), client.post(link, {})):
        assert response.status_code == 400
        assert "déjà été acceptée" in response.content.decode()


def test_resend_sends_a_new_working_link(client, world, mailoutbox, committed):
    invite(client, world, mailoutbox, committed=committed)
    invitation = Invitation.objects.get(email="nouvelle.daf@test.example")
    committed(client.post, reverse("roi:invitation_resend", args=[world.client.pk,
                                                                   invitation.pk]))
    assert len(mailoutbox) == 2
    link = re.search(r"(/accounts/invitations/\S+/)", mailoutbox[1].body).group(1)
    client.logout()
    assert client.get(link).status_code == 200
    # Re-inviting the same address updates the pending invitation instead of duplicating it.
    client.force_login(world.users["consultant"])
    client.post(reverse("roi:invitation_create", args=[world.client.pk]),
                {"email": "nouvelle.daf@test.example", "role": "viewer"})
    assert Invitation.objects.filter(email="nouvelle.daf@test.example").count() == 1


def test_expired_or_forged_links_are_refused(client, world, settings):
    invitation = Invitation.objects.create(client=world.client, email="x@test.example",
                                           role=Role.VIEWER)
    token = services.invitation_token(invitation)
    settings.INVITATION_MAX_AGE_SECONDS = -1
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 400 and "expiré" in response.content.decode()
    settings.INVITATION_MAX_AGE_SECONDS = 3600
    forged = signing.dumps({"i": invitation.pk, "e": "x@test.example"}, salt="other")
    response = client.get(reverse("invitation_accept", args=[forged]))
    assert response.status_code == 400 and "pas valide" in response.content.decode()


def test_existing_user_signs_in_then_confirms_with_a_post(client, world, mailoutbox,
                                                           committed):
    link = invite(client, world, mailoutbox, email="outsider@test.example", role="viewer",
                  committed=committed)
    client.logout()
    # Anonymous: sent to the login page, back to the link afterwards; nothing joined.
    response = client.get(link)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "next=" in response.url
    assert not Membership.objects.filter(user=world.users["outsider"],
                                         client=world.client).exists()
    # Signed in: a GET only asks to confirm.
    client.force_login(world.users["outsider"])
    page = client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "outsider@test.example" in body and 'method="post"' in body
    assert not Membership.objects.filter(user=world.users["outsider"],
                                         client=world.client).exists()
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("roi:client_detail", args=[world.client.pk])
    assert Membership.objects.get(user=world.users["outsider"], client=world.client).role == "viewer"
    assert Invitation.objects.get(email="outsider@test.example").accepted_at is not None


def test_only_the_invited_account_may_join(client, world, mailoutbox, committed):
    link = invite(client, world, mailoutbox, email="outsider@test.example", role="viewer",
                  committed=committed)
    client.force_login(world.users["cfo"])
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert "adressée à outsider@test.example" in response.content.decode()
    assert not Membership.objects.filter(user=world.users["outsider"],
                                         client=world.client).exists()
    invitation = Invitation.objects.get(email="outsider@test.example")
    assert invitation.accepted_at is None
    # The service says the same to any other caller.
    with pytest.raises(ServiceError, match="adressée à"):
        services.invitation_accept(invitation=invitation, user=world.users["cfo"])


def test_the_account_form_is_refused_when_the_account_exists(world):
    invitation = Invitation.objects.create(client=world.client, email="outsider@test.example",
                                           role=Role.VIEWER)
    with pytest.raises(ServiceError, match="existe déjà"):
        services.invitation_accept(invitation=invitation, password="Un-mot-de-passe-2026")
    assert not Membership.objects.filter(user=world.users["outsider"],
                                         client=world.client).exists()


def test_inviting_a_member_again_is_refused(client, world, mailoutbox):
    client.force_login(world.users["consultant"])
    response = client.post(reverse("roi:invitation_create", args=[world.client.pk]),
                           {"email": "cfo@test.example", "role": "viewer"})
    assert response.status_code == 200
    assert "déjà membre" in response.content.decode()
    assert mailoutbox == []
