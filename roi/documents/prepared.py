"""The documents a worker prepares: for each kind, what is already there (never rendering) and
how to render it into the document cache (or the frozen version).

A download asks :func:`ready`; when the file is not there, it asks a worker
(:mod:`roi.tasks.documents`) to :func:`render` it and shows that it is being prepared. The
worker renders with the same functions and the same cache keys as the download reads, so a
document rendered once is then a cache hit for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from roi.documents import checklist, dossier, workbook
from roi.documents.downloads import PDF, XLSX
from roi.projects.models import RoiProject
from roi.review.models import ProjectVersion

DOSSIER = "dossier"
CHECKLIST = "checklist"
XLSX_KIND = "xlsx"
VERSION = "version"
PROJECT_KINDS = (DOSSIER, CHECKLIST, XLSX_KIND)
KINDS = (*PROJECT_KINDS, VERSION)


@dataclass(frozen=True)
class Ready:
    content: bytes | None  # None: not rendered yet
    filename: str
    content_type: str


def _project(project_id: int) -> RoiProject | None:
    return RoiProject.objects.select_related("client").filter(pk=project_id).first()


def _version(version_id: int) -> ProjectVersion | None:
    return ProjectVersion.objects.select_related(
        "project__client", "approved_by", "catalogue").filter(pk=version_id).first()


def ready(kind: str, target) -> Ready:
    """What a download of ``kind`` for ``target`` (a project; a version for ``version``)
    would hand over, if it is already rendered. A few queries; never renders."""
    if kind == DOSSIER:
        content, filename = dossier.dossier_ready(target)
        return Ready(content, filename, PDF)
    if kind == CHECKLIST:
        return Ready(checklist.checklist_ready(target), checklist.checklist_filename(target),
                     PDF)
    if kind == XLSX_KIND:
        return Ready(workbook.workbook_ready(target),
                     f"{slugify(target.name) or 'projet'}.xlsx", XLSX)
    if kind == VERSION:
        return Ready(bytes(target.pdf) or None, dossier.version_filename(target), PDF)
    raise ValueError(kind)


def render(kind: str, target_id: int) -> bool:
    """Render ``kind`` for the project (or version) ``target_id`` into the cache (or the
    version row). False when the target no longer exists. Slow: workers only."""
    if kind == VERSION:
        version = _version(target_id)
        if version is None:
            return False
        if not version.pdf:
            ProjectVersion.objects.filter(pk=target_id, pdf=b"").update(
                pdf=dossier.render_version_dossier(version))
        return True
    project = _project(target_id)
    if project is None:
        return False
    if kind == DOSSIER:
        dossier.project_dossier(project)
    elif kind == CHECKLIST:
        checklist.render_checklist(project)
    elif kind == XLSX_KIND:
        workbook.project_workbook(project)
    else:
        raise ValueError(kind)
    return True
