"""The one rounding helper, and the exact-rational to Decimal conversion the engine relies on."""

from __future__ import annotations

from decimal import ROUND_05UP, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

__all__ = ["CENT", "PRECISION", "quantize_money", "to_decimal"]

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
