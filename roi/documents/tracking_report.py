"""Tracking in the documents: the dossier's tracking section and the "Bilan à N mois" PDF of a
review (plan against actual, the reforecast against the approved version, the KPIs, the
decision and its actions). Every figure comes from ``compute(case).tracking``."""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from roi.calculation import CaseResult
from roi.documents.cache import cache_get, cached, document_key
from roi.documents.charts import tracking_svg
from roi.documents.pdf import html_to_pdf, stylesheet
from roi.formats import Formatter
from roi.projects.models import RoiProject
from roi.projects.selectors import ProjectOverview, project_overview
from roi.review.selectors import approved_figures
from roi.texts import warning_text
from roi.tracking.models import TrackingReview
from roi.tracking.selectors import project_reviews

__all__ = ["render_review_report", "review_report_filename", "tracking_section"]


def tracking_section(overview: ProjectOverview, result: CaseResult, fmt: Formatter
                     ) -> dict | None:
    """What the documents print of the tracking (None before a month is closed): figures
    formatted in ``fmt``'s language and currency, and the chart."""
    tracking = result.tracking
    if tracking is None or tracking.as_of_month == 0:
        return None
    approved = approved_figures(overview.project)
    titles = overview.catalogue.post_titles
    reforecast = tracking.reforecast

    def post_rows(posts):
        return [{"label": titles.get(p.category, p.category), "plan": fmt.money(p.plan),
                 "actual": fmt.money(p.actual), "variance": fmt.money(p.variance),
                 "over": p.variance > 0 if p.kind == "cost" else p.variance < 0,
                 "plan_horizon": fmt.money(p.plan_horizon),
                 "reforecast_horizon": fmt.money(p.reforecast_horizon)}
                for p in posts if p.plan or p.actual or p.plan_horizon or p.reforecast_horizon]

    go_live = overview.project.go_live_date
    return {
        "as_of_month": tracking.as_of_month,
        "go_live_date": date_format(go_live, "DATE_FORMAT") if go_live else "",
        "plan_costs": fmt.money(tracking.plan_costs),
        "actual_costs": fmt.money(tracking.actual_costs),
        "cost_variance": fmt.money(tracking.cost_variance),
        "plan_gains": fmt.money(tracking.plan_gains),
        "actual_gains": fmt.money(tracking.actual_gains),
        "gain_variance": fmt.money(tracking.gain_variance),
        "actual_roi": fmt.percent(tracking.actual_roi_percent),
        "missing_actuals": tracking.missing_actuals,
        "reforecast_roi": fmt.percent(reforecast.roi_percent),
        "reforecast_payback": fmt.payback(reforecast.payback_months,
                                          total_costs=reforecast.total_costs),
        "reforecast_net": fmt.money(reforecast.net_gain),
        "approved_number": approved["number"],
        "approved_roi": fmt.percent(approved["roi_percent"]),
        "approved_payback": fmt.payback(approved["payback_months"],
                                        total_costs=approved["total_costs"]),
        "approved_net": fmt.money(approved["net_gain"]),
        "costs": post_rows(tracking.costs_by_post),
        "gains": post_rows(tracking.gains_by_post),
        "warnings": [warning_text(w) for w in tracking.warnings],
        "chart": mark_safe(tracking_svg(  # noqa: S308 — the chart escapes every text
            tracking, approved_payback=approved["payback_months"], lang=fmt.lang,
            currency=fmt.currency)),
    }


def _kpis(overview: ProjectOverview, result: CaseResult, fmt: Formatter) -> list[dict]:
    definitions = {kpi.code: kpi for kpi in overview.catalogue.kpis}
    rows = []
    for progress in result.kpis:
        definition = definitions.get(progress.code)
        rows.append({"name": definition.name if definition else progress.code,
                     "baseline": "—" if progress.baseline is None else fmt.number(progress.baseline),
                     "target": "—" if progress.target is None else fmt.number(progress.target),
                     "actual": "—" if progress.actual is None else fmt.number(progress.actual)})
    return rows


def _review(project: RoiProject, months: int) -> TrackingReview:
    review = next((r for r in project_reviews(project) if r.months_after_go_live == months),
                  None)
    if review is None:
        raise Http404
    return review


def review_of(project: RoiProject, months: int) -> TrackingReview:
    """The review recorded at ``months`` after go-live (404 when there is none)."""
    return _review(project, months)


def _report_key(review: TrackingReview) -> str:
    # What the report shows: the review (recorded once per milestone), the project's inputs
    # and actuals at this revision, its language, today's edition date.
    project = review.project
    return document_key("review-report", [review.pk, project.pk, project.revision,
                                          project.language, timezone.localdate()])


def review_report_ready(review: TrackingReview) -> bytes | None:
    """The report :func:`review_report` would return, if already rendered (never renders)."""
    return cache_get(_report_key(review))


def review_report(review: TrackingReview) -> bytes:
    """The "Bilan à N mois" PDF of ``review``, from the document cache when nothing it shows
    has changed. Slow when not cached: the workers call it (roi.documents.prepared)."""
    return cached(_report_key(review), lambda: render_review_report(
        review.project, review.months_after_go_live))


def render_review_report(project: RoiProject, months: int) -> bytes:
    """The "Bilan à N mois" PDF of the review recorded at ``months`` after go-live (404 when
    there is none), in the project's language (a few pages; rendered by a worker)."""
    review = _review(project, months)
    lang = project.language or "fr"
    with override(lang):
        overview = project_overview(project, lang=lang)
        result = overview.result
        fmt = Formatter(lang=lang, currency=project.currency)
        context = {
            "lang": lang, "project": project, "client_name": project.client.name,
            "review": review, "months": months,
            "held_on": date_format(review.held_on, "DATE_FORMAT"),
            "reviewer": (review.reviewer.get_full_name() or review.reviewer.email)
            if review.reviewer else "—",
            "actions": [{"description": a.description,
                         "owner": (a.owner.user.get_full_name() or a.owner.user.email)
                         if a.owner else "—",
                         "due": date_format(a.due_date, "DATE_FORMAT") if a.due_date else "—"}
                        for a in review.actions.all()],
            "tracking": tracking_section(overview, result, fmt),
            "kpis": _kpis(overview, result, fmt),
            "edition_date": date_format(timezone.localdate(), "DATE_FORMAT"),
            "stylesheet": mark_safe(stylesheet()),  # our own static file, no user text
            "title": _("Bilan à %(n)s mois") % {"n": months},
        }
        return html_to_pdf(render_to_string("pdf/review_report.html", context))


def review_report_filename(project: RoiProject, months: int) -> str:
    return f"bilan-{months}-mois-{slugify(project.name) or 'projet'}.pdf"
