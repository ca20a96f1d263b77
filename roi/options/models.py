"""A decision groups 2 to 4 projects of one client as its options, the reference first."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roi.projects.models import RoiProject
from roi.tenancy.models import Client


class Decision(models.Model):
    """A choice between CRM options (often "garder l'outil actuel" against one or two new
    solutions). Its options are projects of its client; the first (position 0) is the
    reference. Once the CFO approves one option, ``chosen`` and ``chosen_version`` say which
    and the approved version records the comparison as it was."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="decisions")
    name = models.CharField(_("nom de la décision"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    chosen = models.ForeignKey(RoiProject, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    chosen_version = models.ForeignKey("roi.ProjectVersion", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")
    chosen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("décision")
        ordering = ["-updated_at", "id"]

    def __str__(self) -> str:
        return self.name


class DecisionOption(models.Model):
    """One option of a decision: a project of the decision's client, at ``position`` (0 = the
    reference)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    project = models.ForeignKey(RoiProject, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("option")
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "project"],
                                    name="unique_decision_project"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id}#{self.position}"
