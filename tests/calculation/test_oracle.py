"""numpy-financial as an independent oracle for NPV and IRR (method §3).

npf works in float, so the comparison is to a tight relative tolerance, not to the cent.
``npf.npv`` discounts its first value at t = 0, hence the leading 0 month; its rate is the
monthly rate equivalent to the annual one, (1 + r)^(1/12) − 1.
"""

from decimal import Decimal

import numpy_financial as npf
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from roi.calculation import Case, compute

from .factories import MONTHLY, ONCE, YEARLY, cost, gain
from .strategies import cases, rates

ORACLE = settings(max_examples=150, deadline=None)


def monthly_nets(result) -> list[float]:
    return [0.0] + [float(row.net) for row in result.monthly]


def close(ours: Decimal, theirs: float, scale: float, tolerance: float = 1e-9) -> bool:
    return abs(float(ours) - theirs) <= tolerance * max(scale, 1.0)


@ORACLE
@given(cases())
def test_npv_matches_numpy_financial(case):
    result = compute(case)
    nets = monthly_nets(result)
    monthly_rate = (1 + float(case.discount_rate)) ** (1 / 12) - 1

    expected = npf.npv(monthly_rate, nets)

    assert close(result.headline.npv, expected, scale=sum(abs(n) for n in nets))


@st.composite
def invest_then_earn(draw) -> Case:
    """Costs up front, gains afterwards: one sign change, so a single IRR exists."""
    upfront = draw(st.decimals(min_value=1000, max_value=500_000, places=2))
    monthly_cost = draw(st.decimals(min_value=0, max_value=2000, places=2))
    monthly_gain = draw(st.decimals(min_value=monthly_cost + 50, max_value=100_000, places=2))
    return Case(
        horizon_months=draw(st.integers(6, 60)),
        costs=(cost("integration", upfront, ONCE), cost("software", monthly_cost, MONTHLY)),
        gains=(
            gain("productivity", monthly_gain, MONTHLY,
                 ramp_up_months=draw(st.integers(0, 6)),
                 confidence=draw(st.decimals(min_value="0.5", max_value=1, places=2))),
            gain("retention", draw(st.decimals(min_value=0, max_value=50_000, places=2)), YEARLY),
        ),
        discount_rate=draw(rates),
    )


@ORACLE
@given(invest_then_earn())
def test_irr_matches_numpy_financial(case):
    result = compute(case)
    monthly_irr = npf.irr(monthly_nets(result))
    assume(monthly_irr == monthly_irr)  # npf gives nan when its root finder fails
    expected_annual = (1 + monthly_irr) ** 12 - 1
    assume(expected_annual > -0.99)

    ours = result.headline.irr_percent

    assert ours is not None
    assert abs(float(ours) / 100 - expected_annual) <= 1e-6 * max(abs(expected_annual), 1e-3)


@ORACLE
@given(invest_then_earn())
def test_npv_at_the_irr_is_zero(case):
    # The IRR is the rate that cancels the NPV: check it with the engine's own discounting.
    result = compute(case)
    irr = result.headline.irr_percent
    assume(irr is not None)

    at_irr = compute(Case(horizon_months=case.horizon_months, costs=case.costs, gains=case.gains,
                          discount_rate=irr / 100))

    scale = sum(abs(row.net) for row in result.monthly)
    assert abs(at_irr.headline.npv) <= scale * Decimal("1e-18")


def test_irr_with_several_sign_changes_matches_numpy_financial():
    # -100, +230, -132: npf picks the root closest to 0 among 10 % and 20 % a month.
    case = Case(horizon_months=3,
                costs=(cost("integration", 100), cost("evolution", 132, start_month=3)),
                gains=(gain("productivity", 230, ONCE, start_month=2),))
    result = compute(case)

    expected = (1 + npf.irr(monthly_nets(result))) ** 12 - 1

    assert abs(float(result.headline.irr_percent) / 100 - expected) < 1e-9
