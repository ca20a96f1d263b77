"""Downloads: the CODIR dossier and the checklist, blank (public) or pre-filled (members).

Views only resolve access and hand the bytes over; rendering and caching live in roi/pdf.py.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from roi import pdf
from roi.access import Action, ProjectAccess, require_project


def pdf_response(content: bytes, filename: str, *, public: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A project's figures must not sit in a shared cache; the blank checklist may, per language.
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    if public:
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@require_safe
def checklist_blank(request: HttpRequest) -> HttpResponse:
    """The blank checklist in the visitor's language: public, no account needed."""
    return pdf_response(pdf.render_checklist(), pdf.checklist_filename(), public=True)


@require_safe
@require_project(Action.VIEW)
def project_checklist(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    return pdf_response(pdf.render_checklist(project), pdf.checklist_filename(project))


@require_safe
@require_project(Action.VIEW)
def project_dossier(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    return pdf_response(pdf.render_dossier(project), pdf.dossier_filename(project))
