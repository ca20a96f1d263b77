"""Test-only reference: roi/calculation/irr.py before the performance work (main at 57400f6).

Internal rate of return of monthly flows, in Decimal (method §3).

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
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, DecimalException, localcontext

__all__ = ["irr_percent"]

_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)
_RELATIVE_TOLERANCE = Decimal("1e-24")
_MAX_ITERATIONS = 400
_GRID_STEPS = 128
_ONE = Decimal(1)
_ZERO = Decimal(0)


def irr_percent(net_flows: Sequence[Decimal]) -> Decimal | None:
    """Annual IRR in percent of monthly net flows ``net_flows[k]`` = net of month k + 1.

    Formula: the rate R > −99 % a year with Σ net_m / (1 + R)^(m/12) = 0, computed as
    ``((1 + i)^12 − 1) × 100`` where i is the monthly IRR of ``[0, net_1, …, net_H]``.
    Returns None when the flows never change sign or no root exists in the domain.
    """
    try:
        with localcontext(_CONTEXT):
            root = _discount_factor_root([Decimal(flow) for flow in net_flows])
            if root is None:
                return None
            return ((_ONE / root) ** 12 - _ONE) * 100
    except (DecimalException, ArithmeticError):  # pragma: no cover - defensive: never raise
        return None


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def _evaluate(coefficients: Sequence[Decimal], v: Decimal) -> tuple[Decimal, Decimal]:
    """Q(v) and Q'(v) for Q(v) = Σ coefficients[j] v^j (Horner)."""
    value = _ZERO
    derivative = _ZERO
    for coefficient in reversed(coefficients):
        derivative = derivative * v + value
        value = value * v + coefficient
    return value, derivative


def _discount_factor_root(flows: list[Decimal]) -> Decimal | None:
    nonzero = [index for index, flow in enumerate(flows) if flow != 0]
    if not nonzero:
        return None
    # Leading zeros factor out as a power of v and trailing zeros only lower the degree:
    # neither changes the positive roots.
    coefficients = flows[nonzero[0] : nonzero[-1] + 1]
    signs = [_sign(c) for c in coefficients if c != 0]
    sign_changes = sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)
    if sign_changes == 0:
        return None

    v_max = Decimal(100) ** (_ONE / 12)  # R = −99 % exactly: excluded (open interval)
    if sign_changes == 1:
        root = _solve(coefficients, _ZERO, v_max)
        return root if root is not None and _ZERO < root < v_max else None
    return _nearest_root(coefficients, v_max)


def _monthly_rate(v: Decimal) -> Decimal:
    return _ONE / v - _ONE


def _value(coefficients: Sequence[Decimal], v: Decimal) -> Decimal:
    """Q(v) = Σ coefficients[j] v^j (Horner)."""
    value = _ZERO
    for coefficient in reversed(coefficients):
        value = value * v + coefficient
    return value


@functools.cache
def _grid_cells(v_max: Decimal) -> tuple[tuple[Decimal, Decimal, Decimal], ...]:
    """Cells ``(|rate at inner end|, inner, outer)`` of the scan grid on both sides of v = 1,
    sorted by the |rate| of their inner end (so each side's cells stay in order). Uniform
    steps, plus a geometric tail towards v = 0 where huge rates live."""
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


def _nearest_root(coefficients: Sequence[Decimal], v_max: Decimal) -> Decimal | None:
    """The root of Q in (0, v_max) with the smallest |monthly rate|, found by scanning a grid
    outwards from v = 1 (rate 0) on both sides, nearest |rate| first, and stopping as soon as
    no unexplored cell can hold a root nearer to 0 than the best one found."""
    values = {_ONE: _value(coefficients, _ONE)}
    best: Decimal | None = None
    best_rate: Decimal | None = None
    finished_sides: set[bool] = set()
    for inner_rate, inner, outer in _grid_cells(v_max):
        side = outer < _ONE
        if side in finished_sides:
            continue
        if best_rate is not None and inner_rate >= best_rate:
            break  # every remaining cell lies further from rate 0
        if values[inner] == 0:
            root = inner
        else:
            values[outer] = _value(coefficients, outer)
            if _sign(values[outer]) == _sign(values[inner]) and values[outer] != 0:
                continue
            root = _solve(coefficients, min(inner, outer), max(inner, outer))
        # The first crossing met on a side is that side's root nearest to rate 0.
        finished_sides.add(side)
        if root is not None and _ZERO < root < v_max:
            rate = abs(_monthly_rate(root))
            if best_rate is None or rate < best_rate:
                best, best_rate = root, rate
    return best


def _solve(coefficients: Sequence[Decimal], low: Decimal, high: Decimal) -> Decimal | None:
    """A root of Q in [low, high] where Q(low) and Q(high) have opposite signs."""
    value_low, _ = _evaluate(coefficients, low)
    value_high, _ = _evaluate(coefficients, high)
    if value_low == 0:
        return low
    if value_high == 0:
        return high
    if _sign(value_low) == _sign(value_high):
        return None
    low_is_negative = value_low < 0
    x = (low + high) / 2
    previous_step = high - low
    for _ in range(_MAX_ITERATIONS):
        value, derivative = _evaluate(coefficients, x)
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
            newton_ok = low < candidate < high and abs(candidate - x) * 2 < previous_step
        if not newton_ok:
            candidate = (low + high) / 2
        step = abs(candidate - x)
        x, previous_step = candidate, step
        if step <= _RELATIVE_TOLERANCE * x or high - low <= _RELATIVE_TOLERANCE * high:
            return x
    return x
