"""After go-live: actuals, variance and the reforecast (method §6).

:func:`compute_tracking` compares the closed months 1..A of a case (A = ``case.as_of_month``)
with its plan and reforecasts the whole horizon H on flows that are actual for months 1..A and
planned for months A+1..H. :func:`learned_rates` pools several projects' trackings into the
rates that let the next forecast learn from past ones (seed 004).

The actual value of a line in a closed month m is its reported actual when there is one;
otherwise it is the line's planned value (costs: the base value; gains: the risk-adjusted
value) and, when m is one of the line's :func:`active_months`, that line-month is a missing
actual. An actual may be reported in any closed month, active or not (an overrun invoiced
later).

How it stays exact to the cent: a line's planned months are the exact vector of
:func:`roi.calculation.lines.post_flows`; replacing its closed months by the reported actuals
(decimals, hence exact rationals) keeps it exact, and the reforecast's figures are
:func:`roi.calculation.engine.headline_of_flows` on those vectors, the code that
:func:`roi.calculation.compute` uses for the plan. Money is in the case's currency throughout.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from roi.calculation.figures import CaseWarning, Headline, headline_of_flows
from roi.calculation.lines import Vector, combine, post_flows, prefix_sums
from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES, Case, LineItem, Recurrence
from roi.calculation.money import to_decimal

__all__ = [
    "COST_OVERRUN_WARNING_RATIO",
    "GAIN_SHORTFALL_WARNING_RATIO",
    "MIN_CLOSED_MONTHS_TO_LEARN",
    "CostOverrun",
    "GainRealisation",
    "LearnedRates",
    "LineTracking",
    "PostTracking",
    "TrackingMonth",
    "TrackingResult",
    "active_months",
    "compute_tracking",
    "learned_rates",
]

# Tracking warnings (codes "costs_over_plan", "gains_under_plan"): actual costs above
# 110 % of the plan, actual gains below 80 % of it, over the closed months. Gains get the wider
# band because they are the uncertain side of a CRM case (adoption takes time); costs are
# mostly contracted, so a 10 % overrun already says something went wrong.
COST_OVERRUN_WARNING_RATIO = Fraction(110, 100)
GAIN_SHORTFALL_WARNING_RATIO = Fraction(80, 100)
# A project teaches the learned rates only once three months are closed: before that, a
# start-up month (one-off invoices, the first sales) weighs too much in its ratio.
MIN_CLOSED_MONTHS_TO_LEARN = 3


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineTracking:
    """One line over the closed months 1..A, in the case's currency, full precision.

    ``kind`` is "cost" or "gain" and ``index`` the line's position in ``case.costs`` or
    ``case.gains``. ``plan``: Σ planned values (gains risk-adjusted); ``plan_unadjusted``: the
    same before confidence (equal to ``plan`` for a cost); ``actual``: Σ actual values (the
    reported actual, or the plan where none is reported); ``variance`` = actual − plan;
    ``missing_months``: the active closed months without a reported actual, ascending.
    """

    kind: str
    index: int
    category: str
    label: str
    plan: Decimal
    plan_unadjusted: Decimal
    actual: Decimal
    variance: Decimal
    missing_months: tuple[int, ...]


@dataclass(frozen=True)
class PostTracking:
    """One post (every post of the catalogue, in its order) over the closed months 1..A: the
    sums of its lines' ``plan``, ``plan_unadjusted``, ``actual`` and ``variance``."""

    kind: str
    category: str
    plan: Decimal
    plan_unadjusted: Decimal
    actual: Decimal
    variance: Decimal
    # Over the whole horizon 1..H: the plan (gains risk-adjusted) and the reforecast (actual
    # for 1..A, plan after), so that a page shows the post's plan and reforecast side by side.
    plan_horizon: Decimal = Decimal(0)
    reforecast_horizon: Decimal = Decimal(0)


