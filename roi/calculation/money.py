"""The one rounding helper, and the exact-rational to Decimal conversion the engine relies on."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_05UP, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

__all__ = ["CENT", "PRECISION", "exact_quotients", "quantize_money", "ratio_to_decimal", "to_decimal"]

CENT = Decimal("0.01")
# Significant digits of every full-precision figure the engine hands out. Money is bounded by
# 10^12 × 10^7 per item (see limits), so 40 digits leave > 15 digits below the cent.
PRECISION = 40

# Exact rationals become Decimals with ROUND_05UP: it never turns a value that is not a tie
# (…4999…) into one that looks like a tie (…5000…), so the later half-up rounding to the cent
# gives the same result as rounding the exact rational would (the classic double-rounding fix).
_EXACT_TO_DECIMAL = Context(prec=PRECISION, rounding=ROUND_05UP, Emax=999_999, Emin=-999_999)


def to_decimal(value: Fraction | int) -> Decimal:
    """An exact rational as a Decimal of :data:`PRECISION` significant digits (exact whenever
    the value has a terminating expansion that fits, e.g. every amount, total and tie)."""
    if isinstance(value, int):
        return _EXACT_TO_DECIMAL.create_decimal(value)
    return _EXACT_TO_DECIMAL.divide(Decimal(value.numerator), Decimal(value.denominator))


def ratio_to_decimal(numerator: int, denominator: int) -> Decimal:
    """``to_decimal(Fraction(numerator, denominator))`` for ``denominator`` > 0, without building
    the Fraction: a Decimal quotient of integers depends only on its value (it is rounded
    correctly, and an exact one takes exponent 0 or the smallest it needs), so the fraction need
    not be reduced first."""
    return _EXACT_TO_DECIMAL.divide(Decimal(numerator), Decimal(denominator))


def exact_quotients(numerators: Iterable[int], denominator: int) -> list[Decimal]:
    """``[ratio_to_decimal(n, denominator) for n in numerators]``, the divisor converted once."""
    divide = _EXACT_TO_DECIMAL.divide
    divisor = Decimal(denominator)
    return [divide(Decimal(numerator), divisor) for numerator in numerators]


def quantize_money(value: Decimal) -> Decimal:
    """``value`` rounded half-up to two decimals (0.005 -> 0.01, -0.005 -> -0.01).

    Used for every figure that leaves the engine as text (money, percentages, months). Never
    returns a negative zero: -0.001 gives 0.00, not -0.00.
    """
    if not value.is_finite():
        raise ValueError(f"cannot round {value} to the cent")
    # Enough digits for the integer part plus two decimals, whatever the magnitude.
    context = Context(prec=max(PRECISION, value.adjusted() + 4), rounding=ROUND_HALF_UP,
                      Emax=999_999, Emin=-999_999)
    rounded = value.quantize(CENT, context=context)
    return rounded.copy_abs() if rounded.is_zero() else rounded
