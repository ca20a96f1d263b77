"""The CFO's review: comments on lines, submit / request changes / approve, frozen versions,
the project's history."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi import services
from roi.access import Action, ProjectAccess, require_project
from roi.calculation import COST_CATEGORIES, GAIN_CATEGORIES
from roi.forms import localized_input
from roi.models import Comment, LineItem, ProjectVersion
from roi.versions import changes_since_approval


def _link(request: HttpRequest, project) -> str:
    return request.build_absolute_uri(reverse("roi:project_review", args=[project.pk]))


@require_project(Action.VIEW)
def review(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Every line with its assumption and its comment thread, the status and the versions."""
    project = access.project
    order = {code: i for i, code in enumerate((*COST_CATEGORIES, *GAIN_CATEGORIES))}
    lines = sorted(project.line_items.all(),
                   key=lambda line: (order.get(line.category, 99), line.position, line.pk))
    comments = list(Comment.objects.filter(project=project).select_related("author"))
    threads: dict[int | None, list[Comment]] = {}
    for comment in comments:
        if comment.line_id is None and comment.line_label:
            continue  # its line was deleted: shown apart, under the line's label
        threads.setdefault(comment.line_id, []).append(comment)
    versions = list(ProjectVersion.objects.filter(project=project).select_related(
        "approved_by").defer("pdf", "case", "results", "lines"))
    return render(request, "roi/review.html", {
        "access": access, "project": project, "client": access.client,
        "lines": [(line, threads.get(line.pk, [])) for line in lines],
        "general": threads.get(None, []),
        "orphans": [c for c in comments if c.line_id is None and c.line_label],
        "versions": versions,
        "changes": changes_since_approval(project, lines=lines) if versions else None,
    })


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
                             body=request.POST.get("body", ""), line=line)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Commentaire ajouté."))
    anchor = f"#line-{line.pk}" if line else "#general"
    return redirect(reverse("roi:project_review", args=[access.project.pk]) + anchor)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _transition(request, access, call, success: str) -> HttpResponse:
    try:
        call()
    except services.ServiceError as error:
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
        project=access.project, user=request.user, comment=request.POST.get("comment", ""),
        link=_link(request, access.project)), _("Modifications demandées."))


@require_POST
@require_project(Action.APPROVE)
def approve(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _transition(request, access, lambda: services.project_approve(
        project=access.project, user=request.user, comment=request.POST.get("comment", ""),
        link=_link(request, access.project)), _("Projet approuvé : la version est figée."))


@require_project(Action.VIEW)
def version_pdf(request: HttpRequest, access: ProjectAccess, number: int) -> HttpResponse:
    version = ProjectVersion.objects.filter(project=access.project, number=number).first()
    if version is None:
        raise Http404
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    filename = f"{slugify(access.project.name) or 'projet'}-v{number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PROJECT_AUDITED = ("name", "crm_solution", "users_count", "start_date", "horizon_months",
                   "currency", "discount_rate", "language", "status", "archived_at",
                   "deleted_at", "conservative_gains_factor", "conservative_costs_factor",
                   "optimistic_gains_factor", "optimistic_costs_factor")
LINE_AUDITED = ("label", "amount", "quantity", "recurrence", "start_month", "end_month",
                "ramp_up_months", "confidence", "margin", "assumption")


def _shown(model, name: str, value):
    """A stored value as a person reads it: choice labels, decimals without trailing zeros."""
    field = model._meta.get_field(name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, Decimal):
        return localized_input(value)
    return value


@require_project(Action.VIEW)
def history(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Who changed what, when: the project and its lines, deleted lines included."""
    project = access.project
    project_records = list(project.history.select_related("history_user").order_by(
        "-history_date")[:300])
    line_records = list(LineItem.history.filter(project_id=project.pk).select_related(
        "history_user").order_by("-history_date")[:500])
    entries = []
    for records, fields in ((project_records, PROJECT_AUDITED), (line_records, LINE_AUDITED)):
        # Consecutive records of one object, compared in memory (no query per record).
        by_object: dict[int, list] = {}
        for record in sorted(records, key=lambda r: r.history_date):
            by_object.setdefault(record.id, []).append(record)
        for versions in by_object.values():
            for previous, record in zip([None, *versions], versions, strict=False):
                changes = []
                if previous is not None and record.history_type == "~":
                    model = LineItem if records is line_records else type(project)
                    changes = [(model._meta.get_field(name).verbose_name,
                                _shown(model, name, getattr(previous, name)),
                                _shown(model, name, getattr(record, name)))
                               for name in fields
                               if getattr(previous, name) != getattr(record, name)]
                    if not changes:
                        continue
                entries.append({"record": record, "changes": changes,
                                "is_line": records is line_records})
    entries.sort(key=lambda e: e["record"].history_date, reverse=True)
    return render(request, "roi/history.html", {
        "access": access, "project": project, "client": access.client, "entries": entries[:300],
    })
