"""How line items fall into months (method §2), as exact rational monthly vectors.

A :class:`Vector` holds integer numerators over one common denominator, so sums are integer
additions and every figure derived from them is exact; see :mod:`roi.calculation.engine`.

Each item is first reduced to a :class:`Line`: its months and a *unit* value, an exact
rational, such that its k-th active month is worth ``unit × min(k, ramp)``. Building a vector
is then integer arithmetic only (no :class:`~fractions.Fraction` per month), and a line's total
over a horizon has a closed form (:meth:`Line.weight_sum`), so per-line totals need no vector.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from roi.calculation.model import COST_CATEGORIES, GAIN_CATEGORIES, Case, LineItem, Recurrence
from roi.calculation.money import ratio_to_decimal

__all__ = [
    "Line",
    "PostFlows",
    "Vector",
    "combine",
    "common_denominator",
    "item_totals",
    "lines_of",
    "monthly_numerators",
    "post_flows",
    "prefix_sums",
]


class Vector:
    """Monthly values ``numerators[m - 1] / denominator`` for months 1..len(numerators)."""

    __slots__ = ("denominator", "numerators")

    def __init__(self, numerators: list[int], denominator: int) -> None:
        self.numerators = numerators
        self.denominator = denominator

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


# A dict rather than ``Recurrence(value)``: it accepts the enum and its plain string alike, and
# a lookup is several times cheaper than the enum's constructor on a 2 000-line case.
_RECURRENCES = {recurrence: recurrence for recurrence in Recurrence}


class Line(NamedTuple):
    """One item's monthly values in integers (method §2).

    In its k-th active month (k = m − start + 1, for start <= m <= last) the line is worth
    ``unit × min(k, ramp)`` unadjusted and × confidence adjusted, where ``unit`` =
    ``numerator / denominator`` is the monthly value (amount × quantity × margin, / 12 when
    yearly) divided by the ramp-up R (``ramp`` = R when R >= 2, else 1: ``min(1, k / R)`` is
    then always 1). ``last`` is inclusive, None for "runs on"; ``once`` lines have
    ``last == start`` and ``ramp == 1``. ``adjusted_*`` is the unit × confidence, reduced.
    """

    category: str
    start: int
    last: int | None
    ramp: int
    numerator: int
    denominator: int
    adjusted_numerator: int
    adjusted_denominator: int

    def active_months(self, months: int) -> int:
        """How many of months 1..``months`` the line is active in."""
        last = months if self.last is None or self.last > months else self.last
        return max(0, last - self.start + 1)

    def weight_sum(self, months: int) -> int:
        """Σ min(k, ramp) over the line's active months within 1..``months``: the total over
        the horizon is ``unit × weight_sum``. The k < ramp months are a triangular number
        p(p + 1)/2 with p = min(ramp − 1, n), the n − p others weigh ``ramp`` each."""
        last = months if self.last is None or self.last > months else self.last
        active = max(0, last - self.start + 1)
        partial = min(self.ramp - 1, active)
        return partial * (partial + 1) // 2 + (active - partial) * self.ramp


def _reduced(numerator: int, denominator: int) -> tuple[int, int]:
    divisor = math.gcd(numerator, denominator)
    return numerator // divisor, denominator // divisor


def lines_of(items: Iterable[LineItem], categories: Sequence[str], *,
             gains: bool) -> list[Line]:
    """The :class:`Line` of every item that has a value, in item order (zero-valued items
    fall in no month, so they have none). Costs ignore ramp-up, confidence and margin.
    Raises ValueError on a category outside ``categories`` or a start_month below 1."""
    known = set(categories)
    lines = []
    for item in items:
        if item.category not in known:
            kind = "gain" if gains else "cost"
            raise ValueError(f"unknown {kind} category {item.category!r}")
        amount, amount_denominator = item.amount.as_integer_ratio()
        quantity, quantity_denominator = item.quantity.as_integer_ratio()
        numerator = amount * quantity
        denominator = amount_denominator * quantity_denominator
        if gains and item.margin is not None:
            margin, margin_denominator = item.margin.as_integer_ratio()
            numerator *= margin
            denominator *= margin_denominator
        start = item.start_month
        if start < 1:
            raise ValueError("start_month must be >= 1")
        if numerator == 0:
            continue
        try:
            recurrence = _RECURRENCES[item.recurrence]
        except KeyError:
            raise ValueError(f"{item.recurrence!r} is not a valid Recurrence") from None
        ramp = 1
        if recurrence is Recurrence.ONCE:
            last: int | None = start
        else:
            last = item.end_month
            if recurrence is Recurrence.YEARLY:
                denominator *= 12
            if gains and item.ramp_up_months >= 2:
                ramp = item.ramp_up_months
                denominator *= ramp
        numerator, denominator = _reduced(numerator, denominator)
        adjusted_numerator, adjusted_denominator = numerator, denominator
        if gains:
            confidence, confidence_denominator = item.confidence.as_integer_ratio()
            adjusted_numerator, adjusted_denominator = _reduced(
                numerator * confidence, denominator * confidence_denominator)
        lines.append(Line(item.category, start, last, ramp, numerator, denominator,
                          adjusted_numerator, adjusted_denominator))
    return lines


def monthly_numerators(lines: Iterable[Line], months: int, denominator: int, *,
                       adjusted: bool) -> list[int]:
    """Σ of the lines' values (``adjusted``: × confidence) for months 1..``months``, as
    numerators over ``denominator``, which must be a multiple of every line's (adjusted)
    denominator. Full-value months go through a difference array, so a line costs O(ramp),
    not O(months)."""
    numerators = [0] * months
    steps = [0] * (months + 1)  # steps[i]: value added from month i + 1 on
    for line in lines:
        start = line.start
        if start > months:
            continue
        if adjusted:
            unit = line.adjusted_numerator * (denominator // line.adjusted_denominator)
        else:
            unit = line.numerator * (denominator // line.denominator)
        last = months if line.last is None or line.last > months else line.last
        full_from = start + line.ramp - 1  # the first month at full value (k = ramp)
        for month in range(start, min(full_from - 1, last) + 1):
            numerators[month - 1] += unit * (month - start + 1)
        if full_from <= last:
            full = unit * line.ramp
            steps[full_from - 1] += full
            steps[last] -= full
    running = 0
    for index in range(months):
        running += steps[index]
        numerators[index] += running
    return numerators


def common_denominator(lines: Iterable[Line], months: int, *, adjusted: bool) -> int:
    """The least common denominator of the (adjusted) units of the lines with a value within
    months 1..``months``: that of all their monthly values (a ramp-up's first month is worth
    exactly one unit, every other month a whole multiple of it)."""
    active = [line for line in lines if line.active_months(months)]
    if adjusted:
        return math.lcm(1, *(line.adjusted_denominator for line in active))
    return math.lcm(1, *(line.denominator for line in active))


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
    by_post: dict[str, list[Line]] = {category: [] for category in categories}
    for line in lines_of(items, categories, gains=gains):
        by_post[line.category].append(line)
    flows = {}
    for category, lines in by_post.items():
        denominator = common_denominator(lines, months, adjusted=False)
        unadjusted = Vector(monthly_numerators(lines, months, denominator, adjusted=False),
                            denominator)
        adjusted = unadjusted
        if gains:
            denominator = common_denominator(lines, months, adjusted=True)
            adjusted = Vector(monthly_numerators(lines, months, denominator, adjusted=True),
                              denominator)
        flows[category] = PostFlows(adjusted, unadjusted)
    return flows


def item_totals(case: Case) -> list[tuple[Decimal, Decimal]]:
    """Each line's total over the case's horizon H, costs first then gains, in case order:
    ``(total, total_unadjusted)`` in the case's currency — for a gain, the risk-adjusted total
    Σ_{m<=H} value_m × confidence and the total before confidence; for a cost both are equal.
    Same rules as :func:`roi.calculation.compute` (the per-post totals are the sums of these).

    Closed form, no monthly vector: total = unit × Σ_k min(k, ramp) (see :class:`Line`).
    """
    horizon = case.horizon_months
    totals = []
    for items, categories, gains in ((case.costs, COST_CATEGORIES, False),
                                     (case.gains, GAIN_CATEGORIES, True)):
        for item in items:
            lines = lines_of((item,), categories, gains=gains)
            if not lines:  # an item without value falls in no month
                zero = ratio_to_decimal(0, 1)
                totals.append((zero, zero))
                continue
            line = lines[0]
            weight = line.weight_sum(horizon)
            total = ratio_to_decimal(line.adjusted_numerator * weight, line.adjusted_denominator)
            unadjusted = total if not gains else ratio_to_decimal(line.numerator * weight,
                                                                 line.denominator)
            totals.append((total, unadjusted))
    return totals
