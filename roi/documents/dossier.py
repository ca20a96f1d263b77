"""The CODIR dossier: the project (or an interchange case) -> context -> HTML -> PDF bytes.

- :func:`build_dossier_context` gathers everything the dossier shows, formatted in its
  language (pure: no database); :func:`render_dossier` renders a project's dossier, served from
  the document cache when nothing it shows has changed; :func:`render_version_dossier` renders
  a frozen version from its own inputs, with its approval block; :func:`render_case_dossier`
  renders an interchange file (command line, no database).
- All figures come from the engine (:func:`roi.calculation.compute`); this module only formats
  them (:class:`roi.formats.Formatter`). Every user-provided text reaches the HTML through
  Django's autoescaping or the charts' own escaping, and none ever reaches CSS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from checklist.catalogue.completeness import (
    COUNTED,
    NOT_APPLICABLE,
    TODO,
    Completeness,
    completeness,
)
from checklist.catalogue.models import RECURRENCE_CHOICES, CatalogueVersion
from checklist.catalogue.reader import (
    CatalogueInfo,
    catalogue_from_file,
    catalogue_info,
    file_version,
)
from roi.assumptions.selectors import register_records
from roi.calculation import (
    EXTENDED_HORIZON_MONTHS,
    Case,
    CaseResult,
    LineItem,
    case_to_json,
    compute,
    item_totals,
    ltv_cac_assessment,
    ltv_cac_ratio,
    parse_case,
)
from roi.calculation.kpi import LTV_CAC_CODE, LTV_CAC_HEALTHY_MAX, LTV_CAC_HEALTHY_MIN
from roi.documents.cache import cache_get, cache_set, cached, document_key
from roi.documents.charts import cashflow_svg, posts_svg, tornado_svg
from roi.documents.comparison import OptionInfo, comparison_context
from roi.documents.pdf import html_to_pdf, stylesheet
from roi.documents.register import register_key, register_section
from roi.documents.tracking_report import tracking_section
from roi.formats import Formatter, irr_capped
from roi.projects.models import APPROVED_STATES, ProjectStatus, RoiProject
from roi.projects.selectors import (
    ProjectOverview,
    engine_cache_key,
    project_overview,
    rendering_version,
)
from roi.review.changes import Changes, change_rows, changes_since
from roi.review.models import ProjectVersion
from roi.review.selectors import (
    Approval,
    approval_from_version,
    latest_version,
    version_inputs,
)
from roi.texts import SCENARIO_NAMES, warning_text

__all__ = ["DossierMeta", "build_dossier_context", "dossier_cache_key", "dossier_context",
           "dossier_filename", "dossier_ready", "project_dossier", "render_case_dossier", "render_dossier",
           "render_version_dossier", "short_help", "version_filename"]


@dataclass(frozen=True)
class DossierMeta:
    """What the cover and the running header show besides the case's figures."""

    project_name: str
    client_name: str = ""
    status: str = ""
    # What the reader calls this edition: "v1" when it shows exactly approved version 1,
    # "Brouillon" otherwise (the internal revision counter is never shown), "" for a case file.
    version_label: str = ""
    edition_date: date | None = None
    crm_solution: str = ""
    users_count: int | None = None
    start_date: date | None = None
    lang: str = "fr"
    approval: Approval | None = None




def _scenario_label(code: str) -> str:
    return str(SCENARIO_NAMES.get(code, code))


def _recurrence_labels() -> dict[str, str]:
    return {code: str(label) for code, label in RECURRENCE_CHOICES}


def _period(item: LineItem, horizon: int) -> str:
    if item.recurrence == "once" or getattr(item.recurrence, "value", None) == "once":
        return _("M%(month)s") % {"month": item.start_month}
    end = item.end_month if item.end_month is not None else horizon
    if item.end_month is None:
        return _("M%(start)s → fin") % {"start": item.start_month}
    return _("M%(start)s–M%(end)s") % {"start": item.start_month, "end": end}


