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

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from roi.calculation import limits
from roi.calculation.irr import irr_percent
from roi.calculation.kpi import KpiProgress, kpi_progress
from roi.calculation.lines import (
    Line,
    Term,
    Vector,
    common_denominator,
    lines_of,
    monthly_sums,
    prefix_sums,
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
from roi.calculation.money import exact_quotients, quantize_money, ratio_to_decimal, to_decimal
from roi.calculation.pricing import licence_price_warnings

if TYPE_CHECKING:
    from roi.calculation.tracking import TrackingResult

__all__ = [
    "EXTENDED_HORIZON_MONTHS",
    "STANDARD_HORIZONS",
    "TORNADO_HIGH",
    "TORNADO_LOW",
    "ByYear",
    "CaseResult",
    "CaseWarning",
    "Headline",
    "MonthRow",
    "PostTotal",
    "ScenarioResult",
    "TornadoBar",
    "Totals",
    "Warning",
    "YearRow",
    "compute",
    "headline_of_flows",
    "quantize_money",
]

STANDARD_HORIZONS: tuple[int, ...] = (6, 12, 24, 36)  # always shown side by side (method §2)
# How far the engine looks when the payback is beyond the chosen horizon (the format's maximum).
EXTENDED_HORIZON_MONTHS = limits.MAX_HORIZON_MONTHS
TORNADO_LOW = Fraction(8, 10)  # each post at −20 % …
TORNADO_HIGH = Fraction(12, 10)  # … and at +20 % (method §4)
TCO_MIN_RATIO = Fraction(3, 2)  # seed 002: TCO is usually 2–3 × the licences
_UNIT = Fraction(1)

_DISCOUNT_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_OUTPUT_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_FACTOR_CONTEXT = Context(prec=60, Emax=999_999, Emin=-999_999)


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    """One month of the cash-flow table, full precision, in the case's currency.

    ``gains`` are risk-adjusted (× confidence), ``gains_unadjusted`` are not; ``net`` = gains −
    costs; ``cumulative`` = net_1 + … + net_m; ``discounted_net`` = net / (1 + r)^(m/12).
    """

    month: int
    costs: Decimal
    gains: Decimal
    gains_unadjusted: Decimal
    net: Decimal
    cumulative: Decimal
    discounted_net: Decimal
    discounted_cumulative: Decimal


@dataclass(frozen=True)
class Headline:
    """The figures of method §3 over months 1..``horizon_months``, full precision.

    Money in the case's currency; ``roi_percent`` and ``irr_percent`` in percent (22.22 means
    22.22 %); paybacks in months (fractional). None where the method says undefined: ROI
    without cost, payback not reached within the horizon, IRR without a root.
    """

    horizon_months: int
    total_costs: Decimal
    total_gains: Decimal
    total_gains_unadjusted: Decimal
    net_gain: Decimal
    roi_percent: Decimal | None
    payback_months: Decimal | None
    npv: Decimal
    irr_percent: Decimal | None
    discounted_payback_months: Decimal | None


@dataclass(frozen=True)
class YearRow:
    """One year of the by-year table (months ``first_month``..``last_month``; the last year may
    be partial). ``cumulative`` is the cumulative net at the end of the year."""

    year: int
    first_month: int
    last_month: int
    costs: Decimal
    gains: Decimal
    net: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class Totals:
    costs: Decimal
    gains: Decimal
    net: Decimal


@dataclass(frozen=True)
class ByYear:
    """The classic Year 1 / Year 2 / … / Total / Present value table over the horizon.

    ``present_value`` holds the discounted sums Σ flow_m / (1 + r)^(m/12); its ``net`` is the NPV.
    """

    years: tuple[YearRow, ...]
    total: Totals
    present_value: Totals


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
class CaseWarning:
    """Something the product points out on its own (method §4). ``code`` is stable; the web
    layer turns it into a sentence. ``params`` hold Decimals, ints or None."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


# ``Warning`` is the agreed public name; the class is called ``CaseWarning`` so that code can
# import it without shadowing Python's builtin ``Warning``.
Warning = CaseWarning


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


# --- figures over a prefix of months --------------------------------------------------------


def _payback(cumulative: Sequence[Any], crossing) -> Any:
    """Method §3's payback on ``cumulative[m]`` (index 0 = month 0 = 0): 0 if never negative;
    else (m − 1) + (−c_{m−1}) / (c_m − c_{m−1}) for the first m >= 0 after the first negative
    month; None if there is none. ``crossing(m − 1, c_{m−1}, c_m)`` computes that in the
    caller's number type."""
    first_negative = next((m for m in range(1, len(cumulative)) if cumulative[m] < 0), None)
    if first_negative is None:
        return 0
    for month in range(first_negative + 1, len(cumulative)):
        if cumulative[month] >= 0:
            return crossing(month - 1, cumulative[month - 1], cumulative[month])
    return None


def _exact_crossing(whole: int, before: int, after: int) -> Decimal:
    """whole + (−before) / (after − before), exact, handed out as :func:`to_decimal` does."""
    step = after - before
    return ratio_to_decimal(whole * step - before, step)


def _decimal_crossing(whole: int, before: Decimal, after: Decimal) -> Decimal:
    """whole + (−before) / (after − before), each operation at 50 digits."""
    context = _DISCOUNT_CONTEXT
    return context.add(whole, context.divide(context.minus(before),
                                             context.subtract(after, before)))


def _as_decimal(value: Fraction | int | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return _OUTPUT_CONTEXT.plus(value)
    return to_decimal(value)


def _monthly_discount_factors(rate: Decimal, months: int) -> tuple[Decimal, ...]:
    """``(1, f, f^2, …, f^months)`` with f = 1/(1+r)^(1/12) = the factor of month 1, at 60
    digits: one Decimal power, then products, since (1+r)^(-m/12) = f^m."""
    with localcontext(_FACTOR_CONTEXT):
        monthly = Decimal(1) / (Decimal(1) + rate) ** (Decimal(1) / Decimal(12))
        factors = [Decimal(1)]
        for _ in range(months):
            factors.append(factors[-1] * monthly)
    return tuple(factors)


@functools.lru_cache(maxsize=64)
def _standard_discount_factors(rate_text: str) -> tuple[Decimal, ...]:
    # Keyed by the rate's text, not its value: 0.1 and 0.10 are equal, but the power is taken
    # of 1.1 and 1.10, and nothing promises the same last digit for both.
    return _monthly_discount_factors(Decimal(rate_text), EXTENDED_HORIZON_MONTHS)


def _discount_factors(rate: Decimal, months: int) -> Sequence[Decimal] | None:
    """``factors[m]`` = 1/(1+r)^(m/12) for m = 0..``months`` (at least), or None when r = 0 (no
    discounting, so the discounted figures stay exact). The factors depend on the rate only, so
    those of the usual horizons are computed once per rate and kept."""
    if rate == 0:
        return None
    if months <= EXTENDED_HORIZON_MONTHS:
        return _standard_discount_factors(str(rate))
    return _monthly_discount_factors(rate, months)


def _decimal_quotient(numerator: int, denominator: int) -> Decimal:
    """``to_decimal(Fraction(numerator, denominator))`` for any non-zero denominator."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return ratio_to_decimal(numerator, denominator)


class _NetFlows:
    """The exact net monthly flows of one variant of the case, and what method §3 derives from
    them: the cumulative sums (payback), the month values as 40-digit Decimals (IRR, the monthly
    table) and their discounted cumulative (NPV, discounted payback). The Decimal ones are built
    only as far as a figure asks."""

    def __init__(self, net: Vector, discount_factors: Sequence[Decimal] | None) -> None:
        self.net = net
        self.cumulative = prefix_sums(net.numerators)
        self.discount_factors = discount_factors
        self._decimals: list[Decimal] = []
        self._float_values: list[float] | None = None
        self._discounted: list[Decimal] = [Decimal(0)]  # index 0: month 0
        self._discounted_cumulative: list[Decimal] = [Decimal(0)]

    def decimals(self, months: int) -> list[Decimal]:
        """The net of months 1..``months`` (at least), each ``to_decimal`` of its exact value."""
        known = len(self._decimals)
        if known < months:
            self._decimals += exact_quotients(self.net.numerators[known:months],
                                              self.net.denominator)
        return self._decimals

    def cumulative_decimal(self, month: int) -> Decimal:
        return ratio_to_decimal(self.cumulative[month], self.net.denominator)

    def _discount_up_to(self, months: int) -> None:
        """Σ net_m × factor_m, month by month, at 50 digits."""
        done = len(self._discounted) - 1
        if done >= months:
            return
        nets = self.decimals(months)
        factors = self.discount_factors
        discounted, cumulative = self._discounted, self._discounted_cumulative
        with localcontext(_DISCOUNT_CONTEXT):
            running = cumulative[-1]
            for month in range(done + 1, months + 1):
                value = nets[month - 1] * factors[month]
                running = running + value
                discounted.append(value)
                cumulative.append(running)

    def discounted_nets(self, months: int) -> list[Decimal]:
        """Net / (1 + r)^(m/12) of months 1..``months``, at 40 digits."""
        if self.discount_factors is None:
            return self.decimals(months)[:months]
        self._discount_up_to(months)
        return [_OUTPUT_CONTEXT.plus(value) for value in self._discounted[1 : months + 1]]

    def discounted_cumulatives(self, months: int) -> list[Decimal]:
        """Σ_{k <= m} net_k / (1 + r)^(k/12) for m = 1..``months``, at 40 digits."""
        if self.discount_factors is None:
            return exact_quotients(self.cumulative[1 : months + 1], self.net.denominator)
        self._discount_up_to(months)
        return [_OUTPUT_CONTEXT.plus(value)
                for value in self._discounted_cumulative[1 : months + 1]]

    def discounted_cumulative(self, month: int) -> Decimal:
        if self.discount_factors is None:
            return self.cumulative_decimal(month)
        self._discount_up_to(month)
        return _OUTPUT_CONTEXT.plus(self._discounted_cumulative[month])

    def payback(self, months: int) -> Decimal | None:
        """The payback over months 1..``months``, exact (then to 40 digits)."""
        payback = _payback(self.cumulative[: months + 1], _exact_crossing)
        return to_decimal(payback) if isinstance(payback, int) else payback  # 0: never short

    def discounted_payback(self, months: int) -> Decimal | None:
        """The payback of the discounted cumulative, at 50 digits (then 40)."""
        if self.discount_factors is None:
            return self.payback(months)
        self._discount_up_to(months)
        return _as_decimal(_payback(self._discounted_cumulative[: months + 1],
                                    _decimal_crossing))

    def irr(self, months: int) -> Decimal | None:
        return irr_percent(self.decimals(months)[:months], floats=self._floats(months))

    def _floats(self, months: int) -> list[float] | None:
        """The net of months 1..``months`` as the floats nearest to the exact values (an int
        quotient is rounded correctly), which the IRR search takes instead of converting the
        Decimals; None if one does not fit in a float."""
        if self._float_values is None or len(self._float_values) < months:
            try:
                denominator = self.net.denominator
                self._float_values = [numerator / denominator
                                      for numerator in self.net.numerators]
            except OverflowError:
                return None
        return self._float_values[:months]


# An exact rational as (numerator, denominator > 0): cheaper than a Fraction, which reduces
# itself after every operation, for the handful of operations a headline needs.
_Exact = tuple[int, int]


def _headline(months: int, total_costs: _Exact, total_gains: _Exact,
              total_gains_unadjusted: _Exact, net: _NetFlows) -> Headline:
    """The figures of method §3 over months 1..``months`` from the exact totals over those
    months and the net flows (net gain = gains − costs; ROI = net gain / costs × 100)."""
    costs, costs_denominator = total_costs
    gains, gains_denominator = total_gains
    net_gain = gains * costs_denominator - costs * gains_denominator
    net_denominator = gains_denominator * costs_denominator
    roi = None
    if costs:
        roi = _decimal_quotient(100 * net_gain * costs_denominator, net_denominator * costs)
    return Headline(
        horizon_months=months,
        total_costs=ratio_to_decimal(*total_costs),
        total_gains=ratio_to_decimal(*total_gains),
        total_gains_unadjusted=ratio_to_decimal(*total_gains_unadjusted),
        net_gain=ratio_to_decimal(net_gain, net_denominator),
        roi_percent=roi,
        payback_months=net.payback(months),
        npv=net.discounted_cumulative(months),
        irr_percent=_as_decimal(net.irr(months)),
        discounted_payback_months=net.discounted_payback(months),
    )


class _Series:
    """Costs, gains (risk-adjusted) and unadjusted gains of the case over months 1..``months``,
    exact, with the cumulative sums every figure needs. ``longer(months)`` builds the same
    series over more months, for a look beyond them (the payback warning)."""

    def __init__(self, costs: Vector, gains: Vector, gains_unadjusted: Vector,
                 discount_factors: Sequence[Decimal] | None,
                 longer: Callable[[int], _Series] | None = None) -> None:
        self.costs = costs
        self.gains = gains
        self.gains_unadjusted = gains_unadjusted
        self.months = min(len(costs.numerators), len(gains.numerators),
                          len(gains_unadjusted.numerators))
        self.cumulative_costs = prefix_sums(costs.numerators)
        self.cumulative_gains = prefix_sums(gains.numerators)
        self.cumulative_gains_unadjusted = prefix_sums(gains_unadjusted.numerators)
        self.net = _NetFlows(_difference(gains, costs, self.months), discount_factors)
        self.discount_factors = discount_factors
        self._longer = longer

    def _totals(self, months: int) -> tuple[_Exact, _Exact, _Exact]:
        """Costs, gains and unadjusted gains of months 1..``months``, exact."""
        return ((self.cumulative_costs[months], self.costs.denominator),
                (self.cumulative_gains[months], self.gains.denominator),
                (self.cumulative_gains_unadjusted[months], self.gains_unadjusted.denominator))

    def headline(self, months: int) -> Headline:
        return _headline(months, *self._totals(months), self.net)

    def scenario_headline(self, gains_factor: Fraction, costs_factor: Fraction,
                          months: int) -> Headline:
        """The headline with every monthly gain × ``gains_factor`` and cost × ``costs_factor``.

        Totals are linear in the factors, so they are this series' totals × factor, without a
        pass over the months; the payback, NPV and IRR need the scenario's own monthly net
        g × gains_m − c × costs_m, built over months 1..``months`` only.
        """
        def scaled(total: _Exact, factor: Fraction) -> _Exact:
            return total[0] * factor.numerator, total[1] * factor.denominator

        total_costs, total_gains, total_gains_unadjusted = self._totals(months)
        net = _difference(self.gains, self.costs, months, gains_factor, costs_factor)
        return _headline(months, scaled(total_costs, costs_factor),
                         scaled(total_gains, gains_factor),
                         scaled(total_gains_unadjusted, gains_factor),
                         _NetFlows(net, self.discount_factors))

    def payback(self, months: int) -> Decimal | None:
        """The exact payback over months 1..``months``, extending the flows if they are
        shorter (month values never depend on the horizon)."""
        if months > self.months and self._longer is not None:
            return self._longer(months).payback(months)
        return self.net.payback(months)

    def discounted_sum(self, vector: Vector, months: int) -> Decimal:
        """Σ_{m <= months} vector_m / (1 + r)^(m/12)."""
        factors = self.discount_factors
        if factors is None:
            return ratio_to_decimal(sum(vector.numerators[:months]), vector.denominator)
        denominator = Decimal(vector.denominator)
        with localcontext(_DISCOUNT_CONTEXT):
            # The integer numerators times the factors, then one division: the digits below
            # the 40th depend on the vector's denominator, which is why the flows keep the one
            # the engine has always used (see _CaseFlows).
            total = sum(
                (Decimal(numerator) * factors[m] for m, numerator
                 in enumerate(vector.numerators[:months], start=1) if numerator),
                Decimal(0),
            )
            return _OUTPUT_CONTEXT.plus(total / denominator)

    def monthly(self, months: int) -> tuple[MonthRow, ...]:
        net = self.net
        return tuple(
            MonthRow(month, *values) for month, *values in zip(
                range(1, months + 1),
                exact_quotients(self.costs.numerators[:months], self.costs.denominator),
                exact_quotients(self.gains.numerators[:months], self.gains.denominator),
                exact_quotients(self.gains_unadjusted.numerators[:months],
                                self.gains_unadjusted.denominator),
                net.decimals(months)[:months],
                exact_quotients(net.cumulative[1 : months + 1], net.net.denominator),
                net.discounted_nets(months),
                net.discounted_cumulatives(months),
                strict=True,
            )
        )

    def by_year(self, months: int) -> ByYear:
        net_denominator = self.net.net.denominator
        years = []
        for year, first in enumerate(range(1, months + 1, 12), start=1):
            last = min(first + 11, months)

            def between(cumulative: list[int], denominator: int, a: int = first,
                        b: int = last) -> Decimal:
                return ratio_to_decimal(cumulative[b] - cumulative[a - 1], denominator)

            years.append(YearRow(
                year=year, first_month=first, last_month=last,
                costs=between(self.cumulative_costs, self.costs.denominator),
                gains=between(self.cumulative_gains, self.gains.denominator),
                net=between(self.net.cumulative, net_denominator),
                cumulative=self.net.cumulative_decimal(last),
            ))
        total = Totals(
            costs=ratio_to_decimal(self.cumulative_costs[months], self.costs.denominator),
            gains=ratio_to_decimal(self.cumulative_gains[months], self.gains.denominator),
            net=self.net.cumulative_decimal(months),
        )
        present_value = Totals(
            costs=self.discounted_sum(self.costs, months),
            gains=self.discounted_sum(self.gains, months),
            net=self.net.discounted_cumulative(months),
        )
        return ByYear(tuple(years), total, present_value)


def _difference(gains: Vector, costs: Vector, months: int, gains_factor: Fraction = _UNIT,
                costs_factor: Fraction = _UNIT) -> Vector:
    """g × gains − c × costs over months 1..``months``, exactly, in one pass (the lcm of the
    scaled denominators, as :func:`~roi.calculation.lines.combine` would give)."""
    gains_denominator = gains.denominator * gains_factor.denominator
    costs_denominator = costs.denominator * costs_factor.denominator
    denominator = math.lcm(gains_denominator, costs_denominator)
    left = gains_factor.numerator * (denominator // gains_denominator)
    right = costs_factor.numerator * (denominator // costs_denominator)
    return Vector([gain * left - cost * right for gain, cost in zip(
        gains.numerators[:months], costs.numerators[:months], strict=True)], denominator)


class _CaseFlows:
    """A case's lines and their monthly sums over any number of months (up to the extended
    horizon).

    The denominators are those the engine has always used: the least common denominator of the
    line values falling within :data:`EXTENDED_HORIZON_MONTHS`. Values do not depend on them,
    but the last digits of a present value do (:meth:`_Series.discounted_sum`), and no figure
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

    def series(self, months: int, discount_factors: Sequence[Decimal] | None) -> _Series:
        return _Series(
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


def compute(case: Case) -> CaseResult:
    """Every figure of the method for ``case`` (method §2–§4), in the case's currency.

    Monthly flows for months 1..H; the headline over H; the same headline over 6, 12, 24 and
    36 months; the by-year table; totals per post; one headline per scenario (every monthly gain
    × gains_factor, every monthly cost × costs_factor); the ROI tornado (each post × 0.8 and
    × 1.2); the warnings of §4; the KPIs with their progress. Raises ValueError only on a case
    that breaks the model's invariants (unknown category, horizon out of 1..120, …).
    """
    # Imported here: the tracking is built on this module (headline_of_flows, CaseWarning).
    from roi.calculation.tracking import compute_tracking

    _check(case)
    horizon = case.horizon_months
    cost_lines = lines_of(case.costs, COST_CATEGORIES, gains=False)
    gain_lines = lines_of(case.gains, GAIN_CATEGORIES, gains=True)
    # Flows as far as the figures shown need (H and the standard views); the payback warning
    # extends them only when the payback is beyond H.
    months = max(horizon, *STANDARD_HORIZONS)
    discount_factors = _discount_factors(Decimal(case.discount_rate), months)
    flows = _CaseFlows(cost_lines, gain_lines)
    base = flows.series(months, discount_factors)
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
