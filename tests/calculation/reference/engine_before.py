"""Test-only reference: the engine exactly as it was before the performance work (main at
4abe7f3, the last main merged), kept to check that the optimised engine gives the same figures,
field by field.

Not used by the product. The result dataclasses are the package's own (so that results compare
with ``==``); the flow builder and the IRR solver are the frozen copies next to this file.
:func:`compute_fields` returns the fields of ``CaseResult`` as a dict, so that fields added to
``CaseResult`` later do not break the comparison; ``tracking`` is left out (it is
``roi.calculation.tracking`` over ``headline_of_flows``, which ``test_headline_of_flows``
compares with this module's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

from roi.calculation import limits
from roi.calculation.engine import (
    ByYear,
    CaseWarning,
    Headline,
    MonthRow,
    PostTotal,
    ScenarioResult,
    TornadoBar,
    Totals,
    YearRow,
)
from roi.calculation.kpi import kpi_progress
from roi.calculation.model import (
    COST_CATEGORIES,
    GAIN_CATEGORIES,
    REVENUE_CATEGORIES,
    Case,
)
from roi.calculation.money import to_decimal
from roi.calculation.pricing import licence_price_warnings

from .irr_before import irr_percent
from .lines_before import (
    PostFlows,
    Vector,
    combine,
    post_flows,
    prefix_sums,
)

STANDARD_HORIZONS: tuple[int, ...] = (6, 12, 24, 36)  # always shown side by side (method §2)
# How far the engine looks when the payback is beyond the chosen horizon (the format's maximum).
EXTENDED_HORIZON_MONTHS = limits.MAX_HORIZON_MONTHS
TORNADO_LOW = Fraction(8, 10)  # each post at −20 % …
TORNADO_HIGH = Fraction(12, 10)  # … and at +20 % (method §4)
TCO_MIN_RATIO = Fraction(3, 2)  # seed 002: TCO is usually 2–3 × the licences

_DISCOUNT_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_OUTPUT_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


# --- figures over a prefix of months --------------------------------------------------------


def _payback(cumulative: Sequence[Any], ratio) -> Any:
    """Method §3's payback on ``cumulative[m]`` (index 0 = month 0 = 0): 0 if never negative;
    else (m − 1) + (−c_{m−1}) / (c_m − c_{m−1}) for the first m >= 0 after the first negative
    month; None if there is none. ``ratio(a, b)`` divides in the caller's number type."""
    first_negative = next((m for m in range(1, len(cumulative)) if cumulative[m] < 0), None)
    if first_negative is None:
        return 0
    for month in range(first_negative + 1, len(cumulative)):
        if cumulative[month] >= 0:
            before = cumulative[month - 1]
            return (month - 1) + ratio(-before, cumulative[month] - before)
    return None


def _exact_ratio(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator)


def _decimal_ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return _DISCOUNT_CONTEXT.divide(numerator, denominator)


