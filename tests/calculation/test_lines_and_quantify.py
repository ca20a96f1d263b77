"""Per-line totals (the wizard shows them next to each line) and the quantification helpers."""

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings

from roi.calculation import compute, item_totals
from roi.calculation.quantify import HELPERS

from .factories import MONTHLY, apogea, case, cost, gain
from .strategies import cases


def test_item_totals_in_case_order_costs_first():
    totals = item_totals(case(12, costs=[cost("software", 100, MONTHLY)],
                              gains=[gain("productivity", 1000, confidence=Decimal("0.5"),
                                          start_month=7)]))

    assert totals == [(Decimal(1200), Decimal(1200)), (Decimal(3000), Decimal(6000))]


def test_item_totals_of_apogea():
    assert [total for total, _ in item_totals(apogea(12))] == [
        12000, 18000, 5000, 3000, 7000, 18000, 22000, 6000, 9000,
    ]


@settings(max_examples=100, deadline=None)
@given(cases())
def test_item_totals_add_up_to_the_post_totals(case_):
    totals = item_totals(case_)
    result = compute(case_)
    lines = list(zip((*case_.costs, *case_.gains), totals, strict=True))

    with localcontext(prec=80):
        for post in (*result.costs_by_post, *result.gains_by_post):
            mine = [t for item, t in lines if item.category == post.category]
            assert abs(sum(t for t, _ in mine) - post.total) < Decimal("1e-25")
            assert abs(sum(u for _, u in mine) - post.total_unadjusted) < Decimal("1e-25")


def test_item_totals_refuse_an_unknown_category():
    with pytest.raises(ValueError, match="unknown gain category"):
        item_totals(case(12, gains=[gain("software", 1)]))


def test_time_saved():
    # 2 h a week × 10 sales reps × 45 €/h × 45 weeks = 40 500 € a year.
    result = HELPERS["time_saved"](hours_per_week=Decimal(2), people=Decimal(10),
                                   loaded_hourly_cost=Decimal(45), working_weeks=Decimal(45))

    assert result.yearly_amount == Decimal(40500)
    assert [name for name, _ in result.inputs] == [
        "hours_per_week", "people", "loaded_hourly_cost", "working_weeks"]
    assert result.margin is None


def test_conversion_uplift_counts_the_margin_not_the_revenue():
    # 400 opportunities × 5 points × 12 000 € × 30 % margin = 72 000 € of margin a year.
    result = HELPERS["conversion_uplift"](
        opportunities_per_year=Decimal(400), uplift_rate=Decimal("0.05"),
        average_deal=Decimal(12000), margin_rate=Decimal("0.30"))

    assert result.yearly_amount == Decimal(72000)
    assert result.margin == Decimal("0.30")


def test_churn_reduction():
    # 500 customers × 2 points of churn × 8 000 € × 40 % = 32 000 € of margin kept a year.
    result = HELPERS["churn_reduction"](
        customers=Decimal(500), churn_drop_rate=Decimal("0.02"),
        annual_revenue_per_customer=Decimal(8000), margin_rate=Decimal("0.40"))

    assert result.yearly_amount == Decimal(32000)


def test_acquisition_cost_reduction():
    result = HELPERS["acquisition_cost_reduction"](new_customers_per_year=Decimal(120),
                                                   cac_drop=Decimal("85.50"))

    assert result.yearly_amount == Decimal(10260)
