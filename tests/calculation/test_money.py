"""The one rounding helper: half-up to the cent."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi.calculation import quantize_money
from roi.calculation.money import exact_quotients, ratio_to_decimal, to_decimal


@pytest.mark.parametrize(("value", "expected"), [
    ("0.005", "0.01"), ("0.004999", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"),
    ("-0.001", "0.00"), ("45000", "45000.00"), ("22.2222222", "22.22"),
    ("123456789012345678901234567890.125", "123456789012345678901234567890.13"),
])
def test_quantize_money_rounds_half_up(value, expected):
    result = quantize_money(Decimal(value))

    assert result == Decimal(expected)
    assert str(result) == expected  # no exponent, no negative zero


def test_quantize_money_refuses_non_finite():
    with pytest.raises(ValueError):
        quantize_money(Decimal("NaN"))


def test_exact_conversion_never_creates_a_false_half_cent():
    # 0.00499999… (41 nines) must not become 0.005 at 40 digits, which would round up.
    just_below = Fraction(5, 1000) - Fraction(1, 10**45)

    assert quantize_money(to_decimal(just_below)) == Decimal("0.00")
    assert quantize_money(to_decimal(Fraction(5, 1000))) == Decimal("0.01")


@given(st.integers(-10**45, 10**45), st.integers(1, 10**30), st.integers(1, 10**6))
def test_a_quotient_depends_only_on_its_value(numerator, denominator, common_factor):
    # The engine divides unreduced numerators by a common denominator: the Decimal must be the
    # one the reduced fraction gives, digits and exponent alike.
    expected = to_decimal(Fraction(numerator, denominator))

    unreduced = ratio_to_decimal(numerator * common_factor, denominator * common_factor)
    (quotient,) = exact_quotients([numerator * common_factor], denominator * common_factor)

    assert repr(unreduced) == repr(quotient) == repr(expected)
