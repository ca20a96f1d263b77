"""The monthly cash-flow engine and its figures (method §2–§4).

How it stays exact to the cent: every undiscounted flow is a rational number (amounts and
factors are decimals, ``yearly`` divides by 12, a ramp-up by R), so the engine keeps them as
exact rationals — integer numerators over one common denominator per vector — and converts to
Decimal only when it hands a figure out (:func:`roi.calculation.money.to_decimal`). Totals, ROI
and payback are therefore exact: in the Apogea case (55 000 / 12 a month) the cumulative of
month 9 is exactly 0 and the payback exactly 9, where Decimal sums would leave a −1E-30 there.
Only what involves ``(1 + r)^(m/12)`` (NPV, discounted payback, IRR) is irrational; it is computed
in Decimal with 50 significant digits.

Month values never depend on the horizon (an item with no end month simply runs on), so the
flows are built once over max(H, 36) months and every view (6, 12, 24, 36 and H months) is a
prefix of the same vectors; the payback warning builds them further, up to
:data:`EXTENDED_HORIZON_MONTHS`, only when the payback is beyond H. What is computed once is
reused: the per-post totals come in closed form from the lines (no vector per post), the
tornado from those totals, a scenario's totals are the base totals × its factors, and a
headline already computed (the ×1/×1 scenario, a standard view equal to H) is not computed again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from roi.calculation import limits
from roi.calculation.figures import (
    EXTENDED_HORIZON_MONTHS,
    ByYear,
    CaseWarning,
    Headline,
    MonthRow,
    Series,
    as_decimal,
    discount_factors,
)
from roi.calculation.kpi import KpiProgress, kpi_progress
from roi.calculation.lines import (
    Line,
    Term,
    Vector,
    common_denominator,
    lines_of,
    monthly_sums,
    unit_terms,
    weight_sum,
)
from roi.calculation.model import (
    COST_CATEGORIES,
    GAIN_CATEGORIES,
    REVENUE_CATEGORIES,
    Case,
    ScenarioFactors,
)
from roi.calculation.money import ratio_to_decimal, to_decimal
from roi.calculation.pricing import licence_price_warnings
from roi.calculation.tracking import TrackingResult, compute_tracking

__all__ = [
    "STANDARD_HORIZONS",
    "TORNADO_HIGH",
    "TORNADO_LOW",
    "CaseResult",
    "PostTotal",
    "ScenarioResult",
    "TornadoBar",
    "compute",
]

STANDARD_HORIZONS: tuple[int, ...] = (6, 12, 24, 36)  # always shown side by side (method §2)
TORNADO_LOW = Fraction(8, 10)  # each post at −20 % …
TORNADO_HIGH = Fraction(12, 10)  # … and at +20 % (method §4)
TCO_MIN_RATIO = Fraction(3, 2)  # seed 002: TCO is usually 2–3 × the licences




# --- results ---------------------------------------------------------------------------------


class PostTotal(NamedTuple):
    """A post's total over the horizon: risk-adjusted and unadjusted (equal for costs)."""

    category: str
    total: Decimal
    total_unadjusted: Decimal


class ScenarioResult(NamedTuple):
    factors: ScenarioFactors
    headline: Headline


@dataclass(frozen=True)
class TornadoBar:
    """Sensitivity of the ROI (percent, horizon H) to one post moving by −20 % and +20 %.

    ``roi_low`` / ``roi_high`` are the lower and upper ends of the bar. For a gain post the low
    end is the post at −20 %; for a cost post it is the post at +20 %. ``spread`` = high − low
    (0 when the ROI is undefined, i.e. there is no cost).
    """

    category: str
    kind: str  # "cost" | "gain"
    roi_low: Decimal | None
    roi_high: Decimal | None
    spread: Decimal