def _amount_detail(item: LineItem, fmt: Formatter) -> str:
    amount = fmt.money(item.amount)
    if item.quantity != 1:
        return f"{amount} × {fmt.number(item.quantity, _places(item.quantity))}"
    return amount


def _places(value: Decimal) -> int:
    exponent = Decimal(value).normalize().as_tuple().exponent
    return min(max(-exponent, 0), 2) if isinstance(exponent, int) else 0


def short_help(text: str, limit: int = 150) -> str:
    """The first sentence of a help text, cut at ``limit`` characters."""
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def kpi_value(value: Decimal | None, unit: str, fmt: Formatter) -> str:
    if value is None:
        return "—"
    if unit == "eur":
        return fmt.money(value)
    if unit == "percent":
        # Percent KPIs are entered in percentage points (12 means 12 %).
        return fmt.percent(value)
    if unit == "days":
        return _("%(days)s j") % {"days": fmt.number(value, _places(value))}
    if unit == "ratio":
        return fmt.number(value, 2)
    return fmt.number(value, _places(value))


def _assessment_text(assessment: str | None) -> str:
    return {
        "risk": _("à risque (moins de 3)"),
        "healthy": _("sain (de 3 à 5)"),
        "underinvested": _("acquisition sous-financée (plus de 5)"),
    }.get(assessment or "", "")


def _kpi_rows(result: CaseResult, catalogue: CatalogueInfo, fmt: Formatter) -> list[dict]:
    definitions = {kpi.code: kpi for kpi in catalogue.kpis}
    order = {kpi.code: index for index, kpi in enumerate(catalogue.kpis)}
    rows = []
    for progress in sorted(result.kpis, key=lambda k: order.get(k.code, len(order))):
        definition = definitions.get(progress.code)
        unit = definition.unit if definition else "count"
        change = ""
        if progress.target_change_percent is not None:
            sign = "+" if progress.target_change_percent > 0 else ""
            change = sign + fmt.percent(progress.target_change_percent, 1)
        rows.append({
            "code": progress.code,
            "name": definition.name if definition else progress.code,
            "baseline": kpi_value(progress.baseline, unit, fmt),
            "target": kpi_value(progress.target, unit, fmt),
            "change": change,
            "actual": kpi_value(progress.actual, unit, fmt),
            "has_actual": progress.actual is not None,
            "assessment": progress.assessment or "",
            "assessment_text": _assessment_text(progress.assessment),
            "is_ltv_cac": progress.code == LTV_CAC_CODE,
        })
    # LTV/CAC derived from the LTV and CAC targets when it was not entered itself.
    by_code = {k.code: k for k in result.kpis}
    if LTV_CAC_CODE not in by_code and "ltv" in by_code and "cac" in by_code:
        ratio = ltv_cac_ratio(by_code["ltv"].target, by_code["cac"].target)
        if ratio is not None:
            assessment = ltv_cac_assessment(ratio)
            definition = definitions.get(LTV_CAC_CODE)
            rows.append({
                "code": LTV_CAC_CODE,
                "name": definition.name if definition else "LTV/CAC",
                "baseline": kpi_value(ltv_cac_ratio(by_code["ltv"].baseline,
                                                     by_code["cac"].baseline), "ratio", fmt),
                "target": fmt.number(ratio, 2), "change": "", "actual": "—",
                "has_actual": False, "assessment": assessment or "",
                "assessment_text": _assessment_text(assessment), "is_ltv_cac": True,
                "derived": True,
            })
    return rows


def headline_cells(headline, fmt: Formatter) -> dict:
    return {
        "costs": fmt.money(headline.total_costs),
        "gains": fmt.money(headline.total_gains),
        "gains_unadjusted": fmt.money(headline.total_gains_unadjusted),
        "net": fmt.money(headline.net_gain),
        "net_negative": headline.net_gain < 0,
        "roi": fmt.percent(headline.roi_percent),
        "payback": fmt.payback(headline.payback_months, total_costs=headline.total_costs),
        "npv": fmt.money(headline.npv),
        "irr": fmt.irr(headline.irr_percent),
        "irr_capped": irr_capped(headline.irr_percent),
        "discounted_payback": fmt.payback(headline.discounted_payback_months,
                                          total_costs=headline.total_costs),
    }


