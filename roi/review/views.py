"""The CFO's review: every line with its thread, submit / request changes / approve, the
project's history. Views only orchestrate: access, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi.access import Action, ProjectAccess, require_project
from roi.errors import ServiceError
from roi.formats import localized_input
from roi.projects.cases import project_lines
from roi.projects.models import LineItem
from roi.review import services
from roi.review.changes import changes_since_approval
from roi.review.history import project_history
from roi.review.selectors import comment_threads, project_versions
from roi.text_input import clean_multiline


def _link(request: HttpRequest, project) -> str:
    return request.build_absolute_uri(reverse("roi:project_review", args=[project.pk]))


@require_project(Action.VIEW)
def review(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Every line with its assumption and its comment thread, the status and the versions."""
    project = access.project
    lines = project_lines(project)
    threads = comment_threads(project)
    versions = project_versions(project)
    return render(request, "roi/review.html", {
        "access": access, "project": project, "client": access.client,
        "lines": [(line, threads.of(line)) for line in lines],
        "general": threads.general, "orphans": threads.orphans,
        "versions": versions,
        "changes": changes_since_approval(project, lines=lines) if versions else None,
    })


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@require_POST
@require_project(Action.COMMENT)
def comment_add(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    line = None
    if request.POST.get("line"):
        line = LineItem.objects.filter(pk=_int(request.POST["line"]),
                                       project=access.project).first()
        if line is None:
            raise Http404
    try:
        services.comment_add(project=access.project, user=request.user,
                             body=clean_multiline(request.POST.get("body", "")), line=line)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Commentaire ajouté."))
    anchor = f"#line-{line.pk}" if line else "#general"
    return redirect(reverse("roi:project_review", args=[access.project.pk]) + anchor)


def _transition(request, access, call, success: str) -> HttpResponse:
    try:
        call()
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("roi:project_review", project_id=access.project.pk)


@require_POST
@require_project(Action.EDIT)
def submit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _transition(request, access, lambda: services.project_submit(
        project=access.project, user=request.user, link=_link(request, access.project)),
        _("Projet soumis au DAF pour validation."))


@require_POST
@require_project(Action.APPROVE)
def request_changes(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _transition(request, access, lambda: services.project_request_changes(
        project=access.project, user=request.user,
        comment=clean_multiline(request.POST.get("comment", "")),
        link=_link(request, access.project)), _("Modifications demandées."))


@require_POST
@require_project(Action.APPROVE)
def approve(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _transition(request, access, lambda: services.project_approve(
        project=access.project, user=request.user,
        comment=clean_multiline(request.POST.get("comment", "")),
        link=_link(request, access.project)), _("Projet approuvé : la version est figée."))


@require_project(Action.VIEW)
def history(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Who changed what, when: the project and its lines, deleted lines included."""
    return render(request, "roi/history.html", {
        "access": access, "project": access.project, "client": access.client,
        "entries": project_history(access.project, decimal_text=localized_input),
    })
