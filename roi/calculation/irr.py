"""Internal rate of return of monthly flows, in Decimal (method §3).

With v = 1 / (1 + i) the monthly discount factor, the NPV of the flows ``net_1 … net_H`` is the
polynomial ``P(v) = Σ net_m v^m``. An annual rate R > −99 % means (1 + i)^12 > 0.01, i.e.
0 < v < 100^(1/12) ≈ 1.468, a bounded interval, so the root is searched there:

- exactly one sign change in the flows (the usual case: spend first, gain later): by
  Descartes' rule there is exactly one positive root; it is bracketed by [0, v_max] or lies
  outside the domain (then there is no IRR above −99 %);
- several sign changes: the root with the smallest |i| is wanted (numpy-financial's choice), so
  a grid is scanned outwards from i = 0 on both sides, nearest cells first, and each side stops
  at its first sign change; the scan ends once no cell left can beat the best root. A double
  root (P touches 0 without crossing), or two roots within one grid cell, is not seen: no IRR is
  reported rather than a doubtful one. Monthly rates above ~10^18 are not searched here.

Each bracket is solved by Newton's method kept inside the bracket (bisection when a Newton step
would leave it or stalls), so the solver always terminates; it never raises.

The figures are Decimal at 50 digits, but most of the work is done in floats, which are ~10 times
cheaper, without changing what the Decimal arithmetic decides:

- a sign of P at a point is taken from floats only when the float value exceeds a proven bound
  on its error (then the Decimal value has the same sign); otherwise it is computed in Decimal;
- the whole domain, or one side of the scan, on which P provably keeps one sign (its positive
  terms outweigh its negative ones everywhere there, or the reverse) is not scanned: no grid
  point there could show a sign change;
- the Newton/bisection search runs first in floats, the same steps as in Decimal until it has
  converged; its root is then enclosed in a tiny bracket whose sign change is checked in
  Decimal, and a couple of Decimal Newton steps inside that bracket give the root to the
  Decimal precision. When floats cannot enclose the root (overflow, flows too small, a root at
  the domain's edge), the search runs in Decimal over the whole bracket, as it always did.

The old solver sometimes stopped ~10^-24 (relative) from the root, a bisection step away from a
root Newton had reached; the search now stops there, so such rates gain digits far below the
cent (see tests/calculation/test_irr.py).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, DecimalException, localcontext

__all__ = ["irr_percent"]

_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_RELATIVE_TOLERANCE = Decimal("1e-24")
_MAX_ITERATIONS = 400
_GRID_STEPS = 128
_ONE = Decimal(1)
_ZERO = Decimal(0)

_UNIT_ROUNDOFF = 2.0**-53
# Coefficients are used in floats only within this range and this count, so that neither
# Horner's scheme (0 <= v < 1.5) overflows nor a coefficient loses digits as a subnormal.
_FLOAT_MIN, _FLOAT_MAX = 1e-250, 1e250
_FLOAT_MAX_TERMS = 600
# Underflow inside Horner's scheme (v tiny, huge rates) loses at most this much in absolute value.
_UNDERFLOW_SLACK = 1e-280
# The float search stops once a Newton step is below this (relative); a float root is rarely
# better than ~10^-14 (rounding noise), and it only has to fall within the Decimal bracket.
_FLOAT_TOLERANCE = 2.0**-40
# Half-widths of the Decimal-checked bracket around the float root, relative to it.
_BRACKET_WIDTHS = (2.0**-36, 2.0**-26, 2.0**-16)


def irr_percent(net_flows: Sequence[Decimal], *,
                floats: Sequence[float] | None = None) -> Decimal | None:
    """Annual IRR in percent of monthly net flows ``net_flows[k]`` = net of month k + 1.

    Formula: the rate R > −99 % a year with Σ net_m / (1 + R)^(m/12) = 0, computed as
    ``((1 + i)^12 − 1) × 100`` where i is the monthly IRR of ``[0, net_1, …, net_H]``.
    Returns None when the flows never change sign or no root exists in the domain.

    ``floats``, if given, are the same flows as floats, each the float nearest to its flow or
    to the exact value the flow was rounded from: a caller that has them (the engine, from its
    exact rationals) saves ``float(flow)``, the costliest step after the Decimal ones. They only
    steer the search; the result is the same.
    """
    try:
        with localcontext(_CONTEXT):
            root = _discount_factor_root([Decimal(flow) for flow in net_flows], floats)
            if root is None:
                return None
            return ((_ONE / root) ** 12 - _ONE) * 100
    except (DecimalException, ArithmeticError):  # pragma: no cover - defensive: never raise
        return None


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


class _Polynomial:
    """Q(v) = Σ coefficients[j] v^j, in Decimal (what decides) and, when the coefficients fit,
    in floats (what is fast). Its Decimal methods run inside the 50-digit context."""

    def __init__(self, coefficients: Sequence[Decimal], floats: list[float],
                 nonzero: int) -> None:
        """``floats``: the coefficients as floats (see :func:`irr_percent`); ``nonzero``: how
        many coefficients are not zero."""
        self._reversed = coefficients[::-1]
        floats = floats[::-1]
        magnitudes = [abs(value) for value in floats]
        sizes = [magnitude for magnitude in magnitudes if magnitude]
        usable = (len(coefficients) <= _FLOAT_MAX_TERMS and len(sizes) == nonzero
                  and _FLOAT_MIN < min(sizes) and max(sizes) < _FLOAT_MAX)
        self._floats = floats if usable else None
        self._magnitudes = magnitudes
        self._degree = len(coefficients) - 1
        self._norm = sum(magnitudes)  # Σ |c_j|
        self._parts: dict[float, tuple[float, float]] = {}
        # Horner's error is at most γ_2n·Σ|c_j|v^j (Higham, Accuracy and Stability, §5.1); the
        # rounding of each coefficient and of the point v to float adds (n + 1)·u·Σ|c_j|v^j at
        # most; the Decimal evaluation's own error is ~10^-34 times smaller. Taking 8(n + 2)·u
        # leaves a factor > 2 to spare, so |float value| > bound proves the Decimal sign.
        self._error_factor = 8 * (len(coefficients) + 2) * _UNIT_ROUNDOFF

    # --- Decimal ---------------------------------------------------------------------------

    def value(self, v: Decimal) -> Decimal:
        """Q(v) (Horner)."""
        value = _ZERO
        for coefficient in self._reversed:
            value = value * v + coefficient
        return value

    def value_and_derivative(self, v: Decimal) -> tuple[Decimal, Decimal]:
        """Q(v) and Q'(v) (Horner)."""
        value = _ZERO
        derivative = _ZERO
        for coefficient in self._reversed:
            derivative = derivative * v + value
            value = value * v + coefficient
        return value, derivative

    def sign(self, v: Decimal, v_float: float) -> int:
        """The sign of the Decimal Q(v); ``v_float`` is float(v) >= 0. From floats when their
        error bound proves it, else computed in Decimal."""
        if self._floats is not None:
            value = _horner(self._floats, v_float)
            margin = (abs(value) - _UNDERFLOW_SLACK) / self._error_factor
            # The error bound is proportional to Σ|c_j|v^j: first a cheap upper bound of it,
            # Σ|c_j| · max(1, v)^n, which settles all but the points close to a root; then
            # the sum itself.
            if margin > self._norm * (v_float**self._degree if v_float > 1 else 1.0) or (
                    margin > _horner(self._magnitudes, v_float)):
                return 1 if value > 0 else -1
        return _sign(self.value(v))

    # --- floats ----------------------------------------------------------------------------

    def constant_sign(self, low: float, high: float) -> int:
        """+1 or −1 when Q has that sign on the whole of [low, high] (0 <= low < high, floats at
        or beyond the interval's true ends), proven in floats; 0 when this cannot tell.

        Q = Q⁺ − Q⁻, the sums of its positive and of its negative terms, both increasing in
        v >= 0; so Q > 0 on the interval if Q⁺(low) > Q⁻(high), and Q < 0 if Q⁻(low) > Q⁺(high).
        The bounds are widened by the float error (sums of positive terms are accurate to
        γ_2n), so the Decimal sign anywhere on the interval is that sign too.
        """
        if self._floats is None:
            return 0
        positive_low, negative_low = self._parts_at(low)
        positive_high, negative_high = self._parts_at(high)
        shrink, grow = 1 - self._error_factor, 1 + self._error_factor
        if positive_low * shrink > negative_high * grow + _UNDERFLOW_SLACK:
            return 1
        if negative_low * shrink > positive_high * grow + _UNDERFLOW_SLACK:
            return -1
        return 0

    def _parts_at(self, v: float) -> tuple[float, float]:
        """(Q⁺(v), Q⁻(v)) in floats, kept: the scan asks for the same few points."""
        if v not in self._parts:
            self._parts[v] = (_horner(self._positive_terms, v), _horner(self._negative_terms, v))
        return self._parts[v]

    @functools.cached_property
    def _positive_terms(self) -> list[float]:
        return [value if value > 0 else 0.0 for value in self._floats]

    @functools.cached_property
    def _negative_terms(self) -> list[float]:
        return [-value if value < 0 else 0.0 for value in self._floats]

    def _float_value_and_derivative(self, v: float) -> tuple[float, float]:
        value = 0.0
        derivative = 0.0
        for coefficient in self._floats:
            derivative = derivative * v + value
            value = value * v + coefficient
        return value, derivative

    def _float_search(self, low: float, high: float, low_is_negative: bool) -> float | None:
        """The Decimal search of :meth:`solve`, step for step, in floats (so it takes the same
        root when a bracket holds several); None if it does not converge."""
        x = (low + high) / 2
        previous_step = high - low
        for _ in range(_MAX_ITERATIONS):
            value, derivative = self._float_value_and_derivative(x)
            if value == 0:
                return x
            if (value < 0) == low_is_negative:
                low = x
            else:
                high = x
            newton_ok = derivative != 0
            if newton_ok:
                candidate = x - value / derivative
                if candidate == x:  # converged to the last bit (as in the Decimal search)
                    return x
                newton_ok = low < candidate < high and abs(candidate - x) * 2 < previous_step
            if not newton_ok:
                candidate = (low + high) / 2
            step = abs(candidate - x)
            x, previous_step = candidate, step
            if step <= _FLOAT_TOLERANCE * x or high - low <= _FLOAT_TOLERANCE * high:
                return x
        return None

    def _tight_bracket(self, low: Decimal, high: Decimal,
                       low_is_negative: bool) -> tuple[Decimal, Decimal] | None:
        """A bracket of relative width ~10^-12 around the float root within (low, high), its
        sign change checked in Decimal; None when floats cannot provide one."""
        if self._floats is None:
            return None
        root = self._float_search(float(low), float(high), low_is_negative)
        if root is None or not math.isfinite(root):
            return None
        for width in _BRACKET_WIDTHS:
            inner = Decimal(root - root * width)
            outer = Decimal(root + root * width)
            if not low < inner < outer < high:
                return None
            inner_sign, outer_sign = _sign(self.value(inner)), _sign(self.value(outer))
            if inner_sign == 0:
                return inner, inner
            if outer_sign == 0:
                return outer, outer
            if (inner_sign < 0) == low_is_negative and inner_sign != outer_sign:
                return inner, outer
        return None

    # --- the root in a bracket -------------------------------------------------------------

    def solve(self, low: Decimal, high: Decimal, sign_low: int, sign_high: int) -> Decimal | None:
        """A root of Q in [low, high], given the signs of Q(low) and Q(high) (see
        :meth:`sign`); None when they do not differ."""
        if sign_low == 0:
            return low
        if sign_high == 0:
            return high
        if sign_low == sign_high:
            return None
        low_is_negative = sign_low < 0
        tight = self._tight_bracket(low, high, low_is_negative)
        if tight is not None:
            low, high = tight
            if low == high:
                return low
        return self._decimal_search(low, high, low_is_negative)

    def _decimal_search(self, low: Decimal, high: Decimal, low_is_negative: bool) -> Decimal:
        x = (low + high) / 2
        previous_step = high - low
        for _ in range(_MAX_ITERATIONS):
            value, derivative = self.value_and_derivative(x)
            if value == 0:
                return x
            if (value < 0) == low_is_negative:
                low = x
            else:
                high = x
            # Newton when it stays inside the bracket and at least halves the step (rtsafe);
            # bisection otherwise, which guarantees progress.
            newton_ok = derivative != 0
            if newton_ok:
                candidate = x - value / derivative
                if candidate == x:
                    # Q(x) is rounding noise: x is the root to the working precision (a
                    # bisection step from here would only move away from it).
                    return x
                newton_ok = low < candidate < high and abs(candidate - x) * 2 < previous_step
            if not newton_ok:
                candidate = (low + high) / 2
            step = abs(candidate - x)
            x, previous_step = candidate, step
            if step <= _RELATIVE_TOLERANCE * x or high - low <= _RELATIVE_TOLERANCE * high:
                return x
        return x


