"""Downloads: the CODIR dossier, the checklist (blank, public; or pre-filled), the workbook,
the roi-case/1 export and the frozen versions. Views resolve access and hand the bytes over;
rendering and caching live in the document modules.

A project's dossier, checklist and workbook, and a version's PDF, are rendered by the workers
(:mod:`roi.tasks.documents`), never in a request: when the file is in the cache it is handed
over at once; otherwise the page "Dossier en préparation" asks a worker for it and polls its
progress (htmx), and the file arrives without a reload (the same download,
now a cache hit, fetched by static/js/preparing.js)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from roi.access import Action, ProjectAccess, require_project
from roi.calculation import case_to_json
from roi.documents import checklist
from roi.documents.bundles import MAX_PROJECTS, ZIP_FILENAME, bundle_project_ids, owned_bundle
from roi.documents.downloads import JSON, PDF, ZIP, download
from roi.documents.models import BundleStatus
from roi.documents.prepared import (
    CHECKLIST,
    DOSSIER,
    REVIEW_REPORT,
    VERSION,
    XLSX_KIND,
    ready,
    review_target,
)
from roi.documents.tracking_report import review_of
from roi.projects.cases import project_case
from roi.projects.selectors import PortfolioFilter
from roi.review.models import ProjectVersion
from roi.tasks.bundles import bundle_failed, request_bundle
from roi.tasks.documents import render_state, request_render


@require_safe
def checklist_blank(request: HttpRequest) -> HttpResponse:
    """The blank checklist in the visitor's language: public, no account needed."""
    return download(checklist.render_checklist(), filename=checklist.checklist_filename(),
                    content_type=PDF, public=True)


def prepared_response(request: HttpRequest, *, kind: str, target, target_id: int,
                      back: tuple[str, str], download_url: str, status_url: str,
                      polling: bool) -> HttpResponse:
    """The file if it is ready; otherwise (a worker asked for it) the page that waits for it,
    or, polled by that page (``polling``), its progress. ``back``: (address, name) of the
    page the file belongs to (a project, a decision)."""
    file = ready(kind, target)
    if file.content is not None:
        if polling:
            # The fragment says "ready" and static/js/preparing.js fetches the file: the page
            # stays, the file downloads, no reload.
            return render(request, "documents/_preparing.html",
                          {"done": True, "download_url": download_url})
        return download(file.content, filename=file.filename, content_type=file.content_type)
    state = render_state(kind, target_id)
    failed = state.failed
    if state.status != "doing":
        # Never asked, finished for another revision or failed: (re)try. Waiting (the
        # debounce after an edit): due now, someone wants it.
        request_render(kind, target_id)
        state = render_state(kind, target_id)
    context = {"back_url": back[0], "back_name": back[1], "kind": kind, "state": state, "failed": failed,
               "retrying": state.attempts > 0, "download_url": download_url,
               "status_url": status_url, "filename": file.filename, "done": False,
               "progress": 60 if state.status == "doing" else 20}
    if polling:
        return render(request, "documents/_preparing.html", context)
    return render(request, "documents/preparing.html", context)


def _back(project) -> tuple[str, str]:
    return reverse("roi:project_detail", args=[project.pk]), project.name


def _project_document(request, access: ProjectAccess, kind: str, *, polling: bool):
    project = access.project
    names = {DOSSIER: "project_dossier", CHECKLIST: "project_checklist",
             XLSX_KIND: "project_xlsx"}
    return prepared_response(
        request, kind=kind, target=project, target_id=project.pk, back=_back(project),
        download_url=reverse(f"documents:{names[kind]}", args=[project.pk]),
        status_url=reverse(f"documents:{names[kind]}_status", args=[project.pk]),
        polling=polling)


