"""The portfolio's zip of dossiers, built by a worker, project after project.

Each project's dossier comes from the document cache when it is there; otherwise it is rendered
as any dossier is (:func:`roi.tasks.documents.render_in_child`: a child process with the render
timeout) and then read from the cache. The bundle's ``done`` counter is updated after each
project (the page polls it); a failed render is retried, the job starting over.
"""

from __future__ import annotations

import io
import zipfile

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from roi.documents.bundles import member_name
from roi.documents.dossier import dossier_ready
from roi.documents.models import BundleStatus, DossierBundle
from roi.documents.prepared import DOSSIER
from roi.projects.models import RoiProject
from roi.tasks.documents import RenderFailed, render_in_child

BUNDLE_TASK = "roi.build_bundle"


def lock_of(bundle_id: int) -> str:
    return f"roi.bundle:{bundle_id}"


@app.task(name=BUNDLE_TASK, queue="documents",
          retry=RetryStrategy(max_attempts=3, wait=5, retry_exceptions={RenderFailed}))
def build_bundle(*, bundle_id: int) -> None:
    try:
        _build(bundle_id)
    finally:
        # This thread's own connection (a bundle is rare and long: a new one next time), so
        # that none is left behind by a worker's thread.
        connections.close_all()


def _build(bundle_id: int) -> None:
    bundle = DossierBundle.objects.defer("content").filter(pk=bundle_id).first()
    if bundle is None or bundle.status == BundleStatus.DONE:
        return
    bundles = DossierBundle.objects.filter(pk=bundle_id)
    bundles.update(status=BundleStatus.BUILDING, done=0)
    # Deleted since: left out (but counted, so that the progress reaches its total).
    projects = RoiProject.objects.select_related("client").filter(
        pk__in=bundle.project_ids, deleted_at__isnull=True).in_bulk()
    buffer, taken = io.BytesIO(), set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for project_id in bundle.project_ids:
            project = projects.get(project_id)
            if project is not None:
                content, filename = dossier_ready(project)
                if content is None:
                    render_in_child(DOSSIER, project_id)
                    content, filename = dossier_ready(project)
                if content is None:  # changed again meanwhile: the retry starts over
                    raise RenderFailed(f"dossier {project_id}: not in the cache after render")
                archive.writestr(member_name(project, filename, taken), content)
            bundles.update(done=F("done") + 1)
    bundles.update(status=BundleStatus.DONE, content=buffer.getvalue(),
                   done=F("total"), finished_at=timezone.now())


def request_bundle(user, *, filters: dict, project_ids: list[int]) -> DossierBundle:
    """Record the bundle (the projects fixed now) and queue its job, in one transaction."""
    with transaction.atomic():
        bundle = DossierBundle.objects.create(user=user, filters=filters,
                                              project_ids=project_ids, total=len(project_ids))
        lock = lock_of(bundle.pk)
        build_bundle.configure(lock=lock, queueing_lock=lock).defer(bundle_id=bundle.pk)
    return bundle


def bundle_failed(bundle_id: int) -> bool:
    """Whether the bundle's job failed for good (its retries spent). One query."""
    status = (ProcrastinateJob.objects.filter(lock=lock_of(bundle_id)).order_by("-id")
              .values_list("status", flat=True).first())
    return status == "failed"
