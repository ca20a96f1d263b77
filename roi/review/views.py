"""The CFO's review: what a CFO signs (the headline figures, every line with all its
assumptions and its comment thread), submit / request changes / approve, reopening a draft,
the project's history. Views only orchestrate: access, service, redirect."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from roi.access import Action, ProjectAccess, require_project
from roi.errors import ServiceError
from roi.formats import Formatter, active_language, localized_input
from roi.projects.models import APPROVED_STATES, LineItem, LineKind
from roi.projects.selectors import project_overview
from roi.projects.services import ReopenRequired, project_reopen
from roi.review import services
from roi.review.changes import change_rows, changes_since
from roi.review.history import project_history
from roi.review.selectors import comment_threads, project_versions
from roi.text_input import clean_multiline
from roi.texts import warning_text


def _link(request: HttpRequest, project) -> str:
    return request.build_absolute_uri(reverse("roi:project_review", args=[project.pk]))


def _review_url(project, anchor: str = "") -> str:
    return reverse("roi:project_review", args=[project.pk]) + anchor


def _line_url(project, line: LineItem) -> str:
    """The review's page holding ``line``, scrolled to it."""
    return _review_url(project, f"?line={line.pk}#line-{line.pk}")


# Lines shown per page of the review: the largest allowed project stays light to load.
LINES_PER_PAGE = 100


@dataclass(frozen=True)
class LinePage:
    """A page of the review's lines, for its navigation: which lines, how many open comments."""

    number: int
    first: int
    last: int
    open_comments: int


def _requested_page(request: HttpRequest, lines: list[LineItem]) -> int | str | None:
    """``?line=<pk>`` (a badge, a redirect after a comment) opens the page holding that line;
    otherwise ``?page=``."""
    wanted = request.GET.get("line", "")
    if wanted.isdigit():
        for index, line in enumerate(lines):
            if line.pk == int(wanted):
                return index // LINES_PER_PAGE + 1
    return request.GET.get("page")


@require_project(Action.VIEW)
def review(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """What the CFO signs: the headline figures at the horizon and at 6/12/24/36 months, every
    line with all its assumptions, its total and its thread (by pages of LINES_PER_PAGE lines,
    the comment form fetched on demand), the checklist's completeness, the status, what
    changed since the last approval and the versions."""
    project = access.project
    overview = project_overview(project)
    result = overview.result
    threads = comment_threads(project)
    versions = project_versions(project)
    changes = None
    if versions:
        changes = changes_since(versions[0], project, lines=overview.lines, case=overview.case)
    labels = overview.catalogue.post_titles
    ordered = ([line for line in overview.lines if line.kind == LineKind.COST]
               + [line for line in overview.lines if line.kind == LineKind.GAIN])
    paginator = Paginator(ordered, LINES_PER_PAGE, allow_empty_first_page=True)
    page = paginator.get_page(_requested_page(request, ordered))
    shown = [(line, labels.get(line.category, line.category), overview.line_total(line),
              threads.of(line)) for line in page.object_list]
    pages = [LinePage(number, (number - 1) * LINES_PER_PAGE + 1,
                      min(number * LINES_PER_PAGE, len(ordered)),
                      sum(threads.of(line).open_count
                          for line in paginator.page(number).object_list))
             for number in paginator.page_range] if paginator.num_pages > 1 else []
    fmt = Formatter(lang=active_language(), currency=project.currency)
    listed = change_rows(changes, fmt) if changes is not None and changes.any else []
    return render(request, "roi/review.html", {
        "access": access, "project": project, "client": access.client,
        "headline": result.headline,
        "horizons": [result.horizons[h] for h in sorted(result.horizons)],
        "warnings": [warning_text(w, currency=project.currency) for w in result.warnings],
        "completeness": overview.completeness,
        "cost_lines": [row for row in shown if row[0].kind == LineKind.COST],
        "gain_lines": [row for row in shown if row[0].kind == LineKind.GAIN],
        "line_count": len(ordered), "line_page": page, "line_pages": pages,
        "threads": threads, "versions": versions, "latest": versions[0] if versions else None,
        "changes": changes,
        "setting_rows": [row for row in listed if row.status == "setting"],
        "line_rows": [row for row in listed if row.status != "setting"],
        "approved_current": (project.status in APPROVED_STATES and changes is not None
                             and not changes.any),
    })


@require_GET
@require_project(Action.COMMENT)
def comment_form(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """A line's comment form (``?line=<pk>``), fetched by the review's "Commenter" button
    (htmx) rather than printed under each of the project's lines."""
    line = _line_of(access, request.GET.get("line"))
    return render(request, "roi/_comment_form.html", {
        "access": access, "project": access.project, "line": line,
        "thread_key": "" if line else "general", "focus": True,
        "replying": bool(line and line.comments.exists()),
    })


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _line_of(access: ProjectAccess, value) -> LineItem | None:
    if not value:
        return None
    line = LineItem.objects.filter(pk=_int(value), project=access.project).first()
    if line is None:
        raise Http404
    return line


@require_POST
@require_project(Action.COMMENT)
def comment_add(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    line = _line_of(access, request.POST.get("line"))
    try:
        services.comment_add(project=access.project, user=request.user,
                             body=clean_multiline(request.POST.get("body", "")), line=line,
                             link=_link(request, access.project))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Commentaire ajouté."))
    return redirect(_line_url(access.project, line) if line
                    else _review_url(access.project, "#general"))


@require_POST
@require_project(Action.COMMENT)
def thread_resolve(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Mark a thread resolved: a line's (``line``), the general one, or the deleted lines'."""
    line = _line_of(access, request.POST.get("line"))
    thread = request.POST.get("thread", services.GENERAL)
    if thread not in (services.GENERAL, services.DELETED):
        raise Http404
    services.thread_resolve(project=access.project, user=request.user, line=line,
                            thread=thread)
    messages.success(request, _("Fil de discussion marqué comme résolu."))
    if line:
        return redirect(_line_url(access.project, line))
    return redirect(_review_url(access.project, "#deleted" if thread == services.DELETED
                                else "#general"))


def _transition(request, access, call, success: str) -> HttpResponse:
    try:
        call()
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(_review_url(access.project, "#status"))


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm_incomplete") == "on"


@require_POST
@require_project(Action.EDIT)
def submit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _transition(request, access, lambda: services.project_submit(
        project=access.project, user=request.user, link=_link(request, access.project),
        confirm_incomplete=_confirmed(request)),
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
        project=access.project, user=request.user, comment=clean_multiline(request.POST.get("comment", "")),
        link=_link(request, access.project), confirm_incomplete=_confirmed(request)),
        _("Projet approuvé : la version est figée."))


@require_POST
@require_project(Action.EDIT)
def reopen(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """"Rouvrir le brouillon": a submitted or approved project back to draft, on purpose (who
    and when are recorded); then back to the page the user came from."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = _review_url(access.project)
    try:
        reopened = project_reopen(project=access.project, user=request.user,
                                  expected_status=request.POST.get("status") or None)
    except ReopenRequired as error:
        messages.warning(request, str(error))
        return redirect(target)
    if reopened:
        messages.success(request, _("Brouillon rouvert : vos modifications devront être "
                                    "soumises puis approuvées à nouveau."))
    return redirect(target)


@require_project(Action.VIEW)
def history(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Who changed what, when: the project and its lines, deleted lines included."""
    return render(request, "roi/history.html", {
        "access": access, "project": access.project, "client": access.client,
        "entries": project_history(access.project, decimal_text=localized_input),
    })
