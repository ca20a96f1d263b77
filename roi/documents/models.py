"""A zip of dossiers asked for from the portfolio, built by a worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BundleStatus(models.TextChoices):
    QUEUED = "queued", "En file d’attente"
    BUILDING = "building", "En préparation"
    DONE = "done", "Prêt"


class DossierBundle(models.Model):
    """The dossiers of the projects a portfolio filter kept when it was asked for (their ids
    are fixed then: a project added later is not in it), zipped by a worker
    (:mod:`roi.tasks.bundles`) that counts its progress project by project. Only its owner
    sees it or downloads it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="dossier_bundles")
    filters = models.JSONField(default=dict, blank=True)  # q / client / status, as asked
    project_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=BundleStatus.choices,
                              default=BundleStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dossiers {self.pk} ({self.done}/{self.total})"
