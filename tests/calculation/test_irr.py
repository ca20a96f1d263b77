"""The IRR solver on its own: known roots, and no exception whatever the flows."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from roi.calculation import irr_percent

D = Decimal


def test_single_period_ten_percent():
    assert abs(irr_percent([D(-100), D(110)]) - D("213.8428376721")) < D("1e-20")


def test_leading_and_trailing_zero_months_do_not_change_the_rate():
    assert abs(irr_percent([D(0), D(0), D(-100), D(110), D(0)]) - D("213.8428376721")) < D("1e-20")


def test_zero_rate():
    assert abs(irr_percent([D(-100), D(50), D(50)])) < D("1e-20")


def test_huge_rate_is_found():
    # -1 then +10^6 the next month: i = 999 999 a month.
    rate = irr_percent([D(-1), D(10**6)])

    assert abs(rate / (D(10**6) ** 12 * 100) - 1) < D("1e-15")


def test_no_sign_change_or_no_flow():
    assert irr_percent([]) is None
    assert irr_percent([D(0), D(0)]) is None
    assert irr_percent([D(5), D(7)]) is None
    assert irr_percent([D(-5), D(-7)]) is None


def test_npv_touching_zero_without_crossing_gives_no_irr():
    # -(1 - 0.9 v)^2: the NPV is 0 at i = -10 % a month but negative on both sides.
    assert irr_percent([D(-1), D("1.8"), D("-0.81")]) is None


def test_npv_exactly_zero_at_rate_zero_is_found():
    assert irr_percent([D(-1), D(2), D(-1)]) == 0


@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=2), max_size=60))
def test_never_raises_and_stays_above_minus_99_percent(flows):
    rate = irr_percent(flows)

    assert rate is None or rate > -99