def _decision(result: CaseResult, fmt: Formatter) -> dict:
    """What the "Décision demandée" box asks, from the figures: ``kind`` is ``empty`` (no
    line), ``no_cost``, ``late`` (not paid back within the horizon), ``negative`` (paid back
    once but a loss at the horizon) or ``positive``; ``later_payback`` is when the cumulative
    would come back (beyond the horizon), or "" if never within the format's 120 months."""
    headline = result.headline
    case = result.case
    later = ""
    for warning in result.warnings:
        if warning.code == "horizon_shorter_than_payback":
            value = warning.params.get("payback_months")
            later = fmt.months(value) if value is not None else ""
    if not case.costs and not case.gains:
        kind = "empty"
    elif headline.total_costs == 0:
        kind = "no_cost"
    elif headline.payback_months is None:
        kind = "late"
    elif headline.net_gain < 0:
        kind = "negative"
    else:
        kind = "positive"
    return {"kind": kind, "later_payback": later,
            "checked_months": EXTENDED_HORIZON_MONTHS}


def _capped_irrs(result: CaseResult, fmt: Formatter) -> list[dict]:
    """The IRRs shown as "> 1 000 %", with their exact figure (the appendix prints them)."""
    rows = []
    horizons = {result.horizon_months: result.headline, **result.horizons}
    for months, headline in sorted(horizons.items()):
        if irr_capped(headline.irr_percent):
            rows.append({"months": months, "exact": fmt.percent(headline.irr_percent),
                         "current": months == result.horizon_months})
    return rows


def _year_table(result: CaseResult, fmt: Formatter) -> dict:
    table = result.by_year
    columns = [
        {"title": _("Année %(year)s") % {"year": row.year},
         "months": _("M%(first)s–M%(last)s") % {"first": row.first_month, "last": row.last_month}}
        for row in table.years
    ]
    rows = [
        {"label": _("Coûts"), "cells": [fmt.money(r.costs) for r in table.years],
         "total": fmt.money(table.total.costs), "pv": fmt.money(table.present_value.costs)},
        {"label": _("Gains (ajustés du risque)"), "cells": [fmt.money(r.gains) for r in table.years],
         "total": fmt.money(table.total.gains), "pv": fmt.money(table.present_value.gains)},
        {"label": _("Flux net"), "cells": [fmt.money(r.net) for r in table.years],
         "total": fmt.money(table.total.net), "pv": fmt.money(table.present_value.net),
         "strong": True},
        {"label": _("Cumul en fin d’année"), "cells": [fmt.money(r.cumulative) for r in table.years],
         "total": "", "pv": ""},
    ]
    transposed = [
        {"title": column["title"], "months": column["months"],
         "cells": [row["cells"][index] for row in rows]}
        for index, column in enumerate(columns)
    ]
    return {"columns": columns, "rows": rows, "transposed": transposed,
            "wide": len(columns) > 4,
            "totals": [rows[0]["total"], rows[1]["total"], rows[2]["total"], ""],
            "pvs": [rows[0]["pv"], rows[1]["pv"], rows[2]["pv"], ""]}


def line_totals(case: Case) -> tuple[list[tuple[Decimal, Decimal]],
                                    list[tuple[Decimal, Decimal]]]:
    """Each line's (total over the horizon, total before risk adjustment), costs then gains,
    in the case's order (the engine's :func:`item_totals`)."""
    totals = item_totals(case)
    return totals[: len(case.costs)], totals[len(case.costs):]


