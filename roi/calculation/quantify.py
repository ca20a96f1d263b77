"""Quantification helpers: from a few business inputs to a yearly gain (seeds 000, 001, 003).

Each helper returns a :class:`Quantified`: the yearly amount, in currency per year, and the
inputs it was computed from (so the line's assumption can show the formula). Inputs are
Decimals; rates are fractions (0.05 = 5 points of conversion). The arithmetic is exact (a
40-digit context, far beyond any bounded input); round only for display.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

__all__ = [
    "HELPERS",
    "Quantified",
    "acquisition_cost_reduction",
    "churn_reduction",
    "conversion_uplift",
    "time_saved",
]

_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True)
class Quantified:
    """A helper's result.

    ``yearly_amount``: the gain in currency per year (profit: a margin, when the helper takes
    one, is already applied). ``inputs``: ``(name, value)`` in the formula's order.
    ``margin``: the margin rate included in ``yearly_amount``, or None.
    """

    yearly_amount: Decimal
    inputs: tuple[tuple[str, Decimal], ...]
    margin: Decimal | None = None

    @property
    def yearly_revenue(self) -> Decimal:
        """The yearly amount before the margin (yearly_amount / margin): what a line stores
        as its amount when it carries the margin itself."""
        if self.margin is None:
            return self.yearly_amount
        return _CONTEXT.divide(self.yearly_amount, self.margin)


def _product(*factors: Decimal) -> Decimal:
    result = Decimal(1)
    for factor in factors:
        result = _CONTEXT.multiply(result, Decimal(factor))
    return result


def time_saved(*, hours_per_week: Decimal, people: Decimal, loaded_hourly_cost: Decimal,
               working_weeks: Decimal) -> Quantified:
    """Productivity: hours saved a week per person × people × loaded hourly cost (currency per
    hour) × working weeks a year = currency a year of time given back to selling."""
    return Quantified(
        _product(hours_per_week, people, loaded_hourly_cost, working_weeks),
        (("hours_per_week", hours_per_week), ("people", people),
         ("loaded_hourly_cost", loaded_hourly_cost), ("working_weeks", working_weeks)),
    )


def conversion_uplift(*, opportunities_per_year: Decimal, uplift_rate: Decimal,
                      average_deal: Decimal, margin_rate: Decimal) -> Quantified:
    """Conversion: opportunities a year × uplift of the conversion rate (fraction, in points)
    × average deal (currency) × margin rate (fraction) = margin a year from the extra deals."""
    return Quantified(
        _product(opportunities_per_year, uplift_rate, average_deal, margin_rate),
        (("opportunities_per_year", opportunities_per_year), ("uplift_rate", uplift_rate),
         ("average_deal", average_deal), ("margin_rate", margin_rate)),
        margin=margin_rate,
    )


def churn_reduction(*, customers: Decimal, churn_drop_rate: Decimal,
                    annual_revenue_per_customer: Decimal, margin_rate: Decimal) -> Quantified:
    """Retention: customers × drop of the annual churn rate (fraction, in points) × annual
    revenue per customer (currency) × margin rate (fraction) = margin kept a year."""
    return Quantified(
        _product(customers, churn_drop_rate, annual_revenue_per_customer, margin_rate),
        (("customers", customers), ("churn_drop_rate", churn_drop_rate),
         ("annual_revenue_per_customer", annual_revenue_per_customer),
         ("margin_rate", margin_rate)),
        margin=margin_rate,
    )


def acquisition_cost_reduction(*, new_customers_per_year: Decimal,
                               cac_drop: Decimal) -> Quantified:
    """Marketing: new customers a year × drop of the acquisition cost per customer (currency)
    = currency saved a year (seed 003: CAC)."""
    return Quantified(
        _product(new_customers_per_year, cac_drop),
        (("new_customers_per_year", new_customers_per_year), ("cac_drop", cac_drop)),
    )


HELPERS: dict[str, Callable[..., Quantified]] = {
    "time_saved": time_saved,
    "conversion_uplift": conversion_uplift,
    "churn_reduction": churn_reduction,
    "acquisition_cost_reduction": acquisition_cost_reduction,
}
