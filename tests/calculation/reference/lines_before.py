"""Test-only reference: roi/calculation/lines.py before the performance work (main at 57400f6).

How line items fall into months (method §2), as exact rational monthly vectors.

A :class:`Vector` holds integer numerators over one common denominator, so sums are integer
additions and every figure derived from them is exact; see :mod:`roi.calculation.engine`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES, Case, LineItem, Recurrence
from roi.calculation.money import to_decimal

__all__ = ["PostFlows", "Vector", "combine", "item_totals", "post_flows", "prefix_sums"]


class Vector:
    """Monthly values ``numerators[m - 1] / denominator`` for months 1..len(numerators)."""

    __slots__ = ("denominator", "numerators")

    def __init__(self, numerators: list[int], denominator: int) -> None:
        self.numerators = numerators
        self.denominator = denominator

    @classmethod
    def from_contributions(
        cls, months: int, steps: list[tuple[int, Fraction]], points: list[tuple[int, Fraction]]
    ) -> Vector:
        """Build from ``steps`` (difference-array entries: value added from that month on) and
        ``points`` (value added in that month only), so each item costs O(1), not O(months)."""
        denominator = math.lcm(1, *(value.denominator for _, value in steps),
                               *(value.denominator for _, value in points))
        differences = [0] * (months + 2)
        for month, value in steps:
            differences[month] += value.numerator * (denominator // value.denominator)
        numerators = [0] * months
        running = 0
        for index in range(months):
            running += differences[index + 1]
            numerators[index] = running
        for month, value in points:
            numerators[month - 1] += value.numerator * (denominator // value.denominator)
        return cls(numerators, denominator)

    def scaled(self, factor: Fraction) -> Vector:
        return Vector([n * factor.numerator for n in self.numerators],
                       self.denominator * factor.denominator)


def combine(terms: Iterable[tuple[int, Vector]]) -> Vector:
    """Σ sign × vector, exactly, over a common denominator."""
    terms = list(terms)
    denominator = math.lcm(1, *(vector.denominator for _, vector in terms))
    numerators = [0] * len(terms[0][1].numerators)
    for sign, vector in terms:
        scale = sign * (denominator // vector.denominator)
        for index, value in enumerate(vector.numerators):
            numerators[index] += value * scale
    return Vector(numerators, denominator)


def prefix_sums(values: Sequence[int]) -> list[int]:
    sums = [0]
    running = 0
    for value in values:
        running += value
        sums.append(running)
    return sums


class PostFlows(NamedTuple):
    """A post's monthly flows: risk-adjusted (× confidence) and unadjusted."""

    adjusted: Vector
    unadjusted: Vector


def post_flows(items: Iterable[LineItem], categories: Sequence[str], months: int, *,
                gains: bool) -> dict[str, PostFlows]:
    """Per post of ``categories``, the exact monthly flows of its items, months 1..``months``.

    Month m of an item (zero outside start_month..end_month, end_month None = ``months``):
    ``once`` = amount × quantity in start_month only; ``monthly`` = amount × quantity;
    ``yearly`` = amount × quantity / 12. For gains, × margin when set, × min(1, k / R) in the
    k-th month for a ramp-up R (not ``once``): that is ``unadjusted``; ``adjusted`` is it ×
    confidence. Costs ignore ramp-up, confidence and margin (``adjusted`` is ``unadjusted``).
    Raises ValueError on a category outside ``categories`` or a start_month below 1.
    """
    contributions: dict[str, tuple[list, list, list, list]] = {
        category: ([], [], [], []) for category in categories
    }
    for item in items:
        if item.category not in contributions:
            kind = "gain" if gains else "cost"
            raise ValueError(f"unknown {kind} category {item.category!r}")
        steps, points, steps_adjusted, points_adjusted = contributions[item.category]
        value = Fraction(item.amount) * Fraction(item.quantity)
        ramp = 0
        confidence = Fraction(1)
        if gains:
            ramp = item.ramp_up_months
            confidence = Fraction(item.confidence)
            if item.margin is not None:
                value *= Fraction(item.margin)
        start = item.start_month
        if start < 1:
            raise ValueError("start_month must be >= 1")
        if start > months or value == 0:
            continue
        recurrence = Recurrence(item.recurrence)
        if recurrence is Recurrence.ONCE:
            points.append((start, value))
            points_adjusted.append((start, value * confidence))
            continue
        if recurrence is Recurrence.YEARLY:
            value /= 12
        last = months if item.end_month is None else min(item.end_month, months)
        # Ramp-up: the k-th month of the gain is worth min(1, k / R) of it, so months
        # k = 1..R−1 are partial and full value starts at k = R.
        full_from = start + max(ramp - 1, 0)
        for month in range(start, min(full_from - 1, last) + 1):
            partial = value * Fraction(month - start + 1, ramp)
            points.append((month, partial))
            points_adjusted.append((month, partial * confidence))
        if full_from <= last:
            steps.extend(((full_from, value), (last + 1, -value)))
            adjusted = value * confidence
            steps_adjusted.extend(((full_from, adjusted), (last + 1, -adjusted)))
    flows = {}
    for category, (steps, points, steps_adjusted, points_adjusted) in contributions.items():
        unadjusted = Vector.from_contributions(months, steps, points)
        adjusted = (
            Vector.from_contributions(months, steps_adjusted, points_adjusted)
            if gains else unadjusted
        )
        flows[category] = PostFlows(adjusted, unadjusted)
    return flows


def item_totals(case: Case) -> list[tuple[Decimal, Decimal]]:
    """Each line's total over the case's horizon H, costs first then gains, in case order:
    ``(total, total_unadjusted)`` in the case's currency — for a gain, the risk-adjusted total
    Σ_{m<=H} value_m × confidence and the total before confidence; for a cost both are equal.
    Same rules as :func:`roi.calculation.compute` (the per-post totals are the sums of these).
    """
    totals = []
    for items, gains in ((case.costs, False), (case.gains, True)):
        categories = GAIN_CATEGORIES if gains else COST_CATEGORIES
        for item in items:
            if item.category not in categories:
                raise ValueError(f"unknown {'gain' if gains else 'cost'} category "
                                 f"{item.category!r}")
            flows = post_flows((item,), (item.category,), case.horizon_months, gains=gains)
            adjusted, unadjusted = flows[item.category]
            totals.append((
                to_decimal(Fraction(sum(adjusted.numerators), adjusted.denominator)),
                to_decimal(Fraction(sum(unadjusted.numerators), unadjusted.denominator)),
            ))
    return totals
