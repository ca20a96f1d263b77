"""The documents follow the writes: what the domains announce after commit is queued here for
the workers (:mod:`roi.tasks.documents`), never rendered in the request."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from roi.documents.prepared import DOSSIER, VERSION
from roi.projects.signals import inputs_changed
from roi.review.signals import version_approved
from roi.tasks.documents import request_render


@receiver(version_approved)
def freeze_version_pdf(sender, *, version_id: int, **kwargs) -> None:
    """The frozen version's dossier, with its approval block, rendered by a worker once the
    approval has committed (never under the project's row lock)."""
    request_render(VERSION, version_id)


@receiver(inputs_changed)
def prepare_dossier(sender, *, project_id: int, **kwargs) -> None:
    """The dossier re-rendered once the edits pause, so that its download is a cache hit."""
    request_render(DOSSIER, project_id, delay=settings.RENDER_DEBOUNCE_SECONDS)
