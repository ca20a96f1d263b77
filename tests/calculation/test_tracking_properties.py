"""Method §6 on random cases (hypothesis): the plain Fraction oracle, and the invariants."""

from dataclasses import replace
from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from roi.calculation import (
    LineItem,
    Recurrence,
    case_errors,
    case_to_dict,
    compute,
    compute_tracking,
    irr_percent,
    parse_case,
)

from .strategies import cases
from .tracking_oracle import cents, is_active, oracle_headline, oracle_tracking, planned_value

PROPERTY = settings(max_examples=150, deadline=None)
INVARIANT = settings(max_examples=100, deadline=None)
TINY = Fraction(1, 10**25)
actual_amounts = st.decimals(min_value=0, max_value=300_000, places=2)


@st.composite
def tracked_cases(draw, *, plan=None):
    """A random case (see strategies.cases) followed up to a random month A, each line with
    actuals in a random subset of the closed months, sometimes an unplanned line."""
    case = draw(cases() if plan is None else plan)
    closed = draw(st.integers(0, case.horizon_months))

    def followed(item: LineItem) -> LineItem:
        if closed == 0:
            return item
        months = draw(st.lists(st.integers(1, closed), unique=True, max_size=8))
        return replace(item, actuals=tuple((month, draw(actual_amounts)) for month in months))

    costs = [followed(item) for item in case.costs]
    gains = [followed(item) for item in case.gains]
    if closed and draw(st.booleans()):
        month = draw(st.integers(1, closed))
        unplanned = LineItem("contingency", "unplanned", Decimal(0), Recurrence.ONCE,
                             start_month=month, actuals=((month, draw(actual_amounts)),))
        costs.append(unplanned)
    return replace(case, costs=tuple(costs), gains=tuple(gains), as_of_month=closed)


def close(ours: Decimal | None, exact: Fraction | Decimal | None, tolerance=TINY) -> bool:
    if ours is None or exact is None:
        return ours is None and exact is None
    exact = Fraction(exact)
    return abs(Fraction(ours) - exact) <= tolerance * max(1, abs(exact))


@PROPERTY
@given(tracked_cases())
def test_tracking_matches_the_oracle_to_the_cent(tracked):
    tracking = compute_tracking(tracked)
    oracle = oracle_tracking(tracked)

    for key in ("plan_costs", "plan_gains", "actual_costs", "actual_gains"):
        assert cents(getattr(tracking, key)) == cents(getattr(oracle, key)), key
        assert close(getattr(tracking, key), getattr(oracle, key)), key
    assert cents(tracking.cost_variance) == cents(oracle.actual_costs - oracle.plan_costs)
    assert cents(tracking.gain_variance) == cents(oracle.actual_gains - oracle.plan_gains)
    assert tracking.missing_actuals == oracle.missing_actuals
    for line, expected in zip(tracking.lines, oracle.lines, strict=True):
        assert line.missing_months == tuple(expected.missing_months)
        assert close(line.plan, expected.plan) and close(line.actual, expected.actual)
        assert close(line.plan_unadjusted, expected.plan_unadjusted)
    for row, expected in zip(tracking.monthly, oracle.plan_cumulative, strict=True):
        assert close(row.plan_cumulative, expected)


@PROPERTY
@given(tracked_cases())
def test_reforecast_matches_the_oracle_to_the_cent(tracked):
    reforecast = compute_tracking(tracked).reforecast
    oracle = oracle_tracking(tracked)
    expected = oracle_headline(oracle.costs, oracle.gains, tracked.discount_rate)

    exact_keys = ["total_costs", "total_gains", "net_gain", "roi_percent", "payback_months"]
    if tracked.discount_rate == 0:
        exact_keys += ["npv", "discounted_payback_months"]
    for key in exact_keys:
        assert cents(getattr(reforecast, key)) == cents(getattr(expected, key)), key
        assert close(getattr(reforecast, key), getattr(expected, key)), key
    if tracked.discount_rate != 0:
        # Irrational: the oracle raises each month to the power m/12 itself, 60 digits.
        scale = sum(abs(net) for net in expected.nets) + 1
        assert abs(Fraction(reforecast.npv) - Fraction(expected.npv)) <= scale * TINY
        assert close(reforecast.discounted_payback_months, expected.discounted_payback_months,
                     tolerance=Fraction(1, 10**18))
    with localcontext(prec=40):
        nets = [Decimal(net.numerator) / Decimal(net.denominator) for net in expected.nets]
    assert close(reforecast.irr_percent, irr_percent(nets), tolerance=Fraction(1, 10**18))


