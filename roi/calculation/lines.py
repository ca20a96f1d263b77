"""How line items fall into months (method §2), as exact rational monthly vectors.

A :class:`Vector` holds integer numerators over one common denominator, so sums are integer
additions and every figure derived from them is exact; see :mod:`roi.calculation.engine`.

Each item is first reduced to a :class:`Line`: its months and a *unit* value, an exact
rational, such that its k-th active month is worth ``unit × min(k, ramp)``. Building a vector
is then integer arithmetic only (no :class:`~fractions.Fraction` per month), and a line's total
over a horizon has a closed form (:meth:`Line.weight_sum`), so per-line totals need no vector.
"""

from __future__ import annotations

import itertools
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
    "Term",
    "Vector",
    "combine",
    "common_denominator",
    "item_totals",
    "line_of",
    "lines_of",
    "monthly_sums",
    "post_flows",
    "prefix_sums",
    "unit_terms",
    "weight_sum",
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
    """``[0, v_1, v_1 + v_2, …]``: index m holds the sum of the first m values."""
    return list(itertools.accumulate(values, initial=0))


class PostFlows(NamedTuple):
    """A post's monthly flows: risk-adjusted (× confidence) and unadjusted."""

    adjusted: Vector
    unadjusted: Vector


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

    def active_in(self, months: int) -> bool:
        """Whether the line has a value in one of months 1..``months``."""
        return self.start <= months and (self.last is None or self.last >= self.start)

    def weight_sum(self, months: int) -> int:
        """Σ min(k, ramp) over the line's active months within 1..``months``: the line's total
        over those months is ``unit × weight_sum`` (see :func:`weight_sum`)."""
        return weight_sum(self.start, self.last, self.ramp, months)


def weight_sum(start: int, last: int | None, ramp: int, months: int) -> int:
    """Σ_k min(k, ramp) over the months start..min(last, months) (k = m − start + 1).

    With n such months and p = min(ramp − 1, n) of them in the ramp-up, the ramp-up months
    weigh 1 + 2 + … + p = p(p + 1)/2 and the n − p others ``ramp`` each.
    """
    end = months if last is None or last > months else last
    active = end - start + 1
    if active <= 0:
        return 0
    partial = min(ramp - 1, active)
    return partial * (partial + 1) // 2 + (active - partial) * ramp


_RECURRENCES = (Recurrence.ONCE, Recurrence.MONTHLY, Recurrence.YEARLY)