def _horner(reversed_coefficients: Sequence[float], v: float) -> float:
    """Σ c_j v^j for ``reversed_coefficients`` = [c_n, …, c_0], in floats."""
    value = 0.0
    for coefficient in reversed_coefficients:
        value = value * v + coefficient
    return value


def _discount_factor_root(flows: list[Decimal],
                          floats: Sequence[float] | None) -> Decimal | None:
    nonzero = [index for index, flow in enumerate(flows) if flow]
    if not nonzero:
        return None
    # Leading zeros factor out as a power of v and trailing zeros only lower the degree:
    # neither changes the positive roots.
    first, end = nonzero[0], nonzero[-1] + 1
    coefficients = flows[first:end]
    if floats is None:
        floats = [float(coefficient) for coefficient in coefficients]
    else:
        floats = list(floats[first:end])
    signs = [value > 0 for value in floats if value]
    if len(signs) != len(nonzero):  # some flow too small for a float: its sign in Decimal
        signs = [coefficient > 0 for coefficient in coefficients if coefficient]
    sign_changes = sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)
    if sign_changes == 0:
        return None

    polynomial = _Polynomial(coefficients, floats, len(nonzero))
    v_max, v_max_float = _domain_end()
    if sign_changes == 1:
        root = polynomial.solve(_ZERO, v_max, polynomial.sign(_ZERO, 0.0),
                                polynomial.sign(v_max, v_max_float))
        return root if root is not None and _ZERO < root < v_max else None
    return _nearest_root(polynomial, v_max)


