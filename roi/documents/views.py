"""Downloads: the CODIR dossier, the checklist (blank, public; or pre-filled), the workbook,
the roi-case/1 export and the frozen versions. Views resolve access and hand the bytes over;
rendering and caching live in the document modules."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from roi.access import Action, ProjectAccess, require_project
from roi.calculation import case_to_json
from roi.documents import checklist, dossier, tracking_report, workbook
from roi.documents.downloads import JSON, PDF, XLSX, download
from roi.projects.cases import project_case
from roi.review.models import ProjectVersion


@require_safe
def checklist_blank(request: HttpRequest) -> HttpResponse:
    """The blank checklist in the visitor's language: public, no account needed."""
    return download(checklist.render_checklist(), filename=checklist.checklist_filename(),
                    content_type=PDF, public=True)


@require_safe
@require_project(Action.VIEW)
def project_checklist(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    return download(checklist.render_checklist(project),
                    filename=checklist.checklist_filename(project), content_type=PDF)


@require_safe
@require_project(Action.VIEW)
def project_dossier(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    content, filename = dossier.project_dossier(access.project)
    return download(content, filename=filename, content_type=PDF)


@require_safe
@require_project(Action.VIEW)
def project_xlsx(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The Excel workbook with live formulas (same builder as ``roi_xlsx``)."""
    project = access.project
    return download(workbook.project_workbook(project),
                    filename=f"{slugify(project.name) or 'projet'}.xlsx", content_type=XLSX)


@require_safe
@require_project(Action.VIEW)
def project_export(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The project as a roi-case/1 file."""
    project = access.project
    return download(case_to_json(project_case(project)),
                    filename=f"{slugify(project.name) or 'projet'}.roi-case.json",
                    content_type=JSON)


@require_safe
@require_project(Action.VIEW)
def version_pdf(request: HttpRequest, access: ProjectAccess, number: int) -> HttpResponse:
    version = ProjectVersion.objects.filter(project=access.project, number=number).first()
    if version is None:
        raise Http404
    return download(bytes(version.pdf), filename=dossier.version_filename(version),
                    content_type=PDF)


@require_safe
@require_project(Action.VIEW)
def tracking_review_pdf(request: HttpRequest, access: ProjectAccess, months: int
                        ) -> HttpResponse:
    """The "Bilan à N mois" of a recorded tracking review."""
    project = access.project
    return download(tracking_report.render_review_report(project, months),
                    filename=tracking_report.review_report_filename(project, months),
                    content_type=PDF)