def _post_sections(case: Case, result: CaseResult, catalogue: CatalogueInfo,
                   fmt: Formatter) -> tuple[list[dict], list[dict]]:
    cost_totals, gain_totals = line_totals(case)
    recurrences = _recurrence_labels()
    horizon = case.horizon_months

    def line_row(item: LineItem, totals: tuple[Decimal, Decimal], *, gain: bool) -> dict:
        recurrence = getattr(item.recurrence, "value", item.recurrence)
        row = {
            "label": item.label or "—",
            "recurrence": recurrences.get(recurrence, recurrence),
            "amount": _amount_detail(item, fmt),
            "period": _period(item, horizon),
            "total": fmt.money(totals[0]),
            "total_unadjusted": fmt.money(totals[1]),
        }
        if gain:
            row.update({
                "confidence": fmt.percent(Decimal(item.confidence) * 100, 0),
                "ramp_up": (_("%(months)s mois") % {"months": item.ramp_up_months}
                            if item.ramp_up_months else "—"),
                "margin": fmt.rate(item.margin) if item.margin is not None else "",
            })
        return row

    def sections(kind: str, items, totals, post_totals) -> list[dict]:
        by_post: dict[str, list[dict]] = {}
        for item, total in zip(items, totals, strict=True):
            by_post.setdefault(item.category, []).append(line_row(item, total,
                                                                   gain=kind == "gain"))
        totals_by_post = {p.category: p for p in post_totals}
        posts = catalogue.posts_of(kind)
        known = {post.code for post in posts}
        ordered = [(post.code, post.title, post.order) for post in posts]
        ordered += [(code, code, 99) for code in by_post if code not in known]
        result_sections = []
        for code, title, order in ordered:
            post_total = totals_by_post.get(code)
            if code not in by_post and (post_total is None or not post_total.total):
                continue
            result_sections.append({
                "code": code, "title": title, "order": order, "lines": by_post.get(code, []),
                "total": fmt.money(post_total.total if post_total else Decimal(0)),
                "total_unadjusted": fmt.money(post_total.total_unadjusted
                                              if post_total else Decimal(0)),
            })
        return result_sections

    return (sections("cost", case.costs, cost_totals, result.costs_by_post),
            sections("gain", case.gains, gain_totals, result.gains_by_post))



def _completeness_block(case: Case, state: Completeness) -> dict:
    """The checklist's completeness (the rule of :mod:`checklist.catalogue.completeness`) as
    the dossier's tables show it."""
    lines_without_subitem: dict[str, int] = {}
    for item in (*case.costs, *case.gains):
        if not item.subitem:
            lines_without_subitem[item.category] = lines_without_subitem.get(item.category, 0) + 1
    posts = [
        {"title": post.title, "order": post.order, "kind": post.kind,
         "counted": post.counted, "not_applicable": post.not_applicable, "todo": post.todo,
         "total": post.total,
         "counted_titles": [item.title for item in post.items if item.status == COUNTED],
         "other_lines": lines_without_subitem.get(post.code, 0)}
        for post in state.posts
    ]
    todo_by_post = [{"post": post.title,
                     "items": [item.title for item in post.items if item.status == TODO]}
                    for post in state.posts if post.todo]
    return {
        "posts": posts,
        "not_applicable": [{"post": post.title, "title": item.title, "reason": item.reason}
                           for post, item in state.items_with(NOT_APPLICABLE)],
        "todo_by_post": todo_by_post,
        "counted": state.counted, "not_applicable_count": state.not_applicable,
        "todo_count": state.todo, "total": state.total, "addressed_percent": state.percent,
    }


