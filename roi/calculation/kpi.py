"""KPI arithmetic (method §4; seeds 001, 003, 004).

Every function is None-safe: a missing input or a division by zero gives None ("n/a"), never an
exception and never infinity. Rates are fractions (0.20 = 20 %) unless a name says percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from roi.calculation.model import KpiValue

__all__ = [
    "LTV_CAC_HEALTHY_MAX",
    "LTV_CAC_HEALTHY_MIN",
    "KpiProgress",
    "cac",
    "kpi_progress",
    "ltv",
    "ltv_cac_assessment",
    "ltv_cac_ratio",
]

# Seed 003: "un seuil minimal de 3:1 … un ratio supérieur à 5 signifie que l'entreprise pourrait
# exploiter davantage ses ressources d'acquisition".
LTV_CAC_HEALTHY_MIN = Decimal(3)
LTV_CAC_HEALTHY_MAX = Decimal(5)
LTV_CAC_CODE = "ltv_cac"

_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


def _divide(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return _CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def cac(acquisition_spend: Decimal | None, new_customers: Decimal | None) -> Decimal | None:
    """Customer acquisition cost = acquisition_spend / new_customers.

    Units: spend in currency over a period, customers won over the same period; result in
    currency per customer. None when there is no new customer.
    """
    return _divide(acquisition_spend, new_customers)


def ltv(annual_revenue_per_customer: Decimal | None, gross_margin: Decimal | None,
        annual_churn_rate: Decimal | None) -> Decimal | None:
    """Lifetime value = annual revenue per customer × gross margin / annual churn rate.

    Units: revenue in currency per customer per year; margin and churn as fractions (0.40,
    0.10). 1 / churn is the expected customer lifetime in years, so the result is the margin a
    customer brings over their life, in currency. None when churn is 0 (no finite lifetime).
    """
    if annual_revenue_per_customer is None or gross_margin is None:
        return None
    return _divide(_CONTEXT.multiply(Decimal(annual_revenue_per_customer), Decimal(gross_margin)),
                   annual_churn_rate)


def ltv_cac_ratio(ltv_value: Decimal | None, cac_value: Decimal | None) -> Decimal | None:
    """LTV / CAC, a pure number (3 means a customer brings back three times what winning them
    cost). None when CAC is 0 or unknown."""
    return _divide(ltv_value, cac_value)


def ltv_cac_assessment(ratio: Decimal | None) -> str | None:
    """Seed 003's reading of LTV/CAC: ``"risk"`` below 3, ``"healthy"`` from 3 to 5 inclusive,
    ``"underinvested"`` above 5 (acquisition could be funded more). None without a ratio."""
    if ratio is None:
        return None
    if ratio < LTV_CAC_HEALTHY_MIN:
        return "risk"
    if ratio <= LTV_CAC_HEALTHY_MAX:
        return "healthy"
    return "underinvested"


@dataclass(frozen=True)
class KpiProgress:
    """A KPI with its progress, in the KPI's own unit.

    - ``target_change`` = target − baseline; ``target_change_percent`` = that / |baseline| × 100;
    - ``actual_change`` = actual − baseline; ``actual_change_percent`` likewise;
    - ``achievement_percent`` = (actual − baseline) / (target − baseline) × 100: how much of the
      planned move has happened (100 = target reached; works whether lower or higher is better);
    - ``assessment``: for the LTV/CAC KPI only, :func:`ltv_cac_assessment` of the actual value,
      or of the target before go-live.

    Each is None when an input is missing or a division by zero would be needed.
    """

    code: str
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None
    target_change: Decimal | None
    target_change_percent: Decimal | None
    actual_change: Decimal | None
    actual_change_percent: Decimal | None
    achievement_percent: Decimal | None
    assessment: str | None


def _difference(value: Decimal | None, baseline: Decimal | None) -> Decimal | None:
    if value is None or baseline is None:
        return None
    return _CONTEXT.subtract(Decimal(value), Decimal(baseline))


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    ratio = _divide(part, None if whole is None else abs(whole))
    return None if ratio is None else _CONTEXT.multiply(ratio, Decimal(100))


def kpi_progress(kpi: KpiValue) -> KpiProgress:
    """Evaluate a KPI's progress (see :class:`KpiProgress` for each formula)."""
    target_change = _difference(kpi.target, kpi.baseline)
    actual_change = _difference(kpi.actual, kpi.baseline)
    achievement = _divide(actual_change, target_change)
    assessment = None
    if kpi.code == LTV_CAC_CODE:
        assessment = ltv_cac_assessment(kpi.actual if kpi.actual is not None else kpi.target)
    return KpiProgress(
        code=kpi.code,
        baseline=kpi.baseline,
        target=kpi.target,
        actual=kpi.actual,
        target_change=target_change,
        target_change_percent=_percent(target_change, kpi.baseline),
        actual_change=actual_change,
        actual_change_percent=_percent(actual_change, kpi.baseline),
        achievement_percent=None if achievement is None else _CONTEXT.multiply(achievement,
                                                                                 Decimal(100)),
        assessment=assessment,
    )