@dataclass(frozen=True)
class CaseResult:
    """Everything the product shows for a case, computed by :func:`compute`."""

    case: Case
    horizon_months: int
    headline: Headline
    monthly: tuple[MonthRow, ...]
    horizons: dict[int, Headline]
    by_year: ByYear
    costs_by_post: tuple[PostTotal, ...]
    gains_by_post: tuple[PostTotal, ...]
    scenarios: tuple[ScenarioResult, ...]
    tornado: tuple[TornadoBar, ...]
    warnings: tuple[CaseWarning, ...]
    kpis: tuple[KpiProgress, ...]
    # Method §6 (after go-live), see roi.calculation.tracking.compute_tracking; None while the
    # case's as_of_month is None.
    tracking: TrackingResult | None = None

    @property
    def currency(self) -> str:
        return self.case.currency


class _CaseFlows:
    """A case's lines and their monthly sums over any number of months (up to the extended
    horizon).

    The denominators are those the engine has always used: the least common denominator of the
    line values falling within :data:`EXTENDED_HORIZON_MONTHS`. Values do not depend on them,
    but the last digits of a present value do (:meth:`Series.discounted_sum`), and no figure
    may change with the representation. Each line's unit is put over them once, as a term.
    """

    def __init__(self, cost_lines: list[Line], gain_lines: list[Line]) -> None:
        window = EXTENDED_HORIZON_MONTHS
        # A line without any month in the window adds nothing, not even to a denominator.
        cost_lines = [line for line in cost_lines if line.active_in(window)]
        gain_lines = [line for line in gain_lines if line.active_in(window)]
        self.cost_denominator = common_denominator(cost_lines, adjusted=False)
        self.gain_denominator = common_denominator(gain_lines, adjusted=True)
        self.gain_unadjusted_denominator = common_denominator(gain_lines, adjusted=False)
        self.cost_terms = unit_terms(cost_lines, self.cost_denominator, adjusted=False)
        self.gain_terms = unit_terms(gain_lines, self.gain_denominator, adjusted=True)
        self.gain_unadjusted_terms = unit_terms(gain_lines, self.gain_unadjusted_denominator,
                                                adjusted=False)

    def series(self, months: int, discount_factors: Sequence[Decimal] | None) -> Series:
        return Series(
            Vector(monthly_sums(self.cost_terms, months), self.cost_denominator),
            Vector(monthly_sums(self.gain_terms, months), self.gain_denominator),
            Vector(monthly_sums(self.gain_unadjusted_terms, months),
                   self.gain_unadjusted_denominator),
            discount_factors,
            longer=lambda more_months: self.series(more_months, discount_factors),
        )

    def post_totals(self, months: int) -> tuple[dict[str, tuple[Fraction, Fraction]],
                                                dict[str, tuple[Fraction, Fraction]]]:
        """Per cost post and per gain post, its total over months 1..``months``, risk-adjusted
        and unadjusted: Σ unit × weight_sum over its lines (closed form, see
        :func:`roi.calculation.lines.weight_sum`), no monthly vector."""
        cost_totals = {}
        for category, (numerator, _) in _post_sums(self.cost_terms, None, COST_CATEGORIES,
                                                   months).items():
            total = Fraction(numerator, self.cost_denominator)
            cost_totals[category] = (total, total)
        gain_totals = {
            category: (Fraction(adjusted, self.gain_denominator),
                       Fraction(unadjusted, self.gain_unadjusted_denominator))
            for category, (adjusted, unadjusted) in _post_sums(
                self.gain_terms, self.gain_unadjusted_terms, GAIN_CATEGORIES, months).items()
        }
        return cost_totals, gain_totals


def _post_sums(terms: list[Term], unadjusted_terms: list[Term] | None,
               categories: Sequence[str], months: int) -> dict[str, list[int]]:
    """Per post, Σ unit × weight_sum of its terms and of the matching ``unadjusted_terms``
    (the same lines over another denominator; None: only ``terms``, the second sum is 0)."""
    sums = {category: [0, 0] for category in categories}
    for index, (category, start, last, ramp, unit) in enumerate(terms):
        weight = weight_sum(start, last, ramp, months)
        if weight:
            post = sums[category]
            post[0] += unit * weight
            if unadjusted_terms is not None:
                post[1] += unadjusted_terms[index][4] * weight
    return sums


# --- the engine ---------------------------------------------------------------------------