def build_dossier_context(*, case: Case, result: CaseResult, catalogue: CatalogueInfo,
                           completeness: Completeness, meta: DossierMeta) -> dict:
    """Everything the dossier template shows, formatted for display (pure: no database)."""
    fmt = Formatter(lang=meta.lang, currency=case.currency)
    headline = result.headline
    labels = catalogue.post_titles
    costs, gains = _post_sections(case, result, catalogue, fmt)
    scenarios = [
        {"label": _scenario_label(s.factors.code), "code": s.factors.code,
         "gains_factor": fmt.factor(s.factors.gains_factor),
         "costs_factor": fmt.factor(s.factors.costs_factor),
         **headline_cells(s.headline, fmt)}
        for s in result.scenarios
    ]
    by_code = {s.factors.code: s.headline for s in result.scenarios}
    horizons = [
        {"months": months, "current": months == result.horizon_months,
         **headline_cells(h, fmt)}
        for months, h in sorted(result.horizons.items())
    ]
    tornado = [
        {"title": labels.get(bar.category, bar.category),
         "kind": bar.kind, "low": fmt.percent(bar.roi_low), "high": fmt.percent(bar.roi_high),
         "spread": fmt.number(bar.spread)}
        for bar in result.tornado
    ]
    key_points = []
    if "conservative" in by_code and "optimistic" in by_code and headline.roi_percent is not None:
        key_points.append(_("Selon les scénarios, le ROI va de %(low)s (prudent) à %(high)s "
                            "(optimiste).") % {
            "low": fmt.percent(by_code["conservative"].roi_percent),
            "high": fmt.percent(by_code["optimistic"].roi_percent)})
    if result.tornado and result.tornado[0].roi_low is not None:
        bar = result.tornado[0]
        key_points.append(_("Poste le plus sensible : %(post)s (ROI de %(low)s à %(high)s "
                            "pour ±20 %%).") % {
            "post": labels.get(bar.category, bar.category),
            "low": fmt.percent(bar.roi_low), "high": fmt.percent(bar.roi_high)})
    if headline.total_gains != headline.total_gains_unadjusted:
        key_points.append(_("Les gains sont comptés après ajustement du risque : %(adjusted)s "
                            "au lieu de %(raw)s avant ajustement.") % {
            "adjusted": fmt.money(headline.total_gains),
            "raw": fmt.money(headline.total_gains_unadjusted)})
    warnings = [warning_text(w, currency=case.currency) for w in result.warnings]
    if warnings:
        key_points.append(ngettext(
            "%(count)s point d’attention relevé par la méthode (voir « Points d’attention »).",
            "%(count)s points d’attention relevés par la méthode (voir « Points d’attention »).",
            len(warnings)) % {"count": len(warnings)})

    assumptions = [
        {"kind": kind, "post": labels.get(item.category, item.category),
         "label": item.label or "—", "text": item.assumption}
        for kind, items in ((_("Coût"), case.costs), (_("Gain"), case.gains))
        for item in items if item.assumption.strip()
    ]
    status_labels = dict(ProjectStatus.choices)
    return {
        "lang": meta.lang,
        "meta": meta,
        "project_name": meta.project_name or case.name or _("Projet CRM"),
        "client_name": meta.client_name,
        "status": meta.status,
        "status_label": str(status_labels.get(meta.status, "")) if meta.status else "",
        "approval": meta.approval,
        "approval_date": date_format(timezone.localtime(meta.approval.approved_at).date(),
                                     "DATE_FORMAT") if meta.approval else "",
        "version_label": meta.version_label,
        "decision": _decision(result, fmt),
        "capped_irrs": _capped_irrs(result, fmt),
        "edition_date": date_format(meta.edition_date, "DATE_FORMAT") if meta.edition_date
        else "",
        "start_date": date_format(meta.start_date, "DATE_FORMAT") if meta.start_date else "",
        "crm_solution": meta.crm_solution,
        "users_count": meta.users_count,
        "currency": case.currency,
        "horizon_months": result.horizon_months,
        "discount_rate": fmt.rate(case.discount_rate),
        "headline": headline_cells(headline, fmt),
        "roi_defined": headline.roi_percent is not None,
        "payback_reached": headline.payback_months is not None,
        "net_negative": headline.net_gain < 0,
        "key_points": key_points,
        "years": _year_table(result, fmt),
        "horizons": horizons,
        "costs": costs,
        "gains": gains,
        "has_risk_adjustment": headline.total_gains != headline.total_gains_unadjusted,
        "benefits": list(case.qualitative_benefits),
        "kpis": _kpi_rows(result, catalogue, fmt),
        "ltv_cac_min": fmt.number(LTV_CAC_HEALTHY_MIN, 0),
        "ltv_cac_max": fmt.number(LTV_CAC_HEALTHY_MAX, 0),
        "scenarios": scenarios,
        "tornado": tornado,
        "completeness": _completeness_block(case, completeness),
        "warnings": warnings,
        "assumptions": assumptions,
        "catalogue": catalogue,
        "cashflow_svg": mark_safe(cashflow_svg(result, lang=meta.lang,
                                               currency=case.currency)),
        "posts_svg": mark_safe(posts_svg(result, labels=labels, lang=meta.lang)),
        "tornado_svg": mark_safe(tornado_svg(result, labels=labels,
                                             lang=meta.lang)),
        "stylesheet": mark_safe(stylesheet()),  # our own static file, no user text
    }


