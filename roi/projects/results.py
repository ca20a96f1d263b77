"""The results page (the wizard's summary step and the project's home): figures, charts,
scenarios, warnings and completeness, from the project's overview (computed once).

The figures' part of the page (templates/roi/_results.html: tiles, three charts in two layouts,
tables) depends only on the engine's results, the project's settings and the language, so it is
rendered once per revision and language (:func:`roi.projects.selectors.revision_cached`).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from roi.documents import charts
from roi.projects.selectors import ProjectOverview, revision_cached
from roi.texts import SCENARIO_NAMES, warning_text

RESULTS_TEMPLATE = "roi/_results.html"
COMPLETENESS_TEMPLATE = "roi/_completeness.html"  # answers and lines: the revision's too


def results_context(overview: ProjectOverview, *, can_edit: bool) -> dict:
    """What the results page and the summary step show: the completeness and the figures'
    part rendered (``results_html``), from the cache when this revision was shown before."""
    project = overview.project
    lang = (get_language() or "fr")[:2]
    def build() -> str:
        context = {"project": project, "can_edit": can_edit, **figures_context(overview)}
        return (render_to_string(COMPLETENESS_TEMPLATE, context)
                + render_to_string(RESULTS_TEMPLATE, context))

    html = revision_cached(project, overview.catalogue_version,
                           f"results:{lang}:{int(can_edit)}", build)
    return {"overview": overview,
            "results_html": mark_safe(html)}  # noqa: S308 - rendered by our templates


def figures_context(overview: ProjectOverview) -> dict:
    result = overview.figures  # no line loaded when the figures are cached
    lang = (get_language() or "fr")[:2]
    currency = overview.project.currency
    labels = overview.catalogue.post_titles
    horizons = [result.horizons[h] for h in sorted(result.horizons)]
    return {
        "overview": overview,
        "completeness": overview.completeness,
        "result": result,
        "headline": result.headline,
        "horizons": horizons,
        "scenarios": [(SCENARIO_NAMES.get(s.factors.code, s.factors.code), s)
                      for s in result.scenarios],
        "warnings": [warning_text(w, currency=result.case.currency) for w in result.warnings],
        "post_labels": labels,
        "cost_posts": [(labels.get(p.category, p.category), p) for p in result.costs_by_post
                       if p.total or p.total_unadjusted],
        "gain_posts": [(labels.get(p.category, p.category), p) for p in result.gains_by_post
                       if p.total or p.total_unadjusted],
        "tornado": [(labels.get(bar.category, bar.category), bar) for bar in result.tornado],
        # Each chart in its wide and compact layouts; CSS shows the one that fits its box.
        "cashflow_chart": mark_safe(
            charts.cashflow_svg(result, lang=lang, currency=currency)
            + charts.cashflow_svg(result, lang=lang, currency=currency, compact=True)),
        "posts_chart": mark_safe(
            charts.posts_svg(result, labels=labels, lang=lang)
            + charts.posts_svg(result, labels=labels, lang=lang, compact=True)),
        "tornado_chart": mark_safe(
            charts.tornado_svg(result, labels=labels, lang=lang)
            + charts.tornado_svg(result, labels=labels, lang=lang, compact=True)),
        "has_lines": overview.has_lines,
    }
