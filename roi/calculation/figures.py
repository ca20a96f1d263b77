"""The figures of method §3 over exact monthly flows: the result rows and the series that
computes them.

A :class:`Series` holds a variant's monthly costs, gains (risk-adjusted and not) and their
cumulative sums as exact rationals (integer numerators over one denominator), and gives the
headline (totals, ROI, payback, NPV, IRR, discounted payback) over any prefix of months, the
monthly rows and the by-year table. :func:`roi.calculation.engine.compute` builds the series of
a case; the tracking (the reforecast of method §6) and the comparison of options (method §7)
build theirs from other flows with :func:`headline_of_flows`. Only what involves
``(1 + r)^(m/12)`` is irrational: it is computed in Decimal with 50 significant digits.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import Any

from roi.calculation import limits
from roi.calculation.irr import irr_percent
from roi.calculation.lines import Vector, prefix_sums
from roi.calculation.money import exact_quotients, ratio_to_decimal, to_decimal

__all__ = ["EXTENDED_HORIZON_MONTHS", "ByYear", "CaseWarning", "Headline", "MonthRow", "Series",
           "Totals", "Warning", "YearRow", "as_decimal", "discount_factors", "headline_of_flows"]

# How far the engine looks when the payback is beyond the chosen horizon (the format's maximum).
EXTENDED_HORIZON_MONTHS = limits.MAX_HORIZON_MONTHS

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


@dataclass(frozen=True)
class CaseWarning:
    """Something the product points out on its own (method §4). ``code`` is stable; the web
    layer turns it into a sentence. ``params`` hold Decimals, ints or None."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


# ``Warning`` is the agreed public name; the class is called ``CaseWarning`` so that code can
# import it without shadowing Python's builtin ``Warning``.
Warning = CaseWarning


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


def as_decimal(value: Fraction | int | Decimal | None) -> Decimal | None:
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
def _standarddiscount_factors(rate_text: str) -> tuple[Decimal, ...]:
    # Keyed by the rate's text, not its value: 0.1 and 0.10 are equal, but the power is taken
    # of 1.1 and 1.10, and nothing promises the same last digit for both.
    return _monthly_discount_factors(Decimal(rate_text), EXTENDED_HORIZON_MONTHS)


def discount_factors(rate: Decimal, months: int) -> Sequence[Decimal] | None:
    """``factors[m]`` = 1/(1+r)^(m/12) for m = 0..``months`` (at least), or None when r = 0 (no
    discounting, so the discounted figures stay exact). The factors depend on the rate only, so
    those of the usual horizons are computed once per rate and kept."""
    if rate == 0:
        return None
    if months <= EXTENDED_HORIZON_MONTHS:
        return _standarddiscount_factors(str(rate))
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
        return as_decimal(_payback(self._discounted_cumulative[: months + 1],
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
        irr_percent=as_decimal(net.irr(months)),
        discounted_payback_months=net.discounted_payback(months),
    )


class Series:
    """Costs, gains (risk-adjusted) and unadjusted gains of the case over months 1..``months``,
    exact, with the cumulative sums every figure needs. ``longer(months)`` builds the same
    series over more months, for a look beyond them (the payback warning)."""

    def __init__(self, costs: Vector, gains: Vector, gains_unadjusted: Vector,
                 discount_factors: Sequence[Decimal] | None,
                 longer: Callable[[int], Series] | None = None) -> None:
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



def headline_of_flows(costs: Vector, gains: Vector, gains_unadjusted: Vector, *,
                      discount_rate: Decimal, months: int) -> Headline:
    """The figures of method §3 over months 1..``months`` of given exact monthly flows.

    ``costs``, ``gains`` (risk-adjusted) and ``gains_unadjusted`` are exact vectors of at least
    ``months`` months (see :class:`roi.calculation.lines.Vector`), ``discount_rate`` the annual
    rate r. This is what :func:`compute` applies to a case's own flows; the tracking
    (reforecast) and the comparison of options apply it to flows they build themselves.
    """
    factors = discount_factors(Decimal(discount_rate), months)
    return Series(costs, gains, gains_unadjusted, factors).headline(months)
