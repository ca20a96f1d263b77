"""The one adapter from stored projects to the calculation engine.

``project_case`` turns a project into the engine's ``Case``: the web pages, the documents, the
exports, the tasks and the command line all compute from it. (The reverse, a case imported as
a new project, is the write ``roi.projects.services.case_import``.)
"""

from __future__ import annotations

from decimal import Decimal

from roi.calculation import (
    COST_CATEGORIES,
    GAIN_CATEGORIES,
    Case,
    KpiValue,
    LineItem,
    Recurrence,
    ScenarioFactors,
)
from roi.projects.models import LineItem as LineItemRow
from roi.projects.models import LineKind, RoiProject, kpis_with_measurements
from roi.tracking.models import LineActual


def project_scenarios(project: RoiProject) -> tuple[ScenarioFactors, ...]:
    return (
        ScenarioFactors("conservative", plain(project.conservative_gains_factor),
                        plain(project.conservative_costs_factor)),
        ScenarioFactors("expected", Decimal(1), Decimal(1)),
        ScenarioFactors("optimistic", plain(project.optimistic_gains_factor),
                        plain(project.optimistic_costs_factor)),
    )


def plain(value: Decimal | None) -> Decimal | None:
    """Drop the trailing zeros of the database's fixed scale: 12000.000000 -> 12000."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def line_to_item(row: LineItemRow, subitem_codes: dict[int, str],
                 actuals: dict[int, Decimal] | None = None) -> LineItem:
    """``actuals``: the line's reported actuals {month: amount} of the closed months."""
    is_gain = row.kind == LineKind.GAIN
    return LineItem(
        category=row.category, label=row.label, amount=plain(row.amount),
        recurrence=Recurrence(row.recurrence), quantity=plain(row.quantity),
        start_month=row.start_month, end_month=row.end_month,
        ramp_up_months=row.ramp_up_months if is_gain else 0,
        confidence=plain(row.confidence) if is_gain else Decimal(1),
        margin=plain(row.margin) if is_gain else None,
        assumption=row.assumption,
        subitem=subitem_codes.get(row.subitem_id) if row.subitem_id else None,
        actuals=tuple(actuals.items()) if actuals else (),
    )


POST_ORDER = {code: index for index, code in enumerate((*COST_CATEGORIES, *GAIN_CATEGORIES))}


def project_lines(project: RoiProject, *, category: str | None = None) -> list[LineItemRow]:
    """The project's lines in the checklist's order (post, then position): one query.

    Everything that lists lines (the engine's case, the wizard, the dossier, the exports) reads
    them through here, so that "cost no. 3" is the same line everywhere. ``category``: only
    the lines of that post (a wizard step), in the same order.
    """
    lines = project.line_items.select_related("subitem")
    if category is not None:
        lines = lines.filter(category=category)
    return sorted(lines, key=lambda r: (POST_ORDER.get(r.category, 99), r.position, r.pk))


def project_actuals(project: RoiProject) -> dict[int, dict[int, Decimal]]:
    """Line id -> {month: amount} of the reported actuals of the closed months 1..A (one query;
    none before tracking). An actual of a month after A (A moved back) is kept but not counted.
    """
    if project.as_of_month is None or project.pk is None:
        return {}
    by_line: dict[int, dict[int, Decimal]] = {}
    rows = LineActual.objects.filter(
        line__project=project, month__lte=project.as_of_month
    ).values_list("line_id", "month", "amount").order_by("line_id", "month")
    for line_id, month, amount in rows:
        by_line.setdefault(line_id, {})[month] = plain(amount)
    return by_line


def project_case(project: RoiProject, *, lines=None, benefits=None, kpis=None,
                 actuals=None) -> Case:
    """The engine's input for a project, in three queries (or none when rows are given), and
    one more for the actuals of a tracked project (``actuals``: :func:`project_actuals`).

    A tracked project's case carries ``as_of_month`` (the last closed month, capped at the
    horizon) and, on each line, its actuals: ``compute(case).tracking`` is then set.
    """
    if lines is None:
        lines = project_lines(project)
    if benefits is None:
        benefits = list(project.qualitative_benefits.all())
    if kpis is None:
        kpis = list(kpis_with_measurements(project))
    if actuals is None:
        actuals = project_actuals(project)
    codes = {row.subitem_id: row.subitem.code for row in lines if row.subitem_id}
    as_of_month = (None if project.as_of_month is None
                   else min(project.as_of_month, project.horizon_months))
    if as_of_month is not None and as_of_month < project.as_of_month:
        actuals = {line: {m: a for m, a in months.items() if m <= as_of_month}
                   for line, months in actuals.items()}
    return Case(
        name=project.name, currency=project.currency, horizon_months=project.horizon_months,
        discount_rate=plain(project.discount_rate),
        costs=tuple(line_to_item(r, codes, actuals.get(r.pk))
                    for r in lines if r.kind == LineKind.COST),
        gains=tuple(line_to_item(r, codes, actuals.get(r.pk))
                    for r in lines if r.kind == LineKind.GAIN),
        qualitative_benefits=tuple(b.text for b in benefits),
        scenarios=project_scenarios(project),
        kpis=tuple(KpiValue(k.code, plain(k.baseline), plain(k.target), plain(k.actual))
                   for k in kpis),
        as_of_month=as_of_month,
    )
