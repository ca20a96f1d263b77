"""Tracking pages: the tracking dashboard (plan, actual, reforecast, variance, chart, reviews),
starting tracking, closing a month, the monthly actuals grid, unplanned lines, recording a
review. Views only orchestrate: access, form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from roi.access import Action, ProjectAccess, require_project
from roi.documents.charts import tracking_svg
from roi.errors import ServiceError
from roi.formats import Formatter, active_language
from roi.projects.models import ProjectStatus
from roi.projects.selectors import project_overview
from roi.review.selectors import approved_figures
from roi.texts import warning_text
from roi.tracking import services
from roi.tracking.forms import (
    GridForm,
    MonthForm,
    ReviewForm,
    TrackingStartForm,
    UnplannedLineForm,
    cell_name,
)
from roi.tracking.selectors import (
    due_reviews,
    members_of,
    next_review,
    project_reviews,
    tracking_grid,
)


def _tracking_url(project, anchor: str = "") -> str:
    return reverse("roi:project_tracking", args=[project.pk]) + anchor


@require_project(Action.VIEW)
def tracking(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The tracking dashboard; before tracking, what it takes to start it."""
    project = access.project
    if project.status != ProjectStatus.TRACKING:
        return render(request, "roi/tracking/not_tracked.html", {
            "access": access, "project": project,
            "can_start": access.can_edit and project.status == ProjectStatus.APPROVED,
        })
    overview = project_overview(project)
    result = overview.result
    tracked = result.tracking
    fmt = Formatter(lang=active_language(), currency=project.currency)
    approved = approved_figures(project)
    titles = overview.catalogue.post_titles
    posts = [(titles.get(p.category, p.category), p) for p in
             (*tracked.costs_by_post, *tracked.gains_by_post)
             if p.plan_horizon or p.reforecast_horizon or p.actual or p.plan]
    reviews = project_reviews(project)
    milestones = due_reviews(project, today=timezone.localdate(), reviews=reviews)
    chart = {compact: mark_safe(tracking_svg(  # noqa: S308 — escaped by the chart builder
        tracked, approved_payback=approved["payback_months"], lang=fmt.lang,
        currency=project.currency, compact=compact)) for compact in (False, True)}
    return render(request, "roi/tracking/dashboard.html", {
        "access": access, "project": project, "tracking": tracked, "result": result,
        "reforecast": tracked.reforecast, "approved": approved, "fmt": fmt,
        "cost_posts": [row for row in posts if row[1].kind == "cost"],
        "gain_posts": [row for row in posts if row[1].kind == "gain"],
        "warnings": [warning_text(w) for w in tracked.warnings],
        "chart_wide": chart[False], "chart_compact": chart[True],
        "milestones": milestones, "next_review": next_review(milestones),
        "month_form": MonthForm(initial={"as_of_month": project.as_of_month},
                                horizon_months=project.horizon_months),
        "can_close": (project.as_of_month or 0) < project.horizon_months,
    })