@require_safe
@require_project(Action.VIEW)
def project_checklist(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _project_document(request, access, CHECKLIST, polling=False)


@require_safe
@require_project(Action.VIEW)
def project_checklist_status(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _project_document(request, access, CHECKLIST, polling=True)


@require_safe
@require_project(Action.VIEW)
def project_dossier(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _project_document(request, access, DOSSIER, polling=False)


@require_safe
@require_project(Action.VIEW)
def project_dossier_status(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _project_document(request, access, DOSSIER, polling=True)


@require_safe
@require_project(Action.VIEW)
def project_xlsx(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The Excel workbook with live formulas (same builder as ``roi_xlsx``)."""
    return _project_document(request, access, XLSX_KIND, polling=False)


@require_safe
@require_project(Action.VIEW)
def project_xlsx_status(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _project_document(request, access, XLSX_KIND, polling=True)


@require_safe
@require_project(Action.VIEW)
def project_export(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The project as a roi-case/1 file."""
    project = access.project
    return download(case_to_json(project_case(project)),
                    filename=f"{slugify(project.name) or 'projet'}.roi-case.json",
                    content_type=JSON)


def _version_document(request, access: ProjectAccess, number: int, *, polling: bool):
    version = ProjectVersion.objects.filter(project=access.project, number=number).first()
    if version is None:
        raise Http404
    version.project = access.project
    return prepared_response(
        request, kind=VERSION, target=version, target_id=version.pk, back=_back(access.project),
        download_url=reverse("documents:version_pdf", args=[access.project.pk, number]),
        status_url=reverse("documents:version_pdf_status", args=[access.project.pk, number]),
        polling=polling)


@require_safe
@require_project(Action.VIEW)
def version_pdf(request: HttpRequest, access: ProjectAccess, number: int) -> HttpResponse:
    return _version_document(request, access, number, polling=False)


@require_safe
@require_project(Action.VIEW)
def version_pdf_status(request: HttpRequest, access: ProjectAccess,
                       number: int) -> HttpResponse:
    return _version_document(request, access, number, polling=True)


def _review_report(request, access: ProjectAccess, months: int, *, polling: bool):
    project = access.project
    review = review_of(project, months)  # 404 when no review is recorded there
    target = review_target(review.pk)
    return prepared_response(
        request, kind=REVIEW_REPORT, target=target, target_id=review.pk, back=_back(project),
        download_url=reverse("documents:tracking_review_pdf", args=[project.pk, months]),
        status_url=reverse("documents:tracking_review_pdf_status", args=[project.pk, months]),
        polling=polling)


@require_safe
@require_project(Action.VIEW)
def tracking_review_pdf(request: HttpRequest, access: ProjectAccess, months: int
                        ) -> HttpResponse:
    """The "Bilan à N mois" of a recorded tracking review (prepared by a worker)."""
    return _review_report(request, access, months, polling=False)


@require_safe
@require_project(Action.VIEW)
def tracking_review_pdf_status(request: HttpRequest, access: ProjectAccess, months: int
                               ) -> HttpResponse:
    return _review_report(request, access, months, polling=True)


# The portfolio's zip of dossiers (a worker builds it; only its owner sees it).

@require_POST
@login_required
def bundle_create(request: HttpRequest) -> HttpResponse:
    """"Télécharger les dossiers": the projects the portfolio's filter keeps (those the user
    may view), fixed now, zipped by a worker; the page that follows shows its progress."""
    selection = PortfolioFilter.of(query=request.POST.get("q", ""),
                                   client_id=request.POST.get("client"),
                                   status=request.POST.get("status", ""))
    back = reverse("roi:portfolio")
    if selection.params():
        back += "?" + urlencode(selection.params())
    project_ids = bundle_project_ids(request.user, selection)
    if not project_ids:
        messages.warning(request, _("Aucun projet ne correspond au filtre : aucun dossier à "
                                    "télécharger."))
        return redirect(back)
    if len(project_ids) > MAX_PROJECTS:
        messages.error(request, _(
            "Ce filtre retient plus de %(max)s projets : les dossiers se téléchargent par "
            "%(max)s au plus. Affinez la recherche (client, statut…) puis réessayez.")
            % {"max": MAX_PROJECTS})
        return redirect(back)
    bundle = request_bundle(request.user, filters=selection.params(), project_ids=project_ids)
    return redirect("documents:bundle_detail", bundle_id=bundle.pk)


def _bundle_context(bundle) -> dict:
    done = bundle.status == BundleStatus.DONE
    return {"bundle": bundle, "done": done, "failed": not done and bundle_failed(bundle.pk),
            "download_url": reverse("documents:bundle_zip", args=[bundle.pk]),
            "status_url": reverse("documents:bundle_status", args=[bundle.pk]),
            "back_url": reverse("roi:portfolio") + (
                "?" + urlencode(bundle.filters) if bundle.filters else ""),
            "filename": ZIP_FILENAME}


def _own_bundle(request: HttpRequest, bundle_id: int, *, with_content: bool = False):
    bundle = owned_bundle(request.user, bundle_id, with_content=with_content)
    if bundle is None:
        raise Http404
    return bundle


@require_safe
@login_required
def bundle_detail(request: HttpRequest, bundle_id: int) -> HttpResponse:
    """The page that waits for the zip (polled, htmx); the zip downloads once it is ready."""
    return render(request, "documents/bundle.html",
                  _bundle_context(_own_bundle(request, bundle_id)))


@require_safe
@login_required
def bundle_status(request: HttpRequest, bundle_id: int) -> HttpResponse:
    return render(request, "documents/_bundle.html",
                  _bundle_context(_own_bundle(request, bundle_id)))


@require_safe
@login_required
def bundle_zip(request: HttpRequest, bundle_id: int) -> HttpResponse:
    bundle = _own_bundle(request, bundle_id, with_content=True)
    if bundle.status != BundleStatus.DONE:
        return redirect("documents:bundle_detail", bundle_id=bundle.pk)
    return download(bytes(bundle.content), filename=ZIP_FILENAME, content_type=ZIP)
