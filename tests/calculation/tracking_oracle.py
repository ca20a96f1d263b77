"""An independent oracle for method §6, written plainly from the method's text.

Fractions, month by month, line by line; it shares no code with ``roi/calculation/tracking.py``,
``lines.py`` or ``engine.py`` (only the input dataclasses). Slow and obvious on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction

ZERO = Fraction(0)


def planned_value(item, month: int, *, gain: bool, adjusted: bool = True) -> Fraction:
    """Method §2: the planned value of a line in month m (gains: × margin, × min(1, k/R),
    × confidence when ``adjusted``)."""
    start = item.start_month
    if month < start:
        return ZERO
    value = Fraction(item.amount) * Fraction(item.quantity)
    if gain and item.margin is not None:
        value *= Fraction(item.margin)
    recurrence = str(getattr(item.recurrence, "value", item.recurrence))
    if recurrence == "once":
        monthly = value if month == start else ZERO
    else:
        if item.end_month is not None and month > item.end_month:
            return ZERO
        monthly = value / 12 if recurrence == "yearly" else value
        if gain and item.ramp_up_months > 0:
            k = month - start + 1
            monthly *= min(Fraction(1), Fraction(k, item.ramp_up_months))
    if gain and adjusted:
        monthly *= Fraction(item.confidence)
    return monthly


def is_active(item, month: int, horizon: int) -> bool:
    """Method §6: ``once``: the start month; otherwise start..end, or start..H."""
    recurrence = str(getattr(item.recurrence, "value", item.recurrence))
    if recurrence == "once":
        return month == item.start_month
    end = horizon if item.end_month is None else item.end_month
    return item.start_month <= month <= end


@dataclass
class OracleLine:
    plan: Fraction = ZERO
    plan_unadjusted: Fraction = ZERO
    actual: Fraction = ZERO
    missing_months: list[int] = field(default_factory=list)


@dataclass
class OracleTracking:
    plan_costs: Fraction
    plan_gains: Fraction
    actual_costs: Fraction
    actual_gains: Fraction
    missing_actuals: int
    lines: list[OracleLine]
    costs: list[Fraction]  # reforecast costs of months 1..H
    gains: list[Fraction]  # reforecast gains (risk-adjusted) of months 1..H
    plan_cumulative: list[Fraction]  # planned cumulative net of months 1..H


def oracle_tracking(case) -> OracleTracking:
    horizon, closed = case.horizon_months, case.as_of_month
    costs = [ZERO] * horizon
    gains = [ZERO] * horizon
    plan_net = [ZERO] * horizon
    totals = {"plan_costs": ZERO, "plan_gains": ZERO, "actual_costs": ZERO,
              "actual_gains": ZERO}
    lines = []
    missing = 0
    for gain, items in ((False, case.costs), (True, case.gains)):
        kind = "gains" if gain else "costs"
        for item in items:
            line = OracleLine()
            reported = {month: Fraction(amount) for month, amount in item.actuals}
            for month in range(1, horizon + 1):
                plan = planned_value(item, month, gain=gain)
                plan_net[month - 1] += plan if gain else -plan
                if month <= closed:
                    if month in reported:
                        actual = reported[month]
                    else:
                        actual = plan
                        if is_active(item, month, horizon):
                            line.missing_months.append(month)
                            missing += 1
                    line.plan += plan
                    line.plan_unadjusted += planned_value(item, month, gain=gain,
                                                          adjusted=False)
                    line.actual += actual
                    totals[f"plan_{kind}"] += plan
                    totals[f"actual_{kind}"] += actual
                    flow = actual
                else:
                    flow = plan
                (gains if gain else costs)[month - 1] += flow
            lines.append(line)
    cumulative, running = [], ZERO
    for net in plan_net:
        running += net
        cumulative.append(running)
    return OracleTracking(missing_actuals=missing, lines=lines, costs=costs, gains=gains,
                          plan_cumulative=cumulative, **totals)


def payback(cumulative: list) -> object | None:
    """Method §3 on ``cumulative[m - 1]`` = cumulative of month m (month 0 is 0)."""
    values = [0, *cumulative]
    first_negative = None
    for month in range(1, len(values)):
        if values[month] < 0:
            first_negative = month
            break
    if first_negative is None:
        return 0
    for month in range(first_negative + 1, len(values)):
        if values[month] >= 0:
            before = values[month - 1]
            return (month - 1) + (-before) / (values[month] - before)
    return None


@dataclass
class OracleHeadline:
    total_costs: Fraction
    total_gains: Fraction
    net_gain: Fraction
    roi_percent: Fraction | None
    payback_months: Fraction | None
    npv: Fraction | Decimal
    discounted_payback_months: Fraction | Decimal | None
    nets: list[Fraction]


def oracle_headline(costs: list[Fraction], gains: list[Fraction], rate: Decimal
                    ) -> OracleHeadline:
    """Method §3 over the given monthly flows. With r != 0 the discounting is done in Decimal
    with 60 digits, each month raised to the power m/12 directly."""
    nets = [g - c for g, c in zip(gains, costs, strict=True)]
    cumulative, running = [], ZERO
    for net in nets:
        running += net
        cumulative.append(running)
    total_costs, total_gains = sum(costs, ZERO), sum(gains, ZERO)
    net_gain = total_gains - total_costs
    roi = None if total_costs == 0 else net_gain / total_costs * 100
    if rate == 0:
        npv, discounted_payback = net_gain, payback(cumulative)
    else:
        with localcontext(prec=60):
            discounted, total = [], Decimal(0)
            for month, net in enumerate(nets, start=1):
                value = Decimal(net.numerator) / Decimal(net.denominator)
                total += value / (1 + Decimal(rate)) ** (Decimal(month) / 12)
                discounted.append(total)
            npv, discounted_payback = total, payback(discounted)
    return OracleHeadline(total_costs, total_gains, net_gain, roi, payback(cumulative), npv,
                          discounted_payback, nets)


def cents(value: Fraction | Decimal | None) -> str | None:
    """Round half-up (away from zero on a tie) to the cent, by integer arithmetic."""
    if value is None:
        return None
    exact = Fraction(value)
    sign = "-" if exact < 0 else ""
    hundredths = int(abs(exact) * 100 + Fraction(1, 2))  # floor, the value is >= 0
    if hundredths == 0:
        sign = ""
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"
