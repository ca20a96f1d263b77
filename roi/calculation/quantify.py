"""Quantification helpers for gains: turn a few operational inputs into a yearly gain.

Each returns the yearly amount (a profit or a saving, never turnover: revenue-based gains take a
margin) and the formula with its inputs, which becomes the line's assumption text so that a
CFO can redo the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEFAULT_WORKING_WEEKS = Decimal(45)


@dataclass(frozen=True)
class Quantified:
    code: str
    category: str  # the gain post the result belongs to
    yearly_amount: Decimal
    inputs: tuple[tuple[str, Decimal], ...]  # (input code, value), in formula order


def time_saved(*, hours_per_week: Decimal, people: Decimal, loaded_hourly_cost: Decimal,
               working_weeks: Decimal = DEFAULT_WORKING_WEEKS) -> Quantified:
    """Yearly value of time saved = hours saved per week per person × people ×
    loaded hourly cost (€/h, salary + charges) × working weeks per year."""
    amount = hours_per_week * people * loaded_hourly_cost * working_weeks
    return Quantified("time_saved", "productivity", amount, (
        ("hours_per_week", hours_per_week), ("people", people),
        ("loaded_hourly_cost", loaded_hourly_cost), ("working_weeks", working_weeks)))


def conversion_uplift(*, opportunities_per_year: Decimal, uplift_rate: Decimal,
                      average_deal: Decimal, margin_rate: Decimal) -> Quantified:
    """Yearly margin from better conversion = opportunities per year × conversion uplift
    (a rate: +3 points = 0.03) × average deal (€) × margin rate (so the gain is profit)."""
    amount = opportunities_per_year * uplift_rate * average_deal * margin_rate
    return Quantified("conversion_uplift", "conversion", amount, (
        ("opportunities_per_year", opportunities_per_year), ("uplift_rate", uplift_rate),
        ("average_deal", average_deal), ("margin_rate", margin_rate)))


def churn_reduction(*, customers: Decimal, churn_drop_rate: Decimal,
                    annual_revenue_per_customer: Decimal, margin_rate: Decimal) -> Quantified:
    """Yearly margin kept = customers × churn drop (a rate: −2 points = 0.02) × annual revenue
    per customer (€) × margin rate."""
    amount = customers * churn_drop_rate * annual_revenue_per_customer * margin_rate
    return Quantified("churn_reduction", "retention", amount, (
        ("customers", customers), ("churn_drop_rate", churn_drop_rate),
        ("annual_revenue_per_customer", annual_revenue_per_customer),
        ("margin_rate", margin_rate)))


def acquisition_cost_reduction(*, new_customers_per_year: Decimal, cac_drop: Decimal
                               ) -> Quantified:
    """Yearly saving on acquisition = new customers per year × drop of the cost of acquiring
    one customer (CAC, €)."""
    amount = new_customers_per_year * cac_drop
    return Quantified("acquisition_cost_reduction", "marketing", amount, (
        ("new_customers_per_year", new_customers_per_year), ("cac_drop", cac_drop)))


HELPERS = {
    "time_saved": time_saved,
    "conversion_uplift": conversion_uplift,
    "churn_reduction": churn_reduction,
    "acquisition_cost_reduction": acquisition_cost_reduction,
}
