"""The ROI engine: pure Python, Decimal, dataclasses in and out; no Django import.

``compute(case)`` follows the ROI method (roi-method.md) to the cent; ``parse_case`` /
``case_to_dict`` read and write the ``roi-case/1`` interchange format; ``results_document``
turns a result into the JSON the command line prints; ``compare`` and ``comparison_document``
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
    EXTENDED_HORIZON_MONTHS,
    STANDARD_HORIZONS,
    ByYear,
    CaseResult,
    CaseWarning,
    Headline,
    MonthRow,
    PostTotal,
    ScenarioResult,
    TornadoBar,
    Totals,
    Warning,
    YearRow,
    compute,
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
)
from roi.calculation.money import quantize_money
from roi.calculation.pricing import licence_model
from roi.calculation.results import HEADLINE_KEYS, format_2dp, results_document

__all__ = [
    "COST_CATEGORIES",
    "DEFAULT_SCENARIOS",
    "EXTENDED_HORIZON_MONTHS",
    "FORMAT",
    "GAIN_CATEGORIES",
    "HEADLINE_KEYS",
    "REVENUE_CATEGORIES",
    "STANDARD_HORIZONS",
    "ByYear",
    "Case",
    "CaseFormatError",
    "CaseResult",
    "CaseWarning",
    "Comparison",
    "ComparisonError",
    "Headline",
    "KpiProgress",
    "KpiValue",
    "LineItem",
    "MonthRow",
    "PostTotal",
    "Recurrence",
    "ScenarioFactors",
    "ScenarioResult",
    "TornadoBar",
    "Totals",
    "Warning",
    "YearRow",
    "cac",
    "compare",
    "comparison_document",
    "case_errors",
    "case_to_dict",
    "case_to_json",
    "compute",
    "format_2dp",
    "irr_percent",
    "item_totals",
    "kpi_progress",
    "licence_model",
    "ltv",
    "ltv_cac_assessment",
    "ltv_cac_ratio",
    "parse_case",
    "parse_case_json",
    "quantize_money",
    "results_document",
]