# --- projects ------------------------------------------------------------------------------


def _lang(project: RoiProject) -> str:
    return project.language or settings.LANGUAGE_CODE


def _version_label(approval: Approval | None) -> str:
    return f"v{approval.number}" if approval is not None and approval.current else _("Brouillon")


def _meta(project: RoiProject, lang: str, approval: Approval | None) -> DossierMeta:
    with override(lang):
        label = _version_label(approval)
    return DossierMeta(
        project_name=project.name, client_name=project.client.name, status=project.status,
        version_label=label, edition_date=timezone.localdate(),
        crm_solution=project.crm_solution, users_count=project.users_count,
        start_date=project.start_date, lang=lang, approval=approval,
    )


@dataclass
class _Inputs:
    """What a project's dossier is made of, read once: the cache key and the context share
    it, so checking the cache costs a handful of queries and no computation."""

    overview: ProjectOverview
    approval: Approval | None
    changes: Changes | None  # since the last approved version, when the dossier differs
    version: ProjectVersion | None = None  # the approved version this dossier is, exactly
    register: dict | None = None  # the assumption register's entries, by line id


def _inputs(project: RoiProject, *, latest: ProjectVersion | None,
            records: dict) -> _Inputs:
    overview = project_overview(project, lang=_lang(project))
    approval, changes, exact = None, None, None
    if latest is not None:
        changes = changes_since(latest, project, lines=overview.lines, case=overview.case)
        # Vouch for the approval only if this dossier shows exactly what was approved.
        current = project.status in APPROVED_STATES and not changes.any
        approval = approval_from_version(latest, current=current)
        if current:
            changes = None
        # A tracked project's dossier is today's (its tracking section changes every month),
        # under the approval of the plan it follows; an approved one is the frozen version.
        if current and project.status == ProjectStatus.APPROVED:
            exact = latest
    return _Inputs(overview, approval, changes, exact, records)


def _read_inputs(project: RoiProject) -> _Inputs:
    return _inputs(project, latest=latest_version(project), records=register_records(project))


def _key(kind: str, inputs: _Inputs) -> str:
    overview = inputs.overview
    project = overview.project
    version = overview.catalogue_version
    return document_key(kind, [
        case_to_json(overview.case), project.pk, project.name, project.client.name,
        project.status, overview.lang, project.crm_solution,
        project.users_count, project.start_date,
        sorted((a.subitem_id, a.status, a.reason) for a in overview.answers.values()),
        version.version if version else file_version(),
        inputs.approval.key() if inputs.approval else None,
        register_key(inputs.register or {}),
        # The edition date is printed on the cover: a dossier downloaded tomorrow says so.
        timezone.localdate(),
    ])


@dataclass(frozen=True)
class _Where:
    """Where a project's dossier is: its cache key, and the approved version it exactly is
    (whose frozen PDF it then is)."""

    key: str
    version_id: int | None


