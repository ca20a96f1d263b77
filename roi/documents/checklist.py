"""The printable checklist: blank (public, in the visitor's language) or pre-filled with a
project's amounts per sub-item and the status of each sub-item (the completeness rule)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import override

from checklist.catalogue.completeness import Completeness
from checklist.catalogue.models import RECURRENCE_CHOICES, CatalogueVersion
from checklist.catalogue.reader import CatalogueInfo, catalogue_info, file_version
from roi.calculation import Case, case_to_json
from roi.documents.cache import cache_get, cached, document_key
from roi.documents.dossier import headline_cells, line_totals, short_help
from roi.documents.pdf import html_to_pdf, stylesheet
from roi.formats import Formatter, active_language, currency_symbol
from roi.projects.models import RoiProject
from roi.projects.selectors import ProjectOverview, project_overview

__all__ = ["checklist_context", "checklist_filename", "render_checklist"]


def _posts(catalogue: CatalogueInfo, fmt: Formatter, *, case: Case | None,
           state: Completeness | None) -> list[dict]:
    recurrences = {code: str(label) for code, label in RECURRENCE_CHOICES}
    amounts: dict[str, Decimal] = {}
    other_lines: dict[str, list[dict]] = {}
    post_totals: dict[str, Decimal] = {}
    if case is not None:
        cost_totals, gain_totals = line_totals(case)
        for item, (total, _raw) in (*zip(case.costs, cost_totals, strict=True),
                                    *zip(case.gains, gain_totals, strict=True)):
            post_totals[item.category] = post_totals.get(item.category, Decimal(0)) + total
            if item.subitem:
                amounts[item.subitem] = amounts.get(item.subitem, Decimal(0)) + total
            else:
                other_lines.setdefault(item.category, []).append(
                    {"label": item.label or "—", "amount": fmt.money(total)})
    statuses = ({item.code: item for post in state.posts for item in post.items}
                if state is not None else {})
    posts = []
    for post in catalogue.posts:
        items = []
        for item in post.items:
            status = statuses.get(item.code)
            items.append({
                "title": item.title, "help": short_help(item.help),
                "recurrence": recurrences.get(item.default_recurrence, ""),
                "status": status.status if status else "",
                "reason": status.reason if status else "",
                "amount": fmt.money(amounts[item.code]) if item.code in amounts else "",
            })
        posts.append({
            "code": post.code, "kind": post.kind, "order": post.order, "title": post.title,
            "help": short_help(post.help, 220), "items": items,
            "other_lines": other_lines.get(post.code, []),
            "total": fmt.money(post_totals[post.code]) if post.code in post_totals else "",
        })
    return posts


def checklist_context(overview: ProjectOverview | None = None, *,
                      catalogue: CatalogueInfo | None = None) -> dict:
    """The checklist's context in the active language: blank (``catalogue``), or pre-filled
    with the project's amounts per sub-item (totals over the horizon) and their status."""
    lang = active_language()
    if overview is None:
        catalogue = catalogue or catalogue_info(CatalogueVersion.current(), lang)
        case, state, fmt = None, None, Formatter(lang=lang)
    else:
        catalogue, case, state = overview.catalogue, overview.case, overview.completeness
        fmt = Formatter(lang=lang, currency=case.currency)
    posts = _posts(catalogue, fmt, case=case, state=state)
    context = {
        "lang": lang, "catalogue": catalogue, "prefilled": overview is not None,
        "cost_posts": [p for p in posts if p["kind"] == "cost"],
        "gain_posts": [p for p in posts if p["kind"] == "gain"],
        "currency_symbol": currency_symbol(fmt.currency),
        "stylesheet": mark_safe(stylesheet()),  # our own static file, no user text
        "edition_date": date_format(timezone.localdate(), "DATE_FORMAT"),
    }
    if overview is not None:
        project, headline = overview.project, overview.result.headline
        context.update({
            "project_name": project.name, "client_name": project.client.name,
            "horizon_months": case.horizon_months,
            "headline": headline_cells(headline, fmt),
            "roi_defined": headline.roi_percent is not None,
            "formula_costs": fmt.money(headline.total_costs),
            "formula_gains": fmt.money(headline.total_gains),
        })
    return context


def _html(context: dict) -> str:
    return render_to_string("pdf/checklist.html", context)


def render_checklist(project: RoiProject | None = None, *, use_database: bool = True) -> bytes:
    """The checklist as PDF bytes: blank in the active language, or pre-filled with the
    project's figures in the project's language; cached like the dossier.

    ``use_database=False`` (blank only) renders the catalogue file shipped with the code,
    without the cache: the command line uses it when no database is available.
    """
    if project is None:
        if not use_database:
            return html_to_pdf(_html(checklist_context(catalogue=catalogue_info(None))))
        lang = active_language()
        version = CatalogueVersion.current()
        key = document_key("checklist", [lang, version.version if version else file_version(),
                                         version.pk if version else None])
        return cached(key, lambda: html_to_pdf(_html(checklist_context(
            catalogue=catalogue_info(version, lang)))))

    lang = project.language or settings.LANGUAGE_CODE
    overview = project_overview(project, lang=lang)
    key = _project_key(project, overview, lang)

    def build() -> bytes:
        with override(lang):
            return html_to_pdf(_html(checklist_context(overview)))

    return cached(key, build)


def checklist_ready(project: RoiProject) -> bytes | None:
    """The project's pre-filled checklist if it is in the cache (never renders)."""
    lang = project.language or settings.LANGUAGE_CODE
    return cache_get(_project_key(project, project_overview(project, lang=lang), lang))


def _project_key(project: RoiProject, overview: ProjectOverview, lang: str) -> str:
    return document_key("checklist", [
        case_to_json(overview.case), project.pk, project.name, project.client.name, lang,
        sorted((a.subitem_id, a.status, a.reason) for a in overview.answers.values()),
        overview.catalogue_version.version if overview.catalogue_version else file_version(),
        timezone.localdate(),
    ])


def checklist_filename(project: RoiProject | None = None) -> str:
    if project is None:
        return "checklist-roi-crm.pdf"
    return f"checklist-roi-{slugify(project.name) or 'projet'}.pdf"
