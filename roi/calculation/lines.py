"""Per-line totals, for the wizard's tables: what each line weighs over the horizon."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from roi.calculation.engine import _post_flows
from roi.calculation.model import Case, LineItem
from roi.calculation.money import to_decimal


def _total(item: LineItem, months: int, *, gains: bool) -> tuple[Decimal, Decimal]:
    flows = _post_flows([item], [item.category], months, gains=gains)[item.category]
    adjusted = Fraction(sum(flows.adjusted.numerators), flows.adjusted.denominator)
    unadjusted = Fraction(sum(flows.unadjusted.numerators), flows.unadjusted.denominator)
    return to_decimal(adjusted), to_decimal(unadjusted)


def item_totals(case: Case) -> list[tuple[Decimal, Decimal]]:
    """For each line of ``case.costs`` then ``case.gains``, in order: (total over the horizon,
    unadjusted total) — Σ of the line's monthly values (method §2); for a gain the first is
    risk-adjusted (× confidence), for a cost both are equal. Sums exactly to the post totals."""
    months = case.horizon_months
    return ([_total(item, months, gains=False) for item in case.costs]
            + [_total(item, months, gains=True) for item in case.gains])