@dataclass(frozen=True)
class TrackingMonth:
    """One month m of 1..H: the plan and the reforecast side by side.

    ``closed`` is m <= A. ``plan_*`` are the planned costs, risk-adjusted gains, net (gains −
    costs) and cumulative net; ``reforecast_*`` the same on the actual values for a closed
    month and on the plan after A.
    """

    month: int
    closed: bool
    plan_costs: Decimal
    plan_gains: Decimal
    plan_net: Decimal
    plan_cumulative: Decimal
    reforecast_costs: Decimal
    reforecast_gains: Decimal
    reforecast_net: Decimal
    reforecast_cumulative: Decimal


@dataclass(frozen=True)
class TrackingResult:
    """Method §6 for a case with ``as_of_month`` A, computed by :func:`compute_tracking`.

    Over the closed months 1..A, in the case's currency, full precision:
    ``plan_costs``, ``plan_gains`` (risk-adjusted) and ``plan_gains_unadjusted`` (before
    confidence); ``actual_costs``, ``actual_gains``; ``cost_variance`` = actual_costs −
    plan_costs (positive = overspend); ``gain_variance`` = actual_gains − plan_gains (negative
    = shortfall); ``actual_net`` = actual_gains − actual_costs; ``actual_roi_percent`` =
    actual_net / actual_costs × 100 in percent, None when actual_costs is 0;
    ``missing_actuals``: the count of missing line-months.

    ``reforecast``: the figures of method §3 over the whole horizon H on flows that are actual
    for 1..A and planned for A+1..H (its ``total_gains_unadjusted`` counts a reported actual as
    it is, since no confidence applies to a fact, and the plan before confidence elsewhere).

    ``lines`` (costs then gains, in case order), ``costs_by_post`` and ``gains_by_post``
    (every post), ``monthly`` (months 1..H) and ``warnings`` (codes ``costs_over_plan``,
    ``gains_under_plan``; none when A = 0) give the detail.
    """

    as_of_month: int
    plan_costs: Decimal
    plan_gains: Decimal
    plan_gains_unadjusted: Decimal
    actual_costs: Decimal
    actual_gains: Decimal
    cost_variance: Decimal
    gain_variance: Decimal
    actual_net: Decimal
    actual_roi_percent: Decimal | None
    missing_actuals: int
    reforecast: Headline
    lines: tuple[LineTracking, ...]
    costs_by_post: tuple[PostTracking, ...]
    gains_by_post: tuple[PostTracking, ...]
    monthly: tuple[TrackingMonth, ...]
    warnings: tuple[CaseWarning, ...]


# --- the computation -------------------------------------------------------------------------


def active_months(item: LineItem, horizon_months: int) -> range:
    """The months in which a line is planned to carry a value (method §6): ``once``: its
    start month only; otherwise start_month..end_month, or start_month..H without an end
    month. A closed month of this range without a reported actual is a missing actual."""
    if Recurrence(item.recurrence) is Recurrence.ONCE:
        return range(item.start_month, item.start_month + 1)
    last = horizon_months if item.end_month is None else item.end_month
    return range(item.start_month, last + 1)


