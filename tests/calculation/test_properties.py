"""Invariants of the engine on random cases (hypothesis)."""

from dataclasses import replace
from decimal import Decimal, localcontext

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from roi.calculation import compute

from .strategies import cases, line_items

TINY = Decimal("1e-25")

# compute() is a few milliseconds; keep the suite quick but the search meaningful.
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(cases(), line_items(gain=False))
def test_adding_a_cost_never_raises_the_roi(case, extra):
    before = compute(case).headline.roi_percent
    assume(before is not None)

    after = compute(replace(case, costs=case.costs + (extra,))).headline.roi_percent

    assert after <= before


@PROPERTY
@given(cases(), st.sampled_from([Decimal("0.5"), Decimal(3), Decimal("7.25"), Decimal(1000)]))
def test_scaling_every_amount_leaves_roi_and_payback_unchanged(case, factor):
    def scaled(items):
        return tuple(replace(item, amount=item.amount * factor) for item in items)

    before = compute(case).headline
    after = compute(replace(case, costs=scaled(case.costs), gains=scaled(case.gains))).headline

    # Exact arithmetic: not merely equal to the cent.
    assert after.roi_percent == before.roi_percent
    assert after.payback_months == before.payback_months


@PROPERTY
@given(cases())
def test_monthly_rows_add_up_to_the_totals(case):
    result = compute(case)
    headline = result.headline

    with localcontext(prec=80):  # the test's own sums must not round
        assert abs(sum(row.costs for row in result.monthly) - headline.total_costs) < TINY
        assert abs(sum(row.gains for row in result.monthly) - headline.total_gains) < TINY
        assert abs(sum(row.gains_unadjusted for row in result.monthly)
                   - headline.total_gains_unadjusted) < TINY
        assert abs(sum(row.net for row in result.monthly) - headline.net_gain) < TINY
    assert result.monthly[-1].cumulative == headline.net_gain
    assert len(result.monthly) == case.horizon_months


@PROPERTY
@given(cases())
def test_discounted_rows_add_up_to_the_npv_and_the_present_value_row(case):
    result = compute(case)

    assert result.monthly[-1].discounted_cumulative == result.headline.npv
    assert result.by_year.present_value.net == result.headline.npv
    assert result.by_year.total.net == result.headline.net_gain
    assert result.by_year.years[-1].cumulative == result.headline.net_gain


@PROPERTY
@given(cases())
def test_tornado_bars_contain_the_base_roi(case):
    result = compute(case)
    roi = result.headline.roi_percent

    for bar in result.tornado:
        if roi is None:
            assert bar.roi_low is None and bar.roi_high is None
        else:
            assert bar.roi_low <= roi <= bar.roi_high
            with localcontext(prec=80):
                assert abs(bar.spread - (bar.roi_high - bar.roi_low)) < TINY
    spreads = [bar.spread for bar in result.tornado]
    assert spreads == sorted(spreads, reverse=True)


@PROPERTY
@given(cases(horizon=st.integers(1, 40)))
def test_each_horizon_view_equals_computing_the_case_at_that_horizon(case):
    result = compute(case)

    for months, headline in result.horizons.items():
        assert headline == compute(replace(case, horizon_months=months)).headline


@PROPERTY
@given(cases())
def test_expected_scenario_is_the_case_itself(case):
    result = compute(case)
    expected = next(s for s in result.scenarios if s.factors.code == "expected")

    assert expected.headline == result.headline


@PROPERTY
@given(cases())
def test_payback_is_within_the_horizon_and_warned_when_missing(case):
    result = compute(case)
    payback = result.headline.payback_months
    codes = {warning.code for warning in result.warnings}

    if payback is None:
        assert "horizon_shorter_than_payback" in codes
    else:
        assert 0 <= payback <= case.horizon_months
        assert "horizon_shorter_than_payback" not in codes


@PROPERTY
@given(cases(), line_items(gain=True))
def test_adding_a_gain_never_lowers_the_roi(case, extra):
    before = compute(case).headline.roi_percent
    assume(before is not None)

    assert compute(replace(case, gains=case.gains + (extra,))).headline.roi_percent >= before