@require_project(Action.EDIT)
def tracking_start(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    if project.status == ProjectStatus.TRACKING:
        return redirect(_tracking_url(project))
    form = TrackingStartForm(request.POST or None, horizon_months=project.horizon_months,
                             initial={"go_live_date": project.start_date, "as_of_month": 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.tracking_start(project=project, user=request.user,
                                    go_live_date=form.cleaned_data["go_live_date"],
                                    as_of_month=form.cleaned_data["as_of_month"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le projet est en suivi : saisissez les réels des mois "
                                        "clos."))
            return redirect(reverse("roi:project_actuals", args=[project.pk]))
    return render(request, "roi/tracking/start.html", {
        "access": access, "project": project, "form": form,
        "approved": project.status == ProjectStatus.APPROVED,
    })


@require_project(Action.EDIT)
def tracking_month(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """POST ``close`` (with ``expected``, the month the user saw) closes the next month; POST
    ``as_of_month`` sets the last closed month."""
    project = access.project
    if request.method != "POST":
        return redirect(_tracking_url(project))
    try:
        if "as_of_month" in request.POST:
            form = MonthForm(request.POST, horizon_months=project.horizon_months)
            if not form.is_valid():
                for error in form.errors.get("as_of_month", []):
                    messages.error(request, error)
                return redirect(_tracking_url(project))
            services.tracking_set_month(project=project, user=request.user,
                                        as_of_month=form.cleaned_data["as_of_month"])
        else:
            expected = request.POST.get("expected", "")
            services.tracking_close_month(
                project=project, user=request.user,
                expected=int(expected) if expected.isdigit() else None)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(_tracking_url(project))
    messages.success(request, _("Dernier mois clos : %(m)s.") % {"m": project.as_of_month})
    return redirect(reverse("roi:project_actuals", args=[project.pk]))


def _grid_page(request, access, *, form: GridForm, overview, status: int = 200,
               line_form: UnplannedLineForm | None = None) -> HttpResponse:
    project = access.project
    fmt = Formatter(lang=active_language(), currency=project.currency)
    return render(request, "roi/tracking/actuals.html", {
        "access": access, "project": project, "grid": form.grid, "form": form, "fmt": fmt,
        "errors": form.errors, "cell_name": cell_name,
        "line_form": line_form or UnplannedLineForm(
            post_titles=overview.catalogue.post_titles),
    }, status=status)


@require_project(Action.VIEW)
def actuals(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """The monthly actuals grid: lines × closed months, by post. Editors save it in one POST
    (the decorator answers 403 to a read-only role's POST)."""
    project = access.project
    if project.status != ProjectStatus.TRACKING:
        return redirect(_tracking_url(project))
    overview = project_overview(project)
    grid = tracking_grid(overview, overview.result.tracking)
    form = GridForm(grid, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return _grid_page(request, access, form=form, overview=overview, status=422)
        try:
            saved = services.actuals_save(project=project, user=request.user,
                                          values=form.values)
        except ServiceError as error:
            messages.error(request, str(error))
            return _grid_page(request, access, form=form, overview=overview, status=422)
        changed = saved.created + saved.updated + saved.deleted
        messages.success(request, _("Réels enregistrés (%(n)s cellule(s) modifiée(s)).")
                         % {"n": changed})
        return redirect(reverse("roi:project_actuals", args=[project.pk]))
    return _grid_page(request, access, form=form, overview=overview)


@require_project(Action.EDIT)
def unplanned_add(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    if request.method != "POST" or project.status != ProjectStatus.TRACKING:
        return redirect(_tracking_url(project))
    overview = project_overview(project)
    form = UnplannedLineForm(request.POST, post_titles=overview.catalogue.post_titles)
    if form.is_valid():
        kind, category = form.kind_and_category
        try:
            services.unplanned_line_add(project=project, user=request.user, kind=kind,
                                        category=category, label=form.cleaned_data["label"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ligne non prévue ajoutée : saisissez ses réels."))
            return redirect(reverse("roi:project_actuals", args=[project.pk]))
    grid = tracking_grid(overview, overview.result.tracking)
    return _grid_page(request, access, form=GridForm(grid), overview=overview, status=422,
                      line_form=form)


@require_project(Action.EDIT)
def review_record(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """Record the next due review (or another milestone not recorded yet)."""
    project = access.project
    if project.status != ProjectStatus.TRACKING:
        return redirect(_tracking_url(project))
    milestones = due_reviews(project, today=timezone.localdate())
    pending = next_review(milestones)
    if pending is None:
        messages.info(request, _("Toutes les revues de l’horizon sont enregistrées."))
        return redirect(_tracking_url(project))
    form = ReviewForm(request.POST or None, milestones=milestones,
                      members=members_of(project.client),
                      initial={"months_after_go_live": pending.months,
                               "held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.review_record(
                project=project, user=request.user,
                months_after_go_live=data["months_after_go_live"], held_on=data["held_on"],
                comment=data["comment"], decision=data["decision"], actions=data["actions"])
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Revue à %(n)s mois enregistrée.")
                             % {"n": review.months_after_go_live})
            return redirect(_tracking_url(project, "#reviews"))
    return render(request, "roi/tracking/review_form.html", {
        "access": access, "project": project, "form": form, "pending": pending,
    }, status=422 if request.method == "POST" else 200)