@functools.cache
def _domain_end() -> tuple[Decimal, float]:
    """v_max = 100^(1/12): R = −99 % exactly, excluded (open interval); and as a float."""
    with localcontext(_CONTEXT):
        v_max = Decimal(100) ** (_ONE / 12)
    return v_max, float(v_max)


def _monthly_rate(v: Decimal) -> Decimal:
    return _ONE / v - _ONE


@functools.cache
def _grid_cells(v_max: Decimal) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    """Cells ``(|rate at inner end|, inner, outer)`` of the scan grid on both sides of v = 1,
    sorted by the |rate| of their inner end (so each side's cells stay in order). Uniform
    steps, plus a geometric tail towards v = 0 where huge rates live."""
    with localcontext(_CONTEXT):
        step = v_max / _GRID_STEPS
        below = [_ONE - step * j for j in range(1, _GRID_STEPS) if _ONE - step * j > 0]
        below += [below[-1] * Decimal(2) ** -k for k in range(1, 61)]
        above = [_ONE + step * j for j in range(1, _GRID_STEPS) if _ONE + step * j < v_max]
        above.append(v_max)
        cells = []
        for side in (below, above):
            inner = _ONE
            for outer in side:
                cells.append((abs(_monthly_rate(inner)), inner, outer))
                inner = outer
    return tuple(sorted(cells, key=lambda cell: cell[0]))


