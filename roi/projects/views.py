"""Workspace, a client's projects, projects and the portfolio: access, form, service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from checklist.catalogue.models import CatalogueVersion
from checklist.catalogue.reader import catalogue_info
from roi.access import Action, ClientAccess, ProjectAccess, require_client, require_project
from roi.calculation import CaseFormatError, parse_case_json
from roi.learning.selectors import learned_panels, workspace_rates
from roi.options.selectors import client_decisions
from roi.projects import selectors, services
from roi.projects.forms import DuplicateForm, ImportForm, ProjectForm
from roi.projects.models import ProjectStatus
from roi.projects.results import results_context
from roi.projects.selectors import project_overview
from roi.tenancy import selectors as tenancy_selectors
from roi.tenancy.models import Role
from roi.texts import case_error_text


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "roi/landing.html")


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    entries = selectors.workspace_for(request.user, include_archived=show_archived)
    can_create_client = request.user.is_staff or any(
        e.membership.role == Role.CONSULTANT for e in entries
    )
    return render(request, "roi/workspace.html", {
        "entries": entries, "show_archived": show_archived,
        "can_create_client": can_create_client,
    })


@require_client(Action.VIEW)
def client_detail(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    return render(request, "roi/client_detail.html", {
        "access": access, "client": access.client, "show_archived": show_archived,
        "projects": selectors.client_projects(access.client, archived=show_archived),
        "members": tenancy_selectors.client_members(access.client),
        "decisions": client_decisions(access.client),
        "invitations": tenancy_selectors.client_pending_invitations(access.client)
        if access.can_manage else [],
        "deleted": selectors.client_deleted_projects(access.client) if access.can_edit else [],
    })


@require_client(Action.EDIT)
def project_create(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        project = services.project_create(client=access.client, user=request.user, **data)
        messages.success(request, _("Projet « %(name)s » créé.") % {"name": project.name})
        return redirect("roi:project_detail", project_id=project.pk)
    return render(request, "roi/project_form.html", {"form": form, "client": access.client})


@require_project(Action.VIEW)
def project_detail(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The project's home: its results, as on the wizard's summary step."""
    return render(request, "roi/project_detail.html", {
        "access": access, "project": access.project, "client": access.client,
        "downloads": PROJECT_DOWNLOADS,
        **results_context(project_overview(access.project), can_edit=access.can_edit),
    })


PROJECT_DOWNLOADS = [
    ("documents:project_dossier", gettext_lazy("Dossier CODIR (PDF)")),
    ("documents:project_xlsx", gettext_lazy("Classeur Excel (formules)")),
    ("documents:project_checklist", gettext_lazy("Checklist pré-remplie (PDF)")),
]


@require_project(Action.EDIT)
def project_edit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        if form.update_project(user=request.user):
            messages.success(request, _("Projet enregistré."))
            if form.notice:
                messages.warning(request, form.notice)
            return redirect("roi:project_detail", project_id=project.pk)
    return render(request, "roi/project_form.html", {
        "form": form, "client": access.client, "project": project,
        "reopen": form.reopen_required,
    })


@require_POST
@require_project(Action.EDIT)
def project_archive(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    if access.project.is_archived:
        services.project_unarchive(project=access.project, user=request.user)
        messages.success(request, _("Projet restauré."))
    else:
        services.project_archive(project=access.project, user=request.user)
        messages.success(request, _("Projet archivé."))
    return redirect("roi:client_detail", client_id=access.client.pk)


# --- project life: duplicate, delete and restore, import and export ------------------------

@require_project(Action.EDIT)
def project_duplicate(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Copy a project as a template, into any client where the user may create projects."""
    targets = [m.client for m in tenancy_selectors.memberships_where(request.user, Action.EDIT)]
    if not targets:
        raise PermissionDenied
    form = DuplicateForm(request.POST or None, clients=targets,
                         initial={"client": access.client.pk,
                                  "name": _("%(name)s (copie)") % {"name": access.project.name}})
    if request.method == "POST" and form.is_valid():
        copy = services.project_duplicate(project=access.project, user=request.user,
                                          client=form.cleaned_data["client"],
                                          name=form.cleaned_data["name"])
        messages.success(request, _("Projet dupliqué dans « %(client)s ».")
                         % {"client": copy.client.name})
        return redirect("roi:project_detail", project_id=copy.pk)
    return render(request, "roi/project_duplicate.html", {
        "form": form, "project": access.project, "client": access.client})


@require_project(Action.EDIT)
def project_delete(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    if request.method == "POST":
        services.project_delete(project=access.project, user=request.user)
        messages.success(request, _("Projet supprimé. Il reste restaurable pendant %(d)s jours "
                                    "depuis la page du client.")
                         % {"d": services.DELETION_GRACE_DAYS})
        return redirect("roi:client_detail", client_id=access.client.pk)
    return render(request, "roi/project_delete.html", {
        "project": access.project, "client": access.client,
        "days": services.DELETION_GRACE_DAYS})


@require_POST
@require_project(Action.EDIT, include_deleted=True)
def project_restore(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    services.project_restore(project=access.project, user=request.user)
    messages.success(request, _("Projet restauré."))
    return redirect("roi:project_detail", project_id=access.project.pk)


@require_client(Action.EDIT)
def project_import(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    """Import a roi-case/1 file as a new project, with the command line's messages."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            case = parse_case_json(upload.read(ImportForm.MAX_BYTES + 1)[:ImportForm.MAX_BYTES])
            project = services.case_import(case=case, client=access.client, user=request.user,
                                  name=form.cleaned_data.get("name") or None)
        except CaseFormatError as error:
            # The format's rules come in English (the command line's words): in the user's
            # language here, each with its path.
            errors = [case_error_text(path, message) for path, message in error.errors]
        except ValidationError as error:
            errors = [case_error_text(field, "; ".join(msgs))
                      for field, msgs in error.message_dict.items()]
        else:
            messages.success(request, _("Projet « %(name)s » importé.") % {"name": project.name})
            notice = selectors.lines_after_horizon(project)
            if notice:
                messages.warning(request, notice)
            return redirect("roi:project_detail", project_id=project.pk)
    return render(request, "roi/project_import.html", {
        "form": form, "client": access.client, "errors": errors})


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """Every project of every client of the user: search, filters, sort, pages."""
    page = selectors.portfolio_page(
        request.user, query=request.GET.get("q", ""), client_id=request.GET.get("client"),
        status=request.GET.get("status", ""), sort=request.GET.get("sort", "-updated_at"),
        page=request.GET.get("page", 1),
    )
    base_query = urlencode({k: v for k, v in (("q", page.query), ("client", page.client_id or ""),
                                               ("status", page.status)) if v})
    columns = [("client", _("Client"), False), ("name", _("Projet"), False),
               ("status", _("Statut"), False), ("roi", _("ROI"), True),
               ("payback", _("Délai de retour"), True), ("net", _("Gain net"), True),
               ("updated_at", _("Dernière modification"), False)]
    # Forecasts that learn: what the user's tracked projects realised, post by post.
    titles = catalogue_info(CatalogueVersion.current()).post_titles
    learned = learned_panels(workspace_rates(request.user), titles)
    return render(request, "roi/portfolio.html", {
        "page": page, "base_query": base_query, "columns": columns,
        "status_choices": ProjectStatus.choices, "learned": learned})
