"""The documents follow the writes: what the domains announce after commit, rendered here."""

from __future__ import annotations

from django.dispatch import receiver

from roi.documents.dossier import render_version_dossier
from roi.review.models import ProjectVersion
from roi.review.signals import version_approved


@receiver(version_approved)
def freeze_version_pdf(sender, *, version_id: int, **kwargs) -> None:
    """The frozen version's dossier, with its approval block, rendered once the approval has
    committed (never under the project's row lock)."""
    version = ProjectVersion.objects.select_related(
        "project__client", "approved_by", "catalogue").filter(
        pk=version_id).first()
    if version is None or version.pdf:
        return
    ProjectVersion.objects.filter(pk=version_id).update(pdf=render_version_dossier(version))