def _check(case: Case) -> None:
    """Invariants without which the arithmetic is meaningless. Untrusted input goes through
    :func:`roi.calculation.case_format.parse_case` (or ``case_errors``) first."""
    if not 1 <= case.horizon_months <= limits.MAX_HORIZON_MONTHS:
        raise ValueError(f"horizon_months must be between 1 and {limits.MAX_HORIZON_MONTHS}")
    if case.discount_rate <= -1:
        raise ValueError("discount_rate must be > -1")
    for item in case.gains:
        if item.ramp_up_months < 0:
            raise ValueError("ramp_up_months must be >= 0")


def compute(case: Case) -> CaseResult:
    """Every figure of the method for ``case`` (method §2–§4), in the case's currency.

    Monthly flows for months 1..H; the headline over H; the same headline over 6, 12, 24 and
    36 months; the by-year table; totals per post; one headline per scenario (every monthly gain
    × gains_factor, every monthly cost × costs_factor); the ROI tornado (each post × 0.8 and
    × 1.2); the warnings of §4; the KPIs with their progress. Raises ValueError only on a case
    that breaks the model's invariants (unknown category, horizon out of 1..120, …).
    """
    _check(case)
    horizon = case.horizon_months
    cost_lines = lines_of(case.costs, COST_CATEGORIES, gains=False)
    gain_lines = lines_of(case.gains, GAIN_CATEGORIES, gains=True)
    # Flows as far as the figures shown need (H and the standard views); the payback warning
    # extends them only when the payback is beyond H.
    months = max(horizon, *STANDARD_HORIZONS)
    factors = discount_factors(Decimal(case.discount_rate), months)
    flows = _CaseFlows(cost_lines, gain_lines)
    base = flows.series(months, factors)
    headline = base.headline(horizon)

    scenario_headlines: dict[tuple[Fraction, Fraction], Headline] = {(Fraction(1), Fraction(1)):
                                                                     headline}
    scenarios = []
    for factors in case.scenarios:
        key = (Fraction(factors.gains_factor), Fraction(factors.costs_factor))
        if key not in scenario_headlines:  # ×1 / ×1 ("expected") is the case itself
            scenario_headlines[key] = base.scenario_headline(*key, horizon)
        scenarios.append(ScenarioResult(factors, scenario_headlines[key]))

    cost_totals, gain_totals = flows.post_totals(horizon)

    return CaseResult(
        case=case,
        horizon_months=horizon,
        headline=headline,
        monthly=base.monthly(horizon),
        horizons={months_: headline if months_ == horizon else base.headline(months_)
                  for months_ in STANDARD_HORIZONS},
        by_year=base.by_year(horizon),
        costs_by_post=tuple(
            PostTotal(category, to_decimal(adjusted), to_decimal(unadjusted))
            for category, (adjusted, unadjusted) in cost_totals.items()
        ),
        gains_by_post=tuple(
            PostTotal(category, to_decimal(adjusted), to_decimal(unadjusted))
            for category, (adjusted, unadjusted) in gain_totals.items()
        ),
        scenarios=tuple(scenarios),
        tornado=_tornado(cost_totals, gain_totals),
        warnings=_warnings(case, headline, base, cost_totals),
        kpis=tuple(kpi_progress(kpi) for kpi in case.kpis),
        tracking=None if case.as_of_month is None else compute_tracking(case),
    )


