"""The results document (method §5): what ``roi_compute`` prints, JSON-ready.

Money, percentages and months are strings with two decimals, rounded half-up
(``"45000.00"``, ``"22.22"``, ``"9.00"``); null where the figure is undefined.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from roi.calculation.engine import CaseResult, PostTotal
from roi.calculation.figures import ByYear, CaseWarning, Headline, Totals
from roi.calculation.money import quantize_money
from roi.calculation.tracking import PostTracking, TrackingResult

__all__ = [
    "HEADLINE_KEYS",
    "REFORECAST_KEYS",
    "TRACKING_MONEY_KEYS",
    "format_2dp",
    "headline_document",
    "results_document",
    "tracking_document",
    "warning_document",
]

# The keys the method requires for the headline and for each horizon, in this order.
HEADLINE_KEYS: tuple[str, ...] = (
    "total_costs",
    "total_gains",
    "total_gains_unadjusted",
    "net_gain",
    "roi_percent",
    "payback_months",
    "npv",
    "irr_percent",
    "discounted_payback_months",
)
# Method §6: the money figures of ``tracking`` over the closed months (two-decimal strings) …
TRACKING_MONEY_KEYS: tuple[str, ...] = (
    "plan_costs",
    "plan_gains",
    "actual_costs",
    "actual_gains",
    "cost_variance",
    "gain_variance",
    "actual_net",
    "actual_roi_percent",
)
# … and the headline keys of its ``reforecast`` (§6 lists eight: no unadjusted total).
REFORECAST_KEYS: tuple[str, ...] = tuple(
    key for key in HEADLINE_KEYS if key != "total_gains_unadjusted"
)


def format_2dp(value: Decimal | None) -> str | None:
    """``Decimal("22.2222…")`` -> ``"22.22"`` (half-up, no exponent); None -> None."""
    if value is None:
        return None
    return format(quantize_money(value), "f")


def headline_document(headline: Headline) -> dict[str, str | None]:
    """The nine headline figures as two-decimal strings (null where undefined)."""
    return {key: format_2dp(getattr(headline, key)) for key in HEADLINE_KEYS}


def _totals(totals: Totals) -> dict[str, str | None]:
    return {"costs": format_2dp(totals.costs), "gains": format_2dp(totals.gains),
            "net": format_2dp(totals.net)}


def _by_year(table: ByYear) -> dict[str, Any]:
    return {
        "years": [
            {"year": row.year, "first_month": row.first_month, "last_month": row.last_month,
             "costs": format_2dp(row.costs), "gains": format_2dp(row.gains),
             "net": format_2dp(row.net), "cumulative": format_2dp(row.cumulative)}
            for row in table.years
        ],
        "total": _totals(table.total),
        "present_value": _totals(table.present_value),
    }


def _posts(posts: tuple[PostTotal, ...]) -> list[dict[str, str | None]]:
    return [{"category": post.category, "total": format_2dp(post.total),
             "total_unadjusted": format_2dp(post.total_unadjusted)} for post in posts]


def _exact(value: Decimal | None) -> str | None:
    # KPI values keep the precision they were entered with (a churn rate of 0.085 is not 0.09).
    return None if value is None else format(value, "f")


def _param(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format_2dp(value)
    return str(value)


def warning_document(warning: CaseWarning) -> dict[str, Any]:
    """A warning as ``{"code", "params"}``, params as strings (Decimals with two decimals)."""
    return {"code": warning.code,
            "params": {key: _param(value) for key, value in warning.params.items()}}


def _tracked_posts(posts: tuple[PostTracking, ...], *, gains: bool) -> list[dict[str, Any]]:
    rows = []
    for post in posts:
        row = {"category": post.category, "plan": format_2dp(post.plan)}
        if gains:
            row["plan_unadjusted"] = format_2dp(post.plan_unadjusted)
        row |= {"actual": format_2dp(post.actual), "variance": format_2dp(post.variance)}
        rows.append(row)
    return rows


def tracking_document(tracking: TrackingResult | None) -> dict[str, Any] | None:
    """The ``tracking`` object of method §6, or None for a case that is not tracked.

    Required keys: ``as_of_month`` (integer), the :data:`TRACKING_MONEY_KEYS` as two-decimal
    strings (``actual_roi_percent`` null without actual cost), ``missing_actuals`` (integer) and
    ``reforecast`` with the :data:`REFORECAST_KEYS`. Extras: ``plan_gains_unadjusted``,
    ``lines`` (kind, index, category, label, plan, actual, variance, missing_months),
    ``costs_by_post`` and ``gains_by_post`` (plan, actual, variance; gains also
    plan_unadjusted), ``monthly`` (month, closed, plan_cumulative, reforecast_cumulative) and
    ``warnings``.
    """
    if tracking is None:
        return None
    document: dict[str, Any] = {"as_of_month": tracking.as_of_month}
    document |= {key: format_2dp(getattr(tracking, key)) for key in TRACKING_MONEY_KEYS}
    document["missing_actuals"] = tracking.missing_actuals
    document["reforecast"] = {
        key: format_2dp(getattr(tracking.reforecast, key)) for key in REFORECAST_KEYS
    }
    document["plan_gains_unadjusted"] = format_2dp(tracking.plan_gains_unadjusted)
    document["lines"] = [
        {"kind": line.kind, "index": line.index, "category": line.category,
         "label": line.label, "plan": format_2dp(line.plan), "actual": format_2dp(line.actual),
         "variance": format_2dp(line.variance), "missing_months": list(line.missing_months)}
        for line in tracking.lines
    ]
    document["costs_by_post"] = _tracked_posts(tracking.costs_by_post, gains=False)
    document["gains_by_post"] = _tracked_posts(tracking.gains_by_post, gains=True)
    document["monthly"] = [
        {"month": row.month, "closed": row.closed,
         "plan_cumulative": format_2dp(row.plan_cumulative),
         "reforecast_cumulative": format_2dp(row.reforecast_cumulative)}
        for row in tracking.monthly
    ]
    document["warnings"] = [warning_document(w) for w in tracking.warnings]
    return document


def results_document(result: CaseResult) -> dict[str, Any]:
    """The JSON-ready results of a computed case.

    Required keys (method §5): the nine headline figures over H, ``monthly`` (``month`` as an
    integer; ``costs``, ``gains`` (risk-adjusted), ``net``, ``cumulative`` as strings) and
    ``horizons`` keyed "6", "12", "24", "36". Extras: ``horizon_months``, ``currency``,
    ``by_year``, ``costs_by_post``, ``gains_by_post``, ``scenarios``, ``tornado``, ``warnings``
    (code and params as strings), ``kpis`` and ``tracking`` (method §6, null when the case has
    no as_of_month; see :func:`tracking_document`).
    """
    document: dict[str, Any] = headline_document(result.headline)
    document["monthly"] = [
        {"month": row.month, "costs": format_2dp(row.costs), "gains": format_2dp(row.gains),
         "net": format_2dp(row.net), "cumulative": format_2dp(row.cumulative)}
        for row in result.monthly
    ]
    document["horizons"] = {
        str(months): headline_document(headline) for months, headline in result.horizons.items()
    }
    document["horizon_months"] = result.horizon_months
    document["currency"] = result.currency
    document["by_year"] = _by_year(result.by_year)
    document["costs_by_post"] = _posts(result.costs_by_post)
    document["gains_by_post"] = _posts(result.gains_by_post)
    document["scenarios"] = [
        {"code": scenario.factors.code,
         "gains_factor": format(scenario.factors.gains_factor, "f"),
         "costs_factor": format(scenario.factors.costs_factor, "f"),
         **headline_document(scenario.headline)}
        for scenario in result.scenarios
    ]
    document["tornado"] = [
        {"category": bar.category, "kind": bar.kind, "roi_low": format_2dp(bar.roi_low),
         "roi_high": format_2dp(bar.roi_high), "spread": format_2dp(bar.spread)}
        for bar in result.tornado
    ]
    document["warnings"] = [warning_document(warning) for warning in result.warnings]
    document["kpis"] = [
        {"code": kpi.code, "baseline": _exact(kpi.baseline), "target": _exact(kpi.target),
         "actual": _exact(kpi.actual), "target_change": _exact(kpi.target_change),
         "target_change_percent": format_2dp(kpi.target_change_percent),
         "actual_change": _exact(kpi.actual_change),
         "actual_change_percent": format_2dp(kpi.actual_change_percent),
         "achievement_percent": format_2dp(kpi.achievement_percent),
         "assessment": kpi.assessment}
        for kpi in result.kpis
    ]
    document["tracking"] = tracking_document(result.tracking)
    return document