def line_of(item: LineItem, *, gains: bool) -> Line | None:
    """The :class:`Line` of ``item``, None when it has no value (then it falls in no month).
    Costs ignore ramp-up, confidence and margin. The category is not checked here (see
    :func:`lines_of`). Raises ValueError on a start_month below 1 or an unknown recurrence."""
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
        return None
    recurrence = item.recurrence
    if recurrence not in _RECURRENCES:  # neither a member nor its text: ValueError
        recurrence = Recurrence(recurrence)
    ramp = 1
    if recurrence == Recurrence.ONCE:
        last: int | None = start
    else:
        last = item.end_month
        if recurrence == Recurrence.YEARLY:
            denominator *= 12
        if gains and item.ramp_up_months >= 2:
            ramp = item.ramp_up_months
            denominator *= ramp
    divisor = math.gcd(numerator, denominator)
    numerator //= divisor
    denominator //= divisor
    if not gains:
        return Line(item.category, start, last, ramp, numerator, denominator, numerator,
                    denominator)
    confidence, confidence_denominator = item.confidence.as_integer_ratio()
    adjusted_numerator = numerator * confidence
    adjusted_denominator = denominator * confidence_denominator
    divisor = math.gcd(adjusted_numerator, adjusted_denominator)
    return Line(item.category, start, last, ramp, numerator, denominator,
                adjusted_numerator // divisor, adjusted_denominator // divisor)


def lines_of(items: Iterable[LineItem], categories: Sequence[str], *,
             gains: bool) -> list[Line]:
    """The :class:`Line` of every item that has a value, in item order.
    Raises ValueError on a category outside ``categories`` (or see :func:`line_of`)."""
    return [line for line in _lines_or_none(items, categories, gains=gains) if line is not None]


def common_denominator(lines: Iterable[Line], *, adjusted: bool) -> int:
    """The least common denominator of the lines' (adjusted) units: that of all their monthly
    values, when each line has a month (a ramp-up's first month is worth exactly one unit,
    every other month a whole multiple of it)."""
    if adjusted:
        return math.lcm(1, *(line.adjusted_denominator for line in lines))
    return math.lcm(1, *(line.denominator for line in lines))


# A line over a common denominator: (category, start, last, ramp, unit numerator).
Term = tuple[str, int, int | None, int, int]


def unit_terms(lines: Iterable[Line], denominator: int, *, adjusted: bool) -> list[Term]:
    """Each line as ``(category, start, last, ramp, unit)`` with its (adjusted) unit as a
    numerator over ``denominator``, a multiple of every line's (adjusted) denominator."""
    if adjusted:
        return [(line.category, line.start, line.last, line.ramp,
                 line.adjusted_numerator * (denominator // line.adjusted_denominator))
                for line in lines]
    return [(line.category, line.start, line.last, line.ramp,
             line.numerator * (denominator // line.denominator)) for line in lines]


def monthly_sums(terms: Iterable[Term], months: int) -> list[int]:
    """Σ of the terms' values for months 1..``months`` (month m of a term: unit × min(k, ramp),
    k = m − start + 1, for start <= m <= last), as numerators over the terms' denominator.
    Full-value months go through a difference array, so a term costs O(ramp), not O(months)."""
    numerators = [0] * months
    steps = [0] * (months + 1)  # steps[i]: value added from month i + 1 on
    for _, start, last, ramp, unit in terms:
        if start > months:
            continue
        if last is None or last > months:
            last = months
        full_from = start + ramp - 1  # the first month at full value (k = ramp)
        if ramp > 1:
            for month in range(start, min(full_from - 1, last) + 1):
                numerators[month - 1] += unit * (month - start + 1)
        if full_from <= last:
            full = unit * ramp
            steps[full_from - 1] += full
            steps[last] -= full
    running = 0
    for index in range(months):
        running += steps[index]
        numerators[index] += running
    return numerators


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
        if line.active_in(months):
            by_post[line.category].append(line)
    flows = {}
    for category, lines in by_post.items():
        vectors = []
        for adjusted in (False, True) if gains else (False,):
            denominator = common_denominator(lines, adjusted=adjusted)
            terms = unit_terms(lines, denominator, adjusted=adjusted)
            vectors.append(Vector(monthly_sums(terms, months), denominator))
        flows[category] = PostFlows(vectors[-1], vectors[0])
    return flows


def item_totals(case: Case) -> list[tuple[Decimal, Decimal]]:
    """Each line's total over the case's horizon H, costs first then gains, in case order:
    ``(total, total_unadjusted)`` in the case's currency — for a gain, the risk-adjusted total
    Σ_{m<=H} value_m × confidence and the total before confidence; for a cost both are equal.
    Same rules as :func:`roi.calculation.compute` (the per-post totals are the sums of these).

    Closed form, no monthly vector: total = unit × Σ_k min(k, ramp) (see :class:`Line`).
    """
    horizon = case.horizon_months
    zero = ratio_to_decimal(0, 1)
    totals = []
    for items, categories, gains in ((case.costs, COST_CATEGORIES, False),
                                     (case.gains, GAIN_CATEGORIES, True)):
        for line in _lines_or_none(items, categories, gains=gains):
            if line is None:  # an item without value falls in no month
                totals.append((zero, zero))
                continue
            weight = line.weight_sum(horizon)
            total = ratio_to_decimal(line.adjusted_numerator * weight, line.adjusted_denominator)
            unadjusted = (ratio_to_decimal(line.numerator * weight, line.denominator) if gains
                          else total)
            totals.append((total, unadjusted))
    return totals


def _lines_or_none(items: Iterable[LineItem], categories: Sequence[str], *,
                   gains: bool) -> list[Line | None]:
    """:func:`line_of` of each item, in order, after checking its category."""
    known = set(categories)
    lines = []
    for item in items:
        if item.category not in known:
            kind = "gain" if gains else "cost"
            raise ValueError(f"unknown {kind} category {item.category!r}")
        lines.append(line_of(item, gains=gains))
    return lines
