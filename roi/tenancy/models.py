"""Client workspaces, their members and roles, and invitations to join them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Consultant")
    SALES_DIRECTOR = "sales_director", _("Directeur commercial")
    CFO = "cfo", _("DAF")
    VIEWER = "viewer", _("Lecteur")


class Client(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    sector = models.CharField(_("secteur"), max_length=200, blank=True)
    headcount = models.PositiveIntegerField(
        _("effectif"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre")
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="one_membership_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.client} ({self.get_role_display()})"


class Invitation(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.client}"