def _with_actuals(plan: Vector, actuals: Sequence[tuple[int, Fraction]]) -> Vector:
    """``plan`` with each reported month replaced by its actual, exactly."""
    if not actuals:
        return plan
    denominator = math.lcm(plan.denominator, *(value.denominator for _, value in actuals))
    scale = denominator // plan.denominator
    numerators = [numerator * scale for numerator in plan.numerators]
    for month, value in actuals:
        numerators[month - 1] = value.numerator * (denominator // value.denominator)
    return Vector(numerators, denominator)


def _sum_to(vector: Vector, months: int) -> Fraction:
    """Σ of months 1..``months`` of ``vector``, exactly."""
    return Fraction(sum(vector.numerators[:months]), vector.denominator)


def _total(vectors: list[Vector], months: int) -> Vector:
    if not vectors:
        return Vector([0] * months, 1)
    return combine((1, vector) for vector in vectors)


class _Line:
    """The exact vectors of one line over months 1..H (internal)."""

    __slots__ = ("item", "kind", "index", "plan", "plan_unadjusted", "reforecast",
                 "reforecast_unadjusted", "missing_months")

    def __init__(self, item: LineItem, kind: str, index: int, horizon: int,
                 closed: int) -> None:
        gains = kind == "gain"
        flows = post_flows((item,), (item.category,), horizon, gains=gains)[item.category]
        actuals = [(month, Fraction(amount)) for month, amount in item.actuals]
        reported = {month for month, _ in actuals}
        active = active_months(item, horizon)
        self.item, self.kind, self.index = item, kind, index
        self.plan = flows.adjusted
        self.plan_unadjusted = flows.unadjusted
        self.reforecast = _with_actuals(flows.adjusted, actuals)
        # A reported actual is a fact: no confidence to take off it, so the unadjusted
        # reforecast carries it as it is.
        self.reforecast_unadjusted = (
            _with_actuals(flows.unadjusted, actuals) if gains else self.reforecast
        )
        self.missing_months = tuple(
            month for month in range(max(active.start, 1), min(active.stop, closed + 1))
            if month not in reported
        )

    def tracking(self, closed: int) -> LineTracking:
        plan, actual = _sum_to(self.plan, closed), _sum_to(self.reforecast, closed)
        return LineTracking(
            kind=self.kind, index=self.index, category=self.item.category,
            label=self.item.label, plan=to_decimal(plan),
            plan_unadjusted=to_decimal(_sum_to(self.plan_unadjusted, closed)),
            actual=to_decimal(actual), variance=to_decimal(actual - plan),
            missing_months=self.missing_months,
        )


def _check(case: Case) -> None:
    """Invariants of method §6 without which the figures are meaningless. Untrusted input goes
    through :func:`roi.calculation.case_format.parse_case` first."""
    if case.as_of_month is None:
        raise ValueError("the case is not tracked: as_of_month is None")
    if case.horizon_months < 1:
        raise ValueError("horizon_months must be >= 1")
    if not 0 <= case.as_of_month <= case.horizon_months:
        raise ValueError(f"as_of_month must be between 0 and horizon_months "
                         f"{case.horizon_months}")
    for item in (*case.costs, *case.gains):
        for month, _ in item.actuals:
            if not 1 <= month <= case.as_of_month:
                raise ValueError(f"an actual of month {month} is outside the closed months "
                                 f"1..{case.as_of_month}")


def compute_tracking(case: Case) -> TrackingResult:
    """Method §6 for ``case``, whose ``as_of_month`` A is set: months 1..A are closed.

    Per line and month m <= A: actual_m = the reported actual, else the planned value (costs:
    base value; gains: × ramp-up × margin × confidence, as in :func:`roi.calculation.compute`).
    plan_* and actual_* are the sums over 1..A; variances are actual − plan; the reforecast is
    the §3 headline over H of ``actual_m`` for m <= A and the plan for m > A, at the case's
    discount rate. Money in the case's currency, percent in percent. Raises ValueError on a
    case that breaks the invariants (A is None or outside 0..H, an actual outside 1..A,
    unknown category).
    """
    _check(case)
    horizon, closed = case.horizon_months, case.as_of_month
    lines = [
        _Line(item, kind, index, horizon, closed)
        for kind, items in (("cost", case.costs), ("gain", case.gains))
        for index, item in enumerate(items)
    ]
    costs = [line for line in lines if line.kind == "cost"]
    gains = [line for line in lines if line.kind == "gain"]

    plan_costs = _total([line.plan for line in costs], horizon)
    plan_gains = _total([line.plan for line in gains], horizon)
    reforecast_costs = _total([line.reforecast for line in costs], horizon)
    reforecast_gains = _total([line.reforecast for line in gains], horizon)
    reforecast_gains_unadjusted = _total([line.reforecast_unadjusted for line in gains], horizon)

    planned_costs, planned_gains = _sum_to(plan_costs, closed), _sum_to(plan_gains, closed)
    actual_costs = _sum_to(reforecast_costs, closed)
    actual_gains = _sum_to(reforecast_gains, closed)
    actual_net = actual_gains - actual_costs
    line_results = tuple(line.tracking(closed) for line in lines)

    return TrackingResult(
        as_of_month=closed,
        plan_costs=to_decimal(planned_costs),
        plan_gains=to_decimal(planned_gains),
        plan_gains_unadjusted=to_decimal(
            sum((_sum_to(line.plan_unadjusted, closed) for line in gains), Fraction(0))
        ),
        actual_costs=to_decimal(actual_costs),
        actual_gains=to_decimal(actual_gains),
        cost_variance=to_decimal(actual_costs - planned_costs),
        gain_variance=to_decimal(actual_gains - planned_gains),
        actual_net=to_decimal(actual_net),
        actual_roi_percent=(
            None if actual_costs == 0 else to_decimal(actual_net / actual_costs * 100)
        ),
        missing_actuals=sum(len(line.missing_months) for line in lines),
        reforecast=headline_of_flows(
            reforecast_costs, reforecast_gains, reforecast_gains_unadjusted,
            discount_rate=case.discount_rate, months=horizon,
        ),
        lines=line_results,
        costs_by_post=_posts("cost", COST_CATEGORIES, costs, closed),
        gains_by_post=_posts("gain", GAIN_CATEGORIES, gains, closed),
        monthly=_monthly(closed, (plan_costs, plan_gains), (reforecast_costs, reforecast_gains)),
        warnings=_warnings(closed, planned_costs, actual_costs, planned_gains, actual_gains),
    )


def _posts(kind: str, categories: Sequence[str], lines: list[_Line], closed: int
           ) -> tuple[PostTracking, ...]:
    """Per post: Σ of its lines over 1..A (plan, plan before confidence, actual) and over
    1..H (plan, reforecast), exactly."""
    sums = {category: [Fraction(0)] * 5 for category in categories}
    for line in lines:
        post = sums[line.item.category]
        horizon = len(line.plan.numerators)
        post[0] += _sum_to(line.plan, closed)
        post[1] += _sum_to(line.plan_unadjusted, closed)
        post[2] += _sum_to(line.reforecast, closed)
        post[3] += _sum_to(line.plan, horizon)
        post[4] += _sum_to(line.reforecast, horizon)
    return tuple(
        PostTracking(kind=kind, category=category, plan=to_decimal(plan),
                     plan_unadjusted=to_decimal(unadjusted), actual=to_decimal(actual),
                     variance=to_decimal(actual - plan), plan_horizon=to_decimal(horizon_plan),
                     reforecast_horizon=to_decimal(horizon_reforecast))
        for category, (plan, unadjusted, actual, horizon_plan, horizon_reforecast)
        in sums.items()
    )


def _monthly(closed: int, plan: tuple[Vector, Vector], reforecast: tuple[Vector, Vector]
             ) -> tuple[TrackingMonth, ...]:
    """Months 1..H: planned and reforecast costs, gains, net and cumulative net."""

    def series(costs: Vector, gains: Vector) -> list[tuple[Decimal, ...]]:
        net = combine(((1, gains), (-1, costs)))
        cumulative = prefix_sums(net.numerators)[1:]  # index 0 would be month 0
        return [
            tuple(to_decimal(Fraction(numerator, vector.denominator)) for vector, numerator in (
                (costs, costs.numerators[index]), (gains, gains.numerators[index]),
                (net, net.numerators[index]), (net, cumulative[index])))
            for index in range(len(net.numerators))
        ]

    return tuple(
        TrackingMonth(month, month <= closed, *planned, *forecast)
        for month, (planned, forecast) in enumerate(
            zip(series(*plan), series(*reforecast), strict=True), start=1)
    )


def _warnings(closed: int, plan_costs: Fraction, actual_costs: Fraction, plan_gains: Fraction,
              actual_gains: Fraction) -> tuple[CaseWarning, ...]:
    """``costs_over_plan`` when actual_costs > plan_costs × 1.10, ``gains_under_plan`` when
    actual_gains < plan_gains × 0.80 (closed months 1..A; nothing to say while A = 0).
    ``variance_percent`` = (actual − plan) / plan × 100, None when the plan is 0."""
    if closed == 0:
        return ()

    def params(plan: Fraction, actual: Fraction, threshold: Fraction) -> dict:
        return {
            "as_of_month": closed,
            "plan": to_decimal(plan),
            "actual": to_decimal(actual),
            "variance": to_decimal(actual - plan),
            "variance_percent": None if plan == 0 else to_decimal((actual - plan) / plan * 100),
            "threshold_percent": to_decimal(abs(threshold - 1) * 100),
        }

    warnings = []
    if actual_costs > plan_costs * COST_OVERRUN_WARNING_RATIO:
        warnings.append(CaseWarning("costs_over_plan", params(
            plan_costs, actual_costs, COST_OVERRUN_WARNING_RATIO)))
    if actual_gains < plan_gains * GAIN_SHORTFALL_WARNING_RATIO:
        warnings.append(CaseWarning("gains_under_plan", params(
            plan_gains, actual_gains, GAIN_SHORTFALL_WARNING_RATIO)))
    return tuple(warnings)


# --- forecasts that learn ------------------------------------------------------------------


@dataclass(frozen=True)
class GainRealisation:
    """A gain post's realisation rate pooled over past projects' closed months:
    ``realisation_rate`` = Σ actual / Σ planned before confidence (1 = the gains came in as
    planned; 0.7 = 70 % of it; comparable with the confidence the next case uses).
    ``actual`` and ``planned_unadjusted`` are the pooled sums (currencies are not converted:
    pool projects of one currency); ``projects``: how many projects moved either sum."""

    category: str
    realisation_rate: Decimal
    actual: Decimal
    planned_unadjusted: Decimal
    projects: int


@dataclass(frozen=True)
class CostOverrun:
    """A cost post's overrun rate pooled over past projects' closed months: ``overrun_rate`` =
    Σ actual / Σ planned − 1 (0.10 = 10 % over plan; negative = under plan). ``actual``,
    ``planned`` and ``projects`` as in :class:`GainRealisation`."""

    category: str
    overrun_rate: Decimal
    actual: Decimal
    planned: Decimal
    projects: int


@dataclass(frozen=True)
class LearnedRates:
    """What past projects teach the next forecast (seed 004). ``projects``: the trackings
    that counted (as_of_month >= :data:`MIN_CLOSED_MONTHS_TO_LEARN`); ``gains`` and ``costs``
    in catalogue order, without the posts whose pooled plan is 0 (no rate to learn)."""

    projects: int
    gains: tuple[GainRealisation, ...]
    costs: tuple[CostOverrun, ...]


def learned_rates(trackings: Iterable[TrackingResult | None]) -> LearnedRates:
    """Pool several projects' trackings, e.g. ``[compute(case).tracking for case in cases]``.

    Only trackings with as_of_month >= 3 count (None, an untracked case, is skipped). Per gain
    post: realisation_rate = Σ_projects actual / Σ_projects plan before confidence, each over
    the project's closed months (pooled, so a big project weighs more than a small one). Per
    cost post: overrun_rate = Σ actual / Σ plan − 1. A post whose pooled plan is 0 is left out.
    The sums are exact over the figures of the trackings (40 significant digits each).
    """
    counted = [tracking for tracking in trackings
               if tracking is not None and tracking.as_of_month >= MIN_CLOSED_MONTHS_TO_LEARN]

    def pooled(posts_of, categories, planned_of):
        sums = {category: [Fraction(0), Fraction(0), 0] for category in categories}
        for tracking in counted:
            for post in posts_of(tracking):
                actual, planned = Fraction(post.actual), Fraction(planned_of(post))
                entry = sums[post.category]
                entry[0] += actual
                entry[1] += planned
                entry[2] += 1 if actual or planned else 0
        return [(category, actual, planned, projects)
                for category, (actual, planned, projects) in sums.items() if planned != 0]

    gains = tuple(
        GainRealisation(category, to_decimal(actual / planned), to_decimal(actual),
                        to_decimal(planned), projects)
        for category, actual, planned, projects in pooled(
            lambda tracking: tracking.gains_by_post, GAIN_CATEGORIES,
            lambda post: post.plan_unadjusted)
    )
    costs = tuple(
        CostOverrun(category, to_decimal(actual / planned - 1), to_decimal(actual),
                    to_decimal(planned), projects)
        for category, actual, planned, projects in pooled(
            lambda tracking: tracking.costs_by_post, COST_CATEGORIES, lambda post: post.plan)
    )
    return LearnedRates(projects=len(counted), gains=gains, costs=costs)
