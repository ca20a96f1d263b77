"""The assumption register of a project: the list by exposure, describe and validate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi.access import Action, ProjectAccess, require_project
from roi.assumptions import selectors, services
from roi.assumptions.forms import AssumptionForm
from roi.assumptions.models import STALE_AFTER_DAYS
from roi.projects.models import LineKind
from roi.projects.selectors import project_overview


def _register_url(project_id: int, line_id: int | None = None) -> str:
    url = reverse("roi:assumption_register", args=[project_id])
    return f"{url}#line-{line_id}" if line_id else url


@require_project(Action.VIEW)
def register(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    overview = project_overview(access.project)
    rows = selectors.register_rows(overview, today=timezone.localdate())
    return render(request, "roi/assumptions.html", {
        "access": access, "project": access.project, "client": access.client, "rows": rows,
        "titles": overview.catalogue.post_titles, "stale_days": STALE_AFTER_DAYS,
        "stale_count": sum(row.stale for row in rows),
    })


@require_project(Action.EDIT)
def describe(request: HttpRequest, access: ProjectAccess, line_id: int) -> HttpResponse:
    line = selectors.register_line(access.project, line_id)
    if line is None:
        raise Http404
    record = selectors.register_record(line)
    form = AssumptionForm(request.POST or None, owners=selectors.client_owners(access.project),
                          cost=line.kind == LineKind.COST,
                          initial={"source": record.source if record else "",
                                   "owner": record.owner_id if record else None,
                                   "confidence": record.confidence if record else None})
    if request.method == "POST" and form.is_valid():
        services.assumption_describe(line=line, source=form.cleaned_data["source"],
                                     owner=form.cleaned_data["owner"],
                                     confidence=form.cleaned_data.get("confidence"))
        messages.success(request, _("Hypothèse « %(label)s » enregistrée.")
                         % {"label": line.label})
        return redirect(_register_url(access.project.pk, line.pk))
    return render(request, "roi/assumption_form.html", {
        "access": access, "project": access.project, "client": access.client, "line": line,
        "record": record, "form": form,
    }, status=400 if form.is_bound else 200)


@require_POST
@require_project(Action.EDIT)
def validate(request: HttpRequest, access: ProjectAccess, line_id: int) -> HttpResponse:
    line = selectors.register_line(access.project, line_id)
    if line is None:
        raise Http404
    services.assumption_validate(line=line, user=request.user)
    messages.success(request, _("Hypothèse « %(label)s » validée aujourd’hui.")
                     % {"label": line.label})
    return redirect(_register_url(access.project.pk, line.pk))