@functools.cache
def _grid_floats(v_max: Decimal) -> dict[Decimal, float]:
    return {point: float(point) for _, inner, outer in _grid_cells(v_max)
            for point in (inner, outer)}


def _nearest_root(polynomial: _Polynomial, v_max: Decimal) -> Decimal | None:
    """The root of Q in (0, v_max) with the smallest |monthly rate|, found by scanning a grid
    outwards from v = 1 (rate 0) on both sides, nearest |rate| first, and stopping as soon as
    no unexplored cell can hold a root nearer to 0 than the best one found."""
    v_high = _domain_end()[1] * (1 + 2 * _UNIT_ROUNDOFF)  # at or above v_max
    if polynomial.constant_sign(0.0, v_high):
        # No root in the whole domain, so no sign change at any grid point: the scan would
        # find nothing (the usual case of a project that never pays back).
        return None
    # Neither has a side on which Q keeps one sign: its cells are skipped, as the scan would
    # skip them one by one (``True`` is the side below v = 1, positive rates).
    finished_sides = {side for side, low, high in ((True, 0.0, 1.0), (False, 1.0, v_high))
                      if polynomial.constant_sign(low, high)}
    as_float = _grid_floats(v_max)
    signs = {_ONE: polynomial.sign(_ONE, 1.0)}
    best: Decimal | None = None
    best_rate: Decimal | None = None
    for inner_rate, inner, outer in _grid_cells(v_max):
        if len(finished_sides) == 2:
            break
        side = outer < _ONE
        if side in finished_sides:
            continue
        if best_rate is not None and inner_rate >= best_rate:
            break  # every remaining cell lies further from rate 0
        if signs[inner] == 0:
            root = inner
        else:
            signs[outer] = polynomial.sign(outer, as_float[outer])
            if signs[outer] == signs[inner]:
                continue
            if outer < inner:
                root = polynomial.solve(outer, inner, signs[outer], signs[inner])
            else:
                root = polynomial.solve(inner, outer, signs[inner], signs[outer])
        # The first crossing met on a side is that side's root nearest to rate 0.
        finished_sides.add(side)
        if root is not None and _ZERO < root < v_max:
            rate = abs(_monthly_rate(root))
            if best_rate is None or rate < best_rate:
                best, best_rate = root, rate
    return best