def _tornado(cost_totals: dict[str, tuple[Fraction, Fraction]],
             gain_totals: dict[str, tuple[Fraction, Fraction]]) -> tuple[TornadoBar, ...]:
    """ROI with one post × 0.8 and × 1.2, everything else unchanged, from the post totals (the
    ROI only depends on totals, so no flow is recomputed).

    In integers over one common denominator, as a Fraction per ROI would cost more than the
    rest of the tornado: with G and C the total gains and costs and p the post's total, the post
    × a/b gives (all × b) C' = bC + (a − b)p for a cost post, G' = bG + (a − b)p for a gain
    post, the other total × b; ROI = 100 (G' − C') / C', None when C' = 0.
    """
    posts = [(kind, category, total)
             for kind, totals in (("cost", cost_totals), ("gain", gain_totals))
             for category, (total, _) in totals.items()]
    denominator = math.lcm(1, *(total.denominator for _, _, total in posts))
    numerators = [(kind, category, total.numerator * (denominator // total.denominator))
                  for kind, category, total in posts]
    total_costs = sum(post for kind, _, post in numerators if kind == "cost")
    total_gains = sum(post for kind, _, post in numerators if kind == "gain")
    bars = []
    for kind, category, post in numerators:
        if post == 0:
            continue
        rois = []  # (numerator, denominator > 0)
        for factor in (TORNADO_LOW, TORNADO_HIGH):
            change = (factor.numerator - factor.denominator) * post
            costs = factor.denominator * total_costs + (change if kind == "cost" else 0)
            gains = factor.denominator * total_gains + (change if kind == "gain" else 0)
            rois.append(None if costs == 0 else (100 * (gains - costs), costs))
        if None in rois:
            low = high = None
            spread = (0, 1)
        else:
            low, high = rois
            if high[0] * low[1] < low[0] * high[1]:
                low, high = high, low
            spread = (high[0] * low[1] - low[0] * high[1], high[1] * low[1])
        bars.append((Fraction(*spread), TornadoBar(
            category, kind,
            None if low is None else ratio_to_decimal(*low),
            None if high is None else ratio_to_decimal(*high),
            ratio_to_decimal(*spread),
        )))
    # Stable sort: equal spreads keep the catalogue order (costs first).
    bars.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(bar for _, bar in bars)


def _warnings(case: Case, headline: Headline, base: Series,
              cost_totals: dict[str, tuple[Fraction, Fraction]]) -> tuple[CaseWarning, ...]:
    """The method's warnings (§4), in a stable order, each with a stable code.

    - ``no_contingency``: no amount in hidden costs (seed 000, post 8).
    - ``tco_below_licences``: total costs below 1.5 × the software post (seed 002), once the
      costs have been entered — that is once the case has a gain with an amount: the checklist
      asks for the costs first, and a case that has only its first cost line (its licences)
      is a case in progress, not a TCO of 1.
    - ``revenue_without_margin``: every counted gain is revenue (``REVENUE_CATEGORIES``)
      without a margin; otherwise ``revenue_line_without_margin`` for each gain line of the
      ``revenue`` post (turnover by definition) that counts an amount without a margin:
      ``line_index`` (0-based among the gains), ``label``, ``category``.
    - ``horizon_shorter_than_payback``; then the licence price warnings (seed 002).
    """
    warnings = []
    if cost_totals["contingency"][0] == 0:
        # Hidden costs are the most often forgotten post (seed 000, post 8).
        warnings.append(CaseWarning("no_contingency", {}))
    software = cost_totals["software"][0]
    total_costs = sum((adjusted for adjusted, _ in cost_totals.values()), Fraction(0))
    counted_gains = [item for item in case.gains if item.amount * item.quantity != 0]
    if counted_gains and software > 0 and total_costs < TCO_MIN_RATIO * software:
        warnings.append(CaseWarning("tco_below_licences", {
            "ratio": to_decimal(total_costs / software),
            "total_costs": to_decimal(total_costs),
            "software_costs": to_decimal(software),
        }))
    if counted_gains and all(
        item.category in REVENUE_CATEGORIES and item.margin is None for item in counted_gains
    ):
        warnings.append(CaseWarning("revenue_without_margin", {}))
    else:
        warnings.extend(
            CaseWarning("revenue_line_without_margin", {
                "line_index": index, "label": item.label, "category": item.category})
            for index, item in enumerate(case.gains)
            if item.category == "revenue" and item.margin is None
            and item.amount * item.quantity != 0
        )
    if headline.payback_months is None:
        extended = EXTENDED_HORIZON_MONTHS
        warnings.append(CaseWarning("horizon_shorter_than_payback", {
            "horizon_months": case.horizon_months,
            "payback_months": as_decimal(base.payback(extended)),
            "checked_horizon_months": extended,
        }))
    # Seed 002: a per-user licence price outside 10–300 a month is usually an entry mistake.
    warnings.extend(CaseWarning(code, params) for code, params in licence_price_warnings(case))
    return tuple(warnings)