@PROPERTY
@given(cases())
def test_at_month_0_the_reforecast_is_the_plan(case):
    plan = compute(case)
    tracked = replace(case, as_of_month=0)

    tracking = compute_tracking(tracked)

    assert tracking.reforecast == plan.headline
    assert (tracking.plan_costs, tracking.actual_costs, tracking.cost_variance) == (0, 0, 0)
    assert (tracking.plan_gains, tracking.actual_gains, tracking.gain_variance) == (0, 0, 0)
    assert tracking.missing_actuals == 0
    assert tracking.warnings == ()
    assert [row.reforecast_cumulative for row in tracking.monthly] == [
        row.cumulative for row in plan.monthly]
    assert [row.plan_cumulative for row in tracking.monthly] == [
        row.cumulative for row in plan.monthly]
    assert not any(row.closed for row in tracking.monthly)


def terminating(item: LineItem) -> LineItem:
    """The same kind of line, with monthly values that are terminating decimals: a yearly
    amount that is a multiple of 12, a ramp-up whose k/R terminates (R in 1, 2, 4, 5, 8)."""
    if item.recurrence is Recurrence.YEARLY:
        item = replace(item, amount=item.amount * 12)
    if item.ramp_up_months in (3, 6, 7):
        item = replace(item, ramp_up_months=4)
    return item


def exact_decimal(value: Fraction) -> Decimal:
    with localcontext(prec=100):
        number = Decimal(value.numerator) / Decimal(value.denominator)
    assert Fraction(number) == value
    return number


@PROPERTY
@given(cases(), st.data())
def test_actuals_reported_at_plan_give_no_variance_and_no_missing_actual(case, data):
    case = replace(case, costs=tuple(map(terminating, case.costs)),
                   gains=tuple(map(terminating, case.gains)))
    closed = data.draw(st.integers(0, case.horizon_months))

    def at_plan(item: LineItem, gain: bool) -> LineItem:
        return replace(item, actuals=tuple(
            (month, exact_decimal(planned_value(item, month, gain=gain)))
            for month in range(1, closed + 1) if is_active(item, month, case.horizon_months)))

    tracked = replace(case, as_of_month=closed,
                      costs=tuple(at_plan(item, False) for item in case.costs),
                      gains=tuple(at_plan(item, True) for item in case.gains))

    tracking = compute(tracked).tracking

    assert tracking.cost_variance == 0 and tracking.gain_variance == 0
    assert tracking.missing_actuals == 0
    assert all(line.variance == 0 and line.missing_months == () for line in tracking.lines)
    plan = compute(case).headline
    # Every figure but the unadjusted total, which takes reported actuals as they are (no
    # confidence to remove from a fact) where the plan is before confidence.
    assert replace(tracking.reforecast, total_gains_unadjusted=None) == replace(
        plan, total_gains_unadjusted=None)
    assert cents(tracking.reforecast.total_gains_unadjusted) == cents(
        Fraction(plan.total_gains_unadjusted) - Fraction(tracking.plan_gains_unadjusted)
        + Fraction(tracking.actual_gains))
    assert case_errors(tracked) == []  # such actuals are valid roi-case/1 (<= 12 places)


@INVARIANT
@given(tracked_cases())
def test_round_trip_with_actuals_is_identical_and_computes_identically(tracked):
    again = parse_case(case_to_dict(tracked))

    assert again == tracked
    assert case_errors(tracked) == []
    assert compute(again).tracking == compute(tracked).tracking


@INVARIANT
@given(tracked_cases())
def test_compute_carries_the_tracking_and_leaves_the_plans_figures_alone(tracked):
    result = compute(tracked)
    untracked = replace(tracked, as_of_month=None, costs=tuple(
        replace(item, actuals=()) for item in tracked.costs), gains=tuple(
        replace(item, actuals=()) for item in tracked.gains))

    assert result.tracking == compute_tracking(tracked)
    assert result.headline == compute(untracked).headline


@INVARIANT
@given(tracked_cases())
def test_lines_add_up_to_posts_and_posts_to_the_totals(tracked):
    tracking = compute_tracking(tracked)
    with localcontext(prec=80):
        for kind, posts, plan, actual in (
            ("cost", tracking.costs_by_post, tracking.plan_costs, tracking.actual_costs),
            ("gain", tracking.gains_by_post, tracking.plan_gains, tracking.actual_gains),
        ):
            lines = [line for line in tracking.lines if line.kind == kind]
            for post in posts:
                mine = [line for line in lines if line.category == post.category]
                assert close(post.actual, sum((line.actual for line in mine), Decimal(0)))
                assert close(post.plan, sum((line.plan for line in mine), Decimal(0)))
            assert close(plan, sum((post.plan for post in posts), Decimal(0)))
            assert close(actual, sum((post.actual for post in posts), Decimal(0)))
    last = tracking.monthly[-1]
    assert last.reforecast_cumulative == tracking.reforecast.net_gain
