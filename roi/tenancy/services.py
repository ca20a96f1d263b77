"""Writes of the tenancy domain: client workspaces, members and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roi.errors import ServiceError
from roi.mail import mail_after_commit
from roi.tenancy.models import Client, Invitation, Membership, Role

INVITATION_SALT = "roi.invitation"
User = get_user_model()

# Once accepted, a link is dead: a membership removed since must not come back through it.
ALREADY_ACCEPTED = gettext_lazy("Cette invitation a déjà été acceptée : ce lien ne sert plus. "
                     "Connectez-vous pour retrouver l’espace, ou demandez une nouvelle "
                     "invitation à son consultant.")


# --- clients and members -------------------------------------------------------------------

@transaction.atomic
def client_create(*, user, name: str, sector: str = "", headcount: int | None = None) -> Client:
    """Create a client workspace; its creator becomes its consultant."""
    client = Client(name=name, sector=sector, headcount=headcount)
    client.full_clean()
    client.save()
    Membership.objects.create(user=user, client=client, role=Role.CONSULTANT)
    return client


def client_update(*, client: Client, **fields) -> Client:
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    return client


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a signed link points at; ServiceError if forged, expired or revoked."""
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        raise ServiceError(_("Ce lien d’invitation a expiré. Demandez un nouvel envoi.")) from None
    except signing.BadSignature:
        raise ServiceError(_("Ce lien d’invitation n’est pas valide.")) from None
    invitation = (
        Invitation.objects.select_related("client").filter(pk=data.get("i")).first()
    )
    if invitation is None or invitation.email != data.get("e"):
        raise ServiceError(_("Cette invitation n’existe plus."))
    if invitation.accepted_at is not None:
        raise ServiceError(ALREADY_ACCEPTED)
    return invitation


@transaction.atomic
def invitation_create(*, client: Client, email: str, role: str, invited_by, base_url: str
                      ) -> Invitation:
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(client=client, user__email__iexact=email).exists():
        raise ServiceError(_("Cette personne est déjà membre de ce client."))
    invitation = (
        Invitation.objects.filter(client=client, email=email, accepted_at__isnull=True).first()
    )
    if invitation is None:
        invitation = Invitation(client=client, email=email, role=role, invited_by=invited_by)
    invitation.role = role
    invitation.invited_by = invited_by
    invitation.full_clean()
    invitation.save()
    invitation_send(invitation=invitation, base_url=base_url)
    return invitation


def invitation_send(*, invitation: Invitation, base_url: str) -> None:
    """(Re-)send the invitation email; each sending carries a fresh signed, expiring link."""
    link = base_url.rstrip("/") + reverse("invitation_accept", args=[invitation_token(invitation)])
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "inviter": (inviter.get_full_name() or inviter.email) if inviter else "ROI Checklist",
        "link": link,
        "days": settings.INVITATION_MAX_AGE_SECONDS // 86400,
    }
    mail_after_commit(
        subject=_("Invitation à rejoindre %(client)s sur ROI Checklist")
        % {"client": invitation.client.name},
        template="roi/email/invitation.txt", context=context, recipients=[invitation.email],
    )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, first_name: str = "",
                      last_name: str = "", password: str | None = None) -> Membership:
    """Accept an invitation, once: an accepted invitation is refused (ServiceError).

    ``user`` is the signed-in account joining the client: it must be the invited email's.
    Without ``user``, an account is created for the invited email with ``password`` (refused
    if one exists already: its owner signs in and joins).
    """
    invitation = (Invitation.objects.select_for_update().select_related("client")
                  .filter(pk=invitation.pk).first())
    if invitation is None:
        raise ServiceError(_("Cette invitation n’existe plus."))
    if invitation.accepted_at is not None:
        raise ServiceError(ALREADY_ACCEPTED)
    if user is not None:
        if (user.email or "").lower() != invitation.email.lower():
            raise ServiceError(
                _("Cette invitation est adressée à %(email)s : connectez-vous avec ce compte "
                  "pour la suivre.") % {"email": invitation.email})
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ServiceError(
                _("Un compte existe déjà pour %(email)s : connectez-vous pour rejoindre "
                  "l’espace.") % {"email": invitation.email})
        if not password:
            raise ServiceError(_("Choisissez un mot de passe."))
        user = User(username=invitation.email, email=invitation.email,
                    first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.save()
    membership, _created = Membership.objects.get_or_create(
        user=user, client=invitation.client, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
