"""The ROI engine: pure Python, Decimal, dataclasses in and out; no Django import.

``compute(case)`` follows the ROI method (roi-method.md) to the cent; ``parse_case`` /
``case_to_dict`` read and write the ``roi-case/1`` interchange format; ``results_document``
turns a result into the JSON the command line prints. After go-live (method §6),
``compute(case).tracking`` (or ``compute_tracking``) holds actuals, variance and the reforecast,
and ``learned_rates`` pools several projects' trackings; ``compare`` and ``comparison_document``
compare 2 to 4 options (method §7); ``licence_model`` reads the software post (seed 002).
"""

from roi.calculation.case_format import (
    FORMAT,
    CaseFormatError,
    case_errors,
    case_to_dict,
    case_to_json,
    parse_case,
    parse_case_json,
)
from roi.calculation.comparison import (
    Comparison,
    ComparisonError,
    compare,
    comparison_document,
)
from roi.calculation.engine import (
    STANDARD_HORIZONS,
    CaseResult,
    PostTotal,
    ScenarioResult,
    TornadoBar,
    compute,
)
from roi.calculation.figures import (
    EXTENDED_HORIZON_MONTHS,
    ByYear,
    CaseWarning,
    Headline,
    MonthRow,
    Totals,
    Warning,
    YearRow,
)
from roi.calculation.irr import irr_percent
from roi.calculation.kpi import (
    KpiProgress,
    cac,
    kpi_progress,
    ltv,
    ltv_cac_assessment,
    ltv_cac_ratio,
)
from roi.calculation.learning import suggested_confidence, suggested_contingency_rate
from roi.calculation.lines import item_totals
from roi.calculation.model import (
    COST_CATEGORIES,
    DEFAULT_SCENARIOS,
    GAIN_CATEGORIES,
    REVENUE_CATEGORIES,
    Case,
    KpiValue,
    LineItem,
    Recurrence,
    ScenarioFactors,
    actuals_of,
)
from roi.calculation.money import quantize_money
from roi.calculation.pricing import licence_model
from roi.calculation.results import (
    HEADLINE_KEYS,
    REFORECAST_KEYS,
    TRACKING_MONEY_KEYS,
    format_2dp,
    results_document,
    tracking_document,
    warning_document,
)
from roi.calculation.tracking import (
    COST_OVERRUN_WARNING_RATIO,
    GAIN_SHORTFALL_WARNING_RATIO,
    MIN_CLOSED_MONTHS_TO_LEARN,
    CostOverrun,
    GainRealisation,
    LearnedRates,
    LineTracking,
    PostTracking,
    TrackingMonth,
    TrackingResult,
    active_months,
    compute_tracking,
    learned_rates,
)

__all__ = [
    "COST_CATEGORIES",
    "COST_OVERRUN_WARNING_RATIO",
    "DEFAULT_SCENARIOS",
    "EXTENDED_HORIZON_MONTHS",
    "FORMAT",
    "GAIN_CATEGORIES",
    "GAIN_SHORTFALL_WARNING_RATIO",
    "HEADLINE_KEYS",
    "MIN_CLOSED_MONTHS_TO_LEARN",
    "REFORECAST_KEYS",
    "REVENUE_CATEGORIES",
    "STANDARD_HORIZONS",
    "TRACKING_MONEY_KEYS",
    "ByYear",
    "Case",
    "CaseFormatError",
    "CaseResult",
    "CaseWarning",
    "CostOverrun",
    "GainRealisation",
    "Comparison",
    "ComparisonError",
    "Headline",
    "KpiProgress",
    "KpiValue",
    "LearnedRates",
    "LineItem",
    "LineTracking",
    "MonthRow",
    "PostTotal",
    "PostTracking",
    "Recurrence",
    "ScenarioFactors",
    "ScenarioResult",
    "TornadoBar",
    "Totals",
    "TrackingMonth",
    "TrackingResult",
    "Warning",
    "YearRow",
    "active_months",
    "actuals_of",
    "cac",
    "compare",
    "comparison_document",
    "warning_document",
    "case_errors",
    "case_to_dict",
    "case_to_json",
    "compute",
    "compute_tracking",
    "format_2dp",
    "irr_percent",
    "item_totals",
    "suggested_confidence",
    "suggested_contingency_rate",
    "kpi_progress",
    "learned_rates",
    "licence_model",
    "ltv",
    "ltv_cac_assessment",
    "ltv_cac_ratio",
    "parse_case",
    "parse_case_json",
    "quantize_money",
    "results_document",
    "tracking_document",
]
