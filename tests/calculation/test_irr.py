"""The IRR solver on its own: known roots, and no exception whatever the flows."""

from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from roi.calculation import irr_percent, quantize_money
from roi.calculation.money import PRECISION, to_decimal

from .reference import irr_before

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


# --- the float-then-Decimal solver against the Decimal-only solver it replaced ---------------

OUTPUT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
money_flows = st.decimals(min_value=-10**6, max_value=10**6, places=2)
# Month values as the engine hands them over: exact quotients at 40 digits (÷ 12, ÷ R, × c).
quotient_flows = st.builds(lambda n, d: to_decimal(Fraction(n, d)),
                           st.integers(-10**9, 10**9), st.integers(1, 10**5))
# Far outside money (10^±300): floats cannot hold them, the Decimal search runs alone.
extreme_flows = st.builds(lambda n, scale: Decimal(n).scaleb(scale), st.integers(-100, 100),
                          st.sampled_from([-320, -300, -30, 30, 300, 320]))


@st.composite
def invest_then_earn_flows(draw):
    upfront = draw(st.lists(st.decimals(min_value=-10**6, max_value=-1, places=2), min_size=1,
                            max_size=6))
    return upfront + draw(st.lists(quotient_flows.map(abs), min_size=1, max_size=114))


@st.composite
def sparse_flows(draw):
    """A few non-zero months among many: several sign changes, roots far from rate 0."""
    flows = [D(0)] * draw(st.integers(2, 120))
    for _ in range(draw(st.integers(2, 6))):
        flows[draw(st.integers(0, len(flows) - 1))] = draw(money_flows)
    return flows


any_flows = st.one_of(
    st.lists(money_flows, max_size=120), st.lists(quotient_flows, max_size=120),
    invest_then_earn_flows(), sparse_flows(), st.lists(extreme_flows, max_size=40),
)


def exact_root_rate(flows, rate_percent: Decimal) -> Decimal:
    """The annual rate (percent) of the root near ``rate_percent``, polished by Newton's method
    at 100 digits: the truth both solvers approximate."""
    with localcontext(Context(prec=100, Emax=999_999, Emin=-999_999)):
        nonzero = [index for index, flow in enumerate(flows) if flow]
        coefficients = flows[nonzero[0] : nonzero[-1] + 1]
        v = 1 / (1 + rate_percent / 100) ** (D(1) / 12)
        for _ in range(40):
            value = derivative = D(0)
            for coefficient in reversed(coefficients):
                derivative = derivative * v + value
                value = value * v + coefficient
            if derivative == 0:
                break
            v -= value / derivative
        return ((1 / v) ** 12 - 1) * 100


@settings(max_examples=1000, deadline=None)
@given(any_flows)
def test_same_rate_as_the_decimal_only_solver(flows):
    ours, before = irr_percent(flows), irr_before.irr_percent(flows)

    assert (ours is None) == (before is None)
    if ours is None:
        return
    ours, before = OUTPUT.plus(ours), OUTPUT.plus(before)  # what the engine hands out
    if ours != before:
        # The old search could stop ~10^-24 from the root (a bisection step away from a root
        # Newton had already reached): then, and only then, the figures differ, ~20 digits
        # down, and the new one is the accurate one.
        truth = exact_root_rate(flows, ours)
        assert abs(ours - truth) < abs(before - truth)
        assert abs(ours - before) <= abs(truth) * D("1e-20")
        if abs(truth) < 10**12:  # beyond, the old rate was not exact to the cent either
            assert quantize_money(ours) == quantize_money(before)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**9, 10**9), st.integers(1, 10**5)), max_size=120))
def test_floats_from_the_exact_values_give_the_same_rate(fractions):
    # The engine hands the IRR the floats of its exact rationals instead of float(Decimal).
    flows = [to_decimal(Fraction(n, d)) for n, d in fractions]

    assert irr_percent(flows, floats=[n / d for n, d in fractions]) == irr_percent(flows)