def _where(project: RoiProject) -> tuple[_Where, ProjectVersion | None, _Inputs | None]:
    """The dossier's :func:`_key`, worked out once per revision of the project's inputs.

    The key hashes everything the dossier shows, so working it out reads every line, answer
    and benefit. Those are all at the project's revision (each write bumps it, the key of the
    engine's results); what else the dossier shows is read here at each call and is part of
    the memo's own key: the project's details and status, the client's name, the last
    approved version, the assumption register, the edition date and the rendering code. A
    download of an unchanged project thus costs a few queries, whatever its lines. Returns
    the last approved version, and the inputs when they had to be read."""
    latest = latest_version(project)
    records = register_records(project)
    catalogue = CatalogueVersion.of(project)
    memo = document_key("dossier-at", [
        # updated_at: any save of the project's row, the admin site's included.
        engine_cache_key(project, catalogue), rendering_version(), project.updated_at,
        project.name,
        project.client.name, project.status, _lang(project), project.crm_solution,
        project.users_count, project.start_date,
        approval_from_version(latest).key() if latest else None,  # the approver's name...
        register_key(records), catalogue.version if catalogue else file_version(),
        timezone.localdate(),
    ])
    where = cache_get(memo)
    if isinstance(where, _Where):
        return where, latest, None
    inputs = _inputs(project, latest=latest, records=records)
    where = _Where(_key("dossier", inputs), inputs.version.pk if inputs.version else None)
    cache_set(memo, where)
    return where, latest, inputs


def dossier_cache_key(project: RoiProject) -> str:
    """The cache key of a project's dossier (a few queries, no computation, no rendering)."""
    return _where(project)[0].key


def _frozen_pdf(version_id: int) -> bytes | None:
    frozen = ProjectVersion.objects.filter(pk=version_id).values_list("pdf", flat=True).first()
    return bytes(frozen) if frozen else None


def _filename(where: _Where, latest: ProjectVersion | None, project: RoiProject) -> str:
    return (version_filename(latest) if where.version_id is not None
            else dossier_filename(project))


def dossier_ready(project: RoiProject) -> tuple[bytes | None, str]:
    """The dossier :func:`project_dossier` would return and its file name, if it is already
    there (the frozen version's PDF, or today's edition in the cache); ``None`` otherwise.
    Never renders: a few queries, no computation."""
    where, latest, _ = _where(project)
    # An approved project shows its last approved version exactly: its frozen PDF.
    frozen = _frozen_pdf(where.version_id) if where.version_id is not None else None
    return frozen or cache_get(where.key), _filename(where, latest, project)


def _context(inputs: _Inputs) -> dict:
    overview = inputs.overview
    context = build_dossier_context(
        case=overview.case, result=overview.result, catalogue=overview.catalogue,
        completeness=overview.completeness,
        meta=_meta(overview.project, overview.lang, inputs.approval),
    )
    context["changes"] = inputs.changes
    fmt = Formatter(lang=overview.lang, currency=overview.case.currency)
    if inputs.changes is not None:
        context["change_rows"] = change_rows(inputs.changes, fmt)
    # After go-live, once a month is closed: plan against actual and the reforecast.
    context["tracking"] = tracking_section(overview, overview.result, fmt)
    context["register"] = register_section(overview, fmt, today=timezone.localdate(),
                                           records=inputs.register or {})
    return context


def dossier_context(project: RoiProject) -> dict:
    """Everything the CODIR dossier shows for ``project``, formatted in the project's
    language, in a constant number of queries whatever the number of lines."""
    inputs = _read_inputs(project)
    with override(inputs.overview.lang):
        return _context(inputs)


# The sections a dossier prints only when it has them, in their order: numbered from 08 on.
OPTIONAL_SECTIONS = ("register", "tracking", "options_studied")


def _html(context: dict) -> str:
    present = [key for key in OPTIONAL_SECTIONS
               if context.get(key) and (key != "register" or context[key].get("rows"))]
    numbers = {key: f"{8 + index:02d}" for index, key in enumerate(present)}
    return render_to_string("pdf/dossier.html", {**context, "section_numbers": numbers})


def render_dossier(project: RoiProject) -> bytes:
    """The project's CODIR dossier as PDF bytes, from the cache when nothing has changed."""
    return project_dossier(project)[0]