def _as_decimal(value: Fraction | int | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return _OUTPUT_CONTEXT.plus(value)
    return to_decimal(value)


def _discount_factors(rate: Decimal, months: int) -> list[Decimal] | None:
    """``[1, 1/(1+r)^(1/12), …, 1/(1+r)^(months/12)]``, or None when r = 0 (no discounting, so
    the discounted figures stay exact)."""
    if rate == 0:
        return None
    with localcontext(Context(prec=60, Emax=999_999, Emin=-999_999)):
        # One Decimal power for the monthly factor, then products: (1+r)^(-m/12) = f^m.
        monthly = Decimal(1) / (Decimal(1) + rate) ** (Decimal(1) / Decimal(12))
        factors = [Decimal(1)]
        for _ in range(months):
            factors.append(factors[-1] * monthly)
    return factors


class _Series:
    """Costs and gains of one variant of the case (base or a scenario) over the extended
    horizon, with the cumulative sums every figure needs."""

    def __init__(self, costs: Vector, gains: Vector, gains_unadjusted: Vector,
                 discount_factors: list[Decimal] | None) -> None:
        self.costs = costs
        self.gains = gains
        self.gains_unadjusted = gains_unadjusted
        self.net = combine(((1, gains), (-1, costs)))
        self.cumulative_costs = prefix_sums(costs.numerators)
        self.cumulative_gains = prefix_sums(gains.numerators)
        self.cumulative_gains_unadjusted = prefix_sums(gains_unadjusted.numerators)
        self.cumulative_net = prefix_sums(self.net.numerators)
        self.discount_factors = discount_factors
        self._net_decimals: list[Decimal] = []
        self._discounted: list[Decimal] = [Decimal(0)]  # index 0: month 0
        self._discounted_cumulative: list[Decimal] = [Decimal(0)]

    def net_decimal(self, month: int) -> Decimal:
        while len(self._net_decimals) < month:
            index = len(self._net_decimals)
            self._net_decimals.append(
                to_decimal(Fraction(self.net.numerators[index], self.net.denominator))
            )
        return self._net_decimals[month - 1]

    def _discount_up_to(self, months: int) -> None:
        factors = self.discount_factors
        if factors is None:
            return
        with localcontext(_DISCOUNT_CONTEXT):
            while len(self._discounted) <= months:
                month = len(self._discounted)
                value = self.net_decimal(month) * factors[month]
                self._discounted.append(value)
                self._discounted_cumulative.append(self._discounted_cumulative[-1] + value)

    def discounted_net(self, month: int) -> Decimal:
        if self.discount_factors is None:
            return self.net_decimal(month)
        self._discount_up_to(month)
        return _OUTPUT_CONTEXT.plus(self._discounted[month])

    def discounted_cumulative(self, month: int) -> Decimal:
        if self.discount_factors is None:
            return self.exact_total(self.cumulative_net, self.net, month)
        self._discount_up_to(month)
        return _OUTPUT_CONTEXT.plus(self._discounted_cumulative[month])

    @staticmethod
    def exact_total(cumulative: list[int], vector: Vector, month: int) -> Decimal:
        return to_decimal(Fraction(cumulative[month], vector.denominator))

    def discounted_sum(self, vector: Vector, months: int) -> Decimal:
        """Σ_{m <= months} vector_m / (1 + r)^(m/12)."""
        factors = self.discount_factors
        if factors is None:
            return to_decimal(Fraction(sum(vector.numerators[:months]), vector.denominator))
        denominator = Decimal(vector.denominator)
        with localcontext(_DISCOUNT_CONTEXT):
            total = sum(
                (Decimal(numerator) * factors[m] for m, numerator
                 in enumerate(vector.numerators[:months], start=1) if numerator),
                Decimal(0),
            )
            return _OUTPUT_CONTEXT.plus(total / denominator)

    def payback(self, months: int) -> Fraction | int | None:
        return _payback(self.cumulative_net[: months + 1], _exact_ratio)

    def headline(self, months: int) -> Headline:
        total_costs = self.cumulative_costs[months]
        net_gain = Fraction(self.cumulative_net[months], self.net.denominator)
        roi = None
        if total_costs:
            roi = net_gain / Fraction(total_costs, self.costs.denominator) * 100
        if self.discount_factors is None:
            npv: Decimal = to_decimal(net_gain)
            discounted_payback = self.payback(months)
        else:
            self._discount_up_to(months)
            npv = _OUTPUT_CONTEXT.plus(self._discounted_cumulative[months])
            with localcontext(_DISCOUNT_CONTEXT):
                discounted_payback = _payback(self._discounted_cumulative[: months + 1],
                                              _decimal_ratio)
        return Headline(
            horizon_months=months,
            total_costs=to_decimal(Fraction(total_costs, self.costs.denominator)),
            total_gains=self.exact_total(self.cumulative_gains, self.gains, months),
            total_gains_unadjusted=self.exact_total(
                self.cumulative_gains_unadjusted, self.gains_unadjusted, months
            ),
            net_gain=to_decimal(net_gain),
            roi_percent=_as_decimal(roi),
            payback_months=_as_decimal(self.payback(months)),
            npv=npv,
            irr_percent=_as_decimal(irr_percent([self.net_decimal(m)
                                                 for m in range(1, months + 1)])),
            discounted_payback_months=_as_decimal(discounted_payback),
        )

    def monthly(self, months: int) -> tuple[MonthRow, ...]:
        rows = []
        for month in range(1, months + 1):
            index = month - 1
            rows.append(MonthRow(
                month=month,
                costs=to_decimal(Fraction(self.costs.numerators[index], self.costs.denominator)),
                gains=to_decimal(Fraction(self.gains.numerators[index], self.gains.denominator)),
                gains_unadjusted=to_decimal(Fraction(self.gains_unadjusted.numerators[index],
                                                     self.gains_unadjusted.denominator)),
                net=self.net_decimal(month),
                cumulative=self.exact_total(self.cumulative_net, self.net, month),
                discounted_net=self.discounted_net(month),
                discounted_cumulative=self.discounted_cumulative(month),
            ))
        return tuple(rows)

    def by_year(self, months: int) -> ByYear:
        years = []
        for year, first in enumerate(range(1, months + 1, 12), start=1):
            last = min(first + 11, months)

            def between(cumulative: list[int], vector: Vector, a: int = first, b: int = last):
                return to_decimal(Fraction(cumulative[b] - cumulative[a - 1], vector.denominator))

            years.append(YearRow(
                year=year, first_month=first, last_month=last,
                costs=between(self.cumulative_costs, self.costs),
                gains=between(self.cumulative_gains, self.gains),
                net=between(self.cumulative_net, self.net),
                cumulative=self.exact_total(self.cumulative_net, self.net, last),
            ))
        total = Totals(
            costs=self.exact_total(self.cumulative_costs, self.costs, months),
            gains=self.exact_total(self.cumulative_gains, self.gains, months),
            net=self.exact_total(self.cumulative_net, self.net, months),
        )
        present_value = Totals(
            costs=self.discounted_sum(self.costs, months),
            gains=self.discounted_sum(self.gains, months),
            net=self.discounted_cumulative(months),
        )
        return ByYear(tuple(years), total, present_value)


# --- the engine ---------------------------------------------------------------------------


def headline_of_flows(costs: Vector, gains: Vector, gains_unadjusted: Vector, *,
                      discount_rate: Decimal, months: int) -> Headline:
    """The figures of method §3 over months 1..``months`` of given exact monthly flows.

    ``costs``, ``gains`` (risk-adjusted) and ``gains_unadjusted`` are exact vectors of at least
    ``months`` months (see :class:`roi.calculation.lines.Vector`), ``discount_rate`` the annual
    rate r. This is what :func:`compute` applies to a case's own flows; the tracking
    (reforecast) and the comparison of options apply it to flows they build themselves.
    """
    factors = _discount_factors(Decimal(discount_rate), months)
    return _Series(costs, gains, gains_unadjusted, factors).headline(months)


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


def _sum_vectors(vectors: Iterable[Vector]) -> Vector:
    return combine((1, vector) for vector in vectors)


def compute_fields(case: Case) -> dict[str, Any]:
    """Every figure of the method for ``case`` (method §2–§4), in the case's currency.

    Monthly flows for months 1..H; the headline over H; the same headline over 6, 12, 24 and
    36 months; the by-year table; totals per post; one headline per scenario (every monthly gain
    × gains_factor, every monthly cost × costs_factor); the ROI tornado (each post × 0.8 and
    × 1.2); the warnings of §4; the KPIs with their progress. Raises ValueError only on a case
    that breaks the model's invariants (unknown category, horizon out of 1..120, …).
    """
    _check(case)
    horizon = case.horizon_months
    months = max(EXTENDED_HORIZON_MONTHS, horizon)
    cost_posts = post_flows(case.costs, COST_CATEGORIES, months, gains=False)
    gain_posts = post_flows(case.gains, GAIN_CATEGORIES, months, gains=True)
    costs = _sum_vectors(post.adjusted for post in cost_posts.values())
    gains = _sum_vectors(post.adjusted for post in gain_posts.values())
    gains_unadjusted = _sum_vectors(post.unadjusted for post in gain_posts.values())
    discount_factors = _discount_factors(
        Decimal(case.discount_rate), max(horizon, *STANDARD_HORIZONS)
    )
    base = _Series(costs, gains, gains_unadjusted, discount_factors)
    headline = base.headline(horizon)

    scenarios = []
    for factors in case.scenarios:
        gains_factor = Fraction(factors.gains_factor)
        costs_factor = Fraction(factors.costs_factor)
        variant = _Series(costs.scaled(costs_factor), gains.scaled(gains_factor),
                          gains_unadjusted.scaled(gains_factor), discount_factors)
        scenarios.append(ScenarioResult(factors, variant.headline(horizon)))

    cost_totals = {category: _post_total(flows, horizon) for category, flows in cost_posts.items()}
    gain_totals = {category: _post_total(flows, horizon) for category, flows in gain_posts.items()}

    return dict(
        case=case,
        horizon_months=horizon,
        headline=headline,
        monthly=base.monthly(horizon),
        horizons={months_: base.headline(months_) for months_ in STANDARD_HORIZONS},
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
    )


def _post_total(flows: PostFlows, months: int) -> tuple[Fraction, Fraction]:
    return (
        Fraction(sum(flows.adjusted.numerators[:months]), flows.adjusted.denominator),
        Fraction(sum(flows.unadjusted.numerators[:months]), flows.unadjusted.denominator),
    )


def _roi(total_gains: Fraction, total_costs: Fraction) -> Fraction | None:
    """ROI in percent = (gains − costs) / costs × 100; None without cost."""
    if total_costs == 0:
        return None
    return (total_gains - total_costs) / total_costs * 100


def _tornado(cost_totals: dict[str, tuple[Fraction, Fraction]],
             gain_totals: dict[str, tuple[Fraction, Fraction]]) -> tuple[TornadoBar, ...]:
    """ROI with one post × 0.8 and × 1.2, everything else unchanged, from the post totals (the
    ROI only depends on totals, so no flow is recomputed)."""
    total_costs = sum((adjusted for adjusted, _ in cost_totals.values()), Fraction(0))
    total_gains = sum((adjusted for adjusted, _ in gain_totals.values()), Fraction(0))
    bars = []
    for kind, totals in (("cost", cost_totals), ("gain", gain_totals)):
        for category, (post_total, _) in totals.items():
            if post_total == 0:
                continue
            rois = []
            for factor in (TORNADO_LOW, TORNADO_HIGH):
                change = post_total * (factor - 1)
                if kind == "cost":
                    rois.append(_roi(total_gains, total_costs + change))
                else:
                    rois.append(_roi(total_gains + change, total_costs))
            if None in rois:
                low = high = None
                spread = Fraction(0)
            else:
                low, high = min(rois), max(rois)
                spread = high - low
            bars.append((spread, TornadoBar(category, kind, _as_decimal(low), _as_decimal(high),
                                            to_decimal(spread))))
    # Stable sort: equal spreads keep the catalogue order (costs first).
    bars.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(bar for _, bar in bars)


def _warnings(case: Case, headline: Headline, base: _Series,
              cost_totals: dict[str, tuple[Fraction, Fraction]]) -> tuple[CaseWarning, ...]:
    warnings = []
    if cost_totals["contingency"][0] == 0:
        # Hidden costs are the most often forgotten post (seed 000, post 8).
        warnings.append(CaseWarning("no_contingency", {}))
    software = cost_totals["software"][0]
    total_costs = sum((adjusted for adjusted, _ in cost_totals.values()), Fraction(0))
    if software > 0 and total_costs < TCO_MIN_RATIO * software:
        warnings.append(CaseWarning("tco_below_licences", {
            "ratio": to_decimal(total_costs / software),
            "total_costs": to_decimal(total_costs),
            "software_costs": to_decimal(software),
        }))
    counted_gains = [item for item in case.gains if item.amount * item.quantity != 0]
    if counted_gains and all(
        item.category in REVENUE_CATEGORIES and item.margin is None for item in counted_gains
    ):
        warnings.append(CaseWarning("revenue_without_margin", {}))
    if headline.payback_months is None:
        extended = EXTENDED_HORIZON_MONTHS
        warnings.append(CaseWarning("horizon_shorter_than_payback", {
            "horizon_months": case.horizon_months,
            "payback_months": _as_decimal(base.payback(extended)),
            "checked_horizon_months": extended,
        }))
    # Seed 002: a per-user licence price outside 10–300 a month is usually an entry mistake.
    warnings.extend(CaseWarning(code, params) for code, params in licence_price_warnings(case))
    return tuple(warnings)