def project_dossier(project: RoiProject) -> tuple[bytes, str]:
    """The project's dossier and its file name. When the project is approved and unchanged,
    that is the approved version's own frozen PDF, named after it (``…-v1.pdf``), the same
    bytes as its version link; otherwise today's edition of the draft (``…-brouillon.pdf``),
    from the cache when nothing has changed."""
    where, latest, inputs = _where(project)
    filename = _filename(where, latest, project)
    frozen = _frozen_pdf(where.version_id) if where.version_id is not None else None
    if frozen:
        return frozen, filename

    def pdf(read: _Inputs) -> bytes:
        with override(read.overview.lang):
            return html_to_pdf(_html(_context(read)))

    if inputs is not None:
        return cached(where.key, lambda: pdf(inputs)), filename
    content = cache_get(where.key)
    if content is None:
        # Read now, after the key was worked out: an edit committed in between is in what is
        # rendered, so the PDF is stored under the key of what it shows.
        read = _read_inputs(project)
        content = cached(_key("dossier", read), lambda: pdf(read))
    return content, filename


def render_version_dossier(version: ProjectVersion) -> bytes:
    """The dossier of a frozen version, from its own frozen inputs: the approved case, the
    catalogue and the answers it was approved with, the project's details as they were then;
    with its approval block."""
    project = version.project
    frozen = version_inputs(version)
    lang = frozen.language or settings.LANGUAGE_CODE
    case = parse_case(version.case)
    catalogue_version = version.catalogue or CatalogueVersion.of(project)
    catalogue = catalogue_info(catalogue_version, lang)
    not_applicable = frozen.not_applicable
    if not_applicable is None:  # a version frozen before its answers were recorded
        not_applicable = project_overview(project, lang=lang).not_applicable
    state = completeness(catalogue, counted={i.subitem for i in (*case.costs, *case.gains)
                                             if i.subitem},
                         not_applicable=not_applicable)
    approval = approval_from_version(version)
    with override(lang):
        context = build_dossier_context(
            case=case, result=compute(case), catalogue=catalogue, completeness=state,
            meta=DossierMeta(
                project_name=case.name or project.name, client_name=frozen.client_name,
                status=ProjectStatus.APPROVED, version_label=_version_label(approval),
                edition_date=timezone.localdate(version.approved_at),
                crm_solution=frozen.crm_solution, users_count=frozen.users_count,
                start_date=frozen.start_date, lang=lang, approval=approval),
        )
        context["options_studied"] = options_studied(version.choice, lang=lang,
                                                     catalogue=catalogue)
        return html_to_pdf(_html(context))


def options_studied(choice: dict, *, lang: str, catalogue: CatalogueInfo) -> dict | None:
    """The "Options étudiées" section of a version approved as a decision's chosen option:
    the comparison frozen at approval (``ProjectVersion.choice``), formatted; None without."""
    if not choice or not choice.get("comparison"):
        return None
    infos = [OptionInfo(option["name"], option.get("todo"), option.get("total"))
             for option in choice["options"]]
    context = comparison_context(choice["comparison"], options=infos, lang=lang,
                                 catalogue=catalogue)
    return {
        "decision_name": choice["decision_name"],
        "chosen_name": infos[choice["chosen"]].name,
        "count": len(infos),
        "html": mark_safe(render_to_string("pdf/_comparison.html", context)),
    }


def render_case_dossier(case: Case, *, client_name: str = "", lang: str = "fr") -> bytes:
    """The dossier of an interchange case (command line): no database, no cache."""
    lang = lang if lang in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with override(lang):
        catalogue = catalogue_from_file(lang)
        context = build_dossier_context(
            case=case, result=compute(case), catalogue=catalogue,
            completeness=completeness(
                catalogue, counted={i.subitem for i in (*case.costs, *case.gains) if i.subitem},
                not_applicable={}),
            meta=DossierMeta(project_name=case.name, client_name=client_name,
                             edition_date=timezone.localdate(), lang=lang),
        )
        return html_to_pdf(_html(context))


def dossier_filename(project: RoiProject) -> str:
    """The file name of a draft's dossier (an approved one is named after its version)."""
    return f"dossier-codir-{slugify(project.name) or 'projet'}-brouillon.pdf"


def version_filename(version: ProjectVersion) -> str:
    return f"dossier-codir-{slugify(version.project.name) or 'projet'}-v{version.number}.pdf"
